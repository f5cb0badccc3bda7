"""display.py: tables and figures render the same way every time, escaped, with caption and source."""

import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from myst_nb.core.variables import format_plain_text

from pom_lib.core.escaping import latex as latex_escape
from pom_lib.present.display import (
    OKABE_ITO,
    Cards,
    Chart,
    Figure,
    Table,
    _Prose,
    code_and_name,
    setup_figures,
    stored_figures,
)
from pom_lib.present.tables import with_codes
from pom_lib.render.sphinx_tables import (
    DOWNLOADS_MARK_LATEX,
    LABEL_MARK,
    LANDSCAPE_END_MARK,
    LANDSCAPE_MARK,
    METADATA_KEY,
)
from tests.support.commands import require

METAS = pd.DataFrame(
    {
        "Programa": ["Servicios consulares & migrantes", "Política_exterior <bilateral>", None],
        "Monto 2025": ["Q401,812,176", "Q14,931,906", "Q9,111,422"],
        "Avance": ["47.1 %", "3.5 %", "100%"],
    }
)


def _table(**options) -> Table:
    return Table(METAS, "Metas financieras 2025", "Plan Operativo Multianual 2025-2029.", **options)


def test_html_has_caption_source_and_escaped_cells():
    html = _table()._repr_html_()
    assert "<caption>Metas financieras 2025</caption>" in html
    assert "Fuente: Plan Operativo Multianual 2025-2029." in html
    assert "Servicios consulares &amp; migrantes" in html
    assert "Política_exterior &lt;bilateral&gt;" in html
    assert "<bilateral>" not in html
    assert html.count("<tr>") == 1 + len(METAS)
    assert "—" in html  # the missing program name


def test_html_table_scrolls_in_its_own_named_focusable_box_with_row_headers():
    html = _table()._repr_html_()
    assert html.startswith('<div class="pom-desplazable" role="region" tabindex="0">')
    assert html.count('<th scope="col"') == 3
    assert html.count('<th scope="row"') == len(METAS)  # each row is named by its first cell


def test_html_is_deterministic_and_has_no_ids():
    first, second = _table()._repr_html_(), _table()._repr_html_()
    assert first == second
    assert " id=" not in first


def test_numbers_are_right_aligned_and_text_left():
    html = _table()._repr_html_()
    assert '<td class="pom-num">Q401,812,176</td>' in html
    assert '<th scope="row" class="pom-texto">Servicios consulares &amp; migrantes</th>' in html
    assert _table().align == "lrr"


@pytest.mark.parametrize(
    "cells, align",
    [
        (["Q5,870,000,000", "8.3\u00a0%", "5 / 14 / 28", "3,437,340"], "r"),  # key figures of a plan
        (["1,252,155", "80,000", "1,332,155 (38.8\u00a0%)"], "r"),  # goals and an indicator with its share
        (["-4.5 %", "+2.0 %", "—"], "r"),
        (["2024 (línea de base)", "2025", "2026"], "l"),
        (["1,241,060 personas", "Total anual"], "l"),
        (["PRD01", "PRD02"], "l"),
    ],
)
def test_columns_that_only_show_figures_are_right_aligned(cells, align):
    table = Table(pd.DataFrame({"Cifra": [f"c{i}" for i in range(len(cells))], "Valor": cells}), "T", "POM.")
    assert table.align == "l" + align


def test_explicit_alignment_must_fit_the_columns():
    with pytest.raises(ValueError, match="una letra l, c o r por columna"):
        _table(align="lr")


def test_a_short_latex_table_is_a_float_with_its_source_inside():
    latex = _table()._repr_latex_()
    assert latex.startswith("\\begin{table}[htbp]\n\\small")
    assert r"\begin{tabular}{@{}lrr@{}}" in latex
    assert rf"\caption{{Metas financieras 2025}}{LABEL_MARK}" in latex
    assert latex.index("Fuente: Plan Operativo Multianual 2025-2029.") < latex.index(r"\end{table}")
    assert DOWNLOADS_MARK_LATEX in latex
    assert "landscape" not in latex


def test_a_long_latex_table_breaks_with_its_source_in_the_last_foot():
    rows = pd.DataFrame({"Código": [f"SUB{i:02d}" for i in range(80)], "Meta": ["1,234"] * 80})
    latex = Table(rows, "Metas", "POM.")._repr_latex_()
    assert r"\begin{longtable}{@{}lr@{}}" in latex
    assert latex.count(r"\toprule") == 2  # first page head and continuation head
    assert r"\caption[]{(continuación)}" in latex
    foot = latex[latex.index(r"\endfoot") : latex.index(r"\endlastfoot")]
    assert "Fuente: POM." in foot  # never alone on a page after the table
    assert r"\Needspace{" in latex


def test_latex_escapes_special_characters():
    latex = _table()._repr_latex_()
    assert r"Servicios consulares \& migrantes" in latex
    assert r"Política\_exterior" in latex
    assert r"47.1 \%" in latex
    assert latex_escape(r"a\b{c}~^#$") == r"a\textbackslash{}b\{c\}\textasciitilde{}\textasciicircum{}\#\$"


def test_long_text_columns_wrap_in_paragraph_columns_sharing_the_line():
    long_text = "Descripción extensa del subproducto que no cabe en una sola línea de la tabla " * 2
    wide = pd.DataFrame(
        {
            "Código": ["SUB01"] * 3,
            "Subproducto": [long_text] * 3,
            "2025": ["Q1,000,000"] * 3,
            "2026": ["Q1,000,000"] * 3,
            "2027": ["Q1,000,000"] * 3,
            "2028": ["Q1,000,000"] * 3,
        }
    )
    latex = Table(wide, "Subproductos", "POM.")._repr_latex_()
    fractions = [float(f) for f in re.findall(r"p\{([0-9.]+)\\dimexpr\\linewidth-10\\tabcolsep\\relax\}", latex)]
    assert len(fractions) == 6 and sum(fractions) == pytest.approx(1, abs=0.001)
    assert fractions[1] == max(fractions)  # the long text takes what the figures leave


def test_a_turned_table_is_set_on_landscape_pages_never_as_a_rotated_float():
    data, metadata = _table(landscape=True)._repr_mimebundle_()
    latex = data["text/latex"]
    # The mark becomes \begin{landscape} (pdflscape: the page itself turns in a viewer).
    assert latex.startswith(LANDSCAPE_MARK + "\\begingroup")
    assert r"\begin{longtable}" in latex and latex.endswith(LANDSCAPE_END_MARK)
    assert "sideways" not in latex and r"\begin{table}" not in latex
    assert metadata[METADATA_KEY]["apaisada"] is True
    assert r"\setlength{\tabcolsep}{6pt}" in latex  # amounts side by side never touch


def _breaks(latex: str) -> int:
    return latex.count(r"\allowbreak{}")


def test_a_600_character_word_may_break_anywhere_in_its_cell():
    word = "Ministeriode" * 50
    table = pd.DataFrame({"Código": ["PRD01"], "Producto": [word], "2025": ["Q1,000"]})
    latex = Table(table, "Metas", "POM.")._repr_latex_()
    assert _breaks(latex) == len(word) - 1  # a break opportunity between every two of its characters
    assert re.search(r"p\{[0-9.]+\\dimexpr", latex)  # in a paragraph column that wraps it
    assert latex.replace(r"\allowbreak{}", "").count(word) == 1
    assert _breaks(Table(METAS, "Metas", "POM.")._repr_latex_()) == 0  # ordinary words are left whole


def test_a_fifty_year_matrix_is_set_in_parts_that_repeat_code_name_and_unit():
    years = [str(y) for y in range(2025, 2075)]
    rows = [
        {"Código": f"PRD{i:02d}", "Producto": f"Producto número {i} del plan", "Unidad": "Persona"}
        | {y: "Q1,234,567,890" for y in years}
        for i in range(20)
    ]
    latex = Table(pd.DataFrame(rows), "Metas financieras", "POM.", landscape=True)._repr_latex_()
    parts = latex.count(r"\begin{longtable}")
    assert 4 <= parts <= 10
    assert latex.count(r"\addtocounter{table}{-1}") == parts - 1  # the parts share the table's number
    assert latex.count(LABEL_MARK) == 1 and latex.count("Fuente: POM.") == 1
    assert latex.count(r"\textbf{Producto}") == 2 * parts  # first head and continuation head of every part
    assert latex.count("Producto número 7 del plan") == parts
    for year in years:  # every year in exactly one part (its head, twice)
        assert latex.count(rf"\textbf{{{year}}}") == 2
    assert f"parte 1 de {parts}: 2025 a " in latex and f"parte {parts} de {parts}: " in latex
    assert latex.count(LANDSCAPE_MARK) == 1 and latex.count(LANDSCAPE_END_MARK) == 1


def test_mimebundle_carries_both_reprs_numbering_metadata_and_the_cells():
    data, metadata = _table(name="tabla-metas")._repr_mimebundle_()
    assert set(data) == {"text/html", "text/latex"}
    meta = metadata[METADATA_KEY]
    assert {k: meta[k] for k in ("kind", "caption", "name")} == {
        "kind": "table",
        "caption": "Metas financieras 2025",
        "name": "tabla-metas",
    }
    assert meta["datos"]["columnas"] == ["Programa", "Monto 2025", "Avance"]
    assert meta["datos"]["filas"][2] == ["", "Q9,111,422", "100%"]  # a missing cell is empty, not «—»
    assert meta["lineas_iniciales"] == 0  # a float needs no room kept under a heading
    assert repr(_table()) == "Tabla «Metas financieras 2025» (3 filas × 3 columnas)"


def _bar_figure():
    fig, ax = plt.subplots()
    ax.bar(["2025", "2026"], [980, 1080])
    return fig


def test_figure_needs_alt_text_and_source():
    with pytest.raises(ValueError, match="texto alternativo"):
        Figure(_bar_figure(), "Presupuesto", "  ", "POM.")
    with pytest.raises(ValueError, match="fuente"):
        Figure(_bar_figure(), "Presupuesto", "Dos barras.")


def test_a_chart_brings_its_alt_text_and_its_data():
    data = pd.DataFrame({"anio": [2025, 2026], "total": [980.0, 1080.5]})
    figure = Figure(Chart(_bar_figure(), "El total sube.", data), "Presupuesto", source="POM.")
    _, metadata = figure._repr_mimebundle_()
    assert metadata[METADATA_KEY]["alt"] == "El total sube."
    assert metadata[METADATA_KEY]["datos"] == {"columnas": ["anio", "total"], "filas": [[2025, 980.0], [2026, 1080.5]]}


def test_a_chart_stores_each_figure_rounded_to_what_it_measures():
    # The same projection computed with and without AVX-512 differs in its last digit.
    data = pd.DataFrame(
        {
            "escenario": ["Tendencia del plan", "Tendencia del plan"],
            "anio": [2032, 2032],
            "personas": [1899438.754743545, 1899438.7547435449],
            "cobertura_pct": [53.633813994136105, 53.63381399413611],
            "meta_financiera": [1716581936.2690384, None],
            "meta_fisica_tcac": [5.000065047607327, -0.508960339053233],
            "es_proyeccion": [True, False],
        }
    )
    assert stored_figures(data) == {
        "columnas": list(data.columns),
        "filas": [
            ["Tendencia del plan", 2032, 1899439, 53.6338, 1716581936.27, 5.0001, True],
            ["Tendencia del plan", 2032, 1899439, 53.6338, None, -0.509, False],
        ],
    }


def test_a_chart_column_of_fractions_must_say_what_it_measures():
    with pytest.raises(ValueError, match="«razon»"):
        stored_figures(pd.DataFrame({"razon": [0.5]}))


def test_figure_outputs_are_vector_and_byte_identical_between_runs():
    setup_figures()
    first = Figure(_bar_figure(), "Presupuesto", "Dos barras.", "POM.", name="fig-p")._repr_mimebundle_()
    second = Figure(_bar_figure(), "Presupuesto", "Dos barras.", "POM.", name="fig-p")._repr_mimebundle_()
    assert first == second
    data, metadata = first
    assert data["image/svg+xml"].lstrip().startswith("<?xml")
    assert "<dc:date>" not in data["image/svg+xml"]
    assert metadata[METADATA_KEY]["alt"] == "Dos barras."
    assert metadata[METADATA_KEY]["source"] == "Fuente: POM."


def test_figure_closes_its_pyplot_figure():
    fig = _bar_figure()
    Figure(fig, "Presupuesto", "Dos barras.", "POM.")
    assert fig.number not in plt.get_fignums()


def test_setup_figures_uses_the_colour_blind_safe_palette():
    setup_figures()
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [c.upper() for c in colours] == OKABE_ITO
    assert matplotlib.rcParams["svg.hashsalt"]


@pytest.mark.parametrize("text", ["1,234,567", "Q1,234,567", "47.1 %", "2025"])
def test_glued_prose_survives_glue_text_unchanged(text):
    bundle = _Prose(text, text)._repr_mimebundle_()
    assert bundle["text/markdown"] == text
    # {glue:text} literal_evals text/plain: «1,234,567» unquoted would print as «(1, 234, 567)».
    assert format_plain_text(bundle["text/plain"], "s") == text


def test_row_roles_set_groups_items_and_sub_items_apart_in_both_outputs():
    data = pd.DataFrame(
        {"Código": ["", "PRD01", "SUB01"], "Nombre": ["PROGRAMA", "Producto", "Subproducto"], "2025": ["", "Q2", "Q1"]}
    )
    data.attrs.update(emphasis_rows=[0], strong_rows=[1], indent_rows=[2], label_column="Nombre")
    table = Table(data, "Prueba", "Fuente de prueba")
    html = table._repr_html_()
    assert '<tr class="pom-grupo">' in html and '<tr class="pom-producto">' in html
    assert '<tr class="pom-sub"><th scope="row">SUB01</th><td class="pom-sangria">Subproducto</td>' in html
    latex = table._repr_latex_()
    assert r"\rowcolor{black!6}\multicolumn{3}" in latex and r"{\textbf{PROGRAMA}}" in latex  # spans the table
    assert r"\textbf{PRD01} & \textbf{Producto} & \textbf{Q2}" in latex
    assert r"SUB01 & \hspace*{1em}Subproducto & Q1" in latex
    # Blank cells of a heading row do not make a column of figures look like text.
    assert table.align == "llr"


def test_codes_are_shown_with_their_names_in_the_fixed_first_column_and_downloaded_apart():
    data = pd.DataFrame(
        {
            "Código": ["", "PRD01", "SUB01"],
            "Producto": ["PROGRAMA", "Producto & más", "Subproducto"],
            "Unidad": ["", "Persona", "Documento"],
            "2025": ["", "Q2", "Q1"],
        }
    )
    data.attrs.update(emphasis_rows=[0], strong_rows=[1], indent_rows=[2])
    table = Table(with_codes(data, "Producto"), "Prueba", "Fuente de prueba")
    html = table._repr_html_()
    assert '<thead><tr><th scope="col">Producto</th><th scope="col">Unidad</th>' in html
    assert '<tr class="pom-grupo"><th scope="row">PROGRAMA</th>' in html
    assert '<tr class="pom-producto"><th scope="row">PRD01 Producto &amp; más</th><td>Persona</td>' in html
    assert '<tr class="pom-sub"><th scope="row" class="pom-sangria">SUB01 Subproducto</th><td>Documento</td>' in html
    latex = table._repr_latex_()
    assert r"\textbf{PRD01 Producto \& más} & \textbf{Persona} & \textbf{Q2}" in latex
    assert r"\hspace*{1em}SUB01 Subproducto & Documento & Q1" in latex
    assert table.align == "llr"
    downloads = table._repr_mimebundle_()[1][METADATA_KEY]["datos"]
    assert downloads["columnas"] == ["Código", "Producto", "Unidad", "2025"]
    assert downloads["filas"][2] == ["SUB01", "Subproducto", "Documento", "Q1"]


@pytest.mark.parametrize(
    ("code", "name", "shown"),
    [
        ("SUB08", "Servicios de documentación", "SUB08 Servicios de documentación"),
        ("", "TOTAL", "TOTAL"),
        ("SUB28", "—", "SUB28"),
        ("", "", ""),
    ],
)
def test_code_and_name_reads_the_code_then_the_name(code, name, shown):
    assert code_and_name(code, name) == shown


def test_a_code_column_needs_the_column_of_its_names():
    data = pd.DataFrame({"Código": ["PRD01"], "Producto": ["Producto"]})
    data.attrs["code_column"] = "Código"
    with pytest.raises(ValueError, match="necesita su columna de nombres"):
        Table(data, "Prueba", "Fuente de prueba")


def test_cards_show_each_value_over_its_label():
    figures = [
        SimpleNamespace(value="Q5,870.0 millones", label="Metas & totales"),
        SimpleNamespace(value="47.1 %", label="Meta"),
    ]
    cards = Cards(figures)
    html = cards._repr_html_()
    assert html.count('<li class="pom-tarjeta">') == 2
    assert '<span class="pom-cifra">Q5,870.0 millones</span><span class="pom-rotulo">Metas &amp; totales</span>' in html
    latex = cards._repr_latex_()
    assert latex.count(r"\fcolorbox") == 2 and r"Metas \& totales" in latex and r"47.1 \%" in latex


def test_a_table_too_wide_only_for_its_headers_wraps_the_headers():
    headers = [
        "Año",
        "Meta, dato absoluto",
        "Meta, dato relativo",
        "Recalculado, absoluto",
        "Recalculado, relativo",
        "Ejecución de la meta anual",
    ]
    data = pd.DataFrame([["2025", "1,332,155", "38.8 %", "1,332,155", "38.76 %", "sin dato"]], columns=headers)
    wide = Table(data, "Ficha", "POM.")
    latex = wide._repr_latex_()
    fractions = re.findall(r"p\{([0-9.]+)\\dimexpr", latex)
    assert len(fractions) == len(headers)  # every column shares the width; headers wrap
    assert sum(float(f) for f in fractions) == pytest.approx(1, abs=0.001)


def _typeset(tmp_path, table: Table) -> Path:
    """The table's LaTeX in a bare A4 document with the book's margins and packages, as a PDF."""

    body = table._repr_latex_().replace(LABEL_MARK, "").replace(LANDSCAPE_MARK, "\\begin{landscape}\n")
    body = body.replace(LANDSCAPE_END_MARK, "\\end{landscape}\n")
    source = tmp_path / "tabla.tex"
    source.write_text(
        "\\documentclass[a4paper,11pt]{report}\\usepackage[margin=1in]{geometry}\\usepackage{fontspec}"
        "\\setmainfont{FreeSerif}[Extension=.otf,UprightFont=*,BoldFont=*Bold,ItalicFont=*Italic]"
        "\\usepackage[table]{xcolor}\\usepackage{booktabs,longtable,pdflscape,needspace}\\begin{document}\n"
        + body.replace(DOWNLOADS_MARK_LATEX, "")
        + "\\end{document}\n",
        encoding="utf-8",
    )
    for _ in range(2):  # longtable settles its column widths on the second run
        subprocess.run(["xelatex", "-interaction=nonstopmode", source.name], cwd=tmp_path, capture_output=True)
    return tmp_path / "tabla.pdf"


def _words_beyond_the_text_block(pdf: Path) -> list[str]:
    """Words poppler places beside or above the 1-inch margins of their page (a turned page measured
    turned), but for the page number: in the foot, which a turned page shows at its side."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "1000", str(pdf)], capture_output=True, text=True).stdout
    turned = {int(n) for n, angle in re.findall(r"Page\s+(\d+) rot:\s+(\d+)", info) if angle in ("90", "270")}
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', boxes, re.S)
    outside = []
    for number, (width, height, words) in enumerate(pages, start=1):
        width = float(height) if number in turned else float(width)
        for x0, y0, x1, _, word in re.findall(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', words
        ):
            if not word.isdigit() and (min(float(x0), float(y0)) < 72 - 2 or float(x1) > width - 72 + 2):
                outside.append(word)
    return outside


def test_a_fifty_year_matrix_with_a_600_character_word_stays_inside_its_pages(tmp_path):
    require("xelatex", "«make sistema-pdf» lo instala")

    word = "Ministeriode" * 50
    years = [str(y) for y in range(2025, 2075)]
    rows = [
        {"Código": f"PRD{i:02d}", "Producto": word if i == 3 else f"Producto número {i} del plan", "Unidad": "Persona"}
        | {y: "Q1,234,567,890" for y in years}
        for i in range(12)
    ]
    pdf = _typeset(tmp_path, Table(pd.DataFrame(rows), "Metas financieras", "POM.", landscape=True))
    assert _words_beyond_the_text_block(pdf) == []
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(year in text for year in years)
    assert re.sub(r"\s", "", text).count(word) >= 1  # the long word is whole, only broken across lines
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page rot:\s+90", info)  # landscape pages, turned for the viewer
