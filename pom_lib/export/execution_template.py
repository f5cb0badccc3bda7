"""The Excel workbook analysts fill in with a year's execution (`pom plantilla`).

Sheet «ejecucion» lists every product and subproduct of the plan with that year's goals;
only the execution cells are open (yellow), the rest is protected so identifiers and goals
cannot be changed by mistake. The protection has no password: it guards the structure, not
a secret. Sheet «instrucciones» explains how to fill it in. Same plan and year, same bytes.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pom_lib.core.errors import PlanError, Problem
from pom_lib.data.execution_file import TABLE
from pom_lib.data.plan import Plan
from pom_lib.export.matrix import workbook_bytes

INSTRUCTIONS = "instrucciones"
INTEGER_FORMAT = "#,##0"
QUETZAL_FORMAT = '"Q"#,##0'
TO_FILL = PatternFill("solid", fgColor="FFF2CC")
TO_FILL_HEADER = PatternFill("solid", fgColor="FFD966")
FIXED_HEADER = PatternFill("solid", fgColor="D9D9D9")
AUTHOR = "Libro POM"

# (column, width, number format); the execution file's columns and the informative ones.
COLUMNS = [
    ("elemento_id", 12, None),
    ("nivel", 12, None),
    ("programa", 30, None),
    ("producto", 10, None),
    ("nombre", 60, None),
    ("unidad_medida", 14, None),
    ("anio", 7, None),
    ("cuatrimestre", 13, None),
    ("meta_fisica", 14, INTEGER_FORMAT),
    ("meta_financiera", 17, QUETZAL_FORMAT),
    ("ejecucion_fisica", 17, INTEGER_FORMAT),
    ("ejecucion_financiera", 20, QUETZAL_FORMAT),
    ("presupuesto_vigente", 20, QUETZAL_FORMAT),
]
TO_FILL_NOTES = {
    "ejecucion_fisica": "Llene: cantidad ejecutada en el año, en la unidad de medida de la fila. "
    "Vacía = sin dato (no escriba 0 si no hay dato).",
    "ejecucion_financiera": "Llene: quetzales ejecutados (devengados) en el año, sin separadores ni signo Q. "
    "Vacía = sin dato.",
    "presupuesto_vigente": "Llene: presupuesto vigente del elemento al cierre del período, en quetzales. "
    "Vacía = sin dato.",
}


def template_bytes(plan: Plan, year: int) -> bytes:
    """The execution workbook of `year` for `plan`, as bytes that depend only on both."""
    if year not in plan.years:
        message = f"el año {year} está fuera del período del plan ({plan.period})"
        raise PlanError([Problem(str(plan.source), message)])
    workbook = Workbook()
    _write_instructions(workbook.active, plan, year)
    _write_execution_sheet(workbook.create_sheet(TABLE), plan, year)
    return workbook_bytes(workbook)


def write_template(plan: Plan, year: int, path: Path) -> None:
    """Write the template to a new file (an existing one may already hold the analyst's figures)."""
    content = template_bytes(plan, year)
    with Path(path).open("xb") as file:
        file.write(content)


def _item_rows(plan: Plan, year: int) -> list[list]:
    """One row per product and subproduct, in plan order, with the year's goals."""
    goals = plan.goals[plan.goals["anio"] == year]
    return [
        [
            row.subproducto_id if row.nivel == "subproducto" else row.producto_id,
            row.nivel,
            row.programa,
            row.producto_id,
            row.nombre,
            row.unidad_medida,
            year,
            None,
            int(row.meta_fisica),
            float(row.meta_financiera),
            None,
            None,
            None,
        ]
        for row in goals.itertuples()
    ]


def _write_execution_sheet(sheet: Worksheet, plan: Plan, year: int) -> None:
    rows = _item_rows(plan, year)
    # Room below the items for cuatrimestre rows: three per item, every cell open.
    last_row = 1 + len(rows) + 3 * len(rows)
    names = [name for name, _, _ in COLUMNS]
    sheet.append(names)
    for row in rows:
        sheet.append(row)
    for index, (name, width, number_format) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = TO_FILL_HEADER if name in TO_FILL_NOTES else FIXED_HEADER
        if name in TO_FILL_NOTES:
            header.comment = Comment(TO_FILL_NOTES[name], AUTHOR, width=300, height=90)
        for row_number in range(2, last_row + 1):
            cell = sheet.cell(row=row_number, column=index)
            if number_format:
                cell.number_format = number_format
            if name in TO_FILL_NOTES or row_number > 1 + len(rows):
                cell.fill = TO_FILL
                cell.protection = Protection(locked=False)
    _add_validations(sheet, names, first_free_row=2 + len(rows), last_row=last_row)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{1 + len(rows)}"
    # No password: this prevents accidents, it keeps nothing secret.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.autoFilter = False


def _add_validations(sheet: Worksheet, names: list[str], first_free_row: int, last_row: int) -> None:
    """Excel refuses a negative amount or a cuatrimestre other than 1-3 as it is typed."""
    amounts = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Valor no válido",
        error="Escriba un número mayor o igual que 0, sin separadores de miles ni signo Q.",
    )
    periods = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="3",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Cuatrimestre no válido",
        error="Escriba 1 (enero-abril), 2 (mayo-agosto) o 3 (septiembre-diciembre), "
        "o deje la celda vacía para el año completo.",
    )
    for name in TO_FILL_NOTES:
        letter = get_column_letter(names.index(name) + 1)
        amounts.add(f"{letter}2:{letter}{last_row}")
    letter = get_column_letter(names.index("cuatrimestre") + 1)
    periods.add(f"{letter}{first_free_row}:{letter}{last_row}")
    sheet.add_data_validation(amounts)
    sheet.add_data_validation(periods)


def _write_instructions(sheet: Worksheet, plan: Plan, year: int) -> None:
    sheet.title = INSTRUCTIONS
    lines = [
        f"Plantilla de ejecución {year} — {plan.info['titulo']} ({plan.info['institucion']})",
        "",
        f"La hoja «{TABLE}» tiene una fila por cada producto y subproducto del plan, con sus metas de {year}. "
        "Llene solo las celdas amarillas; las grises son informativas y están protegidas.",
        "",
        "1. ejecucion_fisica: cantidad ejecutada, en la unidad de medida de la fila (personas, eventos, documentos…).",
        "2. ejecucion_financiera: quetzales ejecutados (devengados).",
        "3. presupuesto_vigente: presupuesto vigente del elemento al cierre del período, junto a la meta "
        "financiera aprobada.",
        "4. Escriba solo números, sin separadores de miles ni signo Q: la celda les da formato.",
        "5. Deje vacía una celda sin dato. No escriba 0 en su lugar: 0 significa que no se ejecutó nada.",
        "6. La ejecución de cada producto es la suma de la de sus subproductos: la financiera, de todos; la "
        "física, de los subproductos con la misma unidad de medida que el producto.",
        "7. Cada fila es el año completo (columna cuatrimestre vacía). Para informar por cuatrimestre, deje "
        "vacía la fila del año y escriba debajo de la tabla, en las filas amarillas libres, una fila por "
        "elemento y cuatrimestre: elemento_id, anio, cuatrimestre (1 = enero-abril, 2 = mayo-agosto, "
        "3 = septiembre-diciembre) y los valores. Un año se informa completo o por cuatrimestres, no de "
        "las dos formas.",
        "8. No cambie los nombres de la primera fila ni el nombre de la hoja, y no combine celdas.",
        "9. La protección de la hoja no tiene contraseña (Revisar > Desproteger hoja); existe solo para "
        "evitar cambios por error en identificadores y metas.",
        "",
        "Para revisar el archivo antes de entregarlo, guárdelo como libro de Excel (.xlsx) y ejecute:",
        "    pom validar <archivo>.xlsx --plan <carpeta del plan>",
        "El comando indica cada problema con su hoja, fila y columna; si no hay ninguno, resume la ejecución.",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 120
    for row in sheet.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
