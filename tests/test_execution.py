"""Execution files: reading and checking them against the plan, attainment, coverage and pace.

The execution is the fictional tests/fixtures/ejecucion-ficticia-2025.csv (numbers invented on
purpose, see tests/fixtures/README.md); every expected value is worked out by hand from it and
from the plan's goals.
"""

import csv
from pathlib import Path

import pandas as pd
import pytest

from pom_lib.compute.execution import (
    Thresholds,
    attainment,
    coverage_execution,
    projected_attainment,
    yearly_execution,
)
from pom_lib.core.errors import PlanError, Problem
from pom_lib.data.execution_file import execution_file_for, execution_schema, load_execution
from pom_lib.data.plan import load_plan
from tests.support.paths import EXECUTION_CSV

HEADER = "elemento_id,anio,cuatrimestre,ejecucion_fisica,ejecucion_financiera,presupuesto_vigente"


@pytest.fixture(scope="module")
def execution(plan):
    return load_execution(EXECUTION_CSV, plan)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _problems(path: Path, plan) -> list[Problem]:
    with pytest.raises(PlanError) as raised:
        load_execution(path, plan)
    return raised.value.problems


def _fixture_with(tmp_path: Path, replacements: dict[str, str] | None = None, extra: list[str] = ()) -> Path:
    """The fictional execution with some lines replaced (old line → new line) and lines added."""
    lines = EXECUTION_CSV.read_text(encoding="utf-8").splitlines()
    for old, new in (replacements or {}).items():
        assert old in lines, old
        lines[lines.index(old)] = new
    return _write(tmp_path / "ejecucion.csv", lines + list(extra))


def _row(table: pd.DataFrame, item: str, year: int = 2025) -> pd.Series:
    [row] = table[(table["elemento_id"] == item) & (table["anio"] == year)].to_dict("records")
    return pd.Series(row)


# Reading


def test_the_fictional_execution_loads_in_schema_order(execution):
    assert list(execution.columns) == [field["name"] for field in execution_schema()["fields"]]
    assert len(execution) == 48
    assert str(execution["cuatrimestre"].dtype) == "Int64"
    assert str(execution["ejecucion_financiera"].dtype) == "Float64"
    assert execution.iloc[0].tolist() == ["PRD01", 2025, pd.NA, 1180000.0, 378000000.0, 400000000.0]


def test_empty_cells_are_missing_data_not_zero(execution):
    prd14 = execution[execution["elemento_id"] == "PRD14"].iloc[0]
    assert prd14[["ejecucion_fisica", "ejecucion_financiera", "presupuesto_vigente"]].isna().all()


def test_a_semicolon_csv_with_the_templates_informative_columns_is_read(tmp_path, plan, execution):
    with EXECUTION_CSV.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    rows = [["nombre", "meta_fisica"] + rows[0]] + [["x", "1", *row] for row in rows[1:]]
    path = tmp_path / "ejecucion.csv"
    with path.open("w", encoding="cp1252", newline="") as file:
        csv.writer(file, delimiter=";").writerows(rows)
    pd.testing.assert_frame_equal(load_execution(path, plan), execution)


def test_a_year_by_cuatrimestre_adds_its_flows_and_keeps_the_latest_budget(execution):
    prd02 = _row(yearly_execution(execution), "PRD02")
    assert prd02["ejecucion_fisica"] == 25000 + 27000 + 28000
    assert prd02["ejecucion_financiera"] == 4700000 + 4850000 + 5000000
    assert prd02["presupuesto_vigente"] == 14800000
    assert prd02["cuatrimestres"] == 3
    assert _row(yearly_execution(execution), "PRD14")["cuatrimestres"] == 0


# Mistakes, each reported once with its row and column


def test_unknown_identifier(tmp_path, plan):
    path = _fixture_with(tmp_path, extra=["PRD99,2025,,1,1,"])
    assert [str(p) for p in _problems(path, plan)] == [
        "ejecucion.csv, fila 50, columna «elemento_id»: el identificador «PRD99» no es un producto ni un "
        "subproducto del plan 2025-2029"
    ]


def test_year_outside_the_plan(tmp_path, plan):
    path = _fixture_with(tmp_path, extra=["SUB01,2031,,1,1,"])
    assert [str(p) for p in _problems(path, plan)] == [
        "ejecucion.csv, fila 50, columna «anio»: el año 2031 está fuera del período del plan (2025-2029)"
    ]


def test_text_in_a_number_and_a_negative_value(tmp_path, plan):
    path = _fixture_with(
        tmp_path,
        {
            "SUB02,2025,,880000,20000000,": "SUB02,2025,,ochocientos mil,20000000,",
            "SUB06,2025,,140,6500000,": "SUB06,2025,,140,-6500000,",
        },
    )
    # The wrong cells are not added up again: no product-sum finding follows from them.
    assert [str(p) for p in _problems(path, plan)] == [
        "ejecucion.csv, fila 4, columna «ejecucion_fisica»: «ochocientos mil» no es un número; escriba solo "
        "cifras, sin letras ni símbolos",
        "ejecucion.csv, fila 16, columna «ejecucion_financiera»: valor negativo (-6500000): no puede ser menor que 0",
    ]


def test_cuatrimestre_outside_one_to_three(tmp_path, plan):
    path = _fixture_with(tmp_path, {"SUB05,2025,3,100,1300000,": "SUB05,2025,4,100,1300000,"})
    problems = _problems(path, plan)
    assert str(problems[0]) == (
        "ejecucion.csv, fila 14, columna «cuatrimestre»: el valor 4 es mayor que el máximo permitido (3)"
    )


def test_duplicated_item_year_and_cuatrimestre(tmp_path, plan):
    path = _fixture_with(tmp_path, extra=["SUB04,2025,2,27000,3600000,"])
    assert [str(p) for p in _problems(path, plan)] == [
        "ejecucion.csv, fila 50, columna «elemento_id, anio, cuatrimestre»: combinación duplicada: elemento_id "
        "«SUB04», anio «2025» y cuatrimestre «2» (ya aparece en la fila 10)"
    ]


def test_a_year_reported_whole_and_by_cuatrimestre(tmp_path, plan):
    path = _fixture_with(
        tmp_path, {"PRD14,2025,,,,": "PRD14,2025,,0,0,"}, extra=["PRD14,2025,1,0,0,", "PRD14,2025,2,0,0,"]
    )
    assert [str(p) for p in _problems(path, plan)] == [
        "ejecucion.csv, fila 48, columna «cuatrimestre»: PRD14 tiene datos de 2025 para el año completo (esta fila) "
        "y por cuatrimestre (filas 50 y 51): informe el año de una sola forma y deje vacía la otra"
    ]


def test_product_that_is_not_the_sum_of_its_subproducts(tmp_path, plan):
    path = _fixture_with(
        tmp_path,
        {
            "PRD01,2025,,1180000,378000000,400000000": "PRD01,2025,,1180500,378000000,400000000",
            "PRD02,2025,2,27000,4850000,15000000": "PRD02,2025,2,27000,4800000,15000000",
        },
    )
    assert [str(p) for p in _problems(path, plan)] == [
        "ejecucion.csv, fila 2, columna «ejecucion_fisica»: la ejecución física del producto PRD01 en 2025 "
        "(1,180,500) no es la suma de la de sus subproductos de la misma unidad SUB02, SUB03 (1,180,000); "
        "diferencia: 500",
        "ejecucion.csv, fila 7, columna «ejecucion_financiera»: la ejecución financiera del producto PRD02 en el "
        "cuatrimestre 2 de 2025 (Q4,800,000) no es la suma de la de sus subproductos SUB04, SUB05 (Q4,850,000); "
        "diferencia: -Q50,000",
    ]


def test_a_product_is_not_checked_while_a_subproduct_has_no_data(tmp_path, plan):
    path = _fixture_with(tmp_path, {"SUB03,2025,,300000,18000000,": "SUB03,2025,,,,"})
    assert len(load_execution(path, plan)) == 48


def test_missing_column_and_unknown_column(tmp_path, plan):
    path = _write(
        tmp_path / "ejecucion.csv",
        ["elemento_id,anio,cuatrimestre,ejecucion_fisica,ejecucion_financiero", "PRD01,2025,,1,1"],
    )
    assert [str(p) for p in _problems(path, plan)] == [
        "ejecucion.csv, fila 1, columna «ejecucion_financiero»: la columna «ejecucion_financiero» no se reconoce; "
        "¿quiso decir «ejecucion_financiera»?",
        "ejecucion.csv, fila 1: falta la columna «presupuesto_vigente»",
    ]


def test_a_header_without_rows(tmp_path, plan):
    [problem] = _problems(_write(tmp_path / "ejecucion.csv", [HEADER]), plan)
    assert str(problem) == "ejecucion.csv: no hay filas de ejecución debajo del encabezado"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no-existe.csv", "no existe este archivo"),
        ("ejecucion.txt", "se esperaba un archivo CSV (.csv) o un libro de Excel (.xlsx) con la hoja «ejecucion»"),
    ],
)
def test_a_file_that_cannot_be_an_execution_file(tmp_path, plan, name, message):
    if name.endswith(".txt"):
        _write(tmp_path / name, [HEADER])
    [problem] = _problems(tmp_path / name, plan)
    assert problem.message == message


# Attainment and semáforo


def test_attainment_of_a_product_and_its_subproducts(plan, execution):
    table = attainment(plan, execution, 2025)
    assert len(table) == 42
    prd01 = _row(table, "PRD01")
    assert prd01["meta_fisica"] == 1252155 and prd01["ejecucion_fisica"] == 1180000
    assert prd01["avance_fisico_pct"] == pytest.approx(100 * 1180000 / 1252155)  # 94.24 %
    assert prd01["avance_financiero_pct"] == pytest.approx(100 * 378000000 / 401812176)  # 94.07 %
    assert prd01["ejecucion_vigente_pct"] == pytest.approx(100 * 378000000 / 400000000)  # 94.5 %
    assert (prd01["semaforo_fisico"], prd01["semaforo_financiero"]) == ("En meta", "En meta")
    prd02 = _row(table, "PRD02")
    assert prd02["avance_financiero_pct"] == pytest.approx(100 * 14550000 / 14931906)
    assert prd02["ejecucion_vigente_pct"] == pytest.approx(100 * 14550000 / 14800000)


@pytest.mark.parametrize(
    ("item", "physical", "financial"),
    [
        ("SUB03", "En riesgo", "En meta"),  # 300,000 / 336,533 = 89.1 %; 18,000,000 / 19,713,522 = 91.3 %
        ("PRD03", "En riesgo", "En riesgo"),  # 170 / 213 = 79.8 %; 7,300,000 / 9,111,422 = 80.1 %
        ("SUB07", "Rezagado", "En riesgo"),  # 30 / 47 = 63.8 %; 800,000 / 1,085,374 = 73.7 %
        ("PRD07", "Rezagado", "Rezagado"),  # 200 / 448 = 44.6 %; 7,500,000 / 16,590,241 = 45.2 %
        ("SUB05", "En meta", "En meta"),  # 285 / 278 = 102.5 %: over the goal, within 110 %, is on target
        ("SUB11", "Sobreejecutado", "En meta"),  # 226 / 181 = 124.9 %: beyond 110 %
        ("PRD13", "Sobreejecutado", "En meta"),  # 2 / 1 = 200 %; 111,812,000 / 111,812,000
        ("PRD14", "Sin dato", "Sin dato"),  # empty cells
    ],
)
def test_semaforo_classes(plan, execution, item, physical, financial):
    row = _row(attainment(plan, execution, 2025), item)
    assert (row["semaforo_fisico"], row["semaforo_financiero"]) == (physical, financial)


def test_thresholds_are_parameters(plan, execution):
    row = _row(attainment(plan, execution, 2025, Thresholds(green=95.0, yellow=90.0)), "PRD01")
    assert (row["semaforo_fisico"], row["semaforo_financiero"]) == ("En riesgo", "En riesgo")
    with pytest.raises(ValueError):
        Thresholds(green=70.0, yellow=90.0)


def test_a_zero_goal_has_no_percentage():
    assert Thresholds().classify(0.0, 0.0) == "Sin meta"
    assert Thresholds().classify(float("nan"), 0.0) == "Sin dato"
    assert Thresholds().classify(90.0, 100.0) == "En meta"
    assert Thresholds().classify(69.99, 100.0) == "Rezagado"


def test_over_execution_starts_above_its_threshold():
    assert Thresholds().classify(110.0, 100.0) == "En meta"
    assert Thresholds().classify(110.01, 100.0) == "Sobreejecutado"
    assert Thresholds(over=125.0).classify(120.0, 100.0) == "En meta"


def test_an_execution_file_of_another_plan_says_so_first(plan, tmp_path):
    """The fictional 2025 execution against the fictional 2026-2030 plan: its year is outside that period."""
    from tests.support.paths import FICTIONAL_PLAN_DIR

    problems = _problems(EXECUTION_CSV, load_plan(FICTIONAL_PLAN_DIR))
    assert str(problems[0]).startswith(
        "ejecucion-ficticia-2025.csv: este archivo parece de otro plan: sus años "
        "(2025) están fuera del período del plan 2026-2030."
    )
    assert len(problems) > 40
    # Most identifiers unknown: another institution's file.
    lines = [HEADER] + [f"ABC{n:02d},2025,,1,1," for n in range(1, 8)] + ["PRD09,2025,,1,8000000,"]
    foreign = _problems(_write(tmp_path / "otra.csv", lines), plan)
    assert foreign[0].message.startswith(
        "este archivo parece de otro plan: 7 de sus 8 identificadores no existen en el plan 2025-2029"
    )
    # A few mistakes in the right plan's file are only themselves.
    assert "parece de otro plan" not in str(_problems(_fixture_with(tmp_path, extra=["PRD99,2025,,1,1,"]), plan)[0])


def test_execution_files_have_a_folder_named_by_year(tmp_path):

    assert execution_file_for(tmp_path, 2025) is None
    folder = tmp_path / "data" / "ejecucion"
    folder.mkdir(parents=True)
    (folder / "ejecucion_2025.csv").write_text(HEADER + "\n", encoding="utf-8")
    (folder / "ejecucion_2024.xlsx").write_bytes(b"")
    assert execution_file_for(tmp_path, 2025) == folder / "ejecucion_2025.csv"
    (folder / "ejecucion_2025.xlsx").write_bytes(b"")
    with pytest.raises(PlanError, match="hay dos archivos de ejecución de 2025"):
        execution_file_for(tmp_path, 2025)


def test_years_after_the_cutoff_are_left_out_and_years_without_data_have_none(plan, execution):
    table = attainment(plan, execution, 2026)
    assert sorted(table["anio"].unique()) == [2025, 2026]
    assert set(table[table["anio"] == 2026]["semaforo_fisico"]) == {"Sin dato"}


# Coverage indicator and projection


def test_coverage_execution_is_the_fiches_execution_column(plan, execution):
    coverage = coverage_execution(plan, execution).set_index("anio")
    assert list(coverage.index) == [2025, 2026, 2027, 2028, 2029]
    executed = 880000 + 300000 + 80000  # SUB02 + SUB03 + SUB04 (by cuatrimestres)
    assert coverage.at[2025, "ejecucion_absoluta"] == executed
    assert coverage.at[2025, "ejecucion_relativa"] == pytest.approx(100 * executed / 3437340)  # 36.66 %
    assert coverage.at[2025, "avance_pct"] == pytest.approx(100 * executed / 1332155)
    assert coverage.at[2025, "meta_relativa"] == 38.8
    assert coverage.at[2025, "cuatrimestres"] == 3
    assert coverage.loc[2026:, "ejecucion_absoluta"].isna().all()


def test_coverage_needs_every_term_of_the_formula(tmp_path, plan):
    path = _fixture_with(tmp_path, {"SUB03,2025,,300000,18000000,": "SUB03,2025,,,,"})
    coverage = coverage_execution(plan, load_execution(path, plan)).set_index("anio")
    assert pd.isna(coverage.at[2025, "ejecucion_absoluta"])


def test_projection_applies_the_observed_pace_to_the_remaining_goals(plan, execution):
    projection = projected_attainment(plan, execution, 2025)
    prd01 = projection[projection["elemento_id"] == "PRD01"].set_index("anio")
    assert list(prd01["es_proyeccion"]) == [False, True, True, True, True]
    assert prd01.at[2025, "ejecucion_fisica"] == 1180000
    assert prd01.at[2029, "ejecucion_fisica"] == pytest.approx(1522006 * 1180000 / 1252155)
    assert prd01.at[2029, "ejecucion_financiera"] == pytest.approx(598226516 * 378000000 / 401812176)
    assert prd01.at[2029, "avance_fisico_pct"] == pytest.approx(100 * 1180000 / 1252155)
    assert prd01.at[2029, "meta_fisica"] == 1522006  # the plan's path, next to the projection
    prd14 = projection[projection["elemento_id"] == "PRD14"]
    assert prd14["ritmo_fisico_pct"].isna().all() and prd14["ejecucion_fisica"].isna().all()


def test_a_partial_year_gives_no_pace(tmp_path, plan):
    path = _fixture_with(
        tmp_path,
        {
            "PRD02,2025,3,28000,5000000,14800000": "PRD02,2025,3,,,",
            "SUB04,2025,3,28000,3700000,": "SUB04,2025,3,,,",
            "SUB05,2025,3,100,1300000,": "SUB05,2025,3,,,",
        },
    )
    projection = projected_attainment(plan, load_execution(path, plan), 2025)
    prd02 = projection[projection["elemento_id"] == "PRD02"].set_index("anio")
    assert prd02.at[2025, "ejecucion_fisica"] == 25000 + 27000  # observed so far, kept
    assert prd02["ritmo_fisico_pct"].isna().all()
    assert prd02.loc[2026:, "ejecucion_fisica"].isna().all()
