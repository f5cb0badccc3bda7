"""The book's downloads: the matrix parses back, the data package zips to the same bytes every time."""

import io
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pom_lib.core.errors import PlanError
from pom_lib.export import downloads
from pom_lib.export.matrix import EXPORT_COLUMNS
from tests.support.paths import PLAN_DIR
from tests.support.spoil import workbook_only


def _document_matrix() -> list[tuple]:
    """Every product and subproduct row of the plan's CSV files, as the download must give them."""
    import csv

    def rows(name):
        with (PLAN_DIR / f"{name}.csv").open(encoding="utf-8") as file:
            return list(csv.DictReader(file))

    programs = {r["programa_id"]: r["nombre"] for r in rows("programas")}
    products = {r["producto_id"]: r for r in rows("productos")}
    subproducts = {r["subproducto_id"]: r for r in rows("subproductos")}
    found = []
    for goal in rows("metas_productos"):
        product = products[goal["producto_id"]]
        found.append(
            (
                programs[product["programa_id"]],
                product["nombre"],
                "",
                product["unidad_medida"],
                int(goal["anio"]),
                int(goal["meta_fisica"]),
                int(goal["meta_financiera"]),
            )
        )
    for goal in rows("metas_subproductos"):
        sub = subproducts[goal["subproducto_id"]]
        product = products[sub["producto_id"]]
        # The document leaves two subproducts unnamed; the download says so instead of an empty cell.
        name = sub["nombre"] or f"Subproducto sin nombre en el documento ({goal['subproducto_id']})"
        found.append(
            (
                programs[product["programa_id"]],
                product["nombre"],
                name,
                sub["unidad_medida"],
                int(goal["anio"]),
                int(goal["meta_fisica"]),
                int(goal["meta_financiera"]),
            )
        )
    return sorted(found)


def _as_rows(table: pd.DataFrame) -> list[tuple]:
    table = table.fillna("")
    return sorted(
        (
            r.programa,
            r.producto,
            r.subproducto,
            r.unidad_medida,
            int(r.anio),
            int(r.meta_fisica),
            int(r.meta_financiera),
        )
        for r in table.itertuples()
    )


def test_csv_download_holds_every_goal_of_the_plan(plan, tmp_path):
    paths = downloads.write_downloads(plan, tmp_path / "descargas")
    assert paths[downloads.MATRIX_CSV].read_bytes().startswith(b"\xef\xbb\xbfprograma,producto,")
    parsed = pd.read_csv(paths[downloads.MATRIX_CSV], keep_default_na=False, encoding="utf-8-sig")
    assert parsed.columns.tolist() == EXPORT_COLUMNS
    assert len(parsed) == (14 + 28) * 5
    assert _as_rows(parsed) == _document_matrix()
    row = parsed[(parsed["subproducto"] == "Servicios de documentación en el exterior") & (parsed["anio"] == 2025)]
    assert row["meta_financiera"].item() == 360_233_656


def test_xlsx_download_holds_the_same_goals(plan, tmp_path):
    paths = downloads.write_downloads(plan, tmp_path)
    sheet = pd.read_excel(paths[downloads.MATRIX_XLSX], sheet_name="matriz")
    assert sheet.columns.tolist() == EXPORT_COLUMNS
    assert _as_rows(sheet) == _document_matrix()
    # The product rows add up to the document's yearly totals (Q5,870 million over 2025-2029).
    assert sheet.loc[sheet["subproducto"].isna(), "meta_financiera"].sum() == 5_870_000_000


def test_data_package_zip_is_byte_stable_and_complete(plan, tmp_path):
    first = downloads.package_zip(PLAN_DIR)
    assert downloads.package_zip(PLAN_DIR) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    names = archive.namelist()
    assert names == sorted(names)
    folder = PLAN_DIR.name
    assert {
        f"{folder}/datapackage.json",
        f"{folder}/README.md",
        f"{folder}/metas_productos.csv",
        f"{folder}/expansion_red.csv",
    } <= set(names)
    resources = json.loads((PLAN_DIR / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    assert len([n for n in names if n.endswith(".csv")]) == len(resources)
    assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert archive.read(f"{folder}/plan.csv") == (PLAN_DIR / "plan.csv").read_bytes()


def test_zip_does_not_depend_on_file_times(tmp_path, plan_copy):
    before = downloads.package_zip(plan_copy)
    for path in plan_copy.iterdir():
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert downloads.package_zip(plan_copy) == before


def test_deterministic_zip_ignores_insertion_order():
    a = downloads.deterministic_zip({"b.txt": b"2", "a.txt": b"1"})
    b = downloads.deterministic_zip({"a.txt": b"1", "b.txt": b"2"})
    assert a == b and zipfile.ZipFile(io.BytesIO(a)).namelist() == ["a.txt", "b.txt"]


def test_writing_twice_gives_identical_files(plan, tmp_path):
    first = {n: p.read_bytes() for n, p in downloads.write_downloads(plan, tmp_path / "uno").items()}
    second = {n: p.read_bytes() for n, p in downloads.write_downloads(plan, tmp_path / "dos").items()}
    assert first == second and set(first) == {"matriz.csv", "matriz.xlsx", "paquete-datos.zip"}


def test_matrix_dictionary_describes_every_column():
    dictionary = downloads.matrix_dictionary()
    assert dictionary["Columna"].tolist() == EXPORT_COLUMNS
    assert dictionary["Contenido"].str.len().min() > 10


@pytest.mark.parametrize(
    "text, value, number_format",
    [
        ("Q1,234,567", 1234567, '"Q"#,##0'),
        ("-Q100,000", -100000, '"Q"#,##0'),
        ("Q1,234.50", 1234.5, '"Q"#,##0.00'),
        ("47.1\u00a0%", 47.1, '0.0" %"'),
        ("+5.0 %", 5.0, '0.0" %"'),
        ("1,234,567", 1234567, "#,##0"),
        ("2025", 2025, "0"),
        ("—", None, None),
        ("", None, None),
        ("\u2003Servicios de documentación", "Servicios de documentación", None),
        ("PRD01", "PRD01", None),
    ],
)
def test_displayed_cells_read_back_as_numbers_in_the_book_formats(text, value, number_format):
    assert downloads.cell_value(text) == (value, number_format)


def test_a_table_download_has_plain_numbers_in_csv_and_formatted_numbers_in_excel(tmp_path):
    columns = ["Código", "Nombre", "2025", "Participación"]
    rows = [["PRD01", "Población & servicios", "Q401,812,176", "42.5 %"], ["PRD14", "Transmisión", "—", ""]]
    text = downloads.table_csv(columns, rows).decode("utf-8")
    # The byte-order mark first, so Excel reads the accents as UTF-8.
    assert (
        text
        == "\ufeffCódigo,Nombre,2025,Participación\nPRD01,Población & servicios,401812176,42.5\nPRD14,Transmisión,,\n"
    )
    data = downloads.table_xlsx(columns, rows, "Metas")
    assert data == downloads.table_xlsx(columns, rows, "Metas")  # same bytes every time
    (tmp_path / "t.xlsx").write_bytes(data)
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [c.value for c in sheet[1]] == columns
    assert sheet["C2"].value == 401812176 and sheet["C2"].number_format == '"Q"#,##0'
    assert sheet["D2"].value == 42.5 and sheet["C3"].value is None
    assert sheet.freeze_panes == "A2"


def test_each_row_of_a_sheet_gets_its_own_cells_formats(tmp_path):
    (tmp_path / "t.xlsx").write_bytes(downloads.table_xlsx(["Cifra"], [["1.5 %"], ["Q2"], ["3"]], "Cifras"))
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [(sheet[f"A{row}"].value, sheet[f"A{row}"].number_format) for row in (2, 3, 4)] == [
        (1.5, '0.0" %"'),
        (2, '"Q"#,##0'),
        (3, "0"),
    ]


# --- Only the plan folder's own files are published --------------------------------------------------

SECRET = b"contenido de fuera de la carpeta del plan"


def _zipped(files: dict[str, bytes]) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(downloads.deterministic_zip(files)))
    return {name: archive.read(name) for name in archive.namelist()}


def test_the_data_package_holds_the_plan_files_and_nothing_the_descriptor_or_a_link_points_to(plan_copy, tmp_path):
    outside = tmp_path / "fuera.txt"
    outside.write_bytes(SECRET)
    descriptor = json.loads((plan_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] += [{"name": "a", "path": str(outside)}, {"name": "b", "path": "../fuera.txt"}]
    (plan_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (plan_copy / "notas.txt").symlink_to(outside)  # a stray link, not a file of the plan
    (plan_copy / "borrador.txt").write_text("notas sueltas", encoding="utf-8")
    files = _zipped(downloads.package_files(plan_copy))
    # Not the team's commentary either: the book publishes a block only once it is confirmed.
    expected = {"datapackage.json", "README.md", *(path.name for path in PLAN_DIR.glob("*.csv"))}
    assert len(expected) == 1 + 1 + 18
    assert set(files) == {f"plan/{name}" for name in expected}
    assert not any(SECRET in content for content in files.values())
    assert files["plan/README.md"] == (PLAN_DIR / "README.md").read_bytes()


@pytest.mark.parametrize("linked", ["README.md", "datapackage.json", "productos.csv"])
def test_a_linked_plan_file_is_refused_never_published(plan_copy, tmp_path, linked):
    outside = tmp_path / "fuera.txt"
    outside.write_bytes(SECRET)
    (plan_copy / linked).unlink()
    (plan_copy / linked).symlink_to(outside)
    with pytest.raises(PlanError) as refused:
        downloads.package_files(plan_copy)
    assert [str(problem) for problem in refused.value.problems] == [
        f"{linked}: es un enlace simbólico: solo se leen archivos que están de verdad dentro de la carpeta; "
        "ponga allí una copia del archivo en lugar del enlace"
    ]


def test_a_plan_folder_named_by_a_relative_path_still_zips_under_its_own_name(plan_copy, monkeypatch):
    monkeypatch.chdir(plan_copy / "comentarios")
    names = _zipped(downloads.package_files(Path(".."))).keys()
    assert "plan/datapackage.json" in names and all(name.startswith("plan/") for name in names)


@pytest.mark.parametrize("name", ["/etc/passwd", "../fuera.csv", "plan/../../fuera.csv", "", "a//b"])
def test_zip_member_names_are_plain_relative_names(name):
    with pytest.raises(ValueError):
        downloads.deterministic_zip({name: b"x"})


def test_a_plan_folder_with_one_workbook_publishes_the_workbook(plan_copy):
    workbook_only(plan_copy)
    names = set(_zipped(downloads.package_files(plan_copy)))
    assert names == {"plan/datapackage.json", "plan/pom.xlsx", "plan/README.md"}
