"""CSV: a heading block (marking, report, authority, period, audience), then every table
one after another, each preceded by its title row and followed by a blank row.

A table's block is: its title; the column titles; its rows; then any lines about its
denominator, not-known count and notes, each in the first column. Counts are plain
integers (no separators); hidden cells are "<5" or "*". Text that a spreadsheet would
run as a formula is escaped (core.csvsafe).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from dueregard.core.csvsafe import safe_row

from ..data import Report, Suppressed
from .html import denominator_text, period_text
from .json import table_notes


def _cell(value: Any) -> Any:
    if isinstance(value, Suppressed):
        return value.shown
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def render_text(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row([report.marking]))
    writer.writerow(
        safe_row(
            [
                report.title,
                f"{report.authority_name} ({report.authority_code})",
                period_text(report),
                f"Audience: {report.audience}",
                f"Produced: {report.generated_at:%Y-%m-%d %H:%M}",
            ]
        )
    )
    writer.writerow([])
    for table in report.all_tables():
        writer.writerow(safe_row([table.title]))
        writer.writerow(safe_row([c.title for c in table.columns]))
        for row in table.rows:
            writer.writerow(safe_row([_cell(row.get(c.id)) for c in table.columns]))
        about = denominator_text(table)
        for line in ([about] if about else []) + table_notes(table):
            writer.writerow(safe_row([f"Note: {line}"]))
        writer.writerow([])
    for note in report.notes:
        writer.writerow(safe_row([f"Note: {note}"]))
    return out.getvalue()


def render(report: Report) -> bytes:
    return render_text(report).encode("utf-8")
