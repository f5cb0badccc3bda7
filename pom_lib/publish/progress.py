"""How publish/ tells what it is doing: through a function its caller gives, never by printing.

A report is called like `print` with text and, to leave the line open, `end=""`; `pom` passes one
that prints at once, and a caller who wants no progress passes nothing (`silent`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

Report = Callable[..., None]


def silent(text: str, end: str = "\n") -> None:
    """The report of a caller who wants no progress."""


def step(report: Report, label: str) -> Callable[[], None]:
    """Report «label … » now; the function returned reports «listo (2.1 s)» when the step ends."""
    report(f"{label} … ", end="")
    start = time.monotonic()
    return lambda: report(f"listo ({time.monotonic() - start:.1f} s)")
