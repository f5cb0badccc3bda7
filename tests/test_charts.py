"""Every chart reads on a phone and in print, is honest in its scales, and its alt text says what it
shows: the kind of chart it is and its finding."""

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.text import Text

from pom_lib.compute import findings, projections
from pom_lib.data.plan import Plan
from pom_lib.present import charts
from tests.support.paths import PLAN_DIR


def _all_charts(plan):
    scenarios = projections.default_scenarios(3.0)
    return {
        "population": charts.population_by_region(plan),
        "coverage": charts.coverage_trajectory(plan, projections.coverage_projection(plan, 2033, scenarios)),
        "budget": charts.budget_by_program(plan),
        "projection": charts.budget_projection(plan, projections.budget_projection(plan, 2033, scenarios)),
        "products": charts.product_growth(plan),
        "components": charts.indicator_components(plan, "FICHA_PRODUCTO"),
        "execution": charts.execution_projection(
            EXECUTION_PATH, "meta", "ejecucion", "Ejecución financiera", "quetzales", ("Meta del plan nuevo", NEWER)
        ),
        **{f.key: charts.finding_chart(f) for f in findings.findings(plan) if f.key in charts.FINDING_CHARTS},
    }


# Two observed years and two projected ones, and a newer plan's goals: every line execution_projection draws.
EXECUTION_PATH = pd.DataFrame(
    {
        "anio": [2025, 2026, 2027, 2028],
        "es_proyeccion": [False, False, True, True],
        "meta": [100e6, 120e6, 140e6, 160e6],
        "ejecucion": [90e6, 100e6, 110e6, 120e6],
    }
)
NEWER = pd.DataFrame({"anio": [2026, 2027, 2028], "meta": [125e6, 150e6, 170e6]})


@pytest.fixture(scope="module")
def all_charts(plan):
    return _all_charts(plan)


def _texts(fig):
    """The texts a reader sees: tick labels beyond the axis limits are never drawn."""
    hidden = set()
    for ax in fig.axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        hidden |= {id(t) for t in ax.get_xticklabels() if not x0 <= t.get_position()[0] <= x1}
        hidden |= {id(t) for t in ax.get_yticklabels() if not y0 <= t.get_position()[1] <= y1}
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def test_text_drawn_at_nine_and_a_half_points_shows_at_twelve_px_on_a_390_px_phone():
    # A 4-inch chart is 384 CSS px; on the phone it gets 374 px: 9.5 pt × 96/72 × 374/384 = 12.34 px.
    assert charts.WIDTH == 4.0 and charts.PHONE_CHART == 374
    assert charts.phone_px(9.5) == pytest.approx(12.337, abs=0.001)
    # 11 px needs 11 / (96/72 × 374/384) = 8.47 pt.
    assert charts.MIN_FONT == pytest.approx(8.471, abs=0.001)


def test_every_text_of_every_chart_reads_at_eleven_px_or_more_on_a_phone(all_charts):
    assert charts.MIN_TEXT_PX == 11
    for name, chart in all_charts.items():
        fig = chart.figure
        assert fig.get_size_inches()[0] == charts.WIDTH, name
        assert fig.get_size_inches()[1] <= 9.0, name  # fits the PDF's text block
        sizes = [t.get_fontsize() for t in _texts(fig)]
        assert sizes and min(charts.phone_px(s) for s in sizes) >= charts.MIN_TEXT_PX, (name, min(sizes))


def test_no_text_falls_outside_the_figure(all_charts):
    for name, chart in all_charts.items():
        fig = chart.figure
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        width, height = fig.bbox.width, fig.bbox.height
        for text in _texts(fig):
            box = text.get_window_extent(renderer)
            assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, (
                name,
                text.get_text(),
            )


def test_no_title_is_drawn_in_the_chart_the_caption_carries_it(all_charts):
    for name, chart in all_charts.items():
        assert chart.figure._suptitle is None, name
        assert not chart.figure.axes[0].get_title(), name


def test_magnitudes_sit_on_linear_axes(all_charts):
    for name, chart in all_charts.items():
        ax = chart.figure.axes[0]
        assert ax.get_xscale() == "linear" and ax.get_yscale() == "linear", name


def _drawn_kinds(fig) -> set[str]:
    """What the chart draws, read from its artists: bars, dots (scatter) and data lines (two points or more)."""
    ax = fig.axes[0]
    kinds = set()
    if any(isinstance(c, BarContainer) for c in ax.containers):
        kinds.add("barras")
    if any(isinstance(c, PathCollection) for c in ax.collections):
        kinds.add("puntos")
    if any(len(line.get_xdata()) > 2 for line in ax.get_lines()):
        kinds.add("líneas")
    return kinds


# How an alt text names each kind of chart, and words it must not use for a chart that is not of that kind.
KIND_WORDS = {"barras": ("barra",), "puntos": ("punto",), "líneas": ("línea",)}


def test_each_alt_text_opens_with_the_kind_of_chart_it_describes(all_charts):
    for name, chart in all_charts.items():
        drawn = _drawn_kinds(chart.figure)
        assert drawn, name
        description = chart.alt.lower()
        for kind, words in KIND_WORDS.items():
            said = any(w in description for w in words)
            assert said == (kind in drawn), (name, kind, chart.alt)


def test_the_dot_plot_says_dots_and_its_zero_line_runs_beside_the_dots_never_through_the_names(plan):
    chart = charts.product_growth(plan)
    assert chart.alt.startswith("Gráfico de puntos, una fila por producto")
    assert "barra" not in chart.alt.lower()
    fig = chart.figure
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    names = [t.get_window_extent(renderer) for t in ax.texts]
    zero = [c for c in ax.collections if isinstance(c, LineCollection) and all(s[0][0] == 0 for s in c.get_segments())]
    assert len(zero) == 1
    for (x0, y0), (x1, y1) in zero[0].get_segments():
        (sx, sy0), (_, sy1) = ax.transData.transform([(x0, y0), (x1, y1)])
        for box in names:
            crosses = box.x0 <= sx <= box.x1 and min(sy0, sy1) < box.y1 and max(sy0, sy1) > box.y0
            assert not crosses


def test_labels_are_whole_names_never_cut(plan):
    shown = " ".join(t.get_text().replace("\n", " ") for t in _texts(charts.product_growth(plan).figure))
    assert "…" not in shown
    for name in plan.products["nombre"]:
        if name in ("Transmisión de mando",):  # no goals in either year: no growth to draw
            continue
        assert name in shown, name


def test_population_shows_shares_of_the_whole_and_its_alt_text_the_concentration(plan):
    chart = charts.population_by_region(plan)
    population = pd.read_csv(PLAN_DIR / "poblacion_objetivo.csv")
    total = population["personas"].sum()
    top = population.sort_values("personas", ascending=False).iloc[0]
    share = f"{100 * top['personas'] / total:.1f}\u00a0%"
    labels = [t.get_text() for t in chart.figure.axes[0].texts]
    assert share in labels
    assert chart.alt.startswith("Barras horizontales, una por lugar")
    assert f"{top['region']} concentra el {share} de la población objetivo" in chart.alt
    assert f"{top['personas']:,}" in chart.alt
    assert chart.data["personas"].sum() == total


def test_line_charts_say_so_and_label_at_most_seven_years(plan):
    scenarios = projections.default_scenarios(3.0)
    chart = charts.budget_projection(plan, projections.budget_projection(plan, 2033, scenarios))
    assert chart.alt.startswith(
        "Línea del total anual del plan, año por año, prolongada por una línea discontinua por escenario hasta 2033. "
    )
    years = [int(t.get_text()) for t in _texts(chart.figure) if t.get_text().isdigit() and len(t.get_text()) == 4]
    assert years == [2025, 2027, 2029, 2031, 2033]


def test_value_labels_use_guatemalan_formats(plan):
    coverage = [t.get_text() for t in charts.coverage_trajectory(plan).figure.axes[0].texts]
    assert "47.1\u00a0%" in coverage and "36.1\u00a0%" in coverage


def test_bars_use_the_okabe_ito_palette(plan):
    fig = charts.budget_by_program(plan).figure
    colours = {to_hex(patch.get_facecolor()) for patch in fig.axes[0].patches}
    assert colours <= {c.lower() for c in charts.OKABE_ITO}
    assert len(colours) == len(plan.programs)


def test_alt_texts_state_the_findings_in_figures_from_the_data(plan):
    totals = pd.read_csv(PLAN_DIR / "totales_anuales.csv").set_index("anio")["meta_financiera"]
    budget = charts.budget_by_program(plan)
    assert budget.alt.startswith("Barras apiladas, una por año")
    assert (
        f"El total anual pasa de Q{totals.iloc[0] / 1e6:,.1f} millones en {totals.index[0]} a "
        f"Q{totals.iloc[-1] / 1e6:,.1f} millones en {totals.index[-1]}"
    ) in budget.alt
    components = charts.indicator_components(plan, "FICHA_PRODUCTO").alt
    assert "El numerador suma 3 subproductos y pasa de 1,332,155 personas en 2025 a 1,619,247" in components


def test_indicator_components_stack_the_formula_subproducts(plan):
    chart = charts.indicator_components(plan, "FICHA_PRODUCTO")
    labels = [t.get_text() for t in chart.figure.legends[0].get_texts()]
    assert [label.split()[0] for label in labels] == ["SUB02", "SUB03", "SUB04"]
    assert chart.figure.axes[0].get_ylabel() == "Personas (meta física)"
    assert sorted(chart.data["subproducto_id"].unique()) == ["SUB02", "SUB03", "SUB04"]


def _enlarged(plan: Plan, times: int) -> Plan:
    """The plan with every product and region copied `times` times (new ids): a much larger plan."""
    products = pd.concat(
        [
            plan["productos"].assign(
                producto_id=lambda f, k=k: f["producto_id"] + f"_{k}", orden=lambda f, k=k: f["orden"] + 1000 * k
            )
            for k in range(times)
        ]
    )
    goals = pd.concat(
        [plan["metas_productos"].assign(producto_id=lambda f, k=k: f["producto_id"] + f"_{k}") for k in range(times)]
    )
    regions = pd.concat(
        [plan["poblacion_objetivo"].assign(region=lambda f, k=k: f["region"] + f" {k}") for k in range(times)]
    )
    return Plan(
        plan.source, {**plan.tables, "productos": products, "metas_productos": goals, "poblacion_objetivo": regions}
    )


def test_a_plan_fifty_times_larger_keeps_its_charts_readable_and_its_data_whole(plan):
    large = _enlarged(plan, 50)
    products = charts.product_growth(large)
    names = [t.get_text() for t in _texts(products.figure)]
    assert any(n.startswith("Otros ") and "productos" in n for n in names)
    assert products.figure.get_size_inches()[1] <= 9.0
    assert len(products.data) == 50 * len(plan.products)  # the download keeps every product
    population = charts.population_by_region(large)
    assert len(population.figure.axes[0].patches) == charts.TOP + 1
    assert len(population.data) == 50 * len(plan["poblacion_objetivo"])
