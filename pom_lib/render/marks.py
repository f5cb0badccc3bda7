"""The marks a chapter's outputs carry for sphinx_tables, apart so that writing them needs no Sphinx."""

METADATA_KEY = "pom"
# Written by display.Table right after its LaTeX \caption; replaced by the Sphinx label.
LABEL_MARK = "%pom-label"
# Written by display.Table where its download links go; replaced by links to its files.
DOWNLOADS_MARK_HTML = "<!--pom-descargas-->"
DOWNLOADS_MARK_LATEX = "%pom-descargas\n"
