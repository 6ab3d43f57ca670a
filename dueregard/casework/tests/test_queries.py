"""Who sees what, possible matches at intake, and the work queue."""

from __future__ import annotations

import datetime

import pytest

from conftest import make_user
from dueregard.accounts.models import Role
from dueregard.casework import services
from dueregard.casework.matching import dates_alike, names_alike, soundex
from dueregard.casework.models import (
    ActionStatus,
    ConsentGivenBy,
    ConsentStatus,
    PanelDecision,
    Referral,
    ReviewKind,
    SessionStatus,
    Stage,
)
from dueregard.casework.queries import (
    SECTIONS,
    actions_visible_to,
    caseload,
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
    refer_on,
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


def _with_consent(referral, lead, on):
    services.record_consent(
        referral,
        status=ConsentStatus.GIVEN,
        given_by=ConsentGivenBy.PERSON,
        occurred_on=on,
        acting_user=lead,
    )
    return referral


def _case_in_every_section(world) -> dict[str, Referral]:
    """One referral in each section of the caseload, and a closed one."""
    lead = world["coordinator"]
    today = days_ago(0)
    cases: dict[str, Referral] = {}
    cases["triage"] = make_referral(world.authority, lead, received_on=days_ago(3))
    cases["gateway"] = to_gateway(
        make_referral(world.authority, lead, received_on=days_ago(30)), lead
    )
    cases["ready"] = to_panel(make_referral(world.authority, lead, received_on=days_ago(60)), lead)
    panel = make_panel(world.authority, lead, members=[(world["panel_member"], "Trust")])
    meeting = make_meeting(panel, lead, on=days_ago(1))
    cases["agenda"] = to_panel(make_referral(world.authority, lead, received_on=days_ago(90)), lead)
    services.add_to_agenda(meeting, cases["agenda"], acting_user=lead)
    decision = to_panel(make_referral(world.authority, lead, received_on=days_ago(95)), lead)
    services.record_panel_decision(
        decision,
        decision=PanelDecision.DEFER,
        occurred_on=known(decision.gateway_outcome_on) + datetime.timedelta(days=3),
        reason="More information needed.",
        acting_user=lead,
    )
    cases["decision"] = decision
    cases["consent"] = adopt(make_referral(world.authority, lead, received_on=days_ago(100)), lead)
    awaiting_plan = adopt(make_referral(world.authority, lead, received_on=days_ago(110)), lead)
    cases["plan"] = _with_consent(awaiting_plan, lead, known(awaiting_plan.adopted_on))
    # In support with a contact delivered a week ago; and one whose last was 50 days ago.
    for key, last in (("support", 7), ("lapsing", 50)):
        referral = into_support(
            make_referral(world.authority, lead, received_on=days_ago(200)), lead
        )
        services.record_session(
            referral.support_plan,
            occurred_on=days_ago(last),
            status=SessionStatus.DELIVERED,
            acting_user=lead,
        )
        cases[key] = referral
    cases["review_due"] = leave(
        make_referral(world.authority, lead, received_on=days_ago(400)),
        lead,
        on=periods.add_months(today, -6) + datetime.timedelta(days=10),
    )
    cases["review_later"] = leave(
        make_referral(world.authority, lead, received_on=days_ago(300)), lead, on=days_ago(20)
    )
    done = leave(
        make_referral(world.authority, lead, received_on=days_ago(900)), lead, on=days_ago(400)
    )
    for review in done.reviews.order_by("due_on"):
        services.record_review(
            review,
            held_on=review.due_on,
            further_concerns=False,
            notes="No further concerns.",
            acting_user=lead,
        )
    cases["closure"] = done
    cases["onward"] = refer_on(
        make_referral(world.authority, lead, received_on=days_ago(40)), lead, on=days_ago(35)
    )
    closed = make_referral(world.authority, lead, received_on=days_ago(5))
    services.close_referral(closed, closed_on=today, reason="Duplicate.", acting_user=lead)
    cases["closed"] = closed
    return cases


def test_every_open_case_is_in_exactly_one_section_of_the_caseload(world) -> None:
    lead = world["coordinator"]
    today = days_ago(0)
    cases = _case_in_every_section(world)
    work = caseload(lead, today)
    placed = {section.id: [row.referral for row in rows] for section, rows in work.sections()}
    assert [section.id for section in SECTIONS] == list(placed)
    for section_id, referrals in placed.items():
        assert referrals == [cases[section_id]], section_id
    everywhere = [r.pk for referrals in placed.values() for r in referrals]
    assert sorted(everywhere) == sorted(
        referrals_visible_to(lead).exclude(stage=Stage.CLOSED).values_list("pk", flat=True)
    )
    assert work.open_cases == len(SECTIONS)
    # What each row tells the coordinator.
    rows = {section.id: rows[0] for section, rows in work.sections()}
    assert rows["triage"].days_in_stage == 3
    assert rows["agenda"].meeting is not None
    assert rows["support"].last_contact == days_ago(7)
    assert rows["review_due"].review is not None
    assert rows["review_due"].review.kind == ReviewKind.SIX_MONTHS
    assert rows["triage"].referral.coordinator == lead
    assert rows["onward"].onward_service == "Early help (test)"
    # Another authority's lead sees none of it; an analyst has no caseload at all.
    assert caseload(world["other_coordinator"], today).open_cases == 0
    assert caseload(world["analyst"], today).open_cases == 0


def test_my_cases_are_the_ones_i_am_case_officer_for(world) -> None:
    lead, chair = world["coordinator"], world["chair"]
    today = days_ago(0)
    mine = make_referral(world.authority, lead, received_on=days_ago(3))
    theirs = make_referral(world.authority, chair, received_on=days_ago(4))
    assert [r.referral for r in caseload(lead, today, mine=True).rows["triage"]] == [mine]
    assert [r.referral for r in caseload(chair, today, mine=True).rows["triage"]] == [theirs]
    assert [r.referral for r in caseload(lead, today).rows["triage"]] == [theirs, mine]


def test_overdue_panel_actions_are_listed_until_done(world) -> None:
    lead = world["coordinator"]
    today = days_ago(0)
    panel = make_panel(world.authority, lead, members=[(world["panel_member"], "Trust")])
    meeting = make_meeting(panel, lead, on=days_ago(1))
    owner = member_of(panel, world["panel_member"])
    overdue = services.add_panel_action(
        meeting, description="Chase GP", owner=owner, due_on=days_ago(1), acting_user=lead
    )
    services.add_panel_action(
        meeting, description="Not yet due", owner=owner, due_on=days_ago(-5), acting_user=lead
    )
    assert caseload(lead, today).overdue_actions == [overdue]
    services.update_panel_action(
        overdue, status=ActionStatus.DONE, progress="Done", acting_user=world["panel_member"]
    )
    assert caseload(lead, today).overdue_actions == []


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
