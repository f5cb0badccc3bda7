"""Derived figures and projections, checked against sums done by hand from the document."""

import math

import pandas as pd
import pytest

from pom_lib.compute import analysis, projections


def test_budget_by_program_adds_up_to_the_totals(plan):
    budget = analysis.budget_by_program(plan)
    assert budget.sum().tolist() == [980e6, 1080e6, 1180e6, 1280e6, 1350e6]
    # Consular program 2025 = PRD01 + PRD02 = 401,812,176 + 14,931,906.
    assert budget.loc["Servicios Consulares y de Atención al Migrante", 2025] == 416_744_082
    # 416,744,082 of the 980,000,000 of 2025.
    shares = analysis.budget_shares(plan)[2025]
    assert shares["Servicios Consulares y de Atención al Migrante"] == pytest.approx(100 * 416_744_082 / 980e6)


def test_a_figure_one_caller_changes_stays_whole_for_the_next(plan):
    budget = analysis.budget_by_program(plan)
    budget.loc["Servicios Consulares y de Atención al Migrante", 2025] = 0
    assert analysis.budget_by_program(plan).loc["Servicios Consulares y de Atención al Migrante", 2025] == 416_744_082


def test_yearly_growth(plan):
    totals = analysis.yearly_totals(plan)
    assert totals.loc[2026, "variacion"] == 100e6
    assert totals.loc[2029, "variacion_pct"] == pytest.approx(100 * 70 / 1280)


def test_compound_growth():
    assert analysis.compound_growth(100, 121, 2) == pytest.approx(10)
    assert math.isnan(analysis.compound_growth(0, 10, 4))


def test_product_growth_first_to_last_year(plan):
    growth = analysis.product_growth(plan).set_index("producto_id")
    assert growth.loc["PRD01", "meta_financiera_2029"] == 598_226_516
    assert growth.loc["PRD07", "meta_fisica_variacion_pct"] == 0
    assert math.isnan(growth.loc["PRD14", "meta_fisica_tcac"])  # no physical goal in 2025


def test_unit_cost_is_missing_when_there_is_no_physical_goal(plan):
    costs = analysis.unit_costs(plan)
    transfer = costs[(costs["producto_id"] == "PRD14") & (costs["nivel"] == "producto")]
    assert transfer.set_index("anio")["costo_unitario"].isna().tolist() == [True, True, False, False, True]
    prd01 = costs[(costs["producto_id"] == "PRD01") & (costs["nivel"] == "producto") & (costs["anio"] == 2025)]
    assert prd01["costo_unitario"].item() == pytest.approx(401_812_176 / 1_252_155)


def test_outliers_name_the_reallocation_inside_prd05(plan):
    outliers = analysis.unit_cost_outliers(plan, threshold_pct=50)
    top = outliers.iloc[0]
    assert (top["elemento"], top["anio"]) == ("SUB14", 2026)
    # metas_subproductos.csv: SUB14 1,679 → 1,763 events and Q1,743,855 → Q159,740,794 from 2025 to 2026.
    assert top[["fisica_anterior", "meta_fisica", "financiera_anterior", "meta_financiera"]].tolist() == [
        1679,
        1763,
        1_743_855,
        159_740_794,
    ]
    assert top["variacion_costo_pct"] == pytest.approx(100 * ((159_740_794 / 1763) / (1_743_855 / 1679) - 1))
    # Volume +5 %, money ×92: the cost follows the money.
    assert top["sigue_a"] == "financiera"
    # SUB13, same product PRD05, same year: Q274,065,459 → Q154,906,817, the other way and of similar size.
    assert top["reasignacion_con"].startswith("Gestiones político-diplomáticas para el fortalecimiento")
    assert top["reasignacion_cambio"] == 154_906_817 - 274_065_459
    # SUB16 2026: Q9,626,733 → Q47,610 and 22 → 2 events; both terms fall, and no sibling rises to match.
    small = outliers[(outliers["elemento"] == "SUB16") & (outliers["anio"] == 2026)].iloc[0]
    assert small["sigue_a"] == "ambas"
    assert pd.isna(small["reasignacion_con"])
    assert analysis.unit_cost_outliers(plan, threshold_pct=10_000).empty


def test_a_cost_follows_the_term_that_moves_four_times_more():
    assert analysis.cost_driver([100, 10, 100, -40], [10, 100, 50, -10]).tolist() == [
        "financiera",
        "fisica",
        "ambas",
        "ambas",
    ]


def test_scenarios_extend_the_series(plan):
    budget = projections.budget_projection(plan, 2031, projections.default_scenarios(2.0)).set_index(
        ["escenario", "anio"]
    )
    assert budget.loc[("Sin crecimiento", 2031), "total"] == 1_350e6
    assert budget.loc[("Crecimiento de 2 % anual", 2030), "total"] == pytest.approx(1_350e6 * 1.02)
    trend = (1350 / 980) ** (1 / 4)
    assert budget.loc[("Tendencia del plan", 2030), "total"] == pytest.approx(1_350e6 * trend)


def test_coverage_projection_caps_at_the_population(plan):
    cover = projections.coverage_projection(plan, 2040, [projections.Scenario("x", "tasa", 50.0)])
    assert cover["cobertura_pct"].max() == pytest.approx(100)
    fixed = projections.coverage_projection(plan, 2030, [projections.Scenario("c", "constante")])
    assert fixed["cobertura_pct"].item() == pytest.approx(100 * 1_619_247 / 3_437_340)


def test_coverage_path_starts_at_the_baseline(plan):
    path = projections.coverage_path(plan)
    assert path.index.tolist() == [2024, 2025, 2026, 2027, 2028, 2029]
    assert path.loc[2024, "cobertura_pct"] == 36.1


def test_unknown_scenario_is_refused():
    with pytest.raises(ValueError, match="Escenario desconocido"):
        projections.Scenario("x", "magia")


def test_years_to_reach(plan):
    assert projections.years_to_reach(plan, 40) == 2026
    assert projections.years_to_reach(plan, 60) > 2029
