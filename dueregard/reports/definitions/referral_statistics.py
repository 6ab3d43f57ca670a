"""Referrals and Channel casework: the report behind `manage.py report referral-statistics`
and its page.

Composes `dueregard.casework.metrics` into the tables the issue fixes as a public
interface (docs/casework-statistics.md): `journey`, `by_quarter`, `by_sector`,
`by_concern`, `by_gender`, `by_age_band`, `adopted_by_concern`,
`vulnerabilities_of_adopted`, `panels` and `attendance_by_agency`, with charts of the
journey, the quarters and the types of concern. Counts are integers; percentages are
rounded half up to one decimal by `core.figures.percent`. Every table states its
denominator and its count of not-known values.
"""

from __future__ import annotations

import datetime

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority
from dueregard.casework import metrics
from dueregard.core.figures import percent

from ..data import (
    OFFICIAL_SENSITIVE,
    Chart,
    Column,
    Report,
    Section,
    Table,
    breakdown_table,
    exact_report,
)
from ..registry import ReportType, for_authority, register

REPORT_ID = "referral-statistics"
TOTAL = "Total"
ALL_PANELS = "All panels"

JOURNEY_ROWS = [
    ("received", "Referrals received"),
    ("referred_to_police", "Referred to the police gateway"),
    ("discussed_at_panel", "Discussed at a Channel panel"),
    ("adopted", "Adopted as a Channel case"),
    ("left_channel", "Left Channel"),
]
QUARTER_MEASURES = [
    ("referred_to_police", "Referred to police"),
    ("adopted", "Adopted as a Channel case"),
    ("advice_provided", "Triaged and advice provided"),
]


def _day(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def journey_table(figures: metrics.Journey) -> Table:
    received = figures.received
    return Table(
        id="journey",
        title="The journey of referrals received in the period",
        columns=[
            Column("label", "Stage", "label"),
            Column("count", "Referrals", "count"),
            Column("percent", "% of referrals received", "percent"),
        ],
        rows=[
            {
                "label": label,
                "count": getattr(figures, key),
                "percent": percent(getattr(figures, key), received),
            }
            for key, label in JOURNEY_ROWS
        ],
        denominator="referrals received in the period",
        denominator_value=received,
        not_known=0,
        derived_from={"percent": "count"},
        notes=[
            (
                "Follows the referrals received in the period: each stage counts those of them "
                "that had reached it by the end of the period, so the stages are nested, not "
                "added up."
            ),
            (
                "Referrals not yet triaged by the end of the period count as received only. "
                "Every referral's stage is known, so none is counted as not known."
            ),
        ],
    )


def quarter_table(rows: list[metrics.QuarterFigures]) -> Table:
    def row(label: str, new: int, police: int, adopted: int, advice: int) -> dict[str, object]:
        return {
            "label": label,
            "new_referrals": new,
            "referred_to_police": police,
            "referred_to_police_percent": percent(police, new),
            "adopted": adopted,
            "adopted_percent": percent(adopted, new),
            "advice_provided": advice,
            "advice_provided_percent": percent(advice, new),
        }

    body = []
    for q in rows:
        label = q.quarter.label
        if q.partial:
            label += " (part of the quarter)"
        body.append(row(label, q.new_referrals, q.referred_to_police, q.adopted, q.advice_provided))
    new_total = sum(q.new_referrals for q in rows)
    if len(rows) > 1:
        body.append(
            row(
                TOTAL,
                new_total,
                sum(q.referred_to_police for q in rows),
                sum(q.adopted for q in rows),
                sum(q.advice_provided for q in rows),
            )
        )
    columns = [Column("label", "Quarter", "label"), Column("new_referrals", "New referrals")]
    for key, title in QUARTER_MEASURES:
        columns.append(Column(key, title, "count"))
        columns.append(Column(f"{key}_percent", f"{title} (% of new referrals)", "percent"))
    return Table(
        id="by_quarter",
        title="Referrals quarter by quarter",
        columns=columns,
        rows=body,
        denominator="new referrals received in the same quarter",
        denominator_value=new_total,
        not_known=0,
        total_row_label=TOTAL if len(rows) > 1 else None,
        derived_from={f"{key}_percent": key for key, _ in QUARTER_MEASURES},
        percent_of={f"{key}_percent": "new_referrals" for key, _ in QUARTER_MEASURES},
        notes=[
            (
                "Each column counts the events dated in the quarter (referred to police, "
                "adopted, triaged with advice provided), whichever quarter the referral was "
                "received in, as a percentage of the quarter's new referrals. A case adopted in "
                "one quarter may have been referred to police in an earlier one, so a "
                "quarter's columns need not add up."
            ),
            "Financial quarters: Q1 is April to June.",
        ],
    )


RECEIVED = "referrals received in the period"


def _whose_known(dimension: str, counted: str = RECEIVED) -> str:
    return f"{counted} whose {dimension.lower()} is known"


def vulnerability_table(shares: metrics.VulnerabilityShares) -> Table:
    return Table(
        id="vulnerabilities_of_adopted",
        title="Vulnerabilities of Channel cases adopted in the period",
        columns=[
            Column("label", "Vulnerability", "label"),
            Column("count", "Channel cases", "count"),
            Column("percent", "% of Channel cases", "percent"),
        ],
        rows=[
            {"label": label, "count": count, "percent": percent(count, shares.cases)}
            for label, count in shares.groups
        ],
        denominator="Channel cases adopted in the period",
        denominator_value=shares.cases,
        not_known=shares.none_recorded,
        derived_from={"percent": "count"},
        notes=[
            (
                "A case can have several vulnerabilities, so the rows do not add up. Not known: "
                "cases with no vulnerability recorded."
            )
        ],
    )


def panels_table(rows: list[metrics.PanelFigures]) -> Table:
    body: list[dict[str, object]] = [
        {"label": r.panel, "meetings_held": r.meetings_held, "cases_discussed": r.cases_discussed}
        for r in rows
    ]
    held = sum(r.meetings_held for r in rows)
    if len(rows) > 1:
        body.append(
            {
                "label": ALL_PANELS,
                "meetings_held": held,
                "cases_discussed": sum(r.cases_discussed for r in rows),
            }
        )
    return Table(
        id="panels",
        title="Channel panel meetings held",
        columns=[
            Column("label", "Panel", "label"),
            Column("meetings_held", "Meetings held", "count"),
            Column("cases_discussed", "Cases decided at them", "count"),
        ],
        rows=body,
        denominator="panel meetings held in the period",
        denominator_value=held,
        not_known=0,
        total_row_label=ALL_PANELS if len(rows) > 1 else None,
        # Meetings are not people; the cases decided are.
        sensitive_columns=["cases_discussed"],
        notes=[
            (
                "Meetings marked held with a date in the period. Cases decided: agenda items "
                "with the panel's decision recorded in Due Regard (imported history has none)."
            )
        ]
        + ([] if rows else ["No panel meeting is marked held in the period."]),
    )


def attendance_table(rows: list[metrics.AgencyAttendance], held: int) -> Table:
    return Table(
        id="attendance_by_agency",
        title="Attendance at Channel panel meetings by agency",
        columns=[
            Column("label", "Agency", "label"),
            Column("meetings_attended", "Meetings attended", "count"),
            Column("attendance_percent", "% of meetings held", "percent"),
            Column("apologies", "Apologies sent", "count"),
        ],
        rows=[
            {
                "label": r.agency,
                "meetings_attended": r.meetings_attended,
                "attendance_percent": percent(r.meetings_attended, held),
                "apologies": r.apologies,
            }
            for r in rows
        ],
        denominator="panel meetings held in the period",
        denominator_value=held,
        not_known=0,
        # Attendance of agencies at meetings is not about the people referred.
        sensitive_columns=[],
        derived_from={"attendance_percent": "meetings_attended"},
        notes=[
            (
                "An agency counts once per meeting however many of its staff came; apologies "
                "count meetings it was recorded at but nobody from it attended."
            )
        ],
    )


def build(authority: Authority, start: datetime.date, end: datetime.date) -> Report:
    journey = journey_table(metrics.journey(authority, start, end))
    quarters = quarter_table(metrics.quarters(authority, start, end))
    by_concern = breakdown_table(
        "by_concern",
        "Referrals by type of concern",
        "Type of concern",
        metrics.by_concern(authority, start, end),
        count_title="Referrals",
        denominator=_whose_known("Type of concern"),
    )
    held = metrics.meetings_held(authority, start, end)
    counting = (
        f"Referrals received from {_day(start)} to {_day(end)}. Percentages are rounded "
        "half up to one decimal place; shares by group are of the referrals whose value is "
        "known, and the number not known is given with each table."
    )
    sections = [
        Section(
            id="journey",
            title="Referrals and the pathway",
            paragraphs=[counting],
            tables=[journey, quarters],
            charts=[
                Chart(
                    id="journey-chart",
                    title="Referrals received and the stages they reached",
                    table_id="journey",
                    x="label",
                    series=["count"],
                    kind="barh",
                    y_label="Referrals",
                    description="The number of referrals received in the period and how "
                    "many of them reached each stage of the pathway.",
                ),
                Chart(
                    id="by-quarter-chart",
                    title="Referrals quarter by quarter",
                    table_id="by_quarter",
                    x="label",
                    series=["new_referrals", "referred_to_police", "adopted", "advice_provided"],
                    kind="bar",
                    y_label="Referrals",
                    description="New referrals, referrals to police, adoptions and advice "
                    "provided in each financial quarter of the period.",
                ),
            ],
        ),
        Section(
            id="who",
            title="Who was referred, by whom and why",
            paragraphs=[
                (
                    "Type of concern is the concern raised by the referrer, as the Home Office "
                    "statistics report it. Age is the age at referral."
                )
            ],
            tables=[
                breakdown_table(
                    "by_sector",
                    "Referrals by sector of referral",
                    "Sector",
                    metrics.by_sector(authority, start, end),
                    count_title="Referrals",
                    denominator=_whose_known("Sector"),
                ),
                by_concern,
                breakdown_table(
                    "by_gender",
                    "Referrals by gender",
                    "Gender",
                    metrics.by_gender(authority, start, end),
                    count_title="Referrals",
                    denominator=_whose_known("Gender"),
                ),
                breakdown_table(
                    "by_age_band",
                    "Referrals by age at referral",
                    "Age band",
                    metrics.by_age_band(authority, start, end),
                    count_title="Referrals",
                    denominator=_whose_known("Age band"),
                    not_known_label=metrics.NOT_KNOWN,
                ),
            ],
            charts=[
                Chart(
                    id="by-concern-chart",
                    title="Referrals by type of concern",
                    table_id="by_concern",
                    x="label",
                    series=["count"],
                    kind="barh",
                    y_label="Referrals",
                    description="The number of referrals received in the period for each "
                    "type of concern.",
                )
            ],
        ),
        Section(
            id="channel",
            title="Channel cases",
            paragraphs=[
                "Channel cases are the referrals adopted by a Channel panel in the period."
            ],
            tables=[
                breakdown_table(
                    "adopted_by_concern",
                    "Channel cases by type of concern",
                    "Type of concern",
                    metrics.adopted_by_concern(authority, start, end),
                    count_title="Channel cases",
                    denominator=_whose_known(
                        "Type of concern", counted="Channel cases adopted in the period"
                    ),
                ),
                vulnerability_table(metrics.vulnerabilities_of_adopted(authority, start, end)),
            ],
        ),
        Section(
            id="panels",
            title="Channel panels",
            tables=[
                panels_table(metrics.panels_held(authority, start, end)),
                attendance_table(metrics.attendance_by_agency(authority, start, end), held),
            ],
        ),
    ]
    return exact_report(
        REPORT_ID,
        "Referrals and Channel casework",
        authority,
        start,
        end,
        sections=sections,
        marking=OFFICIAL_SENSITIVE,
        notes=[
            (
                "Counted from the referrals recorded in Due Regard (entered, imported or sent by "
                "partner systems); see docs/casework-statistics.md for the counting rules."
            )
        ],
    )


register(
    ReportType(
        id=REPORT_ID,
        title="Referrals and Channel casework",
        description="Referrals received and the stages they reached, quarter by quarter, by "
        "sector, type of concern, gender and age; Channel cases by concern and "
        "vulnerability; panel meetings and attendance.",
        kind=Kind.STATISTICS,
        builder=for_authority(build),
    )
)
