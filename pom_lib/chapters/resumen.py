"""Resumen ejecutivo: the plan's headline figures as cards and its main findings, each linked to its chapter."""

from __future__ import annotations

from pom_lib.chapters.base import Chapter
from pom_lib.core.escaping import markdown as escape_markdown
from pom_lib.present import executive_summary
from pom_lib.present.display import Cards


class Resumen(Chapter):
    """The executive summary. Everything it says comes from pom_lib.present.executive_summary."""

    name = "resumen"

    def compute_values(self) -> dict[str, str]:
        return {"titulo": escape_markdown(self.plan.info["titulo"])}

    def cards(self) -> Cards:
        return Cards(executive_summary.key_figures(self.plan))

    def findings_markdown(self, chapters: list[str]) -> str:
        """The numbered findings; links go only to `chapters`, the stems of the edition's chapters."""
        return executive_summary.findings_markdown(executive_summary.findings(self.plan), chapters)

    def show_findings(self, chapters: list[str]) -> None:
        from IPython.display import Markdown, display

        display(Markdown(self.findings_markdown(chapters)))
