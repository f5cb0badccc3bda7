"""Discrepancies of the published document, acknowledged in discrepancias_reconocidas.csv.

The plan is a copy of the fictional next edition (tests/fixtures/planes/siguiente-2026-2030) whose
document gives a key figure «población elegible 2029» of 1,600,000 while both indicators' goal for
2029 is 1,619,247 (fichas_metas.csv): two checks of the rule «poblacion_elegible» fail. Expected
lines and figures are typed here by hand.
"""

import json
import shutil

import openpyxl
import pytest

from pom_lib.chapters.calidad_datos import DataQuality
from pom_lib.compute import reconciliation
from pom_lib.data import contract
from pom_lib.data.plan import load_plan
from pom_lib.export.plan_package import descriptor_text, read_folder
from tests.support.commands import pom
from tests.support.editions import tree_hash
from tests.support.paths import FIXTURES, PLAN_DIR

NEXT_EDITION = FIXTURES / "planes" / "siguiente-2026-2030"
TABLE = "discrepancias_reconocidas.csv"
HEADER = "regla,anio,elemento,esperado,encontrado,nota"
PRODUCT_LINE = "poblacion_elegible,2029,FICHA_PRODUCTO,1600000,1619247,"
SUBPRODUCT_LINE = "poblacion_elegible,2029,FICHA_SUBPRODUCTO,1600000,1619247,"
NOTE = "El documento da 1.6 millones de personas como población elegible de 2029 y su ficha 1619247."
ELIGIBLE_FIGURE = (
    "poblacion_elegible_2029,poblacion_elegible,2029,Población elegible a atender en 2029,1600000,personas,"
    "2. Alcance de la planificación multianual 2026-2030\n"
)


@pytest.fixture
def discrepant(tmp_path):
    """The next edition with its document's eligible population of 2029 at odds with its indicators."""
    folder = tmp_path / "plan"
    shutil.copytree(NEXT_EDITION, folder)
    with (folder / "cifras_clave.csv").open("a", encoding="utf-8") as file:
        file.write(ELIGIBLE_FIGURE)
    declare_tables(folder)
    return folder


def declare_tables(folder):
    """datapackage.json restating the library's resources of the folder's tables, as `pom importar` writes it."""
    (folder / "datapackage.json").write_text(descriptor_text(read_folder(folder)), encoding="utf-8")


def acknowledge(folder, *lines):
    """Write the acknowledgements below the table's header, and declare the table."""
    (folder / TABLE).write_text("".join(f"{line}\n" for line in (HEADER, *lines)), encoding="utf-8")
    declare_tables(folder)


# --- pom validar ---------------------------------------------------------------------------------


def test_an_unacknowledged_discrepancy_fails_estricto_and_validar_gives_the_line_that_acknowledges_it(discrepant):
    result = pom("validar", discrepant, "--estricto")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "Atención: 2 comprobación(es) no cuadran (se publican en «Calidad de los datos»):" in lines
    help_line = next(i for i, line in enumerate(lines) if line.startswith("Si una diferencia es del propio documento"))
    assert f"agregue su línea a {TABLE} (con el encabezado {HEADER} si aún no existe)" in lines[help_line]
    assert lines[help_line + 1 : help_line + 3] == [f"  {PRODUCT_LINE}", f"  {SUBPRODUCT_LINE}"]
    assert "Con --estricto, una comprobación que no cuadra es un error" in result.stderr
    assert "Todas las reglas de conciliación se cumplen." not in result.stdout


def test_acknowledged_discrepancies_pass_estricto_and_are_listed_apart(discrepant):
    acknowledge(discrepant, PRODUCT_LINE + NOTE, SUBPRODUCT_LINE + '"Igual que la ficha de producto."')
    result = pom("validar", discrepant, "--estricto")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "19 tablas" in result.stdout
    assert "Atención" not in result.stdout and "Si una diferencia" not in result.stdout
    assert "Reconocidas como del documento: 2 comprobación(es) que no cuadran:" in result.stdout
    assert (
        "  - Población elegible de un año = meta absoluta del indicador en ese año 2029, FICHA_PRODUCTO: esperado "
        f"1,600,000.0, encontrado 1,619,247.0 ({NOTE})" in result.stdout
    )
    assert result.stderr == ""


def test_only_the_acknowledged_discrepancy_passes(discrepant):
    acknowledge(discrepant, PRODUCT_LINE + NOTE)
    strict = pom("validar", discrepant, "--estricto")
    assert strict.returncode == 1
    assert "Atención: 1 comprobación(es) no cuadran" in strict.stdout
    assert f"  {SUBPRODUCT_LINE}" in strict.stdout and f"  {PRODUCT_LINE}" not in strict.stdout
    assert "Reconocidas como del documento: 1 comprobación(es)" in strict.stdout
    # Without --estricto a discrepancy is a warning: the plan is valid, both lists are shown.
    lenient = pom("validar", discrepant)
    assert lenient.returncode == 0 and lenient.stdout == strict.stdout


@pytest.mark.parametrize(
    ("line", "change", "place", "message"),
    [
        (
            "poblacion_elegible,2029,FICHA_PRODUCTO,1600000,1619248,",
            None,
            "fila 2, columna «encontrado»",
            "las cifras de la comprobación de la regla «poblacion_elegible» para «FICHA_PRODUCTO» en 2029 cambiaron: "
            "la fila reconoce esperado 1600000, encontrado 1619248, y la conciliación da esperado 1600000, "
            "encontrado 1619247; si la diferencia sigue siendo del documento, escriba estas cifras",
        ),
        (
            PRODUCT_LINE,
            ("1600000", "1619247"),
            "fila 2",
            "la comprobación de la regla «poblacion_elegible» para «FICHA_PRODUCTO» en 2029 ya cuadra (esperado "
            "1619247, encontrado 1619247): borre la fila",
        ),
        (
            "poblacion_elegible,2028,FICHA_PRODUCTO,1600000,1619247,",
            None,
            "fila 2",
            "la conciliación no tiene ninguna comprobación de la regla «poblacion_elegible» (Población elegible de un "
            "año = meta absoluta del indicador en ese año) para «FICHA_PRODUCTO» en 2028: revise el año y el elemento",
        ),
    ],
    ids=["cifras-cambiadas", "ya-cuadra", "sin-comprobacion"],
)
def test_an_acknowledgement_that_no_longer_matches_the_data_fails_estricto(discrepant, line, change, place, message):
    acknowledge(discrepant, line + NOTE)
    if change:
        path = discrepant / "cifras_clave.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    result = pom("validar", discrepant, "--estricto")
    assert result.returncode == 1
    assert "Reconocimientos que ya no corresponden a los datos: 1:" in result.stdout
    assert f"  - {TABLE}, {place}: {message}" in result.stdout
    assert pom("validar", discrepant).returncode == 0


def test_a_recomputed_percentage_is_acknowledged_with_four_decimals(plan_copy):
    """The relative indicator is recomputed (persons / target population): its line carries 4 decimals.

    The real plan's goal for 2027 is 1,468,703 persons of a target population of 3,437,340: 42.7279 %.
    """
    path = plan_copy / "fichas_metas.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "FICHA_PRODUCTO,2027,1468703,42.7,", "FICHA_PRODUCTO,2027,1468703,50.5,"
        ),
        encoding="utf-8",
    )
    line = "indicador_relativo,2027,FICHA_PRODUCTO,50.5,42.7279,"
    assert f"  {line}" in pom("validar", plan_copy).stdout.splitlines()
    acknowledge(plan_copy, line + "Errata del documento.")
    assert pom("validar", plan_copy, "--estricto").returncode == 0


def test_figures_are_written_as_an_acknowledgement_holds_them():
    assert reconciliation.figure_text(1619247.0) == "1619247"
    assert reconciliation.figure_text(46.18392) == "46.1839"
    assert reconciliation.figure_text(401812176.5) == "401812176.5"
    assert reconciliation.figure_text(-0.00001) == "0"


def test_every_rule_has_a_code_the_table_admits():
    schema = next(r for r in contract.plan_resources() if r["name"] == contract.ACKNOWLEDGEMENTS)
    codes = next(f for f in schema["schema"]["fields"] if f["name"] == "regla")["constraints"]["enum"]
    assert codes == list(contract.ACKNOWLEDGED_ELEMENTS) == list(reconciliation.RULE_CODES.values())
    assert contract.is_optional(schema)


def test_the_real_plan_and_every_fixture_acknowledge_nothing_and_still_pass_estricto():
    for folder in [PLAN_DIR, *sorted((FIXTURES / "planes").iterdir())]:
        assert not (folder / TABLE).exists(), folder
        result = pom("validar", folder, "--estricto")
        assert result.returncode == 0, (folder, result.stdout + result.stderr)
        assert "Todas las reglas de conciliación se cumplen." in result.stdout


# --- The data package: published, exported, imported, rolled forward ------------------------------


def test_the_table_is_published_with_the_package_when_present(discrepant):
    assert TABLE not in contract.package_paths(discrepant)
    acknowledge(discrepant, PRODUCT_LINE + NOTE)
    paths = contract.package_paths(discrepant)
    assert paths[paths.index("expansion_red.csv") + 1] == TABLE


TOTAL_LINE = "total_anual,2029,TOTAL,1350000100,1350000000,El total del documento suma Q100 de más."


def misstate_the_2029_total(folder):
    """The real plan's total for 2029 given as Q1,350,000,100: its products add up to Q1,350,000,000."""
    path = folder / "totales_anuales.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2029,1350000000", "2029,1350000100"), encoding="utf-8")


def test_workbook_round_trip_keeps_the_acknowledgements(plan_copy, tmp_path):
    """The real plan's folder is written as `pom importar` writes one: the round trip is byte for byte."""
    misstate_the_2029_total(plan_copy)
    acknowledge(plan_copy, TOTAL_LINE)
    workbook = tmp_path / "plan.xlsx"
    assert pom("exportar", plan_copy, "-o", workbook).returncode == 0
    sheet = openpyxl.load_workbook(workbook)["discrepancias_reconocidas"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        HEADER.split(","),
        ["total_anual", 2029, "TOTAL", 1350000100, 1350000000, "El total del documento suma Q100 de más."],
    ]
    assert pom("validar", workbook, "--estricto").returncode == 0
    back = tmp_path / "data" / "vuelta"
    assert pom("importar", workbook, "-o", back).returncode == 0
    assert tree_hash(back) == tree_hash(plan_copy)


def test_an_empty_sheet_gives_back_a_folder_without_the_table(tmp_path):
    """No acknowledgements: the exported workbook has the sheet, empty, and the folder comes back without it."""
    workbook = tmp_path / "plan.xlsx"
    assert pom("exportar", PLAN_DIR, "-o", workbook).returncode == 0
    sheet = openpyxl.load_workbook(workbook)["discrepancias_reconocidas"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [HEADER.split(",")]
    back = tmp_path / "data" / "vuelta"
    assert pom("importar", workbook, "-o", back).returncode == 0
    assert not (back / TABLE).exists()
    assert tree_hash(back) == tree_hash(PLAN_DIR)


def test_a_blank_or_missing_sheet_is_a_plan_without_acknowledgements(tmp_path):
    workbook = tmp_path / "plan.xlsx"
    assert pom("exportar", PLAN_DIR, "-o", workbook).returncode == 0
    edited = openpyxl.load_workbook(workbook)
    edited["discrepancias_reconocidas"].delete_rows(1)
    edited.save(workbook)
    assert pom("validar", workbook, "--estricto").returncode == 0
    del edited["discrepancias_reconocidas"]
    edited.save(workbook)
    assert pom("validar", workbook, "--estricto").returncode == 0


def test_a_stale_acknowledgement_in_a_workbook_names_its_sheet(discrepant, tmp_path):
    acknowledge(discrepant, "poblacion_elegible,2029,FICHA_PRODUCTO,1600000,1619000," + NOTE)
    workbook = tmp_path / "plan.xlsx"
    assert pom("exportar", discrepant, "-o", workbook).returncode == 0
    result = pom("validar", workbook, "--estricto")
    assert result.returncode == 1
    assert "  - plan.xlsx, hoja «discrepancias_reconocidas», fila 2, columna «encontrado»: las cifras" in result.stdout
    assert "agregue su línea a plan.xlsx, hoja «discrepancias_reconocidas» (con el encabezado" in result.stdout


def test_next_years_plan_does_not_carry_the_acknowledgements(discrepant, tmp_path):
    acknowledge(discrepant, PRODUCT_LINE + NOTE, SUBPRODUCT_LINE + "Igual.")
    target = tmp_path / "data" / "siguiente"
    result = pom("nuevo-plan", discrepant, "--periodo", "2027-2031", "-o", target)
    assert result.returncode == 0, result.stderr
    assert not (target / TABLE).exists()
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    assert contract.ACKNOWLEDGEMENTS not in [resource["name"] for resource in descriptor["resources"]]
    assert (
        f"  - {TABLE}: el plan 2026-2030 reconocía 2 discrepancias de su documento (poblacion_elegible 2029 "
        "FICHA_PRODUCTO y poblacion_elegible 2029 FICHA_SUBPRODUCTO); no se copiaron" in result.stdout
    )


# --- Calidad de los datos ------------------------------------------------------------------------


def test_the_chapter_shows_acknowledged_checks_apart_with_their_note(discrepant):
    acknowledge(discrepant, PRODUCT_LINE + NOTE)
    chapter = DataQuality(load_plan(discrepant))
    assert chapter.values["frase_reconocidas"] == (
        "De las 2 que no cuadran, 1 es una diferencia del propio documento publicado, que los datos reconocen con "
        "su razón ({numref}`tabla-reconocidas`); la otra se detalla en la {numref}`tabla-diferencias`."
    )
    differences = chapter.differences_table()
    assert differences.name == "tabla-diferencias" and [row[2] for row in differences.rows] == ["FICHA_SUBPRODUCTO"]
    acknowledged = chapter.acknowledged_table()
    assert acknowledged.name == "tabla-reconocidas"
    assert acknowledged.header == ["Regla", "Año", "Elemento", "Esperado", "Encontrado", "Diferencia", "Razón"]
    assert acknowledged.rows == [
        [
            "Población elegible de un año = meta absoluta del indicador en ese año",
            "2029",
            "FICHA_PRODUCTO",
            "1,600,000.0",
            "1,619,247.0",
            "19,247.0",
            NOTE,
        ]
    ]


def test_the_chapter_when_every_failing_check_is_acknowledged(discrepant):
    acknowledge(discrepant, PRODUCT_LINE + NOTE, SUBPRODUCT_LINE + "Igual.")
    chapter = DataQuality(load_plan(discrepant))
    assert chapter.values["frase_reconocidas"] == (
        "Las 2 que no cuadran son diferencias del propio documento publicado, que los datos reconocen con la razón "
        "de cada una ({numref}`tabla-reconocidas`)."
    )
    assert chapter.differences_table() is None
    assert len(chapter.acknowledged_table().rows) == 2


def test_the_chapter_with_one_failing_check_acknowledged(plan_copy):
    misstate_the_2029_total(plan_copy)
    acknowledge(plan_copy, TOTAL_LINE)
    chapter = DataQuality(load_plan(plan_copy))
    assert chapter.values["frase_reconocidas"] == (
        "La que no cuadra es una diferencia del propio documento publicado, que los datos reconocen con su razón "
        "({numref}`tabla-reconocidas`)."
    )


def test_the_chapter_without_acknowledgements_says_nothing_of_them(discrepant, plan):
    chapter = DataQuality(load_plan(discrepant))
    assert chapter.values["frase_reconocidas"] == ""
    assert chapter.acknowledged_table() is None and len(chapter.differences_table().rows) == 2
    assert DataQuality(plan).values["frase_reconocidas"] == ""
