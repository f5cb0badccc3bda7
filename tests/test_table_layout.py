"""table_layout.py: every table gets a PDF layout that fits the page, whatever its size."""

import pytest

from pom_lib.present.table_layout import CAPACITY, GAP, MAX_PDF_ROWS, MIN_TEXT, PAGE_LINES, plan_layout, text_width

LONG_NAME = "Guatemaltecos beneficiados con la prestación de servicios consulares y migratorios en el exterior"


def _room(layout, columns):
    return CAPACITY[(layout.font, layout.landscape)] - GAP * (columns - 1)


def test_a_small_table_keeps_natural_columns_in_portrait_and_floats():
    layout = plan_layout(["Año", "Total (Q)"], [["2025", "Q980,000,000"], ["2026", "Q1,080,000,000"]], "lr")
    assert (layout.font, layout.landscape, layout.widths) == ("small", False, None)
    assert layout.floating and layout.shown_rows == 2


def test_long_names_wrap_in_a_column_that_shares_the_line_with_whole_figures():
    header = ["Código", "Producto", *[str(y) for y in range(2025, 2030)]]
    rows = [["PRD01", LONG_NAME, *["Q401,812,176"] * 5] for _ in range(10)]
    layout = plan_layout(header, rows, "llrrrrr")
    assert not layout.landscape
    widths = layout.widths
    assert widths is not None
    assert sum(widths) == pytest.approx(_room(layout, len(header)), abs=0.1)
    assert widths[1] >= MIN_TEXT  # the name wraps, but not into a sliver
    figure = text_width("Q401,812,176")
    assert all(w >= figure for w in widths[2:])  # amounts never break


def test_a_table_too_wide_for_portrait_turns_the_page():
    header = [f"Columna {i}" for i in range(14)]
    rows = [[f"Q{i},234,567,890" for i in range(14)] for _ in range(5)]
    layout = plan_layout(header, rows, "r" * 14)
    assert layout.landscape


def test_portrait_can_be_required_and_then_the_columns_split_into_parts():
    header = [f"Columna {i}" for i in range(14)]
    rows = [[f"Q{i},234,567,890" for i in range(14)] for _ in range(5)]
    layout = plan_layout(header, rows, "r" * 14, landscape=False)
    assert not layout.landscape and len(layout.parts) > 1 and not layout.floating
    # No column repeats (none is text) and each is in exactly one part, in order.
    assert [c for part in layout.parts for c in part.columns] == list(range(14))
    for part in layout.parts:  # each part fits the page with its amounts whole
        assert _natural_width(header, rows, part.columns) <= _room(layout, len(part.columns))


def _natural_width(header, rows, columns):
    return sum(max(text_width(c) for c in [f"**{header[i]}**", *(r[i] for r in rows)]) for i in columns)


def _matrix(years: range) -> tuple[list[str], list[list[str]]]:
    """A matrix as the book prints it: code, name and unit, then one amount per year."""
    header = ["Código", "Producto / subproducto", "Unidad", *(str(y) for y in years)]
    rows = [[f"PRD{i:02d}", LONG_NAME, "Persona", *(["Q1,234,567,890"] * len(years))] for i in range(30)]
    return header, rows


def test_a_fifty_year_matrix_splits_its_years_into_parts_that_repeat_the_names():
    header, rows = _matrix(range(2025, 2075))
    layout = plan_layout(header, rows, "lll" + "r" * 50, landscape=True)
    assert layout.landscape and layout.repeated == 3
    assert 4 <= len(layout.parts) <= 10
    years = [part.columns[3:] for part in layout.parts]
    assert all(part.columns[:3] == (0, 1, 2) for part in layout.parts)  # code, name and unit in every part
    assert [c for group in years for c in group] == list(range(3, 53))  # every year once, in order
    sizes = [len(group) for group in years]
    assert max(sizes) - min(sizes) <= max(sizes) // 2  # groups of (nearly) equal size, not one leftover year
    for part in layout.parts:
        widths = part.widths or [
            max(text_width(c, bold=True) for c in [header[i], *(r[i] for r in rows)]) for i in part.columns
        ]
        assert sum(widths) <= _room(layout, len(part.columns)) + 0.1
        assert all(w >= text_width("Q1,234,567,890") for w in widths[3:])  # amounts never break
        assert widths[1] >= MIN_TEXT


def test_a_five_year_matrix_stays_in_one_part():
    header, rows = _matrix(range(2025, 2030))
    layout = plan_layout(header, rows, "lll" + "r" * 5, landscape=True)
    assert len(layout.parts) == 1 and layout.repeated == 0 and layout.parts[0].columns == tuple(range(8))


def test_a_table_longer_than_a_page_breaks_instead_of_floating():
    rows = [[f"SUB{i:02d}", LONG_NAME, "1,234"] for i in range(60)]
    layout = plan_layout(["Código", "Subproducto", "Meta"], rows, "llr")
    assert not layout.floating
    assert layout.lead_lines < PAGE_LINES[(layout.font, layout.landscape)] / 2


def test_a_very_long_table_prints_only_its_first_rows():
    rows = [[f"SUB{i:05d}", "Subproducto", "1,234"] for i in range(MAX_PDF_ROWS * 20)]
    layout = plan_layout(["Código", "Subproducto", "Meta"], rows, "llr")
    assert layout.shown_rows == MAX_PDF_ROWS
    assert not layout.floating


def test_a_heading_row_that_spans_the_table_counts_as_one_line():
    header = ["Código", "Producto", "2025"]
    heading = ["", "SERVICIOS CONSULARES Y DE ATENCIÓN AL MIGRANTE", ""]
    alone = plan_layout(header, [heading], "llr", bold_rows={0})
    assert alone.lead_lines == plan_layout(header, [["", "X", ""]], "llr", bold_rows={0}).lead_lines
