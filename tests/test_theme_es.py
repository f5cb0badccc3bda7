"""Theme strings left in English by the HTML theme are given in Spanish."""

from pom_lib.render.theme_es import SPANISH, lighten, translate


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
