"""What a chapter template prints from its chapter: the glue keys its Markdown cells paste."""

import json
import re

from conftest import ROOT

_GLUE = re.compile(r"\{glue:md\}`([^`]+)`")


def template_glue_keys(name: str) -> set[str]:
    """The keys of every {glue:md} in the Markdown cells of notebooks/<name>.ipynb."""
    notebook = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    return {key for cell in notebook["cells"] if cell["cell_type"] == "markdown"
            for key in _GLUE.findall("".join(cell["source"]))}
