"""Chapter «Anexos»: glossary, methodology, downloads and how to cite, with the plan's own figures as examples."""

from __future__ import annotations

from pathlib import Path

from pom_lib.chapters.base import Chapter
from pom_lib.compute import reconciliation
from pom_lib.compute.findings import Finding
from pom_lib.compute.reconciliation import indicator_values
from pom_lib.core import formatting as fmt
from pom_lib.core import spanish
from pom_lib.core.escaping import markdown as md
from pom_lib.data import contract
from pom_lib.data.plan import Plan
from pom_lib.export.matrix import tidy_matrix
from pom_lib.present import citable
from pom_lib.present.display import Table

# The page that shows the citable figures: the executive summary, the book's first page.
SUMMARY = "resumen"

NOTED_TABLES = ("programas", "productos", "subproductos")


class Annexes(Chapter):
    name = "anexos"
    places = ("glosario", "metodologia", "descargas")

    def __init__(self, plan: Plan, edition: int | None = None, findings: list[Finding] | None = None):
        super().__init__(plan)
        self.edition = edition
        # The edition's findings (chapters.resumen.edition_findings), for the citable figures; the plan's own when None.
        self.findings = findings

    def compute_values(self) -> dict[str, str]:
        plan = self.plan
        report = reconciliation.reconcile(plan)
        first_total = plan["totales_anuales"].sort_values("anio")["meta_financiera"].iloc[0]
        units = plan["unidades"]["unidad_medida"].tolist()
        values = {
            "institucion": md(plan.info["institucion"]),
            "titulo": md(plan.info["titulo"]),
            "lugar_fecha": md(plan.info["lugar_fecha"]),
            "n_tablas": fmt.integer(len(plan.tables)),
            "n_reglas": fmt.integer(len(reconciliation.summary(report))),
            "n_comprobaciones": fmt.integer(len(report)),
            "frase_cumplen": self._checks_phrase(report),
            "n_notas": fmt.integer(self._notes()),
            "frase_notas": self._notes_sentence(),
            "n_filas_matriz": fmt.integer(len(tidy_matrix(plan))),
            "unidades": spanish.quoted(md(unit) for unit in units),
            "frase_unidades": (
                f"Este plan usa una sola: «{md(units[0])}»."
                if len(units) == 1
                else f"Las que usa este plan son {spanish.quoted(md(unit) for unit in units)}."
            ),
            "frase_programas": self._programs_sentence(),
            "frase_paquete": "todas las tablas del plan en CSV, su esquema (`datapackage.json`)"
            + (" y el `README.md` que documenta los datos" if self._has_readme() else ""),
            "ejemplo_monto": fmt.quetzales(first_total),
            "ejemplo_millones": fmt.millions_of_quetzales(first_total),
            "ejemplo_entero": fmt.integer(plan.target_population),
            "ejemplo_porcentaje": fmt.percent(self._example_percent()),
        }
        return values

    def _example_percent(self) -> float:
        """The plan's coverage goal if it states one, else the main fiche's last relative goal."""
        goal = self.plan.key_figure(contract.ROLE_COVERAGE_GOAL)
        if goal is not None:
            return goal
        values = indicator_values(self.plan)
        values = values[(values["ficha_id"] == self.plan.main_fiche) & ~values["es_linea_base"]]
        return float(values.sort_values("anio")["relativo_publicado"].iloc[-1])

    @staticmethod
    def _checks_phrase(report) -> str:
        held, failed = int(report["cumple"].sum()), int((~report["cumple"]).sum())
        if failed == 0:
            return "todas cumplen" if held != 1 else "la única cumple"
        if held == 0:
            return "ninguna cumple"
        return (
            f"{fmt.integer(held)} {'cumple' if held == 1 else 'cumplen'} y {fmt.integer(failed)} "
            f"{'no cumple' if failed == 1 else 'no cumplen'}"
        )

    def _notes(self) -> int:
        return sum(
            int(self.plan[table]["nota"].fillna("").astype(str).str.strip().ne("").sum()) for table in NOTED_TABLES
        )

    def _notes_sentence(self) -> str:
        notes = self._notes()
        if notes == 0:
            return "En los datos de este plan, ninguna fila lleva nota de lectura."
        return (
            f"Cada una queda anotada en la fila afectada ({spanish.count(notes, 'nota')} en programas, productos "
            "y subproductos)."
        )

    def _programs_sentence(self) -> str:
        unnamed = int((~self.plan.programs["nombrado_en_documento"].astype(bool)).sum())
        if unnamed == 0:
            return ""
        if unnamed == 1:
            return (
                "El programa que el documento no nombra es una agrupación del equipo del libro, y se señala como tal."
            )
        return (
            "Los programas que el documento no nombra son agrupaciones del equipo del libro, y se señalan como tales."
        )

    def _has_readme(self) -> bool:
        return self.plan.source.is_dir() and (self.plan.source / "README.md").is_file()

    def write_downloads(self, folder: str | Path) -> dict[str, Path]:
        """The matrix, the data package and the citable figures (cifras.json and cifras.csv, whose addresses
        point into the executive summary) as files next to the chapter, where its download links point."""
        from pom_lib.export import downloads  # openpyxl: only for a chapter that writes its files

        paths = downloads.write_downloads(self.plan, folder)
        rows = citable.citable_figures(self.plan, f"{SUMMARY}.html", self.findings)
        for name, data in ((citable.JSON_FILE, citable.json_bytes(rows)), (citable.CSV_FILE, citable.csv_bytes(rows))):
            path = Path(folder) / name
            if not path.is_file() or path.read_bytes() != data:  # unchanged files keep their date
                path.write_bytes(data)
            paths[name] = path
        return paths

    def dictionary_table(self) -> Table:
        from pom_lib.export import downloads

        return Table(
            downloads.matrix_dictionary(),
            caption="Columnas de la matriz de planificación descargable",
            source="Elaboración propia a partir de " + self.plan.citation("matriz de planificación"),
            name="tabla-diccionario-matriz",
        )

    def citation_markdown(self) -> str:
        """How to cite the plan document; every text from the data is escaped. The book's own citation
        is the edition's (pom_lib.render.imprint), which the template prints as on the cover."""
        title, institution = md(self.plan.info["titulo"]), md(self.plan.info["institucion"])
        return (
            f"Para citar el documento analizado:\n\n> {institution}. *{title}*. {md(self.plan.info['lugar_fecha'])}.\n"
        )

    def edition_markdown(self) -> str:
        """Which edition this is and which document it reads (the edition year is a parameter, not plan data)."""
        edition = f"la edición {self.edition}" if self.edition is not None else "una edición"
        return f"Esta es {edition} del libro, construida a partir del documento *{md(self.plan.info['titulo'])}*."

    def show_citation(self) -> None:
        from IPython.display import Markdown, display

        display(Markdown(self.citation_markdown()))

    def show_edition(self) -> None:
        from IPython.display import Markdown, display

        display(Markdown(self.edition_markdown()))
