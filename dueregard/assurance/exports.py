"""CSV and XLSX downloads of assurance registers: the registers' cell values (times to the
minute) written by the page kit's one list export, `pages.kit.export_response`, which
escapes formula cells (core.csvsafe). The view that calls `download` writes the EXPORT
event."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from dueregard.pages.kit import FORMATS, export_response

__all__ = ["FORMATS", "download"]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def download(
    export_format: str, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    return export_response(export_format, name, headers, ([_cell(v) for v in r] for r in rows))
