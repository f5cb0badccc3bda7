"""The citable figures of a built edition (cifras.json beside its HTML), checked against the pages they cite."""

import html as html_text
import json
import re
from pathlib import Path

# What a cited place holds: from its anchor to the end of its list item or paragraph.
_PLACE_END = re.compile(r"</li>|</p>")


def misplaced_figures(html: Path) -> list[str]:
    """Rows of cifras.json whose page lacks the anchor, or whose anchor's place does not show the figure's text."""
    rows = json.loads((html / "cifras.json").read_text(encoding="utf-8"))
    problems = []
    for row in rows:
        page, anchor = row["url"].split("#")
        source = (html / page).read_text(encoding="utf-8")
        start = source.find(f'id="{anchor}"')
        if start < 0:
            problems.append(f"{row['clave']}: {page} no tiene el ancla {anchor}")
            continue
        end = _PLACE_END.search(source, start)
        place = html_text.unescape(re.sub(r"<[^>]+>", "", source[start : end.end() if end else None]))
        if row["texto"] not in place:
            problems.append(f"{row['clave']}: «{row['texto']}» no está en {row['url']}")
    return problems
