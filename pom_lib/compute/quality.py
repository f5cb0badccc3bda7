"""Anomalies worth a reader's attention that the reconciliation rules do not catch.

Each anomaly is a row: its kind (`tipo`, as the table names it), the item and the facts that describe it
(`detalle`); pom_lib.present.tables words them.
"""

from __future__ import annotations

import pandas as pd

from pom_lib.data.plan import Plan

UNNAMED = "Subproducto sin nombre"
OTHER_UNIT = "Unidad distinta de la del producto"
ZERO_MONEY = "Meta financiera nula"
MIRRORED = "Producto con un único subproducto idéntico"
COLUMNS = ["tipo", "elemento", "detalle"]


def unnamed_items(plan: Plan) -> list[dict]:
    subs = plan["subproductos"]
    unnamed = subs[subs["nombre"].isna() | (subs["nombre"].astype("string").str.strip() == "")]
    return [
        {
            "tipo": UNNAMED,
            "elemento": row.subproducto_id,
            "detalle": {"producto_id": row.producto_id, "unidad_medida": row.unidad_medida},
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
            "tipo": OTHER_UNIT,
            "elemento": row.subproducto_id,
            "detalle": {
                "producto_id": row.producto_id,
                "unidad_medida": row.unidad_medida,
                "unidad_producto": units[row.producto_id],
            },
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
            "tipo": ZERO_MONEY,
            "elemento": product_id,
            "detalle": {"anios": list(years), "anios_con_meta_fisica": list(physical.get(product_id, []))},
        }
        for product_id, years in zero.items()
    ]


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
            "tipo": MIRRORED,
            "elemento": product_id,
            "detalle": {"subproducto_id": only_child[product_id]},
        }
        for product_id in sorted(mirrored[mirrored].index)
    ]
    return findings


def anomalies(plan: Plan) -> pd.DataFrame:
    findings = (
        unnamed_items(plan) + units_outside_product_sum(plan) + zero_financial_goals(plan) + mirrored_products(plan)
    )
    return pd.DataFrame(findings, columns=COLUMNS)
