"""The executed chapters are the same bytes on any machine: run as they run by default and again with
numpy's SIMD kernels beyond its baseline switched off (another processor's arithmetic, whose last
binary digit may differ), they equal each other, and the default run equals the committed book/.

Only the chapters with figures run a second time: a figure's data and drawing are the only outputs that hold
numbers as numbers; tables and prose hold text already formatted to their decimals. They take about
40 % of the time of all the chapters (4 of 13 in the 2025 edition).

An edition runs several chapters in one kernel: run by default, every chapter runs in one kernel in
the reverse of the book's order, and each must still be the committed one, whatever ran before it.
"""

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pom_lib.publish.build_cache import NOTEBOOK, BuildCache
from pom_lib.publish.chapter_runner import plan_chapters, run_chapters
from pom_lib.publish.edition import chapter_stems
from tests.support.paths import ROOT

# Builds chapters: left out of `make unitarias` (pytest -m "not libro").
pytestmark = pytest.mark.libro

BOOK = ROOT / "book"
DISABLE = "NPY_DISABLE_CPU_FEATURES"


def _simd_groups_beyond_baseline() -> list[str]:
    """The SIMD groups numpy found on this processor beyond the ones it was built to assume
    (numpy.show_runtime's «found»)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return [group for group in __cpu_dispatch__ if __cpu_features__.get(group)]


def _disabled_in_a_new_process(groups: list[str]) -> list[str]:
    """The groups a new Python process reports off when told to disable `groups` (what numpy accepted);
    a process that fails fails the test, with its error."""
    probe = (
        "import json\nfrom numpy._core._multiarray_umath import __cpu_features__ as found\n"
        f"print(json.dumps([g for g in {groups!r} if not found.get(g)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env={**os.environ, DISABLE: " ".join(groups)}, capture_output=True, text=True
    )
    assert done.returncode == 0, f"numpy no arrancó con {DISABLE}={' '.join(groups)}:\n{done.stderr[-2000:]}"
    return json.loads(done.stdout)


def _chapters_with_figures() -> list[str]:
    def has_figure(stem: str) -> bool:
        notebook = nbformat.read(BOOK / f"{stem}.ipynb", as_version=4)
        return any("image/svg+xml" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))

    return [stem for stem in chapter_stems(BOOK / "_toc.yml") if has_figure(stem)]


def _edition_parameters() -> dict:
    """The parameters the committed chapters ran with (each records those it declares)."""
    parameters = {}
    for stem in chapter_stems(BOOK / "_toc.yml"):
        notebook = nbformat.read(BOOK / f"{stem}.ipynb", as_version=4)
        parameters |= notebook.metadata.get("papermill", {}).get("parameters", {})
    return parameters


def _run(stems: list[str], root: Path, environment: dict[str, str]) -> dict[str, bytes]:
    """Each chapter executed as `pom edicion` executes it, in a project at `root` that reads the real data."""
    root.mkdir()
    (root / "book").mkdir()
    (root / "data").symlink_to(ROOT / "data")
    chapters = plan_chapters(stems, ROOT / "notebooks", root, _edition_parameters(), {})
    entries = run_chapters(chapters, BuildCache(root), root, environment, {})
    return {stem: (entry / NOTEBOOK).read_bytes() for stem, entry in entries.items()}


def _first_difference(expected: bytes, found: bytes, names: tuple[str, str]) -> str:
    """The first lines that differ, as a unified diff."""
    lines = difflib.unified_diff(
        expected.decode("utf-8").splitlines(), found.decode("utf-8").splitlines(), *names, n=0, lineterm=""
    )
    return "\n".join(line[:200] for line in list(lines)[:8])


@pytest.fixture(scope="module")
def in_one_kernel(tmp_path_factory) -> tuple[list[str], dict[str, bytes]]:
    """Every chapter run by default, all in one kernel in the reverse of the book's order: (stems, bytes)."""
    import pom_lib.publish.chapter_runner

    stems = list(reversed(chapter_stems(BOOK / "_toc.yml")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pom_lib.publish.chapter_runner, "cores", lambda: 1)
        patch.delenv(DISABLE, raising=False)
        return stems, _run(stems, tmp_path_factory.mktemp("un-nucleo") / "libro", {})


def test_a_chapter_is_the_committed_one_whatever_ran_before_it_in_its_kernel(in_one_kernel):
    stems, executed = in_one_kernel
    for stem in stems:
        committed = (BOOK / f"{stem}.ipynb").read_bytes()
        if executed[stem] != committed:
            before = stems[: stems.index(stem)]
            difference = _first_difference(committed, executed[stem], ("book/", "ejecutado"))
            pytest.fail(f"{stem}, ejecutado después de {before}, no es el de book/ (¿falta «make book»?)\n{difference}")


def test_chapters_are_the_same_bytes_with_and_without_the_processors_simd_extensions(
    in_one_kernel, tmp_path, monkeypatch
):
    groups = _simd_groups_beyond_baseline()
    if not groups:
        pytest.skip("numpy no encontró en este procesador extensiones SIMD más allá de su base: nada que desactivar.")
    accepted = _disabled_in_a_new_process(groups)
    assert accepted, f"numpy no desactivó ninguno de {groups} con {DISABLE}: la comparación no probaría nada."
    monkeypatch.delenv(DISABLE, raising=False)
    stems = _chapters_with_figures()
    assert stems, "book/ no tiene capítulos con figuras"
    without = _run(stems, tmp_path / "sin-simd", {DISABLE: " ".join(accepted)})
    _, default = in_one_kernel
    for stem in stems:
        if without[stem] != default[stem]:
            difference = _first_difference(default[stem], without[stem], ("por omisión", "sin SIMD"))
            pytest.fail(f"{stem}: sin {accepted} cambia\n{difference}")
