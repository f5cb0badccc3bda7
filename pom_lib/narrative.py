"""Sentences of the book's prose whose wording depends on the data (findings, not templates)."""

from __future__ import annotations

import pandas as pd

from . import analysis
from . import formatting as fmt
from .plan import Plan


def reconciliation_sentence(report: pd.DataFrame) -> str:
    """Whether the plan's arithmetic holds, said plainly."""
    failures = int((~report["cumple"]).sum())
    total = len(report)
    if failures == 0:
        return (f"Las {fmt.integer(total)} comprobaciones aritméticas del plan se cumplen sin excepción: "
                "las cifras son coherentes entre sí.")
    return (f"De {fmt.integer(total)} comprobaciones aritméticas, {fmt.integer(failures)} no cuadran; "
            "se detallan en el capítulo de calidad de los datos y deben leerse como hallazgos del documento.")


def program_shift_sentence(plan: Plan) -> str:
    """Which program gains and which loses budget share between the first and last year."""
    shares = analysis.budget_shares(plan)
    first, last = shares.columns[0], shares.columns[-1]
    change = (shares[last] - shares[first]).sort_values()
    gainer, loser = change.index[-1], change.index[0]
    return (f"Entre {first} y {last}, «{gainer}» es el programa que más participación gana "
            f"({fmt.percent(shares.loc[gainer, first])} → {fmt.percent(shares.loc[gainer, last])}), y "
            f"«{loser}» el que más pierde ({fmt.percent(shares.loc[loser, first])} → "
            f"{fmt.percent(shares.loc[loser, last])}).")


def growth_pattern_sentence(plan: Plan, tolerance_pct: float = 0.5) -> str:
    """Whether the physical goals follow one common yearly growth rate."""
    growth = analysis.product_growth(plan)
    growing = growth[growth["meta_fisica_tcac"] > tolerance_pct]
    if growing.empty:
        return "Ninguna meta física crece durante el período."
    median = growing["meta_fisica_tcac"].median()
    near = growing[(growing["meta_fisica_tcac"] - median).abs() <= tolerance_pct]
    flat = growth[growth["meta_fisica_tcac"].abs() <= tolerance_pct]
    return (f"{fmt.integer(len(near))} de los {fmt.integer(len(growing))} productos cuya meta física crece lo hacen "
            f"a un ritmo cercano al {fmt.percent(median)} anual, y {fmt.integer(len(flat))} mantienen la misma meta "
            "todos los años: las metas físicas parecen proyectadas con una tasa común, mientras que las "
            "financieras siguen trayectorias propias.")


def outliers_sentence(outliers: pd.DataFrame, threshold_pct: float) -> str:
    if outliers.empty:
        return (f"Ningún costo unitario varía más de {fmt.percent(threshold_pct, 0)} de un año al siguiente.")
    items = outliers["elemento"].nunique()
    return (f"{fmt.integer(len(outliers))} variaciones anuales del costo unitario superan el umbral de "
            f"{fmt.percent(threshold_pct, 0)}, en {fmt.integer(items)} elementos de la matriz.")


def round_totals_sentence(plan: Plan) -> str:
    """Whether the yearly totals look like ceilings set in advance (round millions) or sums of costs."""
    totals = plan["totales_anuales"]["meta_financiera"].astype(float)
    if (totals % 1_000_000 == 0).all():
        return ("Todos los totales anuales son cifras redondas en millones: el plan parece partir de techos "
                "presupuestarios fijados de antemano y repartirlos después entre productos, más que sumar "
                "costos estimados producto por producto.")
    return "Los totales anuales no son cifras redondas: resultan de sumar las asignaciones de cada producto."


def coverage_growth_sentence(plan: Plan, fiche_id: str | None = None) -> str:
    """How persons served grow: the jump from the baseline, then steady or uneven yearly goals."""
    from .projections import coverage_path

    persons = coverage_path(plan, fiche_id)["personas"]
    rates = 100 * persons.pct_change().dropna()
    jump, later = rates.iloc[0], rates.iloc[1:]
    opening = (f"Entre la línea de base y el primer año del plan las personas atendidas aumentan "
               f"{fmt.percent(jump)}")
    if later.empty:
        return opening + "."
    if later.max() - later.min() < 0.1:
        return (opening + f"; a partir de ahí, las metas crecen a un ritmo constante de {fmt.percent(later.mean())} "
                "anual, señal de que se proyectaron aplicando una misma tasa año tras año.")
    return (opening + f"; después, el crecimiento anual de las metas varía entre {fmt.percent(later.min())} y "
            f"{fmt.percent(later.max())}.")


def fiche_markdown(plan: Plan, fiche_id: str) -> str:
    """A fiche's indicator, formula and listed items, quoted as the document prints them."""
    from .framework import escape_markdown, source_note

    fiche = plan["fichas"].set_index("ficha_id").loc[fiche_id]
    items = plan["fichas_elementos"].query("ficha_id == @fiche_id").sort_values("orden")
    names = {**plan.products.set_index("producto_id")["nombre"].to_dict(),
             **plan.subproducts.set_index("subproducto_id")["etiqueta"].to_dict()}
    listed = [row.producto_id if isinstance(row.producto_id, str) else row.subproducto_id for row in items.itertuples()]
    level = "Productos" if fiche["nivel"] == "producto" else "Subproductos"
    lines = [f"**{level} de la ficha:**", ""]
    lines += [f"- {code}: {escape_markdown(names[code])}" for code in listed]
    lines += ["", f"**Indicador:** {escape_markdown(fiche['indicador'])}", "",
              f"**Unidad de medida:** {escape_markdown(fiche['unidad_medida'])}", "",
              "**Fórmula, tal como figura en el documento:**", "", f"> {escape_markdown(fiche['formula'])}", "",
              source_note(plan, [fiche["seccion"]])]
    return "\n".join(lines)


def fiches_agreement_sentence(plan: Plan) -> str:
    """Whether the product and the subproduct fiches publish the same figures."""
    from .reconciliation import indicator_values

    values = indicator_values(plan)
    published = [group[["anio", "absoluto_publicado", "relativo_publicado"]].to_numpy().tolist()
                 for _, group in values.groupby("ficha_id")]
    if len(published) > 1 and all(p == published[0] for p in published):
        return ("Las dos fichas publican exactamente las mismas cifras: el indicador de los subproductos no mide "
                "algo distinto del de los productos, sino la misma cobertura vista desde los elementos que la componen.")
    return "Las fichas publican cifras distintas; la tabla de cada una muestra sus valores."


def execution_sentence(plan: Plan) -> str:
    """Whether the fiches carry execution data yet."""
    executed = int(plan["fichas_metas"]["ejecucion"].notna().sum())
    if executed == 0:
        return ("Ninguna ficha trae todavía datos de ejecución: la columna *Ejecución* del documento está vacía y "
                "este libro la muestra como «sin dato», nunca como cero.")
    return f"Las fichas traen {fmt.integer(executed)} valores de ejecución."


def largest_program_sentence(plan: Plan) -> str:
    """Which program has the largest allocation, and whether it leads every year."""
    budget = analysis.budget_by_program(plan)
    leaders = budget.idxmax()
    if leaders.nunique() == 1:
        return f"«{leaders.iloc[0]}» es el programa de mayor asignación en todos los años."
    years = ", ".join(f"{program} en {year}" for year, program in leaders.items())
    return f"El programa de mayor asignación cambia de un año a otro: {years}."
