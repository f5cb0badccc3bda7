"""Files the book offers for download: the tidy matrix (CSV, Excel) and the plan's data package (ZIP).

Every file's bytes depend only on the plan, so publishing the same edition twice gives
identical downloads (fixed timestamps and permissions, entries sorted by name).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .matrix import EXPORT_COLUMNS, FIXED_TIME, tidy_matrix, to_csv_text, to_xlsx_bytes
from .plan import Plan

MATRIX_CSV = "matriz.csv"
MATRIX_XLSX = "matriz.xlsx"
PACKAGE_ZIP = "paquete-datos.zip"
_FILE_MODE = 0o100644  # a regular file, rw-r--r--

# What each column of the matrix download holds, for the book's data dictionary.
MATRIX_COLUMNS = {
    "programa": "Programa presupuestario al que pertenece el producto.",
    "producto": "Nombre del producto, como lo escribe el documento.",
    "subproducto": "Nombre del subproducto; vacío en las filas que son del producto.",
    "unidad_medida": "Unidad en que se cuenta la meta física, una de las unidades de medida del plan.",
    "anio": "Año de la meta.",
    "meta_fisica": "Cantidad de unidades que el plan se propone entregar ese año.",
    "meta_financiera": "Quetzales asignados a esa meta ese año, sin separadores de miles.",
}


def deterministic_zip(files: Mapping[str, bytes]) -> bytes:
    """A ZIP archive of `files` (name → bytes) whose bytes depend only on its contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the machine that builds the book
            info.external_attr = _FILE_MODE << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def package_files(source: Path) -> dict[str, bytes]:
    """The data package's files under a folder named like the plan folder.

    A folder gives its datapackage.json, every resource it lists and README.md; a workbook
    gives itself.
    """
    source = Path(source)
    if source.is_file():
        return {source.name: source.read_bytes()}
    descriptor_path = source / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    names = ["datapackage.json", *(r["path"] for r in descriptor.get("resources", []) if isinstance(r.get("path"), str))]
    if (source / "README.md").is_file():
        names.append("README.md")
    return {f"{source.name}/{name}": (source / name).read_bytes() for name in names}


def package_zip(source: Path) -> bytes:
    return deterministic_zip(package_files(source))


def matrix_dictionary() -> pd.DataFrame:
    """The columns of the matrix download and what they hold (Spanish, for display.Table)."""
    return pd.DataFrame({"Columna": EXPORT_COLUMNS, "Contenido": [MATRIX_COLUMNS[c] for c in EXPORT_COLUMNS]})


def write_downloads(plan: Plan, folder: str | Path) -> dict[str, Path]:
    """Write the matrix (CSV and Excel) and the zipped data package into `folder`; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = tidy_matrix(plan)
    contents = {
        MATRIX_CSV: to_csv_text(table).encode("utf-8"),
        MATRIX_XLSX: to_xlsx_bytes(table),
        PACKAGE_ZIP: package_zip(plan.source),
    }
    paths = {}
    for name, data in contents.items():
        path = folder / name
        # Rewritten only when different, so re-running a chapter leaves the files untouched.
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        paths[name] = path
    return paths
