"""The execution template: what it holds, what is open to fill in, and the round trip back to load_execution."""

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from pom_lib.compute.execution import yearly_execution
from pom_lib.core.errors import PlanError
from pom_lib.data.execution_file import load_execution
from pom_lib.export.execution_template import template_bytes
from tests.support.execution_template import fill_template
from tests.support.paths import EXECUTION_CSV

OPEN_COLUMNS = ("K", "L", "M")  # ejecucion_fisica, ejecucion_financiera, presupuesto_vigente
ITEMS = 14 + 28


@pytest.fixture
def template(tmp_path, plan):
    path = tmp_path / "ejecucion_2025.xlsx"
    path.write_bytes(template_bytes(plan, 2025))
    return path


def _problem_texts(path, plan) -> list[str]:
    with pytest.raises(PlanError) as raised:
        load_execution(path, plan)
    return [str(problem) for problem in raised.value.problems]


def test_every_item_with_the_years_goals(template):
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames == ["instrucciones", "ejecucion"]
    rows = list(workbook["ejecucion"].iter_rows(values_only=True))
    assert rows[0] == (
        "elemento_id",
        "nivel",
        "programa",
        "producto",
        "nombre",
        "unidad_medida",
        "anio",
        "cuatrimestre",
        "meta_fisica",
        "meta_financiera",
        "ejecucion_fisica",
        "ejecucion_financiera",
        "presupuesto_vigente",
    )
    items = [row for row in rows[1:] if row[0]]
    assert len(items) == ITEMS
    assert items[0] == (
        "PRD01",
        "producto",
        "Servicios Consulares y de Atención al Migrante",
        "PRD01",
        "Población guatemalteca que recibe servicios de documentación, asistencia, atención y "
        "protección consular-migratoria en el exterior",
        "Persona",
        2025,
        None,
        1252155,
        401812176,
        None,
        None,
        None,
    )
    assert items[1][:2] == ("SUB01", "subproducto") and items[1][8:10] == (1485960, 360233656)
    assert all(row[6] == 2025 and row[7] is None for row in items)


def test_only_the_cells_to_fill_are_open_and_marked(template):
    sheet = openpyxl.load_workbook(template)["ejecucion"]
    assert sheet.protection.sheet and not sheet.protection.password
    last_item, last_free = 1 + ITEMS, 1 + 4 * ITEMS  # three free rows per item for cuatrimestres
    for letter in "ABCDEFGHIJ":
        assert sheet[f"{letter}1"].protection.locked and sheet[f"{letter}2"].protection.locked
        assert sheet[f"{letter}{last_item}"].protection.locked
        assert not sheet[f"{letter}{last_item + 1}"].protection.locked
        assert not sheet[f"{letter}{last_free}"].protection.locked
    for letter in OPEN_COLUMNS:
        cell = sheet[f"{letter}2"]
        assert not cell.protection.locked
        assert cell.fill.fgColor.rgb == "00FFF2CC"
        assert sheet[f"{letter}1"].comment.text.startswith("Llene:")
    assert sheet["A2"].fill.fgColor.rgb != "00FFF2CC"
    assert sheet[f"A{last_free + 1}"].protection.locked


def test_number_formats_frozen_header_and_widths(template):
    sheet = openpyxl.load_workbook(template)["ejecucion"]
    assert (sheet["I2"].number_format, sheet["K2"].number_format) == ("#,##0", "#,##0")
    assert {sheet[f"{letter}2"].number_format for letter in "JLM"} == {'"Q"#,##0'}
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["E"].width == 60


def test_instructions_in_spanish(template):
    lines = [row[0] for row in openpyxl.load_workbook(template)["instrucciones"].iter_rows(values_only=True)]
    assert lines[0] == (
        "Plantilla de ejecución 2025 — Plan Operativo Multianual 2025-2029 (Ministerio de Relaciones Exteriores)"
    )
    text = "\n".join(line or "" for line in lines)
    assert "Llene solo las celdas amarillas" in text
    assert "Para informar por cuatrimestre" in text
    assert "No escriba 0 en su lugar" in text
    assert "pom validar <archivo>.xlsx --plan <carpeta del plan>" in text


def test_same_plan_and_year_same_bytes(plan):
    first = template_bytes(plan, 2025)
    assert template_bytes(plan, 2025) == first
    assert template_bytes(plan, 2026) != first
    dates = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
    assert dates == {(2000, 1, 1, 0, 0, 0)}


def test_a_year_outside_the_plan_has_no_template(plan):
    with pytest.raises(PlanError) as raised:
        template_bytes(plan, 2031)
    assert raised.value.problems[0].message == "el año 2031 está fuera del período del plan (2025-2029)"


def test_an_empty_template_is_a_valid_execution_without_data(template, plan):
    execution = load_execution(template, plan)
    assert len(execution) == ITEMS
    assert execution[["ejecucion_fisica", "ejecucion_financiera", "presupuesto_vigente"]].isna().all().all()


def test_round_trip_a_filled_template_gives_the_same_execution_as_the_csv(template, plan):
    fill_template(template)
    from_workbook = yearly_execution(load_execution(template, plan))
    from_csv = yearly_execution(load_execution(EXECUTION_CSV, plan))
    pd.testing.assert_frame_equal(from_workbook, from_csv)


def test_a_filled_template_with_mistakes_gives_one_message_per_mistake(template, plan):
    rows = fill_template(template)
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["ejecucion"]
    free = 1 + next(row for row in range(2, sheet.max_row) if sheet.cell(row, 1).value is None)  # 2nd free row
    sheet[f"K{rows['SUB02']}"] = "mil"  # text in a number
    sheet[f"L{rows['SUB06']}"] = -6500000  # negative
    sheet[f"L{rows['PRD04']}"] = 14500001  # product ≠ sum of its subproducts (14,500,000)
    sheet[f"A{free - 1}"], sheet[f"G{free - 1}"], sheet[f"K{free - 1}"] = "PRD99", 2025, 1  # unknown id
    sheet[f"A{free}"], sheet[f"G{free}"], sheet[f"K{free}"] = "SUB01", 2031, 1  # year outside
    workbook.save(template)
    where = "ejecucion_2025.xlsx, hoja «ejecucion»"
    assert _problem_texts(template, plan) == [
        f"{where}, fila {rows['SUB02']}, columna «ejecucion_fisica»: «mil» no es un número; escriba solo cifras, "
        "sin letras ni símbolos",
        f"{where}, fila {rows['SUB06']}, columna «ejecucion_financiera»: valor negativo (-6500000): no puede ser "
        "menor que 0",
        f"{where}, fila {free - 1}, columna «elemento_id»: el identificador «PRD99» no es un producto ni un "
        "subproducto del plan 2025-2029",
        f"{where}, fila {free}, columna «anio»: el año 2031 está fuera del período del plan (2025-2029)",
        f"{where}, fila {rows['PRD04']}, columna «ejecucion_financiera»: la ejecución financiera del producto "
        "PRD04 en 2025 (Q14,500,001) no es la suma de la de sus subproductos SUB08, SUB09, SUB10, SUB11, SUB12 "
        "(Q14,500,000); diferencia: Q1",
    ]


def test_a_workbook_without_the_execution_sheet(tmp_path, plan):
    path = tmp_path / "libro.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "ejecución"
    workbook.save(path)
    assert _problem_texts(path, plan) == [
        "libro.xlsx: falta la hoja «ejecucion» en el libro; ¿quiso decir «ejecución»? Cambie el nombre de la hoja"
    ]
