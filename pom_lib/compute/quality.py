"""Anomalies worth a reader's attention that the reconciliation rules do not catch."""

from __future__ import annotations

import pandas as pd

from pom_lib.data.plan import Plan

COLUMNS = ["tipo", "elemento", "descripcion"]


def unnamed_items(plan: Plan) -> list[dict]:
    subs = plan["subproductos"]
    unnamed = subs[subs["nombre"].isna() | (subs["nombre"].astype("string").str.strip() == "")]
    return [
        {
            "tipo": "Subproducto sin nombre",
            "elemento": row.subproducto_id,
            "descripcion": f"Subproducto de {row.producto_id} medido en «{row.unidad_medida}»; "
            "el documento no le da nombre.",
        }
        for row in unnamed.itertuples()
    ]


def units_outside_product_sum(plan: Plan) -> list[dict]:
    """Subproducts counted in another unit than their product: outside the physical-goal sum."""
    units = plan.products.set_index("producto_id")["unidad_medida"]
    subs = plan.subproducts
    other = subs[subs["unidad_medida"] != subs["producto_id"].map(units)]
    return [
        {
            "tipo": "Unidad distinta de la del producto",
            "elemento": row.subproducto_id,
            "descripcion": f"Se mide en «{row.unidad_medida}» y su producto {row.producto_id} en "
            f"«{units[row.producto_id]}»: no entra en la suma de la meta física.",
        }
        for row in other.itertuples()
    ]


def zero_financial_goals(plan: Plan) -> list[dict]:
    goals = plan["metas_productos"]
    zero_rows = goals[goals["meta_financiera"] == 0]
    zero = zero_rows.groupby("producto_id")["anio"].apply(list)
    # Years without money but with a physical goal, by product.
    physical = zero_rows[zero_rows["meta_fisica"] > 0].groupby("producto_id")["anio"].apply(list)
    return [
        {
            "tipo": "Meta financiera nula",
            "elemento": product_id,
            "descripcion": f"Sin asignación en {', '.join(str(y) for y in years)}"
            + _physical_note(physical.get(product_id, [])),
        }
        for product_id, years in zero.items()
    ]


def _physical_note(years: list[int]) -> str:
    if not years:
        return "."
    return (
        f", aunque tiene meta física en {', '.join(str(y) for y in years)}: un producto sin costo asignado en el plan."
    )


def mirrored_products(plan: Plan) -> list[dict]:
    """Products with a single subproduct carrying the same goals: the split adds no detail."""
    subs = plan["metas_subproductos"].merge(plan["subproductos"][["subproducto_id", "producto_id"]])
    only_child = subs.groupby("producto_id")["subproducto_id"].agg(["nunique", "first"])
    only_child = only_child[only_child["nunique"] == 1]["first"]
    products = plan["metas_productos"]
    both = products[products["producto_id"].isin(only_child.index)].merge(
        subs[subs["producto_id"].isin(only_child.index)], on=["producto_id", "anio"], how="outer", suffixes=("", "_sub")
    )
    equal = (both["meta_fisica"] == both["meta_fisica_sub"]) & (both["meta_financiera"] == both["meta_financiera_sub"])
    mirrored = equal.astype("boolean").fillna(False).groupby(both["producto_id"]).all()
    findings = [
        {
            "tipo": "Producto con un único subproducto idéntico",
            "elemento": product_id,
            "descripcion": f"Su único subproducto, {only_child[product_id]}, repite sus metas de todos los años.",
        }
        for product_id in sorted(mirrored[mirrored].index)
    ]
    return findings


def anomalies(plan: Plan) -> pd.DataFrame:
    findings = (
        unnamed_items(plan) + units_outside_product_sum(plan) + zero_financial_goals(plan) + mirrored_products(plan)
    )
    return pd.DataFrame(findings, columns=COLUMNS)
