"""No spreadsheet the project writes carries a live formula, numbers stay numbers, and CSV downloads open
in Excel with their accents (UTF-8 with a byte-order mark).

A copy of the real plan gets names that begin like a formula; every CSV is read back with the csv
module and every workbook with openpyxl. Expected values are typed by hand.
"""

import csv
import io

import openpyxl
import pandas as pd
import pytest

from pom_lib.data.plan import load_plan
from pom_lib.export import downloads, spreadsheet_safety
from pom_lib.export.execution_template import template_bytes
from pom_lib.export.matrix import to_csv_text, to_xlsx_bytes
from tests.support.commands import pom

BOM = b"\xef\xbb\xbf"
# Names the plan copy gets, as they must read in the CSV and Excel downloads.
HOSTILE = {
    ("programas", "servicios_consulares"): (
        '=HYPERLINK("http://evil.invalid","clic")',
        '\'=HYPERLINK("http://evil.invalid","clic")',
    ),
    ("productos", "PRD01"): ("+502 5555 1234", "'+502 5555 1234"),
    ("subproductos", "SUB01"): ("-2 sedes nuevas", "'-2 sedes nuevas"),
    ("subproductos", "SUB02"): ("@SUMA(A1:A9)", "'@SUMA(A1:A9)"),
}
DEFUSED_NAMES = {defused for _, defused in HOSTILE.values()}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_plan(plan_copy):
    for (table, key), (name, _) in HOSTILE.items():
        path = plan_copy / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file))
        column = rows[0].index("nombre")
        for row in rows[1:]:
            if row[0] == key:
                row[column] = name
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file, lineterminator="\n").writerows(rows)
    return plan_copy


def _csv_cells(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"))))


def _assert_no_live_formula_in_csv(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            # A negative number is the only cell allowed to begin with «-».
            assert not cell.startswith(FORMULA_STARTS) or _is_number(cell), cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _workbook_cells(data: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_no_live_formula_in_xlsx(data: bytes) -> None:
    for cell in _workbook_cells(data):
        assert cell.data_type != "f", cell.coordinate
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), (cell.coordinate, cell.value)


def test_matriz_csv_file_and_standard_output(hostile_plan, tmp_path):
    target = tmp_path / "matriz.csv"
    assert pom("matriz", hostile_plan, "-o", target).returncode == 0
    rows = _csv_cells(target.read_bytes())
    _assert_no_live_formula_in_csv(rows)
    names = {cell for row in rows for cell in row[:3]}
    assert DEFUSED_NAMES <= names
    # SUB01 in 2029 (the figures of the document, as test_cli reads them): names defused, numbers plain.
    (row,) = [r for r in rows if r[2] == "'-2 sedes nuevas" and r[4] == "2029"]
    assert row == [
        '\'=HYPERLINK("http://evil.invalid","clic")',
        "'+502 5555 1234",
        "'-2 sedes nuevas",
        "Documento",
        "2029",
        "1806195",
        "516080148",
    ]
    # The standard output is the same table without the byte-order mark.
    printed = pom("matriz", hostile_plan).stdout
    assert not printed.startswith("\ufeff")
    assert BOM + printed.encode("utf-8") == target.read_bytes()


def test_matriz_xlsx_file_has_text_cells_only_where_text_is(hostile_plan, tmp_path):
    target = tmp_path / "matriz.xlsx"
    assert pom("matriz", hostile_plan, "--formato", "xlsx", "-o", target).returncode == 0
    data = target.read_bytes()
    _assert_no_live_formula_in_xlsx(data)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert DEFUSED_NAMES <= {cell.value for row in rows for cell in row[:3]}
    assert all(isinstance(row[5].value, int) and isinstance(row[6].value, int) for row in rows)


def test_book_matrix_downloads(hostile_plan, tmp_path):
    paths = downloads.write_downloads(load_plan(hostile_plan), tmp_path)
    rows = _csv_cells(paths[downloads.MATRIX_CSV].read_bytes())
    assert rows[0][0] == "programa"  # the mark is not part of the first name
    _assert_no_live_formula_in_csv(rows)
    assert DEFUSED_NAMES <= {cell for row in rows for cell in row}
    _assert_no_live_formula_in_xlsx(paths[downloads.MATRIX_XLSX].read_bytes())


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+502", "'+502"),
        ("-2 sedes", "'-2 sedes"),
        ("@SUMA(A1)", "'@SUMA(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Consular", "Consular"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_defused_quotes_text_that_begins_like_a_formula_and_nothing_else(value, expected):
    assert spreadsheet_safety.defused(value) == expected


def test_matrix_csv_text_defuses_text_and_keeps_numbers():
    table = pd.DataFrame(
        {
            "programa": ["\t=1+1", "@x", "Consular", "-"],
            "anio": [2025, 2026, 2027, 2028],
            "meta_fisica": [-5, 0, 12, 3],
            "meta_financiera": [-2.5, 1.5, 100.0, 0.25],
        }
    )
    assert to_csv_text(table) == (
        "programa,anio,meta_fisica,meta_financiera\n"
        "'\t=1+1,2025,-5,-2.5\n"
        "'@x,2026,0,1.5\n"
        "Consular,2027,12,100.0\n"
        "'-,2028,3,0.25\n"
    )
    cells = _workbook_cells(to_xlsx_bytes(table))
    assert [c.value for c in cells] == [
        "programa", "anio", "meta_fisica", "meta_financiera",
        "'\t=1+1", 2025, -5, -2.5,
        "'@x", 2026, 0, 1.5,
        "Consular", 2027, 12, 100,
        "'-", 2028, 3, 0.25,
    ]  # fmt: skip
    assert {c.data_type for c in cells if isinstance(c.value, str)} == {"s"}
    assert {c.data_type for c in cells if not isinstance(c.value, str)} == {"n"}


def test_table_downloads_defuse_text_and_keep_negative_numbers():
    columns = ["=Columna", "Monto", "Cambio"]
    rows = [
        ['=HYPERLINK("http://evil.invalid")', "-Q100,000", "-4.5 %"],
        ["\t@SUMA(A1)", "Q1,234", "+2.0 %"],
        ["-3 sedes", "-7", "—"],
        ["Consular & migrantes", 12.5, -3],
    ]
    text = downloads.table_csv(columns, rows)
    assert text == BOM + (
        b"'=Columna,Monto,Cambio\n"
        b'"\'=HYPERLINK(""http://evil.invalid"")",-100000,-4.5\n'
        b"'@SUMA(A1),1234,2\n"  # the displayed cell is trimmed, then defused
        b"'-3 sedes,-7,\n"
        b"Consular & migrantes,12.5,-3\n"
    )
    data = downloads.table_xlsx(columns, rows, "Tabla")
    _assert_no_live_formula_in_xlsx(data)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["'=Columna", "Monto", "Cambio"],
        ['\'=HYPERLINK("http://evil.invalid")', -100000, -4.5],
        ["'@SUMA(A1)", 1234, 2.0],
        ["'-3 sedes", -7, None],
        ["Consular & migrantes", 12.5, -3],
    ]


def test_execution_template_has_no_live_formula(hostile_plan):
    data = template_bytes(load_plan(hostile_plan), 2025)
    _assert_no_live_formula_in_xlsx(data)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["ejecucion"]
    names = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"'-2 sedes nuevas", "'@SUMA(A1:A9)", "'+502 5555 1234"} <= names
    assert sheet["I2"].data_type == "n"  # goals stay numbers


def test_plan_workbook_keeps_the_exact_text_in_string_cells_and_imports_it_back(hostile_plan, tmp_path):
    workbook_path = tmp_path / "plan.xlsx"
    assert pom("exportar", hostile_plan, "-o", workbook_path).returncode == 0
    workbook = openpyxl.load_workbook(workbook_path)
    cells = {
        (sheet.title, cell.value): cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    for (table, _), (name, _) in HOSTILE.items():
        cell = cells[(table, name)]
        assert cell.data_type == "s" and cell.quotePrefix, (table, name)
    assert all(cell.data_type != "f" for cell in cells.values())
    back = tmp_path / "importado"
    assert pom("importar", workbook_path, "-o", back).returncode == 0
    for table in ("programas", "productos", "subproductos"):
        assert (back / f"{table}.csv").read_bytes() == (hostile_plan / f"{table}.csv").read_bytes(), table
