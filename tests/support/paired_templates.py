"""Whether every chapter template's MyST text says what its notebook says: `make revision` (and pre-commit).

A reviewer reads and edits notebooks/<capítulo>.md; papermill runs notebooks/<capítulo>.ipynb. The pair is
kept by jupytext (jupytext.toml); both files are written out as MyST and compared, so a .md edited without
`jupytext --sync`, or a notebook edited in Jupyter without it, fails here with the file and the command to run.

    .venv/bin/python -m tests.support.paired_templates [notebooks]
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import jupytext

SYNC = ".venv/bin/jupytext --sync"
SHOWN_LINES = 40


def _as_myst(path: Path) -> list[str]:
    return jupytext.writes(jupytext.read(path), "md:myst").splitlines(keepends=True)


def pair_problems(notebooks: Path) -> list[str]:
    """One Spanish message for each template whose .md and .ipynb are missing one another or disagree."""
    problems = []
    for stem in sorted({path.stem for path in [*notebooks.glob("*.ipynb"), *notebooks.glob("*.md")]}):
        notebook, text = notebooks / f"{stem}.ipynb", notebooks / f"{stem}.md"
        if not text.is_file():
            problems.append(f"Falta {text}, el texto de {notebook}: corra `{SYNC} {notebook}` y confirme el .md.")
        elif not notebook.is_file():
            problems.append(f"Falta {notebook}, el cuaderno de {text}: corra `{SYNC} {text}` y confirme el .ipynb.")
        elif (mine := _as_myst(notebook)) != (theirs := _as_myst(text)):
            diff = list(difflib.unified_diff(mine, theirs, str(notebook), str(text)))
            problems.append(
                f"{text} y {notebook} dicen cosas distintas. Si editó el .md, corra `{SYNC} {text}`; si editó "
                f"el .ipynb, `{SYNC} {notebook}`; luego confirme los dos. Diferencia (el .ipynb como MyST, luego "
                "el .md):\n" + "".join(diff[:SHOWN_LINES]) + ("…\n" if len(diff) > SHOWN_LINES else "")
            )
    return problems


def main(argv: list[str]) -> int:
    problems = pair_problems(Path(argv[0] if argv else "notebooks"))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
