"""The book's front page: the plan's structure, its headline figures by role and year, and how to read the book.

MINEX figures are typed from the document; variants are copies of the real plan.
"""

import pandas as pd
import pytest

from pom_lib.chapters.presentacion import Presentation, largest_program_sentence
from pom_lib.core import spanish
from pom_lib.data.plan import load_plan
from tests.support.plan_variants import change_rows, keep_rows

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def chapter(plan):
    return Presentation(plan, 2025)


def test_the_plan_in_figures(chapter):
    values = chapter.values
    assert values["de_institucion"] == "del Ministerio de Relaciones Exteriores"
    assert values["unidad_planificacion"] == "la Unidad de Planificación Institucional"
    assert values["edicion"] == "2025"
    assert values["total_periodo"] == "Q5,870.0 millones"
    assert values["frase_estructura"] == "5 programas, 14 productos y 28 subproductos"
    # 980 million in 2025, 1,350 million in 2029: +37.8 % in four years.
    assert values["frase_asignacion"] == (
        "El total anual de metas financieras pasa de Q980.0 millones a Q1,350.0 millones, "
        f"un aumento de 37.8{NBSP}% en cuatro años."
    )
    assert values["frase_programa_mayor"] == (
        "«Servicios Consulares y de Atención al Migrante» es el programa de mayores metas financieras en "
        "todos los años."
    )
    assert values["frase_red"].startswith("; {doc}`red_consular` cita")


def test_key_figures_of_the_real_plan(chapter):
    table = chapter.key_figures().set_index("Cifra")
    assert table.index.tolist() == [
        "Metas financieras del período",
        "Metas financieras de 2025",
        "Metas financieras de 2029",
        "Crecimiento anual promedio de las metas financieras",
        "Programas / productos / subproductos",
        "Población objetivo",
        "Población elegible en 2029",
        "Mujeres a atender en 2029",
        "Cobertura en 2024 (línea de base)",
        "Cobertura meta en 2029",
    ]
    assert table.loc["Metas financieras del período", "Valor"] == "Q5,870,000,000"
    assert table.loc["Programas / productos / subproductos", "Valor"] == "5 / 14 / 28"
    assert table.loc["Población objetivo", "Valor"] == "3,437,340"
    assert table.loc["Mujeres a atender en 2029"].tolist() == ["631,506", f"39{NBSP}% de la población elegible"]
    assert table.loc["Cobertura en 2024 (línea de base)"].tolist() == [f"36.1{NBSP}%", "1,241,060 personas"]
    assert table.loc["Cobertura meta en 2029"].tolist() == [f"47.1{NBSP}%", "1,619,247 personas"]


def test_key_figures_are_only_those_the_plan_has_labelled_by_year(plan_copy):
    keep_rows(
        plan_copy,
        "cifras_clave",
        lambda row: row["rol"] in ("poblacion_objetivo", "poblacion_elegible", "porcentaje_mujeres"),
    )
    change_rows(plan_copy, "cifras_clave", lambda row: row["rol"] == "poblacion_elegible", anio="2028")
    labels = Presentation(load_plan(plan_copy)).key_figures()["Cifra"].tolist()
    assert "Población elegible en 2028" in labels and "Mujeres entre la población a atender en 2029" in labels
    assert not any(label.startswith("Mujeres a atender") for label in labels)
    keep_rows(plan_copy, "cifras_clave", lambda row: row["rol"] == "poblacion_objetivo")
    labels = Presentation(load_plan(plan_copy)).key_figures()["Cifra"].tolist()
    assert not any(label.startswith(("Población elegible", "Mujeres")) for label in labels)


def test_a_plan_without_network_statements_does_not_mention_the_chapter(plan_copy):
    keep_rows(plan_copy, "expansion_red", lambda row: False)
    assert Presentation(load_plan(plan_copy)).values["frase_red"] == ""


def test_institution_names_take_their_article(plan_copy):
    change_rows(
        plan_copy,
        "plan",
        lambda row: True,
        institucion="Autoridad Nacional del Agua",
        unidad_planificacion="Departamento de Planificación",
    )
    values = Presentation(load_plan(plan_copy)).values
    assert values["de_institucion"] == "de la Autoridad Nacional del Agua"
    assert values["unidad_planificacion"] == "el Departamento de Planificación"
    assert spanish.definite("Secretaría de Bienestar Social") == "la Secretaría de Bienestar Social"
    assert spanish.of_definite("Instituto Nacional de Estadística") == "del Instituto Nacional de Estadística"
    assert spanish.of_definite("Dirección General de Caminos") == "de la Dirección General de Caminos"
    assert spanish.definite("Programa Nacional de Resarcimiento") == "el Programa Nacional de Resarcimiento"


def test_allocation_sentence_for_any_period():
    sentence = Presentation._allocation_sentence
    assert sentence(pd.Series({2026: 100e6, 2027: 90e6})) == (
        "El total anual de metas financieras pasa de Q100.0 millones a Q90.0 millones, "
        f"una disminución de 10.0{NBSP}% en un año."
    )
    assert sentence(pd.Series({2031: 100e6, 2033: 100e6})) == (
        "El total anual de metas financieras es el mismo en 2031 y en 2033: Q100.0 millones."
    )
    assert sentence(pd.Series({2026: 100e6})) == ""


def test_largest_program_when_the_leader_changes(plan_copy):
    change_rows(
        plan_copy,
        "metas_productos",
        lambda r: (r["producto_id"], r["anio"]) == ("PRD03", "2029"),
        meta_financiera="700000000",
    )
    sentence = largest_program_sentence(load_plan(plan_copy))
    assert sentence.startswith(
        "El programa de mayores metas financieras cambia de un año a otro: "
        "«Servicios Consulares y de Atención al Migrante» en 2025"
    )
    assert sentence.endswith("«Servicios de Política Exterior» en 2029.")


def test_a_changed_figure_holds_back_the_commentary_that_cites_it(plan_copy):
    change_rows(plan_copy, "fichas", lambda row: row["ficha_id"] == "FICHA_PRODUCTO", indicador="Otra cobertura")
    chapter = Presentation(load_plan(plan_copy))
    assert [review.block.place for review in chapter.reviews()] == ["rasgos"]
    assert chapter.commentary_markdown("rasgos") == ""


def test_an_edition_without_a_previous_one_says_why_it_has_no_chapter_of_changes(plan):
    with_changes = Presentation(plan, 2026, ["resumen", "presentacion", "cambios"]).values["frase_cambios"]
    assert with_changes == "{doc}`cambios` registra lo que cambió respecto de la edición anterior"
    first = Presentation(plan, 2025, ["resumen", "presentacion", "seguimiento"]).values["frase_cambios"]
    assert "{doc}" not in first and first.startswith("esta edición no tiene una anterior con la cual compararse")


def test_chapters_that_need_an_edition_input_leave_the_book_without_it():
    from pom_lib.publish.edition import edition_chapters

    applicable = {"cambios": True, "red_consular": False, "seguimiento": True}
    assert edition_chapters(applicable, {"plan_anterior": ""}) == {**applicable, "cambios": False}
    assert edition_chapters(applicable, {"plan_anterior": "../data/x"}) == applicable
