"""What stands out in a plan, as figures, and the rule that picks the main points of its book.

Each finding is computed from the plan's data alone and is None when the plan lacks what it
needs (no second year, no target population, no expansion statements…), so no finding is ever
stated where its data are absent. Each carries its weight: the share of the period's financial
goals, or of the target population, that it concerns. `main_points` picks the heaviest by one
stated rule (MIN_WEIGHT, MAX_MAIN_POINTS, MIN_MAIN_POINTS), never by hand. The sentences, and the rule in
words, are written in pom_lib.present.findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pom_lib.compute import analysis, strategic_framework
from pom_lib.compute.execution import REZAGADO
from pom_lib.compute.projections import coverage_path
from pom_lib.data.plan import Plan

# A product's financial goal «outpaces» its physical goal when it grows this many points more.
OUTPACE_POINTS = 10.0
# The main points: the findings that concern at least MIN_WEIGHT % of the money or of the people,
# heaviest first, at most MAX_MAIN_POINTS; when fewer qualify, the next ones up to MIN_MAIN_POINTS.
MIN_WEIGHT = 5.0
MAX_MAIN_POINTS = 4
MIN_MAIN_POINTS = 3


@dataclass(frozen=True)
class Finding:
    """One finding: a stable key (the same role keeps its key from one edition to the next), the chapter
    that develops it, its weight (%) and the figures its sentence and chart need."""

    key: str
    chapter: str
    weight: float
    figures: dict = field(default_factory=dict)


def _period_total(plan: Plan) -> float:
    return float(analysis.yearly_totals(plan)["total"].sum())


def unmeasured_money(plan: Plan) -> Finding | None:
    """The financial goals of programs that produce none of the subproducts the plan's indicators add up."""
    summary = strategic_framework.program_summary(plan).set_index("programa_id")
    measured = strategic_framework.indicator_programs(plan)
    share = 100.0 - float(summary.loc[measured, "participacion_periodo"].sum())
    if round(share, 1) <= 0:
        return None
    yearly = analysis.budget_by_program(plan)
    yearly.index = plan.programs["programa_id"].tolist()
    measured_by_year = yearly.loc[measured].sum()
    return Finding(
        "dinero_sin_indicador",
        "marco_estrategico",
        share,
        {
            "participacion": share,
            "monto": _period_total(plan) * share / 100,
            "programas_medidos": [str(summary.loc[p, "programa"]) for p in measured],
            "por_anio": pd.DataFrame(
                {"medido": measured_by_year, "sin_indicador": yearly.sum() - measured_by_year}
            ).rename_axis("anio"),
        },
    )


def uncovered_population(plan: Plan) -> Finding | None:
    """People of the target population left outside the main indicator's goal in the plan's last year."""
    target = plan.target_population
    if not target or plan["fichas"].empty:
        return None
    path = coverage_path(plan)
    last = int(path.index[-1])
    covered = float(path.loc[last, "personas"])
    outside = float(target) - covered
    if pd.isna(outside) or outside <= 0:
        return None
    return Finding(
        "poblacion_fuera_de_la_meta",
        "alcance_poblacion",
        100 * outside / float(target),
        {"anio": last, "poblacion_objetivo": float(target), "meta": covered, "fuera": outside},
    )


def cost_outpacing_output(plan: Plan) -> Finding | None:
    """The product with the most money whose financial goal grows OUTPACE_POINTS more than its physical goal."""
    first, last = plan.years[0], plan.years[-1]
    if first == last:
        return None
    growth = analysis.product_growth(plan).dropna(subset=["meta_financiera_variacion_pct", "meta_fisica_variacion_pct"])
    gap = growth["meta_financiera_variacion_pct"] - growth["meta_fisica_variacion_pct"]
    growth = growth[(gap > OUTPACE_POINTS) & (growth["meta_financiera_variacion_pct"] > 0)]
    if growth.empty:
        return None
    money = plan["metas_productos"].groupby("producto_id")["meta_financiera"].sum().astype(float)
    product = growth.assign(dinero=growth["producto_id"].map(money)).sort_values("dinero", kind="stable").iloc[-1]
    goals = plan["metas_productos"].query("producto_id == @product['producto_id']").set_index("anio").sort_index()
    return Finding(
        "costo_crece_mas_que_metas",
        "proyecciones",
        100 * float(product["dinero"]) / _period_total(plan),
        {
            "producto_id": str(product["producto_id"]),
            "producto": str(product["producto"]),
            "unidad_medida": str(product["unidad_medida"]),
            "anio_inicio": first,
            "anio_fin": last,
            "financiera_pct": float(product["meta_financiera_variacion_pct"]),
            "fisica_pct": float(product["meta_fisica_variacion_pct"]),
            "por_anio": goals[["meta_fisica", "meta_financiera"]].astype(float),
        },
    )


def round_trip_reallocation(plan: Plan) -> Finding | None:
    """Money that moves into a subproduct one year and out again later: the largest such round trip.

    A round trip is a subproduct whose unit cost jumps up (analysis.unit_cost_outliers) and later
    falls back; its extra money is what it receives, in the years between, above its level before.
    """
    outliers = analysis.unit_cost_outliers(plan)
    outliers = outliers[outliers["nivel"] == "subproducto"]
    goals = plan["metas_subproductos"].pivot(index="anio", columns="subproducto_id", values="meta_financiera")
    trips = []
    for up in outliers[outliers["meta_financiera"] > outliers["financiera_anterior"]].itertuples():
        downs = outliers[
            (outliers["elemento"] == up.elemento)
            & (outliers["anio"] > up.anio)
            & (outliers["meta_financiera"] < outliers["financiera_anterior"])
        ]
        if downs.empty:
            continue
        out_year = int(downs["anio"].min())
        inside = goals.loc[up.anio : out_year - 1, up.elemento].astype(float)
        extra = float((inside - float(up.financiera_anterior)).clip(lower=0).sum())
        trips.append((extra, up, out_year, inside))
    if not trips:
        return None
    extra, up, out_year, inside = max(trips, key=lambda trip: trip[0])
    subproducts = plan.subproducts.set_index("subproducto_id")
    partner = None
    if pd.notna(up.reasignacion_con):
        siblings = subproducts[
            (subproducts["producto_id"] == subproducts.loc[up.elemento, "producto_id"])
            & (subproducts["nombre"] == up.reasignacion_con)
        ]
        partner = str(siblings.index[0]) if len(siblings) else None
    series = goals[[up.elemento] + ([partner] if partner else [])].astype(float)
    return Finding(
        "reasignacion_de_ida_y_vuelta",
        "proyecciones",
        100 * extra / _period_total(plan),
        {
            "subproducto_id": str(up.elemento),
            "subproducto": str(up.nombre),
            "anio_entrada": int(up.anio),
            "anio_salida": out_year,
            "antes": float(up.financiera_anterior),
            "maximo": float(inside.max()),
            "despues": float(goals.loc[out_year, up.elemento]),
            "adicional": extra,
            "contraparte_id": partner,
            "contraparte": str(up.reasignacion_con) if partner else None,
            "por_anio": series,
        },
    )


def money_without_output(plan: Plan) -> Finding | None:
    """Financial goals of products in years whose physical goal is zero: money with nothing to deliver."""
    goals = plan["metas_productos"]
    empty = goals[(goals["meta_fisica"] == 0) & (goals["meta_financiera"] > 0)]
    if empty.empty:
        return None
    money = float(empty["meta_financiera"].sum())
    names = plan.products.set_index("producto_id")["nombre"]
    return Finding(
        "dinero_sin_meta_fisica",
        "matriz_planificacion",
        100 * money / _period_total(plan),
        {
            "monto": money,
            "celdas": [
                (str(row.producto_id), str(names[row.producto_id]), int(row.anio)) for row in empty.itertuples()
            ],
        },
    )


def unquantified_commitments(plan: Plan) -> Finding | None:
    """Statements about expanding the institution's network: the plan's data tie none of them to a goal."""
    statements = plan["expansion_red"]
    if statements.empty:
        return None
    return Finding("compromisos_sin_meta", "red_consular", 0.0, {"enunciados": len(statements)})


def lagging_products(attainment: pd.DataFrame, year: int) -> Finding | None:
    """Products whose physical execution in `year` fell short of the semáforo's lowest class («Rezagado»).

    `attainment` is compute.execution.attainment of the monitored plan; the weight is the share of that
    year's financial goals held by the lagging products.
    """
    products = attainment[(attainment["nivel"] == "producto") & (attainment["anio"] == year)]
    measured = products[products["ejecucion_fisica"].notna() & (products["meta_fisica"] > 0)]
    lagging = measured[measured["semaforo_fisico"] == REZAGADO]
    if lagging.empty:
        return None
    money = float(products["meta_financiera"].sum())
    share = 100 * float(lagging["meta_financiera"].sum()) / money if money else 0.0
    return Finding(
        "productos_rezagados",
        "seguimiento",
        share,
        {
            "anio": year,
            "rezagados": len(lagging),
            "medidos": len(measured),
            "ids": lagging["elemento_id"].astype(str).tolist(),
            "participacion": share,
            "por_producto": lagging.set_index("elemento_id")[["meta_fisica", "ejecucion_fisica"]].astype(float),
        },
    )


def projected_shortfall(coverage_path: pd.DataFrame, unit: str) -> Finding | None:
    """How far the main indicator's final goal would stay if the pace observed so far held to the end.

    `coverage_path` is compute.monitoring's coverage projection (anio, meta_absoluta, ejecucion_absoluta,
    es_proyeccion); the weight is the share of the final goal that would be missing.
    """
    final = coverage_path.dropna(subset=["meta_absoluta", "ejecucion_absoluta"])
    if final.empty or not final["es_proyeccion"].any():
        return None
    last = final.iloc[-1]
    goal, reached = float(last["meta_absoluta"]), float(last["ejecucion_absoluta"])
    if goal <= 0 or reached >= goal:
        return None
    path = coverage_path.set_index("anio")[["meta_absoluta", "ejecucion_absoluta"]].astype(float)
    return Finding(
        "brecha_proyectada",
        "seguimiento",
        100 * (goal - reached) / goal,
        {
            "anio": int(last["anio"]),
            "meta": goal,
            "alcanzado": reached,
            "faltante": goal - reached,
            "unidad": unit,
            "por_anio": path,
        },
    )


FINDERS = (
    unmeasured_money,
    uncovered_population,
    cost_outpacing_output,
    round_trip_reallocation,
    money_without_output,
    unquantified_commitments,
)


def findings(plan: Plan, execution: list[Finding | None] = ()) -> list[Finding]:
    """Every finding the plan's data support, and those of its execution (`lagging_products`,
    `projected_shortfall`, computed by the caller when the edition has execution), heaviest first
    (ties keep the order of FINDERS)."""
    found = [finding for finder in FINDERS if (finding := finder(plan)) is not None]
    found += [finding for finding in execution if finding is not None]
    return sorted(found, key=lambda finding: -round(finding.weight, 6))


def main_points(found: list[Finding]) -> list[Finding]:
    """The main points by the rule above; `found` is ordered as `findings` returns it."""
    heavy = [finding for finding in found if finding.weight >= MIN_WEIGHT][:MAX_MAIN_POINTS]
    return heavy if len(heavy) >= MIN_MAIN_POINTS else found[:MIN_MAIN_POINTS]
