"""ediciones.yml (the published editions), the edition parameters of `pom`, and the switcher's hook."""

import subprocess
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from pom_lib.cli import build_parser
from pom_lib.core.errors import PlanError
from pom_lib.publish.edition import EditionError, InputError, check_edition_year
from pom_lib.publish.registry import (
    CURRENT,
    check_registry,
    find_entry,
    parse_year,
    read_registry,
    registry_with,
    write_registry,
)
from pom_lib.render import sphinx_tables
from tests.support.commands import pom
from tests.support.paths import PLAN_DIR, ROOT


def _entry(year, source=CURRENT, **extra):
    return {"anio": year, "plan": f"data/plan-{year}", "ejecucion": "", "plan_anterior": "", "fuente": source, **extra}


def test_project_registry_lists_the_current_edition():
    editions = read_registry(ROOT)
    assert editions and editions[0]["fuente"] in (CURRENT, f"ediciones/{editions[0]['anio']}")
    assert {"anio", "plan", "ejecucion", "plan_anterior", "fuente"} <= set(editions[0])


def test_registry_round_trip_newest_first(tmp_path):
    assert read_registry(tmp_path) is None
    write_registry(tmp_path, [_entry(2025, "ediciones/2025"), _entry(2026)])
    text = (tmp_path / "ediciones.yml").read_text(encoding="utf-8")
    assert text.startswith("# Ediciones publicadas del libro.")
    assert [e["anio"] for e in read_registry(tmp_path)] == [2026, 2025]
    stamp = (tmp_path / "ediciones.yml").stat().st_mtime_ns
    write_registry(tmp_path, read_registry(tmp_path))
    assert (tmp_path / "ediciones.yml").stat().st_mtime_ns == stamp  # unchanged content, untouched file


def test_find_entry_is_the_edition_of_that_year_or_nothing():
    editions = [_entry(2027), _entry(2026, "ediciones/2026"), _entry(2025, "ediciones/2025")]
    assert find_entry(editions, 2026) == {
        "anio": 2026,
        "plan": "data/plan-2026",
        "ejecucion": "",
        "plan_anterior": "",
        "fuente": "ediciones/2026",
    }
    assert find_entry(editions, 2024) == {}
    assert find_entry(None, 2025) == {}  # a project without ediciones.yml


def test_an_edition_year_is_a_number_however_it_is_written():
    assert parse_year(2026) == 2026
    assert parse_year("2026") == 2026
    assert parse_year(" 2026 ") == 2026
    for wrong in ("dos mil", "2026.5", "", True, 2026.5):
        with pytest.raises(EditionError, match="no es un año de edición"):
            parse_year(wrong)


def test_a_registry_year_written_as_text_is_the_same_edition(tmp_path):
    (tmp_path / "ediciones.yml").write_text(
        "ediciones:\n"
        "- {anio: '2025', plan: data/a, ejecucion: '', plan_anterior: '', fuente: ediciones/2025}\n"
        "- {anio: 2026, plan: data/b, ejecucion: '', plan_anterior: '', fuente: book, publicacion: 2026-05-04}\n",
        encoding="utf-8",
    )
    editions = read_registry(tmp_path)
    assert [e["anio"] for e in editions] == [2026, 2025]
    assert find_entry(editions, 2025)["plan"] == "data/a"
    check_registry(tmp_path, 2026)  # rebuilding the current edition
    (tmp_path / "ediciones" / "2026").mkdir(parents=True)
    with pytest.raises(EditionError, match="La edición 2025 ya está archivada en ediciones/2025"):
        check_registry(tmp_path, 2025)
    # Rebuilding the current edition keeps its recorded date; the text year is written back as a number.
    text = registry_with(tmp_path, _entry(2026))
    assert "- anio: 2025\n" in text and "publicacion: 2026-05-04" in text


def test_a_registry_year_twice_or_not_a_number_is_reported(tmp_path):
    (tmp_path / "ediciones.yml").write_text(
        "ediciones:\n"
        "- {anio: '2025', plan: a, ejecucion: '', plan_anterior: '', fuente: book}\n"
        "- {anio: 2025, plan: b, ejecucion: '', plan_anterior: '', fuente: ediciones/2025}\n"
        "- {anio: veinte, plan: c, ejecucion: '', plan_anterior: '', fuente: ediciones/x}\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as error:
        read_registry(tmp_path)
    assert [str(problem) for problem in error.value.problems] == [
        "ediciones.yml: la edición n.º 3: «veinte» no es un año de edición: escríbalo como número entero, "
        "por ejemplo 2026.",
        "ediciones.yml: una edición aparece más de una vez",
    ]


def test_broken_registry_is_reported(tmp_path):
    (tmp_path / "ediciones.yml").write_text("ediciones:\n- anio: 2025\n  plan: x\n", encoding="utf-8")
    with pytest.raises(PlanError, match="le falta ejecucion, plan_anterior, fuente"):
        read_registry(tmp_path)


def test_check_registry_protects_published_editions(tmp_path):
    check_registry(tmp_path, 2026)  # no ediciones.yml: nothing to protect
    write_registry(tmp_path, [_entry(2025)])
    check_registry(tmp_path, 2025)  # rebuilding the current edition is fine
    with pytest.raises(EditionError, match="pom archivar --edicion 2025"):
        check_registry(tmp_path, 2026)
    (tmp_path / "ediciones" / "2025").mkdir(parents=True)
    check_registry(tmp_path, 2026)
    write_registry(tmp_path, [_entry(2025, "ediciones/2025")])
    with pytest.raises(EditionError, match="ya está archivada"):
        check_registry(tmp_path, 2025)


def test_registry_with_the_new_edition(tmp_path):
    assert registry_with(tmp_path, _entry(2025)) is None  # no ediciones.yml: nothing to record
    write_registry(tmp_path, [_entry(2025)])
    (tmp_path / "ediciones" / "2025").mkdir(parents=True)
    (tmp_path / "ediciones.yml").write_text(registry_with(tmp_path, _entry(2026, ejecucion="x.csv")), encoding="utf-8")
    # The first build of an edition records its publication date: today, until someone sets it.
    assert read_registry(tmp_path) == [
        {**_entry(2026, ejecucion="x.csv"), "publicacion": date.today()},
        _entry(2025, "ediciones/2025"),
    ]


def test_rebuilding_an_edition_keeps_its_publication_date_and_version(tmp_path):
    write_registry(tmp_path, [{**_entry(2025), "publicacion": date(2025, 4, 30), "version": 2}])
    (tmp_path / "ediciones.yml").write_text(registry_with(tmp_path, _entry(2025, ejecucion="x.csv")), encoding="utf-8")
    assert read_registry(tmp_path) == [
        {**_entry(2025, ejecucion="x.csv"), "publicacion": date(2025, 4, 30), "version": 2}
    ]


def test_edicion_takes_execution_and_previous_plan():
    args = build_parser().parse_args(
        ["edicion", "--plan", "p", "--edicion", "2026", "--ejecucion", "e.csv", "--plan-anterior", "q"]
    )
    assert (args.plan, args.edicion, args.ejecucion, args.plan_anterior) == ("p", 2026, "e.csv", "q")
    defaults = build_parser().parse_args(["edicion"])
    assert defaults.ejecucion == "" and defaults.plan_anterior == ""
    assert build_parser().parse_args(["archivar", "--edicion", "2025"]).edicion == 2025
    assert build_parser().parse_args(["sitio"]).salida == "_site"


def _make_commands(*arguments: str) -> str:
    """The commands `make` would run, one line each (make -n: nothing runs)."""
    result = subprocess.run(["make", "-n", *arguments], cwd=ROOT, capture_output=True, text=True, check=True)
    return " ".join(result.stdout.replace("\\\n", " ").split())


def test_make_book_passes_the_optional_parameters_only_when_given():
    given = _make_commands("book", "EDICION=2026", "EJECUCION=e.csv", "PLAN_ANTERIOR=data/q")
    assert (
        "pom edicion --plan data/pom-minex-2025-2029 --edicion 2026 --ejecucion e.csv --plan-anterior data/q" in given
    )
    plain = _make_commands("book")
    assert "pom edicion --plan data/pom-minex-2025-2029 --edicion 2025" in plain and "--ejecucion" not in plain
    assert "pom archivar --edicion 2026" in _make_commands("archivar", "EDICION=2026")
    assert "pom sitio" in _make_commands("site")


class _App:
    def __init__(self):
        self.scripts = []

    def add_js_file(self, filename, **kwargs):
        self.scripts.append((filename, kwargs))


def test_switcher_only_in_site_builds():
    app = _App()
    sphinx_tables._add_switcher(app, SimpleNamespace(pom_edicion_sitio=""))
    assert app.scripts == []
    sphinx_tables._add_switcher(app, SimpleNamespace(pom_edicion_sitio="2025"))
    [(filename, kwargs)] = app.scripts
    body = kwargs["body"]
    assert filename is None and 'var current = "2025";' in body
    # Read as a script next to the site root, never fetched: works from file://.
    assert '"../versiones.js"' in body and "fetch(" not in body
    assert "Edición:" in body


def test_site_is_ignored_by_git():
    assert "_site/" in (Path(ROOT) / ".gitignore").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("year", [2025, 2029, 2030])
def test_an_edition_is_of_a_year_of_its_plan_or_the_year_after(plan, year):
    check_edition_year(plan, year)


@pytest.mark.parametrize("year", [99999999999999999999, 1900, -5, 2024, 2031])
def test_an_edition_year_outside_its_plan_is_refused_with_the_range(plan, year):
    with pytest.raises(InputError) as error:
        check_edition_year(plan, year)
    assert error.value.problems[0].message == (
        f"la edición {year} no es del plan 2025-2029: sus ediciones van de 2025 a 2030 (la de 2030 informa la "
        "ejecución de su último año); use uno de esos años, o la carpeta del plan de ese año en --plan"
    )


def test_pom_edicion_refuses_a_year_outside_the_plan_before_building(tmp_path):
    result = pom("edicion", "--plan", PLAN_DIR, "--edicion", "99999999999999999999", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "--edicion: la edición 99999999999999999999 no es del plan 2025-2029" in result.stderr
    assert not (tmp_path / "book").exists()
