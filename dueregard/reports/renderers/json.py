"""JSON: the public shape every report shares (documented in docs/reports.md).

    {"report": id, "title", "authority": ONS code, "authority_name",
     "from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "audience", "generated_at", "marking",
     "notes": [...],
     "tables": [{"id", "title", "columns": [column ids], "column_titles": {id: title},
                 "rows": [{"label": ..., <column id>: value, ...}],
                 "denominator": {"label": ..., "value": ...}, "not_known": ...,
                 "total_row": label or null, "notes": [...]}]}

Counts are integers, percentages numbers rounded half up to one decimal. A hidden cell
is the string "<5" (a small count) or "*" (hidden so that small counts cannot be worked
out, or a percentage of a hidden count).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from ..data import Report, Suppressed, Table


def value(cell: Any) -> Any:
    if isinstance(cell, Suppressed):
        return cell.shown
    if isinstance(cell, Decimal):
        return float(cell)
    if isinstance(cell, datetime.date | datetime.datetime):
        return cell.isoformat()
    return cell


def table_notes(table: Table) -> list[str]:
    return [*table.notes, *([table.suppression_note] if table.suppression_note else [])]


def table_data(table: Table) -> dict[str, Any]:
    ids = table.column_ids
    return {
        "id": table.id,
        "title": table.title,
        "columns": ids,
        "column_titles": {c.id: c.title for c in table.columns},
        "rows": [{c: value(row.get(c)) for c in ids} for row in table.rows],
        "denominator": {"label": table.denominator, "value": value(table.denominator_value)},
        "not_known": value(table.not_known),
        "total_row": table.total_row_label,
        "notes": table_notes(table),
    }


def report_data(report: Report) -> dict[str, Any]:
    tables = report.all_tables()
    data: dict[str, Any] = {
        "report": report.id,
        "title": report.title,
        "authority": report.authority_code,
        "authority_name": report.authority_name,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "audience": report.audience,
        "generated_at": report.generated_at.isoformat(),
        "marking": report.marking,
        "notes": [
            *report.notes,
            *(f"{t.title}: {t.suppression_note}" for t in tables if t.suppression_note),
        ],
        "tables": [table_data(t) for t in tables],
    }
    for key, extra in report.meta.items():
        data.setdefault(key, value(extra))
    return data


def render(report: Report) -> bytes:
    return json.dumps(report_data(report), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
