"""`pom exportar` and `pom importar`: the whole plan in one workbook and back, byte for byte.

Expected values are read here from the plan's own CSV files with the csv module.
"""

import csv
import shutil

import openpyxl
import pytest

from pom_lib.export.plan_workbook import package_workbook, read_package
from tests.support.commands import pom
from tests.support.editions import tree_hash
from tests.support.paths import PLAN_DIR

TABLES = [
    "plan",
    "unidades",
    "programas",
    "productos",
    "subproductos",
    "metas_productos",
    "metas_subproductos",
    "totales_anuales",
    "fichas",
    "fichas_elementos",
    "fichas_formula",
    "fichas_metas",
    "poblacion_objetivo",
    "cifras_clave",
    "marco_estrategico",
    "objetivos_programas",
    "acciones",
    "expansion_red",
]


def _csv_rows(folder, table):
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    target = tmp_path_factory.mktemp("exportar") / "plan.xlsx"
    result = pom("exportar", PLAN_DIR, "-o", target)
    assert result.returncode == 0, result.stderr
    return target, result.stdout


def test_export_writes_one_sheet_per_table_and_says_what_it_carries(exported):
    path, output = exported
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["instrucciones", *TABLES, "discrepancias_reconocidas", "paquete", "documentos"]
    for table in TABLES:
        rows = [[("" if v is None else v) for v in row] for row in workbook[table].iter_rows(values_only=True)]
        expected = _csv_rows(PLAN_DIR, table)
        assert rows[0] == expected[0], table
        assert len(rows) == len(expected), table
    notes = len(list((PLAN_DIR / "comentarios").glob("*.md")))
    # The plan acknowledges no discrepancy: its optional sheet is there, with only its header.
    assert [row for row in workbook["discrepancias_reconocidas"].iter_rows(values_only=True)] == [
        ("regla", "anio", "elemento", "esperado", "encontrado", "nota")
    ]
    assert "19 hojas de datos" in output and f"README.md y {notes} archivos de comentarios" in output
    assert "pom importar" in output


def test_cells_are_typed_and_formatted_like_the_data(exported):
    workbook = openpyxl.load_workbook(exported[0])
    goals = workbook["metas_productos"]
    first = _csv_rows(PLAN_DIR, "metas_productos")[1]  # PRD01,2025,1252155,401812176
    assert [c.value for c in goals[2]] == [first[0], int(first[1]), int(first[2]), int(first[3])]
    assert [c.number_format for c in goals[2][1:]] == ["0", "#,##0", '"Q"#,##0']
    fiche_goal = workbook["fichas_metas"]["D2"]
    assert (
        fiche_goal.value == float(_csv_rows(PLAN_DIR, "fichas_metas")[1][3])
        and fiche_goal.number_format == '#,##0.0" %"'
    )
    assert workbook["programas"]["D2"].value == "true"
    assert workbook["productos"].freeze_panes == "A2"
    header = workbook["productos"]["E1"]
    assert header.comment.text.startswith("Unidad de medida") and "obligatoria" in header.comment.text


def test_drop_down_lists_for_units_programs_ids_and_fixed_values(exported):
    workbook = openpyxl.load_workbook(exported[0])
    lists = {}
    for table in TABLES:
        for validation in workbook[table].data_validations.dataValidation:
            if validation.type == "list":
                for cells in str(validation.sqref).split():
                    lists[(table, cells.split(":")[0].rstrip("0123456789"))] = validation.formula1
    # productos: programa_id (B) from programas, unidad_medida (E) from unidades.
    assert "programas!$A$2" in lists[("productos", "B")] and "unidades!$A$2" in lists[("productos", "E")]
    assert "productos!$A$2" in lists[("subproductos", "B")] and "unidades!$A$2" in lists[("subproductos", "E")]
    assert "subproductos!$A$2" in lists[("fichas_formula", "C")]
    assert "fichas!$A$2" in lists[("fichas_metas", "A")]
    assert lists[("fichas", "B")] == '"producto,subproducto"'
    assert lists[("programas", "D")] == '"true,false"'
    assert lists[("cifras_clave", "B")].startswith('"poblacion_objetivo,poblacion_elegible')


def test_instructions_in_spanish(exported):
    lines = [row[0] for row in openpyxl.load_workbook(exported[0])["instrucciones"].iter_rows(values_only=True)]
    text = "\n".join(str(line or "") for line in lines)
    assert lines[0] == "Libro del plan — Plan Operativo Multianual 2025-2029 (Ministerio de Relaciones Exteriores)"
    assert "pom importar <archivo>.xlsx -o data/<carpeta nueva>" in text
    assert "Deje vacía una celda sin dato" in text
    assert "Hojas y columnas:" in text


def test_same_plan_same_bytes(exported):
    assert package_workbook(read_package(PLAN_DIR)) == exported[0].read_bytes()


def test_round_trip_gives_the_folder_back_byte_for_byte(exported, tmp_path):
    target = tmp_path / "data" / "copia"
    result = pom("importar", exported[0], "-o", target)
    assert result.returncode == 0, result.stderr
    assert f"Plan importado en {target}" in result.stdout
    assert tree_hash(target) == tree_hash(PLAN_DIR)


def test_a_goal_edited_in_the_workbook_reaches_the_imported_plan(exported, tmp_path):
    edited = tmp_path / "editado.xlsx"
    shutil.copy(exported[0], edited)
    workbook = openpyxl.load_workbook(edited)
    sheet = workbook["metas_productos"]
    row = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "PRD03" and sheet.cell(r, 2).value == 2027
    )
    sheet.cell(row, 3).value = 250
    workbook.save(edited)
    target = tmp_path / "editado"
    assert pom("importar", edited, "-o", target).returncode == 0
    assert ["PRD03", "2027", "250", _csv_rows(PLAN_DIR, "metas_productos")[row - 1][3]] in _csv_rows(
        target, "metas_productos"
    )
    # The product no longer adds up to its subproducts: pom validar says so.
    check = pom("validar", target)
    assert check.returncode == 0 and "PRD03" in check.stdout and "esperado" in check.stdout


def test_import_never_writes_over_an_existing_folder(exported, tmp_path):
    target = tmp_path / "existente"
    target.mkdir()
    (target / "nota.txt").write_text("mía", encoding="utf-8")
    result = pom("importar", exported[0], "-o", target)
    assert result.returncode == 1 and "ya existe" in result.stderr
    assert [p.name for p in target.iterdir()] == ["nota.txt"]


def test_an_invalid_workbook_is_refused_and_nothing_is_written(exported, tmp_path):
    broken = tmp_path / "roto.xlsx"
    shutil.copy(exported[0], broken)
    workbook = openpyxl.load_workbook(broken)
    workbook["metas_productos"]["C3"] = "mucho"
    workbook["productos"]["E2"] = "Kilogramo"
    workbook.save(broken)
    target = tmp_path / "roto"
    result = pom("importar", broken, "-o", target)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "No se importó el libro (no se escribió nada)" in result.stderr
    assert (
        "roto.xlsx, hoja «metas_productos», fila 3, columna «meta_fisica»: «mucho» no es un número entero"
        in result.stderr
    )
    assert (
        "hoja «productos», fila 2, columna «unidad_medida»: la unidad de medida «Kilogramo» no está declarada "
        "en la hoja «unidades»"
    ) in result.stderr
    assert not target.exists() and not any(p.name.startswith(".roto") for p in tmp_path.iterdir())


def test_export_refuses_to_replace_a_workbook(exported, tmp_path):
    existing = tmp_path / "plan.xlsx"
    existing.write_bytes(b"trabajo del analista")
    result = pom("exportar", PLAN_DIR, "-o", existing)
    assert result.returncode == 1 and "ya existe" in result.stderr
    assert existing.read_bytes() == b"trabajo del analista"


def test_a_workbook_without_documents_imports_its_tables(exported, tmp_path):
    bare = tmp_path / "tablas.xlsx"
    workbook = openpyxl.load_workbook(exported[0])
    for name in ("instrucciones", "paquete", "documentos"):
        del workbook[name]
    workbook.save(bare)
    target = tmp_path / "tablas"
    result = pom("importar", bare, "-o", target)
    assert result.returncode == 0, result.stderr
    assert "cópielos de su carpeta original" in result.stdout
    assert not (target / "README.md").exists()
    for table in TABLES:
        assert (target / f"{table}.csv").read_bytes() == (PLAN_DIR / f"{table}.csv").read_bytes(), table
    assert pom("validar", target).returncode == 0


def test_documents_sheet_only_names_files_of_the_plan_folder(exported, tmp_path):
    sneaky = tmp_path / "documentos.xlsx"
    workbook = openpyxl.load_workbook(exported[0])
    workbook["documentos"].append(["../fuera.md", 1, "texto"])
    workbook.save(sneaky)
    result = pom("importar", sneaky, "-o", tmp_path / "destino")
    assert result.returncode == 1
    assert "«../fuera.md» no es un documento de la carpeta del plan" in result.stderr
    assert not (tmp_path / "fuera.md").exists() and not (tmp_path / "destino").exists()


SECRET = "contenido de fuera de la carpeta del plan"


def _workbook_text(path) -> str:
    """Every cell of every sheet, as text."""
    workbook = openpyxl.load_workbook(path)
    return "\n".join(
        str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row if value
    )


def test_export_carries_only_the_plan_files_never_what_a_link_points_to(plan_copy, tmp_path):
    outside = tmp_path / "fuera.md"
    outside.write_text(SECRET, encoding="utf-8")
    (plan_copy / "notas.md").symlink_to(outside)  # a stray link beside the plan's files
    target = tmp_path / "plan.xlsx"
    result = pom("exportar", plan_copy, "-o", target)
    assert result.returncode == 0, result.stderr
    assert "No se incluye notas.md" in result.stdout
    assert SECRET not in _workbook_text(target)


@pytest.mark.parametrize("linked", ["README.md", "comentarios/anexos.md"])
def test_export_refuses_a_linked_document(plan_copy, tmp_path, linked):
    outside = tmp_path / "fuera.md"
    outside.write_text(SECRET, encoding="utf-8")
    (plan_copy / linked).unlink()
    (plan_copy / linked).symlink_to(outside)
    target = tmp_path / "plan.xlsx"
    result = pom("exportar", plan_copy, "-o", target)
    assert result.returncode == 1
    assert result.stderr == (
        "No se pudo exportar el plan: 1 problema(s) encontrado(s).\n"
        f"  - {linked}: es un enlace simbólico: solo se leen archivos que están de verdad dentro de la carpeta; "
        "ponga allí una copia del archivo en lugar del enlace\n"
    )
    assert not target.exists()
