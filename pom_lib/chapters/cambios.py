"""Chapter «Cambios respecto de la edición anterior»: everything that changed from the previous edition's plan.

An edition chapter: besides the plan it takes the edition year and the previous edition's plan
(None for a first edition, which says what will be compared and shows no figure). Items,
goals, totals, indicators, key figures, units, programs, actions and strategic framework
statements are compared by their stable identifiers (pom_lib.compute.changes); rewordings are shown as
text with the changed words in bold.
"""

from __future__ import annotations

import pandas as pd

from pom_lib.chapters.base import Chapter
from pom_lib.compute import changes
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.data import contract
from pom_lib.data.plan import Plan
from pom_lib.present import changes as change_tables
from pom_lib.present.display import Table

WHAT_IS_COMPARED = {
    "frase_elementos": "Se listarán los productos y subproductos agregados, los retirados, los renombrados, los que "
    "cambien de unidad de medida y los productos que pasen a otro programa.",
    "frase_metas": "Se compararán las metas física y financiera de cada elemento en los años que cubran ambas "
    "ediciones, con su diferencia.",
    "frase_totales": "Se comparará el total de cada año, con la diferencia en quetzales y en porcentaje, y se "
    "señalarán los años que entran al horizonte del plan y los que salen de él.",
    "frase_indicadores": "Se compararán las fichas de indicadores: nombre, fórmula, unidad, línea de base, "
    "subproductos que suma la fórmula y metas de los años comunes.",
    "frase_cifras": "Se compararán las cifras clave del plan por su rol y su año (población objetivo, población "
    "elegible, cobertura, mujeres).",
    "frase_catalogos": "Se listarán las unidades de medida y los programas que se agreguen, se retiren o cambien de "
    "nombre o descripción.",
    "frase_acciones": "Se listarán las acciones nuevas, las retiradas, las que cambien de redacción y las que pasen "
    "a otro programa, con las palabras cambiadas resaltadas.",
    "frase_marco": "Se listarán los enunciados del marco estratégico nuevos, retirados o con otra redacción, con "
    "las palabras cambiadas resaltadas.",
}


ASPECT_WORDS = {
    "Indicador": "el nombre",
    "Fórmula": "la fórmula",
    "Unidad de medida": "la unidad de medida",
    "Nivel": "el nivel",
    "Línea de base": "la línea de base",
    "Subproductos de la fórmula": "los subproductos que suma la fórmula",
}
# Each role of cifras_clave.csv as the subject of a sentence.
ROLE_PHRASES = {
    contract.ROLE_TARGET_POPULATION: "la población objetivo",
    contract.ROLE_ELIGIBLE: "la población elegible",
    contract.ROLE_COVERAGE_GOAL: "la cobertura meta",
    contract.ROLE_WOMEN_PCT: "el porcentaje de mujeres",
    contract.ROLE_WOMEN: "la cifra de mujeres",
}
# (singular, plural) of what is added or removed from each catalog.
CATALOG_WORDS = {
    "unidad": ("la unidad de medida", "las unidades de medida"),
    "programa": ("el programa", "los programas"),
}


class EditionChanges(Chapter):
    name = "cambios"
    places = ()
    edition_input = "plan_anterior"

    def __init__(self, plan: Plan, edition_year: int | None = None, previous: Plan | None = None):
        super().__init__(plan)
        self.edition_year = int(edition_year) if edition_year is not None else plan.years[0]
        self.previous = previous

    @property
    def compared(self) -> bool:
        return self.previous is not None

    @property
    def source(self) -> str:
        return f"{self.previous.citation()} {self.plan.citation()} Comparación de elaboración propia."

    def compute_values(self) -> dict[str, str]:
        plan, previous = self.plan, self.previous
        if previous is None:
            return {
                "frase_estado": (
                    f"Esta edición ({self.edition_year}, plan {plan.period}) no tiene una edición "
                    "anterior con la cual compararse, así que este capítulo no registra cambios. "
                    "Cuando la tenga, comparará los dos planes elemento por elemento, por su código:"
                ),
                **WHAT_IS_COMPARED,
            }
        summary = changes.changes_summary(previous, plan)
        return {
            "frase_estado": (
                f"Esta edición presenta el plan {plan.period}; la anterior, el plan {previous.period}. "
                "Cada elemento conserva su código de una edición a otra —productos, subproductos, "
                "indicadores, unidades, programas, acciones y enunciados—, así que se comparan por "
                "código, nunca por nombre ni por posición; las cifras clave, por su rol y su año."
            ),
            "frase_elementos": self._items_sentence(changes.item_changes(previous, plan)),
            "frase_metas": self._goals_sentence(changes.goal_changes(previous, plan), summary),
            "frase_totales": self._totals_sentence(changes.total_changes(previous, plan), summary),
            "frase_indicadores": self._fiches_sentence(),
            "frase_cifras": self._key_figures_sentence(),
            "frase_catalogos": self._catalog_sentence(),
            "frase_acciones": self._actions_sentence(),
            "frase_marco": self._statements_sentence(),
        }

    # --- Sentences ------------------------------------------------------------------------------------

    def _items_sentence(self, items: pd.DataFrame) -> str:
        previous, current = self.previous, self.plan
        if items.empty:
            return (
                f"El plan {current.period} conserva los productos y subproductos del plan {previous.period}, "
                "con los mismos nombres, unidades de medida y programas."
            )
        verbs = {
            changes.ADDED: "agrega {}",
            changes.REMOVED: "retira {}",
            changes.RENAMED: "renombra {}",
            changes.UNIT: "cambia la unidad de medida de {}",
            changes.PROGRAM: "traslada {} a otro programa",
        }
        parts = [
            verbs[kind].format(self._levels(items[items["cambio"] == kind]))
            for kind in verbs
            if (items["cambio"] == kind).any()
        ]
        return f"Frente al plan {previous.period}, el plan {current.period} {spanish.join(parts)}."

    @staticmethod
    def _levels(rows: pd.DataFrame) -> str:
        counts = rows["nivel"].value_counts()
        return spanish.join(
            spanish.count(int(counts[level]), level) for level in ("producto", "subproducto") if counts.get(level, 0)
        )

    @staticmethod
    def _goals_sentence(goals: pd.DataFrame, summary: dict) -> str:
        common = spanish.years_span(summary["anios_comunes"])
        if not common:
            return "Las dos ediciones no comparten ningún año, así que sus metas no pueden compararse."
        if goals.empty:
            return f"En los años que cubren ambas ediciones ({common}) ninguna meta cambia."
        sentence = (
            f"En los años que cubren ambas ediciones ({common}) cambian {spanish.count(len(goals), 'meta')} "
            f"de {spanish.count(goals['elemento_id'].nunique(), 'elemento')}; las demás se mantienen"
        )
        money = goals[goals["diferencia_financiera"] != 0]
        if not money.empty:
            top = money.loc[money["diferencia_financiera"].abs().idxmax()]
            sentence += (
                f". La mayor modificación financiera es la de {top['elemento_id']} en {top['anio']} "
                f"({fmt.signed(top['diferencia_financiera'], fmt.quetzales)})"
            )
        return sentence + "."

    @staticmethod
    def _totals_sentence(totals: pd.DataFrame, summary: dict) -> str:
        """How the yearly totals of the common years change, and which years enter or leave the horizon."""
        sentences = []
        if summary["anios_comunes"]:
            before, after = summary["total_comun_anterior"], summary["total_comun_actual"]
            difference = after - before
            change = (
                f"pasa de {fmt.quetzales(before)} a {fmt.quetzales(after)} "
                f"({fmt.signed(difference, fmt.quetzales)}, {fmt.signed_percent(100 * difference / before, 2)})"
                if difference
                else f"se mantiene en {fmt.quetzales(after)}"
            )
            sentences.append(
                f"Sumados los años comunes ({spanish.years_span(summary['anios_comunes'])}), el total de metas "
                f"financieras {change}."
            )
        left = [str(y) for y in totals.loc[totals["total_actual"].isna(), "anio"]]
        entered = totals[totals["total_anterior"].isna()]
        moves = []
        if left:
            moves.append(f"{spanish.join(left)} {'sale' if len(left) == 1 else 'salen'} del horizonte del plan")
        if not entered.empty:
            added = spanish.join(f"{y} ({fmt.quetzales(v)})" for y, v in zip(entered["anio"], entered["total_actual"]))
            moves.append(f"se {'agrega' if len(entered) == 1 else 'agregan'} {added}")
        if moves:
            text = ", y ".join(moves)
            sentences.append(text[0].upper() + text[1:] + ".")
        return " ".join(sentences)

    def _fiches_sentence(self) -> str:
        previous, plan = self.previous, self.plan
        fiches = changes.fiche_changes(previous, plan)
        goals = changes.fiche_goal_changes(previous, plan)
        parts = []
        for kind, verb in ((changes.ADDED_F, "agrega"), (changes.REMOVED_F, "retira")):
            number = int((fiches["cambio"] == kind).sum())
            if number:
                parts.append(f"{verb} {spanish.count(number, 'indicador', 'indicadores')}")
        aspects = fiches[~fiches["cambio"].isin([changes.ADDED_F, changes.REMOVED_F])]
        for aspect, rows in aspects.groupby("cambio", sort=False):
            parts.append(
                f"cambia {ASPECT_WORDS[aspect]} de "
                f"{spanish.count(rows['ficha_id'].nunique(), 'indicador', 'indicadores')}"
            )
        if not goals.empty:
            parts.append(f"cambian {spanish.count(len(goals), 'meta')} de los años comunes")
        sentence = (
            f"Frente al plan {previous.period}, el plan {plan.period} {spanish.join(parts)}."
            if parts
            else "Los indicadores conservan su nombre, fórmula, unidad, línea de base y metas en los años comunes."
        )
        return f"{sentence} {self._final_goal_sentence()}".strip()

    def _final_goal_sentence(self) -> str:
        fiche = self.plan.main_fiche
        before, after = changes.final_goal(self.previous, fiche), changes.final_goal(self.plan, fiche)
        if before is None or after is None:
            return ""
        unit = md(str(self.plan["fichas"].set_index("ficha_id").at[fiche, "unidad_medida"]).lower())
        return (
            f"La meta del último año del indicador principal ({md(fiche)}) pasa de "
            f"{fmt.integer(before['meta_absoluta'])} {unit} ({fmt.percent(before['meta_relativa'])}) en "
            f"{int(before['anio'])} a {fmt.integer(after['meta_absoluta'])} ({fmt.percent(after['meta_relativa'])}) "
            f"en {int(after['anio'])}."
        )

    def _key_figures_sentence(self) -> str:
        """Role by role, the latest figure of each edition, when either its value or its year changes."""
        parts = []
        for role, phrase in ROLE_PHRASES.items():
            before, after = self._latest(self.previous, role), self._latest(self.plan, role)
            if before == after:
                continue
            unit = self._role_unit(role)
            if before and after and before[1] == after[1]:  # the same figure, for another year
                value = self._figure((None, after[1]), unit)
                parts.append(f"{phrase} se mantiene en {value} y pasa de {before[0]} a {after[0]}")
            elif before and after:
                parts.append(f"{phrase} pasa de {self._figure(before, unit)} a {self._figure(after, unit)}")
            elif after:
                parts.append(f"{phrase} aparece en esta edición: {self._figure(after, unit)}")
            else:
                parts.append(f"{phrase} ya no figura (era {self._figure(before, unit)})")
        if not parts:
            return "Las cifras clave del plan no cambian."
        text = "; ".join(parts[:-1]) + ("; y " if len(parts) > 1 else "") + parts[-1]
        return (
            f"Comparadas por su rol, con el año de la última cifra de cada edición: {text}. La tabla las "
            "compara año por año; una cifra que pasa a otro año figura en los dos."
        )

    @staticmethod
    def _latest(plan: Plan, role: str) -> tuple | None:
        year = plan.key_figure_year(role)
        value = plan.key_figure(role, year) if year is not None else plan.key_figure(role)
        return None if value is None else (year, value)

    def _role_unit(self, role: str) -> str:
        figures = pd.concat([self.plan["cifras_clave"], self.previous["cifras_clave"]])
        return str(figures.loc[figures["rol"] == role, "unidad"].iloc[0])

    @staticmethod
    def _figure(found: tuple, unit: str) -> str:
        year, value = found
        text = fmt.percent(value) if unit == "porcentaje" else fmt.integer(value)
        return f"{text} ({year})" if year is not None else text

    def _catalog_sentence(self) -> str:
        units = changes.unit_changes(self.previous, self.plan)
        programs = changes.program_changes(self.previous, self.plan)
        parts = []
        for frame, words, added, removed in (
            (units, CATALOG_WORDS["unidad"], changes.ADDED_F, changes.REMOVED_F),
            (programs, CATALOG_WORDS["programa"], changes.ADDED, changes.REMOVED),
        ):
            for kind, verb, column in ((added, "se agrega", "actual"), (removed, "se retira", "anterior")):
                rows = frame[frame["cambio"] == kind]
                names = [
                    name if pd.notna(name) and frame is programs else code
                    for code, name in zip(rows["codigo"], rows[column])
                ]
                if names:
                    plural = len(names) > 1
                    parts.append(
                        f"{verb}{'n' if plural else ''} {words[plural]} {spanish.quoted(md(n) for n in names)}"
                    )
        described = units.loc[units["cambio"] == "Descripción", "codigo"].tolist()
        if described:
            parts.append(f"cambia la descripción de {spanish.quoted(md(c) for c in described)}")
        renamed = programs[programs["cambio"] == changes.RENAMED]
        parts += [
            f"el programa «{md(old)}» pasa a llamarse «{md(new)}»"
            for old, new in zip(renamed["anterior"], renamed["actual"])
        ]
        if not parts:
            return "Las unidades de medida y los programas son los mismos, con los mismos nombres y descripciones."
        text = spanish.join(parts)
        return text[0].upper() + text[1:] + "."

    def _actions_sentence(self) -> str:
        table = changes.action_changes(self.previous, self.plan)
        if self.previous["acciones"].empty and self.plan["acciones"].empty:
            return "Ninguna de las dos ediciones enumera acciones."
        if table.empty:
            return "Las acciones son las mismas, con la misma redacción y el mismo programa."
        counts = table["cambio"].value_counts()
        parts = []
        for kind, words in (
            (changes.ADDED_F, ("se agrega {}", "se agregan {}")),
            (changes.REMOVED_F, ("se retira {}", "se retiran {}")),
            (changes.REWORDED, ("cambia la redacción de {}", "cambia la redacción de {}")),
            (changes.PROGRAM, ("{} pasa a otro programa", "{} pasan a otro programa")),
        ):
            number = int(counts.get(kind, 0))
            if number:
                parts.append(words[number > 1].format(spanish.count(number, "acción", "acciones")))
        text = spanish.join(parts)
        return text[0].upper() + text[1:] + "."

    def _statements_sentence(self) -> str:
        table = changes.statement_changes(self.previous, self.plan)
        if table.empty:
            return "Los enunciados del marco estratégico no cambian."
        counts = table["cambio"].value_counts()
        parts = []
        for kind, words in (
            (changes.ADDED, ("se agrega {}", "se agregan {}")),
            (changes.REMOVED, ("se retira {}", "se retiran {}")),
            (changes.REWORDED, ("cambia la redacción de {}", "cambia la redacción de {}")),
        ):
            number = int(counts.get(kind, 0))
            if number:
                parts.append(words[number > 1].format(spanish.count(number, "enunciado")))
        return f"En el marco estratégico {spanish.join(parts)}."

    # --- Tables and text diffs -----------------------------------------------------------------------

    def _table(self, frame: pd.DataFrame, caption: str, **options) -> Table | None:
        if not self.compared or frame.empty:
            return None
        return Table(frame, caption=caption, source=self.source, **options)

    def items_table(self) -> Table | None:
        return self._table(
            change_tables.item_changes_table(self.previous, self.plan) if self.compared else pd.DataFrame(),
            "Productos y subproductos que cambian",
        )

    def goals_table(self) -> Table | None:
        return self._table(
            change_tables.goal_changes_table(self.previous, self.plan) if self.compared else pd.DataFrame(),
            "Metas que cambian en los años comunes",
            landscape=True,
        )

    def totals_table(self) -> Table | None:
        return self._table(
            change_tables.total_changes_table(self.previous, self.plan) if self.compared else pd.DataFrame(),
            "Totales anuales de las dos ediciones",
        )

    def fiches_table(self) -> Table | None:
        return self._table(
            change_tables.fiche_changes_table(self.previous, self.plan) if self.compared else pd.DataFrame(),
            "Indicadores que cambian",
        )

    def fiche_goals_table(self) -> Table | None:
        frame = change_tables.fiche_goal_changes_table(self.previous, self.plan) if self.compared else pd.DataFrame()
        return self._table(frame, "Metas de los indicadores que cambian en los años comunes")

    def key_figures_table(self) -> Table | None:
        frame = change_tables.key_figure_changes_table(self.previous, self.plan) if self.compared else pd.DataFrame()
        return self._table(frame, "Cifras clave que cambian, por rol y año")

    def catalog_table(self) -> Table | None:
        frame = change_tables.catalog_changes_table(self.previous, self.plan) if self.compared else pd.DataFrame()
        return self._table(frame, "Unidades de medida y programas que cambian")

    def fiche_texts_markdown(self) -> str:
        """Indicator names and formulas reworded, with the changed words in bold."""
        if not self.compared:
            return ""
        fiches = changes.fiche_changes(self.previous, self.plan)
        texts = [
            self._reworded(f"**{md(row.ficha_id)}**, {row.cambio.lower()}", row.anterior, row.actual)
            for row in fiches[fiches["cambio"].isin(changes.TEXT_ASPECTS)].itertuples()
        ]
        return self._with_source(texts)

    def actions_markdown(self) -> str:
        """Each program's action changes: new and removed actions quoted, rewordings with the changed words in bold."""
        if not self.compared:
            return ""
        table = changes.action_changes(self.previous, self.plan)
        texts = []
        for program, rows in table.groupby("programa", sort=False):
            items = []
            for row in rows.itertuples():
                if row.cambio == changes.ADDED_F:
                    items.append(f"- *Nueva:* {md(row.actual)}")
                elif row.cambio == changes.REMOVED_F:
                    items.append(f"- *Retirada:* {md(row.anterior)}")
                elif row.cambio == changes.PROGRAM:
                    text = self.plan["acciones"].set_index("accion_id").at[row.codigo, "texto"]
                    items.append(f"- *Viene del programa «{md(row.anterior)}»:* {md(text)}")
                else:
                    before, after = change_tables.marked_diff(row.anterior, row.actual)
                    items.append(f"- *Antes:* {before}\n\n  *Ahora:* {after}")
            texts.append(f"**{md(program)}**\n\n" + "\n".join(items))
        return self._with_source(texts)

    def statements_markdown(self) -> str:
        """Strategic framework statements added, removed or reworded, with the changed words in bold."""
        if not self.compared:
            return ""
        texts = []
        for row in changes.statement_changes(self.previous, self.plan).itertuples():
            title = f"**{md(row.titulo)}**"
            if row.cambio == changes.ADDED:
                texts.append(f"{title}, nuevo:\n\n> {md(row.actual)}")
            elif row.cambio == changes.REMOVED:
                texts.append(f"{title}, retirado:\n\n> {md(row.anterior)}")
            else:
                if pd.notna(row.titulo_anterior) and row.titulo_anterior != row.titulo_actual:
                    old_title, _ = change_tables.marked_diff(row.titulo_anterior, row.titulo_actual)
                    title += f" (antes: {old_title})"
                texts.append(self._reworded(f"{title}, nueva redacción", row.anterior, row.actual))
        return self._with_source(texts)

    @staticmethod
    def _reworded(heading: str, before: str, after: str) -> str:
        old, new = change_tables.marked_diff(before, after)
        return f"{heading}:\n\n> *Antes:* {old}\n>\n> *Ahora:* {new}"

    def _with_source(self, texts: list[str]) -> str:
        if not texts:
            return ""
        return "\n\n".join(texts) + f"\n\n*Fuente: {md(self.source)} Las palabras que cambian van en negrita.*"

    def show_markdown(self, text: str) -> None:
        from IPython.display import Markdown, display

        if text:
            display(Markdown(text))
