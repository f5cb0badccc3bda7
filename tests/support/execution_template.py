"""The fictional 2025 execution typed into an execution template, as an analyst would in Excel."""

import csv
from pathlib import Path

import openpyxl

from tests.support.paths import EXECUTION_CSV


def fill_template(path: Path) -> dict[str, int]:
    """Type the fictional 2025 execution into a 2025 template, as an analyst would in Excel.

    Whole-year values go into the pre-filled rows; cuatrimestre rows are written in the free
    rows below the items. Returns the row of each pre-filled item, for tests that spoil cells.
    """
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["ejecucion"]
    header = [cell.value for cell in sheet[1]]
    item_rows = {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value}
    free_row = max(item_rows.values()) + 1
    with EXECUTION_CSV.open(encoding="utf-8", newline="") as file:
        for record in csv.DictReader(file):
            if record["cuatrimestre"]:
                row, free_row = free_row, free_row + 1
                for column in ("elemento_id", "anio", "cuatrimestre"):
                    value = record[column]
                    sheet.cell(row, header.index(column) + 1, value if column == "elemento_id" else int(value))
            else:
                row = item_rows[record["elemento_id"]]
            for column in ("ejecucion_fisica", "ejecucion_financiera", "presupuesto_vigente"):
                if record[column]:
                    sheet.cell(row, header.index(column) + 1, float(record[column]))
    workbook.save(path)
    return item_rows
