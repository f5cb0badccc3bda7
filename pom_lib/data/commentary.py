"""The analysts' commentary on one plan, kept beside its data, and when it needs review.

Templates print only what holds for any valid plan. What the team concludes about one
particular plan lives in the plan folder, one Markdown file per chapter
(`comentarios/<capitulo>.md`), as blocks:

    ---
    lugar: acciones
    cifras:
      n_acciones: "39"
    ---
    El plan enumera {glue:md}`n_acciones` acciones…

`lugar` names the place in the chapter where the block goes; `cifras` records the values,
as the book printed them, of the chapter figures the analyst had in view when writing —
every figure the text cites, and any other it rests on. When one of them changes (a new
vintage, a corrected figure), the block is *por revisar*: `pom validar` and `pom edicion`
list it and the book holds it back until the analyst rereads it and confirms it
(`pom comentarios --confirmar`), which records the current values. A block may also carry
`revisar:` with the reason it must be reread whatever its figures (`pom nuevo-plan` marks every
block it copies into next year's plan); confirming it removes the mark.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pom_lib.core import paths
from pom_lib.core.errors import PlanError, Problem

FOLDER = "comentarios"
_SEPARATOR = "---"
_GLUE = re.compile(r"\{glue:md\}`([^`]+)`")
_REVIEW = "revisar"


@dataclass(frozen=True)
class Block:
    """One commentary block: where it goes, the figures it was written against, its text."""

    chapter: str
    place: str
    figures: dict[str, str]
    text: str
    file: str
    line: int  # line of the block's opening «---» in its file
    review: str = ""  # why the block must be reread whatever its figures (header «revisar:»)

    @property
    def cited(self) -> list[str]:
        """The glue keys the text prints, in order of first appearance."""
        return list(dict.fromkeys(_GLUE.findall(self.text)))

    def changes(self, values: dict[str, str]) -> list[tuple[str, str, str | None]]:
        """(key, recorded value, current value or None if gone) for every recorded figure that changed."""
        return [
            (key, recorded, values.get(key)) for key, recorded in self.figures.items() if values.get(key) != recorded
        ]

    def render(self, values: dict[str, str]) -> str:
        """The block's Markdown with each cited figure replaced by its current value (glued values are Markdown)."""
        return _GLUE.sub(lambda match: values[match.group(1)], self.text)


@dataclass(frozen=True)
class Review:
    """A block whose figures changed since the analyst wrote it."""

    block: Block
    changes: list[tuple[str, str, str | None]] = field(default_factory=list)

    def __str__(self) -> str:
        changed = "; ".join(
            f"{key}: era {recorded!s}, ahora {current if current is not None else 'ya no existe'}"
            for key, recorded, current in self.changes
        )
        reasons = ([self.block.review] if self.block.review else []) + (
            [f"cambiaron sus cifras ({changed})"] if self.changes else []
        )
        return (
            f"{self.block.file}, línea {self.block.line} (lugar «{self.block.place}»): comentario por revisar, "
            f"{'; '.join(reasons)}"
        )


def commentary_path(plan_folder: Path, chapter: str) -> Path | None:
    """The chapter's commentary file, None when the plan has none; PlanError when it is a link or no file."""
    return paths.folder_file(Path(plan_folder), f"{FOLDER}/{chapter}.md")


def read_blocks(plan_folder: Path, chapter: str) -> list[Block]:
    """The commentary blocks of one chapter (none when the plan has no file for it)."""
    path = commentary_path(plan_folder, chapter)
    if path is None:
        return []
    return parse(path.read_text(encoding="utf-8"), chapter, f"{FOLDER}/{path.name}")


def parse(text: str, chapter: str, file: str) -> list[Block]:
    """Blocks from a commentary file's text; raises PlanError naming the line of each problem."""
    lines = text.splitlines()
    openings = [i for i, line in enumerate(lines) if line.strip() == _SEPARATOR]
    if len(openings) % 2:
        raise PlanError(
            [Problem(file, "falta la línea «---» que cierra el encabezado del comentario", row=openings[-1] + 1)]
        )
    blocks, problems = [], []
    for start, end in zip(openings[::2], openings[1::2]):
        following = [i for i in openings if i > end]
        body_end = following[0] if following else len(lines)
        try:
            header = yaml.safe_load("\n".join(lines[start + 1 : end])) or {}
        except (yaml.YAMLError, RecursionError):  # YAML nested past the parser's limit, too
            problems.append(
                Problem(
                    file,
                    "el encabezado del comentario no se puede leer; escriba «lugar:» y "
                    "«cifras:» como en los demás bloques",
                    row=start + 1,
                )
            )
            continue
        place, figures = (
            header.get("lugar") if isinstance(header, dict) else None,
            header.get("cifras", {}) if isinstance(header, dict) else None,
        )
        if not isinstance(place, str) or not place.strip():
            problems.append(
                Problem(file, "falta «lugar:», el sitio del capítulo donde va el comentario", row=start + 1)
            )
            continue
        if not isinstance(figures, dict):
            problems.append(Problem(file, "«cifras:» debe listar una cifra por línea («clave: valor»)", row=start + 1))
            continue
        body = "\n".join(lines[end + 1 : body_end]).strip()
        block = Block(
            chapter,
            place.strip(),
            {str(k): str(v) for k, v in figures.items()},
            body,
            file,
            start + 1,
            str(header.get(_REVIEW) or ""),
        )
        unrecorded = [key for key in block.cited if key not in block.figures]
        if unrecorded:
            problems.append(
                Problem(
                    file,
                    f"el texto cita {', '.join(unrecorded)} sin registrarlas en «cifras:»; "
                    "agréguelas con el valor que tenían al escribirlo",
                    row=start + 1,
                )
            )
        blocks.append(block)
    if problems:
        raise PlanError(problems)
    return blocks


def reviews(blocks: list[Block], values: dict[str, str]) -> list[Review]:
    """The blocks marked for review or whose recorded figures no longer match the chapter's current values."""
    return [Review(block, block.changes(values)) for block in blocks if block.review or block.changes(values)]


def confirm(plan_folder: Path, chapter: str, values: dict[str, str]) -> int:
    """Record the current values of every block's figures, after the analyst reviewed the text.

    Rewrites only the `cifras:` of blocks that changed; returns how many blocks were confirmed.
    """
    path = commentary_path(plan_folder, chapter)
    blocks = read_blocks(plan_folder, chapter)
    lines = path.read_text(encoding="utf-8").splitlines()
    confirmed = 0
    for block in reversed(blocks):  # from the end, so earlier line numbers stay valid
        if not block.changes(values) and not block.review:
            continue
        start = block.line - 1
        end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == _SEPARATOR)
        figures = {key: values[key] for key in block.figures if key in values}
        lines[start + 1 : end] = header_lines(block.place, figures)
        confirmed += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return confirmed


def header_lines(place: str, figures: dict[str, str]) -> list[str]:
    """A block's header; figures as double-quoted strings (JSON strings are valid YAML), as the book prints them."""
    if not figures:
        return [f"lugar: {place}", "cifras: {}"]
    return [
        f"lugar: {place}",
        "cifras:",
        *(f"  {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in figures.items()),
    ]


def mark_for_review(text: str, file: str, reason: str) -> str:
    """A commentary file's text with every block marked «revisar: reason» (a block already marked keeps its mark)."""
    lines = text.splitlines()
    for block in reversed(parse(text, Path(file).stem, file)):
        if not block.review:
            lines.insert(block.line, f"{_REVIEW}: {json.dumps(reason, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
