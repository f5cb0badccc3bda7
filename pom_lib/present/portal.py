"""What the portal of several institutions shows: the comparison's tables, charts and downloads.

Each section of the comparison page is one figure of pom_lib.compute.comparison for every
institution: a table in Spanish with Guatemalan formats, the same figures as numbers for download
(CSV with a byte-order mark, no live formula: pom_lib.export.spreadsheet_safety) and a chart drawn
in the book's style (pom_lib.present.charts: width, type sizes, colours, linear axes from zero).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pandas as pd

from pom_lib.compute import comparison
from pom_lib.core import escaping, spanish
from pom_lib.core import formatting as fmt
from pom_lib.export.spreadsheet_safety import defused_frame, excel_csv
from pom_lib.present import charts

# The book's chart helpers: the comparison draws in the same style.
from pom_lib.present.charts import _figure, _horizontal_grid, _rows_figure, _styled
from pom_lib.present.display import OKABE_ITO, Chart
from pom_lib.render.site_pages import LATEST, PAGE_STYLE

# Lines drawn in colour in the chart of yearly goals; the other institutions, in grey, unnamed.
COLOURED_LINES = len(OKABE_ITO) - 1
OTHERS = "#bbbbbb"
# Decimals of a percentage in a download, as in the book's chart data: the same bytes on any computer.
PERCENT_DECIMALS = 4


@dataclass
class Section:
    """One comparison: its anchor and file stem, title, a sentence on what it shows, the table as shown,
    the figures as numbers (the download) and the chart."""

    key: str
    title: str
    intro: str
    shown: pd.DataFrame
    data: pd.DataFrame
    chart: Chart


def sections(compared: list[comparison.Compared]) -> list[Section]:
    """Every section of the comparison page, in reading order."""
    return [yearly_goals(compared), measured_share(compared), main_indicator(compared), total_growth(compared)]


def yearly_goals(compared: list[comparison.Compared]) -> Section:
    table = comparison.yearly_goals(compared)
    shown = pd.DataFrame({"Institución": table.index})
    for year in table.columns:
        shown[str(year)] = [fmt.quetzales(v) for v in table[year]]
    data = table.reset_index().melt(id_vars="siglas", var_name="anio", value_name="meta_financiera").dropna()
    return Section(
        "metas-por-anio",
        "Metas financieras por año",
        "La meta financiera de cada año según el plan de cada institución (suma de sus productos). Un año fuera del "
        "período de un plan queda vacío.",
        shown,
        data.sort_values(["siglas", "anio"]).reset_index(drop=True),
        _yearly_goals_chart(table),
    )


def measured_share(compared: list[comparison.Compared]) -> Section:
    table = comparison.measured_shares(compared)
    shown = pd.DataFrame(
        {
            "Institución": table["siglas"],
            "Metas financieras del período": [fmt.quetzales(v) for v in table["meta_financiera_periodo"]],
            "Medidas por un indicador": [fmt.quetzales(v) for v in table["medida_por_indicador"]],
            "Proporción": [fmt.percent(v) for v in table["participacion"]],
        }
    )
    return Section(
        "dinero-medido",
        "Dinero que mide un indicador",
        "La parte de las metas financieras del período que corresponde a los programas cuyos subproductos suma la "
        "fórmula de algún indicador del plan; el resto no lo mide ningún indicador.",
        shown,
        table.round({"participacion": PERCENT_DECIMALS}),
        _share_chart(table),
    )


def main_indicator(compared: list[comparison.Compared]) -> Section:
    table = comparison.main_indicators(compared)
    shown = pd.DataFrame(
        {
            "Institución": table["siglas"],
            "Indicador principal": table["indicador"],
            "Línea de base": [_indicator_value(r, "linea_base", "anio_linea_base") for r in table.to_dict("records")],
            "Meta del último año": [_indicator_value(r, "meta", "anio_meta") for r in table.to_dict("records")],
        }
    )
    return Section(
        "indicador-principal",
        "Indicador principal: línea de base y meta final",
        "El indicador principal de cada plan es su primera ficha de indicador de producto, el que presentan sus "
        "capítulos; se comparan su línea de base y su meta del último año del plan, en porcentaje y en su unidad.",
        shown,
        table,
        _indicator_chart(table),
    )


def total_growth(compared: list[comparison.Compared]) -> Section:
    table = comparison.total_growths(compared)
    shown = pd.DataFrame(
        {
            "Institución": table["siglas"],
            "Primer año": [f"{fmt.quetzales(v)} ({y})" for v, y in zip(table["total_inicial"], table["anio_inicial"])],
            "Último año": [f"{fmt.quetzales(v)} ({y})" for v, y in zip(table["total_final"], table["anio_final"])],
            "Variación": [fmt.signed_percent(v) for v in table["variacion_pct"]],
            "Crecimiento anual promedio": [fmt.signed_percent(v) for v in table["crecimiento_anual_pct"]],
        }
    )
    return Section(
        "crecimiento-total",
        "Crecimiento del total anual",
        "Cuánto cambia la meta financiera total del primer al último año de cada plan, y el crecimiento anual "
        "promedio que lleva de una a otra.",
        shown,
        table.round({"variacion_pct": PERCENT_DECIMALS, "crecimiento_anual_pct": PERCENT_DECIMALS}),
        _growth_chart(table),
    )


def csv_download(data: pd.DataFrame) -> bytes:
    """A table as the CSV file an analyst downloads: numbers as numbers, text defused, UTF-8 with BOM."""
    return excel_csv(defused_frame(data).to_csv(index=False, lineterminator="\n", float_format="%.15g"))


def svg(chart: Chart) -> bytes:
    """The chart as an SVG file with the same bytes on every build (fixed ids, no date)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "libro-pom"}):
        chart.figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _indicator_value(row: dict, prefix: str, year_key: str) -> str:
    """«11.8 % (151,870 Habitantes, 2024)»: an indicator's value in percent, in its unit and its year."""
    relative, absolute = row[f"{prefix}_relativa"], row[f"{prefix}_absoluta"]
    year = row[year_key]
    detail = [f"{fmt.integer(absolute)} {row['unidad_medida']}"] if pd.notna(absolute) else []
    detail += [str(int(year))] if pd.notna(year) else []
    main = fmt.percent(relative) if pd.notna(relative) else fmt.MISSING
    return f"{main} ({', '.join(detail)})" if detail else main


@_styled
def _yearly_goals_chart(table: pd.DataFrame) -> Chart:
    """Lines: each institution's yearly financial goals, in millions of quetzales."""
    order = table.sum(axis=1).sort_values(ascending=False).index
    coloured = list(order[:COLOURED_LINES]) if len(order) > COLOURED_LINES + 1 else list(order)
    fig, ax = _figure(3.4 + 0.25 * ((len(coloured) + 1) // 2))
    for siglas in order[len(coloured) :]:
        ax.plot(table.columns, table.loc[siglas], color=OTHERS, linewidth=1.0)
    for colour, siglas in zip(OKABE_ITO, coloured):
        ax.plot(table.columns, table.loc[siglas], marker="o", color=colour, linewidth=2.0, label=siglas)
    if len(coloured) < len(order):
        ax.plot([], [], color=OTHERS, label=f"Otras {len(order) - len(coloured)} instituciones")
    ax.set_xticks(list(table.columns), [str(year) for year in table.columns])
    ax.set_ylim(0, float(table.max().max()) * 1.1)
    ax.set_ylabel("Millones de quetzales")
    ax.yaxis.set_major_formatter(charts._millions)
    ax.figure.legend(*ax.get_legend_handles_labels(), frameon=False, loc="outside lower left", ncols=2)
    largest = order[0]
    alt = (
        f"Líneas, una por institución, con la meta financiera de cada año de su plan, de {table.columns[0]} a "
        f"{table.columns[-1]}. {largest} tiene el mayor total: "
        f"{fmt.millions_of_quetzales(table.loc[largest].sum())} en su período."
    )
    return Chart(fig, alt, table.reset_index().melt(id_vars="siglas", var_name="anio").dropna())


@_styled
def _share_chart(table: pd.DataFrame) -> Chart:
    """Horizontal bars: the share of each institution's money that an indicator measures (0 to 100 %)."""
    ordered = table.sort_values("participacion", ascending=False)
    fig, ax, positions = _rows_figure(list(ordered["siglas"]), bars=1)
    bars = ax.barh(positions, ordered["participacion"], color=OKABE_ITO[0], height=0.9)
    ax.bar_label(bars, labels=[fmt.percent(v) for v in ordered["participacion"]], padding=3)
    ax.set_xlim(0, 115)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.xaxis.set_major_formatter(charts._points)
    _horizontal_grid(ax)
    top, bottom = ordered.iloc[0], ordered.iloc[-1]
    alt = (
        "Barras horizontales, una por institución, con la parte de sus metas financieras del período que mide "
        f"un indicador. Va de {fmt.percent(top['participacion'])} en {top['siglas']} a "
        f"{fmt.percent(bottom['participacion'])} en {bottom['siglas']}."
    )
    return Chart(fig, alt, ordered[["siglas", "participacion"]].reset_index(drop=True))


@_styled
def _indicator_chart(table: pd.DataFrame) -> Chart:
    """Two dots per institution joined by a line: its main indicator's baseline and final goal, in percent."""
    known = table.dropna(subset=["linea_base_relativa", "meta_relativa"], how="all")
    labels = [f"{r.siglas}: {r.indicador}" for r in known.itertuples()]
    fig, ax, positions = _rows_figure(labels, bars=1, extra=0.3)
    for position, row in zip(positions, known.itertuples()):
        ax.plot([row.linea_base_relativa, row.meta_relativa], [position, position], color=charts.GRID, linewidth=2)
    ax.scatter(known["linea_base_relativa"], positions, color=OKABE_ITO[1], zorder=3, label="Línea de base")
    ax.scatter(known["meta_relativa"], positions, color=OKABE_ITO[0], zorder=3, label="Meta del último año")
    ax.set_xlim(0, max(100.0, float(known[["linea_base_relativa", "meta_relativa"]].max().max())))
    ax.xaxis.set_major_formatter(charts._points)
    _horizontal_grid(ax)
    ax.figure.legend(*ax.get_legend_handles_labels(), frameon=False, loc="outside lower left", ncols=2)
    missing = [str(s) for s in table["siglas"] if s not in set(known["siglas"])]
    alt = (
        "Puntos unidos por una línea, una fila por institución: la línea de base y la meta del último año de su "
        "indicador principal, en porcentaje. "
        + "; ".join(
            f"{r.siglas}: de {fmt.percent(r.linea_base_relativa)} a {fmt.percent(r.meta_relativa)}"
            for r in known.itertuples()
        )
        + "."
        + (f" Sin porcentaje: {spanish.join(missing)}." if missing else "")
    )
    data = known[["siglas", "anio_linea_base", "linea_base_relativa", "anio_meta", "meta_relativa"]]
    return Chart(fig, alt, data.reset_index(drop=True))


@_styled
def _growth_chart(table: pd.DataFrame) -> Chart:
    """Horizontal bars: each institution's average yearly growth of its total, in percent (zero marked)."""
    ordered = table.sort_values("crecimiento_anual_pct", ascending=False)
    labels = [f"{r.siglas} ({r.anio_inicial}-{r.anio_final})" for r in ordered.itertuples()]
    fig, ax, positions = _rows_figure(labels, bars=1)
    values = ordered["crecimiento_anual_pct"].fillna(0.0)
    bars = ax.barh(positions, values, color=OKABE_ITO[2], height=0.9)
    ax.bar_label(bars, labels=[fmt.signed_percent(v) for v in ordered["crecimiento_anual_pct"]], padding=3)
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    ax.set_xlim(low * 1.3, high * 1.3 or 1.0)
    ax.axvline(0, color=charts.ZERO, linewidth=0.8)
    ax.xaxis.set_major_formatter(charts._points)
    _horizontal_grid(ax)
    top = ordered.iloc[0]
    alt = (
        "Barras horizontales, una por institución, con el crecimiento anual promedio de la meta financiera total "
        f"de su plan. El mayor es el de {top['siglas']}, {fmt.signed_percent(top['crecimiento_anual_pct'])} por año."
    )
    return Chart(fig, alt, ordered[["siglas", "anio_inicial", "anio_final", "crecimiento_anual_pct"]])


# --- The portal's pages: the index of institutions and the comparison -----------------------------------

COMPARISON = "comparacion"
# Columns of the comparison tables that hold text; the others hold figures, aligned to the right.
TEXT_COLUMNS = {"Institución", "Indicador principal"}
PORTAL_STYLE = (
    PAGE_STYLE
    + """body { max-width: 60rem; }
.desplazable { overflow-x: auto; margin: .5rem 0; }
table { border-collapse: collapse; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { text-align: left; background: #f4f4f4; }
td.cifra, th.cifra { text-align: right; white-space: nowrap; }
td.nombre { min-width: 14rem; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #444; }
section { border-top: 1px solid #ddd; margin-top: 1.5rem; }
dl { display: grid; grid-template-columns: minmax(0, 12rem) minmax(0, 1fr); gap: .1rem .8rem; margin: .4rem 0; }
dt { color: #555; }
dd { margin: 0; overflow-wrap: anywhere; }
ol li { border: none; padding: .1rem 0; }
"""
)


def write_pages(target: Path, compared: list[comparison.Compared]) -> None:
    """The portal's index.html and comparacion.html (with, in comparacion/, each section's CSV and SVG)."""
    write_comparison(target, compared)
    summaries = [comparison.institution_summary(item) for item in compared]
    (target / "index.html").write_text(index_page(summaries), encoding="utf-8")


def write_comparison(target: Path, compared: list[comparison.Compared]) -> None:
    """comparacion.html and, in comparacion/, each section's CSV and SVG."""
    downloads = target / COMPARISON
    downloads.mkdir(parents=True, exist_ok=True)
    shown = sections(compared)
    for section in shown:
        (downloads / f"{section.key}.csv").write_bytes(csv_download(section.data))
        (downloads / f"{section.key}.svg").write_bytes(svg(section.chart))
    (target / f"{COMPARISON}.html").write_text(comparison_page(compared, shown), encoding="utf-8")


def compared_editions(compared: list[comparison.Compared]) -> str:
    """«ANASAR, edición 2025 (plan 2025-2029); MINEX, edición 2026 (plan 2026-2030)»."""
    return "; ".join(f"{item.siglas}, edición {item.edition} (plan {item.plan.period})" for item in compared)


def index_page(summaries: list[dict]) -> str:
    """The portal's landing page: every institution, by acronym, with its newest edition and its main figures."""
    items = []
    for row in summaries:
        siglas = escaping.html(row["siglas"])
        goal = fmt.percent(row["meta_relativa"])
        items.append(
            f'<li id="institucion-{siglas}"><h2>{escaping.html(row["institucion"])} ({siglas})</h2>\n'
            f"<dl><dt>Período del plan</dt><dd>{escaping.html(row['periodo'])}</dd>\n"
            f"<dt>Última edición</dt><dd>{row['edicion']}</dd>\n"
            f"<dt>Metas financieras del período</dt><dd>{escaping.html(fmt.quetzales(row['meta_financiera_periodo']))}"
            "</dd>\n"
            f"<dt>Indicador principal</dt><dd>{escaping.html(row['indicador'])}</dd>\n"
            f"<dt>Meta {row['anio_meta']}</dt><dd>{escaping.html(goal)} "
            f"({escaping.html(fmt.integer(row['meta_absoluta']))} {escaping.html(row['unidad_medida'])})</dd></dl>\n"
            f'<p class="enlaces"><a href="{siglas}/{LATEST}/index.html">Edición {row["edicion"]}</a> · '
            f'<a href="{siglas}/index.html">Todas sus ediciones</a></p></li>'
        )
    return _page(
        "Libro POM: instituciones",
        f"""<h1>Libro POM: instituciones</h1>
<p>El libro analítico del Plan Operativo Multianual de cada institución, con todas sus ediciones. El indicador
principal de cada plan es su primera ficha de indicador de producto; su meta es la del último año del plan.
<a href="{COMPARISON}.html">Comparar las instituciones</a>.</p>
<ul>
{chr(10).join(items)}
</ul>""",
    )


def comparison_page(compared: list[comparison.Compared], sections: list) -> str:
    """The comparison of the institutions' plans: one section per figure, each with its table, downloads and chart."""
    editions = escaping.html(compared_editions(compared))
    contents = "".join(f'<li><a href="#{s.key}">{escaping.html(s.title)}</a></li>' for s in sections)
    body = "\n".join(_section_html(section, number, editions) for number, section in enumerate(sections, start=1))
    return _page(
        "Comparación de las instituciones",
        f"""<p><a href="index.html">Instituciones</a></p>
<h1>Comparación de las instituciones</h1>
<p>Cifras calculadas solo con los datos de los planes, del plan de la edición más reciente de cada institución:
{editions}.</p>
<ol>{contents}</ol>
{body}""",
    )


def _section_html(section, number: int, editions: str) -> str:
    title = escaping.html(section.title)
    header = "".join(f'<th{_cell_class(c)} scope="col">{escaping.html(c)}</th>' for c in section.shown.columns)
    rows = "\n".join(
        "<tr>" + "".join(f"<td{_cell_class(c)}>{escaping.html(v)}</td>" for c, v in row.items()) + "</tr>"
        for row in section.shown.to_dict("records")
    )
    image = f"{COMPARISON}/{section.key}.svg"
    return f"""<section id="{section.key}">
<h2>{number}. {title}</h2>
<p>{escaping.html(section.intro)}</p>
<div class="desplazable" role="region" aria-label="Tabla {number}: {title}" tabindex="0"><table>
<caption>Tabla {number}. {title}</caption>
<thead><tr>{header}</tr></thead>
<tbody>
{rows}
</tbody></table></div>
<p class="enlaces">Descargas: <a href="{COMPARISON}/{section.key}.csv">tabla (CSV)</a> ·
<a href="{image}">gráfico (SVG)</a></p>
<figure><img src="{image}" alt="{escaping.html(section.chart.alt)}">
<figcaption>Figura {number}. {title}. Fuente: planes de {editions}.</figcaption></figure>
</section>"""


def _cell_class(column: str) -> str:
    if column == "Indicador principal":
        return ' class="nombre"'
    return "" if column in TEXT_COLUMNS else ' class="cifra"'


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escaping.html(title)}</title>
<link rel="icon" href="data:,">
<style>
{PORTAL_STYLE}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""
