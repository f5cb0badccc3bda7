"""Data-dependent sentences of the prose: they state what the data show, and change when it changes."""

import pytest

from pom_lib import analysis, narrative
from pom_lib.plan import load_plan
from pom_lib.reconciliation import reconcile

from conftest import PLAN_DIR


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN_DIR)


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_reconciliation_sentence(plan, plan_copy):
    assert "171 comprobaciones" in narrative.reconciliation_sentence(reconcile(plan))
    _edit(plan_copy / "totales_anuales.csv", "2026,1080000000", "2026,1080000001")
    assert "1 no cuadran" in narrative.reconciliation_sentence(reconcile(load_plan(plan_copy)))


def test_program_shift_sentence(plan):
    sentence = narrative.program_shift_sentence(plan)
    assert "«Servicios de Política Exterior» es el programa que más participación gana (31.8\u00a0% → 35.4\u00a0%)" in sentence
    assert "«Actividades Centrales» el que más pierde (11.8\u00a0% → 8.3\u00a0%)" in sentence


def test_growth_pattern_sentence(plan):
    sentence = narrative.growth_pattern_sentence(plan)
    assert sentence.startswith("5 de los 6 productos cuya meta física crece")
    assert "7 mantienen la misma meta" in sentence


def test_round_totals_sentence(plan, plan_copy):
    assert "cifras redondas en millones" in narrative.round_totals_sentence(plan)
    _edit(plan_copy / "totales_anuales.csv", "2026,1080000000", "2026,1080000123")
    assert "no son cifras redondas" in narrative.round_totals_sentence(load_plan(plan_copy))


def test_outliers_sentence(plan):
    assert narrative.outliers_sentence(analysis.unit_cost_outliers(plan, 50), 50).startswith(
        "6 variaciones anuales del costo unitario superan el umbral de 50\u00a0%, en 5 elementos")
    assert narrative.outliers_sentence(analysis.unit_cost_outliers(plan, 1e6), 1e6).startswith("Ningún costo")


def test_fiche_sentences(plan, plan_copy):
    assert "exactamente las mismas cifras" in narrative.fiches_agreement_sentence(plan)
    assert "sin dato" in narrative.execution_sentence(plan)
    _edit(plan_copy / "fichas_metas.csv", "FICHA_SUBPRODUCTO,2025,1332155,38.8,", "FICHA_SUBPRODUCTO,2025,1332155,38.8,1300000")
    spoiled = load_plan(plan_copy)
    assert narrative.execution_sentence(spoiled) == "Las fichas traen 1 valores de ejecución."


def test_fiche_markdown_quotes_the_formula(plan):
    text = narrative.fiche_markdown(plan, "FICHA_PRODUCTO")
    assert "- PRD01: Población guatemalteca que recibe servicios" in text
    assert "> (Guatemaltecos apoyados con asistencia y atención consular+" in text
    assert "sección 6" in text
