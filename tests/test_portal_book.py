"""A repository of three institutions published as one portal, from real editions.

MINEX keeps today's layout at the root (the real plan, edition 2025: a copy of conftest's
`first_edition`); the fictional ANASAR lives in
instituciones/ANASAR/ (edition 2025 of tests/fixtures/planes/otra-institucion-2025-2029); the fictional INE
had no plan: it is started with `pom nuevo-plan --institucion`, its Excel form filled as an analyst would
(tests/support/new_plan_form.py) and imported into instituciones/INE/data/. All use the short book of
tests/support/editions.py. The MINEX site is first published alone, as today; then ANASAR and INE publish
and `pom sitio` builds the portal, whose MINEX pages must be those of the site of one institution.
"""

import json
import re
import shutil

import pytest

from pom_lib.cli import main
from pom_lib.publish import institutions
from pom_lib.publish.portal import BUILD, LOG
from pom_lib.publish.registry import read_registry
from pom_lib.publish.site import build_site
from tests.support.browser import check_site
from tests.support.editions import PLAN, copy_project, page_text, tree_hash
from tests.support.new_plan_form import ACRONYM, FIRST, INSTITUTION, PERIOD, fill_form
from tests.support.paths import FIXTURES

# Builds books: left out of `make unitarias` (pytest -m "not libro").
pytestmark = pytest.mark.libro

ANASAR_PLAN = FIXTURES / "planes" / "otra-institucion-2025-2029"
NEW_PLAN = f"pom-{ACRONYM.lower()}-{PERIOD}"


@pytest.fixture(scope="module")
def portal(tmp_path_factory, monkeypatch_module, first_edition):
    root = copy_project(first_edition, tmp_path_factory.mktemp("portal") / "libro")
    build_site(root)
    alone = tree_hash(root / "_site" / "2025")
    shutil.copytree(ANASAR_PLAN, root / "instituciones" / "ANASAR" / "data" / ANASAR_PLAN.name)
    monkeypatch_module.chdir(root)
    assert main(["edicion", "--institucion", "ANASAR", "--plan", f"data/{ANASAR_PLAN.name}", "--edicion", "2025"]) == 0
    form = tmp_path_factory.mktemp("formulario") / "plan.xlsx"
    new = ["nuevo-plan", "--institucion", INSTITUTION, "--siglas", ACRONYM, "--periodo", PERIOD, "-o", str(form)]
    assert main(new) == 0
    fill_form(form)
    assert main(["importar", str(form), "-o", f"instituciones/{ACRONYM}/data/{NEW_PLAN}"]) == 0
    assert main(["edicion", "--institucion", ACRONYM, "--plan", f"data/{NEW_PLAN}", "--edicion", str(FIRST)]) == 0
    assert main(["sitio"]) == 0
    first = json.loads((root / BUILD / LOG).read_text(encoding="utf-8"))
    assert main(["sitio"]) == 0
    second = json.loads((root / BUILD / LOG).read_text(encoding="utf-8"))
    return {"root": root, "site": root / "_site", "alone": alone, "first": first, "second": second}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_each_institution_keeps_its_own_editions(portal):
    root = portal["root"]
    home = root / "instituciones" / "ANASAR"
    assert [e["plan"] for e in read_registry(home)] == [f"data/{ANASAR_PLAN.name}"]
    assert [e["plan"] for e in read_registry(root)] == [PLAN]
    assert (home / "book" / "_toc.yml").is_file() and (home / "_build" / "html" / "index.html").is_file()
    assert [e["plan"] for e in read_registry(root / "instituciones" / ACRONYM)] == [f"data/{NEW_PLAN}"]
    assert [i.siglas for i in institutions.institutions(root)] == ["ANASAR", "INE", "MINEX"]


def test_portal_of_one_institution_is_todays_site_under_its_acronym(portal):
    assert tree_hash(portal["site"] / "MINEX" / "2025") == portal["alone"]
    for siglas in ("MINEX", "ANASAR", ACRONYM):
        folder = portal["site"] / siglas
        assert (folder / "versiones.js").is_file() and (folder / "ultima" / "index.html").is_file()
        assert '<a href="../index.html">Todas las instituciones</a>' in (folder / "index.html").read_text(
            encoding="utf-8"
        )
        year = FIRST if siglas == ACRONYM else 2025
        assert (folder / str(year) / f"libro-pom-{year}.pdf").read_bytes().startswith(b"%PDF")
    assert "Autoridad Nacional del Agua" in page_text(portal["site"] / "ANASAR" / "2025" / "anexos.html")


def test_second_run_rebuilds_nothing(portal):
    assert portal["first"] == {"construidas": ["ANASAR", "INE", "MINEX"], "sin_cambios": []}
    assert portal["second"] == {"construidas": [], "sin_cambios": ["ANASAR", "INE", "MINEX"]}


def test_index_and_comparison(portal):
    site = portal["site"]
    index = page_text(site / "index.html")
    assert "Ministerio de Relaciones Exteriores (MINEX)" in index
    assert "Autoridad Nacional del Agua y Saneamiento Rural (ANASAR)" in index
    assert "Metas financieras del período Q1,193,726,000" in index
    # The new institution's plan, as the form was filled: 3,750,000 + 4,050,000 + … + 4,950,000.
    assert "Instituto Nacional de Ejemplo (INE)" in index and "Q21,750,000" in index
    for link in re.findall(r'href="([^"#:]+)"', (site / "index.html").read_text(encoding="utf-8")):
        assert (site / link).is_file(), link
    comparison = page_text(site / "comparacion.html")
    assert (
        "ANASAR, edición 2025 (plan 2025-2029); INE, edición 2027 (plan 2027-2031); "
        "MINEX, edición 2025 (plan 2025-2029)"
    ) in comparison
    assert "Q213,865,000" in comparison and "54.4\u00a0%" in comparison
    page = (site / "comparacion.html").read_text(encoding="utf-8")
    for link in re.findall(r'(?:href|src)="([^"#:]+)"', page):
        assert (site / link).is_file(), link


def test_portal_pages_fit_a_phone_and_a_laptop(portal):
    reports = check_site(portal["site"], ["index.html", "comparacion.html"])
    # The portal's own pages are not a book's: they have no PDF of their own to link.
    problems = {f"{r.page} a {r.width} px": [p for p in r.problems if "Descargar PDF" not in p] for r in reports}
    assert {page: found for page, found in problems.items() if found} == {}
