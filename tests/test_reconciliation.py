"""The plan's arithmetic rules: they hold on the real plan and catch a spoiled copy."""

import pandas as pd
import pytest

from pom_lib.compute import reconciliation as rec
from pom_lib.data.plan import load_plan
from tests.support.paths import PLAN_DIR


@pytest.fixture(scope="module")
def report(plan):
    return rec.reconcile(plan)


def test_every_rule_holds_on_the_published_plan(report):
    assert report["cumple"].all(), report[~report["cumple"]]


def test_every_rule_is_checked(report):
    counts = report.groupby("regla").size()
    assert counts[rec.RULE_FINANCIAL] == 14 * 5
    assert counts[rec.RULE_PHYSICAL] == 14 * 5
    assert counts[rec.RULE_TOTAL] == 5
    assert counts[rec.RULE_INDICATOR_ABS] == 2 * 5
    assert counts[rec.RULE_INDICATOR_REL] == 2 * 6  # baseline 2024 included
    assert counts[rec.RULE_POPULATION] == 1


def test_physical_rule_adds_only_subproducts_of_the_same_unit(report):
    # PRD01 is counted in persons: the documents of SUB01 must not be added.
    row = report[(report["regla"] == rec.RULE_PHYSICAL) & (report["elemento"] == "PRD01") & (report["anio"] == 2025)]
    assert row["encontrado"].item() == 915_622 + 336_533


def test_indicator_recomputed_from_formula(plan):
    values = rec.indicator_values(plan).set_index(["ficha_id", "anio"])
    row = values.loc[("FICHA_PRODUCTO", 2029)]
    assert row["absoluto_recalculado"] == 1_112_947 + 409_059 + 97_241
    assert row["relativo_recalculado"] == pytest.approx(100 * 1_619_247 / 3_437_340)
    baseline = values.loc[("FICHA_PRODUCTO", 2024)]
    assert baseline["es_linea_base"] and pd.isna(baseline["absoluto_recalculado"])


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_spoiled_subproduct_is_reported_not_raised(plan_copy):
    _edit(plan_copy / "metas_subproductos.csv", "SUB02,2026,961404,27754877", "SUB02,2026,961404,27754000")
    report = rec.reconcile(load_plan(plan_copy))
    failures = report[~report["cumple"]]
    financial = failures[failures["regla"] == rec.RULE_FINANCIAL]
    assert financial[["anio", "elemento", "esperado", "encontrado", "diferencia"]].values.tolist() == [
        [2026, "PRD01", 472_075_234.0, 472_074_357.0, -877.0]
    ]


def test_a_spoiled_total_and_population_are_reported(plan_copy):
    _edit(plan_copy / "totales_anuales.csv", "2027,1180000000", "2027,1180000001")
    _edit(plan_copy / "poblacion_objetivo.csv", "3253747", "3253700")
    failures = rec.reconcile(load_plan(plan_copy)).query("not cumple")
    assert set(failures["regla"]) >= {rec.RULE_TOTAL, rec.RULE_POPULATION}
    total = failures[failures["regla"] == rec.RULE_TOTAL]
    assert total["diferencia"].tolist() == [-1.0]
    population = failures[failures["regla"] == rec.RULE_POPULATION]
    assert population["diferencia"].tolist() == [-47.0]


def test_a_spoiled_published_percentage_is_reported(plan_copy):
    _edit(plan_copy / "fichas_metas.csv", "FICHA_PRODUCTO,2027,1468703,42.7", "FICHA_PRODUCTO,2027,1468703,43.7")
    failures = rec.reconcile(load_plan(plan_copy)).query("not cumple")
    assert failures[["regla", "anio", "elemento"]].values.tolist() == [[rec.RULE_INDICATOR_REL, 2027, "FICHA_PRODUCTO"]]


def test_summary_counts_failures(plan_copy):
    _edit(plan_copy / "totales_anuales.csv", "2025,980000000", "2025,980000100")
    summary = rec.summary(rec.reconcile(load_plan(plan_copy))).set_index("regla")
    assert summary.loc[rec.RULE_TOTAL, "no_cumplen"] == 1
    assert summary.loc[rec.RULE_FINANCIAL, "no_cumplen"] == 0


def _product_findings(report, product_id):
    rows = report[report["regla"].isin([rec.RULE_FINANCIAL, rec.RULE_PHYSICAL]) & (report["elemento"] == product_id)]
    return rows[["regla", "anio", "esperado", "encontrado", "cumple"]].values.tolist()


def test_every_replica_of_a_larger_plan_gets_the_findings_of_its_original(tmp_path):
    from tests.support.synthetic_plan import replica_id, write_scaled_plan

    original = rec.reconcile(load_plan(PLAN_DIR))
    scaled = rec.reconcile(load_plan(write_scaled_plan(PLAN_DIR, tmp_path / "plan", 3)))
    counts = scaled.groupby("regla").size()
    assert counts[rec.RULE_FINANCIAL] == counts[rec.RULE_PHYSICAL] == 3 * 14 * 5
    assert scaled["cumple"].all()
    for product_id in ("PRD01", "PRD07", "PRD14"):
        for copy in (1, 2):
            assert _product_findings(scaled, replica_id(product_id, copy)) == _product_findings(original, product_id)
    # The totals grow by the replicas' money and still add up.
    totals = scaled[scaled["regla"] == rec.RULE_TOTAL].set_index("anio")["esperado"]
    assert (
        totals[2025]
        == 980_000_000
        + 2 * original[(original["regla"] == rec.RULE_FINANCIAL) & (original["anio"] == 2025)]["esperado"].sum()
    )


def test_a_spoiled_replica_is_reported_in_its_own_row(tmp_path):
    from tests.support.synthetic_plan import replica_id, write_scaled_plan

    plan = write_scaled_plan(PLAN_DIR, tmp_path / "plan", 3)
    sub, product = replica_id("SUB02", 2), replica_id("PRD01", 2)
    _edit(plan / "metas_subproductos.csv", f"{sub},2026,961404,27754877", f"{sub},2026,961404,27754000")
    failures = rec.reconcile(load_plan(plan)).query("not cumple")
    assert failures[["regla", "anio", "elemento", "diferencia"]].values.tolist() == [
        [rec.RULE_FINANCIAL, 2026, product, -877.0]
    ]
