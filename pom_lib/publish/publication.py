"""Putting newly built folders in place so that no interruption can leave a half-published book.

Publishing replaces a few folders (book/, _build/html, _build/latex, or a site) by new ones
built beside them, then writes a few small files (ediciones.yml, the build record). Before the
first rename, a journal listing every step is written into the work folder; each step can be
done again without harm. Ctrl-C is held back while the steps run; after a crash or a kill, the
next run finds the journal and finishes the publication before anything else (`recover`).
A replaced folder is moved aside into a folder made for it, then removed: nothing else is deleted.

Only one build runs in a project at a time (`one_build_at_a_time`): an edition, an archive and the
site share work folders and the folders they replace.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

from pom_lib.core.errors import EditionError
from pom_lib.publish.progress import Report

JOURNAL = "diario.json"
# Held (flock) by the build running in the project, and holding its process number.
LOCK = Path("_build") / "construccion.lock"


def publish(root: Path, work: Path, folders: list[tuple[Path, Path]], files: dict[Path, str]) -> None:
    """Replace each target folder by its new folder and write `files` (path → text), recoverably."""
    root = Path(root)
    # The folder each replaced one is moved into: beside it (same disk), under a name of its own.
    steps = [
        [
            _relative(new, root),
            _relative(target, root),
            _relative(target.with_name(f".{target.name}.anterior-{secrets.token_hex(6)}"), root),
        ]
        for new, target in folders
    ]
    journal = {"carpetas": steps, "archivos": {_relative(path, root): text for path, text in files.items()}}
    _write(work / JOURNAL, json.dumps(journal, ensure_ascii=False, indent=1))
    with _signals_held():
        _complete(root, work / JOURNAL)


def recover(root: Path, work: Path) -> list[str]:
    """Finish a publication an interruption left halfway; return the folders it put in place."""
    journal = Path(work) / JOURNAL
    if not journal.is_file():
        return []
    with _signals_held():
        return _complete(Path(root), journal)


def recover_and_say(root: Path, work: Path, what: str, report: Report) -> None:
    """`recover`, and one line to `report` when it finished a publication of `what` («de la edición anterior»)."""
    placed = recover(root, work)
    if placed:
        report(f"Se completó la publicación {what}, que se había interrumpido ({', '.join(placed)}).")


@contextmanager
def one_build_at_a_time(root: Path):
    """Hold the project's build lock while the block runs; EditionError at once if another process holds it.

    The operating system releases the lock when the process ends, however it ends, so a crashed
    build never blocks the next one. The file stays: removing it could let two builds hold two locks.
    """
    path = Path(root) / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "desconocido"
            raise EditionError(
                f"Otra edición se está construyendo en esta carpeta (proceso {holder}); espere a que termine."
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(descriptor)


def _complete(root: Path, journal: Path) -> list[str]:
    data = json.loads(journal.read_text(encoding="utf-8"))
    placed = []
    for new, target, aside in data["carpetas"]:
        new, target, aside = root / new, root / target, root / aside
        if new.exists():
            if target.exists():
                aside.mkdir(exist_ok=True)
                target.rename(aside / "anterior")
            target.parent.mkdir(parents=True, exist_ok=True)
            new.rename(target)
            placed.append(_relative(target, root))
    for path, text in data["archivos"].items():
        _write(root / path, text)
    for _, _, aside in data["carpetas"]:
        shutil.rmtree(root / aside, ignore_errors=True)
    journal.unlink()
    return placed


def _relative(path: Path, root: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), Path(root).resolve())).as_posix()


def _write(path: Path, text: str) -> None:
    """Write the whole file or nothing: a partial file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.parcial")
    with partial.open("w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    partial.replace(path)


@contextmanager
def _signals_held():
    """Ctrl-C and termination wait until the renames are done (then take effect as usual)."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
