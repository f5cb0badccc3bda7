"""Anomalies of the plan that are not arithmetic errors."""

from pom_lib.compute.quality import anomalies


def test_anomalies_of_the_published_plan(plan):
    found = anomalies(plan)
    by_type = found.groupby("tipo")["elemento"].apply(sorted).to_dict()
    assert by_type["Subproducto sin nombre"] == ["SUB20", "SUB28"]
    assert by_type["Unidad distinta de la del producto"] == ["SUB01", "SUB05", "SUB20"]
    assert by_type["Meta financiera nula"] == ["PRD14"]
    assert by_type["Producto con un único subproducto idéntico"] == [
        "PRD09",
        "PRD10",
        "PRD11",
        "PRD12",
        "PRD13",
        "PRD14",
    ]
    zero = found[(found["elemento"] == "PRD14") & (found["tipo"] == "Meta financiera nula")]["detalle"].iloc[0]
    assert zero["anios_con_meta_fisica"][:2] == [2027, 2028]
