"""The `pom` command end to end, as an analyst runs it."""

import fcntl
import io
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pom_lib.data.contract import resources_of
from pom_lib.publish.publication import LOCK, one_build_at_a_time
from tests.support.commands import interruptible, pom
from tests.support.paths import EXECUTION_CSV, PLAN_DIR, ROOT

PUBLISHED_PLANS = sorted(path.parent for path in (ROOT / "data").glob("*/datapackage.json"))


def test_validar_accepts_the_published_plan():
    """As the analyst types it: the installed console script, in a process of its own."""
    script = Path(sys.executable).parent / "pom"
    result = subprocess.run([script, "validar", PLAN_DIR], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Plan válido: Plan Operativo Multianual 2025-2029 (Ministerio de Relaciones Exteriores)." in result.stdout
    assert f"{len(resources_of(()))} tablas" in result.stdout  # every table but the optional ones
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


# --- Where outputs go: never into the project's own folders, never over anything --------------------

HEADLINES = {
    "matriz": "No se escribió la matriz",
    "exportar": "No se pudo exportar el plan",
    "importar": "No se importó el libro (no se escribió nada)",
    "nuevo-plan": "No se creó el plan nuevo (no se escribió nada)",
    "plantilla": "No se pudo crear la plantilla",
}


def _arguments(command: str, target) -> list:
    """The command writing its output to `target` (the input of «importar» need not exist: it is never read)."""
    return {
        "matriz": ["matriz", PLAN_DIR, "-o", target],
        "exportar": ["exportar", PLAN_DIR, "-o", target],
        "importar": ["importar", "plan.xlsx", "-o", target],
        "nuevo-plan": ["nuevo-plan", PLAN_DIR, "--periodo", "2026-2030", "-o", target],
        "plantilla": ["plantilla", PLAN_DIR, "--anio", 2025, "-o", target],
    }[command]


@pytest.fixture
def project(tmp_path) -> Path:
    """A book project (it has _config.yml) with the project's own folders and a plan in data/."""
    root = tmp_path / "proyecto"
    for name in ("pom_lib", "notebooks", "tests", ".git", ".ci", "book", "ediciones", "_build", "data/ejecucion"):
        (root / name).mkdir(parents=True)
    (root / "_config.yml").write_text("title: Libro de prueba\n", encoding="utf-8")
    (root / "data" / "plan-vigente").mkdir()
    return root


def _tree(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))


# Outside data/, every project folder is refused for every command; inside it, only a new entry
# right in data/ (a plan folder) or in data/ejecucion/ (a template) is accepted, by its command.
FOLDERS = ["pom_lib", "notebooks", "tests", ".git", ".ci", "book", "ediciones", "_build"]
REFUSED = [
    *((command, f"{folder}/salida.xlsx", folder) for command in HEADLINES for folder in FOLDERS),
    ("matriz", "data/matriz.csv", "data"),
    ("exportar", "data/plan.xlsx", "data"),
    ("exportar", "data/ejecucion/plan.xlsx", "data"),
    ("plantilla", "data/ejecucion_2025.xlsx", "data"),
    ("plantilla", "data/plan-vigente/ejecucion_2025.xlsx", "data"),
    ("importar", "data/plan-vigente/revisado", "data"),
    ("importar", "data/ejecucion/revisado", "data"),
    ("nuevo-plan", "data/plan-vigente/2026", "data"),
    ("nuevo-plan", "data/plan-2026-2030.xlsx", "data"),
]


@pytest.mark.parametrize("command, target, folder", REFUSED, ids=[f"{c}-{t}" for c, t, _ in REFUSED])
def test_an_output_inside_the_project_folders_is_refused(project, command, target, folder):
    before = _tree(project)
    result = pom(*_arguments(command, target), cwd=project)
    assert result.returncode == 1
    headline = f"{HEADLINES[command]}: 1 problema(s) encontrado(s).\n"
    assert result.stderr.startswith(f"{headline}  - {target}: está en {folder}/")
    assert "que es parte del proyecto" in result.stderr and "Traceback" not in result.stderr
    assert _tree(project) == before


@pytest.mark.parametrize("command", HEADLINES)
def test_the_project_itself_is_never_an_output(project, command):
    result = pom(*_arguments(command, "."), cwd=project)
    assert result.returncode == 1
    assert "  - .: contiene el proyecto" in result.stderr


@pytest.mark.parametrize("command", HEADLINES)
def test_the_library_checkout_is_protected_from_any_folder(tmp_path, command):
    """Run from a folder that is no book project, an output into this library's own code is refused all the same."""
    target = ROOT / "pom_lib" / "salida.xlsx"
    result = pom(*_arguments(command, target), cwd=tmp_path)
    assert result.returncode == 1
    assert f"  - {target}: está en pom_lib/, que es parte del proyecto" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("command", HEADLINES)
def test_an_output_never_replaces_what_exists(project, command):
    existing = project / "trabajo.xlsx"
    existing.write_bytes(b"trabajo del analista")
    link = project / "enlace.xlsx"
    link.symlink_to(project / "no-existe.xlsx")  # writing through it would create a file elsewhere
    for target in (existing.name, link.name):
        result = pom(*_arguments(command, target), cwd=project)
        assert result.returncode == 1
        assert f"  - {target}: ya existe y no lo creó este comando: no se reemplaza" in result.stderr
    assert existing.read_bytes() == b"trabajo del analista" and not (project / "no-existe.xlsx").exists()


def test_outputs_go_where_they_belong(project):
    """Plans in data/<new folder>, templates in data/ejecucion/, the rest outside the project's folders."""
    steps = [
        ["exportar", PLAN_DIR, "-o", "plan.xlsx"],
        ["importar", "plan.xlsx", "-o", "data/plan-revisado"],
        ["nuevo-plan", PLAN_DIR, "--periodo", "2026-2030", "-o", "data/plan-2026-2030"],
        ["plantilla", PLAN_DIR, "--anio", 2025, "-o", "data/ejecucion/ejecucion_2025.xlsx"],
        ["matriz", PLAN_DIR, "-o", "matriz.csv"],
    ]
    for step in steps:
        result = pom(*step, cwd=project)
        assert result.returncode == 0, (step, result.stderr)
    for made in ("plan.xlsx", "data/plan-revisado/plan.csv", "data/plan-2026-2030/plan.csv", "matriz.csv"):
        assert (project / made).is_file(), made
    assert (project / "data/ejecucion/ejecucion_2025.xlsx").is_file()
    # Asked again, nothing is replaced.
    template = (project / "data/ejecucion/ejecucion_2025.xlsx").read_bytes()
    assert pom(*steps[3], cwd=project).returncode == 1
    assert (project / "data/ejecucion/ejecucion_2025.xlsx").read_bytes() == template


@pytest.mark.parametrize("target", ["pom_lib/sitio", "tests/sitio", ".git/sitio", "data/sitio", "_build/sitio", "."])
def test_the_site_never_goes_into_the_project_folders(project, target):
    (project / "ediciones.yml").write_text(
        "ediciones:\n- {anio: 2025, plan: data/plan-vigente, ejecucion: '', plan_anterior: '', fuente: book}\n",
        encoding="utf-8",
    )
    before = _tree(project)
    result = pom("sitio", "-o", target, cwd=project)
    assert result.returncode == 1
    assert result.stderr.startswith(f"El sitio no se pudo construir (el anterior se conserva): «{project / target}")
    assert "Traceback" not in result.stderr
    assert _tree(project) == sorted([*before, LOCK.as_posix()])  # only the lock every build takes


# --- One build at a time in a project ----------------------------------------------------------------

BUSY = "tra edición se está construyendo en esta carpeta (proceso {pid}); espere a que termine."


@pytest.mark.parametrize(
    "arguments", [["edicion", "--plan", PLAN_DIR, "--edicion", 2025], ["sitio"], ["archivar", "--edicion", 2025]]
)
def test_a_second_build_stops_at_once_while_one_holds_the_project(project, arguments):
    """The lock is held here (as a running build holds it); the command, started meanwhile, touches nothing."""
    lock = project / LOCK
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("4242\n")
        held.flush()
        before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
        result = pom(*arguments, cwd=project)
        assert {path: path.read_bytes() for path in project.rglob("*") if path.is_file()} == before
    assert result.returncode == 1
    assert BUSY.format(pid=4242) in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def _holder(root: Path, then: str) -> subprocess.Popen:
    """Another process that takes the project's lock, says «dentro», then does `then`."""
    script = (
        "import os, signal, sys\n"
        "from pom_lib.publish.publication import one_build_at_a_time\n"
        f"with one_build_at_a_time({str(root)!r}):\n"
        "    print('dentro', flush=True)\n"
        f"    {then}\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "dentro\n"
    return process


def test_a_build_in_another_process_holds_the_project_until_it_ends(project):
    holder = _holder(project, "sys.stdin.read()")
    result = pom("edicion", "--plan", PLAN_DIR, "--edicion", 2025, cwd=project)
    assert result.returncode == 1
    assert result.stderr.startswith(f"La edición no se pudo construir: O{BUSY.format(pid=holder.pid)}\n")
    holder.communicate("")
    with one_build_at_a_time(project):
        pass


def test_a_crashed_build_does_not_keep_the_project_locked(project):
    holder = _holder(project, "os.kill(os.getpid(), signal.SIGKILL)")
    assert holder.wait() == -signal.SIGKILL
    with one_build_at_a_time(project):
        pass


def _linked_readme(folder: Path, outside: Path) -> None:
    outside.write_text("contenido de fuera de la carpeta del plan", encoding="utf-8")
    (folder / "README.md").unlink()
    (folder / "README.md").symlink_to(outside)


def test_the_previous_plan_and_the_execution_file_are_read_only_as_regular_files(project, tmp_path):
    """`pom edicion --plan-anterior` and `--ejecucion` refuse links before anything is built."""
    previous = project / "data" / "plan-anterior"
    shutil.copytree(PLAN_DIR, previous)
    _linked_readme(previous, tmp_path / "fuera.md")
    result = pom("edicion", "--plan", PLAN_DIR, "--edicion", 2026, "--plan-anterior", previous, cwd=project)
    assert result.returncode == 1
    assert "El plan anterior no es válido: 1 problema(s) encontrado(s).\n  - README.md: es un enlace simbólico" in (
        result.stderr
    )
    execution = project / "data" / "ejecucion" / "ejecucion_2025.csv"
    execution.symlink_to(EXECUTION_CSV)
    result = pom("edicion", "--plan", PLAN_DIR, "--edicion", 2026, cwd=project)
    assert result.returncode == 1
    assert "  - ejecucion_2025.csv: es un enlace simbólico" in result.stderr
    assert not (project / "book").exists() or not any((project / "book").iterdir())


def _interrupted_publication(root: Path, monkeypatch) -> None:
    """A new book/ whose publication a power cut stopped before its first rename."""
    from pom_lib.publish import publication
    from pom_lib.publish.edition import STAGING

    new_book = root / STAGING / "libro"
    new_book.mkdir(parents=True)
    (new_book / "nuevo.txt").write_text("la edición nueva", encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(publication, "_complete", lambda *args: None)
        publication.publish(root, root / STAGING, [(new_book, root / "book")], {})


def test_pom_prints_the_progress_the_library_only_reports(tmp_path, monkeypatch, capsys):
    from pom_lib.publish.edition import InputError, build_edition

    quiet, said = tmp_path / "biblioteca", tmp_path / "pom"
    for root in (quiet, said):
        _interrupted_publication(root, monkeypatch)
    with pytest.raises(InputError):  # finishes the publication, then refuses the year
        build_edition(PLAN_DIR, 1900, quiet)
    assert capsys.readouterr().out == ""
    assert (quiet / "book" / "nuevo.txt").is_file()
    result = pom("edicion", "--plan", PLAN_DIR, "--edicion", 1900, cwd=said)
    assert result.returncode == 1
    assert result.stdout == "Se completó la publicación de la edición anterior, que se había interrumpido (book).\n"
    assert (said / "book" / "nuevo.txt").is_file()


def test_a_new_plan_folder_goes_in_data_of_the_project_or_of_an_institution(project):
    new = ["nuevo-plan", "--institucion", "Instituto Nacional de Ejemplo", "--siglas", "INE", "--periodo", "2027-2031"]
    made = pom(*new, "-o", "instituciones/INE/data/pom-ine", cwd=project)
    assert made.returncode == 0, made.stderr
    assert (project / "instituciones" / "INE" / "data" / "pom-ine" / "plan.csv").is_file()
    for refused in ("instituciones/INE/book/pom-ine", "instituciones/INE/data/pom-ine/otro", "instituciones/pom-ine"):
        before = _tree(project)
        result = pom(*new, "-o", refused, cwd=project)
        assert result.returncode == 1
        assert f"  - {refused}: " in result.stderr and "Traceback" not in result.stderr
        assert _tree(project) == before
    inside = pom(*new, "-o", "instituciones/INE/book/pom-ine", cwd=project)
    assert "este comando solo crea data/<nombre nuevo> o instituciones/<SIGLAS>/data/<nombre nuevo>" in inside.stderr
