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
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from pom_lib.compute.comparison import Compared, institution_summary
from pom_lib.core import escaping
from pom_lib.core import formatting as fmt
from pom_lib.core.errors import EditionError, PlanError
from pom_lib.core.fingerprint import code_fingerprint, combine, file_fingerprint, tree_fingerprint
from pom_lib.data.plan import Plan, load_plan
from pom_lib.data.snapshot import plan_fingerprint, read_snapshot, write_snapshot
from pom_lib.present import portal as present
from pom_lib.publish.books import BUILDERS
from pom_lib.publish.chapter_runner import cores
from pom_lib.publish.edition import CURRENT, REGISTRY, source_date_epoch
from pom_lib.publish.institutions import Institution, institution_folders, institutions
from pom_lib.publish.publication import JOURNAL, publish, recover_and_say
from pom_lib.publish.site import (
    LATEST,
    PAGE_STYLE,
    WORK,
    build_site,
    edition_source,
    prepare_staging,
    site_entries,
    write_editions,
)

BUILD = Path("_build") / "portal"
SITE = "sitio"
# Under BUILD: the validated plans of the comparison (pom_lib.data.snapshot).
PLANS = "planes"
FINGERPRINT = "huella.txt"
LOG = "construccion.json"
COMPARISON = "comparacion"
PORTAL_MARK_TEXT = (
    "Portal de las instituciones y sus ediciones, construido por «pom sitio», que lo reemplaza entero en cada "
    "publicación.\n"
)
# Above the title of each institution's index: the way back to the portal.
BACK = '<p><a href="../index.html">Todas las instituciones</a></p>\n'
# Columns of the comparison tables that hold text; the others hold figures, aligned to the right.
TEXT_COLUMNS = {"Institución", "Indicador principal"}
PORTAL_STYLE = (
    PAGE_STYLE
    + """body { max-width: 60rem; }
.desplazable { overflow-x: auto; margin: .5rem 0; }
table { border-collapse: collapse; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { text-align: left; background: #f4f4f4; }
td.cifra, th.cifra { text-align: right; white-space: nowrap; }
td.nombre { min-width: 14rem; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #444; }
section { border-top: 1px solid #ddd; margin-top: 1.5rem; }
dl { display: grid; grid-template-columns: minmax(0, 12rem) minmax(0, 1fr); gap: .1rem .8rem; margin: .4rem 0; }
dt { color: #555; }
dd { margin: 0; overflow-wrap: anywhere; }
ol li { border: none; padding: .1rem 0; }
"""
)


def publish_site(root: Path, output: Path | str = "_site") -> Path:
    """`pom sitio`: the site of the only institution, as it always was, or the portal of several; its index."""
    root = Path(root).resolve()
    if not institution_folders(root):  # today's layout: nothing to look up
        return build_site(root, output)
    found = institutions(root)
    if len(found) == 1:
        return build_site(root, output, found[0].home)
    return build_portal(root, output, found)


def build_portal(root: Path, output: Path | str, found: list[Institution], say=print, builder=None) -> Path:
    """Build the portal of the institutions `found` into `output` (relative to root); return its index.html.

    `builder` builds one institution's site in its own process (by default build_institution).
    """
    root = Path(root).resolve()
    work = root / WORK
    recover_and_say(root, work, "del sitio anterior")
    output, staging = prepare_staging(root, output, PORTAL_MARK_TEXT)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        # Every plan valid before anything is built.
        compared = [compared_plan(institution, root / BUILD / PLANS) for institution in found]
        sites = build_institutions(root, found, say, builder)
        for institution in found:
            shutil.copytree(sites[institution.siglas], staging / institution.siglas)
        write_comparison(staging, compared)
        summaries = [institution_summary(item) for item in compared]
        (staging / "index.html").write_text(index_page(summaries), encoding="utf-8")
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


def build_institutions(root: Path, found: list[Institution], say=print, builder=None) -> dict[str, Path]:
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
            say(f"{institution.siglas}: sin cambios", flush=True)
    if stale:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=min(parallel_institutions(), len(stale)), mp_context=context) as pool:
            running = {
                pool.submit(builder, str(root), str(i.home), i.siglas, str(build), keys[i.siglas]): i for i in stale
            }
            for future in as_completed(running):
                future.result()
                say(f"{running[future].siglas}: construida", flush=True)
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
        write_editions(Path(home), Path(root), site_entries(Path(home)), partial / SITE, work, _quiet, BACK)
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


def _quiet(*_args, **_kwargs) -> None:
    """Progress of one edition inside a parallel build: left unsaid (the institution's line says it)."""


# --- The index and the comparison ----------------------------------------------------------------------


def write_comparison(target: Path, compared: list[Compared]) -> None:
    """comparacion.html and, in comparacion/, each section's CSV and SVG."""
    downloads = target / COMPARISON
    downloads.mkdir(parents=True, exist_ok=True)
    sections = present.sections(compared)
    for section in sections:
        (downloads / f"{section.key}.csv").write_bytes(present.csv_download(section.data))
        (downloads / f"{section.key}.svg").write_bytes(present.svg(section.chart))
    (target / f"{COMPARISON}.html").write_text(comparison_page(compared, sections), encoding="utf-8")


def compared_editions(compared: list[Compared]) -> str:
    """«ANASAR, edición 2025 (plan 2025-2029); MINEX, edición 2026 (plan 2026-2030)»."""
    return "; ".join(f"{item.siglas}, edición {item.edition} (plan {item.plan.period})" for item in compared)


def index_page(summaries: list[dict]) -> str:
    """The portal's landing page: every institution, by acronym, with its newest edition and its main figures."""
    items = []
    for row in summaries:
        siglas = escaping.html(row["siglas"])
        goal = fmt.percent(row["meta_relativa"])
        items.append(
            f'<li id="institucion-{siglas}"><h2>{escaping.html(row["institucion"])} ({siglas})</h2>\n'
            f"<dl><dt>Período del plan</dt><dd>{escaping.html(row['periodo'])}</dd>\n"
            f"<dt>Última edición</dt><dd>{row['edicion']}</dd>\n"
            f"<dt>Metas financieras del período</dt><dd>{escaping.html(fmt.quetzales(row['meta_financiera_periodo']))}"
            "</dd>\n"
            f"<dt>Indicador principal</dt><dd>{escaping.html(row['indicador'])}</dd>\n"
            f"<dt>Meta {row['anio_meta']}</dt><dd>{escaping.html(goal)} "
            f"({escaping.html(fmt.integer(row['meta_absoluta']))} {escaping.html(row['unidad_medida'])})</dd></dl>\n"
            f'<p class="enlaces"><a href="{siglas}/{LATEST}/index.html">Edición {row["edicion"]}</a> · '
            f'<a href="{siglas}/index.html">Todas sus ediciones</a></p></li>'
        )
    return _page(
        "Libro POM: instituciones",
        f"""<h1>Libro POM: instituciones</h1>
<p>El libro analítico del Plan Operativo Multianual de cada institución, con todas sus ediciones. El indicador
principal de cada plan es su primera ficha de indicador de producto; su meta es la del último año del plan.
<a href="{COMPARISON}.html">Comparar las instituciones</a>.</p>
<ul>
{chr(10).join(items)}
</ul>""",
    )


def comparison_page(compared: list[Compared], sections: list) -> str:
    """The comparison of the institutions' plans: one section per figure, each with its table, downloads and chart."""
    editions = escaping.html(compared_editions(compared))
    contents = "".join(f'<li><a href="#{s.key}">{escaping.html(s.title)}</a></li>' for s in sections)
    body = "\n".join(_section_html(section, number, editions) for number, section in enumerate(sections, start=1))
    return _page(
        "Comparación de las instituciones",
        f"""<p><a href="index.html">Instituciones</a></p>
<h1>Comparación de las instituciones</h1>
<p>Cifras calculadas solo con los datos de los planes, del plan de la edición más reciente de cada institución:
{editions}.</p>
<ol>{contents}</ol>
{body}""",
    )


def _section_html(section, number: int, editions: str) -> str:
    title = escaping.html(section.title)
    header = "".join(f'<th{_cell_class(c)} scope="col">{escaping.html(c)}</th>' for c in section.shown.columns)
    rows = "\n".join(
        "<tr>" + "".join(f"<td{_cell_class(c)}>{escaping.html(v)}</td>" for c, v in row.items()) + "</tr>"
        for row in section.shown.to_dict("records")
    )
    image = f"{COMPARISON}/{section.key}.svg"
    return f"""<section id="{section.key}">
<h2>{number}. {title}</h2>
<p>{escaping.html(section.intro)}</p>
<div class="desplazable" role="region" aria-label="Tabla {number}: {title}" tabindex="0"><table>
<caption>Tabla {number}. {title}</caption>
<thead><tr>{header}</tr></thead>
<tbody>
{rows}
</tbody></table></div>
<p class="enlaces">Descargas: <a href="{COMPARISON}/{section.key}.csv">tabla (CSV)</a> ·
<a href="{image}">gráfico (SVG)</a></p>
<figure><img src="{image}" alt="{escaping.html(section.chart.alt)}">
<figcaption>Figura {number}. {title}. Fuente: planes de {editions}.</figcaption></figure>
</section>"""


def _cell_class(column: str) -> str:
    if column == "Indicador principal":
        return ' class="nombre"'
    return "" if column in TEXT_COLUMNS else ' class="cifra"'


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escaping.html(title)}</title>
<link rel="icon" href="data:,">
<style>
{PORTAL_STYLE}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""
