"""The published book as readers get it: every chapter, the plan's key figures, Spanish, no code.

HTML and PDF are rebuilt here from the committed book/ notebooks (execution off), with the
same edition configuration `make book` uses, so the test reads what would be published.
"""

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pom_lib.edition import chapter_stems, edition_config, pdf_filename
from pom_lib.plan import load_plan

from conftest import ROOT

BOOK = ROOT / "book"
NBSP = "\u00a0"
# The edition book/ holds, as ediciones.yml records it: its plan folder and year.
EDITION = next(e for e in yaml.safe_load((ROOT / "ediciones.yml").read_text(encoding="utf-8"))["ediciones"]
               if e["fuente"] == "book")
PLAN_DIR = ROOT / EDITION["plan"]


def _csv(name: str) -> list[dict]:
    with (PLAN_DIR / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _key_figures() -> tuple[list[str], list[str]]:
    """Figures every edition shows, read from the edition's own plan files and formatted here by hand:
    yearly totals, target population and its places, the first product's first-year goals, and the main
    indicator's relative goals."""
    quetzales = [f"Q{round(float(row['meta_financiera'])):,}" for row in _csv("totales_anuales.csv")]
    people = [f"{int(row['valor']):,}" for row in _csv("cifras_clave.csv") if row["rol"] == "poblacion_objetivo"]
    people += [f"{int(row['personas']):,}" for row in _csv("poblacion_objetivo.csv")]
    first_product = min(_csv("productos.csv"), key=lambda row: int(row["orden"]))["producto_id"]
    first_goal = min((row for row in _csv("metas_productos.csv") if row["producto_id"] == first_product),
                     key=lambda row: int(row["anio"]))
    quetzales.append(f"Q{round(float(first_goal['meta_financiera'])):,}")
    people.append(f"{int(first_goal['meta_fisica']):,}")
    main_fiche = next(row["ficha_id"] for row in _csv("fichas.csv") if row["nivel"] == "producto")
    percents = [f"{float(row['meta_relativa']):.1f} %" for row in _csv("fichas_metas.csv")
                if row["ficha_id"] == main_fiche]
    return quetzales + people, percents


KEY_FIGURES, KEY_PERCENTS = _key_figures()


def _build(builder: str, output: Path) -> subprocess.CompletedProcess:
    config = edition_config(ROOT, load_plan(PLAN_DIR), int(EDITION["anio"]), output / "config.yml")
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
    assert f"Edición {EDITION['anio']}" in text
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
    parts = [part["caption"] for part in yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))["parts"]]
    assert parts
    for part in parts:
        assert re.search(rf"Parte [IVX]+\s+{part}", text), part


def test_footer_says_whose_figures_and_whose_analysis(built):
    page = (built["html"] / "presentacion.html").read_text(encoding="utf-8")
    plan = _csv("plan.csv")[0]
    assert (f"Las cifras son las del documento publicado por el {plan['institucion']} ({plan['siglas']})"
            in page)
    assert "Por Edición" not in page
