"""PDF: WeasyPrint from the HTML document (A4, the marking at the top of every page,
"Page N of M" at the foot), with the charts as the same inline SVG."""

from __future__ import annotations

from ..data import Report
from .html import render_document


def render(report: Report) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a moment

    pdf = HTML(string=render_document(report)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
