"""Sphinx extension: the PDF as a publication — cover, metadata, lists, parts and live links.

* The cover names the plan, the institution (wrapping, however long) and the edition with its
  publication date and version (pom_lib.render.imprint), and closes with the complete citation.
* The PDF's metadata carry title, author, subject, keywords and language.
* The contents are followed by the lists of tables and of figures.
* A part does not take a page of its own: its title heads the page of its first chapter. A first
  group of chapters without a caption in _toc.yml (the executive summary) is left unnumbered.
* Downloads linked with ``{download}`` are live links in the PDF, to the edition's address when
  the configuration gives one.

Without an imprint in the configuration (``pom_edicion``, written by ``pom edicion``), the PDF
keeps Sphinx's own title page.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes

from pom_lib.core import spanish
from pom_lib.core.escaping import latex as latex_escape
from pom_lib.render import imprint
from pom_lib.render.sphinx_tables import latex_url, pom_table

# Where Sphinx's HTML builder puts {download} files, under the edition's root.
SPHINX_DOWNLOADS = "_downloads/"
PREAMBLE = r"""
\usepackage{booktabs,longtable,pdflscape,rotating,needspace,colortbl}
\setlength{\LTcapwidth}{\linewidth}
% Tables and figures may take most of a page, so few pages are left nearly empty.
\renewcommand{\topfraction}{0.9}\renewcommand{\bottomfraction}{0.8}
\renewcommand{\textfraction}{0.07}\renewcommand{\floatpagefraction}{0.75}
\setcounter{topnumber}{3}\setcounter{totalnumber}{5}
% Headings never end a page: each needs room for a few lines of what follows.
\usepackage{etoolbox}
\pretocmd{\section}{\needspace{8\baselineskip}}{}{}
\pretocmd{\subsection}{\needspace{6\baselineskip}}{}{}
\pretocmd{\subsubsection}{\needspace{5\baselineskip}}{}{}
\makeatletter
% A part heads the page of its first chapter instead of taking a page of its own: it opens the
% page, and the first chapter's own page break is skipped once.
\let\pom@clearpage\clearpage
\renewcommand{\clearpage}{\ifx\pom@sinsalto\@ne\global\let\pom@sinsalto\relax\else\pom@clearpage\fi}
\renewcommand{\part}[1]{%
  \clearpage
  \refstepcounter{part}%
  \addcontentsline{toc}{part}{Parte \thepart\quad #1}%
  {\raggedright\sffamily\large\textsc{Parte \thepart}\quad #1\par}%
  \vspace{0.6ex}{\color{black!40}\hrule}\vspace{1ex}%
  \global\let\pom@sinsalto\@ne}
\makeatother
"""

CONTENTS = (
    r"\renewcommand{\contentsname}{Índice}\renewcommand{\listtablename}{Índice de tablas}"
    r"\renewcommand{\listfigurename}{Índice de figuras}"
    r"\pagenumbering{roman}\begingroup\parskip 0pt\sphinxtableofcontentshook"
    r"\tableofcontents\listoftables\listoffigures\endgroup\clearpage\pagenumbering{arabic}"
)


def cover(edition: dict) -> str:
    """The title page: plan, institution, edition, date and version, and how to cite the book."""
    e = {k: latex_escape(str(v)) for k, v in edition.items()}
    return rf"""\begin{{titlepage}}
\raggedright\sffamily
\vspace*{{2.5cm}}
{{\Huge\bfseries {e["titulo_plan"]}\par}}
\vspace{{0.4cm}}
{{\LARGE Libro analítico\par}}
\vspace{{1.2cm}}
{{\Large {e["institucion"]} ({e["siglas"]})\par}}
\vfill
{{\Large\bfseries Edición {e["anio"]}\par}}
\vspace{{0.2cm}}
{{\large Publicada el {latex_escape(imprint.publication_text(edition))} · versión {e["version"]}\par}}
\vspace{{1.2cm}}
{{\rmfamily\small\textbf{{Cómo citar este libro.}} {latex_escape(imprint.citation(edition))}\par}}
\end{{titlepage}}
"""


def metadata(edition: dict) -> str:
    """hyperref's PDF metadata (title, author, subject, keywords, language)."""
    fields = {
        "pdftitle": imprint.book_title(edition),
        "pdfauthor": f"{imprint.AUTHOR}; cifras: {edition['institucion']} ({edition['siglas']})",
        "pdfsubject": f"Libro analítico del {edition['titulo_plan']} {spanish.of_definite(edition['institucion'])}, "
        f"edición {edition['anio']}",
        "pdfkeywords": f"plan operativo multianual, planificación, presupuesto, {edition['siglas']}, Guatemala",
    }
    settings = ", ".join(f"{key}={{{latex_escape(value)}}}" for key, value in fields.items())
    if edition.get("url"):
        settings += f", baseurl={{{latex_url(edition['url'])}}}"
    # hyperref does not write the language into the catalog with xdvipdfmx (xelatex's driver).
    language = r"\special{pdf:put @catalog <</Lang (es-GT)>>}"
    return rf"\AtBeginDocument{{\hypersetup{{{settings}}}{language}}}"


def _configure(app: Any, config: Any) -> None:
    elements = config.latex_elements
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE
    elements["tableofcontents"] = CONTENTS
    edition = config.pom_edicion
    if edition:
        elements["maketitle"] = cover(edition)
        elements["preamble"] += "\n" + metadata(edition) + "\n"


def _parts_for_latex(app: Any, doctree: nodes.document) -> None:
    """Put a LaTeX \\part before each captioned toctree, so the PDF shows the book's parts.

    The LaTeX writer inlines toctrees and drops their captions; a raw LaTeX node is ignored by
    the HTML writer, whose navigation shows the captions already. Chapters of an uncaptioned
    toctree before the first part (the executive summary) are not numbered.
    """
    seen_part = False
    for toctree in list(doctree.findall(addnodes.toctree)):
        caption = toctree.get("caption")
        if caption:
            latex = ("" if seen_part else "\\setcounter{secnumdepth}{2}\n") + f"\\part{{{latex_escape(caption)}}}\n"
            seen_part = True
        elif not seen_part:
            latex = "\\setcounter{secnumdepth}{-1}\n"
        else:
            continue
        toctree.parent.insert(toctree.parent.index(toctree), nodes.raw("", latex, format="latex"))


def _keep_headings_with_tables(app: Any, doctree: nodes.document) -> None:
    """A section that opens with a table that breaks across pages asks, before its heading, for the
    room the table needs to start: otherwise the table would move on and leave the heading alone."""
    for section in list(doctree.findall(nodes.section)):
        body = [child for child in section.children if not isinstance(child, nodes.title)]
        first = next(iter(body), None)
        table = next(first.findall(pom_table), None) if isinstance(first, nodes.Element) else None
        if table is not None and table.get("pom_inicio") and section.parent is not None:
            room = nodes.raw("", f"\\Needspace{{{table['pom_inicio'] + 4}\\baselineskip}}\n", format="latex")
            section.parent.insert(section.parent.index(section), room)


def _visit_download_latex(self: Any, node: addnodes.download_reference) -> None:
    """A live link to the file in the published HTML (Sphinx's LaTeX writer prints only its text)."""
    if "filename" in node:
        base = (self.config.pom_edicion or {}).get("url", "")
        self.body.append(rf"\href{{{latex_url(base + SPHINX_DOWNLOADS + node['filename'])}}}{{")
        self.context.append("}")
    else:
        self.context.append("")


def _depart_download_latex(self: Any, node: addnodes.download_reference) -> None:
    self.body.append(self.context.pop())


def setup(app: Any) -> dict[str, Any]:
    app.setup_extension("pom_lib.render.sphinx_tables")  # registers pom_edicion
    app.connect("config-inited", _configure)
    app.connect("doctree-read", _parts_for_latex)
    app.connect("doctree-read", _keep_headings_with_tables)
    app.add_node(addnodes.download_reference, override=True, latex=(_visit_download_latex, _depart_download_latex))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
