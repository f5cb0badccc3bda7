"""Sphinx extension: the few theme strings that sphinx-book-theme and Sphinx leave in English.

The theme ships no Spanish catalogue for them, so the finished HTML pages are corrected
once the build ends; every other string already comes translated with `language: es`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _translate_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
