"""Running `pom` as the analyst does, children that stop on Ctrl-C, and the programs a test needs."""

import contextlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest


def pom(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `pom ARGS` in this process and return its exit code, standard output and standard error.

    The same code path as the console script (`cli.main` catches every ending the analyst sees) without
    a new interpreter per call; the tests of what only a real process shows (a closed pipe, Ctrl-C)
    start one themselves.
    """
    from pom_lib import cli

    argv = [str(arg) for arg in args]
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    stderr = io.StringIO()
    with contextlib.chdir(cwd or Path.cwd()), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = cli.main(argv)
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code
    stdout.flush()
    output = stdout.buffer.getvalue().decode("utf-8")
    return subprocess.CompletedProcess(["pom", *argv], code, output, stderr.getvalue())


def interruptible() -> None:
    """In a child about to run: Ctrl-C acts as in a terminal, even when the tests run as a background
    job (a non-interactive shell starts those with SIGINT ignored, and children inherit it)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def require(command: str, how: str) -> None:
    """Fail, never skip, when a program a test needs is missing: a skipped check would pass unseen."""
    if shutil.which(command) is None:
        pytest.fail(f"Falta {command}: {how}.")
