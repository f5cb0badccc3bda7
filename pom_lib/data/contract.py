"""The plan data contract: the library's schema and the rules every chapter relies on.

A plan folder's datapackage.json says which format it follows (`formato_pom`); its own
copy of the schemas is never used, so a folder cannot loosen a rule. Rules that a Table
Schema cannot express (one target population, a main indicator, every year covered, links
to objectives that exist, names that tell rows apart…) are checked here, after the schema
check, with messages that name file, row and column.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from pom_lib.core import spanish
from pom_lib.core.errors import Problem

FORMAT = 2
FORMAT_KEY = "formato_pom"
DESCRIPTOR = "datapackage.json"
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


@cache
def plan_schema() -> dict:
    """The library's data package descriptor of a plan (format FORMAT)."""
    text = resources.files("pom_lib.data").joinpath("schemas/plan.json").read_text(encoding="utf-8")
    return json.loads(text)


def plan_resources() -> list[dict]:
    """Every table of a plan: name, file name and Table Schema, in the book's order."""
    return plan_schema()["resources"]


def descriptor_problems(folder: Path) -> list[Problem]:
    """What keeps a folder's datapackage.json from declaring the current format.

    A folder in format 1 (no `formato_pom`) gets the exact list of changes to make,
    computed from its own files.
    """
    path = folder / DESCRIPTOR
    if not path.is_file():
        return [
            Problem(
                str(folder),
                f"falta el archivo {DESCRIPTOR}, que declara el formato de los datos del plan; "
                "cópielo de la versión anterior del plan",
            )
        ]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        return [Problem(DESCRIPTOR, "el archivo está dañado: no es JSON válido", row=line)]
    if not isinstance(descriptor, dict):
        return [Problem(DESCRIPTOR, "el archivo debe ser un objeto JSON con la descripción del plan")]
    version = descriptor.get(FORMAT_KEY)
    if version == FORMAT:
        return []
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


def _format1_steps(folder: Path) -> list[Problem]:
    """The changes from format 1 to format 2, row by row where the files allow it."""
    steps = [Problem(DESCRIPTOR, f'añada la línea "{FORMAT_KEY}": {FORMAT}, al principio del objeto')]
    figures = _csv_rows(folder / "cifras_clave.csv")
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
    population = _csv_rows(folder / "poblacion_objetivo.csv")
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
                for header, *rows in [_csv_rows(folder / name) or [[]]]
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


def _csv_rows(path: Path) -> list[list[str]]:
    if not path.is_file():
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            return list(csv.reader(file))
    except (UnicodeDecodeError, csv.Error):
        return []


def rule_problems(tables: dict[str, pd.DataFrame], rows: dict[str, list[int]], labels: dict[str, str]) -> list[Problem]:
    """The contract's rules beyond the schema, on tables that passed it.

    `rows[name][i]` is the analyst's row number of `tables[name].iloc[i]` and `labels[name]`
    the file (or sheet) name used in messages.
    """
    problems = []

    def problem(table: str, message: str, index: int | None = None, column: str | None = None) -> None:
        row = rows[table][index] if index is not None else None
        problems.append(Problem(labels[table], message, row=row, column=column))

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
        if population.empty:
            problem(
                "poblacion_objetivo", "la tabla no tiene filas: escriba al menos un lugar con su población objetivo"
            )
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


def main_fiche(fiches: pd.DataFrame) -> str:
    """The plan's main indicator: the first product-level fiche in file order."""
    return str(fiches.loc[fiches["nivel"] == MAIN_FICHE_LEVEL, "ficha_id"].iloc[0])
