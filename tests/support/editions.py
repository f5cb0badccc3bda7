"""A small project in a temporary folder for the yearly-editions tests: the real chapter templates
and config, the real plan and the fictional fixtures, and a short table of contents.

The short book (a cover page, Seguimiento, Cambios, Anexos and the chapters Anexos links to) keeps a
two-edition run short: Seguimiento and Cambios are what changes between editions, Anexos writes the
downloads and links Calidad de los datos, which links Proyecciones.
The cover stands in for the executive summary, the root page, which links every chapter.
The fictional plans of tests/fixtures/planes build the whole book instead (whole_book_project).
"""

import hashlib
import re
import shutil
from pathlib import Path

import nbformat

from tests.support.paths import EXECUTION_CSV, FICTIONAL_PLAN_DIR, PLAN_DIR, ROOT

PLAN = "data/pom-minex-2025-2029"
FICTIONAL_PLAN = "tests/fixtures/plan-ficticio-2026-2030"
EXECUTION = "tests/fixtures/ejecucion-ficticia-2025.csv"
NBSP = "\u00a0"
SHORT_BOOK = ["seguimiento", "cambios", "proyecciones", "calidad_datos", "anexos"]


def short_book(notebooks: Path, chapters: list[str], plan: str = PLAN) -> None:
    """Make `notebooks` a short book: a cover page as its root, then `chapters` (templates already there)."""
    toc = "format: jb-book\nroot: portada\nchapters:\n" + "".join(f"  - file: {name}\n" for name in chapters)
    (notebooks / "_toc.yml").write_text(toc, encoding="utf-8")
    cover = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    cover.cells = [
        nbformat.v4.new_code_cell(
            f'edicion = 2025\nplan = "../{plan}"', metadata={"tags": ["parameters"]}, id="portada-00"
        ),
        nbformat.v4.new_markdown_cell("# Portada de prueba\n\nLibro breve de las pruebas.", id="portada-01"),
    ]
    nbformat.write(cover, notebooks / "portada.ipynb")


def _skeleton(target: Path) -> Path:
    """The real chapter templates and config, and an empty book/."""
    (target / "book").mkdir(parents=True)
    shutil.copytree(ROOT / "notebooks", target / "notebooks")
    shutil.copy(ROOT / "_config.yml", target / "_config.yml")
    return target


def whole_book_project(target: Path, plan_dir: Path) -> Path:
    """A folder with every chapter of the real table of contents and one plan, data/<its name>."""
    _skeleton(target)
    shutil.copytree(plan_dir, target / "data" / plan_dir.name)
    return target


def new_project(target: Path) -> Path:
    """A repository-shaped folder with an empty ediciones.yml, ready for `pom edicion`."""
    _skeleton(target)
    shutil.copytree(PLAN_DIR, target / PLAN)
    shutil.copytree(FICTIONAL_PLAN_DIR, target / FICTIONAL_PLAN)
    shutil.copy(EXECUTION_CSV, target / EXECUTION)
    short_book(target / "notebooks", SHORT_BOOK)
    (target / "ediciones.yml").write_text("ediciones: []\n", encoding="utf-8")
    return target


def first_edition(root: Path) -> dict:
    """A new project at `root` with its first edition: 2025 of the real plan, built as `pom edicion` builds it.
    The yearly cycle and the portal start from copies of it (conftest's `first_edition`)."""
    from pom_lib.publish.edition import build_edition

    new_project(root)
    build_edition(PLAN, 2025, root)
    return {"root": str(root)}


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a project at `target`, with each file's modification time (Sphinx and the caches read them)."""
    shutil.copytree(source, target, symlinks=True)
    return target


def yearly_cycle(root: Path, first: Path) -> dict:
    """An analyst's year in a copy at `root` of the project `first` (its edition 2025 built): edition 2025
    archived and put in the site; then edition 2026 built with the 2025 execution and the previous plan,
    and the site again.

    Returns what the tests compare later: the site's 2025 pages and index, and the archive, as they
    were before the second edition.
    """
    import os

    from pom_lib.cli import main
    from pom_lib.publish.archive import archive_edition
    from pom_lib.publish.edition import build_edition
    from pom_lib.publish.site import build_site

    copy_project(first, root)
    archive_edition(root, 2025)
    archive_before = tree_hash(root / "ediciones" / "2025")
    build_site(root)
    first = {"2025": tree_hash(root / "_site" / "2025"), "index": (root / "_site" / "index.html").read_text()}
    build_edition(FICTIONAL_PLAN, 2026, root, execution=EXECUTION, previous_plan=PLAN)
    here = Path.cwd()
    os.chdir(root)
    try:
        assert main(["sitio"]) == 0
    finally:
        os.chdir(here)
    return {"root": str(root), "first": first, "archive_before": archive_before}


def tree_hash(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def page_text(path: Path) -> str:
    """What a reader sees of an HTML page: no scripts, no tags, entities decoded, spaces collapsed."""
    import html

    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))
