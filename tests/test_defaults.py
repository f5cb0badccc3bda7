"""The defaults of an edition (plan, year, semáforo) come from one place, pom_lib/core/defaults.py: the plan and
the year are the current edition's in ediciones.yml, nowhere in code."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pom_lib.cli import _edition_choice, build_parser
from pom_lib.compute.execution import Thresholds
from pom_lib.core import defaults
from pom_lib.core.errors import EditionError
from tests.support.paths import ROOT

TEMPLATES = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_defaults_are_the_current_edition_of_the_registry_and_the_documented_semaforo():
    # ediciones.yml of this project: the 2025 edition of the published plan, held in book/.
    assert defaults.PLAN == "data/pom-minex-2025-2029"
    assert defaults.EDITION == 2025
    assert (defaults.GREEN, defaults.YELLOW, defaults.OVER) == (90.0, 70.0, 110.0)
    assert defaults.PLAN_FROM_BOOK == "../data/pom-minex-2025-2029"


def _registry(tmp_path, text: str):
    (tmp_path / "ediciones.yml").write_text(text, encoding="utf-8")
    return defaults.current_edition(tmp_path)


def test_the_current_edition_is_the_one_in_book_or_else_the_newest(tmp_path):
    archived_and_current = """ediciones:
- anio: 2026
  plan: data/plan-b
  fuente: ediciones/2026
- anio: '2025'
  plan: data/plan-a
  fuente: book
"""
    assert _registry(tmp_path, archived_and_current)["plan"] == "data/plan-a"
    none_in_book = "ediciones:\n- {anio: 2025, plan: data/plan-a}\n- {anio: 2027, plan: data/plan-c}\n"
    assert _registry(tmp_path, none_in_book)["plan"] == "data/plan-c"


@pytest.mark.parametrize("text", ["", "ediciones: []\n", "ediciones: [\n", "ediciones:\n- {anio: dos mil, plan: x}\n"])
def test_without_a_readable_current_edition_there_is_no_default(tmp_path, text):
    assert _registry(tmp_path, text) == {}
    assert defaults.current_edition(tmp_path / "sin-proyecto") == {}


def test_pom_edicion_takes_the_plan_and_year_of_the_current_edition(tmp_path):
    (tmp_path / "ediciones.yml").write_text(
        "ediciones:\n- {anio: 2031, plan: data/otro-plan, fuente: book}\n", encoding="utf-8"
    )
    given = build_parser().parse_args(["edicion"])
    assert (given.plan, given.edicion) == (None, None)
    assert _edition_choice(given, tmp_path) == (Path("data/otro-plan"), 2031)
    chosen = build_parser().parse_args(["edicion", "--edicion", "2032", "--plan", "data/x"])
    assert _edition_choice(chosen, tmp_path) == (Path("data/x"), 2032)
    thresholds = build_parser().parse_args(["edicion"])
    assert (thresholds.umbral_verde, thresholds.umbral_amarillo) == (90.0, 70.0)
    assert thresholds.umbral_sobreejecucion == 110.0


def test_without_a_current_edition_pom_edicion_asks_for_the_plan_and_the_year(tmp_path):
    with pytest.raises(EditionError, match="indique --plan y --edicion"):
        _edition_choice(build_parser().parse_args(["edicion"]), tmp_path)
    with pytest.raises(EditionError, match="indique --edicion "):
        _edition_choice(build_parser().parse_args(["edicion", "--plan", "data/x"]), tmp_path)
    institution = build_parser().parse_args(["edicion", "--institucion", "INE"])
    with pytest.raises(EditionError, match="instituciones/INE/ no tiene una edición vigente"):
        _edition_choice(institution, tmp_path)


def test_the_semaforo_defaults_to_them():
    assert Thresholds() == Thresholds(defaults.GREEN, defaults.YELLOW, defaults.OVER)


def test_the_makefile_asks_for_them():
    asked = subprocess.run(
        [sys.executable, "-m", "pom_lib.core.defaults", "plan"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert asked.stdout == "data/pom-minex-2025-2029\n"
    plain = subprocess.run(["make", "-n", "book"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "pom edicion --plan data/pom-minex-2025-2029 --edicion 2025" in plain
    wrong = subprocess.run([sys.executable, "-m", "pom_lib.core.defaults", "otro"], cwd=ROOT, capture_output=True)
    assert wrong.returncode == 2


def _parameters_cell(path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return next(cell.source for cell in notebook.cells if "parameters" in cell.metadata.get("tags", []))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.stem)
def test_every_template_starts_from_the_defaults(template):
    source = _parameters_cell(template)
    values = {}
    exec(source, values)
    assert values["edicion"] == defaults.EDITION
    assert values["plan"] == defaults.PLAN_FROM_BOOK
    for name, default in [
        ("umbral_verde", defaults.GREEN),
        ("umbral_amarillo", defaults.YELLOW),
        ("umbral_sobreejecucion", defaults.OVER),
    ]:
        assert values.get(name, default) == default
    # The values themselves are never written in a template: changing defaults.py changes every chapter.
    for literal in ("pom-minex", "2025", "90.0", "70.0", "110.0"):
        assert literal not in source, f"{template.name}: {literal}"


def test_no_code_template_or_makefile_names_a_plan():
    places = [
        path.relative_to(ROOT).as_posix()
        for path in [*(ROOT / "pom_lib").rglob("*.py"), *(ROOT / "notebooks").glob("*.*"), ROOT / "Makefile"]
        if "pom-minex" in path.read_text(encoding="utf-8")
    ]
    assert places == []
