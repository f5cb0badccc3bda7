"""display.py: tables and figures render the same way every time, escaped, with caption and source."""

import re
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from myst_nb.core.variables import format_plain_text  # noqa: E402

from docutils.core import publish_doctree  # noqa: E402
from myst_parser.parsers.docutils_ import Parser as MystParser  # noqa: E402

from pom_lib import display  # noqa: E402
from pom_lib.display import OKABE_ITO, Figure, Table, setup_figures  # noqa: E402
from pom_lib.latex_output import LABEL_MARK, METADATA_KEY  # noqa: E402

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


def test_html_is_deterministic_and_has_no_ids():
    first, second = _table()._repr_html_(), _table()._repr_html_()
    assert first == second
    assert " id=" not in first


def test_numbers_are_right_aligned_and_text_left():
    html = _table()._repr_html_()
    assert '<td style="text-align: right; white-space: nowrap">Q401,812,176</td>' in html
    assert '<td style="text-align: left">Servicios consulares &amp; migrantes</td>' in html
    assert _table().align == "lrr"


def test_explicit_alignment_must_fit_the_columns():
    with pytest.raises(ValueError, match="una letra l, c o r por columna"):
        _table(align="lr")


def test_latex_is_a_small_booktabs_longtable_with_caption_and_label_mark():
    latex = _table()._repr_latex_()
    assert r"\begingroup\small" in latex
    assert r"\begin{longtable}{@{}lrr@{}}" in latex
    assert rf"\caption{{Metas financieras 2025}}{LABEL_MARK}" in latex
    assert latex.count(r"\toprule") == 2  # first page head and continuation head
    assert r"\bottomrule" in latex
    assert r"Fuente: Plan Operativo Multianual 2025-2029." in latex
    assert "landscape" not in latex


def test_latex_escapes_special_characters():
    latex = _table()._repr_latex_()
    assert r"Servicios consulares \& migrantes" in latex
    assert r"Política\_exterior" in latex
    assert r"47.1 \%" in latex


def test_long_text_columns_wrap_and_landscape_turns_the_page():
    long_text = "Descripción extensa del subproducto que no cabe en una sola línea de la tabla " * 2
    wide = pd.DataFrame({"Código": ["SUB01"], "Subproducto": [long_text], "2025": ["Q1,000,000"]})
    latex = Table(wide, "Subproductos", "POM.", landscape=True)._repr_latex_()
    spec = re.search(r"\\begin\{xltabular\}\{\\linewidth\}\{(.*)\}", latex).group(1)
    assert spec.startswith("@{}l")  # the short code column keeps its natural width
    assert spec.count("X") == 1  # the long text column takes the rest of the line and wraps
    assert latex.startswith("\\begin{landscape}") and latex.rstrip().endswith("\\end{landscape}")


def test_mimebundle_carries_both_reprs_and_numbering_metadata():
    data, metadata = _table(name="tabla-metas")._repr_mimebundle_()
    assert set(data) == {"text/html", "text/latex"}
    assert metadata == {
        METADATA_KEY: {"kind": "table", "caption": "Metas financieras 2025", "name": "tabla-metas"}
    }
    assert repr(_table()) == "Tabla «Metas financieras 2025» (3 filas × 3 columnas)"


def _bar_figure():
    fig, ax = plt.subplots()
    ax.bar(["2025", "2026"], [980, 1080])
    return fig


def test_figure_needs_alt_text():
    with pytest.raises(ValueError, match="texto alternativo"):
        Figure(_bar_figure(), "Presupuesto", "  ", "POM.")


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


@pytest.mark.parametrize("text", ["1,234,567", "Q1,234,567", "47.1 %", "2025", "«**Programa** <b>» {sub-ref}`today`"])
def test_glued_prose_survives_glue_md_and_glue_text_unchanged(text, monkeypatch):
    glued = {}
    monkeypatch.setattr(display, "_glue", glued.__setitem__)
    display.glue("clave", text)
    bundle = glued["clave"]._repr_mimebundle_()
    # {glue:md} parses text/markdown: the text must come back as text, markup included.
    assert publish_doctree(bundle["text/markdown"], parser=MystParser()).astext() == text
    # {glue:text} literal_evals text/plain: «1,234,567» unquoted would print as «(1, 234, 567)».
    assert format_plain_text(bundle["text/plain"], "s") == text


def test_emphasis_rows_are_bold_in_both_outputs():
    import pandas as pd

    data = pd.DataFrame({"Código": ["", "PRD01"], "Nombre": ["PROGRAMA", "Producto"], "2025": ["", "Q1"]})
    data.attrs["emphasis_rows"] = [0]
    table = Table(data, "Prueba", "Fuente de prueba")
    assert '<tr class="pom-grupo">' in table._repr_html_()
    assert r"\textbf{PROGRAMA}" in table._repr_latex_()
    # Blank cells of a heading row do not make a column of figures look like text.
    assert table.align == "llr"


def test_short_tables_stay_on_one_page_long_ones_break():
    import pandas as pd

    short = Table(pd.DataFrame({"a": ["x"] * 5}), "Corta", "F")._repr_latex_()
    long = Table(pd.DataFrame({"a": ["x"] * 60}), "Larga", "F")._repr_latex_()
    assert r"\needspace{11\baselineskip}" in short
    assert r"\needspace" not in long


def test_a_table_too_wide_only_for_its_headers_wraps_the_headers():
    headers = ["Año", "Meta, dato absoluto", "Meta, dato relativo", "Recalculado, absoluto",
               "Recalculado, relativo", "Ejecución de la meta anual"]
    data = pd.DataFrame([["2025", "1,332,155", "38.8 %", "1,332,155", "38.76 %", "sin dato"]], columns=headers)
    wide = Table(data, "Ficha", "POM.")
    latex = wide._repr_latex_()
    assert "\\begin{xltabular}{\\linewidth}" in latex
    assert latex.count("X") >= len(headers)  # every column shares the width; headers wrap
