"""Guatemalan number formats: Q1,234,567 and 47.1\u00a0%."""

import math

import pandas as pd

from pom_lib.core import formatting as fmt


def test_quetzales():
    assert fmt.quetzales(1234567) == "Q1,234,567"
    assert fmt.quetzales(1234567.891, decimals=2) == "Q1,234,567.89"
    assert fmt.quetzales(0) == "Q0"
    assert fmt.quetzales(-1500) == "-Q1,500"


def test_integer_and_decimal_use_comma_thousands_and_point_decimals():
    assert fmt.integer(3437340) == "3,437,340"
    assert fmt.integer(1619247.4) == "1,619,247"
    assert fmt.decimal(1234.567, 2) == "1,234.57"


def test_percent_from_points():
    assert fmt.percent(47.1) == "47.1\u00a0%"
    assert fmt.percent(38.755) == "38.8\u00a0%"
    assert fmt.percent(5, decimals=0) == "5\u00a0%"
    assert fmt.signed_percent(10.2) == "+10.2\u00a0%"
    assert fmt.signed_percent(-3) == "-3.0\u00a0%"


def test_millions():
    assert fmt.millions_of_quetzales(980_000_000) == "Q980.0 millones"
    assert fmt.millions_of_quetzales(1_350_000_000) == "Q1,350.0 millones"


def test_missing_values_show_a_dash():
    for value in (None, float("nan"), pd.NA):
        assert fmt.quetzales(value) == fmt.MISSING
        assert fmt.percent(value) == fmt.MISSING
        assert fmt.integer(value) == fmt.MISSING
    assert not math.isnan(0.0) and fmt.integer(0) == "0"
