"""Rendering a folder of executed chapters into the HTML book and the PDF (Jupyter Book, execution off).

The two builders read the same chapters and write to separate folders, so they run at once, one
process each: the slower one sets the time. Both are copies of this process's book server
(BookServer), which imported Sphinx and the extensions once: started ahead, while the chapters still
run, and kept for the next books this process builds.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
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


class BookServer:
    """This process's book server (pom_lib.publish.book_process): started on first use or by `prepare`,
    ended when this process ends. `build` hands it one build and returns it as a _Build."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.errors = None  # the server's own output (a failed start says why there)
        self.pending = b""
        self.started: dict[int, int] = {}  # request id → pid
        self.ended: dict[int, int] = {}  # request id → exit code
        self.last_id = 0
        atexit.register(self.close)

    def prepare(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        self.close()  # a server that died: what it said goes with it
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pom_lib.publish.book_process"],
            # Not in a project: the server outlives the folders it builds in.
            cwd=tempfile.gettempdir(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
        )
        self.pending, self.started, self.ended = b"", {}, {}

    def build(self, arguments: list[str], cwd: Path, env: dict, log: Path) -> _Build:
        self.prepare()
        self.last_id += 1
        request = {"id": self.last_id, "arguments": arguments, "cwd": str(cwd), "env": env, "log": str(log)}
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # the server is gone: the build reads as failed, with what the server said
        while self.last_id not in self.started and self._read(None):
            pass
        return _Build(self, self.last_id, self.started.get(self.last_id), log)

    def exit_code(self, request: int, block: bool) -> int | None:
        """The build's exit code; None while it runs (and `block` is False). A server that died fails it."""
        while request not in self.ended:
            if not self._read(None if block else 0):
                if self.process.poll() is None:
                    return None
                self.ended[request] = -1
        return self.ended[request]

    def server_errors(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace")

    def _read(self, timeout: float | None) -> bool:
        """Take in one answer of the server; False when none came in `timeout` or the server ended."""
        while b"\n" not in self.pending:
            if not select.select([self.process.stdout], [], [], timeout)[0]:
                return False
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                self.process.wait()
                return False
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        answer = json.loads(line)
        if "pid" in answer:
            self.started[answer["id"]] = answer["pid"]
        else:
            self.ended[answer["id"]] = answer["code"]
        return True

    def close(self) -> None:
        """End the server once the builds it runs have ended."""
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait()
            self.process.stdout.close()
            self.errors.close()
            self.process = None


class _Build:
    """One build run by the book server, with what render needs of a process."""

    def __init__(self, server: BookServer, request: int, pid: int | None, log: Path):
        self.server, self.request, self.pid, self.log = server, request, pid, log
        self.returncode: int | None = None if pid is not None else -1

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server.exit_code(self.request, block=False)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            self.returncode = self.server.exit_code(self.request, block=True)
        return self.returncode

    def terminate(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)


SERVER = BookServer()


def render(
    source: Path,
    work: Path,
    config: Path,
    builders,
    env: dict,
    root: Path,
    earlier_latex: Path | None = None,
    sphinx_state: Path | None = None,
) -> dict[str, Path]:
    """Build the books of `source` at once, each into work/<builder>/; return each builder's output folder.

    `earlier_latex`, the output folder of an earlier PDF build, lends its LaTeX state (LATEX_STATE).
    `sphinx_state/<builder>` lends each build the Sphinx state (SPHINX_STATE) of the last build of
    the same book with the same library and settings, and keeps the new one there. The files of
    `source` that did not change must keep their modification time: Sphinx parses again the newer ones.
    The builds run in `root` with `env`, copies of this process's book server (SERVER). Each build's log
    is kept in work/<builder>.log; a failed build raises EditionError with its end.
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
            running[builder] = SERVER.build(arguments, root, env, work / f"{builder}.log")
        for build in running.values():
            build.wait()
    finally:
        for build in running.values():
            if build.poll() is None:  # interrupted: stop the other build too
                build.terminate()
                build.wait()
    for builder, build in running.items():
        if build.returncode != 0:
            text = build.log.read_text(encoding="utf-8") if build.log.is_file() else ""
            if build.pid is None or not text:  # the server itself failed: what it said
                text += SERVER.server_errors()
            tail = "\n".join(text.splitlines()[-LOG_TAIL_LINES:])
            raise BookBuildError(
                f"La construcción del libro ({builder}) falló; registro completo en "
                f"{build.log.relative_to(root)}:\n{tail}"
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
