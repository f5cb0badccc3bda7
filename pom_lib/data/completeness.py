"""A plan is complete: the tables it needs have rows, and every goal table covers every year.

Table Schemas check each row on its own; a missing row breaks no rule there. Yet a product
without its 2027 goal, or a year without its total, would be published as a smaller plan
than the document's. These checks run after the schema checks, on the rows that passed them;
the contract (pom_lib.data.contract) checks the fiches' goals and the target population.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pom_lib.core import spanish
from pom_lib.core.errors import Problem

if TYPE_CHECKING:
    from pom_lib.data.reading import CheckedTable

# Tables without which there is no plan to publish (the plan row itself is checked with its period): the
# matrix, and what the book's reach and indicator chapters stand on (a fiche sums subproducts' goals over the
# target population). A new plan's empty folder lists them all at once. The goals of subproducts and fiches
# are asked for item by item once their items have rows (GOAL_TABLES here, the fiches' in the contract).
REQUIRED_TABLES = (
    "unidades",
    "programas",
    "productos",
    "subproductos",
    "metas_productos",
    "totales_anuales",
    "fichas",
    "fichas_formula",
    "poblacion_objetivo",
    "cifras_clave",
)
# Goal table, the table that lists its items, their identifier, and how messages name them.
GOAL_TABLES = (
    ("metas_productos", "productos", "producto_id", "el producto", "productos"),
    ("metas_subproductos", "subproductos", "subproducto_id", "el subproducto", "subproductos"),
)


def completeness_problems(checked: dict[str, CheckedTable], years: list[int]) -> list[Problem]:
    """Empty required tables, items missing a goal for some year, and years missing their total.

    `years` are the plan's years; without them (an invalid period) only empty tables are judged.
    Rows whose year could not be read are already reported: their item or table is not judged.
    """
    empty = [name for name in REQUIRED_TABLES if name in checked and not checked[name].raw.rows]
    problems = [
        checked[name].raw.problem(
            "la tabla no tiene filas debajo del encabezado; el plan necesita al menos una: cópielas del documento"
        )
        for name in empty
    ]
    if not years:
        return problems
    for goals, items, key, singular, plural in GOAL_TABLES:
        if goals in checked and items in checked and goals not in empty:
            problems += _missing_goal_problems(checked[goals], checked[items], key, (singular, plural), years)
    totals = checked.get("totales_anuales")
    if totals is not None and "totales_anuales" not in empty and totals.frame["anio"].notna().all():
        present = set(totals.frame["anio"].astype(int))
        problems += [
            totals.raw.problem(
                f"falta el total del año {year}: agregue la fila {year} con la meta "
                "financiera total que publica el documento",
                column="anio",
            )
            for year in years
            if year not in present
        ]
    return problems


def _missing_goal_problems(
    goals: CheckedTable, items: CheckedTable, key: str, nouns: tuple[str, str], years: list[int]
) -> list[Problem]:
    """One problem per item of `items` that lacks a row in `goals` for some year of the plan
    (a single one when `goals` has no rows at all)."""
    singular, plural = nouns
    listed = [(item, row) for item, row in zip(items.frame[key], items.row_numbers) if pd.notna(item)]
    period = f"{years[0]} a {years[-1]}" if len(years) > 1 else str(years[0])
    if not goals.raw.rows:
        return (
            [
                goals.raw.problem(
                    f"la tabla no tiene filas, pero {items.raw.label} tiene {len(listed)} {plural}: "
                    f"agregue sus metas de cada año del plan ({period})"
                )
            ]
            if listed
            else []
        )
    unread = set(goals.frame.loc[goals.frame["anio"].isna(), key])
    frame = goals.frame.dropna(subset=[key, "anio"])
    covered: dict[str, set[int]] = {}
    for item, year in zip(frame[key], frame["anio"]):
        covered.setdefault(item, set()).add(int(year))
    problems = []
    for item, row in listed:
        missing = [year for year in years if year not in covered.get(item, set())]
        if item in unread or not missing:
            continue
        if len(missing) == len(years):
            problems.append(
                goals.raw.problem(
                    f"{singular} {item} ({items.raw.label}, fila {row}) no tiene metas: agregue una fila por cada año "
                    f"del plan ({period})",
                    column=key,
                )
            )
        else:
            problems.append(
                goals.raw.problem(
                    f"faltan las metas de {item} para {_years(missing)}: agregue una fila por año", column="anio"
                )
            )
    return problems


def _years(years: list[int]) -> str:
    """«2027», «2026 y 2027», «2025, 2026 y 2027»."""
    return spanish.join(str(year) for year in years)
