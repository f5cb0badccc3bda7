"""A fictional second edition, end to end: Seguimiento and Cambios show the fixture's numbers exactly.

Edition 2026 publishes the fictional plan 2026-2030 (tests/fixtures/plan-ficticio-2026-2030) with
the fictional execution of 2025 (tests/fixtures/ejecucion-ficticia-2025.csv) and the real plan
2025-2029 as the previous edition's. 2025 is before the 2026-2030 period: the execution of 2025
belongs to the 2025-2029 plan, so Seguimiento measures it against that plan's goals (see
pom_lib.compute.monitoring.monitored_plan). The expected figures are the ones typed in tests/fixtures/README.md
and the plan's README, not recomputed here.
"""

import shutil
import subprocess
import sys
from datetime import date

import nbformat
import pytest

from pom_lib.cli import main
from pom_lib.publish.archive import archive_edition
from pom_lib.publish.edition import STAGING, EditionError, InputError, build_edition
from pom_lib.publish.publication import LOCK
from pom_lib.publish.registry import read_registry
from tests.support.editions import EXECUTION, FICTIONAL_PLAN, NBSP, PLAN, page_text, tree_hash

# Builds books: left out of `make unitarias` (pytest -m "not libro").
pytestmark = pytest.mark.libro


@pytest.fixture(scope="module")
def project(two_editions):
    """Edition 2025 built and archived, then edition 2026 built with execution and previous plan."""
    return two_editions["root"]


def _text(root, page: str) -> str:
    return page_text(root / "_build" / "html" / f"{page}.html").replace(NBSP, " ")


def _pdf_text(root) -> str:
    pdf = root / "_build" / "latex" / "libro-pom.pdf"
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(NBSP, " ")


def test_seguimiento_shows_the_fixture_execution(project):
    text = _text(project, "seguimiento")
    assert "La ejecución de 2025 pertenece al plan 2025-2029" in text
    # PRD01 in meta, PRD03 at risk, PRD07 lagging (fixture README).
    for row in ["PRD01", "1,252,155 1,180,000 94.2 % En meta", "213 170 79.8 % En riesgo", "448 200 44.6 % Rezagado"]:
        assert row in text, row
    # PRD02 reported by cuatrimestre: 25,000 + 27,000 + 28,000 and the last current budget.
    assert "80,000 80,000 100.0 % En meta" in text
    assert "Q14,800,000" in text
    assert "Q921,312,000 de los Q980,000,000 programados para 2025" in text
    assert (
        "1 de los 14 productos está «Sobreejecutado», 9 «En meta», 2 «En riesgo» y 1 «Rezagado»; 1 no tiene dato"
        in text
    )
    # PRD13: 2 documents against a goal of 1.
    assert "1 2 200.0 % Sobreejecutado" in text
    assert "Presupuesto vigente" in text
    # The coverage fiche's Ejecución column: SUB02 + SUB03 + SUB04.
    assert "1,260,000 personas, el 36.66 % de la población objetivo" in text
    assert "2025 1,332,155 1,260,000 94.6 %" in text
    assert "Ritmo observado y proyección al último año del plan 2025-2029, por producto" in text


def test_seguimiento_says_which_plans_goals_it_uses_and_shows_the_newer_ones(project):
    text = _text(project, "seguimiento")
    assert "Ejecución física frente a la meta del plan 2025-2029, 2025" in text
    assert "El plan 2026-2030 fija otras metas para 2026 a 2029" in text
    assert "Meta del plan 2026-2030 (personas)" in text
    assert "Meta física 2029, plan 2026-2030" in text
    assert "con las metas del plan 2026-2030 en línea punteada" in text


def test_seguimiento_states_its_thresholds(project):
    text = _text(project, "seguimiento")
    assert "«En meta» desde 90 % de la meta, «En riesgo» desde 70 %" in text
    assert "«Sobreejecutado» por encima de 110 %" in text
    assert "Ejecutado ≥ 70 % y < 90 % de la meta" in text
    assert "Ejecutado > 110 % de la meta" in text


def test_cambios_shows_the_fixture_changes(project):
    text = _text(project, "cambios")
    for expected in [
        "el plan 2026-2030 agrega 1 producto y 1 subproducto, retira 1 producto y 1 subproducto, renombra 1 producto",
        "Agregado Producto PRD15 — Atención consular móvil a la población guatemalteca en el exterior",
        "Retirado Producto PRD14 Transmisión de mando —",
        "Renombrado Producto PRD09 Asesoría Jurídica Asesoría Jurídica y Normativa",
        "Cambio de unidad Subproducto SUB05 Evento Gestión",
        "Cambio de programa Producto PRD12 Actividades Centrales Partidas No Asignables a Programas",
        "2027 237 243 +6 Q8,837,309 Q8,937,309 +Q100,000",
        "2028 1,449,529 1,449,529 0 Q542,469,406 Q547,469,406 +Q5,000,000",
        "2026 Q1,080,000,000 Q1,082,000,000 +Q2,000,000",
        "2029 Q1,350,000,000 Q1,353,500,000 +Q3,500,000",
        "2030 — Q1,354,000,000",
        "pasa de Q4,890,000,000 a Q4,906,100,000 (+Q16,100,000, +0.33 %)",
        # Indicators, key figures, units, actions and statements.
        "FICHA_PRODUCTO Línea de base 1,241,060 (36.1 %) en 2024 1,332,155 (38.8 %) en 2025",
        "Porcentaje de mujeres 2030 — 40.0 %",
        "Unidad de medida Descripción Persona — Personas atendidas, una vez por servicio (FICTICIO)",
        "Ahora: Gestiones de carácter político y consular y representación",
        "Retirada: Apertura y conservación de las brechas fronterizas",
        "Objetivo Operativo 2 , nueva redacción",
    ]:
        assert expected in text, expected
    page = (project / "_build" / "html" / "cambios.html").read_text(encoding="utf-8")
    assert "<strong>y consular</strong>" in page and "**" not in page


def test_pdf_of_the_second_edition_carries_the_same_figures(project):
    text = _pdf_text(project)
    for expected in [
        "Seguimiento de la ejecución",
        "Cambios respecto de la edición anterior",
        "94.2 %",
        "1,260,000",
        "Asesoría Jurídica y Normativa",
        "PRD15",
        "+Q16,100,000",
        "Edición 2026",
    ]:
        assert expected in text, expected


def test_first_edition_shows_no_execution_and_leaves_changes_out(project):
    archived = project / "ediciones" / "2025"
    seguimiento = nbformat.read(archived / "seguimiento.ipynb", as_version=4)
    # Without a previous plan there is nothing to compare: no chapter of changes, and the toc says so.
    assert not (archived / "cambios.ipynb").exists()
    assert "cambios" not in (archived / "_toc.yml").read_text(encoding="utf-8")
    text = "\n".join(str(o.get("data", {})) for c in seguimiento.cells for o in c.get("outputs", []))
    assert "todavía no hay ejecución que medir" in text
    # Goals of 2025 to be compared, and no executed figure at all.
    assert "Metas de 2025 del plan 2025-2029 contra las que se medirá la primera ejecución" in text
    for invented in ("1,180,000", "1,260,000", "Q921,312,000", "Rezagado 1"):
        assert invented not in text, invented


def test_chapters_get_the_edition_parameters_relative_to_book(project):
    notebook = nbformat.read(project / "book" / "seguimiento.ipynb", as_version=4)
    assert notebook.metadata["papermill"]["parameters"] == {
        "edicion": 2026,
        "plan": "../tests/fixtures/plan-ficticio-2026-2030",
        "ejecucion": "../tests/fixtures/ejecucion-ficticia-2025.csv",
        "plan_anterior": "../data/pom-minex-2025-2029",
        "umbral_verde": 90.0,
        "umbral_amarillo": 70.0,
        "umbral_sobreejecucion": 110.0,
    }
    cambios = nbformat.read(project / "book" / "cambios.ipynb", as_version=4)
    assert "umbral_verde" not in cambios.metadata["papermill"]["parameters"]
    # A chapter that does not declare them keeps its two parameters.
    quality = nbformat.read(project / "book" / "calidad_datos.ipynb", as_version=4)
    assert quality.metadata["papermill"]["parameters"] == {
        "edicion": 2026,
        "plan": "../tests/fixtures/plan-ficticio-2026-2030",
    }


def test_registry_lists_both_editions(project):
    thresholds = {"umbral_verde": 90.0, "umbral_amarillo": 70.0, "umbral_sobreejecucion": 110.0}
    registry = read_registry(project)
    # The first build of each edition records the day it was published.
    assert all(entry.pop("publicacion") <= date.today() for entry in registry)
    assert registry == [
        {
            "anio": 2026,
            "plan": FICTIONAL_PLAN,
            "ejecucion": EXECUTION,
            "plan_anterior": PLAN,
            "fuente": "book",
            **thresholds,
        },
        {"anio": 2025, "plan": PLAN, "ejecucion": "", "plan_anterior": "", "fuente": "ediciones/2025", **thresholds},
    ]


def test_executed_chapters_pass_strict_nbval(project):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "-q",
            str(project / "book" / "seguimiento.ipynb"),
            str(project / "book" / "cambios.ipynb"),
        ],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def _snapshot(root):
    """book/, ediciones/, ediciones.yml and _build/ but the lock every command takes (it stays, empty)."""
    build = {path.name: tree_hash(path) for path in sorted((root / "_build").iterdir()) if path != root / LOCK}
    return {folder: tree_hash(root / folder) for folder in ("book", "ediciones")} | {
        "_build": build,
        "ediciones.yml": (root / "ediciones.yml").read_text(encoding="utf-8"),
    }


@pytest.fixture
def copy(project, tmp_path):
    root = tmp_path / "libro"
    shutil.copytree(project, root)
    return root


def test_bad_execution_file_stops_before_any_chapter(copy, monkeypatch, capsys):
    before = _snapshot(copy)
    spoilt = copy / EXECUTION
    spoilt.write_text(
        spoilt.read_text(encoding="utf-8").replace("PRD07,2025,,200", "PRD99,2025,,200"), encoding="utf-8"
    )
    monkeypatch.chdir(copy)
    code = main(
        ["edicion", "--plan", FICTIONAL_PLAN, "--edicion", "2026", "--ejecucion", EXECUTION, "--plan-anterior", PLAN]
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert "El archivo de ejecución no es válido (se revisó contra el plan 2025-2029)" in err
    assert "«PRD99» no es un producto ni un subproducto del plan 2025-2029" in err
    assert "el último libro construido con éxito se conserva" in err
    assert "[1/" not in out  # no chapter ran
    assert _snapshot(copy) == before
    assert not (copy / STAGING).exists()


def test_bad_previous_plan_is_refused(copy):
    (copy / PLAN / "programas.csv").unlink()
    with pytest.raises(InputError) as error:
        build_edition(FICTIONAL_PLAN, 2026, copy, execution=EXECUTION, previous_plan=PLAN)
    assert error.value.headline == "El plan anterior no es válido"


def test_thresholds_and_the_execution_file_in_its_folder(copy, monkeypatch, capsys):
    """Without --ejecucion, pom edicion takes data/ejecucion/ejecucion_<cutoff>.csv; thresholds reach chapter
    and registry."""
    (copy / "notebooks" / "_toc.yml").write_text(
        "format: jb-book\nroot: portada\nchapters:\n  - file: seguimiento\n", encoding="utf-8"
    )
    (copy / "data" / "ejecucion").mkdir()
    shutil.copy(copy / EXECUTION, copy / "data" / "ejecucion" / "ejecucion_2025.csv")
    monkeypatch.chdir(copy)
    assert (
        main(
            [
                "edicion",
                "--plan",
                FICTIONAL_PLAN,
                "--edicion",
                "2026",
                "--plan-anterior",
                PLAN,
                "--umbral-verde",
                "95",
                "--umbral-amarillo",
                "80",
                "--umbral-sobreejecucion",
                "150",
            ]
        )
        == 0
    )
    assert "Ejecución de 2025: data/ejecucion/ejecucion_2025.csv" in capsys.readouterr().out
    entry = read_registry(copy)[0]
    assert entry["ejecucion"] == "data/ejecucion/ejecucion_2025.csv"
    assert (entry["umbral_verde"], entry["umbral_amarillo"], entry["umbral_sobreejecucion"]) == (95.0, 80.0, 150.0)
    text = _text(copy, "seguimiento")
    assert "«En meta» desde 95 % de la meta, «En riesgo» desde 80 %" in text
    assert "Ejecutado > 150 % de la meta" in text
    # PRD01 at 94.2 % is now «En riesgo»; PRD13 at 200 % still over-executed.
    assert "1,252,155 1,180,000 94.2 % En riesgo" in text and "1 2 200.0 % Sobreejecutado" in text
    archive_edition(copy, 2026)
    assert read_registry(copy)[0]["umbral_verde"] == 95.0


def test_thresholds_out_of_order_are_refused(copy, monkeypatch, capsys):
    monkeypatch.chdir(copy)
    assert main(["edicion", "--plan", FICTIONAL_PLAN, "--edicion", "2026", "--umbral-verde", "60"]) == 2
    assert "los umbrales deben ir de menor a mayor: amarillo (70.0) ≤ verde (60.0)" in capsys.readouterr().err


def test_execution_needs_the_plan_it_belongs_to(copy):
    before = _snapshot(copy)
    with pytest.raises(EditionError, match=r"antes del período del plan 2026-2030.*--plan-anterior"):
        build_edition(FICTIONAL_PLAN, 2026, copy, execution=EXECUTION)
    assert _snapshot(copy) == before


def test_next_edition_waits_until_the_current_one_is_archived(copy):
    with pytest.raises(EditionError, match=r"book/ contiene la edición 2026.*pom archivar --edicion 2026"):
        build_edition(FICTIONAL_PLAN, 2027, copy)
    archive_edition(copy, 2026)
    with pytest.raises(EditionError, match="ya está archivada en ediciones/2025"):
        build_edition(PLAN, 2025, copy)


def test_archive_refuses_to_overwrite(copy, monkeypatch, capsys):
    before = _snapshot(copy)
    monkeypatch.chdir(copy)
    assert main(["archivar", "--edicion", "2025"]) == 1
    assert "Ya existe ediciones/2025: un archivo de edición no se sobrescribe" in capsys.readouterr().err
    assert main(["archivar", "--edicion", "2027"]) == 1
    assert "book/ contiene la edición 2026, no la 2027" in capsys.readouterr().err
    assert _snapshot(copy) == before


def test_archive_freezes_the_book(copy, monkeypatch, capsys):
    monkeypatch.chdir(copy)
    assert main(["archivar", "--edicion", "2026"]) == 0
    archived = copy / "ediciones" / "2026"
    assert tree_hash(archived / "descargas") == tree_hash(copy / "book" / "descargas")
    for name in ("seguimiento.ipynb", "cambios.ipynb", "anexos.ipynb", "_toc.yml", "_config.yml", "edicion.yml"):
        assert (archived / name).is_file(), name
    assert "Libro analítico" in (archived / "_config.yml").read_text(encoding="utf-8")
    assert read_registry(copy)[0]["fuente"] == "ediciones/2026"
