"""Resumen ejecutivo: the plan's headline figures as cards and its main findings, each linked to its chapter."""

from __future__ import annotations

from pathlib import Path

from .. import executive_summary
from ..display import Cards
from ..escaping import markdown as escape_markdown
from .base import Chapter


class Resumen(Chapter):
    """The executive summary. Everything it says comes from pom_lib.executive_summary."""

    name = "resumen"

    def compute_values(self) -> dict[str, str]:
        return {"titulo": escape_markdown(self.plan.info["titulo"])}

    def cards(self) -> Cards:
        return Cards(executive_summary.key_figures(self.plan))

    def findings_markdown(self, toc: Path) -> str:
        """The numbered findings; links go only to the chapters of `toc` (the book's _toc.yml)."""
        from ..edition import chapter_stems

        chapters = chapter_stems(toc) if toc.is_file() else []
        return executive_summary.findings_markdown(executive_summary.findings(self.plan), chapters)

    def show_findings(self, toc: Path = Path("_toc.yml")) -> None:
        from IPython.display import Markdown, display

        display(Markdown(self.findings_markdown(toc)))
