"""Publish one edition of the book: validate the plan, run the chapters, build HTML and PDF.

Everything is produced in a staging folder first; book/ and _build/ are replaced only
when every chapter ran and both builds passed, so a failure never loses the last good book.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import papermill
import yaml

from .plan import Plan, load_plan

# Beside book/ (same depth), so the chapters' relative plan path resolves the same in both.
STAGING = ".edicion"
# The edition's own _config.yml (title from the plan), written beside the staging folder.
CONFIG = ".edicion.yml"
PARAMETER_TAGS = {"parameters", "injected-parameters"}
# Metadata papermill and Jupyter write that changes from run to run.
VOLATILE_CELL_KEYS = ("papermill", "execution")


class EditionError(Exception):
    """The edition could not be published; the previous book is left as it was."""


class ChapterError(EditionError):
    """A chapter notebook failed to run."""

    def __init__(self, stem: str, title: str, cause: str):
        self.stem = stem
        super().__init__(f"El capítulo «{title}» ({stem}.ipynb) falló: {cause}")


def chapter_stems(toc: Path) -> list[str]:
    """The chapter files of a jb-book _toc.yml, in reading order."""
    spec = yaml.safe_load(toc.read_text(encoding="utf-8"))

    def walk(entries: list[dict]) -> list[str]:
        stems = []
        for entry in entries or []:
            if "file" in entry:
                stems.append(Path(entry["file"]).with_suffix("").as_posix())
            stems += walk(entry.get("sections", []))
            stems += walk(entry.get("chapters", []))
        return stems

    return [Path(spec["root"]).with_suffix("").as_posix()] + walk(spec.get("parts", [])) + walk(
        spec.get("chapters", [])
    )


def chapter_title(notebook: nbformat.NotebookNode, stem: str) -> str:
    """The first Markdown heading, as the reader sees it in the table of contents."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return stem


def scrub(notebook: nbformat.NotebookNode) -> None:
    """Drop run-specific metadata and hide the parameter cells from readers."""
    notebook.metadata["papermill"] = {"parameters": notebook.metadata.get("papermill", {}).get("parameters", {})}
    for index, cell in enumerate(notebook.cells):
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        tags = cell.metadata.get("tags", [])
        if PARAMETER_TAGS & set(tags):
            if "remove-cell" not in tags:
                cell.metadata["tags"] = [*tags, "remove-cell"]
            if "injected-parameters" in tags:
                # papermill gives the injected cell a random id on every run.
                cell["id"] = "injected-parameters"


def _run_chapter(source: Path, target: Path, stem: str, title: str, parameters: dict, cwd: Path) -> None:
    notebook = nbformat.read(source, as_version=4)
    if not any("parameters" in c.metadata.get("tags", []) for c in notebook.cells):
        raise ChapterError(stem, title, "no tiene una celda con la etiqueta «parameters».")
    try:
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(cwd),
            progress_bar=False,
            # Keeps the kernel's start-up notices out of the one-line-per-chapter progress.
            extra_arguments=["--log-level=ERROR"],
        )
    except papermill.PapermillExecutionError as exc:
        raise ChapterError(stem, title, f"{exc.ename}: {exc.evalue} (celda {exc.exec_count})") from exc
    except Exception as exc:  # kernel death, unreadable notebook…: still name the chapter
        raise ChapterError(stem, title, f"{type(exc).__name__}: {exc}") from exc
    executed = nbformat.read(target, as_version=4)
    scrub(executed)
    nbformat.write(executed, target)


def source_date_epoch(root: Path, edition_year: int) -> str:
    """Date stamped in the book: SOURCE_DATE_EPOCH, else the last commit, else 1 January of the edition."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        found = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        found = ""
    return found or str(int(datetime(edition_year, 1, 1, tzinfo=timezone.utc).timestamp()))


def edition_config(root: Path, plan: Plan, edition_year: int, target: Path) -> Path:
    """_config.yml with the title and title-page line of this plan and edition, written to `target`."""
    settings = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    settings["title"] = f"{plan.info['titulo']} — Libro analítico"
    settings["author"] = f"Edición {edition_year} · {plan.info['institucion']} ({plan.info['siglas']})"
    target.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _jupyter_book(staging: Path, root: Path, config: Path, builder: str, env: dict) -> None:
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build", str(staging),
        "--config", str(config),
        "--path-output", str(staging),
        "--builder", builder,
        "-W", "-n", "--keep-going",
    ]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    log = staging / f"{builder}.log"
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-25:])
        raise EditionError(
            f"La construcción del libro ({builder}) falló; registro completo en "
            f"{log.relative_to(root)}:\n{tail}"
        )


def pdf_filename(config: Path) -> str:
    """The PDF named by latex_documents.targetname in _config.yml (Jupyter Book's default: book)."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    target = settings.get("latex", {}).get("latex_documents", {}).get("targetname", "book.tex")
    return Path(target).with_suffix(".pdf").name


def _replace_tree(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".anterior")
    shutil.rmtree(old, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _step(label: str):
    """Print «label … » now and «listo (2.1 s)» when the step ends."""
    print(f"{label} … ", end="", flush=True)
    start = time.monotonic()
    return lambda: print(f"listo ({time.monotonic() - start:.1f} s)", flush=True)


def build_edition(plan_dir: Path, edition_year: int, root: Path) -> tuple[Path, Path]:
    """Run every chapter for the plan and edition, build the book; return (HTML index, PDF)."""
    root = Path(root).resolve()
    plan_dir = Path(plan_dir)
    plan_dir = (plan_dir if plan_dir.is_absolute() else root / plan_dir).resolve()
    plan = load_plan(plan_dir)
    book, notebooks, staging = root / "book", root / "notebooks", root / STAGING
    stems = chapter_stems(book / "_toc.yml")

    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(book, staging, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "_build"))
    parameters = {"edicion": int(edition_year), "plan": os.path.relpath(plan_dir, book)}
    for number, stem in enumerate(stems, start=1):
        source = notebooks / f"{stem}.ipynb"
        if not source.exists():
            raise ChapterError(stem, stem, f"no existe {source.relative_to(root)}.")
        title = chapter_title(nbformat.read(source, as_version=4), stem)
        done = _step(f"[{number}/{len(stems)}] {title}")
        (staging / stem).parent.mkdir(parents=True, exist_ok=True)
        _run_chapter(source, staging / f"{stem}.ipynb", stem, title, parameters, staging)
        done()

    env = {**os.environ, "SOURCE_DATE_EPOCH": source_date_epoch(root, edition_year)}
    config = edition_config(root, plan, edition_year, root / CONFIG)
    for builder, label in (("html", "Construyendo el libro en HTML"), ("pdflatex", "Construyendo el PDF")):
        done = _step(label)
        _jupyter_book(staging, root, config, builder, env)
        done()
    pdf_name = pdf_filename(root / "_config.yml")
    if not (staging / "_build" / "latex" / pdf_name).is_file():
        raise EditionError(f"La construcción del PDF terminó sin producir {pdf_name}.")

    _replace_tree(staging / "_build" / "html", root / "_build" / "html")
    _replace_tree(staging / "_build" / "latex", root / "_build" / "latex")
    shutil.rmtree(staging / "_build")
    for log in staging.glob("*.log"):
        log.unlink()
    # What is left is the new book/: executed chapters and the files they wrote (downloads).
    _replace_tree(staging, book)
    config.unlink()

    return root / "_build" / "html" / "index.html", root / "_build" / "latex" / pdf_name
