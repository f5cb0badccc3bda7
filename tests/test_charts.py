"""Every chart has a title, axis labels with units, and uses the colour-blind-safe palette."""

import pytest
from matplotlib.colors import to_hex

from pom_lib import charts, projections
from pom_lib.plan import load_plan

from conftest import PLAN_DIR


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN_DIR)


def _all_charts(plan):
    scenarios = projections.default_scenarios(3.0)
    return {
        "population": charts.population_by_region(plan),
        "coverage": charts.coverage_trajectory(plan, projections.coverage_projection(plan, 2033, scenarios)),
        "budget": charts.budget_by_program(plan),
        "growth": charts.yearly_growth(plan),
        "projection": charts.budget_projection(plan, projections.budget_projection(plan, 2033, scenarios)),
        "products": charts.product_growth(plan),
    }


def test_charts_are_titled_and_labelled(plan):
    for name, fig in _all_charts(plan).items():
        ax = fig.axes[0]
        assert fig._suptitle.get_text(), name
        assert ax.get_xlabel() and (ax.get_ylabel() or name in ("population", "products")), name


def test_axis_units_are_named(plan):
    figures = _all_charts(plan)
    assert figures["budget"].axes[0].get_ylabel() == "Millones de quetzales"
    assert "%" in figures["coverage"].axes[0].get_ylabel()
    assert figures["population"].axes[0].get_xlabel().startswith("Personas")


def test_bars_use_the_okabe_ito_palette(plan):
    fig = charts.budget_by_program(plan)
    colours = {to_hex(patch.get_facecolor()) for patch in fig.axes[0].patches}
    assert colours <= {c.lower() for c in charts.OKABE_ITO}
    assert len(colours) == len(plan.programs)


def test_value_labels_use_guatemalan_formats(plan):
    texts = [t.get_text() for t in charts.population_by_region(plan).axes[0].texts]
    assert "3,253,747" in texts
    coverage = [t.get_text() for t in charts.coverage_trajectory(plan).axes[0].texts]
    assert "47.1\u00a0%" in coverage and "36.1\u00a0%" in coverage


def test_indicator_components_stack_the_formula_subproducts(plan):
    fig = charts.indicator_components(plan, "FICHA_PRODUCTO")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [label.split()[0] for label in labels] == ["SUB02", "SUB03", "SUB04"]
    totals = [t.get_text() for t in ax.texts]
    assert totals == ["1,332,155", "1,398,764", "1,468,703", "1,542,139", "1,619,247"]
    assert ax.get_ylabel() == "Personas (meta física)"
