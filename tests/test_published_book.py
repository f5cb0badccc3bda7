"""The published book as readers get it: every chapter, the plan's key figures, Spanish, no code;
a PDF that reads as a publication; a download under every table and chart.

HTML and PDF are rebuilt (conftest's `published`) from the committed book/ notebooks (execution
off), with the same edition configuration `make book` uses, so the tests read what would be published.
"""

import csv
import io
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import yaml

from tests.support.citable import misplaced_figures
from tests.support.editions import page_text
from tests.support.paths import ROOT, TEST_SITE

# Builds books: left out of `make unitarias` (pytest -m "not libro").
pytestmark = pytest.mark.libro

BOOK = ROOT / "book"
NBSP = "\u00a0"
# The edition book/ holds, as ediciones.yml records it: its plan folder and year.
EDITION = next(
    e
    for e in yaml.safe_load((ROOT / "ediciones.yml").read_text(encoding="utf-8"))["ediciones"]
    if e["fuente"] == "book"
)
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
    first_goal = min(
        (row for row in _csv("metas_productos.csv") if row["producto_id"] == first_product),
        key=lambda row: int(row["anio"]),
    )
    quetzales.append(f"Q{round(float(first_goal['meta_financiera'])):,}")
    people.append(f"{int(first_goal['meta_fisica']):,}")
    main_fiche = next(row["ficha_id"] for row in _csv("fichas.csv") if row["nivel"] == "producto")
    percents = [
        f"{float(row['meta_relativa']):.1f} %" for row in _csv("fichas_metas.csv") if row["ficha_id"] == main_fiche
    ]
    return quetzales + people, percents


KEY_FIGURES, KEY_PERCENTS = _key_figures()


@pytest.fixture(scope="module")
def built(published):
    text = subprocess.run(
        ["pdftotext", "-layout", str(published["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    return {**published, "pdf_text": text}


def _page_text(path: Path) -> str:
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", NBSP)


def test_every_chapter_has_a_page_in_spanish(built):
    for stem in built["stems"]:
        page = built["html"] / f"{stem}.html"
        assert page.is_file(), stem
        assert '<html lang="es"' in page.read_text(encoding="utf-8")


def test_every_citable_figure_is_shown_where_its_address_points(built):
    rows = json.loads((built["html"] / "cifras.json").read_text(encoding="utf-8"))
    keys = [row["clave"] for row in rows]
    # The roles of the real plan's edition (a role keeps its key from one edition to the next).
    assert keys[:4] == [
        "metas_financieras_periodo",
        "variacion_total_anual",
        "poblacion_objetivo",
        "meta_indicador_final",
    ]
    assert {"dinero_sin_indicador", "poblacion_fuera_de_la_meta", "reasignacion_de_ida_y_vuelta"} <= set(keys)
    by_key = {row["clave"]: row for row in rows}
    assert by_key["metas_financieras_periodo"]["valor"] == 5_870_000_000  # the document's total
    assert by_key["poblacion_fuera_de_la_meta"]["valor"] == 3_437_340 - 1_619_247
    assert misplaced_figures(built["html"]) == []
    assert (built["html"] / "cifras.csv").read_bytes().startswith(b"\xef\xbb\xbfclave,valor,")


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
    parts = [
        part["caption"]
        for part in yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))["parts"]
        if "caption" in part
    ]
    assert parts
    for part in parts:
        assert re.search(rf"Parte [IVX]+\s+{part}", text), part


def test_footer_says_whose_figures_and_whose_analysis(built):
    page = (built["html"] / "presentacion.html").read_text(encoding="utf-8")
    plan = _csv("plan.csv")[0]
    assert f"Las cifras son las del documento publicado por el {plan['institucion']} ({plan['siglas']})" in page
    assert "Por Edición" not in page


# --- The PDF as a publication ---------------------------------------------------------------------

HEADING = re.compile(r"^(Capítulo \d+\s+)?\d+(\.\d+)*\s+\S.*$")
MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


# Running heads and feet: the book's title; a page number, alone or beside a chapter or section
# title («5.2. Metas físicas 23»: numbered with a final dot, unlike a heading in the text).
RUNNING = re.compile(r"Libro analítico$|^\d+$|^(\d+\s+)?(Capítulo \d+\.|\d+(\.\d+)*\.)\s.*?(\s+\d+)?$")


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's lines of content, without its running head and foot (turned pages too)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        [line.strip() for line in page.splitlines() if line.strip() and not RUNNING.search(line.strip())]
        for page in text.split("\f")[:-1]
    ]


def _page_problems(lines: list[str]) -> list[str]:
    """What is wrong with a page of the PDF: a heading or a source line alone, a table head without rows."""
    problems = []
    content = [line for line in lines if "Continúa en la página siguiente" not in line]
    if len(content) == 1 and HEADING.match(content[0]):
        problems.append(f"solo el encabezado «{content[0]}»")
    if lines and lines[0].startswith("Fuente:") and len(lines) <= 3:
        problems.append("solo la línea de la fuente")
    for index, line in enumerate(lines):
        continued = re.match(r"Tabla (\d+): \(continuación\)", line)
        if not continued:
            continue
        # A repeated head belongs above the table's next rows, never before the table itself begins.
        if any(re.match(rf"Tabla {continued[1]}: (?!\(continuación\))", later) for later in lines[index + 1 :]):
            problems.append(f"«{line}» antes del comienzo de la tabla")
        following = lines[index + 1 : index + 5]
        if len(lines) - index <= 2 or any("Continúa en la página siguiente" in row for row in following):
            problems.append(f"«{line}» sin filas")
    return problems


def test_pdf_has_lists_of_tables_and_figures(built):
    text = built["pdf_text"]
    assert "Índice de tablas" in text and "Índice de figuras" in text
    tables = len(set(re.findall(r"Tabla (\d+): (?!\(continuación\))", text)))
    figures = len(set(re.findall(r"Figura (\d+): ", text)))
    listed = text[text.index("Índice de tablas") : text.index("Índice de figuras")]
    assert tables > 10 and len(re.findall(r"^\s*\d+\.\s", listed, re.M)) == tables
    assert figures > 5


def test_no_pdf_page_holds_only_a_heading_a_source_line_or_an_empty_table_start(built):
    problems = {number: _page_problems(lines) for number, lines in enumerate(_pages(built["pdf"]), start=1)}
    assert {number: found for number, found in problems.items() if found} == {}


def test_pdf_metadata_name_the_book_its_author_subject_and_language(built):
    info = subprocess.run(["pdfinfo", str(built["pdf"])], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    title = next(csv.DictReader((PLAN_DIR / "plan.csv").open(encoding="utf-8")))
    assert fields["Title"].strip() == f"{title['titulo']}: libro analítico"
    assert title["institucion"] in fields["Author"] and title["siglas"] in fields["Keywords"]
    assert f"edición {EDITION['anio']}" in fields["Subject"]
    assert re.search(rb"/Lang\s*\(es-GT\)", _uncompressed(built["pdf"]))


def _uncompressed(pdf: Path) -> bytes:
    """The PDF's bytes with its compressed streams inflated (where its catalog may live)."""
    import zlib

    data = pdf.read_bytes()
    parts = [data]
    # Each stream is exactly /Length bytes long; searching for «endstream» instead can misalign them.
    for match in re.finditer(rb"/Length (\d+)\b[^>]*>>\s*stream\r?\n", data):
        try:
            parts.append(zlib.decompress(data[match.end() : match.end() + int(match.group(1))]))
        except zlib.error:
            continue
    return b"".join(parts)


def test_cover_is_dated_with_the_edition_publication_date(built):
    published = date.fromisoformat(str(EDITION["publicacion"]))
    cover = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(built["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"Edición {EDITION['anio']}" in cover
    assert f"Publicada el {published.day} de {MONTHS[published.month - 1]} de {published.year}" in cover
    assert "Cómo citar este libro" in cover


def test_pdf_links_to_every_download_at_the_edition_address(built):
    urls = subprocess.run(["pdfinfo", "-url", str(built["pdf"])], capture_output=True, text=True, check=True).stdout
    links = [line.split()[-1] for line in urls.splitlines()[1:] if line.strip()]
    base = built["edition"]["url"]
    assert base.startswith(TEST_SITE)
    ours = [link for link in links if link.startswith(base)]
    assert any("/_downloads/" in link and link.endswith("matriz.csv") for link in ours)
    assert sum(link.endswith(".xlsx") for link in ours) > 10
    for link in ours:  # each one is a file the published HTML has
        assert (built["html"] / link[len(base) :]).is_file(), link


# --- Downloads under every table and chart ---------------------------------------------------------


def _download_links(page: Path) -> list[str]:
    return re.findall(r'<a href="(datos/[^"]+)" download>', page.read_text(encoding="utf-8"))


def test_every_table_and_chart_has_its_downloads_and_they_exist(built):
    for stem in built["stems"]:
        page = (built["html"] / f"{stem}.html").read_text(encoding="utf-8")
        links = _download_links(built["html"] / f"{stem}.html")
        assert len([link for link in links if link.endswith(".xlsx")]) == page.count('class="pom-titulo-tabla"'), stem
        assert len([link for link in links if link.endswith(".svg")]) == page.count('class="pom-figura'), stem
        for link in links:
            assert (built["html"] / link).stat().st_size > 0, (stem, link)


def test_table_downloads_hold_the_plan_figures_as_numbers(built):
    goals = {(r["producto_id"], r["anio"]): int(r["meta_financiera"]) for r in _csv("metas_productos.csv")}
    product = min(_csv("productos.csv"), key=lambda row: int(row["orden"]))["producto_id"]
    plan = _csv("plan.csv")[0]
    first, last = plan["anio_inicio"], plan["anio_fin"]
    folder = built["html"] / "datos"
    # UTF-8 with a byte-order mark, so Excel reads the accents.
    assert (folder / "tabla-metas-financieras.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader((folder / "tabla-metas-financieras.csv").open(encoding="utf-8-sig")))
    row = next(r for r in rows if r["Código"] == product)
    assert int(row[first]) == goals[(product, first)]
    sheet = openpyxl.load_workbook(folder / "tabla-metas-financieras.xlsx").active
    header = [c.value for c in sheet[1]]
    cells = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == product)
    cell = cells[header.index(last)]
    assert cell.value == goals[(product, last)] and "Q" in cell.number_format
    chart = csv.DictReader(io.StringIO((folder / "figura-poblacion.csv").read_text(encoding="utf-8-sig")))
    population = {r["region"]: float(r["personas"]) for r in _csv("poblacion_objetivo.csv")}
    assert {r["region"]: float(r["personas"]) for r in chart} == population


# --- The PDF's pages: upright, never near-empty, with every heading in the contents --------------


def _pdf_pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _sideways_pages(pdf: Path) -> list[int]:
    """Pages where most words run up or down the page: a table turned on a portrait page (a turned
    page, /Rotate 90, reads upright; a chart's axis title or a turned page's running head are few words)."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sideways = []
    for number, words in enumerate(re.findall(r"<page [^>]*>(.*?)</page>", boxes, re.S), start=1):
        sizes = [
            (float(x1) - float(x0), float(y1) - float(y0))
            for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', words
            )
            if len(word) >= 4
        ]
        if sizes and sum(height > width for width, height in sizes) > len(sizes) / 3:
            sideways.append(number)
    return sideways


def _page_turns(pdf: Path) -> dict[int, tuple[float, float, int]]:
    """Each page's width, height and /Rotate, as pdfinfo reports them."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = {int(n): (float(w), float(h)) for n, w, h in re.findall(r"Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", info)}
    turns = {int(n): int(angle) for n, angle in re.findall(r"Page\s+(\d+) rot:\s+(\d+)", info)}
    return {n: (*sizes[n], turns.get(n, 0)) for n in sizes}


def test_no_table_is_turned_on_a_portrait_page_wide_ones_have_landscape_pages(built):
    assert _sideways_pages(built["pdf"]) == []
    turns = _page_turns(built["pdf"])
    landscape = [n for n, (width, height, turn) in turns.items() if turn in (90, 270) or width > height]
    pages = _pdf_pages_text(built["pdf"])
    # The planning matrix is wide: its pages are landscape pages, which a viewer shows turned.
    matrix = [n for n, text in enumerate(pages, start=1) if "Metas físicas por producto y subproducto" in text]
    assert matrix and set(matrix[1:]) <= set(landscape), (matrix, landscape)


def test_no_pdf_page_has_five_lines_of_text_or_fewer(built):
    """Counting the running head and foot. The one page allowed is one whose text a figure as tall as
    a page (charts grow with the plan's products) leaves behind: the figure fills the next page."""
    pages = _pdf_pages_text(built["pdf"])
    lines = {n: len([x for x in text.splitlines() if x.strip()]) for n, text in enumerate(pages, start=1)}
    near_empty = {n: count for n, count in lines.items() if count <= 5}
    before_a_page_figure = {n for n in near_empty if n < len(pages) and re.search(r"Figura \d+: ", pages[n])}
    assert {n: c for n, c in near_empty.items() if n not in before_a_page_figure} == {}
    assert len(before_a_page_figure) <= 1


def _squeezed(text: str) -> str:
    return re.sub(r"[\s\-\u00ad]", "", text.replace(NBSP, " "))


def _html_headings(page: Path) -> list[str]:
    """The headings a reader sees in a chapter's page: its sections and those its code prints (rubrics)."""
    import html as html_module

    source = page.read_text(encoding="utf-8")
    article = source[source.index('<article class="bd-article"') : source.index("</article>")]
    # Sections and rubrics alike are <h1>-<h3> (a rubric has class="rubric" and no link of its own).
    found = [heading for _, heading in re.findall(r"<h([1-3])[^>]*>(.*?)</h\1>", article, re.S)]
    found = [re.sub(r'<a class="headerlink".*?</a>', "", heading, flags=re.S) for heading in found]
    return [html_module.unescape(re.sub(r"<[^>]+>", "", heading)).strip() for heading in found]


def test_the_pdf_contents_list_every_heading_of_the_html_pages(built):
    pages = _pdf_pages_text(built["pdf"])
    start = next(n for n, text in enumerate(pages) if "Índice" in text.split("\n", 3)[0] + text[:200])
    end = next(n for n, text in enumerate(pages) if "Índice de tablas" in text)
    contents = _squeezed("".join(pages[start:end]))
    missing = {}
    for stem in built["stems"]:
        headings = _html_headings(built["html"] / f"{stem}.html")
        assert headings, stem
        missing[stem] = [heading for heading in headings if _squeezed(heading) not in contents]
    assert {stem: found for stem, found in missing.items() if found} == {}
    # Chapter 3 of the real plan prints its own headings: they are there too.
    assert "Lareddiplomática" in contents or "red_consular" not in built["stems"]


def test_one_citation_on_the_cover_in_every_footer_and_in_the_annexes(built):
    from pom_lib.render import imprint

    citation = imprint.citation(built["edition"])
    assert built["edition"]["autor"] in citation and built["edition"]["institucion"] in citation
    cover = _pdf_pages_text(built["pdf"])[0]
    assert _squeezed(citation) in _squeezed(cover)
    # The analysis is the book's: the cover names its author, and the institution as the plan's owner.
    assert _squeezed(f"Análisis: {built['edition']['autor']}") in _squeezed(cover)
    assert _squeezed(imprint.analysis_title(built["edition"])) in _squeezed(cover)
    for stem in built["stems"]:
        assert citation in page_text(built["html"] / f"{stem}.html"), stem
    annexes = page_text(built["html"] / "anexos.html")
    assert annexes.count(citation) == 2  # under «Cómo citar» and in the footer
    text = _squeezed(built["pdf_text"])
    assert text.count(_squeezed(citation)) == 2  # the cover and the annexes
