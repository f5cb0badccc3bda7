"""The imprint of an edition: what it is, when it was published, which version, how to cite it.

`imprint()` gathers it once (``pom edicion`` and ``pom sitio`` put it in the book's
configuration as ``pom_edicion``); the HTML footer, the PDF cover and metadata, and the links
to the PDF and the downloads all read it from there. The publication date is the edition's,
recorded in ediciones.yml, never the date a build happens to run.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from pom_lib.core import spanish
from pom_lib.core.formatting import LOCALE

# Who writes the analysis when the configuration names no author: the book's team, never the
# institution, whose plan the book analyses.
AUTHOR = "Libro POM"


def pdf_name(year: int) -> str:
    """The PDF's file name: the edition year in it, so a downloaded copy says which one it is."""
    return f"libro-pom-{year}.pdf"


def imprint(
    info: dict, year: int, published: date, version: str = "1", site_url: str = "", author: str = AUTHOR
) -> dict:
    """The edition's imprint from the plan's `info` (plan.csv), as plain data for the configuration.

    `site_url` is the published site's address (its editions live in <site_url>/<year>/); empty
    when unknown, and then links from the PDF are relative to where the PDF sits. `author` writes
    the analysis (the book's `author` in _config.yml).
    """
    url = f"{site_url.rstrip('/')}/{year}/" if site_url else ""
    return {
        "anio": int(year),
        "titulo_plan": str(info["titulo"]),
        "institucion": str(info["institucion"]),
        "siglas": str(info["siglas"]),
        "publicacion": published.isoformat(),
        "version": str(version),
        "url": url,
        "pdf": pdf_name(year),
        "autor": str(author or AUTHOR),
    }


def book_title(edition: dict) -> str:
    return f"{edition['titulo_plan']}: libro analítico"


def author(edition: dict) -> str:
    return edition.get("autor") or AUTHOR


def analysis_title(edition: dict) -> str:
    """«Análisis del Plan Operativo Multianual 2025-2029 del Ministerio de …»: whose plan it is."""
    return f"Análisis {spanish.of_definite(edition['titulo_plan'])} {spanish.of_definite(edition['institucion'])}"


def publication_text(edition: dict) -> str:
    """«25 de noviembre de 2026»."""
    return format_date(date.fromisoformat(edition["publicacion"]), "d 'de' MMMM 'de' y", locale=LOCALE)


def edition_line(edition: dict) -> str:
    """«Edición 2025 · versión 1 · publicada el 25 de noviembre de 2026»."""
    return f"Edición {edition['anio']} · versión {edition['version']} · publicada el {publication_text(edition)}"


def citation(edition: dict) -> str:
    """The one reference to the edition, in Spanish, as plain text: the cover, every page's footer and
    the annexes print this same text. The author is the book's; the institution is the plan's owner."""
    published = date.fromisoformat(edition["publicacion"])
    text = (
        f"{author(edition)} ({published.year}). {analysis_title(edition)} ({edition['siglas']}): libro analítico. "
        f"Edición {edition['anio']}, versión {edition['version']}, publicada el {publication_text(edition)}."
    )
    return f"{text} {edition['url']}" if edition["url"] else text
