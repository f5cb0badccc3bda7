"""Reading the plan's tables as analysts produce them: CSV files or one Excel workbook.

Every table comes back as text, the way a CSV file would hold it (numbers typed in
Excel become their CSV spelling, a cell formatted as percent the percentage it shows),
together with the row number the analyst sees in their editor, so that later problems
can point at the right place. Text that cannot be Spanish (a file saved in another
encoding), invisible characters, a formula Excel never calculated and absurdly large files
or tables are refused here. Files are only read, never modified.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pom_lib.core import formatting as fmt
from pom_lib.core.errors import PlanError, Problem

if TYPE_CHECKING:  # openpyxl is imported when a workbook is read, not for a folder of CSV files
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

DELIMITERS = (",", ";")
# A plan's tables take kilobytes; a file (or a workbook's unpacked content) this large is the
# wrong file, and reading it whole would take minutes and gigabytes.
MAX_BYTES = 50 * 1024 * 1024
# A plan's tables have tens or hundreds of rows; a table with far more is the wrong file, and
# checking it cell by cell would take minutes and gigabytes: it is refused before that.
MAX_ROWS = 100_000
# Encodings whose Spanish letters come out as symbols when read as Windows-1252 (Mac, MS-DOS).
FOREIGN_ENCODINGS = {"mac_roman": "Mac Roman (Mac)", "cp850": "cp850 (MS-DOS)"}
# Dashes and apostrophes may join two words («Guatemala–México», «d’Ivoire»); between two
# lowercase letters they are a misread letter («Poblaci—n» is «Población» in Mac Roman).
JOINERS = "–—‘’·"
# Printable ASCII, line breaks and the Latin-1 letters: a cell of these alone has neither an invisible
# nor a foreign character, so most cells are never looked at one character at a time.
PLAIN_TEXT = re.compile(r"[\x20-\x7e\n\rÀ-ÖØ-öø-ÿ]*")
# Characters that show nothing yet change a text: direction controls reorder the letters after
# them in the book (U+202E shows «abc» as «cba»), zero-width characters split or join words
# unseen and make two equal names differ, control characters (a tab) are no text at all.
DIRECTION_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
UNSEEN_CHANGE = "cambia el texto sin que se vea"
INVISIBLE = {  # character: what it is, and what it does to the text
    "\t": ("tabulador", "no es parte de un texto, y al principio de una celda puede hacer de ella una fórmula"),
    "\u00ad": ("guion suave", UNSEEN_CHANGE),
    "\u2028": ("separador de línea", UNSEEN_CHANGE),
    "\u2029": ("separador de párrafo", UNSEEN_CHANGE),
    **dict.fromkeys(
        DIRECTION_CONTROLS, ("control de dirección de texto", "invierte o reordena las letras que lo siguen")
    ),
    **dict.fromkeys(
        ZERO_WIDTH,
        ("espacio de ancho cero", "parte o une palabras sin que se vea y hace distintos dos textos que se ven iguales"),
    ),
}
# The characters worth a closer look, one at a time: all but printable ASCII (line breaks included).
UNUSUAL = re.compile(r"[^\x20-\x7e]")
# Trimmed from both ends of a cell: spaces of any width and line breaks, never meaningful there.
# Any other invisible character is refused, not trimmed: «\t=1+1» must not become a formula.
TRIMMED = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\r\n"
# A line of a CSV file and its ending (\n, \r\n or an old Mac's \r), found one at a time: a copy of
# the whole text in lines would take several times the file's size.
LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")
# Excel scales a number by 100 for a % outside quotes (and not escaped) in its number format.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.')


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


@dataclass(frozen=True)
class CheckedTable:
    """A table after its schema check (validation.check_tables), and where each of its rows is in the analyst's file.

    `frame` holds the typed values (dtypes as in `load_tables`); a cell that broke a rule is
    pd.NA and a row with a row-level error (a repeated key, an unknown reference) is left
    out, so further checks never trip over a value already reported. `row_numbers[i]` is
    the analyst's row of `frame.iloc[i]`. `valid` says whether the table passed every rule.
    """

    raw: RawTable
    frame: pd.DataFrame
    row_numbers: list[int]
    valid: bool


@dataclass(frozen=True)
class ExcelWorkbook:
    """An opened workbook: the values Excel shows, and the formulas behind them."""

    values: Workbook
    formulas: Workbook  # read-only: only to find formulas Excel never calculated


def read_csv_table(path: Path, field_names: Sequence[str]) -> RawTable:
    """Read a CSV file, guessing its encoding and its delimiter from the expected columns."""
    data = _read_bytes(path)
    text = _decode(data)
    if not text or text.isspace():
        raise PlanError([Problem(path.name, "el archivo está vacío")])
    delimiter = _detect_delimiter(LINE.match(text).group().rstrip("\r\n"), field_names, path.name)
    grid, line_numbers = _parse_csv(text, delimiter, path.name)
    table = _table_from_grid(path.name, None, grid, line_numbers)
    _raise_if_any(_blank_header_problems(table))
    _raise_if_any(_invisible_character_problems(table) + _foreign_text_problems(table, lambda: _encoding_advice(data)))
    return table


def open_workbook(path: Path) -> ExcelWorkbook:
    """Open an Excel workbook (values in normal mode: read-only mode cannot see merged cells).

    It is loaded from memory so the analyst's file stays closed while we inspect it.
    openpyxl reports a damaged or foreign file through many exception types.
    """
    import openpyxl

    data = _read_bytes(path)
    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
        if unpacked > MAX_BYTES:
            raise PlanError(
                [
                    Problem(
                        path.name,
                        f"el libro de Excel contiene {_megabytes(unpacked)} de datos y el "
                        f"máximo es {_megabytes(MAX_BYTES)}: {TOO_LARGE_ADVICE}",
                    )
                ]
            )
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        _raise_if_any(_long_sheet_problems(path.name, formulas))
        return ExcelWorkbook(openpyxl.load_workbook(io.BytesIO(data), data_only=True), formulas)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as error:
        raise PlanError(
            [
                Problem(
                    path.name,
                    "no es un libro de Excel válido (.xlsx); ábralo en Excel y guárdelo de nuevo como libro de Excel",
                )
            ]
        ) from error


def read_sheet(workbook: ExcelWorkbook, workbook_path: Path, sheet_name: str) -> RawTable:
    """Read the sheet named like a table; merged cells, unnamed columns and uncalculated formulas are errors."""
    if sheet_name not in workbook.values.sheetnames:
        raise PlanError([Problem(workbook_path.name, _missing_sheet_message(sheet_name, workbook.values.sheetnames))])
    sheet = workbook.values[sheet_name]
    grid = [[_cell_text(cell.value, cell.number_format) for cell in row] for row in sheet.iter_rows()]
    table = _table_from_grid(workbook_path.name, sheet_name, grid, list(range(1, len(grid) + 1)))
    if not table.header:
        raise PlanError([table.problem("la hoja está vacía")])
    # A merged header range is reported once, not again as blank cells.
    merged_in_header = {
        index
        for cells in sheet.merged_cells.ranges
        if cells.min_row == 1
        for index in range(cells.min_col - 1, cells.max_col)
    }
    _raise_if_any(
        _merged_cell_problems(sheet, table)
        + _blank_header_problems(table, skip=merged_in_header)
        + _uncalculated_formula_problems(sheet, workbook.formulas[sheet_name], table)
    )
    _raise_if_any(
        _invisible_character_problems(table)
        + _foreign_text_problems(
            table,
            lambda: "corrija el texto de la celda: probablemente se copió de un archivo abierto con otra codificación",
        )
    )
    return table


def _long_sheet_problems(file: str, workbook: Workbook) -> list[Problem]:
    """Sheets with more rows than a plan's table can have, by the size Excel records for each sheet."""
    return [
        Problem(file, _too_many_rows(f"la hoja llega a la fila {fmt.integer(sheet.max_row)}"), sheet=sheet.title)
        for sheet in workbook.worksheets
        if (sheet.max_row or 0) > MAX_ROWS + 1
    ]


def _too_many_rows(extent: str) -> str:
    return (
        f"la tabla tiene más de {fmt.integer(MAX_ROWS)} filas ({extent}), muchas más de las que tiene un plan: "
        "compruebe que es el archivo correcto"
    )


def _missing_sheet_message(sheet_name: str, existing: list[str]) -> str:
    """Suggest the sheet the analyst meant: the same name in other capitals first, else the closest one."""
    by_folded = {name.strip().casefold(): name for name in existing}
    if sheet_name.casefold() in by_folded:
        found = by_folded[sheet_name.casefold()]
        return (
            f"falta la hoja «{sheet_name}» en el libro; la hoja «{found}» se llama casi igual: "
            f"cambie su nombre a «{sheet_name}», escrito exactamente así"
        )
    guess = difflib.get_close_matches(sheet_name.casefold(), list(by_folded), n=1)
    if guess:
        return (
            f"falta la hoja «{sheet_name}» en el libro; ¿quiso decir «{by_folded[guess[0]]}»? "
            "Cambie el nombre de la hoja"
        )
    names = ", ".join(f"«{name}»" for name in existing)
    return f"falta la hoja «{sheet_name}» en el libro (sus hojas son: {names})"


TOO_LARGE_ADVICE = "las tablas de un plan ocupan unos pocos kilobytes; compruebe que es el archivo correcto"


def _megabytes(size: int) -> str:
    return f"{fmt.decimal(size / 1024 / 1024, 1)} MB"


def _read_bytes(path: Path) -> bytes:
    """The file's content; its size is checked first, so a huge file is never read."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PlanError(
                [
                    Problem(
                        path.name,
                        f"el archivo pesa {_megabytes(size)} y el máximo es "
                        f"{_megabytes(MAX_BYTES)}: {TOO_LARGE_ADVICE}",
                    )
                ]
            )
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
        reason = (
            "la primera fila no tiene comas ni puntos y comas, así que no se distinguen las columnas; "
            f"se esperaban las columnas {columns} separadas por comas"
        )
    else:
        reason = (
            "la primera fila tiene comas y también puntos y comas y con ninguno de los dos se obtienen "
            f"las columnas esperadas ({columns}); use un solo separador"
        )
    raise PlanError([Problem(file, f"no se puede saber qué separa las columnas: {reason}", row=1)])


def _parse_csv(text: str, delimiter: str, file: str) -> tuple[list[list[str]], list[int]]:
    """Records of the CSV and the line where each starts (a quoted cell may span lines).

    A file with more than MAX_ROWS rows below its header is refused as soon as that is known.
    """
    reader = csv.reader((line.group() for line in LINE.finditer(text)), delimiter=delimiter)
    grid, line_numbers = [], []
    next_line = 1
    for record in reader:
        if len(grid) > MAX_ROWS:
            lines = text.count("\n") + (not text.endswith("\n"))
            raise PlanError([Problem(file, _too_many_rows(f"el archivo tiene {fmt.integer(lines)} líneas"))])
        grid.append(record)
        line_numbers.append(next_line)
        next_line = reader.line_num + 1
    return grid, line_numbers


def _cell_text(value: object, number_format: str = "General") -> str:
    """A cell's value as a CSV would hold it: what Excel shows, without its formatting.

    Excel keeps whole numbers as floats, and a cell formatted as percent holds a hundredth
    of what it shows (47.1 % is 0.471): the text is the percentage shown, 47.1. Past 2^53 a
    float is no exact whole number: it keeps its exponent (1e+300), as Excel shows it.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and "%" in _FORMAT_LITERALS.sub("", number_format):
        return format((Decimal(repr(value)) * 100).normalize(), "f")
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return str(int(value))
    return str(value)


def _table_from_grid(file: str, sheet: str | None, grid: list[list[str]], row_numbers: list[int]) -> RawTable:
    """Build a table from raw cells, dropping trailing empty rows and columns.

    Cells are trimmed of spaces and line breaks around their value (TRIMMED): never meaningful in
    the plan, and invisible in Excel.
    """
    grid = [[cell.strip(TRIMMED) for cell in row] for row in grid]
    while grid and not any(grid[-1]):
        grid.pop()
    width = max((_last_filled(row) for row in grid), default=0)
    grid = [row[:width] for row in grid]
    header = grid[0] if grid else []
    return RawTable(file, sheet, header, grid[1:], row_numbers[1 : len(grid)])


def _last_filled(row: list[str]) -> int:
    """One past the position of the last non-empty cell (0 when the row is empty)."""
    return max((index + 1 for index, cell in enumerate(row) if cell), default=0)


def _blank_header_problems(table: RawTable, skip: Set[int] = frozenset()) -> list[Problem]:
    """Header cells without a name (positions in `skip` are left out)."""
    letters = [_column_letter(index + 1) for index, name in enumerate(table.header) if not name and index not in skip]
    return [
        table.problem(f"la celda {letter}1 está vacía: escriba en ella el nombre de la columna", row=1, column=letter)
        for letter in letters
    ]


def _merged_cell_problems(sheet: Worksheet, table: RawTable) -> list[Problem]:
    """Merged cells hide values (only the first cell keeps one), so each range is an error."""
    problems = []
    for cells in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        name = table.header[cells.min_col - 1] if cells.min_col <= len(table.header) else ""
        column = name or _column_letter(cells.min_col)
        problems.append(
            table.problem(
                f"las celdas {cells.coord} están combinadas: sepárelas "
                "(Inicio > Combinar y centrar > Separar celdas) y escriba un valor en cada una",
                row=cells.min_row,
                column=column,
            )
        )
    return problems


def _uncalculated_formula_problems(sheet: Worksheet, formulas: Worksheet, table: RawTable) -> list[Problem]:
    """Formulas without a value: openpyxl and some programs save them uncalculated, and an empty
    value read in their place would change what the plan says."""
    problems = []
    for row in formulas.iter_rows():
        for cell in row:
            if cell.data_type == "f" and sheet.cell(cell.row, cell.column).value is None:
                column = table.header[cell.column - 1] if cell.column <= len(table.header) else ""
                problems.append(
                    table.problem(
                        f"la celda {cell.coordinate} tiene la fórmula {cell.value} sin valor calculado: "
                        "ábralo en Excel "
                        "y guárdelo (Excel calcula las fórmulas al guardar), o copie la columna y péguela como valores",
                        row=cell.row,
                        column=column or _column_letter(cell.column),
                    )
                )
    return problems


def _invisible(char: str) -> tuple[str, str] | None:
    """What an invisible character is and does, in words, or None for a visible one (or a line break).

    NUL and the control characters above U+007F are left to _foreign_character: they come from
    reading a file in the wrong encoding, not from typing.
    """
    if char in INVISIBLE:
        return INVISIBLE[char]
    category = unicodedata.category(char)
    if category == "Cf":
        return "carácter de formato invisible", UNSEEN_CHANGE
    if category == "Cc" and char not in "\x00\n\r" and char < "\x80":
        return "carácter de control", "no es parte de un texto"
    return None


def _invisible_character_problems(table: RawTable) -> list[Problem]:
    """One problem per cell holding an invisible character, naming the first one and where it is."""
    problems = []
    for number, row in zip([1, *table.row_numbers], [table.header, *table.rows]):
        for position, text in enumerate(row):
            if PLAIN_TEXT.fullmatch(text):
                continue
            index = next((match.start() for match in UNUSUAL.finditer(text) if _invisible(match.group())), None)
            if index is None:
                continue
            name, effect = _invisible(text[index])
            visible = "".join(c for c in text if not _invisible(c))
            shown = visible if len(visible) <= 60 else visible[:60] + "…"
            column = table.header[position] if number > 1 and position < len(table.header) else None
            problems.append(
                table.problem(
                    f"el texto «{shown}» tiene un carácter invisible en la posición {index + 1}: "
                    f"U+{ord(text[index]):04X}, {name}. No se ve en Excel ni en un editor de texto, pero {effect}: "
                    "borre la celda y escriba su contenido de nuevo a mano, sin copiar y pegar",
                    row=number,
                    column=column or _column_letter(position + 1),
                )
            )
    return problems


def _foreign_character(text: str) -> int | None:
    """Where `text` has a character that Spanish text never has, or None.

    Control characters and box drawing come from reading a file in the wrong encoding; so do
    symbols inside a word («Poblaci¢n», «PoblaciÃ³n»): that is where accented letters were.
    Invisible characters are not counted here: _invisible_character_problems names them.
    """
    if PLAIN_TEXT.fullmatch(text):
        return None
    for match in UNUSUAL.finditer(text):
        index, char = match.start(), match.group()
        category = unicodedata.category(char)
        if char in "\n\r" or _invisible(char):
            continue
        if category in ("Cc", "Cs", "Co", "Cn") or char == "\ufffd" or "\u2500" <= char <= "\u259f":
            return index
        inside = 0 < index < len(text) - 1 and text[index - 1].isalpha() and text[index + 1].isalpha()
        if (
            inside
            and not char.isalpha()
            and not char.isspace()
            and (char not in JOINERS or (text[index - 1].islower() and text[index + 1].islower()))
        ):
            return index
    return None


def _foreign_text_problems(table: RawTable, advice: Callable[[], str]) -> list[Problem]:
    """One problem per table, at its first cell whose text cannot be Spanish, with `advice()`."""
    found = [
        (number, table.header[position] if position < len(table.header) else None, text)
        for number, row in zip([1, *table.row_numbers], [table.header, *table.rows])
        for position, text in enumerate(row)
        if _foreign_character(text) is not None
    ]
    if not found:
        return []
    number, column, text = found[0]
    index = _foreign_character(text)
    shown = text[index] if text[index].isprintable() else f"U+{ord(text[index]):04X}"
    start, end = text.rfind(" ", 0, index) + 1, text.find(" ", index)
    word = text[start : end if end >= 0 else len(text)][:40]
    others = f" (y {len(found) - 1} celda(s) más)" if len(found) > 1 else ""
    # Only a visible character inside a word can be meant (a dash between two words, say).
    meant = text[index].isprintable() and not "\u2500" <= text[index] <= "\u259f"
    message = f"el texto «{word}» tiene el carácter «{shown}», que no se escribe así en español{others}: {advice()}" + (
        "; si el carácter es correcto, sepárelo de las letras con espacios" if meant else ""
    )
    return [table.problem(message, row=number, column=column or None)]


def _encoding_advice(data: bytes) -> str:
    """What to do about a CSV whose text is not Spanish: name the encoding it seems to have."""
    guesses = []
    for encoding, name in FOREIGN_ENCODINGS.items():
        with contextlib.suppress(UnicodeDecodeError):
            text = data.decode(encoding)
            if _foreign_character(text) is None and any(char in text for char in "áéíóúñÁÉÍÓÚÑ"):
                guesses.append(name)
    export = "en Excel, guárdelo con Archivo > Guardar como > «CSV UTF-8 (delimitado por comas)»"
    if guesses:
        return (
            f"el archivo parece guardado en {' o '.join(guesses)}, no en UTF-8 ni en Windows-1252 (las "
            f"codificaciones que se leen); {export}"
        )
    with contextlib.suppress(UnicodeDecodeError):
        data.decode("utf-8")
        return (
            "el archivo está en UTF-8, pero su texto ya llegó mal convertido (se abrió con otra codificación "
            f"antes de guardarlo); corrija las tildes, o vuelva al archivo original y, {export}"
        )
    return f"el archivo no está en UTF-8 ni en Windows-1252 (las codificaciones que se leen); {export}"


def _raise_if_any(problems: list[Problem]) -> None:
    if problems:
        raise PlanError(problems)


def _column_letter(number: int) -> str:
    """Excel's name for the column at this position (1 → A), for messages about a CSV file as well."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)
