"""The whole plan as one Excel workbook, and back (`pom exportar`, `pom importar`).

One sheet per table of the library's schema, named like the table, with the columns in the
schema's order (an optional table the plan lacks gets an empty sheet, and an empty sheet gives
no table back); `pom validar libro.xlsx` reads the same workbook. Cells hold what the CSV file
holds, typed for Excel: integers and amounts as numbers (shown with thousands separators, «Q»
for amounts and as many decimals as the value has), text as text (never a formula), true/false
as text. Drop-down lists come from the schema: the values a column admits (enum, true/false)
and the identifiers another table declares (foreign keys: units, programs, products…); number
checks from its limits; and the checks whose limits are in another sheet, as the validator makes
them (a goal's year within the plan sheet's period, a link to an operational objective). Headers
are frozen and explain their column in a note.

Three more sheets: «instrucciones» (how to edit and bring the workbook back, what each sheet holds
and in which order to fill them, what the validator checks), «paquete» (the
data package's metadata: name, title, sources) and «documentos» (README.md and the team's
commentary, comentarios/*.md, as text), so the workbook carries the whole folder and importing
it gives the folder back byte for byte. Same plan, same bytes (matrix.workbook_bytes).

Text that a spreadsheet would read as a formula («=HYPERLINK(…)», «-2 sedes», «@…») is kept
exactly as it is, unlike the book's downloads, which put a quote in front: importing must give
back the original text. It is safe all the same, because every text cell is a typed string cell,
which Excel and LibreOffice show and never calculate, and carries the quote-prefix style, so it
stays text when the analyst edits the cell; `pom importar` reads string cells as they are
(spreadsheet_safety.defuse_workbook with exact_text).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pom_lib.core.errors import PlanError, Problem
from pom_lib.data import commentary, contract
from pom_lib.data.reading import open_workbook
from pom_lib.data.rules import GOAL_TABLES, PERIOD_TABLES, REQUIRED_TABLES
from pom_lib.data.validation import load_tables
from pom_lib.export.matrix import workbook_bytes
from pom_lib.export.plan_package import PlanPackage, field_names, read_folder, workbook_tables

INSTRUCTIONS, METADATA, DOCUMENTS = "instrucciones", "paquete", "documentos"
METADATA_COLUMNS = ["campo", "valor", "formato"]
DOCUMENT_COLUMNS = ["archivo", "parte", "texto"]
TEXT, JSON = "texto", "json"
# Excel keeps at most 32,767 characters in a cell: longer documents take several rows.
CELL_LIMIT = 32_000
# Rows below the data that keep the drop-down lists and checks, for rows the analyst adds.
SPARE_ROWS = 500
AUTHOR = "Libro POM"
REQUIRED_HEADER = PatternFill("solid", fgColor="FFD966")
OPTIONAL_HEADER = PatternFill("solid", fgColor="D9D9D9")
WIDTHS = (8, 60)
# Goal tables: each needs rows as soon as the table of its items has them (the fiches' goals: a contract rule).
GOALS = {goals for goals, *_ in GOAL_TABLES} | {"fichas_metas"}
DOCUMENT_PATH = re.compile(rf"{re.escape(contract.README)}|{commentary.FOLDER}/[\w.-]+\.md")


def package_workbook(package: PlanPackage) -> bytes:
    """The workbook of a plan: same package, same bytes."""
    workbook = Workbook()
    _write_instructions(workbook.active, package)
    for resource in contract.plan_resources():
        _write_table(workbook.create_sheet(resource["name"]), resource, package)
    _write_metadata(workbook.create_sheet(METADATA), package.metadata)
    _write_documents(workbook.create_sheet(DOCUMENTS), package.documents)
    return workbook_bytes(workbook, exact_text=True)


def write_workbook(package: PlanPackage, path: Path) -> None:
    """Write the workbook to a new file (an existing file is never replaced)."""
    content = package_workbook(package)
    with Path(path).open("xb") as file:
        file.write(content)


# --- Tables ----------------------------------------------------------------------------------------


def _integer_format(name: str) -> str:
    """Years and positions read best without a thousands separator."""
    return "0" if name.startswith("anio") or name.endswith("orden") else "#,##0"


def _number_format(field: dict, text: str, currency: str) -> str:
    decimals = len(text.partition(".")[2])
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    if field["name"].startswith("meta_financiera"):
        return f'"{currency}"{number}'
    if field.get("constraints", {}).get("maximum") == 100:
        return f'{number}" %"'
    return number


def _cell_value(field: dict, text: str):
    """The value Excel stores for a cell whose CSV text is `text` (reading.py reads it back the same)."""
    if text == "":
        return None
    if field["type"] == "integer":
        return int(text)
    if field["type"] == "number":
        return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
    return text


def _currency(package: PlanPackage) -> str:
    plan = package.tables["plan"]
    code = plan[0][package.column("plan", "moneda")] if plan else ""
    return "Q" if code in ("GTQ", "") else f"{code} "


def _write_table(sheet: Worksheet, resource: dict, package: PlanPackage) -> None:
    fields = resource["schema"]["fields"]
    rows = package.tables.get(resource["name"], [])  # an optional table the plan lacks: an empty sheet
    currency = _currency(package)
    sheet.append([f["name"] for f in fields])
    # Row numbers counted here: the sheet's max_row looks at every cell, once per row.
    for number, row in enumerate(rows, start=2):
        sheet.append([None] * len(fields))
        for index, (field, text) in enumerate(zip(fields, row), start=1):
            cell = sheet.cell(number, index)
            cell.value = _cell_value(field, text)
            if field["type"] == "integer":
                cell.number_format = _integer_format(field["name"])
            elif field["type"] == "number":
                cell.number_format = _number_format(field, text, currency)
    for index, field in enumerate(fields, start=1):
        header = sheet.cell(1, index)
        header.font = Font(bold=True)
        required = field.get("constraints", {}).get("required", False)
        header.fill = REQUIRED_HEADER if required else OPTIONAL_HEADER
        header.comment = Comment(_column_note(field, required), AUTHOR, width=320, height=110)
        longest = max([len(field["name"]) + 2, *(len(row[index - 1]) for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 1, WIDTHS[0]), WIDTHS[1])
    _add_validations(sheet, resource, last_row=len(rows) + 1 + SPARE_ROWS)
    sheet.freeze_panes = "A2"


TYPE_WORDS = {"integer": "número entero", "number": "número", "boolean": "true (sí) o false (no)", "string": "texto"}


def _column_note(field: dict, required: bool) -> str:
    meaning = " ".join(filter(None, [field.get("title"), field.get("description")])) or field["name"]
    rule = TYPE_WORDS.get(field["type"], field["type"])
    return f"{meaning}\n{rule.capitalize()}; {'obligatoria' if required else 'opcional: puede quedar vacía'}."


def _references(resource: dict) -> dict[str, tuple[str, str]]:
    """Column → (table, column) it must take its values from (the schema's single-column foreign keys)."""
    references = {}
    for key in resource["schema"].get("foreignKeys", []):
        fields, target = key["fields"], key["reference"]
        fields = [fields] if isinstance(fields, str) else fields
        target_fields = target["fields"]
        target_fields = [target_fields] if isinstance(target_fields, str) else target_fields
        if len(fields) == 1:
            references[fields[0]] = (target["resource"] or resource["name"], target_fields[0])
    return references


def _add_validations(sheet: Worksheet, resource: dict, last_row: int) -> None:
    """Drop-down lists and number checks, each with a Spanish message when Excel refuses a value."""
    references = _references(resource)
    for index, field in enumerate(resource["schema"]["fields"], start=1):
        letter = get_column_letter(index)
        validation = _cross_sheet_validation(resource["name"], field, f"{letter}2") or _validation(
            field, references.get(field["name"])
        )
        if validation is not None:
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)


def _plan_cell(column: str) -> str:
    """The absolute reference of a cell of the plan's one row, in the sheet «plan»."""
    return f"plan!${get_column_letter(field_names('plan').index(column) + 1)}$2"


def _cross_sheet_validation(table: str, field: dict, first_cell: str) -> DataValidation | None:
    """The checks whose limits are in another sheet, as `pom importar` makes them: a goal's year lies in the
    plan's period, and a link names an operational objective of the strategic framework."""
    blank = not field.get("constraints", {}).get("required", False)
    if table in PERIOD_TABLES and field["name"] == "anio":
        return _checked(
            "whole",
            "between",
            [_plan_cell("anio_inicio"), _plan_cell("anio_fin")],
            blank,
            "Escriba un año del período del plan (de anio_inicio a anio_fin, en la hoja «plan»).",
        )
    if table == "objetivos_programas" and field["name"] == "objetivo_orden":
        kind, order = (get_column_letter(field_names("marco_estrategico").index(c) + 1) for c in ("tipo", "orden"))
        sheet = "marco_estrategico"
        return DataValidation(
            type="custom",
            formula1=f'COUNTIFS({sheet}!${kind}:${kind},"{contract.OPERATIONAL_OBJECTIVE}",'
            f"{sheet}!${order}:${order},{first_cell})>0",
            allow_blank=blank,
            showErrorMessage=True,
            errorTitle="Valor no admitido",
            error=f"Escriba el número (columna «orden») de un objetivo de tipo «{contract.OPERATIONAL_OBJECTIVE}» "
            f"de la hoja «{sheet}» (agréguelo allí primero si es nuevo).",
        )
    return None


def _validation(field: dict, reference: tuple[str, str] | None) -> DataValidation | None:
    constraints = field.get("constraints", {})
    blank = not constraints.get("required", False)
    if reference is not None:
        table, column = reference
        letter = get_column_letter(field_names(table).index(column) + 1)
        # The list grows with the rows of the other sheet and has no blank entries.
        source = f"OFFSET({table}!${letter}$2,0,0,MAX(1,COUNTA({table}!${letter}:${letter})-1),1)"
        return _listed(
            source,
            blank,
            f"Elija un valor de la columna «{column}» de la hoja «{table}» (agréguelo allí primero si es nuevo).",
        )
    if "enum" in constraints:
        values = ",".join(map(str, constraints["enum"]))
        return _listed(f'"{values}"', blank, f"Elija uno de estos valores: {values.replace(',', ', ')}.")
    if field["type"] == "boolean":
        return _listed('"true,false"', blank, "Escriba true (sí) o false (no).")
    if field["type"] in ("integer", "number"):
        low, high = constraints.get("minimum"), constraints.get("maximum")
        kind = "whole" if field["type"] == "integer" else "decimal"
        words = "un número entero" if kind == "whole" else "un número"
        if low is not None and high is not None:
            return _checked(kind, "between", [low, high], blank, f"Escriba {words} entre {low} y {high}.")
        if low is not None:
            return _checked(
                kind,
                "greaterThanOrEqual",
                [low],
                blank,
                f"Escriba {words} mayor o igual que {low}, sin separadores de miles ni signo Q.",
            )
    return None


def _listed(source: str, blank: bool, message: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=source,
        allow_blank=blank,
        showErrorMessage=True,
        errorTitle="Valor no admitido",
        error=message,
    )


def _checked(kind: str, operator: str, limits: list, blank: bool, message: str) -> DataValidation:
    formulas = dict(zip(("formula1", "formula2"), map(str, limits)))
    return DataValidation(
        type=kind,
        operator=operator,
        allow_blank=blank,
        showErrorMessage=True,
        errorTitle="Valor no válido",
        error=message,
        **formulas,
    )


# --- Metadata, documents and instructions ------------------------------------------------------------


def _write_metadata(sheet: Worksheet, metadata: dict) -> None:
    sheet.append(METADATA_COLUMNS)
    for key, value in metadata.items():
        if isinstance(value, str):
            sheet.append([key, value, TEXT])
        else:
            sheet.append([key, json.dumps(value, ensure_ascii=False), JSON])
    _plain_header(sheet, (24, 100, 10))


def _write_documents(sheet: Worksheet, documents: dict[str, str]) -> None:
    sheet.append(DOCUMENT_COLUMNS)
    for path, text in documents.items():
        parts = [text[i : i + CELL_LIMIT] for i in range(0, len(text), CELL_LIMIT)] or [""]
        for number, part in enumerate(parts, start=1):
            sheet.append([path, number, part])
            sheet.cell(sheet.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    _plain_header(sheet, (36, 8, 120))


def _plain_header(sheet: Worksheet, widths: tuple[int, ...]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.cell(1, index).font = Font(bold=True)
        sheet.cell(1, index).fill = OPTIONAL_HEADER
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


CHECKS = (
    "- Cada columna: su tipo (texto, número entero, número, true o false), los valores admitidos y las columnas "
    "obligatorias (encabezado amarillo); ningún número negativo, y los porcentajes entre 0 y 100.",
    "- Cada identificador: único en su hoja, con la forma de su columna (PRD01, SUB01, claves en minúsculas); los "
    "que nombran otra hoja deben existir en ella.",
    "- Las tablas sin las que no hay plan tienen filas (ver arriba), y la hoja «plan» tiene una sola.",
    "- Metas: cada producto y cada subproducto tiene una fila por año del período, cada año su total, cada ficha "
    "su meta de cada año; ningún año fuera del período.",
    "- Sumas de la matriz: la meta financiera de cada producto es la suma de sus subproductos, y la física la de "
    "sus subproductos de la misma unidad; el total de cada año suma los productos.",
    "- Fichas: hay una de nivel «producto» (la primera es el indicador principal); cada ficha nombra en "
    "«fichas_formula» los subproductos cuya meta física suma su meta absoluta, y la meta relativa es esa suma "
    "sobre la población objetivo, en por ciento.",
    "- Población: una cifra de rol «poblacion_objetivo» en «cifras_clave» (sin año), igual a la suma de "
    "«poblacion_objetivo»; la población elegible de un año es la meta absoluta de las fichas en ese año, y las "
    "mujeres, su porcentaje de la población elegible.",
    "- Una suma que no cuadra es un aviso (el documento publicado puede no cuadrar): reconózcala en "
    f"«{contract.ACKNOWLEDGEMENTS}» con su razón, o corrija la transcripción.",
)


def _sheet_lines() -> list[str]:
    """One line per table sheet: what it holds, whether it may stay empty and which sheets it takes values from."""
    lines = []
    for resource in contract.plan_resources():
        name = resource["name"]
        if contract.is_optional(resource):
            need = "opcional: vacía, el plan no tiene esta tabla"
        elif name == "plan":
            need = "una sola fila"
        elif name in REQUIRED_TABLES or name in GOALS:
            need = "necesita al menos una fila"
        else:
            need = "puede quedar sin filas si el documento no tiene esta parte"
        sources = sorted({table for table, _ in _references(resource).values() if table != name})
        takes = f"; toma valores de {', '.join(f'«{s}»' for s in sources)}" if sources else ""
        lines.append(f"  «{name}»: {resource.get('title', name)} ({need}{takes}).")
    return lines


def _write_instructions(sheet: Worksheet, package: PlanPackage) -> None:
    sheet.title = INSTRUCTIONS
    plan = dict(zip(field_names("plan"), package.tables["plan"][0])) if package.tables["plan"] else {}
    lines = [
        f"Libro del plan — {plan.get('titulo', '')} ({plan.get('institucion', '')})",
        "",
        "Este libro contiene el plan completo: una hoja por tabla, con los mismos nombres y columnas que los "
        "archivos CSV de su carpeta. Edítelo y vuelva a convertirlo en carpeta con «pom importar».",
        "",
        "1. No cambie los nombres de las hojas ni los de la primera fila, y no combine celdas.",
        "2. Una fila por registro. Para agregar uno, escriba en la primera fila libre debajo de la tabla; para "
        "quitarlo, borre la fila entera (Inicio > Eliminar > Eliminar filas de hoja).",
        "3. Los encabezados amarillos son columnas obligatorias; los grises, opcionales. La nota de cada "
        "encabezado explica la columna.",
        "4. Escriba los números sin separadores de miles ni signo Q: la celda les da formato. Los porcentajes, "
        "en puntos (47.1 = 47.1 %).",
        "5. Deje vacía una celda sin dato. No escriba 0 en su lugar: 0 es un dato.",
        "6. Las listas desplegables ofrecen los valores admitidos: unidades de medida (hoja «unidades»), "
        "programas, productos, subproductos y fichas (sus hojas), true o false y los valores fijos de algunas "
        "columnas. Un identificador nuevo se agrega primero en su hoja. Los años de las metas deben estar en el "
        "período de la hoja «plan», el objetivo de «objetivos_programas» debe ser un objetivo operativo de "
        "«marco_estrategico», y las cifras no pueden ser negativas: Excel rechaza lo demás con un mensaje.",
        "7. Conserve los identificadores: un producto o subproducto nuevo recibe el siguiente número libre; "
        "no reutilice un número retirado.",
        f"8. La hoja «{METADATA}» guarda el nombre, el título y las fuentes del paquete de datos "
        f"(formato «{JSON}»: texto JSON; cámbielo con cuidado). La hoja «{DOCUMENTS}» guarda el README de la "
        "carpeta y los comentarios del equipo (comentarios/*.md), que el libro publica junto a cada capítulo.",
        f"9. La hoja «{contract.ACKNOWLEDGEMENTS}» es opcional: en ella se reconoce una comprobación de la "
        "conciliación que no cuadra en el propio documento publicado («pom validar» muestra la fila que la "
        "reconoce). Vacía, el plan no reconoce ninguna y su carpeta no tendrá ese archivo.",
        "",
        "Para revisar el libro antes de convertirlo:",
        "    pom validar <archivo>.xlsx",
        "Para convertirlo en una carpeta de plan nueva (nunca escribe sobre una carpeta existente):",
        "    pom importar <archivo>.xlsx -o data/<carpeta nueva>",
        "Los comandos indican cada problema con su hoja, fila y columna.",
        "",
        "Hojas, en el orden en que conviene llenarlas (cada una después de las hojas de las que toma valores):",
        *_sheet_lines(),
        "",
        "Qué comprueban «pom validar» y «pom importar» (las mismas reglas que las listas y límites de las celdas):",
        *CHECKS,
        "",
        "Hojas y columnas:",
    ]
    for line in lines:
        sheet.append([line])
    sheet.append(["hoja", "columna", "tipo", "obligatoria", "significado"])
    heading = sheet.max_row
    for resource in contract.plan_resources():
        for field in resource["schema"]["fields"]:
            required = field.get("constraints", {}).get("required", False)
            meaning = " ".join(filter(None, [field.get("title"), field.get("description")]))
            sheet.append(
                [
                    resource["name"],
                    field["name"],
                    TYPE_WORDS.get(field["type"], field["type"]),
                    "sí" if required else "no",
                    meaning,
                ]
            )
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[heading]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (22, 24, 16, 12, 80)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_row=len(lines)):
        row[0].alignment = Alignment(wrap_text=False, vertical="top")


# --- Reading the workbook back --------------------------------------------------------------------


def read_package(source: str | Path) -> PlanPackage:
    """A valid plan (folder or workbook) as text; raises PlanError listing every problem of an invalid one."""
    source = Path(source)
    load_tables(source)
    return read_folder(source) if source.is_dir() else read_workbook(source)


def read_workbook(path: Path) -> PlanPackage:
    """The package a workbook holds (its tables already validated by the caller).

    A workbook written by hand may lack «paquete» and «documentos»: the package then has
    no metadata and no documents.
    """
    workbook = open_workbook(path).values
    problems = []
    metadata, documents = {}, {}
    if METADATA in workbook.sheetnames:
        metadata, found = _read_metadata(workbook[METADATA], path)
        problems += found
    if DOCUMENTS in workbook.sheetnames:
        documents, found = _read_documents(workbook[DOCUMENTS], path)
        problems += found
    if problems:
        raise PlanError(problems)
    return PlanPackage(metadata, workbook_tables(path), documents)


def _sheet_rows(sheet: Worksheet) -> list[tuple[int, tuple]]:
    return [
        (number, row)
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        if number > 1 and any(value not in (None, "") for value in row)
    ]


def _read_metadata(sheet: Worksheet, path: Path) -> tuple[dict, list[Problem]]:
    metadata, problems = {}, []
    for number, row in _sheet_rows(sheet):
        key, value, kind = (list(row) + [None] * 3)[:3]
        if not key:
            problems.append(Problem(path.name, "falta el nombre del campo", row=number, column="campo", sheet=METADATA))
            continue
        value = "" if value is None else str(value)
        if kind == JSON:
            try:
                metadata[str(key)] = json.loads(value)
            except json.JSONDecodeError:
                problems.append(
                    Problem(
                        path.name,
                        f"«{key}» no es JSON válido; corrija el texto o escriba «{TEXT}» en la columna formato",
                        row=number,
                        column="valor",
                        sheet=METADATA,
                    )
                )
        else:
            metadata[str(key)] = value
    return metadata, problems


def _read_documents(sheet: Worksheet, path: Path) -> tuple[dict, list[Problem]]:
    documents, problems = {}, []
    for number, row in _sheet_rows(sheet):
        name, _, text = (list(row) + [None] * 3)[:3]
        name = str(name or "").strip()
        if not DOCUMENT_PATH.fullmatch(name):
            problems.append(
                Problem(
                    path.name,
                    f"«{name}» no es un documento de la carpeta del plan: escriba "
                    f"{contract.README} o {commentary.FOLDER}/<capítulo>.md",
                    row=number,
                    column="archivo",
                    sheet=DOCUMENTS,
                )
            )
            continue
        documents[name] = documents.get(name, "") + ("" if text is None else str(text))
    return documents, problems
