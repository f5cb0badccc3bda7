"""The plan data contract: the library's schema and the rules every chapter relies on.

A plan folder's datapackage.json says which format it follows (`formato_pom`); its own
copy of the schemas is never used, so a folder cannot loosen a rule, and the tables it lists
can only be the library's, each in its own file of the folder. A plan folder is read and
published as a fixed list of its own files (`package_paths`), never as whatever it points to. Rules
that a Table Schema cannot express (one target population, a main indicator, every year covered,
links to objectives that exist, names that tell rows apart…) are checked here, after the schema
check, with messages that name file, row and column.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Collection
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from pom_lib.core import formatting as fmt
from pom_lib.core import paths, spanish
from pom_lib.core.errors import PlanError, Problem
from pom_lib.data import commentary
from pom_lib.data.reading import CheckedTable

FORMAT = 2
FORMAT_KEY = "formato_pom"
DESCRIPTOR = "datapackage.json"
README = "README.md"
# A plan's datapackage.json takes some 35 KB and nests 8 levels (itself > resources > schema > fields >
# constraints > enum); far beyond both is another file, or one made to exhaust the reader.
DESCRIPTOR_MAX_BYTES = 1024 * 1024
DESCRIPTOR_MAX_DEPTH = 32
# Roles of cifras_clave.csv; only the target population has no year.
ROLE_TARGET_POPULATION = "poblacion_objetivo"
ROLE_ELIGIBLE = "poblacion_elegible"
ROLE_COVERAGE_GOAL = "cobertura_meta"
ROLE_WOMEN_PCT = "porcentaje_mujeres"
ROLE_WOMEN = "mujeres"
# poblacion_objetivo.csv: the row that groups every place not listed on its own.
REST_ROLE = "resto"
MAIN_FICHE_LEVEL = "producto"
# marco_estrategico.csv: the statements objetivos_programas.csv links to programs, by their `orden`.
OPERATIONAL_OBJECTIVE = "objetivo_operativo"
# An optional table: a plan without it has none of its rows (the resource says "opcional": true).
OPTIONAL_KEY = "opcional"
# discrepancias_reconocidas.csv: reconciliation checks the published document itself fails.
ACKNOWLEDGEMENTS = "discrepancias_reconocidas"
# What each rule of that table checks an element of: (table, identifier column), or the one word it uses.
ACKNOWLEDGED_ELEMENTS = {
    "financiera_producto": ("productos", "producto_id"),
    "fisica_producto": ("productos", "producto_id"),
    "total_anual": "TOTAL",
    "indicador_absoluto": ("fichas", "ficha_id"),
    "indicador_relativo": ("fichas", "ficha_id"),
    "poblacion_objetivo": "poblacion_objetivo",
    "poblacion_elegible": ("fichas", "ficha_id"),
    "mujeres": ("cifras_clave", "clave"),
}
# The one rule checked once for the whole plan, with no year.
YEARLESS_RULE = "poblacion_objetivo"


@cache
def plan_schema() -> dict:
    """The library's data package descriptor of a plan (format FORMAT)."""
    text = resources.files("pom_lib.data").joinpath("schemas/plan.json").read_text(encoding="utf-8")
    return json.loads(text)


def plan_resources() -> list[dict]:
    """Every table of a plan: name, file name and Table Schema, in the book's order."""
    return plan_schema()["resources"]


def is_optional(resource: dict) -> bool:
    """Whether a plan may do without this table (then it has none of its rows)."""
    return bool(resource.get(OPTIONAL_KEY, False))


def resources_of(names: Collection[str]) -> list[dict]:
    """The resources of the tables a plan has (every required one, and the optional ones in `names`),
    in the book's order: what its datapackage.json lists."""
    return [r for r in plan_resources() if not is_optional(r) or r["name"] in names]


def field_names(table: str) -> list[str]:
    """A table's columns, in the contract's order."""
    resource = next(r for r in plan_resources() if r["name"] == table)
    return [field["name"] for field in resource["schema"]["fields"]]


def table_place(source: Path, table: str) -> str:
    """Where the plan read from `source` keeps a table: its CSV file, or its sheet of the workbook."""
    source = Path(source)
    if source.is_dir():
        return next(r["path"] for r in plan_resources() if r["name"] == table)
    return f"{source.name}, hoja «{table}»"


def table_problem(source: Path, table: str, message: str, row: int | None = None, column: str | None = None) -> Problem:
    """A problem of one table of the plan read from `source`, placed as `table_place` says."""
    source = Path(source)
    if source.is_dir():
        return Problem(table_place(source, table), message, row=row, column=column)
    return Problem(source.name, message, row=row, column=column, sheet=table)


def read_descriptor(folder: Path) -> dict:
    """A plan folder's datapackage.json, read only when it is a regular file of the folder of bounded
    size and nesting; raises PlanError saying what is wrong with it."""
    path = paths.folder_file(folder, DESCRIPTOR)
    if path is None:
        raise PlanError(
            [
                Problem(
                    str(folder),
                    f"falta el archivo {DESCRIPTOR}, que declara el formato de los datos del plan; "
                    "cópielo de la versión anterior del plan",
                )
            ]
        )
    size = path.stat().st_size
    if size > DESCRIPTOR_MAX_BYTES:
        raise PlanError(
            [
                Problem(
                    DESCRIPTOR,
                    f"el archivo pesa {fmt.integer(size // 1024)} KB y el máximo es "
                    f"{fmt.integer(DESCRIPTOR_MAX_BYTES // 1024)} KB: la descripción de un plan ocupa unas "
                    "decenas de KB; compruebe que es el archivo correcto",
                )
            ]
        )
    too_deep = Problem(
        DESCRIPTOR,
        f"el archivo anida más de {DESCRIPTOR_MAX_DEPTH} niveles de listas y objetos: la descripción de un plan "
        "no pasa de unos pocos; compruebe que es el archivo correcto",
    )
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise PlanError([Problem(DESCRIPTOR, "el archivo está dañado: no es JSON válido", row=line)]) from error
    except RecursionError as error:  # the parser's own limit, far above DESCRIPTOR_MAX_DEPTH
        raise PlanError([too_deep]) from error
    if _depth(descriptor) > DESCRIPTOR_MAX_DEPTH:
        raise PlanError([too_deep])
    if not isinstance(descriptor, dict):
        raise PlanError([Problem(DESCRIPTOR, "el archivo debe ser un objeto JSON con la descripción del plan")])
    return descriptor


def _depth(value: object) -> int:
    """How many lists and objects nest in a JSON value, counted without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            pending += [(child, level + 1) for child in children]
    return deepest


def descriptor_problems(folder: Path) -> list[Problem]:
    """What keeps a folder's datapackage.json from declaring the current format and the library's tables.

    A folder in format 1 (no `formato_pom`) gets the exact list of changes to make,
    computed from its own files.
    """
    try:
        descriptor = read_descriptor(folder)
    except PlanError as error:
        return error.problems
    version = descriptor.get(FORMAT_KEY)
    if version == FORMAT:
        return _resource_problems(descriptor.get("resources", []))
    if version is None:
        reason = f"los datos siguen el formato 1, que esta versión ya no lee. Para pasarlos al formato {FORMAT}:"
        return [Problem(DESCRIPTOR, reason), *_format1_steps(folder)]
    return [
        Problem(
            DESCRIPTOR,
            f"«{FORMAT_KEY}» vale {version!r}; esta versión de Libro POM lee el formato {FORMAT}: "
            f'escriba "{FORMAT_KEY}": {FORMAT}',
        )
    ]


def _resource_problems(resources: object) -> list[Problem]:
    """Resources other than the library's tables, or a table in another file than its own, are refused:
    whatever the descriptor lists is published with the plan."""
    own = {resource["name"]: resource["path"] for resource in plan_resources()}
    if not isinstance(resources, list):
        return [Problem(DESCRIPTOR, "«resources» debe ser la lista de las tablas del plan")]
    problems = []
    for number, resource in enumerate(resources, start=1):
        name = resource.get("name") if isinstance(resource, dict) else None
        path = resource.get("path") if isinstance(resource, dict) else None
        if name not in own:
            problems.append(
                Problem(
                    DESCRIPTOR,
                    f"el recurso n.º {number} ({json.dumps(name, ensure_ascii=False)}, ruta "
                    f"{json.dumps(path, ensure_ascii=False)}) no es una tabla del plan: quítelo de «resources», "
                    "que solo lista las tablas del plan, cada una en su archivo de la carpeta",
                )
            )
        elif path != own[name]:
            problems.append(
                Problem(
                    DESCRIPTOR,
                    f"la tabla «{name}» tiene la ruta {json.dumps(path, ensure_ascii=False)}, pero sus datos están "
                    f'siempre en {own[name]}, dentro de la carpeta del plan: escriba "path": "{own[name]}"',
                )
            )
    return problems


def workbooks_in(folder: Path) -> list[str]:
    """The Excel workbooks of a folder, by name (not the lock files Excel leaves beside an open one, ~$…)."""
    return sorted(
        entry.name
        for entry in Path(folder).iterdir()
        if entry.suffix.lower() == ".xlsx" and not entry.name.startswith("~$")
    )


def has_tables(folder: Path) -> bool:
    """Whether the folder holds its tables as CSV files (any required one), rather than in a workbook."""
    return any(os.path.lexists(Path(folder) / r["path"]) for r in plan_resources() if not is_optional(r))


def document_paths(folder: Path) -> list[str]:
    """The plan's documents by relative path: README.md and the team's commentary (comentarios/*.md).

    Links are listed too, so that reading them refuses them (paths.folder_file).
    """
    folder = Path(folder)
    names = [README] if os.path.lexists(folder / README) else []
    notes = folder / commentary.FOLDER
    if notes.is_dir():
        names += sorted(f"{commentary.FOLDER}/{entry.name}" for entry in notes.iterdir() if entry.suffix == ".md")
    return names


def package_paths(folder: Path) -> list[str]:
    """The files of a plan folder that the book publishes as its data package, by relative path:
    datapackage.json, the tables (the contract's CSV files, optional ones when present, or the folder's
    one workbook when it has none of the required ones) and README.md. Nothing else in the folder is
    ever published: not even the team's commentary, which the book shows only once confirmed."""
    folder = Path(folder)
    tables = [r["path"] for r in plan_resources() if os.path.lexists(folder / r["path"])]
    if not has_tables(folder):
        workbooks = workbooks_in(folder)
        tables = workbooks if len(workbooks) == 1 else []
    return [DESCRIPTOR, *tables, *([README] if os.path.lexists(folder / README) else [])]


def document_problems(folder: Path) -> list[Problem]:
    """A document that is not a regular file of the folder (a link, say): the plan publishes its documents."""
    problems = []
    for name in document_paths(folder):
        try:
            paths.folder_file(folder, name)
        except PlanError as error:
            problems += error.problems
    return problems


def _format1_steps(folder: Path) -> list[Problem]:
    """The changes from format 1 to format 2, row by row where the files allow it."""
    steps = [Problem(DESCRIPTOR, f'añada la línea "{FORMAT_KEY}": {FORMAT}, al principio del objeto')]
    figures = _csv_rows(folder, "cifras_clave.csv")
    if figures and "rol" not in figures[0]:
        steps.append(Problem("cifras_clave.csv", "añada después de «clave» las columnas «rol» y «anio»", row=1))
        for number, row in enumerate(figures[1:], start=2):
            role, year = _format1_role(row[0]) if row else ("", "")
            if role:
                steps.append(
                    Problem(
                        "cifras_clave.csv",
                        f"escriba rol «{role}»" + (f" y anio {year}" if year else " y deje anio vacío"),
                        row=number,
                        column="rol",
                    )
                )
    population = _csv_rows(folder, "poblacion_objetivo.csv")
    if population and "rol" not in population[0]:
        steps.append(
            Problem(
                "poblacion_objetivo.csv",
                "añada la columna «rol»: «resto» en la fila que agrupa a los "
                "demás lugares (como «Resto del mundo»), «lugar» en las demás",
                row=1,
            )
        )
    if not (folder / "unidades.csv").is_file():
        units = sorted(
            {
                row[header.index("unidad_medida")]
                for name in ("productos.csv", "subproductos.csv")
                for header, *rows in [_csv_rows(folder, name) or [[]]]
                if "unidad_medida" in header
                for row in rows
                if len(row) == len(header)
            }
        )
        listed = ", ".join(units) if units else "las de productos y subproductos"
        steps.append(
            Problem(
                str(folder),
                f"cree unidades.csv con las columnas unidad_medida,descripcion y una fila por "
                f"unidad de medida que usa el plan ({listed})",
            )
        )
    return steps


def _format1_role(key: str) -> tuple[str, str]:
    """The role and year a format-1 key such as 'poblacion_elegible_2029' meant."""
    if key == "poblacion_objetivo_total":
        return ROLE_TARGET_POPULATION, ""
    found = re.fullmatch(r"(.+)_(\d{4})", key)
    roles = (ROLE_ELIGIBLE, ROLE_COVERAGE_GOAL, ROLE_WOMEN_PCT, ROLE_WOMEN)
    if found and found.group(1) in roles:
        return found.group(1), found.group(2)
    return "", ""


def _csv_rows(folder: Path, name: str) -> list[list[str]]:
    """The rows of a format-1 table, for its steps to format 2; none when it cannot be read as it is."""
    try:
        path = paths.folder_file(folder, name)
        if path is None:
            return []
        with path.open(encoding="utf-8-sig", newline="") as file:
            return list(csv.reader(file))
    except (PlanError, UnicodeDecodeError, csv.Error):
        return []


def rule_problems(checked: dict[str, CheckedTable]) -> list[Problem]:
    """The contract's rules beyond the schema, on tables that passed it.

    Problems are placed in the analyst's file, or workbook and sheet, by each table's row numbers;
    messages name another table as `RawTable.label` does (productos.csv, la hoja «productos»).
    """
    problems = []
    tables = {name: table.frame for name, table in checked.items()}
    rows = {name: table.row_numbers for name, table in checked.items()}
    labels = {name: table.raw.label for name, table in checked.items()}

    def problem(table: str, message: str, index: int | None = None, column: str | None = None) -> None:
        row = rows[table][index] if index is not None else None
        problems.append(checked[table].raw.problem(message, row=row, column=column))

    figures = tables.get("cifras_clave")
    if figures is not None:
        targets = [i for i, role in enumerate(figures["rol"]) if role == ROLE_TARGET_POPULATION]
        if not targets:
            problem(
                "cifras_clave",
                f"falta la cifra con rol «{ROLE_TARGET_POPULATION}» (la población objetivo total), "
                "que usan las fichas y el capítulo de alcance",
            )
        for i in targets[1:]:
            problem("cifras_clave", f"hay más de una cifra con rol «{ROLE_TARGET_POPULATION}»; deje una sola", i, "rol")
        for i, (role, year) in enumerate(zip(figures["rol"], figures["anio"])):
            if role == ROLE_TARGET_POPULATION and pd.notna(year):
                problem("cifras_clave", "la población objetivo no lleva año: deje «anio» vacío", i, "anio")
            elif role != ROLE_TARGET_POPULATION and pd.isna(year):
                problem("cifras_clave", f"la cifra con rol «{role}» necesita el año al que se refiere", i, "anio")
        seen = {}
        for i, key in enumerate(zip(figures["rol"], figures["anio"])):
            if key in seen and key[0] != ROLE_TARGET_POPULATION:
                problem(
                    "cifras_clave",
                    f"el rol «{key[0]}» ya tiene una cifra para {key[1]} (fila {rows['cifras_clave'][seen[key]]})",
                    i,
                    "rol",
                )
            seen.setdefault(key, i)
    population = tables.get("poblacion_objetivo")
    if population is not None:
        rests = [i for i, role in enumerate(population["rol"]) if role == REST_ROLE]
        for i in rests[1:]:
            problem(
                "poblacion_objetivo",
                f"solo una fila puede tener rol «{REST_ROLE}» (la primera está en la fila "
                f"{rows['poblacion_objetivo'][rests[0]]})",
                i,
                "rol",
            )
    fiches = tables.get("fichas")
    if fiches is not None:
        if not (fiches["nivel"] == MAIN_FICHE_LEVEL).any():
            problem(
                "fichas",
                f"falta una ficha de nivel «{MAIN_FICHE_LEVEL}»: la primera es el indicador principal "
                "del plan, que usan los capítulos de alcance, fichas y proyecciones",
            )
        formula = tables.get("fichas_formula")
        if formula is not None:
            with_terms = set(formula["ficha_id"])
            for i, fiche in enumerate(fiches["ficha_id"]):
                if fiche not in with_terms:
                    problem(
                        "fichas",
                        f"la ficha «{fiche}» no tiene términos en fichas_formula.csv: escriba allí los "
                        "subproductos cuya meta física suma el numerador del indicador",
                        i,
                        "ficha_id",
                    )
        goals, plan = tables.get("fichas_metas"), tables.get("plan")
        if goals is not None and plan is not None and len(plan) == 1:
            years = range(int(plan.at[0, "anio_inicio"]), int(plan.at[0, "anio_fin"]) + 1)
            for fiche in fiches["ficha_id"]:
                missing = sorted(set(years) - set(goals.loc[goals["ficha_id"] == fiche, "anio"].dropna().astype(int)))
                if missing:
                    listed = ", ".join(map(str, missing))
                    problem(
                        "fichas_metas",
                        f"la ficha «{fiche}» no tiene meta para {listed}: escriba una fila por año del plan",
                    )
    _objective_link_rules(tables, labels, problem)
    _same_name_rules(tables, rows, problem)
    _acknowledgement_rules(tables, rows, labels, problem)
    return problems


def _objective_link_rules(tables: dict[str, pd.DataFrame], labels: dict[str, str], problem) -> None:
    """Each link of objetivos_programas names an operational objective that exists, and subproducts of its program.

    A link to a missing objective would silently vanish from the book, and a subproduct of
    another program would count that program's money as this one's.
    """
    links, framework = tables.get("objetivos_programas"), tables.get("marco_estrategico")
    programs, products, subproducts = (tables.get(name) for name in ("programas", "productos", "subproductos"))
    if any(table is None for table in (links, framework, programs, products, subproducts)):
        return
    program_name = dict(zip(programs["programa_id"], programs["nombre"]))
    objectives = sorted(int(o) for o in framework.loc[framework["tipo"] == OPERATIONAL_OBJECTIVE, "orden"])
    existing = (
        f"{labels['marco_estrategico']} tiene los objetivos operativos {spanish.join(map(str, objectives))}"
        if objectives
        else f"{labels['marco_estrategico']} no tiene objetivos operativos"
    )
    product_program = dict(zip(products["producto_id"], products["programa_id"]))
    program_of = {row.subproducto_id: product_program.get(row.producto_id) for row in subproducts.itertuples()}
    for i, link in enumerate(links.itertuples()):
        if int(link.objetivo_orden) not in objectives:
            problem(
                "objetivos_programas",
                f"el objetivo operativo {link.objetivo_orden} no existe: {existing} (filas de tipo "
                f"«{OPERATIONAL_OBJECTIVE}», columna «orden»); corrija el número o agregue el objetivo allí",
                i,
                "objetivo_orden",
            )
        for sub in str(link.subproductos).split() if pd.notna(link.subproductos) else []:
            if sub not in program_of:
                problem(
                    "objetivos_programas",
                    f"el subproducto {sub} no existe en {labels['subproductos']}",
                    i,
                    "subproductos",
                )
            elif program_of[sub] != link.programa_id:
                problem(
                    "objetivos_programas",
                    f"el subproducto {sub} es del programa «{program_name.get(program_of[sub])}», no de "
                    f"«{program_name.get(link.programa_id)}»: en esta fila solo caben subproductos de "
                    f"{link.programa_id}; quítelo, o póngalo en una fila de su programa",
                    i,
                    "subproductos",
                )


def _same_name_rules(tables: dict[str, pd.DataFrame], rows: dict[str, list[int]], problem) -> None:
    """Two programs, or two products of one program, may not share a name: the book could not tell them apart."""
    for table, noun, group in (("programas", "programa", None), ("productos", "producto", "programa_id")):
        frame = tables.get(table)
        if frame is None:
            continue
        seen = {}
        for i, name in enumerate(frame["nombre"]):
            if pd.isna(name):
                continue
            key = (frame[group].iloc[i] if group else None, " ".join(str(name).split()).casefold())
            if key in seen:
                where = " del mismo programa" if group else ""
                problem(
                    table,
                    f"el {noun} «{name}» se llama igual que el de la fila {rows[table][seen[key]]}{where}: en el libro "
                    "no se distinguirían; cambie el nombre de uno de los dos",
                    i,
                    "nombre",
                )
            seen.setdefault(key, i)


def _acknowledgement_rules(
    tables: dict[str, pd.DataFrame], rows: dict[str, list[int]], labels: dict[str, str], problem
) -> None:
    """Each acknowledged discrepancy names its rule's kind of element, with a year unless the rule has none,
    once; a table without rows acknowledges nothing and is refused, so that «no table» and «no rows» are one state."""
    acknowledged = tables.get(ACKNOWLEDGEMENTS)
    if acknowledged is None:
        return
    if acknowledged.empty:
        problem(
            ACKNOWLEDGEMENTS,
            "la tabla no tiene filas: bórrela si el plan no reconoce ninguna discrepancia, o escriba una por fila "
            "(pom validar muestra la línea de cada comprobación que no cuadra)",
        )
    seen = {}
    for i, row in enumerate(acknowledged.itertuples()):
        if row.regla == YEARLESS_RULE and pd.notna(row.anio):
            problem(ACKNOWLEDGEMENTS, f"la regla «{row.regla}» se comprueba sin año: deje «anio» vacío", i, "anio")
        elif row.regla != YEARLESS_RULE and pd.isna(row.anio):
            problem(ACKNOWLEDGEMENTS, f"la regla «{row.regla}» necesita el año de la comprobación", i, "anio")
        message = _element_problem(row.regla, row.elemento, tables, labels)
        if message:
            problem(ACKNOWLEDGEMENTS, message, i, "elemento")
        key = (row.regla, None if pd.isna(row.anio) else int(row.anio), row.elemento)
        if key in seen:
            problem(
                ACKNOWLEDGEMENTS,
                f"la comprobación de la regla «{row.regla}» para «{row.elemento}»"
                + (f" en {key[1]}" if key[1] is not None else "")
                + f" ya está reconocida en la fila {rows[ACKNOWLEDGEMENTS][seen[key]]}: deje una sola",
                i,
                "elemento",
            )
        seen.setdefault(key, i)


def _element_problem(rule: str, element: str, tables: dict[str, pd.DataFrame], labels: dict[str, str]) -> str | None:
    """What is wrong with the element an acknowledgement names for its rule, or None."""
    kind = ACKNOWLEDGED_ELEMENTS[rule]
    if isinstance(kind, str):
        return None if element == kind else f"en la regla «{rule}» el elemento es siempre «{kind}», no «{element}»"
    table, column = kind
    frame = tables[table]
    if table == "cifras_clave":
        frame = frame[frame["rol"] == ROLE_WOMEN]
        what = f"una cifra de rol «{ROLE_WOMEN}» de {labels[table]} (columna «{column}»)"
    else:
        what = f"un identificador de {labels[table]} (columna «{column}»)"
    if element in set(frame[column]):
        return None
    return f"«{element}» no existe: en la regla «{rule}» el elemento es {what}"


def main_fiche(fiches: pd.DataFrame) -> str:
    """The plan's main indicator: the first product-level fiche in file order."""
    return str(fiches.loc[fiches["nivel"] == MAIN_FICHE_LEVEL, "ficha_id"].iloc[0])
