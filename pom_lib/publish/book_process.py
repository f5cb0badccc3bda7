"""The book server: `python -m pom_lib.publish.book_process`.

It imports Sphinx, Jupyter Book and the book's extensions once, then runs each build it is handed
in a copy of itself (fork), so no build pays those imports again (pom_lib.publish.books.BookServer).
Requests come on standard input, one JSON object per line: {"id", "arguments" (those of
`jupyter-book`), "cwd", "env", "log"}. For each one it answers on standard output {"id", "pid"} once
the build has started and {"id", "code"} when it has ended; the build's output goes to "log". At the
end of its input it waits for the builds still running, and ends.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import traceback

# What every build of the book loads: Jupyter Book, Sphinx's two builders, the theme and the
# extensions of _config.yml, this library's among them.
import jupyter_book.sphinx  # noqa: F401
import myst_nb.sphinx_ext  # noqa: F401
import sphinx.builders.html
import sphinx.builders.latex  # noqa: F401
import sphinx_book_theme  # noqa: F401
import sphinx_comments  # noqa: F401
import sphinx_external_toc  # noqa: F401
from jupyter_book.cli.main import main

import pom_lib.render.pdf_book
import pom_lib.render.sphinx_tables
import pom_lib.render.theme_es  # noqa: F401

# How often, while builds run, the server looks for the ones that ended.
POLL_SECONDS = 0.05


def _build(request: dict) -> None:
    """In the forked copy: run one build with its own folder, environment and log, then end with its code."""
    code = 1
    try:
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # the server's requests are not the build's
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        try:
            main(args=request["arguments"], prog_name="jupyter-book")
            code = 0
        except SystemExit as end:
            code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _answer(message: dict) -> None:
    os.write(1, (json.dumps(message) + "\n").encode("utf-8"))


def serve() -> None:
    running: dict[int, int] = {}  # pid → request id
    pending = b""
    reading = True
    while reading or running:
        # Wait for a request, or (while builds run) at most POLL_SECONDS before looking for ended ones.
        if select.select([0] if reading else [], [], [], POLL_SECONDS if running else None)[0]:
            chunk = os.read(0, 65536)
            reading = bool(chunk)
            *lines, pending = (pending + chunk).split(b"\n")
            for line in filter(None, lines):
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _build(request)
                running[pid] = request["id"]
                _answer({"id": request["id"], "pid": pid})
        for pid in list(running):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                _answer({"id": running.pop(pid), "code": os.waitstatus_to_exitcode(status)})


if __name__ == "__main__":
    serve()
