"""The book's charts: titled, with axis units, in a colour-blind-safe palette (Okabe-Ito)."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")  # charts are rendered to files and notebook outputs, never to a screen
# Labels are plan text: a «$» in a name is a dollar sign, never the start of a formula.
matplotlib.rcParams["text.parse_math"] = False

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from . import analysis
from . import formatting as fmt
from .plan import Plan
from .projections import coverage_path

# Okabe & Ito (2008): distinguishable with the common forms of colour blindness.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
WIDTH, HEIGHT = 7.5, 4.2

_millions = FuncFormatter(lambda v, _pos: fmt.decimal(v / 1e6, 0))
_persons = FuncFormatter(lambda v, _pos: fmt.integer(v))
_points = FuncFormatter(lambda v, _pos: fmt.percent(v, 0))


def _figure(title: str, height: float = HEIGHT) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(WIDTH, height), layout="constrained")
    # A figure-level title starts at the left edge even when long tick labels push the axes right.
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    plt.close(fig)  # the caller displays or glues it; pyplot must not keep it open
    return fig, ax


def _wrap(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(text, width))


def _shorten(text: str, width: int = 50) -> str:
    return textwrap.shorten(text, width, placeholder="…")


def population_by_region(plan: Plan) -> Figure:
    """Horizontal bars: target population per country or region, with its value at the bar's end."""
    population = plan["poblacion_objetivo"].sort_values("orden", ascending=False)
    fig, ax = _figure("Población objetivo por lugar", height=3.2)
    bars = ax.barh(population["region"], population["personas"].astype(float), color=OKABE_ITO[0])
    ax.bar_label(bars, labels=[fmt.integer(v) for v in population["personas"]], padding=4, fontsize=9)
    ax.set_xscale("log")
    ax.set_xlabel("Personas (escala logarítmica)")
    ax.xaxis.set_major_formatter(_persons)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_xlim(right=float(population["personas"].max()) * 6)
    return fig


def coverage_trajectory(plan: Plan, projection: pd.DataFrame | None = None) -> Figure:
    """Coverage (%) from the baseline to the plan's last year; dashed scenarios after it."""
    path = coverage_path(plan)
    fig, ax = _figure("Cobertura del indicador principal")
    ax.plot(path.index, path["cobertura_pct"], marker="o", color=OKABE_ITO[0], linewidth=2.2,
            label="Meta del plan (línea de base en " + str(path.index[0]) + ")")
    for year, value in path["cobertura_pct"].items():
        ax.annotate(fmt.percent(value), (year, value), textcoords="offset points", xytext=(0, 8),
                    ha="center", fontsize=8)
    if projection is not None:
        _plot_scenarios(ax, path["cobertura_pct"], projection, "cobertura_pct")
    _year_axis(ax)
    ax.set_ylabel("Cobertura (% de la población objetivo)")
    ax.yaxis.set_major_formatter(_points)
    return fig


def _plot_scenarios(ax: plt.Axes, series: pd.Series, projection: pd.DataFrame, column: str) -> None:
    """Dashed lines that continue `series` from its last year, one per scenario."""
    for colour, (name, group) in zip(OKABE_ITO[1:], projection.groupby("escenario", sort=False)):
        ax.plot([series.index[-1], *group["anio"]], [series.iloc[-1], *group[column]], linestyle="--",
                marker=".", color=colour, label=f"Proyección: {name}")


def _year_axis(ax: plt.Axes) -> None:
    """Whole years on the horizontal axis of a line chart, and its legend."""
    ax.set_xlabel("Año")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=8, loc="upper left")


def budget_by_program(plan: Plan) -> Figure:
    """Stacked bars: each year's financial goals by program, in millions of quetzales."""
    budget = analysis.budget_by_program(plan)
    fig, ax = _figure("Metas financieras por programa y año", height=4.8)
    bottom = pd.Series(0.0, index=budget.columns)
    for colour, (program, values) in zip(OKABE_ITO, budget.iterrows()):
        ax.bar([str(y) for y in budget.columns], values, bottom=bottom, color=colour, label=_wrap(program, 45), width=0.65)
        bottom += values
    for i, total in enumerate(bottom):
        ax.annotate(fmt.millions_of_quetzales(total, 0), (i, total), textcoords="offset points", xytext=(0, 4),
                    ha="center", fontsize=8)
    ax.set_xlabel("Año")
    ax.set_ylabel("Millones de quetzales")
    ax.yaxis.set_major_formatter(_millions)
    ax.legend(frameon=False, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def yearly_growth(plan: Plan) -> Figure:
    """Bars: change of the yearly total over the previous year, in percent."""
    totals = analysis.yearly_totals(plan).dropna()
    fig, ax = _figure("Crecimiento interanual del presupuesto total del plan", height=3.4)
    bars = ax.bar([str(y) for y in totals.index], totals["variacion_pct"], color=OKABE_ITO[2], width=0.6)
    ax.bar_label(bars, labels=[fmt.percent(v) for v in totals["variacion_pct"]], padding=3, fontsize=9)
    ax.set_xlabel("Año")
    ax.set_ylabel("Variación sobre el año anterior (%)")
    ax.yaxis.set_major_formatter(_points)
    ax.set_ylim(min(0, totals["variacion_pct"].min() * 1.25), max(0, totals["variacion_pct"].max() * 1.25))
    return fig


def budget_projection(plan: Plan, projection: pd.DataFrame) -> Figure:
    """The plan's yearly totals and their extension under each scenario, in millions of quetzales."""
    totals = analysis.yearly_totals(plan)["total"]
    fig, ax = _figure("Presupuesto total: metas del plan y proyección por escenario")
    ax.plot(totals.index, totals, marker="o", color=OKABE_ITO[0], linewidth=2.2, label="Metas del plan")
    _plot_scenarios(ax, totals, projection, "total")
    _year_axis(ax)
    ax.set_ylabel("Millones de quetzales")
    ax.yaxis.set_major_formatter(_millions)
    return fig


def product_growth(plan: Plan) -> Figure:
    """Paired bars per product: average yearly growth of the physical and the financial goal."""
    growth = analysis.product_growth(plan).dropna(subset=["meta_fisica_tcac"]).iloc[::-1]
    fig, ax = _figure("Crecimiento anual promedio de las metas, por producto", height=5.6)
    positions = range(len(growth))
    ax.barh([p + 0.2 for p in positions], growth["meta_fisica_tcac"], height=0.4, color=OKABE_ITO[0], label="Meta física")
    ax.barh([p - 0.2 for p in positions], growth["meta_financiera_tcac"], height=0.4, color=OKABE_ITO[1],
            label="Meta financiera")
    ax.set_yticks(list(positions), [f"{i} {_shorten(n)}" for i, n in zip(growth["producto_id"], growth["producto"])],
                  fontsize=7.5)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(f"Tasa de crecimiento anual compuesta {plan.years[0]}-{plan.years[-1]} (%)")
    ax.xaxis.set_major_locator(matplotlib.ticker.MultipleLocator(5))
    ax.xaxis.set_major_formatter(_points)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return fig


def indicator_components(plan: Plan, fiche_id: str) -> Figure:
    """Stacked bars: the subproducts the indicator's formula adds up, per year (persons)."""
    terms = plan["fichas_formula"].query("ficha_id == @fiche_id").sort_values("orden")["subproducto_id"].tolist()
    goals = plan["metas_subproductos"]
    names = plan.subproducts.set_index("subproducto_id")["etiqueta"]
    fig, ax = _figure("Componentes del numerador del indicador de cobertura")
    years = plan.years
    bottom = pd.Series(0.0, index=years)
    for colour, term in zip(OKABE_ITO, terms):
        values = goals[goals["subproducto_id"] == term].set_index("anio")["meta_fisica"].astype(float).reindex(years)
        ax.bar([str(y) for y in years], values, bottom=bottom, color=colour, width=0.6, label=f"{term} {_shorten(names[term], 60)}")
        bottom += values
    for i, total in enumerate(bottom):
        ax.annotate(fmt.integer(total), (i, total), textcoords="offset points", xytext=(0, 4), ha="center", fontsize=8)
    ax.set_xlabel("Año")
    ax.set_ylabel("Personas (meta física)")
    ax.yaxis.set_major_formatter(_persons)
    ax.set_ylim(0, bottom.max() * 1.35)
    ax.legend(frameon=False, fontsize=7.5, loc="upper left")
    return fig


def execution_projection(path: pd.DataFrame, goal: str, executed: str, title: str, unit: str,
                         newer: tuple[str, pd.DataFrame] | None = None, goal_label: str = "Meta del plan") -> Figure:
    """The plan's path (its goals) against execution: observed years solid, later years projected (dashed).

    `path` has one row per year with columns anio, es_proyeccion, `goal` and `executed`
    (monitoring.financial_path or monitoring.coverage_projection). unit: "quetzales" (shown in
    millions) or the indicator's unit (e.g. "personas"). `newer` = (label, frame with anio and
    `goal`): a newer plan's goals for the same measure, drawn as a dotted line beside (then
    `goal_label` should name the plan of the solid line).
    """
    in_quetzales = unit == "quetzales"
    as_text = (lambda v: fmt.millions_of_quetzales(v, 0)) if in_quetzales else fmt.integer
    years = path["anio"].astype(int).tolist()
    observed = path[~path["es_proyeccion"].astype(bool)]
    projected = path[path["es_proyeccion"].astype(bool)]
    fig, ax = _figure(title)
    ax.plot(years, path[goal].astype(float), marker="o", color=OKABE_ITO[0], linewidth=2.2, label=goal_label)
    if newer is not None and not newer[1].empty:
        ax.plot(newer[1]["anio"].astype(int), newer[1][goal].astype(float), marker="s", linestyle=":",
                color=OKABE_ITO[2], linewidth=2, label=newer[0])
    ax.plot(observed["anio"], observed[executed].astype(float), marker="o", color=OKABE_ITO[1], linewidth=2.2,
            label="Ejecución observada")
    if not projected.empty and not observed.empty and projected[executed].notna().any():
        tail = pd.concat([observed.tail(1), projected])
        ax.plot(tail["anio"], tail[executed].astype(float), linestyle="--", marker=".", color=OKABE_ITO[1],
                label="Proyección al ritmo observado")
    last = path.iloc[-1]
    for column, colour, offset in ((goal, OKABE_ITO[0], 8), (executed, OKABE_ITO[1], -14)):
        if pd.notna(last[column]):
            ax.annotate(as_text(float(last[column])), (int(last["anio"]), float(last[column])),
                        textcoords="offset points", xytext=(0, offset), ha="center", fontsize=8, color=colour)
    _year_axis(ax)
    ax.set_ylabel("Millones de quetzales" if in_quetzales else unit.capitalize())
    ax.yaxis.set_major_formatter(_millions if in_quetzales else _persons)
    return fig
