"""Rendering a folder of executed chapters into the HTML book and the PDF (Jupyter Book, execution off).

The two builders read the same chapters and write to separate folders, so they run at once, one
process each: the slower one sets the time. Each process may be started ahead (WarmBuilders), to
import Sphinx and the extensions while the chapters still run.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from pom_lib.core import spanish
from pom_lib.core.errors import EditionError

BUILDERS = ("html", "pdflatex")
# Where Jupyter Book leaves each builder's output, under <path-output>/_build/.
OUTPUT = {"html": "html", "pdflatex": "latex"}
NAMES = {"html": "el libro en HTML", "pdflatex": "el PDF"}
LOG_TAIL_LINES = 25
# What LaTeX and latexmk carry from one run to the next (cross-references, contents, index). Started
# from an earlier build's, latexmk runs XeLaTeX once instead of three times when the page numbers
# did not move, and otherwise runs again until they settle, as from scratch: the PDF is the same.
LATEX_STATE = (".aux", ".toc", ".out", ".idx", ".ind", ".ilg", ".lof", ".lot", ".fls", ".fdb_latexmk")


# What Sphinx keeps from one build of a book to the next: the pages it parsed and the notebooks'
# outputs. Lent to the next build (with an empty output folder), Sphinx parses again only the pages
# whose file changed and still writes every page, so links, numbers and menus across pages are
# those of a build from scratch.
SPHINX_STATE = (".doctrees", "jupyter_execute")


class BookBuildError(EditionError):
    """Jupyter Book (or LaTeX) failed; the message names the log kept in the work folder."""


def pdf_filename(config: Path) -> str:
    """The PDF named by latex_documents.targetname in _config.yml (Jupyter Book's default: book)."""
    settings = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
    target = settings.get("latex", {}).get("latex_documents", {}).get("targetname", "book.tex")
    return Path(target).with_suffix(".pdf").name


def describe(builders) -> str:
    """«el libro en HTML y el PDF», for progress lines."""
    return spanish.join(NAMES[builder] for builder in builders)


class WarmBuilders:
    """Book builds started ahead: `prepare` starts one process per builder in `root` with `env`, that
    imports what a build of the book loads and then waits for its arguments
    (pom_lib.publish.book_process); `render` hands them their builds, and `close` stops those never
    handed one. Their output goes to work/<builder>.log.
    """

    def __init__(self, work: Path, env: dict, root: Path):
        self.work, self.env, self.root = work, env, root
        self.processes: dict[str, tuple[subprocess.Popen, object]] = {}

    def prepare(self) -> None:
        for builder in BUILDERS:
            log = (self.work / f"{builder}.log").open("w", encoding="utf-8")
            process = subprocess.Popen(
                [sys.executable, "-m", "pom_lib.publish.book_process"],
                cwd=self.root,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.processes[builder] = (process, log)

    def start(self, builder: str, arguments: list[str]) -> tuple[subprocess.Popen, object] | None:
        """The builder's process, now running `jupyter-book ARGUMENTS`, and its log; None if not prepared."""
        if builder not in self.processes:
            return None
        process, log = self.processes.pop(builder)
        # A process that died getting ready has said why in its log, which a failed build shows.
        with contextlib.suppress(BrokenPipeError):
            process.stdin.write(json.dumps(arguments).encode("utf-8"))
            process.stdin.close()
        return process, log

    def close(self) -> None:
        for process, log in self.processes.values():
            process.stdin.close()  # read as «no build»: the process ends by itself
            process.wait()
            log.close()
        self.processes = {}


def render(
    source: Path,
    work: Path,
    config: Path,
    builders,
    env: dict,
    root: Path,
    earlier_latex: Path | None = None,
    sphinx_state: Path | None = None,
    warm: WarmBuilders | None = None,
) -> dict[str, Path]:
    """Build the books of `source` at once, each into work/<builder>/; return each builder's output folder.

    `earlier_latex`, the output folder of an earlier PDF build, lends its LaTeX state (LATEX_STATE).
    `sphinx_state/<builder>` lends each build the Sphinx state (SPHINX_STATE) of the last build of
    the same book with the same library and settings, and keeps the new one there. The files of
    `source` that did not change must keep their modification time: Sphinx parses again the newer ones.
    `warm`'s processes, when prepared (in `root`, with `env`), run the builds. Each build's log is kept
    in work/<builder>.log; a failed build raises EditionError with its end.
    """
    running = {}
    try:
        for builder in builders:
            shutil.rmtree(work / builder, ignore_errors=True)
            if sphinx_state is not None and (sphinx_state / builder).is_dir():
                shutil.copytree(sphinx_state / builder, work / builder / "_build")
            if builder == "pdflatex" and earlier_latex is not None and earlier_latex.is_dir():
                _copy_latex_state(earlier_latex, work / builder / "_build" / OUTPUT[builder])
            arguments = [
                "build",
                str(source),
                "--config",
                str(config),
                "--path-output",
                str(work / builder),
                "--builder",
                builder,
                "-W",
                "-n",
                "--keep-going",
            ]
            running[builder] = warm.start(builder, arguments) if warm is not None else None
            if running[builder] is None:
                log = (work / f"{builder}.log").open("w", encoding="utf-8")
                command = [str(Path(sys.executable).with_name("jupyter-book")), *arguments]
                running[builder] = (
                    subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT),
                    log,
                )
        for process, _ in running.values():
            process.wait()
    finally:
        for process, log in running.values():
            if process.poll() is None:  # interrupted: stop the other build too
                process.terminate()
                process.wait()
            log.close()
    for builder, (process, log) in running.items():
        if process.returncode != 0:
            path = Path(log.name)
            tail = "\n".join(path.read_text(encoding="utf-8").splitlines()[-LOG_TAIL_LINES:])
            raise BookBuildError(
                f"La construcción del libro ({builder}) falló; registro completo en {path.relative_to(root)}:\n{tail}"
            )
    if sphinx_state is not None:
        for builder in builders:
            _keep_sphinx_state(work / builder / "_build", sphinx_state / builder)
    return {builder: work / builder / "_build" / OUTPUT[builder] for builder in builders}


def _keep_sphinx_state(build: Path, target: Path) -> None:
    partial = target.with_name(f"{target.name}.parcial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name in SPHINX_STATE:
        if (build / name).is_dir():
            (build / name).rename(partial / name)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


def _copy_latex_state(earlier: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for path in earlier.iterdir():
        if path.is_file() and path.suffix in LATEX_STATE:
            shutil.copy2(path, target / path.name)
