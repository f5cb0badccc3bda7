"""Loading a plan folder: every mistake an analyst can make is reported in Spanish, with its place.

Each failing case spoils a copy of the real plan and checks that the message names the file
(or workbook and sheet), the row and the column, and that the analyst's files were left as
they were.
"""

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pom_lib.errors import PlanError, Problem
from pom_lib.validation import load_tables

from conftest import PLAN_DIR


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _problems(source: Path) -> list[Problem]:
    """The problems reported for `source`, after checking that no file was modified."""
    folder = source if source.is_dir() else source.parent
    before = _snapshot(folder)
    with pytest.raises(PlanError) as raised:
        load_tables(source)
    assert _snapshot(folder) == before
    return raised.value.problems


def _find(problems: list[Problem], file: str, text: str, row=None, column=None, sheet=None) -> Problem:
    """The problem in `file` whose message contains `text`, at the given place."""
    matches = [p for p in problems if p.file == file and text in p.message]
    assert matches, f"no hay problema «{text}» en {file}; hay: {[str(p) for p in problems]}"
    problem = matches[0]
    assert (problem.row, problem.column, problem.sheet) == (row, column, sheet), str(problem)
    return problem


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def _write_rows(path: Path, rows: list[list[str]], **format) -> None:
    with path.open("w", encoding=format.pop("encoding", "utf-8"), newline="") as file:
        csv.writer(file, **format).writerows(rows)


def _schemas(folder: Path) -> dict[str, dict]:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return {resource["name"]: resource["schema"] for resource in descriptor["resources"]}


def _excel_value(text: str, field_type: str):
    """A CSV cell as an analyst would type it in Excel: numbers as numbers."""
    if text == "":
        return None
    if field_type == "integer":
        return int(text)
    if field_type == "number":
        return float(text)
    if field_type == "boolean":
        return text == "true"
    return text


def _write_workbook(folder: Path, path: Path) -> None:
    """A workbook with one sheet per CSV of `folder`, named like the table."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, schema in _schemas(folder).items():
        sheet = workbook.create_sheet(name)
        header, *rows = _rows(folder / f"{name}.csv")
        types = [field["type"] for field in schema["fields"]]
        sheet.append(header)
        for row in rows:
            sheet.append([_excel_value(cell, field_type) for cell, field_type in zip(row, types)])
    workbook.save(path)


def _workbook_only(folder: Path) -> Path:
    """Turn the plan folder into datapackage.json plus one workbook (no CSVs)."""
    path = folder / "pom.xlsx"
    _write_workbook(folder, path)
    for csv_file in folder.glob("*.csv"):
        csv_file.unlink()
    return path


def _edit_sheet(path: Path, sheet_name: str, edit) -> None:
    workbook = openpyxl.load_workbook(path)
    edit(workbook[sheet_name])
    workbook.save(path)


# The valid plan


def test_the_real_plan_loads_with_typed_columns_in_schema_order():
    tables = load_tables(PLAN_DIR)
    schemas = _schemas(PLAN_DIR)
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
        ("fichas_metas.csv", f"la ficha «{fiche}» no tiene meta para 2025, 2026, 2027, 2028, 2029: escriba una fila "
                             "por año del plan") for fiche in ("FICHA_PRODUCTO", "FICHA_SUBPRODUCTO")]


# Files and columns


def test_missing_datapackage_names_the_folder(plan_copy):
    (plan_copy / "datapackage.json").unlink()
    [problem] = _problems(plan_copy)
    assert problem.file == str(plan_copy)
    assert "falta el archivo datapackage.json" in problem.message


def test_missing_file_names_the_file_and_the_folder(plan_copy):
    (plan_copy / "productos.csv").unlink()
    assert [str(p) for p in _problems(plan_copy)] == [f"{plan_copy}: falta el archivo productos.csv"]


def test_missing_column(plan_copy):
    path = plan_copy / "metas_productos.csv"
    _write_rows(path, [row[:2] + row[3:] for row in _rows(path)])
    problem = _find(_problems(plan_copy), "metas_productos.csv", "falta la columna «meta_fisica»", row=1)
    assert str(problem) == "metas_productos.csv, fila 1: falta la columna «meta_fisica»"


def test_misspelled_column_suggests_the_right_name(plan_copy):
    _replace(plan_copy / "metas_productos.csv", "meta_fisica", "meta_fsica")
    problems = _problems(plan_copy)
    assert [str(p) for p in problems] == [
        "metas_productos.csv, fila 1, columna «meta_fsica»: "
        "la columna «meta_fsica» no se reconoce; ¿quiso decir «meta_fisica»?"
    ]


def test_extra_column_is_reported(plan_copy):
    path = plan_copy / "totales_anuales.csv"
    _write_rows(path, [row + [cell] for row, cell in zip(_rows(path), ["observaciones"] + ["ok"] * 5)])
    _find(_problems(plan_copy), "totales_anuales.csv", "no pertenece a esta tabla", row=1, column="observaciones")


def test_columns_in_another_order_are_read_by_name(plan_copy):
    path = plan_copy / "metas_productos.csv"
    _write_rows(path, [row[::-1] for row in _rows(path)])
    pd.testing.assert_frame_equal(load_tables(plan_copy)["metas_productos"], load_tables(PLAN_DIR)["metas_productos"])


# Values


@pytest.mark.parametrize(("typed", "hint"), [("\"1,252,155\"", "escriba 1252155, sin separadores de miles"),
                                             ("mil", "escriba solo cifras")])
def test_text_in_a_number(plan_copy, typed, hint):
    _replace(plan_copy / "metas_productos.csv", "PRD01,2025,1252155,", f"PRD01,2025,{typed},")
    problem = _find(_problems(plan_copy), "metas_productos.csv", "no es un número entero", row=2, column="meta_fisica")
    assert hint in problem.message


def test_unquoted_thousands_separator_shifts_the_columns(plan_copy):
    _replace(plan_copy / "metas_productos.csv", "PRD01,2025,1252155,", "PRD01,2025,1,252,155,")
    _find(_problems(plan_copy), "metas_productos.csv", "la fila tiene 6 valores y el encabezado solo 4 columnas", row=2)


def test_decimal_comma_in_a_number(plan_copy):
    _replace(plan_copy / "cifras_clave.csv", ",47.1,", ",\"47,1\",")
    problem = _find(_problems(plan_copy), "cifras_clave.csv", "«47,1» no es un número", row=4, column="valor")
    assert "use punto para los decimales: 47.1" in problem.message


def test_negative_goal(plan_copy):
    _replace(plan_copy / "metas_productos.csv", "PRD01,2026,1314764,472075234", "PRD01,2026,1314764,-472075234")
    problem = _find(_problems(plan_copy), "metas_productos.csv", "valor negativo", row=3, column="meta_financiera")
    assert problem.message == "valor negativo (-472075234): no puede ser menor que 0"


def test_missing_required_value(plan_copy):
    _replace(plan_copy / "metas_productos.csv", "PRD01,2026,1314764,", "PRD01,2026,,")
    _find(_problems(plan_copy), "metas_productos.csv", "falta el valor", row=3, column="meta_fisica")


def test_value_outside_enum_lists_the_allowed_ones(plan_copy):
    _replace(plan_copy / "fichas.csv", "FICHA_PRODUCTO,producto,", "FICHA_PRODUCTO,Producto,")
    _find(_problems(plan_copy), "fichas.csv", "debe ser uno de: producto, subproducto", row=2, column="nivel")


def test_identifier_with_the_wrong_form_explains_the_pattern(plan_copy):
    _replace(plan_copy / "metas_productos.csv", "PRD01,2025,", "Prd01,2025,")
    problems = _problems(plan_copy)
    _find(problems, "metas_productos.csv", "tres letras mayúsculas seguidas de al menos dos cifras",
          row=2, column="producto_id")


def test_duplicate_identifier_points_to_the_first_row(plan_copy):
    path = plan_copy / "productos.csv"
    rows = _rows(path)
    _write_rows(path, rows + [rows[3]])
    problem = _find(_problems(plan_copy), "productos.csv", "identificador duplicado", row=len(rows) + 1,
                    column="producto_id")
    assert problem.message == "identificador duplicado «PRD03» (ya aparece en la fila 4)"


def test_duplicate_year_of_a_product(plan_copy):
    _replace(plan_copy / "metas_productos.csv", "PRD01,2026,", "PRD01,2025,")
    problem = _find(_problems(plan_copy), "metas_productos.csv", "combinación duplicada", row=3,
                    column="producto_id, anio")
    assert problem.message == "combinación duplicada: producto_id «PRD01» y anio «2025» (ya aparece en la fila 2)"


def test_subproduct_of_an_unknown_product(plan_copy):
    _replace(plan_copy / "subproductos.csv", "SUB01,PRD01,", "SUB01,PRD99,")
    problem = _find(_problems(plan_copy), "subproductos.csv", "PRD99", row=2, column="producto_id")
    assert problem.message == "el identificador «PRD99» no existe en productos.csv"


def test_year_outside_the_plan(plan_copy):
    _replace(plan_copy / "metas_productos.csv", "PRD01,2029,", "PRD01,2031,")
    problem = _find(_problems(plan_copy), "metas_productos.csv", "fuera del período", row=6, column="anio")
    assert problem.message == "el año 2031 está fuera del período del plan (2025-2029)"


def test_blank_row_in_the_middle(plan_copy):
    _replace(plan_copy / "totales_anuales.csv", "2026,", "\n2026,")
    _find(_problems(plan_copy), "totales_anuales.csv", "fila vacía", row=3)


def test_every_problem_of_every_file_is_reported_at_once(plan_copy):
    _replace(plan_copy / "metas_productos.csv", "PRD01,2025,1252155,", "PRD01,2025,mil,")
    _replace(plan_copy / "subproductos.csv", "SUB01,PRD01,", "SUB01,PRD99,")
    _replace(plan_copy / "metas_subproductos.csv", "SUB01,2025,", "SUB01,2031,")
    files = {problem.file for problem in _problems(plan_copy)}
    assert files == {"metas_productos.csv", "subproductos.csv", "metas_subproductos.csv"}


# CSV encodings and delimiters


def test_empty_file(plan_copy):
    (plan_copy / "productos.csv").write_bytes(b"")
    _find(_problems(plan_copy), "productos.csv", "el archivo está vacío")


def test_latin1_file_is_read_with_its_accents(plan_copy):
    path = plan_copy / "productos.csv"
    text = path.read_text(encoding="utf-8")
    assert "ó" in text
    path.write_bytes(text.encode("latin-1"))
    pd.testing.assert_frame_equal(load_tables(plan_copy)["productos"], load_tables(PLAN_DIR)["productos"])


def test_file_with_byte_order_mark_is_read(plan_copy):
    path = plan_copy / "productos.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    pd.testing.assert_frame_equal(load_tables(plan_copy)["productos"], load_tables(PLAN_DIR)["productos"])


def test_semicolon_separated_file_is_read(plan_copy):
    path = plan_copy / "productos.csv"
    _write_rows(path, _rows(path), delimiter=";")
    pd.testing.assert_frame_equal(load_tables(plan_copy)["productos"], load_tables(PLAN_DIR)["productos"])


def test_semicolon_file_with_a_misspelled_column_reports_the_column(plan_copy):
    path = plan_copy / "metas_productos.csv"
    _write_rows(path, _rows(path), delimiter=";")
    _replace(path, "meta_fisica", "meta_fsica")
    _find(_problems(plan_copy), "metas_productos.csv", "¿quiso decir «meta_fisica»?", row=1, column="meta_fsica")


def test_ambiguous_delimiter_is_an_error(plan_copy):
    _replace(plan_copy / "metas_productos.csv", "producto_id,anio,meta_fisica,meta_financiera",
             "producto_id;anio,meta_fisica;meta_financiera")
    problem = _find(_problems(plan_copy), "metas_productos.csv", "no se puede saber qué separa las columnas", row=1)
    assert "comas y también puntos y comas" in problem.message


# Excel workbooks


def test_workbook_with_every_table_gives_the_same_tables_as_the_csvs(plan_copy):
    workbook = _workbook_only(plan_copy)
    # Formatting far from the data leaves empty cells that must not become rows or columns.
    _edit_sheet(workbook, "productos", lambda sheet: sheet.cell(row=40, column=20, value="  "))
    expected = load_tables(PLAN_DIR)
    for source in (plan_copy, workbook):
        tables = load_tables(source)
        assert list(tables) == list(expected)
        for name in expected:
            pd.testing.assert_frame_equal(tables[name], expected[name], obj=name)


def test_csvs_are_preferred_over_a_workbook_in_the_same_folder(plan_copy):
    (plan_copy / "pom.xlsx").write_bytes(b"not a workbook")
    pd.testing.assert_frame_equal(load_tables(plan_copy)["plan"], load_tables(PLAN_DIR)["plan"])


def test_workbook_problems_name_the_sheet(plan_copy):
    workbook = _workbook_only(plan_copy)
    _edit_sheet(workbook, "subproductos", lambda sheet: sheet.cell(row=2, column=2, value="PRD99"))
    problem = _find(_problems(workbook), "pom.xlsx", "PRD99", row=2, column="producto_id", sheet="subproductos")
    assert problem.message == "el identificador «PRD99» no existe en la hoja «productos»"


def test_workbook_with_a_missing_sheet(plan_copy):
    workbook = _workbook_only(plan_copy)
    _edit_sheet(workbook, "productos", lambda sheet: setattr(sheet, "title", "producto"))
    problem = _find(_problems(workbook), "pom.xlsx", "falta la hoja «productos» en el libro")
    assert "¿quiso decir «producto»?" in problem.message


@pytest.mark.parametrize("content", [b"producto_id,anio\nPRD01,2025\n", b"\x00\xff garbage \x13"])
def test_file_that_is_not_a_workbook(plan_copy, content):
    for csv_file in plan_copy.glob("*.csv"):
        csv_file.unlink()
    (plan_copy / "pom.xlsx").write_bytes(content)
    [problem] = _problems(plan_copy)
    assert problem.file == "pom.xlsx"
    assert "no es un libro de Excel válido" in problem.message


def test_merged_header_cells(plan_copy):
    workbook = _workbook_only(plan_copy)
    _edit_sheet(workbook, "metas_productos", lambda sheet: sheet.merge_cells("C1:D1"))
    problem = _find(_problems(workbook), "pom.xlsx", "las celdas C1:D1 están combinadas", row=1,
                    column="meta_fisica", sheet="metas_productos")
    assert "sepárelas" in problem.message


def test_blank_header_cell(plan_copy):
    workbook = _workbook_only(plan_copy)
    _edit_sheet(workbook, "metas_productos", lambda sheet: setattr(sheet["C1"], "value", None))
    problem = _find(_problems(workbook), "pom.xlsx", "la celda C1 está vacía", row=1, column="C",
                    sheet="metas_productos")
    assert str(problem).startswith("pom.xlsx, hoja «metas_productos», fila 1, columna «C»:")
