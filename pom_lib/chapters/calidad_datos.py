"""Chapter «Calidad de los datos»: the schema validation, the plan's arithmetic redone, reading notes and anomalies."""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from pom_lib.chapters.base import Chapter
from pom_lib.compute import reconciliation
from pom_lib.compute.quality import anomalies
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.present import narrative, tables
from pom_lib.present.display import Table

# What each reconciliation rule compares, in words, in the order the chapter lists them.
RULE_DESCRIPTIONS = [
    (
        (reconciliation.RULE_FINANCIAL, reconciliation.RULE_PHYSICAL),
        "la meta financiera de cada producto con la suma de sus subproductos, y su meta física con la suma de los "
        "subproductos medidos en la misma unidad",
    ),
    ((reconciliation.RULE_TOTAL,), "cada total anual con la suma de los productos"),
    (
        (reconciliation.RULE_INDICATOR_ABS, reconciliation.RULE_INDICATOR_REL),
        "el indicador de cada ficha con su fórmula: el dato absoluto con la suma de los subproductos que nombra, y el "
        "dato relativo con el absoluto dividido entre la población objetivo, al décimo que publica el documento",
    ),
]
POPULATION_DESCRIPTIONS = [
    (reconciliation.RULE_POPULATION, "la población objetivo con la suma por país o región"),
    (reconciliation.RULE_ELIGIBLE, "la población elegible con la meta absoluta del indicador en el mismo año"),
    (
        reconciliation.RULE_WOMEN,
        "las mujeres a atender con el porcentaje de mujeres que declara el plan aplicado a la población elegible",
    ),
]
SOURCE = "matriz de planificación, fichas de indicadores y cifras de población; verificación de elaboración propia"


class DataQuality(Chapter):
    name = "calidad_datos"
    places = ("validacion", "conciliacion", "lecturas", "anomalias")

    @cached_property
    def report(self) -> pd.DataFrame:
        return reconciliation.reconcile(self.plan)

    @cached_property
    def notes(self) -> pd.DataFrame:
        return tables.reading_notes_table(self.plan)

    @cached_property
    def anomalies(self) -> pd.DataFrame:
        return anomalies(self.plan)

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        return {
            "n_tablas": fmt.integer(len(plan.tables)),
            "n_filas": fmt.integer(sum(len(table) for table in plan.tables.values())),
            "n_reglas": fmt.integer(len(reconciliation.summary(self.report))),
            "n_comprobaciones": fmt.integer(len(self.report)),
            "frase_conciliacion": narrative.reconciliation_sentence(self.report),
            "n_notas": fmt.integer(len(self.notes)),
            "frase_lecturas": self._notes_sentence(),
            "n_anomalias": fmt.integer(len(self.anomalies)),
            "frase_anomalias": self._anomalies_sentence(),
        }

    def _notes_sentence(self) -> str:
        count = len(self.notes)
        if count == 0:
            return "Ninguna fila de los datos de este plan lleva nota de lectura."
        readme = self.plan.source.is_dir() and (self.plan.source / "README.md").is_file()
        listed = (
            "La tabla siguiente recoge la única nota de lectura"
            if count == 1
            else f"La tabla siguiente recoge las {fmt.integer(count)} notas de lectura"
        )
        explained = (
            "; la documentación del paquete de datos (README.md) explica cada una con más detalle" if readme else ""
        )
        return (
            f"Donde el documento admite más de una lectura, la elegida queda anotada en la fila afectada de los "
            f"datos (columna «nota»). {listed}{explained}."
        )

    def _anomalies_sentence(self) -> str:
        count = len(self.anomalies)
        if count == 0:
            return "En este plan no encuentra ninguna."
        if count == 1:
            return "En este plan encuentra una, que muestra la tabla siguiente."
        return f"En este plan encuentra {fmt.integer(count)}, que enumera la tabla siguiente."

    def rules_markdown(self) -> str:
        """What the rules of this plan's report compare, as a Markdown list (only the rules that apply)."""
        present = set(self.report["regla"])
        items = [text for rules, text in RULE_DESCRIPTIONS if present & set(rules)]
        population = [text for rule, text in POPULATION_DESCRIPTIONS if rule in present]
        if population:
            items.append(spanish.join(population))
        lines = [f"- {text}{';' if i < len(items) - 1 else '.'}" for i, text in enumerate(items)]
        return (
            "Las reglas comparan cifras publicadas con cifras derivadas de otras partes del documento:\n\n"
            + "\n".join(lines)
            + "\n"
        )

    def show_rules(self) -> None:
        from IPython.display import Markdown, display

        display(Markdown(self.rules_markdown()))

    def summary_table(self) -> Table:
        return Table(
            tables.reconciliation_summary_table(self.report),
            caption="Reglas de conciliación y su resultado",
            source=self.plan.citation(SOURCE),
            name="tabla-conciliacion",
        )

    def show_differences(self) -> None:
        """The checks that fail, or a sentence saying there are none."""
        from IPython.display import Markdown, display

        if self.report["cumple"].all():
            display(Markdown("Ninguna comprobación presenta diferencias, por lo que no hay detalle que mostrar."))
            return
        display(
            Table(
                tables.reconciliation_detail_table(self.report),
                caption="Comprobaciones que no cuadran",
                source=self.plan.citation("verificación de elaboración propia"),
                name="tabla-diferencias",
            )
        )

    def notes_table(self) -> Table | None:
        if self.notes.empty:
            return None
        return Table(
            self.notes,
            caption="Notas de lectura registradas en los datos",
            source="Paquete de datos del libro (columna «nota»).",
            name="tabla-lecturas",
        )

    def anomalies_table(self) -> Table | None:
        if self.anomalies.empty:
            return None
        return Table(
            tables.anomalies_table(self.plan),
            caption="Anomalías del plan que no son errores aritméticos",
            source=self.plan.citation("matriz de planificación; revisión de elaboración propia"),
            name="tabla-anomalias",
        )
