"""Data-dependent sentences of the prose: they state what the data show, and change when it changes."""

from pom_lib.compute.reconciliation import reconcile
from pom_lib.data.plan import load_plan
from pom_lib.present import narrative


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_reconciliation_sentence(plan, plan_copy):
    assert "171 comprobaciones" in narrative.reconciliation_sentence(reconcile(plan))
    _edit(plan_copy / "totales_anuales.csv", "2026,1080000000", "2026,1080000001")
    assert "1 no cuadra;" in narrative.reconciliation_sentence(reconcile(load_plan(plan_copy)))


def test_program_shift_sentence(plan):
    sentence = narrative.program_shift_sentence(plan)
    assert (
        "«Servicios de Política Exterior» es el programa que más participación gana (31.8\u00a0% → 35.4\u00a0%)"
        in sentence
    )
    assert "«Actividades Centrales» el que más pierde (11.8\u00a0% → 8.3\u00a0%)" in sentence
