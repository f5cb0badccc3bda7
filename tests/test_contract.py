"""The plan data contract: the library's schema is the one applied, and the rules chapters rely on."""

import csv
import json
from pathlib import Path

import pytest

from pom_lib.core.errors import PlanError
from pom_lib.data import contract
from pom_lib.data.plan import load_plan
from tests.support.commands import pom
from tests.support.paths import PLAN_DIR


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _edit(path: Path, change) -> None:
    """Rewrite a CSV file with `change(row)` for each row (None keeps the row as it is)."""
    _write(path, [change(dict(row)) or row for row in _rows(path)])


def _messages(folder: Path) -> list[str]:
    with pytest.raises(PlanError) as raised:
        load_plan(folder)
    return [str(problem) for problem in raised.value.problems]


def _format1(folder: Path) -> None:
    """Turn a copy of the real plan back into format 1, as the 2025 edition was first published."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["formato_pom"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    figures = [{k: v for k, v in row.items() if k not in ("rol", "anio")} for row in _rows(folder / "cifras_clave.csv")]
    _write(folder / "cifras_clave.csv", figures)
    population = [{k: v for k, v in row.items() if k != "rol"} for row in _rows(folder / "poblacion_objetivo.csv")]
    _write(folder / "poblacion_objetivo.csv", population)
    (folder / "unidades.csv").unlink()


def test_the_real_plan_declares_the_current_format_and_restates_the_library_schema():
    descriptor = json.loads((PLAN_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["formato_pom"] == contract.FORMAT == 2
    present = [resource["name"] for resource in contract.plan_resources() if (PLAN_DIR / resource["path"]).exists()]
    assert descriptor["resources"] == contract.resources_of(present)


def test_a_format_1_folder_gets_every_step_to_migrate(plan_copy):
    _format1(plan_copy)
    assert _messages(plan_copy) == [
        "datapackage.json: los datos siguen el formato 1, que esta versión ya no lee. Para pasarlos al formato 2:",
        'datapackage.json: añada la línea "formato_pom": 2, al principio del objeto',
        "cifras_clave.csv, fila 1: añada después de «clave» las columnas «rol» y «anio»",
        "cifras_clave.csv, fila 2, columna «rol»: escriba rol «poblacion_objetivo» y deje anio vacío",
        "cifras_clave.csv, fila 3, columna «rol»: escriba rol «poblacion_elegible» y anio 2029",
        "cifras_clave.csv, fila 4, columna «rol»: escriba rol «cobertura_meta» y anio 2029",
        "cifras_clave.csv, fila 5, columna «rol»: escriba rol «porcentaje_mujeres» y anio 2029",
        "cifras_clave.csv, fila 6, columna «rol»: escriba rol «mujeres» y anio 2029",
        "poblacion_objetivo.csv, fila 1: añada la columna «rol»: «resto» en la fila que agrupa a los demás lugares "
        "(como «Resto del mundo»), «lugar» en las demás",
        f"{plan_copy}: cree unidades.csv con las columnas unidad_medida,descripcion y una fila por unidad de medida "
        "que usa el plan (Documento, Evento, Kilómetro, Metro cúbico, Persona)",
    ]


def test_the_format_1_message_reaches_the_analyst_without_a_traceback(plan_copy):
    _format1(plan_copy)
    result = pom("validar", plan_copy)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "formato 1" in result.stderr


def test_a_folder_descriptor_cannot_loosen_the_library_rules(plan_copy):
    """A descriptor without minimums changes nothing (one with other paths is refused: test_bad_inputs)."""
    descriptor = json.loads((plan_copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            field.pop("constraints", None)
    (plan_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    _edit(
        plan_copy / "metas_productos.csv",
        lambda row: {**row, "meta_fisica": "-5"} if (row["producto_id"], row["anio"]) == ("PRD01", "2026") else None,
    )
    assert _messages(plan_copy) == [
        "metas_productos.csv, fila 3, columna «meta_fisica»: valor negativo (-5): no puede ser menor que 0"
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        ("[1, 2]", "datapackage.json: el archivo debe ser un objeto JSON con la descripción del plan"),
        ("{", "datapackage.json, fila 1: el archivo está dañado: no es JSON válido"),
        (
            '{"formato_pom": 3}',
            "datapackage.json: «formato_pom» vale 3; esta versión de Libro POM lee el formato 2: "
            'escriba "formato_pom": 2',
        ),
    ],
)
def test_a_malformed_descriptor_gets_a_spanish_message(plan_copy, content, message):
    (plan_copy / "datapackage.json").write_text(content, encoding="utf-8")
    assert _messages(plan_copy) == [message]


def test_key_figures_are_found_by_role_and_year_whatever_their_key(plan_copy):
    _edit(plan_copy / "cifras_clave.csv", lambda row: {**row, "clave": row["clave"].replace("2029", "ultimo")})
    plan = load_plan(plan_copy)
    assert plan.key_figure("poblacion_elegible", 2029) == 1_619_247
    assert plan.key_figure("poblacion_elegible") == 1_619_247  # the latest year given
    assert plan.key_figure_year("mujeres") == 2029
    assert plan.key_figure("mujeres", 2028) is None


def test_optional_key_figures_may_be_absent(plan_copy):
    rows = [row for row in _rows(plan_copy / "cifras_clave.csv") if row["rol"] == "poblacion_objetivo"]
    _write(plan_copy / "cifras_clave.csv", rows)
    plan = load_plan(plan_copy)
    assert plan.target_population == 3_437_340
    assert plan.key_figure("poblacion_elegible") is None and plan.key_figure_year("poblacion_elegible") is None


@pytest.mark.parametrize(
    "spoil, expected",
    [
        (
            lambda f: _edit(
                f / "cifras_clave.csv",
                lambda r: {**r, "rol": "poblacion_elegible"} if r["rol"] == "poblacion_objetivo" else None,
            ),
            [
                "cifras_clave.csv: falta la cifra con rol «poblacion_objetivo» (la población objetivo total), "
                "que usan las fichas y el capítulo de alcance",
                "cifras_clave.csv, fila 2, columna «anio»: la cifra con rol «poblacion_elegible» necesita el año "
                "al que se refiere",
            ],
        ),
        (
            lambda f: _edit(
                f / "cifras_clave.csv", lambda r: {**r, "anio": "2029"} if r["rol"] == "poblacion_objetivo" else None
            ),
            ["cifras_clave.csv, fila 2, columna «anio»: la población objetivo no lleva año: deje «anio» vacío"],
        ),
        (
            lambda f: _edit(
                f / "cifras_clave.csv", lambda r: {**r, "rol": "poblacion_elegible"} if r["rol"] == "mujeres" else None
            ),
            [
                "cifras_clave.csv, fila 6, columna «rol»: el rol «poblacion_elegible» ya tiene una cifra para 2029 "
                "(fila 3)"
            ],
        ),
        (
            lambda f: _edit(
                f / "poblacion_objetivo.csv", lambda r: {**r, "rol": "resto"} if r["region_id"] == "canada" else None
            ),
            [
                "poblacion_objetivo.csv, fila 5, columna «rol»: solo una fila puede tener rol «resto» "
                "(la primera está en la fila 4)"
            ],
        ),
        (
            lambda f: _edit(f / "fichas.csv", lambda r: {**r, "nivel": "subproducto"}),
            [
                "fichas.csv: falta una ficha de nivel «producto»: la primera es el indicador principal del plan, "
                "que usan los capítulos de alcance, fichas y proyecciones"
            ],
        ),
        (
            lambda f: _write(
                f / "fichas_formula.csv",
                [r for r in _rows(f / "fichas_formula.csv") if r["ficha_id"] != "FICHA_SUBPRODUCTO"],
            ),
            [
                "fichas.csv, fila 3, columna «ficha_id»: la ficha «FICHA_SUBPRODUCTO» no tiene términos en "
                "fichas_formula.csv: escriba allí los subproductos cuya meta física suma el numerador del indicador"
            ],
        ),
        (
            lambda f: _write(
                f / "fichas_metas.csv",
                [r for r in _rows(f / "fichas_metas.csv") if (r["ficha_id"], r["anio"]) != ("FICHA_PRODUCTO", "2027")],
            ),
            ["fichas_metas.csv: la ficha «FICHA_PRODUCTO» no tiene meta para 2027: escriba una fila por año del plan"],
        ),
        (
            lambda f: _edit(
                f / "productos.csv",
                lambda r: {**r, "unidad_medida": "Personas"} if r["producto_id"] == "PRD02" else None,
            ),
            [
                "productos.csv, fila 3, columna «unidad_medida»: la unidad de medida «Personas» no está declarada en "
                "unidades.csv; ¿quiso decir «Persona»? Escríbala igual que allí"
            ],
        ),
    ],
)
def test_rules_the_chapters_rely_on_are_checked(plan_copy, spoil, expected):
    spoil(plan_copy)
    assert _messages(plan_copy) == expected


def test_the_fiche_ids_are_free(plan_copy):
    for name in ("fichas.csv", "fichas_elementos.csv", "fichas_formula.csv", "fichas_metas.csv"):
        path = plan_copy / name
        path.write_text(path.read_text(encoding="utf-8").replace("FICHA_PRODUCTO", "COBERTURA"), encoding="utf-8")
    plan = load_plan(plan_copy)
    assert plan.main_fiche == "COBERTURA"


def test_a_workbook_alone_is_read_in_the_current_format(tmp_path):
    """A workbook carries no descriptor: `pom validar libro.xlsx` on its own folder uses the library schema."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for resource in contract.resources_of(()):
        sheet = workbook.create_sheet(resource["name"])
        with (PLAN_DIR / resource["path"]).open(encoding="utf-8", newline="") as file:
            for row in csv.reader(file):
                sheet.append(row)
    workbook.save(tmp_path / "plan.xlsx")
    assert load_plan(tmp_path / "plan.xlsx").target_population == 3_437_340
