"""pom_lib.compute.monitoring and its tables (pom_lib.present.monitoring) on the fictional 2025 execution, as the
chapter «Seguimiento de la ejecución» follows it, and its chart; the chapter's own sentences and tables are tested
in test_chapter_seguimiento.py.

Expected values come from tests/fixtures/README.md and the plans' READMEs (typed by hand).
"""

import matplotlib
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from pom_lib.chapters.seguimiento import ExecutionMonitoring
from pom_lib.compute import monitoring
from pom_lib.compute.execution import Thresholds, attainment
from pom_lib.data.execution_file import load_execution
from pom_lib.present import charts
from pom_lib.present import monitoring as monitoring_tables
from pom_lib.present.charts import OKABE_ITO
from tests.support.paths import EXECUTION_CSV

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def fictional(fictional_plan):
    return fictional_plan


@pytest.fixture(scope="module")
def chapter(plan, fictional):
    """Edition 2026: fictional plan, real plan as the previous one, fictional execution of 2025."""
    return ExecutionMonitoring(fictional, 2026, plan, EXECUTION_CSV)


@pytest.fixture(scope="module")
def followed(chapter):
    return chapter.monitoring


@pytest.fixture(scope="module")
def first(plan):
    return ExecutionMonitoring(plan, 2025)


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


def test_monitoring_state(followed, first, plan, fictional):
    assert followed.has_data and followed.years == [2025] and followed.last_year == 2025
    assert followed.monitored is plan and followed.first_goal_year == 2025
    assert followed.newer is fictional
    empty = first.monitoring
    assert not empty.has_data and empty.years == [] and empty.last_year is None and empty.newer is None
    assert empty.first_goal_year == 2025
    # Without data the indicator keeps its goals and an empty Ejecución column.
    assert empty.coverage["ejecucion_absoluta"].isna().all()
    assert empty.coverage["meta_absoluta"].iloc[0] == 1_332_155


def test_physical_table(followed):
    table = monitoring_tables.physical_table(followed.attainment, 2025)
    rows = table.set_index("Código")
    assert rows.loc["PRD01", ["Meta", "Ejecutado", "Avance", "Semáforo"]].tolist() == [
        "1,252,155",
        "1,180,000",
        f"94.2{NBSP}%",
        "En meta",
    ]
    assert rows.loc["PRD03", "Semáforo"] == "En riesgo" and rows.loc["PRD07", "Avance"] == f"44.6{NBSP}%"
    assert rows.loc["PRD14", ["Ejecutado", "Semáforo"]].tolist() == ["—", "Sin dato"]
    # 2 documents against a goal of 1; 226 events against 181 (124.9 %): above 110 %.
    assert rows.loc["PRD13", ["Avance", "Semáforo"]].tolist() == [f"200.0{NBSP}%", "Sobreejecutado"]
    assert rows.loc["SUB11", ["Avance", "Semáforo"]].tolist() == [f"124.9{NBSP}%", "Sobreejecutado"]
    # 566 of 555 (102.0 %) stays «En meta» below the over-execution threshold.
    assert rows.loc["PRD04", ["Avance", "Semáforo"]].tolist() == [f"102.0{NBSP}%", "En meta"]
    # As in the matrix: products in bold, subproducts indented under them, each code beside its name.
    position = {code: i for i, code in enumerate(table["Código"])}
    assert position["PRD01"] in table.attrs["strong_rows"] and position["SUB01"] in table.attrs["indent_rows"]
    assert rows.loc["SUB01", "Producto / subproducto"] == "Servicios de documentación en el exterior"
    assert table.attrs["code_column"] == "Código" and table.attrs["label_column"] == "Producto / subproducto"
    # Program headings are bold rows without a code.
    assert table.loc[0, "Código"] == "" and 0 in table.attrs["emphasis_rows"]
    assert table.loc[0, "Producto / subproducto"] == "SERVICIOS CONSULARES Y DE ATENCIÓN AL MIGRANTE"


def test_over_execution_follows_its_threshold(followed):
    relaxed = attainment(followed.monitored, followed.execution, 2025, Thresholds(90.0, 70.0, 250.0))
    assert set(relaxed.loc[relaxed["elemento_id"].isin(["PRD13", "SUB11"]), "semaforo_fisico"]) == {"En meta"}
    strict = attainment(followed.monitored, followed.execution, 2025, Thresholds(90.0, 70.0, 100.0))
    assert strict.set_index("elemento_id").at["PRD04", "semaforo_fisico"] == "Sobreejecutado"
    with pytest.raises(ValueError, match="de menor a mayor"):
        Thresholds(90.0, 70.0, 80.0)


def test_financial_table_shows_current_budget_only_when_reported(followed):
    table = monitoring_tables.financial_table(followed.attainment, 2025).set_index("Código")
    assert table.loc["PRD02", ["Presupuesto vigente", "Ejecutado"]].tolist() == ["Q14,800,000", "Q14,550,000"]
    assert table.loc["PRD01", "Avance sobre el vigente"] == f"94.5{NBSP}%"
    without = followed.attainment.assign(presupuesto_vigente=pd.NA)
    assert not monitoring.has_current_budget(without)
    assert "Presupuesto vigente" not in monitoring_tables.financial_table(without, 2025).columns


def test_semaforo_counts(followed):
    counts = monitoring.semaforo_counts(followed.attainment).set_index("clase")
    assert counts["producto_fisico"].to_dict() == {
        "Sobreejecutado": 1,
        "En meta": 9,
        "En riesgo": 2,
        "Rezagado": 1,
        "Sin dato": 1,
        "Sin meta": 0,
    }
    assert counts["subproducto_fisico"]["Sobreejecutado"] == 2 and counts["subproducto_fisico"].sum() == 28
    table = monitoring_tables.semaforo_counts_table(followed.attainment)
    assert list(table.columns) == [
        "Semáforo",
        "Productos, meta física",
        "Productos, meta financiera",
        "Subproductos, meta física",
        "Subproductos, meta financiera",
    ]


def test_thresholds_table_states_the_edition_thresholds():
    rules = monitoring_tables.thresholds_table(Thresholds(85.0, 60.0, 120.0)).set_index("Semáforo")["Regla"]
    assert rules["Sobreejecutado"] == f"Ejecutado > 120{NBSP}% de la meta"
    assert rules["En meta"] == f"Ejecutado ≥ 85{NBSP}% y ≤ 120{NBSP}% de la meta"
    assert rules["En riesgo"] == f"Ejecutado ≥ 60{NBSP}% y < 85{NBSP}% de la meta"
    # A threshold with decimals is printed with them, not rounded.
    assert (
        monitoring_tables.thresholds_table(Thresholds(92.5, 70.0))["Regla"].iloc[1]
        == f"Ejecutado ≥ 92.5{NBSP}% y ≤ 110{NBSP}% de la meta"
    )


def test_indicator_table_fills_the_fiche_and_shows_the_newer_plans_goals(followed, fictional):
    table = monitoring_tables.coverage_table(followed.coverage, "personas", fictional)
    assert table.columns[-1] == "Meta del plan 2026-2030 (personas)"
    assert table.iloc[0].tolist() == [
        "2025",
        "1,332,155",
        "1,260,000",
        f"94.6{NBSP}%",
        f"38.8{NBSP}%",
        f"36.66{NBSP}%",
        "—",
    ]
    # The fictional plan's indicator goals (its fichas_metas.csv) beside the 2025-2029 ones.
    assert table.iloc[1][
        ["Año", "Meta (personas)", "Ejecución (personas)", "Meta del plan 2026-2030 (personas)"]
    ].tolist() == ["2026", "1,398,764", "—", "1,398,764"]
    assert list(monitoring_tables.coverage_table(followed.coverage, "personas").columns)[-1] == "Ejecución (%)"


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


def test_newer_plans_financial_goals_add_the_same_products(followed, fictional):
    goals = monitoring.newer_financial_goals(followed.financial_path, followed.projection, fictional)
    assert goals["anio"].tolist() == [2026, 2027, 2028, 2029]
    # The fictional plan's 2026 total (Q1,082,000,000) less its new PRD15 (Q2,000,000): PRD14 had Q0 and no pace.
    assert goals.set_index("anio").at[2026, "meta_financiera"] == 1_080_000_000


def test_projection_table(followed, plan, fictional):
    table = monitoring_tables.projection_table(followed.projection, plan).set_index("Código")
    assert table.loc["PRD07", ["Ritmo físico", "Meta física 2029", "Proyección física 2029"]].tolist() == [
        f"44.6{NBSP}%",
        "448",
        "200",
    ]
    assert table.loc["PRD14", "Ritmo físico"] == "—"
    beside = monitoring_tables.projection_table(followed.projection, plan, fictional).set_index("Código")
    # PRD01's 2029 goals are the same in both plans; PRD14 is not in the fictional plan.
    assert beside.loc["PRD01", "Meta financiera 2029, plan 2026-2030"] == "Q598,226,516"
    assert beside.loc["PRD14", "Meta física 2029, plan 2026-2030"] == "—"


def test_goals_to_measure_table(plan):
    table = monitoring_tables.goals_to_measure_table(plan, 2025).set_index("Código")
    assert table.loc["PRD01", ["Meta física 2025", "Meta financiera 2025"]].tolist() == ["1,252,155", "Q401,812,176"]
    assert table.loc["Indicador", "Meta física 2025"] == f"1,332,155 (38.8{NBSP}%)"
    assert len(table) == 15


def test_execution_projection_chart(followed, fictional):
    chart = charts.execution_projection(
        followed.financial_path, "meta_financiera", "ejecucion_financiera", "Ejecución financiera", "quetzales"
    )
    ax = chart.figure.axes[0]
    # No in-chart title: the caption says it; the alt text opens with it.
    assert chart.alt.startswith("Ejecución financiera.")
    assert ax.get_ylabel() == "Millones de quetzales" and ax.get_xlabel() == "Año"
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"Meta del plan", "Ejecución observada", "Proyección al ritmo observado"}
    assert lines["Proyección al ritmo observado"].get_linestyle() == "--"
    assert {to_hex(line.get_color()) for line in lines.values()} <= {c.lower() for c in OKABE_ITO}
    newer = monitoring.newer_financial_goals(followed.financial_path, followed.projection, fictional)
    both = charts.execution_projection(
        followed.financial_path,
        "meta_financiera",
        "ejecucion_financiera",
        "Ejecución financiera",
        "quetzales",
        ("Meta del plan 2026-2030", newer),
        "Meta del plan 2025-2029",
    )
    lines = {line.get_label(): line for line in both.figure.axes[0].get_lines()}
    assert {"Meta del plan 2025-2029", "Meta del plan 2026-2030"} <= set(lines)
    assert lines["Meta del plan 2026-2030"].get_linestyle() == ":"
    assert list(lines["Meta del plan 2026-2030"].get_xdata()) == [2026, 2027, 2028, 2029]
    persons = charts.execution_projection(
        followed.coverage_path, "meta_absoluta", "ejecucion_absoluta", "Personas", "personas"
    )
    assert persons.figure.axes[0].get_ylabel() == "Personas"
    assert isinstance(chart.figure, matplotlib.figure.Figure)


def test_load_execution_is_what_monitoring_reads(followed, plan):
    assert followed.execution.equals(load_execution(EXECUTION_CSV, plan))
