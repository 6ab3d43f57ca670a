"""Compliance over time as a small, accessible inline SVG, drawn on the server.

One chart per organisation: a line per training level (percentage of eligible staff
compliant, by snapshot date) and a dashed line at each level's target, in the level's
colour. The SVG is an image with a title and a description (role="img", labelled by
both); the page puts the same figures in a GOV.UK table beside it. Lines differ by dash
pattern as well as colour. No inline styles or scripts, so it passes the site's Content
Security Policy.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 480
LEFT, RIGHT, TOP = 44, 12, 12
PLOT_HEIGHT = 170
AXIS = 26  # space for the date labels under the plot
LEGEND_ROW = 22
# GOV.UK colours with at least 3:1 contrast against white.
COLOURS = ["#1d70b8", "#00703c", "#4c2c92", "#d53880", "#505a5f", "#28a197"]
DASHES = ["none", "8 4", "2 3", "10 3 2 3", "1 2", "12 4"]
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = 13


@dataclass(frozen=True)
class Series:
    level: str
    points: list[tuple[datetime.date, float]]
    target: Decimal | None


def _fmt_date(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _number(value: float | Decimal) -> str:
    """85, 87.5: PostgreSQL hands back Decimal("85.0") where SQLite gives Decimal("85")."""
    return f"{float(value):g}"


def _pct(value: float | Decimal) -> str:
    return f"{_number(value)}%"


def describe(series: list[Series]) -> str:
    parts = []
    for s in series:
        if not s.points:
            continue
        first, last = s.points[0], s.points[-1]
        text = (
            f"{s.level}: {len(s.points)} headcount{'s' if len(s.points) != 1 else ''}, "
            f"from {_pct(first[1])} on {_fmt_date(first[0])} to {_pct(last[1])} on "
            f"{_fmt_date(last[0])}"
        )
        if s.target is not None:
            text += f", target {_pct(s.target)}"
        parts.append(text)
    return f"Line chart of the percentage of eligible staff compliant. {'; '.join(parts)}."


def _date_ticks(
    first: datetime.date, last: datetime.date, x: Callable[[datetime.date], float]
) -> list[datetime.date]:
    """The first and last dates, and 1 April of each year between them where there is room."""
    if first == last:
        return [first]
    ticks = [first]
    for year in range(first.year, last.year + 1):
        april = datetime.date(year, 4, 1)
        if first < april < last and x(april) - x(ticks[-1]) >= 80 and x(last) - x(april) >= 80:
            ticks.append(april)
    return [*ticks, last]


def compliance_svg(dom_id: str, title: str, series: list[Series]) -> SafeString:
    dates = [d for s in series for d, _ in s.points]
    if not dates:
        return SafeString("")
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)
    plot_w = WIDTH - LEFT - RIGHT
    height = TOP + PLOT_HEIGHT + AXIS + LEGEND_ROW * len(series) + 6

    def x(day: datetime.date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y(value: float) -> float:
        return round(TOP + PLOT_HEIGHT * (1 - value / 100), 1)

    parts: list[SafeString] = []
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="{}" fill="{}">{}%</text>',
                LEFT,
                y(tick),
                WIDTH - RIGHT,
                y(tick),
                GRID,
                LEFT - 6,
                y(tick) + 4,
                FONT,
                TEXT,
                tick,
            )
        )
    for day in _date_ticks(first, last, x):
        anchor = "middle"
        if first != last and day == first:
            anchor = "start"
        elif first != last and day == last:
            anchor = "end"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}">{}</text>',
                x(day),
                TOP + PLOT_HEIGHT + 18,
                anchor,
                FONT,
                TEXT,
                _fmt_date(day) if day in (first, last) else f"Apr {day.year}",
            )
        )
    legend_top = TOP + PLOT_HEIGHT + AXIS + 14
    for n, s in enumerate(series):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        if s.target is not None:
            parts.append(
                format_html(
                    '<line class="dr-chart__target" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                    'stroke-width="1.5" stroke-dasharray="3 3" data-target="{}"/>',
                    LEFT,
                    y(float(s.target)),
                    WIDTH - RIGHT,
                    y(float(s.target)),
                    colour,
                    _number(s.target),
                )
            )
        parts.append(
            format_html(
                '<polyline class="dr-chart__line" points="{}" fill="none" stroke="{}" '
                'stroke-width="2.5" stroke-dasharray="{}" data-level="{}" data-points="{}"/>',
                " ".join(f"{x(d)},{y(v)}" for d, v in s.points),
                colour,
                dash,
                s.level,
                len(s.points),
            )
        )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3.5" fill="{}"/>',
                ((x(d), y(v), colour) for d, v in s.points),
            )
        )
        row = legend_top + LEGEND_ROW * n
        target_text = f"  (target {_pct(s.target)}, dotted)" if s.target is not None else ""
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" '
                'stroke-dasharray="{}"/><text x="{}" y="{}" font-size="{}" fill="{}">{}{}</text>',
                LEFT,
                row - 4,
                LEFT + 24,
                row - 4,
                colour,
                dash,
                LEFT + 30,
                row,
                FONT,
                TEXT,
                s.level,
                target_text,
            )
        )
    return format_html(
        '<svg class="dr-chart__svg" role="img" aria-labelledby="{0}-title {0}-desc" '
        'viewBox="0 0 {1} {2}" width="{1}" height="{2}" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>',
        dom_id,
        WIDTH,
        height,
        title,
        describe(series),
        mark_safe("".join(parts)),  # each part is built with format_html
    )
