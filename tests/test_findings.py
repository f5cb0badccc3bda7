"""The findings that open the book: computed for any plan, picked by one rule, stated only where the data are.

MINEX figures are typed from the document's matrix (metas_productos.csv, metas_subproductos.csv,
cifras_clave.csv and fichas_metas.csv); the rule is checked on findings made by hand.
"""

from pathlib import Path

import pytest

from pom_lib.compute import findings
from pom_lib.compute.findings import Finding
from pom_lib.data.plan import Plan, load_plan
from pom_lib.present import findings as words
from tests.support.paths import ROOT

NBSP = "\u00a0"
FIXTURE_PLANS = sorted((ROOT / "tests" / "fixtures" / "planes").iterdir())


@pytest.fixture(scope="module")
def found(plan):
    return {finding.key: finding for finding in findings.findings(plan)}


def test_the_real_plan_s_findings_heaviest_first(plan):
    assert [f.key for f in findings.findings(plan)] == [
        "dinero_sin_indicador",  # 55.4 % of the money
        "poblacion_fuera_de_la_meta",  # 52.9 % of the people
        "costo_crece_mas_que_metas",  # PRD01: 2,547 of 5,870 million
        "reasignacion_de_ida_y_vuelta",  # 333.5 of 5,870 million
        "compromisos_sin_meta",  # no money or people to weigh
    ]


def test_money_that_no_indicator_measures(found):
    # Only the consular program's subproducts feed the indicators: PRD01 and PRD02, 2,619,167,346 of 5,870,000,000.
    unmeasured = found["dinero_sin_indicador"]
    assert unmeasured.figures["monto"] == pytest.approx(5_870_000_000 - 2_619_167_346)
    assert unmeasured.figures["programas_medidos"] == ["Servicios Consulares y de Atención al Migrante"]
    assert words.sentence(unmeasured) == (
        f"**55.4{NBSP}%** de las metas financieras del período (Q3,250.8 millones) no se mide con ningún "
        "indicador del plan."
    )


def test_people_outside_the_final_goal(found):
    # Target population 3,437,340; the indicator's 2029 goal 1,619,247 persons.
    assert words.sentence(found["poblacion_fuera_de_la_meta"]) == (
        "Aun si se cumple la meta de cobertura de 2029, **1,818,093 personas** de la población objetivo "
        f"(52.9{NBSP}%) quedan fuera."
    )


def test_money_growing_faster_than_output(found):
    # PRD01: Q401,812,176 → Q598,226,516 and 1,252,155 → 1,522,006 persons from 2025 to 2029.
    # The name is cut after six words, never on a linking word: the chapter gives it whole.
    assert words.sentence(found["costo_crece_mas_que_metas"]) == (
        f"La meta financiera de PRD01 «Población guatemalteca que recibe servicios…» crece **+48.9{NBSP}%** de 2025 "
        f"a 2029 y su meta física +21.6{NBSP}%: el costo por persona sube."
    )


def test_money_in_and_back_out(found):
    # SUB14: 1,743,855 in 2025, 159,740,794 in 2026, 177,240,794 in 2027, 3,316,114 in 2028; SUB13 the other way.
    trip = found["reasignacion_de_ida_y_vuelta"]
    assert trip.figures["adicional"] == 159_740_794 + 177_240_794 - 2 * 1_743_855
    assert trip.figures["contraparte_id"] == "SUB13"
    assert words.sentence(trip) == (
        "**Q333.5 millones** entran a SUB14 «Promoción en el exterior…» en 2026-2027 y vuelven a salir en 2028: su "
        "meta financiera pasa de Q1.7 millones a Q177.2 millones y vuelve a Q3.3 millones."
    )


def test_expansion_statements_without_goals(found):
    assert words.sentence(found["compromisos_sin_meta"]) == (
        "El plan anuncia la ampliación de su red en **seis enunciados**, pero sus datos no vinculan ninguno "
        "con una meta física ni financiera de la matriz."
    )


def test_main_points_open_with_the_plan_s_size_and_link_to_chapters_the_book_has(plan):
    points = findings.main_points(findings.findings(plan))
    markdown = words.points_markdown(plan, points, ["marco_estrategico", "proyecciones"])
    lines = markdown.strip().splitlines()
    assert len(lines) == 5
    assert lines[0] == (
        "1. El plan programa **Q5,870.0 millones** en metas financieras para 2025-2029; el total anual sube de "
        f"Q980.0 millones a Q1,350.0 millones (+37.8{NBSP}%)."
    )
    assert lines[1].endswith("({doc}`marco_estrategico`)")
    assert "{doc}`alcance_poblacion`" not in markdown  # not among the chapters given


def _weighed(*weights: float) -> list[Finding]:
    return [Finding(f"f{i}", "x", weight) for i, weight in enumerate(weights)]


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ((60, 50, 40, 30, 20), ["f0", "f1", "f2", "f3"]),  # at most four
        ((60, 50, 4, 0), ["f0", "f1", "f2"]),  # fewer than three above 5 %: the next ones fill up to three
        ((60, 50, 6, 4.9), ["f0", "f1", "f2"]),  # 4.9 % is below the threshold
        ((60,), ["f0"]),
    ],
)
def test_the_main_points_rule(weights, expected):
    assert [f.key for f in findings.main_points(_weighed(*weights))] == expected


@pytest.mark.parametrize("folder", FIXTURE_PLANS, ids=[path.name for path in FIXTURE_PLANS])
def test_no_finding_is_stated_where_its_data_are_absent(folder: Path):
    plan = load_plan(folder)
    keys = {finding.key for finding in findings.findings(plan)}
    assert ("compromisos_sin_meta" in keys) == (not plan["expansion_red"].empty)
    for finding in findings.findings(plan):
        assert words.sentence(finding)
    if "reasignacion_de_ida_y_vuelta" not in keys:
        assert findings.round_trip_reallocation(plan) is None


def _one_year(plan: Plan) -> Plan:
    year = plan.years[0]
    tables = {
        **plan.tables,
        "plan": plan["plan"].assign(anio_fin=year),
        "totales_anuales": plan["totales_anuales"].query("anio == @year"),
        "metas_productos": plan["metas_productos"].query("anio == @year"),
        "metas_subproductos": plan["metas_subproductos"].query("anio == @year"),
    }
    return Plan(plan.source, tables)


def test_a_single_year_has_no_growth_findings(plan):
    single = _one_year(plan)
    keys = [finding.key for finding in findings.findings(single)]
    assert "costo_crece_mas_que_metas" not in keys and "reasignacion_de_ida_y_vuelta" not in keys
    assert words.budget_sentence(single) == "El plan programa **Q980.0 millones** en metas financieras para 2025."


def test_money_without_physical_goal(plan):
    goals = plan["metas_productos"].copy()
    goals.loc[(goals["producto_id"] == "PRD03") & (goals["anio"] == 2026), "meta_fisica"] = 0
    changed = Plan(plan.source, {**plan.tables, "metas_productos": goals})
    finding = findings.money_without_output(changed)
    # PRD03's 2026 financial goal in metas_productos.csv.
    row = plan["metas_productos"].query("producto_id == 'PRD03' and anio == 2026").iloc[0]
    assert finding.figures["monto"] == float(row["meta_financiera"])
    assert words.sentence(finding).endswith("el producto PRD03 no tiene meta física: dinero sin nada que entregar.")


def test_citable_figures_have_unique_keys_and_the_document_s_values(plan):
    from pom_lib.present import citable

    rows = citable.citable_figures(plan, "resumen.html")
    keys = [row["clave"] for row in rows]
    assert len(keys) == len(set(keys))
    by_key = {row["clave"]: row for row in rows}
    assert by_key["metas_financieras_periodo"]["valor"] == 5_870_000_000
    assert by_key["metas_financieras_periodo"]["url"] == "resumen.html#cifra-metas-financieras-periodo"
    assert (by_key["programas"]["valor"], by_key["productos"]["valor"], by_key["subproductos"]["valor"]) == (5, 14, 28)
    assert by_key["dinero_sin_indicador_monto"]["valor"] == 5_870_000_000 - 2_619_167_346
    assert by_key["dinero_sin_indicador"]["valor"] == 55.38  # two decimals: 3,250,832,654 / 5,870,000,000
    assert by_key["poblacion_fuera_de_la_meta"]["url"] == "resumen.html#punto-poblacion-fuera-de-la-meta"
    text = citable.csv_bytes(rows).decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(citable.COLUMNS)
    assert "\n'+37.8" not in text and ",'+37.8\u00a0%," in text  # a text that starts with + never runs
