"""Spanish wording rules for the book's prose: counts that agree with their noun, lists joined with «y»."""

from __future__ import annotations

from collections.abc import Iterable

from . import formatting as fmt

_NUMBER_WORDS = {0: "ningún", 1: "un", 2: "dos", 3: "tres", 4: "cuatro", 5: "cinco", 6: "seis", 7: "siete",
                 8: "ocho", 9: "nueve", 10: "diez"}


def plural(number: int, singular: str, plural_form: str | None = None) -> str:
    """The noun that agrees with number: «producto» for 1, «productos» otherwise (0 included)."""
    return singular if number == 1 else (plural_form or singular + "s")


def count(number: int, singular: str, plural_form: str | None = None) -> str:
    """«1 producto», «0 productos», «1,204 productos»."""
    return f"{fmt.integer(number)} {plural(number, singular, plural_form)}"


def count_in_words(number: int, singular: str, plural_form: str | None = None, feminine: bool = False) -> str:
    """«un producto», «cinco años», «una acción»; figures above ten as digits."""
    if number in _NUMBER_WORDS and number:
        word = _NUMBER_WORDS[number]
        if feminine and number == 1:
            word = "una"
        return f"{word} {plural(number, singular, plural_form)}"
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


def years_span(years: list[int]) -> str:
    """«2025», «2026 a 2029» (first to last of consecutive years); empty for none."""
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]} a {years[-1]}"
