"""Figures derived from the goals: budget by program, growth, unit costs and their outliers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pom_lib.data.plan import Plan, per_plan


@per_plan
def budget_by_program(plan: Plan) -> pd.DataFrame:
    """Financial goals of the products summed by program (rows, in plan order) and year (columns)."""
    goals = plan.goals[plan.goals["nivel"] == "producto"]
    table = goals.pivot_table(index="programa_id", columns="anio", values="meta_financiera", aggfunc="sum")
    # A program without products has no goals: its row is zero, not missing.
    table = table.reindex(plan.programs["programa_id"], fill_value=0)
    table.index = plan.programs["nombre"].tolist()
    table.index.name = "programa"
    table.columns = [int(c) for c in table.columns]
    return table.astype(float)


def budget_shares(plan: Plan) -> pd.DataFrame:
    """Each program's share (percentage points) of the yearly total."""
    budget = budget_by_program(plan)
    return 100 * budget / budget.sum()


def yearly_totals(plan: Plan) -> pd.DataFrame:
    """Yearly total with its change over the previous year (absolute and percent)."""
    totals = plan["totales_anuales"].sort_values("anio").set_index("anio")["meta_financiera"].astype(float)
    totals.index = totals.index.astype(int)
    return pd.DataFrame({"total": totals, "variacion": totals.diff(), "variacion_pct": 100 * totals.pct_change()})


def compound_growth(first, last, periods: int):
    """Average yearly growth (percentage points) that turns `first` into `last`; NaN if undefined.

    `first` and `last` are numbers or arrays of them (element by element).
    """
    first, last = np.asarray(first, dtype=float), np.asarray(last, dtype=float)
    defined = (periods > 0) & (first > 0) & (last >= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = 100 * ((last / first) ** (1 / periods) - 1) if periods > 0 else np.full(first.shape, np.nan)
    growth = np.where(defined, growth, np.nan)
    return float(growth) if growth.ndim == 0 else growth


@per_plan
def product_growth(plan: Plan) -> pd.DataFrame:
    """Per product: first- and last-year goals, total change and average yearly growth."""
    first, last = plan.years[0], plan.years[-1]
    goals = plan["metas_productos"]
    products = plan.products
    table = pd.DataFrame(
        {
            "producto_id": products["producto_id"].to_numpy(),
            "producto": products["nombre"].to_numpy(),
            "programa": products["programa"].to_numpy(),
            "unidad_medida": products["unidad_medida"].to_numpy(),
        }
    )
    for kind in ("meta_fisica", "meta_financiera"):
        by_year = goals.pivot(index="producto_id", columns="anio", values=kind)
        a = by_year[first].reindex(table["producto_id"]).astype(float).to_numpy()
        b = by_year[last].reindex(table["producto_id"]).astype(float).to_numpy()
        table[f"{kind}_{first}"], table[f"{kind}_{last}"] = a, b
        with np.errstate(divide="ignore", invalid="ignore"):
            table[f"{kind}_variacion_pct"] = np.where(a != 0, 100 * (b - a) / a, np.nan)
        table[f"{kind}_tcac"] = compound_growth(a, b, last - first)
    return table


def unit_costs(plan: Plan) -> pd.DataFrame:
    """Quetzales per unit of physical goal for every product and subproduct and year.

    NaN where the physical goal is zero (no unit to divide by).
    """
    goals = plan.goals.copy()
    physical = goals["meta_fisica"].astype(float)
    goals["costo_unitario"] = (goals["meta_financiera"].astype(float) / physical.where(physical > 0)).astype(float)
    return goals


def unit_cost_changes(plan: Plan) -> pd.DataFrame:
    """Year-on-year change of each item's unit cost, with the changes of its two terms."""
    goals = unit_costs(plan)
    key = goals["subproducto_id"].fillna(goals["producto_id"])
    goals = goals.assign(elemento=key).sort_values(["elemento", "anio"])
    grouped = goals.groupby("elemento", sort=False)
    goals["costo_anterior"] = grouped["costo_unitario"].shift()
    goals["financiera_anterior"] = grouped["meta_financiera"].shift().astype(float)
    goals["fisica_anterior"] = grouped["meta_fisica"].shift().astype(float)
    goals["variacion_costo_pct"] = 100 * (goals["costo_unitario"] / goals["costo_anterior"] - 1)
    goals["variacion_financiera_pct"] = 100 * (
        goals["meta_financiera"].astype(float) / goals["financiera_anterior"] - 1
    )
    goals["variacion_fisica_pct"] = 100 * (goals["meta_fisica"].astype(float) / goals["fisica_anterior"] - 1)
    return goals[goals["costo_anterior"].notna()].reset_index(drop=True)


def _reallocation_partners(changes: pd.DataFrame, outliers: pd.DataFrame) -> pd.DataFrame:
    """For each subproduct outlier (by its index in `changes`), the first sibling of the same product
    whose financial goal moves the other way in the same year by a similar amount (half to double):
    it points to a reallocation of funds between subproducts."""
    columns = ["producto_id", "anio", "elemento", "cambio"]
    own = outliers.loc[(outliers["nivel"] == "subproducto") & (outliers["cambio"] != 0), columns]
    siblings = changes.loc[changes["nivel"] == "subproducto", [*columns, "nombre"]]
    pairs = own.reset_index(names="fila").merge(
        siblings.reset_index(names="fila_otro"), on=["producto_id", "anio"], suffixes=("", "_otro")
    )
    ratio = pairs["cambio_otro"].abs() / pairs["cambio"].abs()
    pairs = pairs[
        (pairs["elemento_otro"] != pairs["elemento"])
        & (np.sign(pairs["cambio_otro"]) == -np.sign(pairs["cambio"]))
        & ratio.between(0.5, 2.0)
    ]
    first = pairs.sort_values(["fila", "fila_otro"]).drop_duplicates("fila").set_index("fila")
    return first[["nombre", "cambio_otro"]].rename(columns={"cambio_otro": "cambio"})


def cost_driver(financial_pct, physical_pct):
    """Which term a unit cost follows: «financiera» when the physical goal barely moves (under a quarter
    of the financial change), «fisica» when the financial goal barely moves, «ambas» otherwise."""
    financial, physical = np.abs(np.asarray(financial_pct, float)), np.abs(np.asarray(physical_pct, float))
    return np.where(physical < financial / 4, "financiera", np.where(financial < physical / 4, "fisica", "ambas"))


def unit_cost_outliers(plan: Plan, threshold_pct: float = 50.0) -> pd.DataFrame:
    """Items whose unit cost changes by more than `threshold_pct` in a year, with what the data say of
    each: the term the cost follows (`cost_driver`) and, for a subproduct, the sibling whose financial
    goal moves the other way by a similar amount (`reasignacion_con`, its change `reasignacion_cambio`)."""
    changes = unit_cost_changes(plan)
    changes["cambio"] = changes["meta_financiera"].astype(float) - changes["financiera_anterior"]
    outliers = changes[changes["variacion_costo_pct"].abs() > threshold_pct].copy()
    partners = _reallocation_partners(changes, outliers)
    outliers["sigue_a"] = cost_driver(outliers["variacion_financiera_pct"], outliers["variacion_fisica_pct"])
    outliers["reasignacion_con"] = partners["nombre"].reindex(outliers.index)
    outliers["reasignacion_cambio"] = partners["cambio"].reindex(outliers.index)
    columns = [
        "nivel",
        "elemento",
        "nombre",
        "unidad_medida",
        "anio",
        "costo_anterior",
        "costo_unitario",
        "variacion_costo_pct",
        "variacion_financiera_pct",
        "variacion_fisica_pct",
        "financiera_anterior",
        "meta_financiera",
        "fisica_anterior",
        "meta_fisica",
        "sigue_a",
        "reasignacion_con",
        "reasignacion_cambio",
    ]
    return outliers.sort_values("variacion_costo_pct", key=abs, ascending=False)[columns].reset_index(drop=True)
