"""The marks a chapter's outputs carry for sphinx_tables, apart so that writing them needs no Sphinx."""

METADATA_KEY = "pom"
# Written by display.Table right after its LaTeX \caption; replaced by the Sphinx label.
LABEL_MARK = "%pom-label"
# Written by display.Table where its download links go; replaced by links to its files.
DOWNLOADS_MARK_HTML = "<!--pom-descargas-->"
DOWNLOADS_MARK_LATEX = "%pom-descargas\n"
# Written by display.Table where a table set on landscape pages opens and closes them; replaced by
# \begin{landscape} and \end{landscape}, or by nothing when pom_lib.render.pdf_book opens them before
# the table's heading and closes them after the notebook cell that holds it.
LANDSCAPE_MARK = "%pom-apaisada\n"
LANDSCAPE_END_MARK = "%pom-fin-apaisada\n"
