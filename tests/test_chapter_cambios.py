"""The chapter «Cambios respecto de la edición anterior» (pom_lib.chapters.cambios).

Expected sentences are typed from tests/fixtures/plan-ficticio-2026-2030/README.md, or follow from the
edits made here to a copy of the real plan.
"""

import pytest

from pom_lib.chapters.cambios import WHAT_IS_COMPARED, EditionChanges
from pom_lib.data.plan import load_plan

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def compared(plan, fictional_plan):
    return EditionChanges(fictional_plan, 2026, plan)


def _edit(folder, table, old, new):
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_first_edition_says_what_will_be_compared_and_shows_nothing(plan):
    chapter = EditionChanges(plan, 2025)
    assert chapter.values["frase_estado"].startswith(
        "Esta edición (2025, plan 2025-2029) no tiene una edición anterior con la cual compararse"
    )
    assert {k: v for k, v in chapter.values.items() if k != "frase_estado"} == WHAT_IS_COMPARED
    for table in (
        chapter.items_table(),
        chapter.goals_table(),
        chapter.totals_table(),
        chapter.fiches_table(),
        chapter.key_figures_table(),
        chapter.catalog_table(),
    ):
        assert table is None
    assert chapter.actions_markdown() == chapter.statements_markdown() == chapter.fiche_texts_markdown() == ""


def test_sentences_of_the_fictional_vintage(compared):
    values = {k: v.replace(NBSP, " ") for k, v in compared.values.items()}
    assert values["frase_elementos"] == (
        "Frente al plan 2025-2029, el plan 2026-2030 agrega 1 producto y 1 subproducto, retira 1 producto y 1 "
        "subproducto, renombra 1 producto, cambia la unidad de medida de 1 subproducto y traslada 1 producto a otro "
        "programa."
    )
    assert "cambian 4 metas de 4 elementos" in values["frase_metas"]
    assert "la de PRD01 en 2028 (+Q5,000,000)" in values["frase_metas"]
    assert values["frase_totales"] == (
        "Sumados los años comunes (2026 a 2029), el total de metas financieras pasa de Q4,890,000,000 a "
        "Q4,906,100,000 (+Q16,100,000, +0.33 %). 2025 sale del horizonte del plan, y se agrega 2030 (Q1,354,000,000)."
    )
    assert values["frase_indicadores"] == (
        "Frente al plan 2025-2029, el plan 2026-2030 cambia la fórmula de 2 indicadores y cambia la línea de base de "
        "2 indicadores. La meta del último año del indicador principal (FICHA\\_PRODUCTO) pasa de 1,619,247 personas "
        "(47.1 %) en 2029 a 1,619,247 (47.1 %) en 2030."
    )
    assert (
        "el porcentaje de mujeres pasa de 39.0 % (2029) a 40.0 % (2030); y la cifra de mujeres pasa de 631,506 "
        "(2029) a 647,699 (2030)" in values["frase_cifras"]
    )
    assert values["frase_catalogos"] == "Se agrega la unidad de medida «Gestión» y cambia la descripción de «Persona»."
    assert values["frase_acciones"] == "Se agrega 1 acción, se retira 1 acción y cambia la redacción de 1 acción."
    assert values["frase_marco"] == "En el marco estratégico cambia la redacción de 1 enunciado."


def test_rewordings_are_shown_with_the_changed_words_in_bold(compared):
    actions = compared.actions_markdown()
    assert "*Nueva:* Jornadas de consulado móvil" in actions
    assert "*Ahora:* Gestiones de carácter político **y consular** y representación" in actions
    assert "*Retirada:* Apertura y conservación de las brechas fronterizas" in actions
    assert actions.endswith("Las palabras que cambian van en negrita.*")
    statements = compared.statements_markdown()
    assert statements.startswith("**Objetivo Operativo 2**, nueva redacción:")
    assert "**exterior,** en Guatemala **y por medio de consulados móviles,**" in statements
    formulas = compared.fiche_texts_markdown()
    assert "**FICHA\\_PRODUCTO**, fórmula:" in formulas and "**departamentales)/(Población**" in formulas


def test_tables_of_the_fictional_vintage(compared):
    assert compared.key_figures_table().rows[0] == ["Población elegible", "2029", "1,619,247", "—", "—"]
    assert compared.catalog_table().rows[0][:3] == ["Unidad de medida", "Agregada", "Gestión"]
    assert compared.fiches_table().header == ["Indicador", "Cambio", "Edición 2025-2029", "Edición 2026-2030"]
    assert compared.fiche_goals_table() is None  # no indicator goal changes in the common years


def test_an_edition_compared_with_an_identical_plan(plan):
    same = EditionChanges(plan, 2026, plan).values
    assert same["frase_elementos"].startswith("El plan 2025-2029 conserva los productos y subproductos")
    assert same["frase_metas"].endswith("ninguna meta cambia.")
    assert "se mantiene en Q5,870,000,000" in same["frase_totales"]
    assert same["frase_indicadores"].startswith("Los indicadores conservan su nombre, fórmula, unidad")
    assert same["frase_cifras"] == "Las cifras clave del plan no cambian."
    assert same["frase_catalogos"].startswith("Las unidades de medida y los programas son los mismos")
    assert same["frase_acciones"] == "Las acciones son las mismas, con la misma redacción y el mismo programa."
    assert same["frase_marco"] == "Los enunciados del marco estratégico no cambian."


def test_programs_actions_and_statements_in_the_plural(plan, plan_copy):
    _edit(plan_copy, "programas", "limites,3,Conservación y Demarcación", "limites,3,Conservación y Delimitación")
    _edit(plan_copy, "acciones", "limites_01,limites,", "limites_01,politica_exterior,")
    _edit(plan_copy, "acciones", "limites_02,limites,", "limites_02,politica_exterior,")
    _edit(plan_copy, "marco_estrategico", "\nmandato,1,", "\nmandato,7,")
    _edit(plan_copy, "unidades", "\nKilómetro,", "\nKm,")
    _edit(plan_copy, "productos", ",Kilómetro,", ",Km,")
    _edit(plan_copy, "subproductos", ",Kilómetro,", ",Km,")
    _edit(plan_copy, "cifras_clave", "3437340,personas", "3500000,personas")
    chapter = EditionChanges(load_plan(plan_copy), 2026, plan)
    values = chapter.values
    assert values["frase_acciones"] == "2 acciones pasan a otro programa."
    assert values["frase_marco"] == "En el marco estratégico se agrega 1 enunciado y se retira 1 enunciado."
    assert values["frase_catalogos"] == (
        "Se agrega la unidad de medida «Km», se retira la unidad de medida «Kilómetro» y el programa «Conservación y "
        "Demarcación de Límites Internacionales del Territorio Nacional» pasa a llamarse «Conservación y Delimitación "
        "de Límites Internacionales del Territorio Nacional»."
    )
    assert "la población objetivo pasa de 3,437,340 a 3,500,000" in values["frase_cifras"]
    assert "*Viene del programa «Conservación y Demarcación" in chapter.actions_markdown()
    assert "**Mandato legal" in chapter.statements_markdown() and ", nuevo:" in chapter.statements_markdown()


def test_plans_without_actions(plan, plan_copy):
    path = plan_copy / "acciones.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    empty = load_plan(plan_copy)
    assert (
        EditionChanges(empty, 2026, empty).values["frase_acciones"] == "Ninguna de las dos ediciones enumera acciones."
    )
    removed = EditionChanges(empty, 2026, plan).values["frase_acciones"]
    assert removed == f"Se retiran {len(plan['acciones'])} acciones."


def test_a_key_figure_that_only_moves_to_another_year_is_said_to_stay(plan, plan_copy):
    _edit(
        plan_copy,
        "cifras_clave",
        "poblacion_elegible_2029,poblacion_elegible,2029,",
        "poblacion_elegible_2029,poblacion_elegible,2028,",
    )
    values = EditionChanges(load_plan(plan_copy), 2026, plan).values
    assert "la población elegible se mantiene en 1,619,247 y pasa de 2029 a 2028" in values["frase_cifras"]
    assert "pasa de 1,619,247" not in values["frase_cifras"]
