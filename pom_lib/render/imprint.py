"""The imprint of an edition: what it is, when it was published, which version, how to cite it.

`imprint()` gathers it once (``pom edicion`` and ``pom sitio`` put it in the book's
configuration as ``pom_edicion``); the HTML footer, the PDF cover and metadata, and the links
to the PDF and the downloads all read it from there. The publication date is the edition's,
recorded in ediciones.yml, never the date a build happens to run.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from pom_lib.core.formatting import LOCALE

AUTHOR = "Libro POM"


def pdf_name(year: int) -> str:
    """The PDF's file name: the edition year in it, so a downloaded copy says which one it is."""
    return f"libro-pom-{year}.pdf"


def imprint(info: dict, year: int, published: date, version: str = "1", site_url: str = "") -> dict:
    """The edition's imprint from the plan's `info` (plan.csv), as plain data for the configuration.

    `site_url` is the published site's address (its editions live in <site_url>/<year>/); empty
    when unknown, and then links from the PDF are relative to where the PDF sits.
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
    }


def book_title(edition: dict) -> str:
    return f"{edition['titulo_plan']}: libro analítico"


def publication_text(edition: dict) -> str:
    """«25 de noviembre de 2026»."""
    return format_date(date.fromisoformat(edition["publicacion"]), "d 'de' MMMM 'de' y", locale=LOCALE)


def edition_line(edition: dict) -> str:
    """«Edición 2025 · versión 1 · publicada el 25 de noviembre de 2026»."""
    return f"Edición {edition['anio']} · versión {edition['version']} · publicada el {publication_text(edition)}"


def citation(edition: dict) -> str:
    """A complete reference to the edition, in Spanish, as plain text."""
    published = date.fromisoformat(edition["publicacion"])
    text = (
        f"{AUTHOR} ({published.year}). {book_title(edition)} ({edition['institucion']}, "
        f"{edition['siglas']}). Edición {edition['anio']}, versión {edition['version']}, publicada el "
        f"{publication_text(edition)}."
    )
    return f"{text} {edition['url']}" if edition["url"] else text
