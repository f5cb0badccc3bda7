"""Speed and memory of the library on the real plan: `make benchmark` (never part of `make test`).

Prints, for each step an analyst waits for, the median wall time of several runs and the
peak memory of this process. Numbers depend on the machine; compare runs on the same one.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pom_lib import analysis, matrix, tables
from pom_lib.execution import load_execution
from pom_lib.plan import load_plan
from pom_lib.reconciliation import reconcile
from pom_lib.template import write_template

ROOT = Path(__file__).resolve().parent.parent
PLAN_DIR = ROOT / "data" / "pom-minex-2025-2029"
EXECUTION = ROOT / "tests" / "fixtures" / "ejecucion-ficticia-2025.csv"


def median_seconds(step, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repeat: int = 5) -> None:
    plan = load_plan(PLAN_DIR)
    with tempfile.TemporaryDirectory() as folder:
        steps = {
            "Cargar y validar el plan (CSV)": lambda: load_plan(PLAN_DIR),
            "Conciliar las cifras del plan": lambda: reconcile(plan),
            "Matriz ordenada y exportación a Excel": lambda: matrix.to_xlsx_bytes(matrix.tidy_matrix(plan)),
            "Tablas de la matriz (física y financiera)": lambda: [tables.matrix_table(plan, k)
                                                                   for k in ("meta_fisica", "meta_financiera")],
            "Costos unitarios y atípicos": lambda: analysis.unit_cost_outliers(plan, 50.0),
            "Plantilla de ejecución (Excel)": lambda: write_template(plan, 2025, Path(folder) / "plantilla.xlsx"),
            "Cargar y validar una ejecución (CSV)": lambda: load_execution(EXECUTION, plan),
        }
        print(f"Mediana de {repeat} ejecuciones por paso:")
        for label, step in steps.items():
            print(f"  {label:<45} {median_seconds(step, repeat) * 1000:8.1f} ms")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Memoria máxima del proceso: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
