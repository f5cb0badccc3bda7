"""What every chapter shares: its glued values, its tables and figures, and the analysts' commentary."""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from pom_lib.core.errors import PlanError, Problem
from pom_lib.data import commentary
from pom_lib.data.plan import Plan


class Chapter:
    """One chapter of the book for one plan.

    A subclass names the chapter (`name`, its template's file name), the places where
    commentary may go (`places`) and computes `compute_values()`: every figure and phrase
    its template prints, as formatted Spanish Markdown keyed for glue. The template only
    glues those values, shows the tables and figures the subclass builds, and calls
    `show_commentary(place)` where the plan's commentary may add the team's reading.
    """

    name: ClassVar[str]
    places: ClassVar[tuple[str, ...]] = ()
    # The edition parameter (a previous plan, an execution file) without which the chapter would have
    # nothing to show: an edition built without it leaves the chapter out, and says so in Presentación.
    edition_input: ClassVar[str | None] = None

    def __init__(self, plan: Plan):
        self.plan = plan

    @classmethod
    def applies(cls, plan: Plan) -> bool:
        """Whether the book of this plan has this chapter (some need data a plan may lack)."""
        return True

    def compute_values(self) -> dict[str, str]:
        raise NotImplementedError

    @cached_property
    def values(self) -> dict[str, str]:
        return self.compute_values()

    def glue(self) -> None:
        """Glue every value for the template's prose (values are Markdown: plan text in them is escaped)."""
        from pom_lib.present.display import glue_markdown

        for key, text in self.values.items():
            glue_markdown(key, text)

    @cached_property
    def blocks(self) -> list[commentary.Block]:
        """The plan's commentary blocks for this chapter; a block in an unknown place is an error."""
        blocks = commentary.read_blocks(self.plan.folder, self.name)
        problems = [
            Problem(
                block.file,
                f"el lugar «{block.place}» no existe en este capítulo; los lugares son: "
                f"{', '.join(self.places) or 'ninguno'}",
                row=block.line,
            )
            for block in blocks
            if block.place not in self.places
        ]
        if problems:
            raise PlanError(problems)
        return blocks

    def reviews(self) -> list[commentary.Review]:
        """Blocks whose figures changed since they were written: held back from the book."""
        return commentary.reviews(self.blocks, self.values)

    def commentary_markdown(self, place: str) -> str:
        """The current blocks of one place, as Markdown; blocks to review are left out."""
        held = {id(review.block) for review in self.reviews()}
        texts = [block.render(self.values) for block in self.blocks if block.place == place and id(block) not in held]
        return "\n\n".join(texts)

    def show_commentary(self, place: str) -> None:
        """Display the team's commentary for this place, if the plan has any that is current."""
        from IPython.display import Markdown, display

        text = self.commentary_markdown(place)
        if text:
            display(Markdown(text))
