"""Report sections for governance, community engagement, funded projects and council
resources (issue 5, parts 4 to 7).

Not a report of its own: the assurance report appends `community_sections(...)` after
its own sections. Every figure comes from `governance.metrics` and `engagement.metrics`.

Disclosure control: counts of meetings, engagements, groups, communications, project
outputs and IT checks are not counts of people, so those tables declare no sensitive
columns. Counts of out-of-school settings and venue checks can point to a provider or
an organiser, so their count columns stay sensitive (suppressed for board, partner and
public audiences when small).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dueregard.areas.models import Authority
from dueregard.core import periods
from dueregard.core.figures import Breakdown, percent
from dueregard.engagement import metrics as engagement
from dueregard.governance import metrics as governance
from dueregard.reports.data import Column, Section, Table, breakdown_table, counted


def _was(number: int) -> str:
    return "was" if number == 1 else "were"


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def _one_way(
    table_id: str,
    title: str,
    label: str,
    count_id: str,
    count_title: str,
    breakdown: Breakdown,
    *,
    denominator: str,
    sensitive: bool,
    not_known_note: str = "",
) -> Table:
    """`breakdown_table` as these sections show it: rows keyed "group", a "Percentage"
    column, a "Total" row, and a note of the records whose value is not known."""
    notes = ["Percentages are of the records whose value is known."]
    if not_known_note and breakdown.not_known:
        notes.append(f"{breakdown.not_known} {not_known_note}, not included above.")
    return breakdown_table(
        table_id,
        title,
        label,
        breakdown,
        count_title=count_title,
        denominator=denominator,
        count_id=count_id,
        label_id="group",
        percent_title="Percentage",
        total_label="Total",
        people=sensitive,
        notes=notes,
    )


def governance_section(authority: Authority, start: datetime.date, end: datetime.date) -> Section:
    as_at = min(end, periods.today())
    boards = governance.meetings_by_board(authority, start, end)
    meetings = Table(
        id="meetings_by_board",
        title="Meetings held by each board and group",
        columns=[
            Column("board", "Board or group", "label"),
            Column("kind", "Kind", "text"),
            Column("meets", "Meets", "text"),
            Column("meetings_held", "Meetings held", "count"),
            Column("meetings_expected", "Meetings expected", "count"),
            Column("meetings_cancelled", "Meetings cancelled", "count"),
        ],
        rows=[
            {
                "board": b.board,
                "kind": b.kind,
                "meets": b.frequency,
                "meetings_held": b.held,
                "meetings_expected": b.expected,
                "meetings_cancelled": b.cancelled,
            }
            for b in boards
        ],
        notes=["Meetings expected follow how often each board's terms of reference say it meets."],
        sensitive_columns=[],
    )
    status = governance.reporting_status(authority, as_at)
    schedule = _one_way(
        "reporting_commitments",
        f"Reports owed to boards as at {as_at:%-d %B %Y}",
        "Status",
        "commitments",
        "Reporting commitments",
        status,
        denominator="reporting commitments with a due date",
        sensitive=False,
        not_known_note="commitments had no due date set (to be confirmed)",
    )
    presented = governance.reports_presented(authority, start, end)
    delivered = Table(
        id="reports_presented",
        title="Reports presented to boards",
        columns=[
            Column("measure", "Reports", "label"),
            Column("reports", "Number", "count"),
            Column("percent", "Percentage", "percent"),
        ],
        rows=[
            {"measure": "Presented", "reports": presented.presented, "percent": None},
            {
                "measure": "Presented on or before the date due",
                "reports": presented.on_time,
                "percent": percent(presented.on_time, presented.on_time + presented.late),
            },
            {
                "measure": "Presented late",
                "reports": presented.late,
                "percent": percent(presented.late, presented.on_time + presented.late),
            },
            {"measure": "No due date recorded", "reports": presented.no_due_date, "percent": None},
        ],
        denominator="reports presented with a due date",
        denominator_value=presented.on_time + presented.late,
        not_known=presented.no_due_date,
        sensitive_columns=[],
        derived_from={"percent": "reports"},
    )
    overdue_actions = governance.overdue_actions(authority, as_at)
    held = sum(b.held for b in boards)
    return Section(
        id="governance",
        title="Partnership governance",
        paragraphs=[
            (
                f"{counted(held, 'board or group meeting')} {_was(held)} held between "
                f"{start:%-d %B %Y} and {end:%-d %B %Y}."
            ),
            (
                f"On {as_at:%-d %B %Y}, {status.count('Overdue')} of "
                f"{counted(status.total, 'reporting commitment')} "
                f"{_was(status.count('Overdue'))} overdue and "
                f"{counted(overdue_actions, 'meeting action')} {_was(overdue_actions)} open "
                "past the due date."
            ),
        ],
        tables=[meetings, schedule, delivered],
    )


def engagement_section(authority: Authority, start: datetime.date, end: datetime.date) -> Section:
    groups = engagement.groups_engaged(authority, start, end)
    headline = Table(
        id="community_engagement_summary",
        title="Community engagement",
        columns=[Column("measure", "Measure", "label"), Column("number", "Number", "count")],
        rows=[
            {"measure": "Community groups engaged", "number": groups.engaged},
            {"measure": "Community groups on record", "number": groups.groups_on_record},
            {"measure": "Engagements recorded", "number": groups.engagements},
            {"measure": "Events", "number": groups.events},
        ],
        notes=[
            "A group counts once however many engagements and events it took part in.",
        ],
        sensitive_columns=[],
    )
    by_type = _one_way(
        "engagements_by_type",
        "Engagements by type",
        "Type of engagement",
        "engagements",
        "Engagements",
        engagement.engagements_by_type(authority, start, end),
        denominator="engagements",
        sensitive=False,
    )
    channels = _one_way(
        "communications_by_channel",
        "Communications by channel",
        "Channel",
        "communications",
        "Communications",
        engagement.communications_by_channel(authority, start, end),
        denominator="communications logged",
        sensitive=False,
    )
    return Section(
        id="community_engagement",
        title="Community engagement and communications",
        paragraphs=[
            (
                f"{groups.engaged} separate community groups engaged with the Prevent team "
                f"(of {groups.groups_on_record} on record), through {groups.engagements} "
                f"engagements and {groups.events} events."
            )
        ],
        tables=[headline, by_type, channels],
    )


def projects_section(authority: Authority, start: datetime.date, end: datetime.date) -> Section:
    outputs = Table(
        id="project_outputs",
        title="Project outputs by quarter: planned and delivered",
        columns=[
            Column("project", "Project", "label"),
            Column("output", "Output", "text"),
            Column("quarter", "Quarter", "text"),
            Column("planned", "Planned", "count"),
            Column("delivered", "Delivered", "count"),
            Column("delivered_percent", "Delivered as % of planned", "percent"),
        ],
        rows=[
            {
                "project": r.project,
                "output": r.output,
                "quarter": r.quarter,
                "planned": r.planned,
                "delivered": r.delivered,
                "delivered_percent": percent(r.delivered, r.planned)
                if r.delivered is not None and r.planned
                else None,
            }
            for r in engagement.project_outputs(authority, start, end)
        ],
        sensitive_columns=[],
        derived_from={"delivered_percent": "delivered"},
    )
    totals = Table(
        id="project_output_totals",
        title="Project outputs in the period: planned and delivered",
        columns=[
            Column("project", "Project", "label"),
            Column("output", "Output", "text"),
            Column("planned", "Planned", "count"),
            Column("delivered", "Delivered", "count"),
            Column("delivered_percent", "Delivered as % of planned", "percent"),
        ],
        rows=[
            {
                "project": t.project,
                "output": t.output,
                "planned": t.planned,
                "delivered": t.delivered,
                "delivered_percent": percent(t.delivered, t.planned),
            }
            for t in engagement.project_output_totals(authority, start, end)
        ],
        sensitive_columns=[],
        derived_from={"delivered_percent": "delivered"},
    )
    spend = Table(
        id="project_spend",
        title="Spend against funding",
        columns=[
            Column("project", "Project", "label"),
            Column("provider", "Delivered by", "text"),
            Column("funding", "Funding (£)", "money"),
            Column("spent_in_period", "Spent in the period (£)", "money"),
            Column("spent_to_date", "Spent to date (£)", "money"),
            Column("spent_percent", "Spent to date as % of funding", "percent"),
        ],
        rows=[
            {
                "project": s.project,
                "provider": s.provider,
                "funding": _money(s.budget),
                "spent_in_period": _money(s.spent_in_period),
                "spent_to_date": _money(s.spent_to_date),
                "spent_percent": _money_percent(s.spent_to_date, s.budget),
            }
            for s in engagement.project_spend(authority, start, end)
        ],
        sensitive_columns=[],
    )
    bids = engagement.bids(authority, start, end)
    outcomes = _one_way(
        "bids_by_outcome",
        "Funding bids submitted, by outcome",
        "Outcome",
        "bids",
        "Bids",
        bids.outcomes,
        denominator="bids decided",
        sensitive=False,
        not_known_note="bids were waiting for a decision",
    )
    return Section(
        id="funded_projects",
        title="Funded projects",
        paragraphs=[
            (
                f"{bids.outcomes.total} bids were submitted asking for £{bids.requested:,.2f}; "
                f"£{bids.awarded:,.2f} was awarded."
            )
        ],
        tables=[outcomes, totals, outputs, spend],
    )


def _money_percent(part: Decimal, whole: Decimal) -> float | None:
    if not whole:
        return None
    return percent(int(part * 100), int(whole * 100))


def resources_section(authority: Authority, start: datetime.date, end: datetime.date) -> Section:
    as_at = min(end, periods.today())
    register = engagement.settings_by_safeguarding_status(authority, as_at)
    settings = _one_way(
        "settings_by_safeguarding_status",
        f"Out-of-school settings by safeguarding status, as at {as_at:%-d %B %Y}",
        "Safeguarding status",
        "settings",
        "Settings",
        register.by_status,
        denominator="settings assessed",
        sensitive=True,
        not_known_note="settings were not yet assessed",
    )
    venues = _one_way(
        "venue_checks_by_decision",
        "Venue-hire checks by decision",
        "Decision",
        "checks",
        "Checks",
        engagement.venue_checks_by_decision(authority, start, end),
        denominator="venue checks decided",
        sensitive=True,
        not_known_note="checks were waiting for a decision",
    )
    it = _one_way(
        "it_checks_by_result",
        "Public-access IT filtering checks by result",
        "Result",
        "checks",
        "Checks",
        engagement.it_checks_by_result(authority, start, end),
        denominator="IT filtering checks",
        sensitive=False,
    )
    sites = engagement.it_sites_checked(authority, start, end)
    return Section(
        id="council_resources",
        title="Council resources",
        paragraphs=[
            (
                f"{register.by_status.total} out-of-school settings were on the register on "
                f"{as_at:%-d %B %Y}, attended by about {register.pupils:,} children "
                f"(not known for {register.pupils_not_known} settings)."
            ),
            f"Public-access IT filtering was checked at {sites} sites.",
        ],
        tables=[settings, venues, it],
    )


def community_sections(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[Section]:
    """Governance, community engagement, funded projects and council resources for
    `authority` from `start` to `end` (inclusive), in that order."""
    return [
        governance_section(authority, start, end),
        engagement_section(authority, start, end),
        projects_section(authority, start, end),
        resources_section(authority, start, end),
    ]
