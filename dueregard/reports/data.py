"""The format-neutral report structure that every renderer reads.

A report definition (reports/definitions/) composes metrics into a `Report` of
`Section`s holding paragraphs, `Table`s and `Chart`s. Disclosure control
(reports/disclosure.py) works on `Table`s; renderers (reports/renderers/) turn a
`Report` into HTML, DOCX, XLSX, CSV, JSON or PDF. No renderer computes a figure.

Cell values: `int` for counts, `float` for percentages and rates (already rounded),
`str` for labels and text, `None` for "not applicable", and `Suppressed` for a cell that
disclosure control has hidden.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils import timezone

from dueregard.areas.models import Authority
from dueregard.core.figures import Breakdown, percent

from .scope import Scope

ColumnKind = Literal["label", "count", "percent", "rate", "money", "text", "date", "flag"]
NUMERIC_KINDS: frozenset[str] = frozenset({"count", "percent", "rate", "money"})

# Security markings (Government Security Classifications: OFFICIAL, with the SENSITIVE
# handling caveat where need-to-know must be enforced).
OFFICIAL = "OFFICIAL"
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Suppressed:
    """A hidden cell. `shown` is what people see: "<5" for a small count, "*" otherwise."""

    shown: str = "*"
    reason: str = "secondary"  # "small" (primary) or "secondary" or "derived"

    def __str__(self) -> str:
        return self.shown


@dataclass(frozen=True)
class Column:
    id: str
    title: str
    kind: ColumnKind = "count"


@dataclass
class Table:
    """A table of rows keyed by column id; the first column is normally the row label.

    `denominator` says what percentages are shares of (e.g. "referrals received") and
    `denominator_value` how many that is; `not_known` counts records whose value for the
    table's dimension is not known. `total_row_label` names a row that holds the column
    totals and `total_column` a count column that holds each row's total (disclosure
    control protects both, see reports/disclosure.py and docs/reports.md).

    Percent and rate columns say which count column they are computed from in
    `derived_from`; a percentage whose denominator is another column of the same row
    (e.g. "% of those discussed") names that column in `percent_of`, otherwise it is a
    share of `denominator_value`. Disclosure control uses both to hide a percentage
    whenever its count or its denominator is hidden.
    """

    id: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    denominator: str | None = None
    denominator_value: int | Suppressed | None = None
    not_known: int | Suppressed | None = None
    notes: list[str] = field(default_factory=list)
    total_row_label: str | None = None
    # A row that shows the not-known count (e.g. "Not known" age band): disclosure control
    # knows it equals `not_known`, so it is protected like the other rows.
    not_known_row_label: str | None = None
    # Columns whose cells are counts of people or cases (disclosure control applies).
    # By default every "count" column.
    sensitive_columns: list[str] | None = None
    # Percent columns derived from a count column: {percent column id: count column id}.
    derived_from: dict[str, str] = field(default_factory=dict)
    # A count column holding each row's total (the sum of the other count columns).
    total_column: str | None = None
    # Percent columns whose denominator is a count column of the same row, not
    # `denominator_value`: {percent column id: denominator column id}.
    percent_of: dict[str, str] = field(default_factory=dict)
    # What disclosure control hid in this table, in words (set by reports.disclosure).
    suppression_note: str = ""

    @property
    def column_ids(self) -> list[str]:
        return [c.id for c in self.columns]

    def count_columns(self) -> list[str]:
        if self.sensitive_columns is not None:
            return self.sensitive_columns
        return [c.id for c in self.columns if c.kind == "count"]

    def column(self, column_id: str) -> Column:
        for c in self.columns:
            if c.id == column_id:
                return c
        raise KeyError(column_id)

    def is_total_row(self, row: dict[str, Any]) -> bool:
        """Rows are matched on their "label" column, the row label's conventional id."""
        return self.total_row_label is not None and row.get("label") == self.total_row_label


@dataclass
class Chart:
    """A chart drawn from a table: one series per column in `series`, by row `x`."""

    id: str
    title: str
    table_id: str
    x: str
    series: list[str]
    kind: Literal["bar", "line", "barh"] = "bar"
    y_label: str = ""
    target: float | None = None  # a horizontal target line (e.g. 85% compliance)
    target_label: str = ""
    # Words for people who cannot see the chart (the SVG <desc>); the table beside the
    # chart always carries the figures.
    description: str = ""


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Report:
    id: str
    title: str
    authority_code: str
    authority_name: str
    start: datetime.date
    end: datetime.date
    audience: str
    generated_at: datetime.datetime
    sections: list[Section] = field(default_factory=list)
    marking: str = OFFICIAL
    # Extra keys a definition wants at the top of the JSON output.
    meta: dict[str, Any] = field(default_factory=dict)
    # Report-level notes (sources, caveats); disclosure control adds its rule here.
    notes: list[str] = field(default_factory=list)

    def all_tables(self) -> list[Table]:
        found: list[Table] = []

        def walk(sections: list[Section]) -> None:
            for s in sections:
                found.extend(s.tables)
                walk(s.subsections)

        walk(self.sections)
        return found

    def all_charts(self) -> list[Chart]:
        found: list[Chart] = []

        def walk(sections: list[Section]) -> None:
            for s in sections:
                found.extend(s.charts)
                walk(s.subsections)

        walk(self.sections)
        return found

    def charts_for(self, table_id: str) -> list[Chart]:
        return [c for c in self.all_charts() if c.table_id == table_id]

    def table(self, table_id: str) -> Table:
        for t in self.all_tables():
            if t.id == table_id:
                return t
        raise KeyError(table_id)


def exact_report(
    report_id: str,
    title: str,
    area: Authority | Scope,
    start: datetime.date,
    end: datetime.date,
    *,
    sections: list[Section],
    **extra: Any,
) -> Report:
    """A report with exact figures for `area` (an authority, or a scope's code and name),
    generated now: what every builder returns before disclosure control protects it for
    an audience. `extra` sets the other fields (marking, notes, meta)."""
    scope = Scope.of(area)
    return Report(
        id=report_id,
        title=title,
        authority_code=scope.code,
        authority_name=scope.name,
        start=start,
        end=end,
        audience="exact",
        generated_at=timezone.now(),
        sections=sections,
        **extra,
    )


def breakdown_table(
    table_id: str,
    title: str,
    dimension: str,
    breakdown: Breakdown,
    *,
    count_title: str,
    denominator: str,
    count_id: str = "count",
    label_id: str = "label",
    percent_title: str = "% of known",
    total_label: str | None = None,
    not_known_label: str | None = None,
    people: bool = True,
    notes: Sequence[str] = (),
) -> Table:
    """A one-way table of a `Breakdown`: a row per group with its count and its share of
    the known (`percent`, derived from the count), the not-known count kept apart in
    `not_known`.

    `not_known_label` also shows the not-known count as a row of that label, without a
    percentage; `total_label` ends the table with a row of the known total (100%).
    `people` says whether the counts can identify people, so disclosure control applies
    to them; counts of actions, meetings or checks cannot (`sensitive_columns=[]`).
    Rows are keyed `label_id`, `count_id` and "percent", in that order."""
    known = breakdown.known
    rows: list[dict[str, Any]] = [
        {label_id: group, count_id: count, "percent": percent(count, known)}
        for group, count in breakdown.groups
    ]
    if not_known_label is not None:
        rows.append({label_id: not_known_label, count_id: breakdown.not_known, "percent": None})
    if total_label is not None:
        rows.append({label_id: total_label, count_id: known, "percent": percent(known, known)})
    return Table(
        id=table_id,
        title=title,
        columns=[
            Column(label_id, dimension, "label"),
            Column(count_id, count_title, "count"),
            Column("percent", percent_title, "percent"),
        ],
        rows=rows,
        denominator=denominator,
        denominator_value=known,
        not_known=breakdown.not_known,
        notes=list(notes),
        total_row_label=total_label,
        not_known_row_label=not_known_label,
        sensitive_columns=None if people else [],
        derived_from={"percent": count_id},
    )


@dataclass(frozen=True)
class Field:
    """A column of a `records_table` and how it reads a record: `read(record)` if given,
    else the record's attribute `attr` (by default the column id)."""

    id: str
    title: str
    kind: ColumnKind = "count"
    attr: str | None = None
    read: Callable[[Any], Any] | None = None

    def value(self, record: Any) -> Any:
        if self.read is not None:
            return self.read(record)
        return getattr(record, self.attr or self.id)


def records_table(
    table_id: str, title: str, records: Iterable[Any], fields: Sequence[Field], **table: Any
) -> Table:
    """A table of a row per record (a metric's dataclass), a column per field, rows keyed
    in the fields' order. `table` sets the other `Table` fields (denominator, notes,
    derived_from, percent_of, sensitive_columns...)."""
    return Table(
        id=table_id,
        title=title,
        columns=[Column(f.id, f.title, f.kind) for f in fields],
        rows=[{f.id: f.value(record) for f in fields} for record in records],
        **table,
    )


def table_ref(table_id: str) -> str:
    """Words for a paragraph that refer to a table: every format shows "Table N" (its
    caption's number), see reports/renderers/layout.py."""
    return f"{{table:{table_id}}}"


def figure_ref(chart_id: str) -> str:
    """Words for a paragraph that refer to a chart: every format shows "Figure N"."""
    return f"{{figure:{chart_id}}}"


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """A number with its noun: "0 open actions", "1 commitment", "2 commitments".
    `plural` for a noun that does not just add "s" ("1 inquiry", "2 inquiries")."""
    noun = singular if number == 1 else (plural or f"{singular}s")
    return f"{number:,} {noun}"
