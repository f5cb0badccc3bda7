"""Chapter «Matriz de planificación multianual»: figures from the matrix, sentences true for any plan."""

import json
from collections import defaultdict

import pytest

from pom_lib.chapters.matriz_planificacion import PlanningMatrix
from pom_lib.data.plan import load_plan
from tests.support.paths import PLAN_DIR, ROOT
from tests.support.plan_variants import change_rows, end_in, read_rows, single_program

NBSP = "\u00a0"


def program_budget(folder) -> dict[str, dict[int, float]]:
    """Program name → year → financial goal, summed from the CSV files."""
    program_of = {row["producto_id"]: row["programa_id"] for row in read_rows(folder, "productos")}
    names = {row["programa_id"]: row["nombre"] for row in read_rows(folder, "programas")}
    budget = {name: defaultdict(float) for name in names.values()}
    for row in read_rows(folder, "metas_productos"):
        budget[names[program_of[row["producto_id"]]]][int(row["anio"])] += float(row["meta_financiera"])
    return budget


@pytest.fixture(scope="module")
def chapter(plan):
    return PlanningMatrix(plan)


def test_counts_period_and_units_of_the_plan(chapter):
    products, subproducts = read_rows(PLAN_DIR, "productos"), read_rows(PLAN_DIR, "subproductos")
    values = chapter.values
    assert values["frase_elementos"] == f"cada uno de sus {len(products)} productos y {len(subproducts)} subproductos"
    assert values["frase_periodo"] == "para cada año de 2025 a 2029"
    assert values["duracion"] == "cinco años"
    assert values["total_periodo"] == "Q5,870,000,000"
    units = sorted({row["unidad_medida"] for row in products + subproducts})
    assert values["frase_unidades"].startswith(f"Las metas físicas se expresan en {len(units)} unidades de medida")
    assert all(f"«{unit}»" in values["frase_unidades"] for unit in units)


def test_largest_program_and_its_part_of_the_increase(chapter):
    budget = program_budget(PLAN_DIR)
    largest = max(budget, key=lambda name: budget[name][2029])
    share = 100 * budget[largest][2029] / sum(b[2029] for b in budget.values())
    increase = {name: b[2029] - b[2025] for name, b in budget.items()}
    part = 100 * increase[largest] / sum(increase.values())
    values = chapter.values
    assert values["frase_programa_mayor"] == (
        f"El programa «{largest}» es el de mayor peso: en 2029 concentra el {share:.1f}{NBSP}% del total."
    )
    assert part > 50 and values["frase_aumento"].startswith("También explica la mayor parte del aumento")
    assert f"Q{increase[largest]:,.0f} ({part:.1f}{NBSP}%)" in values["frase_aumento"]
    losing = [name for name, change in increase.items() if change < 0]
    assert values["frase_a_la_baja"] == (f"Pierden asignación en términos absolutos «{losing[0]}» y «{losing[1]}».")


def test_losing_programs_agree_in_number(plan_copy):
    # Límites (PRD06, PRD07) and Actividades Centrales (PRD08…PRD14) lose budget from 2025 to 2029.
    change_rows(
        plan_copy,
        "metas_productos",
        lambda row: (row["producto_id"], row["anio"]) == ("PRD11", "2029"),
        meta_financiera="80000000",
    )
    one = PlanningMatrix(load_plan(plan_copy)).values["frase_a_la_baja"]
    assert one == (
        "Pierde asignación en términos absolutos «Conservación y Demarcación de Límites Internacionales del "
        "Territorio Nacional»."
    )
    change_rows(
        plan_copy,
        "metas_productos",
        lambda row: (row["producto_id"], row["anio"]) == ("PRD07", "2029"),
        meta_financiera="20000000",
    )
    assert PlanningMatrix(load_plan(plan_copy)).values["frase_a_la_baja"] == (
        "Ningún programa pierde asignación en términos absolutos."
    )


def test_single_program_has_no_comparison_between_programs(plan_copy):
    single_program(plan_copy, "politica_exterior")
    values = PlanningMatrix(load_plan(plan_copy)).values
    assert values["frase_programa_mayor"] == (
        "Todas las metas financieras corresponden a su único programa, «Servicios de Política Exterior»."
    )
    assert values["frase_aumento"] == "Entre el primer y el último año, el total aumenta Q370,000,000."
    assert values["frase_programas"] == values["frase_a_la_baja"] == ""


def test_yearly_growth_of_the_total(chapter):
    totals = {int(row["anio"]): float(row["meta_financiera"]) for row in read_rows(PLAN_DIR, "totales_anuales")}
    growth = {year: 100 * (totals[year] / totals[year - 1] - 1) for year in list(totals)[1:]}
    fastest, slowest = max(growth, key=growth.get), min(growth, key=growth.get)
    assert chapter.values["frase_crecimiento"] == (
        f"El total anual pasa de Q980,000,000 en 2025 a Q1,350,000,000 en 2029. El crecimiento no es uniforme: el "
        f"mayor aumento relativo es el de {fastest} ({growth[fastest]:.1f}{NBSP}%) y el menor el de {slowest} "
        f"({growth[slowest]:.1f}{NBSP}%)."
    )
    assert chapter.values["frase_totales"] == "Todos los totales anuales son cifras redondas en millones."


def test_a_three_year_plan_and_a_one_year_plan(plan_copy, tmp_path):
    end_in(plan_copy, 2027)
    values = PlanningMatrix(load_plan(plan_copy)).values
    assert values["duracion"] == "tres años" and values["anio_fin"] == "2027"
    assert values["frase_crecimiento"].startswith(
        "El total anual pasa de Q980,000,000 en 2025 a Q1,180,000,000 en 2027."
    )
    end_in(plan_copy, 2025)
    chapter = PlanningMatrix(load_plan(plan_copy))
    assert chapter.values["frase_periodo"] == "para 2025" and chapter.values["duracion"] == "un año"
    assert (
        chapter.values["frase_crecimiento"]
        == "El plan abarca un solo año, 2025: no hay variación interanual que analizar."
    )
    assert chapter.values["frase_aumento"] == chapter.values["frase_programas"] == ""


def test_the_yearly_totals_and_their_change_are_a_table_with_no_chart_repeating_it():
    # A bar chart of the yearly change only repeated the figures of the table beside it.
    template = json.loads((ROOT / "notebooks" / "matriz_planificacion.ipynb").read_text(encoding="utf-8"))
    code = ["".join(cell["source"]) for cell in template["cells"] if cell["cell_type"] == "code"]
    at = code.index("chapter.totals_table()")
    assert not any("figure" in cell for cell in code[at - 1 : at + 2])


def test_commentary_is_held_back_when_its_figures_change(chapter, plan_copy):
    assert "techos presupuestarios" in chapter.commentary_markdown("crecimiento")
    change_rows(plan_copy, "totales_anuales", lambda row: row["anio"] == "2026", meta_financiera="1080000123")
    changed = PlanningMatrix(load_plan(plan_copy))
    assert changed.values["frase_totales"] == ""
    assert changed.commentary_markdown("crecimiento") == ""
    assert [review.block.place for review in changed.reviews()] == ["crecimiento"]
