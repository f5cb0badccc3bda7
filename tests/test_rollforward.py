"""`pom nuevo-plan`: next year's plan from the current one, with every cell left to fill named.

The real plan 2025-2029 is moved to 2026-2030 in a temporary folder; expected values are read
here from its CSV files with the csv module.
"""

import csv
import re

import openpyxl
import pytest

from pom_lib.cli import main
from pom_lib.core.errors import PlanError
from pom_lib.data.commentary import read_blocks
from pom_lib.data.plan import load_plan
from pom_lib.export.rollforward import parse_period
from tests.support.commands import pom
from tests.support.paths import PLAN_DIR


def _rows(folder, table):
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _write(folder, table, rows):
    with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    target = tmp_path_factory.mktemp("nuevo") / "pom-2026-2030"
    result = pom("nuevo-plan", PLAN_DIR, "--periodo", "2026-2030", "-o", target)
    assert result.returncode == 0, result.stderr
    return target, result.stdout


def test_period_and_title_move_and_the_publication_date_is_left_to_fill(rolled):
    folder, _ = rolled
    plan = _rows(folder, "plan")[0]
    old = _rows(PLAN_DIR, "plan")[0]
    assert (plan["anio_inicio"], plan["anio_fin"]) == ("2026", "2030")
    assert plan["titulo"] == old["titulo"].replace("2025-2029", "2026-2030")
    assert plan["lugar_fecha"] == ""
    assert plan["institucion"] == old["institucion"]


def test_goals_lose_the_first_year_and_gain_an_empty_last_year_with_the_same_ids(rolled):
    folder, _ = rolled
    for table, key in (
        ("metas_productos", "producto_id"),
        ("metas_subproductos", "subproducto_id"),
        ("fichas_metas", "ficha_id"),
    ):
        old, new = _rows(PLAN_DIR, table), _rows(folder, table)
        assert {r[key] for r in new} == {r[key] for r in old}, table
        assert {r["anio"] for r in new} == {"2026", "2027", "2028", "2029", "2030"}, table
        kept = {(r[key], r["anio"]): r for r in old if r["anio"] != "2025"}
        for row in new:
            if row["anio"] == "2030":
                assert all(row[c] == "" for c in row if c not in (key, "anio")), row
            else:
                assert row == kept[(row[key], row["anio"])]
    totals = _rows(folder, "totales_anuales")
    assert [r["anio"] for r in totals] == ["2026", "2027", "2028", "2029", "2030"] and totals[-1][
        "meta_financiera"
    ] == ""


def test_key_figures_keep_their_role_and_move_to_the_new_last_year_with_empty_values(rolled):
    folder, _ = rolled
    old = {r["rol"]: r for r in _rows(PLAN_DIR, "cifras_clave")}
    new = {r["rol"]: r for r in _rows(folder, "cifras_clave")}
    assert set(new) == set(old)
    assert new["poblacion_objetivo"] == old["poblacion_objetivo"]
    for role in set(old) - {"poblacion_objetivo"}:
        assert old[role]["anio"] == "2029" and new[role]["anio"] == "2030"
        assert new[role]["valor"] == ""
        assert new[role]["clave"] == old[role]["clave"].replace("2029", "2030")
    baseline = _rows(folder, "fichas")[0]
    assert baseline["anio_linea_base"] == "2025" and baseline["linea_base_absoluta"] == ""


def test_the_validator_names_every_cell_left_to_fill(rolled):
    folder, output = rolled
    result = pom("validar", folder)
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    items = len(_rows(PLAN_DIR, "productos")) + len(_rows(PLAN_DIR, "subproductos"))
    fiches = len(_rows(PLAN_DIR, "fichas"))
    dated = sum(1 for r in _rows(PLAN_DIR, "cifras_clave") if r["anio"])
    # 2030: two goals per item and fiche, the total; the moved key figures; two baseline values per fiche; the date.
    assert len(problems) == 2 * items + 2 * fiches + 1 + dated + 2 * fiches + 1
    assert all(re.search(r"\.csv, fila \d+, columna «\w+»: falta el valor$", line) for line in problems)
    assert "  - plan.csv, fila 2, columna «lugar_fecha»: falta el valor" in problems
    # The command said the same, grouped.
    assert "metas_subproductos.csv: meta_fisica y meta_financiera de 2030, en 28 filas nuevas" in output
    assert "Luego ejecute «pom validar" in output


def test_text_that_names_the_old_period_is_kept_and_listed(rolled):
    folder, output = rolled
    assert _rows(folder, "expansion_red") == _rows(PLAN_DIR, "expansion_red")
    assert "expansion_red.csv, columna «texto», fila 2: menciona el período 2025-2029" in output
    assert "acciones.csv, columna «seccion», filas 2 a 40" in output


def test_commentary_is_copied_marked_for_review(rolled):
    folder, _ = rolled
    old = (PLAN_DIR / "comentarios" / "acciones_programa.md").read_text(encoding="utf-8")
    new = (folder / "comentarios" / "acciones_programa.md").read_text(encoding="utf-8")
    assert new.count("revisar: ") == old.count("lugar: ") == 2
    assert (
        new.replace('revisar: "copiado del plan 2025-2029 con pom nuevo-plan: relea el texto y confírmelo"\n', "")
        == old
    )
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("> **Por revisar.**") and readme.endswith(
        (PLAN_DIR / "README.md").read_text(encoding="utf-8")
    )


def _fill(folder):
    """What the analyst types: 2030 as 2029 (the plan still adds up), the key figures and the date."""
    plan = _rows(folder, "plan")
    plan[0]["lugar_fecha"] = "Guatemala, marzo 2026"
    _write(folder, "plan", plan)
    for table, key in (
        ("metas_productos", "producto_id"),
        ("metas_subproductos", "subproducto_id"),
        ("fichas_metas", "ficha_id"),
        ("totales_anuales", None),
    ):
        rows = _rows(folder, table)
        last = {(r[key] if key else ""): r for r in rows if r["anio"] == "2029"}
        for row in rows:
            if row["anio"] == "2030":
                row.update({c: v for c, v in last[row[key] if key else ""].items() if c not in (key, "anio")})
        _write(folder, table, rows)
    figures = _rows(folder, "cifras_clave")
    for row in figures:
        row["valor"] = row["valor"] or "50"
    _write(folder, "cifras_clave", figures)
    fiches = _rows(folder, "fichas")
    for row in fiches:
        row["linea_base_absoluta"], row["linea_base_relativa"] = "1332155", "38.8"
    _write(folder, "fichas", fiches)


def test_once_filled_the_plan_is_valid_and_its_commentary_waits_for_the_analyst(rolled, tmp_path, monkeypatch, capsys):
    import shutil

    folder = tmp_path / "pom-2026-2030"
    shutil.copytree(rolled[0], folder)
    _fill(folder)
    plan = load_plan(folder)
    assert plan.period == "2026-2030"
    monkeypatch.chdir(tmp_path)
    assert main(["comentarios", str(folder)]) == 0
    listed = capsys.readouterr().out
    blocks = sum(path.read_text(encoding="utf-8").count("lugar: ") for path in (PLAN_DIR / "comentarios").glob("*.md"))
    assert listed.count("copiado del plan 2025-2029 con pom nuevo-plan") == blocks
    assert main(["comentarios", str(folder), "--confirmar"]) == 0
    capsys.readouterr()
    confirmed = read_blocks(folder, "acciones_programa")
    original = read_blocks(PLAN_DIR, "acciones_programa")
    assert [(b.place, b.text, b.review) for b in confirmed] == [(b.place, b.text, "") for b in original]
    assert confirmed[1].figures == original[1].figures == {}
    assert main(["comentarios", str(folder)]) == 0
    assert "por revisar" not in capsys.readouterr().out


def test_next_plan_as_a_workbook(tmp_path):
    target = tmp_path / "pom-2026-2030.xlsx"
    result = pom("nuevo-plan", PLAN_DIR, "--periodo", "2026-2030", "-o", target)
    assert result.returncode == 0, result.stderr
    workbook = openpyxl.load_workbook(target)
    assert workbook["plan"]["D2"].value == 2026
    sheet = workbook["totales_anuales"]
    assert [(r[0], r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)][-1] == (2030, None)
    check = pom("validar", target)
    assert (
        check.returncode == 1
        and "hoja «totales_anuales», fila 6, columna «meta_financiera»: falta el valor" in check.stderr
    )


def test_a_shorter_period_drops_figures_outside_it(tmp_path):
    target = tmp_path / "corto"
    result = pom("nuevo-plan", PLAN_DIR, "--periodo", "2026-2028", "-o", target)
    assert result.returncode == 0, result.stderr
    assert {r["anio"] for r in _rows(target, "metas_productos")} == {"2026", "2027", "2028"}
    assert {r["anio"] for r in _rows(target, "cifras_clave") if r["anio"]} == {"2028"}


NOT_PERIODS = ("2026", "dos mil", "2026-30")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        *((text, "escriba el primer y el último año separados por un guion, como 2026-2030") for text in NOT_PERIODS),
        ("2030-2026", "los años están al revés: el primero (2030) es posterior al último (2026); escriba 2026-2030"),
        ("1990-1994", "los años deben estar entre 2000 y 2100"),
    ],
)
def test_a_period_must_read_first_and_last_year(text, reason):
    with pytest.raises(PlanError) as error:
        parse_period(text)
    assert error.value.problems[0].message == f"«{text}» no es un período: {reason}"


def test_nothing_is_written_over_an_existing_folder(tmp_path):
    target = tmp_path / "existe"
    target.mkdir()
    result = pom("nuevo-plan", PLAN_DIR, "--periodo", "2026-2030", "-o", target)
    assert result.returncode == 1 and "ya existe" in result.stderr and not any(target.iterdir())


def test_a_marked_block_is_listed_until_confirmed():
    from pom_lib.data.commentary import mark_for_review, parse, reviews

    text = (
        '---\nlugar: resumen\ncifras:\n  n: "3"\n---\nHay {glue:md}`n`.\n---\nlugar: cierre\ncifras: {}\n---\nTexto.\n'
    )
    marked = mark_for_review(text, "comentarios/x.md", "copiado del plan 2025-2029")
    assert mark_for_review(marked, "comentarios/x.md", "otro motivo") == marked  # a mark is kept, not doubled
    blocks = parse(marked, "x", "comentarios/x.md")
    found = reviews(blocks, {"n": "3"})
    assert [review.block.place for review in found] == ["resumen", "cierre"]
    assert str(found[1]) == (
        "comentarios/x.md, línea 8 (lugar «cierre»): comentario por revisar, copiado del plan 2025-2029"
    )
    assert reviews(parse(text, "x", "comentarios/x.md"), {"n": "3"}) == []
