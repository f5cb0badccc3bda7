"""What chapter notebooks show: numbered tables, numbered figures and glued Spanish text.

Numbering. Sphinx numbers tables and figures (``numfig``) and writes «Tabla N» /
«Figura N» (``numfig_format`` in _config.yml). ``Table`` and ``Figure`` attach
``{"pom": {...}}`` metadata to their output; the myst-nb plugin in
``pom_lib.render.sphinx_tables`` turns such outputs into nodes Sphinx counts: a
``pom_table`` (HTML: number spliced into the ``<caption>``; LaTeX: the
``longtable``'s own ``\\caption``) and a docutils ``figure`` with caption. With
``numfig_secnum_depth: 0`` both builders count continuously through the book, so
the HTML and the PDF show the same numbers. Give ``name=`` to cite one from
Markdown with ``{numref}`tabla-metas``` (the numref text uses the same format).
Tables written by other means are not counted in the HTML; use ``Table``.

Prose. ``glue(key, text)`` stores an already formatted Spanish string (see
``pom_lib.core.formatting``), shown literally (never as markup); ``glue_markdown(key, markdown)``
stores Markdown whose plan text is already escaped. Paste either in the same chapter with
``{glue:md}`key```, from another with ``{glue:text}`capitulo.ipynb::key:s```.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pom_lib.core import escaping
from pom_lib.present.table_layout import SHORT_TEXT, TABCOLSEP_PT, Layout, Part, plan_layout
from pom_lib.render.marks import (
    DOWNLOADS_MARK_HTML,
    DOWNLOADS_MARK_LATEX,
    LABEL_MARK,
    LANDSCAPE_END_MARK,
    LANDSCAPE_MARK,
    METADATA_KEY,
)

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
# Width of the book's charts, in inches: close to a phone's screen (pom_lib.present.charts).
FIGURE_WIDTH = 4.0
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
MISSING = "—"
_FIGURE = r"[-−+]?Q?\s?[\d,]+(?:\.\d+)?\s?%?"
# A cell that shows figures only: «Q1,234», «47.1 %», «5 / 14 / 28», «1,332,155 (38.8 %)».
_NUMERIC = re.compile(rf"^{_FIGURE}(?:\s?/\s?{_FIGURE})*(?:\s\({_FIGURE}\))?$")
_HTML_ALIGN = {"l": "", "c": "pom-c", "r": "pom-num"}
_LATEX_ALIGN = {
    "l": r">{\raggedright\arraybackslash}",
    "c": r">{\centering\arraybackslash}",
    "r": r">{\raggedleft\arraybackslash}",
}


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return MISSING
    return str(value)


def _positions(data: pd.DataFrame, key: str) -> set[int]:
    return {data.index.get_loc(i) for i in data.attrs.get(key, ())}


def code_and_name(code: str, name: str) -> str:
    """«SUB08» and «Servicios de …» read «SUB08 Servicios de …»; either one alone when the other is blank."""
    return " ".join(part for part in (code, name) if part not in ("", MISSING))


def _fold_codes(header: list[str], rows: list[list[str]], code: int, name: int) -> tuple[list[str], list[list[str]]]:
    """The columns with each id joined to its name, under the name's heading, where the id column was."""

    def fold(cells: list[str], joined: str) -> list[str]:
        kept = [joined if i == code else cell for i, cell in enumerate(cells)]
        return kept[:name] + kept[name + 1 :]

    return fold(header, header[name]), [fold(row, code_and_name(row[code], row[name])) for row in rows]


class Table:
    """A captioned table for both builders; cells are shown as given (format numbers first).

    ``align`` has one letter per column (``l``, ``c``, ``r``); by default columns
    whose cells all show figures («Q1,234», «47.1 %», «5 / 14 / 28», «1,332,155 (38.8 %)») go
    right, the rest left.
    Row roles come from ``data.attrs``: ``emphasis_rows`` (group headings and totals: bold
    on a shaded band), ``strong_rows`` (items that have sub-items, such as a product: bold)
    and ``indent_rows`` (sub-items: indented in the ``label_column``, by default the first).
    A ``code_column`` (``pom_lib.present.tables.with_codes``) holds ids whose names are in the
    ``label_column``: the page and the PDF show both in one column at the id's place
    («SUB08 Servicios de …»), so the fixed first column names its row; the downloads keep
    the two columns apart.
    In HTML the table scrolls inside its own box, with its header row and first column
    fixed; in the PDF, ``pom_lib.present.table_layout`` chooses type size, orientation and column
    widths, and whether it floats or breaks across pages. ``landscape`` forces (True) or
    forbids (False) turning the page; by default the page turns only when nothing else fits.
    Every table offers its cells for download (CSV and Excel), added by ``pom_lib.render.sphinx_tables``.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        caption: str,
        source: str,
        *,
        align: str | None = None,
        landscape: bool | None = None,
        name: str | None = None,
    ):
        self.download_header = [str(c) for c in data.columns]
        self.download_rows = [[_cell(v) for v in row] for row in data.itertuples(index=False)]
        self.header, self.rows = self.download_header, self.download_rows
        self.emphasis = _positions(data, "emphasis_rows")
        self.strong = _positions(data, "strong_rows")
        self.indented = _positions(data, "indent_rows")
        label = data.attrs.get("label_column")
        code = data.attrs.get("code_column")
        if code is not None:
            if label is None:
                raise ValueError(f"La columna de códigos «{code}» necesita su columna de nombres (label_column).")
            self.header, self.rows = _fold_codes(
                self.header, self.rows, self.header.index(code), self.header.index(label)
            )
        self.label_column = self.header.index(label) if label is not None else 0
        self.caption = caption
        self.source = source
        self.landscape = landscape
        self.name = name
        self.align = align or "".join(self._guess_align(i) for i in range(len(self.header)))
        if len(self.align) != len(self.header) or set(self.align) - set("lcr"):
            raise ValueError(f"align debe tener una letra l, c o r por columna ({len(self.header)}): «{self.align}»")

    def _guess_align(self, column: int) -> str:
        cells = [row[column] for row in self.rows if row[column] not in (MISSING, "")]
        return "r" if cells and all(_NUMERIC.match(c) for c in cells) else "l"

    def __repr__(self) -> str:
        return f"Tabla «{self.caption}» ({len(self.rows)} filas × {len(self.header)} columnas)"

    def _repr_mimebundle_(self, include=None, exclude=None):
        layout = self.layout()
        meta = {
            "kind": "table",
            "caption": self.caption,
            "name": self.name,
            # What a heading right before it must leave room for in the PDF (a float needs none).
            "lineas_iniciales": 0 if layout.floating else layout.lead_lines + 2,
            # Set on landscape pages of its own, which may take the heading before it along.
            "apaisada": layout.landscape,
            "datos": {
                "columnas": self.download_header,
                "filas": [[c if c != MISSING else "" for c in r] for r in self.download_rows],
            },
        }
        return {"text/html": self._repr_html_(), "text/latex": self._repr_latex_()}, {METADATA_KEY: meta}

    def _row_class(self, index: int) -> str:
        if index in self.emphasis:
            return "pom-grupo"
        if index in self.strong:
            return "pom-producto"
        return "pom-sub" if index in self.indented else ""

    def _repr_html_(self) -> str:
        # Figures («Q1,234,567») never break across lines; long text wraps.
        wraps = [a == "l" and w > SHORT_TEXT for a, w in zip(self.align, self._longest())]
        classes = [
            " ".join(c for c in (_HTML_ALIGN[a], "pom-texto" if wrap else "") if c)
            for a, wrap in zip(self.align, wraps)
        ]

        def cell(tag: str, text: str, css: str, scope: str = "") -> str:
            attributes = (f' scope="{scope}"' if scope else "") + (f' class="{css}"' if css else "")
            return f"<{tag}{attributes}>{escaping.html(text)}</{tag}>"

        def body_row(index: int, cells: Sequence[str]) -> str:
            parts = []
            for column, text in enumerate(cells):
                css = classes[column]
                if index in self.indented and column == self.label_column:
                    css = f"{css} pom-sangria".strip()
                # The first cell names its row, for screen readers and as the fixed first column.
                parts.append(cell("th", text, css, "row") if column == 0 else cell("td", text, css))
            role = self._row_class(index)
            return (f'<tr class="{role}">' if role else "<tr>") + "".join(parts) + "</tr>"

        head = "<tr>" + "".join(cell("th", h, classes[i], "col") for i, h in enumerate(self.header)) + "</tr>"
        body = "\n".join(body_row(i, r) for i, r in enumerate(self.rows))
        # The caption moves above the scrolling box in the book (pom_lib.render.sphinx_tables); the source
        # and the download links stay below it.
        return (
            f'<div class="pom-desplazable" role="region" tabindex="0">\n'
            '<table class="table pom-tabla">\n'
            f"<caption>{escaping.html(self.caption)}</caption>\n"
            f"<thead>{head}</thead>\n"
            f"<tbody>\n{body}\n</tbody>\n</table>\n</div>\n"
            f'<p class="pom-fuente">Fuente: {escaping.html(self.source)}</p>\n'
            f"{DOWNLOADS_MARK_HTML}\n"
        )

    def _longest(self) -> list[int]:
        return [max((len(r[i]) for r in self.rows), default=0) for i in range(len(self.header))]

    def layout(self) -> Layout:
        return plan_layout(self.header, self.rows, self.align, self.emphasis | self.strong, self.landscape)

    def _repr_latex_(self) -> str:
        layout = self.layout()
        source = rf"Fuente: {escaping.latex_breakable(self.source)}"
        if layout.shown_rows < len(self.rows):
            source += (
                rf" Se muestran las primeras {layout.shown_rows:,} de {len(self.rows):,} filas; la tabla "
                "completa está en la versión HTML del libro y en sus descargas."
            )
        source += " " + DOWNLOADS_MARK_LATEX
        size = rf"\{layout.font}\setlength{{\tabcolsep}}{{{TABCOLSEP_PT}pt}}"
        if layout.floating:
            return self._float_latex(layout.parts[0], size, source)
        count = len(layout.parts)
        parts = [
            self._longtable_latex(part, layout, size, number, count, source if number == count else "")
            for number, part in enumerate(layout.parts, start=1)
        ]
        latex = "\n".join(parts)
        if layout.landscape:
            # The extension opens the landscape pages here, or before the heading the table follows.
            latex = LANDSCAPE_MARK + latex + "\n" + LANDSCAPE_END_MARK
        return latex if latex.endswith("\n") else latex + "\n"

    def _spec(self, part: Part) -> str:
        align = [self.align[i] for i in part.columns]
        if part.widths is None:
            return "".join(align)
        # Paragraph columns sharing the line: each its fraction of what the gaps leave.
        room = rf"\dimexpr\linewidth-{2 * (len(part.columns) - 1)}\tabcolsep\relax"
        total = sum(part.widths)
        return "".join(f"{_LATEX_ALIGN[a]}p{{{w / total:.4f}{room}}}" for a, w in zip(align, part.widths))

    def _header_latex(self, part: Part) -> str:
        return " & ".join(rf"\textbf{{{escaping.latex_breakable(self.header[i])}}}" for i in part.columns) + r" \\"

    def _rows_latex(self, part: Part, shown: int) -> list[str]:
        n = len(part.columns)
        spanning = rf"\multicolumn{{{n}}}{{@{{}}>{{\raggedright\arraybackslash}}p{{\linewidth}}@{{}}}}"

        def row(index: int, cells: Sequence[str]) -> str:
            escaped = [escaping.latex_breakable(cells[i]) for i in part.columns]
            shade = r"\rowcolor{black!6}" if index in self.emphasis else ""
            filled = [c for c in escaped if c]
            if index in self.emphasis and len(filled) == 1:
                # A heading row (a program): its one text spans the table instead of wrapping in a column.
                return shade + spanning + rf"{{\textbf{{{filled[0]}}}}} \\"
            if index in self.emphasis or index in self.strong:
                escaped = [rf"\textbf{{{c}}}" if c else c for c in escaped]
            if index in self.indented and self.label_column in part.columns:
                # \leftskip indents every line of a wrapping cell; it must stay outside any group.
                indent = r"\hspace*{1em}" if part.widths is None else r"\leftskip=1em\relax "
                at = part.columns.index(self.label_column)
                escaped[at] = indent + escaped[at]
            return shade + " & ".join(escaped) + r" \\"

        return [row(i, r) for i, r in enumerate(self.rows[:shown])]

    def _float_latex(self, part: Part, size: str, source: str) -> str:
        lines = [
            r"\begin{table}[htbp]",
            size,
            rf"\caption{{{escaping.latex_breakable(self.caption)}}}{LABEL_MARK}",
            r"\vspace{3pt}",
            rf"\begin{{tabular}}{{@{{}}{self._spec(part)}@{{}}}}",
            r"\toprule",
            self._header_latex(part),
            r"\midrule",
            *self._rows_latex(part, len(self.rows)),
            r"\bottomrule",
            r"\end{tabular}",
            rf"\par\vspace{{3pt}}{{\footnotesize\raggedright {source}\par}}",
            r"\end{table}",
        ]
        return "\n".join(lines) + "\n"

    def _longtable_latex(self, part: Part, layout: Layout, size: str, number: int, count: int, source: str) -> str:
        """One part of a table that breaks across pages; the source closes the last part."""
        n = len(part.columns)
        caption = escaping.latex_breakable(self.caption)
        if count == 1:
            first, again = rf"\caption{{{caption}}}{LABEL_MARK}", r"\caption[]{(continuación)}"
        else:
            # Every part carries the table's number; only the first counts it and enters the list.
            shown = f"parte {number} de {count}: {self._span(part, layout.repeated)}"
            again = rf"\caption[]{{(continuación) — {escaping.latex_breakable(shown)}}}"
            first = rf"\caption[{caption}]{{{caption} — {escaping.latex_breakable(shown)}}}{LABEL_MARK}"
            first = first if number == 1 else again
        spanning = rf"\multicolumn{{{n}}}{{@{{}}>{{\raggedright\arraybackslash}}p{{\linewidth}}@{{}}}}"
        closing = [rf"{spanning}{{\footnotesize {source}}} \\"] if source else []
        lines = [
            r"\begingroup" + size + ("" if number == 1 else r"\addtocounter{table}{-1}"),
            # Room for the caption, the header and the first rows, so no header is left without rows
            # (\Needspace: \needspace misplaces a long table that follows a heading).
            rf"\Needspace{{{layout.lead_lines + 2}\baselineskip}}",
            rf"\begin{{longtable}}{{@{{}}{self._spec(part)}@{{}}}}",
            first,
            r"\\",
            r"\toprule",
            self._header_latex(part),
            r"\midrule",
            r"\endfirsthead",
            again + r" \\",
            r"\toprule",
            self._header_latex(part),
            r"\midrule",
            r"\endhead",
            rf"\midrule \multicolumn{{{n}}}{{r}}{{\footnotesize\itshape Continúa en la página siguiente}} \\",
            r"\endfoot",
            # The source closes the table's last page: it can never be left alone on the next one.
            r"\bottomrule",
            *closing,
            r"\endlastfoot",
            *self._rows_latex(part, layout.shown_rows),
            r"\end{longtable}",
            r"\endgroup",
        ]
        return "\n".join(lines)

    def _span(self, part: Part, repeated: int) -> str:
        """«2035 a 2044»: the first and last of the part's own columns (after the repeated ones)."""
        own = [self.header[i] for i in part.columns[repeated:]]
        return own[0] if len(own) == 1 else f"{own[0]} a {own[-1]}"


def stored_decimals(column: str) -> int:
    """The decimals a chart's figures keep where they are stored (notebook, download), by what the
    column measures: percentages and growth rates (``_pct``, ``_tcac``) four, quetzales (financial
    goals and execution, the plan's ``total`` and its ``variacion``) centavos, persons and physical
    units whole.

    A figure computed on another processor may differ in its last binary digit; rounded to what
    it means, it is stored the same on every machine.
    """
    if column.endswith(("_pct", "_tcac")):
        return 4
    if "financiera" in column or column in ("total", "variacion"):
        return 2
    if column == "personas" or column.startswith(
        ("meta_fisica", "ejecucion_fisica", "meta_absoluta", "ejecucion_absoluta")
    ):
        return 0
    raise ValueError(
        f"La columna «{column}» de los datos de un gráfico no dice qué mide: nómbrela como las demás "
        "(…_pct, meta_financiera…, personas…) o declare sus decimales en display.stored_decimals."
    )


def stored_figures(data: pd.DataFrame) -> dict[str, list]:
    """A chart's figures as the book stores them: column names and rows of plain values, each
    fractional number rounded to its column's stored_decimals (whole ones as integers), missing as None.
    """
    rounded = data.copy()
    for column in data.columns:
        if pd.api.types.is_float_dtype(data[column]):
            decimals = stored_decimals(str(column))
            values = data[column].round(decimals)
            rounded[column] = values.astype("Int64") if decimals == 0 else values
    rows = rounded.astype(object).where(rounded.notna(), None).values.tolist()
    return {"columnas": [str(c) for c in data.columns], "filas": rows}


@dataclass
class Chart:
    """A chart as pom_lib.present.charts makes it: the figure, the finding it shows (its alt text), its data."""

    figure: Any
    alt: str
    data: pd.DataFrame


class Figure:
    """A captioned figure for both builders: vector SVG (HTML) and PDF (LaTeX), alt text and source.

    Give it a ``Chart`` (its alt text and data come with it; the data are offered for download
    beside the SVG) or a bare matplotlib figure with ``alt``. The figure keeps the size it was
    drawn at, so its text prints at the size it was set in.
    """

    def __init__(
        self, figure: Any, caption: str, alt: str | None = None, source: str | None = None, *, name: str | None = None
    ):
        import matplotlib.pyplot as plt

        chart = figure if isinstance(figure, Chart) else Chart(figure, "", pd.DataFrame())
        alt = chart.alt if alt is None else alt
        if not alt.strip():
            raise ValueError("La figura necesita un texto alternativo (alt) para lectores de pantalla.")
        if not source:
            raise ValueError(f"La figura «{caption}» necesita su fuente (source).")
        self.figure = chart.figure
        self.data = chart.data
        self.caption = caption
        self.alt = alt
        self.source = source
        self.name = name
        # Shown through this object only; the inline backend would otherwise show it again.
        plt.close(self.figure)

    def __repr__(self) -> str:
        return f"Figura «{self.caption}»"

    def _save(self, fmt: str, metadata: dict) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format=fmt, metadata=metadata)
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64

        # Dates dropped so re-running a chapter yields the same bytes (nbval compares them).
        svg = self._save("svg", {"Date": None}).decode("utf-8")
        pdf = self._save("pdf", {"CreationDate": None, "ModDate": None})
        meta = {
            "kind": "figure",
            "caption": self.caption,
            "alt": self.alt,
            "source": f"Fuente: {self.source}",
            "name": self.name,
        }
        if not self.data.empty:
            meta["datos"] = stored_figures(self.data)
        data = {"image/svg+xml": svg, "application/pdf": base64.b64encode(pdf).decode("ascii")}
        return data, {METADATA_KEY: meta}


def anchor(prefix: str, key: str) -> str:
    """A stable HTML id for a figure's role: «cifra» and «metas_financieras_periodo» give
    «cifra-metas-financieras-periodo»; an empty key gives none."""
    return f"{prefix}-{key.replace('_', '-')}" if key else ""


class Cards:
    """A row of key figures, each a large value over a short label: a grid of cards in HTML,
    boxes three to a row in the PDF. `figures` have ``value`` and ``label`` (plain text) and may have
    a ``key``: the card's anchor is then ``cifra-<key>``, so each figure can be cited by its address."""

    def __init__(self, figures: Sequence[Any]):
        self.figures = [(str(f.value), str(f.label)) for f in figures]
        self.anchors = [anchor("cifra", getattr(f, "key", "")) for f in figures]

    def __repr__(self) -> str:
        return "Cifras clave: " + "; ".join(f"{label}: {value}" for value, label in self.figures)

    def _repr_html_(self) -> str:
        items = "".join(
            f'<li class="pom-tarjeta"{f" id={chr(34)}{name}{chr(34)}" if name else ""}>'
            f'<span class="pom-cifra">{escaping.html(value)}</span>'
            f'<span class="pom-rotulo">{escaping.html(label)}</span></li>'
            for (value, label), name in zip(self.figures, self.anchors)
        )
        return f'<ul class="pom-tarjetas">{items}</ul>\n'

    def _repr_latex_(self) -> str:
        boxes = [
            rf"\fcolorbox{{black!25}}{{black!4}}{{\parbox[t][1.9cm][t]{{0.29\linewidth}}{{\raggedright"
            rf"{{\Large\bfseries {escaping.latex(value)}}}\\[3pt]{{\small {escaping.latex(label)}}}}}}}"
            for value, label in self.figures
        ]
        rows = [
            r"\hfill".join(boxes[i : i + 3]) + (r"\hfill\null" if len(boxes[i : i + 3]) < 3 else "")
            for i in range(0, len(boxes), 3)
        ]
        return "\n\\par\\medskip\\noindent " + "\\par\\medskip\\noindent ".join(rows) + "\\par\\medskip\n"


def setup_figures() -> None:
    """Matplotlib defaults for the book: SVG+PDF output, stable bytes, Okabe-Ito colours."""
    import matplotlib as mpl
    from cycler import cycler

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    mpl.rcParams.update(
        {
            "svg.hashsalt": "libro-pom",
            # TrueType fonts in the PDF figures: crisper text than Type 3 in every viewer.
            "pdf.fonttype": 42,
            "axes.prop_cycle": cycler(color=OKABE_ITO),
            "figure.figsize": (FIGURE_WIDTH, 3.6),
            "font.size": 9.5,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("svg", "pdf")


class _Prose:
    """Glued Markdown, also offered as a quoted literal for ``{glue:text}``."""

    def __init__(self, markdown: str, plain: str):
        self.markdown = markdown
        self.plain = plain

    def _repr_mimebundle_(self, include=None, exclude=None):
        # repr() so myst-nb's literal_eval gives the string back: «1,234» would become a tuple.
        return {"text/markdown": self.markdown, "text/plain": repr(self.plain)}


def glue(key: str, text: str) -> None:
    """Store a formatted Spanish string for the chapter's prose, without showing it here.

    The text is text, not Markdown: «*», «<b>» or «{role}» in it are shown as written.
    """
    _check_text(key, text)
    _glue(key, _Prose(escaping.markdown(text), text))


def glue_markdown(key: str, markdown: str) -> None:
    """Store Markdown for the chapter's prose; plan text in it must already be escaped (escaping.markdown)."""
    _check_text(key, markdown)
    _glue(key, _Prose(markdown, markdown))


def _check_text(key: str, text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"glue «{key}»: se espera un texto ya formateado, no {type(text).__name__}")


def _glue(key: str, prose: _Prose) -> None:
    from myst_nb import glue as myst_glue

    myst_glue(key, prose, display=False)
