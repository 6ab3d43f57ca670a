"""Renderers: a `Report` in one of six formats. No renderer computes a figure.

`render(report, "csv")` gives the file's bytes; `FORMATS` says each format's label,
content type, file extension and whether it is text (printable to a terminal).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from ..data import Report


@dataclass(frozen=True)
class Format:
    id: str
    label: str
    content_type: str
    extension: str
    text: bool


FORMATS: dict[str, Format] = {
    f.id: f
    for f in [
        Format("html", "Web page (HTML)", "text/html; charset=utf-8", "html", True),
        Format("pdf", "PDF", "application/pdf", "pdf", False),
        Format(
            "docx",
            "Word document (DOCX)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            False,
        ),
        Format(
            "xlsx",
            "Spreadsheet (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            False,
        ),
        Format("csv", "CSV", "text/csv; charset=utf-8", "csv", True),
        Format("json", "JSON", "application/json", "json", True),
    ]
}


def render(report: Report, format_id: str) -> bytes:
    if format_id not in FORMATS:
        raise ValueError(f"unknown format {format_id!r}; formats: {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{format_id}")
    return bytes(module.render(report))
