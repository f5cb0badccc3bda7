"""The book's tables: complete, in Guatemalan formats, with the document's figures."""

from pom_lib.compute.reconciliation import reconcile
from pom_lib.data.plan import load_plan
from pom_lib.present import tables


def test_matrix_tables_list_every_item_under_its_program(plan):
    physical = tables.matrix_table(plan, "meta_fisica")
    codes = [c for c in physical["Código"] if c]
    assert len(codes) == 14 + 28
    assert physical.loc[physical["Código"] == "PRD01", "2025"].item() == "1,252,155"
    assert physical.loc[physical["Código"] == "SUB20", "Unidad"].item() == "Metro cúbico"
    program_rows = physical[physical["Código"] == ""]["Producto / subproducto"].tolist()
    assert program_rows[0] == "SERVICIOS CONSULARES Y DE ATENCIÓN AL MIGRANTE"
    assert len(program_rows) == 5


def test_financial_matrix_ends_with_the_yearly_totals(plan):
    financial = tables.matrix_table(plan, "meta_financiera")
    assert financial.iloc[-1].tolist() == [
        "",
        "TOTAL",
        "Q980,000,000",
        "Q1,080,000,000",
        "Q1,180,000,000",
        "Q1,280,000,000",
        "Q1,350,000,000",
    ]
    assert financial.loc[financial["Código"] == "SUB14", "2026"].item() == "Q159,740,794"
    assert financial.loc[financial["Código"] == "PRD14", "2025"].item() == "Q0"


def test_matrix_rows_carry_their_role_and_unnamed_subproducts_a_label(plan):
    physical = tables.matrix_table(plan, "meta_fisica")
    sub = physical.loc[physical["Código"] == "SUB20", "Producto / subproducto"].item()
    assert sub == "Subproducto sin nombre en el documento (SUB20)"
    codes = physical["Código"]
    assert set(codes[physical.attrs["strong_rows"]]) == set(plan.products["producto_id"])
    assert set(codes[physical.attrs["indent_rows"]]) == set(plan.subproducts["subproducto_id"])
    assert set(codes[physical.attrs["emphasis_rows"]]) == {""}  # the program headings
    assert physical.attrs["label_column"] == "Producto / subproducto"


def test_fiche_table_shows_published_and_recomputed_values(plan):
    fiche = tables.fiche_table(plan, "FICHA_PRODUCTO")
    assert fiche["Año"].tolist()[0] == "2024 (línea de base)"
    row_2029 = fiche[fiche["Año"] == "2029"].iloc[0]
    assert (row_2029["Meta, dato absoluto"], row_2029["Meta, dato relativo"]) == ("1,619,247", "47.1\u00a0%")
    assert row_2029["Recalculado, relativo"] == "47.11\u00a0%"
    assert set(fiche["Ejecución"]) == {"sin dato"}


def test_budget_by_program_and_totals(plan):
    budget = tables.budget_by_program_table(plan)
    assert budget.columns[-1] == "Participación 2029"
    totals = tables.yearly_totals_table(plan)
    assert totals.iloc[1].tolist() == ["2026", "Q1,080,000,000", "Q100,000,000", "+10.2\u00a0%"]


def test_reconciliation_tables(plan, plan_copy):
    summary = tables.reconciliation_summary_table(reconcile(plan))
    assert (summary["No cumplen"] == "0").all()
    assert tables.reconciliation_detail_table(reconcile(plan)).empty
    path = plan_copy / "totales_anuales.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2028,1280000000", "2028,1280000500"), encoding="utf-8")
    detail = tables.reconciliation_detail_table(reconcile(load_plan(plan_copy)))
    assert detail[["Año", "Elemento", "Esperado", "Encontrado", "Diferencia"]].values.tolist() == [
        ["2028", "TOTAL", "1,280,000,500.0", "1,280,000,000.0", "-500.0"]
    ]


def test_outliers_and_unit_costs(plan):
    outliers = tables.outliers_table(plan, 50)
    assert outliers.iloc[0][["Código", "Nombre", "Año", "Variación"]].tolist() == [
        "SUB14",
        "Promoción en el exterior de la integración económica, inversión, turismo y comercio exterior",
        "2026",
        "+8,623.8\u00a0%",
    ]
    assert outliers.attrs["code_column"] == "Código" and outliers.attrs["label_column"] == "Nombre"
    assert outliers.iloc[0]["Explicación"] == (
        "El costo sigue a la asignación financiera, no al volumen: la meta financiera pasa de Q1,743,855 a "
        "Q159,740,794 (+9,060.2\u00a0%) mientras la meta física pasa de 1,679 a 1,763 (+5.0\u00a0%); en el mismo año, "
        "«Gestiones político-diplomáticas para el fortalecimiento de las relaciones internacionales en el ámbito "
        "bilateral, multilateral y regional» del mismo producto varía -Q119,158,642 en sentido contrario, lo que "
        "sugiere una reasignación de fondos entre subproductos."
    )
    sub16 = outliers[(outliers["Código"] == "SUB16") & (outliers["Año"] == "2026")].iloc[0]
    assert sub16["Explicación"] == (
        "La meta financiera pasa de Q9,626,733 a Q47,610 (-99.5\u00a0%) mientras la meta física pasa de 22 a 2 "
        "(-90.9\u00a0%)."
    )
    costs = tables.unit_cost_table(plan)
    transfer = costs[costs["Código"] == "PRD14"].iloc[0]
    assert transfer["2025"] == "—"


def test_reading_notes_list_the_ambiguous_rows(plan):
    notes = tables.reading_notes_table(plan)
    assert {"SUB16", "SUB20", "SUB22", "actividades_centrales"} <= set(notes["Código"])
    named = notes.set_index("Código")["Nombre"]
    assert named["actividades_centrales"] == "Actividades Centrales" and named["SUB20"] == (
        "Subproducto sin nombre en el documento (SUB20)"
    )
    assert notes.attrs["code_column"] == "Código" and notes.attrs["label_column"] == "Nombre"


def test_projection_table_puts_scenarios_in_rows(plan):
    from pom_lib.compute import projections
    from pom_lib.core import formatting as fmt

    budget = projections.budget_projection(plan, 2031, projections.default_scenarios(2.0))
    table = tables.projection_table(budget, "total", fmt.quetzales)
    assert table.columns.tolist() == ["Escenario", "2030", "2031"]
    assert table.iloc[1].tolist() == ["Sin crecimiento", "Q1,350,000,000", "Q1,350,000,000"]


def test_anomalies_table(plan):
    anomalies = tables.anomalies_table(plan)
    assert anomalies.columns.tolist() == ["Tipo", "Código", "Descripción"]
    assert "SUB20" in anomalies["Código"].tolist()
    described = anomalies.set_index(["Código", "Tipo"])["Descripción"]
    assert described["PRD14", "Meta financiera nula"] == (
        "Sin asignación en 2025, 2026, 2027, 2028, 2029, aunque tiene meta física en 2027, 2028: un producto sin "
        "costo asignado en el plan."
    )
    assert described["PRD14", "Producto con un único subproducto idéntico"] == (
        "Su único subproducto, SUB28, repite sus metas de todos los años."
    )
