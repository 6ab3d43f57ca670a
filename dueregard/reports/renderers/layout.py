"""What HTML, PDF and DOCX lay out the same way: numbered captions and where each table
and chart goes, references from the text, and column widths from content.

Tables and charts are numbered in reading order through the whole report ("Table 1",
"Figure 1"...), each chart straight after the table it draws when they share a section.
A paragraph refers to them with `data.table_ref(id)` / `data.figure_ref(id)` (the tokens
"{table:ID}" and "{figure:ID}"), which every format replaces with "Table N" or
"Figure N"; a table that no paragraph of its section refers to gets a sentence that does,
so every caption is referenced from the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
from PIL import ImageFont

from ..data import NUMERIC_KINDS, Chart, Report, Section, Table

_REF = re.compile(r"\{(table|figure):([^{}\s]+)\}")


@dataclass
class Placed:
    """A table with the charts drawn from it that follow it, or a chart on its own."""

    table: Table | None
    charts: list[Chart]


@dataclass
class Numbers:
    tables: dict[str, int] = field(default_factory=dict)
    figures: dict[str, int] = field(default_factory=dict)

    def table_label(self, table: Table) -> str:
        return f"Table {self.tables[table.id]}"

    def figure_label(self, chart: Chart) -> str:
        return f"Figure {self.figures[chart.id]}"

    def table_caption(self, table: Table) -> str:
        return f"{self.table_label(table)}: {table.title}"

    def figure_caption(self, chart: Chart) -> str:
        return f"{self.figure_label(chart)}: {chart.title}"

    def refer(self, text: str) -> str:
        """`text` with each reference token replaced by its number; a token naming no
        table or chart of the report is left as the title-less words "the table"/"the
        figure" rather than shown raw."""

        def number(match: re.Match[str]) -> str:
            kind, ident = match.group(1), match.group(2)
            found = (self.tables if kind == "table" else self.figures).get(ident)
            if found is None:
                return f"the {kind}"
            return f"{kind.capitalize()} {found}"

        return _REF.sub(number, text)


def placement(report: Report, section: Section) -> list[Placed]:
    """The section's tables in order, each with its charts, then the charts of the section
    whose table is elsewhere in the report (a chart of no table is left out)."""
    tables = {t.id for t in report.all_tables()}
    placed: list[Placed] = []
    used: set[str] = set()
    for table in section.tables:
        mine = [c for c in section.charts if c.table_id == table.id]
        used.update(c.id for c in mine)
        placed.append(Placed(table, mine))
    for chart in section.charts:
        if chart.id not in used and chart.table_id in tables:
            placed.append(Placed(None, [chart]))
    return placed


def numbers(report: Report) -> Numbers:
    """Every table and chart's number, in the order the formats show them."""
    found = Numbers()

    def walk(sections: list[Section]) -> None:
        for section in sections:
            for item in placement(report, section):
                if item.table is not None:
                    found.tables.setdefault(item.table.id, len(found.tables) + 1)
                for chart in item.charts:
                    found.figures.setdefault(chart.id, len(found.figures) + 1)
            walk(section.subsections)

    walk(report.sections)
    return found


def _lower_first(title: str) -> str:
    """ "Referrals by sector" -> "referrals by sector"; an acronym ("CTLP ...") is kept."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def lead_in(report: Report, section: Section, found: Numbers) -> str:
    """A sentence referring to each table (and its charts) that the section's own words do
    not refer to, or "" when they all are."""
    referred = {m.group(2) for p in section.paragraphs for m in _REF.finditer(p)}
    parts = []
    for item in placement(report, section):
        if item.table is None or item.table.id in referred:
            continue
        text = f"{found.table_label(item.table)} shows {_lower_first(item.table.title)}"
        figures = [found.figure_label(c) for c in item.charts if c.id not in referred]
        if figures:
            text += f" and {' and '.join(figures)} {'draws' if len(figures) == 1 else 'draw'} it"
        parts.append(text)
    if not parts:
        return ""
    return "; ".join(parts) + "."


# --- column widths ---------------------------------------------------------------------------

# Text is measured with DejaVu Sans (matplotlib's own font, so always at hand): it is wider
# than Arial and Liberation Sans, the fonts Word and LibreOffice normally use, so a column
# wide enough for a word in DejaVu is wide enough everywhere it is read. A column narrower
# than its longest word is what breaks words ("Kingsme / re") when columns are shared out
# equally.
SLACK = 1.05


@functools.cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    return ImageFont.truetype(str(path), size=1000)


def text_ems(text: str, *, bold: bool = False) -> float:
    """The width of `text` on one line, in ems."""
    return _font(bold).getlength(text) / 1000 * SLACK


@dataclass(frozen=True)
class ColumnWidth:
    minimum: float  # in ems: the longest word, so no word breaks
    wanted: float  # in ems: the longest text on one line
    numeric: bool


def measure(table: Table, cells: list[list[str]]) -> list[ColumnWidth]:
    """Each column's widths from its (bold) header and `cells` (the rows as shown)."""
    widths = []
    for n, column in enumerate(table.columns):
        texts = [(column.title, True)] + [(row[n], False) for row in cells]
        longest_word = max(
            (text_ems(word, bold=bold) for text, bold in texts for word in text.split()),
            default=1.0,
        )
        longest_text = max((text_ems(text, bold=bold) for text, bold in texts), default=1.0)
        widths.append(
            ColumnWidth(
                minimum=longest_word,
                wanted=max(longest_text, longest_word),
                numeric=column.kind in NUMERIC_KINDS,
            )
        )
    return widths


def fits(widths: list[ColumnWidth], available: float, padding: float) -> bool:
    """Whether every column can have its longest word within `available`."""
    return sum(w.minimum + padding for w in widths) <= available


def share_out(widths: list[ColumnWidth], available: float, padding: float) -> list[float]:
    """Column widths (in the units of `available`, each including `padding`) that fill
    `available`: every column gets its longest word, text columns the rest of what they
    want first, and what is left goes to the text columns. If even the longest words do
    not fit, all shrink in proportion (a word may then break: nothing else can be done)."""
    if not widths:
        return []
    minimum = [w.minimum + padding for w in widths]
    wanted = [w.wanted + padding for w in widths]
    if sum(minimum) >= available:
        return [m * available / sum(minimum) for m in minimum]
    if sum(wanted) <= available:
        spare = available - sum(wanted)
        text = [n for n, w in enumerate(widths) if not w.numeric] or list(range(len(widths)))
        weight = sum(wanted[n] for n in text)
        return [
            wanted[n] + (spare * wanted[n] / weight if n in text else 0.0)
            for n in range(len(widths))
        ]
    spare = available - sum(minimum)
    more = [wa - m for wa, m in zip(wanted, minimum, strict=True)]
    return [m + spare * extra / sum(more) for m, extra in zip(minimum, more, strict=True)]
