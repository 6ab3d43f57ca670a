"""Casework assurance: the report behind `manage.py report casework-assurance`.

The assurance points the Home Office pilots after the Southport Prevent Learning Review
(domain reference 5.5): people **referred again and again**, people found **below the
threshold but with other vulnerabilities** and referred on to another service, and how
long each stage of the pathway takes. Composes `dueregard.casework.metrics`
(`repeat_referrals`, `onward_referrals`, `days_between_stages`) into the tables the issue
fixes as a public interface (docs/casework-statistics.md): `repeat_referrals`,
`onward_referrals`, and one `days_<interval>` table per interval (`days_receipt_to_triage`,
`days_triage_to_gateway`, `days_gateway_to_panel`, `days_panel_to_decision`,
`days_exit_to_review_6`, `days_exit_to_review_12`, `days_exit_to_review_extended`), each
by financial quarter with a total row. Medians and 90th percentiles are hidden wherever
the count they are worked out from is hidden by disclosure control. Nothing here ranks or scores a person: every figure is a
count of referrals or a number of days between recorded dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority
from dueregard.casework import metrics
from dueregard.core.periods import Period

from ..data import OFFICIAL_SENSITIVE, Column, Report, Section, Table, exact_report
from ..registry import ReportType, for_authority, register

REPORT_ID = "casework-assurance"
TOTAL = "Total"


def _quarter_label(quarter: Period, partial: bool) -> str:
    return quarter.label + (" (part of the quarter)" if partial else "")


def _quarter_rows(
    rows: Sequence[metrics.RepeatReferrals | metrics.OnwardReferrals], keys: list[str]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A row per quarter of the `keys` counts, then a total row; and the totals."""
    body: list[dict[str, Any]] = [
        {"label": _quarter_label(r.quarter, r.partial), **{k: getattr(r, k) for k in keys}}
        for r in rows
    ]
    total = {k: sum(getattr(r, k) for r in rows) for k in keys}
    body.append({"label": TOTAL, **total})
    return body, total


def repeat_table(rows: list[metrics.RepeatReferrals]) -> Table:
    keys = ["repeat_referrals", *(key for key, _ in metrics.REPEAT_OUTCOMES)]
    body, total = _quarter_rows(rows, keys)
    return Table(
        id="repeat_referrals",
        title="Repeat referrals received, and how far they had gone by the end of the period",
        columns=[
            Column("label", "Quarter received", "label"),
            Column("repeat_referrals", "Repeat referrals", "count"),
            *(Column(key, label, "count") for key, label in metrics.REPEAT_OUTCOMES),
        ],
        rows=body,
        denominator="repeat referrals received in the period",
        denominator_value=total["repeat_referrals"],
        not_known=0,
        total_row_label=TOTAL,
        total_column="repeat_referrals",
        notes=[
            (
                "A repeat referral is a referral of a person who had another referral in the "
                "24 months up to it (REPEAT_REFERRAL_MONTHS), whatever that referral's outcome: "
                "the count behind the \u201cReferred N times\u201d warning on the case pages."
            ),
            (
                "Each is counted in the quarter it was received, by the furthest stage it had "
                "reached by the end of the period."
            ),
        ],
    )


def onward_table(rows: list[metrics.OnwardReferrals]) -> Table:
    keys = ["referred_on", "accepted", "declined", "awaiting"]
    body, total = _quarter_rows(rows, keys)
    return Table(
        id="onward_referrals",
        title="Referred on for other vulnerabilities, and the services' answers",
        columns=[
            Column("label", "Quarter referred on", "label"),
            Column("referred_on", "Referred on", "count"),
            Column("accepted", "Accepted by the service", "count"),
            Column("declined", "Declined by the service", "count"),
            Column("awaiting", "Awaiting the service's answer", "count"),
        ],
        rows=body,
        denominator="onward referrals made in the period",
        denominator_value=total["referred_on"],
        not_known=0,
        total_row_label=TOTAL,
        total_column="referred_on",
        notes=[
            (
                "Referrals found not for Channel at triage or at the police gateway but with "
                "other vulnerabilities, referred on to another service; counted in the quarter "
                "they were referred on, with the service's answer as recorded by the end of the "
                "period."
            ),
        ],
    )


def interval_table(interval: metrics.StageInterval) -> Table:
    def row(label: str, figures: metrics.Interval) -> dict[str, Any]:
        return {
            "label": label,
            "intervals": figures.count,
            "median_days": figures.median,
            "p90_days": figures.p90,
        }

    body = [row(_quarter_label(q, partial), f) for q, partial, f in interval.by_quarter]
    body.append(row(TOTAL, interval.overall))
    return Table(
        id=f"days_{interval.id}",
        title=f"Days from {interval.label[0].lower()}{interval.label[1:]}",
        columns=[
            Column("label", "Quarter ended", "label"),
            Column("intervals", "Referrals", "count"),
            Column("median_days", "Median days", "rate"),
            Column("p90_days", "90th percentile, days", "rate"),
        ],
        rows=body,
        denominator="referrals whose interval ended in the period",
        denominator_value=interval.overall.count,
        not_known=0,
        total_row_label=TOTAL,
        derived_from={"median_days": "intervals", "p90_days": "intervals"},
        notes=[
            (
                "Counted in the quarter the interval ended. The median and the 90th percentile "
                "are by the nearest-rank method (each is one of the recorded numbers of days); "
                "\u2013 where there are none."
            ),
        ],
    )


def build(authority: Authority, start: Any, end: Any) -> Report:
    intervals = metrics.days_between_stages(authority, start, end)
    sections = [
        Section(
            id="repeat",
            title="Repeat referrals",
            paragraphs=[
                (
                    "People referred again and again must be seen as such: the Southport Prevent "
                    "Learning Review found three referrals, each closed without reaching Channel."
                )
            ],
            tables=[repeat_table(metrics.repeat_referrals(authority, start, end))],
        ),
        Section(
            id="onward",
            title="Below the threshold, with other vulnerabilities",
            tables=[onward_table(metrics.onward_referrals(authority, start, end))],
        ),
        Section(
            id="timeliness",
            title="Days between stages",
            paragraphs=[
                (
                    "How long referrals took from one stage to the next, as medians and 90th "
                    "percentiles with the number of referrals they are taken from."
                )
            ],
            tables=[interval_table(i) for i in intervals],
        ),
    ]
    return exact_report(
        REPORT_ID,
        "Casework assurance",
        authority,
        start,
        end,
        sections=sections,
        marking=OFFICIAL_SENSITIVE,
        notes=[
            (
                "Counted from the referrals recorded in Due Regard; see "
                "docs/casework-statistics.md for the counting rules."
            )
        ],
    )


register(
    ReportType(
        id=REPORT_ID,
        title="Casework assurance",
        description="Repeat referrals and their outcomes, onward referrals for other "
        "vulnerabilities and the services' answers, and the days between stages (medians "
        "and 90th percentiles) by quarter.",
        kind=Kind.STATISTICS,
        builder=for_authority(build),
    )
)
