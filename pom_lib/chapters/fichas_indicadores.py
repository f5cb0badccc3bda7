"""Chapter «Fichas de indicadores»: each fiche quoted, its indicator recomputed from its formula and compared."""

from __future__ import annotations

import pandas as pd

from pom_lib.chapters.base import Chapter
from pom_lib.compute.reconciliation import RELATIVE_TOLERANCE, formula_terms, indicator_values
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.present import strategic_framework as framework_text
from pom_lib.present import tables
from pom_lib.present.display import Figure, Table

LEVEL_PLURALS = {"producto": "productos", "subproducto": "subproductos"}
FICHE_TITLES = {"producto": "Ficha de producto", "subproducto": "Ficha de subproductos"}


class IndicatorFiches(Chapter):
    name = "fichas_indicadores"
    places = ("fichas", "formula", "ejecucion")

    @property
    def fiches(self) -> pd.DataFrame:
        """The plan's fiches in file order."""
        return self.plan["fichas"].reset_index(drop=True)

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        main = self.fiches.set_index("ficha_id").loc[plan.main_fiche]
        terms = formula_terms(plan, plan.main_fiche)
        values = indicator_values(plan)
        relative_gap = (values["relativo_recalculado"] - values["relativo_publicado"]).abs()
        return {
            "frase_fichas": self._fiches_phrase(),
            "indicador_principal": md(str(main["indicador"]).strip().rstrip(".")),
            "n_terminos": fmt.integer(len(terms)),
            "frase_terminos": spanish.count_in_words(len(terms), "subproducto"),
            "poblacion_objetivo": fmt.integer(plan.target_population),
            "diferencia_maxima": fmt.decimal(relative_gap.max(), 2),
            "tolerancia": fmt.decimal(RELATIVE_TOLERANCE, 2),
            "frase_coincidencia": self._agreement_sentence(values),
            "frase_linea_base": self._baseline_sentence(),
            "frase_fichas_iguales": self._same_figures_sentence(values),
            "frase_ejecucion": self._execution_sentence(),
        }

    def _fiches_phrase(self) -> str:
        """«dos fichas de indicadores: una para los productos y otra para los subproductos»."""
        levels = self.fiches["nivel"].value_counts(sort=False)
        total = len(self.fiches)
        noun = "ficha" if total == 1 else "fichas"
        if len(levels) == 1:
            level = LEVEL_PLURALS[levels.index[0]]
            whom = f"para los {level}" if total == 1 else f"{'ambas' if total == 2 else 'todas'} para los {level}"
            return f"{spanish.number_in_words(total, feminine=True)} {noun} de indicadores, {whom}"
        if (levels == 1).all():
            parts = [
                f"{'una' if i == 0 else 'otra'} para los {LEVEL_PLURALS[level]}" for i, level in enumerate(levels.index)
            ]
        else:
            parts = [
                f"{spanish.number_in_words(count, feminine=True)} para los {LEVEL_PLURALS[level]}"
                for level, count in levels.items()
            ]
        return f"{spanish.number_in_words(total, feminine=True)} {noun} de indicadores: {spanish.join(parts)}"

    def _agreement_sentence(self, values: pd.DataFrame) -> str:
        """How the recomputed indicator compares with the published one, absolute and relative."""
        goals = values[~values["es_linea_base"]]
        absolute_gap = (goals["absoluto_recalculado"] - goals["absoluto_publicado"]).abs()
        relative_gap = (values["relativo_recalculado"] - values["relativo_publicado"]).abs()
        where = "de la ficha" if len(self.fiches) == 1 else "de cada ficha"
        if (absolute_gap == 0).all():
            absolute = f"el dato absoluto coincide exactamente con el publicado en cada año {where}"
        else:
            absolute = (
                f"el dato absoluto difiere del publicado en "
                f"{spanish.count(int((absolute_gap > 0).sum()), 'meta')} de "
                f"{fmt.integer(len(goals))}, hasta en {fmt.integer(absolute_gap.max())}"
            )
        tolerance = fmt.decimal(RELATIVE_TOLERANCE, 2)
        if relative_gap.max() <= RELATIVE_TOLERANCE + 1e-9:
            margin = "menos que" if round(relative_gap.max(), 2) < RELATIVE_TOLERANCE else "dentro de"
            relative = (
                f"el dato relativo difiere como máximo en {fmt.decimal(relative_gap.max(), 2)} puntos "
                f"porcentuales, {margin} el redondeo a un decimal del documento (tolerancia de {tolerance} "
                "puntos)"
            )
        else:
            over = int((relative_gap > RELATIVE_TOLERANCE + 1e-9).sum())
            relative = (
                f"el dato relativo supera la tolerancia de {tolerance} puntos, la del redondeo a un decimal, "
                f"en {spanish.count(over, 'valor', 'valores')} de {fmt.integer(len(values))}, con una "
                f"diferencia máxima de {fmt.decimal(relative_gap.max(), 2)} puntos porcentuales"
            )
        return f"Recalculado así, {absolute}, y {relative}."

    def _baseline_sentence(self) -> str:
        baseline_years = set(self.fiches["anio_linea_base"].astype(int))
        if baseline_years & set(self.plan.years):
            return "Para la línea de base solo se recalcula el dato relativo."
        return "Para la línea de base solo puede recalcularse el dato relativo, porque la matriz no trae metas de " + (
            "ese año." if len(baseline_years) == 1 else "esos años."
        )

    def _same_figures_sentence(self, values: pd.DataFrame) -> str:
        """Whether every fiche publishes the same baseline and goals."""
        if len(self.fiches) < 2:
            return ""
        published = [
            group[["anio", "absoluto_publicado", "relativo_publicado"]].to_numpy().tolist()
            for _, group in values.groupby("ficha_id", sort=False)
        ]
        if all(p == published[0] for p in published):
            both = (
                "Las dos fichas"
                if len(published) == 2
                else f"Las {spanish.number_in_words(len(published), feminine=True)} fichas"
            )
            return f"{both} publican exactamente las mismas cifras, de la línea de base a la última meta."
        return "Las fichas publican cifras distintas; la tabla de cada una muestra sus valores."

    def _execution_sentence(self) -> str:
        executed = int(self.plan["fichas_metas"]["ejecucion"].notna().sum())
        if executed == 0:
            holder = "La ficha no trae" if len(self.fiches) == 1 else "Ninguna ficha trae"
            return (
                f"{holder} todavía datos de ejecución: la columna *Ejecución* del documento está vacía y este "
                "libro la muestra como «sin dato», nunca como cero."
            )
        holder = "La ficha trae" if len(self.fiches) == 1 else "Las fichas traen"
        return f"{holder} {spanish.count(executed, 'valor', 'valores')} de ejecución."

    def _title(self, fiche: pd.Series, markdown: bool = True) -> str:
        """«Ficha de producto», naming the indicator when another fiche shares its level."""
        title = FICHE_TITLES[fiche["nivel"]]
        if (self.fiches["nivel"] == fiche["nivel"]).sum() > 1:
            indicator = str(fiche["indicador"]).strip().rstrip(".")
            title += f" «{md(indicator) if markdown else indicator}»"
        return title

    def _table_name(self, position: int, fiche: pd.Series) -> str:
        """tabla-ficha-producto, then tabla-ficha-producto-2… for further fiches of the same level."""
        same_level = int((self.fiches.iloc[: position + 1]["nivel"] == fiche["nivel"]).sum())
        base = "tabla-" + FICHE_TITLES[fiche["nivel"]].lower().replace(" de ", "-").replace(" ", "-")
        return base if same_level == 1 else f"{base}-{same_level}"

    def fiche_markdown(self, fiche_id: str) -> str:
        """A fiche's listed items, indicator, unit and formula, quoted as the document prints them."""
        plan = self.plan
        fiche = self.fiches.set_index("ficha_id").loc[fiche_id]
        items = plan["fichas_elementos"].query("ficha_id == @fiche_id").sort_values("orden")
        names = {
            **plan.products.set_index("producto_id")["nombre"].to_dict(),
            **plan.subproducts.set_index("subproducto_id")["etiqueta"].to_dict(),
        }
        listed = [
            row.producto_id if isinstance(row.producto_id, str) else row.subproducto_id for row in items.itertuples()
        ]
        lines = []
        if listed:
            lines += [f"**{LEVEL_PLURALS[fiche['nivel']].capitalize()} de la ficha:**", ""]
            lines += [f"- {code}: {md(names[code])}" for code in listed] + [""]
        lines += [
            f"**Indicador:** {md(fiche['indicador'])}",
            "",
            f"**Unidad de medida:** {md(fiche['unidad_medida'])}",
            "",
            "**Fórmula, tal como figura en el documento:**",
            "",
            f"> {md(fiche['formula'])}",
            "",
            framework_text.source_note(plan, [fiche["seccion"]]),
        ]
        return "\n".join(lines)

    def fiche_table(self, position: int) -> Table:
        fiche = self.fiches.iloc[position]
        section = framework_text.section_reference(fiche["seccion"])
        return Table(
            tables.fiche_table(self.plan, fiche["ficha_id"]),
            caption=f"{self._title(fiche, markdown=False)}: metas publicadas y recalculadas",
            source=self.plan.citation(f"{section}; recálculo de elaboración propia"),
            name=self._table_name(position, fiche),
        )

    def show_fiches(self) -> None:
        """Each fiche in file order: its heading, its quoted text and its goals, published and recomputed."""
        from IPython.display import Markdown, display

        for position, fiche in self.fiches.iterrows():
            display(Markdown(f"### {self._title(fiche)}"))
            display(Markdown(self.fiche_markdown(fiche["ficha_id"])))
            display(self.fiche_table(position))

    def components_figure(self) -> Figure:
        """The subproducts the main indicator's numerator adds up, year by year."""
        from pom_lib.present import charts

        return Figure(
            charts.indicator_components(self.plan, self.plan.main_fiche),
            caption="Subproductos que suma el numerador del indicador principal, por año",
            source=self.plan.citation("matriz de planificación"),
            name="figura-componentes",
        )
