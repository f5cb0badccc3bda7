"""ediciones.yml, at the project root: the published editions, newest first.

The current edition is `fuente: book`; an archived one is `fuente: ediciones/<año>` (frozen by
pom_lib.publish.archive). `pom edicion` records the edition it built, `pom archivar` the one it froze,
and `pom sitio` (pom_lib.publish.site) publishes them all. Every entry is read with its year as a
number, whether the file writes it as one or as text.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from pom_lib.core.errors import EditionError, PlanError, Problem
from pom_lib.publish.chapter_runner import THRESHOLD_PARAMETERS

REGISTRY = "ediciones.yml"
ARCHIVE = "ediciones"
CURRENT = "book"
REGISTRY_HEADER = """# Ediciones publicadas del libro. `pom edicion` registra la edición vigente (fuente: book) y
# `pom archivar` la congela en ediciones/<año>; `pom sitio` (make site) las publica todas en _site/.
# Rutas relativas a la raíz del proyecto; "" = sin archivo de ejecución o sin plan anterior.
# umbral_*: umbrales del semáforo de «Seguimiento de la ejecución» (porcentaje de la meta).
# publicacion: fecha de publicación de la edición (la primera construcción la anota; corríjala si
# se publica otro día); version: número de versión de la edición (auméntelo al republicarla corregida).
"""
REQUIRED_KEYS = ("anio", "plan", "ejecucion", "plan_anterior", "fuente")
# Optional keys of an edition: kept from one build to the next.
PUBLICATION_KEYS = ("publicacion", "version")


def parse_year(value) -> int:
    """An edition year as a number, given as one (`--edicion 2025`) or as text ("2025" in ediciones.yml)."""
    text = str(value).strip()
    if not re.fullmatch(r"-?[0-9]+", text):
        raise EditionError(f"«{value}» no es un año de edición: escríbalo como número entero, por ejemplo 2026.")
    return int(text)


def read_registry(root: Path) -> list[dict] | None:
    """The editions listed in ediciones.yml, newest first; None when the project has no such file."""
    path = Path(root) / REGISTRY
    if not path.is_file():
        return None
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    editions = []
    problems = []
    for number, entry in enumerate(content.get("ediciones") or [], start=1):
        missing = [k for k in REQUIRED_KEYS if k not in (entry or {})]
        if missing:
            problems.append(Problem(REGISTRY, f"a la edición n.º {number} le falta {', '.join(missing)}"))
            continue
        try:
            editions.append({**entry, "anio": parse_year(entry["anio"])})
        except EditionError as error:
            problems.append(Problem(REGISTRY, f"la edición n.º {number}: {error}"))
    years = [e["anio"] for e in editions]
    if len(set(years)) != len(years):
        problems.append(Problem(REGISTRY, "una edición aparece más de una vez"))
    if problems:
        raise PlanError(problems)
    return sorted(editions, key=lambda e: e["anio"], reverse=True)


def find_entry(editions: list[dict] | None, year: int) -> dict:
    """The entry of the edition of `year` among `editions` (read_registry's); {} when it is not listed."""
    return next((entry for entry in editions or [] if entry["anio"] == year), {})


def registry_text(editions: list[dict]) -> str:
    """ediciones.yml listing `editions`, newest first (with the semáforo thresholds each edition used)."""
    ordered = [
        {
            "anio": e["anio"],
            **{k: str(e[k] or "") for k in REQUIRED_KEYS if k != "anio"},
            **{k: float(e[k]) for k in THRESHOLD_PARAMETERS if k in e},
            **{k: e[k] for k in PUBLICATION_KEYS if e.get(k) is not None},
        }
        for e in sorted(editions, key=lambda e: e["anio"], reverse=True)
    ]
    return REGISTRY_HEADER + yaml.safe_dump({"ediciones": ordered}, allow_unicode=True, sort_keys=False)


def write_registry(root: Path, editions: list[dict]) -> None:
    """Rewrite ediciones.yml (newest first); unchanged content leaves the file untouched."""
    text = registry_text(editions)
    path = Path(root) / REGISTRY
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def check_registry(root: Path, year: int) -> None:
    """Refuse an edition that would lose a published one: book/ holds another, unarchived edition."""
    for entry in read_registry(root) or []:
        listed = entry["anio"]
        if entry["fuente"] == CURRENT and listed != year and not (root / ARCHIVE / str(listed)).exists():
            raise EditionError(
                f"book/ contiene la edición {listed}, publicada y sin archivar. Congélela primero con "
                f"«pom archivar --edicion {listed}» (make archivar EDICION={listed}) y luego construya la edición "
                f"{year}."
            )
        if listed == year and entry["fuente"] != CURRENT:
            raise EditionError(
                f"La edición {listed} ya está archivada en {entry['fuente']}: una edición publicada no se vuelve a "
                f"construir. Si de verdad hay que rehacerla, quite su entrada de {REGISTRY} y su carpeta archivada."
            )


def with_publication(entry: dict, recorded: dict) -> dict:
    """`entry` with the publication date and version `recorded` for its edition, when it has them."""
    return {**{k: recorded[k] for k in PUBLICATION_KEYS if recorded.get(k) is not None}, **entry}


def registry_with(root: Path, entry: dict) -> str | None:
    """ediciones.yml with `entry` as the current edition; None when the project keeps no ediciones.yml."""
    editions = read_registry(root)
    if editions is None:
        return None
    entry = {"publicacion": date.today(), **with_publication(entry, find_entry(editions, entry["anio"]))}
    kept = [
        # check_registry made sure an earlier current edition was archived.
        {**other, "fuente": f"{ARCHIVE}/{other['anio']}"} if other["fuente"] == CURRENT else other
        for other in editions
        if other["anio"] != entry["anio"]
    ]
    return registry_text([*kept, entry])
