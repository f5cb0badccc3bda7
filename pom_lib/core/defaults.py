"""The defaults of an edition's parameters, written once: the plan, the edition year and the semáforo.

`pom edicion` takes them when an option is not given, `make book` asks for them
(`python -m pom_lib.core.defaults plan`), the chapter templates' parameter cells start from them
(papermill injects the edition's own values after that cell) and `Thresholds` defaults to them.
"""

from __future__ import annotations

import sys

# The plan folder and the edition year, relative to the project root.
PLAN = "data/pom-minex-2025-2029"
EDITION = 2025
# Semáforo thresholds, in percent of the goal: «En meta» from GREEN, «En riesgo» from YELLOW
# («Rezagado» below it), «Sobreejecutado» above OVER.
GREEN = 90.0
YELLOW = 70.0
OVER = 110.0
# A chapter runs in a folder beside book/: the plan as its parameter names it.
PLAN_FROM_BOOK = f"../{PLAN}"

# What `python -m pom_lib.core.defaults <name>` prints: the Makefile's defaults.
NAMED = {"plan": PLAN, "edicion": EDITION}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in NAMED:
        print(f"uso: python -m pom_lib.core.defaults {{{','.join(NAMED)}}}", file=sys.stderr)
        return 2
    print(NAMED[argv[0]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
