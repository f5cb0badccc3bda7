"""_build/cache: what an edition reuses from earlier ones instead of doing it again.

    _build/cache/planes/<library>/<plan>.pickle   validated plans (pom_lib.data.snapshot)
    _build/cache/capitulos/<key>/capitulo.ipynb   one executed chapter…
    _build/cache/capitulos/<key>/archivos/        …and the files it wrote beside it (downloads)
    _build/cache/sphinx/<key>/<builder>/          what Sphinx keeps of the last build of each book
    _build/cache/plan.json                        what the chapters conclude of the last plan seen
    _build/cache/libro.json                       what the published HTML and PDF were built from,
                                                  and how long each chapter took

Every key is a fingerprint of all the inputs (pom_lib.core.fingerprint): an entry is either exactly
what a new run would produce or never looked up. Entries are written whole (a partial folder
renamed into place). `make clean` removes the folder; deleting it only costs time.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from pom_lib.core.fingerprint import code_fingerprint

CACHE = Path("_build") / "cache"
NOTEBOOK = "capitulo.ipynb"
FILES = "archivos"
# In a Sphinx state folder: the fingerprint of the book it was made from.
SPHINX_SOURCE = "libro.sha256"
# Besides the chapters of the last edition, this many other executed chapters are kept (newest
# first), so going back and forth between two versions of a template or of the plan stays fast.
OTHER_CHAPTERS_KEPT = 24


class BuildCache:
    def __init__(self, root: Path):
        self.folder = Path(root) / CACHE
        self.chapters = self.folder / "capitulos"
        self.record_path = self.folder / "libro.json"
        self.facts_path = self.folder / "plan.json"

    @property
    def plans(self) -> Path:
        """Validated plans for this version of the library and its packages."""
        return self.folder / "planes" / code_fingerprint()[:24]

    def sphinx_state(self, key: str, published: str) -> Path:
        """The folder for the Sphinx state of books built with this key (library, settings, date).

        Sphinx parses again only the pages whose file is newer than its state, so a state is lent
        only when it was made from the published book (`published`, its fingerprint), whose
        unchanged pages the next build keeps with their dates; any other state (of another key, or of
        a build whose publication did not happen) is dropped.
        """
        folder = self.folder / "sphinx" / key[:24]
        try:
            made_from = (folder / SPHINX_SOURCE).read_text(encoding="utf-8")
        except OSError:
            made_from = None
        if folder.parent.is_dir():
            for other in folder.parent.iterdir():
                if other != folder or made_from != published:
                    shutil.rmtree(other, ignore_errors=True)
        # Until mark_sphinx_state, the state may hold pages of a book that never gets published.
        (folder / SPHINX_SOURCE).unlink(missing_ok=True)
        return folder

    def mark_sphinx_state(self, folder: Path, source: str) -> None:
        """Record the fingerprint of the book the state in `folder` was just made from."""
        (folder / SPHINX_SOURCE).write_text(source, encoding="utf-8")

    def chapter(self, key: str) -> Path | None:
        """The cached run of a chapter with these inputs, or None."""
        entry = self.chapters / key
        if not (entry / NOTEBOOK).is_file():
            return None
        os.utime(entry)  # recently used: kept by `prune`
        return entry

    def partial_chapter(self, key: str) -> Path:
        """An empty folder to run a chapter into; `keep_chapter` files it under its key."""
        partial = self.chapters / f"{key}.parcial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        (partial / FILES).mkdir(parents=True)
        return partial

    def keep_chapter(self, partial: Path, key: str) -> Path:
        entry = self.chapters / key
        shutil.rmtree(entry, ignore_errors=True)
        partial.rename(entry)
        return entry

    def plan_facts(self, key: str) -> dict | None:
        """What was concluded of the plan with this key (edition.plan_facts), or None."""
        try:
            kept = json.loads(self.facts_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return kept["hechos"] if kept.get("clave") == key else None

    def keep_plan_facts(self, key: str, facts: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.facts_path.with_suffix(f".{os.getpid()}.parcial")
        partial.write_text(json.dumps({"clave": key, "hechos": facts}, ensure_ascii=False), encoding="utf-8")
        partial.replace(self.facts_path)

    def record(self) -> dict:
        try:
            return json.loads(self.record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def prune(self, used: set[str]) -> None:
        """Drop chapters run with inputs no longer in use (beyond a few recent ones) and stale plans."""
        if self.chapters.is_dir():
            others = [entry for entry in self.chapters.iterdir() if entry.name not in used]
            # Partial folders (left by an interrupted run) are never kept.
            complete = sorted(
                (entry for entry in others if ".parcial-" not in entry.name),
                key=lambda entry: entry.stat().st_mtime,
                reverse=True,
            )
            for entry in set(others) - set(complete[:OTHER_CHAPTERS_KEPT]):
                shutil.rmtree(entry, ignore_errors=True)
        if self.plans.parent.is_dir():
            for folder in self.plans.parent.iterdir():
                if folder != self.plans:
                    shutil.rmtree(folder, ignore_errors=True)
