"""Execution files (what was done and spent, per item and year): where they are, reading and checking them.

An execution file is a tidy table, one row per product or subproduct, year and (optionally)
cuatrimestre, described by the Table Schema `pom_lib/data/schemas/ejecucion.json`. It is checked with the
same machinery as the plan (validation.check_tables) plus the rules that need the plan:
known identifiers, years inside the period, and products that add up to their subproducts.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import pandas as pd

from pom_lib.core import formatting as fmt
from pom_lib.core import paths, spanish
from pom_lib.core.errors import PlanError, Problem
from pom_lib.data.plan import Plan, product_parts
from pom_lib.data.reading import CheckedTable, RawTable, open_workbook, read_csv_table, read_sheet
from pom_lib.data.rules import year_problems
from pom_lib.data.validation import check_tables

TABLE = "ejecucion"  # the table's name, and the workbook sheet that holds it
# Columns the template adds so analysts see what they are filling in; accepted and ignored.
INFORMATIVE_COLUMNS = ("nivel", "programa", "producto", "nombre", "unidad_medida", "meta_fisica", "meta_financiera")
MEASURES = ("ejecucion_fisica", "ejecucion_financiera")
VALUES = (*MEASURES, "presupuesto_vigente")
KEY = ["elemento_id", "anio"]
CUATRIMESTRES_IN_A_YEAR = 3
# Where a project keeps its execution files, one per year (ejecucion_<año>.xlsx or .csv), for `pom edicion`.
EXECUTION_FOLDER = Path("data") / "ejecucion"
SUFFIXES = (".xlsx", ".csv")
# Amounts are typed with at most two decimals: a smaller gap is float noise, not a mistake.
TOLERANCE = 0.005
# An execution this many times its goal is almost surely a slip (thousands typed as units, a zero
# too many): it is valid, but `pom validar` points at it before it is published.
FAR_BEYOND_GOAL = 10
GOAL_OF = {"ejecucion_fisica": ("meta_fisica", "física"), "ejecucion_financiera": ("meta_financiera", "financiera")}


def execution_schema() -> dict:
    """The Table Schema of execution files, shipped with the library."""
    return json.loads((resources.files("pom_lib.data") / "schemas" / f"{TABLE}.json").read_text(encoding="utf-8"))


def load_execution(source: Path, plan: Plan) -> pd.DataFrame:
    """Read and check an execution file against a plan; raise PlanError listing every problem.

    `source` is a CSV file (UTF-8 or Excel's cp1252, commas or semicolons) or an .xlsx
    workbook with a sheet «ejecucion». Returns the table in schema column order:
    elemento_id (string), anio, cuatrimestre (Int64, NA = whole year), ejecucion_fisica,
    ejecucion_financiera, presupuesto_vigente (Float64, NA = no data).
    """
    return read_execution(source, plan).frame


def read_execution(source: Path, plan: Plan) -> CheckedTable:
    """load_execution's table, with where each row is in the analyst's file."""
    source = Path(source)
    schema = execution_schema()
    raw = _read_raw(source, [field["name"] for field in schema["fields"]])
    checked, problems = check_tables({TABLE: raw}, {TABLE: schema}, INFORMATIVE_COLUMNS)
    if not raw.rows:
        problems.append(raw.problem("no hay filas de ejecución debajo del encabezado"))
    table = checked.get(TABLE)
    if table is not None:
        problems += (
            _unknown_item_problems(table, plan)
            + year_problems(table, plan.years[0], plan.years[-1])
            + _mixed_period_problems(table)
            + _sum_problems(table, plan)
        )
    if problems:
        raise PlanError(_wrong_plan_problems(raw, table, plan) + problems)
    return table


def far_beyond_goal(table: CheckedTable, plan: Plan) -> list[Problem]:
    """Rows whose execution is more than FAR_BEYOND_GOAL times its item's goal for the year (a warning).

    A goal of zero has no multiple: execution against it is left to the semáforo.
    """
    goals = plan.goals.assign(elemento_id=plan.goals["subproducto_id"].fillna(plan.goals["producto_id"]))
    goals = goals.set_index(["elemento_id", "anio"])
    warnings = []
    for number, row in zip(table.row_numbers, table.frame.itertuples()):
        for measure, (goal_column, label) in GOAL_OF.items():
            done = getattr(row, measure)
            key = (row.elemento_id, row.anio)
            goal = goals[goal_column].get(key) if key in goals.index else None
            if pd.isna(done) or goal is None or pd.isna(goal) or goal <= 0 or done <= FAR_BEYOND_GOAL * goal:
                continue
            as_text = fmt.quetzales if measure == "ejecucion_financiera" else _quantity
            warnings.append(
                table.raw.problem(
                    f"la ejecución {label} de {row.elemento_id} en {_period_text(row.anio, _period(row))} "
                    f"({as_text(done)}) es {fmt.integer(done / goal)} veces su meta del año ({as_text(goal)}): "
                    "compruebe que no se escribió en otra unidad o con ceros de más",
                    row=number,
                    column=measure,
                )
            )
    return warnings


def _period(row) -> int:
    return 0 if pd.isna(row.cuatrimestre) else int(row.cuatrimestre)


def _wrong_plan_problems(raw: RawTable, table: CheckedTable | None, plan: Plan) -> list[Problem]:
    """A first line when most of the file does not fit the plan: it is probably another plan's execution."""
    if table is None or table.frame.empty:
        return []
    known = set(plan.products["producto_id"]) | set(plan.subproducts["subproducto_id"])
    items = set(table.frame["elemento_id"].dropna())
    years = table.frame["anio"].dropna().astype(int)
    outside = years[(years < plan.years[0]) | (years > plan.years[-1])]
    reasons = []
    if len(outside) > len(years) / 2:
        reasons.append(
            f"sus años ({spanish.join(map(str, sorted(set(outside))))}) están fuera del período del plan {plan.period}"
        )
    unknown = items - known
    if len(unknown) > len(items) / 2:
        reasons.append(f"{len(unknown)} de sus {len(items)} identificadores no existen en el plan {plan.period}")
    if not reasons:
        return []
    return [
        raw.problem(
            f"este archivo parece de otro plan: {spanish.join(reasons)}. Revíselo contra el plan al que "
            "pertenece su ejecución (--plan), o use el archivo de ejecución de este plan; los problemas "
            "que siguen se deben probablemente a eso"
        )
    ]


def execution_file_for(root: Path, year: int) -> Path | None:
    """The execution file of `year` in the project's folder for them, data/ejecucion/ejecucion_<year>.xlsx or .csv.

    None when there is none; PlanError when both exist (which one would the edition use?).
    """
    found = [
        path
        for path in (Path(root) / EXECUTION_FOLDER / f"ejecucion_{year}{suffix}" for suffix in SUFFIXES)
        if os.path.lexists(path)  # a link is found too, and refused when read
    ]
    if len(found) > 1:
        names = spanish.join(path.name for path in found)
        raise PlanError(
            [
                Problem(
                    EXECUTION_FOLDER.as_posix(),
                    f"hay dos archivos de ejecución de {year} ({names}): deje solo el que corresponde",
                )
            ]
        )
    return found[0] if found else None


def _read_raw(source: Path, field_names: list[str]) -> RawTable:
    """The file's table; it must be a regular file (not a link to one elsewhere)."""
    path = paths.folder_file(source.parent, source.name)
    if path is None:
        raise PlanError([Problem(str(source), "no existe este archivo")])
    suffix = source.suffix.lower()
    if suffix == ".csv":
        return read_csv_table(path, field_names)
    if suffix == ".xlsx":
        return read_sheet(open_workbook(path), path, TABLE)
    raise PlanError(
        [Problem(source.name, f"se esperaba un archivo CSV (.csv) o un libro de Excel (.xlsx) con la hoja «{TABLE}»")]
    )


def _unknown_item_problems(table: CheckedTable, plan: Plan) -> list[Problem]:
    known = set(plan.products["producto_id"]) | set(plan.subproducts["subproducto_id"])
    return [
        table.raw.problem(
            f"el identificador «{item}» no es un producto ni un subproducto del plan {plan.period}",
            row=number,
            column="elemento_id",
        )
        for number, item in zip(table.row_numbers, table.frame["elemento_id"])
        if pd.notna(item) and item not in known
    ]


def _located(table: CheckedTable) -> pd.DataFrame:
    """Rows with an identifier and a year, with their row number (`fila`) and `periodo` (0 = whole year)."""
    frame = table.frame.assign(fila=table.row_numbers, periodo=table.frame["cuatrimestre"].fillna(0))
    return frame.dropna(subset=KEY)


def _mixed_period_problems(table: CheckedTable) -> list[Problem]:
    """A year is reported either whole or by cuatrimestre: with both, which one counts?"""
    frame = _located(table)
    frame = frame[frame[list(VALUES)].notna().any(axis=1)]
    by_period = frame[frame["periodo"] > 0].groupby(KEY)["fila"].apply(list)
    problems = []
    for row in frame[frame["periodo"] == 0].itertuples():
        rows = by_period.get((row.elemento_id, row.anio))
        if rows:
            others = f"fila{'s' if len(rows) > 1 else ''} {spanish.join(map(str, rows))}"
            problems.append(
                table.raw.problem(
                    f"{row.elemento_id} tiene datos de {row.anio} para el año completo (esta fila) y por cuatrimestre "
                    f"({others}): informe el año de una sola forma y deje vacía la otra",
                    row=row.fila,
                    column="cuatrimestre",
                )
            )
    return problems


def _sum_problems(table: CheckedTable, plan: Plan) -> list[Problem]:
    """Products whose execution is not the sum of their subproducts' (the plan's own rule, reconciliation.py).

    Checked for each year or cuatrimestre in which the product and all the subproducts
    it adds have a value; a missing value is missing data, not a disagreement.
    """
    frame = _located(table)
    values = frame.set_index(["elemento_id", "anio", "periodo"])
    parts = product_parts(plan)
    products = frame[frame["elemento_id"].isin(parts["producto_id"])]
    problems = []
    for product in products.itertuples():
        all_parts = parts[parts["producto_id"] == product.elemento_id]
        for measure, label, terms, which, as_text in (
            ("ejecucion_fisica", "física", all_parts[all_parts["misma_unidad"]], "de la misma unidad ", _quantity),
            ("ejecucion_financiera", "financiera", all_parts, "", fmt.quetzales),
        ):
            own = getattr(product, measure)
            keys = [(sub, product.anio, product.periodo) for sub in terms["subproducto_id"]]
            if pd.isna(own) or not keys or not all(key in values.index for key in keys):
                continue
            found = values.loc[keys, measure]
            if found.isna().any() or abs(found.sum() - own) <= TOLERANCE:
                continue
            period = _period_text(product.anio, product.periodo)
            problems.append(
                table.raw.problem(
                    f"la ejecución {label} del producto {product.elemento_id} en {period} ({as_text(own)}) "
                    "no es la suma "
                    f"de la de sus subproductos {which}{', '.join(terms['subproducto_id'])} ({as_text(found.sum())}); "
                    f"diferencia: {as_text(own - found.sum())}",
                    row=product.fila,
                    column=measure,
                )
            )
    return problems


def _quantity(value: float) -> str:
    return fmt.integer(value) if float(value).is_integer() else fmt.decimal(value, 2)


def _period_text(year: int, period: int) -> str:
    return f"{year}" if period == 0 else f"el cuatrimestre {period} de {year}"
