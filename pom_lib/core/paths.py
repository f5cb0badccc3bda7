"""Where commands read and where they write: one rule for each.

Reading: a plan, an execution file or a commentary file is read only from regular files of its own
folder, reached without following a symbolic link, so nothing from outside the folder reaches the
book, a download or an exported workbook (`folder_file`).

Writing: an output named on the command line never goes into the project's own folders (its code,
templates, tests, plans and published editions) and never replaces anything the command did not
make (`check_output`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pom_lib.core.errors import PlanError, Problem

# Where a project keeps its plan folders (and data/ejecucion/ its execution files).
PLANS = "data"
# The project's own folders: commands write there only through their own steps (an edition, an
# archive, a new plan folder in data/), never as an output named on the command line.
# Each institution of a repository of several: its plans in instituciones/<SIGLAS>/data/.
INSTITUTIONS = "instituciones"
PROJECT_FOLDERS = (
    "pom_lib",
    "notebooks",
    "tests",
    PLANS,
    "book",
    "ediciones",
    INSTITUTIONS,
    "_build",
    ".git",
    ".ci",
    ".venv",
)
# A folder is a book project when it has Jupyter Book's configuration.
PROJECT_MARK = "_config.yml"
# The project this library is part of, when it runs from its own checkout.
CHECKOUT = Path(__file__).resolve().parents[2]


def is_plain(name: str) -> bool:
    """Whether `name` is a relative «/»-separated name that stays inside its folder."""
    return bool(name) and "\\" not in name and all(part not in ("", ".", "..") for part in name.split("/"))


def folder_file(folder: Path, name: str) -> Path | None:
    """The regular file `name` («/»-separated, relative) of `folder`, or None when there is none.

    Every step from `folder` down is looked at without following it: a symbolic link (wherever it
    points), a folder, a device or a pipe in its place, or a name that leaves the folder, is a
    PlanError naming the file.
    """
    if not is_plain(name):
        raise PlanError([Problem(name, "no es el nombre de un archivo dentro de la carpeta del plan")])
    path, walked = Path(folder), []
    for part in name.split("/"):
        path, walked = path / part, [*walked, part]
        try:
            mode = path.lstat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        if stat.S_ISLNK(mode):
            link = "/".join(walked)
            what = "es un enlace simbólico" if link == name else f"la carpeta «{link}» es un enlace simbólico"
            raise PlanError(
                [
                    Problem(
                        name,
                        f"{what}: solo se leen archivos que están de verdad dentro de la carpeta; "
                        "ponga allí una copia del archivo en lugar del enlace",
                    )
                ]
            )
    if not stat.S_ISREG(mode):
        what = "es una carpeta" if stat.S_ISDIR(mode) else "es un dispositivo o una tubería"
        raise PlanError([Problem(name, f"{what}, no un archivo: ponga en su lugar el archivo que corresponde")])
    return path


def _new_entry_of(where: Path, project: Path, belongs_in: str) -> bool:
    """`where` is right inside the project's `belongs_in` folder, or inside that of one of its institutions."""
    parent = where.parent
    return parent == project / belongs_in or (
        parent.name == belongs_in and parent.parent.parent == project / INSTITUTIONS
    )


def check_output(
    target: Path, root: Path | None = None, *, belongs_in: str | None = None, mark: str | None = None
) -> Path:
    """Refuse an output a command should not write; return it as an absolute path.

    Refused: the project itself or a folder that contains it; anything inside the project's own
    folders (PROJECT_FOLDERS of the project at `root`, by default the current folder when it is a
    book project, and of the checkout this library runs from), except a new entry right inside
    `belongs_in` (a project folder such as «data», where plan folders go, the project's or an
    institution's in instituciones/<SIGLAS>/); and anything that
    exists, except a folder this command built (it holds the file `mark`) or an empty one.
    """
    target = Path(target)
    where = target.resolve()
    for project in _projects(root):
        if where == project or where in project.parents:
            raise PlanError([Problem(str(target), "contiene el proyecto: elija una carpeta o un archivo propios")])
        for name in PROJECT_FOLDERS:
            folder = project / name
            inside = where == folder or folder in where.parents
            if inside and not (belongs_in and _new_entry_of(where, project, belongs_in)):
                allowed = (
                    f" (dentro de él, este comando solo crea {belongs_in}/<nombre nuevo> o "
                    f"{INSTITUTIONS}/<SIGLAS>/{belongs_in}/<nombre nuevo>)"
                    if belongs_in
                    else ""
                )
                raise PlanError(
                    [
                        Problem(
                            str(target),
                            f"está en {name}/, que es parte del proyecto{allowed}: elija otro lugar, "
                            "por ejemplo la carpeta principal del proyecto u otra carpeta suya",
                        )
                    ]
                )
    if os.path.lexists(target) and not _rebuildable(target, mark):
        raise PlanError(
            [
                Problem(
                    str(target),
                    "ya existe y no lo creó este comando: no se reemplaza; elija un nombre que no exista",
                )
            ]
        )
    return where


def _projects(root: Path | None) -> list[Path]:
    here = Path(root) if root is not None else Path.cwd()
    candidates = [here] if root is not None or (here / PROJECT_MARK).is_file() else []
    if (CHECKOUT / PROJECT_MARK).is_file():
        candidates.append(CHECKOUT)
    return list(dict.fromkeys(path.resolve() for path in candidates))


def _rebuildable(target: Path, mark: str | None) -> bool:
    """A folder this command built before (it holds `mark`), or an empty one."""
    if not mark or target.is_symlink() or not target.is_dir():
        return False
    return (target / mark).is_file() or not any(target.iterdir())
