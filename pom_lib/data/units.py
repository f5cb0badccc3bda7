"""Units of measure: each plan declares its own (unidades.csv), and a unit is written one way.

A unit typed «Personas» where the plan declares «Persona» is not a new unit: it is the same
one with another case, accent or number. Left alone it would switch off the check that a
product's physical goal adds up its subproducts of the same unit, so it is an error that
names the declared spelling (the rule units_declared_once, and the schema check's message for a
unit unknown to unidades.csv).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

TABLE = "unidades"
COLUMN = "unidad_medida"
# Units of the physical goals that public institutions' plans commonly use, each with what one counts:
# the starting list of a new plan, which keeps those it uses and adds its own.
COMMON_UNITS = (
    ("Persona", "Persona atendida o beneficiada"),
    ("Documento", "Documento emitido o elaborado (informe, dictamen, estudio, resolución)"),
    ("Evento", "Evento realizado (reunión, taller, capacitación, gestión)"),
    ("Servicio", "Servicio prestado"),
    ("Entidad", "Entidad, institución u organización atendida"),
    ("Aporte", "Aporte o transferencia entregado"),
    ("Kilómetro", "Kilómetro construido, mantenido o recorrido"),
    ("Metro cuadrado", "Metro cuadrado construido o rehabilitado"),
    ("Metro cúbico", "Metro cúbico"),
    ("Hectárea", "Hectárea atendida"),
)


def _forms(word: str) -> set[str]:
    """A word without case or accents, and its possible singulars («acciones» → «accion»)."""
    plain = "".join(
        char for char in unicodedata.normalize("NFD", word.casefold()) if unicodedata.category(char) != "Mn"
    )
    forms = {plain}
    if plain.endswith("s"):
        forms.add(plain[:-1])
    if plain.endswith("es"):
        forms.add(plain[:-2])
    return forms


def same_unit(typed: str, declared: str) -> bool:
    """Whether two spellings differ only by case, accents, plural or spacing («Metros  cubicos», «Metro cúbico»)."""
    typed_words, declared_words = typed.split(), declared.split()
    return len(typed_words) == len(declared_words) and all(
        _forms(a) & _forms(b) for a, b in zip(typed_words, declared_words)
    )


def closest_unit(typed: str, declared: Iterable[str]) -> str | None:
    """The declared unit that `typed` misspells, if any (an exact match is not a misspelling)."""
    return next((unit for unit in declared if unit != typed and same_unit(typed, unit)), None)
