"""Next year's plan from this year's (`pom nuevo-plan`): the same plan moved to a new period.

What the new period decides is done; what only the new document can say is left empty for the
analyst, so the validator names every cell still to fill and nothing from the old plan is
published as if it were the new one's:

- plan.csv: the period, and the title when it names the old period; the place and date of
  publication are emptied.
- Goals (products, subproducts, yearly totals, indicators): the years that leave the period are
  dropped; each year that enters gets one row per product, subproduct and indicator (and a total)
  with its values empty. The years both periods share keep their goals. Identifiers are kept.
- Key figures (cifras_clave.csv) keep their role and move with the period (a figure of the old
  last year to the new last year, the others by the shift of the first year); their key and
  description follow the year and their value is emptied. The indicators' baseline moves the
  same way, its values emptied.
- Acknowledged discrepancies (discrepancias_reconocidas.csv) are not carried: each states the
  figures of the old document's own arithmetic, which the new document publishes anew (and the
  entering year's figures are empty), so none could hold; they are listed for review, and
  `pom validar` gives the line that acknowledges a check the new document fails in turn.
- The team's commentary is copied with every block marked for review (`revisar:`): the book
  holds it back until `pom comentarios --confirmar`. README.md is copied with a note on top.
- Text cells that mention the old period (quoted statements, document sections) are kept as
  they are, since only the new document can say how they read, and listed for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pom_lib.core import spanish
from pom_lib.core.errors import PlanError, Problem
from pom_lib.data import commentary
from pom_lib.data.contract import ACKNOWLEDGEMENTS, README
from pom_lib.export.plan_package import PlanPackage, field_names

PERIOD = re.compile(r"(\d{4})-(\d{4})")
# Yearly tables: the column that names the item of each row (None: one row per year).
YEARLY = {
    "metas_productos": "producto_id",
    "metas_subproductos": "subproducto_id",
    "fichas_metas": "ficha_id",
    "totales_anuales": None,
}
# Tables whose years move with the period, their values emptied.
KEY_FIGURES, BASELINE = "cifras_clave", "fichas"


@dataclass
class Rollover:
    """The new plan's package, what the analyst must fill in and what to reread."""

    package: PlanPackage
    to_fill: list[str] = field(default_factory=list)
    to_review: list[str] = field(default_factory=list)


def parse_period(text: str) -> tuple[int, int]:
    """«2026-2030» → (2026, 2030); raises PlanError saying what is wrong and the expected form."""
    found = PERIOD.fullmatch(text.strip())
    if not found:
        raise _not_a_period(text, "escriba el primer y el último año separados por un guion, como 2026-2030")
    first, last = int(found[1]), int(found[2])
    if first > last:
        raise _not_a_period(
            text,
            f"los años están al revés: el primero ({first}) es posterior al último ({last}); escriba {last}-{first}",
        )
    if not 2000 <= first <= last <= 2100:
        raise _not_a_period(text, "los años deben estar entre 2000 y 2100")
    return first, last


def _not_a_period(text: str, reason: str) -> PlanError:
    return PlanError([Problem("--periodo", f"«{text}» no es un período: {reason}")])


def roll_forward(package: PlanPackage, first: int, last: int, name: str) -> Rollover:
    """The plan of `package` moved to the period first-last, as package `name` (see the module's docstring)."""
    plan = dict(zip(field_names("plan"), package.tables["plan"][0]))
    old_first, old_last = int(plan["anio_inicio"]), int(plan["anio_fin"])
    old, new = f"{old_first}-{old_last}", f"{first}-{last}"
    result = Rollover(PlanPackage(dict(package.metadata), {k: [list(r) for r in v] for k, v in package.tables.items()}))
    tables = result.package.tables

    def move(year: int) -> int:
        return last if year == old_last else year + first - old_first

    _drop_acknowledgements(tables, result, old)
    _new_plan_row(tables, result, first, last, old, new)
    result.to_review += _mentions(tables, old)
    for table, key in YEARLY.items():
        tables[table] = _years(tables[table], field_names(table), key, first, last, result, table)
    _move_key_figures(tables, result, move, first, last)
    _move_baselines(tables, result, first - old_first)
    _metadata(result.package, package.metadata, old, new, name, result)
    _documents(result.package, package.documents, old, new, result)
    return result


def _drop_acknowledgements(tables: dict, result: Rollover, old: str) -> None:
    rows = tables.pop(ACKNOWLEDGEMENTS, [])
    if rows:
        names = field_names(ACKNOWLEDGEMENTS)
        rule, year, element = (names.index(c) for c in ("regla", "anio", "elemento"))
        listed = spanish.join(" ".join(filter(None, (r[rule], r[year], r[element]))) for r in rows)
        result.to_review.append(
            f"{ACKNOWLEDGEMENTS}.csv: el plan {old} reconocía {spanish.count(len(rows), 'discrepancia')} de su "
            f"documento ({listed}); no se copiaron, porque sus cifras son las del documento anterior: si el "
            "documento nuevo tampoco cuadra, «pom validar» da la línea que reconoce cada comprobación"
        )


def _new_plan_row(tables: dict, result: Rollover, first: int, last: int, old: str, new: str) -> None:
    names = field_names("plan")
    row = tables["plan"][0]
    row[names.index("anio_inicio")], row[names.index("anio_fin")] = str(first), str(last)
    title = names.index("titulo")
    if old in row[title]:
        row[title] = row[title].replace(old, new)
    else:
        result.to_review.append(
            f"plan.csv, columna «titulo»: el título no menciona el período {old}; "
            f"revise si debe cambiar («{row[title]}»)"
        )
    row[names.index("lugar_fecha")] = ""
    result.to_fill.append("plan.csv: lugar_fecha, el lugar y la fecha de publicación del plan nuevo")


def _years(
    rows: list[list[str]], names: list[str], key: str | None, first: int, last: int, result: Rollover, table: str
) -> list[list[str]]:
    """The rows of a yearly table over the new period: kept where both periods meet, empty where years enter."""
    year, item = names.index("anio"), names.index(key) if key else None
    by_item = {}
    for row in rows:
        by_item.setdefault(row[item] if key else "", {})[int(row[year])] = row
    added, out = 0, []
    for name, years in by_item.items():
        for y in range(first, last + 1):
            if y in years:
                out.append(years[y])
                continue
            empty = [""] * len(names)
            empty[year] = str(y)
            if key:
                empty[item] = name
            out.append(empty)
            added += 1
    if added:
        entered = sorted({int(r[year]) for r in out} - {int(r[year]) for r in rows})
        values = spanish.join(n for n in names if n not in ("anio", key, "ejecucion"))
        result.to_fill.append(
            f"{table}.csv: {values} de {spanish.join(map(str, entered))}, en "
            f"{spanish.count(added, 'fila nueva', 'filas nuevas')}"
        )
    return out


def _move_key_figures(tables: dict, result: Rollover, move, first: int, last: int) -> None:
    names = field_names(KEY_FIGURES)
    key, year, description, value = (names.index(c) for c in ("clave", "anio", "descripcion", "valor"))
    kept, moved = [], []
    for row in tables[KEY_FIGURES]:
        if not row[year]:
            kept.append(row)
            continue
        before, after = int(row[year]), move(int(row[year]))
        if not first <= after <= last:
            result.to_review.append(
                f"{KEY_FIGURES}.csv: la cifra «{row[key]}» ({before}) queda fuera del período "
                f"{first}-{last} y no se copió"
            )
            continue
        row[year], row[value] = str(after), ""
        row[key] = row[key].replace(str(before), str(after))
        row[description] = row[description].replace(str(before), str(after))
        kept.append(row)
        moved.append(f"«{row[key]}» ({before} → {after})")
    tables[KEY_FIGURES] = kept
    if moved:
        result.to_fill.append(
            f"{KEY_FIGURES}.csv: valor de las cifras que pasan a su año en el plan nuevo, con su "
            f"rol: {spanish.join(moved)}; revise también su descripción"
        )


def _move_baselines(tables: dict, result: Rollover, shift: int) -> None:
    """A baseline precedes the period: it moves by the shift of the first year."""
    names = field_names(BASELINE)
    year = names.index("anio_linea_base")
    moved = []
    for row in tables[BASELINE]:
        before = int(row[year])
        row[year] = str(before + shift)
        for column in ("linea_base_absoluta", "linea_base_relativa"):
            row[names.index(column)] = ""
        moved.append(f"{row[names.index('ficha_id')]} ({before} → {row[year]})")
    if moved:
        result.to_fill.append(
            f"{BASELINE}.csv: linea_base_absoluta y linea_base_relativa de la línea de base, "
            f"que se mueve con el período: {spanish.join(moved)}"
        )


def _mentions(tables: dict, period: str) -> list[str]:
    """Every text cell that mentions the old period, grouped by file and column."""
    found = {}
    for table, rows in tables.items():
        names = field_names(table)
        for number, row in enumerate(rows, start=2):
            for column, text in zip(names, row):
                if period in text:
                    found.setdefault((table, column), []).append(number)
    return [
        f"{table}.csv, columna «{column}», {spanish.plural(len(rows), 'fila')} {_ranges(rows)}: "
        f"menciona el período {period} (texto del plan anterior; cámbielo solo si el plan nuevo lo dice así)"
        for (table, column), rows in found.items()
    ]


def _ranges(numbers: list[int]) -> str:
    """2, 3, 4, 6 → «2 a 4 y 6»."""
    runs = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    texts = []
    for a, b in runs:
        texts += [f"{a} a {b}"] if b > a + 1 else [str(n) for n in range(a, b + 1)]
    return spanish.join(texts)


def _metadata(package: PlanPackage, metadata: dict, old: str, new: str, name: str, result: Rollover) -> None:
    package.metadata = {**metadata, "name": name}
    if isinstance(metadata.get("title"), str):
        package.metadata["title"] = metadata["title"].replace(old, new)
    for key in ("description", "sources"):
        if key in metadata:
            result.to_review.append(f"datapackage.json: «{key}» describe todavía el plan {old}")


def _documents(package: PlanPackage, documents: dict[str, str], old: str, new: str, result: Rollover) -> None:
    reason = f"copiado del plan {old} con pom nuevo-plan: relea el texto y confírmelo"
    blocks = 0
    for path, text in documents.items():
        if path == README:
            package.documents[path] = (
                f"> **Por revisar.** Este README se copió del plan {old} con "
                f"`pom nuevo-plan`: actualícelo para el plan {new} y borre esta nota.\n\n" + text
            )
            result.to_review.append(f"{README}: se copió del plan {old}, con una nota al principio")
        else:
            marked = commentary.mark_for_review(text, path, reason)
            package.documents[path] = marked
            blocks += len(commentary.parse(marked, path, path))
    if blocks:
        result.to_review.append(
            f"{commentary.FOLDER}/: {spanish.count(blocks, 'comentario')} del equipo "
            "marcados «revisar»; el libro no los publica hasta que los relea y confirme con "
            "pom comentarios CARPETA --confirmar"
        )
