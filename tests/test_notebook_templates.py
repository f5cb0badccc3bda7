"""The chapter templates: each has its chapter in pom_lib, glues only what it computes, its MyST text says
what it says, and book/ runs them as they are."""

import re
import shutil

import jupytext
import nbformat
import pytest

from pom_lib.chapters import chapter_classes
from pom_lib.chapters.cambios import EditionChanges
from pom_lib.chapters.presentacion import Presentation
from pom_lib.chapters.seguimiento import ExecutionMonitoring
from pom_lib.data.plan import load_plan
from pom_lib.publish.edition import chapter_stems
from tests.support.paired_templates import pair_problems
from tests.support.paths import EXECUTION_CSV, PLAN_DIR, ROOT
from tests.support.plan_variants import keep_rows

NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"
GLUE = re.compile(r"\{glue:(?:md|text)\}`([^`:]+)(?::[^`]*)?`")
STEMS = chapter_stems(NOTEBOOKS / "_toc.yml")


def _template(stem: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)


def _glue_keys(notebook: nbformat.NotebookNode) -> set[str]:
    return {key for cell in notebook.cells if cell.cell_type == "markdown" for key in GLUE.findall(cell.source)}


def test_every_chapter_of_the_book_has_its_chapter_class():
    assert sorted(set(STEMS) - set(chapter_classes())) == []


def test_every_chapter_class_has_its_test_file():
    tests = ROOT / "tests"
    assert sorted(stem for stem in chapter_classes() if not (tests / f"test_chapter_{stem}.py").is_file()) == []


def _missing_keys(stem: str, plan) -> list[str]:
    """The keys the chapter's template pastes that the chapter computes no value for, on this plan."""
    return sorted(_glue_keys(_template(stem)) - set(chapter_classes()[stem](plan).values))


def _sparse_copy(folder):
    """The real plan copied to `folder` without the rows a plan may lack: no key figure but the target
    population, no program objective, no operative objective or result level."""
    shutil.copytree(PLAN_DIR, folder)
    keep_rows(folder, "cifras_clave", lambda row: row["rol"] == "poblacion_objetivo")
    keep_rows(folder, "objetivos_programas", lambda row: False)
    keep_rows(folder, "marco_estrategico", lambda row: row["tipo"] not in ("objetivo_operativo", "nivel_resultado"))
    return folder


@pytest.fixture(scope="module")
def sparse_plan(tmp_path_factory):
    """The sparse copy with its network abroad kept: every chapter applies."""
    return load_plan(_sparse_copy(tmp_path_factory.mktemp("escaso") / "plan"))


@pytest.fixture(scope="module")
def plan_without_network(tmp_path_factory):
    """The sparse copy that also states no growth of its network abroad."""
    folder = _sparse_copy(tmp_path_factory.mktemp("sin-red") / "plan")
    keep_rows(folder, "expansion_red", lambda row: False)
    return load_plan(folder)


@pytest.mark.parametrize(
    "plan_fixture", ["plan", "fictional_plan", "sparse_plan"], ids=["minex", "ficticio", "sin_opcionales"]
)
@pytest.mark.parametrize("stem", [s for s in STEMS if s in chapter_classes()])
def test_every_glued_key_a_template_prints_is_computed(stem, plan_fixture, request):
    plan = request.getfixturevalue(plan_fixture)
    assert chapter_classes()[stem].applies(plan)
    assert _missing_keys(stem, plan) == []


def test_a_plan_without_network_growth_has_every_key_of_the_chapters_it_keeps(plan_without_network):
    applicable = {stem for stem in STEMS if chapter_classes()[stem].applies(plan_without_network)}
    assert sorted(set(STEMS) - applicable) == ["red_consular"]
    missing = {stem: _missing_keys(stem, plan_without_network) for stem in sorted(applicable)}
    assert {stem: keys for stem, keys in missing.items() if keys} == {}


# The chapters whose values depend on the edition's inputs, built as their templates build them for the
# fictional second edition: the fictional 2026-2030 plan, the real plan before it, the fictional 2025 execution.
SECOND_EDITION = {
    "cambios": lambda plan, previous: EditionChanges(plan, 2026, previous),
    "presentacion": lambda plan, previous: Presentation(plan, 2026),
    "seguimiento": lambda plan, previous: ExecutionMonitoring(plan, 2026, previous, EXECUTION_CSV),
}


@pytest.mark.parametrize("stem", sorted(SECOND_EDITION))
def test_every_glued_key_of_a_second_edition_is_computed(stem, plan, fictional_plan):
    chapter = SECOND_EDITION[stem](fictional_plan, plan)
    assert sorted(_glue_keys(_template(stem)) - set(chapter.values)) == []


def _sources(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Cell types and sources, without papermill's injected parameters."""
    return [
        (cell.cell_type, cell.source)
        for cell in notebook.cells
        if "injected-parameters" not in cell.metadata.get("tags", [])
    ]


@pytest.mark.parametrize("stem", chapter_stems(BOOK / "_toc.yml"))
def test_the_published_chapters_are_the_templates_as_they_are(stem):
    executed = nbformat.read(BOOK / f"{stem}.ipynb", as_version=4)
    assert _sources(executed) == _sources(_template(stem))


def test_every_template_has_its_myst_text_saying_the_same():
    assert sorted(path.stem for path in NOTEBOOKS.glob("*.md")) == sorted(STEMS)
    assert pair_problems(NOTEBOOKS) == []


def _pair(folder, text: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("edicion = 2025", metadata={"tags": ["parameters"]}, id="uno-00"),
        nbformat.v4.new_markdown_cell(text, id="uno-01"),
    ]
    nbformat.write(notebook, folder / "uno.ipynb")
    jupytext.write(notebook, folder / "uno.md", fmt="md:myst")


def test_a_text_edited_without_sync_is_named_with_the_command_to_run(tmp_path):
    _pair(tmp_path, "# Uno\n\nUna frase.")
    assert pair_problems(tmp_path) == []
    text = tmp_path / "uno.md"
    text.write_text(text.read_text(encoding="utf-8").replace("Una frase.", "Otra frase."), encoding="utf-8")
    [problem] = pair_problems(tmp_path)
    assert problem.startswith(f"{tmp_path}/uno.md y {tmp_path}/uno.ipynb dicen cosas distintas.")
    assert f"corra `.venv/bin/jupytext --sync {tmp_path}/uno.md`" in problem
    assert "\n-Una frase.\n+Otra frase.\n" in problem


def test_a_template_without_its_text_is_named(tmp_path):
    _pair(tmp_path, "# Uno")
    (tmp_path / "uno.md").unlink()
    assert pair_problems(tmp_path) == [
        f"Falta {tmp_path}/uno.md, el texto de {tmp_path}/uno.ipynb: "
        f"corra `.venv/bin/jupytext --sync {tmp_path}/uno.ipynb` y confirme el .md."
    ]
