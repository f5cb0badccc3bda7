"""The defaults of an edition (plan, year, semáforo) are written once, in pom_lib/core/defaults.py."""

import subprocess
import sys

import nbformat
import pytest

from pom_lib.cli import build_parser
from pom_lib.compute.execution import Thresholds
from pom_lib.core import defaults
from tests.support.paths import ROOT

TEMPLATES = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_defaults_are_the_published_plan_its_first_edition_and_the_documented_semaforo():
    assert defaults.PLAN == "data/pom-minex-2025-2029"
    assert defaults.EDITION == 2025
    assert (defaults.GREEN, defaults.YELLOW, defaults.OVER) == (90.0, 70.0, 110.0)
    assert defaults.PLAN_FROM_BOOK == "../data/pom-minex-2025-2029"


def test_pom_edicion_takes_its_defaults_from_there(monkeypatch):
    monkeypatch.setattr(defaults, "PLAN", "data/otro-plan")
    monkeypatch.setattr(defaults, "EDITION", 2031)
    monkeypatch.setattr(defaults, "GREEN", 95.0)
    args = build_parser().parse_args(["edicion"])
    assert (args.plan, args.edicion, args.umbral_verde) == ("data/otro-plan", 2031, 95.0)
    assert (args.umbral_amarillo, args.umbral_sobreejecucion) == (70.0, 110.0)
    assert build_parser().parse_args(["edicion", "--edicion", "2026"]).edicion == 2026


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


def test_the_default_plan_is_written_in_one_place():
    places = [
        path.relative_to(ROOT).as_posix()
        for path in [*(ROOT / "pom_lib").rglob("*.py"), *(ROOT / "notebooks").glob("*.*"), ROOT / "Makefile"]
        if "pom-minex-2025-2029" in path.read_text(encoding="utf-8")
    ]
    assert places == ["pom_lib/core/defaults.py"]
