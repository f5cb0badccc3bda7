"""Chapter «Seguimiento de la ejecución» (pom_lib.chapters.seguimiento): its sentences, tables and charts, in the
first edition of the real plan (nothing executed yet) and in the fictional second edition (the real plan's 2025
execution, tests/fixtures/ejecucion-ficticia-2025.csv, beside the fictional 2026-2030 plan's goals).

Expected values come from tests/fixtures/README.md and the plans' READMEs (typed by hand); the monitoring they
rest on is tested in test_monitoring.py.
"""

import shutil

import pytest

from pom_lib.chapters.seguimiento import ExecutionMonitoring
from pom_lib.compute.execution import Thresholds
from pom_lib.data.plan import load_plan
from tests.support.paths import EXECUTION_CSV, PLAN_DIR

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def fictional(fictional_plan):
    return fictional_plan


@pytest.fixture(scope="module")
def chapter(plan, fictional):
    """Edition 2026: fictional plan, real plan as the previous one, fictional execution of 2025."""
    return ExecutionMonitoring(fictional, 2026, plan, EXECUTION_CSV)


@pytest.fixture(scope="module")
def first(plan):
    """Edition 2025, the real plan's first: nothing executed yet."""
    return ExecutionMonitoring(plan, 2025)


def _plain(text: str) -> str:
    return text.replace(NBSP, " ")


def _shown(monkeypatch, show) -> list:
    """What a chapter method displays, in order."""
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    show()
    return shown


def test_the_cutoff_year_and_the_edition_s_thresholds(chapter, first, plan, fictional):
    assert (chapter.values["anio_corte"], first.values["anio_corte"]) == ("2025", "2024")
    assert [_plain(chapter.values[k]) for k in ("umbral_verde", "umbral_amarillo", "umbral_sobreejecucion")] == [
        "90 %",
        "70 %",
        "110 %",
    ]
    stricter = ExecutionMonitoring(fictional, 2026, plan, EXECUTION_CSV, Thresholds(92.5, 75.0, 120.0))
    assert [_plain(stricter.values[k]) for k in ("umbral_verde", "umbral_amarillo", "umbral_sobreejecucion")] == [
        "92.5 %",
        "75 %",
        "120 %",
    ]


def test_the_summary_counts_the_classes_or_shows_the_goals_to_measure(chapter, first):
    assert chapter.summary_table().caption == "Productos y subproductos por clase del semáforo, 2025"
    goals = first.summary_table()
    assert goals.caption == "Metas de 2025 del plan 2025-2029 contra las que se medirá la primera ejecución"
    # 14 products and the indicator.
    assert len(goals.rows) == 15


def test_a_pair_of_tables_for_each_year_followed_and_none_without_data(chapter, first, monkeypatch):
    captions = [table.caption for table in _shown(monkeypatch, chapter.show_yearly_tables)]
    assert captions == [
        "Ejecución física frente a la meta del plan 2025-2029, 2025",
        "Ejecución financiera frente a la meta del plan 2025-2029, 2025",
    ]
    assert _shown(monkeypatch, first.show_yearly_tables) == []
    assert _shown(monkeypatch, first.show_projection) == []


def test_the_indicator_table_shows_the_newer_plan_s_goals_beside_its_own(chapter, first):
    beside = chapter.indicator_table()
    assert beside.caption == (
        "Indicador principal: metas del plan 2025-2029 y ejecución por año (porcentajes de la población "
        "objetivo), con las metas del plan 2026-2030"
    )
    assert beside.landscape is True
    alone = first.indicator_table()
    assert alone.caption.endswith("(porcentajes de la población objetivo)") and alone.landscape is False


def test_semaforo_sentences(chapter):
    values = {k: _plain(v) for k, v in chapter.values.items()}
    assert values["frase_avance"].startswith(
        "En 2025, según su meta física, 1 de los 14 productos está «Sobreejecutado», 9 «En meta», 2 «En riesgo» y "
        "1 «Rezagado»; 1 no tiene dato."
    )
    assert (
        "según su meta financiera, 10 de los 14 productos están «En meta», 2 «En riesgo» y 1 «Rezagado»"
        in values["frase_semaforo"]
    )
    none = chapter.monitoring.attainment.assign(semaforo_fisico="Sin dato")
    assert "ninguno de los 14 productos tiene ejecución" in chapter._semaforo_sentence(none, 2025, "producto", "fisico")


def test_attention_and_over_execution_sentences(chapter):
    sentence = _plain(chapter.values["frase_atencion"])
    assert sentence.startswith("Por debajo de 90 % de su meta física de 2025 quedan PRD07")
    assert sentence.index("PRD07") < sentence.index("PRD03") < sentence.index("PRD06")
    assert "(44.6 %, rezagado)" in sentence and "(79.8 %, en riesgo)" in sentence
    assert (
        "PRD13 en su meta física (200.0 %), SUB27 en su meta física (200.0 %) y SUB11 en su meta física "
        "(124.9 %) superan 110 % de la meta («Sobreejecutado»)"
    ) in sentence


def test_attention_sentence_with_other_thresholds(plan, fictional):
    relaxed = ExecutionMonitoring(fictional, 2026, plan, EXECUTION_CSV, Thresholds(40.0, 30.0, 300.0))
    assert _plain(relaxed.values["frase_atencion"]) == (
        "Ningún producto con dato queda por debajo de 40 % de su meta física de 2025."
    )
    assert _plain(relaxed.values["umbral_sobreejecucion"]) == "300 %"


def test_financial_execution_sentence(chapter):
    sentence = _plain(chapter.values["frase_avance"])
    assert "Los 13 productos con dato ejecutaron Q921,312,000 de los Q980,000,000 programados para 2025" in sentence
    assert "(94.0 %)" in sentence and "presupuesto vigente que informan (Q974,812,000" in sentence


def test_indicator_sentence(chapter, first):
    sentence = _plain(chapter.values["frase_cobertura"])
    assert "llegaron a 1,260,000 personas, el 36.66 % de la población objetivo" in sentence
    assert "meta de 1,332,155 personas (38.8 %): un avance de 94.6 %" in sentence
    assert "no puede calcularse" in chapter._indicator_sentence(2026)


def test_projection_sentence(chapter):
    sentence = _plain(chapter.values["frase_proyeccion"])
    assert "hasta 2029 el ritmo observado, 10 de los 13 productos con ritmo medido llegarían" in sentence
    assert "de su meta física de 2029 en el plan 2025-2029, y 1 quedaría por debajo de 70 %" in sentence
    assert "de los Q1,350,000,000 programados para ese año (94.3 %)" in sentence


def test_which_plans_goals_the_chapter_uses(chapter, first, plan):
    assert chapter.values["frase_estado"].startswith(
        "La ejecución de 2025 pertenece al plan 2025-2029, el de la edición anterior"
    )
    assert chapter.values["frase_metas_usadas"] == (
        "Esas son las metas de todas las tablas, del indicador y de la proyección de este capítulo. El plan "
        "2026-2030 fija otras metas para 2026 a 2029: el indicador y la proyección las muestran al lado, como "
        "referencia, sin medir la ejecución contra ellas."
    )
    assert first.values["frase_metas_usadas"] == "Las metas que muestra este capítulo son las del plan 2025-2029."
    # Edition 2027 follows its own plan: no other plan's goals.
    own = ExecutionMonitoring(plan, 2026, None, EXECUTION_CSV)
    assert own.values["frase_estado"] == "La ejecución de 2025 se mide contra las metas del plan 2025-2029."
    assert "fija otras metas" not in own.values["frase_metas_usadas"]


def test_no_execution_sentences(plan, fictional, first):
    sentence = first.values["frase_estado"]
    assert "su año de corte, 2024, es anterior al primer año del plan (2025)" in sentence
    assert "a partir de la edición 2026, con la ejecución de 2025" in sentence
    missing = ExecutionMonitoring(fictional, 2026, plan, None)
    assert "sin el registro de ejecución de 2025" in missing.values["frase_estado"]


def test_without_data_no_execution_figure_is_printed(first, chapter):
    texts = first.values
    assert set(texts) == set(chapter.values)
    joined = " ".join(texts.values())
    for figure in ("1,180,000", "1,260,000", "Q921,312,000", "94.2"):
        assert figure not in joined, figure
    assert texts["frase_atencion"] == ""


def test_a_plan_with_another_indicator_unit(plan_copy):
    fiches = plan_copy / "fichas.csv"
    fiches.write_text(fiches.read_text(encoding="utf-8").replace(",Personas,", ",Hogares,"), encoding="utf-8")
    other = ExecutionMonitoring(load_plan(plan_copy), 2026, None, EXECUTION_CSV)
    assert "llegaron a 1,260,000 hogares" in other.values["frase_cobertura"]
    assert other.indicator_table().header[1] == "Meta (hogares)"


def test_a_three_year_plan_without_optional_data(tmp_path, plan):
    """A plan of three years: the chapter's prose follows its own years."""
    folder = tmp_path / "trienal"
    shutil.copytree(PLAN_DIR, folder)
    for name in ("metas_productos", "metas_subproductos", "totales_anuales", "fichas_metas"):
        path = folder / f"{name}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text(
            "\n".join(
                line
                for line in lines
                if not (",2028," in line or ",2029," in line or line.startswith(("2028,", "2029,")))
            )
            + "\n",
            encoding="utf-8",
        )
    for name, old, new in (("plan", ",2025,2029,", ",2025,2027,"),):
        path = folder / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    figures = folder / "cifras_clave.csv"
    figures.write_text(
        "\n".join(line for line in figures.read_text(encoding="utf-8").splitlines() if ",2029," not in line) + "\n",
        encoding="utf-8",
    )
    short = ExecutionMonitoring(load_plan(folder), 2026, None, EXECUTION_CSV)
    assert "hasta 2027 el ritmo observado" in short.values["frase_proyeccion"]
