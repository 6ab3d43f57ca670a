"""Figures for partnership governance: meetings held by each board and whether reports
owed to boards arrive on time.

Each function aggregates in the database for one authority and returns counts with their
denominators and the count of unknowns.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q

from dueregard.areas.models import Authority
from dueregard.core.figures import Breakdown

from .models import (
    FREQUENCY_MONTHS,
    ActionStatus,
    Board,
    MeetingAction,
    MeetingStatus,
    ReportingCommitment,
    ScheduledReport,
)


@dataclass(frozen=True)
class BoardMeetings:
    board: str
    kind: str
    frequency: str
    held: int
    cancelled: int
    expected: int | None  # from how often it meets; None when it meets when needed


def _months(start: datetime.date, end: datetime.date) -> int:
    """Months in the inclusive range, to the nearest whole month (a financial year is 12)."""
    return round(((end - start).days + 1) / 30.4375)


def meetings_by_board(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[BoardMeetings]:
    """Meetings held and cancelled in the range by each board not archived, with the
    number its terms of reference lead one to expect."""
    in_range = Q(meetings__date__range=(start, end))
    rows = (
        Board.objects.filter(authority=authority, archived=False)
        .annotate(
            held=Count("meetings", filter=in_range & Q(meetings__status=MeetingStatus.HELD)),
            cancelled=Count(
                "meetings", filter=in_range & Q(meetings__status=MeetingStatus.CANCELLED)
            ),
        )
        .order_by("name")
    )
    months = _months(start, end)
    result = []
    for board in rows:  # one query; the loop only labels the rows
        every = FREQUENCY_MONTHS.get(board.meeting_frequency)
        result.append(
            BoardMeetings(
                board=board.name,
                kind=board.get_kind_display(),
                frequency=board.get_meeting_frequency_display(),
                held=board.held,
                cancelled=board.cancelled,
                expected=months // every if every else None,
            )
        )
    return result


def reporting_status(authority: Authority, as_at: datetime.date) -> Breakdown:
    """Reporting commitments as they stood on `as_at`: "Overdue" if a report was due
    before that day and had not been presented by it, "On schedule" if the next report
    was due on or after it. Commitments with no due date set on that day ("to be
    confirmed") are the not-known count. Commitments archived by then are left out; one
    recorded later counts from the dates of its schedule, which is what it records."""
    pending = ScheduledReport.objects.filter(commitment=OuterRef("pk")).filter(
        Q(presented_on__isnull=True) | Q(presented_on__gt=as_at)
    )
    commitments = ReportingCommitment.objects.filter(authority=authority).exclude(
        archived=True, archived_on__date__lte=as_at
    )
    counts = commitments.annotate(
        is_overdue=Exists(pending.filter(due_on__lt=as_at)),
        has_due_date=Exists(pending.filter(due_on__gte=as_at)),
    ).aggregate(
        overdue=Count("pk", filter=Q(is_overdue=True)),
        on_schedule=Count("pk", filter=Q(is_overdue=False, has_due_date=True)),
        not_known=Count("pk", filter=Q(is_overdue=False, has_due_date=False)),
    )
    return Breakdown(
        (("On schedule", counts["on_schedule"]), ("Overdue", counts["overdue"])),
        counts["not_known"],
    )


@dataclass(frozen=True)
class ReportsPresented:
    presented: int  # reports presented in the range
    on_time: int  # of those, presented on or before the date they were due
    late: int
    no_due_date: int  # presented with no due date recorded: on time is not known


def reports_presented(
    authority: Authority, start: datetime.date, end: datetime.date
) -> ReportsPresented:
    counts = ScheduledReport.objects.filter(
        authority=authority, presented_on__range=(start, end)
    ).aggregate(
        presented=Count("pk"),
        on_time=Count("pk", filter=Q(due_on__isnull=False, presented_on__lte=F("due_on"))),
        late=Count("pk", filter=Q(due_on__isnull=False, presented_on__gt=F("due_on"))),
        no_due_date=Count("pk", filter=Q(due_on__isnull=True)),
    )
    return ReportsPresented(**counts)


def overdue_actions(authority: Authority, as_at: datetime.date) -> int:
    """Meeting actions open on `as_at` whose due date had passed: agreed at a meeting on
    or before that day, and not closed by then (one closed later was still open)."""
    return (
        MeetingAction.objects.filter(
            authority=authority,
            due_on__lt=as_at,
            meeting__date__lte=as_at,
        )
        .filter(Q(status=ActionStatus.OPEN) | Q(completed_on__gt=as_at))
        .count()
    )
