"""The published book as readers get it: every chapter, the plan's key figures, Spanish, no code.

HTML and PDF are rebuilt here from the committed book/ notebooks (execution off), with the
same edition configuration `make book` uses, so the test reads what would be published.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pom_lib.edition import chapter_stems, edition_config, pdf_filename
from pom_lib.plan import load_plan

from conftest import PLAN_DIR, ROOT

BOOK = ROOT / "book"
NBSP = "\u00a0"
# Figures of the document every edition must show, typed from the document.
KEY_FIGURES = ["Q980,000,000", "Q1,080,000,000", "Q1,180,000,000", "Q1,280,000,000", "Q1,350,000,000",
               "3,437,340", "3,253,747", "1,619,247", "1,241,060", "631,506", "Q401,812,176", "Q598,226,516",
               "1,252,155", "Q4,863,360"]
KEY_PERCENTS = ["47.1 %", "36.1 %", "38.8 %"]


def _build(builder: str, output: Path) -> subprocess.CompletedProcess:
    config = edition_config(ROOT, load_plan(PLAN_DIR), 2025, output / "config.yml")
    return subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", str(BOOK), "--config", str(config),
         "--path-output", str(output), "--builder", builder, "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    stems = chapter_stems(BOOK / "_toc.yml")
    missing = [s for s in stems if not (BOOK / f"{s}.ipynb").is_file()]
    if missing:
        pytest.fail(f"book/ no tiene los capítulos ejecutados {missing}: ejecute «make book» y guárdelos.")
    output = tmp_path_factory.mktemp("libro")
    for builder in ("html", "pdflatex"):
        result = _build(builder, output)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    html = output / "_build" / "html"
    pdf = output / "_build" / "latex" / pdf_filename(ROOT / "_config.yml")
    pdf_text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return {"stems": stems, "html": html, "pdf_text": pdf_text}


def _page_text(path: Path) -> str:
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", NBSP)


def test_every_chapter_has_a_page_in_spanish(built):
    for stem in built["stems"]:
        page = built["html"] / f"{stem}.html"
        assert page.is_file(), stem
        assert '<html lang="es"' in page.read_text(encoding="utf-8")


def test_html_shows_the_key_figures(built):
    text = " ".join(_page_text(built["html"] / f"{stem}.html") for stem in built["stems"])
    for figure in KEY_FIGURES:
        assert figure in text, figure
    for figure in KEY_PERCENTS:
        assert figure.replace(" ", NBSP) in text, figure


def test_pdf_shows_the_key_figures_with_decimal_points(built):
    text = built["pdf_text"].replace(NBSP, " ")
    for figure in KEY_FIGURES + KEY_PERCENTS:
        assert figure in text, figure
    # Spanish babel must not turn the decimal point into a comma («47,1 %»).
    assert not re.search(r"\b\d+,\d %", text)


def test_pdf_reads_as_a_spanish_report(built):
    text = built["pdf_text"]
    assert "Índice" in text and "Presentación" in text
    assert "Tabla 1" in text and "Figura 1" in text
    assert "Edición 2025" in text
    for english in ("Table ", "Figure ", "Contents", "Chapter"):
        assert english not in text, english


def test_readers_never_see_code_or_parameters(built):
    for stem in built["stems"]:
        html = (built["html"] / f"{stem}.html").read_text(encoding="utf-8")
        for leak in ("load_plan(", "import ", "injected-parameters", "Traceback", "papermill"):
            assert leak not in _page_text(built["html"] / f"{stem}.html"), (stem, leak)
        assert "cell_input" not in html, stem


def test_downloads_are_linked_and_present(built):
    page = (built["html"] / "anexos.html").read_text(encoding="utf-8")
    for name in ("matriz.csv", "matriz.xlsx", "paquete-datos.zip"):
        links = re.findall(rf'href="(_downloads/[^"]*{re.escape(name)})"', page)
        assert links, name
        assert (built["html"] / links[0]).is_file(), name


def test_pdf_shows_the_parts_of_the_book(built):
    text = built["pdf_text"]
    for part in ("Marco del plan", "Programación multianual", "Seguimiento", "Análisis y calidad", "Anexos"):
        assert re.search(rf"Parte [IVX]+\s+{part}", text), part


def test_footer_says_whose_figures_and_whose_analysis(built):
    page = (built["html"] / "presentacion.html").read_text(encoding="utf-8")
    assert "Las cifras son las del documento publicado por el Ministerio de Relaciones Exteriores (MINEX)" in page
    assert "Por Edición" not in page
