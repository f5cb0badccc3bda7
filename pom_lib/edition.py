"""Publish one edition of the book: validate its inputs, run the chapters, build HTML and PDF.

An edition has four parameters: the plan, the year, and optionally the execution file and the
previous edition's plan. All are validated before any chapter runs. Everything is produced in
a staging folder first; book/ and _build/ are replaced only when every chapter ran and both
builds passed, so a failure never loses the last good book.

ediciones.yml, at the project root, lists the published editions: the current one (`fuente:
book`) and the archived ones (`fuente: ediciones/<año>`, frozen by `archive_edition`). When it
exists, a successful edition records itself there; `pom sitio` (pom_lib.site) builds them all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import nbformat
import papermill
import yaml

from .errors import PlanError, Problem
from .imprint import imprint
from .imprint import pdf_name as edition_pdf_name
from .plan import Plan, load_plan

# Beside book/ (same depth), so the chapters' relative plan path resolves the same in both.
STAGING = ".edicion"
# The edition's own _config.yml (title from the plan), written beside the staging folder.
CONFIG = ".edicion.yml"
PARAMETER_TAGS = {"parameters", "injected-parameters"}
# Every chapter gets these; the optional ones only chapters that declare them in their parameters cell.
OPTIONAL_PARAMETERS = ("ejecucion", "plan_anterior")
REGISTRY = "ediciones.yml"
ARCHIVE = "ediciones"
CURRENT = "book"
REGISTRY_HEADER = """# Ediciones publicadas del libro. `pom edicion` registra la edición vigente (fuente: book) y
# `pom archivar` la congela en ediciones/<año>; `pom sitio` (make site) las publica todas en _site/.
# Rutas relativas a la raíz del proyecto; "" = sin archivo de ejecución o sin plan anterior.
# publicacion: fecha de publicación de la edición (la primera construcción la anota; corríjala si
# se publica otro día); version: número de versión de la edición (auméntelo al republicarla corregida).
"""
TOC_HEADER = "# Table of contents of this edition, from notebooks/_toc.yml without the chapters the plan has no data for.\n"
# Optional keys of an edition: kept from one build to the next.
PUBLICATION_KEYS = ("publicacion", "version")
# Metadata papermill and Jupyter write that changes from run to run.
VOLATILE_CELL_KEYS = ("papermill", "execution")


class EditionError(Exception):
    """The edition could not be published; the previous book is left as it was."""


class InputError(PlanError):
    """An edition input (execution file, previous plan) is invalid: every problem, under a headline."""

    def __init__(self, headline: str, problems: list[Problem]):
        self.headline = headline
        super().__init__(problems)


class ChapterError(EditionError):
    """A chapter notebook failed to run."""

    def __init__(self, stem: str, title: str, cause: str):
        self.stem = stem
        super().__init__(f"El capítulo «{title}» ({stem}.ipynb) falló: {cause}")


def chapter_stems(toc: Path) -> list[str]:
    """The chapter files of a jb-book _toc.yml, in reading order."""
    spec = yaml.safe_load(toc.read_text(encoding="utf-8"))

    def walk(entries: list[dict]) -> list[str]:
        stems = []
        for entry in entries or []:
            if "file" in entry:
                stems.append(Path(entry["file"]).with_suffix("").as_posix())
            stems += walk(entry.get("sections", []))
            stems += walk(entry.get("chapters", []))
        return stems

    return [Path(spec["root"]).with_suffix("").as_posix()] + walk(spec.get("parts", [])) + walk(
        spec.get("chapters", [])
    )


def toc_for_plan(toc: Path, plan: Plan) -> dict:
    """The book's table of contents for one plan: chapters whose data the plan lacks are left out.

    The template toc (notebooks/_toc.yml) lists every chapter; a chapter class decides whether it
    applies (pom_lib.chapters). A part left without chapters is left out too.
    """
    from .chapters import chapter_classes

    classes = chapter_classes()
    spec = yaml.safe_load(toc.read_text(encoding="utf-8"))

    def keep(entries: list[dict]) -> list[dict]:
        kept = []
        for entry in entries or []:
            stem = Path(entry["file"]).with_suffix("").as_posix() if "file" in entry else None
            if stem in classes and not classes[stem].applies(plan):
                continue
            entry = dict(entry)
            for key in ("chapters", "sections"):
                if key in entry:
                    entry[key] = keep(entry[key])
            if "caption" in entry and not entry.get("chapters"):
                continue
            kept.append(entry)
        return kept

    for key in ("parts", "chapters"):
        if key in spec:
            spec[key] = keep(spec[key])
    return spec


def chapter_title(notebook: nbformat.NotebookNode, stem: str) -> str:
    """The first Markdown heading, as the reader sees it in the table of contents."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return stem


def scrub(notebook: nbformat.NotebookNode) -> None:
    """Drop run-specific metadata and hide the parameter cells from readers."""
    notebook.metadata["papermill"] = {"parameters": notebook.metadata.get("papermill", {}).get("parameters", {})}
    for index, cell in enumerate(notebook.cells):
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        tags = cell.metadata.get("tags", [])
        if PARAMETER_TAGS & set(tags):
            if "remove-cell" not in tags:
                cell.metadata["tags"] = [*tags, "remove-cell"]
            if "injected-parameters" in tags:
                # papermill gives the injected cell a random id on every run.
                cell["id"] = "injected-parameters"


def _run_chapter(source: Path, target: Path, stem: str, title: str, parameters: dict, cwd: Path) -> None:
    notebook = nbformat.read(source, as_version=4)
    if not any("parameters" in c.metadata.get("tags", []) for c in notebook.cells):
        raise ChapterError(stem, title, "no tiene una celda con la etiqueta «parameters».")
    declared = papermill.inspect_notebook(str(source))
    # Chapters that do not follow the execution keep exactly the parameters they always had.
    parameters = {k: v for k, v in parameters.items() if k not in OPTIONAL_PARAMETERS or k in declared}
    try:
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(cwd),
            progress_bar=False,
            # Keeps the kernel's start-up notices out of the one-line-per-chapter progress.
            extra_arguments=["--log-level=ERROR"],
        )
    except papermill.PapermillExecutionError as exc:
        raise ChapterError(stem, title, f"{exc.ename}: {exc.evalue} (celda {exc.exec_count})") from exc
    except Exception as exc:  # kernel death, unreadable notebook…: still name the chapter
        raise ChapterError(stem, title, f"{type(exc).__name__}: {exc}") from exc
    executed = nbformat.read(target, as_version=4)
    scrub(executed)
    nbformat.write(executed, target)


def publication_date(entry: dict) -> date:
    """An edition's publication date as ediciones.yml records it; today for an edition not yet recorded."""
    recorded = entry.get("publicacion")
    return date.fromisoformat(str(recorded)) if recorded else date.today()


def source_date_epoch(root: Path, edition_year: int) -> str:
    """Date stamped in the book: SOURCE_DATE_EPOCH, else the last commit, else 1 January of the edition."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        found = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        found = ""
    return found or str(int(datetime(edition_year, 1, 1, tzinfo=timezone.utc).timestamp()))


def edition_config(root: Path, plan: Plan, edition_year: int, target: Path) -> Path:
    """_config.yml with the title, title-page line and footer of this plan and edition, written to `target`."""
    settings = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    settings["title"] = f"{plan.info['titulo']} — Libro analítico"
    institution = f"{plan.info['institucion']} ({plan.info['siglas']})"
    settings["author"] = f"Edición {edition_year} · {institution}"
    # The page footer says whose figures these are and whose analysis, instead of a «Por …» byline.
    settings["sphinx"]["config"]["html_theme_options"]["extra_footer"] = (
        f"<p>Libro analítico del {plan.info['titulo']}, edición {edition_year}. Las cifras son las del "
        f"documento publicado por el {institution}; el análisis es propio del libro.</p>")
    # Publication date and version as ediciones.yml records them (pom_lib.imprint), never the build's date.
    entry = next((e for e in read_registry(root) or [] if int(e["anio"]) == int(edition_year)), {})
    config = settings["sphinx"]["config"]
    config["pom_edicion"] = imprint(plan.info, edition_year, publication_date(entry), str(entry.get("version", 1)),
                                    config.get("pom_sitio_url", ""))
    target.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _jupyter_book(staging: Path, root: Path, config: Path, builder: str, env: dict) -> None:
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build", str(staging),
        "--config", str(config),
        "--path-output", str(staging),
        "--builder", builder,
        "-W", "-n", "--keep-going",
    ]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    log = staging / f"{builder}.log"
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-25:])
        raise EditionError(
            f"La construcción del libro ({builder}) falló; registro completo en "
            f"{log.relative_to(root)}:\n{tail}"
        )


def pdf_filename(config: Path) -> str:
    """The PDF named by latex_documents.targetname in _config.yml (Jupyter Book's default: book)."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    target = settings.get("latex", {}).get("latex_documents", {}).get("targetname", "book.tex")
    return Path(target).with_suffix(".pdf").name


def _replace_tree(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".anterior")
    shutil.rmtree(old, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _print_commentary_reviews(plan: Plan) -> None:
    """Commentary blocks whose figures changed are held back from the book: say which, before building."""
    from .chapters import commentary_reviews

    reviews = commentary_reviews(plan)
    if reviews:
        print(f"Comentarios por revisar: {len(reviews)}. No se publican hasta que se confirmen "
              f"(pom comentarios {_relative(plan.folder, Path.cwd())} --confirmar):")
        for review in reviews:
            print(f"  - {review}")


def _step(label: str):
    """Print «label … » now and «listo (2.1 s)» when the step ends."""
    print(f"{label} … ", end="", flush=True)
    start = time.monotonic()
    return lambda: print(f"listo ({time.monotonic() - start:.1f} s)", flush=True)


def _resolve(path: Path | str, root: Path) -> Path:
    path = Path(path)
    return (path if path.is_absolute() else root / path).resolve()


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def load_inputs(plan_dir: Path, edition_year: int, root: Path, execution: Path | None = None,
                previous_plan: Path | None = None) -> tuple[Plan, Plan | None]:
    """Validate every input of an edition before anything runs; return (plan, previous plan).

    The execution file is checked against the plan it belongs to (monitoring.monitored_plan):
    the edition's plan when its period has started by the cutoff year, else the previous plan.
    Raises PlanError (InputError for the execution file and the previous plan) or EditionError.
    """
    from .execution import load_execution
    from .monitoring import cutoff_year, monitored_plan

    plan = load_plan(plan_dir)
    previous = None
    if previous_plan is not None:
        try:
            previous = load_plan(previous_plan)
        except PlanError as error:
            raise InputError("El plan anterior no es válido", error.problems) from error
    if execution is not None:
        monitored = monitored_plan(plan, previous, edition_year)
        if monitored is None:
            against = f"del plan {plan.period}" + (f" y del plan anterior {previous.period}" if previous else "")
            hint = "" if previous else ", o indique con --plan-anterior el plan al que pertenece esa ejecución"
            raise EditionError(
                f"La edición {edition_year} informa la ejecución hasta {cutoff_year(edition_year)}, antes del período "
                f"{against}: no hay ejecución que seguir. Quite --ejecucion{hint}.")
        try:
            load_execution(execution, monitored)
        except PlanError as error:
            raise InputError(f"El archivo de ejecución no es válido (se revisó contra el plan {monitored.period})",
                             error.problems) from error
    return plan, previous


def build_edition(plan_dir: Path, edition_year: int, root: Path, execution: Path | None = None,
                  previous_plan: Path | None = None) -> tuple[Path, Path]:
    """Run every chapter for the plan and edition, build the book; return (HTML index, PDF).

    `execution` (a year's execution file) and `previous_plan` (the previous edition's plan
    folder) are optional; chapters receive them as `ejecucion` and `plan_anterior`, paths
    relative to book/ ("" when absent).
    """
    root = Path(root).resolve()
    plan_dir = _resolve(plan_dir, root)
    execution = _resolve(execution, root) if execution else None
    previous_plan = _resolve(previous_plan, root) if previous_plan else None
    plan, _ = load_inputs(plan_dir, edition_year, root, execution, previous_plan)
    check_registry(root, edition_year)
    book, notebooks, staging = root / "book", root / "notebooks", root / STAGING
    _print_commentary_reviews(plan)

    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    toc = yaml.safe_dump(toc_for_plan(notebooks / "_toc.yml", plan), allow_unicode=True, sort_keys=False)
    (staging / "_toc.yml").write_text(TOC_HEADER + toc, encoding="utf-8")
    stems = chapter_stems(staging / "_toc.yml")
    parameters = {
        "edicion": int(edition_year),
        "plan": _relative(plan_dir, book),
        "ejecucion": _relative(execution, book) if execution else "",
        "plan_anterior": _relative(previous_plan, book) if previous_plan else "",
    }
    for number, stem in enumerate(stems, start=1):
        source = notebooks / f"{stem}.ipynb"
        if not source.exists():
            raise ChapterError(stem, stem, f"no existe {source.relative_to(root)}.")
        title = chapter_title(nbformat.read(source, as_version=4), stem)
        done = _step(f"[{number}/{len(stems)}] {title}")
        (staging / stem).parent.mkdir(parents=True, exist_ok=True)
        _run_chapter(source, staging / f"{stem}.ipynb", stem, title, parameters, staging)
        done()

    env = {**os.environ, "SOURCE_DATE_EPOCH": source_date_epoch(root, edition_year)}
    config = edition_config(root, plan, edition_year, root / CONFIG)
    for builder, label in (("html", "Construyendo el libro en HTML"), ("pdflatex", "Construyendo el PDF")):
        done = _step(label)
        _jupyter_book(staging, root, config, builder, env)
        done()
    pdf_name = pdf_filename(root / "_config.yml")
    if not (staging / "_build" / "latex" / pdf_name).is_file():
        raise EditionError(f"La construcción del PDF terminó sin producir {pdf_name}.")

    # Every HTML page links the PDF beside it, under the name the site gives it too.
    shutil.copy(staging / "_build" / "latex" / pdf_name, staging / "_build" / "html" / edition_pdf_name(edition_year))
    _replace_tree(staging / "_build" / "html", root / "_build" / "html")
    _replace_tree(staging / "_build" / "latex", root / "_build" / "latex")
    shutil.rmtree(staging / "_build")
    for log in staging.glob("*.log"):
        log.unlink()
    # What is left is the new book/: executed chapters and the files they wrote (downloads).
    _replace_tree(staging, book)
    config.unlink()
    record_edition(root, {"anio": int(edition_year), "plan": _relative(plan_dir, root),
                          "ejecucion": _relative(execution, root) if execution else "",
                          "plan_anterior": _relative(previous_plan, root) if previous_plan else "",
                          "fuente": CURRENT})

    return root / "_build" / "html" / "index.html", root / "_build" / "latex" / pdf_name


# --- ediciones.yml and the archive of published editions ------------------------------------------

def read_registry(root: Path) -> list[dict] | None:
    """The editions listed in ediciones.yml, newest first; None when the project has no such file."""
    path = Path(root) / REGISTRY
    if not path.is_file():
        return None
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    editions = content.get("ediciones") or []
    problems = []
    for number, entry in enumerate(editions, start=1):
        missing = [k for k in ("anio", "plan", "ejecucion", "plan_anterior", "fuente") if k not in (entry or {})]
        if missing:
            problems.append(Problem(REGISTRY, f"a la edición n.º {number} le falta {', '.join(missing)}"))
    years = [e.get("anio") for e in editions if e]
    if len(set(years)) != len(years):
        problems.append(Problem(REGISTRY, "una edición aparece más de una vez"))
    if problems:
        raise PlanError(problems)
    return sorted(editions, key=lambda e: int(e["anio"]), reverse=True)


def write_registry(root: Path, editions: list[dict]) -> None:
    """Rewrite ediciones.yml (newest first); unchanged content leaves the file untouched."""
    ordered = [{**{k: (int(e[k]) if k == "anio" else str(e[k] or "")) for k in
                   ("anio", "plan", "ejecucion", "plan_anterior", "fuente")},
                **{k: e[k] for k in PUBLICATION_KEYS if e.get(k) is not None}}
               for e in sorted(editions, key=lambda e: int(e["anio"]), reverse=True)]
    text = REGISTRY_HEADER + yaml.safe_dump({"ediciones": ordered}, allow_unicode=True, sort_keys=False)
    path = Path(root) / REGISTRY
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def check_registry(root: Path, edition_year: int) -> None:
    """Refuse an edition that would lose a published one: book/ holds another, unarchived edition."""
    editions = read_registry(root)
    for entry in editions or []:
        year = int(entry["anio"])
        if entry["fuente"] == CURRENT and year != int(edition_year) and not (root / ARCHIVE / str(year)).exists():
            raise EditionError(
                f"book/ contiene la edición {year}, publicada y sin archivar. Congélela primero con "
                f"«pom archivar --edicion {year}» (make archivar EDICION={year}) y luego construya la edición "
                f"{edition_year}.")
        if year == int(edition_year) and entry["fuente"] != CURRENT:
            raise EditionError(
                f"La edición {year} ya está archivada en {entry['fuente']}: una edición publicada no se vuelve a "
                f"construir. Si de verdad hay que rehacerla, quite su entrada de {REGISTRY} y su carpeta archivada.")


def record_edition(root: Path, entry: dict) -> None:
    """Record the edition just built as the current one (when the project keeps ediciones.yml)."""
    editions = read_registry(root)
    if editions is None:
        return
    kept = []
    for other in editions:
        if int(other["anio"]) == entry["anio"]:
            entry = {**{k: other[k] for k in PUBLICATION_KEYS if other.get(k) is not None}, **entry}
            continue
        if other["fuente"] == CURRENT:  # check_registry made sure it was archived
            other = {**other, "fuente": f"{ARCHIVE}/{other['anio']}"}
        kept.append(other)
    write_registry(root, [*kept, {"publicacion": date.today(), **entry}])


def book_parameters(book: Path) -> dict:
    """The parameters the executed chapters of `book` ran with (from the first chapter's metadata)."""
    stems = chapter_stems(book / "_toc.yml")
    first = book / f"{stems[0]}.ipynb"
    if not first.is_file():
        raise EditionError(f"{first.parent.name}/ no tiene capítulos ejecutados: construya la edición con «pom edicion».")
    return dict(nbformat.read(first, as_version=4).metadata.get("papermill", {}).get("parameters", {}))


def archive_edition(root: Path, edition_year: int) -> Path:
    """Freeze the current book/ as ediciones/<year>/; never overwrite an archive. Return its folder.

    The archive keeps the executed chapters, _toc.yml and the downloads, the edition's
    _config.yml (title from its plan) and edicion.yml (its parameters and the date stamped in
    its pages), so `pom sitio` rebuilds its pages without running anything or reading the plan.
    """
    root = Path(root).resolve()
    book, target = root / CURRENT, root / ARCHIVE / str(edition_year)
    if target.exists():
        raise EditionError(f"Ya existe {ARCHIVE}/{edition_year}: un archivo de edición no se sobrescribe.")
    parameters = book_parameters(book)
    if int(parameters.get("edicion", -1)) != int(edition_year):
        raise EditionError(f"book/ contiene la edición {parameters.get('edicion')}, no la {edition_year}: "
                           f"construya esa edición con «pom edicion --edicion {edition_year}» antes de archivarla.")
    plan_dir = (book / parameters["plan"]).resolve()
    entry = {"anio": int(edition_year), "plan": _relative(plan_dir, root),
             "ejecucion": _relative((book / parameters["ejecucion"]).resolve(), root) if parameters.get("ejecucion") else "",
             "plan_anterior": (_relative((book / parameters["plan_anterior"]).resolve(), root)
                               if parameters.get("plan_anterior") else ""),
             "fuente": f"{ARCHIVE}/{edition_year}"}
    epoch = source_date_epoch(root, edition_year)
    staging = target.with_name(f".{target.name}.nuevo")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(book, staging, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "_build", "*.log"))
    edition_config(root, load_plan(plan_dir), edition_year, staging / "_config.yml")
    record = {**{k: v for k, v in entry.items() if k != "fuente"}, "source_date_epoch": epoch}
    (staging / "edicion.yml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    staging.rename(target)
    editions = read_registry(root)
    if editions is not None:
        previous = next((e for e in editions if int(e["anio"]) == int(edition_year)), {})
        entry = {**entry, **{k: previous[k] for k in PUBLICATION_KEYS if previous.get(k) is not None}}
        write_registry(root, [*(e for e in editions if int(e["anio"]) != int(edition_year)), entry])
    return target
