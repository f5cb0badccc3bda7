"""Bad inputs, as analysts produce them, refused by `pom validar` with their place and no traceback.

Each case spoils a copy of the real plan (or an execution file made from it) in one way and
states where `pom validar` must point: file (and sheet), row and column, and words of the
message. Every case also checks the exit code, that no Python traceback reaches the
analyst, and that the analyst's files were left as they were.
"""

import dataclasses
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from pom_lib.cli import main
from pom_lib.core.errors import Problem
from pom_lib.data import rules
from pom_lib.data.plan import load_plan
from pom_lib.export.execution_template import write_template
from tests.support.paths import EXECUTION_CSV, PLAN_DIR
from tests.support.spoil import fingerprint, reencode, replace, rows, workbook_only, write_rows


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it from a plan copy, and what `pom validar` must say about it.

    `spoil(folder)` spoils the copy and returns the arguments of `pom validar` after the
    command's name. `absent` is text that must not appear (a wrong explanation). `rule` is the
    data rule (pom_lib.data.rules.RULES, by name) that must find the problem, for a problem found by one.
    """

    name: str
    spoil: Callable[[Path], list]
    file: str
    row: int | None
    column: str | None
    text: str | tuple[str, ...]
    sheet: str | None = None
    absent: str | None = None
    rule: str | None = None


def _in(folder: Path, file: str, old: str, new: str) -> list:
    replace(folder / file, old, new)
    return [folder]


def _edit(file: str, old: str, new: str) -> Callable[[Path], list]:
    return lambda folder: _in(folder, file, old, new)


def _drop_lines(file: str, start: str) -> Callable[[Path], list]:
    """Remove the lines of `file` that start with `start`."""

    def spoil(folder: Path) -> list:
        path = folder / file
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith(start)]
        assert len(kept) < len(lines)
        path.write_text("".join(kept), encoding="utf-8")
        return [folder]

    return spoil


def _header_only(file: str) -> Callable[[Path], list]:
    def spoil(folder: Path) -> list:
        path = folder / file
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
        return [folder]

    return spoil


def _saved_as(file: str, encoding: str) -> Callable[[Path], list]:
    def spoil(folder: Path) -> list:
        reencode(folder / file, encoding)
        return [folder]

    return spoil


def _written(file: str, content: bytes) -> Callable[[Path], list]:
    def spoil(folder: Path) -> list:
        (folder / file).write_bytes(content)
        return [folder]

    return spoil


def _huge(file: str) -> Callable[[Path], list]:
    """A 200 MB file: sparse, so the test writes nothing; the reader must never read it."""

    def spoil(folder: Path) -> list:
        with (folder / file).open("r+b") as handle:
            handle.truncate(200 * 1024 * 1024)
        return [folder]

    return spoil


def _columns(file: str, change: Callable[[list[list[str]]], list[list[str]]], **format) -> Callable[[Path], list]:
    def spoil(folder: Path) -> list:
        path = folder / file
        write_rows(path, change(rows(path)), **format)
        return [folder]

    return spoil


def _then(*spoils: Callable[[Path], list]) -> Callable[[Path], list]:
    def spoil(folder: Path) -> list:
        for step in spoils:
            arguments = step(folder)
        return arguments

    return spoil


def _workbook(edit: Callable[[openpyxl.Workbook], None]) -> Callable[[Path], list]:
    """The plan as one workbook, then edited (openpyxl saves formulas without their values, as some tools do)."""

    def spoil(folder: Path) -> list:
        path = workbook_only(folder)
        workbook = openpyxl.load_workbook(path)
        edit(workbook)
        workbook.save(path)
        return [path]

    return spoil


def _renamed(sheet: str, name: str) -> Callable[[openpyxl.Workbook], None]:
    """Rename a sheet; through another name first, as openpyxl takes «Productos» for «productos» itself."""

    def edit(workbook: openpyxl.Workbook) -> None:
        workbook[sheet].title = "renombrada"
        workbook["renombrada"].title = name

    return edit


def _padded_workbook(folder: Path) -> list:
    """A workbook of a few hundred kilobytes that unpacks to 60 MB (a stray member, compressed)."""
    path = workbook_only(folder)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as workbook:
        workbook.writestr("xl/media/relleno.bin", bytes(60 * 1024 * 1024))
    return [path]


def _cell(sheet: str, coordinate: str, value, number_format: str | None = None):
    def edit(workbook: openpyxl.Workbook) -> None:
        cell = workbook[sheet][coordinate]
        cell.value = value
        if number_format:
            cell.number_format = number_format

    return edit


def _descriptor(change: Callable[[dict], None]) -> Callable[[Path], list]:
    def spoil(folder: Path) -> list:
        path = folder / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        change(descriptor)
        path.write_text(json.dumps(descriptor), encoding="utf-8")
        return [folder]

    return spoil


def _resource(descriptor: dict, name: str) -> dict:
    return next(resource for resource in descriptor["resources"] if resource["name"] == name)


def _loosened(descriptor: dict) -> None:
    """A folder that tries to drop its own rule: goals may be negative."""
    field = next(
        f for f in _resource(descriptor, "metas_productos")["schema"]["fields"] if f["name"] == "meta_financiera"
    )
    field["constraints"].pop("minimum")


def _outside(folder: Path) -> list:
    """productos.csv moved out of the plan folder, and the descriptor pointing there."""
    shutil.copy(folder / "productos.csv", folder.parent / "productos.csv")
    (folder / "productos.csv").unlink()
    return _descriptor(lambda d: _resource(d, "productos").update(path="../productos.csv"))(folder)


def _extra_resource(path: str) -> Callable[[Path], list]:
    """The descriptor lists one more resource, whose file is outside the folder: it would be published."""
    return _descriptor(lambda d: d["resources"].append({"name": "extra", "path": path}))


ACKNOWLEDGED = "discrepancias_reconocidas.csv"
ACKNOWLEDGED_HEADER = "regla,anio,elemento,esperado,encontrado,nota\n"


def _acknowledged(*lines: str) -> Callable[[Path], list]:
    """The plan acknowledges discrepancies of its document: these lines below the header."""
    return _written(ACKNOWLEDGED, (ACKNOWLEDGED_HEADER + "".join(f"{line}\n" for line in lines)).encode())


def _nested(levels: int) -> Callable[[Path], list]:
    return _written("datapackage.json", b"[" * levels + b"]" * levels)


def _oversized(folder: Path) -> list:
    """A valid descriptor of 2 MB: its description is a long text."""
    return _descriptor(lambda d: d.update(description="Texto de relleno. " * 120_000))(folder)


SECRET = "contenido de fuera de la carpeta del plan\n"


def _linked(file: str) -> Callable[[Path], list]:
    """`file` (relative to the plan folder) replaced by a symbolic link to a file outside the folder."""

    def spoil(folder: Path) -> list:
        outside = folder.parent / "fuera.txt"
        outside.write_text(SECRET, encoding="utf-8")
        path = folder / file
        path.unlink(missing_ok=True)
        path.symlink_to(outside)
        return [folder]

    return spoil


def _appended(file: str, lines: int, line: str) -> Callable[[Path], list]:
    """`lines` more copies of `line` at the end of `file`."""

    def spoil(folder: Path) -> list:
        with (folder / file).open("a", encoding="utf-8") as handle:
            handle.write(line * lines)
        return [folder]

    return spoil


def _linked_commentary(folder: Path) -> list:
    """comentarios/ moved out of the plan folder, and a link to it in its place."""
    shutil.move(folder / "comentarios", folder.parent / "comentarios")
    (folder / "comentarios").symlink_to(folder.parent / "comentarios")
    return [folder]


def _linked_within(folder: Path) -> list:
    """A link to another file of the same folder: a link all the same."""
    (folder / "productos.csv").rename(folder / "productos-original.csv")
    (folder / "productos.csv").symlink_to("productos-original.csv")
    return [folder]


def _replaced_by(make: Callable[[Path], None]) -> Callable[[Path], list]:
    def spoil(folder: Path) -> list:
        (folder / "productos.csv").unlink()
        make(folder / "productos.csv")
        return [folder]

    return spoil


def _linked_workbook(folder: Path) -> list:
    """The plan as one workbook kept elsewhere, and a link to it in the plan folder."""
    path = workbook_only(folder)
    path.rename(folder.parent / "pom.xlsx")
    path.symlink_to(folder.parent / "pom.xlsx")
    return [path]


def _linked_execution(folder: Path) -> list:
    """The execution file given as a link to a file elsewhere."""
    link = folder.parent / "ejecucion_2025.csv"
    link.symlink_to(EXECUTION_CSV)
    return [link, "--plan", folder]


def _execution(edit: Callable[[openpyxl.Workbook], None]) -> Callable[[Path], list]:
    """The year's execution template, filled with openpyxl (so formulas keep no value) and then `edit`."""

    def spoil(folder: Path) -> list:
        path = folder.parent / "ejecucion_2025.xlsx"
        write_template(load_plan(folder), 2025, path)
        workbook = openpyxl.load_workbook(path)
        header = [cell.value for cell in workbook["ejecucion"][1]]
        assert header.index("ejecucion_fisica") == 10  # column K
        edit(workbook)
        workbook.save(path)
        return [path, "--plan", folder]

    return spoil


CASES = [
    # Accepted silently before: units, completeness, finite numbers, encodings, Excel values.
    Case(
        "unidad-en-plural",
        _edit("subproductos.csv", "atención consular,Persona,", "atención consular,Personas,"),
        "subproductos.csv",
        3,
        "unidad_medida",
        "la unidad de medida «Personas» no está declarada en unidades.csv; ¿quiso decir «Persona»?",
    ),
    Case(
        "unidad-sin-tilde-ni-mayuscula",
        _edit("subproductos.csv", ",Metro cúbico,", ",metro cubico,"),
        "subproductos.csv",
        21,
        "unidad_medida",
        "¿quiso decir «Metro cúbico»?",
    ),
    Case(
        "unidad-declarada-dos-veces",
        _edit("unidades.csv", "Persona,\n", "Persona,\nPERSONAS,\n"),
        "unidades.csv",
        3,
        "unidad_medida",
        "«PERSONAS» es la unidad «Persona» (fila 2) escrita de otra forma",
        rule="units_declared_once",
    ),
    Case(
        "unidad-no-declarada",
        _edit(
            "productos.csv",
            'consular-migratoria en el exterior",Persona,',
            'consular-migratoria en el exterior",Trámite,',
        ),
        "productos.csv",
        2,
        "unidad_medida",
        "«Trámite» no está declarada en unidades.csv: agréguela allí",
    ),
    Case(
        "anio-sin-total",
        _drop_lines("totales_anuales.csv", "2027,"),
        "totales_anuales.csv",
        None,
        "anio",
        "falta el total del año 2027",
        rule="every_year_has_its_total",
    ),
    Case(
        "producto-sin-metas",
        _drop_lines("metas_productos.csv", "PRD03,"),
        "metas_productos.csv",
        None,
        "producto_id",
        "el producto PRD03 (productos.csv, fila 4) no tiene metas",
        rule="items_have_goals_every_year",
    ),
    Case(
        "subproducto-sin-un-anio",
        _drop_lines("metas_subproductos.csv", "SUB05,2028,"),
        "metas_subproductos.csv",
        None,
        "anio",
        "faltan las metas de SUB05 para 2028",
        rule="items_have_goals_every_year",
    ),
    Case(
        "metas-solo-encabezado",
        _header_only("metas_productos.csv"),
        "metas_productos.csv",
        None,
        None,
        "la tabla no tiene filas debajo del encabezado",
        rule="required_tables_have_rows",
    ),
    Case(
        "metas-subproductos-solo-encabezado",
        _header_only("metas_subproductos.csv"),
        "metas_subproductos.csv",
        None,
        None,
        "la tabla no tiene filas, pero subproductos.csv tiene 28 subproductos",
        rule="items_have_goals_every_year",
    ),
    Case(
        "meta-infinita",
        _edit("metas_productos.csv", "PRD01,2025,1252155,401812176", "PRD01,2025,1252155,Infinity"),
        "metas_productos.csv",
        2,
        "meta_financiera",
        "«Infinity» no es una cifra",
    ),
    Case(
        "meta-desbordada",
        _edit("metas_subproductos.csv", "SUB01,2025,1485960,360233656", "SUB01,2025,1485960,1e309"),
        "metas_subproductos.csv",
        2,
        "meta_financiera",
        "«1e309» pasa de 1,000,000,000,000,000 (10^15)",
    ),
    Case(
        "meta-nan",
        _edit("totales_anuales.csv", "2026,1080000000", "2026,NaN"),
        "totales_anuales.csv",
        3,
        "meta_financiera",
        "«NaN» no es una cifra",
        absent="valor negativo",
    ),
    Case(
        "csv-mac-roman",
        _saved_as("productos.csv", "mac_roman"),
        "productos.csv",
        2,
        "nombre",
        ("«Poblaci—n» tiene el carácter «—»", "parece guardado en Mac Roman"),
    ),
    Case(
        "csv-cp850",
        _saved_as("subproductos.csv", "cp850"),
        "subproductos.csv",
        2,
        "nombre",
        ("«documentaci¢n» tiene el carácter «¢»", "parece guardado en cp850"),
    ),
    Case(
        "csv-utf8-mal-convertido",
        _edit("programas.csv", "Atención al Migrante", "AtenciÃ³n al Migrante"),
        "programas.csv",
        2,
        "nombre",
        "el archivo está en UTF-8, pero su texto ya llegó mal convertido",
    ),
    Case(
        "csv-dibujo-de-recuadros",
        _edit("acciones.csv", "Participación,", "Participaci┬n,"),
        "acciones.csv",
        2,
        "texto",
        "tiene el carácter «┬»",
    ),
    Case(
        "csv-caracter-de-control",
        _edit("plan.csv", "Ministerio de", "Ministerio\x07de"),
        "plan.csv",
        2,
        "institucion",
        "el texto «Ministeriode Relaciones Exteriores» tiene un carácter invisible en la posición 11: U+0007, "
        "carácter de control",
        absent="codificación",
    ),
    Case("csv-de-200-mb", _huge("acciones.csv"), "acciones.csv", None, None, "el archivo pesa 200.0 MB y el máximo"),
    Case(
        "excel-formula-sin-valor-en-columna-opcional",
        _workbook(_cell("fichas_metas", "E3", "=1619247*1")),
        "pom.xlsx",
        3,
        "ejecucion",
        "la celda E3 tiene la fórmula =1619247*1 sin valor calculado",
        sheet="fichas_metas",
    ),
    Case(
        "excel-formula-sin-valor-en-ejecucion",
        _execution(_cell("ejecucion", "K2", "=1252155*1")),
        "ejecucion_2025.xlsx",
        2,
        "ejecucion_fisica",
        "la celda K2 tiene la fórmula =1252155*1 sin valor calculado",
        sheet="ejecucion",
    ),
    Case(
        "excel-que-se-descomprime-en-60-mb",
        _padded_workbook,
        "pom.xlsx",
        None,
        None,
        "el libro de Excel contiene 60.1 MB de datos y el máximo es 50.0 MB",
    ),
    Case(
        "excel-texto-mal-convertido",
        _workbook(_cell("programas", "C2", "Servicios Consulares y de AtenciÃ³n")),
        "pom.xlsx",
        2,
        "nombre",
        "«AtenciÃ³n» tiene el carácter «³»",
        sheet="programas",
    ),
    # Text is text: invisible characters are named, never trimmed into something else.
    Case(
        "lugar-con-control-de-direccion",
        _edit("poblacion_objetivo.csv", "Estados Unidos de América,lugar", "Estados \u202eUnidos de América,lugar"),
        "poblacion_objetivo.csv",
        2,
        "region",
        (
            "el texto «Estados Unidos de América» tiene un carácter invisible en la posición 9: U+202E, control de "
            "dirección de texto. No se ve en Excel ni en un editor de texto, pero invierte o reordena las letras",
            "borre la celda y escriba su contenido de nuevo a mano",
        ),
    ),
    Case(
        "espacio-de-ancho-cero",
        _edit("programas.csv", "Servicios de Política Exterior", "Servicios de Polí\u200btica Exterior"),
        "programas.csv",
        3,
        "nombre",
        "en la posición 18: U+200B, espacio de ancho cero",
        absent="mal convertido",
    ),
    Case(
        "marca-de-orden-de-bytes-en-medio-del-archivo",
        _edit("acciones.csv", "\nservicios_consulares_02,", "\n\ufeffservicios_consulares_02,"),
        "acciones.csv",
        3,
        "accion_id",
        "«servicios_consulares_02» tiene un carácter invisible en la posición 1: U+FEFF, espacio de ancho cero",
    ),
    Case(
        "tabulador-antes-de-una-formula",
        _edit("unidades.csv", "Persona,", "\t=1+1,"),
        "unidades.csv",
        2,
        "unidad_medida",
        "el texto «=1+1» tiene un carácter invisible en la posición 1: U+0009, tabulador",
    ),
    Case(
        "excel-control-de-direccion",
        _workbook(_cell("poblacion_objetivo", "C2", "Estados \u202eUnidos de América")),
        "pom.xlsx",
        2,
        "region",
        "U+202E, control de dirección de texto",
        sheet="poblacion_objetivo",
    ),
    Case(
        "nombre-de-diez-mil-caracteres",
        _edit("productos.csv", "PRD03,politica_exterior,3,Coordinación", "PRD03,politica_exterior,3," + "abcd " * 2000),
        "productos.csv",
        4,
        "nombre",
        "el texto tiene 10,062 caracteres y en esta columna caben hasta 250: abrévielo",
    ),
    Case(
        "palabra-de-600-caracteres",
        _edit("marco_estrategico.csv", ',"Ejecutar efectivamente', ',"' + "x" * 600 + " Ejecutar efectivamente"),
        "marco_estrategico.csv",
        3,
        "texto",
        "la palabra «xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…» tiene 600 caracteres y una palabra puede tener hasta 60",
    ),
    # What the chapters rely on: one plan row, one target population, a main indicator with its terms and goals.
    Case(
        "plan-sin-filas",
        _header_only("plan.csv"),
        "plan.csv",
        None,
        None,
        "la tabla del plan debe tener exactamente una fila de datos (tiene 0)",
        rule="one_plan_row",
    ),
    Case(
        "sin-poblacion-objetivo-en-las-cifras",
        _edit(
            "cifras_clave.csv",
            "poblacion_objetivo_total,poblacion_objetivo,,",
            "poblacion_total,poblacion_elegible,2025,",
        ),
        "cifras_clave.csv",
        None,
        None,
        "falta la cifra con rol «poblacion_objetivo» (la población objetivo total), que usan las fichas y el "
        "capítulo de alcance",
        rule="target_population_given_once",
    ),
    Case(
        "cifra-sin-anio",
        _edit("cifras_clave.csv", "cobertura_meta_2029,cobertura_meta,2029,", "cobertura_meta_2029,cobertura_meta,,"),
        "cifras_clave.csv",
        4,
        "anio",
        "la cifra con rol «cobertura_meta» necesita el año al que se refiere",
        rule="key_figures_have_their_year",
    ),
    Case(
        "dos-cifras-del-mismo-rol-y-anio",
        _edit("cifras_clave.csv", "mujeres_2029,mujeres,2029,", "mujeres_2029,porcentaje_mujeres,2029,"),
        "cifras_clave.csv",
        6,
        "rol",
        "el rol «porcentaje_mujeres» ya tiene una cifra para 2029 (fila 5)",
        rule="one_key_figure_per_role_and_year",
    ),
    Case(
        "poblacion-objetivo-sin-filas",
        _header_only("poblacion_objetivo.csv"),
        "poblacion_objetivo.csv",
        None,
        None,
        "la tabla no tiene filas debajo del encabezado; el plan necesita al menos una: cópielas del documento",
        rule="required_tables_have_rows",
    ),
    Case(
        "dos-filas-de-resto",
        _edit("poblacion_objetivo.csv", "Canadá,lugar", "Canadá,resto"),
        "poblacion_objetivo.csv",
        5,
        "rol",
        "solo una fila puede tener rol «resto» (la primera está en la fila 4)",
        rule="one_rest_place",
    ),
    Case(
        "sin-ficha-de-producto",
        _edit("fichas.csv", "FICHA_PRODUCTO,producto,", "FICHA_PRODUCTO,subproducto,"),
        "fichas.csv",
        None,
        None,
        "falta una ficha de nivel «producto»: la primera es el indicador principal del plan",
        rule="main_fiche_exists",
    ),
    Case(
        "ficha-sin-terminos",
        _drop_lines("fichas_formula.csv", "FICHA_SUBPRODUCTO,"),
        "fichas.csv",
        3,
        "ficha_id",
        "la ficha «FICHA_SUBPRODUCTO» no tiene términos en fichas_formula.csv",
        rule="fiches_have_formula_terms",
    ),
    Case(
        "ficha-sin-meta-de-un-anio",
        _drop_lines("fichas_metas.csv", "FICHA_PRODUCTO,2027,"),
        "fichas_metas.csv",
        None,
        None,
        "la ficha «FICHA_PRODUCTO» no tiene meta para 2027: escriba una fila por año del plan",
        rule="fiches_have_goals_every_year",
    ),
    # Cross-references: what the book would silently drop or count in the wrong place.
    Case(
        "vinculo-con-un-objetivo-inexistente",
        _edit("objetivos_programas.csv", "\n3,politica_exterior,", "\n9,politica_exterior,"),
        "objetivos_programas.csv",
        4,
        "objetivo_orden",
        "el objetivo operativo 9 no existe: marco_estrategico.csv tiene los objetivos operativos 1, 2, 3 y 4",
        rule="links_name_existing_objectives",
    ),
    Case(
        "vinculo-con-un-subproducto-de-otro-programa",
        _edit("objetivos_programas.csv", "SUB07 SUB12 SUB14 SUB15", "SUB07 SUB12 SUB14 SUB15 SUB21"),
        "objetivos_programas.csv",
        4,
        "subproductos",
        "el subproducto SUB21 es del programa «Actividades Centrales», no de «Servicios de Política Exterior»",
        rule="links_name_subproducts_of_their_program",
    ),
    Case(
        "vinculo-con-un-subproducto-inexistente",
        _edit("objetivos_programas.csv", "SUB07 SUB12 SUB14 SUB15", "SUB07 SUB12 SUB14 SUB15 SUB99"),
        "objetivos_programas.csv",
        4,
        "subproductos",
        "el subproducto SUB99 no existe en subproductos.csv",
        rule="links_name_subproducts_of_their_program",
    ),
    Case(
        "dos-programas-con-el-mismo-nombre",
        _edit("programas.csv", ",2,Servicios de Política Exterior,", ",2,Actividades Centrales,"),
        "programas.csv",
        5,
        "nombre",
        "el programa «Actividades Centrales» se llama igual que el de la fila 3: en el libro no se distinguirían",
        rule="program_names_differ",
    ),
    Case(
        "dos-productos-del-mismo-programa-con-el-mismo-nombre",
        _edit(
            "productos.csv",
            "4,Coordinación y representación diplomática de carácter multilateral e integración regional,",
            "4,COORDINACIÓN Y REPRESENTACIÓN  diplomática de carácter bilateral y cultural,",
        ),
        "productos.csv",
        5,
        "nombre",
        "se llama igual que el de la fila 4 del mismo programa",
        rule="product_names_differ_within_program",
    ),
    # Numbers a plan cannot mean.
    Case(
        "meta-de-1e27",
        _edit("metas_productos.csv", "PRD01,2025,1252155,401812176", "PRD01,2025,1252155,1e27"),
        "metas_productos.csv",
        2,
        "meta_financiera",
        "«1e27» pasa de 1,000,000,000,000,000 (10^15), más de lo que puede ser una meta",
    ),
    Case(
        "meta-fisica-de-21-cifras",
        _edit("metas_productos.csv", "PRD01,2025,1252155,", "PRD01,2025,100000000000000000000,"),
        "metas_productos.csv",
        2,
        "meta_fisica",
        "«100000000000000000000» pasa de 1,000,000,000,000,000",
    ),
    Case(
        "ejecucion-de-1e300",
        _execution(_cell("ejecucion", "K2", 1e300)),
        "ejecucion_2025.xlsx",
        2,
        "ejecucion_fisica",
        "«1e+300» pasa de 1,000,000,000,000,000",
        sheet="ejecucion",
    ),
    # Tables far larger than a plan, refused before they are checked cell by cell.
    Case(
        "tabla-de-mas-de-cien-mil-filas",
        _appended("metas_subproductos.csv", 100_000, "SUB01,2025,1,1\n"),
        "metas_subproductos.csv",
        None,
        None,
        "la tabla tiene más de 100,000 filas (el archivo tiene 100,141 líneas)",
    ),
    Case(
        "excel-hoja-de-mas-de-cien-mil-filas",
        _workbook(_cell("acciones", "A100002", "x")),
        "pom.xlsx",
        None,
        None,
        "la tabla tiene más de 100,000 filas (la hoja llega a la fila 100,002)",
        sheet="acciones",
    ),
    Case(
        "tabla-con-mas-de-mil-errores",
        _appended("metas_subproductos.csv", 1_100, "SUB01,2025,1,1\n"),
        "metas_subproductos.csv",
        None,
        None,
        "la revisión de esta tabla se detuvo en sus primeros 1,000 errores",
    ),
    # The descriptor is not trusted: its paths and its rules are the library's.
    Case(
        "descriptor-que-afloja-una-regla",
        _then(
            _descriptor(_loosened), _edit("metas_productos.csv", "PRD03,2025,213,9111422", "PRD03,2025,213,-9111422")
        ),
        "metas_productos.csv",
        12,
        "meta_financiera",
        "valor negativo (-9111422): no puede ser menor que 0",
    ),
    Case(
        "descriptor-con-ruta-fuera-de-la-carpeta",
        _outside,
        "datapackage.json",
        None,
        None,
        'la tabla «productos» tiene la ruta "../productos.csv", pero sus datos están siempre en productos.csv',
    ),
    # Whatever the descriptor lists is published in the book's data package: only the plan's tables.
    Case(
        "descriptor-con-recurso-de-ruta-absoluta",
        _extra_resource("/etc/passwd"),
        "datapackage.json",
        None,
        None,
        'el recurso n.º 19 ("extra", ruta "/etc/passwd") no es una tabla del plan: quítelo de «resources»',
    ),
    Case(
        "descriptor-con-recurso-que-sale-de-la-carpeta",
        _extra_resource("../../../../etc/hostname"),
        "datapackage.json",
        None,
        None,
        'el recurso n.º 19 ("extra", ruta "../../../../etc/hostname") no es una tabla del plan',
    ),
    Case(
        "descriptor-anidado-5000-niveles",
        _nested(5000),
        "datapackage.json",
        None,
        None,
        "el archivo anida más de 32 niveles de listas y objetos",
    ),
    Case(
        "descriptor-anidado-40-niveles",
        _nested(40),
        "datapackage.json",
        None,
        None,
        "el archivo anida más de 32 niveles de listas y objetos",
    ),
    Case(
        "descriptor-de-2-mb",
        _oversized,
        "datapackage.json",
        None,
        None,
        "y el máximo es 1,024 KB",
    ),
    # Only regular files of the plan folder are read: no link, wherever it points.
    Case(
        "readme-enlace-fuera-de-la-carpeta",
        _linked("README.md"),
        "README.md",
        None,
        None,
        "es un enlace simbólico: solo se leen archivos que están de verdad dentro de la carpeta",
    ),
    Case(
        "comentario-enlace-fuera-de-la-carpeta",
        _linked("comentarios/anexos.md"),
        "comentarios/anexos.md",
        None,
        None,
        "es un enlace simbólico",
    ),
    Case(
        "carpeta-de-comentarios-enlazada",
        _linked_commentary,
        "comentarios/anexos.md",
        None,
        None,
        "la carpeta «comentarios» es un enlace simbólico",
    ),
    Case("tabla-enlace-fuera-de-la-carpeta", _linked("productos.csv"), "productos.csv", None, None, "enlace simbólico"),
    Case("tabla-enlace-dentro-de-la-carpeta", _linked_within, "productos.csv", None, None, "enlace simbólico"),
    Case("descriptor-enlace", _linked("datapackage.json"), "datapackage.json", None, None, "enlace simbólico"),
    Case(
        "tabla-que-es-una-carpeta",
        _replaced_by(Path.mkdir),
        "productos.csv",
        None,
        None,
        "es una carpeta, no un archivo",
    ),
    Case(
        "tabla-que-es-una-tuberia",
        _replaced_by(os.mkfifo),
        "productos.csv",
        None,
        None,
        "es un dispositivo o una tubería, no un archivo",
    ),
    Case("excel-enlace", _linked_workbook, "pom.xlsx", None, None, "es un enlace simbólico"),
    Case("ejecucion-enlace", _linked_execution, "ejecucion_2025.csv", None, None, "es un enlace simbólico"),
    Case(
        "descriptor-no-es-json",
        _written("datapackage.json", b'{"formato_pom": 2,'),
        "datapackage.json",
        1,
        None,
        "el archivo está dañado: no es JSON válido",
    ),
    Case(
        "descriptor-sin-formato",
        _written("datapackage.json", b"[]"),
        "datapackage.json",
        None,
        None,
        "debe ser un objeto JSON",
    ),
    # Files and columns.
    Case(
        "falta-datapackage",
        lambda folder: (folder / "datapackage.json").unlink() or [folder],
        "{carpeta}",
        None,
        None,
        "falta el archivo datapackage.json",
    ),
    Case(
        "falta-un-archivo",
        lambda folder: (folder / "productos.csv").unlink() or [folder],
        "{carpeta}",
        None,
        None,
        "falta el archivo productos.csv",
    ),
    Case(
        "falta-una-columna",
        _columns("metas_productos.csv", lambda table: [r[:2] + r[3:] for r in table]),
        "metas_productos.csv",
        1,
        None,
        "falta la columna «meta_fisica»",
    ),
    Case(
        "columna-mal-escrita",
        _edit("metas_productos.csv", "meta_fisica", "meta_fsica"),
        "metas_productos.csv",
        1,
        "meta_fsica",
        "la columna «meta_fsica» no se reconoce; ¿quiso decir «meta_fisica»?",
    ),
    Case(
        "columna-de-mas",
        _columns("totales_anuales.csv", lambda table: [[*r, c] for r, c in zip(table, ["observaciones"] + ["ok"] * 5)]),
        "totales_anuales.csv",
        1,
        "observaciones",
        "no pertenece a esta tabla",
    ),
    Case(
        "columna-repetida",
        _edit("totales_anuales.csv", "anio,meta_financiera", "anio,anio"),
        "totales_anuales.csv",
        1,
        "anio",
        "la columna «anio» está repetida",
    ),
    Case("archivo-vacio", _written("productos.csv", b""), "productos.csv", None, None, "el archivo está vacío"),
    Case(
        "separador-ambiguo",
        _edit(
            "metas_productos.csv",
            "producto_id,anio,meta_fisica,meta_financiera",
            "producto_id;anio,meta_fisica;meta_financiera",
        ),
        "metas_productos.csv",
        1,
        None,
        "no se puede saber qué separa las columnas",
    ),
    Case(
        "punto-y-coma-con-columna-mal-escrita",
        _then(
            _columns("metas_productos.csv", lambda table: table, delimiter=";"),
            _edit("metas_productos.csv", "meta_fisica", "meta_fsica"),
        ),
        "metas_productos.csv",
        1,
        "meta_fsica",
        "¿quiso decir «meta_fisica»?",
    ),
    # Values.
    Case(
        "texto-en-un-numero",
        _edit("metas_productos.csv", "PRD01,2025,1252155,", "PRD01,2025,mil,"),
        "metas_productos.csv",
        2,
        "meta_fisica",
        "«mil» no es un número entero; escriba solo cifras",
    ),
    Case(
        "separador-de-miles-entre-comillas",
        _edit("metas_productos.csv", "PRD01,2025,1252155,", 'PRD01,2025,"1,252,155",'),
        "metas_productos.csv",
        2,
        "meta_fisica",
        "escriba 1252155, sin separadores de miles",
    ),
    Case(
        "separador-de-miles-sin-comillas",
        _edit("metas_productos.csv", "PRD01,2025,1252155,", "PRD01,2025,1,252,155,"),
        "metas_productos.csv",
        2,
        None,
        "la fila tiene 6 valores y el encabezado solo 4 columnas",
    ),
    Case(
        "coma-decimal",
        _edit("cifras_clave.csv", ",47.1,", ',"47,1",'),
        "cifras_clave.csv",
        4,
        "valor",
        "«47,1» no es un número; use punto para los decimales: 47.1",
    ),
    Case(
        "meta-negativa",
        _edit("metas_productos.csv", "PRD01,2026,1314764,472075234", "PRD01,2026,1314764,-472075234"),
        "metas_productos.csv",
        3,
        "meta_financiera",
        "valor negativo (-472075234): no puede ser menor que 0",
    ),
    Case(
        "valor-obligatorio-vacio",
        _edit("metas_productos.csv", "PRD01,2026,1314764,", "PRD01,2026,,"),
        "metas_productos.csv",
        3,
        "meta_fisica",
        "falta el valor",
    ),
    Case(
        "valor-fuera-de-la-lista",
        _edit("fichas.csv", "FICHA_PRODUCTO,producto,", "FICHA_PRODUCTO,Producto,"),
        "fichas.csv",
        2,
        "nivel",
        "debe ser uno de: producto, subproducto",
    ),
    Case(
        "identificador-mal-formado",
        _edit("metas_productos.csv", "PRD01,2025,", "Prd01,2025,"),
        "metas_productos.csv",
        2,
        "producto_id",
        "tres letras mayúsculas seguidas de al menos dos cifras",
    ),
    Case(
        "identificador-duplicado",
        lambda folder: _in(folder, "productos.csv", "PRD03,", "PRD02,"),
        "productos.csv",
        4,
        "producto_id",
        "identificador duplicado «PRD02» (ya aparece en la fila 3)",
    ),
    Case(
        "anio-duplicado",
        _edit("metas_productos.csv", "PRD01,2026,", "PRD01,2025,"),
        "metas_productos.csv",
        3,
        "producto_id, anio",
        "combinación duplicada: producto_id «PRD01» y anio «2025» (ya aparece en la fila 2)",
    ),
    Case(
        "referencia-inexistente",
        _edit("subproductos.csv", "SUB01,PRD01,", "SUB01,PRD99,"),
        "subproductos.csv",
        2,
        "producto_id",
        "el identificador «PRD99» no existe en productos.csv",
    ),
    Case(
        "anio-fuera-del-plan",
        _edit("metas_productos.csv", "PRD01,2029,", "PRD01,2031,"),
        "metas_productos.csv",
        6,
        "anio",
        "el año 2031 está fuera del período del plan (2025-2029)",
        rule="years_within_period",
    ),
    Case("fila-vacia", _edit("totales_anuales.csv", "2026,", "\n2026,"), "totales_anuales.csv", 3, None, "fila vacía"),
    Case(
        "anio-de-inicio-despues-del-fin",
        _edit("plan.csv", ",2025,2029,", ",2030,2029,"),
        "plan.csv",
        2,
        "anio_inicio",
        "el año de inicio (2030) es posterior al año de fin (2029)",
        rule="period_in_order",
    ),
    # Excel workbooks.
    Case(
        "excel-referencia-inexistente",
        _workbook(_cell("subproductos", "B2", "PRD99")),
        "pom.xlsx",
        2,
        "producto_id",
        "el identificador «PRD99» no existe en la hoja «productos»",
        sheet="subproductos",
    ),
    Case(
        "excel-hoja-mal-nombrada",
        _workbook(lambda workbook: setattr(workbook["productos"], "title", "producto")),
        "pom.xlsx",
        None,
        None,
        "falta la hoja «productos» en el libro; ¿quiso decir «producto»?",
    ),
    Case(
        "excel-hoja-con-mayuscula",
        _workbook(_renamed("productos", "Productos")),
        "pom.xlsx",
        None,
        None,
        "falta la hoja «productos» en el libro; la hoja «Productos» se llama casi igual: "
        "cambie su nombre a «productos»",
        absent="subproductos",
    ),
    Case(
        "excel-celdas-combinadas",
        _workbook(lambda workbook: workbook["metas_productos"].merge_cells("C1:D1")),
        "pom.xlsx",
        1,
        "meta_fisica",
        "las celdas C1:D1 están combinadas",
        sheet="metas_productos",
    ),
    Case(
        "excel-encabezado-vacio",
        _workbook(_cell("metas_productos", "C1", None)),
        "pom.xlsx",
        1,
        "C",
        "la celda C1 está vacía",
        sheet="metas_productos",
    ),
    Case(
        "discrepancia-regla-desconocida",
        _acknowledged("total_anul,2027,TOTAL,1180000000,1180000001,El documento suma mal."),
        ACKNOWLEDGED,
        2,
        "regla",
        ("«total_anul» no es un valor admitido", "total_anual", "poblacion_elegible"),
    ),
    Case(
        "discrepancia-producto-inexistente",
        _acknowledged("financiera_producto,2027,PRD99,1,2,El documento suma mal."),
        ACKNOWLEDGED,
        2,
        "elemento",
        "«PRD99» no existe: en la regla «financiera_producto» el elemento es un identificador de productos.csv "
        "(columna «producto_id»)",
        rule="acknowledged_elements_exist",
    ),
    Case(
        "discrepancia-ficha-inexistente",
        _acknowledged("indicador_relativo,2027,COBERTURA,46.2,46.1,Redondeo del documento."),
        ACKNOWLEDGED,
        2,
        "elemento",
        "«COBERTURA» no existe: en la regla «indicador_relativo» el elemento es un identificador de fichas.csv",
        rule="acknowledged_elements_exist",
    ),
    Case(
        "discrepancia-mujeres-con-otra-cifra",
        _acknowledged("mujeres,2029,poblacion_elegible_2029,1,2,El documento redondea."),
        ACKNOWLEDGED,
        2,
        "elemento",
        "el elemento es una cifra de rol «mujeres» de cifras_clave.csv (columna «clave»)",
        rule="acknowledged_elements_exist",
    ),
    Case(
        "discrepancia-total-con-otro-elemento",
        _acknowledged("total_anual,2027,PRD01,1,2,El documento suma mal."),
        ACKNOWLEDGED,
        2,
        "elemento",
        "en la regla «total_anual» el elemento es siempre «TOTAL», no «PRD01»",
        rule="acknowledged_elements_exist",
    ),
    Case(
        "discrepancia-anio-mal-escrito",
        _acknowledged("total_anual,dos mil veintisiete,TOTAL,1,2,El documento suma mal."),
        ACKNOWLEDGED,
        2,
        "anio",
        "«dos mil veintisiete» no es un número entero",
    ),
    Case(
        "discrepancia-anio-de-cinco-cifras",
        _acknowledged("total_anual,20277,TOTAL,1,2,El documento suma mal."),
        ACKNOWLEDGED,
        2,
        "anio",
        "el valor 20277 es mayor que el máximo permitido (2100)",
    ),
    Case(
        "discrepancia-sin-anio",
        _acknowledged("poblacion_elegible,,FICHA_PRODUCTO,1,2,El documento redondea."),
        ACKNOWLEDGED,
        2,
        "anio",
        "la regla «poblacion_elegible» necesita el año de la comprobación",
        rule="acknowledgements_have_their_year",
    ),
    Case(
        "discrepancia-poblacion-objetivo-con-anio",
        _acknowledged("poblacion_objetivo,2029,poblacion_objetivo,1,2,El documento suma mal."),
        ACKNOWLEDGED,
        2,
        "anio",
        "la regla «poblacion_objetivo» se comprueba sin año: deje «anio» vacío",
        rule="acknowledgements_have_their_year",
    ),
    Case(
        "discrepancia-repetida",
        _acknowledged(
            "total_anual,2027,TOTAL,1,2,El documento suma mal.", "total_anual,2027,TOTAL,1,2,Otra vez la misma."
        ),
        ACKNOWLEDGED,
        3,
        "elemento",
        "la comprobación de la regla «total_anual» para «TOTAL» en 2027 ya está reconocida en la fila 2",
        rule="acknowledged_once",
    ),
    Case(
        "discrepancia-sin-nota",
        _acknowledged("total_anual,2027,TOTAL,1,2,"),
        ACKNOWLEDGED,
        2,
        "nota",
        "falta el valor",
    ),
    Case(
        "discrepancia-cifra-con-separadores",
        _acknowledged('total_anual,2027,TOTAL,"1,180,000,000",2,El documento suma mal.'),
        ACKNOWLEDGED,
        2,
        "esperado",
        "escriba 1180000000, sin separadores de miles",
    ),
    Case(
        "discrepancia-tabla-sin-filas",
        _acknowledged(),
        ACKNOWLEDGED,
        None,
        None,
        "la tabla no tiene filas: bórrela si el plan no reconoce ninguna discrepancia",
        rule="acknowledgements_have_rows",
    ),
    Case(
        "discrepancia-sin-columna-nota",
        _written(ACKNOWLEDGED, b"regla,anio,elemento,esperado,encontrado\ntotal_anual,2027,TOTAL,1,2\n"),
        ACKNOWLEDGED,
        1,
        None,
        "falta la columna «nota»",
    ),
    Case(
        "excel-discrepancia-elemento-inexistente",
        _then(
            _acknowledged("fisica_producto,2027,PRD99,1,2,El documento suma mal."),
            _workbook(lambda workbook: None),
        ),
        "pom.xlsx",
        2,
        "elemento",
        "«PRD99» no existe: en la regla «fisica_producto» el elemento es un identificador de la hoja «productos»",
        sheet="discrepancias_reconocidas",
        rule="acknowledged_elements_exist",
    ),
    Case(
        "excel-que-no-es-excel",
        _then(workbook_only, _written("pom.xlsx", b"producto_id,anio\nPRD01,2025\n")),
        "pom.xlsx",
        None,
        None,
        "no es un libro de Excel válido",
    ),
    Case(
        "excel-binario-cualquiera",
        _then(workbook_only, _written("pom.xlsx", b"\x00\xff basura \x13")),
        "pom.xlsx",
        None,
        None,
        "no es un libro de Excel válido",
    ),
]


def _place(case: Case, folder: Path) -> str:
    """How the CLI names the place of the expected problem: «file, hoja «s», fila r, columna «c»»."""
    shown = str(Problem(case.file.format(carpeta=folder), "·", row=case.row, column=case.column, sheet=case.sheet))
    return shown[: -len(": ·")]


def _recorded(each: rules.Rule, found_by: dict[str, str]) -> rules.Rule:
    """The rule, noting in `found_by` the name of the rule behind each problem it finds (by its text)."""

    def check(tables: rules.PlanTables) -> list[Problem]:
        problems = list(each.check(tables))
        found_by.update(dict.fromkeys(map(str, problems), each.name))
        return problems

    return dataclasses.replace(each, check=check)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_refused_where_it_is(case, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, folder)
    arguments = case.spoil(folder)
    before = fingerprint(tmp_path)
    found_by = {}
    monkeypatch.setattr(rules, "RULES", [_recorded(each, found_by) for each in rules.RULES])
    code = main(["validar", *map(str, arguments)])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "Traceback" not in out + err
    expected = f"  - {_place(case, folder)}: "
    lines = [line for line in err.splitlines() if line.startswith(expected)]
    texts = case.text if isinstance(case.text, tuple) else (case.text,)
    matching = [line for line in lines if all(text in line for text in texts)]
    assert matching, f"se esperaba «{expected}…{' … '.join(texts)}»; salida:\n{err}"
    if case.rule:
        finders = {found_by.get(line.removeprefix("  - ")) for line in matching}
        assert case.rule in finders, f"«{matching[0]}» no lo encontró la regla {case.rule}, sino {finders}"
    if case.absent:
        assert case.absent not in err
    assert fingerprint(tmp_path) == before


def test_every_data_rule_says_what_it_checks_and_has_a_case():
    exercised = {case.rule for case in CASES if case.rule}
    names = [each.name for each in rules.RULES]
    assert len(set(names)) == len(names), f"dos reglas con el mismo nombre: {names}"
    assert exercised <= set(names), f"casos de reglas que no existen: {sorted(exercised - set(names))}"
    without_case = [name for name in names if name not in exercised]
    assert not without_case, f"reglas sin caso en CASES (declárelo con rule=…): {', '.join(without_case)}"
    undocumented = [each.name for each in rules.RULES if not (each.check.__doc__ or "").strip()]
    assert not undocumented, f"reglas sin docstring que diga qué comprueban: {', '.join(undocumented)}"
