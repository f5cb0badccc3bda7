"""How a table fits a PDF page: type size, orientation, column widths, floating or breaking.

Widths are measured in *characters* of the table's type (digits are about half an em wide;
capitals and bold text wider). The A4 text block of the book is 6.27 × 9.69 inches (Sphinx's
1-inch margins), which holds about 96 characters of \\small text across, 150 when the page
is turned. A table is set in one of these layouts: portrait or landscape, \\small or
\\footnotesize; of those where it fits, the one that takes fewest pages (see plan_layout).

It *fits* with its natural columns (no cell wraps) or with the long text columns wrapping
(at least ``MIN_TEXT`` characters wide) and headers broken between words. A table that fits
on a portrait page is a float: it is never split, its source line stays under it, and text fills
the page around it. A longer one breaks across pages with a repeated header; a turned one is set
on landscape pages of its own. A table too wide for any layout (a plan of many years) is split
into parts: each repeats the leading text columns (code, name, unit) and takes as many of the
other columns as fit, in groups of equal size. Only the first ``MAX_PDF_ROWS`` rows of a very
long table are printed; the HTML page and the downloads hold it whole (and the PDF says so),
which keeps any plan within TeX's default memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Characters across the text block, per (type size, landscape).
CAPACITY = {("small", False): 96, ("footnotesize", False): 108, ("small", True): 150, ("footnotesize", True): 168}
# Lines of table text down the text block, per (type size, landscape).
PAGE_LINES = {("small", False): 54, ("footnotesize", False): 60, ("small", True): 34, ("footnotesize", True): 38}
ORDER = [("small", False), ("footnotesize", False), ("small", True), ("footnotesize", True)]
# Space between two columns: 2 × TABCOLSEP, about two and a half characters, so that two
# right-aligned amounts side by side never read as one.
TABCOLSEP_PT = 6
GAP = 2.6
# A wrapping text column is never narrower than this.
MIN_TEXT = 18
# Text columns whose longest cell is shorter than this keep their natural width.
SHORT_TEXT = 24
# Caption, rules and source line, in lines.
FRAME_LINES = 6
MAX_PDF_ROWS = 120


@dataclass(frozen=True)
class Part:
    """Columns of the table set together, by index, and their widths."""

    columns: tuple[int, ...]
    # Characters per column when the columns share the line (paragraph columns); None: natural widths.
    widths: tuple[float, ...] | None


@dataclass(frozen=True)
class Layout:
    font: str
    landscape: bool
    # One part for a table that fits; several, one after the other, for a table too wide for the page.
    parts: tuple[Part, ...]
    # Short enough to be kept whole on one portrait page.
    floating: bool
    # Rows printed in the PDF; the rest are only in the HTML page and the downloads.
    shown_rows: int
    # Lines of the caption, the header and the first rows: room a breaking table needs to start.
    lead_lines: int
    # Leading columns that every part repeats (a table in several parts): code, name, unit.
    repeated: int = 0

    @property
    def widths(self) -> tuple[float, ...] | None:
        """The widths of the first (for most tables, the only) part."""
        return self.parts[0].widths


def text_width(text: str, bold: bool = False) -> float:
    """Approximate width of `text` in characters of average width (about 0.465 em of the book's
    serif type); figures are half an em and capitals wider, so amounts are never underestimated."""
    width = sum(1.45 if c.isupper() else 1.12 if c.isdigit() else 0.55 if c in " .,:;!|il'" else 1.0 for c in text)
    return width * (1.1 if bold else 1.0)


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
    the pages): a turned page breaks the reading. Where it fits in none, the widest layout with
    the table split into parts (see _split).
    """
    table = _Cells(header, rows[:MAX_PDF_ROWS], align, bold_rows)
    every = tuple(range(len(header)))
    candidates = [o for o in ORDER if landscape is None or o[1] == landscape]
    fitting = [(o, *fit) for o in candidates if (fit := table.fit(o, every)) is not None]
    if fitting:
        option, widths, lines = _best(fitting)
        parts, repeated = (Part(every, widths),), 0
    else:
        option = candidates[-1]
        parts, repeated = _split(table, option)
        lines = sum(table.lines(p.columns, p.widths) for p in parts)
    first = parts[0]
    return Layout(
        option[0],
        option[1],
        parts,
        floating=len(parts) == 1
        and not option[1]
        and len(rows) == len(table.rows)
        and lines + FRAME_LINES <= PAGE_LINES[option] - 4,
        shown_rows=len(table.rows),
        lead_lines=FRAME_LINES + table.lines(first.columns, first.widths, first_rows=2),
        repeated=repeated,
    )


class _Cells:
    """The measures of a table's cells that its layouts are chosen from."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str]], align: str, bold_rows: set[int]):
        self.header, self.rows, self.align, self.bold_rows = list(header), list(rows), align, bold_rows
        longest = [
            max((text_width(r[i], bold=n in bold_rows) for n, r in enumerate(rows)), default=0.0)
            for i in range(len(header))
        ]
        self.wraps = [a == "l" and w > SHORT_TEXT for a, w in zip(align, longest)]
        self.natural = [max(w, text_width(h, bold=True)) for w, h in zip(longest, header)]
        self.needed = [
            MIN_TEXT if wrap else max(w, _longest_word(h)) for w, h, wrap in zip(longest, header, self.wraps)
        ]

    def fit(self, option: tuple[str, bool], columns: Sequence[int]) -> tuple[tuple[float, ...] | None, int] | None:
        """(widths, lines) of `columns` set together in `option`, or None where they do not fit."""
        room = _room(option, len(columns))
        natural = [self.natural[i] for i in columns]
        needed = [self.needed[i] for i in columns]
        if sum(natural) <= room:
            widths = None
        elif sum(needed) <= room:
            widths = _shares(needed, natural, [self.wraps[i] for i in columns], room)
        else:
            return None
        return widths, self.lines(columns, widths)

    def shrunk(self, option: tuple[str, bool], columns: Sequence[int]) -> tuple[float, ...]:
        """Widths of `columns` that fit `option` however much each must wrap."""
        pick = [self.needed[i] for i in columns], [self.natural[i] for i in columns], [self.wraps[i] for i in columns]
        return _shares(*pick, _room(option, len(columns)))

    def lines(self, columns: Sequence[int], widths: Sequence[float] | None, first_rows: int | None = None) -> int:
        """Lines the header and the rows (or only the first `first_rows`) take in `columns`."""
        widths = widths or [self.natural[i] for i in columns]
        rows = self.rows if first_rows is None else self.rows[:first_rows]
        pick = lambda cells: [cells[i] for i in columns]  # noqa: E731
        return _row_lines(pick(self.header), widths, bold=True) + sum(
            _row_lines(pick(r), widths, bold=n in self.bold_rows) for n, r in enumerate(rows)
        )


def _split(table: _Cells, option: tuple[str, bool]) -> tuple[tuple[Part, ...], int]:
    """Parts of a table too wide for the page, and how many leading columns each repeats: the leading
    text columns in every part, and the others in as few groups as fit, of sizes that differ by one
    at most."""
    columns = len(table.header)
    keys = next((i for i, a in enumerate(table.align) if a != "l"), columns)
    keys = min(keys, columns - 1)
    rest = list(range(keys, columns))
    count = 1
    while count < len(rest) and any(table.fit(option, group) is None for group in _groups(keys, rest, count)):
        count += 1
    parts = []
    for group in _groups(keys, rest, count):
        fit = table.fit(option, group)
        parts.append(Part(group, fit[0] if fit else table.shrunk(option, group)))
    return tuple(parts), keys


def _groups(keys: int, rest: list[int], count: int) -> list[tuple[int, ...]]:
    """`rest` in `count` consecutive groups whose sizes differ by one at most, each after the `keys` first columns."""
    size, extra = divmod(len(rest), count)
    groups, start = [], 0
    for number in range(count):
        end = start + size + (1 if number < extra else 0)
        groups.append((*range(keys), *rest[start:end]))
        start = end
    return groups


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
