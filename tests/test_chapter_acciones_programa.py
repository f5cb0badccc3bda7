"""Chapter «Acciones por programa»: the actions the document lists for each program, beside the financial goals
of the products each program groups.

MINEX figures are counted by hand in acciones.csv (7 consular actions, 26 of foreign policy, 6 of borders, none
for the two programs the document does not name) and summed from metas_productos.csv by the program of each
product in productos.csv: Q5,870,000,000 in the period, of which consular services Q2,619,167,346 (44.6 %),
foreign policy Q1,964,268,252 (33.5 %), borders Q117,552,810 (2.0 %), central activities Q562,052,153 (9.6 %)
and non-assignable items Q606,959,439 (10.3 %). Variants are copies of the real plan.
"""

import pytest

from pom_lib.chapters.acciones_programa import ProgramActions
from pom_lib.data.plan import load_plan
from tests.support.plan_variants import change_rows, keep_rows, single_program

NBSP = "\u00a0"
CONSULAR = "Servicios Consulares y de Atención al Migrante"
FOREIGN_POLICY = "Servicios de Política Exterior"
BORDERS = "Conservación y Demarcación de Límites Internacionales del Territorio Nacional"
CENTRAL = "Actividades Centrales"
NOT_ASSIGNABLE = "Partidas No Asignables a Programas"


@pytest.fixture(scope="module")
def values(plan):
    return {key: value.replace(NBSP, " ") for key, value in ProgramActions(plan).values.items()}


def _values(folder) -> dict[str, str]:
    return {key: value.replace(NBSP, " ") for key, value in ProgramActions(load_plan(folder)).values.items()}


def test_the_actions_of_the_real_plan_and_where_they_are(values):
    assert values["n_acciones"] == "39"
    assert values["anio_inicio"] == "2025" and values["anio_fin"] == "2029"
    assert (
        values["frase_acciones"] == "El documento enumera 39 acciones repartidas entre 3 de los 5 programas del plan."
    )


def test_the_program_with_most_actions_is_not_the_one_with_the_largest_financial_goals(values):
    assert (values["programa_mas_acciones"], values["n_acciones_mas"], values["peso_mas_acciones"]) == (
        FOREIGN_POLICY,
        "26",
        "33.5 %",
    )
    assert (values["programa_mayor_peso"], values["peso_mayor"], values["n_acciones_mayor_peso"]) == (
        CONSULAR,
        "44.6 %",
        "7",
    )
    assert (values["programa_menor_peso"], values["peso_menor"], values["n_acciones_menor_peso"]) == (
        BORDERS,
        "2.0 %",
        "6",
    )
    assert values["frase_acciones_y_peso"] == (
        f"«{FOREIGN_POLICY}» es el programa con más acciones (26) y pesa 33.5 % de las metas financieras del "
        f"período; «{CONSULAR}», el de mayores metas financieras (44.6 %), enumera 7 acciones."
    )


def test_the_programs_without_actions_and_those_the_document_does_not_name(values):
    # 6 + 1 products; (562,052,153 + 606,959,439) / 5,870,000,000 = 19.9 %.
    assert values["frase_sin_acciones"] == (
        f"Los programas «{CENTRAL}» y «{NOT_ASSIGNABLE}» no tienen acciones descritas en el documento; juntos "
        "reúnen 7 productos y 19.9 % de las metas financieras del período."
    )
    assert values["frase_no_nombrados"] == (
        f"El documento no nombra los programas «{CENTRAL}» y «{NOT_ASSIGNABLE}»: son agrupaciones de productos "
        "hechas por el equipo del libro, explicadas en los anexos."
    )
    assert values["programas_no_nombrados"] == f"«{CENTRAL}» y «{NOT_ASSIGNABLE}»"


def test_the_summary_table_has_a_row_per_program_with_its_first_and_last_year(plan):
    table = ProgramActions(plan).summary_table()
    assert table.header == ["Programa", "Acciones", "Productos", "2025", "2029", "Peso en el período"]
    rows = [[cell.replace(NBSP, " ") for cell in row] for row in table.rows]
    assert rows == [
        [CONSULAR, "7", "2", "Q416,744,082", "Q612,856,745", "44.6 %"],
        [FOREIGN_POLICY, "26", "3", "Q311,439,313", "Q477,957,141", "33.5 %"],
        [BORDERS, "6", "2", "Q24,817,702", "Q21,646,627", "2.0 %"],
        [CENTRAL, "0", "6", "Q115,186,903", "Q112,041,933", "9.6 %"],
        [NOT_ASSIGNABLE, "0", "1", "Q111,812,000", "Q125,497,554", "10.3 %"],
    ]


def test_one_program_with_most_actions_and_largest_goals_is_named_once(plan_copy):
    keep_rows(plan_copy, "acciones", lambda row: row["programa_id"] != "politica_exterior")
    values = _values(plan_copy)
    assert (
        values["frase_acciones"] == "El documento enumera 13 acciones repartidas entre 2 de los 5 programas del plan."
    )
    assert values["frase_acciones_y_peso"] == (
        f"«{CONSULAR}» es a la vez el programa con más acciones (7) y el de mayores metas financieras "
        "(44.6 % de las metas financieras del período)."
    )
    # 3 + 6 + 1 products; (1,964,268,252 + 562,052,153 + 606,959,439) / 5,870,000,000 = 53.4 %.
    assert values["frase_sin_acciones"] == (
        f"Los programas «{FOREIGN_POLICY}», «{CENTRAL}» y «{NOT_ASSIGNABLE}» no tienen acciones descritas en el "
        "documento; juntos reúnen 10 productos y 53.4 % de las metas financieras del período."
    )


def test_a_single_program_without_actions_and_a_single_unnamed_one_are_singular(plan_copy):
    change_rows(
        plan_copy,
        "productos",
        lambda row: row["programa_id"] == "partidas_no_asignables",
        programa_id="actividades_centrales",
    )
    keep_rows(plan_copy, "programas", lambda row: row["programa_id"] != "partidas_no_asignables")
    values = _values(plan_copy)
    assert values["frase_sin_acciones"] == (
        f"El programa «{CENTRAL}» no tiene acciones descritas en el documento; reúne 7 productos y 19.9 % de las "
        "metas financieras del período."
    )
    assert values["frase_no_nombrados"] == (
        f"El documento no nombra el programa «{CENTRAL}»: es una agrupación de productos hecha por el equipo del "
        "libro, explicada en los anexos."
    )


def test_a_plan_of_one_program_has_all_its_actions(plan_copy):
    single_program(plan_copy, "politica_exterior")
    values = _values(plan_copy)
    assert values["frase_acciones"] == "El documento enumera 26 acciones, todas del único programa."
    assert values["peso_mayor"] == values["peso_menor"] == values["peso_mas_acciones"] == "100.0 %"
    assert values["frase_acciones_y_peso"] == values["frase_sin_acciones"] == values["frase_no_nombrados"] == ""


def test_a_plan_that_lists_no_action_says_so_and_singles_out_no_program(plan_copy):
    keep_rows(plan_copy, "acciones", lambda row: False)
    values = _values(plan_copy)
    assert values["n_acciones"] == "0"
    assert values["frase_acciones"] == "El documento no enumera acciones para ninguno de sus programas."
    assert values["frase_acciones_y_peso"] == values["frase_sin_acciones"] == ""
    assert "programa_mas_acciones" not in values and "programa_mayor_peso" not in values
