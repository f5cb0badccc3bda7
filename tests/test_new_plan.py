"""`pom nuevo-plan --institucion`: the plan of an institution that never had one, from nothing.

The empty folder holds every table with the contract's header and what the command line says; `pom validar`
names what is left to fill. The Excel form, filled by an analyst (tests/support/new_plan_form.py) and
imported, is a valid plan whose book names the institution. Expected headers, units and messages are typed
here by hand.
"""

import csv
import json
import shutil

import openpyxl
import pytest

from pom_lib.publish.edition import build_edition
from tests.support.commands import pom
from tests.support.editions import NBSP, page_text, whole_book_project
from tests.support.new_plan_form import ACRONYM, FIRST, INSTITUTION, PERIOD, fill_form

NEW_PLAN = ("nuevo-plan", "--institucion", INSTITUTION, "--siglas", ACRONYM, "--periodo", PERIOD)
# A few tables' headers, as the contract lists their columns.
HEADERS = {
    "plan": "institucion,siglas,titulo,anio_inicio,anio_fin,lugar_fecha,moneda,unidad_planificacion",
    "productos": "producto_id,programa_id,orden,nombre,unidad_medida,nota",
    "metas_subproductos": "subproducto_id,anio,meta_fisica,meta_financiera",
    "fichas_metas": "ficha_id,anio,meta_absoluta,meta_relativa,ejecucion",
    "cifras_clave": "clave,rol,anio,descripcion,valor,unidad,seccion",
    "expansion_red": "ambito,orden,texto,seccion",
}
HEADER_ONLY = [
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
# The tables a plan cannot do without, which pom validar asks for on an empty plan.
EMPTY_REQUIRED = [
    "programas",
    "productos",
    "subproductos",
    "metas_productos",
    "totales_anuales",
    "fichas",
    "fichas_formula",
    "poblacion_objetivo",
    "cifras_clave",
]
NO_ROWS = "la tabla no tiene filas debajo del encabezado"
COMMON_UNITS = [
    "Persona",
    "Documento",
    "Evento",
    "Servicio",
    "Entidad",
    "Aporte",
    "Kilómetro",
    "Metro cuadrado",
    "Metro cúbico",
    "Hectárea",
]


def _lines(path):
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    target = tmp_path_factory.mktemp("nuevo") / "pom-ine-2027-2031"
    result = pom(*NEW_PLAN, "-o", target)
    assert result.returncode == 0, result.stderr
    return target, result.stdout


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    target = tmp_path_factory.mktemp("formulario") / "pom-ine-2027-2031.xlsx"
    result = pom(*NEW_PLAN, "-o", target)
    assert result.returncode == 0, result.stderr
    return target, result.stdout


@pytest.fixture(scope="module")
def imported(form, tmp_path_factory):
    """The form filled as an analyst would, and imported into a plan folder."""
    filled = tmp_path_factory.mktemp("lleno") / "plan.xlsx"
    shutil.copy(form[0], filled)
    fill_form(filled)
    target = tmp_path_factory.mktemp("importado") / "pom-ine-2027-2031"
    result = pom("importar", filled, "-o", target)
    assert result.returncode == 0, result.stdout + result.stderr
    return target


# --- (a) The empty folder -------------------------------------------------------------------------


def test_every_table_has_the_contract_header_and_no_rows(empty):
    folder, _ = empty
    for table, header in HEADERS.items():
        assert _lines(folder / f"{table}.csv")[0] == header, table
    for table in HEADER_ONLY:
        assert len(_lines(folder / f"{table}.csv")) == 1, table
    assert not (folder / "discrepancias_reconocidas.csv").exists()


def test_the_plan_row_says_institution_acronym_and_period_and_leaves_the_rest_to_fill(empty):
    folder, _ = empty
    with (folder / "plan.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows == [
        {
            "institucion": "Instituto Nacional de Ejemplo",
            "siglas": "INE",
            "titulo": "Plan Operativo Multianual 2027-2031",
            "anio_inicio": "2027",
            "anio_fin": "2031",
            "lugar_fecha": "",
            "moneda": "GTQ",
            "unidad_planificacion": "",
        }
    ]


def test_units_are_the_common_ones_and_the_package_declares_the_format(empty):
    folder, _ = empty
    with (folder / "unidades.csv").open(encoding="utf-8", newline="") as file:
        assert [row["unidad_medida"] for row in csv.DictReader(file)] == COMMON_UNITS
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["formato_pom"] == 2
    assert descriptor["name"] == "pom-ine-2027-2031"
    assert [r["path"] for r in descriptor["resources"]] == [f"{t}.csv" for t in ["plan", "unidades", *HEADER_ONLY]]


def test_the_readme_has_the_sections_to_fill(empty):
    text = (empty[0] / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# Datos del Plan Operativo Multianual 2027-2031 (INE)")
    for section in ("## Documento fuente", "## Lecturas de pasajes ambiguos"):
        assert section in text
    assert text.count("**Por llenar.**") == 3


def test_the_command_lists_what_to_fill_by_table_as_pom_validar_names_it(empty):
    output = empty[1]
    assert "Plan 2027-2031 de Instituto Nacional de Ejemplo (INE) creado en" in output
    assert "  plan.csv:\n    - fila 2, columna «lugar_fecha»: falta el valor\n" in output
    assert "    - fila 2, columna «unidad_planificacion»: falta el valor\n" in output
    for table in EMPTY_REQUIRED:
        assert f"  {table}.csv:\n    - {NO_ROWS}" in output, table
    for table in ("metas_subproductos", "fichas_metas", "marco_estrategico"):  # asked for once their items exist
        assert f"{table}.csv" not in output, table


def test_pom_validar_refuses_the_empty_plan_naming_each_thing_missing(empty):
    result = pom("validar", empty[0])
    assert result.returncode == 1
    assert result.stderr.startswith("El plan no es válido: 11 problema(s) encontrado(s).")
    assert "plan.csv, fila 2, columna «lugar_fecha»: falta el valor" in result.stderr
    for table in EMPTY_REQUIRED:
        assert f"  - {table}.csv: {NO_ROWS}" in result.stderr, table
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "arguments, code, message",
    [
        (("--siglas", "I.N.E."), 1, "--siglas: «I.N.E.» no sirve como siglas: escriba de 2 a 12 letras o números"),
        (("--siglas", "X"), 1, "«X» no sirve como siglas"),
        (("--siglas", "ABCDEFGHIJKLM"), 1, "«ABCDEFGHIJKLM» no sirve como siglas"),
        (("--periodo", "2031-2027"), 1, "los años están al revés"),
        (("--periodo", "2027"), 1, "«2027» no es un período"),
        (("--siglas", None), 1, "--siglas: faltan las siglas de la institución"),
        (("--institucion", "  "), 1, "--institucion: falta el nombre de la institución"),
    ],
)
def test_bad_arguments_get_a_spanish_message_and_nothing_is_written(tmp_path, arguments, code, message):
    option, value = arguments
    args = list(NEW_PLAN)
    at = args.index(option)
    args[at : at + 2] = [] if value is None else [option, value]
    result = pom(*args, "-o", tmp_path / "plan")
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "plan").exists()


def test_a_current_plan_and_an_institution_are_two_different_starts(tmp_path):
    both = pom("nuevo-plan", "data/x", "--institucion", "Otra", "--periodo", PERIOD, "-o", tmp_path / "p")
    assert both.returncode == 2
    assert "el argumento --institucion no se puede usar junto con ruta" in both.stderr
    neither = pom("nuevo-plan", "--periodo", PERIOD, "-o", tmp_path / "p")
    assert neither.returncode == 2
    assert "falta uno de estos argumentos: ruta --institucion" in neither.stderr
    acronym_alone = pom("nuevo-plan", "data/x", "--siglas", ACRONYM, "--periodo", PERIOD, "-o", tmp_path / "p")
    assert acronym_alone.returncode == 1
    assert acronym_alone.stderr.startswith("No se creó el plan nuevo (no se escribió nada): 1 problema(s)")
    assert "--siglas: las siglas son de un plan nuevo: úselas junto con --institucion" in acronym_alone.stderr
    assert not (tmp_path / "p").exists()


def test_the_output_rules_are_those_of_every_command(empty):
    existing = pom(*NEW_PLAN, "-o", empty[0])
    assert existing.returncode == 1
    assert existing.stderr.startswith("No se creó el plan nuevo (no se escribió nada)")
    inside = pom(*NEW_PLAN, "-o", "pom_lib/pom-ine")
    assert inside.returncode == 1
    assert "pom_lib/pom-ine: está en pom_lib/, que es parte del proyecto" in inside.stderr


# --- The Excel form ---------------------------------------------------------------------------------


def _validations(sheet) -> dict[str, tuple]:
    """First cell of each checked column → (type, formula1, formula2)."""
    return {str(v.sqref).split(":")[0]: (v.type, v.formula1, v.formula2) for v in sheet.data_validations.dataValidation}


def test_the_form_lists_what_to_fill_by_sheet(form):
    output = form[1]
    assert "  hoja «plan»:\n    - fila 2, columna «lugar_fecha»: falta el valor\n" in output
    for table in EMPTY_REQUIRED:
        assert f"  hoja «{table}»:\n    - {NO_ROWS}" in output, table
    assert "Escriba también en la hoja «documentos» el documento fuente" in output


def test_the_form_has_instructions_in_spanish(form):
    workbook = openpyxl.load_workbook(form[0])
    text = "\n".join(str(row[0]) for row in workbook["instrucciones"].iter_rows(values_only=True) if row[0])
    assert "Hojas, en el orden en que conviene llenarlas" in text
    assert "«productos»: Productos (necesita al menos una fila; toma valores de «programas», «unidades»)." in text
    assert "«expansion_red»: Expansión de la red consular y diplomática (puede quedar sin filas" in text
    assert "Qué comprueban «pom validar» y «pom importar»" in text
    assert "la meta financiera de cada producto es la suma de sus subproductos" in text


def test_the_form_offers_closed_values_and_checks_numbers(form):
    workbook = openpyxl.load_workbook(form[0])
    assert workbook["productos"]["E1"].comment.text.startswith("Unidad de medida")
    products = _validations(workbook["productos"])
    assert products["B2"] == ("list", "OFFSET(programas!$A$2,0,0,MAX(1,COUNTA(programas!$A:$A)-1),1)", None)
    assert products["E2"] == ("list", "OFFSET(unidades!$A$2,0,0,MAX(1,COUNTA(unidades!$A:$A)-1),1)", None)
    goals = _validations(workbook["metas_productos"])
    assert goals["B2"] == ("whole", "plan!$D$2", "plan!$E$2")  # anio_inicio and anio_fin of the plan
    assert goals["C2"] == ("whole", "0", None)
    assert goals["D2"] == ("decimal", "0", None)
    assert _validations(workbook["totales_anuales"])["A2"] == ("whole", "plan!$D$2", "plan!$E$2")
    assert _validations(workbook["programas"])["D2"] == ("list", '"true,false"', None)
    assert _validations(workbook["objetivos_programas"])["A2"] == (
        "custom",
        'COUNTIFS(marco_estrategico!$A:$A,"objetivo_operativo",marco_estrategico!$B:$B,A2)>0',
        None,
    )


def _edited(imported_form, tmp_path, sheet, cell, value):
    """A copy of the filled form with one cell changed, as Excel would let through without its checks."""
    path = tmp_path / "cambiado.xlsx"
    shutil.copy(imported_form, path)
    workbook = openpyxl.load_workbook(path)
    workbook[sheet][cell] = value
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    "sheet, cell, value, message",
    [
        ("metas_productos", "B2", 2032, "metas_productos», fila 2, columna «anio»: el año 2032 está fuera del período"),
        ("objetivos_programas", "A2", 3, "el objetivo operativo 3 no existe"),
        ("metas_productos", "C2", -1, "metas_productos», fila 2, columna «meta_fisica»"),
        ("productos", "E2", "Litro", "productos», fila 2, columna «unidad_medida»"),
    ],
)
def test_importar_refuses_what_the_form_checks(form, tmp_path, sheet, cell, value, message):
    filled = tmp_path / "lleno.xlsx"
    shutil.copy(form[0], filled)
    fill_form(filled)
    changed = _edited(filled, tmp_path, sheet, cell, value)
    result = pom("importar", changed, "-o", tmp_path / "plan")
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "plan").exists()


# --- (b) Filled and imported ----------------------------------------------------------------------------


def test_the_filled_form_imports_as_a_plan_that_passes_strict_validation(imported):
    result = pom("validar", "--estricto", imported)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Plan válido: Plan Operativo Multianual 2027-2031 (Instituto Nacional de Ejemplo).")
    assert "Todas las reglas de conciliación se cumplen." in result.stdout
    with (imported / "totales_anuales.csv").open(encoding="utf-8", newline="") as file:
        assert [row["meta_financiera"] for row in csv.DictReader(file)] == [
            "3750000",
            "4050000",
            "4350000",
            "4650000",
            "4950000",
        ]


# --- (c) Its book ---------------------------------------------------------------------------------------


@pytest.mark.libro
def test_the_imported_plan_builds_its_book_naming_the_institution(imported, tmp_path):
    root = whole_book_project(tmp_path / "libro", imported)
    build_edition(f"data/{imported.name}", FIRST, root)
    summary = page_text(root / "_build" / "html" / "resumen.html").replace(NBSP, " ")  # the book's first page
    assert "Instituto Nacional de Ejemplo" in summary
    assert "Plan Operativo Multianual 2027-2031" in summary
    assert "Q21,750,000" in summary or "Q21.8 millones" in summary
