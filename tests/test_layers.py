"""compute/ gives numbers and rows, never prose markup: every public function of every compute module, run
on the real plan and on every fixture plan, returns no string with Markdown, MyST or HTML in it.

The import rules (compute never imports the Spanish writer or escaping; publish never imports present) are
import-linter contracts in pyproject.toml; this is the same rule on what the functions return, which an
import rule cannot see (an f-string with «**» needs no import).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from pom_lib import compute
from pom_lib.compute import (
    analysis,
    changes,
    comparison,
    execution,
    findings,
    monitoring,
    projections,
    quality,
    reconciliation,
    strategic_framework,
)
from pom_lib.data.plan import Plan, load_plan
from tests.support.paths import EXECUTION_CSV, FICTIONAL_PLAN_DIR, FIXTURES, PLAN_DIR

# What a string of prose markup looks like; the names say what was found.
MARKUP = {
    "negrita «**»": re.compile(r"\*\*"),
    "enlace «[..](..)»": re.compile(r"\[[^\]\n]*\]\([^)\n]*\)"),
    "rol de MyST «{glue…}»": re.compile(r"\{(glue|numref|ref|doc|download|eq)[:}]"),
    "etiqueta HTML «<tag>»": re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>"),
    "título «#»": re.compile(r"^#{1,6}\s", re.MULTILINE),
    "fila de tabla «|…|»": re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE),
    "cita «> »": re.compile(r"^>(\s|$)", re.MULTILINE),
    "escape de Markdown «\\*»": re.compile(r"\\[\\`*_{}\[\]()#+!|<>-]"),
    "cursiva «*…*»": re.compile(r"(?<![\w*\\])\*[^\s*][^*\n]*(?<![\s\\])\*(?![\w*])"),
}

EDITION_YEAR = 2026  # the execution fixture is of 2025, the real plan's first year


class Case:
    """One plan to run the compute functions on, with another plan to compare it with and, when the
    execution fixture belongs to the plan it monitors, that execution."""

    def __init__(self, name: str, folder: Path, other: Path, previous: Path | None, with_execution: bool):
        self.name = name
        self.plan = _plan(folder)
        self.other = _plan(other)
        self.previous = _plan(previous) if previous else None
        self.with_execution = with_execution

    @property
    def monitoring(self) -> monitoring.Monitoring:
        if not self.with_execution:
            pytest.skip(f"{self.name}: la ejecución de prueba es del plan real, que este plan no sigue")
        return _monitoring(self.name)

    @property
    def monitored(self) -> Plan:
        return self.monitoring.monitored

    @property
    def program(self) -> str:
        return str(self.plan.programs["programa_id"].iloc[0])


@cache
def _plan(folder: Path) -> Plan:
    return load_plan(folder)


def _cases() -> dict[str, tuple]:
    """name → (folder, plan compared with, previous edition, whether the execution fixture applies)."""
    cases = {
        "real": (PLAN_DIR, FICTIONAL_PLAN_DIR, None, True),
        "ficticio-2026-2030": (FICTIONAL_PLAN_DIR, PLAN_DIR, PLAN_DIR, True),
    }
    for folder in sorted(path for path in (FIXTURES / "planes").iterdir() if path.is_dir()):
        cases[folder.name] = (folder, PLAN_DIR, None, False)
    return cases


CASES = _cases()


@cache
def _case(name: str) -> Case:
    return Case(name, *CASES[name])


@cache
def _monitoring(name: str) -> monitoring.Monitoring:
    case = _case(name)
    return monitoring.monitoring(case.plan, case.previous, EDITION_YEAR, EXECUTION_CSV)


def _monitoring_results(followed: monitoring.Monitoring) -> dict:
    """A Monitoring and everything it computes (its properties run the compute functions); the figures of
    execution only with data, as the chapter asks for them."""
    names = ["cutoff", "has_data", "years", "last_year", "newer", "first_goal_year", "coverage"]
    if followed.has_data:
        names += ["attainment", "projection", "financial_path", "coverage_path"]
    return {"monitoring": followed, **{name: getattr(followed, name) for name in names}}


def _first_texts(case: Case) -> tuple[str, str]:
    """Two statements to compare word by word: the first of each plan."""
    return tuple(str(plan["marco_estrategico"]["texto"].iloc[0]) for plan in (case.other, case.plan))


SCENARIOS = projections.default_scenarios(5.0)


# Each public function of compute/, called the way its callers call it.
def _compared(c) -> list:
    """The case's plan and the other plan as two institutions of a portal."""
    return [comparison.Compared("A", c.plan.years[0], c.plan), comparison.Compared("B", c.other.years[0], c.other)]


CALLS = {
    comparison.yearly_goals: lambda c: comparison.yearly_goals(_compared(c)),
    comparison.measured_share: lambda c: comparison.measured_share(_compared(c)[0]),
    comparison.measured_shares: lambda c: comparison.measured_shares(_compared(c)),
    comparison.main_indicator: lambda c: comparison.main_indicator(_compared(c)[0]),
    comparison.main_indicators: lambda c: comparison.main_indicators(_compared(c)),
    comparison.total_growth: lambda c: comparison.total_growth(_compared(c)[0]),
    comparison.total_growths: lambda c: comparison.total_growths(_compared(c)),
    comparison.institution_summary: lambda c: comparison.institution_summary(_compared(c)[0]),
    analysis.budget_by_program: lambda c: analysis.budget_by_program(c.plan),
    analysis.budget_shares: lambda c: analysis.budget_shares(c.plan),
    analysis.yearly_totals: lambda c: analysis.yearly_totals(c.plan),
    analysis.compound_growth: lambda c: analysis.compound_growth(c.plan.years[0], c.plan.years[-1], 4),
    analysis.product_growth: lambda c: analysis.product_growth(c.plan),
    analysis.unit_costs: lambda c: analysis.unit_costs(c.plan),
    analysis.unit_cost_changes: lambda c: analysis.unit_cost_changes(c.plan),
    analysis.cost_driver: lambda c: [analysis.cost_driver(f, p) for f in (-10.0, 0.0, 30.0) for p in (-5.0, 0.0, 8.0)],
    analysis.unit_cost_outliers: lambda c: analysis.unit_cost_outliers(c.plan),
    changes.item_changes: lambda c: changes.item_changes(c.other, c.plan),
    changes.goal_changes: lambda c: changes.goal_changes(c.other, c.plan),
    changes.total_changes: lambda c: changes.total_changes(c.other, c.plan),
    changes.changes_summary: lambda c: changes.changes_summary(c.other, c.plan),
    changes.fiche_changes: lambda c: changes.fiche_changes(c.other, c.plan),
    changes.fiche_goal_changes: lambda c: changes.fiche_goal_changes(c.other, c.plan),
    changes.final_goal: lambda c: changes.final_goal(c.plan, c.plan.main_fiche),
    changes.key_figure_changes: lambda c: changes.key_figure_changes(c.other, c.plan),
    changes.unit_changes: lambda c: changes.unit_changes(c.other, c.plan),
    changes.program_changes: lambda c: changes.program_changes(c.other, c.plan),
    changes.action_changes: lambda c: changes.action_changes(c.other, c.plan),
    changes.statement_changes: lambda c: changes.statement_changes(c.other, c.plan),
    changes.word_diff: lambda c: changes.word_diff(*_first_texts(c)),
    execution.yearly_execution: lambda c: execution.yearly_execution(c.monitoring.execution),
    execution.attainment: lambda c: execution.attainment(
        c.monitored, c.monitoring.execution, c.monitoring.cutoff, execution.Thresholds()
    ),
    execution.coverage_execution: lambda c: execution.coverage_execution(c.monitored, c.monitoring.execution),
    execution.projected_attainment: lambda c: execution.projected_attainment(
        c.monitored, c.monitoring.execution, c.monitoring.cutoff
    ),
    findings.unmeasured_money: lambda c: findings.unmeasured_money(c.plan),
    findings.uncovered_population: lambda c: findings.uncovered_population(c.plan),
    findings.cost_outpacing_output: lambda c: findings.cost_outpacing_output(c.plan),
    findings.round_trip_reallocation: lambda c: findings.round_trip_reallocation(c.plan),
    findings.money_without_output: lambda c: findings.money_without_output(c.plan),
    findings.unquantified_commitments: lambda c: findings.unquantified_commitments(c.plan),
    findings.lagging_products: lambda c: findings.lagging_products(c.monitoring.attainment, c.monitoring.cutoff),
    findings.projected_shortfall: lambda c: findings.projected_shortfall(c.monitoring.coverage_path, "personas"),
    findings.findings: lambda c: findings.findings(c.plan),
    findings.main_points: lambda c: findings.main_points(findings.findings(c.plan)),
    monitoring.cutoff_year: lambda c: monitoring.cutoff_year(EDITION_YEAR),
    monitoring.monitored_plan: lambda c: monitoring.monitored_plan(c.plan, c.previous, EDITION_YEAR),
    monitoring.monitored_years: lambda c: monitoring.monitored_years(c.plan, EDITION_YEAR),
    monitoring.has_current_budget: lambda c: monitoring.has_current_budget(c.monitoring.attainment),
    monitoring.semaforo_counts: lambda c: monitoring.semaforo_counts(c.monitoring.attainment),
    monitoring.newer_indicator_goals: lambda c: monitoring.newer_indicator_goals(c.plan),
    monitoring.newer_financial_goals: lambda c: monitoring.newer_financial_goals(
        c.monitoring.financial_path, c.monitoring.projection, c.plan
    ),
    monitoring.coverage_projection: lambda c: monitoring.coverage_projection(
        c.monitored, c.monitoring.execution, c.monitoring.cutoff
    ),
    monitoring.financial_path: lambda c: monitoring.financial_path(c.monitoring.projection),
    monitoring.execution_overview: lambda c: monitoring.execution_overview(c.monitored, c.monitoring.execution),
    monitoring.monitoring: lambda c: _monitoring_results(
        monitoring.monitoring(c.plan, c.previous, EDITION_YEAR, EXECUTION_CSV if c.with_execution else None)
    ),
    projections.default_scenarios: lambda c: projections.default_scenarios(5.0),
    projections.extend: lambda c: [
        projections.extend(analysis.yearly_totals(c.plan)["total"], c.plan.years[-1] + 3, s) for s in SCENARIOS
    ],
    projections.coverage_path: lambda c: projections.coverage_path(c.plan),
    projections.coverage_projection: lambda c: projections.coverage_projection(c.plan, c.plan.years[-1] + 5, SCENARIOS),
    projections.budget_projection: lambda c: projections.budget_projection(c.plan, c.plan.years[-1] + 5, SCENARIOS),
    projections.years_to_reach: lambda c: projections.years_to_reach(c.plan, 90.0),
    quality.unnamed_items: lambda c: quality.unnamed_items(c.plan),
    quality.units_outside_product_sum: lambda c: quality.units_outside_product_sum(c.plan),
    quality.zero_financial_goals: lambda c: quality.zero_financial_goals(c.plan),
    quality.mirrored_products: lambda c: quality.mirrored_products(c.plan),
    quality.anomalies: lambda c: quality.anomalies(c.plan),
    reconciliation.formula_terms: lambda c: reconciliation.formula_terms(c.plan, c.plan.main_fiche),
    reconciliation.relative_coverage: lambda c: reconciliation.relative_coverage(c.plan, 1000.0),
    reconciliation.product_rules: lambda c: reconciliation.product_rules(c.plan),
    reconciliation.total_rules: lambda c: reconciliation.total_rules(c.plan),
    reconciliation.indicator_values: lambda c: reconciliation.indicator_values(c.plan),
    reconciliation.indicator_rules: lambda c: reconciliation.indicator_rules(c.plan),
    reconciliation.population_rules: lambda c: reconciliation.population_rules(c.plan),
    reconciliation.reconcile: lambda c: reconciliation.reconcile(c.plan),
    reconciliation.summary: lambda c: reconciliation.summary(reconciliation.reconcile(c.plan)),
    reconciliation.figure_text: lambda c: [reconciliation.figure_text(v) for v in (46.18391, -0.00001, 1200.0)],
    reconciliation.acknowledgement_line: lambda c: [
        reconciliation.acknowledgement_line(row) for row in reconciliation.reconcile(c.plan).itertuples()
    ],
    reconciliation.review_acknowledgements: lambda c: reconciliation.review_acknowledgements(
        c.plan, reconciliation.reconcile(c.plan)
    ),
    strategic_framework.statements: lambda c: strategic_framework.statements(
        c.plan,
        strategic_framework.OBJECTIVE_KINDS + strategic_framework.RESULT_KINDS + strategic_framework.LINKAGE_KINDS,
    ),
    strategic_framework.actions: lambda c: [
        strategic_framework.actions(c.plan, p) for p in c.plan.programs["programa_id"]
    ],
    strategic_framework.program_name: lambda c: [
        strategic_framework.program_name(c.plan, p) for p in c.plan.programs["programa_id"]
    ],
    strategic_framework.program_summary: lambda c: strategic_framework.program_summary(c.plan),
    strategic_framework.program_products: lambda c: [
        strategic_framework.program_products(c.plan, p) for p in c.plan.programs["programa_id"]
    ],
    strategic_framework.plan_objective_links: lambda c: strategic_framework.plan_objective_links(c.plan),
    strategic_framework.indicator_programs: lambda c: strategic_framework.indicator_programs(c.plan),
    strategic_framework.indicator_link: lambda c: strategic_framework.indicator_link(c.plan),
    strategic_framework.objective_links: lambda c: strategic_framework.objective_links(c.plan),
    strategic_framework.population_concentration: lambda c: strategic_framework.population_concentration(c.plan),
    strategic_framework.unlinked_products: lambda c: strategic_framework.unlinked_products(c.plan),
}

# Public functions not run here, and why.
SKIPPED: dict = {}


def _public_functions() -> list:
    """Every public function defined in a module of compute/ (not those it imports)."""
    modules = [getattr(compute, name) for name in dir(compute) if not name.startswith("_")]
    modules = [module for module in modules if inspect.ismodule(module)]
    return [
        function
        for module in modules
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    ]


def _name(function) -> str:
    return f"{function.__module__.removeprefix('pom_lib.')}.{function.__name__}"


def test_every_public_compute_function_is_run_here_or_skipped_with_a_reason():
    compute_modules = {path.stem for path in Path(compute.__file__).parent.glob("*.py") if path.stem != "__init__"}
    imported = {name for name in compute_modules if name in globals()}
    assert imported == compute_modules, f"módulos de compute/ sin importar en esta prueba: {compute_modules - imported}"
    missing = [_name(f) for f in _public_functions() if f not in CALLS and f not in SKIPPED]
    assert not missing, f"funciones públicas de compute/ que esta prueba no corre: {missing}"


def _strings(value, where: str):
    """(place, text) for every string inside a result: DataFrames, Series, dicts, lists, dataclasses."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Plan) or value is None:
        return
    elif isinstance(value, pd.DataFrame):
        yield from _strings(list(value.columns), f"{where}, columnas")
        yield from _strings(list(value.index), f"{where}, índice")
        for column in value.columns:
            yield from _strings(value[column].tolist(), f"{where}[{column!r}]")
    elif isinstance(value, pd.Series):
        yield from _strings(value.name, f"{where}, nombre")
        yield from _strings(list(value.index), f"{where}, índice")
        yield from _strings(value.tolist(), where)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, f"{where}, clave")
            yield from _strings(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple, set, frozenset)):
        for position, item in enumerate(value):
            yield from _strings(item, f"{where}[{position}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name), f"{where}.{field.name}")


def markup_in(value) -> list[str]:
    """What markup each string of a result holds: «place: kind in 'text'»."""
    return [
        f"{where}: {kind} en {text[:80]!r}"
        for where, text in _strings(value, "resultado")
        for kind, pattern in MARKUP.items()
        if pattern.search(text)
    ]


def test_the_markup_detector_finds_each_kind_and_passes_plain_text():
    assert markup_in({"a": "uno **dos**"}) and markup_in(["[texto](https://x.org)"])
    assert markup_in(pd.DataFrame({"x": ["{glue:md}`cifra`"]})) and markup_in("<b>x</b>")
    assert markup_in("## Título") and markup_in("| a | b |") and markup_in("> cita") and markup_in(r"a\*b")
    assert markup_in("una *cursiva* aquí")
    plain = ["Q1,234,567", "47.1 %", "Meta física > 0", "a < b", "sección 1, «Marco»", "3 * 4", "PRD01|PRD02"]
    assert markup_in(plain) == []


@pytest.mark.parametrize("function", list(CALLS), ids=_name)
@pytest.mark.parametrize("case", list(CASES))
def test_compute_returns_no_markup(case, function):
    found = markup_in(CALLS[function](_case(case)))
    assert not found, f"{_name(function)} devuelve marcas en el plan {case}:\n" + "\n".join(found[:10])
