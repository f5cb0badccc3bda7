"""The tables of «Seguimiento de la ejecución» and the summary of an execution file, in Spanish.

The numbers come from pom_lib.compute.monitoring and pom_lib.compute.execution; the `*_table` functions
give them as formatted Spanish text for display.Table, like pom_lib.present.tables.
"""

from __future__ import annotations

import pandas as pd

from pom_lib.compute.execution import CLASSES, Thresholds
from pom_lib.compute.monitoring import execution_overview, has_current_budget, newer_indicator_goals, semaforo_counts
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.data.plan import Plan
from pom_lib.present.tables import with_codes


def _with_program_rows(table: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Insert a program heading before each program's first row; products in bold, subproducts indented
    under them, as in the planning matrix."""
    rows, roles = [], {"emphasis_rows": [], "strong_rows": [], "indent_rows": []}
    previous = None
    for (_, row), program, level in zip(table.iterrows(), items["programa"], items["nivel"]):
        if program != previous:
            roles["emphasis_rows"].append(len(rows))
            rows.append({**dict.fromkeys(table.columns, ""), "Producto / subproducto": str(program).upper()})
            previous = program
        roles["strong_rows" if level == "producto" else "indent_rows"].append(len(rows))
        rows.append(row.to_dict())
    result = pd.DataFrame(rows, columns=table.columns)
    result.attrs.update(roles)
    return with_codes(result, "Producto / subproducto")


def physical_table(attainment: pd.DataFrame, year: int) -> pd.DataFrame:
    """Physical goal, execution, percent attained and semáforo of every item in one year."""
    rows = attainment[attainment["anio"] == year]
    table = pd.DataFrame(
        {
            "Código": rows["elemento_id"].tolist(),
            "Producto / subproducto": rows["nombre"].tolist(),
            "Unidad": rows["unidad_medida"].tolist(),
            "Meta": [fmt.integer(v) for v in rows["meta_fisica"]],
            "Ejecutado": [fmt.integer(v) for v in rows["ejecucion_fisica"]],
            "Avance": [fmt.percent(v) for v in rows["avance_fisico_pct"]],
            "Semáforo": rows["semaforo_fisico"].tolist(),
        }
    )
    return _with_program_rows(table, rows)


def financial_table(attainment: pd.DataFrame, year: int) -> pd.DataFrame:
    """Financial goal, execution, percent attained and semáforo of every item in one year.

    With a presupuesto vigente in the file, it is shown next to the approved goal with the
    execution measured against it too; without one, those columns are left out.
    """
    rows = attainment[attainment["anio"] == year]
    columns = {
        "Código": rows["elemento_id"].tolist(),
        "Producto / subproducto": rows["nombre"].tolist(),
        "Meta aprobada": [fmt.quetzales(v) for v in rows["meta_financiera"]],
    }
    budget = has_current_budget(attainment, year)
    if budget:
        columns["Presupuesto vigente"] = [fmt.quetzales(v) for v in rows["presupuesto_vigente"]]
    columns["Ejecutado"] = [fmt.quetzales(v) for v in rows["ejecucion_financiera"]]
    columns["Avance sobre la meta"] = [fmt.percent(v) for v in rows["avance_financiero_pct"]]
    if budget:
        columns["Avance sobre el vigente"] = [fmt.percent(v) for v in rows["ejecucion_vigente_pct"]]
    columns["Semáforo"] = rows["semaforo_financiero"].tolist()
    table = pd.DataFrame(columns)
    return _with_program_rows(table, rows)


def semaforo_counts_table(attainment: pd.DataFrame) -> pd.DataFrame:
    counts = semaforo_counts(attainment)
    table = pd.DataFrame({"Semáforo": counts["clase"]})
    if counts["anio"].nunique() > 1:
        table.insert(0, "Año", counts["anio"].astype(str))
    for level, plural in (("producto", "Productos"), ("subproducto", "Subproductos")):
        for measure, label in (("fisico", "física"), ("financiero", "financiera")):
            table[f"{plural}, meta {label}"] = [fmt.integer(v) for v in counts[f"{level}_{measure}"]]
    return table


def threshold_text(percent: float) -> str:
    """A threshold as the chapter prints it: «90 %», «92.5 %»."""
    return fmt.percent(percent, 0 if float(percent).is_integer() else 1)


def thresholds_table(thresholds: Thresholds) -> pd.DataFrame:
    """The semáforo classes and the rule of each, with the edition's thresholds."""
    over, green, yellow = (threshold_text(v) for v in (thresholds.over, thresholds.green, thresholds.yellow))
    return pd.DataFrame(
        {
            "Semáforo": CLASSES,
            "Regla": [
                f"Ejecutado > {over} de la meta",
                f"Ejecutado ≥ {green} y ≤ {over} de la meta",
                f"Ejecutado ≥ {yellow} y < {green} de la meta",
                f"Ejecutado < {yellow} de la meta",
                "Sin ejecución informada (una celda vacía no es cero)",
                "Meta igual a 0: no hay porcentaje que medir",
            ],
        }
    )


def coverage_table(coverage: pd.DataFrame, unit: str, newer: Plan | None = None) -> pd.DataFrame:
    """The main indicator with its «Ejecución» column filled: goal and executed value per year.

    Percentages are of the target population, as in the fiches. With a newer plan, its goals for the same
    years sit beside (NA where it has none).
    """
    table = pd.DataFrame(
        {
            "Año": coverage["anio"].astype(str),
            f"Meta ({unit})": [fmt.integer(v) for v in coverage["meta_absoluta"]],
            f"Ejecución ({unit})": [fmt.integer(v) for v in coverage["ejecucion_absoluta"]],
            "Avance": [fmt.percent(v) for v in coverage["avance_pct"]],
            "Meta (%)": [fmt.percent(v) for v in coverage["meta_relativa"]],
            "Ejecución (%)": [fmt.percent(v, 2) for v in coverage["ejecucion_relativa"]],
        }
    )
    if newer is not None:
        goals = newer_indicator_goals(newer).set_index("anio")["meta_absoluta"]
        table[f"Meta del plan {newer.period} ({unit})"] = [fmt.integer(goals.get(year)) for year in coverage["anio"]]
    return table


def projection_table(projection: pd.DataFrame, plan: Plan, newer: Plan | None = None) -> pd.DataFrame:
    """Per product: the pace observed and where it would leave the last goals of `plan` (the monitored one).

    With a newer plan that also covers that year, its goals for the same product sit beside.
    """
    last = int(projection["anio"].max())
    rows = projection[(projection["nivel"] == "producto") & (projection["anio"] == last)]
    table = pd.DataFrame(
        {
            "Código": rows["elemento_id"],
            "Producto": rows["nombre"],
            "Ritmo físico": [fmt.percent(v) for v in rows["ritmo_fisico_pct"]],
            f"Meta física {last}": [fmt.integer(v) for v in rows["meta_fisica"]],
            f"Proyección física {last}": [fmt.integer(v) for v in rows["ejecucion_fisica"]],
            "Ritmo financiero": [fmt.percent(v) for v in rows["ritmo_financiero_pct"]],
            f"Meta financiera {last}": [fmt.quetzales(v) for v in rows["meta_financiera"]],
            f"Proyección financiera {last}": [fmt.quetzales(v) for v in rows["ejecucion_financiera"]],
        }
    )
    if newer is not None and last in newer.years:
        goals = newer.goals[(newer.goals["nivel"] == "producto") & (newer.goals["anio"] == last)]
        goals = goals.set_index("producto_id")
        table.insert(
            5,
            f"Meta física {last}, plan {newer.period}",
            [fmt.integer(goals["meta_fisica"].get(code)) for code in rows["elemento_id"]],
        )
        table[f"Meta financiera {last}, plan {newer.period}"] = [
            fmt.quetzales(goals["meta_financiera"].get(code)) for code in rows["elemento_id"]
        ]
    return with_codes(table, "Producto")


def goals_to_measure_table(plan: Plan, year: int, fiche_id: str | None = None) -> pd.DataFrame:
    """What the first execution will be compared with: each product's goals in `year`, and the indicator's."""
    goals = plan.goals[(plan.goals["nivel"] == "producto") & (plan.goals["anio"] == year)]
    table = pd.DataFrame(
        {
            "Código": goals["producto_id"].tolist(),
            "Producto o indicador": goals["nombre"].tolist(),
            "Unidad": goals["unidad_medida"].tolist(),
            f"Meta física {year}": [fmt.integer(v) for v in goals["meta_fisica"]],
            f"Meta financiera {year}": [fmt.quetzales(v) for v in goals["meta_financiera"]],
        }
    )
    fiche_id = fiche_id or plan.main_fiche
    fiche = plan["fichas"].set_index("ficha_id").loc[fiche_id]
    goal = plan["fichas_metas"].query("ficha_id == @fiche_id and anio == @year")
    if not goal.empty:
        indicator = {
            "Código": "Indicador",
            "Producto o indicador": str(fiche["indicador"]),
            "Unidad": str(fiche["unidad_medida"]),
            f"Meta física {year}": f"{fmt.integer(goal['meta_absoluta'].iloc[0])} "
            f"({fmt.percent(goal['meta_relativa'].iloc[0])})",
            f"Meta financiera {year}": fmt.MISSING,
        }
        table = pd.concat([table, pd.DataFrame([indicator])], ignore_index=True)
    return with_codes(table, "Producto o indicador")


def execution_summary(plan: Plan, execution: pd.DataFrame) -> list[str]:
    """Lines in Spanish describing a valid execution file: items, years, periods and totals executed
    (compute.monitoring.execution_overview)."""
    overview = execution_overview(plan, execution)
    periods = overview["cuatrimestres"]
    kinds = (["año completo"] if overview["anio_completo"] else []) + (
        [f"cuatrimestre{'s' if len(periods) > 1 else ''} {spanish.join(map(str, periods))}"] if periods else []
    )
    lines = [
        f"{fmt.integer(overview['filas'])} filas: {overview['productos']} productos y "
        f"{overview['subproductos']} subproductos; "
        f"años: {spanish.join(map(str, overview['anios']))}; períodos: {', '.join(kinds)}."
    ]
    for year in overview["por_anio"]:
        spent = "sin datos de ejecución financiera"
        if year["ejecucion_financiera"] is not None:
            total, budget = year["ejecucion_financiera"], year["meta_financiera"]
            spent = (
                f"ejecución financiera de los productos {fmt.quetzales(total)} de {fmt.quetzales(budget)} "
                f"programados ({fmt.percent(100 * total / budget)})"
            )
        lines.append(
            f"{year['anio']}: {spent}; {year['con_ejecucion_fisica']} de {year['elementos']} elementos con ejecución "
            "física."
        )
    return lines
