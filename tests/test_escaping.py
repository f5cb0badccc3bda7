"""pom_lib.core.escaping: each destination shows plan text exactly as written, never as markup.

Every function is checked by its destination itself: Markdown through MyST (the parser of
the book), HTML through Python's HTML parser, LaTeX through xelatex and the PDF's text.
"""

import html
import io
import re
import string
import subprocess
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest
from docutils import nodes
from docutils.core import publish_doctree
from myst_parser.parsers.docutils_ import Parser as MystParser

from pom_lib.core import escaping
from pom_lib.export.matrix import to_xlsx_bytes

PAYLOADS = [
    "Plan Operativo Multianual 2025-2029",
    '<script>alert("x")</script>',
    '<iframe src="https://ejemplo.invalid"></iframe> &amp; &lt;b&gt;',
    "**negrita** _cursiva_ `código` ~~tachado~~",
    "{sub-ref}`today` {{ titulo }} {role}`texto` :::{note}",
    "[enlace](https://ejemplo.invalid) ![imagen](x.png) <https://ejemplo.invalid>",
    "# Título\n- lista\n1. número\n> cita",
    "$x^2$ \\(y\\) \\[z\\]",
    "[\\input{/etc/hostname}] \\write18{ls} \\def\\x{y}",
    "50% & } { # _ ~ ^ \\ -- ---",
    "Población Objetivo Atender* Factor [a] | tabla | «comillas» “curvas” ¿qué? ¡sí!",
    string.punctuation,
]


@pytest.mark.parametrize("text", PAYLOADS)
def test_markdown_is_read_back_as_the_same_text_by_myst(text):
    doctree = publish_doctree(
        escaping.markdown(text),
        parser=MystParser(),
        settings_overrides={"myst_enable_extensions": ["colon_fence", "substitution"], "report_level": 5},
    )
    # Only paragraphs of text: no emphasis, link, role, substitution, heading, list or raw HTML.
    kinds = {type(node) for node in doctree.findall(nodes.Element)} - {nodes.document, nodes.paragraph}
    assert not kinds
    assert re.sub(r"\s+", " ", doctree.astext()).strip() == re.sub(r"\s+", " ", text).strip()


def _systematic_cases() -> list[str]:
    """Every ASCII punctuation character alone, tripled, opening a line, around a word, after a number."""
    cases = []
    for char in string.punctuation:
        cases += [
            char,
            char * 3,
            f"{char} x",
            f"x {char}y{char} z",
            f"1{char} x",
            f"x\n{char} y",
            f"x\n{char * 3}",
            f"{char}x{char}=",
            f"  {char}{char} x",
        ]
    return [
        *cases,
        "    código indentado",
        "x\n\n    código",
        "x\r# título",
        "(destino)=",
        "[^1]",
        "x\\\ny",
        "- - -",
        "x\n- - -",
        "10. diez",
        "1) uno",
        "x\n2. dos",
        "+++",
        "x\n+ más",
    ]


@pytest.mark.parametrize("text", _systematic_cases())
def test_markdown_of_any_punctuation_is_literal(text):
    doctree = publish_doctree(
        escaping.markdown(text),
        parser=MystParser(),
        settings_overrides={"myst_enable_extensions": ["colon_fence", "substitution"], "report_level": 5},
    )
    kinds = {type(node) for node in doctree.findall(nodes.Element)} - {nodes.document, nodes.paragraph}
    assert not kinds, escaping.markdown(text)
    # Markdown joins lines and drops the spaces that open them; every character stays.
    shown = re.sub(r"\s+", " ", doctree.astext()).strip()
    assert shown == re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    "prose",
    [
        "Plan Operativo Multianual 2025-2029 (Guatemala, marzo 2025), sección 1: «Marco».",
        "10.2 %",
        "-5.0 %",
        "+1,234",
        "2025",
        "Q1,234,567",
    ],
)
def test_markdown_leaves_ordinary_prose_and_figures_as_they_are(prose):
    assert escaping.markdown(prose) == prose


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("text", PAYLOADS)
def test_html_is_text_in_an_element_and_in_an_attribute(text):
    page = _Collect()
    page.feed(f'<p title="{escaping.html(text)}">{escaping.html(text)}</p>')
    assert page.tags == ["p"]
    assert "".join(page.text) == text
    assert re.search(r'title="([^"]*)"', f'<p title="{escaping.html(text)}">').group(1) == html.escape(text)


def test_latex_prints_the_text_literally(tmp_path):
    """Every payload as a title, an author, a paragraph and a table row; the PDF shows each as written."""
    body = "\n".join(rf"\par {escaping.latex(text)}" for text in PAYLOADS)
    rows = "\n".join(rf"{escaping.latex(text)} \\" for text in PAYLOADS)
    (tmp_path / "prueba.tex").write_text(
        "\\documentclass{article}\n\\usepackage{fontspec}\n\\setlength{\\parindent}{0pt}\n"
        "\\usepackage[paperwidth=60cm,paperheight=40cm]{geometry}\n"
        "\\hyphenpenalty=10000 \\exhyphenpenalty=10000\n"
        f"\\title{{{escaping.latex(PAYLOADS[1])}}}\n\\author{{{escaping.latex(PAYLOADS[8])}}}\n\\date{{}}\n"
        "\\begin{document}\n\\maketitle\n"
        + body
        + "\n\\begin{tabular}{p{0.9\\linewidth}}\n"
        + rows
        + "\n\\end{tabular}\n\\end{document}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["xelatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "prueba.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    text = subprocess.run(
        ["pdftotext", "-raw", "prueba.pdf", "-"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert lines[:2] == [PAYLOADS[1], PAYLOADS[8]]
    printed = re.sub(r"\s+", " ", text)
    for payload in PAYLOADS:
        assert printed.count(re.sub(r"\s+", " ", payload)) >= 2, payload  # paragraph and table row


def test_latex_turns_line_breaks_into_spaces():
    assert escaping.latex("a\n\nb \n c") == "a b c"


def test_spreadsheet_exports_keep_text_that_looks_like_a_formula_as_text():
    texts = ['=HYPERLINK("http://ejemplo.invalid","clic")', "=1+1", "@SUMA(A1)", "+502", "Programa"]
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"programa": texts}))))
    cells = list(workbook.active["A"])[1:]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ('\'=HYPERLINK("http://ejemplo.invalid","clic")', "s"),
        ("'=1+1", "s"),
        ("'@SUMA(A1)", "s"),
        ("'+502", "s"),
        ("Programa", "s"),
    ]
