"""The edition's citable figures: every key figure and main point, with a stable key and the address of
the place on the page where it is shown, published as cifras.json and cifras.csv.

A key names a role (the period's financial goals, the money no indicator measures…), so the same
role keeps its key from one edition to the next; `texto` is the figure exactly as the page shows
it, and `url` the page and anchor where a reader finds it. Numbers are rounded to what they mean:
quetzales to centavos, people and counts to units, percentages to two decimals.
"""

from __future__ import annotations

import csv
import io
import json

from pom_lib.compute.findings import Finding, findings
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.data.plan import Plan
from pom_lib.export.spreadsheet_safety import defused, excel_csv
from pom_lib.present.display import anchor
from pom_lib.present.executive_summary import key_figures

JSON_FILE = "cifras.json"
CSV_FILE = "cifras.csv"
COLUMNS = ["clave", "valor", "unidad", "anio", "descripcion", "texto", "url"]


def _row(key: str, value, unit: str, year: str, description: str, text: str, url: str) -> dict:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 5870000000, not 5870000000.0
    return dict(zip(COLUMNS, (key, value, unit, year, description, text, url)))


def _figures_of(finding: Finding) -> list[tuple]:
    """(key suffix, value, unit, year, description, text as shown) of each citable figure of a finding."""
    f = finding.figures
    if finding.key == "dinero_sin_indicador":
        measured_by_none = "de las metas financieras del período que no mide ningún indicador del plan"
        return [
            ("", round(f["participacion"], 2), "%", "", f"Parte {measured_by_none}", fmt.percent(f["participacion"])),
            (
                "_monto",
                round(f["monto"], 2),
                "quetzales",
                "",
                "Metas financieras del período que no mide ningún indicador del plan",
                fmt.millions_of_quetzales(f["monto"]),
            ),
        ]
    if finding.key == "poblacion_fuera_de_la_meta":
        description = "Personas de la población objetivo que quedan fuera de la meta de cobertura del último año"
        return [("", round(f["fuera"]), "personas", str(f["anio"]), description, fmt.integer(f["fuera"]))]
    if finding.key == "costo_crece_mas_que_metas":
        description = (
            f"Variación de la meta financiera de {f['producto_id']}, cuya meta física crece "
            f"{fmt.signed_percent(f['fisica_pct'])}"
        )
        period = f"{f['anio_inicio']}-{f['anio_fin']}"
        return [("", round(f["financiera_pct"], 2), "%", period, description, fmt.signed_percent(f["financiera_pct"]))]
    if finding.key == "reasignacion_de_ida_y_vuelta":
        description = f"Metas financieras que entran a {f['subproducto_id']} y vuelven a salir en {f['anio_salida']}"
        period = f"{f['anio_entrada']}-{f['anio_salida'] - 1}"
        return [
            ("", round(f["adicional"], 2), "quetzales", period, description, fmt.millions_of_quetzales(f["adicional"]))
        ]
    if finding.key == "dinero_sin_meta_fisica":
        description = "Metas financieras de productos en años sin meta física"
        return [("", round(f["monto"], 2), "quetzales", "", description, fmt.millions_of_quetzales(f["monto"]))]
    if finding.key == "compromisos_sin_meta":
        description = "Enunciados de ampliación de la red que los datos del plan no vinculan con una meta"
        count = f["enunciados"]
        return [("", count, "enunciados", "", description, spanish.count_in_words(count, "enunciado"))]
    if finding.key == "productos_rezagados":
        description = "Productos con ejecución física «Rezagado» en el semáforo"
        return [("", f["rezagados"], "productos", str(f["anio"]), description, fmt.integer(f["rezagados"]))]
    if finding.key == "brecha_proyectada":
        description = "Lo que faltaría para la meta final del indicador principal al ritmo de ejecución observado"
        text = f"{fmt.integer(f['faltante'])} {f['unidad']}"
        return [("", round(f["faltante"]), f["unidad"], str(f["anio"]), description, text)]
    raise KeyError(finding.key)


def _finding_rows(finding: Finding, url: str) -> list[dict]:
    return [
        _row(finding.key + suffix, value, unit, year, description, text, url)
        for suffix, value, unit, year, description, text in _figures_of(finding)
    ]


def citable_figures(plan: Plan, page: str, found: list[Finding] | None = None) -> list[dict]:
    """The rows of cifras.json: the key figures (cards), the plan's structure and every finding (`found`,
    the plan's own findings when None). `page` is the address of the page that shows them (the executive
    summary's, e.g. «resumen.html»)."""
    rows = [
        _row(
            card.key, card.number, card.unit, card.period, card.label, card.value, f"{page}#{anchor('cifra', card.key)}"
        )
        for card in key_figures(plan)
        if card.number is not None
    ]
    structure = f"{page}#{anchor('cifra', 'estructura')}"
    for key, count in (
        ("programas", len(plan.programs)),
        ("productos", len(plan.products)),
        ("subproductos", len(plan.subproducts)),
    ):
        rows.append(_row(key, count, key, "", f"Número de {key} del plan", fmt.integer(count), structure))
    for finding in findings(plan) if found is None else found:
        rows += _finding_rows(finding, f"{page}#{anchor('punto', finding.key)}")
    return rows


def json_bytes(rows: list[dict]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def csv_bytes(rows: list[dict]) -> bytes:
    """The same rows for Excel: UTF-8 with its byte-order mark, numbers as numbers, no text run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([defused("" if row[c] is None else row[c]) for c in COLUMNS] for row in rows)
    return excel_csv(buffer.getvalue())
