"""Sentences of the book's prose whose wording depends on the data (findings, not templates)."""

from __future__ import annotations

import pandas as pd

from pom_lib.compute import analysis
from pom_lib.core import escaping
from pom_lib.core import formatting as fmt
from pom_lib.data.plan import Plan


def reconciliation_sentence(report: pd.DataFrame) -> str:
    """Whether the plan's arithmetic holds, said plainly."""
    failures = int((~report["cumple"]).sum())
    total = len(report)
    if failures == 0:
        return (
            f"Las {fmt.integer(total)} comprobaciones aritméticas del plan se cumplen sin excepción: "
            "las cifras son coherentes entre sí."
        )
    return (
        f"De {fmt.integer(total)} comprobaciones aritméticas, {fmt.integer(failures)} "
        f"{'no cuadra' if failures == 1 else 'no cuadran'}; "
        "se detallan en el capítulo de calidad de los datos y deben leerse como hallazgos del documento."
    )


def program_shift_sentence(plan: Plan) -> str:
    """Which program gains and which loses budget share between the first and last year.

    Empty when there is nothing to compare: a single program or a single year.
    """
    shares = analysis.budget_shares(plan)
    first, last = shares.columns[0], shares.columns[-1]
    if len(shares) < 2 or first == last:
        return ""
    change = (shares[last] - shares[first]).sort_values(kind="stable")
    if not change.round(1).any():
        return f"Entre {first} y {last}, ningún programa cambia su participación en el total."
    gainer, loser = change.index[-1], change.index[0]
    return (
        f"Entre {first} y {last}, «{escaping.markdown(gainer)}» es el programa que más participación gana "
        f"({fmt.percent(shares.loc[gainer, first])} → {fmt.percent(shares.loc[gainer, last])}), y "
        f"«{escaping.markdown(loser)}» el que más pierde ({fmt.percent(shares.loc[loser, first])} → "
        f"{fmt.percent(shares.loc[loser, last])})."
    )
