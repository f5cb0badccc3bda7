"""The book's chapters, one module each: what a chapter template shows, computed from the plan.

Each module defines one `Chapter` subclass named after its template (notebooks/<name>.ipynb).
A chapter imports `present.charts` (and with it matplotlib) only in the methods that draw:
`pom validar` computes every chapter's figures to review the team's commentary and never draws.
"""

from __future__ import annotations

import importlib
import pkgutil

from pom_lib.chapters.base import Chapter
from pom_lib.core.errors import PlanError, Problem
from pom_lib.data import commentary
from pom_lib.data.plan import Plan


def chapter_classes() -> dict[str, type[Chapter]]:
    """Every chapter class, by template name."""
    classes = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base":
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, Chapter)
                and value is not Chapter
                and value.__module__ == loaded.__name__
            ):
                classes[value.name] = value
    return classes


def applicable_chapters(plan: Plan) -> dict[str, bool]:
    """Whether each chapter applies to the plan (a chapter whose data the plan lacks is left out)."""
    return {name: cls.applies(plan) for name, cls in sorted(chapter_classes().items())}


def edition_inputs() -> dict[str, str]:
    """The chapters that need an edition parameter to have anything to show, and that parameter."""
    return {name: cls.edition_input for name, cls in sorted(chapter_classes().items()) if cls.edition_input}


def commentary_reviews(plan: Plan) -> list[commentary.Review]:
    """Every commentary block of the plan whose figures changed; raises PlanError for a malformed file."""
    classes = chapter_classes()
    folder = plan.folder / commentary.FOLDER
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    unknown = [path for path in files if path.stem not in classes]
    if unknown:
        raise PlanError(
            [
                Problem(
                    f"{commentary.FOLDER}/{path.name}",
                    "no hay ningún capítulo con este nombre; los "
                    f"capítulos que admiten comentarios son: {', '.join(sorted(classes))}",
                )
                for path in unknown
            ]
        )
    reviews = []
    for path in files:
        chapter = classes[path.stem](plan)
        if chapter.applies(plan):
            reviews += chapter.reviews()
    return reviews


def confirm_commentary(plan: Plan) -> int:
    """Record the current figures in every block to review; returns how many blocks were confirmed."""
    classes = chapter_classes()
    return sum(
        commentary.confirm(plan.folder, name, classes[name](plan).values)
        for name in {review.block.chapter for review in commentary_reviews(plan)}
    )
