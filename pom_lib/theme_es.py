"""Sphinx extension: what the theme prints, in Spanish and with the plan's title as text.

The theme ships no Spanish catalogue for a few strings that sphinx-book-theme and Sphinx
leave in English, so the finished HTML pages are corrected once the build ends; every other
string already comes translated with `language: es`.

The book's title is the plan's, and the theme's templates print it unescaped in some places
(the navbar, the search page's <title>) and escaped in others: given to them as markup that is
already escaped, it shows literally in all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import escaping

SPANISH = {
    'title="Toggle primary sidebar"': 'title="Mostrar u ocultar el índice"',
    'title="Toggle secondary sidebar"': 'title="Mostrar u ocultar el contenido de la página"',
    'title="Link to this heading"': 'title="Enlace a este encabezado"',
    'title="Link to this table"': 'title="Enlace a esta tabla"',
    'title="Link to this image"': 'title="Enlace a esta figura"',
    'aria-label="Main"': 'aria-label="Principal"',
}


def translate(html: str) -> str:
    for english, spanish in SPANISH.items():
        html = html.replace(english, spanish)
    return html


def _translate_pages(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        translated = translate(text)
        if translated != text:
            page.write_text(translated, encoding="utf-8")


def _title_as_text(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    for key in ("docstitle", "shorttitle"):
        if isinstance(context.get(key), str) and not isinstance(context[key], Markup):
            context[key] = Markup(escaping.html(context[key]))


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _translate_pages)
    app.connect("html-page-context", _title_as_text)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
