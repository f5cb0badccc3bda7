"""The chapters of an edition: each template run by papermill on every available core, never twice
for the same inputs.

A chapter's key fingerprints everything its output depends on: the template, the parameters it
receives, the files those parameters name (plan, execution file, previous plan), the library and
the installed packages, and SOURCE_DATE_EPOCH (the date in its PDF figures). A chapter whose key
is in the build cache is taken from there. The others run in worker processes, one per core, each
keeping one kernel for the chapters it runs (put back as new before each: kernel_reset), each chapter
in its own working folder beside book/ (so the parameters' paths, relative to book/, resolve the
same), and whatever a chapter writes there (its downloads) is kept with the executed notebook.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import functools
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from pom_lib.core.errors import ChapterError
from pom_lib.core.fingerprint import code_fingerprint, combine
from pom_lib.publish.build_cache import FILES, NOTEBOOK, BuildCache
from pom_lib.publish.progress import Report, silent

PARAMETER_TAGS = {"parameters", "injected-parameters"}
# Every chapter gets the others; these only the chapters that declare them in their parameters cell.
THRESHOLD_PARAMETERS = ("umbral_verde", "umbral_amarillo", "umbral_sobreejecucion")
# «capitulos», the stems of the edition's chapters, is for the chapters that link to the others.
OPTIONAL_PARAMETERS = ("ejecucion", "plan_anterior", "capitulos", *THRESHOLD_PARAMETERS)
# Metadata papermill and Jupyter write that changes from run to run.
VOLATILE_CELL_KEYS = ("papermill", "execution")
# A chapter's working folder, beside book/: this prefix and the chapter's number.
WORKDIR = ".edicion-"


@dataclass(frozen=True)
class Chapter:
    number: int
    stem: str
    title: str
    source: Path
    parameters: dict
    key: str


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
    for cell in notebook.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        tags = cell.metadata.get("tags", [])
        if PARAMETER_TAGS & set(tags):
            if "remove-cell" not in tags:
                cell.metadata["tags"] = [*tags, "remove-cell"]
            if "injected-parameters" in tags:
                # papermill gives the injected cell a random id on every run.
                cell["id"] = "injected-parameters"


def declared_parameters(notebook: nbformat.NotebookNode, stem: str, title: str) -> list[str]:
    """The names the cell tagged «parameters» assigns (as papermill reads them), in their order."""
    cell = next(
        (c for c in notebook.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])), None
    )
    if cell is None:
        raise ChapterError(stem, title, "no tiene una celda con la etiqueta «parameters».")
    try:
        body = ast.parse(cell.source).body
    except SyntaxError as error:
        raise ChapterError(
            stem, title, f"la celda «parameters» no es Python válido ({error.msg}, línea {error.lineno})."
        ) from error
    names = {}
    for node in body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names |= dict.fromkeys(target.id for target in targets if isinstance(target, ast.Name))
    return list(names)


def plan_chapters(
    stems: list[str], notebooks: Path, root: Path, parameters: dict, inputs: dict[str, str]
) -> list[Chapter]:
    """Every chapter with its title, the parameters it declares and its key.

    `inputs` holds the fingerprint of the files named by each path parameter. A missing template
    or one without a parameters cell is refused here, before any chapter runs.
    """
    environment = combine(code_fingerprint(), os.environ.get("SOURCE_DATE_EPOCH", ""))
    chapters = []
    for number, stem in enumerate(stems, start=1):
        source = notebooks / f"{stem}.ipynb"
        if not source.is_file():
            raise ChapterError(stem, stem, f"no existe {source.relative_to(root)}.")
        content = source.read_bytes()
        notebook = nbformat.reads(content.decode("utf-8"), as_version=4)
        title = chapter_title(notebook, stem)
        declared = declared_parameters(notebook, stem, title)
        # Injected in the order the template declares them, whatever order the caller gives.
        ordered = [k for k in declared if k in parameters]
        ordered += [k for k in parameters if k not in declared and k not in OPTIONAL_PARAMETERS]
        own = {k: parameters[k] for k in ordered}
        named = [inputs[name] for name in sorted(own) if own[name] and name in inputs]
        key = combine(
            "capitulo", hashlib.sha256(content).hexdigest(), json.dumps(own, sort_keys=True), *named, environment
        )
        chapters.append(Chapter(number, stem, title, source, own, key))
    return chapters


def run_chapters(
    chapters: list[Chapter],
    cache: BuildCache,
    root: Path,
    environment: dict[str, str],
    durations: dict[str, float],
    report: Report = silent,
    ready: Callable[[], None] | None = None,
) -> dict[str, Path]:
    """Each chapter's cache entry, running the chapters that have none; one line per chapter to `report`, in
    book order.

    `environment` is added to the chapters' kernels' environment. `durations` (seconds per chapter
    in an earlier edition) puts the longest chapters first, so that no core waits alone for one at
    the end; the time of each chapter run now is written back into it. `ready` is called once the
    first chapter's process has started (its fork server is then up), if any chapter runs. Raises
    ChapterError naming the first chapter that failed; the others are stopped.
    """
    entries = {chapter.stem: cache.chapter(chapter.key) for chapter in chapters}
    progress = _Progress(chapters, report)
    for chapter in chapters:
        if entries[chapter.stem] is not None:
            progress.done(chapter, "sin cambios")

    def finished(chapter: Chapter, entry: Path, seconds: float) -> None:
        entries[chapter.stem] = entry
        durations[chapter.stem] = round(seconds, 1)
        progress.done(chapter, f"listo ({seconds:.1f} s)")

    pending = sorted(
        (chapter for chapter in chapters if entries[chapter.stem] is None),
        key=lambda chapter: -durations.get(chapter.stem, 0.0),
    )
    if pending:
        try:
            _run_in_parallel(pending, cache, root, environment, finished, ready)
        except ChapterError as error:
            progress.failed(next(c for c in pending if c.stem == error.stem))
            raise
    return entries


def assemble(chapters: list[Chapter], entries: dict[str, Path], target: Path) -> None:
    """Put each executed chapter and the files it wrote into the new book, in book order."""
    for chapter in chapters:
        notebook = target / f"{chapter.stem}.ipynb"
        notebook.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entries[chapter.stem] / NOTEBOOK, notebook)
        shutil.copytree(entries[chapter.stem] / FILES, target, dirs_exist_ok=True)


class _Progress:
    """«[3/12] Título … listo (2.1 s)» for each chapter, reported in book order as they finish."""

    def __init__(self, chapters: list[Chapter], report: Report):
        self.chapters = chapters
        self.report = report
        self.outcomes: dict[int, str] = {}
        self.reported = 0

    def _line(self, chapter: Chapter, outcome: str) -> str:
        return f"[{chapter.number}/{len(self.chapters)}] {chapter.title} … {outcome}"

    def done(self, chapter: Chapter, outcome: str) -> None:
        self.outcomes[chapter.number] = outcome
        while self.reported < len(self.chapters) and self.chapters[self.reported].number in self.outcomes:
            current = self.chapters[self.reported]
            self.report(self._line(current, self.outcomes[current.number]))
            self.reported += 1

    def failed(self, chapter: Chapter) -> None:
        self.report(self._line(chapter, "falló"))


def cores() -> int:
    """The processors this process may use: as many chapters run at once."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _run_in_parallel(
    pending: list[Chapter],
    cache: BuildCache,
    root: Path,
    environment: dict[str, str],
    finished: Callable[[Chapter, Path, float], None],
    ready: Callable[[], None] | None = None,
) -> None:
    """Run the chapters on at most one worker per core, each chapter handed to the first worker free
    and each result to `finished`; `ready` is called once the workers have started.

    A worker keeps one kernel for all the chapters it runs (the library imported once, not once per
    chapter), put back as a new kernel before each one (kernel_reset.begin_chapter). The workers stay
    for the next edition this process builds with the same environment (_WORKERS).
    """
    full_environment = {**os.environ, **environment}
    waiting = list(pending)
    connections = _WORKERS.get(full_environment, min(cores(), len(waiting)))
    if ready is not None:
        ready()
    running: dict = {}  # the connection to a busy worker → the chapter it runs and its folders
    folders = []

    def hand_next(connection) -> None:
        if not waiting:
            return
        chapter = waiting.pop(0)
        workdir = root / f"{WORKDIR}{chapter.number:02d}"
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir()
        partial = cache.partial_chapter(chapter.key)
        folders.append((partial, workdir))
        connection.send((str(chapter.source), str(partial / NOTEBOOK), str(workdir), chapter.parameters))
        running[connection] = (chapter, partial, workdir)

    try:
        for connection in connections:
            hand_next(connection)
        while running:
            for connection in multiprocessing.connection.wait(list(running)):
                chapter, partial, workdir = running.pop(connection)
                try:
                    failure, seconds = connection.recv()
                except EOFError:
                    failure, seconds = (
                        f"el proceso del capítulo terminó sin resultado (código {_WORKERS.exit_code(connection)})",
                        0,
                    )
                if failure:
                    raise ChapterError(chapter.stem, chapter.title, failure)
                shutil.copytree(workdir, partial / FILES, dirs_exist_ok=True)
                finished(chapter, cache.keep_chapter(partial, chapter.key), seconds)
                hand_next(connection)
    except BaseException:
        # On an error or Ctrl-C, the workers are stopped, and their kernels with them.
        _WORKERS.stop()
        raise
    finally:
        for partial, workdir in folders:
            shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(partial, ignore_errors=True)


class _Workers:
    """This process's workers, each with its kernel: kept from one edition to the next while the
    environment is the same, and ended when this process ends.

    Workers come from a fork server that has imported papermill, not from this process: forking a
    process that has had threads (a test runner, a notebook) can leave the child waiting forever on
    a lock one of those threads held. Each worker has its own pipe, so stopping one never strands
    another. The whole environment goes with each worker (the fork server keeps the one of the moment
    it started), and a worker's environment is that of the kernel it keeps: another environment gets
    new workers.
    """

    def __init__(self):
        self.environment: dict[str, str] | None = None
        self.processes: dict = {}  # connection → process
        atexit.register(self.end)

    def get(self, environment: dict[str, str], count: int) -> list:
        """`count` workers with this environment (and the ones already there)."""
        if environment != self.environment:
            self.end()
            self.environment = environment
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["papermill"])
        while len(self.processes) < count:
            connection, worker_end = context.Pipe()
            process = context.Process(target=_serve, args=(worker_end, environment), daemon=True)
            process.start()
            worker_end.close()  # the worker holds the only other end: its death reads as EOF
            self.processes[connection] = process
        return list(self.processes)[:count]

    def exit_code(self, connection) -> int | None:
        process = self.processes[connection]
        process.join()
        return process.exitcode

    def end(self) -> None:
        """Tell each worker to shut its kernel down and end; wait for them."""
        for connection in self.processes:
            with contextlib.suppress(OSError):
                connection.send(None)
        self._join()

    def stop(self) -> None:
        """Stop each worker now, and its kernel with it (SIGTERM: _stop)."""
        for process in self.processes.values():
            if process.is_alive():
                process.terminate()
        self._join()

    def _join(self) -> None:
        for connection, process in self.processes.items():
            process.join()
            connection.close()
        self.processes = {}
        self.environment = None


_WORKERS = _Workers()


def _stop(signum, frame) -> None:
    """Stop now, and the worker's kernel with it: it runs in a session of its own and would outlive us."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            child.kill()
    os._exit(1)


def _serve(connection: multiprocessing.connection.Connection, environment: dict[str, str]) -> None:
    """A worker: run each chapter it is handed in its kernel and send back (why it failed or None,
    seconds), until it is handed None or its parent is gone."""
    # Ctrl-C is the parent's to handle; the parent stops a worker with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    os.environ.clear()
    os.environ.update(environment)
    # The kernel starts here, in a folder that outlives every edition; each chapter then moves into its own.
    os.chdir(tempfile.gettempdir())
    kernel = _WarmKernel()
    try:
        while True:
            try:
                task = connection.recv()
            except EOFError:
                break
            if task is None:
                break
            connection.send(kernel.run(*task))
    finally:
        kernel.shut_down()
        connection.close()


class _WarmKernel:
    """One kernel for the chapters of a worker, started by the first of them."""

    def __init__(self):
        self.manager = _local_socket_kernel_manager()()
        self.client = None

    def run(self, source: str, target: str, folder: str, parameters: dict) -> tuple[str | None, float]:
        import papermill

        start = time.monotonic()
        try:
            papermill.execute_notebook(
                source,
                target,
                parameters=parameters,
                engine_name=_warm_engine(),
                kernel_name="python3",
                progress_bar=False,
                kernel=self,
                folder=folder,
                # Keeps the kernel's notices (start-up, the interrupt jupyter_client sends every kernel
                # at shutdown) out of the one-line-per-chapter progress.
                extra_arguments=["--log-level=CRITICAL"],
            )
        except papermill.PapermillExecutionError as exc:
            return f"{exc.ename}: {exc.evalue} (celda {exc.exec_count})", 0.0
        except Exception as exc:  # kernel death, unreadable notebook…: still name the chapter
            return f"{type(exc).__name__}: {exc}", 0.0
        executed = nbformat.read(target, as_version=4)
        scrub(executed)
        nbformat.write(executed, target)
        return None, time.monotonic() - start

    def shut_down(self) -> None:
        from jupyter_core.utils import run_sync

        if self.client is not None:
            self.client.stop_channels()
        if self.manager.has_kernel:
            run_sync(self.manager.shutdown_kernel)()


@functools.cache
def _warm_engine() -> str:
    """The name of the papermill engine that runs a chapter in a worker's kernel, registered once per process."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    name = "pom-nucleo-caliente"

    class Client(PapermillNotebookClient):
        def papermill_execute_cells(self):
            # Not a cell of the chapter: no number, no output, nothing in the notebook.
            code = f"from pom_lib.publish.kernel_reset import begin_chapter\nbegin_chapter({self.folder!r})"
            reply = self.wait_for_reply(self.kc.execute(code, silent=True, store_history=False))
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"el núcleo no se pudo preparar: {reply['content'].get('evalue', '')}")
            super().papermill_execute_cells()

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, kernel, folder, extra_arguments, **_):
            client = Client(nb_man, km=kernel.manager, kernel_name=kernel_name, extra_arguments=extra_arguments)
            client.folder = folder
            client.kc = kernel.client  # None before the first chapter: nbclient starts kernel and client
            try:
                return client.execute()
            finally:
                kernel.client = client.kc

    papermill_engines.register(name, Engine)
    return name


def _local_socket_kernel_manager() -> type:
    """A kernel manager that talks to its kernel over Unix sockets, not TCP ports.

    Kernels started at the same moment (one per core, and those of other programs) could otherwise
    pick the same free port, and one of them would fail to start. The sockets live in the temporary
    folder, named after this process, and go away with the kernel.
    """
    from jupyter_client import AsyncKernelManager

    class LocalSocketKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            prefix = Path(tempfile.gettempdir()) / f"pom-nucleo-{os.getpid()}"
            super().__init__(transport="ipc", ip=str(prefix), **kwargs)

    return LocalSocketKernelManager
