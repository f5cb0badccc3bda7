"""Sentences of the book's prose whose wording depends on the data (findings, not templates)."""

from __future__ import annotations

import pandas as pd

from . import analysis, escaping
from . import formatting as fmt
from .plan import Plan


def reconciliation_sentence(report: pd.DataFrame) -> str:
    """Whether the plan's arithmetic holds, said plainly."""
    failures = int((~report["cumple"]).sum())
    total = len(report)
    if failures == 0:
        return (f"Las {fmt.integer(total)} comprobaciones aritméticas del plan se cumplen sin excepción: "
                "las cifras son coherentes entre sí.")
    return (f"De {fmt.integer(total)} comprobaciones aritméticas, {fmt.integer(failures)} "
            f"{'no cuadra' if failures == 1 else 'no cuadran'}; "
            "se detallan en el capítulo de calidad de los datos y deben leerse como hallazgos del documento.")


def program_shift_sentence(plan: Plan) -> str:
    """Which program gains and which loses budget share between the first and last year.

    Empty when there is nothing to compare: a single program or a single year.
    """
    shares = analysis.budget_shares(plan)
    first, last = shares.columns[0], shares.columns[-1]
    if len(shares) < 2 or first == last:
        return ""
    change = (shares[last] - shares[first]).sort_values(kind="stable")
    if not change.round(1).any():
        return f"Entre {first} y {last}, ningún programa cambia su participación en el total."
    gainer, loser = change.index[-1], change.index[0]
    return (f"Entre {first} y {last}, «{escaping.markdown(gainer)}» es el programa que más participación gana "
            f"({fmt.percent(shares.loc[gainer, first])} → {fmt.percent(shares.loc[gainer, last])}), y "
            f"«{escaping.markdown(loser)}» el que más pierde ({fmt.percent(shares.loc[loser, first])} → "
            f"{fmt.percent(shares.loc[loser, last])}).")








# --- Seguimiento de la ejecución ------------------------------------------------------------------

def _count(number: int, singular: str, plural: str | None = None) -> str:
    """1 producto · 2 productos"""
    return f"{fmt.integer(number)} {singular if number == 1 else (plural or singular + 's')}"


def _spanish_list(texts: list[str]) -> str:
    texts = [t for t in texts if t]
    if len(texts) < 2:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} y {texts[-1]}"


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    if len(years) == 1:
        return str(years[0])
    return f"{years[0]} a {years[-1]}"


def no_execution_sentence(plan: Plan, edition_year: int, monitored: Plan | None) -> str:
    """Why an edition shows no execution figures: the plan has not run a year yet, or no file was given."""
    cutoff = int(edition_year) - 1
    start = plan.years[0]
    if monitored is None:
        return (f"La edición {edition_year} se publica cuando el plan {plan.period} apenas comienza: su año de "
                f"corte, {cutoff}, es anterior al primer año del plan ({start}), así que todavía no hay ejecución "
                "que medir. Este capítulo no muestra cifras de ejecución —ni ceros ni estimaciones—: presenta lo "
                f"que se medirá a partir de la edición {start + 1}, con la ejecución de {start}.")
    years = [y for y in monitored.years if y <= cutoff]
    return (f"La edición {edition_year} se construyó sin el registro de ejecución de {_years_text(years)}: "
            "este capítulo no muestra cifras de ejecución —ni ceros ni estimaciones— hasta que ese registro "
            "se incorpore, y presenta lo que se medirá.")


def monitored_plan_sentence(current: Plan, monitored: Plan, years: list[int]) -> str:
    """Which plan's goals the execution is measured against, when it is not obvious."""
    said = _years_text(years)
    if monitored.period == current.period:
        return f"La ejecución de {said} se mide contra las metas del plan {monitored.period}."
    return (f"La ejecución de {said} pertenece al plan {monitored.period}, el de la edición anterior: se mide "
            f"contra sus metas, no contra las del plan {current.period} que presenta esta edición, cuyo primer "
            f"año es {current.years[0]}.")


def semaforo_sentence(attainment: pd.DataFrame, year: int, level: str = "producto", measure: str = "fisico") -> str:
    """How the items of one level fall in the semáforo classes, for one measure and year."""
    from .execution import EN_META, EN_RIESGO, REZAGADO, SIN_DATO, SIN_META

    rows = attainment[(attainment["anio"] == year) & (attainment["nivel"] == level)]
    counts = rows[f"semaforo_{measure}"].value_counts()
    goal = "meta física" if measure == "fisico" else "meta financiera"
    measured = [(c, int(counts[c])) for c in (EN_META, EN_RIESGO, REZAGADO) if counts.get(c, 0)]
    if not measured:
        return f"En {year}, ninguno de los {_count(len(rows), level)} tiene ejecución que comparar con su {goal}."
    (first, number), rest = measured[0], measured[1:]
    parts = [f"{fmt.integer(number)} de los {_count(len(rows), level)} {'está' if number == 1 else 'están'} «{first}»"]
    parts += [f"{fmt.integer(n)} «{c}»" for c, n in rest]
    others = []
    if counts.get(SIN_DATO, 0):
        others.append(f"{fmt.integer(counts[SIN_DATO])} {'no tiene' if counts[SIN_DATO] == 1 else 'no tienen'} dato")
    if counts.get(SIN_META, 0):
        others.append(f"{fmt.integer(counts[SIN_META])} {'tiene' if counts[SIN_META] == 1 else 'tienen'} meta 0")
    tail = f"; {_spanish_list(others)}" if others else ""
    return f"En {year}, según su {goal}, {_spanish_list(parts)}{tail}."


def attention_sentence(attainment: pd.DataFrame, year: int, thresholds) -> str:
    """The products below the green threshold in their physical goal, lowest first."""
    from .execution import EN_RIESGO, REZAGADO

    rows = attainment[(attainment["anio"] == year) & (attainment["nivel"] == "producto")]
    below = rows[rows["semaforo_fisico"].isin([EN_RIESGO, REZAGADO])].sort_values("avance_fisico_pct")
    if below.empty:
        return (f"Ningún producto con dato queda por debajo de {fmt.percent(thresholds.green, 0)} de su meta "
                f"física de {year}.")
    named = [f"{r.elemento_id} «{r.nombre}» ({fmt.percent(r.avance_fisico_pct)}, {r.semaforo_fisico.lower()})"
             for r in below.itertuples()]
    return (f"Por debajo de {fmt.percent(thresholds.green, 0)} de su meta física de {year} quedan "
            f"{_spanish_list(named)}.")


def financial_execution_sentence(attainment: pd.DataFrame, plan: Plan, year: int) -> str:
    """What the products spent against the year's total and, where reported, against the current budget."""
    rows = attainment[(attainment["anio"] == year) & (attainment["nivel"] == "producto")]
    spent = rows["ejecucion_financiera"].dropna()
    if spent.empty:
        return f"No hay datos de ejecución financiera de los productos en {year}."
    total = float(plan["totales_anuales"].set_index("anio").loc[year, "meta_financiera"])
    reported = rows["ejecucion_financiera"].notna()
    sentence = (f"Los {_count(int(reported.sum()), 'producto')} con dato ejecutaron "
                f"{fmt.quetzales(spent.sum())} de los {fmt.quetzales(total)} programados para {year} en todo el "
                f"plan ({fmt.percent(100 * spent.sum() / total)}).")
    if sentence.startswith("Los 1 "):
        sentence = sentence.replace("Los 1 producto con dato ejecutaron", "El único producto con dato ejecutó", 1)
    budgeted = rows[rows["presupuesto_vigente"].notna() & reported]
    if not budgeted.empty:
        current = float(budgeted["presupuesto_vigente"].sum())
        done = float(budgeted["ejecucion_financiera"].sum())
        approved = float(budgeted["meta_financiera"].sum())
        sentence += (f" Frente al presupuesto vigente que informan ({fmt.quetzales(current)}, "
                     f"{fmt.signed(current - approved, fmt.quetzales)} respecto de su meta aprobada), la ejecución "
                     f"es de {fmt.percent(100 * done / current)}.")
    return sentence


def coverage_execution_sentence(coverage: pd.DataFrame, year: int) -> str:
    """The coverage indicator's executed value in one year, against its goal."""
    row = coverage.set_index("anio").loc[year]
    if pd.isna(row["ejecucion_absoluta"]):
        return (f"El indicador de cobertura de {year} no puede calcularse: falta la ejecución física de alguno de "
                "los subproductos que suma su fórmula, y una suma parcial subestimaría la cobertura.")
    return (f"En {year} los subproductos que suma el indicador atendieron a "
            f"{fmt.integer(row['ejecucion_absoluta'])} personas, el {fmt.percent(row['ejecucion_relativa'], 2)} "
            f"de la población objetivo, frente a una meta de {fmt.integer(row['meta_absoluta'])} personas "
            f"({fmt.percent(row['meta_relativa'])}): un avance de {fmt.percent(row['avance_pct'])} de la meta "
            "del año.")


def projection_sentence(projection: pd.DataFrame, path: pd.DataFrame, thresholds) -> str:
    """Where the observed pace would leave the plan's last goals."""
    last = int(projection["anio"].max())
    final = projection[(projection["nivel"] == "producto") & (projection["anio"] == last)]
    paced = final.dropna(subset=["ritmo_fisico_pct"])
    if paced.empty:
        return "Sin un año completo de ejecución observado, no hay ritmo que proyectar."
    reach = int((paced["avance_fisico_pct"] >= thresholds.green).sum())
    behind = int((paced["avance_fisico_pct"] < thresholds.yellow).sum())
    sentence = (f"Si cada producto mantuviera hasta {last} el ritmo observado, {fmt.integer(reach)} de los "
                f"{_count(len(paced), 'producto')} con ritmo medido {'llegaría' if reach == 1 else 'llegarían'} al menos a "
                f"{fmt.percent(thresholds.green, 0)} de su meta física de {last}, y "
                f"{fmt.integer(behind)} {'quedaría' if behind == 1 else 'quedarían'} por debajo de "
                f"{fmt.percent(thresholds.yellow, 0)}")
    at_end = path[path["anio"] == last]
    if not at_end.empty and at_end["meta_financiera"].iloc[0]:
        goal, done = float(at_end["meta_financiera"].iloc[0]), float(at_end["ejecucion_financiera"].iloc[0])
        sentence += (f"; su ejecución financiera sumaría {fmt.quetzales(done)} de los {fmt.quetzales(goal)} "
                     f"programados para ese año ({fmt.percent(100 * done / goal)})")
    return sentence + "."


# --- Cambios respecto de la edición anterior -------------------------------------------------------

def first_edition_sentence(plan: Plan, edition_year: int) -> str:
    """Why the chapter on changes has nothing to compare."""
    return (f"Esta es la primera edición del libro para el plan {plan.period} (edición {edition_year}): no hay "
            "una edición anterior con la cual compararla, así que este capítulo no registra cambios. A partir de la "
            "próxima edición, comparará las dos ediciones elemento por elemento, por su código:")


def _levels_text(rows: pd.DataFrame) -> str:
    counts = rows["nivel"].value_counts()
    return _spanish_list([_count(int(counts[level]), level) for level in ("producto", "subproducto")
                          if counts.get(level, 0)])


def item_changes_sentence(items: pd.DataFrame, previous: Plan, current: Plan) -> str:
    """The item changes between two editions, counted by kind and level."""
    from .changes import ADDED, PROGRAM, REMOVED, RENAMED, UNIT

    if items.empty:
        return (f"El plan {current.period} conserva los productos y subproductos del plan {previous.period}, con "
                "los mismos nombres, unidades de medida y programas.")
    verbs = {ADDED: "agrega {}", REMOVED: "retira {}", RENAMED: "renombra {}",
             UNIT: "cambia la unidad de medida de {}", PROGRAM: "traslada {} a otro programa"}
    parts = [verbs[kind].format(_levels_text(items[items["cambio"] == kind]))
             for kind in verbs if (items["cambio"] == kind).any()]
    return f"Frente al plan {previous.period}, el plan {current.period} {_spanish_list(parts)}."


def goal_changes_sentence(goals: pd.DataFrame, summary: dict) -> str:
    """How many goals change in the years both editions cover, and the largest financial change."""
    common = _years_text(summary["anios_comunes"])
    if not common:
        return "Las dos ediciones no comparten ningún año, así que sus metas no pueden compararse."
    if goals.empty:
        return f"En los años que cubren ambas ediciones ({common}) ninguna meta cambia."
    sentence = (f"En los años que cubren ambas ediciones ({common}) cambian "
                f"{_count(len(goals), 'meta')} de {_count(goals['elemento_id'].nunique(), 'elemento')}; las demás "
                "se mantienen")
    money = goals[goals["diferencia_financiera"] != 0]
    if not money.empty:
        top = money.loc[money["diferencia_financiera"].abs().idxmax()]
        sentence += (f". La mayor modificación financiera es la de {top['elemento_id']} en {top['anio']} "
                     f"({fmt.signed(top['diferencia_financiera'], fmt.quetzales)})")
    return sentence + "."


def total_changes_sentence(totals: pd.DataFrame, summary: dict) -> str:
    """How the yearly totals of the common years change, and which years enter or leave the horizon."""
    before, after = summary["total_comun_anterior"], summary["total_comun_actual"]
    sentences = []
    if summary["anios_comunes"]:
        difference = after - before
        change = (f"pasa de {fmt.quetzales(before)} a {fmt.quetzales(after)} "
                  f"({fmt.signed(difference, fmt.quetzales)}, {fmt.signed_percent(100 * difference / before, 2)})"
                  if difference else f"se mantiene en {fmt.quetzales(after)}")
        sentences.append(f"Sumados los años comunes ({_years_text(summary['anios_comunes'])}), el presupuesto "
                         f"{change}.")
    left = totals[totals["total_actual"].isna()]
    entered = totals[totals["total_anterior"].isna()]
    if not left.empty:
        sentences.append(f"{_spanish_list([str(y) for y in left['anio']])} sale del horizonte del plan"
                         if len(left) == 1 else
                         f"{_spanish_list([str(y) for y in left['anio']])} salen del horizonte del plan")
    if not entered.empty:
        added = _spanish_list([f"{y} ({fmt.quetzales(v)})" for y, v in zip(entered["anio"], entered["total_actual"])])
        sentences.append(f"se {'agrega' if len(entered) == 1 else 'agregan'} {added}")
    text = sentences[0] if summary["anios_comunes"] else ""
    tail = [s for s in sentences[1 if summary["anios_comunes"] else 0:]]
    if tail:
        tail_text = ", y ".join(tail) if len(tail) == 2 else tail[0]
        text = (text + " " if text else "") + tail_text[0].upper() + tail_text[1:] + "."
    return text


# --- The two chapters' mode-dependent paragraphs ----------------------------------------------------

ITEMS_LEAD, GOALS_LEAD, TOTALS_LEAD = "Productos y subproductos.", "Metas.", "Totales anuales."

def monitoring_paragraphs(monitoring) -> dict[str, str]:
    """The glued paragraphs of «Seguimiento de la ejecución», with execution data or without it.

    Keys: frase_estado, frase_avance, frase_semaforo, frase_cobertura, frase_proyeccion. Without
    data every paragraph says what will be measured and when; none carries an execution figure.
    """
    m = monitoring
    first = m.first_goal_year
    if not m.has_data:
        return {
            "frase_estado": no_execution_sentence(m.plan, m.edition_year, m.monitored),
            "frase_avance": (f"Cuando se registre la ejecución de {first}, cada producto y subproducto se comparará "
                             f"con sus metas física y financiera de ese año. La tabla siguiente reúne las de los "
                             "productos y la del indicador de cobertura: son las cifras contra las que se medirá el "
                             "primer año."),
            "frase_semaforo": ("Todavía no hay nada que clasificar en el semáforo: con la primera ejecución, cada "
                               "producto y subproducto recibirá una clase por su meta física y otra por su meta "
                               "financiera, y se contará cuántos quedan en cada una."),
            "frase_cobertura": (f"La columna «Ejecución» de la ficha sigue vacía. El valor de {first} se calculará "
                                "sumando la ejecución física de los subproductos que nombra la fórmula del indicador, "
                                "como se suman sus metas, y solo cuando todos ellos tengan dato."),
            "frase_proyeccion": (f"La proyección necesita al menos un año completo de ejecución observado: la "
                                 f"primera podrá calcularse en la edición {first + 1}, con la ejecución de {first}."),
        }
    year = m.last_year
    att = m.attainment
    return {
        "frase_estado": monitored_plan_sentence(m.plan, m.monitored, m.years),
        "frase_avance": " ".join([semaforo_sentence(att, year, "producto", "fisico"),
                                  attention_sentence(att, year, m.thresholds),
                                  financial_execution_sentence(att, m.monitored, year)]),
        "frase_semaforo": " ".join([semaforo_sentence(att, year, "producto", "financiero"),
                                    semaforo_sentence(att, year, "subproducto", "fisico")]),
        "frase_cobertura": coverage_execution_sentence(m.coverage, year),
        "frase_proyeccion": projection_sentence(m.projection, m.financial_path, m.thresholds),
    }


def changes_paragraphs(plan: Plan, previous: Plan | None, edition_year: int) -> dict[str, str]:
    """The glued paragraphs of «Cambios respecto de la edición anterior».

    Keys: frase_estado, frase_elementos, frase_metas, frase_totales, each of the last three led
    by its topic in bold (Markdown, glued with glue_markdown: no plan text in them, only counts,
    years, amounts and codes). For the first edition they say what will be compared, with no figure.
    """
    from . import changes

    if previous is None:
        return {
            "frase_estado": first_edition_sentence(plan, edition_year),
            "frase_elementos": (f"**{ITEMS_LEAD}** Se listarán los agregados, los retirados, los renombrados, los "
                                "que cambien de unidad de medida y los productos que pasen a otro programa."),
            "frase_metas": (f"**{GOALS_LEAD}** Se compararán las metas física y financiera de cada elemento en los "
                            "años que cubran ambas ediciones, con su diferencia."),
            "frase_totales": (f"**{TOTALS_LEAD}** Se comparará el total de cada año, con la diferencia en quetzales "
                              "y en porcentaje, y se señalarán los años que entran al horizonte del plan y los que "
                              "salen de él."),
        }
    summary = changes.changes_summary(previous, plan)
    return {
        "frase_estado": (f"Esta edición presenta el plan {plan.period}; la anterior, el plan {previous.period}. Los "
                         "productos y subproductos conservan su código de una edición a otra, así que se comparan "
                         "por código, nunca por nombre ni por posición en la matriz."),
        "frase_elementos": f"**{ITEMS_LEAD}** "
                           + item_changes_sentence(changes.item_changes(previous, plan), previous, plan),
        "frase_metas": f"**{GOALS_LEAD}** " + goal_changes_sentence(changes.goal_changes(previous, plan), summary),
        "frase_totales": f"**{TOTALS_LEAD}** " + total_changes_sentence(changes.total_changes(previous, plan), summary),
    }
