"""render/sphinx_tables: raw LaTeX tables, and the same «Tabla N» / «Figura N» in HTML and LaTeX.

The small book here is written by hand from display.py's own outputs (no kernel), so the
Sphinx side is tested alone; building it makes those tests book tests (`libro`).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import openpyxl
import pandas as pd
import pytest
from docutils import nodes
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pom_lib.present.display import Figure, Table
from pom_lib.render.sphinx_tables import PomMimeRenderer, pom_table_body
from tests.support.paths import ROOT


class _Data:
    """The few MimeData fields the plugin reads."""

    def __init__(self, mime_type, string, metadata=None):
        self.mime_type, self.string, self.output_metadata = mime_type, string, metadata or {}


def test_plain_latex_output_becomes_raw_latex_not_maths():
    (node,) = PomMimeRenderer.handle_mime(None, _Data("text/latex", r"\begin{longtable}{ll}\end{longtable}"), False)
    assert isinstance(node, nodes.raw) and node["format"] == "latex"


@pytest.mark.parametrize("maths", [r"$x^2$", r"\[ a+b \]", r"\begin{equation}x\end{equation}"])
def test_maths_and_inline_outputs_are_left_to_myst_nb(maths):
    assert PomMimeRenderer.handle_mime(None, _Data("text/latex", maths), False) is None
    assert PomMimeRenderer.handle_mime(None, _Data("text/latex", "tabla"), True) is None


def test_display_tables_are_marked_for_numbering():
    data, metadata = Table(pd.DataFrame({"A": ["x"]}), "Título", "POM.")._repr_mimebundle_()
    (node,) = PomMimeRenderer.handle_mime(None, _Data("text/html", data["text/html"], metadata), False)
    assert isinstance(node, pom_table_body) and node["format"] == "html"
    assert node["pom"]["caption"] == "Título"


def _display(obj) -> nbformat.NotebookNode:
    data, metadata = obj._repr_mimebundle_()
    return new_output("display_data", data={**data, "text/plain": repr(obj)}, metadata=metadata)


def _bars():
    fig, ax = plt.subplots()
    ax.bar(["2025", "2026"], [1, 2])
    return fig


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A two-table, one-figure page built to HTML and to LaTeX (.tex only) with the book's config."""
    root = tmp_path_factory.mktemp("libro")
    book = root / "book"
    book.mkdir()
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    (book / "_toc.yml").write_text("format: jb-book\nroot: pagina\n", encoding="utf-8")
    metas = pd.DataFrame(
        {
            "Programa": ["Consular & migrantes", '=HYPERLINK("http://evil.invalid")'],
            "Monto": ["Q401,812,176", "-Q5,000"],
        }
    )
    cells = [
        new_markdown_cell("# Página\n\nVéanse la {numref}`tabla-b` y la {numref}`figura-a`."),
        new_code_cell("salida", outputs=[_display(Table(metas, "Primera tabla", "POM."))]),
        new_code_cell(
            "salida", outputs=[_display(Figure(_bars(), "Barras anuales", "Dos barras.", "POM.", name="figura-a"))]
        ),
        new_code_cell("salida", outputs=[_display(Table(metas, "Segunda tabla", "POM.", name="tabla-b"))]),
    ]
    notebook = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nbformat.write(notebook, book / "pagina.ipynb")
    jb = str(Path(sys.executable).with_name("jupyter-book"))
    for builder in ("html", "latex"):
        result = subprocess.run(
            [
                jb,
                "build",
                str(book),
                "--config",
                str(root / "_config.yml"),
                "--path-output",
                str(root),
                "--builder",
                builder,
                "-W",
                "-n",
                "--keep-going",
            ],
            capture_output=True,
            text=True,
            cwd=root,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root / "_build"


@pytest.mark.libro  # builds a small book with Jupyter Book
def test_html_numbers_tables_and_figures_in_order(built):
    page = (built / "html" / "pagina.html").read_text(encoding="utf-8")
    assert re.search(
        r'<p class="pom-titulo-tabla" id="id\d+-titulo"><span class="caption-number">Tabla 1 </span>Primera tabla', page
    )
    assert re.search(
        r'<p class="pom-titulo-tabla" id="tabla-b-titulo"><span class="caption-number">Tabla 2 </span>Segunda tabla',
        page,
    )
    assert re.search(r'<span class="caption-number">Figura 1 </span>.*Barras anuales', page)
    assert ">Tabla 2<" in page and ">Figura 1<" in page  # the numrefs
    assert 'alt="Dos barras."' in page
    assert "\\begin{longtable}" not in page


@pytest.mark.libro  # builds a small book with Jupyter Book
def test_html_table_title_names_its_scrolling_box(built):
    page = (built / "html" / "pagina.html").read_text(encoding="utf-8")
    assert '<div class="pom-desplazable" role="region" aria-labelledby="tabla-b-titulo" tabindex="0">' in page
    assert '<table class="table pom-tabla" aria-labelledby="tabla-b-titulo">' in page
    assert "<caption>" not in page  # moved above the box


@pytest.mark.libro  # builds a small book with Jupyter Book
def test_every_table_and_figure_offers_its_downloads(built):
    page = (built / "html" / "pagina.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="(datos/[^"]+)" download>([^<]+)</a>', page)
    assert ("datos/tabla-b.csv", "CSV") in links and ("datos/tabla-b.xlsx", "Excel") in links
    assert ("datos/pagina-primera-tabla.csv", "CSV") in links  # an unnamed table is named after its caption
    assert ("datos/figura-a.svg", "SVG") in links
    for path, _ in links:
        assert (built / "html" / path).stat().st_size > 0, path
    assert (built / "html" / "datos" / "tabla-b.csv").read_text(encoding="utf-8") == (
        # A byte-order mark for Excel; a name that would run as a formula behind a quote; numbers as numbers.
        '\ufeffPrograma,Monto\nConsular & migrantes,401812176\n"\'=HYPERLINK(""http://evil.invalid"")",-5000\n'
    )
    sheet = openpyxl.load_workbook(built / "html" / "datos" / "tabla-b.xlsx").active
    assert [(c.value, c.data_type) for c in sheet[3]] == [('\'=HYPERLINK("http://evil.invalid")', "s"), (-5000, "n")]
    svg = (built / "html" / "datos" / "figura-a.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml")


@pytest.mark.libro  # builds a small book with Jupyter Book
def test_latex_gets_raw_tables_labelled_for_numref_with_live_download_links(built):
    (tex,) = (built / "latex").glob("*.tex")
    source = tex.read_text(encoding="utf-8")
    assert source.count(r"\begin{table}[htbp]") == 2  # short tables float, whole, with their source
    assert not re.search(r"\\begin\{equation\*?\}\s*\\begin\{(longtable|table)\}", source)
    assert r"\caption{Segunda tabla}\label{\detokenize{pagina:tabla-b}}" in source
    assert r"\hyperref[\detokenize{pagina:tabla-b}]" in source
    assert r"\caption{Barras anuales}" in source and ".pdf}" in source
    assert r"\usepackage[spanish,es-nodecimaldot,es-noshorthands,es-tabla]{babel}" in source
    assert r"\href{datos/tabla-b.csv}{CSV}" in source
    assert r"\href{datos/figura-a.svg}{SVG}" in source
    assert r"\listoftables\listoffigures" in source
