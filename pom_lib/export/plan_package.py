"""A plan as text, whatever holds it: the cells of its tables, its package metadata and its documents.

`pom exportar`, `pom importar` and `pom nuevo-plan` move a plan between a folder and a workbook,
or into next year's folder, without changing a character on the way: cells stay the text a CSV
file holds, tables keep the library's column order, and a folder is written the one way every
plan folder is written (UTF-8 CSV with minimal quoting and «\\n» line ends; datapackage.json
indented by two spaces, declaring the format and restating the library's resources).
Besides its tables a folder holds documents: README.md and the team's commentary
(comentarios/*.md), carried along as text.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pom_lib.core import paths
from pom_lib.data import contract
from pom_lib.data.contract import field_names
from pom_lib.data.reading import RawTable, open_workbook, read_csv_table
from pom_lib.data.validation import read_table_sheet


@dataclass
class PlanPackage:
    """A plan's content as text.

    `metadata`: datapackage.json without `formato_pom` and `resources` (name, title, sources…),
    in file order. `tables[name]`: the rows of each table of the contract the plan has (an optional
    table it lacks is left out), cells as text in the library's column order. `documents`:
    README.md and comentarios/*.md by relative path.
    `left_out`: other files of the source folder, which no command carries along.
    """

    metadata: dict
    tables: dict[str, list[list[str]]]
    documents: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.tables.values())

    def column(self, table: str, name: str) -> int:
        """The position of a column in the table's rows."""
        return field_names(table).index(name)


def raw_tables(read) -> dict[str, list[list[str]]]:
    """Every table's rows in the library's column order; `read(resource)` gives its RawTable, or None
    for an optional table the plan does not have (then it is left out)."""
    tables = {}
    for resource in contract.plan_resources():
        raw = read(resource)
        if raw is None:
            continue
        positions = [raw.header.index(name) for name in field_names(resource["name"])]
        tables[resource["name"]] = [[row[p] if p < len(row) else "" for p in positions] for row in raw.rows]
    return tables


def workbook_tables(path: Path) -> dict[str, list[list[str]]]:
    """The tables of a valid workbook; an optional table's sheet, missing or empty, means the plan lacks it."""
    workbook = open_workbook(path)
    return raw_tables(lambda resource: read_table_sheet(workbook, path, resource))


def read_folder(folder: Path) -> PlanPackage:
    """A valid plan folder's package: its descriptor, tables and documents, each a regular file of the folder."""

    def read(resource: dict) -> RawTable | None:
        path = paths.folder_file(folder, resource["path"])
        return None if path is None else read_csv_table(path, field_names(resource["name"]))

    tables = raw_tables(read)
    metadata = {
        k: v for k, v in contract.read_descriptor(folder).items() if k not in (contract.FORMAT_KEY, "resources")
    }
    documents = {
        name: paths.folder_file(folder, name).read_bytes().decode("utf-8") for name in contract.document_paths(folder)
    }
    known = {contract.DESCRIPTOR, *(r["path"] for r in contract.plan_resources()), *documents}
    left_out = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.relative_to(folder).as_posix() not in known
    )
    return PlanPackage(metadata, tables, documents, left_out)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """A table as every plan folder writes it: minimal quoting, «\\n» line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def descriptor_text(package: PlanPackage) -> str:
    """datapackage.json: the format first, the plan's metadata, then the library's resources of its tables."""
    resources = contract.resources_of(package.tables)
    descriptor = {contract.FORMAT_KEY: contract.FORMAT, **package.metadata, "resources": resources}
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


def write_folder(package: PlanPackage, target: Path) -> None:
    """Write the package as a new plan folder; the folder appears only once every file is written.

    The caller has checked the place (paths.check_output); renaming the finished folder into place
    fails rather than replace a folder that has anything in it.
    """
    target = Path(target)
    staging = target.with_name(f".{target.name}.nuevo")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for resource in contract.resources_of(package.tables):
            text = csv_text(field_names(resource["name"]), package.tables[resource["name"]])
            (staging / resource["path"]).write_text(text, encoding="utf-8")
        (staging / contract.DESCRIPTOR).write_text(descriptor_text(package), encoding="utf-8")
        for path, text in package.documents.items():
            (staging / path).parent.mkdir(parents=True, exist_ok=True)
            (staging / path).write_bytes(text.encode("utf-8"))
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
