"""The plan's data rules beyond its Table Schemas: each one a named function, registered in RULES.

A Table Schema checks each row on its own (types, constraints, keys); what it cannot express is
checked here, on the tables as the schema check left them: a period that holds together, complete
tables (a product without its 2027 goal, or a year without its total, would be published as a
smaller plan than the document's), one spelling per unit, and the rules the chapters rely on (one
target population, a main indicator, links to objectives that exist, names that tell rows apart,
acknowledged discrepancies that name something real).

A new rule is a function here, registered with `@rule()`, with a docstring saying what it checks
and a case in tests/test_bad_inputs.py. `rule_problems` (called by validation.load_tables) runs
them in the order they are registered: first those that read the tables as the schema check left
them, then, when neither those nor the checks before them found anything, those registered with
`valid_plan=True`, which read a valid plan (one plan row, no missing value). Every problem names
the analyst's file (or workbook and sheet), row and column, and says what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from pom_lib.core import spanish
from pom_lib.core.errors import Problem
from pom_lib.data import units
from pom_lib.data.contract import (
    ACKNOWLEDGED_ELEMENTS,
    ACKNOWLEDGEMENTS,
    MAIN_FICHE_LEVEL,
    OPERATIONAL_OBJECTIVE,
    REST_ROLE,
    ROLE_TARGET_POPULATION,
    ROLE_WOMEN,
    YEARLESS_RULE,
)
from pom_lib.data.reading import CheckedTable

# Tables whose rows each belong to one year of the plan.
PERIOD_TABLES = ("metas_productos", "metas_subproductos", "totales_anuales", "fichas_metas")
# Tables without which there is no plan to publish (the plan row itself is checked with its period): the
# matrix, and what the book's reach and indicator chapters stand on (a fiche sums subproducts' goals over the
# target population). A new plan's empty folder lists them all at once. The goals of subproducts and fiches
# are asked for item by item once their items have rows (GOAL_TABLES here, the fiches' below).
REQUIRED_TABLES = (
    "unidades",
    "programas",
    "productos",
    "subproductos",
    "metas_productos",
    "totales_anuales",
    "fichas",
    "fichas_formula",
    "poblacion_objetivo",
    "cifras_clave",
)
# Goal table, the table that lists its items, their identifier, and how messages name them.
GOAL_TABLES = (
    ("metas_productos", "productos", "producto_id", "el producto", "productos"),
    ("metas_subproductos", "subproductos", "subproducto_id", "el subproducto", "subproductos"),
)


@dataclass(frozen=True)
class PlanTables:
    """A plan's tables as the schema check left them, as the rules read them."""

    checked: dict[str, CheckedTable]

    def frame(self, table: str) -> pd.DataFrame | None:
        """A table's typed values; None when the plan has no such table (or it could not be read)."""
        found = self.checked.get(table)
        return None if found is None else found.frame

    def label(self, table: str) -> str:
        """How a message names another table: productos.csv, la hoja «productos»."""
        return self.checked[table].raw.label

    def row(self, table: str, index: int) -> int:
        """The row number the analyst sees for a table's row at `index` of its frame."""
        return self.checked[table].row_numbers[index]

    def problem(self, table: str, message: str, index: int | None = None, column: str | None = None) -> Problem:
        """A problem of a table, at the row at `index` of its frame (the whole table without one)."""
        row = self.row(table, index) if index is not None else None
        return self.checked[table].raw.problem(message, row=row, column=column)

    @cached_property
    def years(self) -> list[int]:
        """The plan's years; none when plan.csv does not state a valid period (a rule reports why)."""
        period = _stated_period(self)
        return list(range(period[0], period[1] + 1)) if period and period[0] <= period[1] else []


Check = Callable[[PlanTables], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its function's name, the function, and whether it needs a valid plan."""

    name: str
    check: Check
    valid_plan: bool


RULES: list[Rule] = []


def rule(*, valid_plan: bool = False) -> Callable[[Check], Check]:
    """Register a rule in RULES, to run after those registered before it (see the module's docstring)."""

    def register(check: Check) -> Check:
        RULES.append(Rule(check.__name__, check, valid_plan))
        return check

    return register


def rule_problems(checked: dict[str, CheckedTable], earlier: bool) -> list[Problem]:
    """Every problem the rules find in a plan's tables, rule by rule in RULES order.

    `earlier` says whether the checks before the rules (reading, schema) found problems: then, as
    when a rule on the tables as read finds one, the rules that need a valid plan do not run.
    """
    tables = PlanTables(checked)
    found = [problem for each in RULES if not each.valid_plan for problem in each.check(tables)]
    if found or earlier:
        return found
    return [problem for each in RULES if each.valid_plan for problem in each.check(tables)]


def year_problems(table: CheckedTable, first: int, last: int, column: str = "anio") -> list[Problem]:
    """Rows whose year lies outside the period first-last (an empty year is not judged here)."""
    return [
        table.raw.problem(f"el año {year} está fuera del período del plan ({first}-{last})", row=number, column=column)
        for number, year in zip(table.row_numbers, table.frame[column])
        if pd.notna(year) and not first <= year <= last
    ]


def _stated_period(tables: PlanTables) -> tuple[int, int] | None:
    """The first and last year plan.csv states, when it has one row whose values passed the schema."""
    plan = tables.checked.get("plan")
    if plan is None or not plan.valid or len(plan.frame) != 1:
        return None
    return int(plan.frame.at[0, "anio_inicio"]), int(plan.frame.at[0, "anio_fin"])


# Rules on the tables as read: values the schema refused are missing.


@rule()
def one_plan_row(tables: PlanTables) -> Iterator[Problem]:
    """plan.csv has exactly one row: the plan's institution, title and period."""
    plan = tables.checked.get("plan")
    if plan is not None and plan.valid and len(plan.frame) != 1:
        yield plan.raw.problem(f"la tabla del plan debe tener exactamente una fila de datos (tiene {len(plan.frame)})")


@rule()
def period_in_order(tables: PlanTables) -> Iterator[Problem]:
    """The plan's first year is not after its last."""
    period = _stated_period(tables)
    if period and period[0] > period[1]:
        first, last = period
        yield tables.problem(
            "plan", f"el año de inicio ({first}) es posterior al año de fin ({last})", 0, "anio_inicio"
        )


@rule()
def years_within_period(tables: PlanTables) -> Iterator[Problem]:
    """Every yearly row (goals, totals, fiche goals) lies inside the plan's period."""
    if tables.years:
        for name in PERIOD_TABLES:
            if name in tables.checked:
                yield from year_problems(tables.checked[name], tables.years[0], tables.years[-1])


@rule()
def required_tables_have_rows(tables: PlanTables) -> Iterator[Problem]:
    """The tables without which there is no plan to publish (REQUIRED_TABLES) have rows."""
    for name in REQUIRED_TABLES:
        if _left_empty(tables, name):
            yield tables.checked[name].raw.problem(
                "la tabla no tiene filas debajo del encabezado; el plan necesita al menos una: cópielas del documento"
            )


@rule()
def items_have_goals_every_year(tables: PlanTables) -> Iterator[Problem]:
    """Every product and subproduct has a goal for every year of the plan.

    Rows whose year could not be read are already reported: their item is not judged.
    """
    if not tables.years:
        return
    for goals, items, key, singular, plural in GOAL_TABLES:
        if goals in tables.checked and items in tables.checked and not _left_empty(tables, goals):
            yield from _missing_goal_problems(
                tables.checked[goals], tables.checked[items], key, (singular, plural), tables.years
            )


@rule()
def every_year_has_its_total(tables: PlanTables) -> Iterator[Problem]:
    """totales_anuales.csv has the total of every year of the plan."""
    totals = tables.checked.get("totales_anuales")
    if not tables.years or totals is None or _left_empty(tables, "totales_anuales"):
        return
    if totals.frame["anio"].isna().any():  # a year that could not be read is already reported
        return
    present = set(totals.frame["anio"].astype(int))
    for year in tables.years:
        if year not in present:
            yield totals.raw.problem(
                f"falta el total del año {year}: agregue la fila {year} con la meta "
                "financiera total que publica el documento",
                column="anio",
            )


@rule()
def units_declared_once(tables: PlanTables) -> Iterator[Problem]:
    """unidades.csv does not declare one unit twice under two spellings (case, accents, plural).

    A second spelling would switch off the check that a product's physical goal adds up its
    subproducts of the same unit.
    """
    table = tables.checked.get(units.TABLE)
    if table is None:
        return
    seen = []
    for unit, row in zip(table.frame[units.COLUMN], table.row_numbers):
        if pd.isna(unit):  # already reported as missing
            continue
        first = next(((other, other_row) for other, other_row in seen if units.same_unit(unit, other)), None)
        if first:
            yield table.raw.problem(
                f"«{unit}» es la unidad «{first[0]}» (fila {first[1]}) escrita de otra forma (mayúsculas, tildes o "
                "plural): deje una sola y úsela igual en productos y subproductos",
                row=row,
                column=units.COLUMN,
            )
        else:
            seen.append((unit, row))


def _left_empty(tables: PlanTables, name: str) -> bool:
    """Whether a required table has no rows below its header (required_tables_have_rows reports it)."""
    return name in REQUIRED_TABLES and name in tables.checked and not tables.checked[name].raw.rows


def _missing_goal_problems(
    goals: CheckedTable, items: CheckedTable, key: str, nouns: tuple[str, str], years: list[int]
) -> list[Problem]:
    """One problem per item of `items` that lacks a row in `goals` for some year of the plan
    (a single one when `goals` has no rows at all)."""
    singular, plural = nouns
    listed = [(item, row) for item, row in zip(items.frame[key], items.row_numbers) if pd.notna(item)]
    period = f"{years[0]} a {years[-1]}" if len(years) > 1 else str(years[0])
    if not goals.raw.rows:
        return (
            [
                goals.raw.problem(
                    f"la tabla no tiene filas, pero {items.raw.label} tiene {len(listed)} {plural}: "
                    f"agregue sus metas de cada año del plan ({period})"
                )
            ]
            if listed
            else []
        )
    covered: dict[str, set[int]] = {}
    unread = set()
    for item, year in zip(goals.frame[key], goals.frame["anio"]):
        if pd.isna(year):
            unread.add(item)
        elif pd.notna(item):
            covered.setdefault(item, set()).add(int(year))
    problems = []
    for item, row in listed:
        missing = [year for year in years if year not in covered.get(item, set())]
        if item in unread or not missing:
            continue
        if len(missing) == len(years):
            problems.append(
                goals.raw.problem(
                    f"{singular} {item} ({items.raw.label}, fila {row}) no tiene metas: agregue una fila por cada año "
                    f"del plan ({period})",
                    column=key,
                )
            )
        else:
            problems.append(
                goals.raw.problem(
                    f"faltan las metas de {item} para {spanish.join(map(str, missing))}: agregue una fila por año",
                    column="anio",
                )
            )
    return problems


# Rules on a valid plan: every table passed every check above.


@rule(valid_plan=True)
def target_population_given_once(tables: PlanTables) -> Iterator[Problem]:
    """cifras_clave.csv has exactly one figure of role «poblacion_objetivo», which the fiches and the scope use."""
    figures = tables.frame("cifras_clave")
    if figures is None:
        return
    targets = [i for i, role in enumerate(figures["rol"]) if role == ROLE_TARGET_POPULATION]
    if not targets:
        yield tables.problem(
            "cifras_clave",
            f"falta la cifra con rol «{ROLE_TARGET_POPULATION}» (la población objetivo total), "
            "que usan las fichas y el capítulo de alcance",
        )
    for i in targets[1:]:
        yield tables.problem(
            "cifras_clave", f"hay más de una cifra con rol «{ROLE_TARGET_POPULATION}»; deje una sola", i, "rol"
        )


@rule(valid_plan=True)
def key_figures_have_their_year(tables: PlanTables) -> Iterator[Problem]:
    """Every key figure has the year it refers to, except the target population, which has none."""
    figures = tables.frame("cifras_clave")
    if figures is None:
        return
    for i, (role, year) in enumerate(zip(figures["rol"], figures["anio"])):
        if role == ROLE_TARGET_POPULATION and pd.notna(year):
            yield tables.problem("cifras_clave", "la población objetivo no lleva año: deje «anio» vacío", i, "anio")
        elif role != ROLE_TARGET_POPULATION and pd.isna(year):
            yield tables.problem(
                "cifras_clave", f"la cifra con rol «{role}» necesita el año al que se refiere", i, "anio"
            )


@rule(valid_plan=True)
def one_key_figure_per_role_and_year(tables: PlanTables) -> Iterator[Problem]:
    """No role of cifras_clave.csv has two figures for one year."""
    figures = tables.frame("cifras_clave")
    if figures is None:
        return
    seen = {}
    for i, key in enumerate(zip(figures["rol"], figures["anio"])):
        if key in seen and key[0] != ROLE_TARGET_POPULATION:
            yield tables.problem(
                "cifras_clave",
                f"el rol «{key[0]}» ya tiene una cifra para {key[1]} (fila {tables.row('cifras_clave', seen[key])})",
                i,
                "rol",
            )
        seen.setdefault(key, i)


@rule(valid_plan=True)
def one_rest_place(tables: PlanTables) -> Iterator[Problem]:
    """At most one row of poblacion_objetivo.csv groups every place not listed on its own (role «resto»)."""
    population = tables.frame("poblacion_objetivo")
    if population is None:
        return
    rests = [i for i, role in enumerate(population["rol"]) if role == REST_ROLE]
    for i in rests[1:]:
        yield tables.problem(
            "poblacion_objetivo",
            f"solo una fila puede tener rol «{REST_ROLE}» (la primera está en la fila "
            f"{tables.row('poblacion_objetivo', rests[0])})",
            i,
            "rol",
        )


@rule(valid_plan=True)
def main_fiche_exists(tables: PlanTables) -> Iterator[Problem]:
    """fichas.csv has a product-level fiche: the first one is the plan's main indicator."""
    fiches = tables.frame("fichas")
    if fiches is not None and not (fiches["nivel"] == MAIN_FICHE_LEVEL).any():
        yield tables.problem(
            "fichas",
            f"falta una ficha de nivel «{MAIN_FICHE_LEVEL}»: la primera es el indicador principal "
            "del plan, que usan los capítulos de alcance, fichas y proyecciones",
        )


@rule(valid_plan=True)
def fiches_have_formula_terms(tables: PlanTables) -> Iterator[Problem]:
    """Every fiche has terms in fichas_formula.csv: the subproducts its numerator adds up."""
    fiches, formula = tables.frame("fichas"), tables.frame("fichas_formula")
    if fiches is None or formula is None:
        return
    with_terms = set(formula["ficha_id"])
    for i, fiche in enumerate(fiches["ficha_id"]):
        if fiche not in with_terms:
            yield tables.problem(
                "fichas",
                f"la ficha «{fiche}» no tiene términos en fichas_formula.csv: escriba allí los "
                "subproductos cuya meta física suma el numerador del indicador",
                i,
                "ficha_id",
            )


@rule(valid_plan=True)
def fiches_have_goals_every_year(tables: PlanTables) -> Iterator[Problem]:
    """Every fiche has a goal in fichas_metas.csv for every year of the plan."""
    fiches, goals = tables.frame("fichas"), tables.frame("fichas_metas")
    if fiches is None or goals is None:
        return
    given: dict[str, set[int]] = {}
    for fiche, year in zip(goals["ficha_id"], goals["anio"]):
        given.setdefault(fiche, set()).add(int(year))
    for fiche in fiches["ficha_id"]:
        missing = ", ".join(str(year) for year in tables.years if year not in given.get(fiche, set()))
        if missing:
            yield tables.problem(
                "fichas_metas", f"la ficha «{fiche}» no tiene meta para {missing}: escriba una fila por año del plan"
            )


@rule(valid_plan=True)
def links_name_existing_objectives(tables: PlanTables) -> Iterator[Problem]:
    """Each row of objetivos_programas names an operational objective of marco_estrategico that exists.

    A link to a missing objective would silently vanish from the book.
    """
    links, framework = tables.frame("objetivos_programas"), tables.frame("marco_estrategico")
    if links is None or framework is None:
        return
    objectives = sorted(int(o) for o in framework.loc[framework["tipo"] == OPERATIONAL_OBJECTIVE, "orden"])
    existing = (
        f"{tables.label('marco_estrategico')} tiene los objetivos operativos {spanish.join(map(str, objectives))}"
        if objectives
        else f"{tables.label('marco_estrategico')} no tiene objetivos operativos"
    )
    for i, objective in enumerate(links["objetivo_orden"]):
        if int(objective) not in objectives:
            yield tables.problem(
                "objetivos_programas",
                f"el objetivo operativo {objective} no existe: {existing} (filas de tipo "
                f"«{OPERATIONAL_OBJECTIVE}», columna «orden»); corrija el número o agregue el objetivo allí",
                i,
                "objetivo_orden",
            )


@rule(valid_plan=True)
def links_name_subproducts_of_their_program(tables: PlanTables) -> Iterator[Problem]:
    """Each subproduct a row of objetivos_programas lists exists and belongs to that row's program.

    A subproduct of another program would count that program's money as this one's.
    """
    links = tables.frame("objetivos_programas")
    programs, products, subproducts = (tables.frame(name) for name in ("programas", "productos", "subproductos"))
    if any(table is None for table in (links, programs, products, subproducts)):
        return
    program_name = dict(zip(programs["programa_id"], programs["nombre"]))
    product_program = dict(zip(products["producto_id"], products["programa_id"]))
    program_of = {
        sub: product_program.get(product)
        for sub, product in zip(subproducts["subproducto_id"], subproducts["producto_id"])
    }
    for i, (program, listed) in enumerate(zip(links["programa_id"], links["subproductos"])):
        for sub in str(listed).split() if pd.notna(listed) else []:
            if sub not in program_of:
                yield tables.problem(
                    "objetivos_programas",
                    f"el subproducto {sub} no existe en {tables.label('subproductos')}",
                    i,
                    "subproductos",
                )
            elif program_of[sub] != program:
                yield tables.problem(
                    "objetivos_programas",
                    f"el subproducto {sub} es del programa «{program_name.get(program_of[sub])}», no de "
                    f"«{program_name.get(program)}»: en esta fila solo caben subproductos de "
                    f"{program}; quítelo, o póngalo en una fila de su programa",
                    i,
                    "subproductos",
                )


@rule(valid_plan=True)
def program_names_differ(tables: PlanTables) -> Iterator[Problem]:
    """No two programs share a name (ignoring case and spacing): the book could not tell them apart."""
    yield from _same_name_problems(tables, "programas", "programa", None)


@rule(valid_plan=True)
def product_names_differ_within_program(tables: PlanTables) -> Iterator[Problem]:
    """No two products of one program share a name (ignoring case and spacing): the book could not tell them apart."""
    yield from _same_name_problems(tables, "productos", "producto", "programa_id")


def _same_name_problems(tables: PlanTables, table: str, noun: str, group: str | None) -> Iterator[Problem]:
    """Rows of `table` named like an earlier row (of the same `group`, when given)."""
    frame = tables.frame(table)
    if frame is None:
        return
    seen = {}
    for i, name in enumerate(frame["nombre"]):
        if pd.isna(name):
            continue
        key = (frame[group].iloc[i] if group else None, " ".join(str(name).split()).casefold())
        if key in seen:
            where = " del mismo programa" if group else ""
            yield tables.problem(
                table,
                f"el {noun} «{name}» se llama igual que el de la fila {tables.row(table, seen[key])}{where}: en el "
                "libro no se distinguirían; cambie el nombre de uno de los dos",
                i,
                "nombre",
            )
        seen.setdefault(key, i)


@rule(valid_plan=True)
def acknowledgements_have_rows(tables: PlanTables) -> Iterator[Problem]:
    """discrepancias_reconocidas, when present, has rows: «no table» and «no rows» are then one state."""
    acknowledged = tables.frame(ACKNOWLEDGEMENTS)
    if acknowledged is not None and acknowledged.empty:
        yield tables.problem(
            ACKNOWLEDGEMENTS,
            "la tabla no tiene filas: bórrela si el plan no reconoce ninguna discrepancia, o escriba una por fila "
            "(pom validar muestra la línea de cada comprobación que no cuadra)",
        )


@rule(valid_plan=True)
def acknowledgements_have_their_year(tables: PlanTables) -> Iterator[Problem]:
    """Each acknowledged discrepancy has the year of its check, except for the one rule checked without year."""
    acknowledged = tables.frame(ACKNOWLEDGEMENTS)
    if acknowledged is None:
        return
    for i, (rule_name, year) in enumerate(zip(acknowledged["regla"], acknowledged["anio"])):
        if rule_name == YEARLESS_RULE and pd.notna(year):
            yield tables.problem(
                ACKNOWLEDGEMENTS, f"la regla «{rule_name}» se comprueba sin año: deje «anio» vacío", i, "anio"
            )
        elif rule_name != YEARLESS_RULE and pd.isna(year):
            yield tables.problem(
                ACKNOWLEDGEMENTS, f"la regla «{rule_name}» necesita el año de la comprobación", i, "anio"
            )


@rule(valid_plan=True)
def acknowledged_elements_exist(tables: PlanTables) -> Iterator[Problem]:
    """Each acknowledged discrepancy names an existing element of its rule's kind (ACKNOWLEDGED_ELEMENTS)."""
    acknowledged = tables.frame(ACKNOWLEDGEMENTS)
    if acknowledged is None:
        return
    for i, (rule_name, element) in enumerate(zip(acknowledged["regla"], acknowledged["elemento"])):
        message = _element_problem(tables, rule_name, element)
        if message:
            yield tables.problem(ACKNOWLEDGEMENTS, message, i, "elemento")


@rule(valid_plan=True)
def acknowledged_once(tables: PlanTables) -> Iterator[Problem]:
    """No check (rule, year and element) is acknowledged twice."""
    acknowledged = tables.frame(ACKNOWLEDGEMENTS)
    if acknowledged is None:
        return
    seen = {}
    for i, row in enumerate(acknowledged.itertuples()):
        key = (row.regla, None if pd.isna(row.anio) else int(row.anio), row.elemento)
        if key in seen:
            yield tables.problem(
                ACKNOWLEDGEMENTS,
                f"la comprobación de la regla «{row.regla}» para «{row.elemento}»"
                + (f" en {key[1]}" if key[1] is not None else "")
                + f" ya está reconocida en la fila {tables.row(ACKNOWLEDGEMENTS, seen[key])}: deje una sola",
                i,
                "elemento",
            )
        seen.setdefault(key, i)


def _element_problem(tables: PlanTables, rule_name: str, element: str) -> str | None:
    """What is wrong with the element an acknowledgement names for its rule, or None."""
    kind = ACKNOWLEDGED_ELEMENTS[rule_name]
    if isinstance(kind, str):
        return None if element == kind else f"en la regla «{rule_name}» el elemento es siempre «{kind}», no «{element}»"
    table, column = kind
    frame = tables.frame(table)
    if table == "cifras_clave":
        frame = frame[frame["rol"] == ROLE_WOMEN]
        what = f"una cifra de rol «{ROLE_WOMEN}» de {tables.label(table)} (columna «{column}»)"
    else:
        what = f"un identificador de {tables.label(table)} (columna «{column}»)"
    if element in set(frame[column]):
        return None
    return f"«{element}» no existe: en la regla «{rule_name}» el elemento es {what}"
