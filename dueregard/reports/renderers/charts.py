"""Charts: drawn once with matplotlib from a `Chart` and its `Table`, for every format.

`draw()` makes the figure; `svg()` gives accessible inline SVG for HTML and PDF (role
"img", a <title> and <desc> it is labelled by, no inline styles so it passes the
site's Content Security Policy, ids made unique to the chart) and `png()` a picture
for DOCX. A hidden (suppressed) or missing value is drawn as a gap, never as a bar.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from django.utils.html import escape
from matplotlib.figure import Figure

from ..data import Chart, Suppressed, Table

# GOV.UK Design System colours, in an order that keeps neighbours distinguishable.
PALETTE = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d53880", "#505a5f", "#28a197"]
TARGET_COLOUR = "#d4351c"
FONTS = ["Arial", "Liberation Sans", "DejaVu Sans"]


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


def draw(chart: Chart, table: Table) -> Figure:
    labels, series = series_values(chart, table)
    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": FONTS}):
        height = 3.2 if chart.kind != "barh" else max(2.4, 0.35 * len(labels) + 1.0)
        fig = Figure(figsize=(6.4, height), dpi=100, layout="constrained")
        ax = fig.add_subplot()
        positions = list(range(len(labels)))
        count = max(len(series), 1)
        width = 0.8 / count
        hidden = hidden_positions(chart, table)
        for n, (column_id, values) in enumerate(series.items()):
            colour = PALETTE[n % len(PALETTE)]
            name = _title(table, column_id)
            offset = [p - 0.4 + width * (n + 0.5) for p in positions]
            if chart.kind == "line":
                ax.plot(positions, values, marker="o", color=colour, label=name)
            elif chart.kind == "barh":
                ax.barh(offset, values, height=width, color=colour, label=name)
            else:
                ax.bar(offset, values, width=width, color=colour, label=name)
            # A hidden value is a gap, marked so that it is not read as 0.
            for position in hidden[column_id]:
                where = positions[position] if chart.kind == "line" else offset[position]
                xy = (0, where) if chart.kind == "barh" else (where, 0)
                ax.annotate(
                    "hidden",
                    xy,
                    xytext=(3, 0) if chart.kind == "barh" else (0, 3),
                    textcoords="offset points",
                    ha="left" if chart.kind == "barh" else "center",
                    va="center" if chart.kind == "barh" else "bottom",
                    fontsize=7,
                    color="#505a5f",
                    rotation=0 if chart.kind == "barh" else 90,
                )
        if chart.target is not None:
            line = ax.axvline if chart.kind == "barh" else ax.axhline
            line(chart.target, color=TARGET_COLOUR, linestyle="--", label=chart.target_label)
        if chart.kind == "barh":
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
            if chart.y_label:
                ax.set_xlabel(chart.y_label)
        else:
            ax.set_xticks(positions, labels, rotation=30 if len(labels) > 5 else 0, ha="right")
            if len(labels) <= 5:
                for tick in ax.get_xticklabels():
                    tick.set_horizontalalignment("center")
            if chart.y_label:
                ax.set_ylabel(chart.y_label)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if len(series) > 1 or chart.target is not None:
            # Below the chart, so it never covers a bar.
            entries = len(series) + (chart.target is not None)
            fig.legend(loc="outside lower center", ncols=min(entries, 3), frameon=False, fontsize=8)
    return fig


def description(chart: Chart, table: Table) -> str:
    """The words a screen reader gives for the chart."""
    if chart.description:
        return chart.description
    names = ", ".join(_title(table, s) for s in chart.series)
    kind = {"bar": "Bar chart", "barh": "Bar chart", "line": "Line chart"}[chart.kind]
    text = f"{kind} of {names} by {_title(table, chart.x).lower()}."
    if chart.target is not None:
        label = f" ({chart.target_label})" if chart.target_label else ""
        text += f" A dashed line marks the target of {chart.target:g}{label}."
    if any(hidden_positions(chart, table).values()):
        text += " Values hidden to protect small numbers are left out and marked hidden."
    return text + f' The figures are in the table "{table.title}".'


_STYLE = re.compile(r'\sstyle="([^"]*)"')
_ID = re.compile(r'\sid="([^"]+)"')


def _style_to_attributes(match: re.Match[str]) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        attributes.append(f'{name}="{value}"')
    return " " + " ".join(attributes) if attributes else ""


def _accessible_svg(raw: str, chart: Chart, table: Table, prefix: str) -> str:
    svg = raw[raw.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.DOTALL)
    svg = _STYLE.sub(_style_to_attributes, svg)
    ids = {m.group(1): f"{prefix}-{m.group(1)}" for m in _ID.finditer(svg)}
    svg = _ID.sub(lambda m: f' id="{ids[m.group(1)]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{ids.get(m.group(1), m.group(1))})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{ids.get(m.group(1), m.group(1))}"', svg)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{title_id} {desc_id}" focusable="false" '
        'stroke-linejoin="round" stroke-linecap="butt" ',
        1,
    )
    head_end = svg.index(">") + 1
    return (
        svg[:head_end]
        + f'<title id="{title_id}">{escape(chart.title)}</title>'
        + f'<desc id="{desc_id}">{escape(description(chart, table))}</desc>'
        + svg[head_end:]
    )


def svg(chart: Chart, table: Table, *, prefix: str | None = None) -> str:
    """The chart as inline SVG markup, safe to put straight into an HTML page."""
    prefix = prefix or f"chart-{chart.id}"
    fig = draw(chart, table)
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return _accessible_svg(buffer.getvalue(), chart, table, prefix)


def png(chart: Chart, table: Table, *, dpi: int = 150) -> bytes:
    fig = draw(chart, table)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
