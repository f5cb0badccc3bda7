"""Chapter «Fichas de indicadores»: any number of fiches, found by level, and the formula model of the data."""

import pytest

from pom_lib.chapters.fichas_indicadores import IndicatorFiches
from pom_lib.data.plan import load_plan
from tests.support.paths import PLAN_DIR
from tests.support.plan_variants import change_rows, drop_fiche, read_rows, write_rows

NBSP = "\u00a0"


def largest_relative_gap(folder) -> float:
    """The largest gap between a published relative value and absolute / target population × 100."""
    population = next(float(r["valor"]) for r in read_rows(folder, "cifras_clave") if r["rol"] == "poblacion_objetivo")
    published = [(float(r["meta_absoluta"]), float(r["meta_relativa"])) for r in read_rows(folder, "fichas_metas")]
    published += [
        (float(r["linea_base_absoluta"]), float(r["linea_base_relativa"])) for r in read_rows(folder, "fichas")
    ]
    return max(abs(100 * absolute / population - relative) for absolute, relative in published)


@pytest.fixture(scope="module")
def chapter(plan):
    return IndicatorFiches(plan)


def test_fiches_formula_and_agreement_of_the_plan(chapter):
    values = chapter.values
    terms = [r for r in read_rows(PLAN_DIR, "fichas_formula") if r["ficha_id"] == "FICHA_PRODUCTO"]
    assert values["frase_fichas"] == "dos fichas de indicadores: una para los productos y otra para los subproductos"
    assert values["n_terminos"] == str(len(terms)) and values["frase_terminos"] == "tres subproductos"
    assert values["poblacion_objetivo"] == "3,437,340"
    gap = f"{largest_relative_gap(PLAN_DIR):.2f}"
    assert values["diferencia_maxima"] == gap
    assert values["frase_coincidencia"] == (
        "Recalculado así, el dato absoluto coincide exactamente con el publicado en cada año de cada ficha, y el dato "
        f"relativo difiere como máximo en {gap} puntos porcentuales, menos que el redondeo a un decimal del documento "
        "(tolerancia de 0.05 puntos)."
    )
    assert values["frase_fichas_iguales"] == (
        "Las dos fichas publican exactamente las mismas cifras, de la línea de base a la última meta."
    )
    assert values["indicador_principal"].startswith("Cobertura de los servicios consulares") and not values[
        "indicador_principal"
    ].endswith(".")


def test_each_fiche_is_quoted_with_its_section(chapter):
    text = chapter.fiche_markdown("FICHA_PRODUCTO")
    assert "- PRD01: Población guatemalteca que recibe servicios" in text
    assert "> (Guatemaltecos apoyados con asistencia y atención consular+" in text
    assert "sección 6, «Ficha de seguimiento multianual de producto»" in text
    tables = [chapter.fiche_table(position) for position in range(2)]
    assert [t.name for t in tables] == ["tabla-ficha-producto", "tabla-ficha-subproductos"]
    assert "sección 7" in tables[1].source


def test_a_plan_with_one_fiche(plan_copy):
    drop_fiche(plan_copy, "FICHA_SUBPRODUCTO")
    values = IndicatorFiches(load_plan(plan_copy)).values
    assert values["frase_fichas"] == "una ficha de indicadores, para los productos"
    assert values["frase_fichas_iguales"] == ""
    assert "en cada año de la ficha" in values["frase_coincidencia"]
    assert values["frase_ejecucion"].startswith("La ficha no trae todavía datos de ejecución")


def test_fiches_are_found_by_level_in_any_order_and_number(plan_copy):
    fiches = read_rows(plan_copy, "fichas")
    extra = fiches[0] | {"ficha_id": "OTRA_FICHA", "indicador": "Otro indicador de productos"}
    write_rows(plan_copy, "fichas", [fiches[1], extra, fiches[0]])
    for table in ("fichas_formula", "fichas_metas"):
        rows = read_rows(plan_copy, table)
        write_rows(
            plan_copy, table, rows + [r | {"ficha_id": "OTRA_FICHA"} for r in rows if r["ficha_id"] == "FICHA_PRODUCTO"]
        )
    chapter = IndicatorFiches(load_plan(plan_copy))
    assert chapter.values["frase_fichas"] == (
        "tres fichas de indicadores: una para los subproductos y dos para los productos"
    )
    # The main indicator is the first product-level fiche in file order.
    assert chapter.plan.main_fiche == "OTRA_FICHA"
    assert chapter.values["indicador_principal"] == "Otro indicador de productos"
    assert [chapter.fiche_table(p).name for p in range(3)] == [
        "tabla-ficha-subproductos",
        "tabla-ficha-producto",
        "tabla-ficha-producto-2",
    ]
    assert chapter.fiche_table(1).caption == (
        "Ficha de producto «Otro indicador de productos»: metas publicadas y recalculadas"
    )
    assert chapter.fiche_table(0).caption == "Ficha de subproductos: metas publicadas y recalculadas"
    assert chapter.values["frase_fichas_iguales"].startswith("Las tres fichas publican exactamente las mismas cifras")


def test_published_values_that_the_formula_does_not_reproduce(plan_copy):
    change_rows(
        plan_copy,
        "fichas_metas",
        lambda row: (row["ficha_id"], row["anio"]) == ("FICHA_PRODUCTO", "2027"),
        meta_absoluta="1500000",
        meta_relativa="43.6",
    )
    values = IndicatorFiches(load_plan(plan_copy)).values
    assert "el dato absoluto difiere del publicado en 1 meta de 10, hasta en 31,297" in values["frase_coincidencia"]
    assert (
        "supera la tolerancia de 0.05 puntos, la del redondeo a un decimal, en 1 valor de 12"
        in values["frase_coincidencia"]
    )
    assert (
        values["frase_fichas_iguales"]
        == "Las fichas publican cifras distintas; la tabla de cada una muestra sus valores."
    )


def test_execution_values_agree_in_number(plan_copy):
    change_rows(
        plan_copy,
        "fichas_metas",
        lambda row: (row["ficha_id"], row["anio"]) == ("FICHA_SUBPRODUCTO", "2025"),
        ejecucion="1300000",
    )
    assert IndicatorFiches(load_plan(plan_copy)).values["frase_ejecucion"] == "Las fichas traen 1 valor de ejecución."
    change_rows(
        plan_copy,
        "fichas_metas",
        lambda row: (row["ficha_id"], row["anio"]) == ("FICHA_PRODUCTO", "2025"),
        ejecucion="1300000",
    )
    assert IndicatorFiches(load_plan(plan_copy)).values["frase_ejecucion"] == "Las fichas traen 2 valores de ejecución."


def test_the_formula_reading_is_held_back_when_the_population_changes(chapter, plan_copy):
    assert "paréntesis sin cerrar" in chapter.commentary_markdown("formula")
    assert "3,437,340" in chapter.commentary_markdown("formula")
    change_rows(plan_copy, "cifras_clave", lambda row: row["rol"] == "poblacion_objetivo", valor="3437000")
    changed = IndicatorFiches(load_plan(plan_copy))
    assert changed.commentary_markdown("formula") == ""
    assert "formula" in {review.block.place for review in changed.reviews()}
