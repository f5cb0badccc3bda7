"""A copy of the real plan whose text fields carry markup for every destination of the book.

Each text field below gets a payload appended: HTML that would run or embed, Markdown and MyST
that would format or call roles, and LaTeX that would read files, run commands or break the
build. A unit of measure gets the same suffix everywhere, so units still match each other.
The book must print all of it literally.
"""

import csv
import shutil
from pathlib import Path

from tests.support.paths import PLAN_DIR

PAYLOAD = (
    ' <script>alert("pom")</script> <iframe src="x"></iframe> **negrita** {sub-ref}`today` '
    "{{ titulo }} [enlace](http://ejemplo.invalid) $x^2$ [\\input{/etc/hostname}] \\write18{ls} "
    "50% & } # _ ~"
)
# Names also label charts, where a long suffix would leave no room for the bars.
SHORT_PAYLOAD = " <b>b</b> **n** $x$ \\input{/etc/hostname} 5% & }"
# Literal pieces of the payloads a reader must see, each short enough to stay on one PDF line.
VISIBLE = [
    '<script>alert("pom")</script>',
    '<iframe src="x"></iframe>',
    "**negrita**",
    "{sub-ref}`today`",
    "{{ titulo }}",
    "[enlace](http://ejemplo.invalid)",
    "$x^2$",
    "[\\input{/etc/hostname}]",
    "\\write18{ls}",
    "50% & } # _ ~",
]
VISIBLE_SHORT = ["<b>b</b> **n** $x$", "\\input{/etc/hostname} 5% & }"]
LONG_TEXT = {
    "plan": ["institucion", "titulo", "lugar_fecha"],
    "marco_estrategico": ["titulo", "texto", "seccion"],
    "acciones": ["grupo", "texto"],
    "fichas": ["indicador", "formula"],
    "expansion_red": ["texto"],
}
NAMES = {
    "programas": ["nombre"],
    "productos": ["nombre"],
    "subproductos": ["nombre"],
    "poblacion_objetivo": ["region"],
}
UNIT = "unidad_medida"


def hostile_plan(target: Path) -> Path:
    """Write the real plan with the payloads in its text fields to `target`; return it."""
    shutil.copytree(PLAN_DIR, target)
    for path in sorted(target.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            header, *rows = list(csv.reader(file))
        suffixes = {
            **{column: PAYLOAD for column in LONG_TEXT.get(path.stem, [])},
            **{column: SHORT_PAYLOAD for column in [*NAMES.get(path.stem, []), UNIT] if column in header},
        }
        for column, suffix in suffixes.items():
            position = header.index(column)
            for row in rows:
                if row[position]:
                    row[position] += suffix
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows([header, *rows])
    return target
