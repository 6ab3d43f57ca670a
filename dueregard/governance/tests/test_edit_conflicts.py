"""No lost updates on governance's own forms (core.versions, ADR 0015): a meeting's
attendance and a reporting commitment's next due date, played by two users. (The record
kit's edit pages are covered in engagement/tests/test_edit_conflicts.py.)"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import make_user
from dueregard.accounts.models import Role
from dueregard.core.tests.edits import assert_second_save_refused_then_kept, date_fields
from dueregard.governance.models import Meeting, MeetingAttendance, ReportingCommitment
from dueregard.governance.models import ScheduledReport as Report
from dueregard.governance.tests import factories

pytestmark = pytest.mark.django_db


def test_a_stale_attendance_is_refused_then_a_deliberate_one_is_kept(world) -> None:
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    board = factories.board(world)
    member = factories.member(world, board)
    meeting = factories.meeting(world, board)
    name = f"member_{member.pk}"
    checked = f'name="{name}" value="apologies" id="id_{name}_2" checked'

    def stored() -> str:
        row = MeetingAttendance.objects.filter(meeting=meeting, member=member).first()
        return row.status if row else ""

    assert_second_save_refused_then_kept(
        lead,
        second,
        reverse("governance:meeting_attendance", args=[meeting.pk]),
        first={name: "present"},
        second={name: "apologies"},
        stored=stored,
        first_value="present",
        second_value="apologies",
        typed=checked,
        record=lambda: Meeting.objects.get(pk=meeting.pk),
    )


def test_a_stale_next_due_date_is_refused_then_a_deliberate_one_is_kept(world) -> None:
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    commitment = factories.commitment(world, factories.board(world))

    def stored() -> datetime.date | None:
        report = Report.objects.filter(commitment=commitment, presented_on__isnull=True).first()
        return report.due_on if report else None

    assert_second_save_refused_then_kept(
        lead,
        second,
        reverse("governance:commitment_next_due", args=[commitment.pk]),
        first=date_fields("due_on", datetime.date(2025, 9, 1)),
        second=date_fields("due_on", datetime.date(2025, 11, 3)),
        stored=stored,
        first_value=datetime.date(2025, 9, 1),
        second_value=datetime.date(2025, 11, 3),
        typed='value="11"',
        record=lambda: ReportingCommitment.objects.get(pk=commitment.pk),
    )
