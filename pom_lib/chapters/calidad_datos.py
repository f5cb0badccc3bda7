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
    def review(self) -> reconciliation.AcknowledgementReview:
        """The failing checks split by whether the plan acknowledges them as its document's own."""
        return reconciliation.review_acknowledgements(self.plan, self.report)

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
            "frase_reconocidas": self._acknowledged_sentence(),
            "n_notas": fmt.integer(len(self.notes)),
            "frase_lecturas": self._notes_sentence(),
            "n_anomalias": fmt.integer(len(self.anomalies)),
            "frase_anomalias": self._anomalies_sentence(),
        }

    def _acknowledged_sentence(self) -> str:
        """How many of the failing checks the plan acknowledges as its document's own (empty when none)."""
        acknowledged, failing = len(self.review.acknowledged), int((~self.report["cumple"]).sum())
        if not acknowledged:
            return ""
        reason = "con su razón" if acknowledged == 1 else "con la razón de cada una"
        table = "({numref}`tabla-reconocidas`)"
        if acknowledged == failing == 1:
            return (
                f"La que no cuadra es una diferencia del propio documento publicado, que los datos reconocen "
                f"{reason} {table}."
            )
        if acknowledged == failing:
            return (
                f"Las {fmt.integer(failing)} que no cuadran son diferencias del propio documento publicado, que los "
                f"datos reconocen {reason} {table}."
            )
        others = failing - acknowledged
        what = "es una diferencia" if acknowledged == 1 else "son diferencias"
        rest = "la otra se detalla" if others == 1 else f"las otras {fmt.integer(others)} se detallan"
        return (
            f"De las {fmt.integer(failing)} que no cuadran, {fmt.integer(acknowledged)} {what} del propio documento "
            f"publicado, que los datos reconocen {reason} {table}; {rest} en la {{numref}}`tabla-diferencias`."
        )

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
        """The checks that fail, those the plan acknowledges apart with their note, or a sentence saying there are
        none."""
        from IPython.display import Markdown, display

        if self.report["cumple"].all():
            display(Markdown("Ninguna comprobación presenta diferencias, por lo que no hay detalle que mostrar."))
            return
        for table in (self.differences_table(), self.acknowledged_table()):
            if table is not None:
                display(table)

    def differences_table(self) -> Table | None:
        """The failing checks the plan does not acknowledge."""
        if self.review.unacknowledged.empty:
            return None
        return Table(
            tables.reconciliation_detail_table(self.review.unacknowledged),
            caption="Comprobaciones que no cuadran",
            source=self.plan.citation("verificación de elaboración propia"),
            name="tabla-diferencias",
        )

    def acknowledged_table(self) -> Table | None:
        """The failing checks the plan acknowledges as differences of the published document, with their note."""
        acknowledged = self.review.acknowledged
        if acknowledged.empty:
            return None
        return Table(
            tables.reconciliation_detail_table(acknowledged).assign(Razón=list(acknowledged["nota"])),
            caption="Comprobaciones que no cuadran en el documento publicado, reconocidas en los datos",
            source=self.plan.citation("verificación de elaboración propia; razón: paquete de datos del libro"),
            name="tabla-reconocidas",
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
