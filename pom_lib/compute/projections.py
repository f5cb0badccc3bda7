"""Extrapolation of coverage and budget beyond the plan period, under stated scenarios.

Every projection is an assumption made explicit, not a forecast: the scenario says how the
series continues after the plan's last year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pom_lib.compute.analysis import compound_growth
from pom_lib.compute.reconciliation import indicator_values
from pom_lib.data.plan import Plan


@dataclass(frozen=True)
class Scenario:
    """How a series continues after the plan: `tendencia` (the plan's average yearly growth),
    `constante` (frozen at the last year) or `tasa` (a given yearly growth in percent)."""

    name: str
    kind: str
    rate_pct: float = 0.0

    def __post_init__(self):
        if self.kind not in ("tendencia", "constante", "tasa"):
            raise ValueError(f"Escenario desconocido: {self.kind!r} (use «tendencia», «constante» o «tasa»)")


def default_scenarios(alternative_rate_pct: float) -> list[Scenario]:
    return [
        Scenario("Tendencia del plan", "tendencia"),
        Scenario("Sin crecimiento", "constante"),
        Scenario(f"Crecimiento de {alternative_rate_pct:g} % anual", "tasa", alternative_rate_pct),
    ]


def extend(series: pd.Series, until: int, scenario: Scenario) -> pd.Series:
    """Continue a yearly series (index = year) up to `until` under a scenario."""
    series = series.sort_index().astype(float)
    first, last = int(series.index[0]), int(series.index[-1])
    if scenario.kind == "tendencia":
        rate = compound_growth(series.iloc[0], series.iloc[-1], last - first)
    elif scenario.kind == "constante":
        rate = 0.0
    else:
        rate = scenario.rate_pct
    years = np.arange(last + 1, until + 1)
    future = series.iloc[-1] * (1 + rate / 100) ** (years - last)
    return pd.Series(future, index=years, dtype=float)


def coverage_path(plan: Plan, fiche_id: str | None = None) -> pd.DataFrame:
    """Published coverage (absolute persons, relative %) from the baseline to the plan's last year."""
    fiche_id = fiche_id or plan.main_fiche
    values = indicator_values(plan)
    values = values[values["ficha_id"] == fiche_id].set_index("anio")
    return values[["absoluto_publicado", "relativo_publicado"]].rename(
        columns={"absoluto_publicado": "personas", "relativo_publicado": "cobertura_pct"}
    )


def coverage_projection(
    plan: Plan, until: int, scenarios: list[Scenario], population_growth_pct: float = 0.0, fiche_id: str | None = None
) -> pd.DataFrame:
    """Persons served and coverage after the plan, per scenario.

    Coverage divides by the target population, which grows at `population_growth_pct` a year
    from the plan's figure (the plan keeps it fixed). Coverage is capped at 100 %.
    Columns: escenario, anio, personas, poblacion_objetivo, cobertura_pct.
    """
    path = coverage_path(plan, fiche_id)
    population = plan.target_population
    last = plan.years[-1]
    frames = []
    for scenario in scenarios:
        persons = extend(path["personas"], until, scenario)
        target = population * (1 + population_growth_pct / 100) ** (persons.index - last)
        persons = np.minimum(persons, target)
        frames.append(
            pd.DataFrame(
                {
                    "escenario": scenario.name,
                    "anio": persons.index,
                    "personas": persons.values,
                    "poblacion_objetivo": target,
                    "cobertura_pct": 100 * persons.values / target,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def budget_projection(plan: Plan, until: int, scenarios: list[Scenario]) -> pd.DataFrame:
    """Yearly total budget after the plan, per scenario. Columns: escenario, anio, total."""
    totals = plan["totales_anuales"].set_index("anio")["meta_financiera"].astype(float)
    totals.index = totals.index.astype(int)
    frames = [
        pd.DataFrame({"escenario": s.name, "anio": (ext := extend(totals, until, s)).index, "total": ext.values})
        for s in scenarios
    ]
    return pd.concat(frames, ignore_index=True)


def years_to_reach(plan: Plan, target_pct: float, fiche_id: str | None = None) -> int | None:
    """First year the coverage reaches `target_pct` at the plan's own pace (fixed population)."""
    path = coverage_path(plan, fiche_id)
    if (path["cobertura_pct"] >= target_pct).any():
        return int(path.index[path["cobertura_pct"] >= target_pct][0])
    scenario = Scenario("Tendencia del plan", "tendencia")
    persons = extend(path["personas"], plan.years[-1] + 200, scenario)
    coverage = 100 * persons / plan.target_population
    reached = coverage[coverage >= target_pct]
    return int(reached.index[0]) if not reached.empty else None
