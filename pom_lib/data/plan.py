"""The plan as typed tables, with its hierarchy program → product → subproduct."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import pandas as pd

from pom_lib.data import contract
from pom_lib.data.snapshot import read_snapshot

UNNAMED_SUBPRODUCT = "Subproducto sin nombre en el documento ({id})"
Result = TypeVar("Result")


def per_plan(function: Callable[..., Result]) -> Callable[..., Result]:
    """A figure computed from a plan once per plan, however many chapters ask for it.

    For functions of the plan (and hashable arguments) that only read it. A table is handed out
    as a copy, so a caller that changes it changes only its own.
    """

    @functools.wraps(function)
    def once(plan: Plan, *args, **kwargs) -> Result:
        # A frozen dataclass still has its __dict__, where cached_property keeps its values too.
        results = plan.__dict__.setdefault("_per_plan", {})
        key = (function.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in results:
            results[key] = function(plan, *args, **kwargs)
        result = results[key]
        return result.copy() if isinstance(result, pd.DataFrame | pd.Series) else result

    return once


@dataclass(frozen=True)
class Plan:
    """A validated plan: one DataFrame per table of its data package."""

    source: Path
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    @property
    def info(self) -> pd.Series:
        """The single row of plan.csv: institution, period, currency…"""
        return self.tables["plan"].iloc[0]

    @property
    def folder(self) -> Path:
        """The plan folder (the workbook's folder when the plan was read from a workbook)."""
        return self.source if self.source.is_dir() else self.source.parent

    @property
    def years(self) -> list[int]:
        return list(range(int(self.info["anio_inicio"]), int(self.info["anio_fin"]) + 1))

    @property
    def period(self) -> str:
        return f"{self.years[0]}-{self.years[-1]}"

    @cached_property
    def programs(self) -> pd.DataFrame:
        return self.tables["programas"].sort_values("orden").reset_index(drop=True)

    @cached_property
    def products(self) -> pd.DataFrame:
        """Products with their program's name."""
        names = self.programs.set_index("programa_id")["nombre"]
        products = self.tables["productos"].sort_values("orden").reset_index(drop=True)
        return products.assign(programa=products["programa_id"].map(names))

    @cached_property
    def subproducts(self) -> pd.DataFrame:
        """Subproducts with a display name (unnamed rows get a visible label) and their program."""
        subs = self.tables["subproductos"].sort_values("orden").reset_index(drop=True)
        label = subs["nombre"].fillna("").astype(str)
        unnamed = label.str.strip() == ""
        label[unnamed] = [UNNAMED_SUBPRODUCT.format(id=i) for i in subs.loc[unnamed, "subproducto_id"]]
        program = self.products.set_index("producto_id")["programa_id"]
        return subs.assign(etiqueta=label, programa_id=subs["producto_id"].map(program))

    def citation(self, section: str | None = None) -> str:
        """The plan document as a table's or figure's source, e.g. «…, sección 5.»"""
        citation = f"{self.info['institucion']}, {self.info['titulo']} ({self.info['lugar_fecha']})"
        return f"{citation}, {section}." if section else f"{citation}."

    @per_plan
    def key_figure(self, role: str, year: int | None = None) -> float | None:
        """A figure of cifras_clave.csv by its role (contract.ROLE_*) and year; None when the plan lacks it.

        Without a year, the latest year the plan gives for that role (the target population has none).
        """
        figures = self.tables["cifras_clave"]
        figures = figures[figures["rol"] == role]
        if year is not None:
            figures = figures[figures["anio"] == year]
        if figures.empty:
            return None
        return float(figures.sort_values("anio", na_position="first")["valor"].iloc[-1])

    def key_figure_year(self, role: str) -> int | None:
        """The latest year for which the plan gives a figure of this role."""
        years = self.tables["cifras_clave"].loc[lambda f: f["rol"] == role, "anio"].dropna()
        return int(years.max()) if len(years) else None

    @property
    def target_population(self) -> float:
        """The target population (required by the contract)."""
        return self.key_figure(contract.ROLE_TARGET_POPULATION)

    @property
    def main_fiche(self) -> str:
        """The id of the plan's main indicator: its first product-level fiche."""
        return contract.main_fiche(self.tables["fichas"])

    def statements(self, kind: str) -> pd.DataFrame:
        """Official statements of one kind (e.g. 'objetivo_operativo'), in order."""
        framework = self.tables["marco_estrategico"]
        return framework[framework["tipo"] == kind].sort_values("orden").reset_index(drop=True)

    def statement(self, kind: str) -> str:
        """The text of the first statement of one kind (e.g. 'objetivo_estrategico')."""
        return str(self.statements(kind)["texto"].iloc[0])

    @cached_property
    def goals(self) -> pd.DataFrame:
        """Every product and subproduct goal, one row per item and year (the whole matrix).

        Columns: nivel ('producto'/'subproducto'), programa_id, programa, producto_id, subproducto_id
        (NA on product rows), nombre, unidad_medida, anio, meta_fisica, meta_financiera, orden.
        """
        products = self.products.merge(self.tables["metas_productos"], on="producto_id")
        products = products.assign(nivel="producto", subproducto_id=pd.NA, orden_sub=0)
        subs = self.subproducts.merge(self.tables["metas_subproductos"], on="subproducto_id")
        subs = subs.drop(columns="nombre").rename(columns={"etiqueta": "nombre", "orden": "orden_sub"})
        order = self.products.set_index("producto_id")["orden"]
        subs = subs.assign(
            nivel="subproducto",
            orden=subs["producto_id"].map(order),
            programa=subs["programa_id"].map(self.programs.set_index("programa_id")["nombre"]),
        )
        columns = [
            "nivel",
            "programa_id",
            "programa",
            "producto_id",
            "subproducto_id",
            "nombre",
            "unidad_medida",
            "anio",
            "meta_fisica",
            "meta_financiera",
            "orden",
            "orden_sub",
        ]
        program_order = self.programs.set_index("programa_id")["orden"]
        both = pd.concat([products[columns], subs[columns]], ignore_index=True)
        both["subproducto_id"] = both["subproducto_id"].astype("string")
        both = both.assign(_prog=both["programa_id"].map(program_order))
        both = both.sort_values(["_prog", "orden", "orden_sub", "anio"]).drop(columns="_prog")
        return both.reset_index(drop=True)


def product_parts(plan: Plan) -> pd.DataFrame:
    """Which subproducts add up to each product: all of them for money, and for the physical
    goal only those measured in the product's unit (a product in persons does not count documents).

    Columns: producto_id, subproducto_id, misma_unidad.
    """
    subs = plan.subproducts
    product_unit = subs["producto_id"].map(plan.products.set_index("producto_id")["unidad_medida"])
    same_unit = (subs["unidad_medida"] == product_unit).fillna(False).astype(bool)
    return pd.DataFrame(
        {"producto_id": subs["producto_id"], "subproducto_id": subs["subproducto_id"], "misma_unidad": same_unit}
    )


def load_plan(source: str | Path) -> Plan:
    """Read and validate a plan folder (or workbook); raises PlanError listing every problem."""
    source = Path(source)
    tables = read_snapshot(source)  # already validated by `pom edicion` for its chapters
    if tables is None:
        from pom_lib.data.validation import load_tables  # frictionless: imported only when validating

        tables = load_tables(source)
    return Plan(source=source, tables=tables)
