"""Chapter «Marco estratégico institucional»: every sentence holds for the plan it describes.

MINEX figures are typed from the document; the variants are copies of the real plan with rows
removed, and their expected values are counted here from the CSV files.
"""

import pytest

from pom_lib.chapters.marco_estrategico import StrategicFramework
from pom_lib.data.plan import load_plan
from tests.support.paths import PLAN_DIR
from tests.support.plan_variants import change_rows, keep_rows, read_rows

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def chapter(plan):
    return StrategicFramework(plan)


def test_statements_and_indicator_of_the_real_plan(chapter):
    values = chapter.values
    assert values["institucion"] == "el Ministerio de Relaciones Exteriores"
    assert values["frase_objetivos"] == (
        "El documento enuncia un objetivo estratégico, un objetivo institucional y cuatro objetivos operativos."
    )
    assert values["frase_resultado"] == "El documento enuncia un solo resultado institucional, de nivel intermedio."
    assert values["frase_indicador"] == (
        "El indicador principal del plan, «Cobertura de los servicios consulares y migratorios para la población "
        f"guatemalteca en el exterior e interior del país», parte de 36.1{NBSP}% en 2024 (línea de base) y tiene "
        f"como meta 47.1{NBSP}% en 2029."
    )


def test_the_programs_the_indicators_measure(chapter):
    # The formula adds SUB02, SUB03 (PRD01) and SUB04 (PRD02): both products of the consular program.
    goals = read_rows(PLAN_DIR, "metas_productos")
    consular = sum(float(r["meta_financiera"]) for r in goals if r["producto_id"] in ("PRD01", "PRD02"))
    total = sum(float(r["meta_financiera"]) for r in read_rows(PLAN_DIR, "totales_anuales"))
    share = 100 * consular / total
    assert chapter.values["frase_programas_indicador"] == (
        "Los subproductos que suman los indicadores del plan pertenecen al programa «Servicios Consulares y de "
        f"Atención al Migrante», que recibe {share:.1f}{NBSP}% de las metas financieras del período; el "
        f"{100 - share:.1f}{NBSP}% restante no se mide con ningún indicador del plan."
    )
    assert chapter.values["peso_documento"] == f"{share:.1f}{NBSP}%" == f"44.6{NBSP}%"


def test_links_to_objectives_and_what_stands_out(chapter):
    values = chapter.values
    assert values["frase_vinculos"].startswith(
        "El documento establece un vínculo explícito entre un objetivo "
        "operativo y un programa. Los otros tres vínculos de la "
        "{numref}`tabla-objetivos-programas` son una lectura del equipo"
    )
    assert (values["objetivo_documento"], values["programa_documento"]) == (
        "Objetivo Operativo 2",
        "Servicios Consulares y de Atención al Migrante",
    )
    assert chapter.links_table() is not None
    features = chapter.link_features_markdown()
    assert features.startswith("Tres rasgos de la tabla merecen atención:")
    assert (
        f"esa parte pesa 18.8{NBSP}% del programa en el período. Ese peso oscila entre 1.7{NBSP}% y "
        f"48.9{NBSP}% según el año (el máximo, en 2027)"
    ) in features
    assert f"**El presupuesto sin objetivo operativo.** 37.5{NBSP}% de las metas" in features
    assert (
        "«Objetivo Operativo 1» se vincula con el programa «Actividades Centrales», que el documento no nombra"
        in features
    )


def test_a_plan_without_links_says_so_and_shows_no_table(plan_copy):
    keep_rows(plan_copy, "objetivos_programas", lambda row: False)
    chapter = StrategicFramework(load_plan(plan_copy))
    assert chapter.values["frase_vinculos"].startswith("Los datos del plan no vinculan sus objetivos operativos")
    assert chapter.links_table() is None
    assert chapter.link_features_markdown() == ""
    assert "programa_documento" not in chapter.values
    # The team's reading of the linked program cannot be published against figures that no longer exist.
    held = {review.block.place for review in chapter.reviews()}
    assert {"objetivos", "resultado", "vinculacion", "vinculos", "rasgos"} <= held
    assert chapter.commentary_markdown("vinculos") == ""
    assert chapter.commentary_markdown("mandato").startswith("El mandato reúne tres tipos de función")


def test_statements_the_document_lacks(plan_copy):
    keep_rows(
        plan_copy,
        "marco_estrategico",
        lambda row: row["tipo"] not in ("objetivo_operativo", "resultado_institucional", "nivel_resultado"),
    )
    keep_rows(plan_copy, "objetivos_programas", lambda row: False)  # no objectives, no links to them
    values = StrategicFramework(load_plan(plan_copy)).values
    assert values["frase_objetivos"] == (
        "El documento enuncia un objetivo estratégico y un objetivo institucional. No enuncia objetivos operativos."
    )
    assert values["frase_resultado"] == "El documento no enuncia un resultado institucional."
    assert values["frase_vinculos"].startswith("Como el documento no enuncia objetivos operativos")


def test_counts_agree_with_one_and_many(plan_copy):
    keep_rows(
        plan_copy, "marco_estrategico", lambda row: not (row["tipo"] == "objetivo_operativo" and row["orden"] != "2")
    )
    keep_rows(plan_copy, "objetivos_programas", lambda row: row["objetivo_orden"] in ("2", "3"))
    change_rows(
        plan_copy,
        "objetivos_programas",
        lambda row: row["objetivo_orden"] == "3",
        objetivo_orden="2",
        programa_id="limites",
        subproductos="",  # the subproducts of another program cannot stay in its row
        alcance="",
    )
    values = StrategicFramework(load_plan(plan_copy)).values
    assert values["frase_objetivos"].endswith("y un objetivo operativo.")
    assert "El otro vínculo de la {numref}`tabla-objetivos-programas` es una lectura" in values["frase_vinculos"]


def test_a_changed_figure_holds_back_the_commentary_that_cites_it(plan_copy):
    lines = read_rows(plan_copy, "marco_estrategico")
    keep_rows(plan_copy, "marco_estrategico", lambda row: not (row["tipo"] == "linea_pgg" and row["orden"] == "4"))
    chapter = StrategicFramework(load_plan(plan_copy))
    assert chapter.values["n_lineas_pgg"] == str(sum(r["tipo"] == "linea_pgg" for r in lines) - 1) == "3"
    assert [review.block.place for review in chapter.reviews()] == ["vinculacion"]
    assert chapter.commentary_markdown("vinculacion") == ""
    assert "núcleo del objetivo estratégico" in chapter.commentary_markdown("objetivos")
