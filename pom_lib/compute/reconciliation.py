"""The plan's own arithmetic, re-done: each rule yields findings, never an exception.

A row of the report says: which rule, which year, which item, what the plan states
(esperado), what its parts add up to (encontrado), the difference, and whether it holds.
"""

from __future__ import annotations

import pandas as pd

from pom_lib.data import contract
from pom_lib.data.plan import Plan, per_plan, product_parts

COLUMNS = ["regla", "anio", "elemento", "nombre", "esperado", "encontrado", "diferencia", "cumple"]

RULE_FINANCIAL = "Meta financiera del producto = suma de sus subproductos"
RULE_PHYSICAL = "Meta física del producto = suma de sus subproductos de la misma unidad"
RULE_TOTAL = "Total anual = suma de las metas financieras de los productos"
RULE_INDICATOR_ABS = "Indicador: dato absoluto = suma de los subproductos de la fórmula"
RULE_INDICATOR_REL = "Indicador: dato relativo = dato absoluto / población objetivo"
RULE_POPULATION = "Población objetivo = suma por país o región"
RULE_ELIGIBLE = "Población elegible de un año = meta absoluta del indicador en ese año"
RULE_WOMEN = "Mujeres a asistir = porcentaje femenino × población elegible"

# Published percentages carry one decimal: a recomputed value holds when it rounds to it.
RELATIVE_TOLERANCE = 0.05


def _finding(rule, year, item, name, expected, found, tolerance=0.0) -> dict:
    difference = found - expected
    return {
        "regla": rule,
        "anio": year,
        "elemento": item,
        "nombre": name,
        "esperado": expected,
        "encontrado": found,
        "diferencia": difference,
        "cumple": bool(abs(difference) <= tolerance + 1e-9),
    }


def _findings(rule, years, items, names, expected, found) -> pd.DataFrame:
    """Many findings of one rule at once (exact rules: no tolerance), as rows of the report."""
    expected = pd.Series(expected, dtype="float64").reset_index(drop=True)
    found = pd.Series(found, dtype="float64").reset_index(drop=True)
    difference = found - expected
    # Plain Python values: the same column types as the rules that build their findings one by one.
    return pd.DataFrame(
        {
            "regla": rule,
            "anio": years.to_numpy(object),
            "elemento": items.to_numpy(object),
            "nombre": names.to_numpy(object),
            "esperado": expected,
            "encontrado": found,
            "diferencia": difference,
            "cumple": difference.abs() <= 1e-9,
        },
        columns=COLUMNS,
    )


def formula_terms(plan: Plan, fiche_id: str) -> list[str]:
    """The subproducts whose physical values the fiche's formula adds up."""
    terms = plan["fichas_formula"]
    return terms[terms["ficha_id"] == fiche_id].sort_values("orden")["subproducto_id"].tolist()


def relative_coverage(plan: Plan, persons: float) -> float:
    """Persons as a percentage of the target population: the fiche's «dato relativo».

    The plan's «Factor de Ajuste Porcentual» is not published; the published percentages
    match a factor of 1.
    """
    return 100 * persons / plan.target_population


def product_rules(plan: Plan) -> pd.DataFrame:
    """Financial goal = sum of subproducts; physical goal = sum of same-unit subproducts.

    One financial and (when some subproduct shares the product's unit) one physical finding per
    product and year that has subproduct goals, in the order of the matrix.
    """
    goals = plan.goals
    products = goals[goals["nivel"] == "producto"]
    subs = goals[goals["nivel"] == "subproducto"].merge(
        product_parts(plan)[["subproducto_id", "misma_unidad"]], on="subproducto_id"
    )
    subs = subs.assign(fisica_misma_unidad=subs["meta_fisica"].where(subs["misma_unidad"]))
    sums = subs.groupby(["producto_id", "anio"]).agg(
        financiera=("meta_financiera", "sum"),
        fisica=("fisica_misma_unidad", "sum"),
        partes_misma_unidad=("misma_unidad", "sum"),
    )
    # An inner merge keeps the products' order; products without subproduct goals drop out.
    both = products.merge(sums, left_on=["producto_id", "anio"], right_index=True)
    same_unit = both[both["partes_misma_unidad"] > 0]
    financial = _findings(
        RULE_FINANCIAL, both["anio"], both["producto_id"], both["nombre"], both["meta_financiera"], both["financiera"]
    ).assign(_fila=range(len(both)), _regla=0)
    physical = _findings(
        RULE_PHYSICAL,
        same_unit["anio"],
        same_unit["producto_id"],
        same_unit["nombre"],
        same_unit["meta_fisica"],
        same_unit["fisica"],
    )
    physical = physical.assign(_fila=both.index.get_indexer(same_unit.index), _regla=1)
    # Each product-year's financial finding, then its physical one.
    findings = pd.concat([financial, physical]).sort_values(["_fila", "_regla"], kind="stable")
    return findings.drop(columns=["_fila", "_regla"]).reset_index(drop=True)


def total_rules(plan: Plan) -> list[dict]:
    """Each yearly total = sum of the products' financial goals."""
    product_sums = plan["metas_productos"].groupby("anio")["meta_financiera"].sum()
    return [
        _finding(
            RULE_TOTAL,
            int(row.anio),
            "TOTAL",
            "Total anual",
            float(row.meta_financiera),
            float(product_sums.get(row.anio, 0.0)),
        )
        for row in plan["totales_anuales"].itertuples()
    ]


@per_plan
def indicator_values(plan: Plan) -> pd.DataFrame:
    """Each fiche's indicator recomputed from its formula, next to the published values.

    The numerator adds the physical goals of the subproducts the formula names; the
    denominator is the target population (see `relative_coverage`). The baseline year has no
    subproduct goals, so only its relative value can be recomputed.
    Columns: ficha_id, anio, es_linea_base, absoluto_publicado, absoluto_recalculado,
    relativo_publicado, relativo_recalculado, ejecucion.
    """
    sub_goals = plan["metas_subproductos"]
    terms = plan["fichas_formula"][["ficha_id", "subproducto_id"]].drop_duplicates()
    numerators = terms.merge(sub_goals, on="subproducto_id").groupby(["ficha_id", "anio"])["meta_fisica"].sum()
    rows = []
    for fiche in plan["fichas"].itertuples():
        rows.append(
            {
                "ficha_id": fiche.ficha_id,
                "anio": int(fiche.anio_linea_base),
                "es_linea_base": True,
                "absoluto_publicado": float(fiche.linea_base_absoluta),
                "absoluto_recalculado": float("nan"),
                "relativo_publicado": float(fiche.linea_base_relativa),
                "relativo_recalculado": relative_coverage(plan, float(fiche.linea_base_absoluta)),
                "ejecucion": float("nan"),
            }
        )
        goals = plan["fichas_metas"][plan["fichas_metas"]["ficha_id"] == fiche.ficha_id].sort_values("anio")
        for goal in goals.itertuples():
            absolute = float(numerators.get((fiche.ficha_id, goal.anio), 0.0))
            rows.append(
                {
                    "ficha_id": fiche.ficha_id,
                    "anio": int(goal.anio),
                    "es_linea_base": False,
                    "absoluto_publicado": float(goal.meta_absoluta),
                    "absoluto_recalculado": absolute,
                    "relativo_publicado": float(goal.meta_relativa),
                    "relativo_recalculado": relative_coverage(plan, absolute),
                    "ejecucion": float(goal.ejecucion) if pd.notna(goal.ejecucion) else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def indicator_rules(plan: Plan) -> list[dict]:
    findings = []
    for row in indicator_values(plan).itertuples():
        if not row.es_linea_base:
            findings.append(
                _finding(
                    RULE_INDICATOR_ABS,
                    row.anio,
                    row.ficha_id,
                    "Dato absoluto",
                    row.absoluto_publicado,
                    row.absoluto_recalculado,
                )
            )
        findings.append(
            _finding(
                RULE_INDICATOR_REL,
                row.anio,
                row.ficha_id,
                "Dato relativo (%)",
                row.relativo_publicado,
                row.relativo_recalculado,
                RELATIVE_TOLERANCE,
            )
        )
    return findings


def population_rules(plan: Plan) -> list[dict]:
    """Population by place adds up to the target; eligible population and women agree with the fiches."""
    findings = [
        _finding(
            RULE_POPULATION,
            pd.NA,
            "poblacion_objetivo",
            "Población objetivo",
            plan.target_population,
            float(plan["poblacion_objetivo"]["personas"].sum()),
        )
    ]
    goals = plan["fichas_metas"]
    figures = plan["cifras_clave"]
    for figure in figures[figures["rol"] == contract.ROLE_ELIGIBLE].itertuples():
        for fiche_id in plan["fichas"]["ficha_id"]:
            final = goals[(goals["ficha_id"] == fiche_id) & (goals["anio"] == figure.anio)]["meta_absoluta"]
            if not final.empty:
                findings.append(
                    _finding(
                        RULE_ELIGIBLE,
                        figure.anio,
                        fiche_id,
                        "Población elegible",
                        float(figure.valor),
                        float(final.sum()),
                    )
                )
    for figure in figures[figures["rol"] == contract.ROLE_WOMEN].itertuples():
        share = plan.key_figure(contract.ROLE_WOMEN_PCT, figure.anio)
        eligible = plan.key_figure(contract.ROLE_ELIGIBLE, figure.anio)
        if share is not None and eligible is not None:
            # The plan may give the women figure "aproximadamente": it holds when it is the rounded product.
            findings.append(
                _finding(
                    RULE_WOMEN,
                    figure.anio,
                    figure.clave,
                    "Mujeres a asistir",
                    float(figure.valor),
                    share / 100 * eligible,
                    tolerance=0.5,
                )
            )
    return findings


@per_plan
def reconcile(plan: Plan) -> pd.DataFrame:
    """Every rule over every item and year, as one report."""
    others = pd.DataFrame(total_rules(plan) + indicator_rules(plan) + population_rules(plan), columns=COLUMNS)
    report = pd.concat([product_rules(plan), others], ignore_index=True)
    report["anio"] = report["anio"].astype("Int64")
    return report


def summary(report: pd.DataFrame) -> pd.DataFrame:
    """Per rule: how many checks, how many hold, how many fail."""
    grouped = report.groupby("regla", sort=False)["cumple"]
    return pd.DataFrame(
        {"comprobaciones": grouped.size(), "cumplen": grouped.sum(), "no_cumplen": grouped.size() - grouped.sum()}
    ).reset_index()
