"""What the execution says of the plan: the year's execution per item, attainment against the goals,
the semáforo, coverage reached and the pace projected to the end of each year (numbers only).

The execution table is the one `pom_lib.data.execution_file.load_execution` reads and checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pom_lib.compute.reconciliation import formula_terms, relative_coverage
from pom_lib.core import defaults
from pom_lib.core import formatting as fmt
from pom_lib.data.execution_file import CUATRIMESTRES_IN_A_YEAR, KEY, MEASURES, VALUES
from pom_lib.data.plan import Plan

SOBREEJECUTADO, EN_META, EN_RIESGO, REZAGADO = "Sobreejecutado", "En meta", "En riesgo", "Rezagado"
SIN_DATO, SIN_META = "Sin dato", "Sin meta"
# The semáforo classes from the highest percentage to the lowest, then those without one.
CLASSES = [SOBREEJECUTADO, EN_META, EN_RIESGO, REZAGADO, SIN_DATO, SIN_META]


@dataclass(frozen=True)
class Thresholds:
    """Semáforo limits in percent of the goal: above `over` «Sobreejecutado», ≥ green «En meta»,
    ≥ yellow «En riesgo», below «Rezagado». They are parameters of each edition."""

    green: float = defaults.GREEN
    yellow: float = defaults.YELLOW
    over: float = defaults.OVER

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
