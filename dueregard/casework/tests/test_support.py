"""Support delivery and leaving Channel as the guidance sets them (issue 12, items 4 and 5):
the plan's contact interval, support lapsing, cases proposed for the panel ("Support
lapsing", "Support review"), leaving Channel as the panel's decision, reviews in order,
extended up to 24 months, held early only with a reason, and a review with renewed
concerns reopening the case. Every refusal names its field and writes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import services
from dueregard.casework.models import (
    AgendaReason,
    EventKind,
    ExitReason,
    PanelDecision,
    Referral,
    ReferralSource,
    Review,
    ReviewKind,
    SessionStatus,
    Stage,
    SupportPlan,
)
from dueregard.casework.queries import SECTIONS, caseload, proposed_for_agenda
from dueregard.casework.tests.factories import (
    adopt,
    days_ago,
    into_support,
    leave,
    make_meeting,
    make_panel,
    make_referral,
    to_panel,
)
from dueregard.core import periods
from dueregard.core.tests.known import known

pytestmark = pytest.mark.django_db


def field_error(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def set_interval(referral: Referral, user: Any, days: int) -> SupportPlan:
    plan = SupportPlan.objects.get(referral=referral)
    return services.agree_support_plan(
        referral,
        agreed_on=known(referral.adopted_on),
        planned_start_on=plan.planned_start_on,
        planned_end_on=plan.planned_end_on,
        sessions_planned=plan.sessions_planned,
        intervention_provider=plan.intervention_provider,
        interventions=list(plan.interventions.all()),
        contact_interval_days=days,
        acting_user=user,
    )


def contact(referral: Referral, user: Any, on: datetime.date, status: str = "delivered") -> None:
    services.record_session(referral.support_plan, occurred_on=on, status=status, acting_user=user)


def section_of(user: Any, referral: Referral) -> str:
    work = caseload(user, days_ago(0))
    return next(
        section.id
        for section, rows in work.sections()
        if any(row.referral.pk == referral.pk for row in rows)
    )


# --------------------------------------------------------------------------------------
# The support plan's contact interval and support lapsing


def test_a_plan_has_a_contact_interval_of_28_days_unless_it_says_otherwise(world) -> None:
    lead = world["coordinator"]
    referral = into_support(make_referral(world.authority, lead), lead)
    assert referral.support_plan.contact_interval_days == 28
    for bad in (0, 366):
        with pytest.raises(ValidationError) as error:
            set_interval(referral, lead, bad)
        assert "contact_interval_days" in field_error(error)
    assert SupportPlan.objects.get(referral=referral).contact_interval_days == 28
    assert set_interval(referral, lead, 14).contact_interval_days == 14
    plan_events = referral.events.filter(kind=EventKind.SUPPORT_PLAN).order_by("pk")
    assert "a contact every 14 days" in plan_events.last().outcome_label


def test_support_lapses_by_the_plans_own_interval_plus_14_days(world) -> None:
    lead = world["coordinator"]
    weekly = into_support(make_referral(world.authority, lead), lead)
    set_interval(weekly, lead, 7)
    monthly = into_support(make_referral(world.authority, lead), lead)
    for referral in (weekly, monthly):
        contact(referral, lead, days_ago(25))
    # 25 days without a contact: beyond 7 + 14, within 28 + 14.
    assert section_of(lead, weekly) == "lapsing"
    assert section_of(lead, monthly) == "support"
    contact(weekly, lead, days_ago(2), SessionStatus.NOT_ATTENDED)
    assert section_of(lead, weekly) == "lapsing"  # only a delivered contact counts
    contact(weekly, lead, days_ago(1))
    assert section_of(lead, weekly) == "support"


def test_the_support_plan_page_asks_for_the_interval_and_names_a_bad_one(as_user, world) -> None:
    lead = world["coordinator"]
    referral = into_support(make_referral(world.authority, lead), lead)
    client = as_user(lead)
    url = reverse("casework:support_plan", args=[referral.pk])
    page = client.get(url)
    assert "Planned contact interval, in days" in page.content.decode()
    plan = referral.support_plan
    data = {
        "agreed_on_day": plan.agreed_on.day,
        "agreed_on_month": plan.agreed_on.month,
        "agreed_on_year": plan.agreed_on.year,
        "planned_start_on_day": plan.planned_start_on.day,
        "planned_start_on_month": plan.planned_start_on.month,
        "planned_start_on_year": plan.planned_start_on.year,
        "planned_end_on_day": plan.planned_end_on.day,
        "planned_end_on_month": plan.planned_end_on.month,
        "planned_end_on_year": plan.planned_end_on.year,
        "intervention_provider": "Test Mentoring (fictional)",
        "interventions": [i.pk for i in plan.interventions.all()],
        "sessions_planned": 6,
        "contact_interval_days": 0,
        "version": page.context["version"],
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert 'href="#id_contact_interval_days"' in refused.content.decode()
    assert SupportPlan.objects.get(pk=plan.pk).contact_interval_days == 28
    data["contact_interval_days"] = 10
    assert client.post(url, data).status_code == 302
    assert SupportPlan.objects.get(pk=plan.pk).contact_interval_days == 10


# --------------------------------------------------------------------------------------
# Cases proposed for the panel's next meeting


def test_lapsing_and_overdue_support_reviews_are_proposed_for_a_planned_meeting(world) -> None:
    lead = world["coordinator"]
    panel = make_panel(world.authority, lead)
    meeting = make_meeting(panel, lead, on=days_ago(-7))
    lapsing = into_support(make_referral(world.authority, lead), lead)
    contact(lapsing, lead, days_ago(60))
    due_review = into_support(make_referral(world.authority, lead), lead)  # adopted ~9 months ago
    contact(due_review, lead, days_ago(3))
    recent = into_support(make_referral(world.authority, lead), lead)
    contact(recent, lead, days_ago(3))
    services.record_panel_decision(
        recent,
        decision=PanelDecision.CONTINUE,
        occurred_on=days_ago(20),
        reason="Progress noted.",
        acting_user=lead,
    )
    listed = into_support(make_referral(world.authority, lead), lead)
    services.add_to_agenda(make_meeting(panel, lead, on=days_ago(-30)), listed, acting_user=lead)
    waiting = to_panel(make_referral(world.authority, lead), lead)

    proposed = {p.referral.pk: p.reason for p in proposed_for_agenda(meeting, days_ago(0))}
    assert proposed == {
        lapsing.pk: AgendaReason.SUPPORT_LAPSING,
        due_review.pk: AgendaReason.SUPPORT_REVIEW,
    }
    assert waiting.pk not in proposed and listed.pk not in proposed
    # The panel's cadence is its own: every 12 months, the review is not yet due.
    services.update_panel_settings(panel, support_review_months=12, acting_user=lead)
    meeting.panel.refresh_from_db()
    assert {p.referral.pk for p in proposed_for_agenda(meeting, days_ago(0))} == {lapsing.pk}
    # Once listed with its reason, a case is no longer proposed.
    item = services.add_to_agenda(
        meeting, lapsing, reason=AgendaReason.SUPPORT_LAPSING, acting_user=lead
    )
    assert item.reason == AgendaReason.SUPPORT_LAPSING
    assert proposed_for_agenda(meeting, days_ago(0)) == []
    assert "Support lapsing" in lapsing.events.last().outcome_label


def test_a_support_reason_is_refused_for_a_case_not_in_support(world) -> None:
    lead = world["coordinator"]
    meeting = make_meeting(make_panel(world.authority, lead), lead, on=days_ago(-7))
    waiting = to_panel(make_referral(world.authority, lead), lead)
    with pytest.raises(ValidationError) as error:
        services.add_to_agenda(
            meeting, waiting, reason=AgendaReason.SUPPORT_REVIEW, acting_user=lead
        )
    assert "reason" in field_error(error)
    assert not meeting.items.exists()


def test_the_meeting_page_lists_proposed_cases_with_a_one_click_add(as_user, world) -> None:
    lead = world["coordinator"]
    meeting = make_meeting(make_panel(world.authority, lead), lead, on=days_ago(-7))
    lapsing = into_support(make_referral(world.authority, lead), lead)
    client = as_user(lead)
    page = client.get(reverse("casework:meeting", args=[meeting.pk])).content.decode()
    assert 'data-testid="proposed"' in page and lapsing.reference in page
    assert 'name="agenda-reason" value="support_lapsing"' in page
    # Showing the proposed case by name is a view of it, audited.
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="casework.meeting")
    assert str(lapsing.person_id) in viewed.get().detail["people"]
    response = client.post(
        reverse("casework:agenda_add", args=[meeting.pk]),
        {"agenda-referral": lapsing.pk, "agenda-reason": "support_lapsing"},
    )
    assert response.status_code == 302
    assert meeting.items.get().reason == AgendaReason.SUPPORT_LAPSING


def test_the_panels_support_review_is_1_to_12_months_and_changed_on_its_page(
    as_user, world
) -> None:
    lead = world["coordinator"]
    panel = make_panel(world.authority, lead)
    assert panel.support_review_months == 3
    for bad in (0, 13):
        with pytest.raises(ValidationError) as error:
            services.update_panel_settings(panel, support_review_months=bad, acting_user=lead)
        assert "support_review_months" in field_error(error)
    client = as_user(lead)
    url = reverse("casework:panel_edit", args=[panel.pk])
    version = client.get(url).context["version"]
    assert client.post(url, {"support_review_months": 0, "version": version}).status_code == 400
    assert client.post(url, {"support_review_months": 6, "version": version}).status_code == 302
    panel.refresh_from_db()
    assert panel.support_review_months == 6
    client = as_user(world["other_coordinator"])
    assert client.get(url).status_code == 404
    client = as_user(world["panel_member"])
    assert client.get(url).status_code in (403, 404)


# --------------------------------------------------------------------------------------
# Leaving Channel is the panel's decision


def test_leaving_channel_is_a_panel_decision_with_the_exit_reason(world) -> None:
    lead = world["coordinator"]
    referral = into_support(make_referral(world.authority, lead), lead)
    meeting = make_meeting(make_panel(world.authority, lead), lead, on=days_ago(5))
    item = services.add_to_agenda(meeting, referral, acting_user=lead)
    with pytest.raises(ValidationError) as error:
        services.record_discussion(
            item,
            discussion="Plan completed.",
            decision=PanelDecision.LEAVE,
            decision_reason="Progress sustained.",
            acting_user=lead,
        )
    assert "exit_reason" in field_error(error)
    item.refresh_from_db()
    referral.refresh_from_db()
    assert item.decision is None and referral.stage == Stage.IN_SUPPORT
    services.record_discussion(
        item,
        discussion="Plan completed.",
        decision=PanelDecision.LEAVE,
        decision_reason="Progress sustained.",
        exit_reason=ExitReason.objects.get(code="concerns-addressed"),
        acting_user=lead,
    )
    referral.refresh_from_db()
    assert (referral.stage, referral.left_channel_on) == (Stage.LEFT_CHANNEL, days_ago(5))
    assert {r.kind: r.due_on for r in referral.reviews.all()} == {
        ReviewKind.SIX_MONTHS: periods.add_months(days_ago(5), 6),
        ReviewKind.TWELVE_MONTHS: periods.add_months(days_ago(5), 12),
    }


def test_only_a_channel_case_can_leave_channel(world) -> None:
    lead = world["coordinator"]
    waiting = to_panel(make_referral(world.authority, lead), lead)
    with pytest.raises(ValidationError) as error:
        services.record_panel_decision(
            waiting,
            decision=PanelDecision.LEAVE,
            occurred_on=days_ago(1),
            reason="x",
            exit_reason=ExitReason.objects.get(code="concerns-addressed"),
            acting_user=lead,
        )
    assert "decision" in field_error(error)
    waiting.refresh_from_db()
    assert waiting.stage == Stage.FOR_PANEL and not waiting.reviews.exists()


def test_the_coordinators_exit_form_is_gone(as_user, world) -> None:
    lead = world["coordinator"]
    referral = into_support(make_referral(world.authority, lead), lead)
    client = as_user(lead)
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert "Record that the person left Channel" not in page
    assert 'data-testid="leave-hint"' in page
    assert client.get(f"/casework/referrals/{referral.pk}/leave/").status_code == 404


# --------------------------------------------------------------------------------------
# Reviews: in order, extended up to 24 months, early only with a reason


def test_reviews_are_offered_and_recorded_in_the_order_they_are_due(as_user, world) -> None:
    lead = world["coordinator"]
    referral = leave(
        make_referral(world.authority, lead, received_on=days_ago(900)), lead, on=days_ago(400)
    )
    client = as_user(lead)
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert "Record the 6-month review" in page and "Record the 12-month review" not in page
    six = referral.reviews.get(kind=ReviewKind.SIX_MONTHS)
    services.record_review(
        six, held_on=six.due_on, further_concerns=False, notes="Well.", acting_user=lead
    )
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert "Record the 12-month review" in page and "Record the 6-month review" not in page


def test_the_panel_may_extend_review_up_to_24_months_after_exit(world) -> None:
    lead = world["coordinator"]
    left_on = days_ago(400)
    referral = leave(
        make_referral(world.authority, lead, received_on=days_ago(900)), lead, on=left_on
    )
    limit = periods.add_months(left_on, 24)
    refusals = [
        (limit + datetime.timedelta(days=1), "no later than 24 months"),
        (left_on, "after the person left Channel"),
        (periods.add_months(left_on, 12), "already due"),
    ]
    for due_on, words in refusals:
        with pytest.raises(ValidationError) as error:
            services.extend_review(
                referral, due_on=due_on, reason="Panel decision.", acting_user=lead
            )
        assert words in " ".join(field_error(error)["due_on"])
    with pytest.raises(ValidationError) as error:
        services.extend_review(referral, due_on=limit, reason=" ", acting_user=lead)
    assert "reason" in field_error(error)
    assert referral.reviews.count() == 2
    extended = services.extend_review(
        referral, due_on=limit, reason="Concerns about a new peer group.", acting_user=lead
    )
    assert (extended.kind, extended.due_on) == (ReviewKind.EXTENDED, limit)
    assert referral.events.filter(kind=EventKind.REVIEW_EXTENDED).count() == 1
    # After both reviews the case waits for the extended one, not for closure.
    for review in referral.reviews.filter(kind__in=["6", "12"]).order_by("due_on"):
        services.record_review(
            review,
            held_on=review.due_on,
            further_concerns=False,
            notes="Well.",
            acting_user=lead,
        )
    assert section_of(lead, referral) == "review_later"
    with pytest.raises(ValidationError):
        services.extend_review(
            to_panel(make_referral(world.authority, lead), lead),
            due_on=days_ago(-30),
            reason="x",
            acting_user=lead,
        )


def test_a_review_held_more_than_30_days_early_needs_confirmation_and_a_reason(world) -> None:
    lead = world["coordinator"]
    referral = leave(make_referral(world.authority, lead), lead, on=days_ago(10))
    six = referral.reviews.get(kind=ReviewKind.SIX_MONTHS)
    with pytest.raises(ValidationError) as error:
        services.record_review(
            six, held_on=days_ago(0), further_concerns=False, notes="Well.", acting_user=lead
        )
    assert "confirm_early" in field_error(error)
    with pytest.raises(ValidationError) as error:
        services.record_review(
            six,
            held_on=days_ago(0),
            further_concerns=False,
            notes="Well.",
            confirm_early=True,
            acting_user=lead,
        )
    assert "early_reason" in field_error(error)
    assert Review.objects.get(pk=six.pk).held_on is None
    services.record_review(
        six,
        held_on=days_ago(0),
        further_concerns=False,
        notes="Well.",
        confirm_early=True,
        early_reason="The family is moving abroad (fictional).",
        acting_user=lead,
    )
    six.refresh_from_db()
    assert six.early_reason == "The family is moving abroad (fictional)."
    assert "(held early)" in referral.events.filter(kind=EventKind.REVIEW).get().outcome_label


def test_a_review_within_30_days_of_its_date_needs_no_confirmation(world) -> None:
    lead = world["coordinator"]
    left_on = periods.add_months(days_ago(-29), -6)
    referral = leave(make_referral(world.authority, lead), lead, on=left_on)
    six = referral.reviews.get(kind=ReviewKind.SIX_MONTHS)
    assert (six.due_on - days_ago(0)).days == 29
    services.record_review(
        six, held_on=days_ago(0), further_concerns=False, notes="Well.", acting_user=lead
    )


# --------------------------------------------------------------------------------------
# A review with renewed concerns reopens the case


def test_renewed_concerns_need_where_the_case_goes_and_nothing_is_half_written(world) -> None:
    lead = world["coordinator"]
    referral = leave(
        make_referral(world.authority, lead, received_on=days_ago(900)), lead, on=days_ago(400)
    )
    six = referral.reviews.get(kind=ReviewKind.SIX_MONTHS)
    before = Referral.objects.count()
    with pytest.raises(ValidationError) as error:
        services.record_review(
            six, held_on=six.due_on, further_concerns=True, notes="Worrying.", acting_user=lead
        )
    assert "reopen_to" in field_error(error)
    assert Referral.objects.count() == before
    assert Review.objects.get(pk=six.pk).held_on is None


@pytest.mark.parametrize(
    ("reopen_to", "stage", "section"),
    [("triage", Stage.RECEIVED, "triage"), ("panel", Stage.FOR_PANEL, "ready")],
)
def test_renewed_concerns_reopen_the_case_linked_in_both_histories(
    world, reopen_to, stage, section
) -> None:
    lead = world["coordinator"]
    earlier = leave(
        make_referral(world.authority, lead, received_on=days_ago(900)), lead, on=days_ago(400)
    )
    earlier.panel_summary = "What the panel was told (fictional)."
    earlier.save()
    six = earlier.reviews.get(kind=ReviewKind.SIX_MONTHS)
    services.record_review(
        six,
        held_on=six.due_on,
        further_concerns=True,
        notes="Back in contact with the group.",
        reopen_to=reopen_to,
        acting_user=lead,
    )
    earlier.refresh_from_db()
    reopened = earlier.reopened_as.get()
    assert earlier.stage == Stage.CLOSED and "reopened as " + reopened.reference in (
        earlier.closure_reason
    )
    assert (reopened.stage, reopened.source, reopened.person_id) == (
        stage,
        ReferralSource.REOPENED,
        earlier.person_id,
    )
    assert reopened.received_on == six.due_on and reopened.reopened_from == earlier
    assert reopened.panel_summary == earlier.panel_summary
    assert reopened.coordinator == earlier.coordinator
    assert earlier.events.get(kind=EventKind.REOPENED).outcome_label.startswith(
        f"Reopened as {reopened.reference}"
    )
    assert reopened.events.get(kind=EventKind.REOPENED).outcome_label.startswith(
        f"Reopened from {earlier.reference}"
    )
    assert section_of(lead, reopened) == section


def test_the_review_page_reopens_and_goes_to_the_new_referral(as_user, world) -> None:
    lead = world["coordinator"]
    earlier = leave(
        make_referral(world.authority, lead, received_on=days_ago(900)), lead, on=days_ago(400)
    )
    client = as_user(lead)
    url = reverse("casework:review", args=[earlier.pk, "6"])
    version = client.get(url).context["version"]
    held = earlier.reviews.get(kind="6").due_on
    data = {
        "held_on_day": held.day,
        "held_on_month": held.month,
        "held_on_year": held.year,
        "further_concerns": "yes",
        "notes": "Renewed concerns.",
        "version": version,
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and 'href="#id_reopen_to' in refused.content.decode()
    response = client.post(url, {**data, "reopen_to": "panel"})
    reopened = earlier.reopened_as.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:referral", args=[reopened.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Reopened from referral" in page and earlier.reference in page


# --------------------------------------------------------------------------------------
# The caseload stays whole


def test_every_open_case_stays_in_one_section_through_support_and_reviews(world) -> None:
    lead = world["coordinator"]
    made = []
    for interval, last in ((7, 10), (7, 30), (28, 30), (28, 50), (90, 100)):
        referral = into_support(make_referral(world.authority, lead), lead)
        set_interval(referral, lead, interval)
        contact(referral, lead, days_ago(last))
        made.append(referral)
    extended = leave(
        make_referral(world.authority, lead, received_on=days_ago(900)), lead, on=days_ago(400)
    )
    services.extend_review(extended, due_on=days_ago(-10), reason="Panel.", acting_user=lead)
    made.append(extended)
    adopted = adopt(make_referral(world.authority, lead), lead)
    made.append(adopted)
    for reopen_to in ("triage", "panel"):
        earlier = leave(
            make_referral(world.authority, lead, received_on=days_ago(900)), lead, on=days_ago(400)
        )
        six = earlier.reviews.get(kind="6")
        services.record_review(
            six,
            held_on=six.due_on,
            further_concerns=True,
            notes="x",
            reopen_to=reopen_to,
            acting_user=lead,
        )
        made.append(earlier.reopened_as.get())
    work = caseload(lead, days_ago(0))
    seen = [row.referral.pk for _, rows in work.sections() for row in rows]
    open_ids = Referral.objects.exclude(stage=Stage.CLOSED).values_list("pk", flat=True)
    assert sorted(seen) == sorted(open_ids)  # every open case, each exactly once
    assert {s.id for s in SECTIONS} >= {section_of(lead, r) for r in made}
    assert [section_of(lead, r) for r in made[:5]] == [
        "support",
        "lapsing",
        "support",
        "lapsing",
        "support",
    ]
    assert section_of(lead, extended) == "review_due"


def test_the_extend_reviews_page_names_a_date_too_late(as_user, world) -> None:
    lead = world["coordinator"]
    left_on = days_ago(400)
    referral = leave(
        make_referral(world.authority, lead, received_on=days_ago(900)), lead, on=left_on
    )
    client = as_user(lead)
    page = client.get(reverse("casework:referral", args=[referral.pk])).content.decode()
    assert reverse("casework:review_extend", args=[referral.pk]) in page
    url = reverse("casework:review_extend", args=[referral.pk])
    version = client.get(url).context["version"]
    late = periods.add_months(left_on, 24) + datetime.timedelta(days=1)
    data = {
        "due_on_day": late.day,
        "due_on_month": late.month,
        "due_on_year": late.year,
        "reason": "Panel decision (fictional).",
        "version": version,
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert 'href="#id_due_on' in refused.content.decode()
    assert "no later than 24 months" in refused.content.decode()
    assert referral.reviews.count() == 2
    ok = late - datetime.timedelta(days=1)
    data.update(due_on_day=ok.day, due_on_month=ok.month, due_on_year=ok.year)
    assert client.post(url, data).status_code == 302
    assert referral.reviews.filter(kind=ReviewKind.EXTENDED, due_on=ok).exists()
