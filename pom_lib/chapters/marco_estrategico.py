"""Chapter «Marco estratégico institucional»: the plan's own statements, its indicator, and what links
objectives to money."""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from pom_lib.chapters.base import Chapter
from pom_lib.compute import analysis, strategic_framework
from pom_lib.compute.projections import coverage_path
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.present import strategic_framework as framework_text
from pom_lib.present.display import Table

# How a statement kind is counted in prose: singular and plural.
_OBJECTIVE_NOUNS = {
    "objetivo_estrategico": ("objetivo estratégico", "objetivos estratégicos"),
    "objetivo_institucional": ("objetivo institucional", "objetivos institucionales"),
    "objetivo_operativo": ("objetivo operativo", "objetivos operativos"),
}


# The document's statements each section of the chapter quotes.
STATEMENT_GROUPS = {
    "mandato": ("mandato",),
    "objetivos": strategic_framework.OBJECTIVE_KINDS,
    "resultado": strategic_framework.RESULT_KINDS,
    "vinculacion": strategic_framework.LINKAGE_KINDS,
}


def lower_first(text: str) -> str:
    """«intermedio» from «Intermedio», leaving acronyms («RED») alone."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


class StrategicFramework(Chapter):
    name = "marco_estrategico"
    places = ("mandato", "objetivos", "resultado", "vinculacion", "vinculos", "rasgos")

    @cached_property
    def _links(self) -> pd.DataFrame:
        """The objective-program links of the plan (the table's rows without the unlinked remainder)."""
        links = strategic_framework.objective_links(self.plan)
        return links[links["vinculo"] != ""].reset_index(drop=True)

    @cached_property
    def _unlinked(self) -> pd.Series:
        links = strategic_framework.objective_links(self.plan)
        return links[links["vinculo"] == ""].iloc[0]

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        summary = strategic_framework.program_summary(plan).set_index("programa_id")
        values = {
            "institucion": md(spanish.definite(str(plan.info["institucion"]))),
            "siglas": md(plan.info["siglas"]),
            "titulo": md(plan.info["titulo"]),
            "anio_fin": str(plan.years[-1]),
            "n_objetivos_operativos": fmt.integer(len(plan.statements("objetivo_operativo"))),
            "n_lineas_pgg": fmt.integer(len(plan.statements("linea_pgg"))),
            "n_programas_nombrados": fmt.integer(int(summary["nombrado_en_documento"].sum())),
            "frase_objetivos": self._objectives_sentence(),
            "frase_resultado": self._result_sentence(),
            "frase_indicador": self._indicator_sentence(),
            "frase_programas_indicador": self._measured_programs_sentence(summary),
            "frase_vinculos": self._links_sentence(),
        }
        link = strategic_framework.indicator_link(plan)
        if link is not None:
            stated = summary.loc[link.program_id]
            others = summary.drop(index=link.program_id)
            named_others = others[others["nombrado_en_documento"]]
            objective = plan.statements("objetivo_operativo").set_index("orden").loc[link.objective, "titulo"]
            values |= {
                "objetivo_documento": md(objective),
                "programa_documento": md(stated["programa"]),
                "peso_documento": fmt.percent(stated["participacion_periodo"]),
                "peso_fuera_documento": fmt.percent(100 - stated["participacion_periodo"]),
                "otros_nombrados": spanish.quoted(md(name) for name in named_others["programa"]),
                "peso_otros_nombrados": fmt.percent(named_others["participacion_periodo"].sum()),
                "peso_no_nombrados": fmt.percent(
                    others.loc[~others["nombrado_en_documento"], "participacion_periodo"].sum()
                ),
            }
        for i, feature in enumerate(self._link_features()):
            values[f"rasgo_{i + 1}"] = feature
        return values

    def _objectives_sentence(self) -> str:
        counts = [
            spanish.count_in_words(len(self.plan.statements(kind)), *nouns)
            for kind, nouns in _OBJECTIVE_NOUNS.items()
            if len(self.plan.statements(kind))
        ]
        if not counts:
            return "El documento no enuncia objetivos."
        sentence = f"El documento enuncia {spanish.join(counts)}."
        if self.plan.statements("objetivo_operativo").empty:
            sentence += " No enuncia objetivos operativos."
        return sentence

    def _result_sentence(self) -> str:
        results = len(self.plan.statements("resultado_institucional"))
        levels = self.plan.statements("nivel_resultado")
        if results == 0:
            return "El documento no enuncia un resultado institucional."
        level = f", de nivel {md(lower_first(str(levels['texto'].iloc[0])))}" if len(levels) == 1 else ""
        if results == 1:
            return f"El documento enuncia un solo resultado institucional{level}."
        counted = spanish.count_in_words(results, "resultado institucional", "resultados institucionales")
        return f"El documento enuncia {counted}{level}."

    def _indicator_sentence(self) -> str:
        plan = self.plan
        fiche = plan["fichas"].set_index("ficha_id").loc[plan.main_fiche]
        path = coverage_path(plan)["cobertura_pct"]
        base_year, last = int(path.index[0]), int(path.index[-1])
        return (
            f"El indicador principal del plan, «{md(str(fiche['indicador']).rstrip('. '))}», parte de "
            f"{fmt.percent(path[base_year])} en {base_year} (línea de base) y tiene como meta "
            f"{fmt.percent(path[last])} en {last}."
        )

    def _measured_programs_sentence(self, summary: pd.DataFrame) -> str:
        measured = strategic_framework.indicator_programs(self.plan)
        fiches = len(self.plan["fichas"])
        subject = "suma el indicador del plan" if fiches == 1 else "suman los indicadores del plan"
        names = spanish.quoted(md(summary.loc[p, "programa"]) for p in measured)
        share = float(summary.loc[measured, "participacion_periodo"].sum())
        if len(measured) == 1:
            sentence = (
                f"Los subproductos que {subject} pertenecen al programa {names}, que recibe "
                f"{fmt.percent(share)} de las metas financieras del período"
            )
        else:
            sentence = (
                f"Los subproductos que {subject} pertenecen a los programas {names}, que reciben juntos "
                f"{fmt.percent(share)} de las metas financieras del período"
            )
        rest = 100 - share
        if round(rest, 1) > 0:
            return sentence + f"; el {fmt.percent(rest)} restante no se mide con ningún indicador del plan."
        return sentence + "."

    def _links_sentence(self) -> str:
        """What the objective-program table shows and where each link comes from (MyST: it cites the table)."""
        objectives = len(self.plan.statements("objetivo_operativo"))
        if objectives == 0:
            return "Como el documento no enuncia objetivos operativos, no hay vínculos entre objetivos y programas."
        links = self._links
        if links.empty:
            return (
                "Los datos del plan no vinculan sus objetivos operativos con programas: ni el documento lo hace "
                "ni el equipo del libro propone una lectura de esos vínculos."
            )
        stated = int((links["vinculo"] == strategic_framework.DOCUMENT).sum())
        read = len(links) - stated
        if stated == 0:
            first = "El documento no vincula sus objetivos operativos con programas."
        elif stated == 1:
            first = "El documento establece un vínculo explícito entre un objetivo operativo y un programa."
        else:
            counted = spanish.count_in_words(stated, "vínculo explícito", "vínculos explícitos")
            first = f"El documento establece {counted} entre objetivos operativos y programas."
        table = "{numref}`tabla-objetivos-programas`"
        if read == 0:
            second = f"La {table} los reúne."
        else:
            which = "Los" if stated == 0 else ("El otro" if read == 1 else "Los otros")
            verb = "es una lectura" if read == 1 else "son una lectura"
            noun = "vínculo" if read == 1 else spanish.count_in_words(read, "vínculo")
            second = (
                f"{which} {noun} de la {table} {verb} del equipo del libro, hecha por la materia de cada "
                "objetivo y de cada programa, y así se indica en la última columna."
            )
        return (
            f"{first} {second} El peso es la parte de las metas financieras de todo el período que corresponde "
            "al programa o a los subproductos vinculados."
        )

    def _link_features(self) -> list[str]:
        """What stands out in the objective-program table, one Markdown item each."""
        if self._links.empty:
            return []
        return self._partial_links() + self._unlinked_budget() + self._unnamed_links()

    def _partial_links(self) -> list[str]:
        plan = self.plan
        budget = analysis.budget_by_program(plan)
        budget.index = plan.programs["programa_id"].tolist()
        items = []
        for row in self._links[self._links["alcance"] != ""].itertuples():
            yearly = self._links.loc[row.Index, plan.years].astype(float)
            program = budget.loc[row.programa_id]
            share = (100 * yearly / program.where(program > 0)).dropna()
            text = (
                f"**Un vínculo parcial.** «{md(row.objetivo)}» se vincula solo con parte del programa "
                f"«{md(row.programa)}» ({md(row.alcance)})"
            )
            if program.sum() > 0:
                text += f"; esa parte pesa {fmt.percent(100 * row.periodo / program.sum())} del programa en el período"
            text += "."
            if len(share) > 1 and share.min() != share.max():
                text += (
                    f" Ese peso oscila entre {fmt.percent(share.min())} y {fmt.percent(share.max())} según el "
                    f"año (el máximo, en {int(share.idxmax())})."
                )
            items.append(text)
        return items

    def _unlinked_budget(self) -> list[str]:
        share = float(self._unlinked["participacion_periodo"])
        if round(share, 1) <= 0:
            return []
        names = spanish.quoted(md(name) for name in strategic_framework.unlinked_products(self.plan)["producto"])
        return [
            f"**El presupuesto sin objetivo operativo.** {fmt.percent(share)} de las metas del período "
            f"corresponde a productos que ningún objetivo operativo describe, en todo o en parte: {names}."
        ]

    def _unnamed_links(self) -> list[str]:
        named = self.plan.programs.set_index("programa_id")["nombrado_en_documento"]
        unnamed = self._links[~self._links["programa_id"].map(named).astype(bool)]
        return [
            f"**Un vínculo que descansa en una agrupación propia.** «{md(row.objetivo)}» se vincula con el "
            f"programa «{md(row.programa)}», que el documento no nombra: es una agrupación de productos hecha "
            "por el equipo del libro, explicada en los anexos."
            for row in unnamed.itertuples()
        ]

    def show_statements(self, group: str) -> None:
        """The document's statements of one group of STATEMENT_GROUPS, quoted with their source."""
        from IPython.display import Markdown, display

        display(Markdown(framework_text.statements_markdown(self.plan, STATEMENT_GROUPS[group])))

    def links_table(self) -> Table | None:
        """Operational objectives, the programs serving them and their weight; None when the plan links none."""
        if self._links.empty:
            return None
        return Table(
            framework_text.objective_links_table(self.plan),
            caption="Objetivos operativos, programas que los atienden y su peso en las metas financieras del período",
            source=self.plan.citation(
                "objetivos operativos y matriz de planificación; vínculos marcados como lectura: elaboración propia"
            ),
            name="tabla-objetivos-programas",
        )

    def link_features_markdown(self) -> str:
        """The features of the objective-program table worth a reader's attention, as a list ("" if none)."""
        features = [value for key, value in self.values.items() if key.startswith("rasgo_")]
        if not features:
            return ""
        lead = spanish.count_in_words(len(features), "rasgo")
        verb = "merece" if len(features) == 1 else "merecen"
        return (
            f"{lead[0].upper()}{lead[1:]} de la tabla {verb} atención:\n\n"
            + "\n".join(f"- {feature}" for feature in features)
            + "\n"
        )

    def show_link_features(self) -> None:
        from IPython.display import Markdown, display

        if text := self.link_features_markdown():
            display(Markdown(text))
