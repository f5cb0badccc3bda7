"""Ways to spoil a copy of a plan as analysts do: edit a CSV, save it otherwise, move it to Excel."""

import csv
import hashlib
from pathlib import Path

import openpyxl

from pom_lib.data.contract import plan_resources


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its bytes, to check that nothing was modified."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under `folder` and a digest of its bytes, read in pieces (a test file may be huge)."""
    digests = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        with path.open("rb") as file:
            digests[path.relative_to(folder).as_posix()] = hashlib.file_digest(file, "sha256").hexdigest()
    return digests


def replace(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a UTF-8 file (which must contain it)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def write_rows(path: Path, table: list[list[str]], **format) -> None:
    with path.open("w", encoding=format.pop("encoding", "utf-8"), newline="") as file:
        csv.writer(file, **format).writerows(table)


def reencode(path: Path, encoding: str) -> None:
    """Save a UTF-8 file again in another encoding, as another program would."""
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


def _excel_value(text: str, field_type: str):
    """A CSV cell as an analyst would type it in Excel: numbers as numbers."""
    if text == "":
        return None
    if field_type == "integer":
        return int(text)
    if field_type == "number":
        return float(text)
    if field_type == "boolean":
        return text == "true"
    return text


def write_workbook(folder: Path, path: Path) -> None:
    """A workbook with one sheet per CSV of `folder`, named like the table."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for resource in plan_resources():
        if not (folder / resource["path"]).exists():
            continue  # an optional table the plan does not have
        sheet = workbook.create_sheet(resource["name"])
        header, *records = rows(folder / resource["path"])
        types = [field["type"] for field in resource["schema"]["fields"]]
        sheet.append(header)
        for record in records:
            sheet.append([_excel_value(cell, field_type) for cell, field_type in zip(record, types)])
    workbook.save(path)


def workbook_only(folder: Path) -> Path:
    """Turn the plan folder into datapackage.json plus one workbook (no CSVs)."""
    path = folder / "pom.xlsx"
    write_workbook(folder, path)
    for csv_file in folder.glob("*.csv"):
        csv_file.unlink()
    return path


def edit_sheet(path: Path, sheet_name: str, edit) -> None:
    workbook = openpyxl.load_workbook(path)
    edit(workbook[sheet_name])
    workbook.save(path)
