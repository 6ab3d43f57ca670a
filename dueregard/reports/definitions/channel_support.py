"""Channel support delivery: the report behind `manage.py report channel-support`.

Composes `dueregard.casework.metrics.support_delivery` into two tables, the public
interface in docs/casework-statistics.md: `support_by_quarter` and
`support_by_intervention`. Cases in support, contacts planned and delivered, contacts not
attended and cancelled, and the cases whose support lapsed (no delivered contact within
the plan's contact interval plus 14 days) with how long the lapses lasted. Counts go
through disclosure control at each audience like every other figure; the days columns
are hidden whenever the count of cases that lapsed is.
"""

from __future__ import annotations

import datetime
import statistics

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority
from dueregard.casework import metrics
from dueregard.casework.models import LAPSING_GRACE_DAYS
from dueregard.core import periods

from ..data import OFFICIAL_SENSITIVE, Chart, Column, Report, Section, Table, exact_report
from ..registry import ReportType, for_authority, register

REPORT_ID = "channel-support"
TOTAL = "Total"

COLUMNS = [
    Column("cases_in_support", "Cases in support", "count"),
    Column("contacts_planned", "Contacts planned", "count"),
    Column("contacts_delivered", "Contacts delivered", "count"),
    Column("not_attended", "Did not attend", "count"),
    Column("cancelled", "Cancelled", "count"),
    Column("cases_lapsed", "Cases whose support lapsed", "count"),
    Column("lapses", "Lapses", "count"),
    Column("median_days_lapsing", "Median days lapsing", "rate"),
    Column("longest_days_lapsing", "Longest lapse (days)", "rate"),
]
DAYS_FROM = {"median_days_lapsing": "cases_lapsed", "longest_days_lapsing": "cases_lapsed"}
LAPSE_NOTE = (
    "A case's support lapses when no contact is delivered within its plan's contact "
    f"interval (every 28 days unless the plan says otherwise) plus {LAPSING_GRACE_DAYS} "
    "days. A lapse counts in the row it began in; its days run to the next delivered "
    "contact, the person leaving Channel, or the end of the period (or today), whichever "
    "comes first."
)
PLANNED_NOTE = (
    "Contacts planned: one every contact interval after support started, while the case "
    "was in support. Contacts delivered, not attended and cancelled: support sessions "
    "dated in the row."
)


def _row(figures: metrics.SupportFigures) -> dict[str, object]:
    days = figures.lapse_days
    return {
        "label": figures.label,
        "cases_in_support": figures.cases_in_support,
        "contacts_planned": figures.contacts_planned,
        "contacts_delivered": figures.contacts_delivered,
        "not_attended": figures.not_attended,
        "cancelled": figures.cancelled,
        "cases_lapsed": figures.cases_lapsed,
        "lapses": figures.lapses,
        "median_days_lapsing": float(statistics.median(days)) if days else None,
        "longest_days_lapsing": float(max(days)) if days else None,
    }


def quarter_table(delivery: metrics.SupportDelivery) -> Table:
    rows = []
    for figures, partial in zip(delivery.quarters, delivery.partial, strict=True):
        row = _row(figures)
        if partial:
            row["label"] = f"{figures.label} (part of the quarter)"
        rows.append(row)
    many = len(rows) > 1
    if many:
        rows.append(_row(delivery.total))
    return Table(
        id="support_by_quarter",
        title="Channel support delivered quarter by quarter",
        columns=[Column("label", "Quarter", "label"), *COLUMNS],
        rows=rows,
        denominator="cases in Channel support during the period",
        denominator_value=delivery.total.cases_in_support,
        not_known=0,
        total_row_label=TOTAL if many else None,
        derived_from=dict(DAYS_FROM),
        notes=[
            "A case in support for several quarters counts in each, and once in the total.",
            PLANNED_NOTE,
            LAPSE_NOTE,
            "Financial quarters: Q1 is April to June.",
        ],
    )


def intervention_table(delivery: metrics.SupportDelivery) -> Table:
    return Table(
        id="support_by_intervention",
        title="Channel support delivered by kind of support",
        columns=[Column("label", "Kind of support", "label"), *COLUMNS],
        rows=[_row(figures) for figures in delivery.by_intervention],
        denominator="cases in Channel support during the period",
        denominator_value=delivery.total.cases_in_support,
        not_known=delivery.by_intervention[-1].cases_in_support,
        not_known_row_label=metrics.NO_KIND,
        derived_from=dict(DAYS_FROM),
        notes=[
            (
                "A support plan can name several kinds of support, so the rows do not add up. "
                "Not known: cases whose plan names no kind (only other support)."
            ),
            PLANNED_NOTE,
            LAPSE_NOTE,
        ],
    )


def build(authority: Authority, start: datetime.date, end: datetime.date) -> Report:
    delivery = metrics.support_delivery(authority, start, end, periods.today())
    return exact_report(
        REPORT_ID,
        "Channel support delivery",
        authority,
        start,
        end,
        sections=[
            Section(
                id="support",
                title="Channel support delivery",
                paragraphs=[
                    (
                        f"Channel cases in support from {start:%-d %B %Y} to {end:%-d %B %Y}: "
                        "the contacts their plans set, what was delivered, and where support "
                        "lapsed (Lessons for Prevent, July 2025: support that petered out)."
                    )
                ],
                tables=[quarter_table(delivery), intervention_table(delivery)],
                charts=[
                    Chart(
                        id="support-by-quarter-chart",
                        title="Contacts planned and delivered quarter by quarter",
                        table_id="support_by_quarter",
                        x="label",
                        series=["contacts_planned", "contacts_delivered", "not_attended"],
                        kind="bar",
                        y_label="Contacts",
                        description="Contacts planned, delivered and not attended in each "
                        "financial quarter of the period.",
                    )
                ],
            )
        ],
        marking=OFFICIAL_SENSITIVE,
        notes=[
            (
                "Counted from the support plans and sessions recorded in Due Regard; see "
                "docs/casework-statistics.md for the counting rules."
            )
        ],
    )


register(
    ReportType(
        id=REPORT_ID,
        title="Channel support delivery",
        description="Cases in Channel support, contacts planned and delivered, did-not-attend "
        "and cancelled contacts, and cases whose support lapsed and for how long, by "
        "quarter and by kind of support.",
        kind=Kind.STATISTICS,
        builder=for_authority(build),
    )
)
