"""pom_lib.monitoring, its sentences (pom_lib.narrative) and its chart, on the fictional 2025 execution.

Expected values come from tests/fixtures/README.md and the plans' READMEs (typed by hand).
"""

import matplotlib
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from pom_lib import charts, monitoring, narrative
from pom_lib.charts import OKABE_ITO
from pom_lib.execution import Thresholds, attainment, load_execution
from pom_lib.plan import load_plan

from conftest import EXECUTION_CSV, FICTIONAL_PLAN_DIR, PLAN_DIR

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN_DIR)


@pytest.fixture(scope="module")
def fictional():
    return load_plan(FICTIONAL_PLAN_DIR)


@pytest.fixture(scope="module")
def followed(plan, fictional):
    """Edition 2026: fictional plan, real plan as the previous one, fictional execution of 2025."""
    return monitoring.monitoring(fictional, plan, 2026, EXECUTION_CSV)


@pytest.fixture(scope="module")
def empty(plan):
    return monitoring.monitoring(plan, None, 2025, "")


def _plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_cutoff_and_monitored_plan(plan, fictional):
    assert monitoring.cutoff_year(2026) == 2025
    # The first edition of a plan has nothing to follow.
    assert monitoring.monitored_plan(plan, None, 2025) is None
    # The execution of 2025 belongs to the 2025-2029 plan, not to the 2026-2030 one.
    assert monitoring.monitored_plan(fictional, plan, 2026) is plan
    assert monitoring.monitored_plan(fictional, None, 2026) is None
    # Once the edition's own plan has a finished year, it is followed.
    assert monitoring.monitored_plan(fictional, plan, 2027) is fictional
    assert monitoring.monitored_years(plan, 2026) == [2025]
    assert monitoring.monitored_years(plan, 2031) == [2025, 2026, 2027, 2028, 2029]


def test_monitoring_state(followed, empty, plan):
    assert followed.has_data and followed.years == [2025] and followed.last_year == 2025
    assert followed.monitored is plan and followed.first_goal_year == 2025
    assert not empty.has_data and empty.years == [] and empty.last_year is None
    assert empty.first_goal_year == 2025
    # Without data the coverage fiche keeps its goals and an empty Ejecución column.
    assert empty.coverage["ejecucion_absoluta"].isna().all()
    assert empty.coverage["meta_absoluta"].iloc[0] == 1_332_155


def test_physical_table(followed):
    table = monitoring.physical_table(followed.attainment, 2025)
    rows = table.set_index("Código")
    assert rows.loc["PRD01", ["Meta", "Ejecutado", "Avance", "Semáforo"]].tolist() == \
        ["1,252,155", "1,180,000", f"94.2{NBSP}%", "En meta"]
    assert rows.loc["PRD03", "Semáforo"] == "En riesgo" and rows.loc["PRD07", "Avance"] == f"44.6{NBSP}%"
    assert rows.loc["PRD14", ["Ejecutado", "Semáforo"]].tolist() == ["—", "Sin dato"]
    assert rows.loc["SUB01", "Producto / subproducto"].startswith("\u2003")
    # Program headings are bold rows without a code.
    assert table.loc[0, "Código"] == "" and 0 in table.attrs["emphasis_rows"]
    assert table.loc[0, "Producto / subproducto"] == "SERVICIOS CONSULARES Y DE ATENCIÓN AL MIGRANTE"


def test_financial_table_shows_current_budget_only_when_reported(followed):
    table = monitoring.financial_table(followed.attainment, 2025).set_index("Código")
    assert table.loc["PRD02", ["Presupuesto vigente", "Ejecutado"]].tolist() == ["Q14,800,000", "Q14,550,000"]
    assert table.loc["PRD01", "Avance sobre el vigente"] == f"94.5{NBSP}%"
    without = followed.attainment.assign(presupuesto_vigente=pd.NA)
    assert not monitoring.has_current_budget(without)
    assert "Presupuesto vigente" not in monitoring.financial_table(without, 2025).columns


def test_semaforo_counts(followed):
    counts = monitoring.semaforo_counts(followed.attainment).set_index("clase")
    assert counts["producto_fisico"].to_dict() == {"En meta": 10, "En riesgo": 2, "Rezagado": 1, "Sin dato": 1,
                                                   "Sin meta": 0}
    assert counts["subproducto_fisico"].sum() == 28
    table = monitoring.semaforo_counts_table(followed.attainment)
    assert list(table.columns) == ["Semáforo", "Productos, meta física", "Productos, meta financiera",
                                   "Subproductos, meta física", "Subproductos, meta financiera"]


def test_thresholds_table_states_the_edition_thresholds():
    rules = monitoring.thresholds_table(Thresholds(85.0, 60.0))["Regla"].tolist()
    assert rules[0] == f"Ejecutado ≥ 85{NBSP}% de la meta"
    assert rules[1] == f"Ejecutado ≥ 60{NBSP}% y < 85{NBSP}% de la meta"


def test_coverage_table_fills_the_fiche(followed):
    table = monitoring.coverage_table(followed.coverage)
    assert table.iloc[0].tolist() == ["2025", "1,332,155", "1,260,000", f"94.6{NBSP}%", f"38.8{NBSP}%",
                                      f"36.66{NBSP}%"]
    assert table.iloc[1]["Ejecución (personas)"] == "—"


def test_coverage_projection_keeps_the_observed_pace(followed):
    path = followed.coverage_path.set_index("anio")
    assert path.loc[2025, "ejecucion_absoluta"] == 1_260_000 and not path.loc[2025, "es_proyeccion"]
    pace = 1_260_000 / 1_332_155
    assert path.loc[2029, "ejecucion_absoluta"] == pytest.approx(pace * 1_619_247)
    assert path["ritmo_pct"].iloc[0] == pytest.approx(100 * pace)


def test_financial_path_compares_the_same_products(followed):
    path = followed.financial_path.set_index("anio")
    # PRD14 has no data: left out of both lines (its goals are Q0 anyway).
    assert path.loc[2025, "productos"] == 13
    assert path.loc[2025, "ejecucion_financiera"] == 921_312_000
    assert path.loc[2025, "meta_financiera"] == 980_000_000
    assert path.loc[2029, "es_proyeccion"] and not path.loc[2025, "es_proyeccion"]


def test_projection_table(followed):
    table = monitoring.projection_table(followed.projection).set_index("Código")
    assert table.loc["PRD07", ["Ritmo físico", "Meta física 2029", "Proyección física 2029"]].tolist() == \
        [f"44.6{NBSP}%", "448", "200"]
    assert table.loc["PRD14", "Ritmo físico"] == "—"


def test_goals_to_measure_table(plan):
    table = monitoring.goals_to_measure_table(plan, 2025).set_index("Código")
    assert table.loc["PRD01", ["Meta física 2025", "Meta financiera 2025"]].tolist() == ["1,252,155", "Q401,812,176"]
    assert table.loc["Indicador", "Meta física 2025"] == f"1,332,155 (38.8{NBSP}%)"
    assert len(table) == 15


def test_semaforo_sentence(followed):
    assert _plain(narrative.semaforo_sentence(followed.attainment, 2025)) == (
        "En 2025, según su meta física, 10 de los 14 productos están «En meta», 2 «En riesgo» y 1 «Rezagado»; "
        "1 no tiene dato.")
    none = followed.attainment.assign(semaforo_fisico="Sin dato")
    assert "ninguno de los 14 productos tiene ejecución" in narrative.semaforo_sentence(none, 2025)


def test_attention_sentence(followed):
    sentence = _plain(narrative.attention_sentence(followed.attainment, 2025, Thresholds()))
    assert sentence.startswith("Por debajo de 90 % de su meta física de 2025 quedan PRD07")
    assert sentence.index("PRD07") < sentence.index("PRD03") < sentence.index("PRD06")
    assert "(44.6 %, rezagado)" in sentence and "(79.8 %, en riesgo)" in sentence
    low = Thresholds(40.0, 30.0)
    relaxed = attainment(followed.monitored, followed.execution, 2025, low)
    assert _plain(narrative.attention_sentence(relaxed, 2025, low)) == (
        "Ningún producto con dato queda por debajo de 40 % de su meta física de 2025.")


def test_financial_execution_sentence(followed, plan):
    sentence = _plain(narrative.financial_execution_sentence(followed.attainment, plan, 2025))
    assert "Los 13 productos con dato ejecutaron Q921,312,000 de los Q980,000,000 programados para 2025" in sentence
    assert "(94.0 %)" in sentence and "presupuesto vigente que informan (Q974,812,000" in sentence


def test_coverage_execution_sentence(followed, empty):
    sentence = _plain(narrative.coverage_execution_sentence(followed.coverage, 2025))
    assert "atendieron a 1,260,000 personas, el 36.66 % de la población objetivo" in sentence
    assert "meta de 1,332,155 personas (38.8 %): un avance de 94.6 %" in sentence
    assert "no puede calcularse" in narrative.coverage_execution_sentence(empty.coverage, 2025)


def test_projection_sentence(followed):
    sentence = _plain(narrative.projection_sentence(followed.projection, followed.financial_path, Thresholds()))
    assert "hasta 2029 el ritmo observado, 10 de los 13 productos con ritmo medido llegarían" in sentence
    assert "y 1 quedaría por debajo de 70 %" in sentence
    assert "de los Q1,350,000,000 programados para ese año (94.3 %)" in sentence


def test_no_execution_and_plan_sentences(plan, fictional):
    first = narrative.no_execution_sentence(plan, 2025, None)
    assert "su año de corte, 2024, es anterior al primer año del plan (2025)" in first
    assert "a partir de la edición 2026, con la ejecución de 2025" in first
    assert "sin el registro de ejecución de 2025" in narrative.no_execution_sentence(fictional, 2026, plan)
    assert narrative.monitored_plan_sentence(fictional, plan, [2025]).startswith(
        "La ejecución de 2025 pertenece al plan 2025-2029, el de la edición anterior")
    assert narrative.monitored_plan_sentence(plan, plan, [2025, 2026]) == (
        "La ejecución de 2025 a 2026 se mide contra las metas del plan 2025-2029.")


def test_monitoring_paragraphs_without_data_carry_no_execution_figure(empty, followed):
    texts = narrative.monitoring_paragraphs(empty)
    assert set(texts) == {"frase_estado", "frase_avance", "frase_semaforo", "frase_cobertura", "frase_proyeccion"}
    joined = " ".join(texts.values())
    for figure in ("1,180,000", "1,260,000", "Q921,312,000", "%"):
        assert figure not in joined, figure
    assert set(narrative.monitoring_paragraphs(followed)) == set(texts)


def test_changes_paragraphs(plan, fictional):
    first = narrative.changes_paragraphs(plan, None, 2025)
    assert first["frase_estado"].startswith("Esta es la primera edición del libro para el plan 2025-2029")
    assert all(first[k].startswith("**") for k in ("frase_elementos", "frase_metas", "frase_totales"))
    second = narrative.changes_paragraphs(fictional, plan, 2026)
    assert second["frase_elementos"] == (
        "**Productos y subproductos.** Frente al plan 2025-2029, el plan 2026-2030 agrega 1 producto y 1 subproducto, "
        "retira 1 producto y 1 subproducto, renombra 1 producto, cambia la unidad de medida de 1 subproducto y "
        "traslada 1 producto a otro programa.")
    assert "cambian 4 metas de 4 elementos" in second["frase_metas"]
    assert "la de PRD01 en 2028 (+Q5,000,000)" in second["frase_metas"]
    assert _plain(second["frase_totales"]) == (
        "**Totales anuales.** Sumados los años comunes (2026 a 2029), el presupuesto pasa de Q4,890,000,000 a "
        "Q4,906,100,000 (+Q16,100,000, +0.33 %). 2025 sale del horizonte del plan, y se agrega 2030 "
        "(Q1,354,000,000).")


def test_changes_sentences_with_nothing_changed(plan):
    from pom_lib import changes

    summary = changes.changes_summary(plan, plan)
    assert "conserva los productos y subproductos" in narrative.item_changes_sentence(
        changes.item_changes(plan, plan), plan, plan)
    assert narrative.goal_changes_sentence(changes.goal_changes(plan, plan), summary).endswith("ninguna meta cambia.")
    assert "se mantiene en Q5,870,000,000" in narrative.total_changes_sentence(changes.total_changes(plan, plan), summary)


def test_execution_projection_chart(followed):
    fig = charts.execution_projection(followed.financial_path, "meta_financiera", "ejecucion_financiera",
                                      "Ejecución financiera", "quetzales")
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "Ejecución financiera"
    assert ax.get_ylabel() == "Millones de quetzales" and ax.get_xlabel() == "Año"
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"Meta del plan", "Ejecución observada", "Proyección al ritmo observado"}
    assert lines["Proyección al ritmo observado"].get_linestyle() == "--"
    assert {to_hex(line.get_color()) for line in lines.values()} <= {c.lower() for c in OKABE_ITO}
    persons = charts.execution_projection(followed.coverage_path, "meta_absoluta", "ejecucion_absoluta",
                                          "Personas", "personas")
    assert persons.axes[0].get_ylabel() == "Personas"
    assert isinstance(fig, matplotlib.figure.Figure)


def test_load_execution_is_what_monitoring_reads(followed, plan):
    assert followed.execution.equals(load_execution(EXECUTION_CSV, plan))
