"""The schema checks of a table with nothing wrong in it, without frictionless.

Frictionless reads every cell through several layers of objects, and importing it takes longer
than checking a whole plan; yet most tables an analyst validates are right. `typed_columns` reads
every cell in a narrower way than frictionless — plain digits for numbers, the schema's own
patterns, lengths, bounds and choices, then keys and references — and, when every cell of every
table passes, returns the values frictionless would have read. Whatever it does not accept, a
wrong cell or a right one written unusually (« 12», «007», «1e3»), makes it return None: the
caller then validates with frictionless, whose verdict and messages are the only ones an analyst
ever sees. So this module can only be slower to say yes, never say yes to something frictionless
refuses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

INTEGER = re.compile(r"0|-?[1-9][0-9]*")
NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
# Frictionless' defaults; a schema that sets others is left to frictionless.
TRUE_VALUES = {"true": True, "True": True, "TRUE": True, "1": True}
FALSE_VALUES = {"false": False, "False": False, "FALSE": False, "0": False}
MISSING_VALUES = [""]
# What a field may say for this module to read it; any other property (a format, a decimal
# character, its own missing values…) is left to frictionless.
FIELD_KEYS = {"name", "type", "title", "description", "constraints"}
CONSTRAINTS = {
    "string": {"required", "maxLength", "minLength", "pattern", "enum"},
    "integer": {"required", "minimum", "maximum"},
    "number": {"required", "minimum", "maximum"},
    "boolean": {"required"},
}
SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues", "title", "description"}

Columns = dict[str, list]


def typed_columns(tables: dict[str, tuple[dict, list[list[str]]]], largest: float) -> dict[str, Columns] | None:
    """Each table's values by column (strings, ints, Decimals, booleans; None for a missing value), as
    frictionless reads them, when every table is plainly right; else None.

    `tables[name]` is (Table Schema, rows with cells in schema order); numbers beyond `largest`
    (in absolute value) are not accepted.
    """
    typed = {}
    for name, (schema, rows) in tables.items():
        columns = _table_columns(schema, rows, largest)
        if columns is None or not _keys_unique(schema, columns):
            return None
        typed[name] = columns
    for name, (schema, _) in tables.items():
        if not _references_found(name, schema, typed):
            return None
    return typed


def _table_columns(schema: dict, rows: list[list[str]], largest: float) -> Columns | None:
    if set(schema) - SCHEMA_KEYS:
        return None
    missing = set(schema.get("missingValues", MISSING_VALUES))
    if any(all(cell in missing for cell in row) for row in rows):
        return None  # a blank row
    columns = {}
    for position, field in enumerate(schema["fields"]):
        values = _column(field, [row[position] for row in rows], missing, largest)
        if values is None:
            return None
        columns[field["name"]] = values
    return columns


def _column(field: dict, cells: list[str], missing: set[str], largest: float) -> list | None:
    """The values of one column, or None when any cell is not accepted."""
    constraints = field.get("constraints", {})
    kind = field["type"]
    if set(field) - FIELD_KEYS or kind not in CONSTRAINTS or set(constraints) - CONSTRAINTS[kind]:
        return None
    if not _plain_bounds(constraints):
        return None
    written = [cell for cell in cells if cell not in missing]
    if constraints.get("required") and len(written) < len(cells):
        return None
    values = list(map(_reader(kind, largest), written))
    if any(value is None for value in values) or not _meet(values, constraints):
        return None
    read = iter(values)
    return [None if cell in missing else next(read) for cell in cells]


def _reader(kind: str, largest: float) -> Callable[[str], object]:
    """The value of a cell, or None when it is not plainly written."""
    if kind == "string":
        return lambda cell: cell
    if kind == "boolean":
        return lambda cell: TRUE_VALUES.get(cell, FALSE_VALUES.get(cell))
    pattern, number = (INTEGER, int) if kind == "integer" else (NUMBER, Decimal)

    def read(cell: str):
        if not pattern.fullmatch(cell):
            return None
        value = number(cell)
        return value if abs(value) <= largest else None

    return read


def _meet(values: list, constraints: dict) -> bool:
    """Whether every value meets the field's constraints (besides «required»), as frictionless tests them."""
    if not values:
        return True
    tests = {
        "maxLength": lambda limit: max(map(len, values)) <= limit,
        "minLength": lambda limit: min(map(len, values)) >= limit,
        "pattern": lambda pattern: all(map(re.compile(f"^{pattern}$").match, values)),
        "enum": lambda choices: all(value in choices for value in values),
        "minimum": lambda limit: min(values) >= limit,
        "maximum": lambda limit: max(values) <= limit,
    }
    return all(tests[name](limit) for name, limit in constraints.items() if name != "required")


def _plain_bounds(constraints: dict) -> bool:
    """Whether the bounds are whole numbers: frictionless compares others after its own reading of them."""
    return all(type(constraints[bound]) is int for bound in ("minimum", "maximum") if bound in constraints)


def _keys_unique(schema: dict, columns: Columns) -> bool:
    """No row repeats the primary key of another, and no key is wholly missing."""
    keys = _rows(columns, _fields(schema.get("primaryKey", [])))
    return all(set(key) != {None} for key in keys) and len(set(keys)) == len(keys)


def _references_found(name: str, schema: dict, typed: dict[str, Columns]) -> bool:
    """Every value of a foreign key (not wholly missing) is a key of the table it refers to.

    A reference to a table not given is not judged (the caller reports that table as missing).
    """
    for key in schema.get("foreignKeys", []):
        target = key["reference"].get("resource", "") or name
        if target not in typed:
            continue
        sources = _rows(typed[name], _fields(key["fields"]))
        found = {row for row in _rows(typed[target], _fields(key["reference"]["fields"])) if set(row) != {None}}
        if any(set(row) != {None} and row not in found for row in sources):
            return False
    return True


def _fields(fields: str | list[str]) -> list[str]:
    return [fields] if isinstance(fields, str) else fields


def _rows(columns: Columns, fields: list[str]) -> list[tuple]:
    return list(zip(*(columns[field] for field in fields)))
