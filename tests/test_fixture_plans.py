"""The fictional plans of tests/fixtures/planes: `pom validar` accepts each, each builds every chapter to
HTML and PDF, and each book shows its own plan and nothing of a plan it is not.

Each plan is built once per session (its first edition, without execution) and every check reads that
build. Expected values come from the plan's own CSV files, read here with the csv module and formatted
here, never through pom_lib. Plans `pom validar` must reject are spoilt copies of one fixture.
"""

import contextlib
import csv
import io
import multiprocessing
import re
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import pytest

from pom_lib.cli import main
from pom_lib.publish.edition import build_edition, chapter_stems, pdf_filename
from tests.support.citable import misplaced_figures
from tests.support.editions import NBSP, page_text, whole_book_project
from tests.support.paths import FIXTURES, ROOT

# Builds books: left out of `make unitarias` (pytest -m "not libro").
pytestmark = pytest.mark.libro

PLANS = FIXTURES / "planes"
NAMES = sorted(folder.name for folder in PLANS.iterdir() if (folder / "datapackage.json").is_file())
# Subjects of the MINEX plan: a page may name one only when the plan's own data do.
FOREIGN_SUBJECTS = (
    "consular",
    "consulado",
    "migrante",
    "migratori",
    "Ministerio de Relaciones Exteriores",
    "MINEX",
    "política exterior",
    "factor de ajuste",
    "embajada",
    "pasaporte",
    "Estados Unidos",
    "resto del mundo",
    "en el exterior",
)
# First words of institution names that take «la» (la Autoridad…); the others take «el» (el Ministerio…).
FEMININE_HEADS = (
    "Agencia",
    "Autoridad",
    "Comisión",
    "Contraloría",
    "Coordinadora",
    "Defensoría",
    "Dirección",
    "Oficina",
    "Procuraduría",
    "Secretaría",
    "Superintendencia",
    "Unidad",
)
# What a reader must never see of a chapter that broke.
LEAKS = re.compile(r"Traceback|\bNaN\b|\bnan\b|\bNone\b|<NA>|KeyError|IndexError")
SPANISH_NUMBERS = {
    1: "un|uno|una",
    2: "dos",
    3: "tres",
    4: "cuatro",
    5: "cinco",
    6: "seis",
    7: "siete",
    8: "ocho",
    9: "nueve",
    10: "diez",
    11: "once",
    12: "doce",
    13: "trece",
    14: "catorce",
    15: "quince",
}
# Fixture plans built at once (see `books`): two keep a two-core machine busy.
BUILDERS = 2
YEAR = re.compile(r"(?<![\d,.])(20\d\d)(?![\d,])")
YEAR_RANGE = re.compile(r"(?<![\d,.])(20\d\d)\s*[-–]\s*(20\d\d)(?![\d,])")


class FixturePlan:
    """A plan folder read as plain CSV: what the book must show, computed without pom_lib."""

    def __init__(self, folder: Path):
        self.folder = folder

    def rows(self, table: str) -> list[dict]:
        with (self.folder / f"{table}.csv").open(encoding="utf-8", newline="") as file:
            return list(csv.DictReader(file))

    @cached_property
    def info(self) -> dict:
        return self.rows("plan")[0]

    @property
    def first_year(self) -> int:
        return int(self.info["anio_inicio"])

    @property
    def last_year(self) -> int:
        return int(self.info["anio_fin"])

    @property
    def period(self) -> str:
        return f"{self.first_year}-{self.last_year}"

    @property
    def total_budget(self) -> float:
        return sum(float(row["meta_financiera"]) for row in self.rows("totales_anuales"))

    def key_figure(self, role: str) -> dict | None:
        """The row of cifras_clave.csv with this role (the latest year when there are several)."""
        found = sorted((row for row in self.rows("cifras_clave") if row["rol"] == role), key=lambda r: r["anio"])
        return found[-1] if found else None

    @cached_property
    def main_fiche(self) -> dict:
        return next(row for row in self.rows("fichas") if row["nivel"] == "producto")

    @cached_property
    def data_text(self) -> str:
        """Every CSV of the plan, case-folded: what the book may quote."""
        return "\n".join(path.read_text(encoding="utf-8") for path in sorted(self.folder.glob("*.csv"))).casefold()


@dataclass
class Book:
    root: Path
    pages: dict[str, str]
    pdf: Path
    pdf_text: str

    @property
    def text(self) -> str:
        return "\n".join(self.pages.values())


def integer(value) -> str:
    return f"{round(float(value)):,}"


def percent(value) -> str:
    return f"{float(value):.1f} %"


def shows(text: str, figure: str) -> bool:
    """The figure as a whole number in the text: «25,986» is not read inside «125,986» or «25,986.5»."""
    return re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d]|[.,]\d)", text) is not None


def money(text: str, amount: float) -> bool:
    """Q1,193,726,000 or, in prose, Q1,193.7 millones."""
    return shows(text, f"Q{amount:,.0f}") or shows(text, f"Q{amount / 1e6:,.1f} millones")


def count_pattern(number: int, noun: str) -> str:
    """«5 años» or «cinco años» (and «1 año», «un año»)."""
    words = SPANISH_NUMBERS.get(number, str(number))
    return rf"\b({number}|{words}) {noun}\b"


def _build(name: str, folder: Path) -> Book | str:
    """Build the plan's first edition; a failure is returned as text, so every check can report it."""
    root = whole_book_project(folder, PLANS / name)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the chapter-by-chapter progress
            build_edition(f"data/{name}", FixturePlan(PLANS / name).first_year, root)
    except Exception as error:  # any failure, reported by every check of this plan
        return f"{type(error).__name__}: {error}"
    html = root / "_build" / "html"
    pages = {
        path.stem: page_text(path).replace(NBSP, " ")
        for path in sorted(html.glob("*.html"))
        if path.stem not in ("genindex", "search")
    }
    pdf = root / "_build" / "latex" / pdf_filename(root / "_config.yml")
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return Book(root, pages, pdf, re.sub(r"\s+", " ", pdf_text.replace(NBSP, " ")))


def _plans_needed(session: pytest.Session) -> list[str]:
    """The plans the selected tests read, in the order they first need them."""
    needed = []
    for item in session.items:
        if "books" in getattr(item, "fixturenames", ()):
            callspec = getattr(item, "callspec", None)
            names = [callspec.params["name"]] if callspec and "name" in callspec.params else NAMES
            needed += [name for name in names if name not in needed]
    return needed


@pytest.fixture(scope="module")
def books(request, tmp_path_factory):
    """book(name): the plan's edition, shared by every check.

    The plans the selected tests need are built in separate processes, BUILDERS at a time, from the
    first request on: a build is mostly one busy process (a chapter's kernel, then Sphinx or LaTeX).
    The builders come from a fork server, as the chapters do: a copy of this process (fork) would
    inherit the fork server an earlier module started here, which is not its child, and could not
    run chapters.
    """
    needed = _plans_needed(request.session)
    with ProcessPoolExecutor(BUILDERS, mp_context=multiprocessing.get_context("forkserver")) as pool:
        builds = {}

        def book(name: str) -> Book:
            for plan in ([] if builds else needed) + [name]:
                if plan not in builds:
                    builds[plan] = pool.submit(_build, plan, tmp_path_factory.mktemp(plan) / "libro")
            result = builds[name].result()
            if isinstance(result, str):
                pytest.fail(f"El plan {name} no se pudo construir: {result}")
            return result

        yield book


def _pom(capsys, *args: str) -> tuple[int, str, str]:
    """`pom …` in this process: (exit code, standard output, standard error); a traceback fails the test."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- pom validar ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_pom_validar_accepts_the_plan_and_its_reconciliations(name, capsys):
    for mode in ([], ["--estricto"]):
        code, out, err = _pom(capsys, "validar", *mode, str(PLANS / name))
        assert code == 0, (mode, out + err)
        assert out.startswith(f"Plan válido: {FixturePlan(PLANS / name).info['titulo']}")
        assert "Todas las reglas de conciliación se cumplen." in out


def test_every_fixture_declares_the_format_and_says_it_is_fictional():
    assert len(NAMES) >= 6
    for name in NAMES:
        assert '"formato_pom": 2' in (PLANS / name / "datapackage.json").read_text(encoding="utf-8"), name
        assert "FICTICIO" in (PLANS / name / "README.md").read_text(encoding="utf-8"), name


# --- the built book ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_chapter_has_a_page_and_the_pdf_has_text(name, books):
    book = books(name)
    expected = chapter_stems(book.root / "book" / "_toc.yml")
    assert expected and set(expected) <= set(book.pages), set(expected) - set(book.pages)
    for stem in expected:
        assert '<html lang="es"' in (book.root / "_build" / "html" / f"{stem}.html").read_text(encoding="utf-8")
    plan = FixturePlan(PLANS / name)
    assert plan.info["institucion"] in book.pdf_text
    assert plan.period in book.pdf_text


def words_outside_their_page(pdf: Path) -> list[tuple[int, str]]:
    """(page, word) for every word poppler places beyond its page's edge (landscape pages turned)."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    turned = {int(page) for page, angle in re.findall(r"Page\s+(\d+) rot:\s+(\d+)", info) if angle in ("90", "270")}
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    outside = []
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', boxes, re.S)
    for number, (width, height, words) in enumerate(pages, start=1):
        width, height = (float(height), float(width)) if number in turned else (float(width), float(height))
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', words
        ):
            if float(x0) < 0 or float(y0) < 0 or float(x1) > width or float(y1) > height:
                outside.append((number, word))
    return outside


@pytest.mark.parametrize("name", NAMES)
def test_pdf_text_stays_inside_its_pages(name, books):
    """A long institution name or a wide table must wrap or shrink, never run off the paper."""
    assert words_outside_their_page(books(name).pdf) == []


def test_network_chapter_only_for_plans_with_network_statements(books):
    """The templates' table of contents has every chapter; a plan with an empty expansion_red.csv loses one.
    These are first editions: without a previous plan, the chapter of changes is left out too."""
    all_chapters = set(chapter_stems(ROOT / "notebooks" / "_toc.yml")) - {"cambios"}
    with_network = [n for n in NAMES if FixturePlan(PLANS / n).rows("expansion_red")]
    without = [n for n in NAMES if n not in with_network]
    assert with_network and without
    network_pages = set()
    for name in with_network:
        book = books(name)
        assert all_chapters <= set(book.pages), all_chapters - set(book.pages)
        statements = [row["texto"][:80] for row in FixturePlan(PLANS / name).rows("expansion_red")]
        network_pages |= {stem for stem, text in book.pages.items() if all(s in text for s in statements)}
    assert network_pages, "ninguna página cita los enunciados sobre la red"
    for name in without:
        pages = set(books(name).pages)
        assert not pages & network_pages, (name, pages & network_pages)
        assert all_chapters - network_pages <= pages, (name, all_chapters - network_pages - pages)


@pytest.mark.parametrize("name", NAMES)
def test_html_names_the_institution_period_and_length(name, books):
    plan, text = FixturePlan(PLANS / name), books(name).text
    assert plan.info["institucion"] in text
    assert plan.info["siglas"] in text
    assert plan.period in text
    years = plan.last_year - plan.first_year + 1
    assert re.search(count_pattern(years, "años" if years > 1 else "año"), text, re.IGNORECASE), years


@pytest.mark.parametrize("name", NAMES)
def test_the_institution_takes_its_article(name, books):
    institution, book = FixturePlan(PLANS / name).info["institucion"], books(name)
    wrong = r"\b(?:el|del|al)" if institution.split()[0] in FEMININE_HEADS else r"\bla"
    for where, text in [*book.pages.items(), ("PDF", book.pdf_text)]:
        found = re.search(rf"{wrong} {re.escape(institution)}", text, re.IGNORECASE)
        assert not found, (where, found and found.group())


@pytest.mark.parametrize("name", NAMES)
def test_every_citable_figure_is_shown_where_its_address_points(name, books):
    assert misplaced_figures(books(name).root / "_build" / "html") == []


@pytest.mark.parametrize("name", NAMES)
def test_html_shows_the_total_budget(name, books):
    total, text = FixturePlan(PLANS / name).total_budget, books(name).text
    assert money(text, total), total
    for row in FixturePlan(PLANS / name).rows("totales_anuales"):
        assert shows(text, f"Q{float(row['meta_financiera']):,.0f}"), row


@pytest.mark.parametrize("name", NAMES)
def test_pdf_shows_the_total_budget(name, books):
    total, text = FixturePlan(PLANS / name).total_budget, books(name).pdf_text
    assert money(text, total), total


@pytest.mark.parametrize("name", NAMES)
def test_html_counts_agree_with_the_data(name, books):
    plan, text = FixturePlan(PLANS / name), books(name).text
    for table, singular, plural in (
        ("programas", "programa", "programas"),
        ("productos", "producto", "productos"),
        ("subproductos", "subproducto", "subproductos"),
    ):
        number = len(plan.rows(table))
        assert re.search(count_pattern(number, plural if number > 1 else singular), text, re.IGNORECASE), table
    for program in plan.rows("programas"):
        assert program["nombre"] in text, program["nombre"]


@pytest.mark.parametrize("name", NAMES)
def test_html_shows_the_key_figures_the_plan_has(name, books):
    plan, text = FixturePlan(PLANS / name), books(name).text
    target = plan.key_figure("poblacion_objetivo")
    assert shows(text, integer(target["valor"]))
    assert integer(target["valor"]) == integer(sum(int(r["personas"]) for r in plan.rows("poblacion_objetivo")))
    for region in plan.rows("poblacion_objetivo"):
        assert region["region"] in text and shows(text, integer(region["personas"])), region["region"]
    for role, shown in (("poblacion_elegible", integer), ("mujeres", integer), ("cobertura_meta", percent)):
        figure = plan.key_figure(role)
        if figure is not None:
            assert shows(text, shown(figure["valor"])), (role, shown(figure["valor"]))
    share = plan.key_figure("porcentaje_mujeres")
    if share is not None:
        assert shows(text, f"{float(share['valor']):.0f} %") or shows(text, percent(share["valor"])), share


@pytest.mark.parametrize("name", NAMES)
def test_html_shows_the_main_indicator_and_its_goals(name, books):
    plan, text = FixturePlan(PLANS / name), books(name).text
    fiche = plan.main_fiche
    assert fiche["indicador"] in text
    assert " ".join(fiche["formula"].split()) in text
    goals = [row for row in plan.rows("fichas_metas") if row["ficha_id"] == fiche["ficha_id"]]
    assert [int(row["anio"]) for row in goals] == list(range(plan.first_year, plan.last_year + 1))
    for row in goals:
        assert shows(text, integer(row["meta_absoluta"])) and shows(text, percent(row["meta_relativa"])), row


@pytest.mark.parametrize("name", NAMES)
def test_html_shows_every_unit_of_the_plan(name, books):
    plan, text = FixturePlan(PLANS / name), books(name).text
    for table in ("productos", "subproductos"):
        for row in plan.rows(table):
            assert row["unidad_medida"] in text, (table, row["unidad_medida"])


@pytest.mark.parametrize("name", NAMES)
def test_no_page_speaks_of_what_the_plan_lacks(name, books):
    plan, book = FixturePlan(PLANS / name), books(name)
    for stem, text in book.pages.items():
        folded = text.casefold()
        for subject in FOREIGN_SUBJECTS:
            if subject.casefold() not in plan.data_text:
                assert subject.casefold() not in folded, (stem, subject)
        # Years after the plan are the projections' horizon; years before its baseline belong to another plan.
        # The footer's publication date and citation give the year the book was built.
        for year in {int(y) for y in YEAR.findall(text)} - {date.today().year}:
            assert year >= plan.first_year - 1 or str(year) in plan.data_text, (stem, year)
        length = plan.last_year - plan.first_year
        for start, end in {(int(a), int(b)) for a, b in YEAR_RANGE.findall(text)}:
            another_period = end - start == length and start != plan.first_year and start < plan.last_year
            if start < plan.first_year - 1 or another_period:
                assert f"{start}-{end}" in plan.data_text, (stem, f"{start}-{end}")


@pytest.mark.parametrize("name", NAMES)
def test_readers_never_see_a_broken_value(name, books):
    for stem, text in books(name).pages.items():
        found = LEAKS.search(text)
        assert not found, (stem, text[max(0, found.start() - 80) : found.end() + 80])


# --- plans pom validar must reject ---------------------------------------------------------------

SPOILT_BASE = "otra-institucion-2025-2029"


def _rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(change(rows))


@pytest.fixture
def spoilt(tmp_path) -> Path:
    target = tmp_path / SPOILT_BASE
    shutil.copytree(PLANS / SPOILT_BASE, target)
    return target


def _rejected(folder: Path, capsys) -> str:
    code, out, err = _pom(capsys, "validar", str(folder))
    assert code == 1, out + err
    assert err.startswith("El plan no es válido"), err
    return err


def test_format_1_folder_is_told_what_to_rename(spoilt, capsys):
    plan = FixturePlan(spoilt)
    descriptor = spoilt / "datapackage.json"
    descriptor.write_text(descriptor.read_text(encoding="utf-8").replace('"formato_pom": 2,', ""), encoding="utf-8")
    figures = plan.rows("cifras_clave")
    # Format 1 had no «rol» nor «anio»: each figure was named after its year (poblacion_elegible_2029).
    _rewrite(
        spoilt / "cifras_clave.csv",
        lambda rows: (
            [["clave", "descripcion", "valor", "unidad", "seccion"]]
            + [[f"{r[1]}_{r[2]}" if r[2] else "poblacion_objetivo_total", *r[3:]] for r in rows[1:]]
        ),
    )
    _rewrite(spoilt / "poblacion_objetivo.csv", lambda rows: [[c for i, c in enumerate(r) if i != 3] for r in rows])
    (spoilt / "unidades.csv").unlink()
    message = _rejected(spoilt, capsys)
    assert "formato_pom" in message and "formato 1" in message
    for row in figures:
        assert f"«{row['rol']}»" in message, row["rol"]
        if row["anio"]:
            assert row["anio"] in message
    assert "poblacion_objetivo.csv" in message and "«rol»" in message
    assert "unidades.csv" in message
    for unit in {row["unidad_medida"] for row in plan.rows("productos") + plan.rows("subproductos")}:
        assert unit in message, unit


def _no_product_level_fiche(folder: Path) -> list[str]:
    _rewrite(folder / "fichas.csv", lambda rows: [rows[0]] + [[r[0], "subproducto", *r[2:]] for r in rows[1:]])
    return ["fichas.csv", "«producto»"]


def _fiche_without_formula_terms(folder: Path) -> list[str]:
    fiche = FixturePlan(folder).rows("fichas")[-1]["ficha_id"]
    _rewrite(folder / "fichas_formula.csv", lambda rows: [r for r in rows if r[0] != fiche])
    return [f"«{fiche}»", "fichas_formula.csv"]


def _two_rest_rows(folder: Path) -> list[str]:
    _rewrite(
        folder / "poblacion_objetivo.csv",
        lambda rows: [rows[0]] + [[*r[:3], "resto", *r[4:]] if n == 1 else r for n, r in enumerate(rows[1:], 1)],
    )
    return ["poblacion_objetivo.csv", "columna «rol»", "«resto»"]


def _role_without_year(folder: Path) -> list[str]:
    rows = FixturePlan(folder).rows("cifras_clave")
    line = next(n for n, row in enumerate(rows, start=2) if row["rol"] == "poblacion_elegible")
    _rewrite(
        folder / "cifras_clave.csv",
        lambda table: [[*r[:2], "", *r[3:]] if n == line else r for n, r in enumerate(table, start=1)],
    )
    return [f"cifras_clave.csv, fila {line}, columna «anio»", "«poblacion_elegible»"]


@pytest.mark.parametrize(
    "spoil", [_no_product_level_fiche, _fiche_without_formula_terms, _two_rest_rows, _role_without_year]
)
def test_pom_validar_rejects_what_a_chapter_could_not_build(spoil, spoilt, capsys):
    """Each spoiler breaks one rule of the contract and returns what the message must name."""
    named = spoil(spoilt)
    message = _rejected(spoilt, capsys)
    for words in named:
        assert words in message, words
