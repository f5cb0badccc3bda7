"""The portal: the sites of several institutions under one index, with a comparison of their plans.

`pom sitio` publishes the site of the only institution exactly as before (pom_lib.publish.site);
with two or more (pom_lib.publish.institutions), the portal:

    _site/index.html          the institutions: name, period, newest edition, financial goals, main indicator
    _site/comparacion.html    the comparison of their plans: a table, its CSV and a chart per figure
    _site/comparacion/        the CSV files and SVG charts of the comparison
    _site/<SIGLAS>/           each institution's site as `pom sitio` builds one: index.html, versiones.js
                              (the edition switcher of its pages), <año>/ and ultima/

Each institution's site is built in _build/portal/<SIGLAS>/ beside the fingerprint of everything
it is built from (its ediciones.yml, its editions' sources, the plan and date of its current
edition, _config.yml and the library): a later run builds again only the institutions whose
fingerprint changed, several at once (one process each, as many as the cores can take with the two
builders of an edition running at once: parallel_institutions), and always writes
the index and the comparison. _build/portal/construccion.json says which institutions were built.
The portal is assembled in a staging folder and replaces the last one only when everything
succeeded (pom_lib.publish.publication): a failure leaves the published portal as it was.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from pom_lib.compute.comparison import Compared
from pom_lib.core.errors import EditionError, PlanError
from pom_lib.core.fingerprint import code_fingerprint, combine, file_fingerprint, tree_fingerprint
from pom_lib.data.plan import Plan, load_plan
from pom_lib.data.snapshot import plan_fingerprint, read_snapshot, write_snapshot
from pom_lib.publish.books import BUILDERS
from pom_lib.publish.chapter_runner import cores
from pom_lib.publish.edition import source_date_epoch
from pom_lib.publish.institutions import Institution, institution_folders, institutions
from pom_lib.publish.progress import Report, silent
from pom_lib.publish.publication import JOURNAL, publish, recover_and_say
from pom_lib.publish.registry import CURRENT, REGISTRY
from pom_lib.publish.site import (
    WORK,
    build_site,
    edition_source,
    prepare_staging,
    site_entries,
    write_editions,
)

# Writes the portal's own pages into a folder, from the plans it compares.
Pages = Callable[[Path, list[Compared]], None]

BUILD = Path("_build") / "portal"
SITE = "sitio"
# Under BUILD: the validated plans of the comparison (pom_lib.data.snapshot).
PLANS = "planes"
FINGERPRINT = "huella.txt"
LOG = "construccion.json"
PORTAL_MARK_TEXT = (
    "Portal de las instituciones y sus ediciones, construido por «pom sitio», que lo reemplaza entero en cada "
    "publicación.\n"
)
# Above the title of each institution's index: the way back to the portal.
BACK = '<p><a href="../index.html">Todas las instituciones</a></p>\n'


def publish_site(root: Path, output: Path | str, pages: Pages, report: Report = silent) -> Path:
    """`pom sitio`: the site of the only institution, as it always was, or the portal of several; its index.

    `pages` writes the portal's index and comparison (pom_lib.present.portal.write_pages, which `pom` gives:
    the words are not publish's); `report` hears the progress (pom_lib.publish.progress)."""
    root = Path(root).resolve()
    if not institution_folders(root):  # today's layout: nothing to look up
        return build_site(root, output, report=report)
    found = institutions(root)
    if len(found) == 1:
        return build_site(root, output, found[0].home, report)
    return build_portal(root, output, found, pages, report)


def build_portal(
    root: Path, output: Path | str, found: list[Institution], pages: Pages, report: Report = silent, builder=None
) -> Path:
    """Build the portal of the institutions `found` into `output` (relative to root); return its index.html.

    `pages` writes the index and the comparison into the portal's folder, from the compared plans;
    `builder` builds one institution's site in its own process (by default build_institution).
    """
    root = Path(root).resolve()
    work = root / WORK
    recover_and_say(root, work, "del sitio anterior", report)
    output, staging = prepare_staging(root, output, PORTAL_MARK_TEXT)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        # Every plan valid before anything is built.
        compared = [compared_plan(institution, root / BUILD / PLANS) for institution in found]
        sites = build_institutions(root, found, report, builder)
        for institution in found:
            shutil.copytree(sites[institution.siglas], staging / institution.siglas)
        pages(staging, compared)
        publish(root, work, [(staging, output)], {})
    except BaseException:
        if not (work / JOURNAL).exists():
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)
    return output / "index.html"


def compared_plan(institution: Institution, snapshots: Path) -> Compared:
    """The institution in the comparison: the plan of its newest edition, validated.

    A plan validated by an earlier run is read from its snapshot in `snapshots` (pom_lib.data.snapshot),
    kept for exactly the same files: a portal of many institutions does not validate them all again.
    """
    entry = site_entries(institution.home)[0]
    source = (institution.home / entry["plan"]).resolve()
    tables = read_snapshot(source, snapshots)
    if tables is not None:
        return Compared(institution.siglas, int(entry["anio"]), Plan(source=source, tables=tables))
    try:
        plan = load_plan(source)
    except PlanError as error:
        raise EditionError(
            f"el plan de la edición {entry['anio']} de {institution.siglas} ({entry['plan']}) no es válido:\n{error}"
        ) from error
    write_snapshot(snapshots, source, plan.tables)
    return Compared(institution.siglas, int(entry["anio"]), plan)


# --- Each institution's site, built again only when what it is built from changed ---------------------


def institution_fingerprint(root: Path, institution: Institution) -> str:
    """Everything an institution's site is built from: ediciones.yml, each edition's executed chapters,
    the plan and date stamp of its current edition, the shared _config.yml and the library."""
    home = institution.home
    parts = [file_fingerprint(home / REGISTRY), file_fingerprint(Path(root) / "_config.yml"), code_fingerprint()]
    for entry in site_entries(home):
        parts.append(tree_fingerprint(edition_source(home, entry)))
        if entry["fuente"] == CURRENT:
            parts += [plan_fingerprint(home / entry["plan"]), source_date_epoch(home, int(entry["anio"]))]
    return combine(*parts)


def build_institutions(root: Path, found: list[Institution], report: Report = silent, builder=None) -> dict[str, Path]:
    """Each institution's site in _build/portal/<SIGLAS>/sitio, built only when its fingerprint changed,
    the changed ones in parallel; return each one's folder. Writes construccion.json (built / unchanged).

    `builder` (by default build_institution) is called as build_institution is, in a process of its own.
    """
    builder = builder or build_institution
    build = Path(root) / BUILD
    build.mkdir(parents=True, exist_ok=True)
    keys = {institution.siglas: institution_fingerprint(root, institution) for institution in found}
    stale = [
        i for i in found if _kept_key(build / i.siglas) != keys[i.siglas] or not (build / i.siglas / SITE).is_dir()
    ]
    for institution in found:
        if institution not in stale:
            report(f"{institution.siglas}: sin cambios")
    if stale:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=min(parallel_institutions(), len(stale)), mp_context=context) as pool:
            running = {
                pool.submit(builder, str(root), str(i.home), i.siglas, str(build), keys[i.siglas]): i for i in stale
            }
            for future in as_completed(running):
                future.result()
                report(f"{running[future].siglas}: construida")
    log = {"construidas": sorted(i.siglas for i in stale), "sin_cambios": sorted(set(keys) - {i.siglas for i in stale})}
    (build / LOG).write_text(json.dumps(log, ensure_ascii=False, indent=1), encoding="utf-8")
    return {siglas: build / siglas / SITE for siglas in keys}


def build_institution(root: str, home: str, siglas: str, build: str, key: str) -> None:
    """One institution's site into build/<siglas>/ (in its own process), replacing the kept one only when done.

    Errors come back as EditionError naming the institution (a message, which crosses processes whole);
    the work folder then stays, with the log a failed book build names.
    """
    target, build = Path(build) / siglas, Path(build)
    partial, work = build / f"{siglas}.nuevo", build / f"{siglas}.trabajo"
    for leftover in (partial, work):
        shutil.rmtree(leftover, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        write_editions(Path(home), Path(root), site_entries(Path(home)), partial / SITE, work, silent, BACK)
    except (EditionError, PlanError) as error:
        raise EditionError(f"{siglas}: {error}") from None
    shutil.rmtree(work, ignore_errors=True)
    (partial / FINGERPRINT).write_text(key, encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


def parallel_institutions() -> int:
    """How many institutions build at once: an edition already keeps one core per builder (HTML, PDF) busy."""
    return max(1, cores() // len(BUILDERS))


def _kept_key(folder: Path) -> str | None:
    path = folder / FINGERPRINT
    return path.read_text(encoding="utf-8") if path.is_file() else None
