"""The plan's own arithmetic, re-done: each rule yields findings, never an exception.

A row of the report says: which rule, which year, which item, what the plan states
(esperado), what its parts add up to (encontrado), the difference, and whether it holds.

A published document need not add up: a plan acknowledges a check its document fails in
discrepancias_reconocidas.csv (rule code, year, element, both figures and a note). An
acknowledgement holds while the check fails with exactly those figures; once the figures change
or the check holds, it no longer matches the data and says so (`review_acknowledgements`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd

from pom_lib.core.errors import Problem
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

# How discrepancias_reconocidas.csv names each rule (its elements: contract.ACKNOWLEDGED_ELEMENTS).
RULE_CODES = {
    RULE_FINANCIAL: "financiera_producto",
    RULE_PHYSICAL: "fisica_producto",
    RULE_TOTAL: "total_anual",
    RULE_INDICATOR_ABS: "indicador_absoluto",
    RULE_INDICATOR_REL: "indicador_relativo",
    RULE_POPULATION: "poblacion_objetivo",
    RULE_ELIGIBLE: "poblacion_elegible",
    RULE_WOMEN: "mujeres",
}
RULE_NAMES = {code: rule for rule, code in RULE_CODES.items()}
# An acknowledgement writes a figure with at most four decimals (a recomputed percentage such as
# 46.1839); it names the computed figure when both round alike.
FIGURE_DECIMALS = 4

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


def figure_text(value: float) -> str:
    """A figure as an acknowledgement writes it: digits, and a point with at most four decimals (46.1839)."""
    text = f"{value:.{FIGURE_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _same_figure(written: float, computed: float) -> bool:
    return abs(written - computed) <= 0.5 * 10**-FIGURE_DECIMALS + 1e-9


def acknowledgement_line(finding) -> str:
    """The line of discrepancias_reconocidas.csv that acknowledges a failing check (a report row), «nota» empty."""
    year = "" if pd.isna(finding.anio) else str(int(finding.anio))
    cells = [RULE_CODES[finding.regla], year, finding.elemento, figure_text(finding.esperado)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([*cells, figure_text(finding.encontrado), ""])
    return buffer.getvalue()


@dataclass(frozen=True)
class AcknowledgementReview:
    """The report with the plan's acknowledgements applied, and those that no longer match it.

    `report` adds to the reconciliation report `reconocida` (a failing check the plan acknowledges
    with its very figures) and `nota` (the acknowledgement's note, else NA). `stale` names, by file
    and row, each acknowledgement that matches no failing check.
    """

    report: pd.DataFrame
    stale: list[Problem]

    @property
    def acknowledged(self) -> pd.DataFrame:
        """Failing checks the plan acknowledges as its document's own."""
        return self.report[~self.report["cumple"] & self.report["reconocida"]]

    @property
    def unacknowledged(self) -> pd.DataFrame:
        """Failing checks nobody has acknowledged."""
        return self.report[~self.report["cumple"] & ~self.report["reconocida"]]


def _check_key(rule: str, year, element: str) -> tuple:
    return rule, None if pd.isna(year) else int(year), element


def review_acknowledgements(plan: Plan, report: pd.DataFrame) -> AcknowledgementReview:
    """Match each acknowledgement of the plan to its check in `report` (see the module's docstring)."""
    acknowledged = plan.tables.get(contract.ACKNOWLEDGEMENTS)
    report = report.assign(reconocida=False, nota=pd.Series(pd.NA, index=report.index, dtype="string"))
    if acknowledged is None:
        return AcknowledgementReview(report, [])
    positions = {
        _check_key(RULE_CODES[rule], year, element): position
        for position, (rule, year, element) in enumerate(zip(report["regla"], report["anio"], report["elemento"]))
    }
    stale = []
    for row_number, row in acknowledged.iterrows():
        position = positions.get(_check_key(row["regla"], row["anio"], row["elemento"]))
        reason, column = _mismatch(row, None if position is None else report.iloc[position])
        if reason:
            stale.append(contract.table_problem(plan.source, contract.ACKNOWLEDGEMENTS, reason, row_number, column))
        else:
            report.iloc[position, report.columns.get_loc("reconocida")] = True
            report.iloc[position, report.columns.get_loc("nota")] = row["nota"]
    return AcknowledgementReview(report, stale)


def _mismatch(acknowledgement: pd.Series, check: pd.Series | None) -> tuple[str | None, str | None]:
    """Why an acknowledgement does not match its check (and the column to correct), or (None, None)."""
    rule = acknowledgement["regla"]
    where = f"«{acknowledgement['elemento']}»" + (
        "" if pd.isna(acknowledgement["anio"]) else f" en {int(acknowledgement['anio'])}"
    )
    if check is None:
        return (
            f"la conciliación no tiene ninguna comprobación de la regla «{rule}» ({RULE_NAMES[rule]}) para {where}: "
            "revise el año y el elemento, o borre la fila",
            None,
        )
    figures = f"esperado {figure_text(check['esperado'])}, encontrado {figure_text(check['encontrado'])}"
    if check["cumple"]:
        return f"la comprobación de la regla «{rule}» para {where} ya cuadra ({figures}): borre la fila", None
    changed = [
        column
        for column in ("esperado", "encontrado")
        if not _same_figure(float(acknowledgement[column]), float(check[column]))
    ]
    if not changed:
        return None, None
    return (
        f"las cifras de la comprobación de la regla «{rule}» para {where} cambiaron: la fila reconoce esperado "
        f"{figure_text(acknowledgement['esperado'])}, encontrado {figure_text(acknowledgement['encontrado'])}, y "
        f"la conciliación da {figures}; si la diferencia sigue siendo del documento, escriba estas cifras; si no, "
        "corrija los datos y borre la fila",
        ", ".join(changed),
    )
