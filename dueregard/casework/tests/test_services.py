"""The pathway's rules, as the services enforce them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import services
from dueregard.casework.models import (
    ConsentGivenBy,
    ConsentStatus,
    EventKind,
    ExitReason,
    GatewayOutcome,
    PanelDecision,
    Referral,
    Review,
    ReviewKind,
    SessionStatus,
    Stage,
    StageEvent,
    TriageOutcome,
)
from dueregard.casework.queries import concern_by_label
from dueregard.casework.tests.factories import (
    adopt,
    days_ago,
    into_support,
    leave,
    make_person,
    make_referral,
    to_gateway,
    to_panel,
    vulnerability,
)
from dueregard.core import periods
from dueregard.core.tests.known import known

pytestmark = pytest.mark.django_db


def kinds(referral: Referral) -> list[str]:
    return list(referral.events.order_by("pk").values_list("kind", flat=True))


def test_intake_records_the_referral_with_age_and_history(world) -> None:
    coordinator = world["coordinator"]
    person = make_person(
        world.authority, coordinator, date_of_birth=datetime.date(2009, 3, 1), gender="male"
    )
    referral = make_referral(
        world.authority,
        coordinator,
        person=person,
        received_on=datetime.date(2024, 2, 28),
        vulnerabilities=[vulnerability("autism"), vulnerability("mental-health")],
    )
    assert referral.reference == "R-2024-0001"
    assert referral.age_at_referral == 14  # birthday is the next day
    assert referral.gender == "male"
    assert referral.stage == Stage.RECEIVED
    assert referral.coordinator == coordinator
    assert {v.code for v in referral.vulnerabilities.all()} == {"autism", "mental-health"}
    event = referral.events.get()
    assert (event.kind, event.occurred_on, event.recorded_by) == (
        EventKind.RECEIVED,
        datetime.date(2024, 2, 28),
        coordinator,
    )
    audit = AuditEvent.objects.filter(object_type="casework.referral", object_id=referral.pk)
    assert audit.get().person_id == person.pk
    second = make_referral(world.authority, coordinator, received_on=datetime.date(2024, 3, 5))
    assert second.reference == "R-2024-0002"


def test_intake_refuses_future_dates_duplicate_references_and_dates_before_birth(world) -> None:
    user = world["coordinator"]
    person = make_person(world.authority, user, date_of_birth=days_ago(3000))
    with pytest.raises(ValidationError) as error:
        make_referral(world.authority, user, person=person, received_on=days_ago(-1))
    assert "received_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_referral(world.authority, user, person=person, received_on=days_ago(3001))
    assert "before the date of birth" in str(error.value)
    make_referral(world.authority, user, person=person, reference="HIST-1")
    with pytest.raises(ValidationError) as error:
        make_referral(world.authority, user, person=person, reference="HIST-1")
    assert error.value.message_dict == {"reference": ["Reference HIST-1 is already used"]}
    assert Referral.objects.filter(reference="HIST-1").count() == 1
    with pytest.raises(ValidationError) as error:  # the same reference, whatever its case
        make_referral(world.authority, user, person=person, reference="hist-1")
    assert error.value.message_dict == {
        "reference": ["Reference hist-1 is already used (as HIST-1)"]
    }


def test_triage_other_than_police_closes_with_the_rationale(world) -> None:
    user = world["coordinator"]
    referral = make_referral(world.authority, user, received_on=days_ago(50))
    services.triage_referral(
        referral,
        outcome=TriageOutcome.ADVICE,
        occurred_on=days_ago(48),
        reason="Advice given to the school's safeguarding lead.",
        acting_user=user,
    )
    referral.refresh_from_db()
    assert referral.stage == Stage.CLOSED
    assert referral.triage_outcome == TriageOutcome.ADVICE
    assert referral.triaged_on == days_ago(48)
    assert referral.closed_on == days_ago(48)
    assert "Advice provided" in referral.closure_reason
    assert referral.referred_to_police_on is None
    assert kinds(referral) == [EventKind.RECEIVED, EventKind.TRIAGED, EventKind.CLOSED]


def test_triage_needs_a_reason_and_a_date_after_receipt(world) -> None:
    user = world["coordinator"]
    referral = make_referral(world.authority, user, received_on=days_ago(50))
    with pytest.raises(ValidationError) as error:
        services.triage_referral(
            referral,
            outcome=TriageOutcome.POLICE,
            occurred_on=days_ago(48),
            reason=" ",
            acting_user=user,
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.triage_referral(
            referral,
            outcome=TriageOutcome.POLICE,
            occurred_on=days_ago(51),
            reason="x",
            acting_user=user,
        )
    assert "on or after the date received" in str(error.value)
    referral.refresh_from_db()
    assert referral.stage == Stage.RECEIVED
    assert kinds(referral) == [EventKind.RECEIVED]


def test_the_whole_pathway_caches_every_milestone_with_its_event(world) -> None:
    user = world["coordinator"]
    referral = make_referral(world.authority, user, received_on=days_ago(400))
    to_gateway(referral, user, on=days_ago(398))
    assert referral.stage == Stage.WITH_GATEWAY
    assert referral.referred_to_police_on == days_ago(398)
    islamist = concern_by_label("Islamist")
    services.record_gateway_outcome(
        referral,
        outcome=GatewayOutcome.PANEL,
        occurred_on=days_ago(390),
        reason="Suitable for Channel.",
        concern=islamist,
        police_notes="Known to police (test).",
        acting_user=user,
    )
    assert (referral.stage, referral.gateway_outcome_on) == (Stage.FOR_PANEL, days_ago(390))
    assert referral.gateway_concern == islamist
    services.record_panel_decision(
        referral,
        decision=PanelDecision.DEFER,
        occurred_on=days_ago(380),
        reason="Waiting for the school's information.",
        acting_user=user,
    )
    assert referral.stage == Stage.DISCUSSED
    assert referral.discussed_at_panel_on == days_ago(380)
    services.record_panel_decision(
        referral,
        decision=PanelDecision.ADOPT,
        occurred_on=days_ago(350),
        reason="Agreed.",
        concern=islamist,
        acting_user=user,
    )
    assert referral.discussed_at_panel_on == days_ago(380)  # the first discussion counts
    assert (referral.stage, referral.adopted_on, referral.panel_concern) == (
        Stage.ADOPTED,
        days_ago(350),
        islamist,
    )
    into_support(referral, user)
    assert referral.stage == Stage.IN_SUPPORT
    leave(referral, user, on=days_ago(200))
    referral.refresh_from_db()
    assert referral.stage == Stage.LEFT_CHANNEL
    assert referral.left_channel_on == days_ago(200)
    assert referral.exit_reason.code == "concerns-addressed"
    reviews = {r.kind: r.due_on for r in referral.reviews.all()}
    assert reviews == {
        ReviewKind.SIX_MONTHS: periods.add_months(days_ago(200), 6),
        ReviewKind.TWELVE_MONTHS: periods.add_months(days_ago(200), 12),
    }
    for review in referral.reviews.order_by("due_on"):
        services.record_review(
            review,
            held_on=min(review.due_on, days_ago(0)),
            further_concerns=False,
            notes="No concerns.",
            confirm_early=True,
            early_reason="The family moves away next month (fictional).",
            acting_user=user,
        )
    services.close_referral(
        referral, closed_on=days_ago(0), reason="Both reviews done.", acting_user=user
    )
    referral.refresh_from_db()
    assert referral.stage == Stage.CLOSED and referral.closed_on == days_ago(0)
    assert kinds(referral) == [
        EventKind.RECEIVED,
        EventKind.TRIAGED,
        EventKind.REFERRED_TO_POLICE,
        EventKind.GATEWAY_OUTCOME,
        EventKind.DISCUSSED,
        EventKind.DISCUSSED,
        EventKind.ADOPTED,
        EventKind.CONSENT,
        EventKind.SUPPORT_PLAN,
        EventKind.SUPPORT_STARTED,
        EventKind.DISCUSSED,  # the panel's decision "Leave Channel"
        EventKind.LEFT_CHANNEL,
        EventKind.REVIEW,
        EventKind.REVIEW,
        EventKind.CLOSED,
    ]
    # Every event names who recorded it, and each service call wrote one audit event for
    # the person: person, referral, consent and plan created; ten changes (the panel's
    # decision to leave Channel and the leaving it records are one each).
    assert not referral.events.filter(recorded_by__isnull=True).exists()
    person_events = AuditEvent.objects.filter(person_id=referral.person_id)
    assert person_events.filter(action=AuditAction.CREATE).count() == 4
    assert person_events.filter(action=AuditAction.CHANGE).count() == 10
    assert person_events.count() == AuditEvent.objects.count()


def test_transitions_out_of_order_are_refused_and_nothing_is_written(world) -> None:
    user = world["coordinator"]
    referral = make_referral(world.authority, user)
    before = StageEvent.objects.count()
    with pytest.raises(ValidationError, match="cannot be police gateway outcome"):
        services.record_gateway_outcome(
            referral,
            outcome=GatewayOutcome.PANEL,
            occurred_on=days_ago(1),
            reason="x",
            acting_user=user,
        )
    with pytest.raises(ValidationError, match="the panel cannot decide"):
        services.record_panel_decision(
            referral,
            decision=PanelDecision.ADOPT,
            occurred_on=days_ago(1),
            reason="x",
            acting_user=user,
        )
    with pytest.raises(ValidationError):
        services.leave_channel(
            referral,
            left_on=days_ago(1),
            exit_reason=ExitReason.objects.first(),
            reason="x",
            acting_user=user,
        )
    assert StageEvent.objects.count() == before
    referral.refresh_from_db()
    assert referral.stage == Stage.RECEIVED


def test_not_adopted_needs_alternative_support_and_closes(world) -> None:
    user = world["coordinator"]
    referral = to_panel(make_referral(world.authority, user), user)
    with pytest.raises(ValidationError) as error:
        services.record_panel_decision(
            referral,
            decision=PanelDecision.NOT_ADOPT,
            occurred_on=days_ago(100),
            reason="No ideology; needs mental health support.",
            acting_user=user,
        )
    assert "alternative_support" in error.value.message_dict
    referral.refresh_from_db()
    assert referral.discussed_at_panel_on is None  # nothing half-written
    services.record_panel_decision(
        referral,
        decision=PanelDecision.NOT_ADOPT,
        occurred_on=days_ago(100),
        reason="No ideology; needs mental health support.",
        alternative_support="Referred to the community mental health team.",
        acting_user=user,
    )
    assert referral.stage == Stage.CLOSED
    assert referral.not_adopted_on == days_ago(100)
    assert referral.adopted_on is None
    assert "community mental health team" in referral.closure_reason


def test_support_cannot_start_without_consent_given(world) -> None:
    user = world["coordinator"]
    referral = adopt(make_referral(world.authority, user), user)
    start = known(referral.adopted_on) + datetime.timedelta(days=3)
    services.agree_support_plan(
        referral,
        agreed_on=start,
        planned_start_on=start,
        planned_end_on=start + datetime.timedelta(days=90),
        sessions_planned=6,
        other_support="Youth club place.",
        acting_user=user,
    )
    with pytest.raises(ValidationError, match="until consent is recorded as given"):
        services.start_support(referral, started_on=start, acting_user=user)
    services.record_consent(
        referral,
        status=ConsentStatus.DECLINED,
        given_by=ConsentGivenBy.PARENT,
        given_by_name="A. Parent",
        occurred_on=start,
        acting_user=user,
    )
    with pytest.raises(ValidationError, match=r"latest: consent declined"):
        services.start_support(referral, started_on=start, acting_user=user)
    services.record_consent(
        referral,
        status=ConsentStatus.GIVEN,
        given_by=ConsentGivenBy.PARENT,
        given_by_name="A. Parent",
        occurred_on=start + datetime.timedelta(days=1),
        acting_user=user,
    )
    with pytest.raises(ValidationError, match="on or after consent"):
        services.start_support(referral, started_on=start, acting_user=user)
    services.start_support(
        referral, started_on=start + datetime.timedelta(days=1), acting_user=user
    )
    assert referral.stage == Stage.IN_SUPPORT


def test_a_child_cannot_consent_alone_but_an_adult_can(world) -> None:
    user = world["coordinator"]
    child = make_person(world.authority, user, date_of_birth=days_ago(15 * 365))
    referral = adopt(
        make_referral(world.authority, user, person=child, received_on=days_ago(60)), user
    )
    with pytest.raises(ValidationError) as error:
        services.record_consent(
            referral,
            status=ConsentStatus.GIVEN,
            given_by=ConsentGivenBy.PERSON,
            occurred_on=days_ago(1),
            acting_user=user,
        )
    assert "parent or guardian must consent" in error.value.message_dict["given_by"][0]
    with pytest.raises(ValidationError) as error:
        services.record_consent(
            referral,
            status=ConsentStatus.GIVEN,
            given_by=ConsentGivenBy.GUARDIAN,
            occurred_on=days_ago(1),
            acting_user=user,
        )
    assert "given_by_name" in error.value.message_dict

    adult = make_person(world.authority, user, given_name="Sam", date_of_birth=days_ago(30 * 365))
    adult_referral = adopt(
        make_referral(world.authority, user, person=adult, received_on=days_ago(60)), user
    )
    consent = services.record_consent(
        adult_referral,
        status=ConsentStatus.GIVEN,
        given_by=ConsentGivenBy.PERSON,
        capacity_considered=True,
        occurred_on=days_ago(1),
        acting_user=user,
    )
    assert consent.status == ConsentStatus.GIVEN
    assert AuditEvent.objects.filter(object_type="casework.consent", person_id=adult.pk).exists()


def test_sessions_are_recorded_only_while_in_support(world) -> None:
    user = world["coordinator"]
    referral = into_support(make_referral(world.authority, user), user)
    plan = referral.support_plan
    session = services.record_session(
        plan,
        occurred_on=known(referral.support_started_on),
        status=SessionStatus.DELIVERED,
        acting_user=user,
    )
    assert session.provider == "Test Mentoring (fictional)"
    with pytest.raises(ValidationError, match="on or after the start of support"):
        services.record_session(
            plan,
            occurred_on=known(referral.support_started_on) - datetime.timedelta(days=1),
            status=SessionStatus.DELIVERED,
            acting_user=user,
        )
    leave(referral, user, on=days_ago(1))
    with pytest.raises(ValidationError, match="while the person is receiving support"):
        services.record_session(
            plan, occurred_on=days_ago(0), status=SessionStatus.DELIVERED, acting_user=user
        )


def test_twelve_month_review_follows_the_six_month_one(world) -> None:
    user = world["coordinator"]
    referral = leave(make_referral(world.authority, user), user, on=days_ago(200))
    twelve = referral.reviews.get(kind=ReviewKind.TWELVE_MONTHS)
    with pytest.raises(ValidationError, match="6-month review first"):
        services.record_review(
            twelve, held_on=days_ago(1), further_concerns=False, notes="x", acting_user=user
        )
    six = referral.reviews.get(kind=ReviewKind.SIX_MONTHS)
    with pytest.raises(ValidationError) as error:
        services.record_review(
            six, held_on=days_ago(1), further_concerns=None, notes="x", acting_user=user
        )
    assert "further_concerns" in error.value.message_dict
    services.record_review(
        six, held_on=days_ago(1), further_concerns=False, notes="All well.", acting_user=user
    )
    with pytest.raises(ValidationError, match="already been recorded"):
        services.record_review(
            Review.objects.get(pk=six.pk),
            held_on=days_ago(1),
            further_concerns=False,
            notes="again",
            acting_user=user,
        )


def test_closing_needs_a_reason_and_the_person_can_be_referred_again(world) -> None:
    user = world["coordinator"]
    referral = to_gateway(make_referral(world.authority, user, received_on=days_ago(90)), user)
    with pytest.raises(ValidationError) as error:
        services.close_referral(referral, closed_on=days_ago(1), reason="", acting_user=user)
    assert "reason" in error.value.message_dict
    services.close_referral(
        referral, closed_on=days_ago(1), reason="Moved out of the area.", acting_user=user
    )
    with pytest.raises(ValidationError, match="already closed"):
        services.close_referral(referral, closed_on=days_ago(0), reason="x", acting_user=user)
    again = make_referral(world.authority, user, person=referral.person, received_on=days_ago(0))
    assert again.person == referral.person
    assert list(referral.person.referrals.order_by("received_on")) == [referral, again]


def test_history_is_append_only(world) -> None:
    user = world["coordinator"]
    referral = make_referral(world.authority, user)
    event = referral.events.get()
    event.reason = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        StageEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(TypeError):
        StageEvent.objects.all().delete()


def test_a_closed_referral_always_has_a_reason_in_the_database(world) -> None:
    referral = make_referral(world.authority, world["coordinator"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(stage=Stage.CLOSED, closure_reason="")


def test_the_case_officer_is_set_at_intake_and_reassigned_with_its_history(world) -> None:
    lead, chair = world["coordinator"], world["chair"]
    referral = make_referral(world.authority, lead)
    assert referral.coordinator == lead  # the officer who recorded it
    assert set(services.case_officers(world.authority)) == {lead, chair}

    services.assign_case_officer(referral, chair, acting_user=lead)
    referral.refresh_from_db()
    assert referral.coordinator == chair
    event = referral.events.get(kind=EventKind.CASE_OFFICER)
    assert event.recorded_by == lead
    assert str(chair) in event.outcome_label and str(lead) in event.outcome_label
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(referral.pk), detail__fields="coordinator"
    ).exists()

    # Only the authority's Prevent team, and not the officer it already has.
    for outsider in ("analyst", "panel_member", "other_coordinator"):
        with pytest.raises(ValidationError) as error:
            services.assign_case_officer(referral, world[outsider], acting_user=lead)
        assert "officer" in error.value.message_dict
    with pytest.raises(ValidationError, match="already the case officer"):
        services.assign_case_officer(referral, chair, acting_user=lead)
    assert referral.events.filter(kind=EventKind.CASE_OFFICER).count() == 1
