"""Chapter «Ampliación de la red en el exterior»: only for plans that announce it, with its sections per scope
and the budget of the program the document links to the main indicator.

MINEX figures are typed from the document; variants are copies of the real plan.
"""

import pytest

from pom_lib.chapters.red_consular import NetworkExpansion, program_trajectory
from pom_lib.data.plan import load_plan
from tests.support.paths import PLAN_DIR
from tests.support.plan_variants import change_rows, keep_rows, read_rows

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def chapter(plan):
    return NetworkExpansion(plan)


def test_only_plans_with_network_statements_have_the_chapter(plan, plan_copy):
    assert NetworkExpansion.applies(plan)
    keep_rows(plan_copy, "expansion_red", lambda row: False)
    assert not NetworkExpansion.applies(load_plan(plan_copy))


def test_statements_by_scope(chapter):
    assert chapter.values["frase_enunciados"] == (
        "El Plan Operativo Multianual 2025-2029 anuncia cómo crecerá su red en el exterior en tres enunciados "
        "sobre la red consular y tres enunciados sobre la red diplomática."
    )
    sections = chapter.scope_sections()
    assert [scope for scope, _ in sections] == ["consular", "diplomatica"]
    assert sections[0][1].startswith("## La red consular\n\n> Durante el período 2025-2029 se fortalecerá")
    assert sections[1][1].startswith("## La red diplomática\n\n")


def test_only_the_scopes_the_plan_has(plan_copy):
    keep_rows(plan_copy, "expansion_red", lambda row: row["ambito"] == "diplomatica" and row["orden"] == "4")
    chapter = NetworkExpansion(load_plan(plan_copy))
    assert chapter.values["frase_enunciados"].endswith("en un enunciado sobre la red diplomática.")
    assert [scope for scope, _ in chapter.scope_sections()] == ["diplomatica"]
    # That statement names no place of the target population.
    assert chapter.values["frase_lugares_nombrados"] == ""


def test_places_the_statements_name(chapter):
    rows = read_rows(PLAN_DIR, "poblacion_objetivo")
    named = sum(int(r["personas"]) for r in rows if r["rol"] == "lugar")  # the three countries are named
    share = 100 * named / sum(int(r["personas"]) for r in rows)
    assert chapter.values["frase_lugares_nombrados"] == (
        "Los enunciados sobre la red nombran «Estados Unidos de América», «Estados Unidos Mexicanos» y «Canadá», "
        f"lugares que reúnen juntos el {share:.1f}{NBSP}% de la población objetivo."
    )
    assert f"{share:.1f}" == "97.8"


def test_population_figures_for_the_teams_reading(chapter):
    values = chapter.values
    assert (values["region_mayor"], values["personas_region_mayor"], values["peso_region_mayor"]) == (
        "Estados Unidos de América",
        "3,253,747",
        f"94.7{NBSP}%",
    )
    assert values["otros_nombrados"] == "Estados Unidos Mexicanos y Canadá"
    assert values["peso_resto"] == f"2.2{NBSP}%"
    assert values["sin_cobertura"] == "1,818,093"  # 3,437,340 - 1,619,247


def test_budget_of_the_program_linked_to_the_indicator(plan, chapter):
    values = chapter.values
    assert values["programa"] == "Servicios Consulares y de Atención al Migrante"
    # PRD01 + PRD02: Q401,812,176 + Q14,931,906 in 2025, Q598,226,516 + Q14,630,229 in 2029
    assert (values["programa_inicio"], values["programa_fin"]) == ("Q416.7 millones", "Q612.9 millones")
    assert values["frase_programa"].endswith(
        f"(tabla siguiente): un aumento de 47.1{NBSP}%, 10.1{NBSP}% por año en promedio, frente a 37.8{NBSP}% del "
        "total del plan."
    )
    assert values["producto_principal_peso"] == f"97.2{NBSP}%"
    assert "Casi todas sus metas financieras" in values["frase_programa_peso"]
    assert values["costo_unitario"] == "sube"
    trajectory = program_trajectory(plan, "servicios_consulares")
    assert trajectory["meta_financiera"].tolist()[-1] == 598_226_516 + 14_630_229
    assert chapter.program_table("servicios_consulares").rows[0][:2] == ["2025", "Q416,744,082"]


def test_without_a_documented_link_there_is_no_program_section(plan_copy):
    change_rows(plan_copy, "objetivos_programas", lambda row: row["vinculo"] == "documento", vinculo="lectura")
    chapter = NetworkExpansion(load_plan(plan_copy))
    assert "frase_programa" not in chapter.values
    assert chapter.values["frase_capitulo"] == (
        "Este capítulo cita esos enunciados y los sitúa frente a la población objetivo del plan."
    )
    assert [review.block.place for review in chapter.reviews()] == ["programa"]
    assert chapter.commentary_markdown("programa") == ""


def test_a_changed_figure_holds_back_the_commentary_that_cites_it(plan_copy):
    change_rows(plan_copy, "poblacion_objetivo", lambda row: row["region_id"] == "canada", personas="57479")
    chapter = NetworkExpansion(load_plan(plan_copy))
    assert [review.block.place for review in chapter.reviews()] == ["poblacion"]
    assert chapter.commentary_markdown("poblacion") == ""
    assert chapter.commentary_markdown("consular").startswith("Los enunciados combinan tres instrumentos")
