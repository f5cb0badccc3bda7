"""The chapter templates: each has its chapter in pom_lib, glues only what it computes, and book/ runs them
as they are."""

import re

import nbformat
import pytest
from conftest import ROOT

from pom_lib.chapters import chapter_classes
from pom_lib.publish.edition import chapter_stems

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


@pytest.mark.parametrize("plan_fixture", ["plan", "fictional_plan"], ids=["minex", "ficticio"])
@pytest.mark.parametrize("stem", [s for s in STEMS if s in chapter_classes()])
def test_every_glued_key_a_template_prints_is_computed(stem, plan_fixture, request):
    chapter = chapter_classes()[stem](request.getfixturevalue(plan_fixture))
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
