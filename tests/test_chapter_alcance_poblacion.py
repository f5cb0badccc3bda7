"""Chapter «Alcance y población objetivo»: places, the population the plan means to serve, the coverage path.

MINEX figures are typed from the document; variants are copies of the real plan with rows
removed or changed, their expected values computed here from the CSV files.
"""

import pytest

from pom_lib.chapters.alcance_poblacion import PopulationScope
from pom_lib.data.plan import load_plan
from tests.support.plan_variants import change_rows, keep_rows, read_rows

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def chapter(plan):
    return PopulationScope(plan)


def without_optional_figures(folder):
    keep_rows(folder, "cifras_clave", lambda row: row["rol"] == "poblacion_objetivo")


def test_where_the_target_population_is(chapter):
    values = chapter.values
    assert values["poblacion_objetivo"] == "3,437,340"
    assert values["frase_lugares"] == (
        "Más de la mitad de la población objetivo está en un solo lugar: «Estados Unidos de América» reúne "
        f"3,253,747 personas, el 94.7{NBSP}% del total; los demás lugares juntos suman el 5.3{NBSP}%."
    )
    # 3,253,747 / 47,479 (Canadá, the smallest place; «Resto del mundo» groups the rest) = 68.5
    assert values["frase_magnitud"] == (
        "La población objetivo de «Estados Unidos de América» es 69 veces la de «Canadá», el lugar que menos reúne."
    )
    assert values["frase_red"].startswith("El capítulo {doc}`red_consular` sitúa frente a esta población")


def test_population_table_has_every_place_and_the_total(chapter):
    table = chapter.population_table()
    assert table.header == ["Lugar", "Personas", "Participación"]
    assert table.rows[0] == ["Estados Unidos de América", "3,253,747", f"94.7{NBSP}%"]
    assert table.rows[-1] == ["Total", "3,437,340", f"100.0{NBSP}%"]
    assert "sección 3, «Apertura de consulados y embajadas»" in table.source


def test_eligible_population_and_women_of_the_real_plan(chapter):
    values = chapter.values
    assert values["frase_elegible"] == (
        "El plan no se propone atender a toda la población objetivo: para 2029 estima una población elegible de "
        f"1,619,247 personas, el 47.1{NBSP}% de la población objetivo. De ellas prevé que el 39{NBSP}% sean "
        "mujeres: 631,506 personas, según el propio documento. Ese porcentaje se refiere a la población elegible, "
        f"no a la población objetivo: las mujeres a atender equivalen al 18.4{NBSP}% de la población objetivo."
    )
    assert values["sin_cubrir"] == "1,818,093"


def test_coverage_path_of_the_main_indicator(chapter):
    values = chapter.values
    assert values["frase_terminos"] == "las metas físicas de tres subproductos"
    assert values["frase_cobertura"] == (
        f"La cobertura parte de 36.1{NBSP}% en 2024 y llega a 47.1{NBSP}% en 2029: una ganancia de 11.0 puntos "
        "porcentuales y 378,187 personas más que en la línea de base."
    )
    assert values["frase_crecimiento"] == (
        f"Entre la línea de base y el primer año del plan, la meta del indicador aumenta 7.3{NBSP}%; a partir de "
        f"ahí, las metas crecen a un ritmo constante de 5.0{NBSP}% anual, señal de que se proyectaron aplicando "
        "una misma tasa año tras año."
    )
    assert values["frase_sin_cubrir"].startswith("Y aun cumpliendo la meta, 1,818,093 personas")
    table = chapter.coverage_table()
    assert table.rows[0] == ["2024 (línea de base)", "1,241,060", "—", "—", f"36.1{NBSP}%"]
    assert table.rows[1] == ["2025", "1,332,155", "91,095", f"+7.3{NBSP}%", f"38.8{NBSP}%"]
    assert table.header[1] == "Meta (personas)"


def test_uneven_goals_are_not_called_a_constant_rate(plan_copy):
    change_rows(
        plan_copy,
        "fichas_metas",
        lambda r: (r["ficha_id"], r["anio"]) == ("FICHA_PRODUCTO", "2027"),
        meta_absoluta="1500000",
        meta_relativa="43.6",
    )
    sentence = PopulationScope(load_plan(plan_copy)).values["frase_crecimiento"]
    # 1,398,764 → 1,500,000 is +7.2 %; 1,500,000 → 1,542,139 is +2.8 %
    assert sentence.endswith(f"después, la variación anual de las metas va de +2.8{NBSP}% a +7.2{NBSP}%.")


def test_without_eligible_population_or_women(plan_copy):
    without_optional_figures(plan_copy)
    values = PopulationScope(load_plan(plan_copy)).values
    assert values["frase_elegible"].startswith("El plan no da una población elegible ni cifras por sexo")
    assert not {"elegible", "mujeres", "mujeres_pct"} & set(values)


def test_eligible_population_without_women(plan_copy):
    keep_rows(plan_copy, "cifras_clave", lambda row: row["rol"] not in ("mujeres", "porcentaje_mujeres"))
    sentence = PopulationScope(load_plan(plan_copy)).values["frase_elegible"]
    assert sentence.endswith(f"1,619,247 personas, el 47.1{NBSP}% de la población objetivo.")
    assert "mujeres" not in sentence


def test_women_share_without_eligible_population(plan_copy):
    keep_rows(plan_copy, "cifras_clave", lambda row: row["rol"] in ("poblacion_objetivo", "porcentaje_mujeres"))
    sentence = PopulationScope(load_plan(plan_copy)).values["frase_elegible"]
    assert sentence == f"El plan prevé que el 39{NBSP}% de las personas que atienda en 2029 sean mujeres."


def test_places_without_a_rest_row_and_without_a_majority(plan_copy):
    keep_rows(plan_copy, "poblacion_objetivo", lambda row: row["rol"] == "lugar")
    change_rows(plan_copy, "poblacion_objetivo", lambda row: row["region_id"] == "estados_unidos", personas="50000")
    rows = read_rows(plan_copy, "poblacion_objetivo")
    total = sum(int(r["personas"]) for r in rows)
    values = PopulationScope(load_plan(plan_copy)).values
    largest = max(rows, key=lambda r: int(r["personas"]))
    share = 100 * int(largest["personas"]) / total
    assert values["frase_lugares"] == (
        f"«{largest['region']}» reúne {int(largest['personas']):,} personas, el "
        f"{share:.1f}{NBSP}% del total; los demás lugares juntos suman el "
        f"{100 - share:.1f}{NBSP}%."
    )


def test_one_place_holds_it_all(plan_copy):
    keep_rows(plan_copy, "poblacion_objetivo", lambda row: row["region_id"] == "estados_unidos")
    values = PopulationScope(load_plan(plan_copy)).values
    assert values["frase_lugares"] == "Toda la población objetivo está en «Estados Unidos de América»."
    assert values["frase_magnitud"] == ""


def test_no_network_chapter_no_reference_to_it(plan_copy):
    keep_rows(plan_copy, "expansion_red", lambda row: False)
    assert PopulationScope(load_plan(plan_copy)).values["frase_red"] == ""


def test_a_changed_figure_holds_back_the_commentary_that_cites_it(plan_copy):
    change_rows(plan_copy, "cifras_clave", lambda row: row["rol"] == "mujeres", valor="631000")
    chapter = PopulationScope(load_plan(plan_copy))
    assert [review.block.place for review in chapter.reviews()] == ["elegible"]
    assert chapter.commentary_markdown("elegible") == ""
    assert chapter.commentary_markdown("lugares").startswith("La población objetivo está muy concentrada")
