"""The site of every edition: each built from its executed chapters, older ones never change, switcher works.

Edition 2025 (real plan) is built, archived and published alone; then the fictional edition 2026 is
built and the site published again. The 2025 folder of the site must come out byte-identical.
"""

import re
import shutil
from urllib.parse import urlparse

import pytest

from pom_lib.cli import main
from pom_lib.publish.edition import EditionError
from pom_lib.publish.site import build_site, index_page, pdf_name, switcher_data
from tests.support.browser import check_site
from tests.support.editions import page_text, tree_hash

# Builds books: left out of `make unitarias` (pytest -m "not libro").
pytestmark = pytest.mark.libro

LOCAL_SCHEMES = {"file", "data", "blob", "about"}


@pytest.fixture(scope="module")
def site(two_editions):
    return {**two_editions, "site": two_editions["root"] / "_site"}


def test_older_edition_pages_never_change(site):
    assert tree_hash(site["site"] / "2025") == site["first"]["2025"]
    assert tree_hash(site["root"] / "ediciones" / "2025") == site["archive_before"]
    # Only the index (and versiones.js) learn about the new edition.
    assert "Edición 2026" not in site["first"]["index"]


def test_every_edition_has_html_pdf_and_data(site):
    for year in (2025, 2026):
        folder = site["site"] / str(year)
        assert (folder / "index.html").is_file() and (folder / "seguimiento.html").is_file()
        assert (folder / pdf_name(year)).read_bytes().startswith(b"%PDF")
        assert {p.name for p in (folder / "descargas").iterdir()} == {
            "matriz.csv",
            "matriz.xlsx",
            "paquete-datos.zip",
            "cifras.json",
            "cifras.csv",
        }
        assert (folder / "cifras.json").is_file()  # the citable figures, at the edition's root too
    # Each edition shows its own chapters: 2025 without execution, 2026 with the fixture's.
    assert "todavía no hay ejecución que medir" in page_text(site["site"] / "2025" / "seguimiento.html")
    assert "Asesoría Jurídica y Normativa" in page_text(site["site"] / "2026" / "cambios.html")


def test_index_links_both_editions(site):
    page = (site["site"] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page
    links = re.findall(r'href="([^"]+)"', page)
    for year in (2025, 2026):
        for link in (
            f"{year}/index.html",
            f"{year}/libro-pom-{year}.pdf",
            f"{year}/descargas/paquete-datos.zip",
            f"{year}/descargas/matriz.csv",
            f"{year}/descargas/matriz.xlsx",
        ):
            assert link in links, link
    for link in links:
        assert (site["site"] / link).is_file(), link
    text = page_text(site["site"] / "index.html")
    assert text.index("Edición 2026") < text.index("Edición 2025")
    assert "Ir a la última edición (2026)" in text


def test_latest_is_a_copy_of_the_newest_edition(site):
    assert tree_hash(site["site"] / "ultima") == tree_hash(site["site"] / "2026")


def test_switcher_data_lists_the_editions(site):
    script = (site["site"] / "versiones.js").read_text(encoding="utf-8")
    assert script.startswith("// Ediciones publicadas")
    assert '"ultima": 2026' in script and '"ruta": "2025/"' in script and '"ruta": "2026/"' in script


def test_book_without_site_has_no_switcher(site):
    page = (site["root"] / "_build" / "html" / "seguimiento.html").read_text(encoding="utf-8")
    assert "versiones.js" not in page
    page = (site["site"] / "2025" / "seguimiento.html").read_text(encoding="utf-8")
    assert page.count("versiones.js") == 1 and page.count('var current = "2025";') == 1


def test_switcher_works_offline_in_the_browser(site):
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Falta Chromium (paquete Debian «chromium»; make test lo instala)."
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.on("request", lambda r: urlparse(r.url).scheme in LOCAL_SCHEMES or problems.append(r.url))
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto((site["site"] / "2025" / "seguimiento.html").as_uri(), wait_until="load")
        menu = page.locator("label.pom-ediciones select")
        menu.wait_for(state="visible")
        assert page.locator("label.pom-ediciones").inner_text().startswith("Edición:")
        assert menu.locator("option").all_inner_texts() == ["2026 (última)", "2025"]
        assert menu.input_value().endswith("/2025/seguimiento.html")
        menu.select_option(label="2026 (última)")
        page.wait_for_url("**/2026/seguimiento.html")
        assert page.locator("label.pom-ediciones select").input_value().endswith("/2026/seguimiento.html")
        page.goto((site["site"] / "index.html").as_uri(), wait_until="load")
        assert page.locator("h1").inner_text() == "Libro POM: ediciones publicadas"
        browser.close()
    assert problems == []


def test_the_fictional_editions_pages_fit_a_phone_and_a_laptop(site):
    """The 2026 edition (fictional plan, with its execution and changes) passes the published book's page
    checks, its tables included: none cut short beside unused screen, none with a bare code as its fixed
    first column."""
    folder = site["site"] / "2026"
    pages = sorted(f"2026/{p.name}" for p in folder.glob("*.html") if p.name not in ("search.html", "genindex.html"))
    reports = check_site(site["site"], pages, axe=False)
    assert {f"{r.page} a {r.width} px": r.problems for r in reports if r.problems} == {}


def test_site_needs_editions(tmp_path):
    with pytest.raises(EditionError, match="No hay ediciones que publicar"):
        build_site(tmp_path)


def test_index_and_switcher_data_units():
    editions = [
        {
            "anio": 2026,
            "titulo": "Plan B <2026>",
            "ruta": "2026/",
            "pdf": "libro-pom-2026.pdf",
            "descargas": ["matriz.csv"],
            "paginas": ["index", "cambios"],
        },
        {
            "anio": 2025,
            "titulo": "Plan A",
            "ruta": "2025/",
            "pdf": "libro-pom-2025.pdf",
            "descargas": [],
            "paginas": ["index"],
        },
    ]
    page = index_page(editions)
    assert "Plan B &lt;2026&gt;" in page and 'href="2026/descargas/matriz.csv">Matriz (CSV)</a>' in page
    assert page.count('class="ultima"') == 1
    script = switcher_data(editions)
    assert script.startswith("// ") and "window.POM_EDICIONES = " in script and '"ultima": 2026' in script
    assert pdf_name(2027) == "libro-pom-2027.pdf"


@pytest.mark.parametrize(
    "output",
    [
        ".",
        "..",
        "book",
        "ediciones",
        "data",
        "book/sitio",
        "notebooks",
        "ediciones.yml",
        "pom_lib/sitio",
        "tests/sitio",
    ],
)
def test_site_never_replaces_what_it_did_not_build(site, output, monkeypatch, capsys):
    root = site["root"]
    before = {name: tree_hash(root / name) for name in ("book", "ediciones", "data", "notebooks", "_site")}
    registry = (root / "ediciones.yml").read_text(encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["sitio", "-o", output]) == 1
    err = capsys.readouterr().err
    assert err.startswith("El sitio no se pudo construir (el anterior se conserva): «") and "Traceback" not in err
    assert {name: tree_hash(root / name) for name in before} == before
    assert (root / "ediciones.yml").read_text(encoding="utf-8") == registry
    assert not (root / "book" / "sitio").exists() and not (root / "pom_lib").exists()


def test_the_site_folder_is_marked_as_built_by_pom(site):
    assert (site["site"] / ".pom-sitio").is_file()
