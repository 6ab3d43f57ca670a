"""Every change to governance records: one function per business event, each atomic and
audited in the same transaction. Views, the demo and tests all come through here."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dueregard.accounts.models import User
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import periods
from dueregard.core.periods import add_months
from dueregard.pages.kit import archive_record, create_record, update_record

from .models import (
    FREQUENCY_MONTHS,
    ActionStatus,
    AttendanceStatus,
    Board,
    BoardMember,
    Meeting,
    MeetingAction,
    MeetingAttendance,
    MeetingStatus,
    ReportingCommitment,
    ScheduledReport,
)


def _same_authority(authority_id: int, **related: Any) -> None:
    errors = {
        name: "Choose one of your own authority's records"
        for name, obj in related.items()
        if obj is not None and obj.authority_id != authority_id
    }
    if errors:
        raise ValidationError(errors)


# -- boards -------------------------------------------------------------------------------


def _check_board(authority_id: int, data: dict[str, Any], board: Board | None = None) -> None:
    parent = data.get("reports_to")
    _same_authority(authority_id, reports_to=parent)
    if board is not None and parent is not None:
        seen = parent
        while seen is not None:  # a board cannot report to itself, even through others
            if seen.pk == board.pk:
                raise ValidationError({"reports_to": "A board cannot report to itself"})
            seen = seen.reports_to


@transaction.atomic
def create_board(authority: Authority, data: dict[str, Any], *, acting_user: User) -> Board:
    _check_board(authority.pk, data)
    board: Board = create_record(Board, data, acting_user=acting_user, authority=authority)
    return board


@transaction.atomic
def update_board(board: Board, data: dict[str, Any], *, acting_user: User) -> Board:
    _check_board(board.authority_id, data, board)
    updated: Board = update_record(board, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_board(board: Board, reason: str, *, acting_user: User) -> Board:
    archived: Board = archive_record(board, reason, acting_user=acting_user)
    return archived


@transaction.atomic
def add_board_member(board: Board, data: dict[str, Any], *, acting_user: User) -> BoardMember:
    if board.archived:
        raise ValidationError("The board is archived.")
    member: BoardMember = create_record(
        BoardMember, data, acting_user=acting_user, authority_id=board.authority_id, board=board
    )
    return member


@transaction.atomic
def update_board_member(
    member: BoardMember, data: dict[str, Any], *, acting_user: User
) -> BoardMember:
    updated: BoardMember = update_record(member, data, acting_user=acting_user)
    return updated


# -- meetings -------------------------------------------------------------------------------


def _check_meeting(data: dict[str, Any]) -> None:
    day, status = data.get("date"), data.get("status")
    if status == MeetingStatus.HELD and day and day > periods.today():
        raise ValidationError({"status": "A meeting cannot be held on a date in the future"})
    approved = data.get("minutes_approved_on")
    if approved and day and approved < day:
        raise ValidationError(
            {"minutes_approved_on": "Minutes can only be approved after the meeting"}
        )


@transaction.atomic
def record_meeting(board: Board, data: dict[str, Any], *, acting_user: User) -> Meeting:
    """Add a planned or held meeting of `board`."""
    if board.archived:
        raise ValidationError("The board is archived.")
    _check_meeting(data)
    meeting: Meeting = create_record(
        Meeting, data, acting_user=acting_user, authority_id=board.authority_id, board=board
    )
    return meeting


@transaction.atomic
def update_meeting(meeting: Meeting, data: dict[str, Any], *, acting_user: User) -> Meeting:
    merged = {"date": meeting.date, "status": meeting.status, **data}
    _check_meeting(merged)
    updated: Meeting = update_record(meeting, data, acting_user=acting_user)
    return updated


@transaction.atomic
def record_attendance(
    meeting: Meeting, statuses: dict[int, str], *, acting_user: User
) -> list[MeetingAttendance]:
    """Set each member's attendance at `meeting` ({member id: status}); members not
    named keep what was recorded before. Members must sit on the meeting's board."""
    members = {m.pk: m for m in meeting.board.members.all()}
    unknown = [pk for pk in statuses if pk not in members]
    if unknown:
        raise ValidationError("Attendance can only be recorded for the board's members.")
    allowed = set(AttendanceStatus.values)
    bad = [s for s in statuses.values() if s not in allowed]
    if bad:
        raise ValidationError(f"'{bad[0]}' is not an attendance status.")
    if meeting.status == MeetingStatus.PLANNED and meeting.date > periods.today():
        raise ValidationError("Attendance can be recorded once the meeting has taken place.")
    existing = {a.member_id: a for a in meeting.attendance.all()}
    changed = 0
    rows = []
    for member_id, status in statuses.items():
        row = existing.get(member_id)
        if row is None:
            row = MeetingAttendance.objects.create(
                authority_id=meeting.authority_id,
                meeting=meeting,
                member=members[member_id],
                status=status,
            )
            changed += 1
        elif row.status != status:
            row.status = status
            row.save(update_fields=["status"])
            changed += 1
        rows.append(row)
    if changed:
        record(
            AuditAction.CHANGE,
            actor=acting_user,
            obj=meeting,
            detail={"fields": ["attendance"], "note": f"{changed} attendance entries"},
        )
    return rows


def _check_action(data: dict[str, Any], current: MeetingAction | None = None) -> dict[str, Any]:
    data = dict(data)
    status = data.get("status", current.status if current else ActionStatus.OPEN)
    if status == ActionStatus.OPEN:
        data["completed_on"] = None
    elif not data.get("completed_on"):
        data["completed_on"] = (current.completed_on if current else None) or periods.today()
    return data


@transaction.atomic
def add_meeting_action(
    meeting: Meeting, data: dict[str, Any], *, acting_user: User
) -> MeetingAction:
    action: MeetingAction = create_record(
        MeetingAction,
        _check_action(data),
        acting_user=acting_user,
        authority_id=meeting.authority_id,
        meeting=meeting,
    )
    return action


@transaction.atomic
def update_meeting_action(
    action: MeetingAction, data: dict[str, Any], *, acting_user: User
) -> MeetingAction:
    """Change an action; closing it dates it (today unless given), reopening clears it."""
    updated: MeetingAction = update_record(
        action, _check_action(data, action), acting_user=acting_user
    )
    return updated


# -- reporting commitments --------------------------------------------------------------


def next_due_after(commitment: ReportingCommitment, presented_on: datetime.date) -> Any:
    months = FREQUENCY_MONTHS.get(commitment.frequency)
    return add_months(presented_on, months) if months else None


@transaction.atomic
def create_commitment(
    authority: Authority, data: dict[str, Any], *, acting_user: User
) -> ReportingCommitment:
    """Record a report owed to a board. `data` may carry `last_presented_on` (the most
    recent report, if one went before the system) and `next_due_on` (blank: to be
    confirmed), which start the commitment's schedule."""
    data = dict(data)
    last = data.pop("last_presented_on", None)
    next_due = data.pop("next_due_on", None)
    _same_authority(authority.pk, board=data.get("board"))
    if last and last > periods.today():
        raise ValidationError({"last_presented_on": "The last report date must be in the past"})
    if last and next_due and next_due <= last:
        raise ValidationError(
            {"next_due_on": "The next report must be due after the last one was presented"}
        )
    commitment: ReportingCommitment = create_record(
        ReportingCommitment, data, acting_user=acting_user, authority=authority
    )
    if last:
        _schedule(commitment, due_on=None, presented_on=last, acting_user=acting_user)
    _schedule(commitment, due_on=next_due, acting_user=acting_user)
    return commitment


def _schedule(
    commitment: ReportingCommitment,
    *,
    due_on: datetime.date | None,
    acting_user: User,
    presented_on: datetime.date | None = None,
    meeting: Meeting | None = None,
    note: str = "",
) -> ScheduledReport:
    report: ScheduledReport = create_record(
        ScheduledReport,
        {"due_on": due_on, "presented_on": presented_on, "meeting": meeting, "note": note},
        acting_user=acting_user,
        authority_id=commitment.authority_id,
        commitment=commitment,
    )
    return report


@transaction.atomic
def update_commitment(
    commitment: ReportingCommitment, data: dict[str, Any], *, acting_user: User
) -> ReportingCommitment:
    data = {k: v for k, v in data.items() if k not in ("last_presented_on", "next_due_on")}
    _same_authority(commitment.authority_id, board=data.get("board"))
    updated: ReportingCommitment = update_record(commitment, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_commitment(
    commitment: ReportingCommitment, reason: str, *, acting_user: User
) -> ReportingCommitment:
    archived: ReportingCommitment = archive_record(commitment, reason, acting_user=acting_user)
    return archived


def _open_report(commitment: ReportingCommitment) -> ScheduledReport | None:
    return (
        ScheduledReport.objects.select_for_update()
        .filter(commitment=commitment, presented_on__isnull=True)
        .first()
    )


@transaction.atomic
def record_report_presented(
    commitment: ReportingCommitment,
    *,
    presented_on: datetime.date,
    acting_user: User,
    meeting: Meeting | None = None,
    next_due_on: datetime.date | None = None,
    note: str = "",
) -> ScheduledReport:
    """Close the commitment's open report as presented, and open the next one: due on
    `next_due_on`, or one period of the commitment's frequency after `presented_on`
    (to be confirmed for commitments made when needed)."""
    if commitment.archived:
        raise ValidationError("The commitment is archived.")
    if presented_on > periods.today():
        raise ValidationError({"presented_on": "The date presented must be today or earlier"})
    if meeting is not None and meeting.board_id != commitment.board_id:
        raise ValidationError({"meeting": "Choose a meeting of the board the report goes to"})
    if next_due_on is not None and next_due_on <= presented_on:
        raise ValidationError({"next_due_on": "The next report must be due after this one"})
    report = _open_report(commitment)
    if report is None:
        report = _schedule(commitment, due_on=None, acting_user=acting_user)
    report = update_record(
        report,
        {"presented_on": presented_on, "meeting": meeting, "note": note},
        acting_user=acting_user,
    )
    _schedule(
        commitment,
        due_on=next_due_on or next_due_after(commitment, presented_on),
        acting_user=acting_user,
    )
    return report


@transaction.atomic
def set_next_due_date(
    commitment: ReportingCommitment, due_on: datetime.date | None, *, acting_user: User
) -> ScheduledReport:
    """Set (or clear: to be confirmed) when the commitment's next report is due."""
    if commitment.archived:
        raise ValidationError("The commitment is archived.")
    report = _open_report(commitment)
    if report is None:
        return _schedule(commitment, due_on=due_on, acting_user=acting_user)
    updated: ScheduledReport = update_record(report, {"due_on": due_on}, acting_user=acting_user)
    return updated
