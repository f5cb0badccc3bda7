"""Files the book offers for download: the tidy matrix (CSV, Excel), the plan's data package (ZIP),
and the cells of every table and the data of every chart (CSV, Excel), written by the book's
Sphinx extension (pom_lib.render.sphinx_tables) beside the HTML pages.

Every file's bytes depend only on its content, so publishing the same edition twice gives
identical downloads (fixed timestamps and permissions, entries sorted by name).
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pom_lib.core import paths
from pom_lib.data import contract
from pom_lib.data.plan import Plan
from pom_lib.export.matrix import EXPORT_COLUMNS, FIXED_TIME, tidy_matrix, to_csv_text, to_xlsx_bytes, workbook_bytes
from pom_lib.export.spreadsheet_safety import defused, excel_csv

MATRIX_CSV = "matriz.csv"
MATRIX_XLSX = "matriz.xlsx"
PACKAGE_ZIP = "paquete-datos.zip"
_FILE_MODE = 0o100644  # a regular file, rw-r--r--

# What each column of the matrix download holds, for the book's data dictionary.
MATRIX_COLUMNS = {
    "programa": "Programa presupuestario al que pertenece el producto.",
    "producto": "Nombre del producto, como lo escribe el documento.",
    "subproducto": "Nombre del subproducto; vacío en las filas que son del producto.",
    "unidad_medida": "Unidad en que se cuenta la meta física, una de las unidades de medida del plan.",
    "anio": "Año de la meta.",
    "meta_fisica": "Cantidad de unidades que el plan se propone entregar ese año.",
    "meta_financiera": "Quetzales asignados a esa meta ese año, sin separadores de miles.",
}


def deterministic_zip(files: Mapping[str, bytes]) -> bytes:
    """A ZIP archive of `files` (name → bytes) whose bytes depend only on its contents.

    Names are plain relative names («carpeta/archivo.csv»): unpacking the archive never writes
    outside the folder it is unpacked in.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            if not paths.is_plain(name):
                raise ValueError(f"nombre no admitido en un ZIP: {name!r}")
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the machine that builds the book
            info.external_attr = _FILE_MODE << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def package_files(source: Path) -> dict[str, bytes]:
    """The data package's files under a folder named like the plan folder.

    A folder gives its own files (contract.package_paths: datapackage.json, the tables and README.md),
    each a regular file of the folder; a workbook gives itself. Whatever else the folder holds or its
    descriptor names is never read.
    """
    source = Path(source).absolute()
    if not source.is_dir():
        return {source.name: paths.folder_file(source.parent, source.name).read_bytes()}
    folder = Path(os.path.normpath(source))
    return {
        f"{folder.name}/{name}": paths.folder_file(folder, name).read_bytes() for name in contract.package_paths(folder)
    }


def package_zip(source: Path) -> bytes:
    return deterministic_zip(package_files(source))


def matrix_dictionary() -> pd.DataFrame:
    """The columns of the matrix download and what they hold (Spanish, for display.Table)."""
    return pd.DataFrame({"Columna": EXPORT_COLUMNS, "Contenido": [MATRIX_COLUMNS[c] for c in EXPORT_COLUMNS]})


def write_downloads(plan: Plan, folder: str | Path) -> dict[str, Path]:
    """Write the matrix (CSV and Excel) and the zipped data package into `folder`; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = tidy_matrix(plan)
    contents = {
        MATRIX_CSV: excel_csv(to_csv_text(table)),
        MATRIX_XLSX: to_xlsx_bytes(table),
        PACKAGE_ZIP: package_zip(plan.source),
    }
    paths = {}
    for name, data in contents.items():
        path = folder / name
        # Rewritten only when different, so re-running a chapter leaves the files untouched.
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        paths[name] = path
    return paths


# --- A table's cells as data -----------------------------------------------------------------------

# «Q1,234,567», «-1,234.5», «+4.2 %», «2025»: the formats of pom_lib.core.formatting, read back as numbers.
_NUMBER = re.compile(
    r"^(?P<sign>[-−+]?)(?P<q>Q?)(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?"
    r"(?P<percent>\s?%)?$"
)
MISSING_CELLS = {"", "—"}


def cell_value(text: str) -> tuple[object, str | None]:
    """A displayed cell as (value, Excel number format): numbers as numbers, the rest as trimmed text.

    Percentages keep the points shown (47.1 for «47.1 %»), so the CSV and the sheet read like the book.
    """
    if text is None:
        return None, None
    text = str(text).strip()
    if text in MISSING_CELLS:
        return None, None
    match = _NUMBER.match(text.replace("\u00a0", " "))
    if match is None:
        return text, None
    decimals = len(match["decimals"] or ".") - 1
    number = float(match["digits"].replace(",", "") + (match["decimals"] or ""))
    value = -number if match["sign"] in ("-", "−") else number
    value = int(value) if not decimals else value
    places = "." + "0" * decimals if decimals else ""
    if match["percent"]:
        return value, f'0{places}" %"'
    if match["q"]:
        return value, f'"Q"#,##0{places}'
    return value, f"#,##0{places}" if "," in match["digits"] or decimals else "0"


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_csv(columns: list[str], rows: list[list]) -> bytes:
    """CSV for Excel (UTF-8 with a byte-order mark), comma-separated, numbers without thousands separators
    or currency sign, and no text that a spreadsheet would run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([defused(column) for column in columns])
    for row in rows:
        writer.writerow(
            [_plain(defused(cell if isinstance(cell, (int, float)) else cell_value(cell)[0])) for cell in row]
        )
    return excel_csv(buffer.getvalue())


def table_xlsx(columns: list[str], rows: list[list], title: str) -> bytes:
    """One sheet: bold header, figures as numbers in the book's formats, first row frozen (text that looks like
    a formula is defused when the workbook is saved, matrix.workbook_bytes)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "datos"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(c)) for c in columns]
    # Each row's number counted here: the sheet's max_row looks at every cell, once per row a table of
    # thousands of rows would take minutes.
    for number, row in enumerate(rows, start=2):
        values = [(cell, None) if isinstance(cell, (int, float)) else cell_value(cell) for cell in row]
        sheet.append([v for v, _ in values])
        for column, (value, number_format) in enumerate(values, start=1):
            if number_format:
                sheet.cell(number, column).number_format = number_format
            widths[column - 1] = max(widths[column - 1], min(60, len(str(value or ""))))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    sheet.freeze_panes = "A2"
    workbook.properties.title = title
    return workbook_bytes(workbook)
