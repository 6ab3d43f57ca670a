"""PDF: WeasyPrint from the HTML document (A4, the marking at the top of every page,
"Page N of M" at the foot), with the charts as the same inline SVG.

The file is tagged PDF/UA-1 (WeasyPrint's `pdf/ua-1` variant), as the public sector
accessibility regulations ask of published documents: a structure tree with the
headings, tables (header cells as TH), captions and paragraphs in reading order, the
document title (the HTML <title>, shown in the window's title bar) and its language
(the HTML `lang`)."""

from __future__ import annotations

from ..data import Report
from .html import render_document

PDF_VARIANT = "pdf/ua-1"


def render(report: Report) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a moment

    pdf = HTML(string=render_document(report)).write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None
    return bytes(pdf)
