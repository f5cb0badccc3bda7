"""Every chart is legible at print size, honest in its scales, and says its finding in its alt text."""

import pandas as pd
from conftest import PLAN_DIR
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.text import Text

from pom_lib.compute import projections
from pom_lib.data.plan import Plan
from pom_lib.present import charts


def _all_charts(plan):
    scenarios = projections.default_scenarios(3.0)
    return {
        "population": charts.population_by_region(plan),
        "coverage": charts.coverage_trajectory(plan, projections.coverage_projection(plan, 2033, scenarios)),
        "budget": charts.budget_by_program(plan),
        "growth": charts.yearly_growth(plan),
        "projection": charts.budget_projection(plan, projections.budget_projection(plan, 2033, scenarios)),
        "products": charts.product_growth(plan),
        "components": charts.indicator_components(plan, "FICHA_PRODUCTO"),
    }


def _texts(fig):
    """The texts a reader sees: tick labels beyond the axis limits are never drawn."""
    hidden = set()
    for ax in fig.axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        hidden |= {id(t) for t in ax.get_xticklabels() if not x0 <= t.get_position()[0] <= x1}
        hidden |= {id(t) for t in ax.get_yticklabels() if not y0 <= t.get_position()[1] <= y1}
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def test_charts_print_at_their_size_with_text_of_at_least_nine_points(plan):
    for name, chart in _all_charts(plan).items():
        fig = chart.figure
        assert fig.get_size_inches()[0] == charts.WIDTH, name
        assert fig.get_size_inches()[1] <= 9.0, name  # fits the PDF's text block
        sizes = [t.get_fontsize() for t in _texts(fig)]
        assert sizes and min(sizes) >= charts.MIN_FONT, (name, min(sizes))


def test_no_text_falls_outside_the_figure(plan):
    for name, chart in _all_charts(plan).items():
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


def test_no_title_is_drawn_in_the_chart_the_caption_carries_it(plan):
    for name, chart in _all_charts(plan).items():
        assert chart.figure._suptitle is None, name
        assert not chart.figure.axes[0].get_title(), name


def test_magnitudes_sit_on_linear_axes(plan):
    for name, chart in _all_charts(plan).items():
        ax = chart.figure.axes[0]
        assert ax.get_xscale() == "linear" and ax.get_yscale() == "linear", name


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
    assert chart.alt.startswith(f"{top['region']} concentra el {share} de la población objetivo")
    assert f"{top['personas']:,}" in chart.alt
    assert chart.data["personas"].sum() == total


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
    assert budget.alt.startswith(
        f"El total anual pasa de Q{totals.iloc[0] / 1e6:,.1f} millones en {totals.index[0]} a "
        f"Q{totals.iloc[-1] / 1e6:,.1f} millones en {totals.index[-1]}"
    )
    growth = 100 * totals.pct_change().dropna()
    yearly = charts.yearly_growth(plan).alt
    assert yearly.startswith("El total del plan crece todos los años")
    assert f"{growth.idxmax()} (+{growth.max():.1f}\u00a0%)" in yearly
    components = charts.indicator_components(plan, "FICHA_PRODUCTO").alt
    assert components.startswith("El numerador suma 3 subproductos y pasa de 1,332,155 personas en 2025 a 1,619,247")


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
