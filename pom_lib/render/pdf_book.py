"""Sphinx extension: the PDF as a publication — cover, metadata, lists, parts and live links.

* The cover names the plan and its institution («Análisis del Plan … del Ministerio de …»), the
  book's author, who writes the analysis, and the edition with its publication date and version
  (pom_lib.render.imprint); it closes with the citation, the same as the footers' and the annexes'.
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
from sphinx.writers.latex import LaTeXTranslator

from pom_lib.core import spanish
from pom_lib.core.escaping import latex as latex_escape
from pom_lib.core.escaping import latex_breakable
from pom_lib.render import imprint
from pom_lib.render.sphinx_tables import latex_url, pom_table

# Markdown heading levels of a rubric (## in a chapter is a section) and their entries in the contents.
CONTENTS_LEVELS = {2: "section", 3: "subsection"}
# Where Sphinx's HTML builder puts {download} files, under the edition's root.
SPHINX_DOWNLOADS = "_downloads/"
PREAMBLE = r"""
\usepackage{booktabs,longtable,pdflscape,needspace,colortbl}
\usepackage[fit]{truncate}
% Every section and subsection in the contents, those of headings a chapter prints too (see _rubric_in_contents).
\setcounter{tocdepth}{2}
% Running heads and feet keep to one line however long a title: the end is cut with «…».
\renewcommand{\TruncateMarker}{\,…}
\makeatletter
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyfoot[RO]{{\py@HeaderFamily\thepage}}%
  \fancyfoot[LO]{{\py@HeaderFamily\truncate{0.85\headwidth}{\nouppercase{\rightmark}}}}%
  \fancyhead[RO]{{\py@HeaderFamily\truncate{\headwidth}{\@title\sphinxheadercomma\py@release}}}%
  \if@twoside
    \fancyfoot[LE]{{\py@HeaderFamily\thepage}}%
    \fancyfoot[RE]{{\py@HeaderFamily\truncate{0.85\headwidth}{\nouppercase{\leftmark}}}}%
    \fancyhead[LE]{{\py@HeaderFamily\truncate{\headwidth}{\@title\sphinxheadercomma\py@release}}}%
  \fi
  \renewcommand{\headrulewidth}{0.4pt}\renewcommand{\footrulewidth}{0.4pt}}
\makeatother
% The break opportunities of very long words (pom_lib.core.escaping) are nothing in bookmarks.
\pdfstringdefDisableCommands{\def\allowbreak{}}
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
    """The title page: whose plan it is and who analyses it, the edition, date and version, and the
    citation (the same as the footers' and the annexes')."""
    e = {k: latex_breakable(str(v)) for k, v in edition.items()}
    return rf"""\begin{{titlepage}}
\raggedright\sffamily
\vspace*{{2.5cm}}
{{\Huge\bfseries {latex_breakable(imprint.analysis_title(edition))}\par}}
\vspace{{0.4cm}}
{{\LARGE Libro analítico\par}}
\vspace{{1.2cm}}
{{\Large Análisis: {latex_breakable(imprint.author(edition))}\par}}
\vspace{{0.3cm}}
{{\large Plan y cifras: {e["institucion"]} ({e["siglas"]})\par}}
\vfill
{{\Large\bfseries Edición {e["anio"]}\par}}
\vspace{{0.2cm}}
{{\large Publicada el {latex_escape(imprint.publication_text(edition))} · versión {e["version"]}\par}}
\vspace{{1.2cm}}
{{\rmfamily\small\textbf{{Cómo citar este libro.}} {latex_breakable(imprint.citation(edition))}\par}}
\end{{titlepage}}
"""


def metadata(edition: dict) -> str:
    """hyperref's PDF metadata (title, author, subject, keywords, language)."""
    fields = {
        "pdftitle": imprint.book_title(edition),
        "pdfauthor": f"{imprint.author(edition)}; cifras: {edition['institucion']} ({edition['siglas']})",
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


# Text before a landscape table that may go along with its heading onto the turned page, in characters
# (about ten lines across a turned page): more would rather stay on the portrait page before.
SHORT_LEAD = 1500


def _keep_headings_with_tables(app: Any, doctree: nodes.document) -> None:
    """A section that opens with a table keeps its heading with it.

    Before a table that breaks across pages, the heading asks for the room the table needs to
    start: otherwise the table would move on and leave the heading alone. A table set on landscape
    pages that follows its heading and a few lines takes them along onto its first turned page, and
    the few lines after it too, so no portrait page is left with only a heading or a sentence.
    """
    for section in list(doctree.findall(nodes.section)):
        body = [child for child in section.children if not isinstance(child, nodes.title)]
        first = next(iter(body), None)
        table = next(first.findall(pom_table), None) if isinstance(first, nodes.Element) else None
        if table is not None and table.get("pom_inicio") and not table.get("pom_apaisada"):
            room = nodes.raw("", f"\\Needspace{{{table['pom_inicio'] + 4}\\baselineskip}}\n", format="latex")
            section.parent.insert(section.parent.index(section), room)
        holder = _landscape_table_after_short_lead(section, body)
        if holder is not None:
            next(holder.findall(pom_table))["pom_apaisada_abierta"] = True
            # Both at the level of the section's children, outside the cell environments around the table.
            opening = nodes.raw("", "\\begin{landscape}\n", format="latex")
            section.parent.insert(section.parent.index(section), opening)
            last = _short_text_after(section, holder)
            section.insert(section.index(last) + 1, nodes.raw("", "\\end{landscape}\n", format="latex"))


def _landscape_table_after_short_lead(section: nodes.section, body: list) -> nodes.Element | None:
    """The child of a subsection holding the landscape table it leads to with no more than SHORT_LEAD
    characters of text before it."""
    if not isinstance(section.parent, nodes.section):  # a chapter's own page is never turned
        return None
    lead = 0
    for child in body:
        if isinstance(child, nodes.section):
            return None
        table = next(child.findall(pom_table), None) if isinstance(child, nodes.Element) else None
        if table is not None:
            return child if table.get("pom_apaisada") and not _has_figure(child) else None
        if _has_figure(child):
            return None
        lead += len(child.astext())
        if lead > SHORT_LEAD:
            return None
    return None


def _short_text_after(section: nodes.section, holder: nodes.Element) -> nodes.Element:
    """The last of the paragraphs or text cells right after the table (up to SHORT_LEAD characters) that close the
    landscape pages with it: alone on the portrait page after, they would leave it nearly empty."""
    last, text = holder, 0
    for child in section.children[section.index(holder) + 1 :]:
        text += len(child.astext())
        if text > SHORT_LEAD or not _plain_text(child):
            break
        last = child
    return last


def _plain_text(node: nodes.Node) -> bool:
    """A paragraph, or a cell that prints only text: no heading, table or figure."""
    if isinstance(node, nodes.paragraph):
        return True
    if not isinstance(node, nodes.container):
        return False
    return not any(next(node.findall(kind), None) for kind in (nodes.section, nodes.rubric, pom_table, nodes.figure))


def _has_figure(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and next(node.findall(nodes.figure), None) is not None


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


def _visit_text_latex(self: Any, node: nodes.Text) -> None:
    """Text as Sphinx writes it, but a very long word may break (pom_lib.core.escaping.latex_breakable)."""
    self.body.append(latex_breakable(node.astext(), encode=self.encode))


def _visit_rubric_latex(self: Any, node: nodes.rubric) -> None:
    """A heading printed by a chapter's code (a rubric: the program, the fiche) enters the contents too."""
    self.pom_rubric = len(self.body)
    LaTeXTranslator.visit_rubric(self, node)


def _depart_rubric_latex(self: Any, node: nodes.rubric) -> None:
    LaTeXTranslator.depart_rubric(self, node)
    level = CONTENTS_LEVELS.get(node.get("level"))
    if level:
        title = "".join(self.body[self.pom_rubric :]).split("{", 1)[1].rsplit("}", 1)[0]
        self.body.append(rf"\phantomsection\addcontentsline{{toc}}{{{level}}}{{{title}}}" + "\n")


def setup(app: Any) -> dict[str, Any]:
    app.setup_extension("pom_lib.render.sphinx_tables")  # registers pom_edicion
    app.connect("config-inited", _configure)
    app.connect("doctree-read", _parts_for_latex)
    app.connect("doctree-read", _keep_headings_with_tables)
    app.add_node(addnodes.download_reference, override=True, latex=(_visit_download_latex, _depart_download_latex))
    app.add_node(nodes.Text, override=True, latex=(_visit_text_latex, None))
    app.add_node(nodes.rubric, override=True, latex=(_visit_rubric_latex, _depart_rubric_latex))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
