"""Figures for community engagement, funded projects and council resources.

Each function aggregates in the database for one authority and an inclusive date range
(or a date), and returns counts with their denominators and the count of unknowns.
Archived records (entered in error, or no longer current) are not counted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from dueregard.areas.models import Authority
from dueregard.core.figures import Breakdown
from dueregard.core.periods import financial_quarter_of

from .models import (
    Bid,
    BidOutcome,
    Channel,
    Communication,
    CommunityGroup,
    Engagement,
    EngagementType,
    Event,
    FilterResult,
    ITCheck,
    OutOfSchoolSetting,
    OutputFigure,
    ProgressNote,
    Project,
    SafeguardingStatus,
    VenueCheck,
    VenueDecision,
)


def _breakdown(
    rows: dict[str, int], labels: list[tuple[str, str]], not_known_code: str | None = None
) -> Breakdown:
    groups = tuple(
        (str(label), rows.get(code, 0)) for code, label in labels if code != not_known_code
    )
    return Breakdown(groups, rows.get(not_known_code, 0) if not_known_code else 0)


def engagements_by_type(
    authority: Authority, start: datetime.date, end: datetime.date
) -> Breakdown:
    """Engagements dated in the range, by type of engagement (every type is known)."""
    rows = dict(
        Engagement.objects.filter(authority=authority, archived=False, date__range=(start, end))
        .values_list("type")
        .annotate(n=Count("pk"))
        .values_list("type", "n")
    )
    return _breakdown(rows, EngagementType.choices)


@dataclass(frozen=True)
class GroupsEngaged:
    """Distinct community groups engaged in the range, out of the groups on record.

    A group counts once however many engagements or events it took part in.
    """

    engaged: int  # through an engagement or an event
    through_engagements: int
    engagements: int
    events: int
    groups_on_record: int  # groups not archived: the denominator


def groups_engaged(authority: Authority, start: datetime.date, end: datetime.date) -> GroupsEngaged:
    in_range = Q(engagements__date__range=(start, end), engagements__archived=False)
    in_events = Q(events__date__range=(start, end), events__archived=False)
    groups = CommunityGroup.objects.filter(authority=authority)
    counts = groups.aggregate(
        engaged=Count("pk", filter=in_range | in_events, distinct=True),
        through_engagements=Count("pk", filter=in_range, distinct=True),
        on_record=Count("pk", filter=Q(archived=False), distinct=True),
    )
    engagements = Engagement.objects.filter(
        authority=authority, archived=False, date__range=(start, end)
    ).count()
    events = Event.objects.filter(
        authority=authority, archived=False, date__range=(start, end)
    ).count()
    return GroupsEngaged(
        engaged=counts["engaged"],
        through_engagements=counts["through_engagements"],
        engagements=engagements,
        events=events,
        groups_on_record=counts["on_record"],
    )


def communications_by_channel(
    authority: Authority, start: datetime.date, end: datetime.date
) -> Breakdown:
    rows = dict(
        Communication.objects.filter(authority=authority, archived=False, date__range=(start, end))
        .values_list("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    return _breakdown(rows, Channel.choices)


@dataclass(frozen=True)
class OutputRow:
    """Planned and delivered counts of one project output in one financial quarter.
    None means nothing was recorded."""

    project: str
    output: str
    quarter_start: datetime.date
    quarter: str
    planned: int | None
    delivered: int | None


def project_outputs(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[OutputRow]:
    """Every output figure for a quarter that starts in the range, by project, output
    and quarter (one query)."""
    rows = (
        OutputFigure.objects.filter(
            authority=authority,
            output__project__archived=False,
            quarter_start__range=(financial_quarter_of(start).start, end),
        )
        .order_by(
            "output__project__starts_on",
            "output__project__title",
            "output__order",
            "output__pk",
            "quarter_start",
        )
        .values_list(
            "output__project__title", "output__name", "quarter_start", "planned", "delivered"
        )
    )
    return [
        OutputRow(p, o, q, financial_quarter_of(q).label, planned, delivered)
        for p, o, q, planned, delivered in rows
    ]


@dataclass(frozen=True)
class OutputTotal:
    project: str
    output: str
    planned: int
    delivered: int
    quarters_reported: int  # quarters with a delivered figure


def project_output_totals(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[OutputTotal]:
    """Planned and delivered summed over the quarters in the range, per project output."""
    rows = (
        OutputFigure.objects.filter(
            authority=authority,
            output__project__archived=False,
            quarter_start__range=(financial_quarter_of(start).start, end),
        )
        .values(
            "output__project__title",
            "output__name",
            "output__order",
            "output__pk",
            "output__project__starts_on",
        )
        .annotate(
            planned_total=Sum("planned", default=0),
            delivered_total=Sum("delivered", default=0),
            reported=Count("pk", filter=Q(delivered__isnull=False)),
        )
        .order_by(
            "output__project__starts_on", "output__project__title", "output__order", "output__pk"
        )
    )
    return [
        OutputTotal(
            r["output__project__title"],
            r["output__name"],
            r["planned_total"],
            r["delivered_total"],
            r["reported"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Spend:
    project: str
    provider: str
    budget: Decimal
    spent_in_period: Decimal
    spent_to_date: Decimal  # every return to the end of the range


def project_spend(authority: Authority, start: datetime.date, end: datetime.date) -> list[Spend]:
    """Spend against funding for every project running at some point in the range."""
    in_period = Q(progress__quarter_start__range=(financial_quarter_of(start).start, end))
    rows = (
        Project.objects.filter(
            authority=authority, archived=False, starts_on__lte=end, ends_on__gte=start
        )
        .annotate(
            in_period=Sum("progress__spend", filter=in_period, default=Decimal(0)),
            to_date=Sum(
                "progress__spend", filter=Q(progress__quarter_start__lte=end), default=Decimal(0)
            ),
        )
        .order_by("starts_on", "title")
        .values_list("title", "provider", "budget", "in_period", "to_date")
    )
    return [Spend(*row) for row in rows]


@dataclass(frozen=True)
class BidSummary:
    outcomes: Breakdown  # pending bids are the not-known count
    requested: Decimal
    awarded: Decimal


def bids(authority: Authority, start: datetime.date, end: datetime.date) -> BidSummary:
    """Bids submitted in the range by outcome, with the sums asked for and awarded."""
    queryset = Bid.objects.filter(
        authority=authority, archived=False, submitted_on__range=(start, end)
    )
    rows = dict(queryset.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    totals = queryset.aggregate(
        requested=Sum("amount_requested", default=Decimal(0)),
        awarded=Sum("amount_awarded", default=Decimal(0)),
    )
    return BidSummary(
        _breakdown(rows, BidOutcome.choices, not_known_code=BidOutcome.PENDING),
        totals["requested"],
        totals["awarded"],
    )


@dataclass(frozen=True)
class SettingsRegister:
    by_status: Breakdown  # "not yet assessed" is the not-known count
    pupils: int  # children attending, where known
    pupils_not_known: int  # settings whose number of children is not known


def settings_by_safeguarding_status(authority: Authority, as_at: datetime.date) -> SettingsRegister:
    """Out-of-school settings on the register on `as_at` (identified by then, not
    archived), by their current safeguarding status."""
    queryset = OutOfSchoolSetting.objects.filter(
        authority=authority, archived=False, identified_on__lte=as_at
    )
    rows = dict(
        queryset.values_list("safeguarding_status")
        .annotate(n=Count("pk"))
        .values_list("safeguarding_status", "n")
    )
    totals = queryset.aggregate(
        total_pupils=Sum("pupils", default=0),
        unknown=Count("pk", filter=Q(pupils__isnull=True)),
    )
    return SettingsRegister(
        _breakdown(
            rows, SafeguardingStatus.choices, not_known_code=SafeguardingStatus.NOT_ASSESSED
        ),
        totals["total_pupils"],
        totals["unknown"],
    )


def venue_checks_by_decision(
    authority: Authority, start: datetime.date, end: datetime.date
) -> Breakdown:
    """Venue checks for events in the range by the officer's decision; checks not yet
    decided are the not-known count."""
    rows = dict(
        VenueCheck.objects.filter(
            authority=authority, archived=False, event_date__range=(start, end)
        )
        .values_list("decision")
        .annotate(n=Count("pk"))
        .values_list("decision", "n")
    )
    return _breakdown(rows, VenueDecision.choices, not_known_code=VenueDecision.PENDING)


def it_checks_by_result(
    authority: Authority, start: datetime.date, end: datetime.date
) -> Breakdown:
    """IT filtering checks made in the range, by result."""
    rows = dict(
        ITCheck.objects.filter(authority=authority, archived=False, checked_on__range=(start, end))
        .values_list("result")
        .annotate(n=Count("pk"))
        .values_list("result", "n")
    )
    return _breakdown(rows, FilterResult.choices)


def it_sites_checked(authority: Authority, start: datetime.date, end: datetime.date) -> int:
    return (
        ITCheck.objects.filter(authority=authority, archived=False, checked_on__range=(start, end))
        .values("site")
        .distinct()
        .count()
    )


def progress_quarters(authority: Authority, start: datetime.date, end: datetime.date) -> int:
    """Quarterly returns recorded for quarters starting in the range."""
    return ProgressNote.objects.filter(
        authority=authority,
        project__archived=False,
        quarter_start__range=(financial_quarter_of(start).start, end),
    ).count()
