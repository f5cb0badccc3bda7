"""The book's charts: honest scales, readable text, and an alt text that states what they show.

Every function returns a ``display.Chart``: the matplotlib figure, its alt text (what kind of
chart it is and the finding, in Spanish sentences computed from the data) and the figures it
draws, which the book offers for download. Pass it to ``display.Figure`` with a caption and a source.

Legibility rules, checked by the tests for any plan: the figure is ``WIDTH`` inches wide, close to
a phone's screen, and is shown at that size: printed as drawn, and on a page never wider than
drawn (so a laptop does not blow its text up) and narrower only on a screen narrower than the
chart. On a phone ``PHONE_SCREEN`` px wide, where a chart gets ``PHONE_CHART`` CSS px, no text is
smaller than ``MIN_TEXT_PX`` CSS px (``MIN_FONT`` points as drawn). Labels wrap instead of being
cut, magnitudes sit on linear axes that start at zero, and the caption carries the title (none is
drawn in the chart). Charts of many items show the ``TOP`` largest and group the rest in one
bar, so they stay readable for a plan of any size; the download keeps every item.
"""

from __future__ import annotations

import functools
import textwrap

import matplotlib

matplotlib.use("Agg")  # charts are rendered to files and notebook outputs, never to a screen
# Labels are plan text: a «$» in a name is a dollar sign, never the start of a formula.
matplotlib.rcParams["text.parse_math"] = False

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from pom_lib.compute import analysis, strategic_framework
from pom_lib.compute.findings import Finding
from pom_lib.compute.projections import coverage_path
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.data.plan import Plan
from pom_lib.present.display import FIGURE_WIDTH, OKABE_ITO, Chart

# Inches (96 CSS px each: 384 px), a little more than the PHONE_CHART px a chart gets on a phone.
WIDTH = FIGURE_WIDTH
# The phone every chart must read on: its screen and the width a figure takes on it, in CSS px
# (the screen less the page's side padding, which the figure's negative margins win back in part:
# pom.css). The browser tests measure the text as rendered.
PHONE_SCREEN = 390
PHONE_CHART = 374
MIN_TEXT_PX = 11.0
FONT = 9.5


def phone_px(points: float) -> float:
    """How tall text of `points` points drawn in a chart shows on the phone, in CSS px."""
    shown = min(1.0, PHONE_CHART / (WIDTH * 96))
    return points * 96 / 72 * shown


# The smallest type size (points) that still reads at MIN_TEXT_PX on the phone.
MIN_FONT = MIN_TEXT_PX / phone_px(1.0)
TOP = 12
# Tallest chart, in inches: it must fit the PDF's text block with its caption.
MAX_HEIGHT = 8.5
# Characters per line of a category label beside a horizontal bar, and of a legend entry, at FONT.
LABEL_CHARS_ABOVE = 52
LEGEND_CHARS = 36
# Height of one line of label text, and the space a chart needs besides its plotting area, in inches.
_LINE = 0.165
_FRAME = 0.9
# Height of one item's row of bars or dots, and the gap under it before the next name, in lines of text.
_BAND = 1.0
_GAP = 0.2
GRID = "#dddddd"
ZERO = "#333333"

# Every text of a chart at FONT, whatever the caller's matplotlib settings.
STYLE = {
    "font.size": FONT,
    "axes.labelsize": FONT,
    "xtick.labelsize": FONT,
    "ytick.labelsize": FONT,
    "legend.fontsize": FONT,
    "figure.titlesize": FONT,
    "axes.titlesize": FONT,
}

_millions = FuncFormatter(lambda v, _pos: fmt.decimal(v / 1e6, 0))
_persons = FuncFormatter(lambda v, _pos: fmt.integer(v))
_points = FuncFormatter(lambda v, _pos: fmt.percent(v, 0))


def _styled(function):
    """Draw the chart under STYLE (text sizes are fixed when each text is created)."""

    @functools.wraps(function)
    def draw(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return function(*args, **kwargs)

    return draw


def _figure(height: float) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(WIDTH, height), layout="constrained")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    plt.close(fig)  # the caller displays it; pyplot must not keep it open
    return fig, ax


def _wrap(text: str, width: int = LEGEND_CHARS) -> str:
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def _item_lines(label: str, bars: int) -> float:
    """Height of one item of a _rows_figure chart, in lines of text: its name, its bars, a gap."""
    return _wrap(label, LABEL_CHARS_ABOVE).count("\n") + 1 + bars * _BAND + _GAP


def _fitting(labels: list[str], bars: int, extra: float = 0.0) -> int:
    """How many of the leading items (at most TOP) fit MAX_HEIGHT: all of them if they fit, else
    those that leave room for one more that groups the rest."""
    budget = (MAX_HEIGHT - _FRAME - extra) / _LINE
    if len(labels) <= TOP + 1 and sum(_item_lines(label, bars) for label in labels) <= budget:
        return len(labels)
    budget -= 1 + bars * _BAND + _GAP
    count, used = 0, 0.0
    for label in labels[:TOP]:
        used += _item_lines(label, bars)
        if used > budget:
            break
        count += 1
    return max(count, 1)


def _rows_figure(labels: list[str], bars: int, extra: float = 0.0) -> tuple[Figure, plt.Axes, list[float]]:
    """A horizontal bar chart whose items each have their full name on a line above their bars.

    Names span the chart's width instead of squeezing the bars into a narrow column, so long
    names wrap into few lines and are never cut. Returns the figure, its axes and the vertical
    position of each item's bars (in lines of text from the top; the axis is inverted).
    """
    wrapped = [_wrap(label, LABEL_CHARS_ABOVE) for label in labels]
    positions, top = [], 0.0
    for label in wrapped:
        positions.append(top + label.count("\n") + 1 + bars * _BAND / 2)  # the bars, under the name
        top += _item_lines(label, bars)
    fig, ax = _figure(_FRAME + extra + top * _LINE)
    ax.set_ylim(top, 0)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    for label, position in zip(wrapped, positions):
        ax.text(
            0.0,
            position - bars * _BAND / 2 - 0.15,
            label,
            transform=ax.get_yaxis_transform(),
            va="bottom",
            ha="left",
            linespacing=1.1,
            zorder=4,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
        )
    return fig, ax, positions


def _horizontal_grid(ax: plt.Axes) -> None:
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color=GRID, linewidth=0.6)


def _legend_below(ax: plt.Axes, columns: int = 1) -> None:
    """The legend under the chart, outside the plotting area (constrained layout makes room)."""
    ax.figure.legend(*ax.get_legend_handles_labels(), frameon=False, loc="outside lower left", ncols=columns)


def _top_and_rest(values: pd.Series, label: str, top: int = TOP) -> pd.Series:
    """The `top` largest values (descending) and, if any remain, their sum under one label."""
    ordered = values.sort_values(ascending=False)
    if len(ordered) <= top + 1:
        return ordered
    rest = ordered.iloc[top:]
    return pd.concat([ordered.iloc[:top], pd.Series({label.format(n=len(rest)): rest.sum()})])


# --- Population -----------------------------------------------------------------------------------


@_styled
def population_by_region(plan: Plan) -> Chart:
    """Horizontal bars: each country or region's share of the target population (linear, in %)."""
    population = plan["poblacion_objetivo"].set_index("region")["personas"].astype(float)
    total = float(population.sum())
    ordered = population.sort_values(ascending=False)
    labels = [f"{r}: {fmt.integer(p)} personas" for r, p in ordered.items()]
    shown = _top_and_rest(population, "Otros {n} destinos", top=_fitting(labels, bars=1, extra=0.2))
    shares = 100 * shown / total
    fig, ax, positions = _rows_figure([f"{r}: {fmt.integer(p)} personas" for r, p in shown.items()], bars=1, extra=0.2)
    bars = ax.barh(positions, shares.values, color=OKABE_ITO[0], height=0.9)
    ax.bar_label(bars, labels=[fmt.percent(s) for s in shares], padding=3)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Participación en la población objetivo (%)")
    ax.xaxis.set_major_formatter(_points)
    _horizontal_grid(ax)
    # The places named are never the row that groups the rest of the world (framework's rule).
    where = strategic_framework.population_concentration(plan)
    kind = "Barras horizontales, una por lugar, con su participación en la población objetivo. "
    if where["region"] is None:
        alt = f"La población objetivo suma {fmt.integer(total)} personas"
    else:
        alt = (
            f"{where['region']} concentra el {fmt.percent(where['participacion'])} de la población objetivo "
            f"({fmt.integer(where['personas'])} de {fmt.integer(total)} personas)"
        )
        places = plan["poblacion_objetivo"].query("region in @where['otros_nombrados']")
        if not places.empty:
            second = places.sort_values("personas", ascending=False).iloc[0]
            alt += f"; le sigue {second['region']}, con el {fmt.percent(100 * second['personas'] / total)}"
            if second["personas"] and where["personas"] / second["personas"] >= 2:
                alt += (
                    f": la población de {where['region']} es "
                    f"{fmt.decimal(where['personas'] / second['personas'], 0)} veces la de {second['region']}"
                )
    data = pd.DataFrame(
        {
            "region": population.index,
            "personas": population.values,
            "participacion_pct": (100 * population / total).values,
        }
    )
    return Chart(fig, kind + alt + ".", data)


# --- Coverage and budget lines --------------------------------------------------------------------


@_styled
def coverage_trajectory(plan: Plan, projection: pd.DataFrame | None = None) -> Chart:
    """Coverage (%) from the baseline to the plan's last year; dashed scenarios after it."""
    path = coverage_path(plan)
    fig, ax = _figure(3.6)
    base = int(path.index[0])
    ax.plot(
        path.index,
        path["cobertura_pct"],
        marker="o",
        color=OKABE_ITO[0],
        linewidth=2.2,
        label=f"Meta del plan (línea de base en {base})",
    )
    for (year, value), side in zip(path["cobertura_pct"].iloc[[0, -1]].items(), ("left", "center")):
        # The ends only (the axis gives the rest); the first one starts at its point, clear of the axis.
        ax.annotate(fmt.percent(value), (year, value), textcoords="offset points", xytext=(0, 8), ha=side)
    if projection is not None:
        _plot_scenarios(ax, path["cobertura_pct"], projection, "cobertura_pct")
    _year_axis(ax)
    ax.set_ylim(0, min(100.0, max(ax.get_ylim()[1], float(path["cobertura_pct"].max()) * 1.2)))
    ax.set_ylabel("Cobertura (%)")
    ax.yaxis.set_major_formatter(_points)
    last = int(path.index[-1])
    alt = (
        f"{_lines_kind('de la cobertura meta del plan', projection)}. "
        f"La cobertura pasa de {fmt.percent(path['cobertura_pct'].iloc[0])} en {base} (línea de base) a "
        f"{fmt.percent(path['cobertura_pct'].iloc[-1])} en {last}"
    )
    data = path.reset_index().rename(columns={"anio": "anio"}).assign(escenario="Meta del plan")
    if projection is not None:
        alt += "; " + _scenario_endings(projection, "cobertura_pct", fmt.percent)
        data = pd.concat([data, projection[["escenario", "anio", "personas", "cobertura_pct"]]], ignore_index=True)
    return Chart(fig, alt + ".", data[["escenario", "anio", "personas", "cobertura_pct"]])


def _lines_kind(what: str, projection: pd.DataFrame | None) -> str:
    """«Línea <what>, año por año[, prolongada por una línea discontinua por escenario hasta 2033]»;
    `what` is «del total…» or «de la cobertura…»."""
    kind = f"Línea {what}, año por año"
    if projection is None:
        return kind
    return kind + f", prolongada por una línea discontinua por escenario hasta {int(projection['anio'].max())}"


def _scenario_endings(projection: pd.DataFrame, column: str, as_text) -> str:
    """«en 2033 llegaría a 60.1 % con «Tendencia del plan», 47.1 % con «Sin crecimiento»…»"""
    horizon = int(projection["anio"].max())
    ends = projection[projection["anio"] == horizon]
    parts = [f"{as_text(v)} con «{s}»" for s, v in zip(ends["escenario"], ends[column])]
    return f"en {horizon} llegaría a {spanish.join(parts)}"


def _plot_scenarios(ax: plt.Axes, series: pd.Series, projection: pd.DataFrame, column: str) -> None:
    """Dashed lines that continue `series` from its last year, one per scenario."""
    for colour, (name, group) in zip(OKABE_ITO[1:], projection.groupby("escenario", sort=False)):
        ax.plot(
            [series.index[-1], *group["anio"]],
            [series.iloc[-1], *group[column]],
            linestyle="--",
            marker=".",
            color=colour,
            label=f"Proyección: {name}",
        )


def _year_axis(ax: plt.Axes) -> None:
    """Whole years, within the data, on the horizontal axis of a line chart; its legend under the plot."""
    ax.set_xlabel("Año")
    first, last = (round(v) for v in ax.dataLim.intervalx)
    step = max(1, -(-(last - first + 1) // 7))  # at most seven labels: more touch at WIDTH
    ax.set_xticks(range(first, last + 1, step))
    _legend_below(ax)


@_styled
def budget_projection(plan: Plan, projection: pd.DataFrame) -> Chart:
    """The plan's yearly totals and their extension under each scenario, in millions of quetzales."""
    totals = analysis.yearly_totals(plan)["total"]
    fig, ax = _figure(3.6)
    ax.plot(totals.index, totals, marker="o", color=OKABE_ITO[0], linewidth=2.2, label="Metas del plan")
    _plot_scenarios(ax, totals, projection, "total")
    _year_axis(ax)
    ax.set_ylim(0, ax.get_ylim()[1])
    ax.set_ylabel("Millones de quetzales")
    ax.yaxis.set_major_formatter(_millions)
    first, last = int(totals.index[0]), int(totals.index[-1])
    as_millions = lambda v: fmt.millions_of_quetzales(v)  # noqa: E731
    alt = (
        f"{_lines_kind('del total anual del plan', projection)}. "
        f"El total del plan pasa de {as_millions(totals.iloc[0])} en {first} a {as_millions(totals.iloc[-1])} "
        f"en {last}; {_scenario_endings(projection, 'total', as_millions)}."
    )
    data = pd.concat(
        [
            pd.DataFrame({"escenario": "Metas del plan", "anio": totals.index, "total": totals.values}),
            projection[["escenario", "anio", "total"]],
        ],
        ignore_index=True,
    )
    return Chart(fig, alt, data)


# --- Budget by program and its growth -------------------------------------------------------------


@_styled
def budget_by_program(plan: Plan) -> Chart:
    """Stacked bars: each year's financial goals by program, in millions of quetzales."""
    budget = analysis.budget_by_program(plan)
    last = budget.columns[-1]
    order = _top_and_rest(budget[last], "Otros {n} programas", top=len(OKABE_ITO) - 2).index
    kept = [p for p in order if p in budget.index]
    shown = budget.loc[kept]
    if len(kept) < len(budget):
        shown.loc[order[-1]] = budget.drop(index=kept).sum()
    years = [str(y) for y in budget.columns]
    fig, ax = _figure(3.4 + 0.3 * sum(_wrap(p, LEGEND_CHARS).count("\n") + 1 for p in shown.index))
    bottom = pd.Series(0.0, index=budget.columns)
    for colour, (program, values) in zip(OKABE_ITO, shown.iterrows()):
        ax.bar(years, values, bottom=bottom, color=colour, label=_wrap(program, LEGEND_CHARS), width=0.65)
        bottom += values
    for i, total in enumerate(bottom):
        ax.annotate(fmt.decimal(total / 1e6, 0), (i, total), textcoords="offset points", xytext=(0, 3), ha="center")
    ax.set_ylim(0, float(bottom.max()) * 1.12)
    ax.set_xlabel("Año")
    ax.set_ylabel("Millones de quetzales")
    ax.yaxis.set_major_formatter(_millions)
    _legend_below(ax)
    leader = shown[last].idxmax()
    first = budget.columns[0]
    alt = (
        "Barras apiladas, una por año, con la meta financiera de cada programa y el total del año encima. "
        f"El total anual pasa de {fmt.millions_of_quetzales(bottom.iloc[0])} en {first} a "
        f"{fmt.millions_of_quetzales(bottom.iloc[-1])} en {last}; «{leader}» es el programa de mayor peso en "
        f"{last}, con el {fmt.percent(100 * shown.loc[leader, last] / bottom.iloc[-1])} del total."
    )
    data = budget.reset_index().melt(id_vars="programa", var_name="anio", value_name="meta_financiera")
    return Chart(fig, alt, data)


@_styled
def product_growth(plan: Plan) -> Chart:
    """Dots per product: average yearly growth of its physical and of its financial goal.

    Products are ordered by their last-year financial goal; beyond ``TOP`` (fewer when their names
    are long, so the chart fits a page), the rest are one row with the growth of their combined goals.
    The zero line is drawn beside each row's dots only, never across the names above them.
    """
    growth = analysis.product_growth(plan).dropna(subset=["meta_fisica_tcac"])
    first, last = plan.years[0], plan.years[-1]
    growth = growth.sort_values(f"meta_financiera_{last}", ascending=False)
    names = [f"{i} {n}" for i, n in zip(growth["producto_id"], growth["producto"])]
    top = _fitting(names, bars=1, extra=0.45)
    shown = growth if len(growth) <= top + 1 else growth.head(top)
    labels = [f"{i} {n}" for i, n in zip(shown["producto_id"], shown["producto"])]
    physical, financial = shown["meta_fisica_tcac"].tolist(), shown["meta_financiera_tcac"].tolist()
    if len(shown) < len(growth):
        rest = growth.iloc[top:]
        labels.append(f"Otros {len(rest)} productos (metas sumadas)")
        physical.append(
            analysis.compound_growth(
                rest[f"meta_fisica_{first}"].sum(), rest[f"meta_fisica_{last}"].sum(), last - first
            )
        )
        financial.append(
            analysis.compound_growth(
                rest[f"meta_financiera_{first}"].sum(), rest[f"meta_financiera_{last}"].sum(), last - first
            )
        )
    fig, ax, positions = _rows_figure(labels, bars=1, extra=0.45)
    # One row per product: a dot per goal, joined so the gap between them reads at a glance.
    ax.hlines(positions, physical, financial, color="#999999", linewidth=1.0, zorder=2)
    ax.scatter(physical, positions, s=36, color=OKABE_ITO[0], label="Meta física", zorder=3)
    ax.scatter(financial, positions, s=36, marker="s", color=OKABE_ITO[1], label="Meta financiera", zorder=3)
    ax.vlines(
        [0.0] * len(positions),
        [p - _BAND / 2 for p in positions],
        [p + _BAND / 2 for p in positions],
        color=ZERO,
        linewidth=0.8,
        zorder=2,
    )
    ax.set_xlabel(f"Crecimiento anual compuesto {first}-{last} (%)")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.xaxis.set_major_formatter(_points)
    _horizontal_grid(ax)
    _legend_below(ax, columns=2)
    fastest = growth.loc[growth["meta_financiera_tcac"].idxmax()]
    steady = int((growth["meta_fisica_tcac"].abs() < 0.05).sum())
    alt = (
        "Gráfico de puntos, una fila por producto, con el crecimiento anual compuesto de su meta física "
        f"(círculo) y de su meta financiera (cuadrado), {first}-{last}. "
        f"La meta financiera que más crece es la de {fastest['producto_id']} «{fastest['producto']}», "
        f"{fmt.percent(fastest['meta_financiera_tcac'])} al año; "
        f"{spanish.count(steady, 'producto')} de {len(growth)} "
        f"{'mantiene' if steady == 1 else 'mantienen'} la misma meta física todos los años."
    )
    columns = [
        "producto_id",
        "producto",
        f"meta_fisica_{first}",
        f"meta_fisica_{last}",
        "meta_fisica_tcac",
        f"meta_financiera_{first}",
        f"meta_financiera_{last}",
        "meta_financiera_tcac",
    ]
    return Chart(fig, alt, analysis.product_growth(plan)[columns])


# --- Indicator ------------------------------------------------------------------------------------


@_styled
def indicator_components(plan: Plan, fiche_id: str) -> Chart:
    """Stacked bars: the subproducts the indicator's formula adds up, per year (persons)."""
    terms = plan["fichas_formula"].query("ficha_id == @fiche_id").sort_values("orden")["subproducto_id"].tolist()
    goals = plan["metas_subproductos"]
    names = plan.subproducts.set_index("subproducto_id")["etiqueta"]
    years = plan.years
    values = pd.DataFrame(
        {
            term: goals[goals["subproducto_id"] == term].set_index("anio")["meta_fisica"].astype(float).reindex(years)
            for term in terms
        }
    )
    labels = [_wrap(f"{term} {names[term]}", LEGEND_CHARS) for term in terms]
    fig, ax = _figure(3.4 + 0.3 * sum(label.count("\n") + 1 for label in labels))
    bottom = pd.Series(0.0, index=years)
    for colour, term, label in zip(OKABE_ITO, terms, labels):
        ax.bar([str(y) for y in years], values[term], bottom=bottom, color=colour, width=0.6, label=label)
        bottom += values[term]
    for i in (0, len(years) - 1):  # the ends; the axis gives the rest
        ax.annotate(
            fmt.integer(bottom.iloc[i]), (i, bottom.iloc[i]), textcoords="offset points", xytext=(0, 3), ha="center"
        )
    ax.set_xlabel("Año")
    ax.set_ylabel("Personas (meta física)")
    ax.yaxis.set_major_formatter(_persons)
    ax.set_ylim(0, float(bottom.max()) * 1.15)
    _legend_below(ax)
    largest = values.sum().idxmax()
    alt = (
        "Barras apiladas, una por año, con lo que aporta cada subproducto del numerador del indicador "
        "y el total del primer y del último año encima. "
        f"El numerador suma {spanish.count(len(terms), 'subproducto')} y pasa de "
        f"{fmt.integer(bottom.iloc[0])} personas en {years[0]} a {fmt.integer(bottom.iloc[-1])} en {years[-1]}; "
        f"{largest} aporta el {fmt.percent(100 * values[largest].sum() / values.values.sum())} del período."
    )
    data = (
        values.rename_axis("anio")
        .reset_index()
        .melt(id_vars="anio", var_name="subproducto_id", value_name="meta_fisica")
    )
    return Chart(fig, alt, data)


# --- Execution ------------------------------------------------------------------------------------


@_styled
def execution_projection(
    path: pd.DataFrame,
    goal: str,
    executed: str,
    title: str,
    unit: str,
    newer: tuple[str, pd.DataFrame] | None = None,
    goal_label: str = "Meta del plan",
) -> Chart:
    """The plan's path (its goals) against execution: observed years solid, later years projected (dashed).

    `path` has one row per year with columns anio, es_proyeccion, `goal` and `executed`
    (monitoring.financial_path or monitoring.coverage_projection). `title` names what is
    compared and opens the alt text. unit: "quetzales" (shown in millions) or the indicator's unit
    (e.g. "personas"). `newer` = (label, frame with anio and `goal`): a newer plan's goals for the
    same measure, drawn as a dotted line beside (then `goal_label` names the plan of the solid line).
    """
    in_quetzales = unit == "quetzales"
    as_text = fmt.millions_of_quetzales if in_quetzales else (lambda v: f"{fmt.integer(v)} {unit.lower()}")
    years = path["anio"].astype(int).tolist()
    observed = path[~path["es_proyeccion"].astype(bool)]
    projected = path[path["es_proyeccion"].astype(bool)]
    fig, ax = _figure(3.6)
    ax.plot(years, path[goal].astype(float), marker="o", color=OKABE_ITO[0], linewidth=2.2, label=goal_label)
    kind = ["línea continua de la meta", "línea de la ejecución observada"]
    if newer is not None and not newer[1].empty:
        kind.append(f"línea punteada de «{newer[0]}»")
        ax.plot(
            newer[1]["anio"].astype(int),
            newer[1][goal].astype(float),
            marker="s",
            linestyle=":",
            color=OKABE_ITO[2],
            linewidth=2,
            label=newer[0],
        )
    ax.plot(
        observed["anio"],
        observed[executed].astype(float),
        marker="o",
        color=OKABE_ITO[1],
        linewidth=2.2,
        label="Ejecución observada",
    )
    if not projected.empty and not observed.empty and projected[executed].notna().any():
        kind[1] += ", prolongada con línea discontinua al ritmo observado"
        tail = pd.concat([observed.tail(1), projected])
        ax.plot(
            tail["anio"],
            tail[executed].astype(float),
            linestyle="--",
            marker=".",
            color=OKABE_ITO[1],
            label="Proyección al ritmo observado",
        )
    last = path.iloc[-1]
    for column, colour, offset in ((goal, OKABE_ITO[0], 8), (executed, OKABE_ITO[1], -14)):
        if pd.notna(last[column]):
            ax.annotate(
                fmt.decimal(float(last[column]) / 1e6, 0) if in_quetzales else fmt.integer(float(last[column])),
                (int(last["anio"]), float(last[column])),
                textcoords="offset points",
                xytext=(0, offset),
                ha="center",
                color=colour,
            )
    _year_axis(ax)
    ax.set_ylim(0, ax.get_ylim()[1])
    ax.set_ylabel("Millones de quetzales" if in_quetzales else unit.capitalize())
    ax.yaxis.set_major_formatter(_millions if in_quetzales else _persons)
    kind = spanish.join(kind)
    alt = (
        f"{title}. {kind[0].upper()}{kind[1:]}, año por año. "
        f"La meta de {int(last['anio'])} es {as_text(float(last[goal]))}"
    )
    if pd.notna(last[executed]):
        alt += f"; al ritmo observado se llegaría a {as_text(float(last[executed]))}"
    return Chart(fig, alt + ".", path[["anio", "es_proyeccion", goal, executed]])


# --- Findings (pom_lib.compute.findings) ----------------------------------------------------------

# Short enough for the first one to sit under the main points on a laptop's first screen.
FINDING_HEIGHT = 2.9


@_styled
def _unmeasured_money(finding: Finding) -> Chart:
    """Stacked bars: each year's financial goals measured by an indicator and not measured."""
    yearly = finding.figures["por_anio"]
    years = [str(y) for y in yearly.index]
    fig, ax = _figure(FINDING_HEIGHT)
    parts = (("medido", "Medido por un indicador", OKABE_ITO[0]), ("sin_indicador", "Sin indicador", OKABE_ITO[1]))
    bottom = pd.Series(0.0, index=yearly.index)
    for column, label, colour in parts:
        ax.bar(years, yearly[column], bottom=bottom, color=colour, width=0.65, label=label)
        bottom += yearly[column]
    for i, (year, total) in enumerate(bottom.items()):
        share = 100 * yearly.loc[year, "sin_indicador"] / total if total else 0.0
        ax.annotate(fmt.percent(share, 0), (i, total), textcoords="offset points", xytext=(0, 3), ha="center")
    ax.set_ylim(0, float(bottom.max()) * 1.15)
    ax.set_xlabel("Año")
    ax.set_ylabel("Millones de quetzales")
    ax.yaxis.set_major_formatter(_millions)
    _legend_below(ax, columns=2)
    alt = (
        "Barras apiladas, una por año, con las metas financieras medidas por un indicador y las que no. "
        f"{fmt.percent(finding.figures['participacion'])} de las metas financieras del período no se mide con "
        "ningún indicador del plan; sobre cada barra, la parte de ese año sin indicador."
    )
    data = yearly.rename(columns={"medido": "meta_financiera_medida", "sin_indicador": "meta_financiera_sin_indicador"})
    return Chart(fig, alt, data.reset_index())


@_styled
def _uncovered_population(finding: Finding) -> Chart:
    """One horizontal bar: the target population, split into the final-year goal and the people outside it."""
    figures = finding.figures
    fig, ax = _figure(2.2)
    ax.grid(axis="y", visible=False)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    parts = (
        (f"Meta de {figures['anio']}", figures["meta"], OKABE_ITO[0]),
        ("Fuera de la meta", figures["fuera"], OKABE_ITO[1]),
    )
    left = 0.0
    for label, persons, colour in parts:
        ax.barh([0], [persons], left=left, color=colour, height=0.6, label=f"{label}: {fmt.integer(persons)}")
        left += persons
    ax.set_xlim(0, left)
    ax.set_xlabel("Personas de la población objetivo")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.xaxis.set_major_formatter(_persons)
    _legend_below(ax)
    alt = (
        "Una barra horizontal, la población objetivo, dividida en la meta del último año y quienes quedan "
        f"fuera. De {fmt.integer(figures['poblacion_objetivo'])} personas de la población objetivo, la meta de "
        f"{figures['anio']} alcanza a {fmt.integer(figures['meta'])}; {fmt.integer(figures['fuera'])} quedan fuera."
    )
    data = pd.DataFrame({"grupo": [p[0] for p in parts], "personas": [p[1] for p in parts]})
    return Chart(fig, alt, data)


@_styled
def _cost_outpacing(finding: Finding) -> Chart:
    """Two lines, first year = 100: the product's financial and physical goals."""
    figures = finding.figures
    yearly = figures["por_anio"]
    index = 100 * yearly / yearly.iloc[0]
    fig, ax = _figure(FINDING_HEIGHT)
    lines = (
        ("meta_financiera", "Meta financiera", OKABE_ITO[1], "s"),
        ("meta_fisica", "Meta física", OKABE_ITO[0], "o"),
    )
    for column, label, colour, marker in lines:
        ax.plot(index.index, index[column], marker=marker, color=colour, linewidth=2.2, label=label)
        ax.annotate(
            fmt.decimal(index[column].iloc[-1], 0),
            (index.index[-1], index[column].iloc[-1]),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            color=colour,
        )
    _year_axis(ax)
    ax.set_ylim(0, float(index.max().max()) * 1.15)
    ax.set_ylabel(f"Índice, {figures['anio_inicio']} = 100")
    alt = (
        f"Dos líneas, año por año, con las metas financiera y física de {figures['producto_id']} como índice "
        f"({figures['anio_inicio']} = 100). "
        f"La meta financiera de {figures['producto_id']} crece {fmt.signed_percent(figures['financiera_pct'])} "
        f"entre {figures['anio_inicio']} y {figures['anio_fin']}; su meta física, "
        f"{fmt.signed_percent(figures['fisica_pct'])}."
    )
    return Chart(fig, alt, yearly.reset_index())


@_styled
def _reallocation(finding: Finding) -> Chart:
    """One line per subproduct: the one money moves into and, if any, the sibling it seems to come from."""
    figures = finding.figures
    yearly = figures["por_anio"]
    fig, ax = _figure(FINDING_HEIGHT)
    for colour, marker, column in zip(OKABE_ITO, "os", yearly.columns):
        ax.plot(yearly.index, yearly[column], marker=marker, color=colour, linewidth=2.2, label=column)
    _year_axis(ax)
    ax.set_ylim(0, float(yearly.max().max()) * 1.15)
    ax.set_ylabel("Millones de quetzales")
    ax.yaxis.set_major_formatter(_millions)
    kind = "Una línea" if len(yearly.columns) == 1 else "Líneas, una por subproducto,"
    alt = (
        f"{kind} con la meta financiera de cada año. "
        f"La meta financiera de {figures['subproducto_id']} pasa de {fmt.millions_of_quetzales(figures['antes'])} "
        f"a {fmt.millions_of_quetzales(figures['maximo'])} y vuelve a {fmt.millions_of_quetzales(figures['despues'])} "
        f"en {figures['anio_salida']}"
        + (f"; la de {figures['contraparte_id']} se mueve en sentido contrario." if figures["contraparte_id"] else ".")
    )
    data = yearly.rename_axis("anio").reset_index().melt(id_vars="anio", var_name="subproducto_id")
    return Chart(fig, alt, data.rename(columns={"value": "meta_financiera"}))


@_styled
def _lagging(finding: Finding) -> Chart:
    """Horizontal bars: each lagging product's physical execution as a share of its goal."""
    figures = finding.figures
    products = figures["por_producto"]
    attained = 100 * products["ejecucion_fisica"] / products["meta_fisica"]
    fig, ax, positions = _rows_figure(list(products.index), bars=1)
    bars = ax.barh(positions, attained.values, color=OKABE_ITO[3], height=0.9)
    ax.bar_label(bars, labels=[fmt.percent(v, 0) for v in attained], padding=3)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"Ejecución física de {figures['anio']} (% de la meta)")
    ax.xaxis.set_major_formatter(_points)
    _horizontal_grid(ax)
    alt = (
        f"Barras horizontales, una por producto rezagado en {figures['anio']}: "
        + spanish.join(f"{item} {fmt.percent(value, 0)}" for item, value in attained.items())
        + " de su meta física."
    )
    data = pd.DataFrame({"elemento_id": products.index, "avance_fisico_pct": attained.values})
    return Chart(fig, alt, data)


@_styled
def _shortfall(finding: Finding) -> Chart:
    """Two lines: the main indicator's goals and its execution, observed then at the observed pace."""
    figures = finding.figures
    path = figures["por_anio"]
    fig, ax = _figure(FINDING_HEIGHT)
    ax.plot(path.index, path["meta_absoluta"], marker="o", color=OKABE_ITO[0], linewidth=2.2, label="Meta del plan")
    ax.plot(
        path.index,
        path["ejecucion_absoluta"],
        marker="s",
        linestyle="--",
        color=OKABE_ITO[1],
        linewidth=2.2,
        label="Ejecución observada y al ritmo observado",
    )
    _year_axis(ax)
    ax.set_ylim(0, float(path.max().max()) * 1.15)
    ax.set_ylabel(figures["unidad"].capitalize())
    ax.yaxis.set_major_formatter(_persons)
    alt = (
        f"Gráfico de líneas: la meta del indicador principal llega a {fmt.integer(figures['meta'])} en "
        f"{figures['anio']}; al ritmo observado, la ejecución llegaría a {fmt.integer(figures['alcanzado'])}."
    )
    return Chart(fig, alt, path.rename_axis("anio").reset_index())


FINDING_CHARTS = {
    "dinero_sin_indicador": _unmeasured_money,
    "poblacion_fuera_de_la_meta": _uncovered_population,
    "costo_crece_mas_que_metas": _cost_outpacing,
    "reasignacion_de_ida_y_vuelta": _reallocation,
    "productos_rezagados": _lagging,
    "brecha_proyectada": _shortfall,
}


def finding_chart(finding: Finding) -> Chart | None:
    """The chart that shows a finding, or None for findings told in words only."""
    draw = FINDING_CHARTS.get(finding.key)
    return draw(finding) if draw else None
