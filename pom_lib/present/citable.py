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


def _finding_rows(finding: Finding, url: str) -> list[dict]:
    figures, key = finding.figures, finding.key
    if key == "dinero_sin_indicador":
        return [
            _row(
                key,
                round(figures["participacion"], 2),
                "%",
                "",
                "Parte de las metas financieras del período que no mide ningún indicador del plan",
                fmt.percent(figures["participacion"]),
                url,
            ),
            _row(
                f"{key}_monto",
                round(figures["monto"], 2),
                "quetzales",
                "",
                "Metas financieras del período que no mide ningún indicador del plan",
                fmt.millions_of_quetzales(figures["monto"]),
                url,
            ),
        ]
    if key == "poblacion_fuera_de_la_meta":
        return [
            _row(
                key,
                round(figures["fuera"]),
                "personas",
                str(figures["anio"]),
                "Personas de la población objetivo que quedan fuera de la meta de cobertura del último año",
                fmt.integer(figures["fuera"]),
                url,
            )
        ]
    if key == "costo_crece_mas_que_metas":
        return [
            _row(
                key,
                round(figures["financiera_pct"], 2),
                "%",
                f"{figures['anio_inicio']}-{figures['anio_fin']}",
                f"Variación de la meta financiera de {figures['producto_id']}, cuya meta física crece "
                f"{fmt.signed_percent(figures['fisica_pct'])}",
                fmt.signed_percent(figures["financiera_pct"]),
                url,
            )
        ]
    if key == "reasignacion_de_ida_y_vuelta":
        return [
            _row(
                key,
                round(figures["adicional"], 2),
                "quetzales",
                f"{figures['anio_entrada']}-{figures['anio_salida'] - 1}",
                f"Metas financieras que entran a {figures['subproducto_id']} y vuelven a salir en "
                f"{figures['anio_salida']}",
                fmt.millions_of_quetzales(figures["adicional"]),
                url,
            )
        ]
    if key == "dinero_sin_meta_fisica":
        return [
            _row(
                key,
                round(figures["monto"], 2),
                "quetzales",
                "",
                "Metas financieras de productos en años sin meta física",
                fmt.millions_of_quetzales(figures["monto"]),
                url,
            )
        ]
    if key == "compromisos_sin_meta":
        count = figures["enunciados"]
        return [
            _row(
                key,
                count,
                "enunciados",
                "",
                "Enunciados de ampliación de la red que los datos del plan no vinculan con una meta",
                spanish.count_in_words(count, "enunciado"),
                url,
            )
        ]
    if key == "productos_rezagados":
        return [
            _row(
                key,
                figures["rezagados"],
                "productos",
                str(figures["anio"]),
                "Productos con ejecución física «Rezagado» en el semáforo",
                fmt.integer(figures["rezagados"]),
                url,
            )
        ]
    if key == "brecha_proyectada":
        return [
            _row(
                key,
                round(figures["faltante"]),
                figures["unidad"],
                str(figures["anio"]),
                "Lo que faltaría para la meta final del indicador principal al ritmo de ejecución observado",
                f"{fmt.integer(figures['faltante'])} {figures['unidad']}",
                url,
            )
        ]
    raise KeyError(key)


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
