"""What chapter tests share: variants of the real plan written as CSV, and the glue keys a template prints."""

import csv
from pathlib import Path

from test_templates import _glue_keys, _template


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


def template_glue_keys(chapter: str) -> set[str]:
    """Every key the chapter's template pastes (as test_templates reads them), to check variants of the plan."""
    return _glue_keys(_template(chapter))
