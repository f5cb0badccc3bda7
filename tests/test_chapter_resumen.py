"""Chapter «Resumen ejecutivo» (pom_lib.chapters.resumen): the main points, the chart that opens the book, the
key figures, the other findings and, with an execution file, the findings of the execution.

MINEX figures are typed from the document's matrix: Q5,870,000,000 in 2025-2029 (totales_anuales.csv, from
Q980,000,000 to Q1,350,000,000: +37.8 %), 5 programs, 14 products and 28 subproducts, a target population of
3,437,340 (cifras_clave.csv), the indicator's 2029 goal of 47.1 % (fichas_metas.csv) and six statements of
network growth (expansion_red.csv). Execution figures are those of tests/fixtures/README.md.
"""

import pytest

from pom_lib.chapters.resumen import Resumen, edition_findings
from pom_lib.compute import findings
from pom_lib.present import findings as words
from pom_lib.publish.edition import chapter_stems
from tests.support.paths import EXECUTION_CSV, ROOT

NBSP = "\u00a0"
STEMS = chapter_stems(ROOT / "notebooks" / "_toc.yml")


@pytest.fixture(scope="module")
def chapter(plan):
    return Resumen(plan, 2025)


def _plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_the_title_and_the_rule_that_picks_the_main_points(chapter):
    assert chapter.values == {
        "titulo": "Plan Operativo Multianual 2025-2029",
        "regla": "Los puntos principales son los hallazgos que alcanzan la mayor parte de las metas financieras "
        "del período o de la población objetivo, de mayor a menor alcance.",
    }


def test_the_main_points_open_with_the_plan_s_size_then_each_finding_that_weighs(chapter):
    lines = _plain(chapter.main_points_markdown(STEMS)).splitlines()
    assert lines[0] == (
        "1. El plan programa **Q5,870.0 millones** en metas financieras para 2025-2029; el total anual sube de "
        "Q980.0 millones a Q1,350.0 millones (+37.8 %)."
    )
    # The network statements weigh no money and no people: a finding, not a main point.
    assert [line.split("</span>")[0] for line in lines[1:]] == [
        '2. <span id="punto-dinero-sin-indicador">',
        '3. <span id="punto-poblacion-fuera-de-la-meta">',
        '4. <span id="punto-costo-crece-mas-que-metas">',
        '5. <span id="punto-reasignacion-de-ida-y-vuelta">',
    ]
    assert lines[1].endswith(
        "**55.4 %** de las metas financieras del período (Q3,250.8 millones) no se mide con ningún indicador del "
        "plan. ({doc}`marco_estrategico`)"
    )


def test_a_main_point_links_only_to_a_chapter_the_edition_has(chapter):
    lines = chapter.main_points_markdown(["resumen", "proyecciones"]).splitlines()
    assert [line.endswith("({doc}`proyecciones`)") for line in lines] == [False, False, False, True, True]
    assert "{doc}" not in chapter.main_points_markdown(["resumen"])


def test_the_book_opens_with_the_chart_of_the_first_main_point(chapter):
    assert chapter.headline.key == "dinero_sin_indicador"
    figure = chapter.headline_figure()
    assert figure.name == "figura-principal"
    assert figure.caption == "Metas financieras medidas y no medidas por un indicador del plan, por año"


def test_the_other_findings_follow_with_their_charts_and_the_rest_in_words(chapter, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    chapter.show_findings(STEMS)
    assert [getattr(item, "name", None) for item in shown] == [
        "figura-poblacion-fuera-de-la-meta",
        "figura-costo-crece-mas-que-metas",
        "figura-reasignacion-de-ida-y-vuelta",
        None,
    ]
    assert shown[-1].data == (
        '<span id="punto-compromisos-sin-meta"></span>El plan anuncia la ampliación de su red en **seis '
        "enunciados**, pero sus datos no vinculan ninguno con una meta física ni financiera de la matriz. "
        "({doc}`red_consular`)"
    )


def test_the_cards_are_the_plan_s_headline_figures(chapter):
    cards = chapter.cards()
    assert [(_plain(value), label) for value, label in cards.figures] == [
        ("Q5,870.0 millones", "Metas financieras del período 2025-2029"),
        ("+37.8 %", "Variación del total anual, 2025 a 2029"),
        ("5 · 14 · 28", "Programas · productos · subproductos"),
        ("3,437,340", "Personas de la población objetivo"),
        ("47.1 %", "Meta del indicador del plan en 2029"),
    ]
    assert cards.anchors[0] == "cifra-metas-financieras-periodo"


def test_the_plan_s_other_traits_link_only_to_chapters_the_edition_has(chapter):
    linked = chapter.traits_markdown(STEMS).splitlines()
    assert len(linked) == 5 and all(line.endswith(")") and "{doc}`" in line for line in linked)
    assert "{doc}" not in chapter.traits_markdown(["resumen"])


def test_an_edition_with_execution_adds_its_lagging_products_and_the_projected_shortfall(plan, fictional_plan):
    found = {f.key: f for f in edition_findings(fictional_plan, 2026, plan, EXECUTION_CSV)}
    # Indicator 2025: SUB02 880,000 + SUB03 300,000 + SUB04 25,000 + 27,000 + 28,000 = 1,260,000 of 1,332,155;
    # at that pace the 2029 goal of 1,619,247 would reach 1,619,247 × 1,260,000 / 1,332,155 = 1,531,542.
    assert words.sentence(found["brecha_proyectada"]) == (
        "Al ritmo de ejecución observado, la meta de 2029 del indicador principal (1,619,247 personas) quedaría en "
        f"1,531,542: faltarían **87,705 personas** (5.4{NBSP}% de la meta)."
    )
    # PRD07: 200 of 448 km (45 %), the only product under 70 %; its Q16,590,241 of the Q980,000,000 of 2025.
    assert words.sentence(found["productos_rezagados"]) == (
        "En 2025, **1 de 13 productos** con ejecución informada quedó «Rezagado» en el semáforo de su meta física; "
        f"reúne 1.7{NBSP}% de las metas financieras de ese año."
    )
    # 5.4 % of the final goal: among the main points (the rule's threshold is 5 %).
    assert "brecha_proyectada" in [f.key for f in findings.main_points(list(found.values()))]


def test_the_chapter_of_an_edition_with_execution_states_its_findings(plan, fictional_plan):
    chapter = Resumen(fictional_plan, 2026, plan, EXECUTION_CSV)
    assert [f.key for f in chapter.main_points] == [
        "dinero_sin_indicador",
        "poblacion_fuera_de_la_meta",
        "costo_crece_mas_que_metas",
        "brecha_proyectada",
    ]
    assert "productos_rezagados" in [f.key for f in chapter.findings]


def test_without_execution_no_execution_finding_is_stated(plan):
    keys = {f.key for f in edition_findings(plan, 2025)}
    assert not keys & {"productos_rezagados", "brecha_proyectada"}
