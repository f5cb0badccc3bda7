"""Spanish wording: numbers in words, counts that agree with their noun, lists and articles."""

import pytest

from pom_lib.core import spanish


@pytest.mark.parametrize(
    ("number", "feminine", "expected"),
    [
        (1, False, "un"),
        (1, True, "una"),
        (2, True, "dos"),
        (10, False, "diez"),
        (11, False, "11"),
        (0, True, "0"),
        (1204, False, "1,204"),
    ],
)
def test_numbers_up_to_ten_in_words(number, feminine, expected):
    assert spanish.number_in_words(number, feminine) == expected


def test_counts_agree_with_their_noun():
    assert spanish.count_in_words(1, "producto") == "un producto"
    assert spanish.count_in_words(1, "acción", "acciones", feminine=True) == "una acción"
    assert spanish.count_in_words(5, "año") == "cinco años"
    assert spanish.count_in_words(0, "producto") == "0 productos"
    assert spanish.count_in_words(14, "producto") == "14 productos"


def test_lists_join_with_commas_and_a_final_y():
    assert spanish.join([]) == ""
    assert spanish.join(["a"]) == "a"
    assert spanish.join(["a", "b"]) == "a y b"
    assert spanish.join(["a", "b", "c"]) == "a, b y c"
    assert spanish.join(["a", "", "c"]) == "a y c"


def test_institutions_take_their_article():
    assert spanish.definite("Ministerio de Relaciones Exteriores") == "el Ministerio de Relaciones Exteriores"
    assert spanish.definite("Autoridad Nacional del Agua") == "la Autoridad Nacional del Agua"
    assert spanish.of_definite("Secretaría de Planificación") == "de la Secretaría de Planificación"
    assert spanish.of_definite("Fondo Nacional de Caminos Rurales") == "del Fondo Nacional de Caminos Rurales"
