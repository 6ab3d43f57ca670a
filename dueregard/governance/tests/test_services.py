"""Governance services: what they check, what they write and what they audit."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.core.periods import add_months
from dueregard.governance import services
from dueregard.governance.models import (
    ActionStatus,
    AttendanceStatus,
    Board,
    Frequency,
    MeetingAttendance,
    MeetingStatus,
    ReportingCommitment,
    ScheduledReport,
)

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def events_for(obj: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower,  # type: ignore[attr-defined]
            object_id=str(obj.pk),  # type: ignore[attr-defined]
        ).order_by("id")
    )


def test_creating_and_changing_a_board_is_audited_with_the_fields_changed(world) -> None:
    board = f.board(world)
    assert board.authority == world.authority
    assert board.created_by == world["coordinator"]
    services.update_board(
        board,
        {"chair": "Director of Communities", "remit": board.remit},
        acting_user=world["coordinator"],
    )
    events = events_for(board)
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.CHANGE]
    assert events[1].detail == {"fields": ["chair"]}
    assert events[1].authority_id == world.authority.pk
    assert "Director" not in str(events[1].detail)  # names fields, never copies content


def test_saving_without_a_change_writes_no_change_event(world) -> None:
    board = f.board(world)
    services.update_board(board, {"name": board.name}, acting_user=world["coordinator"])
    assert [e.action for e in events_for(board)] == [AuditAction.CREATE]


def test_a_board_is_archived_with_a_reason_and_then_cannot_change(world) -> None:
    board = f.board(world)
    with pytest.raises(ValidationError):
        services.archive_board(board, "  ", acting_user=world["coordinator"])
    archived = services.archive_board(
        board, "Merged into the partnership board", acting_user=world["coordinator"]
    )
    assert archived.archived and archived.archived_reason == "Merged into the partnership board"
    assert Board.objects.filter(pk=board.pk).exists()  # kept, not deleted
    with pytest.raises(ValidationError, match="archived"):
        services.update_board(board, {"chair": "x"}, acting_user=world["coordinator"])


def test_a_board_cannot_report_to_itself_even_through_a_sub_group(world) -> None:
    top = f.board(world, "Safer Communities Board")
    sub = f.board(world, "Prevent Delivery Group", reports_to=top)
    with pytest.raises(ValidationError) as error:
        services.update_board(top, {"reports_to": sub}, acting_user=world["coordinator"])
    assert "reports_to" in error.value.message_dict


def test_a_board_cannot_report_to_another_authoritys_board(world) -> None:
    theirs = services.create_board(
        world.other_authority,
        {
            "name": "Otherton Board",
            "kind": "partnership_board",
            "remit": "x",
            "meeting_frequency": "quarterly",
        },
        acting_user=world["other_coordinator"],
    )
    with pytest.raises(ValidationError) as error:
        f.board(world, reports_to=theirs)
    assert "reports_to" in error.value.message_dict
    assert not Board.objects.filter(authority=world.authority).exists()


def test_a_meeting_in_the_future_cannot_be_recorded_as_held(world) -> None:
    board = f.board(world)
    future = timezone.localdate() + datetime.timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        f.meeting(world, board, date=future, status=MeetingStatus.HELD)
    assert "status" in error.value.message_dict
    planned = f.meeting(world, board, date=future, status=MeetingStatus.PLANNED)
    assert planned.status == MeetingStatus.PLANNED


def test_attendance_is_recorded_for_members_only_and_audited_on_the_meeting(world) -> None:
    board = f.board(world)
    chair = f.member(world, board, "Jo Chair")
    other = f.member(world, board, "Ravi Member")
    meeting = f.meeting(world, board)
    stranger = f.member(world, f.board(world, "Another Group"), "Not On This Board")
    with pytest.raises(ValidationError):
        services.record_attendance(
            meeting, {stranger.pk: AttendanceStatus.PRESENT}, acting_user=world["coordinator"]
        )
    assert not MeetingAttendance.objects.exists()

    services.record_attendance(
        meeting,
        {chair.pk: AttendanceStatus.PRESENT, other.pk: AttendanceStatus.APOLOGIES},
        acting_user=world["coordinator"],
    )
    services.record_attendance(
        meeting, {other.pk: AttendanceStatus.PRESENT}, acting_user=world["coordinator"]
    )
    statuses = dict(meeting.attendance.values_list("member__name", "status"))
    assert statuses == {"Jo Chair": "present", "Ravi Member": "present"}
    changes = [e for e in events_for(meeting) if e.action == AuditAction.CHANGE]
    assert [e.detail["fields"] for e in changes] == [["attendance"], ["attendance"]]


def test_closing_an_action_dates_it_and_reopening_clears_the_date(world) -> None:
    action = f.action(world, f.meeting(world, f.board(world)))
    assert action.status == ActionStatus.OPEN and action.completed_on is None
    closed = services.update_meeting_action(
        action, {"status": ActionStatus.COMPLETE}, acting_user=world["coordinator"]
    )
    assert closed.completed_on == timezone.localdate()
    reopened = services.update_meeting_action(
        closed, {"status": ActionStatus.OPEN}, acting_user=world["coordinator"]
    )
    assert reopened.completed_on is None


def test_add_months_keeps_the_day_or_uses_the_months_last_day() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)
    assert add_months(D(2024, 4, 15), 12) == D(2025, 4, 15)


def test_a_commitment_starts_its_schedule_from_the_last_and_next_reports(world) -> None:
    board = f.board(world)
    commitment = f.commitment(
        world, board, last_presented_on=D(2024, 10, 30), next_due_on=D(2025, 1, 31)
    )
    rows = list(commitment.schedule.order_by("pk").values_list("due_on", "presented_on"))
    assert rows == [(None, D(2024, 10, 30)), (D(2025, 1, 31), None)]


def test_a_commitment_with_no_next_date_is_to_be_confirmed(world) -> None:
    commitment = f.commitment(world, f.board(world))
    open_report = commitment.schedule.get()
    assert open_report.due_on is None and open_report.presented_on is None


def test_presenting_a_report_closes_it_and_schedules_the_next_by_frequency(world) -> None:
    board = f.board(world)
    meeting = f.meeting(world, board, date=D(2025, 1, 20))
    commitment = f.commitment(world, board, next_due_on=D(2025, 1, 31))
    presented = services.record_report_presented(
        commitment, presented_on=D(2025, 1, 20), meeting=meeting, acting_user=world["coordinator"]
    )
    assert presented.due_on == D(2025, 1, 31) and presented.on_time is True
    assert presented.meeting == meeting
    following = commitment.schedule.get(presented_on__isnull=True)
    assert following.due_on == D(2025, 4, 20)  # quarterly: three months after presenting


def test_a_report_presented_after_its_due_date_is_late(world) -> None:
    commitment = f.commitment(world, f.board(world), next_due_on=D(2025, 1, 31))
    presented = services.record_report_presented(
        commitment,
        presented_on=D(2025, 2, 14),
        next_due_on=D(2025, 5, 1),
        acting_user=world["coordinator"],
    )
    assert presented.on_time is False
    assert commitment.schedule.get(presented_on__isnull=True).due_on == D(2025, 5, 1)


def test_a_report_when_needed_leaves_the_next_date_to_be_confirmed(world) -> None:
    commitment = f.commitment(world, f.board(world), frequency=Frequency.AS_NEEDED)
    services.record_report_presented(
        commitment, presented_on=D(2025, 2, 14), acting_user=world["coordinator"]
    )
    assert commitment.schedule.get(presented_on__isnull=True).due_on is None


def test_presenting_checks_date_meeting_and_next_date_and_writes_nothing_on_error(world) -> None:
    board = f.board(world)
    commitment = f.commitment(world, board, next_due_on=D(2025, 1, 31))
    wrong_meeting = f.meeting(world, f.board(world, "Another Group"))
    before = (ScheduledReport.objects.count(), AuditEvent.objects.count())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    attempts: list[tuple[dict[str, Any], str]] = [
        ({"presented_on": tomorrow}, "presented_on"),
        ({"presented_on": D(2025, 1, 20), "meeting": wrong_meeting}, "meeting"),
        ({"presented_on": D(2025, 1, 20), "next_due_on": D(2025, 1, 1)}, "next_due_on"),
    ]
    for kwargs, field in attempts:
        with pytest.raises(ValidationError) as error:
            services.record_report_presented(commitment, acting_user=world["coordinator"], **kwargs)
        assert field in error.value.message_dict
    assert (ScheduledReport.objects.count(), AuditEvent.objects.count()) == before


def test_the_next_due_date_can_be_set_and_cleared(world) -> None:
    commitment = f.commitment(world, f.board(world))
    services.set_next_due_date(commitment, D(2025, 6, 30), acting_user=world["coordinator"])
    assert commitment.schedule.get(presented_on__isnull=True).due_on == D(2025, 6, 30)
    services.set_next_due_date(commitment, None, acting_user=world["coordinator"])
    assert commitment.schedule.get(presented_on__isnull=True).due_on is None
    assert commitment.schedule.count() == 1


def test_a_commitment_to_another_authoritys_board_is_refused(world) -> None:
    theirs = services.create_board(
        world.other_authority,
        {
            "name": "Otherton Board",
            "kind": "partnership_board",
            "remit": "x",
            "meeting_frequency": "quarterly",
        },
        acting_user=world["other_coordinator"],
    )
    with pytest.raises(ValidationError) as error:
        f.commitment(world, theirs)
    assert "board" in error.value.message_dict
    assert not ReportingCommitment.objects.filter(authority=world.authority).exists()
