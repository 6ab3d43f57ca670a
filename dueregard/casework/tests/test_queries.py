"""Who sees what, possible matches at intake, and the work queue."""

from __future__ import annotations

import datetime

import pytest

from conftest import make_user
from dueregard.accounts.models import Role
from dueregard.casework import services
from dueregard.casework.matching import dates_alike, names_alike, soundex
from dueregard.casework.models import ActionStatus, ReviewKind, SessionStatus, Stage
from dueregard.casework.queries import (
    actions_visible_to,
    concern_by_label,
    concern_types_on,
    expected_sessions,
    meetings_visible_to,
    panel_cases_visible_to,
    panels_visible_to,
    people_visible_to,
    possible_matches,
    referrals_visible_to,
    search_people,
    work_queue,
)
from dueregard.casework.tests.factories import (
    adopt,
    days_ago,
    into_support,
    leave,
    make_meeting,
    make_panel,
    make_person,
    make_referral,
    member_of,
    to_gateway,
    to_panel,
)
from dueregard.core import periods
from dueregard.core.tests.known import known

pytestmark = pytest.mark.django_db


def test_casework_is_for_the_lead_and_chair_of_the_authority_only(world) -> None:
    referral = make_referral(world.authority, world["coordinator"])
    for persona in ("coordinator", "chair"):
        assert list(referrals_visible_to(world[persona])) == [referral]
        assert list(people_visible_to(world[persona])) == [referral.person]
    for persona in ("panel_member", "analyst", "board_member", "auditor", "other_coordinator"):
        assert not referrals_visible_to(world[persona]).exists(), persona
        assert not people_visible_to(world[persona]).exists(), persona


def test_a_panel_member_sees_a_case_only_while_it_is_on_their_panels_open_agenda(world) -> None:
    lead, member = world["coordinator"], world["panel_member"]
    panel = make_panel(world.authority, lead, members=[(member, "Mental Health Trust")])
    other_panel = make_panel(world.authority, lead, name="Other panel")
    on_agenda = to_panel(make_referral(world.authority, lead), lead)
    elsewhere = to_panel(
        make_referral(world.authority, lead, person=make_person(world.authority, lead)), lead
    )
    waiting = to_panel(make_referral(world.authority, lead), lead)
    assert not panel_cases_visible_to(member).exists()

    meeting = make_meeting(panel, lead, on=days_ago(5))
    item = services.add_to_agenda(meeting, on_agenda, acting_user=lead)
    services.add_to_agenda(make_meeting(other_panel, lead), elsewhere, acting_user=lead)
    assert list(panel_cases_visible_to(member)) == [on_agenda]
    assert set(panel_cases_visible_to(lead)) == {on_agenda, elsewhere, waiting}
    assert list(panels_visible_to(member)) == [panel]
    assert list(meetings_visible_to(member)) == [meeting]
    assert not referrals_visible_to(member).exists()  # never the full casework record

    services.close_agenda_item(item, acting_user=lead)
    assert not panel_cases_visible_to(member).exists()

    # Back on a later agenda: visible again, until the member leaves the panel.
    services.add_to_agenda(make_meeting(panel, lead, on=days_ago(1)), on_agenda, acting_user=lead)
    assert list(panel_cases_visible_to(member)) == [on_agenda]
    services.end_panel_membership(member_of(panel, member), left_on=days_ago(0), acting_user=lead)
    assert not panel_cases_visible_to(member).exists()
    assert not panels_visible_to(member).exists()


def test_a_panel_member_of_another_authority_sees_nothing(world) -> None:
    lead = world["coordinator"]
    outsider = make_user("outside_member", Role.PANEL_MEMBER, authority=world.other_authority)
    panel = make_panel(world.authority, lead)
    # Even a membership row naming them gives nothing outside their authority.
    panel.members.create(user=outsider, name="Outsider", agency="Elsewhere")
    referral = to_panel(make_referral(world.authority, lead), lead)
    services.add_to_agenda(make_meeting(panel, lead), referral, acting_user=lead)
    assert not panel_cases_visible_to(outsider).exists()
    assert not panels_visible_to(outsider).exists()


def test_panel_members_see_and_change_only_the_actions_they_own(world) -> None:
    lead, member = world["coordinator"], world["panel_member"]
    colleague = make_user("colleague", Role.PANEL_MEMBER, authority=world.authority)
    panel = make_panel(world.authority, lead, members=[(member, "Trust"), (colleague, "School")])
    meeting = make_meeting(panel, lead)
    mine = services.add_panel_action(
        meeting,
        description="Share the care plan",
        owner=member_of(panel, member),
        due_on=days_ago(10),
        acting_user=lead,
    )
    services.add_panel_action(
        meeting,
        description="Ask the school",
        owner=member_of(panel, colleague),
        due_on=days_ago(10),
        acting_user=lead,
    )
    assert list(actions_visible_to(member)) == [mine]
    from dueregard.accounts.permissions import Action

    assert list(actions_visible_to(member, Action.CHANGE)) == [mine]
    assert actions_visible_to(lead).count() == 2
    assert not actions_visible_to(world["analyst"]).exists()


def test_possible_matches_are_tolerant_and_give_reasons(world) -> None:
    lead = world["coordinator"]
    known = make_person(
        world.authority,
        lead,
        given_name="Jonathan",
        family_name="McDonald",
        date_of_birth=datetime.date(2007, 4, 9),
    )
    make_person(
        world.authority,
        lead,
        given_name="Priya",
        family_name="Other",
        date_of_birth=datetime.date(2001, 1, 1),
    )
    services.create_person(
        authority=world.authority,
        details=services.PersonDetails(date_of_birth=datetime.date(2007, 4, 9)),
        unidentified_historical=True,
        acting_user=lead,
    )
    exact = possible_matches(
        world.authority,
        given_name="Jonathan",
        family_name="McDonald",
        date_of_birth=datetime.date(2007, 4, 9),
    )
    assert [m.person for m in exact] == [known] and exact[0].strong
    slips = possible_matches(
        world.authority,
        given_name="jonathon",
        family_name="Macdonald",
        date_of_birth=datetime.date(2007, 9, 4),
    )
    assert [m.person for m in slips] == [known]
    assert not slips[0].strong
    assert "Date of birth: day and month swapped" in slips[0].reasons
    assert "Family name: sounds alike" in slips[0].reasons
    # Different person, same date of birth, unrelated name: not offered.
    assert not possible_matches(
        world.authority,
        given_name="Alex",
        family_name="Zed",
        date_of_birth=datetime.date(2007, 4, 9),
    )
    # Other authorities' people are never offered.
    assert not possible_matches(
        world.other_authority,
        given_name="Jonathan",
        family_name="McDonald",
        date_of_birth=datetime.date(2007, 4, 9),
    )


def test_matching_helpers() -> None:
    assert soundex("Robert") == soundex("Rupert") == "R163"
    assert soundex("Ashcraft") == "A261"
    assert names_alike("Siobhan", "siobhán") == "same"
    assert names_alike("Katherine", "Kathryn") == "sounds alike"
    assert names_alike("Smith", "Jones") == ""
    assert dates_alike(datetime.date(2001, 3, 4), datetime.date(2001, 4, 3)) == (
        "day and month swapped"
    )
    assert dates_alike(datetime.date(2001, 3, 4), datetime.date(2002, 3, 4)) == "year one out"
    assert dates_alike(datetime.date(2001, 3, 4), datetime.date(1990, 8, 1)) == ""


def test_search_finds_people_by_name_or_reference_in_scope_only(world) -> None:
    lead = world["coordinator"]
    person = make_person(world.authority, lead, given_name="Ellis", family_name="Brightwater")
    referral = make_referral(world.authority, lead, person=person)
    assert list(search_people(lead, "brightwater")) == [person]
    assert list(search_people(lead, "Brightwatter")) == [person]  # sounds alike
    assert list(search_people(lead, referral.reference)) == [person]
    assert not search_people(world["other_coordinator"], "Brightwater").exists()
    assert not search_people(lead, "").exists()


def test_concern_lists_by_date() -> None:
    muu = "mixed, unclear or unstable"
    assert concern_by_label(muu, datetime.date(2019, 1, 1)).code_list.code == "ho-2017"
    assert concern_by_label(muu).code_list.code == "ho-2021"  # the newest list that has it
    assert concern_by_label("Islamist", datetime.date(2022, 5, 1)).code_list.code == "ho-2021"
    assert concern_by_label("Islamist").code_list.code == "pcmt-2024"
    assert concern_by_label("No ideology identified").code_list.code == "pcmt-2024"
    assert concern_by_label("Nonsense") is None
    labels = {c.label for c in concern_types_on(datetime.date(2022, 5, 1))}
    assert {"Conflicted", "Incel", "School Massacre"} <= labels
    school = concern_by_label("School Massacre")
    assert [m.target.label for m in school.mapped_to.all()] == [
        "Fascination with extreme violence or mass casualty attacks"
    ]


@pytest.mark.django_db
def test_work_queue_lists_what_is_due(world) -> None:
    lead = world["coordinator"]
    today = days_ago(0)
    received = make_referral(world.authority, lead, received_on=days_ago(3))
    at_gateway = to_gateway(make_referral(world.authority, lead, received_on=days_ago(30)), lead)
    awaiting_panel = to_panel(make_referral(world.authority, lead, received_on=days_ago(60)), lead)
    panel = make_panel(world.authority, lead, members=[(world["panel_member"], "Trust")])
    meeting = make_meeting(panel, lead, on=days_ago(1))
    on_agenda = to_panel(make_referral(world.authority, lead, received_on=days_ago(90)), lead)
    item = services.add_to_agenda(meeting, on_agenda, acting_user=lead)
    overdue = services.add_panel_action(
        meeting,
        description="Chase GP",
        owner=member_of(panel, world["panel_member"]),
        due_on=days_ago(1),
        acting_user=lead,
    )
    services.add_panel_action(
        meeting,
        description="Not yet due",
        owner=member_of(panel, world["panel_member"]),
        due_on=days_ago(-5),
        acting_user=lead,
    )
    # In support since ~113 days with 6 sessions planned over 120 days: 5 expected, 1 done.
    in_support = into_support(make_referral(world.authority, lead, received_on=days_ago(140)), lead)
    services.record_session(
        in_support.support_plan,
        occurred_on=known(in_support.support_started_on),
        status=SessionStatus.DELIVERED,
        acting_user=lead,
    )
    left = leave(
        make_referral(world.authority, lead, received_on=days_ago(400)),
        lead,
        on=periods.add_months(today, -6) + datetime.timedelta(days=10),
    )
    closed = make_referral(world.authority, lead, received_on=days_ago(5))
    services.close_referral(closed, closed_on=today, reason="Duplicate.", acting_user=lead)

    queue = work_queue(lead, today)
    assert queue.awaiting_triage == [received]
    assert queue.awaiting_gateway == [at_gateway]
    assert queue.awaiting_agenda == [awaiting_panel]
    assert queue.agenda_items == [item]
    assert queue.overdue_actions == [overdue]
    assert [r.referral for r in queue.reviews_due] == [left]
    assert queue.reviews_due[0].kind == ReviewKind.SIX_MONTHS
    assert [(p.plan.referral, p.delivered) for p in queue.plans_behind] == [(in_support, 1)]
    assert queue.plans_behind[0].expected == expected_sessions(in_support.support_plan, today)
    assert queue.counts()["awaiting_triage"] == 1
    # Another authority's lead has an empty queue; an analyst has none at all.
    assert work_queue(world["other_coordinator"], today).total == 0
    assert work_queue(world["analyst"], today).total == 0
    overdue.refresh_from_db()
    services.update_panel_action(
        overdue, status=ActionStatus.DONE, progress="Done", acting_user=world["panel_member"]
    )
    assert work_queue(lead, today).overdue_actions == []
    assert Stage(left.stage) == Stage.LEFT_CHANNEL


def test_expected_sessions_spreads_the_plan_evenly(world) -> None:
    lead = world["coordinator"]
    referral = adopt(make_referral(world.authority, lead), lead)
    start = known(referral.adopted_on) + datetime.timedelta(days=1)
    plan = services.agree_support_plan(
        referral,
        agreed_on=start,
        planned_start_on=start,
        planned_end_on=start + datetime.timedelta(days=100),
        sessions_planned=10,
        other_support="Mentoring",
        acting_user=lead,
    )
    assert expected_sessions(plan, start - datetime.timedelta(days=1)) == 0
    assert expected_sessions(plan, start + datetime.timedelta(days=50)) == 5
    assert expected_sessions(plan, start + datetime.timedelta(days=99)) == 9
    assert expected_sessions(plan, start + datetime.timedelta(days=400)) == 10
