"""Turn the book's notebook outputs into numbered tables, numbered figures and raw LaTeX.

Two hooks share this module:

* ``PomMimeRenderer``, a myst-nb mime-renderer plugin (entry point group
  ``myst_nb.mime_renderers`` in pyproject.toml). myst-nb would put every
  ``text/latex`` output inside a maths environment, where a ``longtable`` cannot
  live; the plugin passes it through as raw LaTeX instead. Outputs made by
  ``pom_lib.display`` carry ``{"pom": {...}}`` output metadata (kind, caption,
  alt text, source, name), which the plugin copies onto its nodes.
* ``setup(app)``, a Sphinx extension (``sphinx.extra_extensions`` in _config.yml).
  myst-nb renders every mime type of an output and picks one per builder only
  after reading, so numbering a variant would count each table twice. The
  ``WrapNumberedOutputs`` transform therefore wraps the whole output once: in a
  ``pom_table`` (enumerable as ``table``) or a captioned ``figure``. Sphinx numbers
  those «Tabla N» / «Figura N» in HTML; in LaTeX the ``longtable`` / ``figure``
  ``\\caption`` counts, and both count through the book in the same order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform

METADATA_KEY = "pom"
# Written by display.Table right after its LaTeX \caption; replaced here by the Sphinx label.
LABEL_MARK = "%pom-label"
# Written by display.Table where its download links go; replaced here by links to its files.
DOWNLOADS_MARK_HTML = "<!--pom-descargas-->"
DOWNLOADS_MARK_LATEX = "%pom-descargas\n"
_IMAGE_TYPES = {"image/svg+xml", "application/pdf", "image/png", "image/jpeg"}
_MATH_OPENERS = ("$", r"\[", r"\(", r"\begin{equation", r"\begin{align")


class pom_table(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """One table output, numbered by Sphinx; holds the output's mime variants."""


class pom_table_body(nodes.General, nodes.Element):  # noqa: N801
    """A table output's HTML or LaTeX text."""


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
    """Wrap each marked output bundle once, before Sphinx assigns ids and numbers."""

    default_priority = 200  # before AutoNumbering (210)

    def apply(self, **kwargs: Any) -> None:
        for bundle in list(self.document.findall(_is_mime_bundle)):
            marked = next((n for n in bundle.findall(nodes.Element) if "pom" in n.attributes), None)
            if marked is None:
                continue
            meta = marked["pom"]
            if meta["kind"] == "table":
                wrapper = pom_table(caption=meta["caption"])
            else:
                wrapper = nodes.figure(align="center")
            bundle.replace_self(wrapper)
            wrapper += bundle
            if meta["kind"] == "figure":
                wrapper += nodes.caption(meta["caption"], meta["caption"])
                if meta.get("source"):
                    wrapper += nodes.legend("", nodes.paragraph(text=meta["source"]))
            if meta.get("name"):
                wrapper["names"].append(nodes.fully_normalize_name(meta["name"]))
                self.document.note_explicit_target(wrapper, wrapper)


def _visit_table_html(self: Any, node: pom_table) -> None:
    self.body.append(self.starttag(node, "div", CLASS="pom-tabla-numerada"))


def _depart_table_html(self: Any, node: pom_table) -> None:
    self.body.append("</div>\n")


def _visit_body_html(self: Any, node: pom_table_body) -> None:
    if node["format"] == "html":
        # The caption lives inside the output's own HTML, so the number is spliced into it.
        head, caption, tail = node["content"].partition("<caption>")
        self.body.append(head + caption)
        if caption and isinstance(node.parent, pom_table):
            self.add_fignumber(node.parent)
        self.body.append(tail)
    raise nodes.SkipNode


def _visit_body_latex(self: Any, node: pom_table_body) -> None:
    if node["format"] == "latex":
        ids = node.parent["ids"] if isinstance(node.parent, pom_table) else []
        labels = "".join(self.hypertarget(node_id, anchor=False) for node_id in ids)
        self.body.append("\n" + node["content"].replace(LABEL_MARK, labels) + "\n")
    raise nodes.SkipNode


def _pass(self: Any, node: nodes.Node) -> None:
    """Wrappers add nothing of their own in LaTeX: the table brings its caption."""


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _reject_maths(self: Any, node: nodes.Node) -> None:
    raise ExtensionError(
        "El libro se publica sin MathJax (debe funcionar sin conexión): "
        "escriba la fórmula como texto o como figura."
    )


def _add_static_path(app: Any) -> None:
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


# The edition switcher of the site (pom_lib.site): «Edición: [2025 ▾]» at the top of every page.
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
    label.style.cssText = "display:inline-flex;align-items:center;gap:.35rem;margin:0 .75rem;font-size:.9rem;white-space:nowrap";
    label.appendChild(document.createTextNode("Edición:"));
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


def _add_switcher(app: Any, config: Any) -> None:
    # At config-inited there is no builder yet: the script goes to the registry only, and the HTML
    # builder adds it once to every page (other builders ignore scripts).
    edition = config.pom_edicion_sitio
    if edition:
        app.add_js_file(None, body=_SWITCHER % json.dumps(str(edition)))


def _parts_for_latex(app: Any, doctree: nodes.document) -> None:
    """Put a LaTeX \\part before each captioned toctree, so the PDF shows the book's parts.

    The LaTeX writer inlines toctrees and drops their captions; a raw LaTeX node is
    ignored by the HTML writer, whose navigation shows the captions already.
    """
    from sphinx import addnodes

    from .display import latex_escape  # display imports this module: import here, not at the top

    for toctree in list(doctree.findall(addnodes.toctree)):
        caption = toctree.get("caption")
        if caption:
            part = nodes.raw("", f"\\part{{{latex_escape(caption)}}}\n", format="latex")
            toctree.parent.insert(toctree.parent.index(toctree), part)


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
    app.add_transform(WrapNumberedOutputs)
    app.connect("doctree-read", _parts_for_latex)
    # Set only by `pom sitio`: the book built by `pom edicion` has no switcher (no site around it).
    app.add_config_value("pom_edicion_sitio", "", "html")
    app.connect("config-inited", _add_switcher)
    # The book's stylesheet travels with this extension, so any book that loads it gets it.
    app.connect("builder-inited", _add_static_path)
    app.add_css_file("pom.css")
    # Selected by html_math_renderer in _config.yml: no page ever asks a CDN for MathJax.
    app.add_html_math_renderer(
        "sin-formulas", inline_renderers=(_reject_maths, None), block_renderers=(_reject_maths, None)
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
