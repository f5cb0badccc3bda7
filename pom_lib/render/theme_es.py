"""Sphinx extension: the HTML theme as the book needs it — light, in Spanish, with the PDF at hand.

* Every page has a «Descargar PDF» link in its header and, in its footer, the edition, its
  publication date and version and a complete citation (pom_lib.render.imprint, from ``pom_edicion``).
* One search box at each width (the sidebar's field on a wide screen, the header's button on a
  narrow one; none in the top bar) and no light/dark switch: the charts are drawn for a light page.
* The theme's icon script (Font Awesome, 1.5 MB on every page) is not loaded: the few icons the
  pages use are drawn by the book's stylesheet (pom.css), so no icon font is fetched either.
* The few theme strings that sphinx-book-theme and Sphinx leave in English are corrected once
  the build ends; every other string already comes translated with ``language: es``.
* The search page says «se encontró 1 página» or «se encontraron N páginas» (static/pom-busqueda.js):
  Sphinx's Spanish catalogue has the plural only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from pom_lib.core import escaping
from pom_lib.render import imprint

SPANISH = {
    'title="Toggle primary sidebar"': 'title="Mostrar u ocultar el índice"',
    'title="Toggle secondary sidebar"': 'title="Mostrar u ocultar el contenido de la página"',
    'title="Link to this heading"': 'title="Enlace a este encabezado"',
    'title="Link to this table"': 'title="Enlace a esta tabla"',
    'title="Link to this image"': 'title="Enlace a esta figura"',
    'aria-label="Main"': 'aria-label="Principal"',
    'aria-label="Page"': 'aria-label="Contenido de la página"',
}
# The icon script the theme puts in every page's head.
_ICON_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
_ICON_FILES = ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt")
TEMPLATES = Path(__file__).parent / "templates"
SEARCH_SCRIPT = "pom-busqueda.js"


def translate(html: str) -> str:
    for english, spanish in SPANISH.items():
        html = html.replace(english, spanish)
    return html


def lighten(html: str) -> str:
    """The page without the icon script."""
    return _ICON_SCRIPT.sub("", html)


def _finish_pages(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        finished = lighten(translate(text))
        if finished != text:
            page.write_text(finished, encoding="utf-8")
    for name in _ICON_FILES:
        (Path(app.outdir) / "_static" / "scripts" / name).unlink(missing_ok=True)


def _write_entry_page(app: Any, exception: Exception | None) -> None:
    """index.html, when the book's first page has another name: a Spanish page that sends the
    reader there, with the book's icon (sphinx-external-toc's bare redirect makes the browser
    ask for a /favicon.ico that does not exist)."""
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    first = f"{app.config.root_doc}.html"
    title = escaping.html(app.config.html_title or app.config.project)
    (Path(app.outdir) / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="es">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        '<link rel="icon" href="_static/favicon.svg">\n'
        f'<meta http-equiv="refresh" content="0; url={first}">\n</head>\n'
        f'<body>\n<p><a href="{first}">Ir al libro</a></p>\n</body>\n</html>\n',
        encoding="utf-8",
    )


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """What the book's header and footer templates show (nothing without an imprint)."""
    if pagename == "search":
        # After Sphinx's translations.js (priority 500), whose result message it replaces.
        app.add_js_file(SEARCH_SCRIPT, priority=600)
    # The title is the plan's: the theme prints it unescaped in some places (the navbar, the search
    # page's <title>) and escaped in others; given as markup already escaped, it shows literally in all.
    for key in ("docstitle", "shorttitle"):
        if isinstance(context.get(key), str) and not isinstance(context[key], Markup):
            context[key] = Markup(escaping.html(context[key]))
    edition = app.config.pom_edicion
    if not edition:
        return
    context["pom_pdf"] = edition["pdf"]
    context["pom_edicion_linea"] = imprint.edition_line(edition)
    context["pom_cita"] = imprint.citation(edition)


def _configure(app: Any, config: Any) -> None:
    # First, so the book's components take the place of the themes' own of the same name.
    config.templates_path.insert(0, str(TEMPLATES))
    # A page without an icon makes the browser ask for /favicon.ico, an error when it is missing.
    config.html_favicon = str(Path(__file__).parent / "static" / "favicon.svg")


def setup(app: Any) -> dict[str, Any]:
    app.setup_extension("pom_lib.render.sphinx_tables")  # registers pom_edicion and the stylesheet
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _page_context)
    # Before sphinx-external-toc (priority 500), which writes index.html only when it is missing.
    app.connect("build-finished", _write_entry_page, priority=400)
    app.connect("build-finished", _finish_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
