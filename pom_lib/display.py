"""What chapter notebooks show: numbered tables, numbered figures and glued Spanish text.

Numbering. Sphinx numbers tables and figures (``numfig``) and writes «Tabla N» /
«Figura N» (``numfig_format`` in _config.yml). ``Table`` and ``Figure`` attach
``{"pom": {...}}`` metadata to their output; the myst-nb plugin in
``pom_lib.latex_output`` turns such outputs into nodes Sphinx counts: a
``pom_table`` (HTML: number spliced into the ``<caption>``; LaTeX: the
``longtable``'s own ``\\caption``) and a docutils ``figure`` with caption. With
``numfig_secnum_depth: 0`` both builders count continuously through the book, so
the HTML and the PDF show the same numbers. Give ``name=`` to cite one from
Markdown with ``{numref}`tabla-metas``` (the numref text uses the same format).
Tables written by other means are not counted in the HTML; use ``Table``.

Prose. ``glue(key, text)`` stores an already formatted Spanish string (see
``pom_lib.formatting``), shown literally (never as markup); ``glue_markdown(key, markdown)``
stores Markdown whose plan text was escaped with ``pom_lib.escaping.markdown``. Paste either
in the same chapter with ``{glue:md}`key```, from another with ``{glue:text}`capitulo.ipynb::key:s```.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from . import escaping
from .latex_output import LABEL_MARK, METADATA_KEY

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
MISSING = "—"
# Text-column chars that fit one line in \small: A4 portrait text width, and landscape.
_LINE_CHARS = {False: 95, True: 150}
# Text columns up to this many characters keep their natural width; longer ones wrap.
_SHORT_TEXT = 24
# Tables up to this many rows move to the next page rather than split.
_KEEP_TOGETHER_ROWS = 25
_NUMERIC = re.compile(r"^[-−+]?Q?\s?[\d,]+(\.\d+)?\s?%?$")
def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return MISSING
    return str(value)


class Table:
    """A captioned table for both builders; cells are shown as given (format numbers first).

    ``align`` has one letter per column (``l``, ``c``, ``r``); by default columns
    whose cells all look like numbers («Q1,234», «47.1 %») go right, the rest left.
    ``landscape`` turns the PDF page for wide tables. Rows listed in
    ``data.attrs["emphasis_rows"]`` (group headings such as a program) are set in bold.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        caption: str,
        source: str,
        *,
        align: str | None = None,
        landscape: bool = False,
        name: str | None = None,
    ):
        self.header = [str(c) for c in data.columns]
        self.rows = [[_cell(v) for v in row] for row in data.itertuples(index=False)]
        self.emphasis = {data.index.get_loc(i) for i in data.attrs.get("emphasis_rows", ())}
        self.caption = caption
        self.source = source
        self.landscape = landscape
        self.name = name
        self.align = align or "".join(self._guess_align(i) for i in range(len(self.header)))
        if len(self.align) != len(self.header) or set(self.align) - set("lcr"):
            raise ValueError(
                f"align debe tener una letra l, c o r por columna ({len(self.header)}): «{self.align}»"
            )

    def _guess_align(self, column: int) -> str:
        cells = [row[column] for row in self.rows if row[column] not in (MISSING, "")]
        return "r" if cells and all(_NUMERIC.match(c) for c in cells) else "l"

    def __repr__(self) -> str:
        return f"Tabla «{self.caption}» ({len(self.rows)} filas × {len(self.header)} columnas)"

    def _repr_mimebundle_(self, include=None, exclude=None):
        meta = {"kind": "table", "caption": self.caption, "name": self.name}
        return {"text/html": self._repr_html_(), "text/latex": self._repr_latex_()}, {METADATA_KEY: meta}

    def _repr_html_(self) -> str:
        # Figures («Q1,234,567») never break across lines; text wraps.
        styles = {"l": "text-align: left", "c": "text-align: center", "r": "text-align: right; white-space: nowrap"}

        text = ["pom-texto" if wrap else "" for wrap in self._wrapping()]

        def row(cells: Sequence[str], tag: str, css: str = "") -> str:
            opening = f'<tr class="{css}">' if css else "<tr>"
            return opening + "".join(
                f'<{tag} class="{k}" style="{styles[a]}">{escaping.html(c)}</{tag}>' if k
                else f'<{tag} style="{styles[a]}">{escaping.html(c)}</{tag}>'
                for c, a, k in zip(cells, self.align, text)
            ) + "</tr>"

        body = "\n".join(row(r, "td", "pom-grupo" if i in self.emphasis else "") for i, r in enumerate(self.rows))
        return (
            '<table class="table pom-tabla">\n'
            f"<caption>{escaping.html(self.caption)}</caption>\n"
            f"<thead>{row(self.header, 'th')}</thead>\n"
            f"<tbody>\n{body}\n</tbody>\n</table>\n"
            f'<p class="pom-fuente">Fuente: {escaping.html(self.source)}</p>\n'
        )

    def _widths(self) -> list[int]:
        return [max(len(c) for c in col) for col in zip(self.header, *self.rows)]

    def _fits(self) -> bool:
        return sum(self._widths()) <= _LINE_CHARS[self.landscape]

    def _wrapping(self) -> list[bool]:
        """Long text columns, which wrap when the table does not fit on one line."""
        if self._fits():
            return [False] * len(self.header)
        content = [max((len(r[i]) for r in self.rows), default=0) for i in range(len(self.header))]
        return [a == "l" and w > _SHORT_TEXT for w, a in zip(content, self.align)]

    def _column_specs(self) -> list[str]:
        """Natural columns when the table fits; otherwise X columns that share the line width.

        Long text columns wrap and take what the figures leave. A table with no long text
        column that is too wide only because of its headers gets X columns for all, weighted
        by their longest cell or header word, so headers wrap and figures stay whole.
        """
        natural = {"l": r">{\raggedright\arraybackslash}", "c": r">{\centering\arraybackslash}",
                   "r": r">{\raggedleft\arraybackslash}"}
        if self._fits():
            return list(self.align)
        wraps = self._wrapping()
        columns = list(zip(self.header, *self.rows))
        if any(wraps):
            weights = [max(len(c) for c in col) if wrap else 0 for col, wrap in zip(columns, wraps)]
        else:
            weights = [max(max(len(c) for c in col[1:]) if col[1:] else 0, *(len(w) for w in col[0].split()))
                       for col in columns]
        total, count = sum(weights), sum(1 for w in weights if w)
        # tabularx shares the width among X columns by \hsize factors that add up to their count.
        return [f"{natural[a]}>{{\\hsize={count * w / total:.3f}\\hsize}}X" if w else a
                for a, w in zip(self.align, weights)]

    def _repr_latex_(self) -> str:
        n = len(self.header)
        spec = "".join(self._column_specs())
        # xltabular is longtable with X columns: used when the columns must share the line width.
        environment = "longtable" if self._fits() else "xltabular"
        width = "" if self._fits() else r"{\linewidth}"

        def row(cells: Sequence[str], bold: bool = False) -> str:
            escaped = [escaping.latex(c) for c in cells]
            if bold:
                escaped = [rf"\textbf{{{c}}}" if c else c for c in escaped]
            return " & ".join(escaped) + r" \\"

        header = "\\toprule\n" + " & ".join(rf"\textbf{{{escaping.latex(h)}}}" for h in self.header) + r" \\"
        # A short table is kept whole on one page; a long one breaks with a repeated header.
        keep = rf"\needspace{{{len(self.rows) + 6}\baselineskip}}" if len(self.rows) <= _KEEP_TOGETHER_ROWS else ""
        lines = [
            r"\begingroup\small",
            keep,
            rf"\begin{{{environment}}}{width}{{@{{}}{spec}@{{}}}}",
            rf"\caption{{{escaping.latex(self.caption)}}}{LABEL_MARK}",
            r"\\",
            header,
            r"\midrule",
            r"\endfirsthead",
            r"\caption[]{(continuación)} \\",
            header,
            r"\midrule",
            r"\endhead",
            rf"\midrule \multicolumn{{{n}}}{{r}}{{\footnotesize\itshape Continúa en la página siguiente}} \\",
            r"\endfoot",
            r"\bottomrule",
            r"\endlastfoot",
            *(row(r, i in self.emphasis) for i, r in enumerate(self.rows)),
            rf"\end{{{environment}}}",
            rf"\par\footnotesize Fuente: {escaping.latex(self.source)}\par",
            r"\endgroup",
        ]
        latex = "\n".join(lines)
        if self.landscape:
            latex = "\\begin{landscape}\n" + latex + "\n\\end{landscape}"
        return latex + "\n"


class Figure:
    """A matplotlib figure with caption, alt text and source; vector SVG (HTML) and PDF (LaTeX)."""

    def __init__(self, figure: Any, caption: str, alt: str, source: str, *, name: str | None = None):
        import matplotlib.pyplot as plt

        if not alt.strip():
            raise ValueError("La figura necesita un texto alternativo (alt) para lectores de pantalla.")
        self.figure = figure
        self.caption = caption
        self.alt = alt
        self.source = source
        self.name = name
        # Shown through this object only; the inline backend would otherwise show it again.
        plt.close(figure)

    def __repr__(self) -> str:
        return f"Figura «{self.caption}»"

    def _save(self, fmt: str, metadata: dict) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format=fmt, bbox_inches="tight", metadata=metadata)
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
        data = {"image/svg+xml": svg, "application/pdf": base64.b64encode(pdf).decode("ascii")}
        return data, {METADATA_KEY: meta}


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
            "figure.figsize": (7.0, 4.0),
            "font.size": 11,
            "axes.titlesize": 12,
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
