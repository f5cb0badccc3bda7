"""A plan whose text fields carry HTML, MyST and LaTeX: the book prints all of it literally.

The edition is built from tests/support/hostile.py's plan with the chapters that print plan text:
quoted statements, program names and actions, the matrix (names, units, charts), the
fiches (indicator and formula), projections and quality checks (names in tables and charts)
and the annexes (title, institution), behind a cover page; every HTML page also carries the title
in its navbar and footer, and the PDF on its title page.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pom_lib.publish.edition import build_edition
from tests.support.editions import page_text, short_book
from tests.support.hostile import VISIBLE, VISIBLE_SHORT, hostile_plan
from tests.support.paths import ROOT

# Builds books: left out of `make unitarias` (pytest -m "not libro").
pytestmark = pytest.mark.libro

PLAN = "data/plan-hostil"
CHAPTERS = [
    "marco_estrategico",
    "acciones_programa",
    "matriz_planificacion",
    "fichas_indicadores",
    "proyecciones",
    "calidad_datos",
    "anexos",
]
# Markup that would be live if plan text were not escaped.
LIVE_MARKUP = [
    "<script>alert",
    "<iframe",
    "<b>b</b>",
    "<strong>negrita</strong>",
    "<strong>n</strong>",
    'href="http://ejemplo.invalid"',
]
# Words of the payload and the literal text they must always appear in (never as formatting or a link).
ALWAYS_LITERAL = {
    "negrita": "**negrita**",
    "ejemplo.invalid": "[enlace](http://ejemplo.invalid)",
    "sub-ref": "{sub-ref}`today`",
}


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> tuple[Path, Path]:
    """The HTML folder and the PDF of the edition."""
    root = tmp_path_factory.mktemp("hostil") / "libro"
    (root / "book").mkdir(parents=True)
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    hostile_plan(root / PLAN)
    short_book(root / "notebooks", CHAPTERS, plan=PLAN)
    html, pdf = build_edition(Path(PLAN), 2025, root)
    return html.parent, pdf


def _squeezed(text: str) -> str:
    """Text without spaces or hyphens: a PDF line may break anywhere in a long payload."""
    return re.sub(r"[\s\-]", "", text)


def test_html_pages_have_no_live_markup_from_the_plan(book):
    pages = sorted(book[0].glob("*.html"))
    assert {f"{name}.html" for name in CHAPTERS} <= {page.name for page in pages}
    for page in pages:
        source = page.read_text(encoding="utf-8")
        for markup in LIVE_MARKUP:
            assert markup not in source, f"{page.name}: {markup}"


def test_html_pages_show_the_plan_text_as_written(book):
    for name in ["portada", "search", *CHAPTERS]:
        text = page_text(book[0] / f"{name}.html")
        for piece in VISIBLE:  # the title, in the navbar and the footer of every page
            assert piece in text, f"{name}: {piece}"
        for word, literal in ALWAYS_LITERAL.items():
            assert text.count(word) == text.count(literal), f"{name}: {word}"
    chapters = " ".join(page_text(book[0] / f"{name}.html") for name in CHAPTERS)
    for piece in VISIBLE_SHORT:  # names of programs, products, units: prose, headings, tables
        assert piece in chapters, piece


def test_pdf_prints_the_plan_text_as_written(book):
    text = _squeezed(
        subprocess.run(["pdftotext", str(book[1]), "-"], capture_output=True, text=True, check=True).stdout
    )
    for piece in VISIBLE + VISIBLE_SHORT:
        assert _squeezed(piece) in text, piece
    for word, literal in ALWAYS_LITERAL.items():
        assert text.count(_squeezed(word)) == text.count(_squeezed(literal)), word
