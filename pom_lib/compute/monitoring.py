"""Monitoring an edition: which plan and years it follows, the semáforo counts and the observed paths.

An edition published in year N reports the execution up to its cutoff year N − 1. Plans are
rolling: the edition 2026 usually brings a 2026-2030 plan, while the execution of 2025 belongs
to the 2025-2029 plan of the previous edition. So the *monitored plan* is the edition's own plan
when the cutoff falls inside its period, else the previous edition's plan when it does, else
there is nothing to monitor yet (the first edition of a plan). Execution is always measured
against the goals of the plan it belongs to.

Numbers only, built on pom_lib.compute.execution; pom_lib.present.monitoring gives them as Spanish tables.
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
from pom_lib.data.execution_file import CUATRIMESTRES_IN_A_YEAR, load_execution
from pom_lib.data.plan import Plan

LEVELS = ("producto", "subproducto")
MEASURES = ("fisico", "financiero")


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


def has_current_budget(attainment: pd.DataFrame, year: int | None = None) -> bool:
    """Whether the execution file reports any presupuesto vigente (in `year`, or at all)."""
    rows = attainment if year is None else attainment[attainment["anio"] == year]
    return bool(rows["presupuesto_vigente"].notna().any())


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


def execution_overview(plan: Plan, execution: pd.DataFrame) -> dict:
    """What a valid execution file holds: rows, items, years and periods, and per year what was executed.

    The yearly total adds the products' financial execution (subproducts are their parts; None
    without any); physical execution is counted, not added, since units differ. Keys: filas,
    productos, subproductos, anios, anio_completo (some row covers a whole year), cuatrimestres,
    por_anio (a list of dicts: anio, ejecucion_financiera, meta_financiera, con_ejecucion_fisica,
    elementos).
    """
    items = set(execution["elemento_id"])
    products = items & set(plan.products["producto_id"])
    years = sorted(int(y) for y in execution["anio"].unique())
    yearly = yearly_execution(execution)
    budgets = plan["totales_anuales"].set_index("anio")["meta_financiera"]
    per_year = []
    for year in years:
        of_year = yearly[yearly["anio"] == year]
        money = of_year[of_year["elemento_id"].isin(products)]["ejecucion_financiera"].dropna()
        per_year.append(
            {
                "anio": year,
                "ejecucion_financiera": None if money.empty else money.sum(),
                "meta_financiera": budgets[year],
                "con_ejecucion_fisica": int(of_year["ejecucion_fisica"].notna().sum()),
                "elementos": len(of_year),
            }
        )
    return {
        "filas": len(execution),
        "productos": len(products),
        "subproductos": len(items - products),
        "anios": years,
        "anio_completo": bool(execution["cuatrimestre"].isna().any()),
        "cuatrimestres": sorted(int(p) for p in execution["cuatrimestre"].dropna().unique()),
        "por_anio": per_year,
    }


@dataclass
class Monitoring:
    """Everything the chapter «Seguimiento de la ejecución» measures for one edition.

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
