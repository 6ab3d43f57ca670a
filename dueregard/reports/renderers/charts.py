"""Charts of a report: a `Chart` and its `Table` made into a `core.charts.Plot`, for every
format.

`draw()` makes the figure; `svg()` gives accessible inline SVG for HTML and PDF and
`png()` a picture for DOCX and XLSX, all drawn by the one engine in `core.charts` (which
the training pages use too). A hidden (suppressed) or missing value is drawn as a gap,
never as a bar, and marked hidden.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.figure import Figure

from dueregard.core import charts as engine

from ..data import Chart, Suppressed, Table


def _number(value: Any) -> float:
    """A plottable number; hidden, missing and textual cells become gaps (NaN)."""
    if isinstance(value, Suppressed) or value is None or isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    return math.nan


def _rows(table: Table) -> list[dict[str, Any]]:
    return [r for r in table.rows if not table.is_total_row(r)]


def series_values(chart: Chart, table: Table) -> tuple[list[str], dict[str, list[float]]]:
    """The category labels and, per series, the plotted numbers (NaN for gaps)."""
    rows = _rows(table)
    labels = [str(r.get(chart.x, "")) for r in rows]
    return labels, {s: [_number(r.get(s)) for r in rows] for s in chart.series}


def hidden_positions(chart: Chart, table: Table) -> dict[str, list[int]]:
    """Per series, the categories whose value disclosure control hid."""
    rows = _rows(table)
    return {
        s: [n for n, r in enumerate(rows) if isinstance(r.get(s), Suppressed)] for s in chart.series
    }


def _title(table: Table, column_id: str) -> str:
    try:
        return table.column(column_id).title
    except KeyError:
        return column_id


def plot(chart: Chart, table: Table) -> engine.Plot:
    """What `chart` draws from `table`: a series per column, the total row left out."""
    labels, series = series_values(chart, table)
    hidden = hidden_positions(chart, table)
    return engine.Plot(
        kind=chart.kind,
        labels=labels,
        series=[
            engine.Series(_title(table, column_id), values, hidden=hidden[column_id])
            for column_id, values in series.items()
        ],
        y_label=chart.y_label,
        target=chart.target,
        target_label=chart.target_label,
    )


def draw(chart: Chart, table: Table) -> Figure:
    return engine.draw(plot(chart, table))


def description(chart: Chart, table: Table, *, table_label: str = "") -> str:
    """The chart's text alternative, in every format: the definition's own words, or what
    it draws and where its figures are (`table_label`, e.g. "Table 3", names the table)."""
    where = table_label or f'the table "{table.title}"'
    if chart.description:
        return f"{chart.description} The figures are in {where}."
    names = ", ".join(_title(table, s) for s in chart.series)
    kind = {"bar": "Bar chart", "barh": "Bar chart", "line": "Line chart"}[chart.kind]
    text = f"{kind} of {names} by {_title(table, chart.x).lower()}."
    if chart.target is not None:
        label = f" ({chart.target_label})" if chart.target_label else ""
        text += f" A dashed line marks the target of {chart.target:g}{label}."
    if any(hidden_positions(chart, table).values()):
        text += " Values hidden to protect small numbers are left out and marked hidden."
    return text + f" The figures are in {where}."


def svg(chart: Chart, table: Table, *, prefix: str | None = None, table_label: str = "") -> str:
    """The chart as inline SVG markup, safe to put straight into an HTML page."""
    return engine.svg(
        plot(chart, table),
        title=chart.title,
        description=description(chart, table, table_label=table_label),
        prefix=prefix or f"chart-{chart.id}",
    )


def png(chart: Chart, table: Table, *, dpi: int = 150) -> bytes:
    return engine.png(plot(chart, table), dpi=dpi)
