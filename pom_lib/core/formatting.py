"""Guatemalan (es_GT) number formats for the book and the CLI, via Babel."""

from __future__ import annotations

import math
import sys
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

LOCALE = "es_GT"
MISSING = "—"


def _is_missing(value) -> bool:
    # pandas' NA can only reach a program that imported pandas: the book builders, which format
    # figures but hold no data frame, are spared its import.
    pandas = sys.modules.get("pandas")
    return (
        value is None or (pandas is not None and value is pandas.NA) or (isinstance(value, float) and math.isnan(value))
    )


# What babel.numbers.format_currency and format_decimal do on every call (read the locale, parse the
# pattern), done once: the matrix of a large plan formats tens of thousands of figures.
@cache
def _locale() -> Locale:
    return Locale.parse(LOCALE)


@cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def quetzales(value, decimals: int = 0) -> str:
    """Q1,234,567 (or Q1,234,567.89 with decimals=2)."""
    if _is_missing(value):
        return MISSING
    pattern = _pattern("¤#,##0" + ("." + "0" * decimals if decimals else ""))
    return pattern.apply(value, _locale(), currency="GTQ", currency_digits=False)


def integer(value) -> str:
    """1,234,567 — rounded to a whole number."""
    if _is_missing(value):
        return MISSING
    return _pattern("#,##0").apply(round(value), _locale())


def decimal(value, decimals: int = 1) -> str:
    """1,234.5 with a fixed number of decimals."""
    if _is_missing(value):
        return MISSING
    return _pattern("#,##0." + "0" * decimals).apply(value, _locale())


def percent(points, decimals: int = 1) -> str:
    """47.1 % from percentage points (47.1), as the plan writes them.

    The space is a no-break space, so a line never separates the number from its sign.
    """
    if _is_missing(points):
        return MISSING
    return f"{decimal(points, decimals)}\u00a0%"


def signed(value, as_text=integer) -> str:
    """+1,234 / -Q100,000 with as_text=quetzales: a change, with its sign always shown."""
    if _is_missing(value):
        return MISSING
    sign = "+" if value > 0 else ("-" if value < 0 else "")
    return f"{sign}{as_text(abs(value))}"


def signed_percent(points, decimals: int = 1) -> str:
    """+4.2 % / -3.0 %: a change, with its sign always shown."""
    return signed(points, lambda value: percent(value, decimals))


def millions_of_quetzales(value, decimals: int = 1) -> str:
    """Q980.0 millones — for prose, where full figures are hard to read."""
    if _is_missing(value):
        return MISSING
    return f"Q{decimal(value / 1_000_000, decimals)} millones"
