"""Chapter «Proyecciones»: the horizon from the plan's own years, sentences computed for any plan."""

import pytest

from pom_lib.chapters.proyecciones import Projections
from pom_lib.data.plan import load_plan
from tests.support.paths import PLAN_DIR
from tests.support.plan_variants import change_rows, end_in, read_rows, shift_years

NBSP = "\u00a0"


def yearly_cost_changes(folder) -> list[tuple[str, int, float]]:
    """(item, year, % change of its unit cost over the previous year), from the CSV goals."""
    goals = {}
    for table, key in (("metas_productos", "producto_id"), ("metas_subproductos", "subproducto_id")):
        for row in read_rows(folder, table):
            goals.setdefault(row[key], {})[int(row["anio"])] = (
                float(row["meta_fisica"]),
                float(row["meta_financiera"]),
            )
    changes = []
    for item, years in goals.items():
        cost = {y: money / units for y, (units, money) in years.items() if units > 0}
        changes += [(item, y, 100 * (cost[y] / cost[y - 1] - 1)) for y in cost if y - 1 in cost and cost[y - 1]]
    return changes


def compound(first: float, last: float, years: int) -> float:
    return 100 * ((last / first) ** (1 / years) - 1)


@pytest.fixture(scope="module")
def chapter(plan):
    return Projections(plan)


def test_the_horizon_counts_from_the_plans_last_year(chapter, plan_copy):
    assert chapter.values["horizonte"] == "2033" and chapter.values["anios_proyeccion"] == "cuatro años"
    assert Projections(chapter.plan, anios_proyeccion=2).values["horizonte"] == "2031"
    shift_years(plan_copy, 6)  # a plan 2031-2035: a fixed horizon of 2033 would lie before its end
    later = Projections(load_plan(plan_copy))
    assert later.values["horizonte"] == "2039"
    assert set(later.coverage["anio"]) == set(later.budget["anio"]) == {2036, 2037, 2038, 2039}
    with pytest.raises(ValueError, match="anios_proyeccion"):
        Projections(chapter.plan, anios_proyeccion=0)


def test_growth_of_the_physical_and_financial_goals(chapter):
    goals = {(r["producto_id"], int(r["anio"])): r for r in read_rows(PLAN_DIR, "metas_productos")}
    products = [r["producto_id"] for r in read_rows(PLAN_DIR, "productos")]
    physical = {
        p: compound(float(goals[p, 2025]["meta_fisica"]), float(goals[p, 2029]["meta_fisica"]), 4)
        for p in products
        if float(goals[p, 2025]["meta_fisica"]) > 0
    }
    growing = sorted(rate for rate in physical.values() if rate > 0.5)
    flat = sum(abs(rate) <= 0.5 for rate in physical.values())
    median = (growing[2] + growing[3]) / 2
    near = sum(abs(rate - median) <= 0.5 for rate in growing)
    assert chapter.values["frase_crecimiento"] == (
        f"{near} de los {len(growing)} productos cuya meta física crece lo hacen a un ritmo cercano al "
        f"{median:.1f}{NBSP}% anual, y {flat} mantienen la misma meta todos los años."
    )
    financial = {
        p: compound(float(goals[p, 2025]["meta_financiera"]), float(goals[p, 2029]["meta_financiera"]), 4)
        for p in products
        if float(goals[p, 2025]["meta_financiera"]) > 0
    }
    fastest = max(financial, key=financial.get)
    assert chapter.values["frase_financiera"].startswith(f"La meta financiera que más crece es la de {fastest} «")
    assert chapter.values["frase_financiera"].endswith(f"a {financial[fastest]:.1f}{NBSP}% anual.")


def test_outliers_are_counted_and_announced_only_when_there_are_some(chapter):
    changes = yearly_cost_changes(PLAN_DIR)
    over = [c for c in changes if abs(c[2]) > 50]
    assert chapter.values["frase_atipicos"] == (
        f"{len(over)} variaciones anuales del costo unitario superan el umbral de 50{NBSP}%, en "
        f"{len({item for item, _, _ in over})} elementos de la matriz."
    )
    assert len([c for c in changes if abs(c[2]) > 1000]) == 1
    one = Projections(chapter.plan, umbral_atipicos=1000)
    assert one.values["frase_atipicos"] == f"Una variación anual del costo unitario supera el umbral de 1,000{NBSP}%."
    none = Projections(chapter.plan, umbral_atipicos=100000)
    assert none.values["frase_atipicos"] == f"Ningún costo unitario varía más de 100,000{NBSP}% de un año al siguiente."
    assert none.outliers.empty


def test_outlier_commentary_is_held_back_when_the_outliers_change(chapter):
    assert "El documento no explica estas variaciones." in chapter.commentary_markdown("atipicos")
    assert Projections(chapter.plan, umbral_atipicos=1000).commentary_markdown("atipicos") == ""


def test_coverage_scenarios_and_half_coverage(chapter, plan_copy):
    values = chapter.values
    assert values["frase_cobertura"].startswith(
        "Con la tendencia del plan, la cobertura del indicador principal "
        f"llegaría a {values['cobertura_tendencia']} en 2033"
    )
    assert f"bajaría a {values['cobertura_constante']}, porque la población crecería" in values["frase_cobertura"]
    assert "se mantendría en" in Projections(chapter.plan, crecimiento_poblacion=0).values["frase_cobertura"]
    # 1,619,247 persons in 2029 from 1,241,060 in 2024: at that pace, half of 3,437,340 is passed in 2031.
    pace = (1619247 / 1241060) ** (1 / 5)
    year = next(y for y in range(2030, 2100) if 1619247 * pace ** (y - 2029) >= 3437340 / 2)
    assert values["frase_mitad"] == (
        f"Al ritmo del plan y con la población fija, la mitad de la población objetivo quedaría cubierta en {year}."
    )
    change_rows(
        plan_copy,
        "fichas_metas",
        lambda row: (row["ficha_id"], row["anio"]) == ("FICHA_PRODUCTO", "2029"),
        meta_relativa="52.0",
    )
    assert Projections(load_plan(plan_copy)).values["frase_mitad"] == (
        f"Las metas del plan ya alcanzan el 50{NBSP}% de la población objetivo en 2029."
    )
    change_rows(plan_copy, "fichas_metas", lambda row: True, meta_absoluta="1241060", meta_relativa="36.1")
    assert Projections(load_plan(plan_copy)).values["frase_mitad"] == ""


def test_budget_pace_in_any_direction(chapter, plan_copy):
    assert chapter.values["frase_presupuesto"].startswith(
        f"El total del plan crece a {compound(980e6, 1350e6, 4):.1f}{NBSP}% anual entre 2025 y 2029."
    )
    for year, total in ((2025, 1350e6), (2029, 980e6)):
        change_rows(
            plan_copy,
            "totales_anuales",
            lambda row, year=year: row["anio"] == str(year),
            meta_financiera=str(int(total)),
        )
    falling = Projections(load_plan(plan_copy)).values["frase_presupuesto"]
    assert falling.startswith(
        f"El total del plan se reduce a un ritmo de {-compound(1350e6, 980e6, 4):.1f}{NBSP}% anual entre 2025 y 2029."
    )


def test_a_one_year_plan_has_no_growth_to_extend(plan_copy):
    end_in(plan_copy, 2025)
    chapter = Projections(load_plan(plan_copy))
    values = chapter.values
    assert values["frase_crecimiento"] == "El plan abarca un solo año: sus metas no tienen crecimiento que medir."
    assert values["frase_financiera"] == ""
    assert values["frase_presupuesto"].startswith("Con un solo año, el plan no tiene un ritmo propio que prolongar")
    assert chapter.growth_figure() is None
