"""executive_summary.py: findings computed from any plan's data, worded to agree with the numbers.

Expected figures are computed here from the plan's CSV files, not with the library.
"""

import csv

import pandas as pd

from pom_lib.data.plan import Plan
from pom_lib.present import executive_summary as summary
from tests.support.paths import PLAN_DIR


def _rows(name: str) -> list[dict]:
    with (PLAN_DIR / f"{name}.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _millions(value: float) -> str:
    return f"Q{value / 1e6:,.1f} millones"


def _with(original: Plan, **tables) -> Plan:
    return Plan(original.source, {**original.tables, **tables})


def test_the_real_plan_gets_five_traits_each_linked_to_its_chapter(plan):
    found = summary.findings(plan)
    # Program, indicator, population, growth and largest product; every arithmetic check of the
    # real plan adds up, so the checks are not a trait (they are in «Calidad de los datos»).
    assert len(found) == 5
    markdown = summary.findings_markdown(found, ["matriz_planificacion", "proyecciones", "calidad_datos"])
    lines = markdown.strip().splitlines()
    assert [line.split(".")[0] for line in lines] == [str(n) for n in range(1, len(found) + 1)]
    assert "({doc}`matriz_planificacion`)" in lines[0]
    # A chapter the book does not have is not linked.
    assert "{doc}`fichas_indicadores`" not in markdown


def test_program_finding_names_the_largest_program_and_its_share(plan):
    programs = {r["programa_id"]: r["nombre"] for r in _rows("programas")}
    product_program = {r["producto_id"]: r["programa_id"] for r in _rows("productos")}
    budget: dict[str, float] = {}
    for goal in _rows("metas_productos"):
        key = product_program[goal["producto_id"]]
        budget[key] = budget.get(key, 0.0) + float(goal["meta_financiera"])
    leader = max(budget, key=budget.get)
    share = 100 * budget[leader] / sum(budget.values())
    text = summary.program_finding(plan).text
    assert text == (
        f"«{programs[leader]}» es el programa de mayor peso entre los {len(programs)}: reúne el "
        f"**{share:.1f}\u00a0%** de las metas financieras del período."
    )


def test_population_finding_states_the_concentration(plan):
    people = {r["region"]: int(r["personas"]) for r in _rows("poblacion_objetivo")}
    largest = max(people, key=people.get)
    total = sum(people.values())
    assert summary.population_finding(plan).text == (
        f"{largest} reúne el **{100 * people[largest] / total:.1f}\u00a0%** de la población objetivo: "
        f"{people[largest]:,} de {total:,} personas."
    )


def test_one_program_one_region_and_one_year_read_in_the_singular(plan):
    programs = plan["programas"].head(1)
    products = plan["productos"].assign(programa_id=programs["programa_id"].iloc[0])
    single = _with(plan, programas=programs, productos=products, poblacion_objetivo=plan["poblacion_objetivo"].head(1))
    assert summary.program_finding(single).text.startswith("Un solo programa, «")
    region = plan["poblacion_objetivo"]["region"].iloc[0]
    assert summary.population_finding(single).text.startswith("Toda la población objetivo, **")
    assert region in summary.population_finding(single).text

    year = plan.years[0]
    one_year = _with(
        plan,
        plan=plan["plan"].assign(anio_fin=year),
        totales_anuales=plan["totales_anuales"].query("anio == @year"),
        metas_productos=plan["metas_productos"].query("anio == @year"),
        metas_subproductos=plan["metas_subproductos"].query("anio == @year"),
    )
    assert summary.growth_finding(one_year) is None  # no growth in a single year
    found = summary.findings(one_year)
    assert [f.chapter for f in found] == [
        "matriz_planificacion",
        "fichas_indicadores",
        "alcance_poblacion",
        "calidad_datos",  # the goals of a single year no longer add up to the period's statements
        "matriz_planificacion",
    ]
    assert found[-1].text.startswith("El producto de mayor meta financiera es")


def test_a_plan_without_fiches_or_population_still_gets_its_traits(plan):
    bare = _with(
        plan,
        fichas=plan["fichas"].head(0),
        fichas_metas=plan["fichas_metas"].head(0),
        fichas_formula=plan["fichas_formula"].head(0),
        fichas_elementos=plan["fichas_elementos"].head(0),
        poblacion_objetivo=plan["poblacion_objetivo"].head(0),
    )
    found = summary.findings(bare)
    assert summary.indicator_finding(bare) is None and summary.population_finding(bare) is None
    # Without fiches the indicator checks cannot add up: the checks become a trait.
    assert [f.chapter for f in found] == [
        "matriz_planificacion",
        "proyecciones",
        "calidad_datos",
        "matriz_planificacion",
    ]
    labels = [card.label for card in summary.key_figures(bare)]
    assert not any("indicador" in label for label in labels)
    # The target population is a key figure every plan declares, places or not.
    assert "Personas de la población objetivo" in labels


def test_quality_finding_agrees_with_the_number_of_failed_checks(plan):
    report = pd.DataFrame({"cumple": [True] * 9})
    assert summary.quality_finding(plan, report).text.startswith(
        "Las **9** comprobaciones aritméticas del plan cuadran"
    )
    one = pd.DataFrame({"cumple": [True]})
    assert summary.quality_finding(plan, one).text.startswith("La única comprobación aritmética del plan cuadra")
    failed = pd.DataFrame({"cumple": [True, False, True]})
    assert "**1** no cuadra:" in summary.quality_finding(plan, failed).text
    two = pd.DataFrame({"cumple": [False, False, True]})
    assert "**2** no cuadran:" in summary.quality_finding(plan, two).text


def test_falling_goals_are_not_called_growth(plan):
    goals = plan["metas_productos"].copy()
    goals["meta_financiera"] = goals["meta_financiera"] * (2035 - goals["anio"])  # every goal falls each year
    text = summary.growth_finding(_with(plan, metas_productos=goals)).text
    assert text.startswith("Todas las metas financieras de producto bajan")


def test_key_figures_are_the_plan_s_headline_numbers(plan):
    totals = [float(r["meta_financiera"]) for r in _rows("totales_anuales")]
    cards = {card.label: card.value for card in summary.key_figures(plan)}
    assert cards["Metas financieras del período 2025-2029"] == _millions(sum(totals))
    assert cards["Variación del total anual, 2025 a 2029"] == f"+{100 * (totals[-1] / totals[0] - 1):.1f}\u00a0%"
    assert cards["Programas · productos · subproductos"] == (
        f"{len(_rows('programas'))} · {len(_rows('productos'))} · {len(_rows('subproductos'))}"
    )
    assert (
        cards["Personas de la población objetivo"]
        == f"{sum(int(r['personas']) for r in _rows('poblacion_objetivo')):,}"
    )
    final = next(r for r in _rows("fichas_metas") if r["ficha_id"] == "FICHA_PRODUCTO" and r["anio"] == "2029")
    assert cards["Meta del indicador del plan en 2029"] == f"{final['meta_relativa']}\u00a0%"


def test_plan_text_is_escaped_for_markdown(plan):
    programs = plan["programas"].copy()
    programs.loc[0, "nombre"] = "Programa *especial* [uno]"
    text = summary.program_finding(_with(plan, programas=programs)).text
    assert "\\*especial\\*" in text and "\\[uno\\]" in text
