"""The pieces of a fast, safe edition: fingerprints, validated plans, chapter keys, progress, publication,
book server."""

import ast
import os
import pickle
import shutil
import signal

import nbformat
import pandas as pd
import pytest

from pom_lib.core.errors import ChapterError, PlanError
from pom_lib.core.fingerprint import tree_fingerprint
from pom_lib.data.plan import load_plan
from pom_lib.data.snapshot import SNAPSHOTS, plan_fingerprint, read_snapshot, write_snapshot
from pom_lib.publish import publication
from pom_lib.publish.books import BookServer
from pom_lib.publish.build_cache import BuildCache
from pom_lib.publish.chapter_runner import Chapter, _Progress, declared_parameters, plan_chapters
from pom_lib.publish.edition import input_fingerprint, load_inputs
from pom_lib.publish.progress import step
from tests.support.paths import ROOT

PARAMETERS = {"edicion": 2025, "plan": "../data/plan", "ejecucion": "", "plan_anterior": ""}


# --- fingerprints and validated plans -------------------------------------------------------------


def test_fingerprint_follows_content_not_dates(tmp_path, plan_copy):
    before = tree_fingerprint(plan_copy)
    copy = tmp_path / "otra"
    shutil.copytree(plan_copy, copy)  # new dates, same bytes
    assert tree_fingerprint(copy) == before
    (copy / "programas.csv").write_text((copy / "programas.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert tree_fingerprint(copy) != before


def test_a_snapshot_serves_exactly_the_files_it_was_made_from(tmp_path, plan_copy, monkeypatch):
    plan = load_plan(plan_copy)
    folder = tmp_path / "planes"
    assert read_snapshot(plan_copy, folder) is None
    write_snapshot(folder, plan_copy, plan.tables)
    monkeypatch.setenv(SNAPSHOTS, str(folder))
    loaded = load_plan(plan_copy)
    for name, table in plan.tables.items():
        pd.testing.assert_frame_equal(loaded[name], table)
    assert loaded.source == plan_copy
    # One changed byte: no snapshot any more, so the plan is validated again and the error reported.
    spoilt = plan_copy / "metas_productos.csv"
    spoilt.write_text(
        spoilt.read_text(encoding="utf-8").replace("PRD01,2025,1252155", "PRD01,2025,-1"), encoding="utf-8"
    )
    assert read_snapshot(plan_copy, folder) is None
    with pytest.raises(PlanError, match="valor negativo"):
        load_plan(plan_copy)


def test_without_the_edition_variable_load_plan_validates(tmp_path, plan_copy, monkeypatch):
    write_snapshot(tmp_path, plan_copy, {"plan": pd.DataFrame()})  # a snapshot nobody named
    monkeypatch.delenv(SNAPSHOTS, raising=False)
    assert len(load_plan(plan_copy)["productos"]) == 14


def test_an_edition_reads_each_plan_once_and_fingerprints_it_once(tmp_path, plan_copy, monkeypatch):
    """load_inputs takes the fingerprint computed at the entrance: it never reads the plan's files for it
    again, stores the snapshot of a plan it validated, and reads a stored one once."""
    fingerprints = {"plan": input_fingerprint(plan_copy), "plan_anterior": ""}
    assert fingerprints["plan"] == tree_fingerprint(plan_copy)

    def no_fingerprint(source):
        raise AssertionError(f"the files of {source} were read again for their fingerprint")

    monkeypatch.setattr("pom_lib.data.snapshot.plan_fingerprint", no_fingerprint)
    reads = []
    real_loads = pickle.loads
    monkeypatch.setattr("pom_lib.data.snapshot.pickle.loads", lambda data: reads.append(1) or real_loads(data))
    folder = tmp_path / "planes"
    first, _ = load_inputs(plan_copy, 2025, tmp_path, snapshots=folder, fingerprints=fingerprints)
    assert reads == [] and [p.name for p in folder.iterdir()] == [f"{fingerprints['plan']}.pickle"]
    second, _ = load_inputs(plan_copy, 2025, tmp_path, snapshots=folder, fingerprints=fingerprints)
    assert reads == [1]
    pd.testing.assert_frame_equal(second["productos"], first["productos"])


def test_an_input_that_is_not_there_has_no_fingerprint(tmp_path):
    assert input_fingerprint(None) == "" and input_fingerprint(tmp_path / "no-existe") == ""


def test_workbook_fingerprint_includes_its_descriptor(tmp_path):
    (tmp_path / "plan.xlsx").write_bytes(b"libro")
    (tmp_path / "datapackage.json").write_text("{}", encoding="utf-8")
    before = plan_fingerprint(tmp_path / "plan.xlsx")
    (tmp_path / "datapackage.json").write_text('{"resources": []}', encoding="utf-8")
    assert plan_fingerprint(tmp_path / "plan.xlsx") != before


# --- chapters: parameters, keys, progress ---------------------------------------------------------


def _template(path, parameters="edicion = 2025\nplan = ''", heading="# Capítulo"):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(heading),
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(plan)"),
    ]
    nbformat.write(notebook, path)
    return path


def test_declared_parameters_are_the_names_the_cell_assigns(tmp_path):
    notebook = nbformat.read(
        _template(tmp_path / "a.ipynb", "edicion = 2025\nplan: str = ''  # ruta\nejecucion = ''\n# plan_anterior = ''"),
        as_version=4,
    )
    assert declared_parameters(notebook, "a", "A") == ["edicion", "plan", "ejecucion"]
    broken = nbformat.read(_template(tmp_path / "b.ipynb", "edicion = = 2025"), as_version=4)
    with pytest.raises(ChapterError, match=r"«B» \(b\.ipynb\).*no es Python válido"):
        declared_parameters(broken, "b", "B")


def test_parameters_are_given_in_the_order_the_template_declares_them(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _template(notebooks / "uno.ipynb", "edicion = 2025\nplan = ''\nejecucion = ''\ncapitulos = []", heading="# Uno")
    given = {"capitulos": ["uno"], "ejecucion": "", "plan": "../x", "edicion": 2026, "plan_anterior": ""}
    (chapter,) = plan_chapters(["uno"], notebooks, tmp_path, given, {})
    assert list(chapter.parameters) == ["edicion", "plan", "ejecucion", "capitulos"]


def test_a_chapter_key_changes_with_each_input_it_uses_and_only_those(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _template(notebooks / "uno.ipynb", heading="# Uno")
    _template(notebooks / "dos.ipynb", "edicion = 2025\nplan = ''\nejecucion = ''", heading="# Dos")
    inputs = {"plan": "huella-plan", "ejecucion": "", "plan_anterior": ""}

    def keys(parameters=PARAMETERS, found=inputs):
        return [c.key for c in plan_chapters(["uno", "dos"], notebooks, tmp_path, parameters, found)]

    first = keys()
    chapters = plan_chapters(["uno", "dos"], notebooks, tmp_path, PARAMETERS, inputs)
    assert [(c.number, c.title, sorted(c.parameters)) for c in chapters] == [
        (1, "Uno", ["edicion", "plan"]),
        (2, "Dos", ["edicion", "ejecucion", "plan"]),
    ]
    assert keys() == first
    assert all(a != b for a, b in zip(keys(found={**inputs, "plan": "otro plan"}), first))
    assert all(a != b for a, b in zip(keys({**PARAMETERS, "edicion": 2026}), first))
    # An execution file reaches only the chapter that declares it.
    with_execution = keys({**PARAMETERS, "ejecucion": "../e.csv"}, {**inputs, "ejecucion": "huella-e"})
    assert with_execution[0] == first[0] and with_execution[1] != first[1]
    _template(notebooks / "uno.ipynb", heading="# Uno, con otra frase")
    changed = keys()
    assert changed[0] != first[0] and changed[1] == first[1]


def test_a_template_without_parameters_is_refused_before_anything_runs(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Sin parámetros")]
    nbformat.write(notebook, notebooks / "uno.ipynb")
    with pytest.raises(ChapterError, match=r"«Sin parámetros» \(uno\.ipynb\).*etiqueta «parameters»"):
        plan_chapters(["uno"], notebooks, tmp_path, PARAMETERS, {})
    with pytest.raises(ChapterError, match=r"no existe notebooks/dos\.ipynb"):
        plan_chapters(["dos"], notebooks, tmp_path, PARAMETERS, {})


class _Heard:
    """A progress report (pom_lib.publish.progress) that keeps what it is told, as `print` would write it."""

    def __init__(self):
        self.text = ""

    def __call__(self, text: str, end: str = "\n") -> None:
        self.text += text + end


def test_progress_lines_come_in_book_order(capsys):
    chapters = [Chapter(n, f"c{n}", f"Capítulo {n}", ROOT, {}, str(n)) for n in (1, 2, 3)]
    heard = _Heard()
    progress = _Progress(chapters, heard)
    progress.done(chapters[1], "listo (2.0 s)")
    assert heard.text == ""
    progress.done(chapters[0], "sin cambios")
    progress.done(chapters[2], "listo (1.0 s)")
    progress.failed(chapters[1])
    assert heard.text.splitlines() == [
        "[1/3] Capítulo 1 … sin cambios",
        "[2/3] Capítulo 2 … listo (2.0 s)",
        "[3/3] Capítulo 3 … listo (1.0 s)",
        "[2/3] Capítulo 2 … falló",
    ]
    assert capsys.readouterr().out == ""  # the caller decides where progress goes


def test_a_step_reports_its_label_then_its_time_on_the_same_line(capsys, monkeypatch):
    clock = iter([10.0, 12.14])
    monkeypatch.setattr("pom_lib.publish.progress.time.monotonic", lambda: next(clock))
    heard = _Heard()
    done = step(heard, "Construyendo el HTML")
    assert heard.text == "Construyendo el HTML … "
    done()
    assert heard.text == "Construyendo el HTML … listo (2.1 s)\n"
    assert capsys.readouterr().out == ""


def test_the_recovery_of_a_publication_is_reported_not_printed(tmp_path, monkeypatch, capsys):
    work = tmp_path / ".trabajo"
    new_book = _folder(work / "libro", "nuevo")
    monkeypatch.setattr(publication, "_complete", lambda *args: None)  # the power goes off here
    publication.publish(tmp_path, work, [(new_book, tmp_path / "book")], {})
    monkeypatch.undo()
    heard = _Heard()
    publication.recover_and_say(tmp_path, work, "de la edición anterior", heard)
    assert heard.text == "Se completó la publicación de la edición anterior, que se había interrumpido (book).\n"
    assert capsys.readouterr().out == ""
    publication.recover_and_say(tmp_path, work, "de la edición anterior", heard)  # nothing left: nothing said
    assert heard.text.count("\n") == 1


def test_nothing_in_publish_prints():
    """Every line a build shows goes through the report its caller gives (pom prints it)."""
    for module in sorted((ROOT / "pom_lib" / "publish").glob("*.py")):
        calls = [
            node.lineno
            for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
        ]
        assert calls == [], f"{module.name} imprime en las líneas {calls}"


def test_cache_keeps_recent_chapters_and_drops_partial_ones(tmp_path):
    cache = BuildCache(tmp_path)
    for key in ("usado", "viejo", "otro"):
        cache.keep_chapter(cache.partial_chapter(key), key)
        (cache.chapters / key / "capitulo.ipynb").write_text("{}", encoding="utf-8")
    cache.partial_chapter("cortado")
    assert cache.chapter("usado") and cache.chapter("nada") is None
    cache.prune({"usado"})
    assert sorted(p.name for p in cache.chapters.iterdir()) == ["otro", "usado", "viejo"]


# --- publication: a journal the next run completes -----------------------------------------------


def _folder(path, text):
    path.mkdir(parents=True)
    (path / "contenido.txt").write_text(text, encoding="utf-8")
    return path


def test_publication_replaces_folders_and_writes_files(tmp_path):
    work = tmp_path / ".trabajo"
    _folder(tmp_path / "book", "viejo")
    _folder(tmp_path / "otro", "de otra persona")
    new_book, new_html = _folder(work / "libro", "nuevo"), _folder(work / "html", "páginas")
    publication.publish(
        tmp_path,
        work,
        [(new_book, tmp_path / "book"), (new_html, tmp_path / "_build" / "html")],
        {tmp_path / "ediciones.yml": "ediciones: []\n"},
    )
    assert (tmp_path / "book" / "contenido.txt").read_text(encoding="utf-8") == "nuevo"
    assert (tmp_path / "_build" / "html" / "contenido.txt").read_text(encoding="utf-8") == "páginas"
    assert (tmp_path / "ediciones.yml").read_text(encoding="utf-8") == "ediciones: []\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".trabajo", "_build", "book", "ediciones.yml", "otro"]
    assert list(work.iterdir()) == []  # the journal is gone


def test_an_interrupted_publication_is_completed_by_the_next_run(tmp_path, monkeypatch):
    work = tmp_path / ".trabajo"
    _folder(tmp_path / "book", "viejo")
    _folder(tmp_path / "_build" / "html", "páginas viejas")
    new_html, new_book = _folder(work / "html", "páginas nuevas"), _folder(work / "libro", "nuevo")
    renames = []
    real_rename = type(tmp_path).rename

    def power_cut(self, target):
        renames.append(self)
        if len(renames) == 3:  # old html aside, new html in place, then the old book aside: cut
            raise SystemExit("corte de luz")
        return real_rename(self, target)

    monkeypatch.setattr(type(tmp_path), "rename", power_cut)
    with pytest.raises(SystemExit):
        publication.publish(
            tmp_path,
            work,
            [(new_html, tmp_path / "_build" / "html"), (new_book, tmp_path / "book")],
            {tmp_path / "registro.txt": "edición nueva"},
        )
    monkeypatch.undo()
    assert (tmp_path / "_build" / "html" / "contenido.txt").read_text(encoding="utf-8") == "páginas nuevas"
    assert (tmp_path / "book" / "contenido.txt").read_text(encoding="utf-8") == "viejo"
    assert (work / publication.JOURNAL).is_file()

    assert publication.recover(tmp_path, work) == ["book"]
    assert (tmp_path / "book" / "contenido.txt").read_text(encoding="utf-8") == "nuevo"
    assert (tmp_path / "registro.txt").read_text(encoding="utf-8") == "edición nueva"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".trabajo", "_build", "book", "registro.txt"]
    assert sorted(p.name for p in (tmp_path / "_build").iterdir()) == ["html"]
    assert publication.recover(tmp_path, work) == []  # nothing left to do


# --- the book server -------------------------------------------------------------------------------


def test_a_book_server_never_used_ends_quietly():
    server = BookServer()
    server.prepare()
    process = server.process
    server.close()
    assert process.returncode == 0


def test_the_book_server_runs_each_build_it_is_handed_in_its_folder_with_its_log(tmp_path):
    server = BookServer()
    (tmp_path / "uno").mkdir()
    (tmp_path / "uno" / "nota.txt").write_text("no es un libro", encoding="utf-8")
    version = server.build(["--version"], tmp_path, dict(os.environ), tmp_path / "version.log")
    # At once: a build that fails, in another folder, where its relative path is found.
    failed = server.build(["build", "nota.txt"], tmp_path / "uno", dict(os.environ), tmp_path / "mal.log")
    assert version.wait() == 0 and failed.wait() != 0
    server.close()
    assert "Jupyter Book" in (tmp_path / "version.log").read_text(encoding="utf-8")
    assert f"Source Folder: {tmp_path / 'uno'}" in (tmp_path / "mal.log").read_text(encoding="utf-8")


def test_a_build_stopped_by_render_is_ended_by_its_server(tmp_path):
    server = BookServer()
    build = server.build(["build", str(ROOT / "notebooks")], tmp_path, dict(os.environ), tmp_path / "libro.log")
    assert build.poll() is None
    build.terminate()
    assert build.wait() == -signal.SIGTERM
    server.close()
