"""The published HTML in a real browser: every chapter renders offline, with no console errors.

The pages are rebuilt here from the committed book/ notebooks (execution off, a few
seconds), so the test checks exactly what `make book` would publish.
"""

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from pom_lib.edition import chapter_stems

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
LOCAL_SCHEMES = {"file", "data", "blob", "about"}


def build_html(book: Path, config: Path, output: Path) -> Path:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", str(book), "--config", str(config),
         "--path-output", str(output), "--builder", "html", "-W", "-n", "--keep-going"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return output / "_build" / "html"


def browse(html: Path, stems: list[str]) -> dict[str, list[str]]:
    """Open each page in headless Chromium; return what went wrong, per page."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Falta Chromium (paquete Debian «chromium»; make test lo instala)."
    problems: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        for stem in stems:
            found: list[str] = []
            page = browser.new_page()
            page.on("request", lambda r: urlparse(r.url).scheme in LOCAL_SCHEMES or found.append(f"petición {r.url}"))
            page.on("console", lambda m: m.type == "error" and found.append(f"consola: {m.text}"))
            page.on("pageerror", lambda e: found.append(f"error de JavaScript: {e}"))
            page.goto((html / f"{stem}.html").as_uri(), wait_until="load")
            page.wait_for_load_state("networkidle")
            if page.locator("article.bd-article h1").count() != 1:
                found.append("la página no muestra su capítulo")
            problems[stem] = found
            page.close()
        browser.close()
    return problems


def test_every_chapter_page_renders_offline_without_errors(tmp_path):
    stems = chapter_stems(BOOK / "_toc.yml")
    missing = [s for s in stems if not (BOOK / f"{s}.ipynb").is_file()]
    if missing:
        pytest.skip(f"book/ no tiene aún los capítulos ejecutados {missing}: ejecute «make book».")
    html = build_html(BOOK, ROOT / "_config.yml", tmp_path)
    problems = browse(html, stems)
    assert problems == {s: [] for s in stems}
