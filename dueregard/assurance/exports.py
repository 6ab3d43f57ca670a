"""CSV and XLSX downloads of assurance registers. Cells that a spreadsheet would run as a
formula are escaped (core.csvsafe); the view that calls these writes the EXPORT event."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from dueregard.core import periods
from dueregard.core.csvsafe import safe_row

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def table_bytes(
    export_format: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str
) -> bytes:
    """The table as CSV (UTF-8) or as an XLSX workbook with one sheet and a bold header."""
    cleaned = [safe_row(_cell(v) for v in row) for row in rows]
    if export_format == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        worksheet = workbook.active
        assert worksheet is not None
        worksheet.title = sheet[:31]
        worksheet.append(list(headers))
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in cleaned:
            worksheet.append(row)
        worksheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(cleaned)
    return text.getvalue().encode("utf-8")


def download(
    export_format: str, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    content = table_bytes(export_format, headers, rows, sheet=name)
    stamp = periods.today().isoformat()
    if export_format == "xlsx":
        response = HttpResponse(content, content_type=XLSX_TYPE)
    else:
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{export_format}"'
    return response
