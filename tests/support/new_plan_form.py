"""An analyst filling the Excel form of a new plan (`pom nuevo-plan --institucion … -o plan.xlsx`).

`fill_form(path)` writes a small FICTIONAL plan into the form's cells with openpyxl, as an analyst
would in Excel: the plan sheet's empty cells, rows below each sheet's header, the README in the
documents sheet. Nothing else of the workbook is touched. The institution does not exist; its figures
are made up so that every reconciliation of `pom validar --estricto` holds, computed by hand:

- Matrix (2027-2031): SUB01 + SUB02 (persons) add up PRD01; SUB03 (documents) is PRD02's physical goal,
  and SUB03 + SUB04 (events) its financial goal; each year's total adds PRD01 and PRD02:
  Q3,750,000 / Q4,050,000 / Q4,350,000 / Q4,650,000 / Q4,950,000, Q21,750,000 in the period.
- Target population 10,000 + 6,000 + 4,000 = 20,000 persons; the indicator adds SUB01 + SUB02:
  1,500 (7.5 %) in 2027 … 2,100 (10.5 %) in 2031, baseline 2026 1,400 (7 %); women in 2031:
  52 % of 2,100 = 1,092.
"""

from pathlib import Path

import openpyxl

INSTITUTION = "Instituto Nacional de Ejemplo"
ACRONYM = "INE"
FIRST, LAST = 2027, 2031
PERIOD = f"{FIRST}-{LAST}"
YEARS = range(FIRST, LAST + 1)
TOTALS = (3_750_000, 4_050_000, 4_350_000, 4_650_000, 4_950_000)

# Per subproduct: product, name, unit, and its yearly physical and financial goals.
SUBPRODUCTS = {
    "SUB01": (
        "PRD01",
        "Personas atendidas en ventanilla",
        "Persona",
        (1000, 1100, 1200, 1300, 1400),
        (2_000_000, 2_200_000, 2_400_000, 2_600_000, 2_800_000),
    ),
    "SUB02": (
        "PRD01",
        "Personas atendidas en línea",
        "Persona",
        (500, 550, 600, 650, 700),
        (1_000_000, 1_100_000, 1_200_000, 1_300_000, 1_400_000),
    ),
    "SUB03": ("PRD02", "Informes de gestión publicados", "Documento", (4,) * 5, (500_000,) * 5),
    "SUB04": ("PRD02", "Talleres de rendición de cuentas", "Evento", (10,) * 5, (250_000,) * 5),
}
PRODUCTS = {
    "PRD01": (
        "atencion_ciudadana",
        "Personas atendidas por el instituto",
        "Persona",
        (1500, 1650, 1800, 1950, 2100),
        (3_000_000, 3_300_000, 3_600_000, 3_900_000, 4_200_000),
    ),
    "PRD02": ("gestion_institucional", "Informes de gestión institucional", "Documento", (4,) * 5, (750_000,) * 5),
}
FICHE = "ATENCION_CIUDADANA"
POPULATION = 20_000

README = f"""# Datos del Plan Operativo Multianual {PERIOD} ({ACRONYM}) — FICTICIO

El *{INSTITUTION}* **no existe**: este plan es inventado, para probar un plan empezado desde cero.

## Documento fuente

Ninguno: las cifras se inventaron para que cada suma del plan cuadre.

## Lecturas de pasajes ambiguos

Ninguna: el documento ficticio no tiene pasajes ambiguos.
"""


def _rows() -> dict[str, list[list]]:
    """The rows the analyst types below each sheet's header, cells as Excel holds them."""
    matrix = {"productos": [], "subproductos": [], "metas_productos": [], "metas_subproductos": []}
    for order, (product, (program, name, unit, physical, money)) in enumerate(PRODUCTS.items(), start=1):
        matrix["productos"].append([product, program, order, name, unit, None])
        matrix["metas_productos"] += [[product, y, p, m] for y, p, m in zip(YEARS, physical, money)]
    for order, (sub, (product, name, unit, physical, money)) in enumerate(SUBPRODUCTS.items(), start=1):
        matrix["subproductos"].append([sub, product, order, name, unit, None])
        matrix["metas_subproductos"] += [[sub, y, p, m] for y, p, m in zip(YEARS, physical, money)]
    indicator = PRODUCTS["PRD01"][3]
    return {
        "programas": [
            ["atencion_ciudadana", 1, "Atención Ciudadana", "true", "2. Programas", None],
            ["gestion_institucional", 2, "Gestión Institucional", "true", "2. Programas", None],
        ],
        **matrix,
        "totales_anuales": [[y, total] for y, total in zip(YEARS, TOTALS)],
        "fichas": [
            [
                FICHE,
                "producto",
                "Porcentaje de la población objetivo atendida",
                "(Personas atendidas en ventanilla + Personas atendidas en línea) / Población objetivo × 100",
                "Persona",
                2026,
                1400,
                7,
                "4. Ficha del indicador",
            ]
        ],
        "fichas_elementos": [[FICHE, 1, "PRD01", None]],
        "fichas_formula": [[FICHE, 1, "SUB01"], [FICHE, 2, "SUB02"]],
        "fichas_metas": [[FICHE, y, a, 100 * a / POPULATION, None] for y, a in zip(YEARS, indicator)],
        "poblacion_objetivo": [
            ["guatemala", 1, "Guatemala", "lugar", 10_000, "Registro ficticio", None],
            ["quetzaltenango", 2, "Quetzaltenango", "lugar", 6_000, "Registro ficticio", None],
            ["otros", 3, "Otros departamentos", "resto", 4_000, None, None],
        ],
        "cifras_clave": [
            ["poblacion_total", "poblacion_objetivo", None, "Población objetivo", POPULATION, "personas", "3. Alcance"],
            ["atendidos_2031", "poblacion_elegible", 2031, "Población a atender en 2031", 2100, "personas", "3."],
            ["cobertura_2031", "cobertura_meta", 2031, "Cobertura en 2031", 10.5, "porcentaje", "4. Ficha"],
            ["mujeres_pct_2031", "porcentaje_mujeres", 2031, "Proporción de mujeres en 2031", 52, "porcentaje", "3."],
            ["mujeres_2031", "mujeres", 2031, "Mujeres a atender en 2031", 1092, "personas", "3. Alcance"],
        ],
        "marco_estrategico": [
            ["mandato", 1, "Mandato (ley ficticia)", "atender a la población con servicios de calidad", "Presentación"],
            ["objetivo_estrategico", 1, "Objetivo Estratégico", "Mejorar la atención ciudadana.", "1. Marco"],
            ["objetivo_institucional", 1, "Objetivo Institucional", "Atender a más personas.", "1. Marco"],
            ["objetivo_operativo", 1, "Objetivo Operativo 1", "Ampliar la atención en ventanilla y en línea.", "1."],
            ["objetivo_operativo", 2, "Objetivo Operativo 2", "Rendir cuentas de la gestión.", "1. Marco"],
            ["resultado_institucional", 1, "Resultado", "Para 2031 se atiende al 10.5 % de la población.", "4."],
            ["nivel_resultado", 1, "Nivel del resultado", "Intermedio", "4. Matriz"],
        ],
        "objetivos_programas": [
            [1, "atencion_ciudadana", "documento", None, None, None],
            [2, "gestion_institucional", "documento", None, None, None],
        ],
        "acciones": [
            ["atencion_01", "atencion_ciudadana", "Acciones del programa", 1, "Abrir ventanillas nuevas.", "2."],
            ["gestion_01", "gestion_institucional", "Acciones del programa", 1, "Publicar informes.", "2."],
        ],
    }


def fill_form(path: Path) -> None:
    """Fill the new plan's form at `path` in place (see the module's docstring)."""
    workbook = openpyxl.load_workbook(path)
    plan = workbook["plan"]
    header = [cell.value for cell in plan[1]]
    plan.cell(2, header.index("lugar_fecha") + 1, "Ciudad de Guatemala, enero de 2027 (ficticio)")
    plan.cell(2, header.index("unidad_planificacion") + 1, "Dirección de Planificación")
    for name, rows in _rows().items():
        sheet = workbook[name]
        for row in rows:
            sheet.append(row)
    documents = workbook["documentos"]
    readme = next(row for row in documents.iter_rows(min_row=2) if row[0].value == "README.md")
    readme[2].value = README
    workbook.save(path)
