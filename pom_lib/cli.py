"""The `pom` command: validate a plan or its execution, export its matrix, make the execution
template, build the yearly edition, archive it and publish every edition as a site."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import re
import signal
import sys
from pathlib import Path

from pom_lib.core import defaults, paths
from pom_lib.core.errors import EditionError, PlanError, Problem

# The commands import the library (pandas, frictionless, openpyxl) when they run, inside main():
# `pom --help` answers at once, and a Ctrl-C during those imports ends like any other.

# Problems listed at most: more would scroll away unread, and the first ones show what is wrong.
MAX_SHOWN = 1000

# argparse's own error messages, in the Spanish an analyst reads them.
USAGE_ERRORS = [
    (r"the following arguments are required: (.+)", r"faltan argumentos obligatorios: \1"),
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)", r"el argumento \1 no admite \2; elija entre \3"),
    (r"argument (\S+): invalid int value: (.+)", r"el argumento \1 debe ser un número entero, no \2"),
    (r"argument (\S+): invalid float value: (.+)", r"el argumento \1 debe ser un número, no \2"),
    (r"argument (\S+): expected one argument", r"al argumento \1 le falta su valor"),
    (r"unrecognized arguments: (.+)", r"argumentos no reconocidos: \1"),
    (r"argument (\S+): not allowed with argument (\S+)", r"el argumento \1 no se puede usar junto con \2"),
    (r"one of the arguments (.+) is required", r"falta uno de estos argumentos: \1"),
]


def translate_usage_error(message: str) -> str:
    for english, translation in USAGE_ERRORS:
        translated, count = re.subn(english, translation, message)
        if count:
            return translated
    return message


class SpanishParser(argparse.ArgumentParser):
    """argparse with its own words in Spanish, and exit code 2 for usage mistakes."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "uso:", 1)

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "uso:", 1)
        return (
            text.replace("options:", "opciones:")
            .replace("positional arguments:", "argumentos:")
            .replace("show this help message and exit", "muestra esta ayuda y termina")
        )

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {translate_usage_error(message)}\n")


@contextlib.contextmanager
def _headed(headline: str):
    """Problems raised inside are told under `headline`, what could not be done, instead of the plan's."""
    try:
        yield
    except PlanError as error:
        raise PlanError(error.problems, headline) from error


def _print_problems(error: PlanError) -> int:
    """The problems under their headline; past MAX_SHOWN, the first ones and how many there are in all."""
    from pom_lib.core import formatting as fmt

    total = len(error.problems)
    print(f"{error.headline}: {fmt.integer(total)} problema(s) encontrado(s).", file=sys.stderr)
    for problem in error.problems[:MAX_SHOWN]:
        print(f"  - {problem}", file=sys.stderr)
    if total > MAX_SHOWN:
        print(
            f"Se muestran los primeros {fmt.integer(MAX_SHOWN)} de {fmt.integer(total)} problemas: corríjalos y "
            "valide de nuevo para ver los demás.",
            file=sys.stderr,
        )
    return 1


def cmd_validar(args) -> int:
    from pom_lib.compute.reconciliation import reconcile, review_acknowledgements, summary
    from pom_lib.core import formatting as fmt
    from pom_lib.data.plan import load_plan

    if args.plan:
        return _validate_execution(Path(args.ruta), args.plan)
    plan = load_plan(args.ruta)
    rows = sum(len(t) for t in plan.tables.values())
    print(f"Plan válido: {plan.info['titulo']} ({plan.info['institucion']}).")
    print(f"  {len(plan.tables)} tablas, {fmt.integer(rows)} filas.")
    review = review_acknowledgements(plan, reconcile(plan))
    for rule in summary(review.report).itertuples():
        mark = "✓" if rule.no_cumplen == 0 else "✗"
        print(f"  {mark} {rule.regla}: {rule.cumplen} de {rule.comprobaciones} comprobaciones cumplen.")
    if review.report["cumple"].all():
        print("Todas las reglas de conciliación se cumplen.")
    _print_failures(review, plan)
    _print_reviews(plan)
    if args.estricto and (not review.unacknowledged.empty or review.stale):
        print(
            "Con --estricto, una comprobación que no cuadra es un error (salvo que el plan la reconozca como del "
            "documento, con sus mismas cifras), y también lo es un reconocimiento que ya no corresponde a los "
            "datos: revise la transcripción de esas cifras contra el documento.",
            file=sys.stderr,
        )
        return 1
    return 0


def _print_failures(review, plan) -> None:
    """The failing checks the plan does not acknowledge (with the line that would), those it does, and the
    acknowledgements that no longer match the data."""
    from pom_lib.compute.reconciliation import acknowledgement_line
    from pom_lib.core import formatting as fmt
    from pom_lib.data import contract

    def described(row) -> str:
        year = "" if row.anio is None or str(row.anio) == "<NA>" else f" {row.anio}"
        return (
            f"{row.regla}{year}, {row.elemento}: esperado {fmt.decimal(row.esperado, 1)}, "
            f"encontrado {fmt.decimal(row.encontrado, 1)}"
        )

    unacknowledged, acknowledged = review.unacknowledged, review.acknowledged
    if not unacknowledged.empty:
        print(f"Atención: {len(unacknowledged)} comprobación(es) no cuadran (se publican en «Calidad de los datos»):")
        for row in unacknowledged.itertuples():
            print(f"  - {described(row)}")
        place = contract.table_place(plan.source, contract.ACKNOWLEDGEMENTS)
        header = ",".join(contract.field_names(contract.ACKNOWLEDGEMENTS))
        print(
            f"Si una diferencia es del propio documento publicado, reconózcala: agregue su línea a {place} "
            f"(con el encabezado {header} si aún no existe) y escriba en «nota» por qué:"
        )
        for row in unacknowledged.itertuples():
            print(f"  {acknowledgement_line(row)}")
    if not acknowledged.empty:
        print(f"Reconocidas como del documento: {len(acknowledged)} comprobación(es) que no cuadran:")
        for row in acknowledged.itertuples():
            print(f"  - {described(row)} ({row.nota})")
    if review.stale:
        print(f"Reconocimientos que ya no corresponden a los datos: {len(review.stale)}:")
        for problem in review.stale:
            print(f"  - {problem}")


def _print_reviews(plan) -> None:
    """List the commentary blocks to review; they are warnings, not errors (the book holds them back)."""
    from pom_lib.chapters import commentary_reviews

    with _headed("Los comentarios del equipo no se pueden leer"):
        reviews = commentary_reviews(plan)
    if reviews:
        print(
            f"Comentarios por revisar: {len(reviews)} (el libro no los publica hasta que se confirmen con "
            f"«pom comentarios {plan.source} --confirmar»):"
        )
        for review in reviews:
            print(f"  - {review}")


def cmd_comentarios(args) -> int:
    from pom_lib.chapters import confirm_commentary
    from pom_lib.data.plan import load_plan

    plan = load_plan(args.ruta)
    if not args.confirmar:
        _print_reviews(plan)
        return 0
    with _headed("Los comentarios del equipo no se pueden leer"):
        confirmed = confirm_commentary(plan)
    print(f"Comentarios confirmados: {confirmed}. Sus cifras registradas son ahora las del plan.")
    return 0


def _validate_execution(source: Path, plan_source: str) -> int:
    from pom_lib.data.execution_file import FAR_BEYOND_GOAL, TABLE, far_beyond_goal, read_execution
    from pom_lib.data.plan import load_plan
    from pom_lib.present.monitoring import execution_summary

    plan = load_plan(plan_source)
    with _headed("El archivo de ejecución no es válido"):
        execution = read_execution(source, plan)
    where = f" (hoja «{TABLE}»)" if source.suffix.lower() == ".xlsx" else ""
    print(f"Ejecución válida: {source.name}{where}, frente al {plan.info['titulo']}.")
    for line in execution_summary(plan, execution.frame):
        print(f"  {line}")
    warnings = far_beyond_goal(execution, plan)
    if warnings:
        print(f"Atención: {len(warnings)} valor(es) pasan de {FAR_BEYOND_GOAL} veces su meta del año; revíselos:")
        for warning in warnings:
            print(f"  - {warning}")
    return 0


def cmd_matriz(args) -> int:
    from pom_lib.data.plan import load_plan
    from pom_lib.export.matrix import tidy_matrix, to_csv_text, to_xlsx_bytes, write_matrix

    if args.salida:
        with _headed("No se escribió la matriz"):
            paths.check_output(Path(args.salida))
    plan = load_plan(args.ruta)
    table = tidy_matrix(plan)
    if args.salida:
        write_matrix(table, Path(args.salida), args.formato)
        print(f"Matriz escrita en {args.salida} ({len(table)} filas).", file=sys.stderr)
    elif args.formato == "csv":
        # No byte-order mark on the standard output: it feeds other programs (head, csvkit, pandas), which
        # would read the mark as part of the first column's name. A file for Excel is written with -o.
        sys.stdout.write(to_csv_text(table))
    else:
        sys.stdout.buffer.write(to_xlsx_bytes(table))
    return 0


def cmd_plantilla(args) -> int:
    from pom_lib.data.execution_file import EXECUTION_FOLDER, TABLE
    from pom_lib.data.plan import load_plan
    from pom_lib.export.execution_template import write_template

    target = Path(args.salida or f"ejecucion_{args.anio}.xlsx")
    with _headed("No se pudo crear la plantilla"):
        paths.check_output(target, belongs_in=EXECUTION_FOLDER.as_posix())
    plan = load_plan(args.ruta)
    with _headed("No se pudo crear la plantilla"):
        write_template(plan, args.anio, target)
    print(
        f"Plantilla de ejecución {args.anio} escrita en {target}: llene las celdas amarillas de la hoja "
        f"«{TABLE}» y revísela con: pom validar {target} --plan {args.ruta}"
    )
    return 0


def _report(text: str, end: str = "\n") -> None:
    """The progress of a build (pom_lib.publish.progress), on the standard output as it happens."""
    print(text, end=end, flush=True)


def _edition_failed(error: Exception, what: str) -> int:
    print(f"{what}: {error}", file=sys.stderr)
    return 1


def cmd_edicion(args) -> int:
    from pom_lib.compute.execution import Thresholds
    from pom_lib.publish.edition import build_edition
    from pom_lib.publish.publication import one_build_at_a_time

    try:
        thresholds = Thresholds(args.umbral_verde, args.umbral_amarillo, args.umbral_sobreejecucion)
    except ValueError as error:
        print(f"pom edicion: error: {error}", file=sys.stderr)
        return 2
    try:
        with one_build_at_a_time(Path.cwd()):
            home = _home(args, prepare=True)
            plan, year = _edition_choice(args, home)
            html, pdf = build_edition(
                plan,
                year,
                home,
                execution=Path(args.ejecucion) if args.ejecucion else None,
                previous_plan=Path(args.plan_anterior) if args.plan_anterior else None,
                thresholds=thresholds,
                report=_report,
                project=Path.cwd(),
            )
    except PlanError as error:
        _print_problems(error)
        print(
            "La edición no se construyó; el último libro construido con éxito se conserva sin cambios.", file=sys.stderr
        )
        return 1
    except EditionError as error:
        print(f"La edición no se pudo construir: {error}", file=sys.stderr)
        print("El último libro construido con éxito se conserva sin cambios.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "\nConstrucción interrumpida: el último libro construido con éxito se conserva sin cambios.",
            file=sys.stderr,
        )
        return 130
    print(f"Libro HTML: {os.path.relpath(html)}")
    print(f"Libro PDF:  {os.path.relpath(pdf)}")
    return 0


def _edition_choice(args, home: Path) -> tuple[Path, int]:
    """The plan and year of the edition to build: as given, or the current edition's in home's ediciones.yml."""
    current = defaults.current_edition(home)
    plan = args.plan or current.get("plan")
    year = args.edicion or (int(current["anio"]) if current else None)
    if not plan or year is None:
        where = f"instituciones/{args.institucion}/" if args.institucion else "este proyecto"
        missing = " y ".join(option for option, value in (("--plan", plan), ("--edicion", year)) if not value)
        raise EditionError(
            f"{where} no tiene una edición vigente en ediciones.yml de la que tomar el plan y el año: "
            f"indique {missing} (por ejemplo, --plan data/<carpeta del plan> --edicion <año>)."
        )
    return Path(plan), year


def cmd_archivar(args) -> int:
    from pom_lib.publish.archive import archive_edition
    from pom_lib.publish.publication import one_build_at_a_time

    try:
        with one_build_at_a_time(Path.cwd()):
            target = archive_edition(_home(args), args.edicion, project=Path.cwd())
    except (EditionError, PlanError) as error:
        return _edition_failed(error, "La edición no se archivó")
    print(
        f"Edición {args.edicion} archivada en {target.relative_to(Path.cwd().resolve())}/: sus capítulos "
        "ejecutados, su índice y sus descargas ya no cambian. Guárdela en el repositorio."
    )
    return 0


def _home(args, prepare: bool = False) -> Path:
    """Where an edition's paths start: the project, or the folder of --institucion (made ready for a first
    edition with `prepare`)."""
    from pom_lib.publish import institutions

    if not args.institucion:
        return Path.cwd()
    find = institutions.prepared_home if prepare else institutions.home
    return find(Path.cwd(), args.institucion)


def cmd_sitio(args) -> int:
    from pom_lib.present.portal import write_pages
    from pom_lib.publish.portal import publish_site
    from pom_lib.publish.publication import one_build_at_a_time
    from pom_lib.publish.site import build_site

    try:
        with one_build_at_a_time(Path.cwd()):
            if args.institucion:
                index = build_site(Path.cwd(), Path(args.salida), _home(args), _report)
            else:
                index = publish_site(Path.cwd(), Path(args.salida), write_pages, _report)
    except (EditionError, PlanError) as error:
        return _edition_failed(error, "El sitio no se pudo construir (el anterior se conserva)")
    except KeyboardInterrupt:
        print(
            "\nConstrucción del sitio interrumpida: el último sitio construido se conserva sin cambios.",
            file=sys.stderr,
        )
        return 130
    print(f"Sitio de las ediciones: {index}")
    return 0


# --- The plan as a workbook, and next year's plan ----------------------------------------------------


def cmd_exportar(args) -> int:
    from pom_lib.core import formatting as fmt
    from pom_lib.data import contract
    from pom_lib.export.plan_workbook import read_package, write_workbook

    target = Path(args.salida)
    with _headed("No se pudo exportar el plan"):
        paths.check_output(target)
        package = read_package(args.ruta)
        write_workbook(package, target)
    print(
        f"Plan exportado a {target}: {len(contract.plan_resources())} hojas de datos "
        f"({fmt.integer(package.rows)} filas), "
        f"instrucciones y {_documents_text(package)}."
    )
    for path in package.left_out:
        print(f"  No se incluye {path}: el libro lleva las tablas, el README y los comentarios del plan.")
    print(f"Edítelo en Excel y conviértalo en carpeta con: pom importar {target} -o data/<carpeta nueva>")
    return 0


def _documents_text(package) -> str:
    from pom_lib.core import spanish

    notes = sum(path.startswith("comentarios/") for path in package.documents)
    parts = (["README.md"] if "README.md" in package.documents else []) + (
        [f"{notes} archivo{'s' if notes != 1 else ''} de comentarios"] if notes else []
    )
    return spanish.join(parts) if parts else "ningún documento (la carpeta no tiene README.md ni comentarios/)"


def cmd_importar(args) -> int:
    from pom_lib.core import formatting as fmt
    from pom_lib.export.plan_package import write_folder
    from pom_lib.export.plan_workbook import read_package

    target = Path(args.salida)
    with _headed("No se importó el libro (no se escribió nada)"):
        paths.check_output(target, belongs_in=paths.PLANS)
        package = read_package(args.libro)
        write_folder(package, target)
    print(
        f"Plan importado en {target}: {len(package.tables)} tablas ({fmt.integer(package.rows)} filas), "
        f"datapackage.json y {_documents_text(package)}."
    )
    if not package.documents:
        print(
            "  El libro no trae README.md ni comentarios del equipo: si el plan los tenía, cópielos de su "
            "carpeta original."
        )
    print(f"Revíselo con: pom validar {target}")
    return 0


def cmd_nuevo_plan(args) -> int:
    if args.institucion is not None:
        return _blank_plan(args)
    if args.siglas is not None:
        raise PlanError(
            [Problem("--siglas", "las siglas son de un plan nuevo: úselas junto con --institucion")],
            "No se creó el plan nuevo (no se escribió nada)",
        )
    return _rolled_plan(args)


def _new_plan_target(args) -> tuple[Path, bool, str]:
    """Where the new plan goes, whether as a workbook, and its package name (from the file or folder name)."""
    target = Path(args.salida)
    as_workbook = target.suffix.lower() == ".xlsx"
    paths.check_output(target, belongs_in=None if as_workbook else paths.PLANS)
    name = re.sub(r"[^a-z0-9._-]+", "-", (target.stem if as_workbook else target.name).lower())
    return target, as_workbook, name


def _rolled_plan(args) -> int:
    from pom_lib.export.plan_package import write_folder
    from pom_lib.export.plan_workbook import read_package, write_workbook
    from pom_lib.export.rollforward import parse_period, roll_forward

    with _headed("No se creó el plan nuevo (no se escribió nada)"):
        first, last = parse_period(args.periodo)
        target, as_workbook, name = _new_plan_target(args)
        package = read_package(args.ruta)
        result = roll_forward(package, first, last, name)
        (write_workbook if as_workbook else write_folder)(result.package, target)
    print(f"Plan {first}-{last} creado en {target}, con los identificadores del plan anterior.")
    print("Falta llenar (vacío hasta que lo escriba):")
    for line in result.to_fill:
        print(f"  - {line}")
    if result.to_review:
        print("Por revisar:")
        for line in result.to_review:
            print(f"  - {line}")
    print(f"Luego ejecute «pom validar {target}»: nombra cada celda que falta, con su archivo, fila y columna.")
    return 0


def _blank_plan(args) -> int:
    from pom_lib.data.validation import load_tables
    from pom_lib.export.blank_plan import blank_plan, parse_acronym, parse_institution, to_fill
    from pom_lib.export.plan_package import write_folder
    from pom_lib.export.plan_workbook import write_workbook
    from pom_lib.export.rollforward import parse_period

    with _headed("No se creó el plan nuevo (no se escribió nada)"):
        institution = parse_institution(args.institucion)
        if args.siglas is None:
            raise PlanError([Problem("--siglas", "faltan las siglas de la institución (p. ej. --siglas INE)")])
        acronym = parse_acronym(args.siglas)
        first, last = parse_period(args.periodo)
        target, as_workbook, name = _new_plan_target(args)
        package = blank_plan(institution, acronym, first, last, name)
        (write_workbook if as_workbook else write_folder)(package, target)
    print(f"Plan {first}-{last} de {institution} ({acronym}) creado en {target}: las tablas del plan, vacías.")
    try:
        load_tables(target)
        missing = {}
    except PlanError as error:
        missing = to_fill(error.problems)
    print("Falta llenar, según «pom validar»:")
    for place, lines in missing.items():
        print(f"  {place}:")
        for line in lines:
            print(f"    - {line}")
    print(
        f"Escriba también en {'la hoja «documentos»' if as_workbook else 'README.md'} el documento fuente y las "
        "lecturas de sus pasajes ambiguos."
    )
    print(
        f"Luego ejecute «pom validar {target}»: cuando esas tablas tengan filas, comprueba también las reglas que "
        "las cruzan (metas de cada año, sumas de la matriz, fichas e indicador)."
    )
    return 0


def add_plan_file_commands(commands) -> None:
    exportar = commands.add_parser("exportar", help="escribe el plan completo en un libro de Excel para editarlo")
    exportar.add_argument("ruta", help="carpeta del plan (o libro .xlsx)")
    exportar.add_argument("-o", "--salida", required=True, help="libro de Excel que se crea (no debe existir)")
    exportar.set_defaults(run=cmd_exportar)

    importar = commands.add_parser("importar", help="valida un libro de Excel del plan y escribe su carpeta de datos")
    importar.add_argument("libro", help="libro .xlsx con una hoja por tabla (como el que escribe pom exportar)")
    importar.add_argument("-o", "--salida", required=True, help="carpeta del plan que se crea (no debe existir)")
    importar.set_defaults(run=cmd_importar)

    nuevo = commands.add_parser(
        "nuevo-plan",
        help="prepara el plan del período siguiente a partir de uno vigente, o el primero de una institución",
    )
    origin = nuevo.add_mutually_exclusive_group(required=True)
    origin.add_argument("ruta", nargs="?", help="carpeta del plan vigente (o libro .xlsx)")
    origin.add_argument(
        "--institucion", help="nombre de una institución sin plan anterior: crea su plan vacío, para llenarlo"
    )
    nuevo.add_argument("--siglas", help="siglas de la institución (2 a 12 letras o números), con --institucion")
    nuevo.add_argument("--periodo", required=True, help="período del plan nuevo, p. ej. 2026-2030")
    nuevo.add_argument(
        "-o", "--salida", required=True, help="carpeta nueva (p. ej. data/pom-2026-2030) o libro .xlsx que se crea"
    )
    nuevo.set_defaults(run=cmd_nuevo_plan)


def build_parser() -> SpanishParser:
    parser = SpanishParser(
        prog="pom",
        description="Libro POM: valida el plan y su ejecución, exporta su matriz, "
        "construye, archiva y publica las ediciones del libro.",
    )
    commands = parser.add_subparsers(dest="comando", required=True, metavar="COMANDO", parser_class=SpanishParser)

    validar = commands.add_parser(
        "validar",
        help="valida una carpeta de plan (o un libro .xlsx) y concilia sus cifras; "
        "con --plan, valida un archivo de ejecución",
    )
    validar.add_argument(
        "ruta",
        help="carpeta del plan (con datapackage.json) o libro .xlsx; con --plan, el archivo "
        "de ejecución (.csv o .xlsx con la hoja «ejecucion»)",
    )
    validar.add_argument("--plan", help="carpeta del plan contra el que se valida el archivo de ejecución")
    validar.add_argument(
        "--estricto",
        action="store_true",
        help="termina con código 1 si una comprobación de conciliación no cuadra y el plan no la reconoce como "
        "del documento, o si un reconocimiento ya no corresponde a los datos (para la integración continua)",
    )
    validar.set_defaults(run=cmd_validar)

    comentarios = commands.add_parser(
        "comentarios",
        help="lista los comentarios del equipo cuyas cifras cambiaron; con --confirmar, los da por revisados",
    )
    comentarios.add_argument("ruta", help="carpeta del plan")
    comentarios.add_argument(
        "--confirmar",
        action="store_true",
        help="registra las cifras actuales en los comentarios por revisar, una vez releídos",
    )
    comentarios.set_defaults(run=cmd_comentarios)

    matriz = commands.add_parser("matriz", help="exporta la matriz de planificación como tabla ordenada")
    matriz.add_argument("ruta", help="carpeta del plan o libro .xlsx")
    matriz.add_argument("--formato", choices=["csv", "xlsx"], default="csv", help="formato de salida (csv por omisión)")
    matriz.add_argument("-o", "--salida", help="archivo de salida (si se omite, se escribe en la salida estándar)")
    matriz.set_defaults(run=cmd_matriz)

    plantilla = commands.add_parser("plantilla", help="crea el libro de Excel para registrar la ejecución de un año")
    plantilla.add_argument("ruta", help="carpeta del plan o libro .xlsx")
    plantilla.add_argument("--anio", type=int, required=True, help="año de la ejecución (dentro del período del plan)")
    plantilla.add_argument("-o", "--salida", help="libro de salida (por omisión, ejecucion_AÑO.xlsx)")
    plantilla.set_defaults(run=cmd_plantilla)

    edicion = commands.add_parser("edicion", help="ejecuta los capítulos y construye el libro HTML y PDF")
    # Without them, the current edition's (ediciones.yml of the project or of --institucion): `_edition_choice`.
    edicion.add_argument("--plan", help="carpeta del plan (por omisión, la de la edición vigente)")
    edicion.add_argument("--edicion", type=int, help="año de la edición (por omisión, el de la edición vigente)")
    edicion.add_argument(
        "--ejecucion",
        default="",
        help="archivo de ejecución (.csv o .xlsx) hasta el año anterior "
        "a la edición; por omisión, data/ejecucion/ejecucion_AÑO.xlsx "
        "(o .csv) si existe",
    )
    edicion.add_argument(
        "--plan-anterior",
        default="",
        help="carpeta del plan de la edición anterior, para comparar ediciones y medir la ejecución de sus años",
    )
    for option, default, meaning in (
        ("--umbral-verde", defaults.GREEN, "«En meta» desde este porcentaje de la meta"),
        ("--umbral-amarillo", defaults.YELLOW, "«En riesgo» desde este porcentaje; «Rezagado» debajo"),
        ("--umbral-sobreejecucion", defaults.OVER, "«Sobreejecutado» por encima de este porcentaje"),
    ):
        edicion.add_argument(
            option, type=float, default=default, help=f"semáforo de seguimiento: {meaning} (por omisión, {default:g})"
        )
    _institution_option(
        edicion,
        "la institución cuyo plan se publica; --plan, --ejecucion y --plan-anterior son "
        "entonces rutas dentro de instituciones/SIGLAS/",
    )
    edicion.set_defaults(run=cmd_edicion)

    archivar = commands.add_parser(
        "archivar", help="congela la edición vigente (book/) en ediciones/AÑO/ antes de preparar la siguiente"
    )
    archivar.add_argument("--edicion", type=int, required=True, help="año de la edición que contiene book/")
    _institution_option(archivar, "la institución cuya edición vigente se archiva")
    archivar.set_defaults(run=cmd_archivar)

    add_plan_file_commands(commands)

    sitio = commands.add_parser(
        "sitio", help="publica todas las ediciones de ediciones.yml en un sitio con selector de edición"
    )
    sitio.add_argument("-o", "--salida", default="_site", help="carpeta del sitio (por omisión, _site)")
    _institution_option(sitio, "publica solo el sitio de esa institución (sin ella, todas: con más de una, el portal)")
    sitio.set_defaults(run=cmd_sitio)
    return parser


def _institution_option(command, meaning: str) -> None:
    command.add_argument(
        "--institucion",
        metavar="SIGLAS",
        default="",
        help=f"carpeta instituciones/SIGLAS/ de un repositorio de varias instituciones: {meaning}",
    )


# Exit codes of a command ended from outside, as the shell reports them (128 + signal number).
INTERRUPTED = 128 + signal.SIGINT
BROKEN_PIPE = 128 + signal.SIGPIPE
# What an operating-system error means for the analyst, by errno.
OS_ERRORS = {
    errno.ENOENT: "no existe ese archivo o su carpeta",
    errno.EACCES: "no tiene permiso para usarlo",
    errno.EPERM: "no tiene permiso para usarlo",
    errno.ENOSPC: "el disco está lleno",
    errno.EISDIR: "es una carpeta, no un archivo",
    errno.ENOTDIR: "una parte de la ruta no es una carpeta",
    errno.EROFS: "está en un disco de solo lectura",
    errno.EEXIST: "ya existe, y no se reemplaza",
}


def main(argv: list[str] | None = None) -> int:
    """Run one command; every ending is a Spanish line and an exit code, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        code = args.run(args)
        sys.stdout.flush()
        return code
    except PlanError as error:
        # Every refused input ends here: its problems, located and in Spanish, under their headline.
        return _print_problems(error)
    except BrokenPipeError:
        # The reader of our output (`| head`) has gone: nothing left to say, and nowhere to say it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except KeyboardInterrupt:
        print("\nInterrumpido con Ctrl-C: la orden no terminó.", file=sys.stderr)
        return INTERRUPTED
    except OSError as error:
        where = f" «{error.filename}»" if error.filename else ""
        print(f"No se pudo leer o escribir{where}: {OS_ERRORS.get(error.errno, error.strerror)}.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
