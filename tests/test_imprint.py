"""imprint.py and pdf_book.py: an edition says what it is, when it was published and how to cite it."""

import re
import subprocess
from datetime import date

from pom_lib.render import imprint
from pom_lib.render.pdf_book import cover, metadata
from tests.support.commands import require

INFO = {
    "titulo": "Plan Operativo Multianual 2026-2030",
    "institucion": "Secretaría de Ejemplo & Pruebas",
    "siglas": "SEP",
}


def test_imprint_records_edition_date_version_address_and_pdf_name():
    edition = imprint.imprint(INFO, 2026, date(2026, 3, 5), "2", "https://libro.example.org/")
    assert edition == {
        "anio": 2026,
        "titulo_plan": INFO["titulo"],
        "institucion": INFO["institucion"],
        "siglas": "SEP",
        "publicacion": "2026-03-05",
        "version": "2",
        "url": "https://libro.example.org/2026/",
        "pdf": "libro-pom-2026.pdf",
        "autor": "Libro POM",
    }
    assert imprint.imprint(INFO, 2026, date(2026, 3, 5))["url"] == ""
    assert imprint.imprint(INFO, 2026, date(2026, 3, 5), author="Equipo de Análisis")["autor"] == "Equipo de Análisis"


def test_citation_is_complete_and_in_spanish():
    edition = imprint.imprint(INFO, 2026, date(2026, 3, 5), "2", "https://libro.example.org")
    assert imprint.edition_line(edition) == "Edición 2026 · versión 2 · publicada el 5 de marzo de 2026"
    assert imprint.citation(edition) == (
        "Libro POM (2026). Análisis del Plan Operativo Multianual 2026-2030 de la Secretaría de Ejemplo & Pruebas "
        "(SEP): libro analítico. Edición 2026, versión 2, publicada el 5 de marzo de 2026. https://libro.example.org/2026/"
    )


def test_the_cover_says_who_analyses_whose_plan_and_cites_as_the_footers_do():
    edition = imprint.imprint(INFO, 2026, date(2026, 3, 5), author="Equipo de Análisis")
    page = cover(edition)
    title = page[page.index(r"\Huge") : page.index(r"\par")]
    assert r"Análisis del Plan Operativo Multianual 2026-2030 de la Secretaría de Ejemplo \& Pruebas" in title
    assert r"Análisis: Equipo de Análisis" in page  # the author writes the analysis ...
    assert r"Plan y cifras: Secretaría de Ejemplo \& Pruebas (SEP)" in page  # ... the institution owns the plan
    assert "Equipo de Análisis (2026). Análisis del Plan" in page
    assert "pdfauthor={Equipo de Análisis; cifras: Secretaría" in metadata(edition)


def test_pdf_metadata_and_cover_escape_the_plan_text():
    edition = imprint.imprint(INFO, 2026, date(2026, 3, 5))
    assert r"Secretaría de Ejemplo \& Pruebas" in cover(edition)
    meta = metadata(edition)
    assert r"pdftitle={Plan Operativo Multianual 2026-2030: libro analítico}" in meta
    assert "/Lang (es-GT)" in meta and "baseurl" not in meta
    assert "baseurl={https://libro.example.org/2026/}" in metadata(
        imprint.imprint(INFO, 2026, date(2026, 3, 5), site_url="https://libro.example.org/")
    )


def test_a_long_institution_name_wraps_on_the_cover(tmp_path):
    require("xelatex", "«make sistema-pdf» lo instala")
    long_name = "Ministerio de Ambiente, Recursos Naturales, Cambio Climático y Gestión Integral de Riesgos " * 2
    edition = imprint.imprint({**INFO, "institucion": long_name.strip()}, 2026, date(2026, 3, 5))
    source = tmp_path / "portada.tex"
    source.write_text(
        "\\documentclass[a4paper,11pt]{report}\\usepackage[margin=1in]{geometry}\\usepackage{fontspec}"
        "\\usepackage{xcolor}\\begin{document}" + cover(edition) + "\\end{document}",
        encoding="utf-8",
    )
    subprocess.run(["xelatex", "-interaction=nonstopmode", source.name], cwd=tmp_path, capture_output=True, check=True)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "portada.pdf", "-"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert max(right_edges) <= page_width - 72 + 1  # within the right margin
    words = " ".join(re.findall(r">([^<]+)</word>", boxes))
    assert long_name.split()[-1] in words and "Publicada el 5 de marzo de 2026" in words
