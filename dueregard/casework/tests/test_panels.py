"""Channel panels: members, meetings, agendas, decisions, attendance and actions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import services
from dueregard.casework.models import (
    AgendaReason,
    MeetingStatus,
    PanelDecision,
    Person,
    Stage,
)
from dueregard.casework.queries import carried_actions, cases_for_agenda
from dueregard.casework.tests.factories import (
    adopt,
    days_ago,
    make_meeting,
    make_panel,
    make_person,
    make_referral,
    member_of,
    to_panel,
)

pytestmark = pytest.mark.django_db


def test_only_users_with_a_panel_role_in_the_authority_can_be_members(world) -> None:
    lead = world["coordinator"]
    panel = make_panel(world.authority, lead)
    for outsider in ("analyst", "other_coordinator"):
        with pytest.raises(ValidationError) as error:
            services.add_panel_member(
                panel, name="X", agency="Y", user=world[outsider], acting_user=lead
            )
        assert "user" in error.value.message_dict
    services.add_panel_member(
        panel, name="Member", agency="Trust", user=world["panel_member"], acting_user=lead
    )
    with pytest.raises(ValidationError, match="already a member"):
        services.add_panel_member(
            panel, name="Again", agency="Trust", user=world["panel_member"], acting_user=lead
        )


def test_agenda_takes_cases_awaiting_the_panel_or_in_support_once(world) -> None:
    lead = world["coordinator"]
    panel = make_panel(world.authority, lead)
    meeting = make_meeting(panel, lead, on=days_ago(1))
    received = make_referral(world.authority, lead)
    waiting = to_panel(make_referral(world.authority, lead), lead)
    in_channel = adopt(make_referral(world.authority, lead), lead)
    assert set(cases_for_agenda(meeting)) == {waiting, in_channel}
    with pytest.raises(ValidationError, match="cannot go on the agenda"):
        services.add_to_agenda(meeting, received, acting_user=lead)
    assert services.add_to_agenda(meeting, waiting, acting_user=lead).reason == AgendaReason.NEW
    assert (
        services.add_to_agenda(meeting, in_channel, acting_user=lead).reason == AgendaReason.REVIEW
    )
    with pytest.raises(ValidationError, match="already on the agenda"):
        services.add_to_agenda(meeting, waiting, acting_user=lead)
    other = make_referral(
        world.other_authority,
        world["other_coordinator"],
        person=make_person(world.other_authority, world["other_coordinator"]),
    )
    with pytest.raises(ValidationError, match="different authorities"):
        services.add_to_agenda(meeting, other, acting_user=lead)


def test_a_decision_is_recorded_once_and_the_meeting_completes_when_all_are_decided(
    world,
) -> None:
    lead = world["coordinator"]
    panel = make_panel(world.authority, lead)
    meeting = make_meeting(panel, lead, on=days_ago(1))
    referral = to_panel(make_referral(world.authority, lead, received_on=days_ago(60)), lead)
    item = services.add_to_agenda(meeting, referral, acting_user=lead)
    with pytest.raises(ValidationError, match="Record the panel's decision on every case"):
        services.complete_meeting(meeting, acting_user=lead)
    with pytest.raises(ValidationError) as error:
        services.record_discussion(
            item, discussion="", decision="adopt", decision_reason="x", acting_user=lead
        )
    assert "discussion" in error.value.message_dict
    services.record_discussion(
        item,
        discussion="Discussed.",
        decision=PanelDecision.ADOPT,
        decision_reason="Agreed.",
        acting_user=lead,
    )
    referral.refresh_from_db()
    assert (referral.stage, referral.adopted_on) == (Stage.ADOPTED, meeting.held_on)
    assert referral.discussed_at_panel_on == meeting.held_on
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_discussion(
            item, discussion="Again", decision="defer", decision_reason="x", acting_user=lead
        )
    services.complete_meeting(meeting, acting_user=lead)
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and not item.is_open


def test_attendance_is_recorded_by_agency_and_replaced_whole(world) -> None:
    lead = world["coordinator"]
    panel = make_panel(world.authority, lead, members=[(world["panel_member"], "Trust")])
    meeting = make_meeting(panel, lead, on=days_ago(1))
    member = member_of(panel, world["panel_member"])
    services.record_attendance(
        meeting,
        attendees=[
            services.Attendee(member.name, member.agency, attended=False, member=member),
            services.Attendee("Guest", "College"),
        ],
        acting_user=lead,
    )
    assert list(meeting.attendance.values_list("agency", "attended")) == [
        ("College", True),
        ("Trust", False),
    ]
    services.record_attendance(
        meeting, attendees=[services.Attendee("Guest", "College")], acting_user=lead
    )
    assert meeting.attendance.count() == 1
    with pytest.raises(ValidationError, match="name and an agency"):
        services.record_attendance(
            meeting, attendees=[services.Attendee("", "College")], acting_user=lead
        )
    future = make_meeting(panel, lead, on=days_ago(-7))
    with pytest.raises(ValidationError, match="on or after the day of the meeting"):
        services.record_attendance(future, attendees=[], acting_user=lead)


def test_open_actions_are_carried_to_the_next_meeting(world) -> None:
    lead = world["coordinator"]
    panel = make_panel(world.authority, lead, members=[(world["panel_member"], "Trust")])
    first = make_meeting(panel, lead, on=days_ago(40))
    second = make_meeting(panel, lead, on=days_ago(10))
    owner = member_of(panel, world["panel_member"])
    carried = services.add_panel_action(
        first, description="Open", owner=owner, due_on=days_ago(30), acting_user=lead
    )
    done = services.add_panel_action(
        first, description="Done", owner=owner, due_on=days_ago(30), acting_user=lead
    )
    services.update_panel_action(
        done, status="done", progress="", completed_on=days_ago(35), acting_user=lead
    )
    assert list(carried_actions(second)) == [carried]
    with pytest.raises(ValidationError) as error:
        services.update_panel_action(carried, status="dropped", progress="", acting_user=lead)
    assert "progress" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_panel_action(
            second, description="Early", owner=owner, due_on=days_ago(20), acting_user=lead
        )
    assert "due_on" in error.value.message_dict


def test_people_are_corrected_and_held_with_audited_field_names(world) -> None:
    lead = world["coordinator"]
    person = make_person(world.authority, lead)
    details = services.PersonDetails(
        given_name=person.given_name,
        family_name="Testcase-Smith",
        date_of_birth=person.date_of_birth,
        religion="No religion",
    )
    services.update_person(person, details=details, acting_user=lead)
    person.refresh_from_db()
    assert person.family_name_key == "testcasesmith"
    event = AuditEvent.objects.filter(action=AuditAction.CHANGE, person_id=person.pk).get()
    assert event.detail == {"fields": "family_name,religion"}
    assert "Testcase-Smith" not in str(event.detail)  # names fields, never values
    with pytest.raises(ValidationError):
        services.set_legal_hold(person, on=True, reason="", acting_user=lead)
    services.set_legal_hold(person, on=True, reason="Subject access request", acting_user=lead)
    assert Person.objects.get(pk=person.pk).legal_hold
