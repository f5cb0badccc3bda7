"""Resumen ejecutivo, the book's front door: the main points with the chart of the first one, the key
figures as cards, then every finding with its chart and the plan's other traits."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pom_lib.chapters.base import Chapter
from pom_lib.compute import findings, monitoring
from pom_lib.compute.execution import Thresholds
from pom_lib.core.escaping import markdown as escape_markdown
from pom_lib.data.plan import Plan
from pom_lib.present import executive_summary
from pom_lib.present import findings as findings_text
from pom_lib.present.display import Cards

SOURCE = "matriz de planificación, cifras clave y fichas de indicadores; cálculos propios"


def edition_findings(
    plan: Plan,
    edition_year: int | None = None,
    previous: Plan | None = None,
    execution_file: str | Path | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[findings.Finding]:
    """The edition's findings: the plan's, and with an execution file those of its execution (the lagging
    products of the last year observed, the main indicator's shortfall at the observed pace)."""
    execution = []
    if execution_file:
        followed = monitoring.monitoring(plan, previous, edition_year or plan.years[0], execution_file, thresholds)
        if followed.has_data:
            fiche = followed.monitored["fichas"].set_index("ficha_id").loc[followed.monitored.main_fiche]
            execution = [
                findings.lagging_products(followed.attainment, followed.cutoff),
                findings.projected_shortfall(followed.coverage_path, str(fiche["unidad_medida"]).lower()),
            ]
    return findings.findings(plan, execution)


class Resumen(Chapter):
    """The executive summary. Findings come from pom_lib.compute.findings, their words from
    pom_lib.present.findings; the other traits and the cards from pom_lib.present.executive_summary."""

    name = "resumen"

    def __init__(
        self,
        plan: Plan,
        edition_year: int | None = None,
        previous: Plan | None = None,
        execution_file: str | Path | None = None,
        thresholds: Thresholds = Thresholds(),
    ):
        super().__init__(plan)
        self._edition_inputs = (edition_year, previous, execution_file, thresholds)

    @cached_property
    def findings(self) -> list[findings.Finding]:
        return edition_findings(self.plan, *self._edition_inputs)

    @cached_property
    def main_points(self) -> list[findings.Finding]:
        return findings.main_points(self.findings)

    @cached_property
    def headline(self) -> findings.Finding | None:
        """The main point whose chart opens the book: the first one that has a chart."""
        from pom_lib.present.charts import FINDING_CHARTS

        return next((finding for finding in self.main_points if finding.key in FINDING_CHARTS), None)

    def compute_values(self) -> dict[str, str]:
        return {"titulo": escape_markdown(self.plan.info["titulo"]), "regla": findings_text.MAIN_POINTS_RULE}

    def main_points_markdown(self, chapters: list[str]) -> str:
        """The numbered main points; links go only to `chapters`, the stems of the edition's chapters."""
        return findings_text.points_markdown(self.plan, self.main_points, chapters)

    def show_main_points(self, chapters: list[str]) -> None:
        from IPython.display import Markdown, display

        display(Markdown(self.main_points_markdown(chapters)))

    def headline_figure(self):
        """The chart of the first main point that has one (None when no finding has a chart)."""
        return self._figure(self.headline, "figura-principal") if self.headline else None

    def _figure(self, finding: findings.Finding, name: str):
        from pom_lib.present.charts import finding_chart
        from pom_lib.present.display import Figure

        return Figure(
            finding_chart(finding),
            findings_text.caption(finding),
            source=self.plan.citation(
                "matriz de planificación, cifras clave y fichas de indicadores; cálculos propios"
            ),
            name=name,
        )

    def cards(self) -> Cards:
        return Cards(executive_summary.key_figures(self.plan))

    def show_findings(self, chapters: list[str]) -> None:
        """The charts of the other main points, then each remaining finding in words, with its chart if any."""
        from IPython.display import Markdown, display

        from pom_lib.present.charts import FINDING_CHARTS

        for finding in self.findings:
            if finding is self.headline:
                continue
            if finding not in self.main_points:
                display(Markdown(findings_text.finding_markdown(finding, chapters)))
            if finding.key in FINDING_CHARTS:
                display(self._figure(finding, f"figura-{finding.key.replace('_', '-')}"))

    def traits_markdown(self, chapters: list[str]) -> str:
        """The plan's other traits as a list; links go only to `chapters`."""
        return executive_summary.findings_markdown(executive_summary.findings(self.plan), chapters)

    def show_traits(self, chapters: list[str]) -> None:
        from IPython.display import Markdown, display

        display(Markdown(self.traits_markdown(chapters)))
