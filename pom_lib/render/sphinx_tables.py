"""Turn the book's notebook outputs into numbered tables, numbered figures and raw LaTeX.

Two hooks share this module:

* ``PomMimeRenderer``, a myst-nb mime-renderer plugin (entry point group
  ``myst_nb.mime_renderers`` in pyproject.toml). myst-nb would put every
  ``text/latex`` output inside a maths environment, where a ``longtable`` cannot
  live; the plugin passes it through as raw LaTeX instead. Outputs made by
  ``pom_lib.present.display`` carry ``{"pom": {...}}`` output metadata (kind, caption,
  alt text, source, name, and the cells or data behind them), which the plugin
  copies onto its nodes.
* ``setup(app)``, a Sphinx extension (``sphinx.extra_extensions`` in _config.yml).
  myst-nb renders every mime type of an output and picks one per builder only
  after reading, so numbering a variant would count each table twice. The
  ``WrapNumberedOutputs`` transform therefore wraps the whole output once: in a
  ``pom_table`` (enumerable as ``table``) or a captioned ``figure``. Sphinx numbers
  those «Tabla N» / «Figura N» in HTML; in LaTeX the ``longtable`` / ``figure``
  ``\\caption`` counts, and both count through the book in the same order.

Every table and chart is also offered for download: the transform names its files
(``datos/<name>.csv``, ``.xlsx``, ``.svg``) and remembers their content in the build
environment; the HTML builder writes them beside the pages when it finishes, and both
builders link them under the table or figure (in the PDF, with the edition's address when
the configuration gives one, see pom_lib.render.imprint).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform

from pom_lib.core import escaping
from pom_lib.render import imprint
from pom_lib.render.marks import (
    DOWNLOADS_MARK_HTML,
    DOWNLOADS_MARK_LATEX,
    LABEL_MARK,
    LANDSCAPE_END_MARK,
    LANDSCAPE_MARK,
    METADATA_KEY,
)

_IMAGE_TYPES = {"image/svg+xml", "application/pdf", "image/png", "image/jpeg"}
_MATH_OPENERS = ("$", r"\[", r"\(", r"\begin{equation", r"\begin{align")


class pom_table(nodes.General, nodes.Element):
    """One table output, numbered by Sphinx; holds the output's mime variants."""


class pom_table_body(nodes.General, nodes.Element):
    """A table output's HTML or LaTeX text."""


class pom_downloads(nodes.General, nodes.Element):
    """The download links of a figure: ``files`` is a list of (label, path under the HTML root)."""


DATA_FOLDER = "datos"


class PomMimeRenderer:
    """myst-nb plugin: mark display.py's tables and figures, pass other LaTeX through raw."""

    mime_priority_overrides = ()

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if inline:
            return None
        meta = data.output_metadata.get(METADATA_KEY) or {}
        kind = meta.get("kind")
        if kind == "table" and data.mime_type in ("text/html", "text/latex"):
            fmt = "html" if data.mime_type == "text/html" else "latex"
            return [pom_table_body(format=fmt, content=data.string, pom=meta)]
        if kind == "figure" and data.mime_type in _IMAGE_TYPES:
            images = renderer.render_image(data)
            for image in images:
                image["alt"] = meta.get("alt", "")
                image["pom"] = meta
            return images
        if data.mime_type == "text/latex" and not data.string.lstrip().startswith(_MATH_OPENERS):
            return [nodes.raw(text=data.string, format="latex", classes=["output", "text_latex"])]
        return None


def _is_mime_bundle(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "mime_bundle"


class WrapNumberedOutputs(SphinxTransform):
    """Wrap each marked output bundle once, before Sphinx assigns ids and numbers; name its downloads."""

    default_priority = 200  # before AutoNumbering (210)

    def apply(self, **kwargs: Any) -> None:
        taken: set[str] = set()
        for bundle in list(self.document.findall(_is_mime_bundle)):
            marked = next((n for n in bundle.findall(nodes.Element) if "pom" in n.attributes), None)
            if marked is None:
                continue
            meta = marked["pom"]
            if meta["kind"] == "table":
                wrapper = pom_table(
                    caption=meta["caption"],
                    pom_inicio=meta.get("lineas_iniciales", 0),
                    pom_apaisada=meta.get("apaisada", False),
                )
            else:
                wrapper = nodes.figure(align="center", classes=["pom-figura"])
            bundle.replace_self(wrapper)
            wrapper += bundle
            stem = _unique(meta.get("name") or f"{self.env.docname}-{_slug(meta['caption'])}", taken)
            files = self._downloads(stem, meta, bundle)
            wrapper["pom_descargas"] = files
            if meta["kind"] == "figure":
                wrapper += nodes.caption(meta["caption"], meta["caption"])
                legend = nodes.legend()
                if meta.get("source"):
                    legend += nodes.paragraph(text=meta["source"])
                legend += pom_downloads(files=files)
                wrapper += legend
            if meta.get("name"):
                wrapper["names"].append(nodes.fully_normalize_name(meta["name"]))
                self.document.note_explicit_target(wrapper, wrapper)

    def _downloads(self, stem: str, meta: dict, bundle: nodes.Element) -> list[tuple[str, str]]:
        """Name the output's files; return their (label, path) for the links.

        For the HTML builder, which writes them, their content is made now and kept in the
        environment: a later build lent this environment makes again only the files of the pages it
        reads again.
        """
        store: dict[str, dict] = {}
        files = []
        if meta["kind"] == "figure":
            svg = next((n["uri"] for n in bundle.findall(nodes.image) if n.get("uri", "").endswith(".svg")), None)
            if svg:
                files.append(("SVG", f"{DATA_FOLDER}/{stem}.svg"))
                store[files[-1][1]] = {"copia": svg}
        data = meta.get("datos")
        if data:
            files.append(("datos (CSV)" if meta["kind"] == "figure" else "CSV", f"{DATA_FOLDER}/{stem}.csv"))
            store[files[-1][1]] = {"csv": data}
            if meta["kind"] == "table":
                files.append(("Excel", f"{DATA_FOLDER}/{stem}.xlsx"))
                store[files[-1][1]] = {"xlsx": data, "titulo": meta["caption"]}
        if self.app.builder.format == "html":
            kept = _store(self.env).setdefault(self.env.docname, {})
            kept.update({path: _made(content) for path, content in store.items()})
        return files


def _made(content: dict) -> dict:
    """A download as the environment keeps it: the file of the book to copy, or the table's bytes."""
    from pom_lib.export.downloads import table_csv, table_xlsx

    if "csv" in content:
        return {"bytes": table_csv(content["csv"]["columnas"], content["csv"]["filas"])}
    if "xlsx" in content:
        return {"bytes": table_xlsx(content["xlsx"]["columnas"], content["xlsx"]["filas"], content["titulo"])}
    return content


def _slug(text: str, limit: int = 60) -> str:
    """«Metas físicas por producto» → «metas-fisicas-por-producto»."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:limit].rstrip("-") or "salida"


def _unique(stem: str, taken: set[str]) -> str:
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _store(env: Any) -> dict:
    """Files the HTML builder writes, per document: {docname: {path: content}} (`_made`); kept in the
    pickled environment."""
    if not hasattr(env, "pom_descargas"):
        env.pom_descargas = {}
    return env.pom_descargas


def _purge_downloads(app: Any, env: Any, docname: str) -> None:
    _store(env).pop(docname, None)


def _merge_downloads(app: Any, env: Any, docnames: set[str], other: Any) -> None:
    for docname in docnames:
        if docname in _store(other):
            _store(env)[docname] = _store(other)[docname]


def _write_downloads(app: Any, exception: Exception | None) -> None:
    """Write every table's and chart's files beside the HTML pages (unchanged files are left alone)."""
    if exception is not None or app.builder.format != "html":
        return
    for files in _store(app.env).values():
        for path, content in files.items():
            if "copia" in content:
                data = (Path(app.srcdir) / content["copia"].lstrip("/")).read_bytes()
            else:
                data = content["bytes"]
            _write_if_changed(Path(app.outdir) / path, data)
    # Files a chapter writes for readers to cite by a stable address (cifras.json): at the site's root.
    for relative in app.config.pom_archivos_raiz:
        source = Path(app.srcdir) / relative
        if source.is_file():
            _write_if_changed(Path(app.outdir) / source.name, source.read_bytes())


def _write_if_changed(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_bytes() != data:
        target.write_bytes(data)


def _links_html(self: Any, files: list[tuple[str, str]]) -> str:
    if not files:
        return ""
    root = self.builder.get_target_uri(self.builder.current_docname).count("/") * "../"
    links = " · ".join(
        f'<a href="{escaping.html(root + path)}" download>{escaping.html(label)}</a>' for label, path in files
    )
    return f'<p class="pom-descargas">Descargar: {links}</p>\n'


def _links_latex(self: Any, files: list[tuple[str, str]]) -> str:
    """Live links to the files, absolute when the edition's address is known."""

    if not files:
        return ""
    base = (self.config.pom_edicion or {}).get("url", "")
    links = ", ".join(rf"\href{{{latex_url(base + path)}}}{{{escaping.latex(label)}}}" for label, path in files)
    return f"Descargas: {links}."


def latex_url(url: str) -> str:
    """A URL as the argument of \\href (hyperref takes it verbatim but for these characters)."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("%", "\\%").replace("#", "\\#")


def _visit_table_html(self: Any, node: pom_table) -> None:
    self.body.append(self.starttag(node, "div", CLASS="pom-tabla-numerada"))


def _depart_table_html(self: Any, node: pom_table) -> None:
    self.body.append("</div>\n")


_CAPTION = re.compile(r"<caption>(.*?)</caption>\n?", re.S)


def _visit_body_html(self: Any, node: pom_table_body) -> None:
    if node["format"] == "html":
        content, parent = node["content"], node.parent
        caption = _CAPTION.search(content)
        if caption and isinstance(parent, pom_table) and parent["ids"]:
            # The title stays above the table's scrolling box, with the number spliced in; the box
            # and the table are named after it for screen readers.
            title_id = f"{parent['ids'][0]}-titulo"
            self.body.append(f'<p class="pom-titulo-tabla" id="{title_id}">')
            self.add_fignumber(parent)
            self.body.append(caption.group(1) + "</p>\n")
            labelled = f'aria-labelledby="{title_id}"'
            content = _CAPTION.sub("", content, count=1)
            content = content.replace('role="region"', f'role="region" {labelled}', 1)
            content = content.replace(
                '<table class="table pom-tabla">', f'<table class="table pom-tabla" {labelled}>', 1
            )
        files = parent.get("pom_descargas", []) if isinstance(parent, pom_table) else []
        self.body.append(content.replace(DOWNLOADS_MARK_HTML, _links_html(self, files)))
    raise nodes.SkipNode


def _visit_body_latex(self: Any, node: pom_table_body) -> None:
    if node["format"] == "latex":
        parent = node.parent
        ids = parent["ids"] if isinstance(parent, pom_table) else []
        files = parent.get("pom_descargas", []) if isinstance(parent, pom_table) else []
        labels = "".join(self.hypertarget(node_id, anchor=False) for node_id in ids)
        opened = isinstance(parent, pom_table) and parent.get("pom_apaisada_abierta")
        content = (
            node["content"]
            .replace(LABEL_MARK, labels)
            .replace(DOWNLOADS_MARK_LATEX, _links_latex(self, files))
            .replace(LANDSCAPE_MARK, "" if opened else "\\begin{landscape}\n")
            .replace(LANDSCAPE_END_MARK, "" if opened else "\\end{landscape}\n")
        )
        self.body.append("\n" + content + "\n")
    raise nodes.SkipNode


def _visit_downloads_html(self: Any, node: pom_downloads) -> None:
    self.body.append(_links_html(self, node["files"]))
    raise nodes.SkipNode


def _visit_downloads_latex(self: Any, node: pom_downloads) -> None:
    if node["files"]:
        self.body.append("\n\n{\\footnotesize " + _links_latex(self, node["files"]) + "}\n")
    raise nodes.SkipNode


def _pass(self: Any, node: nodes.Node) -> None:
    """Wrappers add nothing of their own in LaTeX: the table brings its caption."""


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _reject_maths(self: Any, node: nodes.Node) -> None:
    raise ExtensionError(
        "El libro se publica sin MathJax (debe funcionar sin conexión): escriba la fórmula como texto o como figura."
    )


def _add_static_path(app: Any) -> None:
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def _add_tables_script(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """A page with tables gets the script that lets a wide one take the contents box's column (pom.css)."""
    if doctree is not None and next(doctree.findall(pom_table), None) is not None:
        app.add_js_file("pom-tablas.js", loading_method="defer")


# The edition switcher of the site (pom_lib.publish.site): «Edición: [2025 ▾]» at the top of every page.
# Its entries come from versiones.js at the site root, loaded as a script so the page also works
# from file://; a new edition rewrites that file, never the pages of the editions before it.
_SWITCHER = """(function () {
  var current = %s;
  var root = document.documentElement.dataset.content_root || "./";
  var page = (location.pathname.split("/").pop() || "index.html").replace(/\\.html$/, "");
  function show() {
    var data = window.POM_EDICIONES;
    if (!data || document.querySelector(".pom-ediciones")) return;
    var label = document.createElement("label");
    label.className = "pom-ediciones";
    label.style.cssText = "display:inline-flex;align-items:center;gap:.35rem;margin:0 .75rem;" +
        "font-size:.9rem;white-space:nowrap";
    var text = document.createElement("span");
    text.className = "pom-ediciones-rotulo";
    text.textContent = "Edición:";
    label.appendChild(text);
    var select = document.createElement("select");
    select.setAttribute("aria-label", "Edición del libro");
    select.style.cssText = "font-size:.9rem;padding:.1rem .25rem";
    data.ediciones.forEach(function (edition) {
      var option = document.createElement("option");
      var target = edition.paginas.indexOf(page) >= 0 ? page : "index";
      option.value = new URL(root + "../" + edition.ruta + target + ".html", location.href).href;
      option.textContent = edition.anio + (edition.anio === data.ultima ? " (última)" : "");
      option.selected = String(edition.anio) === current;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { location.href = select.value; });
    label.appendChild(select);
    var item = document.createElement("div");
    item.className = "header-article-item";
    item.appendChild(label);
    var place = document.querySelector(".header-article-items__end") || document.querySelector("main") || document.body;
    place.insertBefore(item, place.firstChild);
    // The theme stacks the end items as blocks; in one row the menu sits beside its buttons.
    place.style.display = "flex";
    place.style.alignItems = "center";
  }
  var script = document.createElement("script");
  script.src = new URL(root + "../versiones.js", location.href).href;
  script.onload = function () {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show); else show();
  };
  document.head.appendChild(script);
})();
"""


# A page writes {{ cita_del_libro }} where it cites the book: the cover and the footers print the same.
CITATION_SUBSTITUTION = "cita_del_libro"


def _book_citation(app: Any, config: Any) -> None:
    edition = config.pom_edicion
    text = escaping.markdown(imprint.citation(edition)) if edition else ""
    config.myst_substitutions = {**(config.myst_substitutions or {}), CITATION_SUBSTITUTION: text}


def _add_switcher(app: Any, config: Any) -> None:
    # At config-inited there is no builder yet: the script goes to the registry only, and the HTML
    # builder adds it once to every page (other builders ignore scripts).
    edition = config.pom_edicion_sitio
    if edition:
        app.add_js_file(None, body=_SWITCHER % json.dumps(str(edition)))


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: numbered table node, the wrapping transform, no MathJax."""
    others = {b: (_skip, None) for b in ("text", "man", "texinfo")}
    app.add_enumerable_node(
        pom_table,
        "table",
        lambda node: node["caption"],
        html=(_visit_table_html, _depart_table_html),
        latex=(_pass, _pass),
        **others,
    )
    app.add_node(
        pom_table_body,
        html=(_visit_body_html, None),
        latex=(_visit_body_latex, None),
        **others,
    )
    app.add_node(
        pom_downloads,
        html=(_visit_downloads_html, None),
        latex=(_visit_downloads_latex, None),
        **others,
    )
    app.add_transform(WrapNumberedOutputs)
    app.connect("env-purge-doc", _purge_downloads)
    app.connect("env-merge-info", _merge_downloads)
    app.connect("build-finished", _write_downloads)
    # The edition's imprint (pom_lib.render.imprint), written into the configuration by `pom edicion`.
    app.add_config_value("pom_edicion", {}, "env")
    # Read by pom_lib.publish.edition into the imprint's address; declared so Sphinx accepts it.
    app.add_config_value("pom_sitio_url", "", "env")
    # Files of the book's sources (relative to it) copied beside the HTML pages, at the root.
    app.add_config_value("pom_archivos_raiz", [], "html")
    # Set only by `pom sitio`: the book built by `pom edicion` has no switcher (no site around it).
    app.add_config_value("pom_edicion_sitio", "", "html")
    app.connect("config-inited", _add_switcher)
    app.connect("config-inited", _book_citation)
    # The book's stylesheet travels with this extension, so any book that loads it gets it.
    app.connect("builder-inited", _add_static_path)
    app.add_css_file("pom.css")
    app.connect("html-page-context", _add_tables_script)
    # Selected by html_math_renderer in _config.yml: no page ever asks a CDN for MathJax.
    app.add_html_math_renderer(
        "sin-formulas", inline_renderers=(_reject_maths, None), block_renderers=(_reject_maths, None)
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
