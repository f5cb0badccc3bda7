"""The schema checks without frictionless: the same tables for a right plan, and None at any doubt."""

from decimal import Decimal

import pandas as pd
import pytest

from pom_lib.data import plain_tables
from pom_lib.data.validation import load_tables
from tests.support.paths import FICTIONAL_PLAN_DIR, FIXTURES, PLAN_DIR

PLANS = [PLAN_DIR, FICTIONAL_PLAN_DIR, *sorted(path for path in (FIXTURES / "planes").iterdir() if path.is_dir())]
LARGEST = 10**15
SCHEMA = {
    "fields": [
        {"name": "id", "type": "string", "constraints": {"required": True, "pattern": "[A-Z]{3}[0-9]{2,}"}},
        {"name": "anio", "type": "integer", "constraints": {"required": True, "minimum": 2000, "maximum": 2100}},
        {"name": "monto", "type": "number", "constraints": {"minimum": 0}},
        {"name": "activo", "type": "boolean"},
        {"name": "tipo", "type": "string", "constraints": {"enum": ["a", "b"], "maxLength": 1}},
    ],
    "primaryKey": ["id", "anio"],
    "missingValues": [""],
}


def typed(rows, schema=SCHEMA, **others):
    return plain_tables.typed_columns({"t": (schema, rows), **others}, LARGEST)


@pytest.mark.parametrize("folder", PLANS, ids=lambda path: path.name)
def test_every_plan_reads_as_frictionless_reads_it(folder, monkeypatch):
    read = []
    original = plain_tables.typed_columns
    monkeypatch.setattr(plain_tables, "typed_columns", lambda *args: read.append(1) or original(*args))
    plain = load_tables(folder)
    assert read, "the plan was not read without frictionless"
    monkeypatch.setattr(plain_tables, "typed_columns", lambda *args: None)
    checked = load_tables(folder)
    assert list(plain) == list(checked)
    for name in checked:
        pd.testing.assert_frame_equal(plain[name], checked[name])


def test_values_as_frictionless_reads_them():
    columns = typed([["ABC01", "2025", "12.50", "true", "a"], ["ABC02", "2026", "", "0", ""]])
    assert columns == {
        "t": {
            "id": ["ABC01", "ABC02"],
            "anio": [2025, 2026],
            "monto": [Decimal("12.50"), None],
            "activo": [True, False],
            "tipo": ["a", None],
        }
    }


@pytest.mark.parametrize(
    "row",
    [
        [" ABC01", "2025", "1", "true", "a"],  # pattern
        ["ABC01", " 2025", "1", "true", "a"],  # frictionless trims it; left to frictionless
        ["ABC01", "02025", "1", "true", "a"],
        ["ABC01", "2025.0", "1", "true", "a"],
        ["ABC01", "1999", "1", "true", "a"],  # minimum
        ["ABC01", "2025", "1e3", "true", "a"],
        ["ABC01", "2025", "NaN", "true", "a"],
        ["ABC01", "2025", "-1", "true", "a"],  # minimum
        ["ABC01", "2025", "1000000000000001", "true", "a"],  # beyond the largest figure
        ["ABC01", "2025", "1,5", "true", "a"],
        ["ABC01", "2025", "1", "sí", "a"],
        ["ABC01", "2025", "1", "true", "c"],  # enum
        ["ABC01", "", "1", "true", "a"],  # required
        ["", "", "", "", ""],  # a blank row
    ],
)
def test_anything_unusual_is_left_to_frictionless(row):
    assert typed([row]) is None


def test_repeated_keys_are_left_to_frictionless():
    assert typed([["ABC01", "2025", "1", "true", "a"], ["ABC01", "2025", "2", "false", "b"]]) is None
    assert typed([["ABC01", "2025", "1", "true", "a"], ["ABC01", "2026", "2", "false", "b"]]) is not None


def test_references_are_checked_against_the_table_they_name():
    parent = {"fields": [{"name": "id", "type": "string"}], "primaryKey": ["id"]}
    child = {
        "fields": [{"name": "nombre", "type": "string"}, {"name": "padre", "type": "string"}],
        "foreignKeys": [{"fields": ["padre"], "reference": {"resource": "padres", "fields": ["id"]}}],
    }
    found = typed([["uno", "X"], ["dos", ""]], child, padres=(parent, [["X"]]))
    assert found["t"]["padre"] == ["X", None]  # a missing value refers to nothing
    assert typed([["uno", "Y"]], child, padres=(parent, [["X"]])) is None
    assert typed([["uno", "Y"]], child) is not None  # the table it names is reported missing elsewhere


def test_schemas_with_more_than_it_reads_are_left_to_frictionless():
    decimal_comma = {"fields": [{"name": "monto", "type": "number", "decimalChar": ","}]}
    fractional_bound = {"fields": [{"name": "monto", "type": "number", "constraints": {"minimum": 0.3}}]}
    a_date = {"fields": [{"name": "dia", "type": "date"}]}
    for schema in (decimal_comma, fractional_bound, a_date):
        assert typed([["1"]], schema) is None
