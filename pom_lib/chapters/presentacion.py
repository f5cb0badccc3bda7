"""The book's front page «Presentación»: what the plan is, its headline figures and how to read the book."""

from __future__ import annotations

import pandas as pd

from pom_lib.chapters.base import Chapter
from pom_lib.chapters.cambios import EditionChanges
from pom_lib.chapters.red_consular import NetworkExpansion
from pom_lib.compute import analysis
from pom_lib.compute.projections import coverage_path
from pom_lib.compute.reconciliation import reconcile
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.data import contract
from pom_lib.data.plan import Plan
from pom_lib.present import narrative
from pom_lib.present.display import Table


def largest_program_sentence(plan: Plan) -> str:
    """Which program has the largest allocation, and whether it leads every year."""
    budget = analysis.budget_by_program(plan)
    leaders = budget.idxmax()
    if leaders.nunique() == 1:
        when = "en todos los años" if len(leaders) > 1 else f"en {leaders.index[0]}"
        return f"«{md(leaders.iloc[0])}» es el programa de mayores metas financieras {when}."
    years = ", ".join(f"«{md(program)}» en {year}" for year, program in leaders.items())
    return f"El programa de mayores metas financieras cambia de un año a otro: {years}."


class Presentation(Chapter):
    name = "presentacion"
    places = ("rasgos",)

    def __init__(self, plan: Plan, edition: int | None = None, chapters: list[str] | None = None):
        super().__init__(plan)
        self.edition = edition
        # The stems of the edition's chapters; None (checking commentary) as if the book had them all.
        self.chapters = chapters

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        totals = analysis.yearly_totals(plan)["total"]
        first, last = plan.years[0], plan.years[-1]
        values = {
            "de_institucion": md(spanish.of_definite(str(plan.info["institucion"]))),
            "siglas": md(plan.info["siglas"]),
            "titulo": md(plan.info["titulo"]),
            "lugar_fecha": md(plan.info["lugar_fecha"]),
            "unidad_planificacion": md(spanish.definite(str(plan.info["unidad_planificacion"]))),
            "anio_inicio": str(first),
            "anio_fin": str(last),
            "total_periodo": fmt.millions_of_quetzales(totals.sum()),
            "frase_estructura": (
                f"{spanish.count(len(plan.programs), 'programa')}, "
                f"{spanish.count(len(plan.products), 'producto')} y "
                f"{spanish.count(len(plan.subproducts), 'subproducto')}"
            ),
            "frase_asignacion": self._allocation_sentence(totals),
            "frase_conciliacion": narrative.reconciliation_sentence(reconcile(plan)),
            "frase_programa_mayor": largest_program_sentence(plan),
            "frase_programas": (
                narrative.program_shift_sentence(plan) if len(plan.programs) > 1 and last > first else ""
            ),
            "frase_red": (
                f"; {{doc}}`{NetworkExpansion.name}` cita lo que el plan anuncia sobre su red en el exterior"
                if NetworkExpansion.applies(plan)
                else ""
            ),
            "frase_cambios": self._changes_sentence(),
            "indicador": md(str(plan["fichas"].set_index("ficha_id").loc[plan.main_fiche, "indicador"]).rstrip(". ")),
            "n_resultados_institucionales": fmt.integer(len(plan.statements("resultado_institucional"))),
        }
        # The edition year is the template's parameter, not the plan's: without it (checking commentary) a dash.
        values["edicion"] = str(self.edition) if self.edition is not None else fmt.MISSING
        return values

    def _changes_sentence(self) -> str:
        """The book's part on changes: its chapter, or why this edition has none."""
        if self.chapters is None or EditionChanges.name in self.chapters:
            return f"{{doc}}`{EditionChanges.name}` registra lo que cambió respecto de la edición anterior"
        return (
            "esta edición no tiene una anterior con la cual compararse, así que no incluye el capítulo de "
            "cambios: lo tendrá la siguiente"
        )

    @staticmethod
    def _allocation_sentence(totals: pd.Series) -> str:
        first, last = int(totals.index[0]), int(totals.index[-1])
        if first == last:
            return ""
        start, end = fmt.millions_of_quetzales(totals[first]), fmt.millions_of_quetzales(totals[last])
        years = spanish.count_in_words(last - first, "año")
        if totals[last] == totals[first]:
            return f"El total anual de metas financieras es el mismo en {first} y en {last}: {start}."
        change = 100 * (totals[last] / totals[first] - 1)
        moves = (
            f"un aumento de {fmt.percent(change)}" if change > 0 else f"una disminución de {fmt.percent(abs(change))}"
        )
        return f"El total anual de metas financieras pasa de {start} a {end}, {moves} en {years}."

    def key_figures(self) -> pd.DataFrame:
        """The edition's headline figures: budget, structure, the key figures the plan has, the main indicator.

        Columns Cifra, Valor, Referencia (formatted text). Key figures are labelled by their role and year;
        a role the plan lacks has no row.
        """
        plan = self.plan
        totals = analysis.yearly_totals(plan)["total"]
        first, last = plan.years[0], plan.years[-1]
        rows = [
            ("Metas financieras del período", fmt.quetzales(totals.sum()), plan.period),
            (f"Metas financieras de {first}", fmt.quetzales(totals[first]), "Total anual"),
        ]
        if last != first:
            rows += [
                (f"Metas financieras de {last}", fmt.quetzales(totals[last]), "Total anual"),
                (
                    "Crecimiento anual promedio de las metas financieras",
                    fmt.percent(analysis.compound_growth(totals[first], totals[last], last - first)),
                    plan.period,
                ),
            ]
        rows.append(
            (
                "Programas / productos / subproductos",
                f"{len(plan.programs)} / {len(plan.products)} / {len(plan.subproducts)}",
                "Matriz",
            )
        )
        rows.append(("Población objetivo", fmt.integer(plan.target_population), "Personas"))
        rows += self._population_rows()
        fiche = plan["fichas"].set_index("ficha_id").loc[plan.main_fiche]
        unit = str(fiche["unidad_medida"]).strip().lower()
        path = coverage_path(plan)
        base_year = int(path.index[0])
        rows += [
            (
                f"Cobertura en {base_year} (línea de base)",
                fmt.percent(path.loc[base_year, "cobertura_pct"]),
                f"{fmt.integer(path.loc[base_year, 'personas'])} {unit}",
            ),
            (
                f"Cobertura meta en {last}",
                fmt.percent(path.loc[last, "cobertura_pct"]),
                f"{fmt.integer(path.loc[last, 'personas'])} {unit}",
            ),
        ]
        return pd.DataFrame(rows, columns=["Cifra", "Valor", "Referencia"])

    def _population_rows(self) -> list[tuple[str, str, str]]:
        """Eligible population and women, each at the latest year the plan gives it."""
        plan = self.plan
        rows = []
        year = plan.key_figure_year(contract.ROLE_ELIGIBLE)
        if year is not None:
            rows.append(
                (
                    f"Población elegible en {year}",
                    fmt.integer(plan.key_figure(contract.ROLE_ELIGIBLE, year)),
                    "Personas",
                )
            )
        women_year = plan.key_figure_year(contract.ROLE_WOMEN)
        share_year = plan.key_figure_year(contract.ROLE_WOMEN_PCT)
        if women_year is not None:
            share = plan.key_figure(contract.ROLE_WOMEN_PCT, women_year)
            reference = (
                f"{fmt.percent(share, 0 if share.is_integer() else 1)} de la población elegible"
                if share is not None
                else "Personas"
            )
            rows.append(
                (
                    f"Mujeres a atender en {women_year}",
                    fmt.integer(plan.key_figure(contract.ROLE_WOMEN, women_year)),
                    reference,
                )
            )
        elif share_year is not None:
            rows.append(
                (
                    f"Mujeres entre la población a atender en {share_year}",
                    fmt.percent(plan.key_figure(contract.ROLE_WOMEN_PCT, share_year)),
                    "Porcentaje",
                )
            )
        return rows

    def key_figures_table(self) -> Table:
        return Table(
            self.key_figures(),
            caption="Cifras clave del plan",
            source=self.plan.citation(
                "matriz de planificación, cifras clave y ficha del indicador principal; cálculos propios"
            ),
            name="tabla-cifras-clave",
        )
