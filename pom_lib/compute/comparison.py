"""Figures that compare the plans of several institutions, from each plan's data alone.

Each institution enters with the plan of its newest edition (`Compared`). The figures are those
every plan has, whatever its size, period or indicator: its yearly financial goals, the share of
its money that an indicator measures (pom_lib.compute.findings.unmeasured_money reads the same
programs), its main indicator (the plan's first product-level fiche, the one the chapters present
as the plan's indicator: Plan.main_fiche) with its baseline and final-year goal, and the growth of
its yearly total. Nothing here formats a figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pom_lib.compute import analysis, strategic_framework
from pom_lib.data.plan import Plan


@dataclass(frozen=True)
class Compared:
    """One institution in the comparison: its acronym, the edition whose plan is compared, the plan."""

    siglas: str
    edition: int
    plan: Plan


def yearly_goals(compared: list[Compared]) -> pd.DataFrame:
    """The financial goals of each year (columns, every year of any plan) per institution (rows, by acronym).

    A year outside an institution's period is NaN, never zero.
    """
    rows = {item.siglas: analysis.yearly_totals(item.plan)["total"] for item in compared}
    table = pd.DataFrame(rows).T
    table = table.reindex(columns=sorted(table.columns))
    table.index.name = "siglas"
    table.columns = [int(year) for year in table.columns]
    return table.astype(float)


def measured_share(item: Compared) -> dict:
    """The period's financial goals of the programs an indicator measures, and their share of all of them.

    The programs are those whose subproducts some fiche's formula adds up
    (strategic_framework.indicator_programs); money is summed over the products, by program.
    """
    budget = analysis.budget_by_program(item.plan)
    budget.index = item.plan.programs["programa_id"].tolist()
    period = budget.sum(axis=1)
    measured = float(period.loc[strategic_framework.indicator_programs(item.plan)].sum())
    total = float(period.sum())
    return {
        "siglas": item.siglas,
        "meta_financiera_periodo": total,
        "medida_por_indicador": measured,
        "participacion": 100 * measured / total if total else float("nan"),
    }


def measured_shares(compared: list[Compared]) -> pd.DataFrame:
    """measured_share of every institution, one row each."""
    return pd.DataFrame([measured_share(item) for item in compared])


def main_indicator(item: Compared) -> dict:
    """The plan's main indicator: its name and unit, its baseline and its goal in the plan's last year."""
    plan = item.plan
    fiche_id = plan.main_fiche
    fiche = plan["fichas"].set_index("ficha_id").loc[fiche_id]
    goals = plan["fichas_metas"]
    goals = goals[goals["ficha_id"] == fiche_id].sort_values("anio")
    final = goals.iloc[-1]
    return {
        "siglas": item.siglas,
        "ficha_id": fiche_id,
        "indicador": str(fiche["indicador"]),
        "unidad_medida": str(fiche["unidad_medida"]),
        "anio_linea_base": _number(fiche["anio_linea_base"]),
        "linea_base_absoluta": _number(fiche["linea_base_absoluta"]),
        "linea_base_relativa": _number(fiche["linea_base_relativa"]),
        "anio_meta": int(final["anio"]),
        "meta_absoluta": _number(final["meta_absoluta"]),
        "meta_relativa": _number(final["meta_relativa"]),
    }


def main_indicators(compared: list[Compared]) -> pd.DataFrame:
    """main_indicator of every institution, one row each."""
    return pd.DataFrame([main_indicator(item) for item in compared]).astype({"anio_linea_base": "Int64"})


def total_growth(item: Compared) -> dict:
    """The yearly total in the plan's first and last years, its change and its average yearly growth (%)."""
    totals = analysis.yearly_totals(item.plan)["total"]
    first, last = int(totals.index[0]), int(totals.index[-1])
    start, end = float(totals.iloc[0]), float(totals.iloc[-1])
    return {
        "siglas": item.siglas,
        "anio_inicial": first,
        "total_inicial": start,
        "anio_final": last,
        "total_final": end,
        "variacion_pct": 100 * (end - start) / start if start else float("nan"),
        "crecimiento_anual_pct": analysis.compound_growth(start, end, last - first),
    }


def total_growths(compared: list[Compared]) -> pd.DataFrame:
    """total_growth of every institution, one row each."""
    return pd.DataFrame([total_growth(item) for item in compared])


def institution_summary(item: Compared) -> dict:
    """What the portal's index says of one institution: name, period, edition, money and main indicator."""
    plan = item.plan
    indicator = main_indicator(item)
    return {
        "siglas": item.siglas,
        "institucion": str(plan.info["institucion"]),
        "periodo": plan.period,
        "edicion": item.edition,
        "meta_financiera_periodo": float(analysis.yearly_totals(plan)["total"].sum()),
        **{
            key: indicator[key] for key in ("indicador", "unidad_medida", "anio_meta", "meta_absoluta", "meta_relativa")
        },
    }


def _number(value) -> float:
    return float(value) if pd.notna(value) else float("nan")
