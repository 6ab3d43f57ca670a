"""Governance pages as each role meets them: forms, scoping, exports and the home panel."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.governance.models import Board, MeetingAttendance, ScheduledReport

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_prevent_lead_adds_a_board_and_sees_it_with_its_history(world, as_user) -> None:
    client = as_user(world["coordinator"])
    response = client.post(
        reverse("governance:board_create"),
        {
            "name": "Safer Communities Partnership Board",
            "kind": "partnership_board",
            "remit": "Owns the Prevent risk assessment and action plan.",
            "meeting_frequency": "quarterly",
            "chair": "Chief Executive",
            "terms_of_reference_agreed_on_day": "3",
            "terms_of_reference_agreed_on_month": "4",
            "terms_of_reference_agreed_on_year": "2024",
        },
        follow=True,
    )
    board = Board.objects.get(name="Safer Communities Partnership Board")
    assert board.authority == world.authority
    assert board.terms_of_reference_agreed_on == D(2024, 4, 3)
    assert response.redirect_chain[-1][0] == reverse("governance:board_detail", args=[board.pk])
    page = response.content.decode()
    assert "Board or group saved" in page
    assert "Board created" in page  # the change history
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="governance.board", object_id=str(board.pk)
    ).exists()


def test_a_bad_form_shows_the_error_summary_and_saves_nothing(world, as_user) -> None:
    client = as_user(world["coordinator"])
    response = client.post(
        reverse("governance:board_create"),
        {
            "name": "",
            "kind": "partnership_board",
            "terms_of_reference_agreed_on_day": "31",
            "terms_of_reference_agreed_on_month": "2",
            "terms_of_reference_agreed_on_year": "2024",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "must be a real date" in page
    assert 'href="#id_name"' in page
    assert not Board.objects.exists()


def test_a_duplicate_meeting_date_is_reported_against_the_form(world, as_user) -> None:
    board = f.board(world)
    f.meeting(world, board, date=D(2024, 6, 12))
    response = as_user(world["coordinator"]).post(
        reverse("governance:meeting_create", args=[board.pk]),
        {"date_day": "12", "date_month": "6", "date_year": "2024", "status": "held"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert board.meetings.count() == 1


def test_a_board_member_reads_governance_but_cannot_change_or_export_it(world, as_user) -> None:
    board = f.board(world)
    client = as_user(world["board_member"])
    listing = client.get(reverse("governance:board_list")).content.decode()
    assert board.name in listing
    assert "Add a board or group" not in listing
    assert "Download as CSV" not in listing
    detail = client.get(reverse("governance:board_detail", args=[board.pk])).content.decode()
    assert "Change<span" not in detail
    assert client.get(reverse("governance:board_edit", args=[board.pk])).status_code == 403
    assert client.post(reverse("governance:board_create"), {"name": "x"}).status_code == 403
    assert client.get(reverse("governance:board_export")).status_code == 403


def test_another_authoritys_lead_cannot_see_the_board(world, as_user) -> None:
    board = f.board(world)
    client = as_user(world["other_coordinator"])
    assert client.get(reverse("governance:board_detail", args=[board.pk])).status_code == 404
    assert board.name not in client.get(reverse("governance:board_list")).content.decode()


def test_roles_without_governance_do_not_see_it_in_the_navigation(world, as_user) -> None:
    home = as_user(world["education_officer"]).get(reverse("home")).content.decode()
    assert reverse("governance:index") not in home
    home = as_user(world["board_member"]).get(reverse("home")).content.decode()
    assert reverse("governance:index") in home


def test_the_csv_export_escapes_formulas_and_is_audited(world, as_user) -> None:
    f.board(world, '=HYPERLINK("http://example.invalid")')
    f.board(world, "Prevent Delivery Group")
    response = as_user(world["analyst"]).get(reverse("governance:board_export") + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "name", "kind"]
    names = sorted(r[1] for r in rows[1:])
    assert names == ['\'=HYPERLINK("http://example.invalid")', "Prevent Delivery Group"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="governance.board")
    assert event.detail["format"] == "csv" and event.detail["rows"] == 2
    assert event.actor == world["analyst"]


def test_the_xlsx_export_opens_in_a_spreadsheet(world, as_user) -> None:
    board = f.board(world)
    f.meeting(world, board, date=D(2024, 6, 12))
    response = as_user(world["coordinator"]).get(
        reverse("governance:meeting_export") + "?format=xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("id", "board", "date", "status")
    assert rows[1][1:4] == (board.name, "2024-06-12", "held")


def test_the_board_list_runs_the_same_queries_for_few_or_many_boards(world, as_user) -> None:
    client = as_user(world["coordinator"])
    url = reverse("governance:board_list")
    for i in range(2):
        f.member(world, f.board(world, f"Group {i}"))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(2, 12):
        f.member(world, f.board(world, f"Group {i}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Group 11" in response.content.decode()
    assert len(many) == len(few)


def test_attendance_is_recorded_from_the_meeting_page(world, as_user) -> None:
    board = f.board(world)
    chair = f.member(world, board, "Jo Chair")
    gone = f.member(world, board, "Left Before", left_on=D(2024, 1, 1), joined_on=D(2023, 1, 1))
    meeting = f.meeting(world, board, date=D(2024, 6, 12))
    client = as_user(world["coordinator"])
    url = reverse("governance:meeting_attendance", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Jo Chair" in page and "Left Before" not in page  # members on the day only
    response = client.post(url, {f"member_{chair.pk}": "present"})
    assert response.status_code == 302
    assert MeetingAttendance.objects.get(meeting=meeting, member=chair).status == "present"
    assert not MeetingAttendance.objects.filter(member=gone).exists()


def test_a_report_is_recorded_as_presented_and_the_next_one_scheduled(world, as_user) -> None:
    board = f.board(world)
    commitment = f.commitment(world, board, next_due_on=D(2024, 9, 30))
    client = as_user(world["coordinator"])
    response = client.post(
        reverse("governance:commitment_presented", args=[commitment.pk]),
        {"presented_on_day": "20", "presented_on_month": "9", "presented_on_year": "2024"},
    )
    assert response.status_code == 302
    open_report = ScheduledReport.objects.get(commitment=commitment, presented_on__isnull=True)
    assert open_report.due_on == D(2024, 12, 20)
    detail = client.get(reverse("governance:commitment_detail", args=[commitment.pk]))
    assert "20 Dec 2024" in detail.content.decode()


def test_overdue_reports_are_on_the_prevent_leads_home_page_only(world, as_user) -> None:
    board = f.board(world)
    f.commitment(world, board, "Annual Prevent update", next_due_on=D(2024, 1, 31))
    f.commitment(world, board, "Quarterly return", next_due_on=D(2099, 1, 31))
    home = as_user(world["coordinator"]).get(reverse("home")).content.decode()
    assert "Board reports overdue" in home
    assert "Annual Prevent update" in home
    assert "Quarterly return" not in home
    for persona in ("analyst", "board_member", "other_coordinator"):
        page = as_user(world[persona]).get(reverse("home")).content.decode()
        assert "Annual Prevent update" not in page, persona


def test_the_overview_lists_boards_and_overdue_reports(world, as_user) -> None:
    board = f.board(world)
    f.meeting(world, board, date=datetime.date.today() - datetime.timedelta(days=30))
    f.commitment(world, board, "Annual Prevent update", next_due_on=D(2024, 1, 31))
    page = as_user(world["analyst"]).get(reverse("governance:index")).content.decode()
    assert board.name in page and "Annual Prevent update" in page
