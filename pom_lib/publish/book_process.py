"""A Jupyter Book process started ahead of its build: `python -m pom_lib.publish.book_process`.

It imports Sphinx, Jupyter Book and the book's extensions at once, then waits for its arguments
(those of `jupyter-book`, as a JSON list on standard input) and runs that build. An edition starts
one per builder while its chapters run (pom_lib.publish.books.WarmBuilders), so a core a chapter
leaves idle pays the imports, not the wait for the book.
"""

from __future__ import annotations

import json
import sys

# What every build of the book loads: Jupyter Book, Sphinx's two builders, the theme and the
# extensions of _config.yml, this library's among them.
import jupyter_book.sphinx  # noqa: F401
import myst_nb.sphinx_ext  # noqa: F401
import sphinx.builders.html
import sphinx.builders.latex  # noqa: F401
import sphinx_book_theme  # noqa: F401
import sphinx_comments  # noqa: F401
import sphinx_external_toc  # noqa: F401
from jupyter_book.cli.main import main

import pom_lib.render.pdf_book
import pom_lib.render.sphinx_tables
import pom_lib.render.theme_es  # noqa: F401

if __name__ == "__main__":
    arguments = json.loads(sys.stdin.read() or "null")
    if arguments is None:  # not needed after all: the edition closed the pipe without a build
        sys.exit(0)
    main(args=arguments, prog_name="jupyter-book")
