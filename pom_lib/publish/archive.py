"""Freeze the current edition (book/) into ediciones/<año>/ before the next year's edition is built.

The archive keeps the executed chapters, _toc.yml and the downloads, the edition's _config.yml
(title from its plan) and edicion.yml (its parameters and the date stamped in its pages), so
`pom sitio` rebuilds its pages without running anything or reading the plan. ediciones.yml then
lists the edition under its archive.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import yaml

from pom_lib.core.errors import EditionError
from pom_lib.data.plan import load_plan
from pom_lib.publish.chapter_runner import THRESHOLD_PARAMETERS
from pom_lib.publish.edition import chapter_stems, edition_config, relative_path, source_date_epoch
from pom_lib.publish.registry import (
    ARCHIVE,
    CURRENT,
    find_entry,
    parse_year,
    read_registry,
    with_publication,
    write_registry,
)


def book_parameters(book: Path) -> dict:
    """The parameters the executed chapters of `book` ran with (from the first chapter's metadata)."""
    stems = chapter_stems(book / "_toc.yml")
    first = book / f"{stems[0]}.ipynb"
    if not first.is_file():
        raise EditionError(
            f"{first.parent.name}/ no tiene capítulos ejecutados: construya la edición con «pom edicion»."
        )
    return dict(nbformat.read(first, as_version=4).metadata.get("papermill", {}).get("parameters", {}))


def archive_edition(root: Path, edition: int, project: Path | None = None) -> Path:
    """Freeze the current book/ as ediciones/<year>/; never overwrite an archive. Return its folder.

    `root` holds the edition (an institution's folder in a repository of several); `project`, by default
    `root`, the shared _config.yml, as in build_edition.
    """
    root = Path(root).resolve()
    year = parse_year(edition)
    book, target = root / CURRENT, root / ARCHIVE / str(year)
    if target.exists():
        raise EditionError(f"Ya existe {ARCHIVE}/{year}: un archivo de edición no se sobrescribe.")
    parameters = book_parameters(book)
    if parameters.get("edicion") != year:
        raise EditionError(
            f"book/ contiene la edición {parameters.get('edicion')}, no la {year}: "
            f"construya esa edición con «pom edicion --edicion {year}» antes de archivarla."
        )
    plan_dir = (book / parameters["plan"]).resolve()
    editions = read_registry(root)
    recorded = find_entry(editions, year)
    entry = {
        "anio": year,
        "plan": relative_path(plan_dir, root),
        **{key: _from_book(book, parameters.get(key), root) for key in ("ejecucion", "plan_anterior")},
        "fuente": f"{ARCHIVE}/{year}",
        # The thresholds are recorded in the registry, not in the first chapter's parameters.
        **{k: recorded[k] for k in THRESHOLD_PARAMETERS if k in recorded},
    }
    epoch = source_date_epoch(root, year)
    staging = target.with_name(f".{target.name}.nuevo")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(book, staging, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "_build", "*.log"))
    edition_config(root, load_plan(plan_dir), year, staging / "_config.yml", project)
    record = {**{k: v for k, v in entry.items() if k != "fuente"}, "source_date_epoch": epoch}
    (staging / "edicion.yml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    staging.rename(target)
    if editions is not None:
        write_registry(root, [*(e for e in editions if e["anio"] != year), with_publication(entry, recorded)])
    return target


def _from_book(book: Path, parameter: str | None, root: Path) -> str:
    """A path parameter of the book's chapters (relative to book/) relative to the project; "" when empty."""
    return relative_path((book / parameter).resolve(), root) if parameter else ""
