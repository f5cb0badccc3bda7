"""Chapter «Acciones por programa»: the actions the plan describes in words, beside the products that fund
each program."""

from __future__ import annotations

from pom_lib.chapters.base import Chapter
from pom_lib.compute import strategic_framework
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.present import strategic_framework as framework_text
from pom_lib.present.display import Table
from pom_lib.present.tables import with_codes


class ProgramActions(Chapter):
    name = "acciones_programa"
    places = ("resumen", "cierre")

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        summary = strategic_framework.program_summary(plan)
        first, last = plan.years[0], plan.years[-1]
        values = {
            "titulo": md(plan.info["titulo"]),
            "anio_inicio": str(first),
            "anio_fin": str(last),
            "n_acciones": fmt.integer(summary["acciones"].sum()),
            "frase_acciones": self._actions_sentence(summary),
            "frase_acciones_y_peso": self._actions_and_weight_sentence(summary),
            "frase_sin_acciones": self._without_actions_sentence(summary),
            "frase_no_nombrados": self._unnamed_sentence(summary),
            "programas_no_nombrados": spanish.quoted(
                md(name) for name in summary.loc[~summary["nombrado_en_documento"], "programa"]
            ),
        }
        with_actions = summary[summary["acciones"] > 0]
        if not with_actions.empty:
            most = with_actions.sort_values("acciones", kind="stable").iloc[-1]
            by_weight = with_actions.sort_values("participacion_periodo", kind="stable")
            values |= {
                "programa_mas_acciones": md(most["programa"]),
                "n_acciones_mas": fmt.integer(most["acciones"]),
                "peso_mas_acciones": fmt.percent(most["participacion_periodo"]),
                "programa_mayor_peso": md(by_weight.iloc[-1]["programa"]),
                "peso_mayor": fmt.percent(by_weight.iloc[-1]["participacion_periodo"]),
                "n_acciones_mayor_peso": fmt.integer(by_weight.iloc[-1]["acciones"]),
                "programa_menor_peso": md(by_weight.iloc[0]["programa"]),
                "peso_menor": fmt.percent(by_weight.iloc[0]["participacion_periodo"]),
                "n_acciones_menor_peso": fmt.integer(by_weight.iloc[0]["acciones"]),
            }
        return values

    @staticmethod
    def _actions_sentence(summary) -> str:
        total, programs = int(summary["acciones"].sum()), int((summary["acciones"] > 0).sum())
        if total == 0:
            return "El documento no enumera acciones para ninguno de sus programas."
        return (
            f"El documento enumera {spanish.count(total, 'acción', 'acciones')} repartidas entre "
            f"{fmt.integer(programs)} de los {spanish.count(len(summary), 'programa')} del plan."
            if programs < len(summary)
            else f"El documento enumera {spanish.count(total, 'acción', 'acciones')}, "
            f"{'todas del único programa' if programs == 1 else f'repartidas entre sus {programs} programas'}."
        )

    @staticmethod
    def _actions_and_weight_sentence(summary) -> str:
        """Which program has most actions and which the largest budget: one sentence if the same program."""
        with_actions = summary[summary["acciones"] > 0]
        if len(with_actions) < 2:
            return ""
        most = with_actions.sort_values("acciones", kind="stable").iloc[-1]
        richest = with_actions.sort_values("participacion_periodo", kind="stable").iloc[-1]
        if most["programa_id"] == richest["programa_id"]:
            return (
                f"«{md(most['programa'])}» es a la vez el programa con más acciones "
                f"({fmt.integer(most['acciones'])}) y el de mayores metas financieras "
                f"({fmt.percent(most['participacion_periodo'])} de las metas financieras del período)."
            )
        return (
            f"«{md(most['programa'])}» es el programa con más acciones ({fmt.integer(most['acciones'])}) y pesa "
            f"{fmt.percent(most['participacion_periodo'])} de las metas financieras del período; "
            f"«{md(richest['programa'])}», el de mayores metas financieras "
            f"({fmt.percent(richest['participacion_periodo'])}), enumera "
            f"{spanish.count(int(richest['acciones']), 'acción', 'acciones')}."
        )

    @staticmethod
    def _without_actions_sentence(summary) -> str:
        without = summary[summary["acciones"] == 0]
        if without.empty or len(without) == len(summary):
            return ""
        names = spanish.quoted(md(name) for name in without["programa"])
        share = fmt.percent(without["participacion_periodo"].sum())
        products = spanish.count(int(without["productos"].sum()), "producto")
        if len(without) == 1:
            return (
                f"El programa {names} no tiene acciones descritas en el documento; reúne {products} y "
                f"{share} de las metas financieras del período."
            )
        return (
            f"Los programas {names} no tienen acciones descritas en el documento; juntos reúnen {products} y "
            f"{share} de las metas financieras del período."
        )

    @staticmethod
    def _unnamed_sentence(summary) -> str:
        unnamed = summary[~summary["nombrado_en_documento"]]
        if unnamed.empty:
            return ""
        names = spanish.quoted(md(name) for name in unnamed["programa"])
        if len(unnamed) == 1:
            return (
                f"El documento no nombra el programa {names}: es una agrupación de productos hecha por el equipo "
                "del libro, explicada en los anexos."
            )
        return (
            f"El documento no nombra los programas {names}: son agrupaciones de productos hechas por el equipo "
            "del libro, explicadas en los anexos."
        )

    def summary_table(self) -> Table:
        return Table(
            framework_text.program_summary_table(self.plan),
            caption="Acciones, productos y metas financieras (quetzales) por programa",
            source=self.plan.citation("acciones y matriz de planificación; agrupación por programa y cálculos propios"),
            name="tabla-resumen-programas",
        )

    def show_programs(self) -> None:
        """Each program: its actions quoted, its weight in the budget and the products that fund it."""
        from IPython.display import Markdown, display

        for program in self.plan.programs.itertuples():
            display(Markdown(f"### {md(program.nombre)}"))
            if not program.nombrado_en_documento:
                display(
                    Markdown(
                        "*El documento no nombra este programa; es una agrupación de productos hecha por el "
                        "equipo del libro (véanse los anexos).*\n"
                    )
                )
            display(Markdown(framework_text.actions_markdown(self.plan, program.programa_id)))
            products = framework_text.program_products_table(self.plan, program.programa_id)
            if products.empty:
                display(Markdown("*El plan no asigna productos ni metas a este programa.*\n"))
                continue
            display(Markdown(framework_text.program_budget_markdown(self.plan, program.programa_id)))
            display(
                Table(
                    with_codes(products, "Producto"),
                    caption=f"Productos que financian el programa «{program.nombre}» y sus metas financieras "
                    "(quetzales)",
                    source=self.plan.citation(
                        "matriz de planificación; asignación de productos a programas y cálculos propios"
                    ),
                    name=f"tabla-productos-{program.programa_id.replace('_', '-')}",
                )
            )
