"""The analysts' commentary beside a plan's data: parsed, held back when its figures change, confirmed."""

import csv
from pathlib import Path

import pytest

from pom_lib.chapters import commentary_reviews, confirm_commentary
from pom_lib.chapters.acciones_programa import ProgramActions
from pom_lib.core.errors import PlanError
from pom_lib.data import commentary
from pom_lib.data.plan import load_plan
from tests.support.commands import pom

BLOCKS = """<!-- notas del equipo -->
---
lugar: resumen
cifras:
  n_acciones: "39"
  peso_menor: "2.0 %"
---
El plan enumera {glue:md}`n_acciones` acciones.

Segundo párrafo del mismo bloque.
---
lugar: cierre
cifras: {}
---
## Un título

Texto sin cifras.
"""


def _drop_one_action(folder: Path, program: str) -> None:
    """Remove the first action of a program: its count changes, so do the figures that cite it."""
    path = folder / "acciones.csv"
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    dropped = next(i for i, row in enumerate(rows) if row[1] == program)
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows[:dropped] + rows[dropped + 1 :])


def test_blocks_are_parsed_with_their_place_figures_and_text():
    blocks = commentary.parse(BLOCKS, "acciones_programa", "comentarios/acciones_programa.md")
    assert [(b.place, b.figures, b.line) for b in blocks] == [
        ("resumen", {"n_acciones": "39", "peso_menor": "2.0 %"}, 2),
        ("cierre", {}, 11),
    ]
    assert blocks[0].text == "El plan enumera {glue:md}`n_acciones` acciones.\n\nSegundo párrafo del mismo bloque."
    assert blocks[0].cited == ["n_acciones"]
    assert blocks[0].render({"n_acciones": "41"}).startswith("El plan enumera 41 acciones.")


def test_a_block_that_cites_an_unrecorded_figure_is_refused():
    text = "---\nlugar: resumen\ncifras: {}\n---\nHay {glue:md}`n_acciones` acciones.\n"
    with pytest.raises(PlanError) as raised:
        commentary.parse(text, "acciones_programa", "comentarios/acciones_programa.md")
    assert [str(p) for p in raised.value.problems] == [
        "comentarios/acciones_programa.md, fila 1: el texto cita n_acciones sin registrarlas en «cifras:»; "
        "agréguelas con el valor que tenían al escribirlo"
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("---\ncifras: {}\n---\nTexto.\n", "fila 1: falta «lugar:», el sitio del capítulo donde va el comentario"),
        ("---\nlugar: resumen\ncifras: {}\nTexto.\n", "fila 1: falta la línea «---» que cierra el encabezado"),
        ("---\nlugar: [resumen\n---\nTexto.\n", "fila 1: el encabezado del comentario no se puede leer"),
    ],
)
def test_malformed_blocks_name_their_line(text, message):
    with pytest.raises(PlanError) as raised:
        commentary.parse(text, "acciones_programa", "comentarios/acciones_programa.md")
    assert message in str(raised.value.problems[0])


def test_the_published_plan_has_no_commentary_to_review(plan):
    assert commentary_reviews(plan) == []


def test_a_changed_figure_holds_its_block_back_until_confirmed(plan_copy):
    path = plan_copy / "comentarios" / "acciones_programa.md"
    original = path.read_text(encoding="utf-8")
    _drop_one_action(plan_copy, "limites")
    plan = load_plan(plan_copy)
    reviews = commentary_reviews(plan)
    assert [(r.block.chapter, r.block.place, r.changes) for r in reviews] == [
        ("acciones_programa", "resumen", [("n_acciones_menor_peso", "6", "5")])
    ]
    assert "comentario por revisar" in str(reviews[0]) and "n_acciones_menor_peso: era 6, ahora 5" in str(reviews[0])
    chapter = ProgramActions(plan)
    assert chapter.commentary_markdown("resumen") == ""  # held back
    assert chapter.commentary_markdown("cierre").startswith("## Qué dicen las acciones")  # unaffected block

    assert confirm_commentary(plan) == 1
    confirmed = path.read_text(encoding="utf-8")
    assert confirmed == original.replace('n_acciones_menor_peso: "6"', 'n_acciones_menor_peso: "5"')
    plan = load_plan(plan_copy)
    assert commentary_reviews(plan) == []
    assert "describe 5 acciones" in ProgramActions(plan).commentary_markdown("resumen")


def test_pom_validar_lists_the_commentary_to_review(plan_copy):
    _drop_one_action(plan_copy, "limites")
    result = pom("validar", plan_copy)
    assert result.returncode == 0
    assert "Comentarios por revisar: 1" in result.stdout
    assert "comentarios/acciones_programa.md, línea 3 (lugar «resumen»)" in result.stdout
    confirmed = pom("comentarios", plan_copy, "--confirmar")
    assert confirmed.returncode == 0 and "Comentarios confirmados: 1" in confirmed.stdout
    again = pom("validar", plan_copy)
    assert "Comentarios por revisar" not in again.stdout


def test_a_block_in_an_unknown_place_or_chapter_is_an_error(plan_copy):
    folder = plan_copy / "comentarios"
    (folder / "acciones_programa.md").write_text("---\nlugar: inventado\ncifras: {}\n---\nTexto.\n", encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        commentary_reviews(load_plan(plan_copy))
    assert "el lugar «inventado» no existe en este capítulo" in str(raised.value)
    (folder / "acciones_programa.md").unlink()
    (folder / "capitulo_inventado.md").write_text("---\nlugar: x\ncifras: {}\n---\nTexto.\n", encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        commentary_reviews(load_plan(plan_copy))
    assert "comentarios/capitulo_inventado.md: no hay ningún capítulo con este nombre" in str(raised.value)


def test_a_linked_commentary_file_is_never_read_nor_confirmed_through(plan_copy, tmp_path):
    """Confirming writes the file: through a link, it would write outside the plan folder."""
    outside = tmp_path / "fuera.md"
    outside.write_text("---\nlugar: resumen\ncifras: {}\n---\nTexto de otro lugar.\n", encoding="utf-8")
    (plan_copy / "comentarios" / "anexos.md").unlink()
    (plan_copy / "comentarios" / "anexos.md").symlink_to(outside)
    for attempt in (
        lambda: commentary.read_blocks(plan_copy, "anexos"),
        lambda: commentary.confirm(plan_copy, "anexos", {}),
    ):
        with pytest.raises(PlanError) as refused:
            attempt()
        assert [problem.file for problem in refused.value.problems] == ["comentarios/anexos.md"]
        assert "es un enlace simbólico" in refused.value.problems[0].message
    assert outside.read_text(encoding="utf-8").endswith("Texto de otro lugar.\n")


def test_a_header_nested_past_the_parsers_limit_is_a_located_problem():
    text = "---\nlugar: resumen\ncifras: " + "[" * 5000 + "]" * 5000 + "\n---\nTexto.\n"
    with pytest.raises(PlanError) as refused:
        commentary.parse(text, "anexos", "comentarios/anexos.md")
    assert [str(problem) for problem in refused.value.problems] == [
        "comentarios/anexos.md, fila 1: el encabezado del comentario no se puede leer; escriba «lugar:» y "
        "«cifras:» como en los demás bloques"
    ]
