"""Chapter «Ampliación de la red en el exterior»: what the plan announces about its consular and diplomatic
network, beside its target population and the budget of the program its main indicator measures.

Only plans whose expansion_red.csv has rows have this chapter.
"""

from __future__ import annotations

import pandas as pd

from pom_lib.chapters.base import Chapter
from pom_lib.compute import analysis, strategic_framework
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.data import contract
from pom_lib.data.plan import Plan
from pom_lib.present import strategic_framework as framework_text
from pom_lib.present.display import Table

# Each scope of expansion_red.csv: its section heading and how the intro counts its statements.
SCOPES = {
    "consular": ("La red consular", "sobre la red consular"),
    "diplomatica": ("La red diplomática", "sobre la red diplomática"),
}
# Shares of a program's budget above which one product holds «casi todo» or «la mayor parte» of it.
ALMOST_ALL_PCT = 90.0
MOST_PCT = 50.0


def _trend(start: float, end: float, up: str, down: str, same: str) -> str:
    return up if end > start else down if end < start else same


def program_trajectory(plan: Plan, program_id: str) -> pd.DataFrame:
    """A program's financial goal per year, its change and its share of the yearly total.

    Columns: anio, meta_financiera, variacion_pct (NaN the first year), participacion (points).
    """
    budget = analysis.budget_by_program(plan)
    budget.index = plan.programs["programa_id"].tolist()
    values = budget.loc[program_id]
    totals = budget.sum()
    return pd.DataFrame(
        {
            "anio": plan.years,
            "meta_financiera": values.to_numpy(),
            "variacion_pct": (100 * values.pct_change()).to_numpy(),
            "participacion": (100 * values / totals.where(totals > 0)).to_numpy(),
        }
    )


class NetworkExpansion(Chapter):
    name = "red_consular"
    places = ("consular", "diplomatica", "ambitos", "poblacion", "programa")

    @classmethod
    def applies(cls, plan: Plan) -> bool:
        """Only a plan that states how its network abroad will grow has this chapter."""
        return not plan["expansion_red"].empty

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        statements = plan["expansion_red"]
        by_scope = [
            spanish.count_in_words(int((statements["ambito"] == scope).sum()), "enunciado") + " " + about
            for scope, (_, about) in SCOPES.items()
            if (statements["ambito"] == scope).any()
        ]
        link = strategic_framework.indicator_link(plan)
        program = md(strategic_framework.program_name(plan, link.program_id)) if link else None
        values = {
            "titulo": md(plan.info["titulo"]),
            "anio_inicio": str(plan.years[0]),
            "anio_fin": str(plan.years[-1]),
            "frase_enunciados": (
                f"El {md(plan.info['titulo'])} anuncia cómo crecerá su red en el exterior en {spanish.join(by_scope)}."
            ),
            "frase_capitulo": "Este capítulo cita esos enunciados y los sitúa frente a la población objetivo del "
            "plan"
            + (
                f" y frente a las metas financieras del programa «{program}», el que mide su indicador principal."
                if program
                else "."
            ),
            "frase_poblacion": self._population_sentence(),
            "frase_lugares_nombrados": self._named_places_sentence(),
        }
        values |= self._population_values()
        if link is not None:
            values |= self._program_values(link)
        return values

    def _population_sentence(self) -> str:
        """MyST: it cites the population table and figure of the chapter on the target population."""
        return (
            f"La población objetivo del plan, {fmt.integer(self.plan.target_population)} personas, se reparte por "
            "lugar como muestran la {numref}`tabla-poblacion` y la {numref}`figura-poblacion`, en el capítulo "
            "{doc}`alcance_poblacion`."
        )

    def _named_places(self) -> pd.DataFrame:
        """The places of the target population whose name the network statements write."""
        population = self.plan["poblacion_objetivo"].sort_values("orden")
        places = population[population["rol"] != contract.REST_ROLE]
        text = " ".join(self.plan["expansion_red"]["texto"].astype(str)).casefold()
        return places[[str(name).casefold() in text for name in places["region"]]]

    def _named_places_sentence(self) -> str:
        named = self._named_places()
        if named.empty:
            return ""
        total = float(self.plan["poblacion_objetivo"]["personas"].sum())
        share = fmt.percent(100 * float(named["personas"].sum()) / total) if total else fmt.MISSING
        names = spanish.quoted(md(name) for name in named["region"])
        if len(named) == 1:
            return f"Los enunciados sobre la red nombran {names}, que reúne el {share} de la población objetivo."
        return (
            f"Los enunciados sobre la red nombran {names}, lugares que reúnen juntos el {share} de la población "
            "objetivo."
        )

    def _population_values(self) -> dict[str, str]:
        """Figures of the target population the team's reading may cite."""
        plan = self.plan
        concentration = strategic_framework.population_concentration(plan)
        values = {"poblacion_total": fmt.integer(plan.target_population)}
        if concentration["region"] is not None:
            values |= {
                "region_mayor": md(concentration["region"]),
                "personas_region_mayor": fmt.integer(concentration["personas"]),
                "peso_region_mayor": fmt.percent(concentration["participacion"]),
                "otros_nombrados": spanish.join(md(name) for name in concentration["otros_nombrados"]),
                "peso_otros_nombrados": fmt.percent(concentration["participacion_otros_nombrados"]),
            }
        if concentration["resto"] is not None:
            values["peso_resto"] = fmt.percent(concentration["participacion_resto"])
        last = plan.years[-1]
        eligible = plan.key_figure(contract.ROLE_ELIGIBLE, last)
        if eligible is not None:
            values |= {
                "poblacion_elegible": fmt.integer(eligible),
                "sin_cobertura": fmt.integer(plan.target_population - eligible),
            }
        coverage = plan.key_figure(contract.ROLE_COVERAGE_GOAL, last)
        if coverage is not None:
            values["cobertura_meta"] = fmt.percent(coverage)
        return values

    def _program_values(self, link: strategic_framework.ObjectiveLink) -> dict[str, str]:
        """The budget of the program the document links to the main indicator: its path and its main product."""
        plan = self.plan
        first, last = plan.years[0], plan.years[-1]
        objective = plan.statements("objetivo_operativo").set_index("orden").loc[link.objective, "titulo"]
        trajectory = program_trajectory(plan, link.program_id).set_index("anio")
        start, end = trajectory.loc[first, "meta_financiera"], trajectory.loc[last, "meta_financiera"]
        totals = analysis.yearly_totals(plan)["total"]
        values = {
            "programa": md(strategic_framework.program_name(plan, link.program_id)),
            "objetivo": md(objective),
            "programa_inicio": fmt.millions_of_quetzales(start),
            "programa_fin": fmt.millions_of_quetzales(end),
            "programa_peso_inicio": fmt.percent(trajectory.loc[first, "participacion"]),
            "programa_peso_fin": fmt.percent(trajectory.loc[last, "participacion"]),
        }
        opening = (
            f"El documento vincula el programa «{values['programa']}» con uno de sus objetivos operativos "
            f"({values['objetivo']}), y ese programa produce los subproductos que suma el indicador principal "
            "del plan."
        )
        if last == first or start <= 0:
            values["frase_programa"] = (
                f"{opening} Sus metas financieras suman "
                f"{fmt.millions_of_quetzales(trajectory['meta_financiera'].sum())} en el "
                "período (tabla siguiente)."
            )
        else:
            growth = 100 * (end / start - 1)
            total_growth = 100 * (totals[last] / totals[first] - 1)
            change = _trend(
                start,
                end,
                f"un aumento de {fmt.percent(growth)}",
                f"una disminución de {fmt.percent(abs(growth))}",
                "sin cambio",
            )
            values |= {
                "programa_crecimiento": fmt.percent(growth),
                "programa_tcac": fmt.percent(analysis.compound_growth(start, end, last - first)),
                "total_crecimiento": fmt.percent(total_growth),
            }
            rate = f", {values['programa_tcac']} por año en promedio" if end > start else ""
            total = (
                fmt.percent(total_growth)
                if end > start and total_growth > 0
                else _trend(
                    0,
                    total_growth,
                    f"un aumento de {fmt.percent(total_growth)}",
                    f"una disminución de {fmt.percent(abs(total_growth))}",
                    "ningún cambio",
                )
            )
            values["frase_programa"] = (
                f"{opening} Sus metas financieras pasan de {values['programa_inicio']} en {first} a "
                f"{values['programa_fin']} en {last} (tabla siguiente): {change}{rate}, frente a {total} del total "
                "del plan."
            )
        values |= self._main_product_values(link.program_id, trajectory)
        return values

    def _main_product_values(self, program_id: str, trajectory: pd.DataFrame) -> dict[str, str]:
        plan = self.plan
        first, last = plan.years[0], plan.years[-1]
        share_start, share_end = trajectory.loc[first, "participacion"], trajectory.loc[last, "participacion"]
        sentences = []
        if last != first:
            sentences.append(
                f"El programa {_trend(share_start, share_end, 'gana', 'pierde', 'mantiene')} peso dentro "
                f"del plan: de {fmt.percent(share_start)} del total en {first} a "
                f"{fmt.percent(share_end)} en {last}."
            )
        products = strategic_framework.program_products(plan, program_id)
        values = {}
        if not products.empty and products["participacion_programa"].notna().any():
            main = products.sort_values("participacion_programa", kind="stable").iloc[-1]
            share = float(main["participacion_programa"])
            name = md(main["producto"])
            values |= {"producto_principal": name, "producto_principal_peso": fmt.percent(share)}
            if len(products) == 1:
                sentences.append(f"Todas sus metas financieras corresponden al producto «{name}».")
            elif share >= ALMOST_ALL_PCT:
                sentences.append(
                    f"Casi todas sus metas financieras ({fmt.percent(share)} en el período) corresponden al "
                    f"producto «{name}»."
                )
            elif share > MOST_PCT:
                sentences.append(
                    f"La mayor parte de sus metas financieras ({fmt.percent(share)} en el período) corresponde "
                    f"al producto «{name}»."
                )
            else:
                sentences.append(
                    f"Su producto de mayor peso, «{name}», reúne {fmt.percent(share)} de sus metas financieras "
                    "en el período."
                )
            values |= self._unit_cost_values(main)
            sentences.append(values.get("frase_costo", ""))
        values["frase_programa_peso"] = " ".join(s for s in sentences if s)
        return values

    def _unit_cost_values(self, product: pd.Series) -> dict[str, str]:
        """How the product's financial and physical goals grow, and so its implicit unit cost (frase_costo)."""
        plan = self.plan
        first, last = plan.years[0], plan.years[-1]
        if first == last:
            return {}
        growth = analysis.product_growth(plan).set_index("producto_id").loc[product["producto_id"]]
        financial, physical = growth["meta_financiera_variacion_pct"], growth["meta_fisica_variacion_pct"]
        if pd.isna(financial) or pd.isna(physical):
            return {}

        def moves(points: float) -> str:
            return _trend(
                0, points, f"crece {fmt.percent(points)}", f"disminuye {fmt.percent(abs(points))}", "no cambia"
            )

        cost = _trend(physical, financial, "sube", "baja", "se mantiene")
        unit = md(str(product["unidad_medida"]).strip().lower())
        return {
            "producto_principal_financiera": fmt.percent(financial),
            "producto_principal_fisica": fmt.percent(physical),
            "costo_unitario": cost,
            "frase_costo": (
                f"Su meta financiera {moves(financial)} entre {first} y {last}, mientras su meta "
                f"física {moves(physical)}. El costo implícito por {unit} {cost}, por tanto, a lo "
                "largo del período."
            ),
        }

    def scope_sections(self) -> list[tuple[str, str]]:
        """(scope, Markdown) for each scope the plan has statements for: its heading and its statements quoted."""
        scopes = set(self.plan["expansion_red"]["ambito"])
        return [
            (scope, f"## {heading}\n\n" + framework_text.expansion_markdown(self.plan, scope))
            for scope, (heading, _) in SCOPES.items()
            if scope in scopes
        ]

    def show_scopes(self) -> None:
        """One section per scope: its statements, then the team's reading of them."""
        from IPython.display import Markdown, display

        for scope, markdown in self.scope_sections():
            display(Markdown(markdown))
            self.show_commentary(scope)

    def show_program(self) -> None:
        """The section on the program the document links to the main indicator, when there is one."""
        from IPython.display import Markdown, display

        if "frase_programa" not in self.values:
            return
        display(
            Markdown(
                f"## Las metas financieras del programa «{self.values['programa']}»\n\n"
                f"{self.values['frase_programa']}\n"
            )
        )
        link = strategic_framework.indicator_link(self.plan)
        display(self.program_table(link.program_id))
        if self.values["frase_programa_peso"]:
            display(Markdown(self.values["frase_programa_peso"] + "\n"))
        self.show_commentary("programa")

    def program_table(self, program_id: str) -> Table:
        data = program_trajectory(self.plan, program_id)
        table = pd.DataFrame(
            {
                "Año": data["anio"].astype(str),
                "Meta financiera": [fmt.quetzales(v) for v in data["meta_financiera"]],
                "Variación anual": [fmt.signed_percent(v) for v in data["variacion_pct"]],
                "Peso en el total del año": [fmt.percent(v) for v in data["participacion"]],
            }
        )
        name = strategic_framework.program_name(self.plan, program_id)
        return Table(
            table,
            caption=f"Metas financieras del programa «{name}» por año",
            source=self.plan.citation("matriz de planificación; agrupación por programa y cálculos propios"),
            name="tabla-trayectoria-programa",
        )
