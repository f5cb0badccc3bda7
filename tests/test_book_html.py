"""The published HTML in a real browser, on a phone and on a laptop.

Every page, served over loopback, at 390 and 1366 px: nothing wider than the screen, no
console errors, no request to another host, no serious or critical axe-core violation, a link
to the PDF, the contents box over nothing, no table cut short beside unused screen and no row
whose fixed first cell is a bare code. The landing page opens on the main points and their figure.
Then what a reader of tables relies on: the header row and the first column stay in view, products
stand apart from subproducts, and a printed page shows the table whole. The pages come from
conftest's `published` build.
"""

import pytest

from pom_lib.present.charts import MIN_TEXT_PX, PHONE_SCREEN
from tests.support.browser import AXE, chart_text_sizes, check_page, check_pages, chromium, serve

# Builds books: left out of `make unitarias` (pytest -m "not libro").
pytestmark = pytest.mark.libro

# The landing page, with everything it loads, must stay under this many bytes.
LANDING_BUDGET = 1_000_000


@pytest.fixture(scope="module")
def pages(published) -> list[str]:
    if not AXE.is_file():
        pytest.fail("Falta axe-core (npm): «make test» lo instala en node_modules/.")
    return ["index.html", *(f"{stem}.html" for stem in published["stems"])]


@pytest.fixture(scope="module")
def served(published):
    """The published pages served on loopback and one browser for every test here: (base URL, browser).
    Each test opens its pages in contexts of its own."""
    with serve(published["html"]) as base, chromium() as browser:
        yield base, browser


@pytest.fixture(scope="module")
def reports(served, pages):
    """Every page checked at every width (check_pages), once for the tests that read the checks."""
    base, browser = served
    return check_pages(browser, base, pages)


def test_every_page_reads_well_on_a_phone_and_a_laptop(reports):
    problems = {f"{r.page} a {r.width} px": r.problems for r in reports if r.problems}
    assert problems == {}


def test_every_chart_s_text_reads_at_eleven_px_or_more_on_a_phone(reports):
    """Measured as the browser draws each chart, on every page with charts, at the phone's width (the
    check of each page reports the same; here the count proves it found them all)."""
    on_phone = [report for report in reports if report.width == PHONE_SCREEN]
    assert len(on_phone) == len({report.page for report in reports})
    shown = sum(report.figures for report in on_phone)
    measured = [chart for report in on_phone for chart in report.charts]
    assert shown > 0 and len(measured) == shown
    assert all(chart["texts"] for chart in measured)
    assert min(chart_text_sizes(measured)) >= MIN_TEXT_PX


def test_the_landing_page_weighs_less_than_a_megabyte(served):
    base, browser = served
    report = check_page(browser, base, "index.html", 1366, axe=False)
    assert report.problems == []
    assert report.bytes < LANDING_BUDGET, f"{report.bytes:,} bytes en {report.requests} peticiones"


# Bottom (from the top of the page) of the main points list, its first point and the headline chart (the
# drawing; its caption, source and downloads follow it).
_LANDING_JS = """() => {
  const points = document.querySelector('ol.pom-hallazgos') || document.querySelector('article ol');
  const bottom = (el) => (el ? Math.round(el.getBoundingClientRect().bottom + window.scrollY) : null);
  return {list: bottom(points), first: bottom(points && points.querySelector('li')),
          figure: bottom(document.querySelector('#figura-principal img'))};
}"""


@pytest.mark.parametrize(
    ("width", "height", "shown"),
    # A laptop shows the whole list of main points and their figure on its first screen; a phone, the
    # first point and the figure within its first two screens.
    [(1366, 900, ("list", "figure")), (390, 844, ("first", "figure"))],
)
def test_the_landing_page_opens_on_the_main_points_and_their_figure(served, width, height, shown):
    base, browser = served
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(base + "index.html", wait_until="networkidle")
    page.wait_for_url("**/resumen.html")
    bottoms = page.evaluate(_LANDING_JS)
    context.close()
    screens = 1 if width > 390 else 2
    assert {key: bottoms[key] for key in shown if bottoms[key] is None or bottoms[key] > screens * height} == {}


def test_the_pdf_link_of_every_page_opens_the_pdf(served, published):
    base, browser = served
    page = browser.new_page()
    page.goto(base + "matriz_planificacion.html")
    href = page.locator("a.pom-pdf").first.get_attribute("href")
    response = page.request.get(base + href)
    ok, start = response.ok, response.body()[:5]
    page.close()
    assert ok and start == b"%PDF-"
    assert href == published["edition"]["pdf"]


def _matrix_page(browser, base: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base + "matriz_planificacion.html", wait_until="networkidle")
    return context, page


def test_table_header_row_and_first_column_stay_in_view_when_it_scrolls(served):
    base, browser = served
    context, page = _matrix_page(browser, base, 390)
    box = page.locator(".pom-desplazable").first
    box.evaluate("b => { b.scrollLeft = 250; b.scrollTop = 300; }")
    frame = box.bounding_box()
    corner = page.locator(".pom-desplazable thead th").first.bounding_box()
    code = page.locator(".pom-desplazable tbody th").nth(8).bounding_box()
    assert abs(corner["y"] - frame["y"]) <= 2 and abs(corner["x"] - frame["x"]) <= 2
    assert abs(code["x"] - frame["x"]) <= 2
    context.close()


def test_products_are_set_apart_from_their_subproducts_by_weight(served):
    base, browser = served
    context, page = _matrix_page(browser, base, 1366)
    weight = "row => Number(getComputedStyle(row.cells[0]).fontWeight)"
    products = page.locator("table.pom-tabla tr.pom-producto").first.evaluate(weight)
    subproducts = page.locator("table.pom-tabla tr.pom-sub").first.evaluate(weight)
    assert products >= 600 and subproducts <= 400
    indent = "row => parseFloat(getComputedStyle(row.cells[0]).paddingLeft)"
    assert page.locator("tr.pom-sub").first.evaluate(indent) > page.locator("tr.pom-producto").first.evaluate(indent)
    context.close()


def test_a_printed_page_shows_each_table_whole(served):
    base, browser = served
    context, page = _matrix_page(browser, base, 1366)
    page.emulate_media(media="print")
    style = page.locator(".pom-desplazable").first.evaluate(
        "b => [getComputedStyle(b).overflowX, getComputedStyle(b).maxHeight]"
    )
    assert style == ["visible", "none"]
    context.close()
