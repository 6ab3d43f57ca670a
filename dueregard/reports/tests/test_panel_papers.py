"""A Channel panel meeting's printable agenda and minutes: what each reader's copy holds,
the OFFICIAL-SENSITIVE marking, the formats, and the audit of every download."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from docx import Document

from conftest import sign_in
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import services
from dueregard.casework.models import PanelDecision
from dueregard.casework.tests.factories import (
    days_ago,
    make_meeting,
    make_panel,
    make_person,
    make_referral,
    member_of,
    to_panel,
)

pytestmark = pytest.mark.django_db


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [p.text for p in document.sections[0].header.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paper.pdf"
        path.write_bytes(content)
        return subprocess.run(  # noqa: S603
            ["pdftotext", str(path), "-"],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        ).stdout


@pytest.fixture
def meeting(world):
    lead = world["coordinator"]
    panel = make_panel(world.authority, lead, members=[(world["panel_member"], "Health Trust")])
    meeting = make_meeting(panel, lead, on=days_ago(2))
    first = to_panel(
        make_referral(
            world.authority,
            lead,
            person=make_person(world.authority, lead, given_name="Ash", family_name="Fernwood"),
        ),
        lead,
    )
    first.panel_summary = "Fictional summary shared with the panel."
    first.save(update_fields=["panel_summary"])
    second = to_panel(
        make_referral(
            world.authority,
            lead,
            person=make_person(world.authority, lead, given_name="Bryn", family_name="Oakhollow"),
        ),
        lead,
    )
    services.add_to_agenda(meeting, first, acting_user=lead)
    services.add_to_agenda(meeting, second, acting_user=lead)
    services.add_panel_action(
        meeting,
        description="Share the school's attendance record with the panel",
        owner=member_of(panel, world["panel_member"]),
        due_on=days_ago(-20),
        referral=first,
        acting_user=lead,
    )
    return meeting, first, second


def download(client: Client, meeting, paper: str, format_id: str):
    return client.get(f"/reports/panel-meetings/{meeting.pk}/{paper}.{format_id}")


def test_the_agenda_lists_every_case_with_why_it_is_here_and_is_marked(world, meeting) -> None:
    meeting, first, second = meeting
    client = sign_in(Client(), world["coordinator"])
    response = download(client, meeting, "agenda", "docx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-agenda.docx"')
    text = docx_text(response.content)
    assert "OFFICIAL-SENSITIVE" in text
    for referral in (first, second):
        assert referral.reference in text
    assert "Ash Fernwood" in text and "Bryn Oakhollow" in text
    assert "New case for discussion" in text
    assert "Fictional summary shared with the panel." in text
    assert "Nothing recorded yet." in text  # the second case has no summary: said, not blank
    assert "Health Trust" in text  # the standing members

    pdf = download(client, meeting, "agenda", "pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert first.reference in pdf_text(pdf.content)


def test_the_minutes_hold_attendance_decisions_and_actions(world, meeting) -> None:
    meeting, first, second = meeting
    lead = world["coordinator"]
    client = sign_in(Client(), lead)
    assert download(client, meeting, "minutes", "docx").status_code == 404  # not held yet
    for item, decision in zip(
        meeting.items.order_by("pk"), (PanelDecision.ADOPT, PanelDecision.NOTED), strict=True
    ):
        services.record_discussion(
            item,
            discussion=f"Discussion of {item.referral.reference}.",
            decision=decision,
            decision_reason=f"Reasons for {item.referral.reference}.",
            acting_user=lead,
        )
    member = member_of(meeting.panel, world["panel_member"])
    services.record_attendance(
        meeting,
        attendees=[
            services.Attendee(member.name, member.agency, attended=True, member=member),
            services.Attendee("A. Visitor", "Further Education College", attended=False),
        ],
        acting_user=lead,
    )
    services.complete_meeting(meeting, acting_user=lead)

    text = docx_text(download(client, meeting, "minutes", "docx").content)
    assert "Further Education College" in text and "Sent apologies" in text
    assert f"Reasons for {first.reference}." in text
    assert f"Discussion of {second.reference}." in text
    assert "Decision: Adopt as a Channel case." in text
    assert "Decision: Discussed and noted." in text
    assert "Share the school's attendance record with the panel" in text
    due = days_ago(-20)
    assert f"{due.day} {due:%B %Y}" in text  # dates as GOV.UK writes them


def test_a_panel_members_copy_holds_only_the_cases_shared_with_them(world, meeting) -> None:
    meeting, first, second = meeting
    lead = world["coordinator"]
    services.close_agenda_item(meeting.items.get(referral=second), acting_user=lead)
    client = sign_in(Client(), world["panel_member"])
    response = download(client, meeting, "agenda", "docx")
    assert response.status_code == 200
    text = docx_text(response.content)
    assert first.reference in text and "Ash Fernwood" in text
    assert second.reference not in text and "Oakhollow" not in text
    assert "1 further case is on this agenda but not shared with you." in text


def test_every_download_is_audited_with_the_people_it_showed(world, meeting) -> None:
    meeting, first, second = meeting
    client = sign_in(Client(), world["coordinator"])
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    download(client, meeting, "agenda", "pdf")
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert events.count() == before + 1
    event = events.last()
    assert event is not None
    assert event.actor == world["coordinator"]
    assert event.detail["paper"] == "agenda" and event.detail["format"] == "pdf"
    assert set(event.detail["people"].split(",")) == {
        str(first.person_id),
        str(second.person_id),
    }


@pytest.mark.parametrize("persona", ["other_coordinator", "analyst", "board_member"])
def test_no_one_outside_the_panels_work_gets_its_papers(world, meeting, persona) -> None:
    meeting, _first, _second = meeting
    client = sign_in(Client(), world[persona])
    assert download(client, meeting, "agenda", "docx").status_code in (403, 404)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world[persona]).exists()


def test_the_meeting_page_offers_the_papers_it_has(world, meeting) -> None:
    meeting, _first, _second = meeting
    client = sign_in(Client(), world["coordinator"])
    page = client.get(f"/casework/meetings/{meeting.pk}/").content.decode()
    assert f"/reports/panel-meetings/{meeting.pk}/agenda.docx" in page
    assert f"/reports/panel-meetings/{meeting.pk}/agenda.pdf" in page
    assert "minutes" not in page.split('data-testid="papers"')[1].split("</ul>")[0]


def test_the_minutes_say_whether_the_chair_has_approved_them(world, meeting) -> None:
    meeting, _first, _second = meeting
    lead = world["coordinator"]
    for item in meeting.items.all():
        services.record_discussion(
            item,
            discussion="Discussed (test).",
            decision=PanelDecision.NOTED,
            decision_reason="Noted (test).",
            acting_user=lead,
        )
    services.complete_meeting(meeting, acting_user=lead)
    client = sign_in(Client(), lead)
    assert "Draft: not yet approved by the chair." in docx_text(
        download(client, meeting, "minutes", "docx").content
    )
    services.approve_minutes(meeting, acting_user=world["chair"])
    text = pdf_text(download(client, meeting, "minutes", "pdf").content)
    assert f"Approved by {world['chair']} on" in text


def test_a_case_removed_from_the_agenda_is_not_in_the_agenda_paper(world, meeting) -> None:
    meeting, first, second = meeting
    lead = world["coordinator"]
    meeting.held_on = days_ago(-5)  # planned, in the future
    meeting.save(update_fields=["held_on"])
    services.remove_from_agenda(
        meeting.items.get(referral=second), reason="Not ready (test).", acting_user=lead
    )
    text = docx_text(download(sign_in(Client(), lead), meeting, "agenda", "docx").content)
    assert first.reference in text
    assert second.reference not in text and "further case" not in text
