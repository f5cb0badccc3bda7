"""The defaults of an edition's parameters, in one place: the plan, the edition year and the semáforo.

The plan and the year are those of the current edition, the one `ediciones.yml` records as held in book/
(`fuente: book`; the newest one if none is): `make book` rebuilds it, `pom edicion` takes them when an
option is not given, and the chapter templates' parameter cells start from them (papermill injects the
edition's own values after that cell). A project without editions has no default plan: `pom edicion` then
asks for `--plan` and `--edicion`. The semáforo thresholds are the documented ones; `Thresholds` defaults
to them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = "ediciones.yml"

# Semáforo thresholds, in percent of the goal: «En meta» from GREEN, «En riesgo» from YELLOW
# («Rezagado» below it), «Sobreejecutado» above OVER.
GREEN = 90.0
YELLOW = 70.0
OVER = 110.0


def current_edition(root: Path = ROOT) -> dict:
    """The registry's entry of the edition in book/, or {} without a readable registry.

    A registry that cannot be read gives no defaults here: the command that reads it names the problem.
    """
    import yaml

    try:
        registry = yaml.safe_load((root / REGISTRY).read_text(encoding="utf-8")) or {}
        editions = [entry for entry in registry.get("ediciones") or [] if isinstance(entry, dict)]
        current = [entry for entry in editions if entry.get("fuente") == "book"] or editions
        return max(current, key=lambda entry: int(entry["anio"]), default={})
    except (OSError, ValueError, TypeError, KeyError, AttributeError, yaml.YAMLError):
        return {}


_CURRENT = current_edition()
# The plan folder (relative to the project root) and the edition year; None without editions.
PLAN: str | None = _CURRENT.get("plan") or None
EDITION: int | None = int(_CURRENT["anio"]) if PLAN else None
# A chapter runs in a folder beside book/: the plan as its parameter names it.
PLAN_FROM_BOOK = f"../{PLAN}" if PLAN else ""

# What `python -m pom_lib.core.defaults <name>` prints: the Makefile's defaults.
NAMED = {"plan": PLAN, "edicion": EDITION}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in NAMED:
        print(f"uso: python -m pom_lib.core.defaults {{{','.join(NAMED)}}}", file=sys.stderr)
        return 2
    print(NAMED[argv[0]] or "")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
