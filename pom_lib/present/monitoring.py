"""Monitoring an edition: which plan and years it follows, and the tables of «Seguimiento de la ejecución».

An edition published in year N reports the execution up to its cutoff year N − 1. Plans are
rolling: the edition 2026 usually brings a 2026-2030 plan, while the execution of 2025 belongs
to the 2025-2029 plan of the previous edition. So the *monitored plan* is the edition's own plan
when the cutoff falls inside its period, else the previous edition's plan when it does, else
there is nothing to monitor yet (the first edition of a plan). Execution is always measured
against the goals of the plan it belongs to.

The computations come from pom_lib.compute.execution; the `*_table` functions give them as formatted
Spanish text for display.Table, like pom_lib.present.tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from pom_lib.compute.execution import (
    CLASSES,
    Thresholds,
    attainment,
    coverage_execution,
    projected_attainment,
    yearly_execution,
)
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.data.execution_file import CUATRIMESTRES_IN_A_YEAR, load_execution
from pom_lib.data.plan import Plan
from pom_lib.present.tables import with_codes

LEVELS = ("producto", "subproducto")
MEASURES = {"fisico": "meta física", "financiero": "meta financiera"}


def cutoff_year(edition_year: int) -> int:
    """The last year whose execution an edition reports: the year before it is published."""
    return int(edition_year) - 1


def monitored_plan(plan: Plan, previous: Plan | None, edition_year: int) -> Plan | None:
    """The plan whose goals the execution up to the cutoff is measured against, or None.

    The edition's plan when its period has started by the cutoff year; else the previous
    edition's plan when its period has; else None: no year of either plan has ended yet.
    """
    cutoff = cutoff_year(edition_year)
    for candidate in (plan, previous):
        if candidate is not None and candidate.years[0] <= cutoff:
            return candidate
    return None


def monitored_years(plan: Plan, edition_year: int) -> list[int]:
    """The plan's years up to the cutoff: those the edition reports execution for."""
    return [year for year in plan.years if year <= cutoff_year(edition_year)]


def _with_program_rows(table: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Insert a program heading before each program's first row; products in bold, subproducts indented
    under them, as in the planning matrix."""
    rows, roles = [], {"emphasis_rows": [], "strong_rows": [], "indent_rows": []}
    previous = None
    for (_, row), program, level in zip(table.iterrows(), items["programa"], items["nivel"]):
        if program != previous:
            roles["emphasis_rows"].append(len(rows))
            rows.append({**dict.fromkeys(table.columns, ""), "Producto / subproducto": str(program).upper()})
            previous = program
        roles["strong_rows" if level == "producto" else "indent_rows"].append(len(rows))
        rows.append(row.to_dict())
    result = pd.DataFrame(rows, columns=table.columns)
    result.attrs.update(roles)
    return with_codes(result, "Producto / subproducto")


def physical_table(attainment: pd.DataFrame, year: int) -> pd.DataFrame:
    """Physical goal, execution, percent attained and semáforo of every item in one year."""
    rows = attainment[attainment["anio"] == year]
    table = pd.DataFrame(
        {
            "Código": rows["elemento_id"].tolist(),
            "Producto / subproducto": rows["nombre"].tolist(),
            "Unidad": rows["unidad_medida"].tolist(),
            "Meta": [fmt.integer(v) for v in rows["meta_fisica"]],
            "Ejecutado": [fmt.integer(v) for v in rows["ejecucion_fisica"]],
            "Avance": [fmt.percent(v) for v in rows["avance_fisico_pct"]],
            "Semáforo": rows["semaforo_fisico"].tolist(),
        }
    )
    return _with_program_rows(table, rows)


def has_current_budget(attainment: pd.DataFrame, year: int | None = None) -> bool:
    """Whether the execution file reports any presupuesto vigente (in `year`, or at all)."""
    rows = attainment if year is None else attainment[attainment["anio"] == year]
    return bool(rows["presupuesto_vigente"].notna().any())


def financial_table(attainment: pd.DataFrame, year: int) -> pd.DataFrame:
    """Financial goal, execution, percent attained and semáforo of every item in one year.

    With a presupuesto vigente in the file, it is shown next to the approved goal with the
    execution measured against it too; without one, those columns are left out.
    """
    rows = attainment[attainment["anio"] == year]
    columns = {
        "Código": rows["elemento_id"].tolist(),
        "Producto / subproducto": rows["nombre"].tolist(),
        "Meta aprobada": [fmt.quetzales(v) for v in rows["meta_financiera"]],
    }
    budget = has_current_budget(attainment, year)
    if budget:
        columns["Presupuesto vigente"] = [fmt.quetzales(v) for v in rows["presupuesto_vigente"]]
    columns["Ejecutado"] = [fmt.quetzales(v) for v in rows["ejecucion_financiera"]]
    columns["Avance sobre la meta"] = [fmt.percent(v) for v in rows["avance_financiero_pct"]]
    if budget:
        columns["Avance sobre el vigente"] = [fmt.percent(v) for v in rows["ejecucion_vigente_pct"]]
    columns["Semáforo"] = rows["semaforo_financiero"].tolist()
    table = pd.DataFrame(columns)
    return _with_program_rows(table, rows)


def semaforo_counts(attainment: pd.DataFrame) -> pd.DataFrame:
    """How many items fall in each semáforo class, per year, level and measure.

    Columns: anio, clase, producto_fisico, producto_financiero, subproducto_fisico,
    subproducto_financiero (counts; every class listed, zeros included).
    """
    rows = []
    for year in sorted(attainment["anio"].unique()):
        of_year = attainment[attainment["anio"] == year]
        for light in CLASSES:
            row = {"anio": int(year), "clase": light}
            for level in LEVELS:
                for measure in MEASURES:
                    at_level = of_year[of_year["nivel"] == level]
                    row[f"{level}_{measure}"] = int((at_level[f"semaforo_{measure}"] == light).sum())
            rows.append(row)
    return pd.DataFrame(rows)


def semaforo_counts_table(attainment: pd.DataFrame) -> pd.DataFrame:
    counts = semaforo_counts(attainment)
    table = pd.DataFrame({"Semáforo": counts["clase"]})
    if counts["anio"].nunique() > 1:
        table.insert(0, "Año", counts["anio"].astype(str))
    for level, plural in (("producto", "Productos"), ("subproducto", "Subproductos")):
        for measure, label in (("fisico", "física"), ("financiero", "financiera")):
            table[f"{plural}, meta {label}"] = [fmt.integer(v) for v in counts[f"{level}_{measure}"]]
    return table


def threshold_text(percent: float) -> str:
    """A threshold as the chapter prints it: «90 %», «92.5 %»."""
    return fmt.percent(percent, 0 if float(percent).is_integer() else 1)


def thresholds_table(thresholds: Thresholds) -> pd.DataFrame:
    """The semáforo classes and the rule of each, with the edition's thresholds."""
    over, green, yellow = (threshold_text(v) for v in (thresholds.over, thresholds.green, thresholds.yellow))
    return pd.DataFrame(
        {
            "Semáforo": CLASSES,
            "Regla": [
                f"Ejecutado > {over} de la meta",
                f"Ejecutado ≥ {green} y ≤ {over} de la meta",
                f"Ejecutado ≥ {yellow} y < {green} de la meta",
                f"Ejecutado < {yellow} de la meta",
                "Sin ejecución informada (una celda vacía no es cero)",
                "Meta igual a 0: no hay porcentaje que medir",
            ],
        }
    )


def coverage_table(coverage: pd.DataFrame, unit: str, newer: Plan | None = None) -> pd.DataFrame:
    """The main indicator with its «Ejecución» column filled: goal and executed value per year.

    Percentages are of the target population, as in the fiches. With a newer plan, its goals for the same
    years sit beside (NA where it has none).
    """
    table = pd.DataFrame(
        {
            "Año": coverage["anio"].astype(str),
            f"Meta ({unit})": [fmt.integer(v) for v in coverage["meta_absoluta"]],
            f"Ejecución ({unit})": [fmt.integer(v) for v in coverage["ejecucion_absoluta"]],
            "Avance": [fmt.percent(v) for v in coverage["avance_pct"]],
            "Meta (%)": [fmt.percent(v) for v in coverage["meta_relativa"]],
            "Ejecución (%)": [fmt.percent(v, 2) for v in coverage["ejecucion_relativa"]],
        }
    )
    if newer is not None:
        goals = newer_indicator_goals(newer).set_index("anio")["meta_absoluta"]
        table[f"Meta del plan {newer.period} ({unit})"] = [fmt.integer(goals.get(year)) for year in coverage["anio"]]
    return table


def newer_indicator_goals(newer: Plan) -> pd.DataFrame:
    """The newer plan's main indicator goals: anio, meta_absoluta."""
    goals = newer["fichas_metas"]
    goals = goals[goals["ficha_id"] == newer.main_fiche].sort_values("anio")
    return pd.DataFrame({"anio": goals["anio"].astype(int), "meta_absoluta": goals["meta_absoluta"].astype(float)})


def newer_financial_goals(path: pd.DataFrame, projection: pd.DataFrame, newer: Plan) -> pd.DataFrame:
    """The newer plan's financial goals of the products `path` adds, in the years both plans cover.

    Products keep their codes across plans, so the same products are added (those the newer plan
    still has). Columns: anio, meta_financiera.
    """
    products = set(
        projection.loc[(projection["nivel"] == "producto") & projection["ritmo_financiero_pct"].notna(), "elemento_id"]
    )
    goals = newer.goals[
        (newer.goals["nivel"] == "producto")
        & newer.goals["producto_id"].isin(products)
        & newer.goals["anio"].isin(path["anio"])
    ]
    summed = goals.groupby("anio")["meta_financiera"].sum().astype(float)
    return summed.rename_axis("anio").reset_index()


def coverage_projection(plan: Plan, execution: pd.DataFrame, cutoff: int, fiche_id: str | None = None) -> pd.DataFrame:
    """The coverage indicator observed up to the cutoff and carried on at the observed pace.

    Same method as execution.projected_attainment: pace = Σ executed / Σ goal over the whole
    years observed; each later year's value is pace × goal. Columns: anio, meta_absoluta,
    ejecucion_absoluta, es_proyeccion, ritmo_pct.
    """
    coverage = coverage_execution(plan, execution, fiche_id)
    observed = (coverage["anio"] <= cutoff) & (coverage["cuatrimestres"] == CUATRIMESTRES_IN_A_YEAR)
    goal = coverage.loc[observed, "meta_absoluta"].sum()
    pace = 100 * coverage.loc[observed, "ejecucion_absoluta"].sum() / goal if observed.any() and goal else float("nan")
    later = coverage["anio"] > cutoff
    value = coverage["ejecucion_absoluta"].where(~later, pace / 100 * coverage["meta_absoluta"])
    return pd.DataFrame(
        {
            "anio": coverage["anio"],
            "meta_absoluta": coverage["meta_absoluta"],
            "ejecucion_absoluta": value,
            "es_proyeccion": later,
            "ritmo_pct": pace,
        }
    )


def financial_path(projection: pd.DataFrame) -> pd.DataFrame:
    """Yearly financial goals and observed-or-projected execution, added over the products with a pace.

    Products without an observed financial pace (no data, or zero goals) are left out of both
    lines, so the two always compare the same products. Columns: anio, meta_financiera,
    ejecucion_financiera, es_proyeccion, productos (how many products are added).
    """
    products = projection[(projection["nivel"] == "producto") & projection["ritmo_financiero_pct"].notna()]
    path = products.groupby("anio").agg(
        meta_financiera=("meta_financiera", "sum"),
        ejecucion_financiera=("ejecucion_financiera", "sum"),
        es_proyeccion=("es_proyeccion", "all"),
        productos=("elemento_id", "nunique"),
    )
    return path.astype({"meta_financiera": float, "ejecucion_financiera": float}).reset_index()


def projection_table(projection: pd.DataFrame, plan: Plan, newer: Plan | None = None) -> pd.DataFrame:
    """Per product: the pace observed and where it would leave the last goals of `plan` (the monitored one).

    With a newer plan that also covers that year, its goals for the same product sit beside.
    """
    last = int(projection["anio"].max())
    rows = projection[(projection["nivel"] == "producto") & (projection["anio"] == last)]
    table = pd.DataFrame(
        {
            "Código": rows["elemento_id"],
            "Producto": rows["nombre"],
            "Ritmo físico": [fmt.percent(v) for v in rows["ritmo_fisico_pct"]],
            f"Meta física {last}": [fmt.integer(v) for v in rows["meta_fisica"]],
            f"Proyección física {last}": [fmt.integer(v) for v in rows["ejecucion_fisica"]],
            "Ritmo financiero": [fmt.percent(v) for v in rows["ritmo_financiero_pct"]],
            f"Meta financiera {last}": [fmt.quetzales(v) for v in rows["meta_financiera"]],
            f"Proyección financiera {last}": [fmt.quetzales(v) for v in rows["ejecucion_financiera"]],
        }
    )
    if newer is not None and last in newer.years:
        goals = newer.goals[(newer.goals["nivel"] == "producto") & (newer.goals["anio"] == last)]
        goals = goals.set_index("producto_id")
        table.insert(
            5,
            f"Meta física {last}, plan {newer.period}",
            [fmt.integer(goals["meta_fisica"].get(code)) for code in rows["elemento_id"]],
        )
        table[f"Meta financiera {last}, plan {newer.period}"] = [
            fmt.quetzales(goals["meta_financiera"].get(code)) for code in rows["elemento_id"]
        ]
    return with_codes(table, "Producto")


def goals_to_measure_table(plan: Plan, year: int, fiche_id: str | None = None) -> pd.DataFrame:
    """What the first execution will be compared with: each product's goals in `year`, and the indicator's."""
    goals = plan.goals[(plan.goals["nivel"] == "producto") & (plan.goals["anio"] == year)]
    table = pd.DataFrame(
        {
            "Código": goals["producto_id"].tolist(),
            "Producto o indicador": goals["nombre"].tolist(),
            "Unidad": goals["unidad_medida"].tolist(),
            f"Meta física {year}": [fmt.integer(v) for v in goals["meta_fisica"]],
            f"Meta financiera {year}": [fmt.quetzales(v) for v in goals["meta_financiera"]],
        }
    )
    fiche_id = fiche_id or plan.main_fiche
    fiche = plan["fichas"].set_index("ficha_id").loc[fiche_id]
    goal = plan["fichas_metas"].query("ficha_id == @fiche_id and anio == @year")
    if not goal.empty:
        indicator = {
            "Código": "Indicador",
            "Producto o indicador": str(fiche["indicador"]),
            "Unidad": str(fiche["unidad_medida"]),
            f"Meta física {year}": f"{fmt.integer(goal['meta_absoluta'].iloc[0])} "
            f"({fmt.percent(goal['meta_relativa'].iloc[0])})",
            f"Meta financiera {year}": fmt.MISSING,
        }
        table = pd.concat([table, pd.DataFrame([indicator])], ignore_index=True)
    return with_codes(table, "Producto o indicador")


@dataclass
class Monitoring:
    """Everything the chapter «Seguimiento de la ejecución» shows for one edition.

    `monitored` is the plan the execution is measured against (None: no year has ended yet);
    `execution` is None when the edition has no execution file. Without both, `has_data` is
    False and the chapter shows only goals and rules, never a figure of execution.
    """

    plan: Plan
    previous: Plan | None
    edition_year: int
    thresholds: Thresholds
    monitored: Plan | None
    execution: pd.DataFrame | None

    @property
    def cutoff(self) -> int:
        return cutoff_year(self.edition_year)

    @property
    def has_data(self) -> bool:
        return self.monitored is not None and self.execution is not None and bool(self.years)

    @property
    def years(self) -> list[int]:
        return monitored_years(self.monitored, self.edition_year) if self.monitored is not None else []

    @property
    def last_year(self) -> int | None:
        return self.years[-1] if self.years else None

    @property
    def newer(self) -> Plan | None:
        """The edition's plan when it is newer than the monitored one (its goals are shown beside)."""
        return self.plan if self.monitored is not None and self.monitored is not self.plan else None

    @property
    def first_goal_year(self) -> int:
        """The first year execution is (or will be) compared for: the monitored plan's, else the edition plan's."""
        return (self.monitored or self.plan).years[0]

    @cached_property
    def attainment(self) -> pd.DataFrame:
        return attainment(self.monitored, self.execution, self.cutoff, self.thresholds)

    @cached_property
    def coverage(self) -> pd.DataFrame:
        if self.has_data:
            return coverage_execution(self.monitored, self.execution)
        plan = self.monitored or self.plan
        return coverage_execution(
            plan,
            pd.DataFrame(
                columns=[
                    "elemento_id",
                    "anio",
                    "cuatrimestre",
                    "ejecucion_fisica",
                    "ejecucion_financiera",
                    "presupuesto_vigente",
                ]
            ),
        )

    @cached_property
    def projection(self) -> pd.DataFrame:
        return projected_attainment(self.monitored, self.execution, self.cutoff)

    @cached_property
    def financial_path(self) -> pd.DataFrame:
        return financial_path(self.projection)

    @cached_property
    def coverage_path(self) -> pd.DataFrame:
        return coverage_projection(self.monitored, self.execution, self.cutoff)


def monitoring(
    plan: Plan,
    previous: Plan | None,
    edition_year: int,
    execution_file: str | Path | None,
    thresholds: Thresholds = Thresholds(),
) -> Monitoring:
    """Read the edition's execution file (if any) against the plan it belongs to."""
    monitored = monitored_plan(plan, previous, edition_year)
    execution = load_execution(Path(execution_file), monitored) if execution_file and monitored is not None else None
    return Monitoring(plan, previous, int(edition_year), thresholds, monitored, execution)


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
