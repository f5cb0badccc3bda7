"""Comparing two editions of the plan: the real 2025-2029 and the fictional 2026-2030 vintage.

Every change below was made on purpose in tests/fixtures/plan-ficticio-2026-2030 (see its README),
or in a copy of the real plan edited here.
"""

import pandas as pd
import pytest

from pom_lib.compute.changes import (
    action_changes,
    changes_summary,
    fiche_changes,
    fiche_goal_changes,
    goal_changes,
    item_changes,
    key_figure_changes,
    program_changes,
    statement_changes,
    total_changes,
    unit_changes,
    word_diff,
)
from pom_lib.data.plan import load_plan
from pom_lib.present.changes import (
    fiche_changes_table,
    fiche_goal_changes_table,
    goal_changes_table,
    item_changes_table,
    key_figure_changes_table,
    marked_diff,
    total_changes_table,
)

NA = pd.NA


@pytest.fixture(scope="module")
def editions(plan, fictional_plan):
    return plan, fictional_plan


def test_the_fictional_vintage_is_a_valid_plan_that_reconciles(editions):
    from pom_lib.compute.reconciliation import reconcile

    _, current = editions
    assert current.period == "2026-2030"
    assert reconcile(current)["cumple"].all()


def test_items_added_removed_renamed_and_moved(editions):
    changes = item_changes(*editions)
    assert changes.astype(object).where(changes.notna(), None).values.tolist() == [
        ["Agregado", "producto", "PRD15", None, "Atención consular móvil a la población guatemalteca en el exterior"],
        ["Agregado", "subproducto", "SUB29", None, "Jornadas de consulado móvil"],
        ["Retirado", "producto", "PRD14", "Transmisión de mando", None],
        ["Retirado", "subproducto", "SUB28", "Subproducto sin nombre en el documento (SUB28)", None],
        ["Renombrado", "producto", "PRD09", "Asesoría Jurídica", "Asesoría Jurídica y Normativa"],
        ["Cambio de unidad", "subproducto", "SUB05", "Evento", "Gestión"],
        ["Cambio de programa", "producto", "PRD12", "Actividades Centrales", "Partidas No Asignables a Programas"],
    ]


def test_goals_changed_in_the_overlapping_years(editions):
    changes = goal_changes(*editions)
    assert changes[
        [
            "elemento_id",
            "anio",
            "meta_fisica_anterior",
            "meta_fisica_actual",
            "diferencia_fisica",
            "meta_financiera_anterior",
            "meta_financiera_actual",
            "diferencia_financiera",
        ]
    ].values.tolist() == [
        ["PRD01", 2028, 1449529, 1449529, 0, 542469406, 547469406, 5000000],
        ["SUB01", 2028, 1720185, 1720185, 0, 467823038, 472823038, 5000000],
        ["PRD03", 2027, 237, 243, 6, 8837309, 8937309, 100000],
        ["SUB06", 2027, 184, 190, 6, 7773316, 7873316, 100000],
    ]
    assert list(changes["nivel"]) == ["producto", "subproducto", "producto", "subproducto"]


def test_an_edition_compared_with_itself_has_no_changes(editions):
    previous, _ = editions
    assert item_changes(previous, previous).empty
    assert goal_changes(previous, previous).empty
    assert (total_changes(previous, previous)["diferencia"] == 0).all()


def test_yearly_totals_over_both_periods(editions):
    totals = total_changes(*editions)
    assert totals["anio"].tolist() == [2025, 2026, 2027, 2028, 2029, 2030]
    assert totals["total_anterior"].tolist()[:5] == [980e6, 1080e6, 1180e6, 1280e6, 1350e6]
    assert totals["total_actual"].tolist()[1:] == [1082e6, 1182.6e6, 1288e6, 1353.5e6, 1354e6]
    assert totals["diferencia"].tolist()[1:5] == [2e6, 2.6e6, 8e6, 3.5e6]
    assert totals["variacion_pct"].iloc[3] == pytest.approx(100 * 8e6 / 1280e6)  # 0.625 %
    assert totals.iloc[[0, 5]][["diferencia", "variacion_pct"]].isna().all().all()


def test_summary(editions):
    assert changes_summary(*editions) == {
        "periodo_anterior": "2025-2029",
        "periodo_actual": "2026-2030",
        "anios_comunes": [2026, 2027, 2028, 2029],
        "agregados": 2,
        "retirados": 2,
        "renombrados": 1,
        "cambios_de_unidad": 1,
        "cambios_de_programa": 1,
        "metas_cambiadas": 4,
        "elementos_con_metas_cambiadas": 4,
        "total_comun_anterior": 4_890_000_000.0,
        "total_comun_actual": 4_906_100_000.0,
    }


def test_formatted_tables(editions):
    items = item_changes_table(*editions)
    assert list(items.columns) == ["Cambio", "Nivel", "Código", "Edición 2025-2029", "Edición 2026-2030"]
    assert items.iloc[0].tolist() == [
        "Agregado",
        "Producto",
        "PRD15",
        "—",
        "Atención consular móvil a la población guatemalteca en el exterior",
    ]
    goals = goal_changes_table(*editions)
    assert goals.iloc[2].tolist() == [
        "PRD03",
        "Coordinación y representación diplomática de carácter bilateral y cultural",
        "2027",
        "237",
        "243",
        "+6",
        "Q8,837,309",
        "Q8,937,309",
        "+Q100,000",
    ]
    assert goals.iloc[0]["Diferencia física"] == "0"
    totals = total_changes_table(*editions)
    assert totals.values.tolist() == [
        ["2025", "Q980,000,000", "—", "—", "—"],
        ["2026", "Q1,080,000,000", "Q1,082,000,000", "+Q2,000,000", "+0.19\u00a0%"],
        ["2027", "Q1,180,000,000", "Q1,182,600,000", "+Q2,600,000", "+0.22\u00a0%"],
        ["2028", "Q1,280,000,000", "Q1,288,000,000", "+Q8,000,000", "+0.62\u00a0%"],
        ["2029", "Q1,350,000,000", "Q1,353,500,000", "+Q3,500,000", "+0.26\u00a0%"],
        ["2030", "—", "Q1,354,000,000", "—", "—"],
    ]


# Indicators, key figures, units, programs, actions and strategic framework statements.


def test_indicator_changes(editions):
    changes = fiche_changes(*editions)
    assert changes[["cambio", "ficha_id"]].values.tolist() == [
        ["Fórmula", "FICHA_PRODUCTO"],
        ["Fórmula", "FICHA_SUBPRODUCTO"],
        ["Línea de base", "FICHA_PRODUCTO"],
        ["Línea de base", "FICHA_SUBPRODUCTO"],
    ]
    baseline = changes[changes["cambio"] == "Línea de base"].iloc[0]
    assert (baseline["anterior"], baseline["actual"]) == (
        "1,241,060 (36.1\u00a0%) en 2024",
        "1,332,155 (38.8\u00a0%) en 2025",
    )
    # Rewordings go to the text diff, not to the table.
    assert fiche_changes_table(*editions)["Cambio"].tolist() == ["Línea de base", "Línea de base"]
    assert fiche_goal_changes(*editions).empty


def test_key_figures_compared_by_role_and_year(editions):
    changes = key_figure_changes(*editions)
    rows = changes.astype(object).where(changes.notna(), None)[["rol", "anio", "anterior", "actual"]].values.tolist()
    assert rows == [
        ["poblacion_elegible", 2029, 1619247.0, None],
        ["poblacion_elegible", 2030, None, 1619247.0],
        ["cobertura_meta", 2029, 47.1, None],
        ["cobertura_meta", 2030, None, 47.1],
        ["porcentaje_mujeres", 2029, 39.0, None],
        ["porcentaje_mujeres", 2030, None, 40.0],
        ["mujeres", 2029, 631506.0, None],
        ["mujeres", 2030, None, 647699.0],
    ]
    table = key_figure_changes_table(*editions)
    assert table.iloc[5].tolist() == ["Porcentaje de mujeres", "2030", "—", "40.0\u00a0%", "—"]


def test_units_and_programs(editions):
    assert unit_changes(*editions).astype(object).where(lambda t: t.notna(), None).values.tolist() == [
        ["Agregada", "Gestión", None, None],
        ["Descripción", "Persona", None, "Personas atendidas, una vez por servicio (FICTICIO)"],
    ]
    assert program_changes(*editions).empty


def test_actions_added_removed_and_reworded(editions):
    changes = action_changes(*editions)
    assert changes[["cambio", "codigo", "programa"]].values.tolist() == [
        ["Agregada", "servicios_consulares_08", "Servicios Consulares y de Atención al Migrante"],
        ["Retirada", "limites_06", "Conservación y Demarcación de Límites Internacionales del Territorio Nacional"],
        ["Modificada", "servicios_consulares_02", "Servicios Consulares y de Atención al Migrante"],
    ]


def test_statements_reworded(editions):
    changes = statement_changes(*editions)
    assert changes[["cambio", "tipo", "orden", "titulo"]].values.tolist() == [
        ["Modificada", "objetivo_operativo", 2, "Objetivo Operativo 2"]
    ]


def _edit(folder, table, old, new):
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_programs_statements_and_indicator_goals_on_a_variant(editions, plan_copy):
    previous, _ = editions
    _edit(plan_copy, "programas", "limites,3,Conservación y Demarcación", "limites,3,Conservación y Delimitación")
    _edit(plan_copy, "programas", "\npartidas_no_asignables,", "\notras_partidas,")
    _edit(plan_copy, "productos", ",partidas_no_asignables,", ",otras_partidas,")
    _edit(plan_copy, "acciones", "limites_01,limites,", "limites_01,politica_exterior,")
    _edit(plan_copy, "marco_estrategico", "\nmandato,1,", "\nmandato,7,")
    _edit(plan_copy, "fichas_metas", "FICHA_PRODUCTO,2027,1468703,42.7", "FICHA_PRODUCTO,2027,1500000,43.6")
    _edit(plan_copy, "cifras_clave", "3437340,personas", "3500000,personas")
    changed = load_plan(plan_copy)
    programs = program_changes(previous, changed)
    assert programs[["cambio", "codigo"]].values.tolist() == [
        ["Agregado", "otras_partidas"],
        ["Retirado", "partidas_no_asignables"],
        ["Renombrado", "limites"],
    ]
    assert programs.iloc[2]["actual"].startswith("Conservación y Delimitación")
    moved = action_changes(previous, changed)
    assert moved[["cambio", "codigo", "anterior", "actual"]].values.tolist() == [
        [
            "Cambio de programa",
            "limites_01",
            "Conservación y Demarcación de Límites Internacionales del Territorio Nacional",
            "Servicios de Política Exterior",
        ]
    ]
    statements = statement_changes(previous, changed)
    assert statements[["cambio", "tipo", "orden"]].values.tolist() == [
        ["Agregado", "mandato", 7],
        ["Retirado", "mandato", 1],
    ]
    goals = fiche_goal_changes(previous, changed)
    assert goals.values.tolist() == [["FICHA_PRODUCTO", 2027, 1468703.0, 1500000.0, 42.7, 43.6]]
    assert fiche_goal_changes_table(previous, changed).iloc[0].tolist() == [
        "FICHA_PRODUCTO",
        "2027",
        "1,468,703 (42.7\u00a0%)",
        "1,500,000 (43.6\u00a0%)",
        "+31,297",
    ]
    target = key_figure_changes(previous, changed)
    assert target[["rol", "anterior", "actual", "diferencia"]].values.tolist() == [
        ["poblacion_objetivo", 3437340.0, 3500000.0, 62660.0]
    ]
    assert pd.isna(target["anio"].iloc[0])


def test_marked_diff_bolds_whole_changed_words_and_escapes_markdown():
    assert marked_diff("El plan tiene cinco años de metas.", "El plan tiene seis años de metas y acciones.") == (
        "El plan tiene **cinco** años de metas.",
        "El plan tiene **seis** años de metas **y acciones.**",
    )
    # A closed parenthesis changes the words it touches, bolded together; data asterisks stay literal.
    assert marked_diff("a/(b* c", "a)/(b* c)") == ("a/(b\\* c", "**a)/(b\\* c)**")
    assert marked_diff("uno dos tres", "uno tres") == ("uno **dos** tres", "uno tres")
    assert marked_diff("igual", "igual") == ("igual", "igual")


def test_word_diff_gives_runs_of_changed_and_kept_words_without_markup():
    assert word_diff("El plan tiene cinco años.", "El plan tiene seis años y metas.") == (
        [("El plan tiene", False), ("cinco", True), ("años.", False)],
        [("El plan tiene", False), ("seis", True), ("años", False), ("y metas.", True)],
    )
    assert word_diff("a* b", "a* b") == ([("a* b", False)], [("a* b", False)])
