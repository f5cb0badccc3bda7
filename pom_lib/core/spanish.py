"""Spanish wording rules for the book's prose: counts that agree with their noun, lists joined with «y»."""

from __future__ import annotations

from collections.abc import Iterable

from pom_lib.core import formatting as fmt

_NUMBER_WORDS = {
    0: "ningún",
    1: "un",
    2: "dos",
    3: "tres",
    4: "cuatro",
    5: "cinco",
    6: "seis",
    7: "siete",
    8: "ocho",
    9: "nueve",
    10: "diez",
}


def plural(number: int, singular: str, plural_form: str | None = None) -> str:
    """The noun that agrees with number: «producto» for 1, «productos» otherwise (0 included)."""
    return singular if number == 1 else (plural_form or singular + "s")


def count(number: int, singular: str, plural_form: str | None = None) -> str:
    """«1 producto», «0 productos», «1,204 productos»."""
    return f"{fmt.integer(number)} {plural(number, singular, plural_form)}"


def number_in_words(number: int, feminine: bool = False) -> str:
    """«un» (or «una»), «dos» … «diez»; 0 and figures above ten as digits."""
    if number in _NUMBER_WORDS and number:
        return "una" if feminine and number == 1 else _NUMBER_WORDS[number]
    return fmt.integer(number)


def count_in_words(number: int, singular: str, plural_form: str | None = None, feminine: bool = False) -> str:
    """«un producto», «cinco años», «una acción»; figures above ten as digits."""
    if number in _NUMBER_WORDS and number:
        return f"{number_in_words(number, feminine)} {plural(number, singular, plural_form)}"
    return count(number, singular, plural_form)


def join(items: Iterable[str]) -> str:
    """«a», «a y b», «a, b y c» (empty items are left out)."""
    items = [item for item in items if item]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} y {items[-1]}"


def quoted(items: Iterable[str]) -> str:
    """«a», «b» y «c»."""
    return join(f"«{item}»" for item in items)


# Feminine nouns that head institution names; any other word is taken as masculine
# («el Ministerio», «el Instituto», «el Fondo»…), as are the few masculine ones ending in -a.
_FEMININE_ENDINGS = ("a", "ión", "dad", "tad", "tud", "umbre")
_MASCULINE_IN_A = {"programa", "sistema", "día"}
_FEMININE_OTHER = {"corte", "red", "ley", "sede"}


def _is_feminine(name: str) -> bool:
    word = name.split()[0].casefold() if name.split() else ""
    return word in _FEMININE_OTHER or (word.endswith(_FEMININE_ENDINGS) and word not in _MASCULINE_IN_A)


def definite(name: str) -> str:
    """The name with its article: «el Ministerio de…», «la Autoridad de…» (by its first word)."""
    return f"{'la' if _is_feminine(name) else 'el'} {name}"


def of_definite(name: str) -> str:
    """«del Ministerio de…», «de la Autoridad de…»."""
    return f"{'de la' if _is_feminine(name) else 'del'} {name}"


def years_span(years: list[int]) -> str:
    """«2025», «2026 a 2029» (first to last of consecutive years); empty for none."""
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]} a {years[-1]}"
