"""Chapter «Seguimiento de la ejecución»: what was done and spent against what the plan set out to do.

An edition chapter: besides the plan it takes the edition year, the previous edition's plan,
the execution file and the semáforo thresholds (all edition parameters). Execution is measured
against the plan it belongs to (pom_lib.compute.monitoring.monitored_plan); when that is the previous
edition's plan, the chapter says so, and the newer plan's goals for the same years are shown
beside as a reference. Without execution data it shows the goals to be measured and the rules,
never a figure of execution.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pom_lib.chapters.base import Chapter
from pom_lib.compute import monitoring
from pom_lib.compute.execution import EN_META, EN_RIESGO, REZAGADO, SIN_DATO, SIN_META, SOBREEJECUTADO, Thresholds
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.data.plan import Plan
from pom_lib.present import monitoring as monitoring_tables
from pom_lib.present.display import Figure, Table

MEASURED = (SOBREEJECUTADO, EN_META, EN_RIESGO, REZAGADO)
GOAL_WORDS = {"fisico": "meta física", "financiero": "meta financiera"}


class ExecutionMonitoring(Chapter):
    name = "seguimiento"
    places = ()

    def __init__(
        self,
        plan: Plan,
        edition_year: int | None = None,
        previous: Plan | None = None,
        execution_file: str | Path | None = None,
        thresholds: Thresholds = Thresholds(),
    ):
        super().__init__(plan)
        edition_year = int(edition_year) if edition_year is not None else plan.years[0]
        self.monitoring = monitoring.monitoring(plan, previous, edition_year, execution_file, thresholds)

    @property
    def followed(self) -> Plan:
        """The plan whose goals the chapter shows: the monitored one, else the edition's."""
        return self.monitoring.monitored or self.plan

    @property
    def source(self) -> str:
        return (
            f"{self.followed.citation('matriz de planificación')} Ejecución: registro institucional; cálculos de "
            "elaboración propia."
        )

    @property
    def indicator(self) -> pd.Series:
        return self.followed["fichas"].set_index("ficha_id").loc[self.followed.main_fiche]

    @property
    def unit(self) -> str:
        """The main indicator's unit, as prose and column headings use it («personas»)."""
        return str(self.indicator["unidad_medida"]).lower()

    def compute_values(self) -> dict[str, str]:
        m = self.monitoring
        values = {
            "anio_corte": str(m.cutoff),
            "umbral_verde": monitoring_tables.threshold_text(m.thresholds.green),
            "umbral_amarillo": monitoring_tables.threshold_text(m.thresholds.yellow),
            "umbral_sobreejecucion": monitoring_tables.threshold_text(m.thresholds.over),
            "indicador": md(self.indicator["indicador"]),
            "frase_metas_usadas": self._goals_used_sentence(),
        }
        return values | (self._with_data() if m.has_data else self._without_data())

    # --- Sentences ------------------------------------------------------------------------------------

    def _goals_used_sentence(self) -> str:
        """Which plan's goals every table, figure and projection of the chapter uses."""
        m, followed = self.monitoring, self.followed
        if not m.has_data:
            return f"Las metas que muestra este capítulo son las del plan {followed.period}."
        sentence = "Esas son las metas de todas las tablas, del indicador y de la proyección de este capítulo."
        newer = m.newer
        shared = [year for year in newer.years if year in followed.years] if newer is not None else []
        if shared:
            sentence += (
                f" El plan {newer.period} fija otras metas para {spanish.years_span(shared)}: el indicador y la "
                "proyección las muestran al lado, como referencia, sin medir la ejecución contra ellas."
            )
        return sentence

    def _without_data(self) -> dict[str, str]:
        m = self.monitoring
        first = m.first_goal_year
        return {
            "frase_estado": self._no_execution_sentence(),
            "frase_avance": (
                f"Cuando se registre la ejecución de {first}, cada producto y subproducto se comparará "
                "con sus metas física y financiera de ese año. La tabla siguiente reúne las de los "
                "productos y la del indicador principal: son las cifras contra las que se medirá el "
                "primer año."
            ),
            "frase_atencion": "",
            "frase_semaforo": (
                "Todavía no hay nada que clasificar en el semáforo: con la primera ejecución, cada "
                "producto y subproducto recibirá una clase por su meta física y otra por su meta "
                "financiera, y se contará cuántos quedan en cada una."
            ),
            "frase_cobertura": (
                f"La columna *Ejecución* de la ficha sigue vacía. El valor de {first} se calculará "
                "sumando la ejecución física de los subproductos que nombra la fórmula del indicador, "
                "como se suman sus metas, y solo cuando todos ellos tengan dato."
            ),
            "frase_proyeccion": (
                f"La proyección necesita al menos un año completo de ejecución observado: la "
                f"primera podrá calcularse en la edición {first + 1}, con la ejecución de {first}."
            ),
        }

    def _no_execution_sentence(self) -> str:
        """Why an edition shows no execution figures: the plan has not run a year yet, or no file was given."""
        m, plan = self.monitoring, self.plan
        start = plan.years[0]
        if m.monitored is None:
            return (
                f"La edición {m.edition_year} se publica cuando el plan {plan.period} apenas comienza: su año de "
                f"corte, {m.cutoff}, es anterior al primer año del plan ({start}), así que todavía no hay ejecución "
                "que medir. Este capítulo no muestra cifras de ejecución —ni ceros ni estimaciones—: presenta lo "
                f"que se medirá a partir de la edición {start + 1}, con la ejecución de {start}."
            )
        return (
            f"La edición {m.edition_year} se construyó sin el registro de ejecución de {spanish.years_span(m.years)}: "
            "este capítulo no muestra cifras de ejecución —ni ceros ni estimaciones— hasta que ese registro "
            "se incorpore, y presenta lo que se medirá."
        )

    def _with_data(self) -> dict[str, str]:
        m = self.monitoring
        year, att = m.last_year, m.attainment
        return {
            "frase_estado": self._monitored_plan_sentence(),
            "frase_avance": " ".join(
                [self._semaforo_sentence(att, year, "producto", "fisico"), self._financial_sentence(att, year)]
            ),
            "frase_atencion": " ".join(
                filter(None, [self._attention_sentence(att, year), self._over_sentence(att, year)])
            ),
            "frase_semaforo": " ".join(
                [
                    self._semaforo_sentence(att, year, "producto", "financiero"),
                    self._semaforo_sentence(att, year, "subproducto", "fisico"),
                ]
            ),
            "frase_cobertura": self._indicator_sentence(year),
            "frase_proyeccion": self._projection_sentence(),
        }

    def _monitored_plan_sentence(self) -> str:
        m, current = self.monitoring, self.plan
        said = spanish.years_span(m.years)
        if m.newer is None:
            return f"La ejecución de {said} se mide contra las metas del plan {m.monitored.period}."
        return (
            f"La ejecución de {said} pertenece al plan {m.monitored.period}, el de la edición anterior: se mide "
            f"contra sus metas, no contra las del plan {current.period} que presenta esta edición, cuyo primer "
            f"año es {current.years[0]}."
        )

    @staticmethod
    def _semaforo_sentence(attainment: pd.DataFrame, year: int, level: str, measure: str) -> str:
        """How the items of one level fall in the semáforo classes, for one measure and year."""
        rows = attainment[(attainment["anio"] == year) & (attainment["nivel"] == level)]
        counts = rows[f"semaforo_{measure}"].value_counts()
        goal = GOAL_WORDS[measure]
        items = spanish.count(len(rows), level)
        measured = [(c, int(counts[c])) for c in MEASURED if counts.get(c, 0)]
        if not measured:
            return f"En {year}, ninguno de los {items} tiene ejecución que comparar con su {goal}."
        (first, number), rest = measured[0], measured[1:]
        parts = [f"{fmt.integer(number)} de los {items} {'está' if number == 1 else 'están'} «{first}»"]
        parts += [f"{fmt.integer(n)} «{c}»" for c, n in rest]
        others = []
        if counts.get(SIN_DATO, 0):
            others.append(
                f"{fmt.integer(counts[SIN_DATO])} {'no tiene' if counts[SIN_DATO] == 1 else 'no tienen'} dato"
            )
        if counts.get(SIN_META, 0):
            others.append(f"{fmt.integer(counts[SIN_META])} {'tiene' if counts[SIN_META] == 1 else 'tienen'} meta 0")
        tail = f"; {spanish.join(others)}" if others else ""
        return f"En {year}, según su {goal}, {spanish.join(parts)}{tail}."

    def _attention_sentence(self, attainment: pd.DataFrame, year: int) -> str:
        """The products below the green threshold in their physical goal, lowest first."""
        green = monitoring_tables.threshold_text(self.monitoring.thresholds.green)
        rows = attainment[(attainment["anio"] == year) & (attainment["nivel"] == "producto")]
        below = rows[rows["semaforo_fisico"].isin([EN_RIESGO, REZAGADO])].sort_values("avance_fisico_pct")
        if below.empty:
            return f"Ningún producto con dato queda por debajo de {green} de su meta física de {year}."
        named = [
            f"{r.elemento_id} «{md(r.nombre)}» ({fmt.percent(r.avance_fisico_pct)}, {r.semaforo_fisico.lower()})"
            for r in below.itertuples()
        ]
        return f"Por debajo de {green} de su meta física de {year} quedan {spanish.join(named)}."

    def _over_sentence(self, attainment: pd.DataFrame, year: int) -> str:
        """The items above the over-execution threshold in either goal: a goal set too low, or work absorbed."""
        over = monitoring_tables.threshold_text(self.monitoring.thresholds.over)
        rows = attainment[attainment["anio"] == year]
        named = []
        for measure in GOAL_WORDS:
            found = rows[rows[f"semaforo_{measure}"] == SOBREEJECUTADO].sort_values(
                f"avance_{measure}_pct", ascending=False
            )
            named += [
                f"{r.elemento_id} en su {GOAL_WORDS[measure]} ({fmt.percent(getattr(r, f'avance_{measure}_pct'))})"
                for r in found.itertuples()
            ]
        if not named:
            return ""
        verb = "supera" if len(named) == 1 else "superan"
        return (
            f"{spanish.join(named)} {verb} {over} de la meta "
            "(«Sobreejecutado»): una ejecución tan por encima de lo planeado sugiere revisar la meta o lo que el "
            "elemento absorbió."
        )

    def _financial_sentence(self, attainment: pd.DataFrame, year: int) -> str:
        """What the products spent against the year's total and, where reported, against the current budget."""
        plan = self.monitoring.monitored
        rows = attainment[(attainment["anio"] == year) & (attainment["nivel"] == "producto")]
        spent = rows["ejecucion_financiera"].dropna()
        if spent.empty:
            return f"No hay datos de ejecución financiera de los productos en {year}."
        total = float(plan["totales_anuales"].set_index("anio").loc[year, "meta_financiera"])
        reported = int(rows["ejecucion_financiera"].notna().sum())
        subject = (
            "El único producto con dato ejecutó"
            if reported == 1
            else f"Los {spanish.count(reported, 'producto')} con dato ejecutaron"
        )
        sentence = (
            f"{subject} {fmt.quetzales(spent.sum())} de los {fmt.quetzales(total)} programados para {year} "
            f"en todo el plan ({fmt.percent(100 * spent.sum() / total)})."
        )
        budgeted = rows[rows["presupuesto_vigente"].notna() & rows["ejecucion_financiera"].notna()]
        if not budgeted.empty:
            current = float(budgeted["presupuesto_vigente"].sum())
            done = float(budgeted["ejecucion_financiera"].sum())
            approved = float(budgeted["meta_financiera"].sum())
            sentence += (
                f" Frente al presupuesto vigente que informan ({fmt.quetzales(current)}, "
                f"{fmt.signed(current - approved, fmt.quetzales)} respecto de su meta aprobada), la ejecución "
                f"es de {fmt.percent(100 * done / current)}."
            )
        return sentence

    def _indicator_sentence(self, year: int) -> str:
        """The main indicator's executed value in one year, against its goal."""
        row = self.monitoring.coverage.set_index("anio").loc[year]
        if pd.isna(row["ejecucion_absoluta"]):
            return (
                f"El indicador de {year} no puede calcularse: falta la ejecución física de alguno de los "
                "subproductos que suma su fórmula, y una suma parcial lo subestimaría."
            )
        unit = md(self.unit)
        return (
            f"En {year} los subproductos que suma el indicador llegaron a {fmt.integer(row['ejecucion_absoluta'])} "
            f"{unit}, el {fmt.percent(row['ejecucion_relativa'], 2)} de la población objetivo, frente a una meta de "
            f"{fmt.integer(row['meta_absoluta'])} {unit} ({fmt.percent(row['meta_relativa'])}): un avance de "
            f"{fmt.percent(row['avance_pct'])} de la meta del año."
        )

    def _projection_sentence(self) -> str:
        """Where the observed pace would leave the monitored plan's last goals."""
        m = self.monitoring
        projection, path, thresholds = m.projection, m.financial_path, m.thresholds
        last = int(projection["anio"].max())
        final = projection[(projection["nivel"] == "producto") & (projection["anio"] == last)]
        paced = final.dropna(subset=["ritmo_fisico_pct"])
        if paced.empty:
            return "Sin un año completo de ejecución observado, no hay ritmo que proyectar."
        reach = int((paced["avance_fisico_pct"] >= thresholds.green).sum())
        behind = int((paced["avance_fisico_pct"] < thresholds.yellow).sum())
        green, yellow = (monitoring_tables.threshold_text(v) for v in (thresholds.green, thresholds.yellow))
        sentence = (
            f"Si cada producto mantuviera hasta {last} el ritmo observado, {fmt.integer(reach)} de los "
            f"{spanish.count(len(paced), 'producto')} con ritmo medido "
            f"{'llegaría' if reach == 1 else 'llegarían'} al menos a {green} de su "
            f"meta física de {last} en el plan {m.monitored.period}, y {fmt.integer(behind)} "
            f"{'quedaría' if behind == 1 else 'quedarían'} por debajo de {yellow}"
        )
        at_end = path[path["anio"] == last]
        if not at_end.empty and at_end["meta_financiera"].iloc[0]:
            goal, done = float(at_end["meta_financiera"].iloc[0]), float(at_end["ejecucion_financiera"].iloc[0])
            sentence += (
                f"; su ejecución financiera sumaría {fmt.quetzales(done)} de los {fmt.quetzales(goal)} "
                f"programados para ese año ({fmt.percent(100 * done / goal)})"
            )
        return sentence + "."

    # --- Tables and figures --------------------------------------------------------------------------

    def thresholds_table(self) -> Table:
        return Table(
            monitoring_tables.thresholds_table(self.monitoring.thresholds),
            caption="Clases del semáforo de ejecución",
            source="Elaboración propia; umbrales definidos como parámetros de la edición.",
            name="tabla-semaforo-reglas",
        )

    def summary_table(self) -> Table:
        """With data, how many items fall in each class; without, the goals the first execution will meet."""
        m, followed = self.monitoring, self.followed
        if m.has_data:
            return Table(
                monitoring_tables.semaforo_counts_table(m.attainment),
                caption=f"Productos y subproductos por clase del semáforo, {m.last_year}",
                source=self.source,
            )
        first = m.first_goal_year
        return Table(
            monitoring_tables.goals_to_measure_table(followed, first),
            caption=f"Metas de {first} del plan {followed.period} contra las que se medirá la primera ejecución",
            source=followed.citation("matriz de planificación y fichas de indicadores"),
        )

    def show_yearly_tables(self) -> None:
        """Physical and financial attainment of every item, one pair of tables per year monitored."""
        from IPython.display import display

        m = self.monitoring
        if not m.has_data:
            return
        plan = m.monitored.period
        for year in m.years:
            for table, measure in (
                (monitoring_tables.physical_table, "física"),
                (monitoring_tables.financial_table, "financiera"),
            ):
                display(
                    Table(
                        table(m.attainment, year),
                        caption=f"Ejecución {measure} frente a la meta del plan {plan}, {year}",
                        source=self.source,
                        landscape=True,
                    )
                )

    def indicator_table(self) -> Table:
        m, followed = self.monitoring, self.followed
        newer = m.newer if m.has_data else None
        caption = (
            f"Indicador principal: metas del plan {followed.period} y ejecución por año (porcentajes de la "
            "población objetivo)"
        )
        if newer is not None:
            caption += f", con las metas del plan {newer.period}"
        source = followed.citation("fichas de indicadores") + " Ejecución: cálculos de elaboración propia."
        if newer is not None:
            source = f"{source} Metas del plan {newer.period}: {newer.citation('fichas de indicadores')}"
        return Table(
            monitoring_tables.coverage_table(m.coverage, self.unit, newer),
            caption=caption,
            source=source,
            landscape=newer is not None,
        )

    def show_projection(self) -> None:
        """The two paths (financial, indicator) and the per-product projection; nothing without data."""
        from IPython.display import display

        from pom_lib.present import charts

        m = self.monitoring
        if not m.has_data:
            return
        plan, newer = m.monitored.period, m.newer
        years = m.financial_path["anio"]
        financial = indicator = None
        if newer is not None:
            label = f"Meta del plan {newer.period}"
            financial = (label, monitoring.newer_financial_goals(m.financial_path, m.projection, newer))
            goals = monitoring.newer_indicator_goals(newer)
            indicator = (label, goals[goals["anio"].isin(years)])
        beside = f", con las metas del plan {newer.period} en línea punteada" if newer is not None else ""
        paths = (
            (
                m.financial_path,
                ("meta_financiera", "ejecucion_financiera", "quetzales", financial),
                f"Ejecución financiera de los productos: plan {plan} y ritmo observado",
                f"Metas financieras del plan {plan} y ejecución de los productos, observada y proyectada{beside}",
            ),
            (
                m.coverage_path,
                ("meta_absoluta", "ejecucion_absoluta", self.unit, indicator),
                f"Indicador principal: plan {plan} y ritmo observado",
                f"Indicador principal: metas del plan {plan} y valores observados y proyectados{beside}",
            ),
        )
        # Each chart's alt text says what it draws and what it shows (charts.execution_projection).
        for path, (goal, executed, unit, newer_goals), title, caption in paths:
            chart = charts.execution_projection(path, goal, executed, title, unit, newer_goals, f"Meta del plan {plan}")
            display(Figure(chart, caption=caption, source=self.source))
        display(
            Table(
                monitoring_tables.projection_table(m.projection, m.monitored, newer),
                caption=f"Ritmo observado y proyección al último año del plan {plan}, por producto",
                source=self.source,
                landscape=True,
            )
        )
