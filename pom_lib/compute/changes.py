"""What changed from one edition of the plan to the next, by stable identifier.

Products and subproducts keep their identifiers across editions (PRD01, SUB01…; a new one takes
the next free number), and so do indicators (ficha_id), units, programs, actions (accion_id) and
strategic framework statements (tipo and orden); key figures are compared by role and year. Two
editions are never compared by name or position. The DataFrames feed the chapter «Cambios
respecto de la edición anterior» (pom_lib.chapters.cambios) and the tables of pom_lib.present.changes;
`word_diff` finds the words a rewording changed. The `cambio` column holds the kind of change as the
tables show it («Agregado», «Retirado»…).
"""

from __future__ import annotations

import difflib
import re

import pandas as pd

from pom_lib.compute.reconciliation import formula_terms
from pom_lib.core import formatting as fmt
from pom_lib.data import contract
from pom_lib.data.plan import Plan

ADDED, REMOVED, RENAMED, UNIT, PROGRAM = "Agregado", "Retirado", "Renombrado", "Cambio de unidad", "Cambio de programa"
CHANGE_ORDER = [ADDED, REMOVED, RENAMED, UNIT, PROGRAM]
ITEM_COLUMNS = ["cambio", "nivel", "elemento_id", "anterior", "actual"]


def _items(plan: Plan) -> pd.DataFrame:
    """Every product and subproduct by identifier: nivel, nombre, unidad_medida, programa."""
    programs = plan.programs.set_index("programa_id")["nombre"]
    products = plan.products.assign(nivel="producto", elemento_id=plan.products["producto_id"])
    subs = plan.subproducts.assign(
        nivel="subproducto", elemento_id=plan.subproducts["subproducto_id"], nombre=plan.subproducts["etiqueta"]
    )
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
    rows = [
        {
            "cambio": ADDED,
            "nivel": after.at[item, "nivel"],
            "elemento_id": item,
            "anterior": pd.NA,
            "actual": after.at[item, "nombre"],
        }
        for item in after.index.difference(before.index)
    ]
    rows += [
        {
            "cambio": REMOVED,
            "nivel": before.at[item, "nivel"],
            "elemento_id": item,
            "anterior": before.at[item, "nombre"],
            "actual": pd.NA,
        }
        for item in before.index.difference(after.index)
    ]
    kept = before.index.intersection(after.index)
    # A subproduct's program is its product's: report the move once, on the product.
    for change, column, levels in (
        (RENAMED, "nombre", ("producto", "subproducto")),
        (UNIT, "unidad_medida", ("producto", "subproducto")),
        (PROGRAM, "programa", ("producto",)),
    ):
        rows += [
            {
                "cambio": change,
                "nivel": after.at[item, "nivel"],
                "elemento_id": item,
                "anterior": before.at[item, column],
                "actual": after.at[item, column],
            }
            for item in kept
            if after.at[item, "nivel"] in levels and _differs(before.at[item, column], after.at[item, column])
        ]
    table = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    order = table["cambio"].map({change: index for index, change in enumerate(CHANGE_ORDER)})
    return (
        table.assign(_order=order).sort_values(["_order", "elemento_id"]).drop(columns="_order").reset_index(drop=True)
    )


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
    table = pd.DataFrame(
        {
            "nivel": merged["nivel_actual"],
            "elemento_id": merged["elemento_id"],
            "nombre": merged["nombre_actual"],
            "anio": merged["anio"],
            "meta_fisica_anterior": merged["meta_fisica_anterior"].astype(float),
            "meta_fisica_actual": merged["meta_fisica_actual"].astype(float),
            "meta_financiera_anterior": merged["meta_financiera_anterior"].astype(float),
            "meta_financiera_actual": merged["meta_financiera_actual"].astype(float),
        }
    )
    table["diferencia_fisica"] = table["meta_fisica_actual"] - table["meta_fisica_anterior"]
    table["diferencia_financiera"] = table["meta_financiera_actual"] - table["meta_financiera_anterior"]
    changed = table[(table["diferencia_fisica"] != 0) | (table["diferencia_financiera"] != 0)]
    return changed[
        [
            "nivel",
            "elemento_id",
            "nombre",
            "anio",
            "meta_fisica_anterior",
            "meta_fisica_actual",
            "diferencia_fisica",
            "meta_financiera_anterior",
            "meta_financiera_actual",
            "diferencia_financiera",
        ]
    ].reset_index(drop=True)


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


# --- Indicators, key figures, units, programs, actions and statements ------------------------------

ADDED_F, REMOVED_F, REWORDED = "Agregada", "Retirada", "Modificada"
# Aspects of an indicator whose change is a rewording, shown as a text diff rather than in a table.
TEXT_ASPECTS = ("Indicador", "Fórmula")
# Key figures are listed in the contract's order of roles.
ROLES = (
    contract.ROLE_TARGET_POPULATION,
    contract.ROLE_ELIGIBLE,
    contract.ROLE_COVERAGE_GOAL,
    contract.ROLE_WOMEN_PCT,
    contract.ROLE_WOMEN,
)
CHANGE_COLUMNS = ["cambio", "codigo", "anterior", "actual"]
_TOKENS = re.compile(r"\w+|[^\w\s]")


def _by_id(table: pd.DataFrame, key: str | list[str]) -> pd.DataFrame:
    return table.set_index(key, drop=False)


def _compare(
    before: pd.DataFrame, after: pd.DataFrame, label, added: str, removed: str, aspects: dict[str, str]
) -> list[dict]:
    """Rows added, removed and, for each aspect (column → change), kept rows whose value differs.

    `before` and `after` are indexed by the stable identifier; `label(frame, key)` names a row.
    """
    rows = [
        {"cambio": added, "codigo": key, "anterior": pd.NA, "actual": label(after, key)}
        for key in after.index.difference(before.index, sort=False)
    ]
    rows += [
        {"cambio": removed, "codigo": key, "anterior": label(before, key), "actual": pd.NA}
        for key in before.index.difference(after.index, sort=False)
    ]
    kept = [key for key in after.index if key in before.index]
    for column, change in aspects.items():
        rows += [
            {"cambio": change, "codigo": key, "anterior": before.at[key, column], "actual": after.at[key, column]}
            for key in kept
            if _differs(before.at[key, column], after.at[key, column])
        ]
    return rows


def _baseline(fiche) -> str:
    return (
        f"{fmt.integer(fiche['linea_base_absoluta'])} ({fmt.percent(fiche['linea_base_relativa'])}) "
        f"en {int(fiche['anio_linea_base'])}"
    )


def _fiche_frame(plan: Plan) -> pd.DataFrame:
    fiches = _by_id(plan["fichas"], "ficha_id")
    return fiches.assign(
        linea_base=[_baseline(f) for _, f in fiches.iterrows()],
        terminos=[", ".join(formula_terms(plan, fiche)) for fiche in fiches.index],
    )


def fiche_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Indicators added or removed, and what changed in each kept one: name, formula, unit, level,
    baseline, subproducts its formula adds. Columns: cambio, ficha_id, anterior, actual."""
    before, after = _fiche_frame(previous), _fiche_frame(current)
    rows = _compare(
        before,
        after,
        lambda frame, key: frame.at[key, "indicador"],
        ADDED_F,
        REMOVED_F,
        {
            "indicador": "Indicador",
            "formula": "Fórmula",
            "unidad_medida": "Unidad de medida",
            "nivel": "Nivel",
            "linea_base": "Línea de base",
            "terminos": "Subproductos de la fórmula",
        },
    )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS).rename(columns={"codigo": "ficha_id"})


def fiche_goal_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Indicator goals that differ in the years both editions cover, for indicators in both.

    Columns: ficha_id, anio, absoluta_anterior, absoluta_actual, relativa_anterior, relativa_actual.
    """
    goals = current["fichas_metas"].merge(
        previous["fichas_metas"], on=["ficha_id", "anio"], suffixes=("_actual", "_anterior")
    )
    changed = goals[
        (goals["meta_absoluta_actual"] != goals["meta_absoluta_anterior"])
        | (goals["meta_relativa_actual"] != goals["meta_relativa_anterior"])
    ]
    return pd.DataFrame(
        {
            "ficha_id": changed["ficha_id"],
            "anio": changed["anio"].astype(int),
            "absoluta_anterior": changed["meta_absoluta_anterior"].astype(float),
            "absoluta_actual": changed["meta_absoluta_actual"].astype(float),
            "relativa_anterior": changed["meta_relativa_anterior"].astype(float),
            "relativa_actual": changed["meta_relativa_actual"].astype(float),
        }
    ).reset_index(drop=True)


def final_goal(plan: Plan, fiche_id: str) -> pd.Series | None:
    """The indicator's goal in the plan's last year (anio, meta_absoluta, meta_relativa), if the plan has it."""
    goals = plan["fichas_metas"]
    goals = goals[goals["ficha_id"] == fiche_id].sort_values("anio")
    return goals.iloc[-1] if len(goals) else None


def _key_figures(plan: Plan) -> pd.DataFrame:
    figures = plan["cifras_clave"]
    return figures.assign(_anio=figures["anio"].fillna(0).astype(int)).set_index(["rol", "_anio"])


def key_figure_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Key figures that differ, by role and year (a figure only one edition gives is a change too).

    Columns: rol, anio (NA for the target population), unidad, anterior, actual, diferencia; in the
    contract's order of roles, then year.
    """
    before, after = _key_figures(previous), _key_figures(current)
    rows = []
    for key in before.index.union(after.index):
        old = before["valor"].get(key, pd.NA)
        new = after["valor"].get(key, pd.NA)
        if not _differs(old, new):
            continue
        unit = (after if key in after.index else before).at[key, "unidad"]
        rows.append(
            {
                "rol": key[0],
                "anio": key[1] or pd.NA,
                "unidad": unit,
                "anterior": old,
                "actual": new,
                "diferencia": new - old if pd.notna(old) and pd.notna(new) else pd.NA,
            }
        )
    table = pd.DataFrame(rows, columns=["rol", "anio", "unidad", "anterior", "actual", "diferencia"])
    order = table["rol"].map({role: i for i, role in enumerate(ROLES)})
    return (
        table.assign(_o=order, _a=table["anio"].fillna(0))
        .sort_values(["_o", "_a"])
        .drop(columns=["_o", "_a"])
        .reset_index(drop=True)
    )


def unit_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Units of measure added, removed or described anew. Columns: cambio, codigo, anterior, actual."""
    before, after = (_by_id(plan["unidades"], "unidad_medida") for plan in (previous, current))
    rows = _compare(
        before,
        after,
        lambda frame, key: frame.at[key, "descripcion"],
        ADDED_F,
        REMOVED_F,
        {"descripcion": "Descripción"},
    )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def program_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Programs added, removed or renamed. Columns: cambio, codigo, anterior, actual."""
    before, after = (_by_id(plan.programs, "programa_id") for plan in (previous, current))
    rows = _compare(before, after, lambda frame, key: frame.at[key, "nombre"], ADDED, REMOVED, {"nombre": RENAMED})
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def action_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Actions added, removed, reworded or moved to another program, by accion_id.

    Columns: cambio, codigo, anterior, actual (the text, or the program's name for a move),
    programa (the program's name in the current edition, the previous one for a removed action).
    A renamed program moves no action: programs are compared by their identifier.
    """
    old_names, new_names = (plan.programs.set_index("programa_id")["nombre"] for plan in (previous, current))
    before, after = (_by_id(plan["acciones"], "accion_id") for plan in (previous, current))
    table = pd.DataFrame(
        _compare(
            before,
            after,
            lambda f, key: f.at[key, "texto"],
            ADDED_F,
            REMOVED_F,
            {"texto": REWORDED, "programa_id": PROGRAM},
        ),
        columns=CHANGE_COLUMNS,
    )
    moved = table["cambio"] == PROGRAM
    table.loc[moved, "anterior"] = table.loc[moved, "anterior"].map(old_names)
    table.loc[moved, "actual"] = table.loc[moved, "actual"].map(new_names)
    program = [
        new_names[after.at[key, "programa_id"]] if key in after.index else old_names[before.at[key, "programa_id"]]
        for key in table["codigo"]
    ]
    return table.assign(programa=program)


def statement_changes(previous: Plan, current: Plan) -> pd.DataFrame:
    """Strategic framework statements added, removed or reworded, by kind and position.

    Columns: cambio, tipo, orden, titulo (the current one; the previous one if removed),
    anterior, actual (texts; a retitled statement counts as reworded, its titles in
    titulo_anterior and titulo_actual).
    """
    before, after = (_by_id(plan["marco_estrategico"], ["tipo", "orden"]) for plan in (previous, current))
    rows = []
    for key in after.index:
        if key not in before.index:
            rows.append((ADDED, key, after.at[key, "titulo"], pd.NA, after.at[key, "texto"], pd.NA, pd.NA))
        elif _differs(before.at[key, "texto"], after.at[key, "texto"]) or _differs(
            before.at[key, "titulo"], after.at[key, "titulo"]
        ):
            rows.append(
                (
                    REWORDED,
                    key,
                    after.at[key, "titulo"],
                    before.at[key, "texto"],
                    after.at[key, "texto"],
                    before.at[key, "titulo"],
                    after.at[key, "titulo"],
                )
            )
    rows += [
        (REMOVED, key, before.at[key, "titulo"], before.at[key, "texto"], pd.NA, pd.NA, pd.NA)
        for key in before.index
        if key not in after.index
    ]
    return pd.DataFrame(
        [
            {
                "cambio": c,
                "tipo": k[0],
                "orden": int(k[1]),
                "titulo": t,
                "anterior": a,
                "actual": n,
                "titulo_anterior": ta,
                "titulo_actual": tn,
            }
            for c, k, t, a, n, ta, tn in rows
        ],
        columns=["cambio", "tipo", "orden", "titulo", "anterior", "actual", "titulo_anterior", "titulo_actual"],
    )


def word_diff(before: str, after: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both texts as runs of words, each run with whether its words changed.

    Words and signs are compared one by one; a word with any change is changed whole, and
    neighbouring words with the same state form one run (words joined by a space), so a mark
    around a changed run always sits next to spaces.
    """
    old, new = str(before).split(), str(after).split()
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    changed_old, changed_new = set(), set()
    matcher = difflib.SequenceMatcher(a=[t for _, t in old_tokens], b=[t for _, t in new_tokens], autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation != "equal":
            changed_old.update(word for word, _ in old_tokens[i1:i2])
            changed_new.update(word for word, _ in new_tokens[j1:j2])
    return _runs(old, changed_old), _runs(new, changed_new)


def _tokens(words: list[str]) -> list[tuple[int, str]]:
    """(word number, token) for every run of letters and digits and every other sign."""
    return [(number, token) for number, word in enumerate(words) for token in _TOKENS.findall(word)]


def _runs(words: list[str], changed: set[int]) -> list[tuple[str, bool]]:
    runs, current = [], None
    for number, word in enumerate(words):
        bold = number in changed
        if current is not None and current[0] == bold:
            current[1].append(word)
        else:
            current = (bold, [word])
            runs.append(current)
    return [(" ".join(words), bold) for bold, words in runs]
