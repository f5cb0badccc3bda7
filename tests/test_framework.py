"""Quoted statements, actions and program links: the document's words, exactly, with their source.

The expected statements are typed here by hand from the plan document, not read back from data/.
"""

import re

import pandas as pd
import pytest

from pom_lib.compute import strategic_framework
from pom_lib.data.plan import load_plan
from pom_lib.present import strategic_framework as framework_text
from tests.support.plan_variants import end_in

SOURCE = "Ministerio de Relaciones Exteriores, Plan Operativo Multianual 2025-2029 (Guatemala, marzo 2025)"


def quoted_lines(markdown: str) -> list[str]:
    """The text of each blockquote line, list markers and Markdown escapes removed."""
    lines = [line[2:] for line in markdown.splitlines() if line.startswith("> ")]
    return [re.sub(r"\\(.)", r"\1", re.sub(r"^- ", "", line)) for line in lines]


def test_objectives_are_quoted_exactly_with_their_section(plan):
    markdown = framework_text.statements_markdown(plan, strategic_framework.OBJECTIVE_KINDS)
    quotes = quoted_lines(markdown)
    assert len(quotes) == 6
    assert quotes[0].startswith("Ejecutar efectivamente la Política Exterior del Estado de Guatemala, a través de")
    assert quotes[1] == (
        "Posicionar la Política Exterior del Estado de Guatemala, mediante la gestión institucional "
        "del Ministerio de Relaciones Exteriores."
    )
    assert quotes[3] == (
        "Ampliar la cobertura de los servicios de documentación, asistencia, atención y protección "
        "consular para los guatemaltecos en el exterior y en Guatemala, con el fin de que se "
        "garantice el respeto de sus derechos y el goce de sus libertades."
    )
    assert quotes[5] == (
        "Conservar y demarcar los límites internacionales del territorio nacional, sobre los cuales "
        "Guatemala ejerce plena soberanía y dominio."
    )
    assert "**Objetivo Operativo 4**" in markdown
    assert markdown.rstrip().endswith(f"*Fuente: {SOURCE}, sección 1, «Marco estratégico institucional».*")


def test_mandate_and_linkage_quotes(plan):
    mandate = framework_text.statements_markdown(plan, ["mandato"])
    assert quoted_lines(mandate)[0].startswith("responsable de la formulación de las políticas y la aplicación")
    assert "Decreto 114-97" in mandate and "«Presentación»" in mandate
    linkage = quoted_lines(framework_text.statements_markdown(plan, strategic_framework.LINKAGE_KINDS))
    assert linkage[:4] == [
        "Fortalecimiento Institucional, seguridad y justicia",
        "Meta 16.6: Crear instituciones eficaces, responsables y transparentes a todos los niveles",
        "N/A",
        "Una ciudadanía sin fronteras",
    ]
    assert linkage[6] == "Ampliar los servicios que la representación del Estado en el exterior, brinda."
    assert len(linkage) == 8


def test_result_quote_keeps_the_document_figure(plan):
    result = quoted_lines(framework_text.statements_markdown(plan, strategic_framework.RESULT_KINDS))
    assert result == [
        "Para el 2029 se ha incrementado a 47.1 % la cobertura de los servicios consulares y "
        "migratorios para la población guatemalteca en el exterior e interior del país.",
        "Intermedio",
    ]


def test_expansion_statements_by_scope(plan):
    consular = quoted_lines(framework_text.expansion_markdown(plan, "consular"))
    diplomatic = quoted_lines(framework_text.expansion_markdown(plan, "diplomatica"))
    assert len(consular) == 3 and len(diplomatic) == 3
    assert consular[0].startswith(
        "Durante el período 2025-2029 se fortalecerá la red consular por medio de la "
        "habilitación de nuevos Centros de Impresión de Pasaportes -CIP-"
    )
    assert diplomatic[0].startswith(
        "En cuanto a la presencia y representación de Guatemala en el exterior se "
        "considera el establecimiento de nuevas embajadas"
    )
    assert "sección 3, «Apertura de consulados y embajadas»" in framework_text.expansion_markdown(plan, "consular")


def test_actions_are_listed_by_group_in_document_order(plan):
    markdown = framework_text.actions_markdown(plan, "politica_exterior")
    actions = quoted_lines(markdown)
    assert len(actions) == 26
    assert (
        actions[8]
        == "Apertura de Misiones Diplomáticas, permitiendo ampliar la presencia de Guatemala en nuevas regiones."
    )
    assert actions[-1] == (
        "Crear alianzas estratégicas con el sector privado organizado para la difusión de la "
        "cultura milenaria nacional en el exterior."
    )
    groups = [g for g in re.findall(r"^\*([^*]+)\*$", markdown, flags=re.M) if not g.startswith("Fuente")]
    assert groups == [
        "Acciones estratégicas de política exterior",
        "Integración económica, inversión, turismo y comercio exterior",
        "Intercambio académico y cultural",
    ]
    borders = quoted_lines(framework_text.actions_markdown(plan, "limites"))
    assert borders[-1].startswith("Apertura y conservación de las brechas fronterizas")
    assert "no enumera acciones" in framework_text.actions_markdown(plan, "actividades_centrales")


def test_section_reference():
    assert (
        framework_text.section_reference("3.1 Cobertura de los servicios")
        == "sección 3.1, «Cobertura de los servicios»"
    )
    assert framework_text.section_reference("Presentación") == "«Presentación»"


def test_program_summary_counts_actions_products_and_shares(plan):
    summary = strategic_framework.program_summary(plan).set_index("programa_id")
    assert summary["acciones"].to_dict() == {
        "servicios_consulares": 7,
        "politica_exterior": 26,
        "limites": 6,
        "actividades_centrales": 0,
        "partidas_no_asignables": 0,
    }
    assert summary["productos"].sum() == 14
    assert summary.loc["servicios_consulares", "meta_financiera_2025"] == 401_812_176 + 14_931_906
    assert summary.loc["servicios_consulares", "participacion_2025"] == pytest.approx(100 * 416_744_082 / 980e6)
    assert summary.loc["politica_exterior", "grupos"] == 3


def test_each_program_lists_its_products_with_first_and_last_year_goals(plan):
    table = framework_text.program_products_table(plan, "servicios_consulares")
    assert table["Código"].tolist() == ["PRD01", "PRD02"]
    assert table.loc[0, ["2025", "2029"]].tolist() == ["Q401,812,176", "Q598,226,516"]
    limits = strategic_framework.program_products(plan, "limites")
    assert limits["producto_id"].tolist() == ["PRD06", "PRD07"]
    # PRD06 and PRD07 over 2025-2029: 41,836,345 and 75,716,465.
    assert limits["participacion_programa"].tolist() == pytest.approx(
        [100 * 41_836_345 / 117_552_810, 100 * 75_716_465 / 117_552_810]
    )
    central = strategic_framework.program_products(plan, "actividades_centrales")
    assert central["producto_id"].tolist() == ["PRD08", "PRD09", "PRD10", "PRD11", "PRD12", "PRD14"]
    assert pd.isna(central.set_index("producto_id").loc["PRD14", "variacion_pct"])  # Q0 in 2025


def test_a_one_year_plan_lists_each_programs_products_with_its_only_year(plan_copy):
    end_in(plan_copy, 2025)
    table = framework_text.program_products_table(load_plan(plan_copy), "servicios_consulares")
    assert table.columns.tolist() == ["Código", "Producto", "2025", "Peso"]
    # PRD01 and PRD02 in 2025: Q401,812,176 and Q14,931,906 of Q416,744,082.
    assert table["2025"].tolist() == ["Q401,812,176", "Q14,931,906"]
    assert table["Peso"].tolist() == ["96.4\u00a0%", "3.6\u00a0%"]


def test_objective_links_cover_the_whole_budget_and_mark_their_basis(plan):
    links = strategic_framework.objective_links(plan)
    assert links["vinculo"].tolist() == [
        strategic_framework.READING,
        strategic_framework.DOCUMENT,
        strategic_framework.READING,
        strategic_framework.READING,
        "",
    ]
    assert links[2025].sum() == 980_000_000 and links[2029].sum() == 1_350_000_000
    assert links.iloc[2][2025] == 1_085_374 + 2_531_218 + 1_743_855 + 1_462_728  # SUB07, SUB12, SUB14, SUB15
    # The consular program's link (PRD01 and PRD02 whole): 2,619,167,346 of the period's 5,870,000,000.
    assert links.iloc[1]["participacion_periodo"] == pytest.approx(100 * 2_619_167_346 / 5_870e6)
    unlinked = strategic_framework.unlinked_products(plan)
    assert unlinked["producto_id"].tolist() == ["PRD03", "PRD04", "PRD05", "PRD13"]
    # PRD03, PRD04, PRD05 and PRD13 over the period (2,571,227,691) less the subproducts linked by
    # reading, SUB07, SUB12, SUB14 and SUB15 (369,219,802).
    assert unlinked["periodo"].sum() == 2_202_007_889


def test_links_to_missing_programs_are_dropped(plan):
    links = [
        strategic_framework.ObjectiveLink(1, "no_existe", strategic_framework.READING),
        strategic_framework.ObjectiveLink(9, "limites", strategic_framework.READING),
    ]
    table = strategic_framework.objective_links(plan, links)
    assert table["objetivo"].tolist() == [strategic_framework.UNLINKED]
    assert table["participacion_periodo"].iloc[0] == pytest.approx(100)


def test_population_concentration(plan):
    concentration = strategic_framework.population_concentration(plan)
    assert concentration["region"] == "Estados Unidos de América"
    assert concentration["participacion"] == pytest.approx(100 * 3_253_747 / 3_437_340)
    assert concentration["otros_nombrados"] == ["Estados Unidos Mexicanos", "Canadá"]
    assert concentration["resto"] == "Resto del mundo"
    assert concentration["participacion_resto"] == pytest.approx(100 * 76_178 / 3_437_340)


def test_population_concentration_never_names_the_rest_row_as_a_place(plan_copy):
    path = plan_copy / "poblacion_objetivo.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("resto,76178", "resto,9000000"), encoding="utf-8")
    concentration = strategic_framework.population_concentration(load_plan(plan_copy))
    assert concentration["region"] == "Estados Unidos de América"
    assert concentration["participacion_resto"] == pytest.approx(100 * 9_000_000 / (3_437_340 - 76_178 + 9_000_000))


def test_indicator_programs_and_the_documented_link(plan, plan_copy):
    # The formula adds SUB02, SUB03 and SUB04, all produced by the consular program (PRD01, PRD02).
    assert strategic_framework.indicator_programs(plan) == ["servicios_consulares"]
    link = strategic_framework.indicator_link(plan)
    assert (link.objective, link.program_id, link.basis) == (2, "servicios_consulares", strategic_framework.DOCUMENT)
    path = plan_copy / "objetivos_programas.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("servicios_consulares,documento", "servicios_consulares,lectura"),
        encoding="utf-8",
    )
    assert strategic_framework.indicator_link(load_plan(plan_copy)) is None


def test_program_summary_table(plan):
    table = framework_text.program_summary_table(plan).set_index("Programa")
    consular = table.loc["Servicios Consulares y de Atención al Migrante"]
    assert consular[["Acciones", "Productos", "2025", "2029"]].tolist() == ["7", "2", "Q416,744,082", "Q612,856,745"]
