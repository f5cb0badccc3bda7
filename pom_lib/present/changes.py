"""What changed from one edition of the plan to the next, as Spanish tables and marked text.

The comparisons are pom_lib.compute.changes; the `*_table` functions give them as formatted Spanish
text, like pom_lib.present.tables, and `marked_diff` shows how a text was reworded.
"""

from __future__ import annotations

import pandas as pd

from pom_lib.compute.changes import (
    TEXT_ASPECTS,
    fiche_changes,
    fiche_goal_changes,
    goal_changes,
    item_changes,
    key_figure_changes,
    program_changes,
    total_changes,
    unit_changes,
    word_diff,
)
from pom_lib.core import formatting as fmt
from pom_lib.core.escaping import markdown as md
from pom_lib.data import contract
from pom_lib.data.plan import Plan
from pom_lib.present.tables import with_codes

ROLE_LABELS = {
    contract.ROLE_TARGET_POPULATION: "Población objetivo",
    contract.ROLE_ELIGIBLE: "Población elegible",
    contract.ROLE_COVERAGE_GOAL: "Cobertura meta",
    contract.ROLE_WOMEN_PCT: "Porcentaje de mujeres",
    contract.ROLE_WOMEN: "Mujeres",
}


def _level(level: str) -> str:
    return level.capitalize()


def _edition_columns(previous: Plan, current: Plan, changes: pd.DataFrame, shown=None) -> dict:
    """The two columns of every table of changes, what each edition says (`anterior`, `actual`), headed by
    its period; `shown(column)` formats a column, by default as it is with «—» where a side has nothing."""
    shown = shown or (lambda side: changes[side].fillna(fmt.MISSING))
    return {f"Edición {previous.period}": list(shown("anterior")), f"Edición {current.period}": list(shown("actual"))}


def item_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    changes = item_changes(previous, current)
    return pd.DataFrame(
        {
            "Cambio": changes["cambio"],
            "Nivel": changes["nivel"].map(_level),
            "Código": changes["elemento_id"],
            **_edition_columns(previous, current, changes),
        }
    )


def goal_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    changes = goal_changes(previous, current)
    table = pd.DataFrame(
        {
            "Código": changes["elemento_id"],
            "Nombre": changes["nombre"],
            "Año": changes["anio"].astype(str),
            "Meta física anterior": [fmt.integer(v) for v in changes["meta_fisica_anterior"]],
            "Meta física actual": [fmt.integer(v) for v in changes["meta_fisica_actual"]],
            "Diferencia física": [fmt.signed(v) for v in changes["diferencia_fisica"]],
            "Meta financiera anterior": [fmt.quetzales(v) for v in changes["meta_financiera_anterior"]],
            "Meta financiera actual": [fmt.quetzales(v) for v in changes["meta_financiera_actual"]],
            "Diferencia financiera": [fmt.signed(v, fmt.quetzales) for v in changes["diferencia_financiera"]],
        }
    )
    return with_codes(table, "Nombre")


def total_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    changes = total_changes(previous, current)
    return pd.DataFrame(
        {
            "Año": changes["anio"].astype(str),
            f"Total {previous.period}": [fmt.quetzales(v) for v in changes["total_anterior"]],
            f"Total {current.period}": [fmt.quetzales(v) for v in changes["total_actual"]],
            "Diferencia": [fmt.signed(v, fmt.quetzales) for v in changes["diferencia"]],
            "Variación": [fmt.signed_percent(v, 2) for v in changes["variacion_pct"]],
        }
    )


def marked_diff(before: str, after: str) -> tuple[str, str]:
    """Both texts as Markdown with the words that differ in bold (compute.changes.word_diff).

    Text from the data is escaped; only the bold marks are Markdown.
    """
    return tuple(
        " ".join(f"**{md(words)}**" if changed else md(words) for words, changed in runs)
        for runs in word_diff(before, after)
    )


def _value(value, unit: str) -> str:
    return fmt.percent(value) if unit == "porcentaje" else fmt.integer(value)


def fiche_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    """The indicator changes that fit a table (rewordings are shown as text diffs)."""
    changes = fiche_changes(previous, current)
    changes = changes[~changes["cambio"].isin(TEXT_ASPECTS)]
    return pd.DataFrame(
        {
            "Indicador": changes["ficha_id"],
            "Cambio": changes["cambio"],
            **_edition_columns(previous, current, changes),
        }
    )


def fiche_goal_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    changes = fiche_goal_changes(previous, current)
    return pd.DataFrame(
        {
            "Indicador": changes["ficha_id"],
            "Año": changes["anio"].astype(str),
            "Meta anterior": [
                f"{fmt.integer(a)} ({fmt.percent(r)})"
                for a, r in zip(changes["absoluta_anterior"], changes["relativa_anterior"])
            ],
            "Meta actual": [
                f"{fmt.integer(a)} ({fmt.percent(r)})"
                for a, r in zip(changes["absoluta_actual"], changes["relativa_actual"])
            ],
            "Diferencia": [fmt.signed(a - b) for a, b in zip(changes["absoluta_actual"], changes["absoluta_anterior"])],
        }
    )


def key_figure_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    changes = key_figure_changes(previous, current)
    return pd.DataFrame(
        {
            "Cifra": changes["rol"].map(ROLE_LABELS),
            "Año": [fmt.MISSING if pd.isna(y) else str(int(y)) for y in changes["anio"]],
            **_edition_columns(previous, current, changes, lambda side: map(_value, changes[side], changes["unidad"])),
            "Diferencia": [
                fmt.signed(v, (lambda x: fmt.percent(x)) if u == "porcentaje" else fmt.integer)
                for v, u in zip(changes["diferencia"], changes["unidad"])
            ],
        }
    )


def catalog_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    """Units of measure and programs added, removed, renamed or described anew, in one table."""
    parts = [
        changes.assign(tipo=kind)
        for kind, changes in (
            ("Unidad de medida", unit_changes(previous, current)),
            ("Programa", program_changes(previous, current)),
        )
    ]
    both = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(
        {
            "Tipo": both["tipo"],
            "Cambio": both["cambio"],
            "Código": both["codigo"],
            **_edition_columns(previous, current, both),
        }
    )
