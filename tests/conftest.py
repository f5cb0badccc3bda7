"""The fixtures every test file may ask for: the plans, a copy of the real one to spoil, published books."""

import shutil
from pathlib import Path

import pytest

from tests.support.paths import FICTIONAL_PLAN_DIR, PLAN_DIR, ROOT, TEST_SITE


@pytest.fixture
def plan_copy(tmp_path) -> Path:
    """A writable copy of the real plan folder."""
    target = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, target)
    return target


@pytest.fixture(scope="session")
def plan():
    """The real plan, loaded once for every test that only reads it."""
    from pom_lib.data.plan import load_plan

    return load_plan(PLAN_DIR)


@pytest.fixture(scope="session")
def fictional_plan():
    """The fictional 2026-2030 plan of tests/fixtures, loaded once for every test that only reads it."""
    from pom_lib.data.plan import load_plan

    return load_plan(FICTIONAL_PLAN_DIR)


def _built_once(tmp_path_factory, worker_id: str, name: str, build) -> dict:
    """What `build(folder)` returns (JSON data), built once per run. In a parallel run (pytest-xdist) the
    first worker that needs it builds it in the run's shared temporary folder while the others wait,
    so a book read by test files of several workers is not built again in each of them.
    """
    import json

    from filelock import FileLock

    if worker_id == "master":
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / name
    record = shared / "construido.json"
    with FileLock(f"{shared}.lock"):
        if not record.is_file():
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(json.dumps(build(shared)), encoding="utf-8")
    return json.loads(record.read_text(encoding="utf-8"))


def _publish_book(output: Path) -> dict:
    """The committed book/ built to HTML and PDF in `output` as `pom edicion` publishes it."""
    import os

    import yaml

    from pom_lib.data.plan import load_plan
    from pom_lib.publish.books import BUILDERS, render
    from pom_lib.publish.edition import chapter_stems, edition_config, pdf_filename

    book = ROOT / "book"
    stems = chapter_stems(book / "_toc.yml")
    missing = [s for s in stems if not (book / f"{s}.ipynb").is_file()]
    if missing:
        pytest.fail(f"book/ no tiene los capítulos ejecutados {missing}: ejecute «make book» y guárdelos.")
    edition_entry = next(
        e
        for e in yaml.safe_load((ROOT / "ediciones.yml").read_text(encoding="utf-8"))["ediciones"]
        if e["fuente"] == "book"
    )
    config = edition_config(
        ROOT, load_plan(ROOT / edition_entry["plan"]), int(edition_entry["anio"]), output / "config.yml"
    )
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    edition = settings["sphinx"]["config"]["pom_edicion"]
    edition["url"] = f"{TEST_SITE}{edition['anio']}/"
    config.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    built = render(book, output, config, BUILDERS, dict(os.environ), ROOT)
    html = built["html"]
    pdf = built["pdflatex"] / pdf_filename(config)
    shutil.copy(pdf, html / edition["pdf"])
    return {"stems": stems, "html": str(html), "pdf": str(pdf), "edition": edition}


@pytest.fixture(scope="session")
def published(tmp_path_factory, worker_id) -> dict:
    """The committed book/ built to HTML and PDF as `pom edicion` publishes it (execution off), with the
    plan and year ediciones.yml records for it, built once per run.

    Shared by the tests of the published book and of its pages in the browser, which only read it. The
    PDF is copied beside the pages, where every page links it.
    """
    facts = _built_once(tmp_path_factory, worker_id, "libro-publicado", _publish_book)
    return {**facts, "html": Path(facts["html"]), "pdf": Path(facts["pdf"])}


@pytest.fixture(scope="session")
def first_edition(tmp_path_factory, worker_id) -> Path:
    """A new project with its first edition (editions.first_edition), built once per run; never changed:
    the yearly cycle and the portal each start from a copy."""
    from tests.support.editions import first_edition as build

    facts = _built_once(tmp_path_factory, worker_id, "primera-edicion", lambda folder: build(folder / "libro"))
    return Path(facts["root"])


@pytest.fixture(scope="session")
def two_editions(tmp_path_factory, worker_id, first_edition) -> dict:
    """A project after an analyst's year (editions.yearly_cycle), built once per run: the monitoring and
    site tests read it. Tests that change files work on a copy.
    """
    from tests.support.editions import yearly_cycle

    facts = _built_once(
        tmp_path_factory, worker_id, "ciclo-anual", lambda folder: yearly_cycle(folder / "libro", first_edition)
    )
    return {**facts, "root": Path(facts["root"])}


def pytest_collection_modifyitems(items):
    """The executed chapters of book/, re-run by nbval, are book tests too."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.libro)
