"""Chapter «Calidad de los datos»: the checks of any plan, described by the rules that apply to it."""

import pandas as pd
import pytest

from pom_lib.chapters.calidad_datos import DataQuality
from pom_lib.data.plan import load_plan
from tests.support.paths import PLAN_DIR
from tests.support.plan_variants import change_rows, clear_notes, keep_rows, read_rows


def expected_checks(folder) -> int:
    """How many checks the plan's arithmetic allows, counted from the CSV files."""
    years = len(read_rows(folder, "totales_anuales"))
    units = {r["producto_id"]: r["unidad_medida"] for r in read_rows(folder, "productos")}
    subs = read_rows(folder, "subproductos")
    with_parts = {s["producto_id"] for s in subs}
    same_unit = {s["producto_id"] for s in subs if s["unidad_medida"] == units[s["producto_id"]]}
    fiches = read_rows(folder, "fichas")
    goals = read_rows(folder, "fichas_metas")
    roles = [r["rol"] for r in read_rows(folder, "cifras_clave")]
    eligible = sum(
        1
        for r in read_rows(folder, "cifras_clave")
        if r["rol"] == "poblacion_elegible"
        for f in fiches
        if any(g["ficha_id"] == f["ficha_id"] and g["anio"] == r["anio"] for g in goals)
    )
    return (
        years * (len(with_parts) + len(same_unit))
        + years
        + len(goals)
        + len(goals)
        + len(fiches)
        + 1
        + eligible
        + roles.count("mujeres")
    )


@pytest.fixture(scope="module")
def chapter(plan):
    return DataQuality(plan)


def test_checks_notes_and_anomalies_of_the_plan(chapter):
    values = chapter.values
    assert values["n_comprobaciones"] == str(expected_checks(PLAN_DIR)) == "171"
    assert values["n_reglas"] == "8"
    assert values["frase_conciliacion"].startswith("Las 171 comprobaciones aritméticas del plan se cumplen")
    notes = sum(
        1 for table in ("programas", "productos", "subproductos") for row in read_rows(PLAN_DIR, table) if row["nota"]
    )
    assert values["n_notas"] == str(notes)
    assert (
        f"La tabla siguiente recoge las {notes} notas de lectura; la documentación del paquete de datos "
        "(README.md) explica cada una" in values["frase_lecturas"]
    )
    assert values["frase_anomalias"] == "En este plan encuentra 12, que enumera la tabla siguiente."


def test_rules_are_described_only_when_they_apply(chapter, plan_copy):
    text = chapter.rules_markdown()
    assert text.count("\n- ") == 4
    assert "la población elegible con la meta absoluta del indicador en el mismo año y las mujeres a atender" in text
    keep_rows(
        plan_copy, "cifras_clave", lambda row: row["rol"] not in ("poblacion_elegible", "mujeres", "porcentaje_mujeres")
    )
    reduced = DataQuality(load_plan(plan_copy))
    assert reduced.values["n_comprobaciones"] == str(expected_checks(plan_copy)) == "168"
    text = reduced.rules_markdown()
    assert "elegible" not in text and "mujeres" not in text
    assert text.endswith("- la población objetivo con la suma por país o región.\n")


def test_a_failed_check_is_shown_and_counted_in_agreement(plan_copy):
    change_rows(plan_copy, "totales_anuales", lambda row: row["anio"] == "2026", meta_financiera="1080000001")
    chapter = DataQuality(load_plan(plan_copy))
    assert "De 171 comprobaciones aritméticas, 1 no cuadra;" in chapter.values["frase_conciliacion"]


def test_a_plan_without_reading_notes(plan_copy):
    clear_notes(plan_copy)
    chapter = DataQuality(load_plan(plan_copy))
    assert chapter.values["frase_lecturas"] == "Ninguna fila de los datos de este plan lleva nota de lectura."
    assert chapter.notes_table() is None
    (plan_copy / "README.md").unlink()
    change_rows(plan_copy, "productos", lambda row: row["producto_id"] == "PRD01", nota="Lectura única.")
    one = DataQuality(load_plan(plan_copy)).values["frase_lecturas"]
    assert one.endswith("La tabla siguiente recoge la única nota de lectura.")


@pytest.mark.parametrize(
    ("count", "sentence"),
    [
        (0, "En este plan no encuentra ninguna."),
        (1, "En este plan encuentra una, que muestra la tabla siguiente."),
        (3, "En este plan encuentra 3, que enumera la tabla siguiente."),
    ],
)
def test_anomalies_sentence_agrees_in_number(chapter, count, sentence):
    other = DataQuality(chapter.plan)
    other.__dict__["anomalies"] = pd.DataFrame(
        {"tipo": ["x"] * count, "elemento": ["y"] * count, "descripcion": ["z"] * count}
    )
    assert other.values["frase_anomalias"] == sentence
    assert (other.anomalies_table() is None) == (count == 0)


def test_reading_commentary_is_held_back_when_the_notes_change(chapter, plan_copy):
    assert "maquetación de sus cuadros" in chapter.commentary_markdown("lecturas")
    change_rows(plan_copy, "productos", lambda row: row["producto_id"] == "PRD02", nota="Otra lectura.")
    assert DataQuality(load_plan(plan_copy)).commentary_markdown("lecturas") == ""
