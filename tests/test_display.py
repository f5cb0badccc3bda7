"""display.py: tables and figures render the same way every time, escaped, with caption and source."""

import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from myst_nb.core.variables import format_plain_text

from pom_lib.core.escaping import latex as latex_escape
from pom_lib.present.display import OKABE_ITO, Cards, Chart, Figure, Table, _Prose, code_and_name, setup_figures
from pom_lib.present.tables import with_codes
from pom_lib.render.sphinx_tables import DOWNLOADS_MARK_LATEX, LABEL_MARK, METADATA_KEY

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
    fractions = [float(f) for f in re.findall(r"p\{([0-9.]+)\\dimexpr\\linewidth-40pt\\relax\}", latex)]
    assert len(fractions) == 6 and sum(fractions) == pytest.approx(1, abs=0.001)
    assert fractions[1] == max(fractions)  # the long text takes what the figures leave


def test_landscape_can_be_forced():
    latex = _table(landscape=True)._repr_latex_()
    assert latex.startswith("\\begin{sidewaystable}")


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
