"""Theme strings left in English by the HTML theme are given in Spanish."""

import json
import subprocess
from pathlib import Path

import sphinx

from pom_lib.render.theme_es import SEARCH_SCRIPT, SPANISH, lighten, translate
from tests.support.commands import require
from tests.support.paths import ROOT

SPHINX = Path(sphinx.__file__).parent
# Sphinx's scripts as the search page loads them (doctools, the Spanish catalogue, the book's script),
# then the result message as searchtools.js writes it for 1 and for 3 pages.
_SEARCH_MESSAGES_JS = """
const vm = require("vm");
const fs = require("fs");
globalThis.document = { readyState: "loading", addEventListener() {} };
for (const file of process.argv.slice(1)) vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
const key = "Search finished, found ${resultCount} page(s) matching the search query.";
const translate = vm.runInThisContext("_");
console.log(JSON.stringify([1, 3].map((count) => translate(key).replace("${resultCount}", count))));
"""


def test_known_english_strings_are_translated():
    page = (
        '<button title="Toggle primary sidebar"></button><a title="Link to this heading">#</a><nav aria-label="Main">'
    )
    assert translate(page) == (
        '<button title="Mostrar u ocultar el índice"></button>'
        '<a title="Enlace a este encabezado">#</a><nav aria-label="Principal">'
    )


def test_every_translation_is_spanish_and_different():
    for english, spanish in SPANISH.items():
        assert english != spanish and english.split("=")[0] == spanish.split("=")[0]


def test_the_icon_script_is_dropped_from_every_page():
    head = (
        '<link rel="stylesheet" href="_static/pom.css" />\n'
        '  <script defer src="_static/scripts/fontawesome.js?digest=55c26ed414f5f8a31ebb"></script>\n'
        '  <link rel="preload" as="script" href="_static/scripts/bootstrap.js" />'
    )
    assert lighten(head) == (
        '<link rel="stylesheet" href="_static/pom.css" />\n'
        '  <link rel="preload" as="script" href="_static/scripts/bootstrap.js" />'
    )


def test_search_results_agree_in_number():
    require("node", "«make unitarias» instala Node.js con npm")
    scripts = [
        SPHINX / "themes" / "basic" / "static" / "doctools.js",
        SPHINX / "locale" / "es" / "LC_MESSAGES" / "sphinx.js",
        ROOT / "pom_lib" / "render" / "static" / SEARCH_SCRIPT,
    ]
    result = subprocess.run(
        ["node", "-e", _SEARCH_MESSAGES_JS, *map(str, scripts)], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [
        "Búsqueda finalizada, se encontró 1 página que coincide con la consulta de búsqueda.",
        "Búsqueda finalizada, se encontraron 3 páginas que coinciden con la consulta de búsqueda.",
    ]
