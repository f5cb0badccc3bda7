"""Chapter «Alcance y población objetivo»: where the target population is, whom the plan means to serve,
and the coverage path of its main indicator."""

from __future__ import annotations

import pandas as pd

from pom_lib.chapters.base import Chapter
from pom_lib.chapters.red_consular import NetworkExpansion
from pom_lib.compute import strategic_framework
from pom_lib.compute.projections import coverage_path
from pom_lib.compute.reconciliation import formula_terms, indicator_values
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.data import contract
from pom_lib.present import strategic_framework as framework_text
from pom_lib.present.display import Figure, Table

# Above this share of the target population, one place holds most of it.
MAJORITY_PCT = 50.0
# Yearly growth rates closer than this (percentage points) are one constant rate.
CONSTANT_RATE_TOLERANCE = 0.1


def share_text(points: float) -> str:
    """A percentage the way the plan writes it: without decimals when it is whole («39 %»)."""
    return fmt.percent(points, 0 if float(points).is_integer() else 1)


class PopulationScope(Chapter):
    name = "alcance_poblacion"
    places = ("lugares", "elegible", "cobertura")

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        target = plan.target_population
        figures = plan["cifras_clave"]
        described = figures.loc[figures["rol"] == contract.ROLE_TARGET_POPULATION, "descripcion"].iloc[0]
        concentration = strategic_framework.population_concentration(plan)
        values = {
            "titulo": md(plan.info["titulo"]),
            "poblacion_objetivo": fmt.integer(target),
            "descripcion_poblacion": md(str(described).rstrip(". ")),
            "anio_fin": str(plan.years[-1]),
            "frase_lugares": self._places_sentence(concentration),
            "frase_magnitud": self._magnitude_sentence(),
            "frase_red": (
                f"El capítulo {{doc}}`{NetworkExpansion.name}` sitúa frente a esta población lo que el "
                "plan anuncia sobre su red en el exterior."
                if NetworkExpansion.applies(plan)
                else ""
            ),
            "frase_elegible": self._eligible_sentence(),
        }
        if concentration["region"] is not None:
            values |= {
                "region_mayor": md(concentration["region"]),
                "region_mayor_personas": fmt.integer(concentration["personas"]),
                "region_mayor_pct": fmt.percent(concentration["participacion"]),
                "resto_regiones_pct": fmt.percent(100 - concentration["participacion"]),
            }
        values |= self._eligible_values() | self._coverage_values()
        return values

    def _places_sentence(self, concentration: dict) -> str:
        if concentration["region"] is None:
            return (
                "El plan no reparte su población objetivo por lugar: su única fila, "
                f"«{md(concentration['resto'])}», la agrupa toda."
            )
        largest, share = md(concentration["region"]), concentration["participacion"]
        if not concentration["otros_nombrados"] and concentration["resto"] is None:
            return f"Toda la población objetivo está en «{largest}»."
        lead = "Más de la mitad de la población objetivo está en un solo lugar: " if share > MAJORITY_PCT else ""
        others = len(concentration["otros_nombrados"]) + (concentration["resto"] is not None)
        rest = "los demás lugares juntos suman" if others > 1 else "el otro lugar suma"
        return (
            f"{lead}«{largest}» reúne {fmt.integer(concentration['personas'])} personas, el "
            f"{fmt.percent(share)} del total; {rest} el {fmt.percent(100 - share)}."
        )

    def _magnitude_sentence(self) -> str:
        """How many times the largest place holds the smallest one (places only, not the `resto` row)."""
        places = self.plan["poblacion_objetivo"]
        places = places[(places["rol"] != contract.REST_ROLE) & (places["personas"] > 0)]
        if len(places) < 2:
            return ""
        ordered = places.sort_values("personas", ascending=False, kind="stable")
        largest, smallest = ordered.iloc[0], ordered.iloc[-1]
        ratio = float(largest["personas"]) / float(smallest["personas"])
        if ratio < 2:
            return ""
        times = fmt.integer(ratio) if ratio >= 10 else fmt.decimal(ratio)
        return (
            f"La población objetivo de «{md(largest['region'])}» es {times} veces la de "
            f"«{md(smallest['region'])}», el lugar que menos reúne."
        )

    def _eligible_figures(self) -> dict:
        """The eligible population and the women among it, for the latest year the plan gives any of them."""
        plan = self.plan
        year = plan.key_figure_year(contract.ROLE_ELIGIBLE)
        if year is None:
            year = max(
                filter(
                    None, (plan.key_figure_year(contract.ROLE_WOMEN), plan.key_figure_year(contract.ROLE_WOMEN_PCT))
                ),
                default=None,
            )
        if year is None:
            return {}
        return {
            "anio": year,
            "elegible": plan.key_figure(contract.ROLE_ELIGIBLE, year),
            "mujeres": plan.key_figure(contract.ROLE_WOMEN, year),
            "porcentaje": plan.key_figure(contract.ROLE_WOMEN_PCT, year),
        }

    def _eligible_values(self) -> dict[str, str]:
        found, target = self._eligible_figures(), self.plan.target_population
        if not found:
            return {}
        values = {"anio_elegible": str(found["anio"])}
        if found["elegible"] is not None:
            values |= {
                "elegible": fmt.integer(found["elegible"]),
                "elegible_pct_objetivo": fmt.percent(100 * found["elegible"] / target),
                "sin_cubrir": fmt.integer(target - found["elegible"]),
            }
        if found["mujeres"] is not None:
            values |= {
                "mujeres": fmt.integer(found["mujeres"]),
                "mujeres_pct_objetivo": fmt.percent(100 * found["mujeres"] / target),
            }
        if found["porcentaje"] is not None:
            values["mujeres_pct"] = share_text(found["porcentaje"])
        return values

    def _eligible_sentence(self) -> str:
        found, target = self._eligible_figures(), self.plan.target_population
        if not found:
            return (
                "El plan no da una población elegible ni cifras por sexo: lo que se propone atender cada año "
                "son las metas de su indicador principal, que se presentan a continuación."
            )
        year, eligible, women, share = found["anio"], found["elegible"], found["mujeres"], found["porcentaje"]
        parts = []
        if eligible is not None:
            amount = (
                f"una población elegible de {fmt.integer(eligible)} personas, el "
                f"{fmt.percent(100 * eligible / target)} de la población objetivo"
            )
            parts.append(
                f"El plan no se propone atender a toda la población objetivo: para {year} estima {amount}."
                if eligible < target
                else f"Para {year} el plan estima {amount}."
            )
        if eligible is not None and share is not None and women is not None:
            parts.append(
                f"De ellas prevé que el {share_text(share)} sean mujeres: {fmt.integer(women)} personas, "
                "según el propio documento. Ese porcentaje se refiere a la población elegible, no a la "
                f"población objetivo: las mujeres a atender equivalen al {fmt.percent(100 * women / target)} "
                "de la población objetivo."
            )
        elif eligible is not None and share is not None:
            parts.append(f"De ellas prevé que el {share_text(share)} sean mujeres.")
        elif women is not None:
            parts.append(
                f"El plan prevé atender en {year} a {fmt.integer(women)} mujeres, el "
                f"{fmt.percent(100 * women / target)} de la población objetivo."
            )
        elif share is not None:
            parts.append(
                f"El plan prevé que el {share_text(share)} de las personas que atienda en {year} sean mujeres."
            )
        return " ".join(parts)

    def _coverage_values(self) -> dict[str, str]:
        plan = self.plan
        fiche = plan["fichas"].set_index("ficha_id").loc[plan.main_fiche]
        path = coverage_path(plan)
        base_year, last = int(path.index[0]), int(path.index[-1])
        unit = str(fiche["unidad_medida"]).strip().lower()
        terms = len(formula_terms(plan, plan.main_fiche))
        gained = path.loc[last, "cobertura_pct"] - path.loc[base_year, "cobertura_pct"]
        persons = path.loc[last, "personas"] - path.loc[base_year, "personas"]
        values = {
            "indicador": md(str(fiche["indicador"]).rstrip(". ")),
            "frase_terminos": f"las metas físicas de {spanish.count_in_words(terms, 'subproducto')}",
            "anio_base": str(base_year),
            "cobertura_base": fmt.percent(path.loc[base_year, "cobertura_pct"]),
            "cobertura_final": fmt.percent(path.loc[last, "cobertura_pct"]),
            "cobertura_puntos": fmt.decimal(abs(gained)),
            "personas_base": fmt.integer(path.loc[base_year, "personas"]),
            "personas_adicionales": fmt.integer(abs(persons)),
            "frase_crecimiento": self._growth_sentence(path["personas"]),
        }
        if round(gained, 1) > 0:
            change = f"una ganancia de {values['cobertura_puntos']} puntos porcentuales"
        elif round(gained, 1) < 0:
            change = f"una pérdida de {values['cobertura_puntos']} puntos porcentuales"
        else:
            change = "la misma cobertura"
        more = "más" if persons >= 0 else "menos"
        values["frase_cobertura"] = (
            f"La cobertura parte de {values['cobertura_base']} en {base_year} y llega a {values['cobertura_final']} "
            f"en {last}: {change} y {values['personas_adicionales']} {md(unit)} {more} que en la línea de base."
        )
        uncovered = plan.target_population - path.loc[last, "personas"]
        values["frase_sin_cubrir"] = (
            f"Y aun cumpliendo la meta, {fmt.integer(uncovered)} personas de la población "
            "objetivo quedarían fuera de la cobertura al final del período."
            if uncovered > 0
            else ""
        )
        return values

    @staticmethod
    def _growth_sentence(persons: pd.Series) -> str:
        """How the indicator's goal grows: the jump from the baseline, then steady or uneven yearly goals."""
        rates = 100 * persons.astype(float).pct_change().dropna()
        if rates.empty:
            return ""
        jump, later = rates.iloc[0], rates.iloc[1:]
        verb = "aumenta" if jump > 0 else "disminuye" if jump < 0 else "se mantiene igual"
        opening = "Entre la línea de base y el primer año del plan, la meta del indicador " + (
            f"{verb} {fmt.percent(abs(jump))}" if jump else verb
        )
        if later.empty:
            return opening + "."
        if later.max() - later.min() < CONSTANT_RATE_TOLERANCE:
            rate = later.mean()
            if round(rate, 1) == 0:
                return opening + "; a partir de ahí, las metas no cambian de un año a otro."
            trend = "crecen" if rate > 0 else "decrecen"
            return (
                opening + f"; a partir de ahí, las metas {trend} a un ritmo constante de {fmt.percent(abs(rate))} "
                "anual, señal de que se proyectaron aplicando una misma tasa año tras año."
            )
        return (
            opening + f"; después, la variación anual de las metas va de {fmt.signed_percent(later.min())} a "
            f"{fmt.signed_percent(later.max())}."
        )

    def _population_source(self) -> str:
        figures = self.plan["cifras_clave"]
        section = figures.loc[figures["rol"] == contract.ROLE_TARGET_POPULATION, "seccion"].iloc[0]
        return self.plan.citation(framework_text.section_reference(section))

    def population_table(self) -> Table:
        """The target population per place, with its share and the plan's total."""
        population = self.plan["poblacion_objetivo"].sort_values("orden")
        total = float(population["personas"].sum())
        table = pd.DataFrame(
            {
                "Lugar": population["region"],
                "Personas": [fmt.integer(v) for v in population["personas"]],
                "Participación": [
                    fmt.percent(100 * v / total) if total else fmt.MISSING for v in population["personas"]
                ],
            }
        )
        footer = pd.DataFrame(
            [
                {
                    "Lugar": "Total",
                    "Personas": fmt.integer(self.plan.target_population),
                    "Participación": fmt.percent(100),
                }
            ]
        )
        return Table(
            pd.concat([table, footer], ignore_index=True),
            caption="Población objetivo por lugar",
            source=self._population_source(),
            name="tabla-poblacion",
        )

    def population_figure(self) -> Figure:
        from pom_lib.present import charts

        # The chart's own alt text states the finding (charts.population_by_region).
        return Figure(
            charts.population_by_region(self.plan),
            caption="Población objetivo por lugar",
            source=self._population_source(),
            name="figura-poblacion",
        )

    def _fiche_source(self) -> str:
        section = self.plan["fichas"].set_index("ficha_id").loc[self.plan.main_fiche, "seccion"]
        return self.plan.citation(framework_text.section_reference(section))

    def coverage_table(self) -> Table:
        """The main indicator's goal per year from the baseline: absolute, yearly increase and coverage."""
        plan = self.plan
        values = indicator_values(plan)
        values = values[values["ficha_id"] == plan.main_fiche].set_index("anio")
        unit = str(plan["fichas"].set_index("ficha_id").loc[plan.main_fiche, "unidad_medida"]).strip()
        goals = values["absoluto_publicado"]
        table = pd.DataFrame(
            {
                "Año": [f"{y} (línea de base)" if b else str(y) for y, b in zip(values.index, values["es_linea_base"])],
                f"Meta ({unit.lower()})": [fmt.integer(v) for v in goals],
                "Aumento sobre el año anterior": [fmt.integer(v) for v in goals.diff()],
                "Variación (%)": [fmt.signed_percent(v) for v in 100 * goals.pct_change()],
                "Cobertura": [fmt.percent(v) for v in values["relativo_publicado"]],
            }
        )
        return Table(
            table,
            caption="Metas del indicador principal y cobertura, de la línea de base al último año",
            source=self._fiche_source(),
            name="tabla-cobertura",
        )

    def coverage_figure(self) -> Figure:
        from pom_lib.present import charts

        return Figure(
            charts.coverage_trajectory(self.plan),
            caption="Cobertura del indicador principal, de la línea de base al último año",
            source=self._fiche_source(),
            name="figura-cobertura",
        )
