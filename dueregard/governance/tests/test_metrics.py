"""Governance figures with known inputs: meetings by board, reports on schedule or
overdue as at a date, reports presented on time, overdue actions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dueregard.governance import metrics, services
from dueregard.governance.models import ActionStatus, Frequency, MeetingStatus

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
FY = (D(2024, 4, 1), D(2025, 3, 31))


def test_meetings_by_board_counts_held_and_cancelled_in_the_period(
    world, django_assert_num_queries
) -> None:
    pdg = f.board(world, "Prevent Delivery Group")
    monthly = f.board(
        world, "Channel Panel", kind="channel_panel", meeting_frequency=Frequency.MONTHLY
    )
    for day in (D(2024, 5, 1), D(2024, 8, 1), D(2024, 11, 1), D(2025, 2, 1)):
        f.meeting(world, pdg, date=day)
    f.meeting(world, pdg, date=D(2025, 4, 2))  # next year
    f.meeting(world, pdg, date=D(2024, 3, 30))  # last year
    f.meeting(world, monthly, date=D(2024, 6, 5))
    f.meeting(world, monthly, date=D(2024, 7, 5), status=MeetingStatus.CANCELLED)
    archived = f.board(world, "Old Group")
    f.meeting(world, archived, date=D(2024, 6, 5))
    services.archive_board(archived, "Stood down", acting_user=world["coordinator"])

    with django_assert_num_queries(1):
        rows = metrics.meetings_by_board(world.authority, *FY)
    assert [(r.board, r.held, r.cancelled, r.expected) for r in rows] == [
        ("Channel Panel", 1, 1, 12),
        ("Prevent Delivery Group", 4, 0, 4),
    ]


def test_reporting_status_as_at_a_date_uses_the_schedule_as_it_stood_then(world) -> None:
    board = f.board(world)
    # Due 31 Jan 2025, presented late on 14 Feb 2025; next due 14 May 2025.
    late = f.commitment(world, board, "Quarterly update", next_due_on=D(2025, 1, 31))
    services.record_report_presented(
        late, presented_on=D(2025, 2, 14), acting_user=world["coordinator"]
    )
    # Due 30 Jun 2025, not presented.
    f.commitment(
        world, board, "Annual report", frequency=Frequency.ANNUALLY, next_due_on=D(2025, 6, 30)
    )
    # No date set.
    f.commitment(world, board, "Ad hoc briefing", frequency=Frequency.AS_NEEDED)

    def status(day: datetime.date) -> tuple[int, int, int]:
        b = metrics.reporting_status(world.authority, day)
        return b.count("On schedule"), b.count("Overdue"), b.not_known

    assert status(D(2025, 1, 15)) == (2, 0, 1)
    assert status(D(2025, 2, 10)) == (1, 1, 1)  # the quarterly update was overdue then
    assert status(D(2025, 3, 1)) == (2, 0, 1)  # presented on 14 Feb
    assert status(D(2025, 7, 1)) == (0, 2, 1)


def test_reporting_status_leaves_out_commitments_archived_by_then(world) -> None:
    commitment = f.commitment(world, f.board(world), next_due_on=D(2020, 1, 1))
    today = timezone.localdate()
    assert metrics.reporting_status(world.authority, today).count("Overdue") == 1
    services.archive_commitment(commitment, "No longer required", acting_user=world["coordinator"])
    assert metrics.reporting_status(world.authority, today).total == 0


def test_reports_presented_on_time_late_and_without_a_due_date(world) -> None:
    board = f.board(world)
    on_time = f.commitment(world, board, "A", next_due_on=D(2024, 6, 30))
    services.record_report_presented(
        on_time, presented_on=D(2024, 6, 30), acting_user=world["coordinator"]
    )
    late = f.commitment(world, board, "B", next_due_on=D(2024, 9, 30))
    services.record_report_presented(
        late, presented_on=D(2024, 10, 2), acting_user=world["coordinator"]
    )
    f.commitment(world, board, "C", last_presented_on=D(2024, 5, 1))  # history, no due date
    f.commitment(world, board, "D", last_presented_on=D(2023, 5, 1))  # before the period

    result = metrics.reports_presented(world.authority, *FY)
    assert (result.presented, result.on_time, result.late, result.no_due_date) == (3, 1, 1, 1)


def test_overdue_actions_as_at_a_date(world) -> None:
    meeting = f.meeting(world, f.board(world), date=D(2024, 5, 1))
    f.action(world, meeting, due_on=D(2024, 6, 1))
    closed_late = f.action(world, meeting, due_on=D(2024, 6, 1))
    services.update_meeting_action(
        closed_late,
        {"status": ActionStatus.COMPLETE, "completed_on": D(2024, 8, 1)},
        acting_user=world["coordinator"],
    )
    f.action(world, meeting, due_on=D(2024, 12, 1))
    f.action(world, meeting, due_on=None)
    assert metrics.overdue_actions(world.authority, D(2024, 7, 1)) == 2
    assert metrics.overdue_actions(world.authority, D(2024, 9, 1)) == 1
    assert metrics.overdue_actions(world.authority, D(2025, 1, 1)) == 2
