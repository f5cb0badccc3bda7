"""The multi-year planning matrix as one tidy table, and its CSV and Excel exports."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pom_lib.data.plan import Plan
from pom_lib.export.spreadsheet_safety import defuse_workbook, defused_frame, excel_csv

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

EXPORT_COLUMNS = ["programa", "producto", "subproducto", "unidad_medida", "anio", "meta_fisica", "meta_financiera"]
# Fixed timestamp inside the workbook, so the same plan always gives the same bytes.
FIXED_TIME = datetime(2000, 1, 1)


def tidy_matrix(plan: Plan) -> pd.DataFrame:
    """One row per product or subproduct and year; `subproducto` is empty on product rows."""
    goals = plan.goals
    products = plan.products.set_index("producto_id")["nombre"]
    is_sub = goals["nivel"] == "subproducto"
    table = pd.DataFrame(
        {
            "programa": goals["programa"],
            "producto": goals["producto_id"].map(products),
            "subproducto": goals["nombre"].where(is_sub, ""),
            "unidad_medida": goals["unidad_medida"],
            "anio": goals["anio"],
            "meta_fisica": goals["meta_fisica"],
            "meta_financiera": goals["meta_financiera"],
        }
    )
    # Goals are whole quetzales: export them as integers, not 401812176.0.
    whole = (table["meta_financiera"] % 1 == 0).all()
    if whole:
        table["meta_financiera"] = table["meta_financiera"].astype("Int64")
    return table[EXPORT_COLUMNS]


def to_csv_text(table: pd.DataFrame) -> str:
    """The table as CSV text, with no text cell a spreadsheet would run as a formula (and no byte-order mark)."""
    return defused_frame(table).to_csv(index=False, lineterminator="\n")


def to_xlsx_bytes(table: pd.DataFrame, sheet: str = "matriz") -> bytes:
    """An Excel workbook whose bytes depend only on the table (no creation dates)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet, index=False)
        _prepare(writer.book, exact_text=False)
    return _normalise_zip(buffer.getvalue())


def workbook_bytes(workbook: Workbook, *, exact_text: bool = False) -> bytes:
    """An openpyxl workbook saved so that its bytes depend only on its content, with no live formula.

    `exact_text` keeps text that looks like a formula exactly as it is (spreadsheet_safety.defuse_workbook).
    """
    _prepare(workbook, exact_text=exact_text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _prepare(workbook: Workbook, *, exact_text: bool) -> None:
    defuse_workbook(workbook, exact_text=exact_text)
    props = workbook.properties
    props.created = props.modified = FIXED_TIME
    props.creator = props.lastModifiedBy = None


def _normalise_zip(data: bytes) -> bytes:
    """Same entries in the same order with fixed dates, and openpyxl's save time removed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time as «modified» whatever the properties say.
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*",
                    rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode(),
                    content,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


def write_matrix(table: pd.DataFrame, path: Path, file_format: str) -> None:
    """Write the matrix to a new file (an existing file is never replaced).

    A CSV file is most often opened in Excel: it gets the byte-order mark (the standard output does not).
    """
    content = excel_csv(to_csv_text(table)) if file_format == "csv" else to_xlsx_bytes(table)
    with Path(path).open("xb") as file:
        file.write(content)
