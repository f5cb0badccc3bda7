"""Loading a plan folder or workbook: what analysts write is read as they meant it.

The mistakes an analyst can make, and where `pom validar` points at each, are the corpus of
tests/test_bad_inputs.py; here are the inputs that must load, and how their values are read.
"""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pom_lib.core.errors import PlanError, Problem
from pom_lib.data.contract import resources_of
from pom_lib.data.validation import load_tables
from tests.support.paths import PLAN_DIR
from tests.support.spoil import edit_sheet, fingerprint, replace, rows, workbook_only, write_rows


def _problems(source: Path) -> list[Problem]:
    """The problems reported for `source`, after checking that no file was modified."""
    folder = source if source.is_dir() else source.parent
    before = fingerprint(folder)
    with pytest.raises(PlanError) as raised:
        load_tables(source)
    assert fingerprint(folder) == before
    return raised.value.problems


# The valid plan


def test_the_real_plan_loads_with_typed_columns_in_schema_order():
    tables = load_tables(PLAN_DIR)
    schemas = {resource["name"]: resource["schema"] for resource in resources_of(())}  # no optional table
    assert list(tables) == list(schemas)
    for name, schema in schemas.items():
        assert list(tables[name].columns) == [field["name"] for field in schema["fields"]]
    goals = tables["metas_productos"]
    assert str(goals["meta_fisica"].dtype) == "Int64"
    assert str(goals["meta_financiera"].dtype) == "Float64"
    assert str(tables["programas"]["nombrado_en_documento"].dtype) == "boolean"
    assert goals.iloc[0].tolist() == ["PRD01", 2025, 1252155, 401812176.0]
    assert tables["fichas_metas"]["ejecucion"].isna().all()
    assert str(tables["productos"]["nombre"].dtype) == "string"
    assert tables["fichas_elementos"]["subproducto_id"].iloc[0] is pd.NA


def test_a_header_only_expansion_table_is_an_empty_table(plan_copy):
    """A plan may announce no network expansion: the table is then just its header."""
    header = "ambito,orden,texto,seccion"
    (plan_copy / "expansion_red.csv").write_text(header + "\n", encoding="utf-8")
    table = load_tables(plan_copy)["expansion_red"]
    assert table.empty
    assert list(table.columns) == header.split(",")


def test_fiche_goals_must_cover_every_plan_year(plan_copy):
    header = "ficha_id,anio,meta_absoluta,meta_relativa,ejecucion"
    (plan_copy / "fichas_metas.csv").write_text(header + "\n", encoding="utf-8")
    problems = _problems(plan_copy)
    assert [(p.file, p.message) for p in problems] == [
        (
            "fichas_metas.csv",
            f"la ficha «{fiche}» no tiene meta para 2025, 2026, 2027, 2028, 2029: escriba una fila por año del plan",
        )
        for fiche in ("FICHA_PRODUCTO", "FICHA_SUBPRODUCTO")
    ]


def test_columns_in_another_order_are_read_by_name(plan_copy):
    path = plan_copy / "metas_productos.csv"
    write_rows(path, [row[::-1] for row in rows(path)])
    pd.testing.assert_frame_equal(load_tables(plan_copy)["metas_productos"], load_tables(PLAN_DIR)["metas_productos"])


def test_every_problem_of_every_file_is_reported_at_once(plan_copy):
    replace(plan_copy / "metas_productos.csv", "PRD01,2025,1252155,", "PRD01,2025,mil,")
    replace(plan_copy / "subproductos.csv", "SUB01,PRD01,", "SUB01,PRD99,")
    replace(plan_copy / "metas_subproductos.csv", "SUB01,2025,", "SUB01,2031,")
    files = {problem.file for problem in _problems(plan_copy)}
    assert files == {"metas_productos.csv", "subproductos.csv", "metas_subproductos.csv"}


def test_a_spoiled_file_is_reported_once_not_again_as_missing_goals(plan_copy):
    """A goal whose year cannot be read is one mistake: no «missing goal» for that product on top."""
    replace(plan_copy / "metas_productos.csv", "PRD01,2025,", "PRD01,dosmil,")
    assert [(p.row, p.column) for p in _problems(plan_copy)] == [(2, "anio")]


# CSV encodings and delimiters


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8-sig"])
def test_spanish_text_is_read_in_every_accepted_encoding(plan_copy, encoding):
    path = plan_copy / "productos.csv"
    text = path.read_text(encoding="utf-8")
    assert "ó" in text
    path.write_bytes(text.encode(encoding))
    pd.testing.assert_frame_equal(load_tables(plan_copy)["productos"], load_tables(PLAN_DIR)["productos"])


def test_dashes_and_apostrophes_between_words_are_spanish_text(plan_copy):
    """«Guatemala–México», «Côte d’Ivoire»: joiners between a word and a capital are not a wrong encoding."""
    path = plan_copy / "poblacion_objetivo.csv"
    header, *records = rows(path)
    records[1][header.index("region")] = "México–Guatemala, Côte d’Ivoire"
    write_rows(path, [header, *records])
    assert "México–Guatemala, Côte d’Ivoire" in set(load_tables(plan_copy)["poblacion_objetivo"]["region"])


def test_semicolon_separated_file_is_read(plan_copy):
    path = plan_copy / "productos.csv"
    write_rows(path, rows(path), delimiter=";")
    pd.testing.assert_frame_equal(load_tables(plan_copy)["productos"], load_tables(PLAN_DIR)["productos"])


# Excel workbooks


def test_workbook_with_every_table_gives_the_same_tables_as_the_csvs(plan_copy):
    workbook = workbook_only(plan_copy)
    # Formatting far from the data leaves empty cells that must not become rows or columns.
    edit_sheet(workbook, "productos", lambda sheet: sheet.cell(row=40, column=20, value="  "))
    expected = load_tables(PLAN_DIR)
    for source in (plan_copy, workbook):
        tables = load_tables(source)
        assert list(tables) == list(expected)
        for name in expected:
            pd.testing.assert_frame_equal(tables[name], expected[name], obj=name)


def test_csvs_are_preferred_over_a_workbook_in_the_same_folder(plan_copy):
    (plan_copy / "pom.xlsx").write_bytes(b"not a workbook")
    pd.testing.assert_frame_equal(load_tables(plan_copy)["plan"], load_tables(PLAN_DIR)["plan"])


@pytest.mark.parametrize(
    ("stored", "number_format", "read"),
    [
        (0.471, "0.0%", 47.1),  # cobertura 47.1 %, typed as a percentage
        (0.3610, "0.00%", 36.1),
        (1, "0%", 100.0),
        (47.1, '0.0" %"', 47.1),  # a quoted % is only a sign: the number is read as stored
        (47.1, "General", 47.1),
    ],
)
def test_percent_cells_are_read_as_the_percentage_shown(plan_copy, stored, number_format, read):
    workbook = workbook_only(plan_copy)

    def type_percentage(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "cobertura_meta_2029")
        cell = sheet.cell(row, [c.value for c in sheet[1]].index("valor") + 1)
        cell.value, cell.number_format = stored, number_format

    edit_sheet(workbook, "cifras_clave", type_percentage)
    figures = load_tables(workbook)["cifras_clave"].set_index("clave")["valor"]
    assert figures["cobertura_meta_2029"] == read


def test_a_formula_with_its_value_is_read_as_the_value(plan_copy):
    """Excel keeps each formula's last value in the file: that is what the analyst saw."""
    workbook = workbook_only(plan_copy)
    edit_sheet(workbook, "totales_anuales", lambda sheet: setattr(sheet["B2"], "value", "=980000000*1"))
    # openpyxl saves no value for a formula; write one as Excel would.
    _store_cached_value(workbook, "totales_anuales", "B2", "980000000")
    assert load_tables(workbook)["totales_anuales"]["meta_financiera"].iloc[0] == 980_000_000


def _store_cached_value(path: Path, sheet_name: str, coordinate: str, value: str) -> None:
    """Add the cached value Excel writes beside a formula (<v>) to a workbook saved by openpyxl."""
    import re
    import zipfile

    workbook = openpyxl.load_workbook(path)
    index = workbook.sheetnames.index(sheet_name) + 1
    member = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as source:
        files = {info.filename: source.read(info.filename) for info in source.infolist()}
    xml = files[member].decode("utf-8")
    xml, count = re.subn(rf'(<c r="{coordinate}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?', rf"\1\2<v>{value}</v>", xml)
    assert count == 1
    files[member] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in files.items():
            target.writestr(name, content)


def test_the_characters_read_in_one_pass_are_never_invisible_nor_foreign():
    """A cell of PLAIN_TEXT skips the character-by-character checks: each of its characters must pass them."""
    import unicodedata

    from pom_lib.data import reading

    plain = [chr(code) for code in range(0x110000) if reading.PLAIN_TEXT.fullmatch(chr(code))]
    assert {"a", "Z", "0", " ", "~", "\n", "á", "Ñ", "ü", "ÿ"} <= set(plain)
    assert not {"\t", "\x00", "\u00ad", "ª", "×", "÷", "–", "«", "\u200b", "\ufffd"} & set(plain)
    for char in plain:
        assert reading._invisible(char) is None
        # What _foreign_character never flags: line breaks, printable ASCII, letters (never a control).
        assert char in "\n\r" or (char.isascii() and char.isprintable()) or char.isalpha()
        assert not unicodedata.category(char).startswith("C") or char in "\n\r"
