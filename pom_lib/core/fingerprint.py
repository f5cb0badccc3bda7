"""Content fingerprints: they decide when a validated plan, a chapter or a book build can be reused.

A fingerprint is a SHA-256 over bytes, never over dates, so copying a project or touching a file
does not invalidate anything, and any change of content does.
"""

from __future__ import annotations

import hashlib
import os
import sys
import sysconfig
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # pom_lib/


def combine(*parts: str) -> str:
    """One fingerprint for several parts (order matters)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def file_fingerprint(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tree_fingerprint(path: Path) -> str:
    """A folder's files, by relative path and content (caches of Python and Jupyter left out); or one file.

    A symbolic link in the folder counts by where it points, never by what it points to: nothing
    outside the folder is read (and the commands refuse such links anyway).
    """
    path = Path(path)
    if path.is_file():
        return file_fingerprint(path)
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_symlink() or p.is_file()):
        relative = file.relative_to(path)
        if {"__pycache__", ".ipynb_checkpoints"} & set(relative.parts):
            continue
        content = os.readlink(file).encode("utf-8") if file.is_symlink() else file.read_bytes()
        digest.update(relative.as_posix().encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


@cache
def code_fingerprint() -> str:
    """The library itself (code, schemas, stylesheet), the Python interpreter and every installed package.

    Installed packages are named by their metadata folders (name and version), which is what the
    lock pins, without reading each package's metadata.
    """
    folders = {sysconfig.get_paths()[kind] for kind in ("purelib", "platlib")}
    installed = sorted(
        entry.name
        for folder in folders
        if Path(folder).is_dir()
        for entry in Path(folder).iterdir()
        if entry.name.endswith((".dist-info", ".egg-info"))
    )
    return combine(tree_fingerprint(PACKAGE), sys.version, *installed)
