"""A Channel panel meeting's lifecycle (issue 12 item 2): from a referral ready for a panel
to an agenda, planned -> held -> minutes approved by the chair, removal from an agenda
with a reason, and corrections after approval recorded in the meeting's history."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import services
from dueregard.casework.models import (
    AgendaItem,
    EventKind,
    MeetingEvent,
    MeetingEventKind,
    MeetingStatus,
    Panel,
    PanelDecision,
    Stage,
)
from dueregard.casework.queries import (
    meetings_open_for_listing,
    open_agenda_items_for_member,
    panel_cases_visible_to,
)
from dueregard.casework.tests.factories import (
    days_ago,
    make_meeting,
    make_panel,
    make_referral,
    member_of,
    to_panel,
)
from dueregard.core import periods
from dueregard.core.tests.edits import assert_second_save_refused_then_kept

pytestmark = pytest.mark.django_db


def _panel(world: Any) -> Any:
    return make_panel(
        world.authority,
        world["coordinator"],
        members=[(world["panel_member"], "Testborough Mental Health Trust")],
        name=f"Panel {Panel.objects.count() + 1}",
    )


def _ready(world: Any, summary: str = "What the panel is told (test).") -> Any:
    lead = world["coordinator"]
    referral = to_panel(make_referral(world.authority, lead), lead)
    referral.panel_summary = summary
    referral.save(update_fields=["panel_summary"])
    return referral


def _decide(item: AgendaItem, user: Any, decision: str = PanelDecision.ADOPT) -> None:
    services.record_discussion(
        item,
        discussion="The panel discussed the case (test).",
        decision=decision,
        decision_reason="Support is proportionate (test).",
        acting_user=user,
    )


def _held(world: Any) -> tuple[Any, AgendaItem]:
    lead = world["coordinator"]
    meeting = make_meeting(_panel(world), lead, on=days_ago(3))
    item = services.add_to_agenda(meeting, _ready(world), acting_user=lead)
    _decide(item, lead)
    services.complete_meeting(meeting, acting_user=lead)
    return meeting, item


def _approved(world: Any) -> tuple[Any, AgendaItem]:
    meeting, item = _held(world)
    services.approve_minutes(meeting, acting_user=world["chair"])
    return meeting, item


def _field_error(error: Any, field: str) -> str:
    return " ".join(error.value.message_dict[field])


# --------------------------------------------------------------------------------------
# Services: the rules


def test_nothing_is_added_to_the_agenda_of_a_held_meeting(world) -> None:
    meeting, _ = _held(world)
    referral = _ready(world)
    with pytest.raises(ValidationError) as error:
        services.add_to_agenda(meeting, referral, acting_user=world["coordinator"])
    assert _field_error(error, "meeting") == (
        "The meeting has been held: add the case to a later meeting"
    )
    assert not AgendaItem.objects.filter(referral=referral).exists()
    assert not referral.events.filter(kind=EventKind.ADDED_TO_AGENDA).exists()


def test_a_case_added_to_a_planned_meeting_is_shared_until_the_meeting_is_held(world) -> None:
    lead, member = world["coordinator"], world["panel_member"]
    meeting = make_meeting(_panel(world), lead, on=days_ago(0))
    item = services.add_to_agenda(meeting, _ready(world), acting_user=lead)
    assert item.referral in panel_cases_visible_to(member)
    _decide(item, lead)
    services.complete_meeting(meeting, acting_user=lead)
    assert item.referral not in panel_cases_visible_to(member)
    assert not open_agenda_items_for_member(member).exists()


def test_a_planned_meeting_in_the_future_takes_no_decision(world) -> None:
    lead = world["coordinator"]
    meeting = make_meeting(_panel(world), lead, on=periods.today() + datetime.timedelta(days=7))
    item = services.add_to_agenda(meeting, _ready(world), acting_user=lead)
    with pytest.raises(ValidationError) as error:
        _decide(item, lead)
    assert _field_error(error, "decision").startswith(
        f"The meeting is on {meeting.held_on:%-d %B %Y}: record the panel's decision on or after"
    )
    item.refresh_from_db()
    assert item.decision is None and item.discussion == ""
    assert item.referral.stage == Stage.FOR_PANEL
    with pytest.raises(ValidationError, match="on or after its date"):
        services.complete_meeting(meeting, acting_user=lead)


def test_a_meeting_whose_date_has_come_takes_decisions_and_is_held_once(world) -> None:
    meeting, item = _held(world)
    assert meeting.status == MeetingStatus.HELD
    assert item.decision == PanelDecision.ADOPT
    with pytest.raises(ValidationError, match="already been held"):
        services.complete_meeting(meeting, acting_user=world["coordinator"])
    assert list(meeting.history.values_list("kind", flat=True)) == [MeetingEventKind.HELD]


def test_only_the_chair_approves_the_minutes_of_a_held_meeting(world) -> None:
    lead, chair = world["coordinator"], world["chair"]
    planned = make_meeting(_panel(world), lead, on=days_ago(1))
    with pytest.raises(ValidationError, match="Mark the meeting held before"):
        services.approve_minutes(planned, acting_user=chair)
    meeting, _ = _held(world)
    with pytest.raises(ValidationError, match="Only the panel's chair"):
        services.approve_minutes(meeting, acting_user=lead)
    meeting.refresh_from_db()
    assert meeting.minutes_approved_at is None
    services.approve_minutes(meeting, acting_user=chair)
    meeting.refresh_from_db()
    assert meeting.minutes_approved_by == chair and meeting.minutes_approved
    assert meeting.lifecycle_label == "Minutes approved"
    with pytest.raises(ValidationError, match="already approved"):
        services.approve_minutes(meeting, acting_user=chair)
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, detail__fields="minutes_approved"
    ).exists()


def test_after_approval_attendance_changes_only_by_a_correction_with_a_reason(world) -> None:
    meeting, _ = _approved(world)
    lead = world["coordinator"]
    services_attendee = services.Attendee("A. Member", "Testborough Mental Health Trust")
    with pytest.raises(ValidationError) as error:
        services.record_attendance(meeting, attendees=[services_attendee], acting_user=lead)
    assert "enter why the attendance is being corrected" in _field_error(error, "correction_reason")
    assert not meeting.attendance.exists()
    services.record_attendance(
        meeting,
        attendees=[services_attendee],
        correction_reason="The member's attendance was left out (test).",
        acting_user=lead,
    )
    correction = meeting.history.get(kind=MeetingEventKind.ATTENDANCE_CORRECTED)
    assert correction.reason == "The member's attendance was left out (test)."
    assert correction.change == (
        "Before: none. After: A. Member (Testborough Mental Health Trust): attended."
    )
    assert correction.recorded_by == lead


def test_after_approval_an_action_is_added_only_with_a_reason(world) -> None:
    meeting, item = _approved(world)
    lead = world["coordinator"]
    owner = member_of(meeting.panel, world["panel_member"])
    kwargs: dict[str, Any] = {
        "description": "Share the school's view (test).",
        "owner": owner,
        "due_on": periods.today(),
        "referral": item.referral,
        "acting_user": lead,
    }
    with pytest.raises(ValidationError) as error:
        services.add_panel_action(meeting, **kwargs)
    assert "correction_reason" in error.value.message_dict
    assert not meeting.actions.exists()
    action = services.add_panel_action(meeting, correction_reason="Agreed, not minuted.", **kwargs)
    added = meeting.history.get(kind=MeetingEventKind.ACTION_ADDED)
    assert added.action == action and added.reason == "Agreed, not minuted."


def test_an_action_is_corrected_with_its_before_and_after_in_the_history(world) -> None:
    meeting, _ = _held(world)
    lead = world["coordinator"]
    owner = member_of(meeting.panel, world["panel_member"])
    action = services.add_panel_action(
        meeting, description="Visit (test).", owner=owner, due_on=periods.today(), acting_user=lead
    )
    services.approve_minutes(meeting, acting_user=world["chair"])
    later = periods.today() + datetime.timedelta(days=14)
    with pytest.raises(ValidationError) as error:
        services.correct_panel_action(
            action, description="Visit (test).", owner=owner, due_on=later, acting_user=lead
        )
    assert "correction_reason" in error.value.message_dict
    action.refresh_from_db()
    assert action.due_on == periods.today()
    with pytest.raises(ValidationError) as error:
        services.correct_panel_action(
            action,
            description="Visit (test).",
            owner=owner,
            due_on=meeting.held_on - datetime.timedelta(days=1),
            correction_reason="Typo.",
            acting_user=lead,
        )
    assert "due_on" in error.value.message_dict
    services.correct_panel_action(
        action,
        description="Visit (test).",
        owner=owner,
        due_on=later,
        correction_reason="The minutes had the wrong date.",
        acting_user=lead,
    )
    corrected = meeting.history.get(kind=MeetingEventKind.ACTION_CORRECTED)
    assert f"due {periods.today():%-d %B %Y}" in corrected.change
    assert f"due {later:%-d %B %Y}" in corrected.change
    assert corrected.reason == "The minutes had the wrong date."


def test_a_decision_record_is_corrected_with_a_reason_once_approved(world) -> None:
    meeting, item = _approved(world)
    lead = world["coordinator"]
    with pytest.raises(ValidationError) as error:
        services.correct_decision_record(
            item,
            discussion="Corrected notes (test).",
            decision_reason=item.decision_reason,
            acting_user=lead,
        )
    assert "correction_reason" in error.value.message_dict
    item.refresh_from_db()
    assert item.discussion == "The panel discussed the case (test)."
    services.correct_decision_record(
        item,
        discussion="Corrected notes (test).",
        decision_reason=item.decision_reason,
        correction_reason="The notes named the wrong school.",
        acting_user=lead,
    )
    item.refresh_from_db()
    assert item.discussion == "Corrected notes (test)." and item.decision == PanelDecision.ADOPT
    corrected = meeting.history.get(kind=MeetingEventKind.DECISION_CORRECTED)
    assert "Notes before: The panel discussed the case (test)." in corrected.change
    assert corrected.reason == "The notes named the wrong school."


def test_removing_a_case_from_the_agenda_needs_a_reason_and_ends_members_access(world) -> None:
    lead, member = world["coordinator"], world["panel_member"]
    meeting = make_meeting(_panel(world), lead, on=periods.today() + datetime.timedelta(days=3))
    item = services.add_to_agenda(meeting, _ready(world), acting_user=lead)
    assert item.referral in panel_cases_visible_to(member)
    with pytest.raises(ValidationError) as error:
        services.remove_from_agenda(item, reason="  ", acting_user=lead)
    assert _field_error(error, "reason") == "Enter why the case is being removed from the agenda"
    item.refresh_from_db()
    assert item.is_open
    services.remove_from_agenda(item, reason="The police asked to wait (test).", acting_user=lead)
    item.refresh_from_db()
    assert not item.is_open and item.removed_by == lead
    assert AgendaItem.objects.filter(pk=item.pk).exists()  # kept, not deleted
    assert item.referral not in panel_cases_visible_to(member)
    event = item.referral.events.get(kind=EventKind.REMOVED_FROM_AGENDA)
    assert event.reason == "The police asked to wait (test)."
    assert meeting.history.get(kind=MeetingEventKind.REMOVED_FROM_AGENDA).agenda_item == item
    with pytest.raises(ValidationError) as error:
        services.add_to_agenda(meeting, item.referral, acting_user=lead)
    assert "removed from this meeting's agenda" in _field_error(error, "meeting")
    with pytest.raises(ValidationError, match="already been removed"):
        services.remove_from_agenda(item, reason="Again.", acting_user=lead)


def test_a_decided_case_or_a_held_meetings_case_is_not_removed(world) -> None:
    lead = world["coordinator"]
    meeting = make_meeting(_panel(world), lead, on=days_ago(0))
    item = services.add_to_agenda(meeting, _ready(world), acting_user=lead)
    _decide(item, lead)
    with pytest.raises(ValidationError, match="decision on this case is recorded"):
        services.remove_from_agenda(item, reason="Test.", acting_user=lead)
    services.complete_meeting(meeting, acting_user=lead)
    with pytest.raises(ValidationError, match="has been held"):
        services.remove_from_agenda(item, reason="Test.", acting_user=lead)


def test_the_history_is_append_only(world) -> None:
    meeting, _ = _held(world)
    event = meeting.history.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        MeetingEvent.objects.filter(meeting=meeting).update(reason="x")
    with pytest.raises(TypeError):
        MeetingEvent.objects.filter(meeting=meeting).delete()


def test_listing_offers_planned_meetings_from_today_soonest_first(world) -> None:
    lead = world["coordinator"]
    panel = _panel(world)
    later = make_meeting(panel, lead, on=periods.today() + datetime.timedelta(days=30))
    sooner = make_meeting(panel, lead, on=periods.today() + datetime.timedelta(days=2))
    make_meeting(panel, lead, on=days_ago(5))  # past: not offered
    held, _ = _held(world)
    assert list(meetings_open_for_listing(_ready(world))) == [sooner, later]
    assert held not in meetings_open_for_listing(_ready(world))


# --------------------------------------------------------------------------------------
# Pages


def test_the_referral_page_offers_add_to_a_panel_agenda_with_the_next_meeting_chosen(
    world, client
) -> None:
    lead = world["coordinator"]
    panel = _panel(world)
    sooner = make_meeting(panel, lead, on=periods.today() + datetime.timedelta(days=2))
    make_meeting(panel, lead, on=periods.today() + datetime.timedelta(days=30))
    referral = _ready(world)
    sign_in(client, lead)
    url = reverse("casework:referral_agenda", args=[referral.pk])
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert f'href="{url}">Add to a panel agenda' in page
    form = client.get(url)
    assert form.context["form"]["meeting"].initial == sooner.pk
    assert "summary-warning" not in form.content.decode()
    saved = client.post(url, {"meeting": sooner.pk, "version": form.context["version"]})
    assert saved.status_code == 302
    assert AgendaItem.objects.get(referral=referral).meeting == sooner
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert "Add to a panel agenda" not in page


def test_an_empty_panel_summary_is_warned_of_and_must_be_confirmed(world, client) -> None:
    lead = world["coordinator"]
    meeting = make_meeting(_panel(world), lead, on=periods.today() + datetime.timedelta(days=2))
    referral = _ready(world, summary="")
    sign_in(client, lead)
    url = reverse("casework:referral_agenda", args=[referral.pk])
    form = client.get(url)
    page = form.content.decode()
    assert 'data-testid="summary-warning"' in page
    assert reverse("casework:referral_edit", args=[referral.pk]) in page
    refused = client.post(url, {"meeting": meeting.pk, "version": form.context["version"]})
    assert refused.status_code == 400
    assert refused.context["form"].errors["confirm_no_summary"] == [
        "What the panel is told is empty: confirm the case is listed without it, or write it first"
    ]
    assert not AgendaItem.objects.filter(referral=referral).exists()
    saved = client.post(
        url,
        {"meeting": meeting.pk, "confirm_no_summary": "on", "version": form.context["version"]},
    )
    assert saved.status_code == 302
    assert AgendaItem.objects.filter(referral=referral, meeting=meeting).exists()


def test_a_stale_listing_is_refused(world) -> None:
    lead = world["coordinator"]
    panel = _panel(world)
    first = make_meeting(panel, lead, on=periods.today() + datetime.timedelta(days=2))
    second = make_meeting(panel, lead, on=periods.today() + datetime.timedelta(days=9))
    referral = _ready(world)
    one = sign_in(Client(), lead)
    two = sign_in(Client(), world["chair"])
    url = reverse("casework:referral_agenda", args=[referral.pk])
    version = two.get(url).context["version"]
    one_version = one.get(url).context["version"]
    assert one.post(url, {"meeting": first.pk, "version": one_version}).status_code == 302
    refused = two.post(url, {"meeting": second.pk, "version": version})
    assert refused.status_code == 400
    assert refused.context["edit_conflict"] is not None
    assert AgendaItem.objects.filter(referral=referral).count() == 1


def test_the_meeting_page_follows_the_lifecycle(world, client) -> None:
    lead = world["coordinator"]
    meeting = make_meeting(_panel(world), lead, on=periods.today() + datetime.timedelta(days=2))
    item = services.add_to_agenda(meeting, _ready(world), acting_user=lead)
    sign_in(client, lead)
    url = reverse("casework:meeting", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Record the decision" not in page  # the meeting is in the future
    assert "Mark the meeting held" not in page
    assert reverse("casework:item_remove", args=[item.pk]) in page
    refused = client.get(reverse("casework:item_decision", args=[item.pk]), follow=True)
    assert "record the panel&#x27;s decision on or after that day" in refused.content.decode()


def test_a_held_meeting_offers_no_agenda_form_and_the_chair_approves(world, client) -> None:
    meeting, _item = _held(world)
    sign_in(client, world["coordinator"])
    url = reverse("casework:meeting", args=[meeting.pk])
    response = client.get(url)
    assert "agenda_form" not in response.context
    assert not response.context["can_approve"]  # the lead is not the chair
    refused = client.post(
        reverse("casework:agenda_add", args=[meeting.pk]), {"agenda-referral": _ready(world).pk}
    )
    assert refused.status_code == 400
    assert "The meeting has been held: add the case to a later meeting" in html.unescape(
        refused.content.decode()
    )
    chair = sign_in(Client(), world["chair"])
    page = chair.get(url)
    assert page.context["can_approve"]
    approved = chair.post(
        reverse("casework:minutes_approve", args=[meeting.pk]),
        {"version": page.context["approve_version"]},
    )
    assert approved.status_code == 302
    after = html.unescape(chair.get(url).content.decode())
    assert "Minutes approved" in after and "Approve the minutes</button>" not in after
    assert "Correct the attendance" in after
    assert 'data-testid="meeting-history"' in after


def test_a_stale_approval_is_refused(world) -> None:
    meeting, item = _held(world)
    chair = sign_in(Client(), world["chair"])
    url = reverse("casework:meeting", args=[meeting.pk])
    version = chair.get(url).context["approve_version"]
    services.correct_decision_record(
        item, discussion="Changed meanwhile.", decision_reason="Why.", acting_user=world["chair"]
    )
    lead_client = sign_in(Client(), world["coordinator"])
    lead_client.post(
        reverse("casework:item_correct", args=[item.pk]),
        {
            "discussion": "Changed again.",
            "decision_reason": "Why.",
            "version": lead_client.get(reverse("casework:item_correct", args=[item.pk])).context[
                "version"
            ],
        },
    )
    chair.post(reverse("casework:minutes_approve", args=[meeting.pk]), {"version": version})
    meeting.refresh_from_db()
    assert not meeting.minutes_approved


def test_a_correction_page_asks_for_the_reason_once_approved(world, client) -> None:
    _meeting, item = _approved(world)
    sign_in(client, world["coordinator"])
    url = reverse("casework:item_correct", args=[item.pk])
    form = client.get(url)
    assert "correction_reason" in form.context["form"].fields
    refused = client.post(
        url,
        {
            "discussion": "Corrected (test).",
            "decision_reason": item.decision_reason,
            "version": form.context["version"],
        },
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["correction_reason"] == [
        "The minutes are approved: enter why the decision record is being corrected"
    ]


def test_the_removal_page_refuses_without_a_reason(world, client) -> None:
    lead = world["coordinator"]
    meeting = make_meeting(_panel(world), lead, on=periods.today() + datetime.timedelta(days=3))
    item = services.add_to_agenda(meeting, _ready(world), acting_user=lead)
    sign_in(client, lead)
    url = reverse("casework:item_remove", args=[item.pk])
    form = client.get(url)
    refused = client.post(url, {"reason": "", "version": form.context["version"]})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"] == [
        "Enter why the case is being removed from the agenda"
    ]
    saved = client.post(url, {"reason": "Not ready (test).", "version": form.context["version"]})
    assert saved.status_code == 302
    page = client.get(reverse("casework:meeting", args=[meeting.pk])).content.decode()
    assert 'data-testid="removed-items"' in page and "Not ready (test)." in page


def test_the_decision_correction_form_refuses_a_stale_save(world) -> None:
    meeting, item = _held(world)
    assert_second_save_refused_then_kept(
        world["coordinator"],
        world["chair"],
        reverse("casework:item_correct", args=[item.pk]),
        first={"discussion": "First notes (test).", "decision_reason": "First reasons."},
        second={"discussion": "Second notes (test).", "decision_reason": "Second reasons."},
        stored=lambda: AgendaItem.objects.get(pk=item.pk).discussion,
        first_value="First notes (test).",
        second_value="Second notes (test).",
        typed="Second notes (test).",
        record=lambda: type(meeting).objects.get(pk=meeting.pk),
    )


def test_the_referral_page_says_a_case_was_removed_from_an_agenda_and_why(world, client) -> None:
    lead = world["coordinator"]
    meeting = make_meeting(_panel(world), lead, on=periods.today() + datetime.timedelta(days=3))
    item = services.add_to_agenda(meeting, _ready(world), acting_user=lead)
    services.remove_from_agenda(item, reason="Awaiting police checks (test).", acting_user=lead)
    sign_in(client, lead)
    page = client.get(reverse("casework:referral", args=[item.referral_id])).content.decode()
    assert "Removed from the agenda: Awaiting police checks (test)." in page
    assert "Add to a panel agenda" in page  # ready for a panel again


def test_a_panel_member_sees_the_history_without_the_words_about_cases_not_shared(
    world, client
) -> None:
    meeting, item = _approved(world)
    services.correct_decision_record(
        item,
        discussion="Corrected notes naming the school (test).",
        decision_reason=item.decision_reason,
        correction_reason="The wrong school was named (test).",
        acting_user=world["coordinator"],
    )
    sign_in(client, world["panel_member"])
    page = html.unescape(
        client.get(reverse("casework:meeting", args=[meeting.pk])).content.decode()
    )
    assert "Decision record corrected" in page and "About a case not shared with you." in page
    assert "naming the school" not in page and "The wrong school was named" not in page
    lead = sign_in(Client(), world["coordinator"])
    full = html.unescape(lead.get(reverse("casework:meeting", args=[meeting.pk])).content.decode())
    assert "The wrong school was named (test)." in full
