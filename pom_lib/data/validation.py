"""Checking raw tables against Table Schemas, and loading a plan's tables with those checks.

Every problem in every table is collected and reported at once, in Spanish, naming the
file (or workbook and sheet), row and column, so an analyst can fix a year's data in
one pass instead of one error at a time. `check_tables` is the one implementation of the
schema checks; the plan (`load_tables`) and the execution files (execution.py) both use it.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pom_lib.core import formatting as fmt
from pom_lib.core import paths, spanish
from pom_lib.core.errors import PlanError, Problem
from pom_lib.data import contract, plain_tables, units
from pom_lib.data.reading import CheckedTable, ExcelWorkbook, RawTable, open_workbook, read_csv_table, read_sheet
from pom_lib.data.rules import rule_problems

if TYPE_CHECKING:
    import frictionless

DTYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}
# The descriptor's patterns, said in words an analyst can act on.
PATTERN_HINTS = {
    "[A-Z]{3}[0-9]{2,}": "tres letras mayúsculas seguidas de al menos dos cifras, como PRD01",
    "[a-z0-9_]+": "solo minúsculas sin tildes, cifras y guiones bajos, como servicios_consulares",
    "[A-Z_]+": "solo mayúsculas sin tildes y guiones bajos, como FICHA_PRODUCTO",
    "[A-Z]{3}": "tres letras mayúsculas, como GTQ",
}
THOUSANDS = re.compile(r"-?\d{1,3}([,. ]\d{3})+")
DECIMAL_COMMA = re.compile(r"-?\d+,\d+")
# Errors about one cell; any other error with a row number concerns the whole row.
CELL_ERRORS = ("type-error", "constraint-error")
# No amount or quantity of a plan reaches a thousand trillion (quetzales or units): a larger
# number is a typing slip, and beyond about 10^28 it could not even be printed.
MAX_FIGURE = 10**15
# The book cannot break a word between lines: a longer one runs off the page.
MAX_WORD = 60
# How much of a cell a message quotes.
SHOWN_CHARACTERS = 60


@dataclass(frozen=True)
class _Content:
    """A table's well-formed rows with cells in schema order, ready for frictionless."""

    raw: RawTable
    schema: dict
    rows: list[list[str]]
    row_numbers: list[int]

    @property
    def field_names(self) -> list[str]:
        return [field["name"] for field in self.schema["fields"]]

    def field(self, name: str) -> dict:
        return next(field for field in self.schema["fields"] if field["name"] == name)


def load_tables(source: Path) -> dict[str, pd.DataFrame]:
    """Read and validate every table of a plan; raise PlanError listing every problem found.

    `source` is either a plan folder or an Excel workbook (.xlsx). The tables and their
    rules are the library's (contract.py, rules.py); the folder's datapackage.json only declares the
    format. In a folder, the CSV files of the contract are read when any of
    them is present — missing ones are reported, never taken from a workbook, so one plan
    never mixes two sources. A folder without any of those CSVs must hold exactly one
    workbook, whose sheets are named like the tables (sheet «productos» = productos.csv).
    An optional table (contract.is_optional) may be absent: no file, or no sheet or an empty one.

    Returns one DataFrame per table the plan has, in descriptor order, columns in schema order:
    integer → Int64, number → Float64, boolean → boolean, string → string; missing values are pd.NA.
    The acknowledged discrepancies (contract.ACKNOWLEDGEMENTS) are indexed by the analyst's row number,
    by which the reconciliation names an acknowledgement that no longer matches the data.
    """
    source = Path(source)
    folder = _plan_folder(source)
    resources = _read_descriptor(source, folder)
    tables, problems = _read_tables(source, folder, resources)
    problems += contract.document_problems(folder) if source.is_dir() else []
    checked, check_problems = check_tables(tables, {resource["name"]: resource["schema"] for resource in resources})
    problems += check_problems
    problems += rule_problems(checked, earlier=bool(problems))
    if problems:
        raise PlanError(problems)
    frames = {name: table.frame for name, table in checked.items()}
    if contract.ACKNOWLEDGEMENTS in checked:
        acknowledged = checked[contract.ACKNOWLEDGEMENTS]
        frames[contract.ACKNOWLEDGEMENTS] = acknowledged.frame.set_axis(acknowledged.row_numbers)
    return frames


def check_tables(
    tables: dict[str, RawTable], schemas: dict[str, dict], ignored_columns: Collection[str] = ()
) -> tuple[dict[str, CheckedTable], list[Problem]]:
    """Check raw tables against their Table Schemas (`schemas[name]` for `tables[name]`).

    Checks the header (unknown, misspelled, missing and repeated columns; names in
    `ignored_columns` are accepted and dropped), the shape of each row, words too long for a
    line, and with frictionless every value's type and constraints, primary keys and foreign
    keys between the tables.
    Returns the tables whose columns could be matched to their schema, in schema column
    order, and every problem found, in the order of `schemas`.
    """
    problems, contents = [], {}
    for name, schema in schemas.items():
        table = tables.get(name)
        if table is None:
            continue
        field_names = [field["name"] for field in schema["fields"]]
        problems += _header_problems(table, field_names, ignored_columns) + _row_shape_problems(table)
        if all(table.header.count(field) == 1 for field in field_names):
            contents[name] = _content(table, schema)
            problems += _long_word_problems(contents[name])
    checked, content_problems = _validate_contents(contents)
    return checked, problems + content_problems


def _plan_folder(source: Path) -> Path:
    if source.is_dir():
        return source
    if source.is_file() and source.suffix.lower() == ".xlsx":
        paths.folder_file(source.parent, source.name)  # a link to a workbook elsewhere is refused
        return source.parent
    if source.exists():
        raise PlanError([Problem(str(source), "se esperaba la carpeta del plan o un libro de Excel (.xlsx)")])
    raise PlanError([Problem(str(source), "no existe esta carpeta ni este archivo")])


def _read_descriptor(source: Path, folder: Path) -> list[dict]:
    """The library's resources, once the folder declares the current format.

    A workbook given on its own (no datapackage.json beside it) is read in the current format.
    """
    if source.is_file() and not (folder / contract.DESCRIPTOR).exists():
        return contract.plan_resources()
    problems = contract.descriptor_problems(folder)
    if problems:
        raise PlanError(problems)
    return contract.plan_resources()


def _read_tables(source: Path, folder: Path, resources: list[dict]) -> tuple[dict[str, RawTable], list[Problem]]:
    """Every table that can be read, and the problems of those that cannot."""
    workbook_path = source if source.is_file() else _workbook_in(folder, resources)
    workbook = open_workbook(workbook_path) if workbook_path else None
    tables, problems = {}, []
    for resource in resources:
        try:
            if workbook is not None:
                table = read_table_sheet(workbook, workbook_path, resource)
            else:
                table = _read_csv_resource(folder, resource)
        except PlanError as error:
            problems += error.problems
            continue
        if table is not None:
            tables[resource["name"]] = table
    return tables, problems


def read_table_sheet(workbook: ExcelWorkbook, path: Path, resource: dict) -> RawTable | None:
    """A table's sheet; None for an optional table whose sheet is missing, blank or has no rows (the exported
    workbook always has the sheet, and leaves it empty for a table the plan does not have)."""
    optional, name = contract.is_optional(resource), resource["name"]
    if optional and (name not in workbook.values.sheetnames or _blank(workbook.values[name])):
        return None
    table = read_sheet(workbook, path, name)
    return None if optional and not table.rows else table


def _blank(sheet) -> bool:
    return all(value in (None, "") for row in sheet.iter_rows(values_only=True) for value in row)


def _workbook_in(folder: Path, resources: list[dict]) -> Path | None:
    """The folder's single workbook when it has none of the CSV files, else None."""
    if contract.has_tables(folder):
        return None
    workbooks = contract.workbooks_in(folder)
    if len(workbooks) > 1:
        names = ", ".join(workbooks)
        raise PlanError(
            [
                Problem(
                    str(folder),
                    f"hay varios libros de Excel ({names}) y ningún archivo CSV; "
                    "deje solo uno en la carpeta o indique cuál usar",
                )
            ]
        )
    if not workbooks:
        expected = ", ".join(resource["path"] for resource in resources if not contract.is_optional(resource))
        raise PlanError(
            [
                Problem(
                    str(folder),
                    "la carpeta no tiene las tablas del plan: ni los archivos CSV "
                    f"({expected}) ni un libro de Excel (.xlsx)",
                )
            ]
        )
    return paths.folder_file(folder, workbooks[0])


def _read_csv_resource(folder: Path, resource: dict) -> RawTable | None:
    """A table's CSV file; None for an optional table without its file."""
    path = paths.folder_file(folder, resource["path"])
    if path is None and contract.is_optional(resource):
        return None
    if path is None:
        raise PlanError([Problem(str(folder), f"falta el archivo {resource['path']}")])
    return read_csv_table(path, [field["name"] for field in resource["schema"]["fields"]])


def _header_problems(table: RawTable, field_names: list[str], ignored: Collection[str]) -> list[Problem]:
    """Unknown, misspelled, missing and repeated columns (compared by name, in any order)."""
    problems = []
    missing = [name for name in field_names if name not in table.header]
    for name in dict.fromkeys(name for name in table.header if name not in field_names and name not in ignored):
        guess = difflib.get_close_matches(name, missing, n=1)
        if guess:
            missing.remove(guess[0])  # explained by the typo: not reported again as missing
            message = f"la columna «{name}» no se reconoce; ¿quiso decir «{guess[0]}»?"
        else:
            message = f"la columna «{name}» no pertenece a esta tabla; sus columnas son: {', '.join(field_names)}"
        problems.append(table.problem(message, row=1, column=name))
    problems += [table.problem(f"falta la columna «{name}»", row=1) for name in missing]
    repeated = dict.fromkeys(name for name in table.header if table.header.count(name) > 1)
    problems += [table.problem(f"la columna «{name}» está repetida", row=1, column=name) for name in repeated]
    return problems


def _row_shape_problems(table: RawTable) -> list[Problem]:
    problems = (_row_shape_problem(table, row, number) for row, number in zip(table.rows, table.row_numbers))
    return [problem for problem in problems if problem]


def _row_shape_problem(table: RawTable, row: list[str], number: int) -> Problem | None:
    """Blank rows, and rows whose cells do not line up with the header (a stray delimiter)."""
    if not any(row):
        return table.problem("fila vacía: bórrela o complete sus datos", row=number)
    if len(row) > len(table.header):
        return table.problem(
            f"la fila tiene {len(row)} valores y el encabezado solo {len(table.header)} columnas: probablemente "
            "un número o un texto contiene el separador de columnas (por ejemplo 1,252,155); escriba los números "
            "sin separadores de miles y ponga entre comillas los textos que lo contengan",
            row=number,
        )
    if len(row) < len(table.header):
        return table.problem(
            f"la fila tiene {len(row)} valores y el encabezado {len(table.header)} columnas: "
            "falta algún valor o separador",
            row=number,
        )
    return None


def _content(table: RawTable, schema: dict) -> _Content:
    """The well-formed rows with cells reordered to the schema (extra columns left out)."""
    positions = [table.header.index(field["name"]) for field in schema["fields"]]
    kept = [
        (row, number)
        for row, number in zip(table.rows, table.row_numbers)
        if not _row_shape_problem(table, row, number)
    ]
    rows = [[row[position] for position in positions] for row, _ in kept]
    return _Content(table, schema, rows, [number for _, number in kept])


def _long_word_problems(content: _Content) -> list[Problem]:
    """Text cells with a word longer than MAX_WORD (cells longer than their column allows are reported apart)."""
    problems = []
    for position, field in enumerate(content.schema["fields"]):
        if field["type"] != "string":
            continue
        limit = field.get("constraints", {}).get("maxLength", math.inf)
        for row, number in zip(content.rows, content.row_numbers):
            cell = row[position]
            word = max(cell.split(), key=len, default="")
            if len(word) > MAX_WORD and len(cell) <= limit:
                problems.append(
                    content.raw.problem(
                        f"la palabra «{_shown(word, 30)}» tiene {fmt.integer(len(word))} caracteres y una palabra "
                        f"puede tener hasta {MAX_WORD}: el libro no puede partirla entre dos líneas; sepárela con "
                        "espacios o abréviela",
                        row=number,
                        column=field["name"],
                    )
                )
    return problems


def _shown(cell: str, length: int = SHOWN_CHARACTERS) -> str:
    """A cell as a message quotes it: whole when short, else its beginning."""
    return cell if len(cell) <= length else cell[:length] + "…"


def _validate_contents(contents: dict[str, _Content]) -> tuple[dict[str, CheckedTable], list[Problem]]:
    """Check values, keys and references; type every table.

    Tables with nothing wrong are typed without frictionless (plain_tables); anything else is
    checked by frictionless, which alone words the problems.
    """
    columns = plain_tables.typed_columns(
        {name: (content.schema, content.rows) for name, content in contents.items()}, MAX_FIGURE
    )
    if columns is None:
        return _frictionless_contents(contents)
    checked = {
        name: CheckedTable(content.raw, _frame(content, columns[name]), content.row_numbers, valid=True)
        for name, content in contents.items()
    }
    return checked, []


def _frictionless_contents(contents: dict[str, _Content]) -> tuple[dict[str, CheckedTable], list[Problem]]:
    """Check values, keys and references with frictionless; type every table.

    Numbers must be finite and at most MAX_FIGURE: frictionless reads «Infinity», «NaN» and
    numbers of any size («1e309»), so those cells are reported here, and frictionless' own
    verdict on them (NaN breaks «minimum», 1e27 is no integer) is dropped. Frictionless stops
    looking at a table after its first thousand errors; the table then says so.
    """
    import frictionless  # imported only when validating: every chapter imports this module, few validate

    package = frictionless.Package(
        resources=[
            frictionless.Resource(
                name=name,
                data=[content.field_names, *content.rows],
                schema=frictionless.Schema.from_descriptor(_checkable_schema(content.schema, contents)),
            )
            for name, content in contents.items()
        ]
    )
    report = package.validate()
    checked, problems = {}, []
    for task in report.tasks:
        content = contents[task.name]
        unusable = _unusable_number_cells(content)
        errors = [error for error in task.errors if _cell_of(error) not in unusable]
        table_problems = [_translate(error, content, contents) for error in errors]
        table_problems += [
            content.raw.problem(message, row=content.row_numbers[row - 2], column=field)
            for (row, field), message in unusable.items()
        ]
        if any(warning.startswith("reached error limit") for warning in task.warnings):
            problems.append(
                content.raw.problem(
                    f"la revisión de esta tabla se detuvo en sus primeros {fmt.integer(len(task.errors))} errores: "
                    "corríjalos y valide de nuevo para ver si hay más"
                )
            )
        problems += sorted(table_problems, key=lambda problem: problem.row or 0)
        checked[task.name] = _checked_table(package.get_resource(task.name), content, errors, set(unusable))
    return checked, problems


def _cell_of(error: frictionless.Error) -> tuple[int | None, str | None]:
    """The (frictionless row number, field name) an error is about."""
    return getattr(error, "row_number", None), getattr(error, "field_name", None)


def _unusable_number_cells(content: _Content) -> dict[tuple[int, str], str]:
    """Number cells that read as infinite, not-a-number or beyond MAX_FIGURE, and what to say about each,
    by (frictionless row number, field name)."""
    positions = [
        (index, field["name"])
        for index, field in enumerate(content.schema["fields"])
        if field["type"] in ("number", "integer")
    ]
    found, limit = {}, fmt.integer(MAX_FIGURE)
    for row_index, row in enumerate(content.rows):
        for position, name in positions:
            with contextlib.suppress(ArithmeticError):
                value = Decimal(row[position])
                if not value.is_finite():
                    message = (
                        f"«{_shown(row[position])}» no es una cifra: escriba el número tal como figura en el "
                        "documento (solo se admiten números finitos)"
                    )
                elif abs(value) > MAX_FIGURE:
                    message = (
                        f"«{_shown(row[position])}» pasa de {limit} (10^15), más de lo que puede "
                        "ser una meta o una ejecución de un plan: revise los ceros y el formato de la celda"
                    )
                else:
                    continue
                found[(row_index + 2, name)] = message  # frictionless counts the header as 1
    return found


def _checkable_schema(schema: dict, contents: dict[str, _Content]) -> dict:
    """The schema without foreign keys to tables that could not be read (already reported)."""
    keys = [key for key in schema.get("foreignKeys", []) if key["reference"].get("resource", "") in ("", *contents)]
    return {**schema, "foreignKeys": keys}


def _translate(error: frictionless.Error, content: _Content, contents: dict[str, _Content]) -> Problem:
    """A frictionless error as a Spanish problem located in the analyst's file."""
    row_number = getattr(error, "row_number", None)
    row = content.row_numbers[row_number - 2] if row_number else None  # frictionless counts the header as 1
    column = getattr(error, "field_name", None)
    if error.type == "type-error":
        message = _type_message(_shown(error.cell), content.field(column)["type"])
    elif error.type == "constraint-error":
        message = _constraint_message(error.cell, content.field(column), error.note)
    elif error.type == "primary-key":
        column = ", ".join(_primary_key(content.schema))
        message = _duplicate_message(error, content)
    elif error.type == "foreign-key":
        column = ", ".join(error.field_names)
        message = _reference_message(", ".join(error.field_cells), contents[error.reference_name], error.reference_name)
    else:
        message = f"dato no válido ({error.message})"
    return content.raw.problem(message, row=row, column=column)


def _reference_message(value: str, target: _Content, target_name: str) -> str:
    """A value missing from the table it refers to; for a unit, the declared spelling it misses."""
    if target_name != units.TABLE:
        return f"el identificador «{value}» no existe en {target.raw.label}"
    declared = [row[target.field_names.index(units.COLUMN)] for row in target.rows]
    guess = units.closest_unit(value, declared)
    if guess:
        return (
            f"la unidad de medida «{value}» no está declarada en {target.raw.label}; ¿quiso decir «{guess}»? "
            "Escríbala igual que allí"
        )
    return (
        f"la unidad de medida «{value}» no está declarada en {target.raw.label}: agréguela allí o use una de "
        f"las declaradas ({', '.join(declared)})"
    )


def _type_message(cell: str, field_type: str) -> str:
    if field_type == "integer":
        return f"«{cell}» no es un número entero; {_number_hint(cell)}"
    if field_type == "number":
        if DECIMAL_COMMA.fullmatch(cell) and not THOUSANDS.fullmatch(cell):
            return f"«{cell}» no es un número; use punto para los decimales: {cell.replace(',', '.')}"
        return f"«{cell}» no es un número; {_number_hint(cell)}"
    if field_type == "boolean":
        return f"«{cell}» no es un valor lógico; escriba true (sí) o false (no)"
    return f"«{cell}» no es un valor válido de tipo {field_type}"


def _number_hint(cell: str) -> str:
    if THOUSANDS.fullmatch(cell):
        return f"escriba {re.sub(r'[,. ]', '', cell)}, sin separadores de miles"
    return "escriba solo cifras, sin letras ni símbolos"


def _constraint_message(cell: str, field: dict, note: str) -> str:
    found = re.search(r'constraint "(\w+)"', note)
    constraint = found.group(1) if found else ""
    limit = field.get("constraints", {}).get(constraint)
    if constraint == "required":
        return "falta el valor"
    if constraint == "maxLength":
        return (
            f"el texto tiene {fmt.integer(len(cell))} caracteres y en esta columna caben hasta {fmt.integer(limit)}: "
            "abrévielo"
        )
    cell = _shown(cell)
    if constraint == "minimum" and limit == 0:
        return f"valor negativo ({cell}): no puede ser menor que 0"
    if constraint == "minimum":
        return f"el valor {cell} es menor que el mínimo permitido ({limit})"
    if constraint == "maximum":
        return f"el valor {cell} es mayor que el máximo permitido ({limit})"
    if constraint == "pattern":
        return f"«{cell}» no tiene la forma esperada: {PATTERN_HINTS.get(limit, f'debe seguir el patrón {limit}')}"
    if constraint == "enum":
        return f"«{cell}» no es un valor admitido; debe ser uno de: {', '.join(map(str, limit))}"
    return f"«{cell}» no cumple la regla «{constraint}» ({limit})"


def _primary_key(schema: dict) -> list[str]:
    key = schema.get("primaryKey", [])
    return [key] if isinstance(key, str) else key


def _duplicate_message(error: frictionless.Error, content: _Content) -> str:
    key = _primary_key(content.schema)
    values = [error.cells[content.field_names.index(name)] for name in key]
    first = re.search(r"position (\d+)", error.note)
    where = f" (ya aparece en la fila {content.row_numbers[int(first.group(1)) - 2]})" if first else ""
    if len(key) == 1:
        return f"identificador duplicado «{values[0]}»{where}"
    combination = spanish.join(f"{name} «{value}»" for name, value in zip(key, values))
    return f"combinación duplicada: {combination}{where}"


def _checked_table(
    resource: frictionless.Resource,
    content: _Content,
    errors: list[frictionless.Error],
    wrong_cells: set[tuple[int, str]],
) -> CheckedTable:
    """The table with frictionless' parsed values in nullable pandas dtypes, wrong values removed.

    `errors` are frictionless' errors on it; `wrong_cells` further (row number, field) cells to remove.
    """
    valid = not errors and not wrong_cells
    wrong_cells, wrong_rows = set(wrong_cells), set()
    for error in errors:
        row_number = getattr(error, "row_number", None)
        if row_number and error.type in CELL_ERRORS:
            wrong_cells.add((row_number, error.field_name))
        elif row_number:
            wrong_rows.add(row_number)
    # Each cell is parsed by frictionless' own reader for its field, column by column: reading the rows
    # again through frictionless would redo its row checks (keys, lookups), already done by the validation.
    kept = [(number, row) for number, row in enumerate(content.rows, start=2) if number not in wrong_rows]
    columns = {}
    for position, field in enumerate(content.schema["fields"]):
        name = field["name"]
        read = resource.schema.get_field(name).create_cell_reader()
        columns[name] = [None if (number, name) in wrong_cells else read(row[position])[0] for number, row in kept]
    row_numbers = [content.row_numbers[number - 2] for number, _ in kept]  # frictionless counts the header as 1
    return CheckedTable(content.raw, _frame(content, columns), row_numbers, valid)


def _frame(content: _Content, columns: dict[str, list]) -> pd.DataFrame:
    """A table's values read by column, in nullable pandas dtypes."""
    return pd.DataFrame(
        {
            field["name"]: pd.Series(
                list(map(_plain, columns[field["name"]])), dtype=DTYPES.get(field["type"], "object")
            )
            for field in content.schema["fields"]
        }
    )


def _plain(value: object) -> object:
    # Numbers are read as Decimal; pandas' Float64 wants floats.
    return float(value) if isinstance(value, Decimal) else value
