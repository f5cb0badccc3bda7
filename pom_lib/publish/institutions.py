"""Several institutions in one repository: where each one's plans, editions and book live.

An institution's folder, its *home*, is to its editions what the project's root is to a
single-institution repository: it holds its ediciones.yml, its plans (data/<plan>/ and
data/ejecucion/), its current book (book/), its archived editions (ediciones/<año>/) and its build
(_build/). The chapter templates (notebooks/), _config.yml and pom_lib stay shared at the root.

    instituciones/<SIGLAS>/      one institution's home (SIGLAS: letters, digits, «-» or «_»)

The root itself is an institution too when its own ediciones.yml lists editions: a repository that
has always had one institution keeps its layout, and gains others by adding folders under
instituciones/. Its acronym is that of the plan of its newest edition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pom_lib.core import paths, spanish
from pom_lib.core.errors import EditionError
from pom_lib.data.plan import load_plan
from pom_lib.publish.registry import REGISTRY, read_registry

FOLDER = paths.INSTITUTIONS
ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
EMPTY_REGISTRY = "# Ediciones publicadas de la institución; `pom edicion --institucion` las registra.\nediciones: []\n"


@dataclass(frozen=True)
class Institution:
    """An institution of the repository: its acronym and its home (where its editions' paths start)."""

    siglas: str
    home: Path


def home(root: Path, siglas: str) -> Path:
    """The home of the institution `siglas`: instituciones/<siglas>/, which must exist as a real folder."""
    root = Path(root).resolve()
    folder = root / FOLDER / siglas
    if not ACRONYM.match(siglas):
        raise EditionError(
            f"«{siglas}» no es una sigla de institución: use letras, dígitos, «-» o «_» (p. ej. --institucion MINEX)."
        )
    if folder.is_symlink() or not folder.is_dir():
        known = [found.siglas for found in institution_folders(root)]
        listed = f"las instituciones del proyecto son {spanish.join(known)}" if known else "no hay ninguna todavía"
        raise EditionError(
            f"No existe la carpeta {FOLDER}/{siglas}/ de la institución «{siglas}» ({listed}). Créela con sus "
            f"planes en {FOLDER}/{siglas}/data/<plan>/."
        )
    return folder


def prepared_home(root: Path, siglas: str) -> Path:
    """The institution's home, with an empty ediciones.yml when it has none yet (its first edition records there)."""
    folder = home(root, siglas)
    if not (folder / REGISTRY).exists():
        (folder / REGISTRY).write_text(EMPTY_REGISTRY, encoding="utf-8")
    return folder


def institutions(root: Path) -> list[Institution]:
    """Every institution of the repository with editions, by acronym: the root's own, then instituciones/*/."""
    root = Path(root).resolve()
    found = institution_folders(root)
    entries = read_registry(root)
    if entries:
        plan = load_plan((root / entries[0]["plan"]).resolve())
        own = str(plan.info["siglas"])
        if any(other.siglas == own for other in found):
            raise EditionError(
                f"La institución {own} está dos veces: en la raíz del proyecto ({REGISTRY}) y en {FOLDER}/{own}/. "
                f"Deje sus ediciones en un solo lugar."
            )
        found.append(Institution(own, root))
    return sorted(found, key=lambda institution: institution.siglas)


def institution_folders(root: Path) -> list[Institution]:
    """The institutions under instituciones/ whose ediciones.yml lists at least one edition."""
    parent = root / FOLDER
    if not parent.is_dir():
        return []
    return [
        Institution(folder.name, folder)
        for folder in sorted(parent.iterdir())
        if folder.is_dir() and not folder.is_symlink() and ACRONYM.match(folder.name) and read_registry(folder)
    ]
