"""Theme strings left in English by the HTML theme are given in Spanish."""

from pom_lib.theme_es import SPANISH, translate


def test_known_english_strings_are_translated():
    page = '<button title="Toggle primary sidebar"></button><a title="Link to this heading">#</a><nav aria-label="Main">'
    assert translate(page) == ('<button title="Mostrar u ocultar el índice"></button>'
                               '<a title="Enlace a este encabezado">#</a><nav aria-label="Principal">')


def test_every_translation_is_spanish_and_different():
    for english, spanish in SPANISH.items():
        assert english != spanish and english.split("=")[0] == spanish.split("=")[0]
