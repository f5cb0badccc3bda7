"""Plan text as literal text in each place it is published: one function per destination.

Titles, names and statements come from the analysts' files, so they may hold anything a
keyboard types: ``<script>``, ``**``, ``{role}`x```, ``\\input{…}``, ``50 %`` or ``&``. Each
function returns source that the destination shows exactly as the data wrote it, never as
markup. Text that the book itself writes (headings, emphasis) is added around the escaped
data, never inside it.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable

# CommonMark lets a backslash make any ASCII punctuation character literal. These characters
# make markup anywhere in a line: code and roles ({role}`x`), emphasis, links, substitutions
# ({{ x }}), raw HTML and autolinks, entities (&amp;), maths, strikethrough, table cells.
_MARKDOWN_INLINE = re.compile(r"([\\`*_{}\[\]<>&$~|])")
# These only at the start of a line: headings, comments, setext underlines, colon fences,
# targets «(x)=», bullets and block breaks «- », «+++» (not «-5 %»), ordered lists «1. » (not «10.2 %»).
_MARKDOWN_LINE_START = re.compile(
    r"^(?:(?P<mark>[#%=:]|[-+](?=[-+\s]|$)|\((?=.*\)=\s*$))"
    r"|(?P<number>\d{1,9})(?P<end>[.)])(?=\s|$))",
    re.MULTILINE,
)
# Leading spaces are not shown, and four of them would start a code block.
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Right after \\ (a table row, a title line) a bracket would be read as an optional argument
    # and a star as the starred form.
    "[": "{[}",
    "]": "{]}",
    "*": "{*}",
    # With TeX ligatures on, a font turns these into curly quotes and ¡ ¿ (after ! and ?).
    '"': r"\textquotedbl{}",
    "'": r"\textquotesingle{}",
    "`": r"\textasciigrave{}",
}
# A word longer than this (no Spanish word is) may break anywhere, so that it never crosses the
# margin or a table column however narrow: a code, an address or a run of characters.
LONG_WORD = 20
_LONG_WORD_RE = re.compile(rf"\S{{{LONG_WORD + 1},}}")
BREAK = r"\allowbreak{}"
# «--» and «---» are ligatures (en and em dash) in TeX fonts: a brace between the hyphens keeps them.
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIAL) + r"|-(?=-)|\s*\n\s*")


def html(text: object) -> str:
    """Text as HTML that shows it literally, in an element or in a quoted attribute."""
    return _html.escape(str(text), quote=True)


def markdown(text: object) -> str:
    """Text as Markdown (CommonMark and MyST) that shows it literally, with no markup or roles.

    Ordinary prose comes out unchanged («2025-2029 (Guatemala, marzo 2025).»); only the
    characters that would make markup where they stand get a backslash.
    """
    lines = "\n".join(str(text).splitlines())  # \r too ends a line for Markdown, not for «^» below
    text = _MARKDOWN_INLINE.sub(r"\\\1", _LEADING_SPACE.sub("", lines))
    return _MARKDOWN_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match) -> str:
    if match["number"]:
        return f"{match['number']}\\{match['end']}"
    return f"\\{match['mark']}"


def latex(text: object) -> str:
    """Text as LaTeX source that prints it literally; line breaks become spaces."""
    return _LATEX_RE.sub(_latex_replacement, str(text))


def latex_breakable(text: object, encode: Callable[[str], str] = latex) -> str:
    """As latex() (or `encode`), for a paragraph or a table cell: a word longer than LONG_WORD
    characters gets a break opportunity after each character, so it never crosses a margin."""
    text, pieces, start = str(text), [], 0
    for word in _LONG_WORD_RE.finditer(text):
        pieces += [encode(text[start : word.start()]), BREAK.join(encode(c) for c in word.group())]
        start = word.end()
    return "".join(pieces) + encode(text[start:])


def _latex_replacement(match: re.Match) -> str:
    found = match.group()
    if found == "-":
        return "-{}"
    if not found.strip():
        return " "  # a blank line would end the paragraph: fatal inside a title or a table cell
    return _LATEX_SPECIAL[found]
