"""A `Report` as plain JSON and back, losslessly: how a generated committee report or a
signed-off grant return is frozen.

`renderers.json` writes the *public* shape of a report (hidden cells as strings, no
column kinds, no chart definitions). Freezing needs more: every field of every dataclass,
with hidden cells still `Suppressed` (so a re-render shows "<5" with its screen-reader
words, and a chart still leaves a gap), dates still dates. `to_data(report)` gives such a
dict (safe for `json.dumps` and a JSONField); `from_data(data)` rebuilds an equal
`Report`. The format is versioned (`FORMAT`), so an old frozen report stays readable.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from .data import Chart, Column, Report, Section, Suppressed, Table

FORMAT = 1


def _value(value: Any) -> Any:
    if isinstance(value, Suppressed):
        return {"$hidden": value.shown, "reason": value.reason}
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def _restore(value: Any) -> Any:
    if isinstance(value, dict):
        if "$hidden" in value:
            return Suppressed(value["$hidden"], value.get("reason", "secondary"))
        if "$datetime" in value:
            return datetime.datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return datetime.date.fromisoformat(value["$date"])
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    return value


def _table(table: Table) -> dict[str, Any]:
    return {
        "id": table.id,
        "title": table.title,
        "columns": [[c.id, c.title, c.kind] for c in table.columns],
        "rows": _value(table.rows),
        "denominator": table.denominator,
        "denominator_value": _value(table.denominator_value),
        "not_known": _value(table.not_known),
        "notes": list(table.notes),
        "total_row_label": table.total_row_label,
        "sensitive_columns": table.sensitive_columns,
        "derived_from": dict(table.derived_from),
        "total_column": table.total_column,
        "percent_of": dict(table.percent_of),
        "suppression_note": table.suppression_note,
    }


def _chart(chart: Chart) -> dict[str, Any]:
    return {
        "id": chart.id,
        "title": chart.title,
        "table_id": chart.table_id,
        "x": chart.x,
        "series": list(chart.series),
        "kind": chart.kind,
        "y_label": chart.y_label,
        "target": chart.target,
        "target_label": chart.target_label,
        "description": chart.description,
    }


def _section(section: Section) -> dict[str, Any]:
    return {
        "id": section.id,
        "title": section.title,
        "paragraphs": list(section.paragraphs),
        "tables": [_table(t) for t in section.tables],
        "charts": [_chart(c) for c in section.charts],
        "subsections": [_section(s) for s in section.subsections],
    }


def to_data(report: Report) -> dict[str, Any]:
    """Every field of `report`, as JSON-safe data."""
    return {
        "format": FORMAT,
        "id": report.id,
        "title": report.title,
        "authority_code": report.authority_code,
        "authority_name": report.authority_name,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "audience": report.audience,
        "generated_at": report.generated_at.isoformat(),
        "marking": report.marking,
        "meta": _value(report.meta),
        "notes": list(report.notes),
        "sections": [_section(s) for s in report.sections],
    }


def _table_from(data: dict[str, Any]) -> Table:
    return Table(
        id=data["id"],
        title=data["title"],
        columns=[Column(i, t, k) for i, t, k in data["columns"]],
        rows=_restore(data["rows"]),
        denominator=data["denominator"],
        denominator_value=_restore(data["denominator_value"]),
        not_known=_restore(data["not_known"]),
        notes=list(data["notes"]),
        total_row_label=data["total_row_label"],
        sensitive_columns=data["sensitive_columns"],
        derived_from=dict(data["derived_from"]),
        total_column=data["total_column"],
        percent_of=dict(data["percent_of"]),
        suppression_note=data["suppression_note"],
    )


def _section_from(data: dict[str, Any]) -> Section:
    return Section(
        id=data["id"],
        title=data["title"],
        paragraphs=list(data["paragraphs"]),
        tables=[_table_from(t) for t in data["tables"]],
        charts=[Chart(**c) for c in data["charts"]],
        subsections=[_section_from(s) for s in data["subsections"]],
    )


def from_data(data: dict[str, Any]) -> Report:
    """The `Report` that `to_data` was given."""
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown frozen report format {data.get('format')!r}")
    return Report(
        id=data["id"],
        title=data["title"],
        authority_code=data["authority_code"],
        authority_name=data["authority_name"],
        start=datetime.date.fromisoformat(data["start"]),
        end=datetime.date.fromisoformat(data["end"]),
        audience=data["audience"],
        generated_at=datetime.datetime.fromisoformat(data["generated_at"]),
        sections=[_section_from(s) for s in data["sections"]],
        marking=data["marking"],
        meta=_restore(data["meta"]),
        notes=list(data["notes"]),
    )
