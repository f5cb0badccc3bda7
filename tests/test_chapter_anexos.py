"""Chapter «Anexos»: glossary and methodology for any plan, examples from its own figures, escaped citations."""

import pytest

from pom_lib.chapters.anexos import Annexes
from pom_lib.data.plan import load_plan
from tests.support.paths import PLAN_DIR
from tests.support.plan_variants import change_rows, clear_notes, end_in, keep_rows, read_rows

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def chapter(plan):
    return Annexes(plan, 2025)


def test_examples_and_counts_come_from_the_plan(chapter):
    values = chapter.values
    assert values["ejemplo_monto"] == "Q980,000,000" and values["ejemplo_millones"] == "Q980.0 millones"
    assert values["ejemplo_entero"] == "3,437,340"
    assert values["ejemplo_porcentaje"] == f"47.1{NBSP}%"
    units = [row["unidad_medida"] for row in read_rows(PLAN_DIR, "unidades")]
    assert values["frase_unidades"] == (
        "Las que usa este plan son " + ", ".join(f"«{u}»" for u in units[:-1]) + f" y «{units[-1]}»."
    )
    notes = sum(
        1 for table in ("programas", "productos", "subproductos") for row in read_rows(PLAN_DIR, table) if row["nota"]
    )
    assert (
        values["frase_notas"] == f"Cada una queda anotada en la fila afectada ({notes} notas en programas, "
        "productos y subproductos)."
    )
    assert values["frase_cumplen"] == "todas cumplen"
    assert values["frase_paquete"].endswith("y el `README.md` que documenta los datos")
    assert values["frase_programas"].startswith("Los programas que el documento no nombra")


def test_the_percent_example_without_a_coverage_goal(plan_copy):
    end_in(plan_copy, 2027)  # the coverage goal of 2029 goes with the years
    relative = next(
        r["meta_relativa"]
        for r in read_rows(plan_copy, "fichas_metas")
        if r["ficha_id"] == "FICHA_PRODUCTO" and r["anio"] == "2027"
    )
    assert Annexes(load_plan(plan_copy)).values["ejemplo_porcentaje"] == f"{relative}{NBSP}%"


def test_a_plan_with_one_unit_no_notes_and_every_program_named(plan_copy):
    clear_notes(plan_copy)
    change_rows(plan_copy, "programas", lambda row: True, nombrado_en_documento="true")
    keep_rows(plan_copy, "cifras_clave", lambda row: row["rol"] != "cobertura_meta")
    values = Annexes(load_plan(plan_copy)).values
    assert values["frase_notas"] == "En los datos de este plan, ninguna fila lleva nota de lectura."
    assert values["frase_programas"] == ""
    assert values["ejemplo_porcentaje"] == f"47.1{NBSP}%"  # the main fiche's last goal, as the plan states it


def test_citation_escapes_the_plan_text(plan_copy):
    change_rows(plan_copy, "plan", lambda row: True, institucion="Instituto *Nacional* de [Prueba]_X")
    citation = Annexes(load_plan(plan_copy), 2026).citation_markdown()
    assert r"Instituto \*Nacional\* de \[Prueba\]\_X" in citation
    assert "*Instituto" not in citation
    assert Annexes(load_plan(plan_copy), 2026).edition_markdown() == (
        "Esta es la edición 2026 del libro, construida a partir del documento *Plan Operativo Multianual 2025-2029*."
    )


def test_methodology_commentary_is_held_back_when_the_notes_change(chapter, plan_copy):
    assert "cambiarla no altera ningún monto" in chapter.commentary_markdown("metodologia")
    clear_notes(plan_copy)
    assert Annexes(load_plan(plan_copy)).commentary_markdown("metodologia") == ""
