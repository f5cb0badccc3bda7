"""Small variants of the real plan folder, written with the csv module, for chapters run on other plans.

Each function edits a copy in place (see conftest.plan_copy): fewer years, years shifted, rows
dropped or changed. The variants stay valid for `pom validar` unless a test means otherwise.
"""

import csv
from collections.abc import Callable
from pathlib import Path

YEAR_TABLES = {"metas_productos": "anio", "metas_subproductos": "anio", "totales_anuales": "anio",
               "fichas_metas": "anio", "cifras_clave": "anio"}


def read(folder: Path, table: str) -> list[dict]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def write(folder: Path, table: str, rows: list[dict], header: list[str] | None = None) -> None:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        header = header or next(csv.reader(file))
    with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit(folder: Path, table: str, change: Callable[[list[dict]], list[dict]]) -> None:
    """Rewrite one table with `change(rows)`."""
    write(folder, table, change(read(folder, table)))


def set_cells(folder: Path, table: str, match: dict, values: dict) -> None:
    """Set `values` in every row of `table` whose cells equal `match`; at least one row must match."""
    rows = read(folder, table)
    hits = [row for row in rows if all(row[k] == v for k, v in match.items())]
    assert hits, (table, match)
    for row in hits:
        row.update(values)
    write(folder, table, rows)


def end_in(folder: Path, last_year: int) -> None:
    """The plan cut at `last_year`: later goals, totals and key figures are dropped."""
    for table, column in YEAR_TABLES.items():
        edit(folder, table, lambda rows, c=column: [r for r in rows if not r[c] or int(r[c]) <= last_year])
    set_cells(folder, "plan", {}, {"anio_fin": str(last_year)})


def shift_years(folder: Path, offset: int) -> None:
    """Every year of the plan moved by `offset` (a later or earlier plan with the same figures)."""
    for table, column in YEAR_TABLES.items():
        edit(folder, table, lambda rows, c=column: [r | {c: str(int(r[c]) + offset) if r[c] else ""} for r in rows])
    edit(folder, "fichas", lambda rows: [r | {"anio_linea_base": str(int(r["anio_linea_base"]) + offset)}
                                         for r in rows])
    plan = read(folder, "plan")[0]
    set_cells(folder, "plan", {}, {"anio_inicio": str(int(plan["anio_inicio"]) + offset),
                                   "anio_fin": str(int(plan["anio_fin"]) + offset)})


def drop_roles(folder: Path, *roles: str) -> None:
    """Key figures of these roles removed (they are optional, except the target population)."""
    edit(folder, "cifras_clave", lambda rows: [r for r in rows if r["rol"] not in roles])


def drop_fiche(folder: Path, fiche_id: str) -> None:
    for table in ("fichas", "fichas_elementos", "fichas_formula", "fichas_metas"):
        edit(folder, table, lambda rows: [r for r in rows if r["ficha_id"] != fiche_id])


def clear_notes(folder: Path) -> None:
    for table in ("programas", "productos", "subproductos"):
        edit(folder, table, lambda rows: [r | {"nota": ""} for r in rows])


def single_program(folder: Path, program_id: str) -> None:
    """Every product in one program; the others, and what refers to them, removed."""
    edit(folder, "programas", lambda rows: [r for r in rows if r["programa_id"] == program_id])
    edit(folder, "productos", lambda rows: [r | {"programa_id": program_id} for r in rows])
    for table in ("acciones", "objetivos_programas"):
        edit(folder, table, lambda rows: [r for r in rows if r["programa_id"] == program_id])
