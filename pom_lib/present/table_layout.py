"""How a table fits a PDF page: type size, orientation, column widths, floating or breaking.

Widths are measured in *characters* of the table's type (digits are about half an em wide;
capitals and bold text wider). The A4 text block of the book is 6.27 × 9.69 inches (Sphinx's
1-inch margins), which holds about 96 characters of \\small text across, 150 when the page
is turned. A table is set in one of these layouts: portrait or landscape, \\small or
\\footnotesize; of those where it fits, the one that takes fewest pages (see plan_layout).

It *fits* with its natural columns (no cell wraps) or with the long text columns wrapping
(at least ``MIN_TEXT`` characters wide) and headers broken between words. A table that fits
on one page is a float: it is never split, its source line stays under it, and text fills the
page around it. A longer one breaks across pages with a repeated header. Only the first
``MAX_PDF_ROWS`` rows of a very long table are printed; the HTML page and the downloads hold
it whole (and the PDF says so), which keeps any plan within TeX's default memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Characters across the text block, per (type size, landscape).
CAPACITY = {("small", False): 96, ("footnotesize", False): 108, ("small", True): 150, ("footnotesize", True): 168}
# Lines of table text down the text block, per (type size, landscape).
PAGE_LINES = {("small", False): 54, ("footnotesize", False): 60, ("small", True): 34, ("footnotesize", True): 38}
ORDER = [("small", False), ("footnotesize", False), ("small", True), ("footnotesize", True)]
# Space between two columns (2 × \tabcolsep of 4pt), in characters.
GAP = 1.7
# A wrapping text column is never narrower than this.
MIN_TEXT = 18
# Text columns whose longest cell is shorter than this keep their natural width.
SHORT_TEXT = 24
# Caption, rules and source line, in lines.
FRAME_LINES = 6
MAX_PDF_ROWS = 120


@dataclass(frozen=True)
class Layout:
    font: str
    landscape: bool
    # Characters per column when the columns share the line (paragraph columns); None: natural widths.
    widths: tuple[float, ...] | None
    # Short enough to be kept whole on one page.
    floating: bool
    # Rows printed in the PDF; the rest are only in the HTML page and the downloads.
    shown_rows: int
    # Lines of the caption, the header and the first rows: room a breaking table needs to start.
    lead_lines: int


def text_width(text: str, bold: bool = False) -> float:
    """Approximate width of `text` in characters of average width."""
    width = sum(1.3 if c.isupper() else 0.55 if c in " .,:;!|il'" else 1.0 for c in text)
    return width * (1.08 if bold else 1.0)


def _longest_word(text: str) -> float:
    return max((text_width(w, bold=True) for w in text.split()), default=0.0)


def _lines(text: str, width: float, bold: bool = False) -> int:
    """Lines `text` takes in a column `width` characters wide, broken between words."""
    lines, used = 1, 0.0
    for word in text.split():
        size = text_width(word, bold)
        if not used:
            used = size
        elif used + 0.55 + size <= width:
            used += 0.55 + size
        else:
            lines, used = lines + 1, size
        while used > width:  # a word longer than the column breaks where it must
            lines, used = lines + 1, used - width
    return lines


def plan_layout(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    align: str,
    bold_rows: set[int] = frozenset(),
    landscape: bool | None = None,
) -> Layout:
    """The layout a table gets in the PDF. `landscape` forces (True) or forbids (False) turning the page.

    Of the layouts where the table fits, the one that takes fewest pages, preferring the larger
    type (unless the smaller saves a tenth of the height) and portrait (unless landscape halves
    the pages): a turned page breaks the reading and leaves the heading before it alone.
    """
    shown = list(rows[:MAX_PDF_ROWS])
    columns = len(header)
    cells = [[text_width(r[i], bold=n in bold_rows) for n, r in enumerate(shown)] for i in range(columns)]
    longest = [max(c, default=0.0) for c in cells]
    long_text = [a == "l" and w > SHORT_TEXT for a, w in zip(align, longest)]
    natural = [max(w, text_width(h, bold=True)) for w, h in zip(longest, header)]
    needed = [MIN_TEXT if wrap else max(w, _longest_word(h)) for w, h, wrap in zip(longest, header, long_text)]
    candidates = [o for o in ORDER if landscape is None or o[1] == landscape]
    fitting = []
    for option in candidates:
        room = _room(option, columns)
        if sum(natural) <= room:
            widths = None
        elif sum(needed) <= room:
            widths = _shares(needed, natural, long_text, room)
        else:
            continue
        lines = _row_lines(header, widths or natural, bold=True) + sum(
            _row_lines(r, widths or natural, bold=n in bold_rows) for n, r in enumerate(shown)
        )
        fitting.append((option, widths, lines))
    if not fitting:  # nothing fits: the last layout, every column shrunk alike
        option = candidates[-1]
        widths = _shares(needed, natural, long_text, _room(option, columns))
        fitting.append((option, widths, sum(_row_lines(r, widths) for r in [header, *shown])))
    option, widths, lines = _best(fitting)
    floating = len(rows) == len(shown) and lines + FRAME_LINES <= PAGE_LINES[option] - 4
    return Layout(
        option[0],
        option[1],
        tuple(round(w, 2) for w in widths) if widths else None,
        floating=floating,
        shown_rows=len(shown),
        lead_lines=FRAME_LINES
        + _row_lines(header, widths or natural, bold=True)
        + sum(_row_lines(r, widths or natural, bold=n in bold_rows) for n, r in enumerate(shown[:2])),
    )


def _best(fitting: list) -> tuple:
    """The layout with fewest pages, with the preferences of plan_layout."""

    def pages(entry) -> float:
        option, _, lines = entry
        return (lines + FRAME_LINES) / PAGE_LINES[option]

    portrait = [f for f in fitting if not f[0][1]]
    turned = [f for f in fitting if f[0][1]]
    best = None
    for group in (portrait, turned):
        if not group:
            continue
        choice = group[0]
        for other in group[1:]:
            if pages(other) < 0.9 * pages(choice) and pages(choice) > 1:
                choice = other
        if best is None or pages(choice) < 0.5 * pages(best):
            best = choice
    return best


def _room(option: tuple[str, bool], columns: int) -> float:
    return CAPACITY[option] - GAP * (columns - 1)


def _shares(needed: list[float], natural: list[float], long_text: list[bool], room: float) -> tuple[float, ...]:
    """Column widths that fill `room`: each gets what it needs; what is left goes first to the
    wrapping text columns (up to their natural width), then to every column alike."""
    widths = list(needed)
    spare = room - sum(widths)
    wanted = [max(0.0, n - w) if wrap else 0.0 for n, w, wrap in zip(natural, widths, long_text)]
    if spare > 0 and sum(wanted):
        given = min(spare, sum(wanted))
        widths = [w + given * x / sum(wanted) for w, x in zip(widths, wanted)]
        spare -= given
    if spare > 0:
        widths = [w + spare * w / sum(widths) for w in widths]
    elif spare < 0:  # nothing fits: every column shrinks alike
        widths = [w * room / sum(widths) for w in widths]
    return tuple(widths)


def _row_lines(cells: Sequence[str], widths: Sequence[float], bold: bool = False) -> int:
    filled = [c for c in cells if c]
    if bold and len(filled) == 1 and len(cells) > 1:  # a heading row spans the whole table
        return _lines(filled[0], sum(widths), bold)
    return max((_lines(c, w, bold) for c, w in zip(cells, widths)), default=1)
