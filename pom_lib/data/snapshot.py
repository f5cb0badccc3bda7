"""Validated plans kept as ready-to-load tables, so an edition validates each plan once.

`pom edicion` validates the plan (and the previous plan) before any chapter runs and stores
the validated tables in the build cache, in a folder per version of the library and its
packages, under the fingerprint of the plan's files. It hands that folder to the chapters in
the SNAPSHOTS environment variable; `load_plan` in a chapter then loads the tables in
milliseconds instead of validating again. Anywhere else (tests, a notebook opened by hand,
`pom validar`) the variable is unset and `load_plan` validates as always. A plan whose files
changed by one byte has another fingerprint, so a snapshot is never used for other data.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from pom_lib.core.fingerprint import combine, file_fingerprint, tree_fingerprint

SNAPSHOTS = "POM_PLANES_VALIDADOS"
DESCRIPTOR = "datapackage.json"


def plan_fingerprint(source: Path) -> str:
    """A plan folder's files; for a workbook, the workbook and the descriptor beside it."""
    source = Path(source)
    if source.is_dir():
        return tree_fingerprint(source)
    descriptor = source.parent / DESCRIPTOR
    return combine(file_fingerprint(source), file_fingerprint(descriptor) if descriptor.is_file() else "")


def snapshot_path(folder: Path, source: Path, fingerprint: str | None = None) -> Path:
    """Where the snapshot of the plan at `source` goes; `fingerprint`, its plan_fingerprint when known."""
    return Path(folder) / f"{fingerprint or plan_fingerprint(source)}.pickle"


def write_snapshot(folder: Path, source: Path, tables: dict, fingerprint: str | None = None) -> Path:
    """Store a plan's validated tables (written whole or not at all)."""
    target = snapshot_path(folder, source, fingerprint)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.parcial")
    partial.write_bytes(pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(target)
    return target


def read_snapshot(source: Path, folder: Path | str | None = None, fingerprint: str | None = None) -> dict | None:
    """The validated tables of the plan at `source` when a snapshot of exactly these files exists.

    `folder` defaults to the one `pom edicion` names in the SNAPSHOTS environment variable;
    without either, None (the caller validates). `fingerprint`: the plan's, when already computed.
    """
    folder = folder or os.environ.get(SNAPSHOTS)
    if not folder or not Path(source).exists():
        return None
    path = snapshot_path(Path(folder), source, fingerprint)
    if not path.is_file():
        return None
    return pickle.loads(path.read_bytes())
