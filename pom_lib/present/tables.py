"""The book's tables as DataFrames of formatted Spanish text, ready for display.Table."""

from __future__ import annotations

import pandas as pd

from pom_lib.compute import analysis
from pom_lib.compute.reconciliation import indicator_values, summary
from pom_lib.core import formatting as fmt
from pom_lib.data.plan import Plan


def with_codes(table: pd.DataFrame, name_column: str, code_column: str = "Código") -> pd.DataFrame:
    """Mark `table`'s ids (`code_column`) as the codes of the names in `name_column`.

    display.Table then shows each id in front of its name, in one column («SUB08 Servicios de …»):
    the column a phone keeps fixed while the table scrolls sideways names its row, never a bare code.
    The downloads keep the ids and the names in their own columns.
    """
    table.attrs["code_column"] = code_column
    table.attrs["label_column"] = name_column
    return table


def matrix_table(plan: Plan, kind: str) -> pd.DataFrame:
    """The planning matrix, one row per product and subproduct, program rows as separators.

    kind: 'meta_fisica' (with the unit) or 'meta_financiera' (quetzales, with the yearly total row).
    """
    if kind not in ("meta_fisica", "meta_financiera"):
        raise ValueError(kind)
    as_text = fmt.integer if kind == "meta_fisica" else fmt.quetzales
    years = plan.years
    goals = plan.goals.assign(elemento=plan.goals["subproducto_id"].fillna(plan.goals["producto_id"]))
    # Programs in the order they first appear, and each program's items in theirs.
    items = goals.drop_duplicates(["programa", "elemento"])
    program_order = {program: i for i, program in enumerate(items["programa"].drop_duplicates())}
    items = items.iloc[items["programa"].map(program_order).argsort(kind="stable")]
    by_year = goals.pivot(index=["programa", "elemento"], columns="anio", values=kind).reindex(columns=years)
    by_year = by_year.reindex(pd.MultiIndex.from_frame(items[["programa", "elemento"]]))
    rows, levels, program = [], [], None
    for item, goals_by_year in zip(items.itertuples(index=False), by_year.itertuples(index=False)):
        if item.programa != program:
            program = item.programa
            blank_years = dict.fromkeys(map(str, years), "")
            rows.append({"Código": "", "Producto / subproducto": program.upper(), "Unidad": "", **blank_years})
            levels.append("programa")
        rows.append(
            {
                "Código": item.elemento,
                "Producto / subproducto": item.nombre,
                "Unidad": item.unidad_medida,
                **{str(y): as_text(value) for y, value in zip(years, goals_by_year)},
            }
        )
        levels.append(item.nivel)
    if kind == "meta_financiera":
        totals = plan["totales_anuales"].set_index("anio")["meta_financiera"]
        rows.append(
            {
                "Código": "",
                "Producto / subproducto": "TOTAL",
                "Unidad": "",
                **{str(y): fmt.quetzales(totals.get(y)) for y in years},
            }
        )
        levels.append("programa")
    table = pd.DataFrame(rows)
    if kind == "meta_financiera":
        table = table.drop(columns="Unidad")
    # Programs and the total on a band, products in bold, subproducts indented under them.
    table.attrs["emphasis_rows"] = [i for i, level in enumerate(levels) if level == "programa"]
    table.attrs["strong_rows"] = [i for i, level in enumerate(levels) if level == "producto"]
    table.attrs["indent_rows"] = [i for i, level in enumerate(levels) if level == "subproducto"]
    return with_codes(table, "Producto / subproducto")


def yearly_totals_table(plan: Plan) -> pd.DataFrame:
    totals = analysis.yearly_totals(plan)
    return pd.DataFrame(
        {
            "Año": [str(y) for y in totals.index],
            "Total (Q)": [fmt.quetzales(v) for v in totals["total"]],
            "Variación (Q)": [fmt.quetzales(v) for v in totals["variacion"]],
            "Variación (%)": [fmt.signed_percent(v) for v in totals["variacion_pct"]],
        }
    )


def budget_by_program_table(plan: Plan) -> pd.DataFrame:
    budget = analysis.budget_by_program(plan)
    shares = analysis.budget_shares(plan)
    table = pd.DataFrame({"Programa": budget.index})
    for year in budget.columns:
        table[str(year)] = [fmt.quetzales(v) for v in budget[year]]
    last = budget.columns[-1]
    table[f"Participación {last}"] = [fmt.percent(v) for v in shares[last]]
    return table


def product_growth_table(plan: Plan) -> pd.DataFrame:
    growth = analysis.product_growth(plan)
    first, last = plan.years[0], plan.years[-1]
    table = pd.DataFrame(
        {
            "Código": growth["producto_id"],
            "Producto": growth["producto"],
            f"Meta física {first}": [fmt.integer(v) for v in growth[f"meta_fisica_{first}"]],
            f"Meta física {last}": [fmt.integer(v) for v in growth[f"meta_fisica_{last}"]],
            "Física, anual": [fmt.signed_percent(v) for v in growth["meta_fisica_tcac"]],
            f"Meta financiera {first}": [fmt.quetzales(v) for v in growth[f"meta_financiera_{first}"]],
            f"Meta financiera {last}": [fmt.quetzales(v) for v in growth[f"meta_financiera_{last}"]],
            "Financiera, anual": [fmt.signed_percent(v) for v in growth["meta_financiera_tcac"]],
        }
    )
    return with_codes(table, "Producto")


def unit_cost_table(plan: Plan, level: str = "producto") -> pd.DataFrame:
    """Quetzales per unit of physical goal, per item (products or subproducts) and year."""
    costs = analysis.unit_costs(plan)
    costs = costs[costs["nivel"] == level]
    key = "producto_id" if level == "producto" else "subproducto_id"
    years = plan.years
    items = costs.drop_duplicates(key)
    by_year = costs.pivot(index=key, columns="anio", values="costo_unitario").reindex(index=items[key], columns=years)
    rows = [
        {
            "Código": item[key],
            "Nombre": item["nombre"],
            "Unidad": item["unidad_medida"],
            **{str(y): fmt.quetzales(cost) for y, cost in zip(years, costs_by_year)},
        }
        for item, costs_by_year in zip(
            items[[key, "nombre", "unidad_medida"]].to_dict("records"), by_year.itertuples(index=False)
        )
    ]
    return with_codes(pd.DataFrame(rows, columns=["Código", "Nombre", "Unidad", *map(str, years)]), "Nombre")


def unit_cost_explanation(outlier) -> str:
    """A sentence on why a unit cost jumped (a row of `analysis.unit_cost_outliers`), from what the data show."""
    text = (
        f"la meta financiera pasa de {fmt.quetzales(outlier.financiera_anterior)} a "
        f"{fmt.quetzales(outlier.meta_financiera)} ({fmt.signed_percent(outlier.variacion_financiera_pct)}) "
        f"mientras la meta física pasa de {fmt.integer(outlier.fisica_anterior)} a "
        f"{fmt.integer(outlier.meta_fisica)} ({fmt.signed_percent(outlier.variacion_fisica_pct)})"
    )
    lead = {
        "financiera": "el costo sigue a la asignación financiera, no al volumen: ",
        "fisica": "el costo sigue al volumen, con una asignación casi igual: ",
    }
    text = lead.get(outlier.sigue_a, "") + text
    if isinstance(outlier.reasignacion_con, str):
        text += (
            f"; en el mismo año, «{outlier.reasignacion_con}» del mismo producto varía "
            f"{fmt.quetzales(outlier.reasignacion_cambio)} en sentido contrario, lo que sugiere una reasignación "
            "de fondos entre subproductos"
        )
    return text[0].upper() + text[1:] + "."


def outliers_table(plan: Plan, threshold_pct: float) -> pd.DataFrame:
    outliers = analysis.unit_cost_outliers(plan, threshold_pct)
    table = pd.DataFrame(
        {
            "Código": outliers["elemento"],
            "Nombre": outliers["nombre"],
            "Año": outliers["anio"].astype(str),
            "Costo unitario anterior": [fmt.quetzales(v) for v in outliers["costo_anterior"]],
            "Costo unitario": [fmt.quetzales(v) for v in outliers["costo_unitario"]],
            "Variación": [fmt.signed_percent(v) for v in outliers["variacion_costo_pct"]],
            "Explicación": [unit_cost_explanation(row) for row in outliers.itertuples()],
        }
    )
    return with_codes(table, "Nombre")


def fiche_table(plan: Plan, fiche_id: str) -> pd.DataFrame:
    """A fiche's baseline and goals, the value recomputed from the formula, and execution."""
    values = indicator_values(plan)
    values = values[values["ficha_id"] == fiche_id]
    return pd.DataFrame(
        {
            "Año": [
                f"{y} (línea de base)" if base else str(y) for y, base in zip(values["anio"], values["es_linea_base"])
            ],
            "Meta, dato absoluto": [fmt.integer(v) for v in values["absoluto_publicado"]],
            "Meta, dato relativo": [fmt.percent(v) for v in values["relativo_publicado"]],
            "Recalculado, absoluto": [fmt.integer(v) for v in values["absoluto_recalculado"]],
            "Recalculado, relativo": [fmt.percent(v, 2) for v in values["relativo_recalculado"]],
            "Ejecución": ["sin dato" if pd.isna(v) else fmt.integer(v) for v in values["ejecucion"]],
        }
    )


def reconciliation_summary_table(report: pd.DataFrame) -> pd.DataFrame:
    rules = summary(report)
    return pd.DataFrame(
        {
            "Regla": rules["regla"],
            "Comprobaciones": [fmt.integer(v) for v in rules["comprobaciones"]],
            "Cumplen": [fmt.integer(v) for v in rules["cumplen"]],
            "No cumplen": [fmt.integer(v) for v in rules["no_cumplen"]],
        }
    )


def reconciliation_detail_table(report: pd.DataFrame, only_failures: bool = True) -> pd.DataFrame:
    rows = report[~report["cumple"]] if only_failures else report
    return pd.DataFrame(
        {
            "Regla": rows["regla"],
            "Año": ["" if pd.isna(y) else str(y) for y in rows["anio"]],
            "Elemento": rows["elemento"],
            "Esperado": [fmt.decimal(v, 1) for v in rows["esperado"]],
            "Encontrado": [fmt.decimal(v, 1) for v in rows["encontrado"]],
            "Diferencia": [fmt.decimal(v, 1) for v in rows["diferencia"]],
        }
    )


def reading_notes_table(plan: Plan) -> pd.DataFrame:
    """Rows of the data that carry a reading note (ambiguities of the source document)."""
    frames = []
    for data, key, name in (
        (plan.programs, "programa_id", "nombre"),
        (plan.products, "producto_id", "nombre"),
        # A subproduct the document leaves unnamed shows its label («Subproducto sin nombre…»).
        (plan.subproducts, "subproducto_id", "etiqueta"),
    ):
        noted = data[data["nota"].notna() & (data["nota"].astype(str).str.strip() != "")]
        frames.append(pd.DataFrame({"Código": noted[key], "Nombre": noted[name], "Nota de lectura": noted["nota"]}))
    return with_codes(pd.concat(frames, ignore_index=True), "Nombre")


def projection_table(projection: pd.DataFrame, value: str, as_text) -> pd.DataFrame:
    """Scenarios as rows, projected years as columns."""
    wide = projection.pivot(index="escenario", columns="anio", values=value)
    wide = wide.reindex(projection["escenario"].unique())
    table = pd.DataFrame({"Escenario": wide.index})
    for year in wide.columns:
        table[str(year)] = [as_text(v) for v in wide[year]]
    return table


def anomaly_description(kind: str, detail: dict) -> str:
    """One anomaly of compute.quality in a sentence."""
    from pom_lib.compute import quality

    if kind == quality.UNNAMED:
        return (
            f"Subproducto de {detail['producto_id']} medido en «{detail['unidad_medida']}»; el documento no le da "
            "nombre."
        )
    if kind == quality.OTHER_UNIT:
        return (
            f"Se mide en «{detail['unidad_medida']}» y su producto {detail['producto_id']} en "
            f"«{detail['unidad_producto']}»: no entra en la suma de la meta física."
        )
    if kind == quality.ZERO_MONEY:
        physical = detail["anios_con_meta_fisica"]
        note = (
            f", aunque tiene meta física en {', '.join(str(y) for y in physical)}: un producto sin costo asignado en "
            "el plan."
            if physical
            else "."
        )
        return f"Sin asignación en {', '.join(str(y) for y in detail['anios'])}{note}"
    return f"Su único subproducto, {detail['subproducto_id']}, repite sus metas de todos los años."


def anomalies_table(plan: Plan) -> pd.DataFrame:
    from pom_lib.compute.quality import anomalies

    found = anomalies(plan)
    return pd.DataFrame(
        {
            "Tipo": found["tipo"],
            "Código": found["elemento"],
            "Descripción": [anomaly_description(kind, detail) for kind, detail in zip(found["tipo"], found["detalle"])],
        }
    )
