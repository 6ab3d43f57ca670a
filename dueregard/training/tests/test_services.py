"""The rules every change to training records keeps, and the audit trail it leaves."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import World
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.training import metrics, services
from dueregard.training.models import (
    Attendee,
    Audience,
    EvaluationAnswer,
    EvaluationForm,
    HeadcountSnapshot,
    Requirement,
    Session,
    TrainingLevel,
)
from dueregard.training.tests import factories

D = datetime.date


def events(action: str, object_type: str) -> int:
    return AuditEvent.objects.filter(action=action, object_type=object_type).count()


def test_standard_lists_are_given_once(world: World) -> None:
    assert services.ensure_standard_lists(world.authority, acting_user=None) is True
    assert services.ensure_standard_lists(world.authority, acting_user=None) is False
    labels = list(
        TrainingLevel.objects.filter(authority=world.authority).values_list("label", flat=True)
    )
    assert labels == [
        "Basic Prevent awareness",
        "WRAP / level 3",
        "Home Office Prevent e-learning",
        "Bespoke briefing",
    ]
    wrap = TrainingLevel.objects.get(authority=world.authority, code="wrap")
    assert wrap.default_target == Decimal(85)
    # Another authority's lists are its own.
    services.ensure_standard_lists(world.other_authority, acting_user=None)
    assert TrainingLevel.objects.filter(authority=world.other_authority).count() == 4


def test_a_snapshot_is_recorded_with_its_audit_event_and_the_level_applies(world: World) -> None:
    user = world["education_officer"]
    trust = services.create_organisation(world.authority, name="Trust A", acting_user=user)
    wrap = factories.level(world.authority)
    snapshot, created = services.record_snapshot(
        trust, wrap, as_of=D(2024, 6, 30), eligible=480, compliant=422, acting_user=user
    )
    assert created
    assert Requirement.objects.filter(organisation=trust, level=wrap, target=None).exists()
    event = AuditEvent.objects.get(object_type="training.headcountsnapshot", action="create")
    assert event.actor == user
    assert event.object_id == str(snapshot.pk)
    assert event.authority_id == world.authority.pk


def test_recording_the_same_date_again_updates_and_keeps_the_old_figures_in_the_audit(
    world: World,
) -> None:
    first = factories.snapshot(world.authority, eligible=100, compliant=80)
    again, created = services.record_snapshot(
        first.organisation,
        first.level,
        as_of=first.as_of,
        eligible=110,
        compliant=99,
        acting_user=world["coordinator"],
    )
    assert not created and again.pk == first.pk
    assert (again.eligible, again.compliant) == (110, 99)
    change = AuditEvent.objects.get(object_type="training.headcountsnapshot", action="change")
    assert change.detail["before"] == {"eligible": 100, "compliant": 80}
    assert HeadcountSnapshot.objects.count() == 1


@pytest.mark.parametrize(
    "eligible, compliant, field, message",
    [
        (100, 101, "compliant", "Compliant staff (101) cannot be more than eligible staff (100)"),
        (-1, 0, "eligible", "Eligible staff must be 0 or more"),
    ],
)
def test_impossible_headcounts_are_refused(
    world: World, eligible: int, compliant: int, field: str, message: str
) -> None:
    trust = factories.organisation(world.authority)
    with pytest.raises(ValidationError) as refused:
        services.record_snapshot(
            trust,
            factories.level(world.authority),
            as_of=D(2024, 1, 1),
            eligible=eligible,
            compliant=compliant,
            acting_user=None,
        )
    assert refused.value.message_dict == {field: [message]}
    assert not HeadcountSnapshot.objects.exists()


def test_a_headcount_in_the_future_is_refused(world: World) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        factories.snapshot(world.authority, as_of=tomorrow)
    assert "as_of" in refused.value.message_dict


def test_the_database_refuses_compliant_above_eligible_too(world: World) -> None:
    snapshot = factories.snapshot(world.authority)
    with pytest.raises(IntegrityError), transaction.atomic():
        HeadcountSnapshot.objects.filter(pk=snapshot.pk).update(compliant=snapshot.eligible + 1)


def test_a_withdrawn_snapshot_is_kept_with_its_reason_and_left_out_of_the_figures(
    world: World,
) -> None:
    snapshot = factories.snapshot(world.authority)
    with pytest.raises(ValidationError):
        services.withdraw_snapshot(snapshot, reason="  ", acting_user=None)
    services.withdraw_snapshot(snapshot, reason="Entered for the wrong trust", acting_user=None)
    snapshot.refresh_from_db()
    assert snapshot.archived and snapshot.archived_reason == "Entered for the wrong trust"
    assert metrics.compliance(world.authority) == []
    # The date is free again for the right figures.
    factories.snapshot(world.authority, eligible=50, compliant=40)
    assert [r.eligible for r in metrics.compliance(world.authority)] == [50]


def test_targets_are_percentages_and_setting_again_changes_them(world: World) -> None:
    trust = factories.organisation(world.authority)
    wrap = factories.level(world.authority)
    with pytest.raises(ValidationError) as refused:
        services.set_requirement(trust, wrap, target=Decimal(101), acting_user=None)
    assert refused.value.message_dict == {"target": ["Target must be between 0 and 100"]}
    services.set_requirement(trust, wrap, target=Decimal(90), acting_user=None)
    services.set_requirement(trust, wrap, target=Decimal(85), acting_user=None)
    assert Requirement.objects.get(organisation=trust, level=wrap).target == Decimal(85)


def test_organisation_names_are_unique_whatever_their_case(world: World) -> None:
    factories.organisation(world.authority, "Kingsmere Homes")
    with pytest.raises(ValidationError) as refused:
        services.create_organisation(world.authority, name="kingsmere  homes", acting_user=None)
    assert "name" in refused.value.message_dict
    # Another authority may have its own.
    services.create_organisation(world.other_authority, name="Kingsmere Homes", acting_user=None)


def test_a_session_gets_a_reference_and_counts_its_organisations_attendance(
    world: World,
) -> None:
    trust, homes = (
        factories.organisation(world.authority, "Trust A"),
        factories.organisation(world.authority, "Homes"),
    )
    session = services.record_session(
        world.authority,
        held_on=D(2024, 3, 5),
        course=factories.course(world.authority),
        audiences=[(trust, 12), (homes, 4)],
        online=True,
        acting_user=world["education_officer"],
    )
    assert session.reference == "2024-03-05-1"
    assert session.attendees == 16
    assert session.audience == Audience.PROFESSIONALS  # the course's
    services.set_session_audience(session, homes, attendees=6, acting_user=None)
    session.refresh_from_db()
    assert session.attendees == 18
    second = factories.session(world.authority, held_on=D(2024, 3, 5))
    assert second.reference == "2024-03-05-2"
    assert events("create", "training.session") == 2


def test_a_session_needs_a_venue_or_to_be_online_and_a_past_date(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_session(
            world.authority,
            held_on=timezone.localdate() + datetime.timedelta(days=3),
            course=factories.course(world.authority),
            audiences=[(factories.organisation(world.authority), 0)],
            acting_user=None,
        )
    assert set(refused.value.message_dict) == {"held_on", "venue", "attendees"}
    assert not Session.objects.exists()


def test_a_session_cannot_use_another_authoritys_records(world: World) -> None:
    theirs = factories.organisation(world.other_authority, "Their trust")
    with pytest.raises(ValidationError) as refused:
        services.record_session(
            world.authority,
            held_on=D(2024, 1, 10),
            course=factories.course(world.other_authority),
            audiences=[(theirs, 5)],
            venue="Hall",
            acting_user=None,
        )
    assert set(refused.value.message_dict) == {"course", "organisation"}


def test_named_attendees_cannot_outnumber_attendees(world: World) -> None:
    session = factories.session(world.authority, attendees=2)
    services.add_attendee(session, name="Casey One", acting_user=world["education_officer"])
    services.add_attendee(session, name="Drew Two", acting_user=None)
    with pytest.raises(ValidationError, match="All 2 attendees are already named"):
        services.add_attendee(session, name="Ellis Three", acting_user=None)
    assert Attendee.objects.filter(session=session).count() == 2
    event = AuditEvent.objects.filter(object_type="training.attendee").first()
    assert event is not None and event.detail == {"session": session.pk}
    assert "Casey" not in str(event.detail)  # the audit names the record, not the person


def test_a_named_attendee_comes_from_an_organisation_the_session_was_for(world: World) -> None:
    session = factories.session(world.authority)
    elsewhere = factories.organisation(world.authority, "Homes")
    with pytest.raises(ValidationError) as refused:
        services.add_attendee(session, name="Casey", organisation=elsewhere, acting_user=None)
    assert "organisation" in refused.value.message_dict


def rating_form(world: World, **answers: Any) -> services.Feedback:
    q = {code: factories.question(world.authority, code).pk for code in answers}
    return services.Feedback(answers={q[c]: a for c, a in answers.items()})


def test_feedback_forms_are_recorded_all_or_nothing(world: World) -> None:
    session = factories.session(world.authority, attendees=3)
    good = rating_form(world, understanding=services.Answer(before=2, after=4))
    # "confidence" is asked only after the session
    bad = rating_form(world, confidence=services.Answer(before=1, after=3))
    with pytest.raises(ValidationError, match=r"Form 2: .* does not ask for a rating before"):
        services.record_evaluations(session, [good, bad], acting_user=None)
    assert not EvaluationForm.objects.exists() and not EvaluationAnswer.objects.exists()
    services.record_evaluations(session, [good, good], acting_user=world["education_officer"])
    assert EvaluationForm.objects.filter(session=session).count() == 2
    event = AuditEvent.objects.get(object_type="training.evaluationform")
    assert event.detail == {"session": session.pk, "forms": 2}


def test_no_more_feedback_forms_than_attendees(world: World) -> None:
    session = factories.session(world.authority, attendees=2)
    form = rating_form(world, understanding=services.Answer(after=3))
    services.record_evaluations(session, [form, form], acting_user=None)
    with pytest.raises(ValidationError, match="sent 2 attendees"):
        services.record_evaluations(session, [form], acting_user=None)


def test_answers_must_fit_their_question(world: World) -> None:
    session = factories.session(world.authority)
    yes_no = rating_form(world, **{"support-sharing": services.Answer(after=3)})
    with pytest.raises(ValidationError, match="answered yes or no"):
        services.record_evaluations(session, [yes_no], acting_user=None)
    rating = rating_form(world, understanding=services.Answer(yes=True))
    with pytest.raises(ValidationError, match="answered with a rating"):
        services.record_evaluations(session, [rating], acting_user=None)
    with pytest.raises(ValidationError, match="no answers"):
        services.record_evaluations(session, [services.Feedback()], acting_user=None)


def test_a_form_from_a_session_for_several_organisations_says_whose_it_is(world: World) -> None:
    session = factories.session(world.authority, attendees=5)
    homes = factories.organisation(world.authority, "Homes")
    services.set_session_audience(session, homes, attendees=1, acting_user=None)
    form = rating_form(world, understanding=services.Answer(after=4))
    with pytest.raises(ValidationError) as refused:
        services.record_evaluations(session, [form], acting_user=None)
    assert "organisation" in refused.value.message_dict
    form.organisation = homes
    services.record_evaluations(session, [form], acting_user=None)
    assert EvaluationForm.objects.get().organisation == homes
    # Homes sent one attendee, who has returned a form.
    with pytest.raises(ValidationError, match="Homes sent 1 attendee: "):
        services.record_evaluations(session, [form], acting_user=None)


def test_pupils_sessions_take_no_feedback_forms(world: World) -> None:
    session = factories.session(world.authority, course_code="pupil-resilience", attendees=120)
    assert session.audience == Audience.PUPILS
    form = rating_form(world, understanding=services.Answer(after=4))
    with pytest.raises(ValidationError, match="counted in reach"):
        services.record_evaluations(session, [form], acting_user=None)


def test_an_archived_session_leaves_the_figures_but_is_kept(world: World) -> None:
    session = factories.session(world.authority, attendees=10)
    services.archive_session(session, reason="Recorded twice", acting_user=None)
    assert Session.objects.filter(pk=session.pk, archived=True).exists()
    reach = metrics.reach(world.authority, D(2024, 1, 1), D(2024, 12, 31))
    assert reach[0].sessions == 0 and reach[0].reached == 0
    with pytest.raises(ValidationError):
        services.archive_session(session, reason="Again", acting_user=None)
    assert events(AuditAction.CHANGE, "training.session") == 1
