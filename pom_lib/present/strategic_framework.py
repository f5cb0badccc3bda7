"""The plan's own statements as quoted Markdown, and its programs and objective links as Spanish tables.

Quotes reproduce the data's text exactly (Markdown-escaped only where a character would
change the rendering) and end with their source: the document section in the ``seccion``
column. The rows and numbers come from pom_lib.compute.strategic_framework.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from pom_lib.compute.strategic_framework import (
    ObjectiveLink,
    actions,
    objective_links,
    program_products,
    program_summary,
    statements,
)
from pom_lib.core import escaping
from pom_lib.core import formatting as fmt
from pom_lib.data.plan import Plan

_NUMBERED_SECTION = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(.+)$")


def section_reference(section: str) -> str:
    """«sección 1, «Marco estratégico institucional»» from «1. Marco estratégico institucional»."""
    section = str(section).strip()
    match = _NUMBERED_SECTION.match(section)
    if match:
        return f"sección {match[1]}, «{match[2]}»"
    return f"«{section}»"


def source_note(plan: Plan, sections: Iterable[str]) -> str:
    """The italic source line under quoted statements, naming every section quoted, in order."""
    unique = list(dict.fromkeys(str(s).strip() for s in sections if pd.notna(s) and str(s).strip()))
    if not unique:
        return f"*Fuente: {escaping.markdown(plan.citation())}*"
    references = [section_reference(s) for s in unique]
    joined = references[0] if len(references) == 1 else "; ".join(references[:-1]) + " y " + references[-1]
    return f"*Fuente: {escaping.markdown(plan.citation(joined))}*"


def _quote_block(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in escaping.markdown(text).splitlines())


def quotes_markdown(plan: Plan, rows: pd.DataFrame, *, titled: bool = True) -> str:
    """Each row's `texto` as a blockquote (under its bold `titulo` if titled), then one source line."""
    parts = []
    for row in rows.itertuples():
        if titled and getattr(row, "titulo", None):
            parts.append(f"**{escaping.markdown(row.titulo)}**")
        parts.append(_quote_block(row.texto))
    parts.append(source_note(plan, rows["seccion"]))
    return "\n\n".join(parts) + "\n"


def statements_markdown(plan: Plan, kinds: Iterable[str], *, titled: bool = True) -> str:
    """The statements of the given kinds (e.g. 'objetivo_estrategico') as quotes with their source."""
    rows = statements(plan, kinds)
    if rows.empty:
        return "*El documento no contiene estos enunciados.*\n"
    return quotes_markdown(plan, rows, titled=titled)


def expansion_markdown(plan: Plan, scope: str | None = None) -> str:
    """The plan's statements on widening its network abroad, of one scope ('consular', 'diplomatica') or all, quoted."""
    rows = plan["expansion_red"].sort_values("orden")
    if scope is not None:
        rows = rows[rows["ambito"] == scope]
    if rows.empty:
        return "*El documento no contiene enunciados de este ámbito.*\n"
    return quotes_markdown(plan, rows, titled=False)


def actions_markdown(plan: Plan, program_id: str) -> str:
    """A program's actions quoted as lists, one per group (`grupo`), with the source line."""
    rows = actions(plan, program_id)
    if rows.empty:
        return "*El documento no enumera acciones para este programa.*\n"
    parts = []
    groups = rows.groupby("grupo", sort=False)
    for group, items in groups:
        if groups.ngroups > 1:
            parts.append(f"*{escaping.markdown(group)}*")
        parts.append("\n".join(f"> - {escaping.markdown(text)}" for text in items["texto"]))
    parts.append(source_note(plan, rows["seccion"]))
    return "\n\n".join(parts) + "\n"


def program_summary_table(plan: Plan) -> pd.DataFrame:
    """program_summary as formatted Spanish text for display.Table."""
    summary = program_summary(plan)
    first, last = plan.years[0], plan.years[-1]
    return pd.DataFrame(
        {
            "Programa": summary["programa"],
            "Acciones": [fmt.integer(v) for v in summary["acciones"]],
            "Productos": [fmt.integer(v) for v in summary["productos"]],
            str(first): [fmt.quetzales(v) for v in summary[f"meta_financiera_{first}"]],
            str(last): [fmt.quetzales(v) for v in summary[f"meta_financiera_{last}"]],
            "Peso en el período": [fmt.percent(v) for v in summary["participacion_periodo"]],
        }
    )


def program_products_table(plan: Plan, program_id: str) -> pd.DataFrame:
    """program_products as formatted Spanish text for display.Table (year columns: financial goals;
    a one-year plan has one year column and no change)."""
    first, last = plan.years[0], plan.years[-1]
    data = program_products(plan, program_id)
    columns = {"Código": data["producto_id"], "Producto": data["producto"]}
    for year in dict.fromkeys([first, last]):
        columns[str(year)] = [fmt.quetzales(v) for v in data[f"meta_financiera_{year}"]]
    if last > first:
        columns["Variación"] = [fmt.signed_percent(v) for v in data["variacion_pct"]]
    columns["Peso"] = [fmt.percent(v) for v in data["participacion_programa"]]
    return pd.DataFrame(columns)


def objective_links_table(plan: Plan, links: Iterable[ObjectiveLink] | None = None) -> pd.DataFrame:
    """objective_links as formatted Spanish text for display.Table: who serves each objective, and its weight."""
    data = objective_links(plan, links)
    served = [f"{p}: {s}" if s else p for p, s in zip(data["programa"], data["alcance"])]
    return pd.DataFrame(
        {
            "Objetivo operativo": data["objetivo"],
            "Programa que lo atiende": [s or "Resto de las metas financieras" for s in served],
            "Peso en el período": [fmt.percent(v) for v in data["participacion_periodo"]],
            "Vínculo": [v or "—" for v in data["vinculo"]],
        }
    )


def program_budget_markdown(plan: Plan, program_id: str) -> str:
    """One sentence with the program's weight in the budget, first year, last year and whole period."""
    first, last = plan.years[0], plan.years[-1]
    row = program_summary(plan).set_index("programa_id").loc[program_id]
    return (
        f"El programa reúne {fmt.percent(row['participacion_periodo'])} de las metas financieras del período "
        f"({fmt.millions_of_quetzales(row['meta_financiera_periodo'])}): "
        f"{fmt.percent(row[f'participacion_{first}'])} en {first} y "
        f"{fmt.percent(row[f'participacion_{last}'])} en {last}.\n"
    )
