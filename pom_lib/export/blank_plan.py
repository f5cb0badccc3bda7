"""A plan from nothing (`pom nuevo-plan --institucion`): the start of the plan of an institution that never
had one, as a folder or a workbook the analyst fills from the published document.

Every table of the contract comes with its header and no rows: a made-up example row would have to be
told from the document's and deleted, and until then `pom validar` would judge its figures as the
plan's. Only what the command line says is written:

- plan.csv: one row with the institution, its acronym, the title and the period, and the currency
  (quetzales); the place and date of publication and the planning unit are left empty.
- unidades.csv: the common units (units.COMMON_UNITS); the plan keeps those it uses and adds its own.
- datapackage.json declares the format (plan_package), and README.md is the skeleton of the notes on
  the document: its source and the readings of its ambiguous passages, each with its reason.

The optional tables are left out. What is still to fill is what `pom validar` says of the new plan,
grouped by table (`to_fill`): the command runs the validator on what it wrote.
"""

from __future__ import annotations

from pom_lib.core.errors import PlanError, Problem
from pom_lib.data import contract, units
from pom_lib.export.plan_package import PlanPackage, field_names

ACRONYM_LENGTH = (2, 12)
CURRENCY = "GTQ"


def parse_acronym(text: str) -> str:
    """«INE» as written; raises PlanError unless it is 2 to 12 letters or digits."""
    acronym = text.strip()
    shortest, longest = ACRONYM_LENGTH
    if not (acronym.isalnum() and shortest <= len(acronym) <= longest):
        raise PlanError(
            [
                Problem(
                    "--siglas",
                    f"«{text}» no sirve como siglas: escriba de {shortest} a {longest} letras o números, sin "
                    "espacios, puntos ni guiones (p. ej. INE)",
                )
            ]
        )
    return acronym


def parse_institution(text: str) -> str:
    """The institution's name as written; raises PlanError when it is empty."""
    name = " ".join(text.split())
    if not name:
        raise PlanError(
            [Problem("--institucion", "falta el nombre de la institución: escríbalo completo, entre comillas")]
        )
    return name


def title(first: int, last: int) -> str:
    return f"Plan Operativo Multianual {first}-{last}"


def blank_plan(institution: str, acronym: str, first: int, last: int, name: str) -> PlanPackage:
    """The empty plan of `institution` for the period first-last, as package `name` (see the module's docstring)."""
    tables = {r["name"]: [] for r in contract.plan_resources() if not contract.is_optional(r)}
    plan = dict.fromkeys(field_names("plan"), "")
    plan.update(
        institucion=institution,
        siglas=acronym,
        titulo=title(first, last),
        anio_inicio=str(first),
        anio_fin=str(last),
        moneda=CURRENCY,
    )
    tables["plan"] = [list(plan.values())]
    tables[units.TABLE] = [[unit, meaning] for unit, meaning in units.COMMON_UNITS]
    metadata = {
        "profile": "tabular-data-package",
        "name": name,
        "title": f"{title(first, last)}: {institution}",
        "description": "Transcripción del documento publicado del plan. Las lecturas de pasajes ambiguos están en "
        "README.md.",
    }
    return PlanPackage(metadata, tables, {contract.README: readme(institution, acronym, first, last)})


def readme(institution: str, acronym: str, first: int, last: int) -> str:
    """The skeleton of the plan folder's README: the sections an analyst fills while transcribing."""
    return f"""# Datos del {title(first, last)} ({acronym})

Transcripción del *{title(first, last)}* de {institution}. Cada tabla es un CSV en UTF-8 con una
observación por fila; `datapackage.json` declara el formato de los datos. Las cifras son las del
documento, sin redondeos ni correcciones; los enunciados oficiales se citan textualmente.

## Documento fuente

> **Por llenar.** Título exacto del documento, institución que lo publica, lugar y fecha de
> publicación, dirección donde se obtuvo (o cómo se consiguió) y fecha de la consulta.

## Tablas y su origen en el documento

> **Por llenar.** La sección del documento de la que sale cada tabla (p. ej. «`productos.csv`:
> sección 5, matriz de planificación»).

## Identificadores

Productos `PRD01`, `PRD02`… y subproductos `SUB01`, `SUB02`…, en el orden de la matriz; programas con
claves legibles en minúsculas. Los archivos de ejecución y las ediciones siguientes se refieren a estos
identificadores: no se renumeran, y un producto nuevo recibe el siguiente número libre.

## Lecturas de pasajes ambiguos

> **Por llenar.** Una entrada numerada por cada pasaje que admite más de una lectura (una fila
> desplazada, una cifra ilegible, un vínculo que el documento no explicita): la lectura elegida y su
> razón (la aritmética del propio plan, otra sección del documento). Anote también la lectura en la
> columna `nota` de la fila afectada. Si no hubo ninguna, dígalo.

1. **Lectura elegida.** Razón.
"""


def to_fill(problems: list[Problem]) -> dict[str, list[str]]:
    """The validator's problems of a new plan by the file (or sheet) they are in, each said without its place's name."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        place = f"hoja «{problem.sheet}»" if problem.sheet else problem.file
        where = ", ".join(
            filter(
                None,
                [
                    f"fila {problem.row}" if problem.row is not None else "",
                    f"columna «{problem.column}»" if problem.column else "",
                ],
            )
        )
        grouped.setdefault(place, []).append(f"{where}: {problem.message}" if where else problem.message)
    return grouped
