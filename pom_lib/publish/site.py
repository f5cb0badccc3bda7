"""Publish every edition of ediciones.yml as one static site, with an edition switcher on every page.

Layout of the site (works from file://, no server needed):

    _site/index.html          landing page: every edition with links to its HTML, PDF and data
    _site/versiones.js        the list of editions, read by the switcher of every page
    _site/<año>/              one edition: its HTML pages, libro-pom-<año>.pdf and descargas/
    _site/ultima/             a copy of the newest edition

Each edition is rendered from its executed notebooks (book/ for the current one, ediciones/<año>/
for the archived ones) with execution off, so building the site never re-runs a chapter and an
archived edition's pages come out the same every time. The switcher («Edición: 2025 ▾») is added
by pom_lib.render.sphinx_tables when the config sets `pom_edicion_sitio`; its entries come from
../versiones.js, so publishing a new edition rewrites versiones.js and index.html, never the
pages of an older edition. The site is built in a staging folder and replaces the previous one
only when every edition built (pom_lib.publish.publication).

The site folder carries a mark (.pom-sitio): the output folder is replaced only when it is a
site built here, or empty. The project itself, its sources and any other folder are refused.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from pathlib import Path

import yaml

from pom_lib.core import paths
from pom_lib.core.errors import EditionError, PlanError
from pom_lib.data.plan import load_plan
from pom_lib.publish.books import BUILDERS, OUTPUT, pdf_filename, render
from pom_lib.publish.edition import chapter_stems, edition_config, source_date_epoch
from pom_lib.publish.progress import Report, silent
from pom_lib.publish.publication import JOURNAL, publish, recover_and_say
from pom_lib.publish.registry import CURRENT, read_registry
from pom_lib.render.site_pages import LATEST, PAGE_STYLE

SWITCHER_DATA = "versiones.js"
DOWNLOADS = "descargas"
# Beside the output folder while it is built; replaced into place at the end.
STAGING_SUFFIX = ".nuevo"
WORK = ".sitio"
# Written into every site folder built here: the one kind of existing folder `pom sitio` replaces.
MARK = ".pom-sitio"
SITE_MARK_TEXT = (
    "Sitio de las ediciones del libro, construido por «pom sitio», que lo reemplaza entero en cada publicación.\n"
)


def pdf_name(year: int) -> str:
    """The PDF's name inside the site: the edition year in it, so a downloaded copy says which one it is."""
    return f"libro-pom-{year}.pdf"


def edition_source(root: Path, entry: dict) -> Path:
    """The folder of an edition's executed notebooks: book/ or its archive."""
    source = (Path(root) / entry["fuente"]).resolve()
    if not (source / "_toc.yml").is_file():
        raise EditionError(
            f"La edición {entry['anio']} no tiene capítulos en {entry['fuente']}/ (falta _toc.yml): "
            f"revise {entry['fuente']} en ediciones.yml."
        )
    return source


def _site_config(root: Path, entry: dict, source: Path, target: Path, project: Path | None = None) -> tuple[Path, str]:
    """The edition's Jupyter Book config with the switcher on, written to `target`; and its date stamp.

    An archived edition brings its own frozen config and date; the current one takes the
    project's _config.yml and the title of its plan, as `pom edicion` does.
    """
    year = entry["anio"]
    if entry["fuente"] == CURRENT:
        edition_config(root, load_plan((Path(root) / entry["plan"]).resolve()), year, target, project)
        epoch = source_date_epoch(root, year)
    else:
        frozen = source / "_config.yml"
        record = source / "edicion.yml"
        if not frozen.is_file() or not record.is_file():
            raise EditionError(
                f"El archivo de la edición {year} ({entry['fuente']}/) no tiene _config.yml y "
                "edicion.yml: archívela con «pom archivar»."
            )
        shutil.copy(frozen, target)
        epoch = str(yaml.safe_load(record.read_text(encoding="utf-8"))["source_date_epoch"])
    settings = yaml.safe_load(target.read_text(encoding="utf-8"))
    settings.setdefault("sphinx", {}).setdefault("config", {})["pom_edicion_sitio"] = str(year)
    target.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target, epoch


def build_edition_pages(root: Path, entry: dict, work: Path, target: Path, project: Path | None = None) -> dict:
    """Render one edition (HTML and PDF, execution off) into `target`; return what the index lists.

    `root` holds the edition's ediciones.yml and sources; `project` (by default `root`) the shared _config.yml.
    """
    year = int(entry["anio"])
    source = edition_source(root, entry)
    work.mkdir(parents=True, exist_ok=True)
    config, epoch = _site_config(root, entry, source, work / "config.yml", project)
    # Jupyter Book reads the source folder only; its output goes to `work`.
    copy = work / "libro"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("_config.yml", "edicion.yml", "_build"))
    # The current edition's PDF was built by `pom edicion` from the same chapters: started from its LaTeX
    # state, latexmk runs XeLaTeX fewer times than from scratch, for the same PDF (books.LATEX_STATE).
    earlier_latex = Path(root) / "_build" / OUTPUT["pdflatex"] if entry["fuente"] == CURRENT else None
    # From the project: the work folder (and the log a failure names) may lie outside an institution's folder.
    environment = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    built = render(copy, work, config, BUILDERS, environment, Path(project or root), earlier_latex=earlier_latex)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    shutil.copytree(built["html"], target)
    shutil.copy(built["pdflatex"] / pdf_filename(config), target / pdf_name(year))
    downloads = (
        sorted(p.name for p in (source / DOWNLOADS).glob("*") if p.is_file()) if (source / DOWNLOADS).is_dir() else []
    )
    if downloads:
        shutil.copytree(source / DOWNLOADS, target / DOWNLOADS)
    return {
        "anio": year,
        "titulo": settings.get("title", ""),
        "autor": settings.get("author", ""),
        "ruta": f"{year}/",
        "pdf": pdf_name(year),
        "descargas": downloads,
        "paginas": [*chapter_stems(source / "_toc.yml"), "index"],
    }


def switcher_data(editions: list[dict]) -> str:
    """versiones.js: the editions for the switcher, as a script (a file:// page cannot fetch JSON)."""
    data = {
        "ultima": editions[0]["anio"],
        "ediciones": [{"anio": e["anio"], "ruta": e["ruta"], "paginas": e["paginas"]} for e in editions],
    }
    return (
        "// Ediciones publicadas; la escribe `pom sitio` y la lee el selector de edición de cada página.\n"
        f"window.POM_EDICIONES = {json.dumps(data, ensure_ascii=False, indent=1)};\n"
    )


_DOWNLOAD_LABELS = {
    "matriz.csv": "Matriz (CSV)",
    "matriz.xlsx": "Matriz (Excel)",
    "paquete-datos.zip": "Paquete de datos (ZIP)",
}


def index_page(editions: list[dict], up: str = "") -> str:
    """The site's landing page, in Spanish: every edition, newest first, with its HTML, PDF and data.

    `up`, when given, is a first line of HTML above the title (the way back to a portal's index).
    """
    latest = editions[0]
    items = []
    for edition in editions:
        year = edition["anio"]
        links = [
            f'<a href="{year}/index.html">Libro en HTML</a>',
            f'<a href="{year}/{html.escape(edition["pdf"])}">PDF</a>',
        ]
        links += [
            f'<a href="{year}/{DOWNLOADS}/{html.escape(name)}">{html.escape(_DOWNLOAD_LABELS.get(name, name))}</a>'
            for name in edition["descargas"]
        ]
        badge = ' <span class="ultima">última edición</span>' if edition is latest else ""
        items.append(
            f'<li id="edicion-{year}"><h2>Edición {year}{badge}</h2>\n'
            f'<p class="titulo">{html.escape(edition["titulo"])}</p>\n'
            f'<p class="enlaces">{" · ".join(links)}</p></li>'
        )
    title = html.escape(latest["titulo"] or "Libro POM")
    return f"""<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ediciones del libro — {title}</title>
<link rel="icon" href="{LATEST}/_static/favicon.svg">
<style>
{PAGE_STYLE}</style>
</head>
<body>
{up}<h1>Libro POM: ediciones publicadas</h1>
<p>Cada año se publica una edición del libro analítico del Plan Operativo Multianual, con la ejecución del año
anterior y los cambios respecto de la edición previa. Las ediciones anteriores se conservan tal como se
publicaron. <a href="{LATEST}/index.html">Ir a la última edición ({latest["anio"]})</a>.</p>
<ul>
{chr(10).join(items)}
</ul>
</body>
</html>
"""


def check_output(root: Path, output: Path) -> None:
    """Refuse a site folder that would replace what `pom sitio` did not build (paths.check_output)."""
    try:
        paths.check_output(output, root, mark=MARK)
    except PlanError as error:
        problem = error.problems[0]
        raise EditionError(
            f"«{problem.file}» {problem.message} (para el sitio, por ejemplo _site, la de omisión)."
        ) from error


def write_editions(
    home: Path, project: Path, entries: list[dict], staging: Path, work: Path, report: Report = silent, up: str = ""
) -> list[dict]:
    """Every edition of `entries` (ediciones.yml of `home`) into `staging`, with versiones.js, index.html and
    ultima/; return what the index lists. `report` hears each edition's progress («Edición 2025 (book) … lista»);
    `up` goes on the index as index_page says."""
    editions = []
    for entry in entries:
        report(f"Edición {entry['anio']} ({entry['fuente']}) … ", end="")
        year = str(entry["anio"])
        editions.append(build_edition_pages(home, entry, work / year, staging / year, project))
        report("lista")
    (staging / SWITCHER_DATA).write_text(switcher_data(editions), encoding="utf-8")
    (staging / "index.html").write_text(index_page(editions, up), encoding="utf-8")
    # A copy, not a redirect: every page of the newest edition also answers under ultima/.
    shutil.copytree(staging / str(editions[0]["anio"]), staging / LATEST)
    return editions


def site_entries(home: Path) -> list[dict]:
    """The editions ediciones.yml of `home` lists, newest first; EditionError when there are none."""
    entries = read_registry(home)
    if not entries:
        raise EditionError(
            "No hay ediciones que publicar: falta ediciones.yml o no lista ninguna edición (pom edicion la registra)."
        )
    return entries


def prepare_staging(root: Path, output: Path, text: str) -> tuple[Path, Path]:
    """Check `output` (relative to root) and make its empty staging folder, marked as built here with `text`.

    Return (output, staging), both absolute.
    """
    output = Path(output) if Path(output).is_absolute() else root / output
    check_output(root, output)
    output = output.resolve()
    staging = output.with_name(output.name + STAGING_SUFFIX)
    check_output(root, staging)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / MARK).write_text(text, encoding="utf-8")
    return output, staging


def build_site(root: Path, output: Path | str = "_site", home: Path | None = None, report: Report = silent) -> Path:
    """Build every edition of ediciones.yml into `output` (relative to root); return its index.html.

    `home`, by default `root`, is the folder whose ediciones.yml lists the editions (an institution's
    folder in a repository of several: pom_lib.publish.institutions). `report` hears one line per edition
    (pom_lib.publish.progress).
    """
    root = Path(root).resolve()
    home = Path(home).resolve() if home else root
    work = root / WORK
    recover_and_say(root, work, "del sitio anterior", report)
    entries = site_entries(home)
    output, staging = prepare_staging(root, output, SITE_MARK_TEXT)
    shutil.rmtree(work, ignore_errors=True)
    try:
        write_editions(home, root, entries, staging, work, report)
        publish(root, work, [(staging, output)], {})
    except KeyboardInterrupt:
        if not (work / JOURNAL).exists():
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)
    return output / "index.html"
