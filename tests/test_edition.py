"""pom edicion on a two-chapter smoke book: built, hidden code, deterministic, and safe on failure."""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from pom_lib.cli import main
from pom_lib.core.errors import PlanError
from pom_lib.publish.edition import STAGING, ChapterError, build_edition, chapter_stems, recover_interrupted
from pom_lib.publish.publication import LOCK, publish
from tests.support.browser import browse
from tests.support.commands import interruptible
from tests.support.editions import tree_hash
from tests.support.paths import ROOT

# Builds books: left out of `make unitarias` (pytest -m "not libro").
pytestmark = pytest.mark.libro

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "book_smoke"
PLAN = Path("data") / "pom-minex-2025-2029"


def _new_root(target: Path) -> Path:
    """A repository-shaped folder: the smoke chapters, the real config and a copy of the real plan."""
    shutil.copytree(FIXTURE, target)
    shutil.copy(ROOT / "_config.yml", target / "_config.yml")
    shutil.copytree(ROOT / PLAN, target / PLAN)
    return target


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    root = _new_root(tmp_path_factory.mktemp("edicion") / "libro")
    html, pdf = build_edition(PLAN, 2025, root)
    return root, html, pdf


def test_chapters_come_from_the_toc_in_order():
    assert chapter_stems(FIXTURE / "notebooks" / "_toc.yml") == ["portada", "capitulo"]
    stems = chapter_stems(ROOT / "notebooks" / "_toc.yml")
    assert stems[0] == "resumen" and stems[1] == "presentacion" and stems[-1] == "anexos" and len(stems) == 13


def test_edition_publishes_html_and_pdf_and_clears_staging(edition, capsys):
    root, html, pdf = edition
    assert html == root / "_build" / "html" / "index.html" and html.is_file()
    assert (root / "_build" / "html" / "capitulo.html").is_file()
    assert pdf == root / "_build" / "latex" / "libro-pom.pdf" and pdf.is_file()
    assert not (root / STAGING).exists()
    assert {p.name for p in (root / "book").glob("*.ipynb")} == {"portada.ipynb", "capitulo.ipynb"}


def test_pdf_numbers_tables_and_figures_and_keeps_guatemalan_numbers(edition):
    _, _, pdf = edition
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in [
        "Tabla 1: Metas físicas y financieras 2025",
        "Tabla 2: Subproductos con montos anuales",
        "Figura 1: Presupuesto anual del plan",
        "La Tabla 1 resume las metas y la Figura",
        "Q401,812,176",
        "1,252,155",
        "47.1 %",
        "100%",
        "cobertura de 47.1 %",
        "Fuente: Plan Operativo Multianual 2025-2029.",
    ]:
        assert expected in text, expected
    assert "47,1" not in text


def test_readers_see_results_but_no_code_nor_parameters(edition):
    root, _, _ = edition
    page = (root / "_build" / "html" / "capitulo.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    assert "programa Q1,234,567 y una cobertura de 47.1 %" in text
    assert "Tabla 1 Metas físicas y financieras 2025" in text
    for hidden in ["setup_figures", "edicion = 2025", "../data/pom-minex", "Parameters"]:
        assert hidden not in page, hidden
    cover = re.sub(r"<[^>]+>", "", (root / "_build" / "html" / "portada.html").read_text(encoding="utf-8"))
    assert "El total del capítulo es Q1,234,567, según la" in cover  # {glue:text} across pages


def test_executed_notebooks_keep_parameters_but_no_run_metadata(edition):
    root, _, _ = edition
    notebook = nbformat.read(root / "book" / "capitulo.ipynb", as_version=4)
    assert notebook.metadata["papermill"] == {"parameters": {"edicion": 2025, "plan": "../data/pom-minex-2025-2029"}}
    tagged = [c for c in notebook.cells if {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
    assert len(tagged) == 2 and all("remove-cell" in c.metadata["tags"] for c in tagged)
    assert not any({"papermill", "execution"} & set(c.metadata) for c in notebook.cells)


def _edit_sentence(root: Path) -> None:
    source = root / "notebooks" / "capitulo.ipynb"
    text = source.read_text(encoding="utf-8")
    assert "resume las metas" in text
    source.write_text(text.replace("resume las metas", "reúne las metas", 1), encoding="utf-8")


def _published(root: Path) -> dict[str, str]:
    return {
        "book": tree_hash(root / "book"),
        "html": tree_hash(root / "_build" / "html"),
        "pdf": hashlib.sha256((root / "_build" / "latex" / "libro-pom.pdf").read_bytes()).hexdigest(),
    }


def test_unchanged_rebuild_runs_nothing_and_keeps_every_byte(edition, capsys):
    root, _, _ = edition
    before = _published(root)
    capsys.readouterr()
    build_edition(PLAN, 2025, root, report=print)
    assert capsys.readouterr().out.splitlines() == [
        "[1/2] Portada de prueba … sin cambios",
        "[2/2] Capítulo de prueba … sin cambios",
        "Ninguna página cambió: el libro en HTML y el PDF se conservan.",
    ]
    assert _published(root) == before


def _parsed_pages(root: Path) -> dict[str, int]:
    """When Sphinx last parsed each page (the modification time of its kept doctree), per builder and page."""
    return {
        f"{path.parent.parent.name}/{path.stem}": path.stat().st_mtime_ns
        for path in (root / "_build" / "cache" / "sphinx").glob("*/*/.doctrees/*.doctree")
    }


def test_rebuild_after_a_template_change_equals_a_clean_build(tmp_path, capfd):
    # Rebuilt from the caches: only the changed chapter runs, Sphinx parses only its page again, the
    # PDF starts from the previous LaTeX state.
    rebuilt = _new_root(tmp_path / "reconstruido")
    build_edition(PLAN, 2025, rebuilt)
    parsed = _parsed_pages(rebuilt)
    assert sorted(parsed) == ["html/capitulo", "html/portada", "pdflatex/capitulo", "pdflatex/portada"]
    _edit_sentence(rebuilt)
    capfd.readouterr()
    build_edition(PLAN, 2025, rebuilt, report=print)
    out, err = capfd.readouterr()
    assert out.splitlines()[0] == "[1/2] Portada de prueba … sin cambios"
    assert re.fullmatch(r"\[2/2\] Capítulo de prueba … listo \(\d+\.\d s\)", out.splitlines()[1])
    assert "IPKernelApp" not in out + err and "Traceback" not in out + err
    reparsed = _parsed_pages(rebuilt)
    assert [page for page in parsed if reparsed[page] != parsed[page]] == ["html/capitulo", "pdflatex/capitulo"]
    # Built from scratch in another folder: every chapter runs, nothing cached.
    clean = _new_root(tmp_path / "limpio")
    _edit_sentence(clean)
    build_edition(PLAN, 2025, clean)
    assert _published(rebuilt) == _published(clean)
    assert "reúne las metas" in (clean / "_build" / "html" / "capitulo.html").read_text(encoding="utf-8")


def test_a_sphinx_state_not_made_from_the_published_book_is_not_lent(tmp_path):
    # As after a build whose publication never happened: Sphinx would trust pages it did not read.
    root = _new_root(tmp_path / "libro")
    build_edition(PLAN, 2025, root)
    parsed = _parsed_pages(root)
    (marker,) = (root / "_build" / "cache" / "sphinx").glob("*/libro.sha256")
    marker.write_text("otro libro", encoding="utf-8")
    _edit_sentence(root)
    build_edition(PLAN, 2025, root)
    reparsed = _parsed_pages(root)
    assert sorted(reparsed) == sorted(parsed)
    assert all(reparsed[page] != parsed[page] for page in parsed)


def test_executed_chapters_pass_strict_nbval(edition):
    root, _, _ = edition
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "-q",
            str(root / "book"),
        ],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "passed" in result.stdout


def test_smoke_book_renders_offline_in_the_browser(edition):
    root, _, _ = edition
    assert browse(root / "_build" / "html", ["portada", "capitulo"]) == {"portada": [], "capitulo": []}


def _snapshot(root: Path) -> dict[str, str]:
    """The published book: book/ and every output in _build/. Not _build/cache, which may keep what a
    stopped build finished before it stopped (a plan checked, a chapter run) for the next build, nor the
    lock every build takes."""
    kept = ("cache", LOCK.name)
    published = [root / "book", *(path for path in (root / "_build").iterdir() if path.name not in kept)]
    return {path.name: tree_hash(path) for path in published}


def test_failing_chapter_is_named_and_the_last_good_book_survives(edition, tmp_path, monkeypatch, capsys):
    root = tmp_path / "libro"
    shutil.copytree(edition[0], root)
    before = _snapshot(root)
    source = root / "notebooks" / "capitulo.ipynb"
    notebook = nbformat.read(source, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("raise ValueError('dato imposible')"))
    nbformat.write(notebook, source)

    with pytest.raises(ChapterError) as error:
        build_edition(PLAN, 2025, root)
    message = str(error.value)
    assert "«Capítulo de prueba» (capitulo.ipynb)" in message and "ValueError: dato imposible" in message
    assert _snapshot(root) == before

    monkeypatch.chdir(root)
    assert main(["edicion", "--plan", str(PLAN), "--edicion", "2025"]) != 0
    assert "Capítulo de prueba" in capsys.readouterr().err
    assert _snapshot(root) == before


def test_broken_plan_is_refused_before_running_anything(edition, tmp_path):
    root = tmp_path / "libro"
    shutil.copytree(edition[0], root)
    before = _snapshot(root)
    (root / PLAN / "programas.csv").unlink()
    with pytest.raises(PlanError):
        build_edition(PLAN, 2025, root)
    assert _snapshot(root) == before
    assert not (root / STAGING).exists()


def test_chapter_without_parameters_cell_is_refused(tmp_path):
    root = _new_root(tmp_path / "libro")
    source = root / "notebooks" / "portada.ipynb"
    notebook = json.loads(source.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        cell["metadata"].pop("tags", None)
    source.write_text(json.dumps(notebook), encoding="utf-8")
    with pytest.raises(ChapterError, match=r"«Portada de prueba».*etiqueta «parameters»"):
        build_edition(PLAN, 2025, root)
    assert not (root / "book" / "portada.ipynb").exists()


def test_a_copy_of_the_plan_folder_builds_the_same_book(edition, tmp_path):
    root, _, _ = edition
    again = _new_root(tmp_path / "libro")
    copy = Path("data") / "copia-del-plan"
    shutil.copytree(again / PLAN, again / copy)
    build_edition(copy, 2025, again)
    # Only the plan path passed to the chapters differs; every page reads the same.
    for page in sorted((root / "_build" / "html").glob("*.html")):
        assert (again / "_build" / "html" / page.name).read_text(encoding="utf-8") == page.read_text(encoding="utf-8")


def test_ctrl_c_leaves_the_last_book_and_says_so_in_one_line(edition, tmp_path):
    root = tmp_path / "libro"
    shutil.copytree(edition[0], root)
    before = _snapshot(root)
    _edit_sentence(root)
    # As a terminal does: SIGINT to the whole foreground process group, while the chapter runs.
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("pom")), "edicion", "--plan", str(PLAN), "--edicion", "2025"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=interruptible,
    )
    deadline = time.monotonic() + 120
    while not (root / ".edicion-02").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    assert err.strip() == "Construcción interrumpida: el último libro construido con éxito se conserva sin cambios."
    assert "Traceback" not in out and "IPKernelApp" not in out
    assert _snapshot(root) == before
    assert not list(root.glob(".edicion*"))


def test_the_next_run_completes_an_interrupted_publication(edition, tmp_path, monkeypatch, capsys):
    root = tmp_path / "libro"
    shutil.copytree(edition[0], root)
    work = root / STAGING
    shutil.copytree(root / "book", work / "libro")
    (work / "libro" / "nuevo.txt").write_text("la edición nueva", encoding="utf-8")
    (root / ".edicion-03").mkdir()  # a chapter's working folder, left by a kill
    monkeypatch.setattr("pom_lib.publish.publication._complete", lambda *args: None)  # the power goes off here
    publish(root, work, [(work / "libro", root / "book")], {})
    monkeypatch.undo()
    assert not (root / "book" / "nuevo.txt").exists()

    recover_interrupted(root, print)
    assert (
        capsys.readouterr().out
        == "Se completó la publicación de la edición anterior, que se había interrumpido (book).\n"
    )
    assert (root / "book" / "nuevo.txt").read_text(encoding="utf-8") == "la edición nueva"
    assert not list(root.glob(".edicion*")) and not list(root.glob(".book.anterior-*"))
