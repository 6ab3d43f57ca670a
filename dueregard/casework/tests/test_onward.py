"""Referrals found not for Channel but with other vulnerabilities: the onward referral
(which service, when), the queue section that holds them, and the service's answer."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import services
from dueregard.casework.models import (
    EventKind,
    GatewayOutcome,
    OnwardReferral,
    OnwardResponse,
    Referral,
    Stage,
    TriageOutcome,
)
from dueregard.casework.queries import caseload
from dueregard.casework.tests.factories import (
    days_ago,
    make_meeting,
    make_panel,
    make_person,
    make_referral,
    refer_on,
    to_gateway,
    to_panel,
)
from dueregard.core import versions

pytestmark = pytest.mark.django_db


def kinds(referral: Referral) -> list[str]:
    return list(referral.events.order_by("pk").values_list("kind", flat=True))


def _date(prefix: str, day: datetime.date) -> dict[str, int]:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


# --------------------------------------------------------------------------------------
# The services


def test_triage_referred_on_records_the_service_and_awaits_its_answer(world) -> None:
    lead = world["coordinator"]
    referral = make_referral(world.authority, lead, received_on=days_ago(20))
    services.triage_referral(
        referral,
        outcome=TriageOutcome.REFERRED_ON,
        occurred_on=days_ago(18),
        reason="No Prevent concern; mental health needs.",
        onward_service=" Community mental health team ",
        onward_referred_on=days_ago(17),
        acting_user=lead,
    )
    referral.refresh_from_db()
    assert referral.stage == Stage.ONWARD
    assert referral.is_open
    assert referral.closed_on is None
    assert referral.triage_outcome == TriageOutcome.REFERRED_ON
    onward = referral.onward_referrals.get()
    assert (onward.service, onward.referred_on, onward.at) == (
        "Community mental health team",
        days_ago(17),
        "triage",
    )
    assert onward.awaiting
    assert onward.recorded_by == lead
    assert kinds(referral) == [EventKind.RECEIVED, EventKind.TRIAGED, EventKind.REFERRED_ON]
    assert services.awaiting_onward_referral(referral) == onward


def test_gateway_referred_on_records_the_service_and_awaits_its_answer(world) -> None:
    lead = world["coordinator"]
    referral = to_gateway(make_referral(world.authority, lead, received_on=days_ago(40)), lead)
    services.record_gateway_outcome(
        referral,
        outcome=GatewayOutcome.REFERRED_ON,
        occurred_on=days_ago(30),
        reason="Not for Channel; the family needs early help.",
        onward_service="Early help",
        onward_referred_on=days_ago(30),
        acting_user=lead,
    )
    referral.refresh_from_db()
    assert referral.stage == Stage.ONWARD
    assert referral.gateway_outcome == GatewayOutcome.REFERRED_ON
    assert referral.onward_referrals.get().at == "gateway"
    assert kinds(referral)[-2:] == [EventKind.GATEWAY_OUTCOME, EventKind.REFERRED_ON]


@pytest.mark.parametrize(
    ("service", "referred_on", "field", "message"),
    [
        ("", 17, "onward_service", "Enter the service the person was referred on to"),
        ("  ", 17, "onward_service", "Enter the service the person was referred on to"),
        ("Early help", None, "onward_referred_on", "Enter date referred on"),
        ("Early help", 19, "onward_referred_on", "on or after the date of the outcome"),
        ("Early help", -1, "onward_referred_on", "must be today or in the past"),
    ],
)
@pytest.mark.parametrize("at", ["triage", "gateway"])
def test_referring_on_needs_the_service_and_a_date_and_writes_nothing_without(
    world, at, service, referred_on, field, message
) -> None:
    lead = world["coordinator"]
    referral = make_referral(world.authority, lead, received_on=days_ago(25))
    if at == "gateway":
        to_gateway(referral, lead, on=days_ago(24))
    before_stage, before_events = referral.stage, kinds(referral)
    call = services.triage_referral if at == "triage" else services.record_gateway_outcome
    outcome = TriageOutcome.REFERRED_ON if at == "triage" else GatewayOutcome.REFERRED_ON
    with pytest.raises(ValidationError) as error:
        call(
            referral,
            outcome=outcome,
            occurred_on=days_ago(18),
            reason="Below the threshold.",
            onward_service=service,
            onward_referred_on=days_ago(referred_on) if referred_on is not None else None,
            acting_user=lead,
        )
    assert list(error.value.message_dict) == [field]
    assert message in error.value.message_dict[field][0]
    assert referral.stage == before_stage  # checked before anything was changed
    assert referral.triaged_on == (None if at == "triage" else days_ago(24))
    assert referral.gateway_outcome is None
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.stage == before_stage
    assert kinds(referral) == before_events
    assert not OnwardReferral.objects.exists()


def test_other_outcomes_need_no_service_and_record_none(world) -> None:
    lead = world["coordinator"]
    referral = make_referral(world.authority, lead, received_on=days_ago(20))
    services.triage_referral(
        referral,
        outcome=TriageOutcome.SIGNPOSTED,
        occurred_on=days_ago(18),
        reason="Signposted to the school counsellor.",
        acting_user=lead,
    )
    assert referral.stage == Stage.CLOSED
    assert not OnwardReferral.objects.exists()


@pytest.mark.parametrize("response", [OnwardResponse.ACCEPTED, OnwardResponse.DECLINED])
def test_the_services_answer_closes_the_referral_with_who_and_when(world, response) -> None:
    lead = world["coordinator"]
    referral = refer_on(make_referral(world.authority, lead, received_on=days_ago(30)), lead)
    services.record_onward_response(
        referral,
        response=response,
        responded_on=days_ago(5),
        note="Confirmed by the duty manager (test).",
        acting_user=lead,
    )
    referral.refresh_from_db()
    onward = referral.onward_referrals.get()
    assert onward.response == response
    assert onward.responded_on == days_ago(5)
    assert onward.response_note == "Confirmed by the duty manager (test)."
    assert onward.response_recorded_by == lead
    assert onward.response_recorded_at is not None
    assert referral.stage == Stage.CLOSED
    assert referral.closed_on == days_ago(5)
    verb = "accepted" if response == OnwardResponse.ACCEPTED else "declined"
    assert f"Early help (test), which {verb} the referral" in referral.closure_reason
    assert kinds(referral)[-2:] == [EventKind.ONWARD_RESPONSE, EventKind.CLOSED]
    audit = AuditEvent.objects.filter(action=AuditAction.CHANGE, person_id=referral.person_id)
    assert audit.filter(detail__event=EventKind.ONWARD_RESPONSE).count() == 1


@pytest.mark.parametrize(
    ("response", "responded_on", "field", "message"),
    [
        ("", 5, "response", "Choose whether the service accepted or declined"),
        ("maybe", 5, "response", "Choose whether the service accepted or declined"),
        ("accepted", None, "responded_on", "Enter date of the answer"),
        ("accepted", 29, "responded_on", "on or after the date referred on"),
        ("declined", -2, "responded_on", "must be today or in the past"),
    ],
)
def test_the_answer_is_refused_without_a_choice_or_with_a_bad_date(
    world, response, responded_on, field, message
) -> None:
    lead = world["coordinator"]
    referral = refer_on(
        make_referral(world.authority, lead, received_on=days_ago(30)), lead, on=days_ago(28)
    )
    with pytest.raises(ValidationError) as error:
        services.record_onward_response(
            referral,
            response=response,
            responded_on=days_ago(responded_on) if responded_on is not None else None,
            acting_user=lead,
        )
    assert list(error.value.message_dict) == [field]
    assert message in error.value.message_dict[field][0]
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.stage == Stage.ONWARD
    assert referral.onward_referrals.get().awaiting


def test_only_a_referral_awaiting_an_answer_takes_one(world) -> None:
    lead = world["coordinator"]
    referral = make_referral(world.authority, lead, received_on=days_ago(30))
    with pytest.raises(ValidationError, match="not awaiting an answer"):
        services.record_onward_response(
            referral, response="accepted", responded_on=days_ago(1), acting_user=lead
        )
    refer_on(referral, lead)
    services.record_onward_response(
        referral, response="accepted", responded_on=days_ago(1), acting_user=lead
    )
    with pytest.raises(ValidationError, match="closed: it is not awaiting"):
        services.record_onward_response(
            referral, response="declined", responded_on=days_ago(1), acting_user=lead
        )
    assert referral.onward_referrals.get().response == OnwardResponse.ACCEPTED


# --------------------------------------------------------------------------------------
# The queue and the pages


def test_the_queue_holds_onward_referrals_in_their_own_section_until_answered(world) -> None:
    lead = world["coordinator"]
    referral = refer_on(
        make_referral(world.authority, lead, received_on=days_ago(30)),
        lead,
        service="Youth offending service",
        on=days_ago(20),
    )
    work = caseload(lead, days_ago(0))
    [row] = work.rows["onward"]
    assert row.referral == referral
    assert row.onward_service == "Youth offending service"
    assert row.days_in_stage == 20
    assert sum(len(rows) for rows in work.rows.values()) == 1
    services.record_onward_response(
        referral, response="declined", responded_on=days_ago(2), acting_user=lead
    )
    assert caseload(lead, days_ago(0)).open_cases == 0


def test_triage_form_puts_the_onward_errors_on_their_fields(world, as_user) -> None:
    lead = world["coordinator"]
    referral = make_referral(world.authority, lead, received_on=days_ago(10))
    client = as_user(lead)
    url = reverse("casework:triage", args=[referral.pk])
    assert "Service referred on to" in client.get(url).content.decode()
    posted = {
        "outcome": TriageOutcome.REFERRED_ON,
        **_date("occurred_on", days_ago(2)),
        "reason": "Below the threshold; needs early help.",
    }
    response = client.post(url, posted)
    assert response.status_code == 400
    assert response.context["form"].errors["onward_service"] == [
        "Enter the service the person was referred on to"
    ]
    assert not OnwardReferral.objects.exists()
    response = client.post(
        url, posted | {"onward_service": "Early help", **_date("onward_referred_on", days_ago(1))}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.stage == Stage.ONWARD
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert "Awaiting confirmation" in page
    assert reverse("casework:onward", args=[referral.pk]) in page
    queue = client.get(reverse("casework:queue")).content.decode()
    assert "Onward referral awaiting confirmation (1)" in queue
    assert "Referred on to Early help" in queue


def test_gateway_form_takes_the_onward_referral(world, as_user) -> None:
    lead = world["coordinator"]
    referral = to_gateway(make_referral(world.authority, lead, received_on=days_ago(10)), lead)
    response = as_user(lead).post(
        reverse("casework:gateway", args=[referral.pk]),
        {
            "outcome": GatewayOutcome.REFERRED_ON,
            **_date("occurred_on", days_ago(2)),
            "reason": "Not for Channel.",
            "onward_service": "Adult social care",
            **_date("onward_referred_on", days_ago(3)),
        },
    )
    assert response.status_code == 400
    assert (
        "on or after the date of the outcome"
        in response.context["form"].errors["onward_referred_on"][0]
    )
    referral.refresh_from_db()
    assert referral.stage == Stage.WITH_GATEWAY


def test_the_answer_page_records_it_and_is_refused_to_others(world, as_user) -> None:
    lead = world["coordinator"]
    referral = refer_on(make_referral(world.authority, lead, received_on=days_ago(30)), lead)
    url = reverse("casework:onward", args=[referral.pk])
    assert as_user(world["other_coordinator"]).get(url).status_code == 404
    assert as_user(world["analyst"]).get(url).status_code in (403, 404)
    client = as_user(lead)
    page = client.get(url)
    assert page.status_code == 200
    assert "Referred on to Early help (test)" in page.content.decode()
    version = versions.version_of(referral)
    response = client.post(url, {"version": version, "response": "accepted", "note": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["responded_on"]
    response = client.post(url, {"version": version, **_date("responded_on", days_ago(1))})
    assert response.status_code == 400
    assert response.context["form"].errors["response"] == [
        "Choose whether the service accepted or declined the referral"
    ]
    response = client.post(
        url,
        {
            "version": version,
            "response": "accepted",
            **_date("responded_on", days_ago(1)),
            "note": "Accepted for assessment.",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.stage == Stage.CLOSED
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert "The service accepted the referral" in page
    assert "Accepted for assessment." in page


def test_the_answer_page_refuses_a_stale_form(world, as_user) -> None:
    lead, chair = world["coordinator"], world["chair"]
    referral = refer_on(make_referral(world.authority, lead, received_on=days_ago(30)), lead)
    stale = versions.version_of(referral)
    services.update_referral_details(
        referral,
        concern_description="Updated meanwhile (test).",
        concern=referral.concern,
        sector=referral.sector,
        vulnerabilities=[],
        panel_summary="",
        acting_user=chair,
    )
    response = as_user(lead).post(
        reverse("casework:onward", args=[referral.pk]),
        {"version": stale, "response": "declined", **_date("responded_on", days_ago(1))},
    )
    assert response.status_code == 400
    assert "after you opened it" in response.content.decode()
    referral.refresh_from_db()
    assert referral.stage == Stage.ONWARD


def test_a_panel_member_sees_the_repeat_referrals_of_a_case_on_their_agenda(world, as_user) -> None:
    """The panel's own view of the case raises the repeat referrals, earlier outcomes
    included (an onward referral among them), without links into the case record."""
    lead, member = world["coordinator"], world["panel_member"]
    person = make_person(world.authority, lead, given_name="Sol", family_name="Brackley")
    earlier = refer_on(
        make_referral(world.authority, lead, person=person, received_on=days_ago(300)), lead
    )
    current = to_panel(
        make_referral(world.authority, lead, person=person, received_on=days_ago(30)), lead
    )
    panel = make_panel(world.authority, lead, members=[(member, "Testborough Mental Health Trust")])
    services.add_to_agenda(make_meeting(panel, lead, on=days_ago(0)), current, acting_user=lead)
    page = as_user(member).get(reverse("casework:panel_case", args=[current.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    banner = html.split('data-testid="repeat-referral"')[1].split("</div>\n</div>")[0]
    assert "Referred 2 times in 24 months." in banner
    assert earlier.reference in banner
    assert "triage: not for channel: referred on for other vulnerabilities" in banner
    assert reverse("casework:referral", args=[earlier.pk]) not in banner


def test_every_form_page_of_a_repeat_referral_says_so(world, as_user) -> None:
    """Not only the referral page: the triage form (and every other step's form) of a
    person referred again shows "Referred N times" with the earlier referral."""
    lead = world["coordinator"]
    person = make_person(world.authority, lead, given_name="Ash", family_name="Repeatform")
    earlier = refer_on(
        make_referral(world.authority, lead, person=person, received_on=days_ago(200)), lead
    )
    current = make_referral(world.authority, lead, person=person, received_on=days_ago(5))
    client = as_user(lead)
    for name in ("triage", "close", "case_officer"):
        html = client.get(reverse(f"casework:{name}", args=[current.pk])).content.decode()
        banner = html.split('data-testid="repeat-referral"')[1].split("</div>\n</div>")[0]
        assert "Referred 2 times in 24 months." in banner, name
        assert earlier.reference in banner, name
    first = make_referral(world.authority, lead, received_on=days_ago(5))
    html = client.get(reverse("casework:triage", args=[first.pk])).content.decode()
    assert 'data-testid="repeat-referral"' not in html


def test_retention_clears_the_note_on_the_services_answer(world) -> None:
    """The answer's note is free text about the person: the retention process clears it
    with the rest of their details (privacy.services.CLEARED_FIELDS)."""
    from dueregard.privacy import services as privacy

    lead = world["coordinator"]
    referral = refer_on(make_referral(world.authority, lead, received_on=days_ago(4 * 365)), lead)
    services.record_onward_response(
        referral,
        response="declined",
        responded_on=referral.received_on + datetime.timedelta(days=20),
        note="Declined: the family moved to Ashbury (test).",
        acting_user=lead,
    )
    run = privacy.apply_retention(world.authority, on=days_ago(0), dry_run=False, acting_user=lead)
    assert [due.person.pk for due in run.due] == [referral.person_id]
    onward = OnwardReferral.objects.get(referral=referral)
    assert onward.response_note == ""
    assert (onward.service, onward.response) == ("Early help (test)", OnwardResponse.DECLINED)
