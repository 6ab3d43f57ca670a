"""XLSX: one sheet per table (openpyxl).

Each sheet: the table's title, a line with the marking, authority, period and
audience, then a bold header row (frozen) and the rows; notes below; the table's charts
as pictures to the right of it. Sheet names are
the table titles cut to Excel's 31 characters and made unique. The marking is also in
every sheet's printed header, and "Page N of M" in its footer. Text that Excel would run
as a formula is escaped (core.csvsafe.safe_cell).
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dueregard.core.csvsafe import safe_cell

from ..data import Column, Report, Suppressed
from . import charts
from .html import denominator_text, period_text
from .json import table_notes

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
DATE_FORMAT = "d mmmm yyyy"  # 31 March 2026, as GOV.UK writes dates
NUMBER_FORMATS = {"percent": "0.0", "rate": "#,##0.00", "money": "£#,##0.00", "count": "#,##0"}


def sheet_names(titles: list[str]) -> list[str]:
    """Excel sheet names: no []:*?/\\ characters, at most 31 long, unique (case-blind)."""
    names: list[str] = []
    used: set[str] = set()
    for title in titles:
        base = _FORBIDDEN.sub(" ", title).strip().strip("'") or "Table"
        name = base[:31]
        n = 2
        while name.casefold() in used:
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        used.add(name.casefold())
        names.append(name)
    return names


def _cell(value: Any) -> Any:
    if isinstance(value, Suppressed):
        return value.shown
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return safe_cell(value)


def render(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{report.title} \N{EN DASH} {report.authority_name}"
    workbook.properties.keywords = report.marking
    tables = report.all_tables()
    bold = Font(bold=True)
    for table, name in zip(tables, sheet_names([t.title for t in tables]), strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append([safe_cell(table.title)])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(
            [
                safe_cell(
                    f"{report.marking} · {report.title} · {report.authority_name} "
                    f"({report.authority_code}) · {period_text(report)} · "
                    f"audience: {report.audience}"
                )
            ]
        )
        sheet.append([])
        sheet.append([safe_cell(c.title) for c in table.columns])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append([_cell(row.get(c.id)) for c in table.columns])
            current = sheet.max_row
            for n, column in enumerate(table.columns, start=1):
                _format(sheet.cell(row=current, column=n), column)
                if table.is_total_row(row):
                    sheet.cell(row=current, column=n).font = bold
        about = denominator_text(table)
        if about or table_notes(table):
            sheet.append([])
        for line in ([about] if about else []) + table_notes(table):
            sheet.append([safe_cell(line)])
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        for n, column in enumerate(table.columns, start=1):
            width = max(
                [len(column.title)] + [len(str(_cell(r.get(column.id)))) for r in table.rows]
            )
            sheet.column_dimensions[get_column_letter(n)].width = min(max(10, width + 2), 60)
        for n, chart in enumerate(report.charts_for(table.id)):
            picture = Image(io.BytesIO(charts.png(chart, table)))
            scale = 480 / picture.width
            picture.width, picture.height = 480, int(picture.height * scale)
            sheet.add_image(picture, f"{get_column_letter(len(table.columns) + 2)}{4 + 22 * n}")
        sheet.oddHeader.center.text = report.marking
        sheet.oddFooter.right.text = "Page &P of &N"
    if not tables:
        sheet = workbook.create_sheet("Report")
        sheet.append([safe_cell(report.title)])
        sheet.append([report.marking])
        sheet.append(["This report has no tables."])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _format(cell: Any, column: Column) -> None:
    if column.kind == "date" and isinstance(cell.value, str):
        # A date kept as ISO text is a real date in the sheet, shown "31 March 2026".
        try:
            cell.value = datetime.date.fromisoformat(cell.value)
        except ValueError:
            pass
    if isinstance(cell.value, datetime.date) and not isinstance(cell.value, datetime.datetime):
        cell.number_format = DATE_FORMAT
    if isinstance(cell.value, int | float) and column.kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[column.kind]
    if isinstance(cell.value, str) and column.kind in NUMBER_FORMATS:
        cell.alignment = Alignment(horizontal="right")
