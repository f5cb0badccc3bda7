"""Chapter «Matriz de planificación multianual»: every goal of the matrix, the budget by program and its growth."""

from __future__ import annotations

from pom_lib.chapters.base import Chapter
from pom_lib.compute import analysis
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.present import narrative, tables
from pom_lib.present.display import Figure, Table

MATRIX_SOURCE = "matriz de planificación"
# Yearly changes closer than this (percentage points) are one uniform growth rate.
UNIFORM_GROWTH_POINTS = 0.1


class PlanningMatrix(Chapter):
    name = "matriz_planificacion"
    places = ("lectura", "presupuesto", "crecimiento")

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        first, last = plan.years[0], plan.years[-1]
        totals = analysis.yearly_totals(plan)["total"]
        units = sorted(plan.goals["unidad_medida"].unique())
        values = {
            "anio_inicio": str(first),
            "anio_fin": str(last),
            "n_productos": fmt.integer(len(plan.products)),
            "n_subproductos": fmt.integer(len(plan.subproducts)),
            "frase_elementos": self._items_phrase(),
            "frase_periodo": f"para cada año de {first} a {last}" if last > first else f"para {first}",
            "n_unidades": fmt.integer(len(units)),
            "unidades": spanish.quoted(md(unit) for unit in units),
            "frase_unidades": self._units_phrase(units),
            "total_periodo": fmt.quetzales(totals.sum()),
            "duracion": spanish.count_in_words(len(plan.years), "año"),
            "total_inicial": fmt.quetzales(totals[first]),
            "total_final": fmt.quetzales(totals[last]),
            "totales_anuales": spanish.join(fmt.quetzales(value) for value in totals),
            "frase_programa_mayor": self._largest_program_sentence(),
            "frase_aumento": self._increase_sentence(),
            "frase_programas": narrative.program_shift_sentence(plan),
            "frase_a_la_baja": self._losing_programs_sentence(),
            "frase_crecimiento": self._growth_sentence(),
            "frase_totales": self._round_totals_sentence(),
        }
        return values | self._largest_program_values() | self._growth_values()

    def _items_phrase(self) -> str:
        """«cada uno de sus 14 productos y 28 subproductos», with the agreement of one item."""
        products, subproducts = len(self.plan.products), len(self.plan.subproducts)
        products_text = (
            "su único producto" if products == 1 else f"cada uno de sus {spanish.count(products, 'producto')}"
        )
        if subproducts == 0:
            return products_text
        subproducts_text = (
            "su único subproducto"
            if subproducts == 1
            else f"sus {spanish.count(subproducts, 'subproducto')}"
            if products == 1
            else spanish.count(subproducts, "subproducto")
        )
        return f"{products_text} y {subproducts_text}"

    @staticmethod
    def _units_phrase(units: list[str]) -> str:
        names = spanish.quoted(md(unit) for unit in units)
        if len(units) == 1:
            return f"Todas las metas físicas se expresan en una misma unidad de medida ({names})"
        return (
            f"Las metas físicas se expresan en {fmt.integer(len(units))} unidades de medida distintas "
            f"({names}), por lo que solo se suman entre elementos de la misma unidad"
        )

    def _program_changes(self):
        """Each program's financial goal in the last year minus the first."""
        budget = analysis.budget_by_program(self.plan)
        return budget[self.plan.years[-1]] - budget[self.plan.years[0]]

    def _largest_program(self) -> str:
        return analysis.budget_shares(self.plan)[self.plan.years[-1]].idxmax()

    def _largest_program_values(self) -> dict[str, str]:
        last = self.plan.years[-1]
        largest = self._largest_program()
        change = self._program_changes()
        values = {
            "programa_mayor": md(largest),
            "programa_mayor_pct": fmt.percent(analysis.budget_shares(self.plan).loc[largest, last]),
            "programa_mayor_aumento": fmt.quetzales(change[largest]),
            "aumento_total": fmt.quetzales(change.sum()),
        }
        if change.sum():
            values["programa_mayor_aumento_pct"] = fmt.percent(100 * change[largest] / change.sum())
        return values

    def _largest_program_sentence(self) -> str:
        plan = self.plan
        largest = self._largest_program()
        if len(plan.programs) == 1:
            return f"Todas las metas financieras corresponden a su único programa, «{md(largest)}»."
        share = analysis.budget_shares(plan).loc[largest, plan.years[-1]]
        return (
            f"El programa «{md(largest)}» es el de mayor peso: en {plan.years[-1]} concentra el "
            f"{fmt.percent(share)} del total."
        )

    def _increase_sentence(self) -> str:
        """How the total changes from the first to the last year, and the largest program's part in it."""
        plan = self.plan
        if len(plan.years) < 2:
            return ""
        change = self._program_changes()
        total = change.sum()
        if total < 0:
            return f"Entre el primer y el último año, el total baja {fmt.quetzales(-total)}."
        if total == 0:
            return "El total del último año es igual al del primero."
        if len(plan.programs) == 1:
            return f"Entre el primer y el último año, el total aumenta {fmt.quetzales(total)}."
        largest = self._largest_program()
        own, share = change[largest], 100 * change[largest] / total
        if own <= 0:
            verb = "baja" if own < 0 else "no cambia"
            amount = f" {fmt.quetzales(-own)}" if own < 0 else ""
            return (
                f"Su asignación {verb}{amount} entre el primer y el último año, aunque el total aumenta "
                f"{fmt.quetzales(total)}."
            )
        part = f"{fmt.quetzales(own)} ({fmt.percent(share)})"
        if share > 50:
            return (
                f"También explica la mayor parte del aumento: de los {fmt.quetzales(total)} adicionales entre "
                f"el primer y el último año, {part} corresponden a él."
            )
        return f"De los {fmt.quetzales(total)} adicionales entre el primer y el último año, le corresponden {part}."

    def _losing_programs_sentence(self) -> str:
        if len(self.plan.years) < 2 or len(self.plan.programs) < 2:
            return ""
        change = self._program_changes()
        losing = [md(name) for name in change[change < 0].index]
        if not losing:
            return "Ningún programa pierde asignación en términos absolutos."
        verb = "Pierde" if len(losing) == 1 else "Pierden"
        return f"{verb} asignación en términos absolutos {spanish.quoted(losing)}."

    def _growth(self):
        return analysis.yearly_totals(self.plan)["variacion_pct"].dropna()

    def _growth_values(self) -> dict[str, str]:
        growth = self._growth()
        if growth.empty:
            return {}
        return {
            "crecimiento_max": fmt.percent(growth.max()),
            "crecimiento_max_anio": str(growth.idxmax()),
            "crecimiento_min": fmt.percent(growth.min()),
            "crecimiento_min_anio": str(growth.idxmin()),
        }

    def _growth_sentence(self) -> str:
        """The yearly total from the first to the last year, and how even its yearly change is."""
        plan = self.plan
        totals = analysis.yearly_totals(plan)["total"]
        first, last = plan.years[0], plan.years[-1]
        if len(plan.years) == 1:
            return f"El plan abarca un solo año, {first}: no hay variación interanual que analizar."
        opening = (
            f"El total anual pasa de {fmt.quetzales(totals[first])} en {first} "
            f"a {fmt.quetzales(totals[last])} en {last}."
        )
        growth = self._growth()
        if len(growth) == 1:
            return opening[:-1] + f" ({fmt.signed_percent(growth.iloc[0])})."
        if growth.max() - growth.min() < UNIFORM_GROWTH_POINTS:
            return opening + f" La variación es la misma todos los años: {fmt.signed_percent(growth.mean())}."
        if growth.min() > 0:
            return (
                opening + f" El crecimiento no es uniforme: el mayor aumento relativo es el de {growth.idxmax()} "
                f"({fmt.percent(growth.max())}) y el menor el de {growth.idxmin()} ({fmt.percent(growth.min())})."
            )
        return (
            opening + f" La variación no es uniforme: la mayor es la de {growth.idxmax()} "
            f"({fmt.signed_percent(growth.max())}) y la menor la de {growth.idxmin()} "
            f"({fmt.signed_percent(growth.min())})."
        )

    def _round_totals_sentence(self) -> str:
        """Whether every yearly total is a whole number of millions: a fact, without its reading."""
        totals = self.plan["totales_anuales"]["meta_financiera"].astype(float)
        if (totals % 1_000_000 == 0).all():
            return (
                "Todos los totales anuales son cifras redondas en millones."
                if len(totals) > 1
                else "El total anual es una cifra redonda en millones."
            )
        return ""

    def matrix_table(self, kind: str) -> Table:
        """The whole matrix: 'meta_fisica' or 'meta_financiera'."""
        caption, name = {
            "meta_fisica": ("Metas físicas por producto y subproducto", "tabla-metas-fisicas"),
            "meta_financiera": ("Metas financieras por producto y subproducto (quetzales)", "tabla-metas-financieras"),
        }[kind]
        return Table(
            tables.matrix_table(self.plan, kind),
            caption=caption,
            source=self.plan.citation(MATRIX_SOURCE),
            name=name,
            landscape=True,
        )

    def programs_table(self) -> Table:
        return Table(
            tables.budget_by_program_table(self.plan),
            caption="Metas financieras por programa y año (quetzales)",
            source=self.plan.citation(f"{MATRIX_SOURCE}; agrupación por programa de elaboración propia"),
            name="tabla-programas",
        )

    def programs_figure(self) -> Figure:
        from pom_lib.present import charts

        return Figure(
            charts.budget_by_program(self.plan),
            caption="Metas financieras por programa y año",
            source=self.plan.citation(MATRIX_SOURCE),
            name="figura-programas",
        )

    def totals_table(self) -> Table:
        return Table(
            tables.yearly_totals_table(self.plan),
            caption="Total anual de las metas financieras y su variación",
            source=self.plan.citation(MATRIX_SOURCE),
            name="tabla-totales",
        )
