"""Problems found in a plan's files and failed editions, reported to analysts in Spanish."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place of one file (row and column when known)."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        place = [self.file]
        if self.sheet:
            place.append(f"hoja «{self.sheet}»")
        if self.row is not None:
            place.append(f"fila {self.row}")
        if self.column:
            place.append(f"columna «{self.column}»")
        return f"{', '.join(place)}: {self.message}"


class PlanError(Exception):
    """The plan folder (or another input) cannot be used; carries every problem found, and the headline
    the analyst reads above them (what could not be done)."""

    def __init__(self, problems: list[Problem], headline: str = "El plan no es válido"):
        self.problems = list(problems)
        self.headline = headline
        super().__init__("\n".join(str(p) for p in self.problems))


class EditionError(Exception):
    """An edition (or the site) could not be published; the previous book is left as it was."""


class ChapterError(EditionError):
    """A chapter notebook failed to run."""

    def __init__(self, stem: str, title: str, cause: str):
        self.stem = stem
        super().__init__(f"El capítulo «{title}» ({stem}.ipynb) falló: {cause}")
