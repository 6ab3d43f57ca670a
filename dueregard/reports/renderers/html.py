"""HTML: a GOV.UK page fragment for the report pages, and a whole document for the
`html` download and for PDF.

Tables are `govuk-table`s with a caption, column headers, the row label as a row
header and numeric cells right-aligned (`govuk-table__cell--numeric`); a hidden cell
says so to screen readers. Each chart is inline SVG (role "img", labelled by its
title and description) placed beside the table it is drawn from.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe

from ..data import NUMERIC_KINDS, Column, Report, Section, Suppressed, Table
from . import charts, layout

DATE_FORMAT = "j F Y"  # 1 April 2024, as GOV.UK writes dates
DATETIME_FORMAT = "j F Y, H:i"
HIDDEN_WORDS = {
    "small": "a small number, hidden to protect the people counted",
    "secondary": "hidden so that small numbers cannot be worked out",
    "derived": "hidden because the count it is based on is hidden",
}


def format_value(value: Any, column: Column | None = None) -> str:
    """A cell as people read it (the same words in every format that shows text)."""
    kind = column.kind if column is not None else "text"
    if value is None:
        return "\N{EN DASH}"
    if isinstance(value, Suppressed):
        return value.shown
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"£{value:,}" if kind == "money" else f"{value:,}"
    if isinstance(value, float):
        if kind == "percent":
            return f"{value:,.1f}"
        if kind == "money":
            return f"£{value:,.2f}"
        return f"{value:,}"
    if isinstance(value, datetime.datetime):
        return dateformat.format(value, DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return dateformat.format(value, DATE_FORMAT)
    if kind == "date" and isinstance(value, str):
        # A date kept as ISO text ("2026-03-31") reads "31 March 2026" like any other.
        try:
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            return value
        return dateformat.format(parsed, DATE_FORMAT)
    return str(value)


def period_text(report: Report) -> str:
    return (
        f"{dateformat.format(report.start, DATE_FORMAT)} to "
        f"{dateformat.format(report.end, DATE_FORMAT)}"
    )


def denominator_text(table: Table) -> str:
    """What the percentages are of, and how many values are not known, in words."""
    parts = []
    has_percentages = any(c.kind == "percent" for c in table.columns)
    if table.denominator and has_percentages:
        value = table.denominator_value
        shown = f" ({format_value(value, Column('d', 'd'))})" if value is not None else ""
        parts.append(f"Percentages are of {table.denominator}{shown}.")
    if table.not_known is not None:
        parts.append(f"Not known: {format_value(table.not_known, Column('n', 'n'))}.")
    return " ".join(parts)


@dataclass
class CellView:
    text: str
    numeric: bool
    header: bool
    hidden: str = ""


@dataclass
class TableView:
    table: Table
    dom_id: str
    headings: list[tuple[str, bool]]
    rows: list[tuple[bool, list[CellView]]]
    about: str
    notes: list[str]
    charts: list[dict[str, Any]] = field(default_factory=list)  # {"svg", "caption", "alt"}
    caption: str = ""
    # Short tables are kept on one page with their caption; long ones may break (with
    # the header row repeated), so that no page is left nearly blank before them.
    keep_together: bool = True


KEEP_TOGETHER_ROWS = 15


def table_view(table: Table, prefix: str = "", caption: str = "") -> TableView:
    headings = [(c.title, c.kind in NUMERIC_KINDS) for c in table.columns]
    rows = []
    for row in table.rows:
        cells = []
        for n, column in enumerate(table.columns):
            value = row.get(column.id)
            cells.append(
                CellView(
                    text=format_value(value, column),
                    numeric=column.kind in NUMERIC_KINDS,
                    header=n == 0,
                    hidden=HIDDEN_WORDS.get(value.reason, "hidden")
                    if isinstance(value, Suppressed)
                    else "",
                )
            )
        rows.append((table.is_total_row(row), cells))
    notes = list(table.notes)
    return TableView(
        table=table,
        dom_id=f"{prefix}table-{table.id}",
        headings=headings,
        rows=rows,
        about=denominator_text(table),
        notes=notes,
        caption=caption or table.title,
        keep_together=len(table.rows) <= KEEP_TOGETHER_ROWS,
    )


def _svg(chart: Any, table: Table, prefix: str, label: str) -> SafeString:
    # charts.svg() escapes every text it adds, and matplotlib escapes the labels it draws.
    return mark_safe(
        charts.svg(chart, table, prefix=f"{prefix}chart-{chart.id}", table_label=label)
    )


def _figure(chart: Any, table: Table, prefix: str, found: layout.Numbers) -> dict[str, Any]:
    """A chart as a numbered figure: its SVG, caption and the text alternative shown under
    it (the same words as the SVG's description), so the PDF carries them too."""
    label = found.table_label(table) if table.id in found.tables else ""
    return {
        "svg": _svg(chart, table, prefix, label),
        "caption": found.figure_caption(chart),
        "alt": charts.description(chart, table, table_label=label),
        "id": f"{prefix}figure-{chart.id}",
    }


def _blocks(report: Report, prefix: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    tables = {t.id: t for t in report.all_tables()}
    found = layout.numbers(report)

    def walk(sections: list[Section], level: int) -> None:
        for section in sections:
            blocks.append(
                {
                    "type": "heading",
                    "level": min(level, 4),
                    "size": {2: "l", 3: "m"}.get(level, "s"),
                    "text": section.title,
                    "id": f"{prefix}section-{section.id}",
                }
            )
            for paragraph in section.paragraphs:
                blocks.append({"type": "paragraph", "text": found.refer(paragraph)})
            lead = layout.lead_in(report, section, found)
            if lead:
                blocks.append({"type": "paragraph", "text": lead})
            for item in layout.placement(report, section):
                if item.table is not None:
                    view = table_view(item.table, prefix, found.table_caption(item.table))
                    view.charts = [_figure(c, item.table, prefix, found) for c in item.charts]
                    blocks.append({"type": "table", "view": view})
                else:
                    chart = item.charts[0]
                    figure = _figure(chart, tables[chart.table_id], prefix, found)
                    blocks.append({"type": "chart", "figure": figure})
            walk(section.subsections, level + 1)

    walk(report.sections, 2)
    return blocks


def render_fragment(report: Report, *, prefix: str = "") -> SafeString:
    """The report's sections as GOV.UK markup, to sit under the page's own h1."""
    return mark_safe(
        render_to_string(
            "reports/render/fragment.html",
            {"report": report, "blocks": _blocks(report, prefix)},
        )
    )


def render_document(report: Report) -> str:
    """A whole HTML document (A4 print styles, the marking at the top of every page):
    the `html` download, and what PDF is made from."""
    return render_to_string(
        "reports/render/document.html",
        {
            "report": report,
            "period": period_text(report),
            "fragment": render_fragment(report),
        },
    )


def render(report: Report) -> bytes:
    return render_document(report).encode("utf-8")
