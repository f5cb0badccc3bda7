"""Reading the plan's tables as analysts produce them: CSV files or one Excel workbook.

Every table comes back as text, the way a CSV file would hold it (numbers typed in
Excel become their CSV spelling), together with the row number the analyst sees in
their editor, so that later problems can point at the right place. Files are only
read, never modified.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import zipfile
from collections.abc import Sequence, Set
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .errors import PlanError, Problem

DELIMITERS = (",", ";")


@dataclass(frozen=True)
class RawTable:
    """One table as text: header, rows and where each row is in the analyst's file."""

    file: str
    sheet: str | None
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]

    @property
    def label(self) -> str:
        """How messages name this table: 'productos.csv' or 'la hoja «productos»'."""
        return f"la hoja «{self.sheet}»" if self.sheet else self.file

    def problem(self, message: str, row: int | None = None, column: str | None = None) -> Problem:
        return Problem(self.file, message, row=row, column=column, sheet=self.sheet)


def read_csv_table(path: Path, field_names: Sequence[str]) -> RawTable:
    """Read a CSV file, guessing its encoding and its delimiter from the expected columns."""
    text = _decode(_read_bytes(path))
    if not text.strip():
        raise PlanError([Problem(path.name, "el archivo está vacío")])
    delimiter = _detect_delimiter(text.splitlines()[0], field_names, path.name)
    grid, line_numbers = _parse_csv(text, delimiter)
    table = _table_from_grid(path.name, None, grid, line_numbers)
    _raise_if_any(_blank_header_problems(table))
    return table


def open_workbook(path: Path) -> Workbook:
    """Open an Excel workbook (normal mode: read-only mode cannot see merged cells).

    It is loaded from memory so the analyst's file stays closed while we inspect it.
    openpyxl reports a damaged or foreign file through many exception types.
    """
    content = io.BytesIO(_read_bytes(path))
    try:
        return openpyxl.load_workbook(content, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as error:
        raise PlanError([Problem(path.name, "no es un libro de Excel válido (.xlsx); "
                                            "ábralo en Excel y guárdelo de nuevo como libro de Excel")]) from error


def read_sheet(workbook: Workbook, workbook_path: Path, sheet_name: str) -> RawTable:
    """Read the sheet named like a table; merged cells and unnamed columns are errors."""
    if sheet_name not in workbook.sheetnames:
        raise PlanError([Problem(workbook_path.name, _missing_sheet_message(sheet_name, workbook.sheetnames))])
    sheet = workbook[sheet_name]
    grid = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    table = _table_from_grid(workbook_path.name, sheet_name, grid, list(range(1, len(grid) + 1)))
    if not table.header:
        raise PlanError([table.problem("la hoja está vacía")])
    # A merged header range is reported once, not again as blank cells.
    merged_in_header = {index for cells in sheet.merged_cells.ranges if cells.min_row == 1
                        for index in range(cells.min_col - 1, cells.max_col)}
    _raise_if_any(_merged_cell_problems(sheet, table) + _blank_header_problems(table, skip=merged_in_header))
    return table


def _missing_sheet_message(sheet_name: str, existing: list[str]) -> str:
    guess = difflib.get_close_matches(sheet_name, existing, n=1)
    if guess:
        return f"falta la hoja «{sheet_name}» en el libro; ¿quiso decir «{guess[0]}»? Cambie el nombre de la hoja"
    names = ", ".join(f"«{name}»" for name in existing)
    return f"falta la hoja «{sheet_name}» en el libro (sus hojas son: {names})"


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError as error:
        message = "no se puede abrir el archivo; ¿está abierto en Excel u otro programa? Ciérrelo e intente de nuevo"
        raise PlanError([Problem(path.name, message)]) from error


def _decode(data: bytes) -> str:
    """Text of a CSV saved as UTF-8 (Excel's «CSV UTF-8» adds a BOM) or by older Excel (cp1252)."""
    for encoding in ("utf-8-sig", "cp1252"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(encoding)
    return data.decode("latin-1")  # decodes any byte; cp1252 leaves five undefined


def _split_header(line: str, delimiter: str) -> list[str]:
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return [cell.strip() for cell in cells if cell.strip()]


def _detect_delimiter(header_line: str, field_names: Sequence[str], file: str) -> str:
    """The delimiter that splits the header into the expected columns (comma or semicolon).

    When the header has a typo no delimiter gives exactly the expected names; then the
    only delimiter present in the header is used, so the typo is reported afterwards.
    """
    expected = set(field_names)
    fitting = [d for d in DELIMITERS if set(_split_header(header_line, d)) == expected]
    present = [d for d in DELIMITERS if d in header_line]
    if len(fitting) == 1:
        return fitting[0]
    if not fitting and len(present) == 1:
        return present[0]
    columns = ", ".join(field_names)
    if not present:
        reason = ("la primera fila no tiene comas ni puntos y comas, así que no se distinguen las columnas; "
                  f"se esperaban las columnas {columns} separadas por comas")
    else:
        reason = ("la primera fila tiene comas y también puntos y comas y con ninguno de los dos se obtienen "
                  f"las columnas esperadas ({columns}); use un solo separador")
    raise PlanError([Problem(file, f"no se puede saber qué separa las columnas: {reason}", row=1)])


def _parse_csv(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Records of the CSV and the line where each starts (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid, line_numbers = [], []
    next_line = 1
    for record in reader:
        grid.append(record)
        line_numbers.append(next_line)
        next_line = reader.line_num + 1
    return grid, line_numbers


def _cell_text(value: object) -> str:
    """A cell's value as a CSV would hold it (Excel keeps whole numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table_from_grid(file: str, sheet: str | None, grid: list[list[str]], row_numbers: list[int]) -> RawTable:
    """Build a table from raw cells, dropping trailing empty rows and columns.

    Cells are stripped: spaces around a value are never meaningful in the plan and are
    invisible in Excel.
    """
    grid = [[cell.strip() for cell in row] for row in grid]
    while grid and not any(grid[-1]):
        grid.pop()
    width = max((_last_filled(row) for row in grid), default=0)
    grid = [row[:width] for row in grid]
    header = grid[0] if grid else []
    return RawTable(file, sheet, header, grid[1:], row_numbers[1:len(grid)])


def _last_filled(row: list[str]) -> int:
    """One past the position of the last non-empty cell (0 when the row is empty)."""
    return max((index + 1 for index, cell in enumerate(row) if cell), default=0)


def _blank_header_problems(table: RawTable, skip: Set[int] = frozenset()) -> list[Problem]:
    """Header cells without a name (positions in `skip` are left out)."""
    letters = [get_column_letter(index + 1) for index, name in enumerate(table.header)
               if not name and index not in skip]
    return [table.problem(f"la celda {letter}1 está vacía: escriba en ella el nombre de la columna",
                          row=1, column=letter) for letter in letters]


def _merged_cell_problems(sheet: Worksheet, table: RawTable) -> list[Problem]:
    """Merged cells hide values (only the first cell keeps one), so each range is an error."""
    problems = []
    for cells in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        name = table.header[cells.min_col - 1] if cells.min_col <= len(table.header) else ""
        column = name or get_column_letter(cells.min_col)
        problems.append(table.problem(f"las celdas {cells.coord} están combinadas: sepárelas "
                                      "(Inicio > Combinar y centrar > Separar celdas) y escriba un valor en cada una",
                                      row=cells.min_row, column=column))
    return problems


def _raise_if_any(problems: list[Problem]) -> None:
    if problems:
        raise PlanError(problems)
