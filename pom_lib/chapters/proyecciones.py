"""Chapter «Proyecciones»: growth implied by the goals, unit costs and their outliers, and scenarios after the plan."""

from __future__ import annotations

import math
from functools import cached_property

import pandas as pd

from pom_lib.chapters.base import Chapter
from pom_lib.compute import analysis, projections
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.present import strategic_framework as framework_text
from pom_lib.present import tables
from pom_lib.present.display import Figure, Table

MATRIX_SOURCE = "matriz de planificación"
# Growth rates within this many points of each other (or of zero) count as the same pace.
PACE_TOLERANCE_POINTS = 0.5
HALF_COVERAGE_PCT = 50.0


class Projections(Chapter):
    """The chapter for one plan; the assumptions are the edition's parameters (defaults as in the template)."""

    name = "proyecciones"
    places = ("crecimiento", "costos", "atipicos", "cobertura", "presupuesto")

    def __init__(
        self,
        plan,
        anios_proyeccion: int = 4,
        tasa_alternativa: float = 3.0,
        crecimiento_poblacion: float = 1.0,
        umbral_atipicos: float = 50.0,
    ):
        super().__init__(plan)
        if int(anios_proyeccion) != anios_proyeccion or anios_proyeccion < 1:
            raise ValueError(
                f"anios_proyeccion debe ser un número entero de años mayor que cero, no {anios_proyeccion!r}"
            )
        self.years_after = int(anios_proyeccion)
        self.alternative_rate = float(tasa_alternativa)
        self.population_growth = float(crecimiento_poblacion)
        self.threshold = float(umbral_atipicos)
        self.scenarios = projections.default_scenarios(self.alternative_rate)

    @property
    def horizon(self) -> int:
        """The last projected year: a fixed number of years after the plan's own last year."""
        return self.plan.years[-1] + self.years_after

    @cached_property
    def coverage(self) -> pd.DataFrame:
        """The main indicator's coverage after the plan, per scenario."""
        return projections.coverage_projection(self.plan, self.horizon, self.scenarios, self.population_growth)

    @cached_property
    def budget(self) -> pd.DataFrame:
        """The yearly total after the plan, per scenario."""
        return projections.budget_projection(self.plan, self.horizon, self.scenarios)

    @cached_property
    def outliers(self) -> pd.DataFrame:
        return analysis.unit_cost_outliers(self.plan, self.threshold)

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        first, last = plan.years[0], plan.years[-1]
        units = sorted(plan.goals["unidad_medida"].unique())
        outliers = self.outliers
        values = {
            "anio_inicio": str(first),
            "anio_fin": str(last),
            "horizonte": str(self.horizon),
            "anios_proyeccion": spanish.count_in_words(self.years_after, "año"),
            "tasa_alternativa": fmt.percent(self.alternative_rate),
            "crecimiento_poblacion": fmt.percent(self.population_growth),
            "umbral": fmt.percent(self.threshold, 0),
            "frase_crecimiento": self._physical_growth_sentence(),
            "frase_financiera": self._financial_growth_sentence(),
            "unidades": spanish.quoted(md(unit) for unit in units),
            "n_atipicos": fmt.integer(len(outliers)),
            "frase_atipicos": self._outliers_sentence(outliers),
            "frase_cobertura": self._coverage_sentence(),
            "frase_mitad": self._half_coverage_sentence(),
            "frase_presupuesto": self._budget_sentence(),
        }
        return values | self._fastest_values() | self._scenario_values()

    # --- Growth implied by the goals -----------------------------------------------------------

    def _physical_growth_sentence(self) -> str:
        """Whether the products' physical goals grow at one common pace, stay flat or fall."""
        rates = analysis.product_growth(self.plan)["meta_fisica_tcac"].dropna()
        if len(self.plan.years) < 2:
            return "El plan abarca un solo año: sus metas no tienen crecimiento que medir."
        growing = rates[rates > PACE_TOLERANCE_POINTS]
        flat = int((rates.abs() <= PACE_TOLERANCE_POINTS).sum())
        falling = int((rates < -PACE_TOLERANCE_POINTS).sum())
        others = []
        if flat:
            others.append(
                f"{fmt.integer(flat)} {'mantiene' if flat == 1 else 'mantienen'} la misma meta todos los años"
            )
        if falling:
            others.append(f"{fmt.integer(falling)} la {'reduce' if falling == 1 else 'reducen'}")
        if growing.empty:
            tail = f": {spanish.join(others)}" if others else ""
            return f"Ninguna meta física de producto crece durante el período{tail}."
        if len(growing) == 1:
            opening = f"Un solo producto tiene una meta física que crece, a {fmt.percent(growing.iloc[0])} anual"
        else:
            median = growing.median()
            near = int(((growing - median).abs() <= PACE_TOLERANCE_POINTS).sum())
            every = f"Los {fmt.integer(len(growing))} productos cuya meta física crece lo hacen"
            if near == len(growing):
                opening = f"{every} a un ritmo cercano al {fmt.percent(median)} anual"
            elif near > len(growing) / 2:
                opening = (
                    f"{fmt.integer(near)} de los {fmt.integer(len(growing))} productos cuya meta física crece "
                    f"lo hacen a un ritmo cercano al {fmt.percent(median)} anual"
                )
            else:
                opening = (
                    f"{every} a ritmos distintos, entre {fmt.percent(growing.min())} y "
                    f"{fmt.percent(growing.max())} anual"
                )
        if not others:
            return opening + "."
        return (
            f"{opening}; de los demás, {spanish.join(others)}."
            if len(growing) == 1
            else f"{opening}, y {spanish.join(others)}."
        )

    def _fastest(self) -> pd.Series | None:
        growth = analysis.product_growth(self.plan).dropna(subset=["meta_financiera_tcac"])
        return None if growth.empty else growth.loc[growth["meta_financiera_tcac"].idxmax()]

    def _fastest_values(self) -> dict[str, str]:
        fastest = self._fastest()
        if fastest is None:
            return {}
        return {
            "producto_rapido": f"{fastest['producto_id']} «{md(fastest['producto'])}»",
            "producto_rapido_tasa": fmt.percent(fastest["meta_financiera_tcac"]),
        }

    def _financial_growth_sentence(self) -> str:
        fastest = self._fastest()
        if fastest is None:
            return ""
        if fastest["meta_financiera_tcac"] <= 0:
            return f"Ninguna meta financiera de producto crece entre {self.plan.years[0]} y {self.plan.years[-1]}."
        return (
            f"La meta financiera que más crece es la de {fastest['producto_id']} «{md(fastest['producto'])}», "
            f"a {fmt.percent(fastest['meta_financiera_tcac'])} anual."
        )

    def growth_table(self) -> Table:
        return Table(
            tables.product_growth_table(self.plan),
            caption="Metas del primer y del último año y crecimiento anual compuesto, por producto",
            source=self.plan.citation(f"{MATRIX_SOURCE}; cálculos de elaboración propia"),
            name="tabla-crecimiento-productos",
            landscape=True,
        )

    def growth_figure(self) -> Figure | None:
        """Yearly growth of each product's goals; none when no product has a growth rate (a one-year plan)."""
        from pom_lib.present import charts

        if analysis.product_growth(self.plan)["meta_fisica_tcac"].dropna().empty:
            return None
        return Figure(
            charts.product_growth(self.plan),
            caption="Crecimiento anual promedio de las metas físicas y financieras, por producto",
            source=self.plan.citation(f"{MATRIX_SOURCE}; cálculos de elaboración propia"),
            name="figura-crecimiento-productos",
        )

    # --- Unit costs and their outliers ---------------------------------------------------------

    def unit_cost_table(self, level: str) -> Table:
        caption = {
            "producto": "Costo por unidad de meta física, por producto (quetzales)",
            "subproducto": "Costo por unidad de meta física, por subproducto (quetzales)",
        }[level]
        return Table(
            tables.unit_cost_table(self.plan, level),
            caption=caption,
            source=self.plan.citation(f"{MATRIX_SOURCE}; cálculos de elaboración propia"),
            name=f"tabla-costo-{level}s",
            landscape=True,
        )

    def _outliers_sentence(self, outliers: pd.DataFrame) -> str:
        threshold = fmt.percent(self.threshold, 0)
        if len(self.plan.years) < 2:
            return "Con un solo año, el costo unitario no tiene variaciones que comparar."
        if outliers.empty:
            return f"Ningún costo unitario varía más de {threshold} de un año al siguiente."
        count, items = len(outliers), outliers["elemento"].nunique()
        if count == 1:
            return f"Una variación anual del costo unitario supera el umbral de {threshold}."
        return (
            f"{fmt.integer(count)} variaciones anuales del costo unitario superan el umbral de {threshold}, "
            f"en {spanish.count(items, 'elemento')} de la matriz."
        )

    def show_outliers(self) -> None:
        """The outliers with what the data say of each; nothing when no unit cost jumps past the threshold."""
        from IPython.display import Markdown, display

        outliers = self.outliers
        if outliers.empty:
            return
        which = "La tabla siguiente la muestra" if len(outliers) == 1 else "La tabla siguiente las enumera"
        display(
            Markdown(
                f"{which} con la explicación que permiten los datos: si el salto viene de la asignación o "
                "del volumen, y si otro subproducto del mismo producto se mueve en sentido contrario por un "
                "monto parecido, lo que apunta a una reasignación de fondos y no a un cambio real del costo "
                "de producir."
            )
        )
        display(
            Table(
                tables.outliers_table(self.plan, self.threshold),
                caption="Variaciones anuales atípicas del costo por unidad",
                source=self.plan.citation(f"{MATRIX_SOURCE}; cálculos de elaboración propia"),
                name="tabla-atipicos",
            )
        )

    # --- Scenarios after the plan --------------------------------------------------------------

    def _at_horizon(self, projection: pd.DataFrame, column: str) -> dict[str, float]:
        rows = projection[projection["anio"] == self.horizon].set_index("escenario")[column]
        return {scenario.kind: float(rows[scenario.name]) for scenario in self.scenarios}

    def _scenario_values(self) -> dict[str, str]:
        coverage = self._at_horizon(self.coverage, "cobertura_pct")
        budget = self._at_horizon(self.budget, "total")
        totals = analysis.yearly_totals(self.plan)["total"]
        first, last = self.plan.years[0], self.plan.years[-1]
        return {
            "cobertura_tendencia": fmt.percent(coverage["tendencia"]),
            "cobertura_constante": fmt.percent(coverage["constante"]),
            "cobertura_alternativa": fmt.percent(coverage["tasa"]),
            "presupuesto_tendencia": fmt.millions_of_quetzales(budget["tendencia"]),
            "presupuesto_alternativo": fmt.millions_of_quetzales(budget["tasa"]),
            "presupuesto_final": fmt.millions_of_quetzales(totals[last]),
            "tcac_presupuesto": fmt.percent(analysis.compound_growth(totals[first], totals[last], last - first)),
        }

    def _coverage_sentence(self) -> str:
        coverage = self._at_horizon(self.coverage, "cobertura_pct")
        if self.population_growth > 0:
            frozen = (
                f"bajaría a {fmt.percent(coverage['constante'])}, porque la población crecería y el dato absoluto no"
            )
        elif self.population_growth < 0:
            frozen = f"subiría a {fmt.percent(coverage['constante'])}, porque la población se reduciría"
        else:
            frozen = f"se mantendría en {fmt.percent(coverage['constante'])}"
        return (
            f"Con la tendencia del plan, la cobertura del indicador principal llegaría a "
            f"{fmt.percent(coverage['tendencia'])} en {self.horizon}; si su dato absoluto dejara de crecer, "
            f"{frozen}; con la tasa alternativa llegaría a {fmt.percent(coverage['tasa'])}."
        )

    def _half_coverage_sentence(self) -> str:
        """When the plan's own pace would cover half the target population, if it ever does."""
        year = projections.years_to_reach(self.plan, HALF_COVERAGE_PCT)
        if year is None:
            return ""
        half = fmt.percent(HALF_COVERAGE_PCT, 0)
        if year <= self.plan.years[-1]:
            return f"Las metas del plan ya alcanzan el {half} de la población objetivo en {year}."
        return (
            f"Al ritmo del plan y con la población fija, la mitad de la población objetivo quedaría cubierta en {year}."
        )

    def _budget_sentence(self) -> str:
        totals = analysis.yearly_totals(self.plan)["total"]
        first, last = self.plan.years[0], self.plan.years[-1]
        budget = self._at_horizon(self.budget, "total")
        final = fmt.millions_of_quetzales(totals[last])
        alternative = fmt.millions_of_quetzales(budget["tasa"])
        rate = analysis.compound_growth(totals[first], totals[last], last - first)
        if math.isnan(rate):
            return (
                f"Con un solo año, el plan no tiene un ritmo propio que prolongar: sin crecimiento, el total se "
                f"mantendría en {final} hasta {self.horizon}, y con la tasa alternativa llegaría a {alternative}."
            )
        if rate > 0:
            pace = f"El total del plan crece a {fmt.percent(rate)} anual entre {first} y {last}."
        elif rate < 0:
            pace = f"El total del plan se reduce a un ritmo de {fmt.percent(-rate)} anual entre {first} y {last}."
        else:
            pace = f"El total del plan es el mismo en {first} y en {last}."
        return (
            f"{pace} Si ese ritmo se mantuviera, el total anual de metas financieras llegaría a "
            f"{fmt.millions_of_quetzales(budget['tendencia'])} en {self.horizon}, frente a {final} en el último "
            f"año del plan; con la tasa alternativa, a {alternative}."
        )

    def _main_fiche_source(self) -> str:
        fiches = self.plan["fichas"].set_index("ficha_id")
        section = framework_text.section_reference(fiches.loc[self.plan.main_fiche, "seccion"])
        return self.plan.citation(f"{section}; proyección de elaboración propia")

    def coverage_table(self) -> Table:
        return Table(
            tables.projection_table(self.coverage, "cobertura_pct", fmt.percent),
            caption="Cobertura proyectada por escenario (% de la población objetivo)",
            source=self._main_fiche_source(),
            name="tabla-proyeccion-cobertura",
        )

    def coverage_figure(self) -> Figure:
        from pom_lib.present import charts

        return Figure(
            charts.coverage_trajectory(self.plan, self.coverage),
            caption="Cobertura: metas del plan y proyección por escenario",
            source=self._main_fiche_source(),
            name="figura-proyeccion-cobertura",
        )

    def budget_table(self) -> Table:
        return Table(
            tables.projection_table(self.budget, "total", fmt.quetzales),
            caption="Total anual proyectado por escenario (quetzales corrientes)",
            source=self.plan.citation(f"{MATRIX_SOURCE}; proyección de elaboración propia"),
            name="tabla-proyeccion-presupuesto",
        )

    def budget_figure(self) -> Figure:
        from pom_lib.present import charts

        return Figure(
            charts.budget_projection(self.plan, self.budget),
            caption="Total anual de metas financieras: plan y proyección por escenario",
            source=self.plan.citation(f"{MATRIX_SOURCE}; proyección de elaboración propia"),
            name="figura-proyeccion-presupuesto",
        )
