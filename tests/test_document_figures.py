"""Every figure of the plan document, typed here by hand from the document, against data/.

The expected values are the document's own rows (section 5 matrix, sections 2, 3 and 3.1,
fiches of sections 6 and 7), written as the document prints them; nothing is read back
from data/ to build the expectations.
"""

import pytest

from pom_lib.export.matrix import tidy_matrix

# (id, unit, "fís fin  fís fin ..." for 2025-2029) exactly as printed in section 5.
PRODUCTS = [
    (
        "PRD01",
        "Persona",
        "1,252,155 401,812,176 1,314,764 472,075,234 1,380,503 531,169,406 1,449,529 542,469,406 1,522,006 598,226,516",
    ),
    ("PRD02", "Persona", "80,000 14,931,906 84,000 14,592,015 88,200 14,630,229 92,610 14,630,229 97,241 14,630,229"),
    ("PRD03", "Evento", "213 9,111,422 225 8,832,414 237 8,837,309 250 8,837,309 263 8,837,309"),
    ("PRD04", "Evento", "555 15,429,116 584 15,139,846 616 15,144,706 650 15,144,706 685 15,144,706"),
    ("PRD05", "Evento", "8,203 286,898,775 8,594 315,501,636 9,026 347,701,636 9,479 439,732,236 9,955 453,975,126"),
    ("PRD06", "Evento", "96 8,227,461 102 8,678,716 108 8,362,636 114 8,283,766 120 8,283,766"),
    ("PRD07", "Kilómetro", "448 16,590,241 448 15,785,911 448 16,614,591 448 13,362,861 448 13,362,861"),
    ("PRD08", "Documento", "2 20,353,289 2 21,677,846 2 21,721,736 2 21,721,736 2 21,721,736"),
    ("PRD09", "Documento", "1 8,681,666 1 8,518,132 1 8,521,943 1 8,521,943 1 8,521,943"),
    ("PRD10", "Documento", "1 7,218,795 1 7,154,047 1 7,158,989 1 7,158,989 1 7,158,989"),
    ("PRD11", "Documento", "1 74,069,793 1 68,647,106 1 69,895,559 1 69,895,559 1 69,895,559"),
    ("PRD12", "Documento", "1 4,863,360.0 1 4,742,320.0 1 4,743,706.0 1 4,743,706.0 1 4,743,706.0"),
    ("PRD13", "Documento", "1 111,812,000 1 118,654,777 1 125,497,554 1 125,497,554 1 125,497,554"),
    ("PRD14", "Evento", "0 - 0 - 1 - 1 - 0 -"),
]
SUBPRODUCTS = [
    (
        "SUB01",
        "PRD01",
        "Servicios de documentación en el exterior",
        "Documento",
        "1,485,960 360,233,656 1,560,258 417,046,546 1,638,271 462,823,038 1,720,185 467,823,038 1,806,195 516,080,148",
    ),
    (
        "SUB02",
        "PRD01",
        "Guatemaltecos apoyados con asistencia y atención consular",
        "Persona",
        "915,622 21,864,998 961,404 27,754,877 1,009,475 34,260,597 1,059,949 34,260,597 1,112,947 34,260,597",
    ),
    (
        "SUB03",
        "PRD01",
        "Guatemaltecos apoyados con protección consular y orientación migratoria-legal",
        "Persona",
        "336,533 19,713,522 353,360 27,273,811 371,028 34,085,771 389,580 40,385,771 409,059 47,885,771",
    ),
    (
        "SUB04",
        "PRD02",
        "Guatemaltecos con servicios consular-migratorios en oficinas centrales y delegaciones departamentales",
        "Persona",
        "80,000 11,018,453 84,000 10,641,459 88,200 10,665,957 92,610 10,665,957 97,241 10,665,957",
    ),
    (
        "SUB05",
        "PRD02",
        "Gestión y representación en la protección de los intereses guatemaltecos en temas de carácter migratorio",
        "Evento",
        "278 3,913,453 292 3,950,556 307 3,964,272 323 3,964,272 340 3,964,272",
    ),
    (
        "SUB06",
        "PRD03",
        "Coordinación y representación diplomática de carácter bilateral",
        "Evento",
        "166 8,026,048 175 7,770,424 184 7,773,316 194 7,773,316 204 7,773,316",
    ),
    (
        "SUB07",
        "PRD03",
        "Gestiones para la promoción de la política cultural",
        "Evento",
        "47 1,085,374 50 1,061,990 53 1,063,993 56 1,063,993 59 1,063,993",
    ),
    (
        "SUB08",
        "PRD04",
        "Representación en organismos y foros internacionales",
        "Evento",
        "198 5,817,689 208 6,023,867 219 6,024,977 230 6,024,977 242 6,024,977",
    ),
    (
        "SUB09",
        "PRD04",
        "Coordinación y representación ante la cooperación internacional",
        "Evento",
        "37 2,425,260 39 2,431,418 41 2,431,418 44 2,431,418 47 2,431,418",
    ),
    (
        "SUB10",
        "PRD04",
        "Diálogos y negociaciones de carácter multilateral en materia de derechos humanos, pueblos indígenas, cultura, ambiente y derecho internacional",
        "Evento",
        "59 1,989,587 62 1,561,786 66 1,565,086 70 1,565,086 74 1,565,086",
    ),
    (
        "SUB11",
        "PRD04",
        "Coordinación y representación en los diálogos y negociaciones en el marco de la Integración Centroamericana",
        "Evento",
        "181 2,665,362 191 2,543,772 201 2,544,222 212 2,544,222 223 2,544,222",
    ),
    (
        "SUB12",
        "PRD04",
        "Gestión y coordinación de la política económica internacional",
        "Evento",
        "80 2,531,218 84 2,579,003 89 2,579,003 94 2,579,003 99 2,579,003",
    ),
    (
        "SUB13",
        "PRD05",
        "Gestiones político-diplomáticas para el fortalecimiento de las relaciones internacionales en el ámbito bilateral, multilateral y regional",
        "Evento",
        "5,701 274,065,459 5,987 154,906,817 6,287 169,606,817 6,602 435,068,512 6,933 449,311,402",
    ),
    (
        "SUB14",
        "PRD05",
        "Promoción en el exterior de la integración económica, inversión, turismo y comercio exterior",
        "Evento",
        "1,679 1,743,855 1,763 159,740,794 1,852 177,240,794 1,945 3,316,114 2,043 3,316,114",
    ),
    (
        "SUB15",
        "PRD05",
        "Promoción del intercambio académico y cultural",
        "Evento",
        "801 1,462,728 842 806,415 885 806,415 930 1,300,000 977 1,300,000",
    ),
    (
        "SUB16",
        "PRD05",
        "Gestiones político-diplomáticas en el marco de la soberanía y dominio del Estado de Guatemala",
        "Evento",
        "22 9,626,733 2 47,610 2 47,610 2 47,610 2 47,610",
    ),
    (
        "SUB17",
        "PRD06",
        "Inspección y supervisión de las fronteras terrestre, fluvial y lacustre",
        "Evento",
        "45 7,927,752 48 8,284,510 51 7,965,609 54 7,886,739 57 7,886,739",
    ),
    (
        "SUB18",
        "PRD06",
        "Negociaciones técnicas y de seguimiento de iniciativas y compromisos en el marco de la Comisión Internacional de Límites y Aguas entre Guatemala y los países vecinos",
        "Evento",
        "51 299,709 54 394,206 57 397,027 60 397,027 63 397,027",
    ),
    (
        "SUB19",
        "PRD07",
        "Conservación y demarcación de los límites terrestres, fluviales y lacustres entre Guatemala y los países vecinos",
        "Kilómetro",
        "448 12,735,565 448 12,371,441 448 12,574,784 448 12,518,464 448 12,518,464",
    ),
    (
        "SUB20",
        "PRD07",
        None,
        "Metro cúbico",
        "4,800 3,854,676 4,800 3,414,470 4,800 4,039,807 4,800 844,397 4,800 844,397",
    ),
    (
        "SUB21",
        "PRD08",
        "Dirección Superior",
        "Documento",
        "1 16,274,172 1 16,882,824 1 16,922,704 1 16,922,704 1 16,922,704",
    ),
    (
        "SUB22",
        "PRD08",
        "Soberanía y Dominio",
        "Documento",
        "1 4,079,117 1 4,795,022 1 4,799,032 1 4,799,032 1 4,799,032",
    ),
    ("SUB23", "PRD09", "Asesoría Jurídica", "Documento", "1 8,681,666 1 8,518,132 1 8,521,943 1 8,521,943 1 8,521,943"),
    (
        "SUB24",
        "PRD10",
        "Protocolo y ceremonial diplomático",
        "Documento",
        "1 7,218,795 1 7,154,047 1 7,158,989 1 7,158,989 1 7,158,989",
    ),
    (
        "SUB25",
        "PRD11",
        "Administración General",
        "Documento",
        "1 74,069,793 1 68,647,106 1 69,895,559 1 69,895,559 1 69,895,559",
    ),
    (
        "SUB26",
        "PRD12",
        "Auditoría Interna",
        "Documento",
        "1 4,863,360.0 1 4,742,320 1 4,743,706 1 4,743,706 1 4,743,706",
    ),
    (
        "SUB27",
        "PRD13",
        "Aportes a Organismos Nacionales, Internacionales y Regionales",
        "Documento",
        "1 111,812,000 1 118,654,777 1 125,497,554 1 125,497,554 1 125,497,554",
    ),
    ("SUB28", "PRD14", None, "Evento", "0 - 0 - 1 - 1 - 0 -"),
]
YEARS = [2025, 2026, 2027, 2028, 2029]
TOTALS = {2025: 980_000_000, 2026: 1_080_000_000, 2027: 1_180_000_000, 2028: 1_280_000_000, 2029: 1_350_000_000}


def document_number(text: str) -> float:
    """A figure as the document prints it: thousands commas, optional .0, '-' for zero."""
    return 0.0 if text == "-" else float(text.replace(",", ""))


def document_goals(row: str) -> dict[int, tuple[float, float]]:
    values = [document_number(v) for v in row.split()]
    return {year: (values[2 * i], values[2 * i + 1]) for i, year in enumerate(YEARS)}


def goals_of(table, key, item_id):
    rows = table[table[key] == item_id]
    return {int(r.anio): (float(r.meta_fisica), float(r.meta_financiera)) for r in rows.itertuples()}


@pytest.mark.parametrize("product_id, unit, row", PRODUCTS, ids=[p[0] for p in PRODUCTS])
def test_product_goals_match_document(plan, product_id, unit, row):
    assert goals_of(plan["metas_productos"], "producto_id", product_id) == document_goals(row)
    product = plan.products.set_index("producto_id").loc[product_id]
    assert product["unidad_medida"] == unit


@pytest.mark.parametrize("sub_id, product_id, name, unit, row", SUBPRODUCTS, ids=[s[0] for s in SUBPRODUCTS])
def test_subproduct_goals_match_document(plan, sub_id, product_id, name, unit, row):
    assert goals_of(plan["metas_subproductos"], "subproducto_id", sub_id) == document_goals(row)
    sub = plan["subproductos"].set_index("subproducto_id").loc[sub_id]
    assert sub["producto_id"] == product_id
    assert sub["unidad_medida"] == unit
    if name is None:
        assert sub["nombre"] is None or str(sub["nombre"]) in ("", "<NA>")
    else:
        assert sub["nombre"] == name


def test_matrix_has_every_item_and_nothing_else(plan):
    assert sorted(plan["productos"]["producto_id"]) == [p[0] for p in PRODUCTS]
    assert sorted(plan["subproductos"]["subproducto_id"]) == [s[0] for s in SUBPRODUCTS]


def test_yearly_totals_match_document(plan):
    totals = {int(r.anio): float(r.meta_financiera) for r in plan["totales_anuales"].itertuples()}
    assert totals == TOTALS


def test_program_names_from_section_4(plan):
    named = plan.programs[plan.programs["nombrado_en_documento"]]["nombre"].tolist()
    assert named == [
        "Servicios Consulares y de Atención al Migrante",
        "Servicios de Política Exterior",
        "Conservación y Demarcación de Límites Internacionales del Territorio Nacional",
    ]


def test_target_population_section_3(plan):
    population = plan["poblacion_objetivo"].set_index("region_id")["personas"].to_dict()
    assert population == {"estados_unidos": 3_253_747, "mexico": 59_936, "canada": 47_479, "resto_mundo": 76_178}
    assert plan.key_figure("poblacion_objetivo") == plan.target_population == 3_437_340


def test_scope_and_coverage_figures_sections_2_and_3_1(plan):
    assert plan.key_figure("poblacion_elegible", 2029) == 1_619_247
    assert plan.key_figure("porcentaje_mujeres", 2029) == 39
    assert plan.key_figure("mujeres", 2029) == 631_506
    assert plan.key_figure("cobertura_meta", 2029) == 47.1
    assert plan.key_figure("cobertura_meta", 2028) is None


@pytest.mark.parametrize("fiche_id", ["FICHA_PRODUCTO", "FICHA_SUBPRODUCTO"])
def test_indicator_fiches_sections_6_and_7(plan, fiche_id):
    fiche = plan["fichas"].set_index("ficha_id").loc[fiche_id]
    assert fiche["indicador"] == (
        "Cobertura de los servicios consulares y migratorios para la población "
        "guatemalteca en el exterior e interior del país."
    )
    assert fiche["formula"].startswith("(Guatemaltecos apoyados con asistencia y atención consular+")
    assert fiche["formula"].endswith("/(Población Objetivo Atender* Factor de Ajuste Porcentual)")
    assert (fiche["anio_linea_base"], fiche["linea_base_absoluta"], fiche["linea_base_relativa"]) == (
        2024,
        1_241_060,
        36.1,
    )
    goals = plan["fichas_metas"][plan["fichas_metas"]["ficha_id"] == fiche_id]
    published = {int(r.anio): (float(r.meta_absoluta), float(r.meta_relativa)) for r in goals.itertuples()}
    assert published == {
        2025: (1_332_155, 38.8),
        2026: (1_398_764, 40.7),
        2027: (1_468_703, 42.7),
        2028: (1_542_139, 44.9),
        2029: (1_619_247, 47.1),
    }
    # The Ejecución column is empty in the document: missing, never zero.
    assert goals["ejecucion"].isna().all()


def test_fiche_formula_names_three_subproducts(plan):
    terms = plan["fichas_formula"].query("ficha_id == 'FICHA_PRODUCTO'")["subproducto_id"].tolist()
    assert terms == ["SUB02", "SUB03", "SUB04"]


def test_strategic_framework_quotes(plan):
    assert plan.statement("objetivo_institucional") == (
        "Posicionar la Política Exterior del Estado de Guatemala, mediante la gestión institucional "
        "del Ministerio de Relaciones Exteriores."
    )
    assert len(plan.statements("objetivo_operativo")) == 4
    assert plan.statement("meta_estrategica_desarrollo") == (
        "Meta 16.6: Crear instituciones eficaces, responsables y transparentes a todos los niveles"
    )
    assert plan.statement("eje_pgg") == "Una ciudadanía sin fronteras"
    assert len(plan.statements("linea_pgg")) == 4
    assert plan.statement("nivel_resultado") == "Intermedio"


def test_actions_per_program_section_4(plan):
    counts = plan["acciones"].groupby("programa_id").size().to_dict()
    assert counts == {"servicios_consulares": 7, "politica_exterior": 26, "limites": 6}


def test_tidy_matrix_export_has_all_rows(plan):
    table = tidy_matrix(plan)
    assert len(table) == (len(PRODUCTS) + len(SUBPRODUCTS)) * len(YEARS)
    assert (table["subproducto"] == "").sum() == len(PRODUCTS) * len(YEARS)
    assert table["meta_financiera"].sum() == 2 * sum(TOTALS.values())
