"""Several institutions in one repository: the comparison of their plans, where each one's editions live,
and the portal that rebuilds only what changed.

The two plans compared are fictional fixtures of other institutions: ANASAR (2025-2029, five years) and
INBIL (2026-2028, three years). Every expected figure is worked out by hand from their CSV files.
"""

import json
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from pom_lib.compute import comparison
from pom_lib.core.errors import EditionError
from pom_lib.data.plan import load_plan
from pom_lib.present import portal as present
from pom_lib.publish import institutions, portal
from pom_lib.publish.registry import check_registry, read_registry
from tests.support.commands import pom
from tests.support.editions import tree_hash
from tests.support.paths import FIXTURES

ANASAR_PLAN = FIXTURES / "planes" / "otra-institucion-2025-2029"
INBIL_PLAN = FIXTURES / "planes" / "trienal-2026-2028"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def compared():
    return [
        comparison.Compared("ANASAR", 2025, load_plan(ANASAR_PLAN)),
        comparison.Compared("INBIL", 2026, load_plan(INBIL_PLAN)),
    ]


# --- The comparison's figures -------------------------------------------------------------------------


def test_yearly_goals_per_institution(compared):
    table = comparison.yearly_goals(compared)
    assert list(table.columns) == [2025, 2026, 2027, 2028, 2029]
    assert table.loc["ANASAR"].tolist() == [213_865_000, 225_466_000, 237_875_000, 251_152_000, 265_368_000]
    # INBIL's plan covers 2026-2028 only: the other years are missing, never zero.
    assert table.loc["INBIL", [2026, 2027, 2028]].tolist() == [45_670_000, 49_480_000, 53_390_000]
    assert table.loc["INBIL", [2025, 2029]].isna().all()


def test_money_measured_by_an_indicator(compared):
    shares = comparison.measured_shares(compared).set_index("siglas")
    # ANASAR: the indicator adds SUB01 and SUB02 (program agua_potable: PRD01 597,571,000 + PRD02 52,401,000).
    assert shares.loc["ANASAR", "meta_financiera_periodo"] == 1_193_726_000
    assert shares.loc["ANASAR", "medida_por_indicador"] == 649_972_000
    assert shares.loc["ANASAR", "participacion"] == pytest.approx(54.4490, abs=1e-4)
    # INBIL: SUB01 and SUB02 belong to bibliotecas (PRD01: 30,320,000 + 32,640,000 + 35,050,000).
    assert shares.loc["INBIL", "medida_por_indicador"] == 98_010_000
    assert shares.loc["INBIL", "meta_financiera_periodo"] == 148_540_000
    assert shares.loc["INBIL", "participacion"] == pytest.approx(65.9822, abs=1e-4)


def test_main_indicator_baseline_and_final_goal(compared):
    indicators = comparison.main_indicators(compared).set_index("siglas")
    anasar, inbil = indicators.loc["ANASAR"], indicators.loc["INBIL"]
    assert anasar["ficha_id"] == "IND_AGUA_PRODUCTO" and inbil["ficha_id"] == "LECTURA_PRODUCTO"
    assert (anasar["anio_linea_base"], anasar["linea_base_absoluta"], anasar["linea_base_relativa"]) == (
        2024,
        151_870,
        11.8,
    )
    assert (anasar["anio_meta"], anasar["meta_absoluta"], anasar["meta_relativa"]) == (2029, 208_349, 16.2)
    assert (inbil["anio_linea_base"], inbil["linea_base_absoluta"], inbil["linea_base_relativa"]) == (
        2025,
        205_300,
        12.0,
    )
    assert (inbil["anio_meta"], inbil["meta_absoluta"], inbil["meta_relativa"]) == (2028, 263_670, 15.4)


def test_growth_of_the_yearly_total(compared):
    growth = comparison.total_growths(compared).set_index("siglas")
    # ANASAR: 265,368,000 / 213,865,000 = 1.240820 in 4 years: 24.08 % in all, 5.54 % a year.
    assert growth.loc["ANASAR", "variacion_pct"] == pytest.approx(24.0820, abs=1e-4)
    assert growth.loc["ANASAR", "crecimiento_anual_pct"] == pytest.approx(5.5425, abs=1e-4)
    # INBIL: 53,390,000 / 45,670,000 = 1.169039 in 2 years: 16.90 % in all, 8.12 % a year.
    assert growth.loc["INBIL", "variacion_pct"] == pytest.approx(16.9039, abs=1e-4)
    assert growth.loc["INBIL", "crecimiento_anual_pct"] == pytest.approx(8.1221, abs=1e-4)
    assert (growth.loc["INBIL", "anio_inicial"], growth.loc["INBIL", "anio_final"]) == (2026, 2028)


def test_index_summary(compared):
    summary = comparison.institution_summary(compared[0])
    assert summary["institucion"] == "Autoridad Nacional del Agua y Saneamiento Rural"
    assert (summary["periodo"], summary["edicion"]) == ("2025-2029", 2025)
    assert summary["meta_financiera_periodo"] == 1_193_726_000
    assert (summary["anio_meta"], summary["meta_relativa"], summary["meta_absoluta"]) == (2029, 16.2, 208_349)


def test_sections_show_guatemalan_formats(compared):
    sections = {section.key: section for section in present.sections(compared)}
    assert list(sections) == ["metas-por-anio", "dinero-medido", "indicador-principal", "crecimiento-total"]
    goals = sections["metas-por-anio"].shown.set_index("Institución")
    assert goals.loc["ANASAR", "2025"] == "Q213,865,000" and goals.loc["INBIL", "2025"] == "—"
    shares = sections["dinero-medido"].shown.set_index("Institución")
    assert shares.loc["ANASAR", "Proporción"] == f"54.4{NBSP}%"
    assert shares.loc["INBIL", "Medidas por un indicador"] == "Q98,010,000"
    indicator = sections["indicador-principal"].shown.set_index("Institución")
    assert indicator.loc["ANASAR", "Línea de base"] == f"11.8{NBSP}% (151,870 Habitantes, 2024)"
    assert indicator.loc["INBIL", "Meta del último año"] == f"15.4{NBSP}% (263,670 Personas, 2028)"
    growth = sections["crecimiento-total"].shown.set_index("Institución")
    assert growth.loc["INBIL", "Crecimiento anual promedio"] == f"+8.1{NBSP}%"
    assert growth.loc["ANASAR", "Primer año"] == "Q213,865,000 (2025)"
    for section in sections.values():
        assert section.chart.alt.strip() and present.svg(section.chart).startswith(b"<?xml")


def test_downloads_are_excel_csv_without_live_formulas(compared):
    section = present.sections(compared)[1]
    text = present.csv_download(section.data).decode("utf-8")
    assert text.startswith("\ufeffsiglas,meta_financiera_periodo,medida_por_indicador,participacion\n")
    assert "ANASAR,1193726000,649972000,54.449\n" in text
    hostile = present.csv_download(pd.DataFrame({"indicador": ["=HIPERVINCULO(1)", "-2", "normal"]}))
    assert hostile.decode("utf-8").splitlines()[1:] == ["'=HIPERVINCULO(1)", "'-2", "normal"]


# --- The layout of several institutions -----------------------------------------------------------------

REGISTRY = """ediciones:
- anio: {year}
  plan: {plan}
  ejecucion: ''
  plan_anterior: ''
  fuente: book
"""


def _institution(home: Path, plan: Path, year: int) -> None:
    """An institution's folder with its plan, a one-edition registry and a stand-in for its executed book."""
    shutil.copytree(plan, home / "data" / plan.name)
    (home / "book").mkdir(parents=True)
    (home / "book" / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (home / "book" / "index.ipynb").write_text("{}", encoding="utf-8")
    (home / "ediciones.yml").write_text(REGISTRY.format(year=year, plan=f"data/{plan.name}"), encoding="utf-8")


@pytest.fixture
def repository(tmp_path):
    """The root keeps today's layout with INBIL's plan; ANASAR lives in instituciones/ANASAR/."""
    root = tmp_path / "proyecto"
    _institution(root, INBIL_PLAN, 2026)
    shutil.copy(Path(__file__).resolve().parent.parent / "_config.yml", root / "_config.yml")
    _institution(root / "instituciones" / "ANASAR", ANASAR_PLAN, 2025)
    return root


def test_institutions_are_the_root_and_each_folder(repository):
    found = institutions.institutions(repository)
    assert [(i.siglas, i.home) for i in found] == [
        ("ANASAR", repository / "instituciones" / "ANASAR"),
        ("INBIL", repository),
    ]


def test_a_single_institution_keeps_todays_site(repository, monkeypatch):
    calls = []
    monkeypatch.setattr(
        portal, "build_site", lambda root, output, home=None, report=None: calls.append((root, output, home))
    )
    # Today's layout: the root's site, as ever.
    shutil.move(repository / "instituciones", repository.parent / "aparte")
    portal.publish_site(repository, "_site", present.write_pages)
    # One institution under instituciones/ and none at the root: its site, as the site of one institution.
    shutil.move(repository.parent / "aparte", repository / "instituciones")
    (repository / "ediciones.yml").write_text("ediciones: []\n", encoding="utf-8")
    portal.publish_site(repository, "_site", present.write_pages)
    assert calls == [(repository, "_site", None), (repository, "_site", repository / "instituciones" / "ANASAR")]


def test_each_institution_has_its_own_registry_and_archive(repository):
    home = institutions.home(repository, "ANASAR")
    assert [e["anio"] for e in read_registry(home)] == [2025]
    assert [e["anio"] for e in read_registry(repository)] == [2026]
    # ANASAR's book holds its 2025 edition, unarchived: its 2026 edition is refused, INBIL's root is not asked.
    with pytest.raises(EditionError, match="book/ contiene la edición 2025"):
        check_registry(home, 2026)
    check_registry(repository, 2026)


def test_first_edition_of_a_new_institution_gets_its_registry(repository):
    (repository / "instituciones" / "INBIL2").mkdir()
    home = institutions.prepared_home(repository, "INBIL2")
    assert read_registry(home) == []
    # An institution without editions is not in the portal yet.
    assert [i.siglas for i in institutions.institutions(repository)] == ["ANASAR", "INBIL"]


@pytest.mark.parametrize(
    ("siglas", "message"),
    [
        (
            "NOEXISTE",
            "No existe la carpeta instituciones/NOEXISTE/ de la institución «NOEXISTE» (las instituciones "
            "del proyecto son ANASAR)",
        ),
        ("../data", "«../data» no es una sigla de institución"),
    ],
)
def test_unknown_institution_is_refused_in_spanish(repository, siglas, message):
    for command in (["edicion", "--plan", "data/x", "--edicion", "2025"], ["archivar", "--edicion", "2025"]):
        result = pom(*command, "--institucion", siglas, cwd=repository)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert not (repository / "instituciones" / "NOEXISTE").exists()


def test_same_institution_twice_is_refused(repository):
    shutil.copytree(repository / "instituciones" / "ANASAR", repository / "instituciones" / "INBIL")
    with pytest.raises(EditionError, match="La institución INBIL está dos veces"):
        institutions.institutions(repository)


def test_site_output_never_goes_into_an_institution(repository):
    result = pom("sitio", "-o", "instituciones/ANASAR/sitio", cwd=repository)
    assert result.returncode == 1 and "está en instituciones/" in result.stderr
    assert not (repository / "instituciones" / "ANASAR" / "sitio").exists()


# --- The portal: incremental, parallel, and never half-published ------------------------------------------


def stand_in_site(root: str, home: str, siglas: str, build: str, key: str) -> None:
    """Builds an institution's «site» in no time: one page saying when (a build_institution stand-in)."""
    target = Path(build) / siglas
    (target / portal.SITE).mkdir(parents=True, exist_ok=True)
    (target / portal.SITE / "index.html").write_text(f"<p>{siglas} {time.time_ns()}</p>", encoding="utf-8")
    (target / portal.FINGERPRINT).write_text(key, encoding="utf-8")


def failing_site(root: str, home: str, siglas: str, build: str, key: str) -> None:
    raise EditionError(f"{siglas}: La construcción del libro (html) falló")


def _build(root: Path, builder=stand_in_site) -> dict:
    portal.build_portal(root, "_site", institutions.institutions(root), present.write_pages, builder=builder)
    return json.loads((root / portal.BUILD / portal.LOG).read_text(encoding="utf-8"))


def test_portal_rebuilds_only_the_institution_that_changed(repository):
    assert _build(repository) == {"construidas": ["ANASAR", "INBIL"], "sin_cambios": []}
    site = repository / "_site"
    before = {s: (site / s / "index.html").read_text(encoding="utf-8") for s in ("ANASAR", "INBIL")}
    assert _build(repository) == {"construidas": [], "sin_cambios": ["ANASAR", "INBIL"]}
    assert {s: (site / s / "index.html").read_text(encoding="utf-8") for s in before} == before
    # ANASAR publishes again: its executed book changed.
    (repository / "instituciones" / "ANASAR" / "book" / "index.ipynb").write_text('{"otra": 1}', encoding="utf-8")
    assert _build(repository) == {"construidas": ["ANASAR"], "sin_cambios": ["INBIL"]}
    assert (site / "INBIL" / "index.html").read_text(encoding="utf-8") == before["INBIL"]
    assert (site / "ANASAR" / "index.html").read_text(encoding="utf-8") != before["ANASAR"]


def test_portal_pages(repository):
    _build(repository)
    site = repository / "_site"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in index and "Autoridad Nacional del Agua y Saneamiento Rural (ANASAR)" in index
    assert 'href="ANASAR/ultima/index.html">Edición 2025</a>' in index and 'href="INBIL/index.html"' in index
    assert "Q1,193,726,000" in index and f"16.2{NBSP}% (208,349 Habitantes)" in index
    page = (site / "comparacion.html").read_text(encoding="utf-8")
    assert "ANASAR, edición 2025 (plan 2025-2029); INBIL, edición 2026 (plan 2026-2028)" in page
    for key in ("metas-por-anio", "dinero-medido", "indicador-principal", "crecimiento-total"):
        assert f'href="comparacion/{key}.csv"' in page and f'src="comparacion/{key}.svg"' in page
        assert (site / "comparacion" / f"{key}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (site / ".pom-sitio").is_file()


def test_a_failed_institution_leaves_the_published_portal(repository):
    _build(repository)
    before = tree_hash(repository / "_site")
    (repository / "instituciones" / "ANASAR" / "book" / "index.ipynb").write_text('{"otra": 2}', encoding="utf-8")
    with pytest.raises(EditionError, match="ANASAR: La construcción del libro"):
        _build(repository, failing_site)
    assert tree_hash(repository / "_site") == before
    assert not (repository / "_site.nuevo").exists() and not (repository / ".sitio").exists()


def test_an_invalid_plan_stops_the_portal_before_anything_is_built(repository):
    plan = repository / "instituciones" / "ANASAR" / "data" / ANASAR_PLAN.name / "totales_anuales.csv"
    plan.write_text("anio,meta_financiera\n2025,muchos\n", encoding="utf-8")
    result = pom("sitio", cwd=repository)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "de ANASAR (data/otra-institucion-2025-2029) no es válido" in result.stderr
    assert "totales_anuales.csv" in result.stderr and "fila" in result.stderr
    assert not (repository / "_site").exists() and not (repository / portal.BUILD).exists()
