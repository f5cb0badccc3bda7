"""Spreadsheet files that open as data: no cell runs as a formula, and Excel reads the accents of a CSV.

A plan's text reaches every CSV and Excel file the project writes. Excel and LibreOffice run a
cell that begins with «=», «+», «-» or «@» as a formula (and some begin one after a tab or a
carriage return), so a name like «=HYPERLINK("http://…")» would become a live link or worse.
Following the usual guidance on CSV injection, such a text is written with a single quote
before it ('=HYPERLINK…): the spreadsheet shows it as text and never calculates it. Numbers are
never touched: -5 stays the number -5.

Excel on Windows reads a CSV file as UTF-8 only when it starts with a byte-order mark; without
one, «Población» opens as «PoblaciÃ³n». The book's CSV downloads carry it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

# What a spreadsheet may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
BYTE_ORDER_MARK = "\ufeff"


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def defused(value: object) -> object:
    """A text a spreadsheet would run, behind a single quote; numbers and any other value as they are."""
    return QUOTE + value if looks_like_formula(value) else value


def defused_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its text columns defused (numeric columns keep their type)."""
    text = table.select_dtypes(include=["object", "string"]).columns
    return table.assign(**{column: table[column].map(defused) for column in text})


def defuse_workbook(workbook: Workbook, *, exact_text: bool = False) -> None:
    """Every text cell of `workbook` becomes a string cell that no spreadsheet calculates.

    By default a text that looks like a formula gets the quote in front, like the CSV files. With
    `exact_text` the text stays exactly as it is, for a workbook that must be read back unchanged
    (the plan's workbook): a string cell is never calculated when the file is opened, and its
    quote-prefix style keeps it text when someone edits the cell and presses Enter.

    The project's workbooks hold data only, never a formula of their own: openpyxl stores any
    text beginning with «=» as a formula, so those cells are turned back into text.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                if exact_text:
                    if looks_like_formula(cell.value):
                        cell.quotePrefix = True
                else:
                    cell.value = defused(cell.value)
                cell.data_type = "s"


def excel_csv(text: str) -> bytes:
    """CSV text as the bytes of a file that Excel opens with its accents (UTF-8 with a byte-order mark)."""
    return (BYTE_ORDER_MARK + text).encode("utf-8")
