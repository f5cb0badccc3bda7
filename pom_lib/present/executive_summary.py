"""The executive summary: a plan's main findings in numbered sentences, and its key figures as cards.

Every sentence is computed from the plan's data and holds for any valid plan: a finding whose
data the plan lacks (no indicator fiche, no target population, a single year) is left out,
and wording agrees with the numbers (one program or several, growth or decline). Each finding
names the chapter that develops it; links are given only to chapters the book has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pom_lib.compute import analysis, strategic_framework
from pom_lib.compute.reconciliation import indicator_values, reconcile
from pom_lib.core import formatting as fmt
from pom_lib.core.escaping import markdown as escape_markdown
from pom_lib.data.plan import Plan

MAX_FINDINGS = 7


@dataclass(frozen=True)
class Finding:
    """One sentence of Markdown (plan text escaped, its key figure in bold) and the chapter behind it."""

    text: str
    chapter: str


@dataclass(frozen=True)
class KeyFigure:
    """A card: the value as shown and its label; `key` names its role (the same from one edition to the
    next: the card's anchor and its key in cifras.json), `number` and `unit` the value as data."""

    value: str
    label: str
    key: str
    number: float | None = None
    unit: str = ""
    period: str = ""


def _quoted(text: str) -> str:
    return f"«{escape_markdown(text)}»"


def _bold(text: str) -> str:
    return f"**{text}**"


def _change_verb(first: float, last: float) -> str:
    return "sube" if last > first else "baja" if last < first else "se mantiene"


# --- Findings, each None when the plan lacks what it needs ----------------------------------------


def program_finding(plan: Plan) -> Finding | None:
    budget = analysis.budget_by_program(plan).sum(axis=1)
    total = float(budget.sum())
    if total <= 0:
        return None
    if len(budget) == 1:
        return Finding(
            f"Un solo programa, {_quoted(budget.index[0])}, reúne {_bold('todas')} las metas financieras del período.",
            "matriz_planificacion",
        )
    leader = budget.idxmax()
    return Finding(
        f"{_quoted(leader)} es el programa de mayor peso entre los {fmt.integer(len(budget))}: reúne el "
        f"{_bold(fmt.percent(100 * budget[leader] / total))} de las metas financieras del período.",
        "matriz_planificacion",
    )


def _main_indicator(plan: Plan) -> tuple[str, pd.DataFrame] | None:
    """The plan's main indicator and its published relative values by year, baseline first; None
    without two such values."""
    if plan["fichas"].empty:
        return None
    fiche = plan["fichas"].set_index("ficha_id").loc[plan.main_fiche]
    values = indicator_values(plan)
    values = values[(values["ficha_id"] == plan.main_fiche) & values["relativo_publicado"].notna()]
    if len(values) < 2:
        return None
    return str(fiche["indicador"]), values.sort_values("anio")


def indicator_finding(plan: Plan) -> Finding | None:
    main = _main_indicator(plan)
    if main is None:
        return None
    indicator, values = main
    start, end = values.iloc[0], values.iloc[-1]
    points = end["relativo_publicado"] - start["relativo_publicado"]
    base = " (línea de base)" if start["es_linea_base"] else ""
    if points == 0:
        level = _bold(fmt.percent(end["relativo_publicado"]))
        change = f"se mantiene en {level} de {int(start['anio'])} a {int(end['anio'])}"
    else:
        change = (
            f"{'pasa' if points > 0 else 'baja'} de {fmt.percent(start['relativo_publicado'])} en "
            f"{int(start['anio'])}{base} a {_bold(fmt.percent(end['relativo_publicado']))} en {int(end['anio'])}: "
            f"{fmt.decimal(abs(points))} puntos porcentuales {'más' if points > 0 else 'menos'}"
        )
    return Finding(f"El indicador del plan, {_quoted(indicator.rstrip('.'))}, {change}.", "fichas_indicadores")


def population_finding(plan: Plan) -> Finding | None:
    if plan["poblacion_objetivo"].empty:
        return None
    where = strategic_framework.population_concentration(plan)
    if not where["total"] or where["region"] is None:  # no population, or only the row grouping the rest
        return None
    if not where["otros_nombrados"] and where["resto"] is None:
        return Finding(
            f"Toda la población objetivo, {_bold(fmt.integer(where['total']))} personas, está en "
            f"{escape_markdown(where['region'])}.",
            "alcance_poblacion",
        )
    return Finding(
        f"{escape_markdown(where['region'])} reúne el {_bold(fmt.percent(where['participacion']))} de la "
        f"población objetivo: {fmt.integer(where['personas'])} de {fmt.integer(where['total'])} personas.",
        "alcance_poblacion",
    )


def growth_finding(plan: Plan) -> Finding | None:
    first, last = plan.years[0], plan.years[-1]
    if first == last:
        return None
    growth = analysis.product_growth(plan).dropna(subset=["meta_financiera_tcac"])
    if growth.empty:
        return None
    fastest = growth.loc[growth["meta_financiera_tcac"].idxmax()]
    name = f"{escape_markdown(fastest['producto_id'])} {_quoted(fastest['producto'])}"
    rate = fastest["meta_financiera_tcac"]
    if rate > 0:
        return Finding(
            f"La meta financiera que más crece es la de {name}: {_bold(fmt.percent(rate))} al año "
            f"entre {first} y {last}.",
            "proyecciones",
        )
    if rate == 0:
        return Finding(f"{_bold('Ningún producto')} aumenta su meta financiera entre {first} y {last}.", "proyecciones")
    return Finding(
        f"Todas las metas financieras de producto bajan entre {first} y {last}; la que menos baja es la "
        f"de {name}, {_bold(fmt.percent(rate))} al año.",
        "proyecciones",
    )


def quality_finding(plan: Plan, report: pd.DataFrame | None = None) -> Finding | None:
    report = reconcile(plan) if report is None else report
    checks, failures = len(report), int((~report["cumple"]).sum())
    if checks == 0:
        return None
    if failures == 0:
        subject = (
            "La única comprobación aritmética"
            if checks == 1
            else f"Las {_bold(fmt.integer(checks))} comprobaciones aritméticas"
        )
        verb = "cuadra" if checks == 1 else "cuadran"
        return Finding(f"{subject} del plan {verb}: sus partes suman los totales que declara.", "calidad_datos")
    return Finding(
        f"De {fmt.integer(checks)} comprobaciones aritméticas del plan, {_bold(fmt.integer(failures))} "
        f"{'no cuadra' if failures == 1 else 'no cuadran'}: el documento no suma lo que declara en "
        f"{'ese punto' if failures == 1 else 'esos puntos'}.",
        "calidad_datos",
    )


def largest_product_finding(plan: Plan) -> Finding | None:
    goals = plan["metas_productos"].groupby("producto_id")["meta_financiera"].sum().astype(float)
    if goals.sum() <= 0:
        return None
    leader = goals.idxmax()
    name = plan.products.set_index("producto_id").loc[leader, "nombre"]
    return Finding(
        f"El producto de mayor meta financiera es {escape_markdown(leader)} {_quoted(name)}, con el "
        f"{_bold(fmt.percent(100 * goals[leader] / goals.sum()))} del período.",
        "matriz_planificacion",
    )


def findings(plan: Plan, report: pd.DataFrame | None = None) -> list[Finding]:
    """The plan's other traits, in order, at most MAX_FINDINGS: what the main points
    (pom_lib.present.findings) leave out. The plan's size is the first main point; the arithmetic
    checks are a trait only when some fail; the count of items lives in the key figures."""
    report = reconcile(plan) if report is None else report
    candidates = [
        program_finding(plan),
        indicator_finding(plan),
        population_finding(plan),
        growth_finding(plan),
        quality_finding(plan, report) if not report["cumple"].all() else None,
        largest_product_finding(plan),
    ]
    return [f for f in candidates if f is not None][:MAX_FINDINGS]


def findings_markdown(found: list[Finding], chapters: Iterable[str]) -> str:
    """A numbered Markdown list; each finding links to its chapter when the book has it."""
    available = set(chapters)
    lines = []
    for number, finding in enumerate(found, start=1):
        link = f" ({{doc}}`{finding.chapter}`)" if finding.chapter in available else ""
        lines.append(f"{number}. {finding.text}{link}")
    return "\n".join(lines) + "\n"


# --- Key figures ----------------------------------------------------------------------------------


def key_figures(plan: Plan) -> list[KeyFigure]:
    """The edition's headline figures for the cards: those the plan has, in a fixed order."""
    totals = analysis.yearly_totals(plan)["total"]
    first, last = int(totals.index[0]), int(totals.index[-1])
    period = str(first) if first == last else f"{first}-{last}"
    total = round(float(totals.sum()), 2)
    cards = [
        KeyFigure(
            fmt.millions_of_quetzales(total),
            f"Metas financieras del período {period}",
            "metas_financieras_periodo",
            total,
            "quetzales",
            period,
        )
    ]
    if first != last and totals.iloc[0]:
        change = round(100 * (totals.iloc[-1] / totals.iloc[0] - 1), 2)
        cards.append(
            KeyFigure(
                fmt.signed_percent(change),
                f"Variación del total anual, {first} a {last}",
                "variacion_total_anual",
                change,
                "%",
                period,
            )
        )
    cards.append(
        KeyFigure(
            f"{fmt.integer(len(plan.programs))} · {fmt.integer(len(plan.products))} · "
            f"{fmt.integer(len(plan.subproducts))}",
            "Programas · productos · subproductos",
            "estructura",
        )
    )
    if plan.target_population:
        cards.append(
            KeyFigure(
                fmt.integer(plan.target_population),
                "Personas de la población objetivo",
                "poblacion_objetivo",
                round(float(plan.target_population)),
                "personas",
            )
        )
    main = _main_indicator(plan)
    if main is not None:
        final = main[1].iloc[-1]
        goal = round(float(final["relativo_publicado"]), 2)
        cards.append(
            KeyFigure(
                fmt.percent(goal),
                f"Meta del indicador del plan en {int(final['anio'])}",
                "meta_indicador_final",
                goal,
                "%",
                str(int(final["anio"])),
            )
        )
    return cards
