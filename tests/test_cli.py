"""The `pom` command end to end, as an analyst runs it."""

import io
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import PLAN_DIR, ROOT, interruptible, pom

from pom_lib.data.contract import plan_resources

PUBLISHED_PLANS = sorted(path.parent for path in (ROOT / "data").glob("*/datapackage.json"))


def test_validar_accepts_the_published_plan():
    """As the analyst types it: the installed console script, in a process of its own."""
    script = Path(sys.executable).parent / "pom"
    result = subprocess.run([script, "validar", PLAN_DIR], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Plan válido: Plan Operativo Multianual 2025-2029 (Ministerio de Relaciones Exteriores)." in result.stdout
    assert f"{len(plan_resources())} tablas" in result.stdout
    assert (
        "✓ Total anual = suma de las metas financieras de los productos: 5 de 5 comprobaciones cumplen."
        in result.stdout
    )
    assert "Todas las reglas de conciliación se cumplen." in result.stdout


def test_validar_lists_every_problem_without_traceback(plan_copy):
    goals = plan_copy / "metas_productos.csv"
    goals.write_text(
        goals.read_text(encoding="utf-8")
        .replace("PRD03,2025,213,", "PRD03,2025,doscientos,")
        .replace("PRD04,2026,584,15139846", "PRD04,2026,-584,15139846"),
        encoding="utf-8",
    )
    result = pom("validar", plan_copy)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "El plan no es válido: 2 problema(s) encontrado(s)." in result.stderr
    assert "metas_productos.csv, fila 12, columna «meta_fisica»: «doscientos» no es un número entero" in result.stderr
    assert (
        "metas_productos.csv, fila 18, columna «meta_fisica»: valor negativo (-584): no puede ser menor que 0"
        in result.stderr
    )


def test_a_long_problem_list_shows_its_first_problems_and_the_total(plan_copy, monkeypatch):
    from pom_lib import cli

    monkeypatch.setattr(cli, "MAX_SHOWN", 2)
    goals = plan_copy / "metas_productos.csv"
    text = goals.read_text(encoding="utf-8")
    for product in ("PRD01", "PRD02", "PRD03"):
        text = text.replace(f"{product},2025,", f"{product},2025,-", 1)
    goals.write_text(text, encoding="utf-8")
    result = pom("validar", plan_copy)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "El plan no es válido: 3 problema(s) encontrado(s).",
        "  - metas_productos.csv, fila 2, columna «meta_fisica»: valor negativo (-1252155): no puede ser menor que 0",
        "  - metas_productos.csv, fila 7, columna «meta_fisica»: valor negativo (-80000): no puede ser menor que 0",
        "Se muestran los primeros 2 de 3 problemas: corríjalos y valide de nuevo para ver los demás.",
    ]


def test_validar_reports_a_reconciliation_finding_but_accepts_the_plan(plan_copy):
    totals = plan_copy / "totales_anuales.csv"
    totals.write_text(
        totals.read_text(encoding="utf-8").replace("2029,1350000000", "2029,1350000100"), encoding="utf-8"
    )
    result = pom("validar", plan_copy)
    assert result.returncode == 0
    assert (
        "✗ Total anual = suma de las metas financieras de los productos: 4 de 5 comprobaciones cumplen."
        in result.stdout
    )
    assert "2029, TOTAL: esperado 1,350,000,100.0, encontrado 1,350,000,000.0" in result.stdout


def test_validar_estricto_refuses_a_reconciliation_finding(plan_copy):
    """For CI: with --estricto a figure that does not add up is an error, not a warning."""
    totals = plan_copy / "totales_anuales.csv"
    totals.write_text(
        totals.read_text(encoding="utf-8").replace("2029,1350000000", "2029,1350000100"), encoding="utf-8"
    )
    result = pom("validar", plan_copy, "--estricto")
    assert result.returncode == 1
    assert "2029, TOTAL: esperado 1,350,000,100.0, encontrado 1,350,000,000.0" in result.stdout
    assert "Con --estricto, una comprobación que no cuadra es un error" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("plan", PUBLISHED_PLANS, ids=[path.name for path in PUBLISHED_PLANS])
def test_every_published_plan_passes_validar_estricto(plan):
    """Every plan in data/ is valid and its own arithmetic holds: a transcription error fails CI."""
    result = pom("validar", plan, "--estricto")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Todas las reglas de conciliación se cumplen." in result.stdout


def test_validar_missing_folder():
    result = pom("validar", "no-existe")
    assert result.returncode == 1
    assert "no-existe: no existe esta carpeta ni este archivo" in result.stderr
    assert "Traceback" not in result.stderr


def test_matriz_csv_to_stdout_is_plain_numbers():
    result = pom("matriz", PLAN_DIR)
    assert result.returncode == 0
    table = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert list(table.columns) == [
        "programa",
        "producto",
        "subproducto",
        "unidad_medida",
        "anio",
        "meta_fisica",
        "meta_financiera",
    ]
    assert len(table) == (14 + 28) * 5
    row = table[(table["subproducto"] == "Servicios de documentación en el exterior") & (table["anio"] == 2029)]
    assert row[["meta_fisica", "meta_financiera"]].values.tolist() == [[1806195, 516080148]]
    assert "Q" not in result.stdout.split("\n", 1)[1].split(",")[-1]


def test_matriz_xlsx_file(tmp_path):
    target = tmp_path / "matriz.xlsx"
    result = pom("matriz", PLAN_DIR, "--formato", "xlsx", "-o", target)
    assert result.returncode == 0
    assert "Matriz escrita en" in result.stderr
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("programa", "producto", "subproducto", "unidad_medida", "anio", "meta_fisica", "meta_financiera")
    assert len(rows) == 1 + 42 * 5
    assert rows[1][4:] == (2025, 1252155, 401812176)
    # Same table, same bytes: the export can be committed and compared.
    again = tmp_path / "otra.xlsx"
    pom("matriz", PLAN_DIR, "--formato", "xlsx", "-o", again)
    assert again.read_bytes() == target.read_bytes()


def test_usage_errors_are_in_spanish():
    result = pom("matriz", PLAN_DIR, "--formato", "pdf")
    assert result.returncode == 2
    assert result.stderr.startswith("uso:")
    assert "el argumento --formato no admite 'pdf'; elija entre 'csv', 'xlsx'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_and_wrong_arguments_are_explained_in_spanish():
    missing = pom("plantilla", PLAN_DIR)
    assert missing.returncode == 2
    assert "pom plantilla: error: faltan argumentos obligatorios: --anio" in missing.stderr
    wrong = pom("edicion", "--edicion", "dos")
    assert "el argumento --edicion debe ser un número entero, no 'dos'" in wrong.stderr


def test_output_to_a_closed_pipe_ends_quietly():
    """`pom validar … | head`: when the reader has gone, no BrokenPipeError reaches the analyst."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pom_lib.cli", "validar", str(PLAN_DIR)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()  # the reader leaves before the first line
    error = process.stderr.read()
    assert process.wait() == 128 + signal.SIGPIPE
    assert error == ""


def test_matriz_piped_to_head_prints_no_traceback(tmp_path):
    errors = tmp_path / "errores.txt"
    command = f'"{sys.executable}" -m pom_lib.cli matriz "{PLAN_DIR}" 2>"{errors}" | head -n 1'
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert result.stdout.startswith("programa,producto,subproducto")
    assert errors.read_text(encoding="utf-8") == ""


def test_ctrl_c_prints_one_spanish_line():
    """Ctrl-C (SIGINT) while the plan is being validated: one line saying so, exit 130, no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pom_lib.cli", "validar", str(PLAN_DIR)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )
    maps = Path(f"/proc/{process.pid}/maps")
    deadline = time.monotonic() + 60
    # Interrupt once the command runs (it has begun loading the library), as an analyst would mid-validation.
    while "pandas/_libs" not in maps.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, error = process.communicate()
    assert process.returncode == 128 + signal.SIGINT, error
    assert error.strip().splitlines() == ["Interrumpido con Ctrl-C: la orden no terminó."]


def test_an_output_folder_that_does_not_exist_is_explained(tmp_path):
    target = tmp_path / "no-existe" / "matriz.csv"
    result = pom("matriz", PLAN_DIR, "-o", target)
    assert result.returncode == 1
    assert result.stderr == f"No se pudo leer o escribir «{target}»: no existe ese archivo o su carpeta.\n"
