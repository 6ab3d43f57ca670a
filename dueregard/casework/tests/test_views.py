"""The casework pages: what each person sees, the audit trail of views, and the forms."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import services
from dueregard.casework.models import (
    AgendaItem,
    GatewayOutcome,
    Person,
    Referral,
    Stage,
    TriageOutcome,
)
from dueregard.casework.tests.factories import (
    days_ago,
    make_meeting,
    make_panel,
    make_person,
    make_referral,
    to_gateway,
    to_panel,
)

pytestmark = pytest.mark.django_db


def views_of(person_id: int) -> int:
    return AuditEvent.objects.filter(action=AuditAction.VIEW, person_id=person_id).count()


def test_person_page_shows_every_referral_in_order_and_audits_one_view(world, as_user) -> None:
    lead = world["coordinator"]
    person = make_person(world.authority, lead, given_name="Morgan", family_name="Testfield")
    first = make_referral(world.authority, lead, person=person, received_on=days_ago(400))
    services.triage_referral(
        first,
        outcome="nfa",
        occurred_on=days_ago(399),
        reason="No Prevent concern.",
        acting_user=lead,
    )
    second = make_referral(world.authority, lead, person=person, received_on=days_ago(20))
    client = as_user(lead)
    response = client.get(reverse("casework:person", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["personal_data"] is True
    assert "OFFICIAL-SENSITIVE" in html
    assert html.index(first.reference) < html.index(second.reference)
    assert "Triaged: No further action. No Prevent concern." in html
    assert views_of(person.pk) == 1


def test_referral_page_offers_the_next_steps_for_its_stage(world, as_user) -> None:
    lead = world["coordinator"]
    referral = make_referral(world.authority, lead)
    client = as_user(lead)
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert reverse("casework:triage", args=[referral.pk]) in page
    assert reverse("casework:gateway", args=[referral.pk]) not in page
    assert views_of(referral.person_id) == 1
    # The chair may read; other authorities' leads get 404 and are audited as refused.
    assert (
        as_user(world["chair"]).get(reverse("casework:referral", args=[referral.pk])).status_code
        == 200
    )
    other = as_user(world["other_coordinator"]).get(
        reverse("casework:referral", args=[referral.pk])
    )
    assert other.status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).exists()


def test_triage_form_shows_service_errors_against_fields_and_writes_nothing(world, as_user) -> None:
    lead = world["coordinator"]
    referral = make_referral(world.authority, lead, received_on=days_ago(10))
    client = as_user(lead)
    before = referral.received_on - datetime.timedelta(days=3)
    response = client.post(
        reverse("casework:triage", args=[referral.pk]),
        {
            "outcome": "police",
            "occurred_on_day": before.day,
            "occurred_on_month": before.month,
            "occurred_on_year": before.year,
            "reason": "Meets the threshold.",
        },
    )
    assert response.status_code == 400
    assert "on or after the date received" in response.content.decode()
    assert response.context["form"].errors["occurred_on"]
    referral.refresh_from_db()
    assert referral.stage == Stage.RECEIVED
    ok = days_ago(1)
    response = client.post(
        reverse("casework:triage", args=[referral.pk]),
        {
            "outcome": "police",
            "occurred_on_day": ok.day,
            "occurred_on_month": ok.month,
            "occurred_on_year": ok.year,
            "reason": "Meets the threshold.",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.stage == Stage.WITH_GATEWAY


def test_intake_offers_possible_matches_and_links_a_repeat_referral(world, as_user) -> None:
    lead = world["coordinator"]
    known = make_person(
        world.authority,
        lead,
        given_name="Alexis",
        family_name="Marchbank",
        date_of_birth=datetime.date(2009, 2, 3),
    )
    client = as_user(lead)
    response = client.post(
        reverse("casework:intake"),
        {
            "given_name": "Alexis",
            "family_name": "Marchbanks",
            "date_of_birth_day": "3",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2009",
        },
    )
    assert response.status_code == 302
    matches = client.get(reverse("casework:intake_match"))
    assert matches.status_code == 200
    assert [m.person for m in matches.context["matches"]] == [known]
    assert client.post(reverse("casework:intake_match"), {}).status_code == 400
    response = client.post(reverse("casework:intake_match"), {"choice": str(known.pk)})
    assert response.status_code == 302
    received = days_ago(2)
    response = client.post(
        reverse("casework:intake_details"),
        {
            "received_on_day": received.day,
            "received_on_month": received.month,
            "received_on_year": received.year,
            "concern_description": "Worrying posts online (test).",
            "sector": "",
            "concern": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    referral = Referral.objects.get()
    assert referral.person == known
    assert Person.objects.count() == 1
    assert referral.age_at_referral is not None


def test_intake_of_a_new_person_with_no_matches(world, as_user) -> None:
    lead = world["coordinator"]
    client = as_user(lead)
    client.post(reverse("casework:intake"), {"given_name": "Kit", "family_name": "Newcomb"})
    page = client.get(reverse("casework:intake_match"))
    assert "No earlier referrals found" in page.content.decode()
    received = days_ago(0)
    response = client.post(
        reverse("casework:intake_details"),
        {
            "received_on_day": received.day,
            "received_on_month": received.month,
            "received_on_year": received.year,
            "concern_description": "Concern (test).",
            "age_at_referral": "15",
            "gender": "female",
            "ward": world.ward.pk,
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.person.given_name, referral.person.gender) == ("Kit", "female")
    assert (referral.age_at_referral, referral.gender, referral.ward) == (15, "female", world.ward)
    # The session step is gone: a second post does not create another referral.
    again = client.post(reverse("casework:intake_details"), {})
    assert again.status_code == 200
    assert "Start the referral again" in again.content.decode()
    assert Referral.objects.count() == 1


def test_intake_sets_the_case_officer_chosen_from_the_prevent_team(world, as_user) -> None:
    lead = world["coordinator"]
    colleague = services.case_officers(world.authority).exclude(pk=lead.pk).first()
    assert colleague is not None
    outsider = world["panel_member"]
    client = as_user(lead)
    client.post(reverse("casework:intake"), {"given_name": "Remy", "family_name": "Officerton"})
    client.get(reverse("casework:intake_match"))  # no matches: a new person
    page = client.get(reverse("casework:intake_details"))
    field = page.context["form"]["case_officer"]
    assert field.value() == lead.pk  # the recorder, chosen first
    assert outsider not in field.field.queryset
    received = days_ago(0)
    details = {
        "received_on_day": received.day,
        "received_on_month": received.month,
        "received_on_year": received.year,
        "concern_description": "Concern (test).",
    }
    refused = client.post(
        reverse("casework:intake_details"), {**details, "case_officer": outsider.pk}
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["case_officer"] == [
        "Choose a member of the authority's Prevent team as case officer"
    ]
    assert not Referral.objects.exists()
    response = client.post(
        reverse("casework:intake_details"), {**details, "case_officer": colleague.pk}
    )
    assert response.status_code == 302
    assert Referral.objects.get().coordinator == colleague


def test_intake_without_a_name_is_refused(world, as_user) -> None:
    response = as_user(world["coordinator"]).post(reverse("casework:intake"), {})
    assert response.status_code == 400
    assert "Enter the person&#x27;s given name or family name" in response.content.decode()


def test_a_panel_member_sees_only_what_the_panel_shares_while_on_the_agenda(world, as_user) -> None:
    lead, member = world["coordinator"], world["panel_member"]
    referral = to_panel(make_referral(world.authority, lead), lead)
    services.update_referral_details(
        referral,
        concern_description=referral.concern_description,
        concern=referral.concern,
        sector=referral.sector,
        vulnerabilities=[],
        panel_summary="Summary for the panel (test).",
        acting_user=lead,
    )
    panel = make_panel(world.authority, lead, members=[(member, "Trust")])
    meeting = make_meeting(panel, lead, on=days_ago(0))
    url = reverse("casework:panel_case", args=[referral.pk])
    client = as_user(member)
    assert client.get(url).status_code == 404
    services.add_to_agenda(meeting, referral, acting_user=lead)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Summary for the panel (test)." in html
    assert "Police information (test)." not in html  # police notes stay with the case team
    assert referral.person.display_name in html
    assert views_of(referral.person_id) == 1
    assert client.get(reverse("casework:referral", args=[referral.pk])).status_code == 404
    meeting_page = client.get(reverse("casework:meeting", args=[meeting.pk])).content.decode()
    assert referral.person.display_name in meeting_page
    # The panel decides and completes the meeting: the case is no longer shared.
    item = AgendaItem.objects.get()
    services.record_discussion(
        item,
        discussion="Discussed (test).",
        decision="adopt",
        decision_reason="Agreed.",
        acting_user=lead,
    )
    services.complete_meeting(meeting, acting_user=lead)
    assert client.get(url).status_code == 404
    meeting_page = client.get(reverse("casework:meeting", args=[meeting.pk])).content.decode()
    assert referral.person.display_name not in meeting_page
    assert "A case no longer on the agenda" in meeting_page


def test_assessment_page_shows_the_change_since_the_previous_one(world, as_user) -> None:
    lead = world["coordinator"]
    referral = to_panel(make_referral(world.authority, lead), lead)
    for day, engagement in (
        (days_ago(30), "Watches extreme videos daily"),
        (days_ago(2), "Watches extreme videos rarely"),
    ):
        services.record_assessment(
            referral,
            assessed_on=day,
            engagement=engagement,
            intent="No stated intent",
            capability="None seen",
            acting_user=lead,
        )
    html = as_user(lead).get(reverse("casework:panel_case", args=[referral.pk])).content.decode()
    assert "<del>daily</del> <ins>rarely</ins>" in html
    assert "No change" in html
    assert "First assessment" in html


def test_queue_lists_work_and_the_home_page_shows_counts(world, as_user) -> None:
    lead = world["coordinator"]
    referral = make_referral(world.authority, lead, received_on=days_ago(4))
    client = as_user(lead)
    page = client.get(reverse("casework:queue"))
    assert page.status_code == 200
    assert referral.reference in page.content.decode()
    assert views_of(referral.person_id) == 1  # a list naming one person
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="casework-home-panel"' in home
    assert "Awaiting triage</a>: <strong>1</strong>" in home
    assert "1 open case." in home
    assert reverse("casework:intake") in home  # "Record a new referral" from home
    assert referral.person.display_name not in home  # counts only on the home page
    member_home = as_user(world["panel_member"]).get(reverse("home")).content.decode()
    assert 'data-testid="panel-member-home-panel"' in member_home
    assert 'data-testid="casework-home-panel"' not in member_home


def test_people_search(world, as_user) -> None:
    lead = world["coordinator"]
    person = make_person(world.authority, lead, given_name="Rowan", family_name="Ashdale")
    page = as_user(lead).get(reverse("casework:people"), {"q": "ashdale"})
    assert person.display_name in page.content.decode()
    assert as_user(world["analyst"]).get(reverse("casework:people")).status_code == 403


def test_panel_member_updates_their_own_action(world, as_user) -> None:
    lead, member = world["coordinator"], world["panel_member"]
    panel = make_panel(world.authority, lead, members=[(member, "Trust")])
    meeting = make_meeting(panel, lead, on=days_ago(3))
    owner = panel.members.get(user=member)
    action = services.add_panel_action(
        meeting, description="Send the report", owner=owner, due_on=days_ago(1), acting_user=lead
    )
    client = as_user(member)
    assert "Send the report" in client.get(reverse("casework:actions")).content.decode()
    response = client.post(
        reverse("casework:action", args=[action.pk]),
        {
            "status": "done",
            "progress": "Sent.",
            "completed_on_day": "",
            "completed_on_month": "",
            "completed_on_year": "",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("done", days_ago(0))


def test_the_case_officer_is_changed_from_the_referral_page(world, as_user) -> None:
    lead, chair = world["coordinator"], world["chair"]
    referral = make_referral(world.authority, lead)
    client = as_user(lead)
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    url = reverse("casework:case_officer", args=[referral.pk])
    assert url in page
    form = client.get(url).content.decode()
    assert str(chair) in form and str(world["analyst"]) not in form
    refused = client.post(url, {"officer": world["analyst"].pk})
    assert refused.status_code == 400
    assert client.post(url, {"officer": chair.pk}).status_code == 302
    referral.refresh_from_db()
    assert referral.coordinator == chair
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert "Case officer changed" in page  # in the history


def test_a_person_referred_again_and_again_is_raised_wherever_their_case_appears(
    world, as_user
) -> None:
    """Referred three times and turned away each time (the Southport Prevent Learning
    Review): the current referral, the queue and the panel's view all say so."""
    lead = world["coordinator"]
    person = make_person(world.authority, lead, given_name="Kit", family_name="Harrowgate")
    long_ago = make_referral(world.authority, lead, person=person, received_on=days_ago(1000))
    first = make_referral(world.authority, lead, person=person, received_on=days_ago(500))
    services.triage_referral(
        first,
        outcome=TriageOutcome.NFA,
        occurred_on=days_ago(498),
        reason="Below the threshold (test).",
        acting_user=lead,
    )
    second = to_gateway(
        make_referral(world.authority, lead, person=person, received_on=days_ago(200)), lead
    )
    services.record_gateway_outcome(
        second,
        outcome=GatewayOutcome.NFA,
        occurred_on=days_ago(190),
        reason="No further action (test).",
        police_notes="",
        acting_user=lead,
    )
    current = to_panel(
        make_referral(world.authority, lead, person=person, received_on=days_ago(30)), lead
    )
    client = as_user(lead)
    page = client.get(reverse("casework:referral", args=[current.pk])).content.decode()
    banner = page.split('data-testid="repeat-referral"')[1].split("</div>\n</div>")[0]
    assert "Referred 3 times in 24 months." in banner
    assert first.reference in banner and "triage: no further action" in banner
    assert second.reference in banner and "gateway: no further action" in banner
    assert long_ago.reference not in banner  # outside the 24 months
    queue = client.get(reverse("casework:queue")).content.decode()
    assert "Referred 3 times" in queue
    panel_view = client.get(reverse("casework:panel_case", args=[current.pk])).content.decode()
    assert "Referred 3 times in 24 months." in panel_view
    # A first referral carries no such warning.
    other = make_referral(world.authority, lead)
    page = client.get(reverse("casework:referral", args=[other.pk])).content.decode()
    assert 'data-testid="repeat-referral"' not in page
