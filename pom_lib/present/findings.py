"""The findings of pom_lib.compute.findings in words: one sentence each, its key figure in bold.

Amounts in sentences are in millions (`formatting.millions_of_quetzales`), people and units in
full; plan text is escaped for Markdown. Each sentence is true for any plan whose data gave the
finding; the main points open the book with a link to the chapter that develops each one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pom_lib.compute import analysis
from pom_lib.compute.findings import Finding
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.data.plan import Plan
from pom_lib.present.display import anchor

# compute.findings.main_points in words.
MAIN_POINTS_RULE = (
    "Los puntos principales son los hallazgos que alcanzan la mayor parte de las metas financieras del "
    "período o de la población objetivo, de mayor a menor alcance."
)


def _bold(text: str) -> str:
    return f"**{text}**"


# Names in findings are cut after this many words («…»): the chapter linked gives them whole.
NAME_WORDS = 6
# Words a cut name never ends on («servicios de…»).
_LINKING = {"a", "al", "con", "de", "del", "e", "el", "en", "la", "las", "los", "o", "para", "por", "u", "y"}


def _name(identifier: str, name: str) -> str:
    words = name.split()
    if len(words) > NAME_WORDS:
        kept = words[:NAME_WORDS]
        while len(kept) > 1 and kept[-1].lower().rstrip(",;:") in _LINKING:
            kept.pop()
        name = " ".join(kept).rstrip(",;:") + "…"
    return f"{md(identifier)} «{md(name)}»"


def budget_sentence(plan: Plan) -> str:
    """The plan's size, always the first main point: its financial goals and how the yearly total moves."""
    totals = analysis.yearly_totals(plan)["total"]
    first, last = int(totals.index[0]), int(totals.index[-1])
    total = _bold(fmt.millions_of_quetzales(totals.sum()))
    if first == last:
        return f"El plan programa {total} en metas financieras para {first}."
    start, end = float(totals.iloc[0]), float(totals.iloc[-1])
    if start == end or not start:
        change = f"el total anual es de {fmt.millions_of_quetzales(end)} en {last}"
    else:
        verb = "sube" if end > start else "baja"
        change = (
            f"el total anual {verb} de {fmt.millions_of_quetzales(start)} a {fmt.millions_of_quetzales(end)} "
            f"({fmt.signed_percent(100 * (end / start - 1))})"
        )
    return f"El plan programa {total} en metas financieras para {first}-{last}; {change}."


def _unmeasured(finding: Finding) -> str:
    figures = finding.figures
    return (
        f"{_bold(fmt.percent(figures['participacion']))} de las metas financieras del período "
        f"({fmt.millions_of_quetzales(figures['monto'])}) no se mide con ningún indicador del plan."
    )


def _uncovered(finding: Finding) -> str:
    figures = finding.figures
    return (
        f"Aun si se cumple la meta de cobertura de {figures['anio']}, "
        f"{_bold(fmt.integer(figures['fuera']) + ' personas')} de la población objetivo "
        f"({fmt.percent(finding.weight)}) quedan fuera."
    )


def _outpacing(finding: Finding) -> str:
    figures = finding.figures
    unit = md(figures["unidad_medida"].strip().lower())
    return (
        f"La meta financiera de {_name(figures['producto_id'], figures['producto'])} crece "
        f"{_bold(fmt.signed_percent(figures['financiera_pct']))} de {figures['anio_inicio']} a "
        f"{figures['anio_fin']} y su meta física {fmt.signed_percent(figures['fisica_pct'])}: el costo por "
        f"{unit} sube."
    )


def _reallocation(finding: Finding) -> str:
    figures = finding.figures
    first, last = figures["anio_entrada"], figures["anio_salida"] - 1
    years = str(first) if first == last else f"{first}-{last}"
    return (
        f"{_bold(fmt.millions_of_quetzales(figures['adicional']))} entran a "
        f"{_name(figures['subproducto_id'], figures['subproducto'])} en {years} y vuelven a salir en "
        f"{figures['anio_salida']}: su meta financiera pasa de {fmt.millions_of_quetzales(figures['antes'])} a "
        f"{fmt.millions_of_quetzales(figures['maximo'])} y vuelve a {fmt.millions_of_quetzales(figures['despues'])}."
    )


def _without_output(finding: Finding) -> str:
    cells = finding.figures["celdas"]
    products = list(dict.fromkeys(identifier for identifier, _, _ in cells))
    listed = spanish.join(md(identifier) for identifier in products)
    return (
        f"{_bold(fmt.millions_of_quetzales(finding.figures['monto']))} de metas financieras están en años en que "
        f"{'el producto' if len(products) == 1 else 'los productos'} {listed} no "
        f"{'tiene' if len(products) == 1 else 'tienen'} meta física: dinero sin nada que entregar."
    )


def _commitments(finding: Finding) -> str:
    count = finding.figures["enunciados"]
    none = "lo vinculan" if count == 1 else "vinculan ninguno"
    return (
        f"El plan anuncia la ampliación de su red en {_bold(spanish.count_in_words(count, 'enunciado'))}, pero "
        f"sus datos no {none} con una meta física ni financiera de la matriz."
    )


def _lagging(finding: Finding) -> str:
    figures = finding.figures
    count = f"{fmt.integer(figures['rezagados'])} de {spanish.count(figures['medidos'], 'producto')}"
    verb = "quedó" if figures["rezagados"] == 1 else "quedaron"
    return (
        f"En {figures['anio']}, {_bold(count)} con ejecución informada {verb} «Rezagado» en el semáforo de su meta "
        f"física; {'reúne' if figures['rezagados'] == 1 else 'reúnen'} {fmt.percent(figures['participacion'])} de "
        "las metas financieras de ese año."
    )


def _shortfall(finding: Finding) -> str:
    figures = finding.figures
    unit = md(figures["unidad"])
    return (
        f"Al ritmo de ejecución observado, la meta de {figures['anio']} del indicador principal "
        f"({fmt.integer(figures['meta'])} {unit}) quedaría en {fmt.integer(figures['alcanzado'])}: faltarían "
        f"{_bold(fmt.integer(figures['faltante']) + ' ' + unit)} ({fmt.percent(finding.weight)} de la meta)."
    )


SENTENCES: dict[str, Callable[[Finding], str]] = {
    "dinero_sin_indicador": _unmeasured,
    "poblacion_fuera_de_la_meta": _uncovered,
    "costo_crece_mas_que_metas": _outpacing,
    "reasignacion_de_ida_y_vuelta": _reallocation,
    "dinero_sin_meta_fisica": _without_output,
    "compromisos_sin_meta": _commitments,
    "productos_rezagados": _lagging,
    "brecha_proyectada": _shortfall,
}


def sentence(finding: Finding) -> str:
    return SENTENCES[finding.key](finding)


def caption(finding: Finding) -> str:
    """The caption of a finding's chart (pom_lib.present.charts.finding_chart)."""
    figures = finding.figures
    if finding.key == "dinero_sin_indicador":
        return "Metas financieras medidas y no medidas por un indicador del plan, por año"
    if finding.key == "poblacion_fuera_de_la_meta":
        return f"Población objetivo dentro y fuera de la meta de cobertura de {figures['anio']}"
    if finding.key == "costo_crece_mas_que_metas":
        return f"Metas financiera y física de {md(figures['producto_id'])}, índice {figures['anio_inicio']} = 100"
    if finding.key == "reasignacion_de_ida_y_vuelta":
        items = spanish.join(md(column) for column in figures["por_anio"].columns)
        return f"Metas financieras de {items}, por año"
    if finding.key == "productos_rezagados":
        return f"Ejecución física de {figures['anio']} de los productos rezagados, en porcentaje de su meta"
    if finding.key == "brecha_proyectada":
        return f"Indicador principal: metas del plan y ejecución al ritmo observado hasta {figures['anio']}"
    raise KeyError(finding.key)


def finding_markdown(finding: Finding, chapters: Iterable[str]) -> str:
    """A finding's sentence with its anchor (``punto-<key>``, for citing it) and a link to its chapter when
    the edition has it."""
    link = f" ({{doc}}`{finding.chapter}`)" if finding.chapter in set(chapters) else ""
    return f'<span id="{anchor("punto", finding.key)}"></span>{sentence(finding)}{link}'


def points_markdown(plan: Plan, found: Iterable[Finding], chapters: Iterable[str]) -> str:
    """The main points as a numbered Markdown list: the plan's size first, then each finding."""
    chapters = list(chapters)
    lines = [f"1. {budget_sentence(plan)}"]
    lines += [f"{number}. {finding_markdown(finding, chapters)}" for number, finding in enumerate(found, start=2)]
    return "\n".join(lines) + "\n"
