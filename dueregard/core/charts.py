"""The one chart engine: a `Plot` drawn with matplotlib, as accessible SVG or as PNG.

Every chart the service draws comes here: the report renderers
(`reports.renderers.charts`) turn a report's `Chart` and its table into a `Plot`, and the
training pages turn an organisation's compliance over time into one. It sits in `core`
because both must reach it and `training` may not import `reports`
(docs/architecture.md); it knows no app, only labels and numbers.

`svg()` gives inline SVG for HTML and PDF: role "img", labelled by a <title> and a
<desc> of the words the caller gives, no inline styles (so it passes the site's Content
Security Policy), ids made unique to the chart, and each line series a <polyline>
carrying the caller's `data-*` attributes (a target line its `data-target`). `png()` gives a picture
for DOCX and XLSX. A missing value (NaN) is a gap, never a bar; a hidden one is also
marked "hidden" so that it is not read as 0.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from django.utils.html import escape
from matplotlib.axes import Axes
from matplotlib.figure import Figure

# GOV.UK Design System colours, in an order that keeps neighbours distinguishable.
PALETTE = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d53880", "#505a5f", "#28a197"]
TARGET_COLOUR = "#d4351c"
# Lines are told apart by dash pattern and marker as well as colour (the first is solid).
DASHES: list[str | tuple[int, tuple[int, ...]]] = [
    "solid",
    (0, (8, 4)),
    (0, (2, 3)),
    (0, (10, 3, 2, 3)),
    (0, (1, 2)),
    (0, (12, 4)),
]
MARKERS = ["o", "s", "^", "D", "v", "P"]
FONTS = ["Arial", "Liberation Sans", "DejaVu Sans"]


@dataclass(frozen=True)
class Series:
    """One series: its name in the legend and a value per category (NaN for a gap).

    `hidden` lists the positions whose value disclosure control hid; `target` draws a
    dotted target line for this series in its colour; `data` becomes `data-*`
    attributes on the series' group in the SVG."""

    name: str
    values: Sequence[float]
    hidden: Sequence[int] = ()
    target: float | None = None
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Plot:
    """What to draw: categories along one axis, the series' values along the other.

    `target` is one dashed line across the chart (`target_label` in the legend);
    `y_limits` fixes the value axis (0 to 100 for percentages); `join_gaps` draws a
    line series through its known points, across the categories it has no value for."""

    kind: Literal["bar", "line", "barh"]
    labels: Sequence[str]
    series: Sequence[Series]
    y_label: str = ""
    target: float | None = None
    target_label: str = ""
    y_limits: tuple[float, float] | None = None
    join_gaps: bool = False


def _line(ax: Axes, plot: Plot, positions: list[int], s: Series, colour: str, n: int) -> None:
    points = list(zip(positions, s.values, strict=True))
    if plot.join_gaps:
        points = [(p, v) for p, v in points if not math.isnan(v)]
    ax.plot(
        [p for p, _ in points],
        [v for _, v in points],
        marker=MARKERS[n % len(MARKERS)],
        linestyle=DASHES[n % len(DASHES)],
        color=colour,
        label=s.name,
        gid=f"series-{n}",  # one <g> per line, so its data-* attributes have a home
    )


def draw(plot: Plot) -> Figure:
    labels = list(plot.labels)
    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": FONTS}):
        height = 3.2 if plot.kind != "barh" else max(2.4, 0.35 * len(labels) + 1.0)
        fig = Figure(figsize=(6.4, height), dpi=100, layout="constrained")
        ax = fig.add_subplot()
        positions = list(range(len(labels)))
        count = max(len(plot.series), 1)
        width = 0.8 / count
        for n, s in enumerate(plot.series):
            colour = PALETTE[n % len(PALETTE)]
            offset = [p - 0.4 + width * (n + 0.5) for p in positions]
            if plot.kind == "line":
                _line(ax, plot, positions, s, colour, n)
            elif plot.kind == "barh":
                ax.barh(offset, s.values, height=width, color=colour, label=s.name)
            else:
                ax.bar(offset, s.values, width=width, color=colour, label=s.name)
            if s.target is not None:
                ax.axhline(
                    s.target,
                    color=colour,
                    linestyle=":",
                    linewidth=1.5,
                    label=f"{s.name} target {s.target:g}%",
                    gid=f"target-{n}",
                )
            # A hidden value is a gap, marked so that it is not read as 0.
            for position in s.hidden:
                where = positions[position] if plot.kind == "line" else offset[position]
                xy = (0, where) if plot.kind == "barh" else (where, 0)
                ax.annotate(
                    "hidden",
                    xy,
                    xytext=(3, 0) if plot.kind == "barh" else (0, 3),
                    textcoords="offset points",
                    ha="left" if plot.kind == "barh" else "center",
                    va="center" if plot.kind == "barh" else "bottom",
                    fontsize=7,
                    color="#505a5f",
                    rotation=0 if plot.kind == "barh" else 90,
                )
        if plot.target is not None:
            line = ax.axvline if plot.kind == "barh" else ax.axhline
            line(plot.target, color=TARGET_COLOUR, linestyle="--", label=plot.target_label)
        if plot.y_limits is not None:
            (ax.set_xlim if plot.kind == "barh" else ax.set_ylim)(*plot.y_limits)
        if plot.kind == "barh":
            ax.set_yticks(positions, labels)
            # Every row inside the axes, top to bottom, even one whose value is hidden (a
            # gap), so its "hidden" mark never sits on the axis and its labels.
            ax.set_ylim(len(labels) - 0.5, -0.5) if labels else ax.invert_yaxis()
            if plot.y_label:
                ax.set_xlabel(plot.y_label)
        else:
            ax.set_xticks(positions, labels, rotation=30 if len(labels) > 5 else 0, ha="right")
            if labels and plot.kind == "bar":
                ax.set_xlim(-0.5, len(labels) - 0.5)  # a hidden first or last bar too
            if len(labels) <= 5:
                for tick in ax.get_xticklabels():
                    tick.set_horizontalalignment("center")
            if plot.y_label:
                ax.set_ylabel(plot.y_label)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        targets = sum(s.target is not None for s in plot.series) + (plot.target is not None)
        if len(plot.series) > 1 or targets:
            # Below the chart, so it never covers a bar.
            entries = len(plot.series) + targets
            fig.legend(loc="outside lower center", ncols=min(entries, 3), frameon=False, fontsize=8)
    return fig


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


_POINT = re.compile(r"[ML]\s*(-?[\d.]+(?:e-?\d+)?)\s+(-?[\d.]+(?:e-?\d+)?)")


def _data_attributes(svg: str, plot: Plot, prefix: str) -> str:
    """Each line series drawn as a <polyline> carrying the caller's `data-*` attributes,
    and each target line's group its `data-target`, so pages and tests can find what was
    drawn."""

    for n, s in enumerate(plot.series):
        marks = "".join(f' data-{name}="{escape(value)}"' for name, value in s.data.items())

        def polyline(match: re.Match[str], marks: str = marks) -> str:
            if match.group(2).count("M") != 1:  # a line broken by gaps stays a path
                group = match.group(1).replace(">", f' class="dr-chart__line"{marks}>', 1)
                return f'{group}<path d="{match.group(2)}"'
            points = " ".join(f"{x},{y}" for x, y in _POINT.findall(match.group(2)))
            return f'{match.group(1)}<polyline class="dr-chart__line" points="{points}"{marks}'

        svg = re.sub(
            rf'(<g id="{re.escape(prefix)}-series-{n}">\s*)<path d="([ML\s\d.e-]*)"',
            polyline,
            svg,
            count=1,
        )
        if s.target is not None:
            svg = svg.replace(
                f'<g id="{prefix}-target-{n}"',
                f'<g id="{prefix}-target-{n}" class="dr-chart__target" data-target="{s.target:g}"',
                1,
            )
    return svg


def _accessible(raw: str, plot: Plot, title: str, description: str, prefix: str) -> str:
    svg = raw[raw.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.DOTALL)
    svg = _STYLE.sub(_style_to_attributes, svg)
    ids = {m.group(1): f"{prefix}-{m.group(1)}" for m in _ID.finditer(svg)}
    svg = _ID.sub(lambda m: f' id="{ids[m.group(1)]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{ids.get(m.group(1), m.group(1))})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{ids.get(m.group(1), m.group(1))}"', svg)
    svg = _data_attributes(svg, plot, prefix)
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
        + f'<title id="{title_id}">{escape(title)}</title>'
        + f'<desc id="{desc_id}">{escape(description)}</desc>'
        + svg[head_end:]
    )


def svg(plot: Plot, *, title: str, description: str, prefix: str) -> str:
    """The chart as inline SVG markup, safe to put straight into an HTML page: `title`
    and `description` are escaped here, and matplotlib escapes the labels it draws.
    `prefix` makes the chart's ids unique on the page (`<prefix>-title`, `-desc`).

    Drawn once per set of figures and words: the same arguments again give the same
    string from the process's chart cache (`cache`) without drawing."""
    key = cache.key("svg", plot, title, description, prefix)
    found = cache.get(key)
    if isinstance(found, str):
        return found
    fig = draw(plot)
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return cache.put(key, _accessible(buffer.getvalue(), plot, title, description, prefix))


def png(plot: Plot, *, dpi: int = 150) -> bytes:
    """The chart as a PNG picture (for DOCX and XLSX), cached as `svg()` is."""
    key = cache.key("png", plot, dpi)
    found = cache.get(key)
    if isinstance(found, bytes):
        return found
    fig = draw(plot)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return cache.put(key, buffer.getvalue())


# --------------------------------------------------------------------------------------
# The chart cache


_Rendered = TypeVar("_Rendered", str, bytes)


class ChartCache:
    """Rendered charts by a hash of everything that decides how they look: the kind of
    output, the `Plot` (every label, value, hidden position, target and option) and the
    words and prefix given to `svg()`. Pages redraw the same figures on every view; drawing
    with matplotlib is most of a chart page's time, looking up a hash is nothing.

    Bounded in memory, per process: at most `max_entries` charts and `max_bytes` of
    rendered output, the least recently used dropped first. A chart holds aggregate
    figures only (disclosure control has already hidden small numbers), never a personal
    record; it lives in the worker's memory and is gone when the worker restarts."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 16 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, str | bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(*parts: object) -> str:
        # repr() of the frozen dataclasses names every field and value (floats exactly,
        # NaN as nan), so two plots with the same repr draw the same chart.
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def get(self, key: str) -> str | bytes | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, value: _Rendered) -> _Rendered:
        size = len(value)
        if size > self.max_bytes:
            return value
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._entries[key] = value
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes


cache = ChartCache()
