"""A plan N times the size of a real one, valid under every rule: for the benchmark and scale tests.

Every product and subproduct of the source plan gets N − 1 replicas (same program, unit and goals,
a new identifier and a name that says which replica it is); each yearly total grows by the
replicas' financial goals, so every reconciliation rule holds exactly as it holds in the source.
Fiches, populations and key figures keep naming the original items. Files are copied as text:
only the rows of the five tables that grow are written.
"""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

GROWING = ("productos", "subproductos", "metas_productos", "metas_subproductos", "totales_anuales")


def replica_id(item_id: str, copy: int) -> str:
    """PRD01 → PRD00101 for copy 1: the same three letters, then the copy and the original number."""
    return f"{item_id[:3]}{copy:03d}{item_id[3:]}"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _replicas(rows: list[dict[str, str]], key: str, factor: int, order_step: int, parent: str | None = None):
    """Rows for copies 1..factor-1 of the items in `rows` (identified by `key`)."""
    for copy in range(1, factor):
        for row in rows:
            replica = {**row, key: replica_id(row[key], copy)}
            if parent:
                replica[parent] = replica_id(row[parent], copy)
            if "orden" in row:
                replica["orden"] = str(int(row["orden"]) + copy * order_step)
            if row.get("nombre"):
                replica["nombre"] = f"{row['nombre']} (réplica {copy})"
            if "nota" in row:
                replica["nota"] = ""
            yield replica


def write_scaled_plan(source: Path, target: Path, factor: int) -> Path:
    """Copy the plan folder `source` to `target` with `factor` times its products and subproducts."""
    shutil.copytree(source, target)
    tables = {name: _read(source / f"{name}.csv") for name in GROWING}
    header, products = tables["productos"]
    _write(target / "productos.csv", header, products + list(_replicas(products, "producto_id", factor, len(products))))
    header, subproducts = tables["subproductos"]
    _write(
        target / "subproductos.csv",
        header,
        subproducts + list(_replicas(subproducts, "subproducto_id", factor, len(subproducts), "producto_id")),
    )
    for name, key in (("metas_productos", "producto_id"), ("metas_subproductos", "subproducto_id")):
        header, goals = tables[name]
        _write(target / f"{name}.csv", header, goals + list(_replicas(goals, key, factor, 0)))
    added = {}
    for goal in tables["metas_productos"][1]:
        added[goal["anio"]] = added.get(goal["anio"], Decimal(0)) + (factor - 1) * Decimal(goal["meta_financiera"])
    header, totals = tables["totales_anuales"]
    _write(
        target / "totales_anuales.csv",
        header,
        [
            {**row, "meta_financiera": str(Decimal(row["meta_financiera"]) + added.get(row["anio"], 0))}
            for row in totals
        ],
    )
    return target
