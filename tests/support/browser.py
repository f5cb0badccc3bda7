"""The published HTML as readers get it: served over loopback and opened in headless Chromium.

Pages are served by a local http.server (over file:// the theme's search previews fail), and
each page is checked at a phone and a laptop width: what it loads and from where, console
errors, page-level horizontal overflow, axe-core's serious and critical violations, the
link to the PDF, tables cut short beside unused screen, rows whose fixed first cell is a bare code,
and the charts: never shown wider than drawn and, on the phone, no text of a chart under
pom_lib.present.charts.MIN_TEXT_PX CSS px. Used by the tests and, to measure a build by hand, as a script:

    .venv/bin/python -m tests.support.browser _build/html
"""

from __future__ import annotations

import collections
import contextlib
import functools
import http.server
import json
import shutil
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from pom_lib.present.charts import MIN_TEXT_PX, PHONE_SCREEN
from tests.support.paths import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (PHONE_SCREEN, 1366)
HEIGHT = 900
# Pages loading at once in check_site.
AT_ONCE = 4
LOCAL_SCHEMES = {"data", "blob", "about"}
SERIOUS = {"serious", "critical"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Shared memory in /tmp: a CI container's /dev/shm (64 MB) is too small for Chromium.
    "--disable-dev-shm-usage",
]

# Elements wider than the viewport (their own scroll boxes excepted) and the page's own overflow.
_OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const page = document.documentElement.scrollWidth - width;
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let clipped = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX) && p.getBoundingClientRect().right <= width + 1) {
        clipped = true; break;
      }
    }
    if (!clipped) culprits.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  }
  return {page, culprits: culprits.slice(0, 5)};
}"""

# The contents box (secondary sidebar) must not lie over any table or figure of the article.
_COVERED_JS = """() => {
  const toc = document.querySelector('.bd-sidebar-secondary');
  if (!toc || getComputedStyle(toc).display === 'none' || getComputedStyle(toc).visibility === 'hidden') return [];
  const t = toc.getBoundingClientRect();
  if (t.width === 0 || t.right <= 0 || t.left >= document.documentElement.clientWidth) return [];
  const hits = [];
  for (const el of document.querySelectorAll('article .pom-desplazable, article figure')) {
    const b = el.getBoundingClientRect();
    if (b.width && b.right > t.left + 1 && b.left < t.right - 1) hits.push(el.tagName.toLowerCase());
  }
  return hits;
}"""

# Every chart's text as the browser renders it. A chart is an <img> of an SVG, whose inside the page
# cannot reach: its SVG is fetched and drawn inline, off screen, at the size the page gives the
# <img>, and each text's size is read from the browser's own transform to the screen. Matplotlib
# draws text as glyph outlines (svg.fonttype "path"): one group per line, scaled so that its em is
# 100 units; a real <text> counts with its computed font size.
CHART_TEXT_JS = """async () => {
  const charts = [];
  for (const img of document.querySelectorAll('figure.pom-figura img')) {
    const box = img.getBoundingClientRect();
    const src = img.currentSrc || img.src;
    if (box.width === 0 || !src.endsWith('.svg')) continue;
    const markup = await (await fetch(src)).text();
    const svg = new DOMParser().parseFromString(markup, 'image/svg+xml').documentElement;
    svg.setAttribute('width', box.width);
    svg.setAttribute('height', box.height);
    const holder = document.createElement('div');
    holder.style.cssText = 'position:absolute;left:-20000px;top:0';
    holder.appendChild(document.importNode(svg, true));
    document.body.appendChild(holder);
    const texts = [];
    const scale = el => { const m = el.getScreenCTM(); return Math.hypot(m.a, m.b); };
    for (const g of holder.querySelectorAll('g[id^="text_"] g[transform*="scale("]')) {
      const note = [...g.parentElement.childNodes].find(n => n.nodeType === Node.COMMENT_NODE);
      texts.push({px: 100 * scale(g), text: note ? note.textContent.trim() : ''});
    }
    for (const t of holder.querySelectorAll('text')) {
      texts.push({px: parseFloat(getComputedStyle(t).fontSize) * scale(t), text: t.textContent.trim()});
    }
    holder.remove();
    charts.push({src: src.split('/').pop(), shown: box.width, drawn: img.naturalWidth, texts});
  }
  return charts;
}"""


# A table cut short (its box scrolls sideways) while more than `spare` px of the screen stay unused to the
# right of its box: the contents box's column or a margin it could have taken.
_CLIPPED_JS = """(spare) => {
  const width = document.documentElement.clientWidth;
  const cut = [];
  for (const box of document.querySelectorAll('article .pom-desplazable')) {
    const unused = width - box.getBoundingClientRect().right;
    if (box.scrollWidth > box.clientWidth + 1 && unused > spare) {
      const title = box.closest('.pom-tabla-numerada')?.querySelector('.pom-titulo-tabla');
      cut.push(`${(title ? title.textContent : 'tabla').trim()} (${Math.round(unused)} px libres)`);
    }
  }
  return cut;
}"""
# Body rows whose first cell, the one that stays in view while a table scrolls sideways, holds only a code.
BARE_CODE = r"^[A-Z]{3}\d{2,}$"
_BARE_CODES_JS = """(pattern) => {
  const code = new RegExp(pattern);
  const bare = [];
  for (const row of document.querySelectorAll('article table.pom-tabla tbody tr')) {
    const text = row.cells[0]?.textContent.trim() ?? '';
    if (code.test(text)) bare.push(text);
  }
  return bare;
}"""
# Free width beside a table that a cut-short table may leave (the article's own padding is less).
SPARE = 100


@dataclass
class PageReport:
    """What one page did at one width."""

    page: str
    width: int
    bytes: int = 0
    requests: int = 0
    problems: list[str] = field(default_factory=list)
    # The figures the page shows and each chart's text as drawn (CHART_TEXT_JS).
    figures: int = 0
    charts: list[dict] = field(default_factory=list)


@contextlib.contextmanager
def serve(folder: Path):
    """Serve `folder` on a free loopback port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def chromium():
    """Debian's Chromium driven by Playwright (never a browser Playwright downloads)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("Falta Chromium (paquete Debian «chromium»; make test lo instala).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def check_page(browser, base: str, page_name: str, width: int, axe: bool = True) -> PageReport:
    """Open one page at one width and report everything a reader would meet that is wrong."""
    return _finish_check(*_start_check(browser, base, page_name, width), axe)


def _start_check(browser, base: str, page_name: str, width: int):
    """Start loading one page at one width, in a context of its own, recording what it requests."""
    report = PageReport(page_name, width)
    host = urlparse(base).netloc
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    page = context.new_page()

    def on_request(request):
        url = urlparse(request.url)
        if url.scheme not in LOCAL_SCHEMES and url.netloc != host:
            report.problems.append(f"petición a otro servidor: {request.url}")

    def on_response(response):
        if urlparse(response.url).netloc != host:
            return
        report.requests += 1
        report.bytes += int(response.headers.get("content-length", 0))
        if response.status >= 400:
            report.problems.append(f"respuesta {response.status}: {response.url}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("console", lambda m: m.type == "error" and report.problems.append(f"consola: {m.text}"))
    page.on("pageerror", lambda e: report.problems.append(f"error de JavaScript: {e}"))
    page.goto(base + page_name, wait_until="commit")
    return report, context, page


def _finish_check(report: PageReport, context, page, axe: bool) -> PageReport:
    """Once the page has loaded and the network is quiet, check it; close its context."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")

    overflow = page.evaluate(_OVERFLOW_JS)
    if overflow["page"] > 0:
        report.problems.append(f"la página es {overflow['page']} px más ancha que la pantalla: {overflow['culprits']}")
    covered = page.evaluate(_COVERED_JS)
    if covered:
        report.problems.append(f"el recuadro «Contenido» tapa {len(covered)} tablas o figuras")
    report.figures = page.locator("figure.pom-figura img").count()
    report.charts = page.evaluate(CHART_TEXT_JS)
    report.problems += _chart_problems(report.charts, report.width)
    clipped = page.evaluate(_CLIPPED_JS, SPARE)
    if clipped:
        report.problems.append(f"tablas cortadas con más de {SPARE} px libres a su lado: {clipped}")
    bare = page.evaluate(_BARE_CODES_JS, BARE_CODE)
    if bare:
        report.problems.append(f"la columna fija de {len(bare)} filas muestra solo un código: {bare[:5]}")
    if page.locator("a.pom-pdf[href$='.pdf']").count() == 0:
        report.problems.append("sin enlace «Descargar PDF»")
    if axe:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [n["target"] for n in violation["nodes"][:3]]
                report.problems.append(f"axe {violation['impact']} {violation['id']}: {targets}")
    context.close()
    return report


def chart_text_sizes(charts: list[dict]) -> list[float]:
    """The size of every text of every chart, in CSS px as rendered."""
    return [text["px"] for chart in charts for text in chart["texts"]]


def _chart_problems(charts: list[dict], width: int) -> list[str]:
    """Charts shown wider than drawn (their text grows past its print size) and, on the phone, text too small."""
    problems = []
    for chart in charts:
        if not chart["texts"]:
            problems.append(f"figura {chart['src']}: no se encontró su texto")
            continue
        if chart["shown"] > chart["drawn"] + 1:
            problems.append(f"figura {chart['src']} mostrada a {chart['shown']:.0f} px, dibujada a {chart['drawn']} px")
        smallest = min(chart["texts"], key=lambda t: t["px"])
        if width <= PHONE_SCREEN and smallest["px"] < MIN_TEXT_PX:
            problems.append(f"figura {chart['src']}: texto de {smallest['px']:.1f} px («{smallest['text']}»)")
    return problems


def check_site(html: Path, pages: list[str], widths=WIDTHS, axe: bool = True) -> list[PageReport]:
    """Every page at every width, in that order. AT_ONCE of them load at a time, each in its own
    context: while one is checked or waits for its network to go quiet, the next ones load."""
    with serve(html) as base, chromium() as browser:
        return check_pages(browser, base, pages, widths, axe)


def check_pages(browser, base: str, pages: list[str], widths=WIDTHS, axe: bool = True) -> list[PageReport]:
    """check_site with a browser already open on a server already serving the pages at `base`."""
    reports, loading = [], collections.deque()
    for page in pages:
        for width in widths:
            loading.append(_start_check(browser, base, page, width))
            if len(loading) == AT_ONCE:
                reports.append(_finish_check(*loading.popleft(), axe))
    while loading:
        reports.append(_finish_check(*loading.popleft(), axe))
    return reports


def screenshot(html: Path, page_name: str, width: int, target: Path, full_page: bool = True) -> Path:
    """A picture of one page at one width, for a person to look at."""
    with serve(html) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": HEIGHT})
        page = context.new_page()
        page.goto(base + page_name, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(target), full_page=full_page)
        context.close()
    return target


def browse(html: Path, stems: list[str]) -> dict[str, list[str]]:
    """What went wrong on each page at a laptop's width, without axe (used for small test books)."""
    reports = check_site(html, [f"{stem}.html" for stem in stems], widths=(1366,), axe=False)
    return {report.page.removesuffix(".html"): report.problems for report in reports}


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    names = sys.argv[2:] or sorted(p.name for p in folder.glob("*.html"))
    for found in check_site(folder, names):
        print(json.dumps(found.__dict__, ensure_ascii=False))
