"""Sentences of the book's prose whose wording depends on the data (findings, not templates)."""

from __future__ import annotations

import pandas as pd

from . import analysis
from . import formatting as fmt
from .plan import Plan


def reconciliation_sentence(report: pd.DataFrame) -> str:
    """Whether the plan's arithmetic holds, said plainly."""
    failures = int((~report["cumple"]).sum())
    total = len(report)
    if failures == 0:
        return (f"Las {fmt.integer(total)} comprobaciones aritméticas del plan se cumplen sin excepción: "
                "las cifras son coherentes entre sí.")
    return (f"De {fmt.integer(total)} comprobaciones aritméticas, {fmt.integer(failures)} no cuadran; "
            "se detallan en el capítulo de calidad de los datos y deben leerse como hallazgos del documento.")


def program_shift_sentence(plan: Plan) -> str:
    """Which program gains and which loses budget share between the first and last year."""
    shares = analysis.budget_shares(plan)
    first, last = shares.columns[0], shares.columns[-1]
    change = (shares[last] - shares[first]).sort_values()
    gainer, loser = change.index[-1], change.index[0]
    return (f"Entre {first} y {last}, «{gainer}» es el programa que más participación gana "
            f"({fmt.percent(shares.loc[gainer, first])} → {fmt.percent(shares.loc[gainer, last])}), y "
            f"«{loser}» el que más pierde ({fmt.percent(shares.loc[loser, first])} → "
            f"{fmt.percent(shares.loc[loser, last])}).")


def growth_pattern_sentence(plan: Plan, tolerance_pct: float = 0.5) -> str:
    """Whether the physical goals follow one common yearly growth rate."""
    growth = analysis.product_growth(plan)
    growing = growth[growth["meta_fisica_tcac"] > tolerance_pct]
    if growing.empty:
        return "Ninguna meta física crece durante el período."
    median = growing["meta_fisica_tcac"].median()
    near = growing[(growing["meta_fisica_tcac"] - median).abs() <= tolerance_pct]
    flat = growth[growth["meta_fisica_tcac"].abs() <= tolerance_pct]
    return (f"{fmt.integer(len(near))} de los {fmt.integer(len(growing))} productos cuya meta física crece lo hacen "
            f"a un ritmo cercano al {fmt.percent(median)} anual, y {fmt.integer(len(flat))} mantienen la misma meta "
            "todos los años: las metas físicas parecen proyectadas con una tasa común, mientras que las "
            "financieras siguen trayectorias propias.")


def outliers_sentence(outliers: pd.DataFrame, threshold_pct: float) -> str:
    if outliers.empty:
        return (f"Ningún costo unitario varía más de {fmt.percent(threshold_pct, 0)} de un año al siguiente.")
    items = outliers["elemento"].nunique()
    return (f"{fmt.integer(len(outliers))} variaciones anuales del costo unitario superan el umbral de "
            f"{fmt.percent(threshold_pct, 0)}, en {fmt.integer(items)} elementos de la matriz.")
