"""What changed from one edition of the plan to the next, item by item, by stable identifier.

Products and subproducts keep their identifiers across editions (PRD01, SUB01…; a new one takes
the next free number), so two editions are compared by identifier, never by name or position.
The DataFrames feed the chapter «Cambios respecto de la edición anterior»; the `*_table`
functions give them as formatted Spanish text, like pom_lib.tables.
"""

from __future__ import annotations

import pandas as pd

from . import formatting as fmt
from .plan import Plan

ADDED, REMOVED, RENAMED, UNIT, PROGRAM = "Agregado", "Retirado", "Renombrado", "Cambio de unidad", "Cambio de programa"
CHANGE_ORDER = [ADDED, REMOVED, RENAMED, UNIT, PROGRAM]
ITEM_COLUMNS = ["cambio", "nivel", "elemento_id", "anterior", "actual"]


def _items(plan: Plan) -> pd.DataFrame:
    """Every product and subproduct by identifier: nivel, nombre, unidad_medida, programa."""
    programs = plan.programs.set_index("programa_id")["nombre"]
    products = plan.products.assign(nivel="producto", elemento_id=plan.products["producto_id"])
    subs = plan.subproducts.assign(nivel="subproducto", elemento_id=plan.subproducts["subproducto_id"],
                                   nombre=plan.subproducts["etiqueta"])
    both = pd.concat([products, subs], ignore_index=True)
    both = both.assign(programa=both["programa_id"].map(programs))
    return both.set_index("elemento_id")[["nivel", "nombre", "unidad_medida", "programa"]]


def item_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Products and subproducts added, removed, renamed, with another unit or (products) another program.

    One row per change: an item both renamed and re-measured has two rows. `anterior` and
    `actual` hold the name, unit or program before and after (NA for an added or removed item's
    missing side). Columns: cambio, nivel, elemento_id, anterior, actual; ordered by kind of
    change, then identifier.
    """
    before, after = _items(previous), _items(current)
    rows = [{"cambio": ADDED, "nivel": after.at[item, "nivel"], "elemento_id": item,
             "anterior": pd.NA, "actual": after.at[item, "nombre"]} for item in after.index.difference(before.index)]
    rows += [{"cambio": REMOVED, "nivel": before.at[item, "nivel"], "elemento_id": item,
              "anterior": before.at[item, "nombre"], "actual": pd.NA} for item in before.index.difference(after.index)]
    kept = before.index.intersection(after.index)
    # A subproduct's program is its product's: report the move once, on the product.
    for change, column, levels in ((RENAMED, "nombre", ("producto", "subproducto")),
                                   (UNIT, "unidad_medida", ("producto", "subproducto")),
                                   (PROGRAM, "programa", ("producto",))):
        rows += [{"cambio": change, "nivel": after.at[item, "nivel"], "elemento_id": item,
                  "anterior": before.at[item, column], "actual": after.at[item, column]}
                 for item in kept
                 if after.at[item, "nivel"] in levels and _differs(before.at[item, column], after.at[item, column])]
    table = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    order = table["cambio"].map({change: index for index, change in enumerate(CHANGE_ORDER)})
    return table.assign(_order=order).sort_values(["_order", "elemento_id"]).drop(columns="_order") \
        .reset_index(drop=True)


def _differs(before, after) -> bool:
    """Whether two cells differ, an empty cell being a value of its own."""
    if pd.isna(before) or pd.isna(after):
        return pd.isna(before) != pd.isna(after)
    return before != after


def _goals(plan: Plan) -> pd.DataFrame:
    goals = plan.goals
    return goals.assign(elemento_id=goals["subproducto_id"].fillna(goals["producto_id"]))


def goal_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Goals that differ between the editions, for items in both and years both cover.

    Columns: nivel, elemento_id, nombre (current edition), anio, meta_fisica_anterior,
    meta_fisica_actual, diferencia_fisica, meta_financiera_anterior, meta_financiera_actual,
    diferencia_financiera (differences = current − previous). In the current edition's order.
    """
    merged = _goals(current).merge(_goals(previous), on=["elemento_id", "anio"], suffixes=("_actual", "_anterior"))
    table = pd.DataFrame({
        "nivel": merged["nivel_actual"], "elemento_id": merged["elemento_id"], "nombre": merged["nombre_actual"],
        "anio": merged["anio"],
        "meta_fisica_anterior": merged["meta_fisica_anterior"].astype(float),
        "meta_fisica_actual": merged["meta_fisica_actual"].astype(float),
        "meta_financiera_anterior": merged["meta_financiera_anterior"].astype(float),
        "meta_financiera_actual": merged["meta_financiera_actual"].astype(float),
    })
    table["diferencia_fisica"] = table["meta_fisica_actual"] - table["meta_fisica_anterior"]
    table["diferencia_financiera"] = table["meta_financiera_actual"] - table["meta_financiera_anterior"]
    changed = table[(table["diferencia_fisica"] != 0) | (table["diferencia_financiera"] != 0)]
    return changed[["nivel", "elemento_id", "nombre", "anio", "meta_fisica_anterior", "meta_fisica_actual",
                    "diferencia_fisica", "meta_financiera_anterior", "meta_financiera_actual",
                    "diferencia_financiera"]].reset_index(drop=True)


def total_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Yearly totals of both editions over every year either covers (NaN where one does not).

    Columns: anio, total_anterior, total_actual, diferencia, variacion_pct.
    """
    before = previous["totales_anuales"].set_index("anio")["meta_financiera"].astype(float).rename("total_anterior")
    after = current["totales_anuales"].set_index("anio")["meta_financiera"].astype(float).rename("total_actual")
    table = pd.concat([before, after], axis=1).sort_index()
    table["diferencia"] = table["total_actual"] - table["total_anterior"]
    table["variacion_pct"] = 100 * table["diferencia"] / table["total_anterior"]
    table.index = table.index.astype(int)
    return table.rename_axis("anio").reset_index()


def changes_summary(previous: Plan, current: Plan) -> dict:
    """The chapter's headline numbers: periods, common years, and how many changes of each kind."""
    items = item_changes(previous, current)["cambio"].value_counts()
    goals = goal_changes(previous, current)
    common = sorted(set(previous.years) & set(current.years))
    totals = total_changes(previous, current).set_index("anio").loc[common]
    return {
        "periodo_anterior": previous.period,
        "periodo_actual": current.period,
        "anios_comunes": common,
        "agregados": int(items.get(ADDED, 0)),
        "retirados": int(items.get(REMOVED, 0)),
        "renombrados": int(items.get(RENAMED, 0)),
        "cambios_de_unidad": int(items.get(UNIT, 0)),
        "cambios_de_programa": int(items.get(PROGRAM, 0)),
        "metas_cambiadas": len(goals),
        "elementos_con_metas_cambiadas": goals["elemento_id"].nunique(),
        "total_comun_anterior": float(totals["total_anterior"].sum()),
        "total_comun_actual": float(totals["total_actual"].sum()),
    }


def _level(level: str) -> str:
    return level.capitalize()


def item_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    changes = item_changes(previous, current)
    return pd.DataFrame({
        "Cambio": changes["cambio"],
        "Nivel": changes["nivel"].map(_level),
        "Código": changes["elemento_id"],
        f"Edición {previous.period}": changes["anterior"].fillna(fmt.MISSING),
        f"Edición {current.period}": changes["actual"].fillna(fmt.MISSING),
    })


def goal_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    changes = goal_changes(previous, current)
    return pd.DataFrame({
        "Código": changes["elemento_id"],
        "Nombre": changes["nombre"],
        "Año": changes["anio"].astype(str),
        "Meta física anterior": [fmt.integer(v) for v in changes["meta_fisica_anterior"]],
        "Meta física actual": [fmt.integer(v) for v in changes["meta_fisica_actual"]],
        "Diferencia física": [fmt.signed(v) for v in changes["diferencia_fisica"]],
        "Meta financiera anterior": [fmt.quetzales(v) for v in changes["meta_financiera_anterior"]],
        "Meta financiera actual": [fmt.quetzales(v) for v in changes["meta_financiera_actual"]],
        "Diferencia financiera": [fmt.signed(v, fmt.quetzales) for v in changes["diferencia_financiera"]],
    })


def total_changes_table(previous: Plan, current: Plan) -> pd.DataFrame:
    changes = total_changes(previous, current)
    return pd.DataFrame({
        "Año": changes["anio"].astype(str),
        f"Total {previous.period}": [fmt.quetzales(v) for v in changes["total_anterior"]],
        f"Total {current.period}": [fmt.quetzales(v) for v in changes["total_actual"]],
        "Diferencia": [fmt.signed(v, fmt.quetzales) for v in changes["diferencia"]],
        "Variación": [fmt.signed_percent(v, 2) for v in changes["variacion_pct"]],
    })
