"""How long an analyst waits, and how much memory it takes: `make bench` (never part of `make test`).

One run measures, on a temporary copy of the project (book/ and the build of the project itself
are never touched), in interleaved rounds so that the ratios hold while the machine's speed drifts:

- the floor: what one chapter cannot go below (papermill starting a kernel that imports pandas,
  matplotlib and pom_lib and loads the plan) and a one-page book in HTML and in PDF; the floor of
  an edition is chapters × chapter floor / cores + one-page HTML + one-page PDF;
- a clean edition (no build cache), a rebuild with nothing changed, and a rebuild after one sentence
  of one chapter template changed;
- `pom validar` and a clean edition of synthetic plans 10× and 100× the real one (tests/support/synthetic_plan.py),
  generated into the temporary copy;
- the portal of several institutions (pom_lib.publish.portal): N generated institutions × 2 editions,
  each edition a frozen copy of the round's book (its pages say 2025 in both; only the time counts),
  built clean and again after one institution published anew, each against the site of one edition.

Every command is timed as a whole process; its peak memory is that of its largest process (a
chapter's kernel, XeLaTeX…). Prints a table of medians, each with its ratio to the floor or to the
1× plan (the median of the ratios of each round) and the targets; writes the same as JSON.

    .venv/bin/python -m tests.benchmark [--rondas 3] [--json _build/bench.json] [--escalas 10,100]
        [--instituciones 20] [--solo-portal]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from pom_lib.data.plan import load_plan
from pom_lib.data.snapshot import SNAPSHOTS
from pom_lib.publish.archive import archive_edition
from pom_lib.publish.build_cache import BuildCache
from pom_lib.publish.chapter_runner import cores
from pom_lib.publish.edition import chapter_stems, edition_config, source_date_epoch
from pom_lib.publish.institutions import FOLDER
from pom_lib.publish.portal import parallel_institutions
from pom_lib.publish.registry import write_registry
from tests.support.paths import ROOT
from tests.support.synthetic_plan import write_scaled_plan

PLAN = "data/pom-minex-2025-2029"
PROJECT_FILES = ("book", "notebooks", "data", "_config.yml", "ediciones.yml")
# The template whose sentence changes, and the sentence.
EDITED_TEMPLATE = "marco_estrategico"
EDITED_SENTENCE = "Este capítulo reúne los enunciados"
MATRIX_PAGE = "matriz_planificacion.html"
POM = Path(sys.executable).with_name("pom")
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
# Each figure's goal, in words and as a test of its summary entry (median seconds, ratio, memory).
TARGETS = {
    "edicion_limpia": ("≤ 1.5× el piso", lambda entry: entry["razon"] <= 1.5),
    "sin_cambios": ("< 2 s", lambda entry: entry["segundos"] < 2),
    "una_frase": ("≤ 10 s", lambda entry: entry["segundos"] <= 10),
    "validar_1x": ("≤ 1 s", lambda entry: entry["segundos"] <= 1),
    "validar_100x": ("≤ 2× el de 1×", lambda entry: entry["razon"] <= 2),
    "edicion_100x": (
        "≤ 2× la de 1×; memoria ≤ 1 GB",
        lambda entry: entry["razon"] <= 2 and entry["memoria_mb"] <= 1024,
    ),
}


def run(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run a command to the end: wall seconds, peak memory of its largest process (MB), exit code, output."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        # wait4 reports the largest resident set of the process and of every process it waited for.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    return {
        "segundos": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "memoria_mb": usage.ru_maxrss / 1024,
        "codigo": process.returncode,
        "salida": text,
    }


def copy_project(target: Path) -> Path:
    target.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target


def floor_notebook(path: Path, plan: str) -> Path:
    """A chapter that does only what every chapter must: import, load the plan."""
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    notebook.cells = [
        nbformat.v4.new_code_cell(f"plan = {plan!r}", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot\nimport pandas\n\nfrom pom_lib.present.display import setup_figures\n"
            "from pom_lib.data.plan import load_plan\n\nsetup_figures()\npom = load_plan(plan)"
        ),
        nbformat.v4.new_markdown_cell("# Piso\n\nUna página."),
    ]
    nbformat.write(notebook, path)
    return path


class Bench:
    def __init__(self, work: Path, scales: list[int]):
        self.project = copy_project(work / "proyecto")
        self.env = {**os.environ, "SOURCE_DATE_EPOCH": source_date_epoch(ROOT, 2025)}
        self.scales = scales
        self.plans = {1: PLAN}
        for scale in scales:
            name = f"data/sintetico-{scale}x"
            write_scaled_plan(self.project / PLAN, self.project / name, scale)
            self.plans[scale] = name
        self.chapters = len(chapter_stems(self.project / "book" / "_toc.yml"))
        self.floor = work / "piso"
        (self.floor / "libro").mkdir(parents=True)
        self.revision = 0

    def edition(self, scale: int = 1, clean: bool = True) -> dict:
        if clean:
            shutil.rmtree(self.project / "_build", ignore_errors=True)
        result = run([str(POM), "edicion", "--plan", self.plans[scale], "--edicion", "2025"], self.project, self.env)
        html = self.project / "_build" / "html" / MATRIX_PAGE
        pdf = self.project / "_build" / "latex" / "libro-pom.pdf"
        if result["codigo"] == 0:
            result["html_matriz_kb"] = html.stat().st_size / 1024
            result["paginas_pdf"] = pdf_pages(pdf)
        return result

    def one_sentence(self) -> dict:
        self.revision += 1
        template = self.project / "notebooks" / f"{EDITED_TEMPLATE}.ipynb"
        original = (ROOT / "notebooks" / f"{EDITED_TEMPLATE}.ipynb").read_text(encoding="utf-8")
        assert EDITED_SENTENCE in original, f"falta la frase «{EDITED_SENTENCE}» en {template.name}"
        edited = EDITED_SENTENCE.replace("reúne", f"reúne (revisión {self.revision})")
        template.write_text(original.replace(EDITED_SENTENCE, edited, 1), encoding="utf-8")
        return self.edition(clean=False)

    def validate(self, scale: int) -> dict:
        return run([str(POM), "validar", self.plans[scale]], self.project, self.env)

    def floor_chapter(self) -> dict:
        """papermill on the floor chapter, in a process that already imported papermill (as an edition does)."""
        notebook = floor_notebook(self.floor / "pagina.ipynb", f"../{PLAN}")
        script = (
            "import sys, time, papermill\nstart = time.monotonic()\n"
            "papermill.execute_notebook(sys.argv[1], sys.argv[2], kernel_name='python3', cwd=sys.argv[3],"
            " progress_bar=False, extra_arguments=['--log-level=CRITICAL'])\n"
            "print('SEGUNDOS', time.monotonic() - start)"
        )
        # Same depth as book/, and the plan as the chapters of an edition get it: already validated.
        cwd = self.project / ".piso"
        cwd.mkdir(exist_ok=True)
        env = {**self.env, SNAPSHOTS: str(BuildCache(self.project).plans)}
        result = run(
            [sys.executable, "-c", script, str(notebook), str(self.floor / "libro" / "pagina.ipynb"), str(cwd)],
            self.project,
            env,
        )
        result["segundos"] = float(result["salida"].split("SEGUNDOS")[-1])
        return result

    def floor_book(self, builder: str) -> dict:
        book = self.floor / "libro"
        (book / "_toc.yml").write_text("format: jb-book\nroot: pagina\n", encoding="utf-8")
        config = edition_config(self.project, load_plan(self.project / PLAN), 2025, self.floor / "config.yml")
        output = self.floor / builder
        shutil.rmtree(output, ignore_errors=True)
        return run(
            [
                str(JUPYTER_BOOK),
                "build",
                str(book),
                "--config",
                str(config),
                "--path-output",
                str(output),
                "--builder",
                builder,
                "-W",
                "-n",
                "--keep-going",
            ],
            self.project,
            self.env,
        )


class PortalBench:
    """N institutions × 2 archived editions in a repository of their own, from the bench project's book."""

    YEARS = (2026, 2025)

    def __init__(self, bench: Bench, count: int):
        self.bench, self.count = bench, count
        self.root = bench.project.parent / "portal"
        self.root.mkdir()
        shutil.copytree(bench.project / "notebooks", self.root / "notebooks")
        shutil.copy(bench.project / "_config.yml", self.root / "_config.yml")
        self.homes = [self.root / FOLDER / f"INS{number:02d}" for number in range(1, count + 1)]

    def one_edition(self) -> dict:
        """`pom sitio` of the bench project: the site of its one edition, the unit of the portal's work."""
        return run([str(POM), "sitio", "-o", "_sitio_una"], self.bench.project, self.bench.env)

    def generate(self) -> None:
        """Freeze the project's book as an edition and give every institution two copies of it."""
        frozen = archive_edition(self.bench.project, 2025)
        for home in self.homes:
            shutil.copytree(self.bench.project / PLAN, home / PLAN)
            for year in self.YEARS:
                shutil.copytree(frozen, home / "ediciones" / str(year))
                record = home / "ediciones" / str(year) / "edicion.yml"
                record.write_text(record.read_text(encoding="utf-8").replace("anio: 2025", f"anio: {year}"))
            write_registry(
                home,
                [
                    {"anio": y, "plan": PLAN, "ejecucion": "", "plan_anterior": "", "fuente": f"ediciones/{y}"}
                    for y in self.YEARS
                ],
            )

    def clean(self) -> dict:
        shutil.rmtree(self.root / "_build", ignore_errors=True)
        return run([str(POM), "sitio"], self.root, self.bench.env)

    def one_institution_changed(self) -> dict:
        """The first institution publishes again (a new cell in its newest edition's cover), then `pom sitio`."""
        edition = self.homes[0] / "ediciones" / str(self.YEARS[0])
        cover = edition / f"{chapter_stems(edition / '_toc.yml')[0]}.ipynb"
        notebook = nbformat.read(cover, as_version=4)
        notebook.cells.append(nbformat.v4.new_markdown_cell("Nota de la medición de tiempos."))
        nbformat.write(notebook, cover)
        return run([str(POM), "sitio"], self.root, self.bench.env)


def portal_case(bench: Bench, count: int) -> dict[str, dict]:
    """The portal's figures: one edition's site, the clean portal and the update of one institution."""
    portal = PortalBench(bench, count)
    measured = {"sitio_una_edicion": portal.one_edition()}
    portal.generate()
    measured["portal_limpio"] = portal.clean()
    measured["portal_una_institucion"] = portal.one_institution_changed()
    unit = measured["sitio_una_edicion"]["segundos"]
    # An edition's site already runs its HTML and PDF builders at once: the institutions share what is left.
    at_once = parallel_institutions()
    ideal = 2 * count / at_once
    for name, goal, limit in (
        (
            "portal_limpio",
            f"≤ 1.5 × {ideal:g} (2 × {count} ediciones, {at_once} institución(es) a la vez)",
            1.5 * ideal,
        ),
        ("portal_una_institucion", "≤ 3× (sus 2 ediciones, el índice y la comparación)", 3.0),
    ):
        entry = measured[name]
        entry["razon"] = entry["segundos"] / unit
        entry["meta"], entry["cumple"] = goal, entry["razon"] <= limit
    return measured


def portal_summary(measured: dict[str, dict], count: int) -> dict:
    """The portal's figures as summary entries (one run each: the case takes long)."""
    labels = {
        "sitio_una_edicion": "Sitio de una edición (pom sitio)",
        "portal_limpio": f"Portal limpio, {count} instituciones × 2 ediciones",
        "portal_una_institucion": "Portal tras una edición nueva de una institución",
    }
    summary = {}
    for name, figure in measured.items():
        entry = {"medida": labels[name], "segundos": figure["segundos"], "memoria_mb": figure["memoria_mb"]}
        entry |= {k: figure[k] for k in ("razon", "meta", "cumple") if k in figure}
        if "razon" in entry:
            entry["referencia"] = "sitio de una edición"
        entry["estado"] = "correcto" if not figure["codigo"] else f"falló ({last_line(figure['salida'])})"
        summary[name] = entry
    return summary


def pdf_pages(pdf: Path) -> int | None:
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), None)


def one_round(bench: Bench) -> dict[str, dict]:
    measured = {"edicion_limpia": bench.edition()}
    measured["sin_cambios"] = bench.edition(clean=False)
    measured["una_frase"] = bench.one_sentence()
    measured["piso_capitulo"] = bench.floor_chapter()
    measured["piso_html"] = bench.floor_book("html")
    measured["piso_pdf"] = bench.floor_book("pdflatex")
    measured["piso_edicion"] = {
        "segundos": bench.chapters * measured["piso_capitulo"]["segundos"] / cores()
        + measured["piso_html"]["segundos"]
        + measured["piso_pdf"]["segundos"]
    }
    for scale in [1, *bench.scales]:
        measured[f"validar_{scale}x"] = bench.validate(scale)
    for scale in bench.scales:
        measured[f"edicion_{scale}x"] = bench.edition(scale)
    # Leave the copy with the 1× book for the next round.
    return measured


def ratios(measured: dict[str, dict], scales: list[int]) -> dict[str, float]:
    """Each figure against its reference in the same round."""
    seconds = {name: figure["segundos"] for name, figure in measured.items()}
    found = {"edicion_limpia": seconds["edicion_limpia"] / seconds["piso_edicion"]}
    for scale in scales:
        found[f"validar_{scale}x"] = seconds[f"validar_{scale}x"] / seconds["validar_1x"]
        found[f"edicion_{scale}x"] = seconds[f"edicion_{scale}x"] / seconds["edicion_limpia"]
    return found


LABELS = {
    "piso_capitulo": "Piso: un capítulo (núcleo, importaciones, plan)",
    "piso_html": "Piso: libro de una página, HTML",
    "piso_pdf": "Piso: libro de una página, PDF",
    "piso_edicion": "Piso de una edición (capítulos/núcleos + HTML + PDF)",
    "edicion_limpia": "Edición limpia (sin caché), plan 1×",
    "sin_cambios": "Reconstrucción sin cambios",
    "una_frase": "Reconstrucción con una frase cambiada",
}


def label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    kind, scale = name.split("_")
    return f"pom validar, plan {scale}" if kind == "validar" else f"Edición limpia, plan {scale}"


def summarize(rounds: list[dict[str, dict]], scales: list[int]) -> dict:
    per_round = [ratios(measured, scales) for measured in rounds]
    summary = {}
    for name in rounds[0]:
        figures = [measured[name] for measured in rounds]
        entry = {
            "medida": label(name),
            "segundos": statistics.median(f["segundos"] for f in figures),
            "rondas": [round(f["segundos"], 2) for f in figures],
        }
        if name in per_round[0]:
            entry["razon"] = statistics.median(r[name] for r in per_round)
            entry["referencia"] = (
                "piso de la edición"
                if name == "edicion_limpia"
                else "plan 1×"
                if name.startswith("validar")
                else "edición limpia 1×"
            )
        if "memoria_mb" in figures[0]:
            entry["memoria_mb"] = max(f["memoria_mb"] for f in figures)
        failed = [f for f in figures if f.get("codigo")]
        entry["estado"] = "correcto" if not failed else f"falló ({last_line(failed[0]['salida'])})"
        for key in ("paginas_pdf", "html_matriz_kb"):
            values = [f[key] for f in figures if f.get(key) is not None]
            if values:
                entry[key] = values[-1]
        if name in TARGETS:
            goal, met = TARGETS[name]
            entry["meta"] = goal
            entry["cumple"] = met(entry)
        summary[name] = entry
    return summary


def last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    interesting = [line for line in lines if "TeX capacity" in line or "falló" in line]
    return (interesting or lines or ["sin salida"])[0][:160]


def print_table(summary: dict, machine: str) -> None:
    print(f"\n{machine}")
    header = f"{'Medida':<54} {'Mediana':>9} {'Razón':>7} {'Memoria':>9} {'Págs.':>6} {'Matriz':>9}  Meta / estado"
    print(header)
    print("-" * len(header))
    for entry in summary.values():
        ratio = f"{entry['razon']:.2f}×" if "razon" in entry else ""
        memory = f"{entry['memoria_mb']:.0f} MB" if "memoria_mb" in entry else ""
        pages = str(entry.get("paginas_pdf", ""))
        matrix = f"{entry['html_matriz_kb']:.0f} KB" if "html_matriz_kb" in entry else ""
        goal = f"{entry['meta']}: {'cumple' if entry['cumple'] else 'NO CUMPLE'}" if "meta" in entry else ""
        notes = "; ".join(x for x in (goal, "" if entry["estado"] == "correcto" else entry["estado"]) if x)
        print(
            f"{entry['medida']:<54} {entry['segundos']:>7.2f} s {ratio:>7} {memory:>9} {pages:>6} {matrix:>9}  {notes}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="Tiempos y memoria de las ediciones (make bench).")
    parser.add_argument("--rondas", type=int, default=3, help="rondas intercaladas (mediana de todas)")
    parser.add_argument("--escalas", default="10,100", help="tamaños de los planes sintéticos, separados por comas")
    parser.add_argument("--json", default=str(ROOT / "_build" / "bench.json"), help="archivo JSON de resultados")
    parser.add_argument(
        "--instituciones", type=int, default=20, help="instituciones del portal, 2 ediciones cada una (0: sin portal)"
    )
    parser.add_argument(
        "--solo-portal", action="store_true", help="solo el portal (tras una edición limpia que le da sus páginas)"
    )
    args = parser.parse_args()
    scales = [int(scale) for scale in args.escalas.split(",") if scale]
    machine = (
        f"{cores()} núcleos; {args.rondas} rondas; Python {sys.version.split()[0]}; "
        f"planes sintéticos {', '.join(f'{s}×' for s in scales)}"
    )
    summary = {}
    with tempfile.TemporaryDirectory(prefix="pom-bench-") as folder:
        bench = Bench(Path(folder), [] if args.solo_portal else scales)
        rounds = []
        if args.solo_portal:
            bench.edition()
        for number in range(1, 0 if args.solo_portal else args.rondas + 1):
            print(f"Ronda {number} de {args.rondas} …", flush=True)
            rounds.append(one_round(bench))
        if rounds:
            summary = summarize(rounds, scales)
        if args.instituciones:
            print(f"Portal de {args.instituciones} instituciones …", flush=True)
            summary |= portal_summary(portal_case(bench, args.instituciones), args.instituciones)
    print_table(summary, machine)
    target = Path(args.json)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps({"maquina": machine, "resultados": summary}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"\nResultados en {target}")


if __name__ == "__main__":
    main()
