"""Variants of a plan folder written as CSV: rows kept, changed or dropped, the period cut or moved."""

import csv
from pathlib import Path


def read_rows(folder: Path, table: str) -> list[dict]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def write_rows(folder: Path, table: str, rows: list[dict]) -> None:
    """Rewrite a table with these rows, keeping the file's columns."""
    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def keep_rows(folder: Path, table: str, keep) -> None:
    """Leave in a table only the rows for which keep(row) is true."""
    write_rows(folder, table, [row for row in read_rows(folder, table) if keep(row)])


def change_rows(folder: Path, table: str, where, **values) -> None:
    """Set columns of the rows for which where(row) is true."""
    write_rows(folder, table, [{**row, **values} if where(row) else row for row in read_rows(folder, table)])


# Tables with a year column, cut or moved with the plan's period.
YEAR_COLUMNS = {
    "metas_productos": "anio",
    "metas_subproductos": "anio",
    "totales_anuales": "anio",
    "fichas_metas": "anio",
    "cifras_clave": "anio",
    "fichas": "anio_linea_base",
}


def end_in(folder: Path, last_year: int) -> None:
    """The plan cut at `last_year`: later goals, totals and key figures are dropped."""
    for table, column in YEAR_COLUMNS.items():
        keep_rows(folder, table, lambda row, c=column: not row[c] or int(row[c]) <= last_year)
    change_rows(folder, "plan", lambda row: True, anio_fin=str(last_year))


def shift_years(folder: Path, offset: int) -> None:
    """Every year of the plan moved by `offset`: a later (or earlier) plan with the same figures."""
    for table, column in YEAR_COLUMNS.items():
        write_rows(
            folder,
            table,
            [
                {**row, column: str(int(row[column]) + offset) if row[column] else ""}
                for row in read_rows(folder, table)
            ],
        )
    plan = read_rows(folder, "plan")[0]
    change_rows(
        folder,
        "plan",
        lambda row: True,
        anio_inicio=str(int(plan["anio_inicio"]) + offset),
        anio_fin=str(int(plan["anio_fin"]) + offset),
    )


def drop_fiche(folder: Path, fiche_id: str) -> None:
    for table in ("fichas", "fichas_elementos", "fichas_formula", "fichas_metas"):
        keep_rows(folder, table, lambda row: row["ficha_id"] != fiche_id)


def clear_notes(folder: Path) -> None:
    """No reading note left in programs, products or subproducts."""
    for table in ("programas", "productos", "subproductos"):
        change_rows(folder, table, lambda row: True, nota="")


def single_program(folder: Path, program_id: str) -> None:
    """Every product in one program; the other programs, and what refers to them, removed."""
    keep_rows(folder, "programas", lambda row: row["programa_id"] == program_id)
    change_rows(folder, "productos", lambda row: True, programa_id=program_id)
    for table in ("acciones", "objetivos_programas"):
        keep_rows(folder, table, lambda row: row["programa_id"] == program_id)
