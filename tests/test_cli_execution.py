"""`pom plantilla` and `pom validar ARCHIVO --plan PLAN` end to end, as an analyst runs them."""

import openpyxl

from tests.support.commands import pom
from tests.support.execution_template import fill_template
from tests.support.paths import EXECUTION_CSV, PLAN_DIR


def test_plantilla_writes_the_years_workbook(tmp_path):
    target = tmp_path / "ejecucion_2025.xlsx"
    result = pom("plantilla", PLAN_DIR, "--anio", 2025, "-o", target)
    assert result.returncode == 0, result.stderr
    assert f"Plantilla de ejecución 2025 escrita en {target}" in result.stdout
    assert openpyxl.load_workbook(target).sheetnames == ["instrucciones", "ejecucion"]
    again = tmp_path / "otra.xlsx"
    pom("plantilla", PLAN_DIR, "--anio", 2025, "-o", again)
    assert again.read_bytes() == target.read_bytes()


def test_plantilla_names_the_file_after_the_year_by_default(tmp_path):
    assert pom("plantilla", PLAN_DIR, "--anio", 2027, cwd=tmp_path).returncode == 0
    assert (tmp_path / "ejecucion_2027.xlsx").is_file()


def test_plantilla_for_a_year_outside_the_plan(tmp_path):
    result = pom("plantilla", PLAN_DIR, "--anio", 2031, "-o", tmp_path / "x.xlsx")
    assert result.returncode == 1
    assert "No se pudo crear la plantilla: 1 problema(s) encontrado(s)." in result.stderr
    assert "el año 2031 está fuera del período del plan (2025-2029)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_validar_an_execution_csv_prints_a_summary():
    result = pom("validar", EXECUTION_CSV, "--plan", PLAN_DIR)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Ejecución válida: ejecucion-ficticia-2025.csv, frente al Plan Operativo Multianual 2025-2029.",
        "  48 filas: 14 productos y 28 subproductos; años: 2025; períodos: año completo, cuatrimestres 1, 2 y 3.",
        "  2025: ejecución financiera de los productos Q921,312,000 de Q980,000,000 programados (94.0\u00a0%); "
        "40 de 42 elementos con ejecución física.",
    ]


def test_validar_a_filled_template(tmp_path):
    target = tmp_path / "ejecucion_2025.xlsx"
    pom("plantilla", PLAN_DIR, "--anio", 2025, "-o", target)
    fill_template(target)
    result = pom("validar", target, "--plan", PLAN_DIR)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Ejecución válida: ejecucion_2025.xlsx (hoja «ejecucion»), frente al Plan")
    assert "Q921,312,000 de Q980,000,000" in result.stdout


def test_validar_lists_every_problem_of_an_execution_file_without_traceback(tmp_path):
    broken = tmp_path / "ejecucion.csv"
    text = EXECUTION_CSV.read_text(encoding="utf-8")
    broken.write_text(text.replace("SUB02,2025,,880000,", "SUB02,2025,,mil,") + "PRD99,2025,,1,1,\n", encoding="utf-8")
    result = pom("validar", broken, "--plan", PLAN_DIR)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "El archivo de ejecución no es válido: 2 problema(s) encontrado(s).",
        "  - ejecucion.csv, fila 4, columna «ejecucion_fisica»: «mil» no es un número; escriba solo cifras, "
        "sin letras ni símbolos",
        "  - ejecucion.csv, fila 50, columna «elemento_id»: el identificador «PRD99» no es un producto ni un "
        "subproducto del plan 2025-2029",
    ]


def test_validar_warns_of_an_execution_far_beyond_its_goal(tmp_path):
    """SUB01's 2025 goal is 1,485,960 documents: 1,400,000,000 is 942 times that, almost surely a slip."""
    slipped = tmp_path / "ejecucion.csv"
    text = EXECUTION_CSV.read_text(encoding="utf-8")
    slipped.write_text(text.replace("SUB01,2025,,1400000,", "SUB01,2025,,1400000000,"), encoding="utf-8")
    result = pom("validar", slipped, "--plan", PLAN_DIR)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "Atención: 1 valor(es) pasan de 10 veces su meta del año; revíselos:",
        "  - ejecucion.csv, fila 3, columna «ejecucion_fisica»: la ejecución física de SUB01 en 2025 "
        "(1,400,000,000) es 942 veces su meta del año (1,485,960): compruebe que no se escribió en otra unidad "
        "o con ceros de más",
    ]


def test_validar_an_execution_file_against_a_missing_plan(tmp_path):
    result = pom("validar", EXECUTION_CSV, "--plan", tmp_path / "no-existe")
    assert result.returncode == 1
    assert "El plan no es válido: 1 problema(s) encontrado(s)." in result.stderr
    assert "no existe esta carpeta ni este archivo" in result.stderr
