"""Publish one edition of the book: validate its inputs, run the chapters, build HTML and PDF.

An edition has four parameters: the plan, the year, and optionally the execution file and the
previous edition's plan. All are validated before any chapter runs, and each plan once: the
chapters receive it already validated (pom_lib.data.snapshot). The chapters run in parallel, and a
chapter whose inputs did not change since an earlier edition is not run again (pom_lib.publish.chapter_runner);
the HTML and the PDF are built at once, and not at all when no page changed (pom_lib.publish.books).

Everything is produced in work folders first; book/ and _build/ are replaced only when every
chapter ran and both builds passed, so a failure never loses the last good book, and the
replacement itself survives an interruption (pom_lib.publish.publication). The work folders, all made
and removed here:

    .edicion/          libro/ (the new book/), html/ and pdflatex/ (Jupyter Book's output and
                       logs), _config.yml (the edition's configuration), diario.json (the journal)
    .edicion-NN/       a chapter's working folder while it runs (NN: its number)
    _build/cache/      what a later edition reuses (pom_lib.publish.build_cache; `make clean` removes it)

When ediciones.yml exists (pom_lib.publish.registry), a successful edition records itself there.
Progress goes to the `report` the caller gives (pom_lib.publish.progress); nothing here prints.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from pom_lib.core import escaping, spanish
from pom_lib.core.errors import ChapterError, EditionError, PlanError, Problem
from pom_lib.core.fingerprint import code_fingerprint, combine, file_fingerprint, tree_fingerprint
from pom_lib.data.plan import Plan, load_plan
from pom_lib.data.snapshot import SNAPSHOTS, plan_fingerprint, read_snapshot, write_snapshot
from pom_lib.publish.books import BUILDERS, OUTPUT, SERVER, BookBuildError, describe, pdf_filename, render
from pom_lib.publish.build_cache import BuildCache
from pom_lib.publish.chapter_runner import (
    THRESHOLD_PARAMETERS,
    WORKDIR,
    assemble,
    cores,
    plan_chapters,
    run_chapters,
)
from pom_lib.publish.progress import Report, silent, step
from pom_lib.publish.publication import JOURNAL, publish, recover_and_say
from pom_lib.publish.registry import (
    CURRENT,
    REGISTRY,
    check_registry,
    find_entry,
    parse_year,
    read_registry,
    registry_with,
)
from pom_lib.render.imprint import AUTHOR, imprint
from pom_lib.render.imprint import pdf_name as edition_pdf_name

__all__ = ["ChapterError", "EditionError", "pdf_filename"]

# Beside book/ (same depth): the work folder of an edition, removed when it is published.
STAGING = ".edicion"
NEW_BOOK = "libro"
TOC_HEADER = (
    "# Table of contents of this edition, from notebooks/_toc.yml without the chapters the plan has no data for.\n"
)


class InputError(PlanError):
    """An edition input (execution file, previous plan) is invalid: every problem, under a headline."""

    def __init__(self, headline: str, problems: list[Problem]):
        super().__init__(problems, headline)


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

    return [
        Path(spec["root"]).with_suffix("").as_posix(),
        *walk(spec.get("parts", [])),
        *walk(spec.get("chapters", [])),
    ]


def toc_for_plan(toc: Path, applicable: dict[str, bool]) -> dict:
    """The book's table of contents for one plan: chapters whose data the plan lacks are left out.

    The template toc (notebooks/_toc.yml) lists every chapter; `applicable` says, for each chapter
    that has a class (pom_lib.chapters.applicable_chapters), whether it applies to the plan. A part
    left without chapters is left out too.
    """
    spec = yaml.safe_load(toc.read_text(encoding="utf-8"))

    def keep(entries: list[dict]) -> list[dict]:
        kept = []
        for entry in entries or []:
            stem = Path(entry["file"]).with_suffix("").as_posix() if "file" in entry else None
            if not applicable.get(stem, True):
                continue
            entry = dict(entry)
            for key in ("chapters", "sections"):
                if key in entry:
                    entry[key] = keep(entry[key])
            if ("caption" in entry or "chapters" in entry) and not entry.get("chapters"):
                continue
            kept.append(entry)
        return kept

    for key in ("parts", "chapters"):
        if key in spec:
            spec[key] = keep(spec[key])
    return spec


def edition_chapters(applicable: dict[str, bool], parameters: dict) -> dict[str, bool]:
    """Which chapters this edition has: those that apply to the plan, less those whose edition input
    (a previous plan…) the edition lacks."""
    from pom_lib.chapters import edition_inputs

    return {**applicable, **{name: bool(parameters.get(needed)) for name, needed in edition_inputs().items()}}


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
    return found or str(int(datetime(edition_year, 1, 1, tzinfo=UTC).timestamp()))


def edition_config(root: Path, plan: Plan, edition_year: int, target: Path, project: Path | None = None) -> Path:
    """_config.yml with the title, title-page line and footer of this plan and edition, written to `target`.

    `root` holds the edition's ediciones.yml; `project` (by default `root`) the shared _config.yml.
    """
    settings = yaml.safe_load((Path(project or root) / "_config.yml").read_text(encoding="utf-8"))
    title = f"{plan.info['titulo']} — Libro analítico"
    institution = f"{plan.info['institucion']} ({plan.info['siglas']})"
    # The analysis is the book's (its configured author); the institution owns the plan.
    author = settings.get("author") or AUTHOR
    settings["title"], settings["author"] = title, author
    # Plan text, so escaped where Sphinx takes it as markup: the PDF's title page (LaTeX) and the
    # footer (HTML). The HTML pages get the title as text from pom_lib.render.theme_es.
    settings["latex"]["latex_documents"].update(title=escaping.latex(title), author=escaping.latex(author))
    # The page footer says whose figures these are and whose analysis, instead of a «Por …» byline.
    footer = (
        f"Libro analítico del {plan.info['titulo']}, edición {edition_year}. Las cifras son las del "
        f"documento publicado por {spanish.definite(institution)}; el análisis es propio del libro."
    )
    settings["sphinx"]["config"]["html_theme_options"]["extra_footer"] = f"<p>{escaping.html(footer)}</p>"
    # Publication date and version as ediciones.yml records them (pom_lib.render.imprint), never the build's date.
    entry = find_entry(read_registry(root), edition_year)
    config = settings["sphinx"]["config"]
    config["pom_edicion"] = imprint(
        plan.info,
        edition_year,
        publication_date(entry),
        str(entry.get("version", 1)),
        config.get("pom_sitio_url", ""),
        author,
    )
    target.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def plan_facts(plan: Plan, fingerprint: str, cache: BuildCache) -> dict:
    """What the chapter classes conclude about the plan before anything runs: which chapters apply
    («capitulos») and which commentary blocks to review («revisiones»).

    Finding them imports every chapter and computes its figures; the answer is kept in the build
    cache for the same plan files (`fingerprint`) and library.
    """
    key = combine("plan", fingerprint, code_fingerprint())
    facts = cache.plan_facts(key)
    if facts is None:
        from pom_lib.chapters import applicable_chapters, commentary_reviews

        facts = {
            "capitulos": applicable_chapters(plan),
            "revisiones": [str(review) for review in commentary_reviews(plan)],
        }
        cache.keep_plan_facts(key, facts)
    return facts


def _report_commentary_reviews(plan: Plan, reviews: list[str], report: Report) -> None:
    """Commentary blocks whose figures changed are held back from the book: say which, before building."""
    if reviews:
        report(
            f"Comentarios por revisar: {len(reviews)}. No se publican hasta que se confirmen "
            f"(pom comentarios {relative_path(plan.folder, Path.cwd())} --confirmar):"
        )
        for review in reviews:
            report(f"  - {review}")


def _resolve(path: Path | str, root: Path) -> Path:
    """An input's absolute path; its last part is not followed, so a link given as an input is refused when read."""
    path = Path(os.path.normpath(Path(root) / path))  # «data/x/..» is data
    return path.parent.resolve() / path.name


def relative_path(path: Path, start: Path) -> str:
    """`path` relative to `start`, with forward slashes (as the registry and the chapters' parameters write it)."""
    return Path(os.path.relpath(path, start)).as_posix()


def input_fingerprint(path: Path | None) -> str:
    """The fingerprint of a plan input's files; "" when there is none, or nothing there to read (the
    validation then says what is missing)."""
    return plan_fingerprint(path) if path is not None and path.exists() else ""


def _validated_plan(source: Path, snapshots: Path | None, fingerprint: str) -> tuple[Plan, bool]:
    """The plan, from its snapshot when one was stored for exactly these files (`fingerprint`), else
    validated; and whether it came from a snapshot."""
    tables = read_snapshot(source, snapshots, fingerprint) if snapshots and fingerprint else None
    if tables is not None:
        return Plan(source=source, tables=tables), True
    return load_plan(source), False


def load_inputs(
    plan_dir: Path,
    edition_year: int,
    root: Path,
    execution: Path | None = None,
    previous_plan: Path | None = None,
    snapshots: Path | None = None,
    fingerprints: dict[str, str] | None = None,
) -> tuple[Plan, Plan | None]:
    """Validate every input of an edition before anything runs; return (plan, previous plan).

    The execution file is checked against the plan it belongs to (monitoring.monitored_plan):
    the edition's plan when its period has started by the cutoff year, else the previous plan.
    With `snapshots` (a folder of the build cache), a plan validated by an earlier edition is
    not validated again, and once every input is valid the plans are stored there, under their
    fingerprints (`fingerprints`: «plan» and «plan_anterior», as input_fingerprint gives them).
    Raises PlanError (InputError for the edition year, the execution file and the previous plan) or EditionError.
    """
    fingerprints = fingerprints or {}
    plan, stored = _validated_plan(plan_dir, snapshots, fingerprints.get("plan", ""))
    check_edition_year(plan, edition_year)
    previous, previous_stored = None, True
    if previous_plan is not None:
        try:
            previous, previous_stored = _validated_plan(previous_plan, snapshots, fingerprints.get("plan_anterior", ""))
        except PlanError as error:
            raise InputError("El plan anterior no es válido", error.problems) from error
    if execution is not None:
        check_execution(execution, plan, previous, edition_year, root)
    if snapshots:
        for valid, kept, name in ((plan, stored, "plan"), (previous, previous_stored, "plan_anterior")):
            if not kept and fingerprints.get(name):
                write_snapshot(snapshots, valid.source, valid.tables, fingerprints[name])
    return plan, previous


def check_execution(execution: Path, plan: Plan, previous: Plan | None, edition_year: int, root: Path) -> None:
    """The execution file is valid against the plan whose years it reports (InputError, EditionError if none)."""
    from pom_lib.compute.monitoring import cutoff_year, monitored_plan
    from pom_lib.data.execution_file import load_execution

    monitored = monitored_plan(plan, previous, edition_year)
    if monitored is None:
        against = f"del plan {plan.period}" + (f" y del plan anterior {previous.period}" if previous else "")
        hint = "" if previous else ", o indique con --plan-anterior el plan al que pertenece esa ejecución"
        raise EditionError(
            f"La edición {edition_year} informa la ejecución hasta {cutoff_year(edition_year)} "
            f"({relative_path(execution, root)}), antes del período {against}: no hay ejecución que seguir. Quite "
            f"--ejecucion (o ese archivo){hint}."
        )
    try:
        load_execution(execution, monitored)
    except PlanError as error:
        raise InputError(
            f"El archivo de ejecución no es válido (se revisó contra el plan {monitored.period})", error.problems
        ) from error


def check_edition_year(plan: Plan, edition_year: int) -> None:
    """An edition presents its plan in one of the plan's years, or the year after the last one, whose edition
    reports the execution of the whole period (the cutoff year is the year before the edition)."""
    first, last = plan.years[0], plan.years[-1]
    if not first <= edition_year <= last + 1:
        raise InputError(
            "El año de la edición no corresponde al plan",
            [
                Problem(
                    "--edicion",
                    f"la edición {edition_year} no es del plan {plan.period}: sus ediciones van de {first} a "
                    f"{last + 1} (la de {last + 1} informa la ejecución de su último año); use uno de esos años, "
                    "o la carpeta del plan de ese año en --plan",
                )
            ],
        )


def recover_interrupted(root: Path, report: Report = silent) -> None:
    """Finish the publication of an edition that was cut off halfway, and clear its work folders."""
    work = root / STAGING
    recover_and_say(root, work, "de la edición anterior", report)
    for leftover in [work, *root.glob(f"{WORKDIR}[0-9][0-9]")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _tex_installation() -> str:
    """The TeX engine in use (path, size, date): a TeX Live upgrade rebuilds the PDF."""
    engine = shutil.which("xelatex")
    if not engine:
        return ""
    real = Path(engine).resolve()
    return f"{real}:{real.stat().st_size}:{real.stat().st_mtime_ns}"


def build_edition(
    plan_dir: Path,
    edition: int,
    root: Path,
    execution: Path | None = None,
    previous_plan: Path | None = None,
    thresholds=None,
    report: Report = silent,
    project: Path | None = None,
) -> tuple[Path, Path]:
    """Run every chapter for the plan and edition, build the book; return (HTML index, PDF).

    `execution` (a year's execution file) and `previous_plan` (the previous edition's plan
    folder) are optional; chapters receive them as `ejecucion` and `plan_anterior`, paths
    relative to book/ ("" when absent). Without `execution`, the project's execution file of the
    cutoff year is used when there is one (execution.execution_file_for: data/ejecucion/).
    `thresholds` (execution.Thresholds, the default ones when None) reach the chapters as
    umbral_verde, umbral_amarillo and umbral_sobreejecucion, and are recorded in ediciones.yml.
    `report` hears the progress, one line at a time (pom_lib.publish.progress).
    `root` is where the edition's plans, book/, ediciones.yml and _build/ are (an institution's folder
    in a repository of several: pom_lib.publish.institutions); `project`, by default `root`, holds
    the chapter templates (notebooks/) and _config.yml.
    """
    from pom_lib.compute.execution import Thresholds
    from pom_lib.compute.monitoring import cutoff_year
    from pom_lib.data.execution_file import execution_file_for

    root = Path(root).resolve()
    year = parse_year(edition)
    project = Path(project).resolve() if project else root
    plan_dir = _resolve(plan_dir, root)
    thresholds = thresholds or Thresholds()
    if not execution:
        execution = execution_file_for(root, cutoff_year(year))
        if execution:
            report(f"Ejecución de {cutoff_year(year)}: {relative_path(execution, root)}")
    execution = _resolve(execution, root) if execution else None
    previous_plan = _resolve(previous_plan, root) if previous_plan else None
    recover_interrupted(root, report)
    cache = BuildCache(root)
    # Each input's files are read for their fingerprint once: snapshots, plan facts and chapter keys share it.
    inputs = {"plan": input_fingerprint(plan_dir), "plan_anterior": input_fingerprint(previous_plan)}
    plan, _ = load_inputs(plan_dir, year, root, execution, previous_plan, cache.plans, inputs)
    inputs["ejecucion"] = tree_fingerprint(execution) if execution else ""
    check_registry(root, year)
    facts = plan_facts(plan, inputs["plan"], cache)
    _report_commentary_reviews(plan, facts["revisiones"], report)
    book, work = root / CURRENT, root / STAGING
    parameters = {
        "edicion": year,
        "plan": relative_path(plan_dir, book),
        "ejecucion": relative_path(execution, book) if execution else "",
        "plan_anterior": relative_path(previous_plan, book) if previous_plan else "",
        **threshold_parameters(thresholds),
    }
    new_book = work / NEW_BOOK
    new_book.mkdir(parents=True)
    try:
        toc = yaml.safe_dump(
            toc_for_plan(project / "notebooks" / "_toc.yml", edition_chapters(facts["capitulos"], parameters)),
            allow_unicode=True,
            sort_keys=False,
        )
        (new_book / "_toc.yml").write_text(TOC_HEADER + toc, encoding="utf-8")
        stems = chapter_stems(new_book / "_toc.yml")
        chapters = plan_chapters(stems, project / "notebooks", project, {**parameters, "capitulos": stems}, inputs)
        record = cache.record()
        durations = dict(record.get("duraciones", {}))
        epoch = source_date_epoch(root, year)
        # Fewer chapters to run than cores: the book server gets ready on a core the chapters leave idle.
        to_run = sum(cache.chapter(chapter.key) is None for chapter in chapters)
        entries = run_chapters(
            chapters,
            cache,
            root,
            {SNAPSHOTS: str(cache.plans)},
            durations,
            report,
            ready=SERVER.prepare if 0 < to_run < cores() else None,
        )
        assemble(chapters, entries, new_book)
        config = edition_config(root, plan, year, work / "_config.yml", project)
        new_pages, published_pages = tree_fingerprint(new_book), tree_fingerprint(book)
        keys, folders = _render_changed(
            root,
            work,
            new_book,
            new_pages,
            config,
            epoch,
            edition_pdf_name(year),
            record,
            cache,
            published_pages,
            report,
        )
        if new_pages != published_pages:
            folders.append((new_book, book))
        files = {cache.record_path: json.dumps({**keys, "duraciones": durations}, indent=1, sort_keys=True)}
        entry = {
            "anio": year,
            "plan": relative_path(plan_dir, root),
            "ejecucion": relative_path(execution, root) if execution else "",
            "plan_anterior": relative_path(previous_plan, root) if previous_plan else "",
            "fuente": CURRENT,
            **threshold_parameters(thresholds),
        }
        registry = registry_with(root, entry)
        if registry is not None:
            files[root / REGISTRY] = registry
        publish(root, work, folders, files)
    except BaseException as error:
        # The work folder stays only for a failed book build, whose message names its log in there.
        if not isinstance(error, BookBuildError) and not (work / JOURNAL).exists():
            shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work)
    cache.prune({chapter.key for chapter in chapters})
    return root / "_build" / "html" / "index.html", root / "_build" / "latex" / pdf_filename(project / "_config.yml")


def _render_changed(
    root: Path,
    work: Path,
    new_book: Path,
    new_pages: str,
    config: Path,
    epoch: str,
    pdf_copy: str,
    record: dict,
    cache: BuildCache,
    published_pages: str,
    report: Report,
) -> tuple[dict[str, str], list[tuple[Path, Path]]]:
    """Build the HTML and the PDF unless what they were last built from is unchanged.

    Every HTML page links the PDF beside it, copied into the HTML folder as `pdf_copy` (the name the
    site gives it too), so a new PDF means a new HTML folder as well. Returns the key of each (the
    fingerprint of everything it is built from) and the (new, published) folder of each one built.
    """
    settings = combine(file_fingerprint(config), epoch, code_fingerprint())
    pages = combine(new_pages, settings)
    keys = {"html": combine("html", pages), "pdflatex": combine("pdflatex", pages, _tex_installation())}
    pdf_name = pdf_filename(config)  # the edition's config keeps the project's PDF name
    published = {builder: root / "_build" / OUTPUT[builder] for builder in BUILDERS}
    products = {"html": published["html"] / "index.html", "pdflatex": published["pdflatex"] / pdf_name}
    stale = [builder for builder in BUILDERS if record.get(builder) != keys[builder] or not products[builder].is_file()]
    if "pdflatex" in stale and "html" not in stale:
        stale.append("html")
    if not stale:
        report("Ninguna página cambió: el libro en HTML y el PDF se conservan.")
        return keys, []
    done = step(report, f"Construyendo {describe(stale)}")
    keep_unchanged_times(new_book, root / CURRENT)
    state = cache.sphinx_state(settings, published_pages)
    built = render(
        new_book,
        work,
        config,
        stale,
        {**os.environ, "SOURCE_DATE_EPOCH": epoch},
        root,
        earlier_latex=published["pdflatex"],
        sphinx_state=state,
    )
    cache.mark_sphinx_state(state, new_pages)
    done()
    if "pdflatex" in built and not (built["pdflatex"] / pdf_name).is_file():
        raise BookBuildError(f"La construcción del PDF terminó sin producir {pdf_name}.")
    shutil.copy(built.get("pdflatex", published["pdflatex"]) / pdf_name, built["html"] / pdf_copy)
    return keys, [(built[builder], published[builder]) for builder in stale]


def keep_unchanged_times(new_book: Path, book: Path) -> None:
    """Give each file of the new book that is byte for byte the published one the published file's
    modification time, so that the book builders parse again only the pages that changed."""
    for path in new_book.rglob("*"):
        published = book / path.relative_to(new_book)
        if path.is_file() and published.is_file() and filecmp.cmp(path, published, shallow=False):
            shutil.copystat(published, path)


def threshold_parameters(thresholds) -> dict[str, float]:
    """The semáforo thresholds as the chapters' parameters and the registry's keys."""
    return dict(zip(THRESHOLD_PARAMETERS, (float(thresholds.green), float(thresholds.yellow), float(thresholds.over))))
