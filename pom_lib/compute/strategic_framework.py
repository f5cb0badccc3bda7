"""How the plan's objectives, programs, actions and products relate, and what its statements are.

Rows and numbers only: which statements and actions the document has, each program's actions,
products and budget, the links between operational objectives and programs, where the target
population is. pom_lib.present.strategic_framework quotes the statements and writes the tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pom_lib.compute import analysis
from pom_lib.data import contract
from pom_lib.data.plan import Plan, per_plan

DOCUMENT = "Explícito en el documento"
READING = "Lectura del equipo"
UNLINKED = "Sin objetivo operativo evidente"


def statements(plan: Plan, kinds: Iterable[str]) -> pd.DataFrame:
    """Rows of marco_estrategico for the given kinds, in the order the kinds are given."""
    frames = [plan.statements(kind) for kind in kinds]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return plan["marco_estrategico"].iloc[0:0]
    return pd.concat(frames, ignore_index=True)


LINKAGE_KINDS = ("plan_nacional_desarrollo", "meta_estrategica_desarrollo", "red", "eje_pgg", "linea_pgg")
RESULT_KINDS = ("resultado_institucional", "nivel_resultado")
OBJECTIVE_KINDS = ("objetivo_estrategico", "objetivo_institucional", "objetivo_operativo")


def actions(plan: Plan, program_id: str) -> pd.DataFrame:
    """The actions of one program, in document order."""
    data = plan["acciones"]
    return data[data["programa_id"] == program_id].sort_values("orden").reset_index(drop=True)


def program_name(plan: Plan, program_id: str) -> str:
    return str(plan.programs.set_index("programa_id").loc[program_id, "nombre"])


@per_plan
def program_summary(plan: Plan) -> pd.DataFrame:
    """Per program, in plan order: named in the document?, actions, groups, products, budget and shares.

    Columns: programa_id, programa, nombrado_en_documento, acciones, grupos, productos,
    meta_financiera_<first>, meta_financiera_<last>, meta_financiera_periodo,
    participacion_<first>, participacion_<last>, participacion_periodo (percentage points).
    """
    first, last = plan.years[0], plan.years[-1]
    budget = analysis.budget_by_program(plan)
    budget.index = plan.programs["programa_id"].tolist()
    period = budget.sum(axis=1)
    all_actions = plan["acciones"]
    rows = []
    for program in plan.programs.itertuples():
        own = all_actions[all_actions["programa_id"] == program.programa_id]
        rows.append(
            {
                "programa_id": program.programa_id,
                "programa": program.nombre,
                "nombrado_en_documento": bool(program.nombrado_en_documento),
                "acciones": len(own),
                "grupos": own["grupo"].nunique(),
                "productos": int((plan.products["programa_id"] == program.programa_id).sum()),
                f"meta_financiera_{first}": float(budget.loc[program.programa_id, first]),
                f"meta_financiera_{last}": float(budget.loc[program.programa_id, last]),
                "meta_financiera_periodo": float(period[program.programa_id]),
                f"participacion_{first}": 100 * float(budget.loc[program.programa_id, first] / budget[first].sum()),
                f"participacion_{last}": 100 * float(budget.loc[program.programa_id, last] / budget[last].sum()),
                "participacion_periodo": 100 * float(period[program.programa_id] / period.sum()),
            }
        )
    return pd.DataFrame(rows)


def program_products(plan: Plan, program_id: str) -> pd.DataFrame:
    """The products that fund a program: first- and last-year financial goals and their change.

    Columns: producto_id, producto, unidad_medida, meta_financiera_<first>, meta_financiera_<last>
    (one column in a one-year plan), variacion_pct (NaN when the first year is zero or the plan has
    one year), participacion_programa (share of the program's budget over the whole period,
    percentage points).
    """
    first, last = plan.years[0], plan.years[-1]
    goals = plan["metas_productos"].set_index(["producto_id", "anio"])["meta_financiera"].astype(float)
    products = plan.products[plan.products["programa_id"] == program_id]
    period = {pid: float(goals.loc[pid].sum()) for pid in products["producto_id"]}
    program_total = sum(period.values())
    rows = []
    columns = [
        "producto_id",
        "producto",
        "unidad_medida",
        *dict.fromkeys([f"meta_financiera_{first}", f"meta_financiera_{last}"]),
        "variacion_pct",
        "participacion_programa",
    ]
    for product in products.itertuples():
        start, end = float(goals.loc[(product.producto_id, first)]), float(goals.loc[(product.producto_id, last)])
        rows.append(
            {
                "producto_id": product.producto_id,
                "producto": product.nombre,
                "unidad_medida": product.unidad_medida,
                f"meta_financiera_{first}": start,
                f"meta_financiera_{last}": end,
                "variacion_pct": 100 * (end - start) / start if start and last > first else float("nan"),
                "participacion_programa": 100 * period[product.producto_id] / program_total
                if program_total
                else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class ObjectiveLink:
    """A program (or some of its subproducts) that serves an operational objective."""

    objective: int  # `orden` of the objetivo_operativo statement
    program_id: str
    basis: str  # DOCUMENT or READING
    subproducts: tuple[str, ...] = ()  # empty: the whole program
    scope: str = ""  # what part of the program, when subproducts are given


def plan_objective_links(plan: Plan) -> list[ObjectiveLink]:
    """The links of the plan's objetivos_programas table (none if the plan has no such table)."""
    if "objetivos_programas" not in plan.tables:
        return []
    basis = {"documento": DOCUMENT, "lectura": READING}
    return [
        ObjectiveLink(
            int(row.objetivo_orden),
            str(row.programa_id),
            basis[str(row.vinculo)],
            tuple(str(row.subproductos).split()) if pd.notna(row.subproductos) else (),
            str(row.alcance) if pd.notna(row.alcance) else "",
        )
        for row in plan["objetivos_programas"].sort_values("objetivo_orden").itertuples()
    ]


def indicator_programs(plan: Plan) -> list[str]:
    """The programs whose subproducts some fiche's formula adds up, in plan order: what the indicators measure."""
    terms = set(plan["fichas_formula"]["subproducto_id"])
    measured = set(plan.subproducts.loc[plan.subproducts["subproducto_id"].isin(terms), "programa_id"])
    return [p for p in plan.programs["programa_id"] if p in measured]


def indicator_link(plan: Plan) -> ObjectiveLink | None:
    """The document's own link between an operational objective and the program of the main indicator.

    That is the link marked «documento» whose program produces the subproducts the main
    indicator's formula adds up; None when there is no such link, or more than one.
    """
    from pom_lib.compute.reconciliation import formula_terms

    terms = set(formula_terms(plan, plan.main_fiche))
    producing = set(plan.subproducts.loc[plan.subproducts["subproducto_id"].isin(terms), "programa_id"])
    objectives = set(plan.statements("objetivo_operativo")["orden"])
    found = [
        link
        for link in plan_objective_links(plan)
        if link.basis == DOCUMENT
        and link.program_id in producing
        and link.objective in objectives
        and not link.subproducts
    ]
    return found[0] if len(found) == 1 else None


def _link_budget(plan: Plan, link: ObjectiveLink) -> pd.Series:
    goals = plan.goals
    if link.subproducts:
        rows = goals[(goals["nivel"] == "subproducto") & goals["subproducto_id"].isin(link.subproducts)]
    else:
        rows = goals[(goals["nivel"] == "producto") & (goals["programa_id"] == link.program_id)]
    return rows.groupby("anio")["meta_financiera"].sum().reindex(plan.years, fill_value=0).astype(float)


def objective_links(plan: Plan, links: Iterable[ObjectiveLink] | None = None) -> pd.DataFrame:
    """Operational objectives with the program (part) serving each, its budget and the link's basis.

    Links whose objective or program is not in the plan are dropped; a last row holds the
    budget no link covers. Columns: objetivo, orden, programa_id, programa, alcance, vinculo,
    one column per year (quetzales), periodo, participacion_periodo (percentage points).
    """
    links = plan_objective_links(plan) if links is None else links
    objectives = plan.statements("objetivo_operativo").set_index("orden")["titulo"]
    program_ids = set(plan.programs["programa_id"])
    products = plan.goals[plan.goals["nivel"] == "producto"]
    total = products.groupby("anio")["meta_financiera"].sum().reindex(plan.years).astype(float)
    rows, covered = [], pd.Series(0.0, index=plan.years)
    for link in links:
        if link.objective not in objectives.index or link.program_id not in program_ids:
            continue
        budget = _link_budget(plan, link)
        covered += budget
        rows.append(
            {
                "objetivo": objectives[link.objective],
                "orden": link.objective,
                "programa_id": link.program_id,
                "programa": program_name(plan, link.program_id),
                "alcance": link.scope,
                "vinculo": link.basis,
                **budget.to_dict(),
            }
        )
    rest = total - covered
    rows.append(
        {
            "objetivo": UNLINKED,
            "orden": pd.NA,
            "programa_id": "",
            "programa": "",
            "alcance": "",
            "vinculo": "",
            **rest.to_dict(),
        }
    )
    table = pd.DataFrame(rows)
    table["periodo"] = table[plan.years].sum(axis=1)
    table["participacion_periodo"] = 100 * table["periodo"] / float(total.sum())
    return table


def population_concentration(plan: Plan) -> dict:
    """Where the target population is: the largest place, the other places, the row grouping the rest.

    Returns region (name of the largest place, never the `resto` row), persons and share (points,
    of the sum of all rows) of the largest, the names of the other places in plan order and their
    share, the `resto` row's name (None without one) and share, and the total.
    """
    population = plan["poblacion_objetivo"].sort_values("orden")
    total = float(population["personas"].sum())
    places = population[population["rol"] != contract.REST_ROLE]
    rest = population[population["rol"] == contract.REST_ROLE]
    largest = places.sort_values("personas", ascending=False, kind="stable").iloc[0] if not places.empty else None
    others = places[places["region_id"] != largest["region_id"]] if largest is not None else places

    def share(persons: float) -> float:
        return 100 * persons / total if total else float("nan")

    return {
        "region": str(largest["region"]) if largest is not None else None,
        "personas": float(largest["personas"]) if largest is not None else 0.0,
        "participacion": share(float(largest["personas"])) if largest is not None else 0.0,
        "otros_nombrados": [str(r) for r in others["region"]],
        "participacion_otros_nombrados": share(float(others["personas"].sum())),
        "resto": str(rest["region"].iloc[0]) if not rest.empty else None,
        "participacion_resto": share(float(rest["personas"].sum())),
        "total": total,
    }


def unlinked_products(plan: Plan, links: Iterable[ObjectiveLink] | None = None) -> pd.DataFrame:
    """Products with budget no objective link covers (whole, or beyond the linked subproducts).

    Columns: producto_id, producto, periodo (uncovered quetzales over the period).
    """
    links = [
        link
        for link in (plan_objective_links(plan) if links is None else links)
        if link.program_id in set(plan.programs["programa_id"])
        and link.objective in set(plan.statements("objetivo_operativo")["orden"])
    ]
    whole = {link.program_id for link in links if not link.subproducts}
    linked_subs = {s for link in links for s in link.subproducts}
    goals = plan.goals
    products = goals[(goals["nivel"] == "producto") & ~goals["programa_id"].isin(whole)]
    budget = products.groupby("producto_id", sort=False)["meta_financiera"].sum().astype(float)
    subs = goals[(goals["nivel"] == "subproducto") & goals["subproducto_id"].isin(linked_subs)]
    budget = budget.sub(subs.groupby("producto_id")["meta_financiera"].sum().astype(float), fill_value=0)
    budget = budget[budget > 0]
    names = plan.products.set_index("producto_id")["nombre"]
    return pd.DataFrame(
        {"producto_id": budget.index, "producto": budget.index.map(names), "periodo": budget.to_numpy()}
    ).reset_index(drop=True)
