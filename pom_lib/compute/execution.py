"""The plan's execution (what was done and spent): reading and checking it, attainment, pace.

An execution file is a tidy table, one row per product or subproduct, year and (optionally)
cuatrimestre, described by the Table Schema `pom_lib/data/schemas/ejecucion.json`. It is checked with the
same machinery as the plan (validation.check_tables) plus the rules that need the plan:
known identifiers, years inside the period, and products that add up to their subproducts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pom_lib.compute.reconciliation import formula_terms, product_parts, relative_coverage
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.errors import PlanError, Problem
from pom_lib.data.plan import Plan
from pom_lib.data.reading import RawTable, open_workbook, read_csv_table, read_sheet
from pom_lib.data.validation import CheckedTable, check_tables, year_problems

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

SOBREEJECUTADO, EN_META, EN_RIESGO, REZAGADO = "Sobreejecutado", "En meta", "En riesgo", "Rezagado"
SIN_DATO, SIN_META = "Sin dato", "Sin meta"
# The semáforo classes from the highest percentage to the lowest, then those without one.
CLASSES = [SOBREEJECUTADO, EN_META, EN_RIESGO, REZAGADO, SIN_DATO, SIN_META]


@dataclass(frozen=True)
class Thresholds:
    """Semáforo limits in percent of the goal: above `over` «Sobreejecutado», ≥ green «En meta»,
    ≥ yellow «En riesgo», below «Rezagado». They are parameters of each edition."""

    green: float = 90.0
    yellow: float = 70.0
    over: float = 110.0

    def __post_init__(self):
        if not self.yellow <= self.green <= self.over:
            raise ValueError(
                f"los umbrales deben ir de menor a mayor: amarillo ({fmt.decimal(self.yellow)}) ≤ verde "
                f"({fmt.decimal(self.green)}) ≤ sobreejecución ({fmt.decimal(self.over)})"
            )

    def classify(self, executed: float, goal: float) -> str:
        """The semáforo class of an executed value against its goal.

        No executed value is «Sin dato»; a goal of zero («Q -» in the plan) cannot be
        attained by a percentage and is «Sin meta». Executing well beyond the goal is its
        own class: it says the goal was set too low or the item absorbed other work.
        """
        if pd.isna(executed):
            return SIN_DATO
        if pd.isna(goal) or goal == 0:
            return SIN_META
        percent = 100 * executed / goal
        if percent > self.over:
            return SOBREEJECUTADO
        return EN_META if percent >= self.green else EN_RIESGO if percent >= self.yellow else REZAGADO


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
    return table.frame


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
        if path.is_file()
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
    if not source.exists():
        raise PlanError([Problem(str(source), "no existe este archivo")])
    suffix = source.suffix.lower()
    if source.is_file() and suffix == ".csv":
        return read_csv_table(source, field_names)
    if source.is_file() and suffix == ".xlsx":
        return read_sheet(open_workbook(source), source, TABLE)
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


def yearly_execution(execution: pd.DataFrame) -> pd.DataFrame:
    """One row per item and year: the year's execution, whole or added up from its cuatrimestres.

    A year reported by cuatrimestre adds up the physical and financial execution of the
    cuatrimestres reported so far; its presupuesto_vigente is the latest one reported (a
    budget is a balance at a date, not a flow). `cuatrimestres` says how much of the year the
    values cover: 3 for a whole-year row, else the number of cuatrimestres with data (0 = none).
    Columns: elemento_id, anio, ejecucion_fisica, ejecucion_financiera, presupuesto_vigente, cuatrimestres.
    """
    has_value = execution[list(VALUES)].notna().any(axis=1)
    whole = execution["cuatrimestre"].isna()
    by_period = execution[~whole & has_value].sort_values("cuatrimestre").groupby(KEY)
    periods = pd.concat(
        [
            by_period[list(MEASURES)].sum(min_count=1),
            by_period["presupuesto_vigente"].last(),
            by_period["cuatrimestre"].nunique().rename("cuatrimestres"),
        ],
        axis=1,
    )
    years = execution[whole].set_index(KEY)[list(VALUES)]
    years = years.assign(cuatrimestres=np.where(has_value[whole], CUATRIMESTRES_IN_A_YEAR, 0))
    years = years[~years.index.isin(periods.index)]  # an empty whole-year row next to cuatrimestres
    combined = pd.concat([periods, years]).sort_index().reset_index()
    return combined.astype({"cuatrimestres": "int64"})[[*KEY, *VALUES, "cuatrimestres"]]


def _percent(part: pd.Series, whole: pd.Series) -> pd.Series:
    """100 × part / whole, NaN where either is missing or the whole is zero."""
    part, whole = part.astype(float), whole.astype(float)
    return (100 * part / whole.where(whole != 0)).astype(float)


def _goals_with_execution(plan: Plan, execution: pd.DataFrame) -> pd.DataFrame:
    goals = plan.goals.assign(elemento_id=plan.goals["subproducto_id"].fillna(plan.goals["producto_id"]))
    merged = goals.merge(yearly_execution(execution), on=KEY, how="left")
    return merged.assign(cuatrimestres=merged["cuatrimestres"].fillna(0).astype(int))


def attainment(
    plan: Plan, execution: pd.DataFrame, cutoff_year: int, thresholds: Thresholds = Thresholds()
) -> pd.DataFrame:
    """Goal, execution and percent attained of every product and subproduct, years up to the cutoff.

    Percentages are executed / goal × 100 (physical and financial); the semáforo classes come
    from `thresholds`. `ejecucion_vigente_pct` is the financial execution over the current budget.
    Columns: nivel, programa, producto_id, elemento_id, nombre, unidad_medida, anio, cuatrimestres,
    meta_fisica, ejecucion_fisica, avance_fisico_pct, semaforo_fisico, meta_financiera,
    ejecucion_financiera, avance_financiero_pct, semaforo_financiero, presupuesto_vigente,
    ejecucion_vigente_pct. Plan order (program, product, subproduct, year).
    """
    table = _goals_with_execution(plan, execution)
    table = table[table["anio"] <= cutoff_year].reset_index(drop=True)
    for measure, goal, percent, light in (
        ("ejecucion_fisica", "meta_fisica", "avance_fisico_pct", "semaforo_fisico"),
        ("ejecucion_financiera", "meta_financiera", "avance_financiero_pct", "semaforo_financiero"),
    ):
        table[percent] = _percent(table[measure], table[goal])
        table[light] = [thresholds.classify(executed, target) for executed, target in zip(table[measure], table[goal])]
    table["ejecucion_vigente_pct"] = _percent(table["ejecucion_financiera"], table["presupuesto_vigente"])
    return table[
        [
            "nivel",
            "programa",
            "producto_id",
            "elemento_id",
            "nombre",
            "unidad_medida",
            "anio",
            "cuatrimestres",
            "meta_fisica",
            "ejecucion_fisica",
            "avance_fisico_pct",
            "semaforo_fisico",
            "meta_financiera",
            "ejecucion_financiera",
            "avance_financiero_pct",
            "semaforo_financiero",
            "presupuesto_vigente",
            "ejecucion_vigente_pct",
        ]
    ]


def coverage_execution(plan: Plan, execution: pd.DataFrame, fiche_id: str | None = None) -> pd.DataFrame:
    """The coverage indicator's executed value per year: the fiche's «Ejecución» column.

    The executed absolute value adds the physical execution of the subproducts the fiche's
    formula names, as the goal adds their goals; it is missing unless all of them have data
    (a partial sum would understate coverage). The relative value divides it by the target
    population, like the goals. `cuatrimestres` is the least-covered term's (3 = whole year).
    Columns: anio, meta_absoluta, meta_relativa, ejecucion_absoluta, ejecucion_relativa,
    avance_pct, cuatrimestres.
    """
    fiche_id = fiche_id or plan.main_fiche
    terms = formula_terms(plan, fiche_id)
    yearly = yearly_execution(execution)
    yearly = yearly[yearly["elemento_id"].isin(terms)]
    goals = plan["fichas_metas"]
    goals = goals[goals["ficha_id"] == fiche_id].sort_values("anio")
    rows = []
    for goal in goals.itertuples():
        done = yearly[(yearly["anio"] == goal.anio) & yearly["ejecucion_fisica"].notna()]
        complete = set(done["elemento_id"]) == set(terms)
        absolute = float(done["ejecucion_fisica"].sum()) if complete else np.nan
        rows.append(
            {
                "anio": int(goal.anio),
                "meta_absoluta": float(goal.meta_absoluta),
                "meta_relativa": float(goal.meta_relativa),
                "ejecucion_absoluta": absolute,
                "ejecucion_relativa": relative_coverage(plan, absolute),
                "avance_pct": 100 * absolute / float(goal.meta_absoluta),
                "cuatrimestres": int(done["cuatrimestres"].min()) if complete else 0,
            }
        )
    return pd.DataFrame(rows)


def projected_attainment(plan: Plan, execution: pd.DataFrame, cutoff_year: int) -> pd.DataFrame:
    """Where each item would end the plan if it kept the pace observed up to the cutoff year.

    Method (an assumption made explicit, not a forecast): for each item and measure, the
    pace is the execution of the whole years observed up to `cutoff_year` divided by their
    goals (Σ executed / Σ goal, years whose data cover all three cuatrimestres). Each later
    year's projected execution is that pace times the year's goal, so the plan's path (the
    goals) and the projection sit side by side; the last year's `avance_*_pct` is the
    projected attainment of the plan's final goal. Years up to the cutoff keep what was
    observed. The pace is missing when no whole year was observed or the goals add up to zero.
    Columns: nivel, elemento_id, nombre, unidad_medida, anio, es_proyeccion, meta_fisica,
    ejecucion_fisica, ritmo_fisico_pct, avance_fisico_pct, meta_financiera, ejecucion_financiera,
    ritmo_financiero_pct, avance_financiero_pct.
    """
    table = _goals_with_execution(plan, execution)
    table["es_proyeccion"] = table["anio"] > cutoff_year
    observed = (table["anio"] <= cutoff_year) & (table["cuatrimestres"] == CUATRIMESTRES_IN_A_YEAR)
    for measure, goal, pace, percent in (
        ("ejecucion_fisica", "meta_fisica", "ritmo_fisico_pct", "avance_fisico_pct"),
        ("ejecucion_financiera", "meta_financiera", "ritmo_financiero_pct", "avance_financiero_pct"),
    ):
        counted = observed & table[measure].notna()
        sums = table[counted].groupby("elemento_id")[[measure, goal]].sum()
        table[pace] = table["elemento_id"].map(_percent(sums[measure], sums[goal]))
        projected = table[pace] / 100 * table[goal].astype(float)
        table[measure] = table[measure].astype(float).where(~table["es_proyeccion"], projected)
        table[percent] = _percent(table[measure], table[goal])
    return table[
        [
            "nivel",
            "elemento_id",
            "nombre",
            "unidad_medida",
            "anio",
            "es_proyeccion",
            "meta_fisica",
            "ejecucion_fisica",
            "ritmo_fisico_pct",
            "avance_fisico_pct",
            "meta_financiera",
            "ejecucion_financiera",
            "ritmo_financiero_pct",
            "avance_financiero_pct",
        ]
    ]


def execution_summary(plan: Plan, execution: pd.DataFrame) -> list[str]:
    """Lines in Spanish describing a valid execution file: items, years, periods and totals executed.

    The yearly total adds the products' financial execution (subproducts are their parts);
    physical execution is counted, not added, since units differ.
    """
    items = set(execution["elemento_id"])
    products = items & set(plan.products["producto_id"])
    periods = sorted(int(p) for p in execution["cuatrimestre"].dropna().unique())
    kinds = (["año completo"] if execution["cuatrimestre"].isna().any() else []) + (
        [f"cuatrimestre{'s' if len(periods) > 1 else ''} {spanish.join(map(str, periods))}"] if periods else []
    )
    years = sorted(int(y) for y in execution["anio"].unique())
    lines = [
        f"{fmt.integer(len(execution))} filas: {len(products)} productos y {len(items - products)} subproductos; "
        f"años: {spanish.join(map(str, years))}; períodos: {', '.join(kinds)}."
    ]
    yearly = yearly_execution(execution)
    budgets = plan["totales_anuales"].set_index("anio")["meta_financiera"]
    for year in years:
        of_year = yearly[yearly["anio"] == year]
        money = of_year[of_year["elemento_id"].isin(products)]["ejecucion_financiera"].dropna()
        spent = "sin datos de ejecución financiera"
        if not money.empty:
            total, budget = money.sum(), budgets[year]
            spent = (
                f"ejecución financiera de los productos {fmt.quetzales(total)} de {fmt.quetzales(budget)} "
                f"programados ({fmt.percent(100 * total / budget)})"
            )
        physical = of_year["ejecucion_fisica"].notna().sum()
        lines.append(f"{year}: {spent}; {physical} de {len(of_year)} elementos con ejecución física.")
    return lines
