"""Shared test helpers: the real plan folder, copies of it to spoil, and the fictional fixtures."""

import contextlib
import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAN_DIR = ROOT / "data" / "pom-minex-2025-2029"
FIXTURES = ROOT / "tests" / "fixtures"
FICTIONAL_PLAN_DIR = FIXTURES / "plan-ficticio-2026-2030"
EXECUTION_CSV = FIXTURES / "ejecucion-ficticia-2025.csv"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def pom(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `pom ARGS` in this process and return its exit code, standard output and standard error.

    The same code path as the console script (`cli.main` catches every ending the analyst sees) without
    a new interpreter per call; the tests of what only a real process shows (a closed pipe, Ctrl-C)
    start one themselves.
    """
    from pom_lib import cli

    argv = [str(arg) for arg in args]
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    stderr = io.StringIO()
    with contextlib.chdir(cwd or Path.cwd()), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = cli.main(argv)
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code
    stdout.flush()
    output = stdout.buffer.getvalue().decode("utf-8")
    return subprocess.CompletedProcess(["pom", *argv], code, output, stderr.getvalue())


@pytest.fixture
def plan_copy(tmp_path) -> Path:
    """A writable copy of the real plan folder."""
    target = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, target)
    return target


def fill_template(path: Path) -> dict[str, int]:
    """Type the fictional 2025 execution into a 2025 template, as an analyst would in Excel.

    Whole-year values go into the pre-filled rows; cuatrimestre rows are written in the free
    rows below the items. Returns the row of each pre-filled item, for tests that spoil cells.
    """
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["ejecucion"]
    header = [cell.value for cell in sheet[1]]
    item_rows = {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value}
    free_row = max(item_rows.values()) + 1
    with EXECUTION_CSV.open(encoding="utf-8", newline="") as file:
        for record in csv.DictReader(file):
            if record["cuatrimestre"]:
                row, free_row = free_row, free_row + 1
                for column in ("elemento_id", "anio", "cuatrimestre"):
                    value = record[column]
                    sheet.cell(row, header.index(column) + 1, value if column == "elemento_id" else int(value))
            else:
                row = item_rows[record["elemento_id"]]
            for column in ("ejecucion_fisica", "ejecucion_financiera", "presupuesto_vigente"):
                if record[column]:
                    sheet.cell(row, header.index(column) + 1, float(record[column]))
    workbook.save(path)
    return item_rows


# The site address the published-book tests give the edition, so the PDF's links are absolute.
TEST_SITE = "https://libro.example.org/"


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


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> dict:
    """The committed book/ built to HTML and PDF as `pom edicion` publishes it (execution off), with the
    plan and year ediciones.yml records for it.

    Shared by the tests of the published book and of its pages in the browser. The PDF is
    copied beside the pages, where every page links it.
    """
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
    output = tmp_path_factory.mktemp("libro")
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
    return {"stems": stems, "html": html, "pdf": pdf, "edition": edition}


@pytest.fixture(scope="session")
def two_editions(tmp_path_factory, worker_id) -> dict:
    """A project after an analyst's year (editions.yearly_cycle), built once per run: the monitoring and
    site tests read it. In a parallel run (pytest-xdist) the first worker that needs it builds it in the
    run's shared temporary folder while the others wait. Tests that change files work on a copy.
    """
    import json

    from editions import yearly_cycle
    from filelock import FileLock

    if worker_id == "master":
        facts = yearly_cycle(tmp_path_factory.mktemp("ciclo") / "libro")
    else:
        shared = tmp_path_factory.getbasetemp().parent / "ciclo-anual"
        record = shared / "ciclo.json"
        with FileLock(f"{shared}.lock"):
            if not record.is_file():
                record.parent.mkdir(parents=True, exist_ok=True)
                record.write_text(json.dumps(yearly_cycle(shared / "libro")), encoding="utf-8")
        facts = json.loads(record.read_text(encoding="utf-8"))
    return {**facts, "root": Path(facts["root"])}


def pytest_collection_modifyitems(items):
    """The executed chapters of book/, re-run by nbval, are book tests too."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.libro)


def interruptible() -> None:
    """In a child about to run: Ctrl-C acts as in a terminal, even when the tests run as a background
    job (a non-interactive shell starts those with SIGINT ignored, and children inherit it)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
