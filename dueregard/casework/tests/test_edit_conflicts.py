"""No lost updates on casework's edit forms (core.versions, ADR 0015): for each form that
changes a personal record or a panel's record, two users open it, the first saves, the
second's save is refused naming the first and the time with both versions on the page,
and the second's deliberate second save is kept."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user, sign_in
from dueregard.accounts.models import Role
from dueregard.casework import services
from dueregard.casework.models import (
    AgendaItem,
    PanelAction,
    PanelMeeting,
    Person,
    Referral,
    Sector,
    Stage,
    SupportPlan,
)
from dueregard.casework.tests.factories import (
    adopt,
    days_ago,
    into_support,
    leave,
    make_meeting,
    make_panel,
    make_referral,
    member_of,
    to_panel,
)
from dueregard.core.tests.edits import assert_second_save_refused_then_kept, date_fields

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    url: str
    first: dict[str, Any]
    second: dict[str, Any]
    stored: Callable[[], Any]
    first_value: Any
    second_value: Any
    typed: str
    record: Callable[[], Any]


def person_case(world: Any, lead: Any) -> Case:
    referral = make_referral(world.authority, lead)
    person = referral.person

    def data(family: str) -> dict[str, Any]:
        return {"given_name": "Robin", "family_name": family, "address": "1 Test Street"}

    return Case(
        reverse("casework:person_edit", args=[person.pk]),
        data("Firstsaved"),
        data("Secondtyped"),
        lambda: Person.objects.get(pk=person.pk).family_name,
        "Firstsaved",
        "Secondtyped",
        "Secondtyped",
        lambda: Person.objects.get(pk=person.pk),
    )


def referral_case(world: Any, lead: Any) -> Case:
    referral = make_referral(world.authority, lead)
    sector = Sector.objects.get(code="education").pk

    def data(text: str) -> dict[str, Any]:
        return {"sector": sector, "concern_description": text, "concern": "", "panel_summary": ""}

    return Case(
        reverse("casework:referral_edit", args=[referral.pk]),
        data("Concern as the first officer wrote it"),
        data("Concern as the second officer typed it"),
        lambda: Referral.objects.get(pk=referral.pk).concern_description,
        "Concern as the first officer wrote it",
        "Concern as the second officer typed it",
        "Concern as the second officer typed it",
        lambda: Referral.objects.get(pk=referral.pk),
    )


def case_officer_case(world: Any, lead: Any) -> Case:
    referral = make_referral(world.authority, lead)
    third = make_user("third_lead", Role.PREVENT_LEAD, authority=world.authority)
    fourth = make_user("fourth_lead", Role.PREVENT_LEAD, authority=world.authority)
    return Case(
        reverse("casework:case_officer", args=[referral.pk]),
        {"officer": third.pk},
        {"officer": fourth.pk},
        lambda: Referral.objects.get(pk=referral.pk).coordinator_id,
        third.pk,
        fourth.pk,
        "Fourth Lead",
        lambda: Referral.objects.get(pk=referral.pk),
    )


def support_plan_case(world: Any, lead: Any) -> Case:
    referral = into_support(make_referral(world.authority, lead), lead)
    plan = SupportPlan.objects.get(referral=referral)

    def data(provider: str) -> dict[str, Any]:
        return {
            **date_fields("agreed_on", plan.agreed_on),
            **date_fields("planned_start_on", plan.planned_start_on),
            **date_fields("planned_end_on", plan.planned_end_on),
            "intervention_provider": provider,
            "interventions": [i.pk for i in plan.interventions.all()],
            "other_support": "",
            "sessions_planned": 6,
            "contact_interval_days": 28,
        }

    return Case(
        reverse("casework:support_plan", args=[referral.pk]),
        data("First Mentoring (fictional)"),
        data("Second Mentoring (fictional)"),
        lambda: SupportPlan.objects.get(pk=plan.pk).intervention_provider,
        "First Mentoring (fictional)",
        "Second Mentoring (fictional)",
        "Second Mentoring (fictional)",
        lambda: SupportPlan.objects.get(pk=plan.pk),
    )


def _panel_case(world: Any, lead: Any) -> tuple[Referral, PanelMeeting, AgendaItem]:
    referral = to_panel(make_referral(world.authority, lead), lead)
    panel = make_panel(world.authority, lead, members=[(world["panel_member"], "Health")])
    meeting = make_meeting(panel, lead, on=days_ago(100))
    item = services.add_to_agenda(meeting, referral, acting_user=lead)
    return referral, meeting, item


def assessment_case(world: Any, lead: Any) -> Case:
    referral, _, _ = _panel_case(world, lead)

    def data(conclusion: str) -> dict[str, Any]:
        return {
            **date_fields("assessed_on", days_ago(0)),
            "engagement": "Some engagement with online material.",
            "intent": "No intent expressed.",
            "capability": "No capability seen.",
            "conclusion": conclusion,
        }

    def latest() -> str:
        found = referral.assessments.order_by("-recorded_at", "-pk").first()
        return found.conclusion if found else ""

    return Case(
        reverse("casework:assessment", args=[referral.pk]),
        data("The first assessor's conclusion"),
        data("The second assessor's conclusion"),
        latest,
        "The first assessor's conclusion",
        "The second assessor's conclusion",
        "The second assessor's conclusion",
        lambda: Referral.objects.get(pk=referral.pk),
    )


def attendance_case(world: Any, lead: Any) -> Case:
    _, meeting, _ = _panel_case(world, lead)
    member = member_of(meeting.panel, world["panel_member"])

    def others() -> str:
        row = meeting.attendance.filter(member__isnull=True).first()
        return row.name if row else ""

    return Case(
        reverse("casework:attendance", args=[meeting.pk]),
        {"present": [member.pk], "others": "First Visitor, Youth Service"},
        {"present": [], "others": "Second Visitor, Housing"},
        others,
        "First Visitor",
        "Second Visitor",
        "Second Visitor, Housing",
        lambda: PanelMeeting.objects.get(pk=meeting.pk),
    )


def panel_action_case(world: Any, lead: Any) -> Case:
    referral, meeting, _ = _panel_case(world, lead)
    action = services.add_panel_action(
        meeting,
        description="Share the school's attendance record.",
        owner=member_of(meeting.panel, world["panel_member"]),
        due_on=days_ago(-30),
        referral=referral,
        acting_user=lead,
    )

    def data(progress: str) -> dict[str, Any]:
        return {"status": "open", "progress": progress}

    return Case(
        reverse("casework:action", args=[action.pk]),
        data("First update: record requested."),
        data("Second update: record received."),
        lambda: PanelAction.objects.get(pk=action.pk).progress,
        "First update: record requested.",
        "Second update: record received.",
        "Second update: record received.",
        lambda: PanelAction.objects.get(pk=action.pk),
    )


CASES = {
    "person": person_case,
    "referral": referral_case,
    "case officer": case_officer_case,
    "support plan": support_plan_case,
    "vulnerability assessment": assessment_case,
    "meeting attendance": attendance_case,
    "panel action": panel_action_case,
}


@pytest.mark.parametrize("form", CASES)
def test_a_stale_save_is_refused_with_who_and_when_then_a_deliberate_one_is_kept(
    world, form
) -> None:
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    case = CASES[form](world, lead)
    assert_second_save_refused_then_kept(
        lead,
        second,
        case.url,
        first=case.first,
        second=case.second,
        stored=case.stored,
        first_value=case.first_value,
        second_value=case.second_value,
        typed=case.typed,
        record=case.record,
    )


def _open_both(url: str, one_user: Any, two_user: Any) -> tuple[Client, Client, str, str]:
    one, two = sign_in(Client(), one_user), sign_in(Client(), two_user)
    return one, two, one.get(url).context["version"], two.get(url).context["version"]


def test_the_panel_decision_refused_as_stale_names_who_decided_and_keeps_what_was_typed(
    world,
) -> None:
    """The decision on an agenda item is recorded once: the second chair is told who
    decided and when, sees their decision beside their own, and a second save is refused
    by the rule, never overwriting it."""
    lead, chair = world["coordinator"], world["chair"]
    _, _, item = _panel_case(world, lead)
    url = reverse("casework:item_decision", args=[item.pk])
    one, two, v1, v2 = _open_both(url, lead, chair)

    def data(notes: str, decision: str) -> dict[str, Any]:
        return {"discussion": notes, "decision": decision, "decision_reason": "As discussed."}

    assert one.post(url, {**data("First notes.", "adopt"), "version": v1}).status_code == 302
    refused = two.post(url, {**data("Second notes typed.", "defer"), "version": v2})
    assert refused.status_code == 400
    page = refused.content.decode()
    conflict = refused.context["edit_conflict"]
    assert f"{lead} changed this record at {conflict.changed_at_text}" in page
    assert "Second notes typed." in page
    assert any(row.theirs == "First notes." for row in refused.context["their_rows"])
    again = two.post(url, {**data("Second notes typed.", "defer"), "version": conflict.version})
    assert again.status_code == 400
    assert "already recorded" in again.content.decode()
    item.refresh_from_db()
    assert (item.discussion, item.decision, item.decided_by) == ("First notes.", "adopt", lead)


def test_a_stale_review_is_refused_and_the_recorded_one_kept(world) -> None:
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    referral = leave(adopt(make_referral(world.authority, lead), lead), lead, on=days_ago(200))
    assert referral.stage == Stage.LEFT_CHANNEL
    url = reverse("casework:review", args=[referral.pk, "6"])
    one, two, v1, v2 = _open_both(url, lead, second)

    def data(notes: str) -> dict[str, Any]:
        return {**date_fields("held_on", days_ago(5)), "further_concerns": "no", "notes": notes}

    assert one.post(url, {**data("First review notes."), "version": v1}).status_code == 302
    refused = two.post(url, {**data("Second review notes typed."), "version": v2})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert f"{lead} changed this record at" in page
    assert "Second review notes typed." in page
    assert referral.reviews.get(kind="6").notes == "First review notes."


def test_a_form_with_errors_keeps_the_version_it_was_opened_with(world) -> None:
    """A validation round trip must not adopt a change made meanwhile unseen."""
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    case = referral_case(world, lead)
    one, two, v1, v2 = _open_both(case.url, lead, second)
    assert one.post(case.url, {**case.first, "version": v1}).status_code == 302
    invalid = two.post(case.url, {**case.second, "concern_description": "", "version": v2})
    assert invalid.status_code == 400
    assert invalid.context["version"] == v2
    assert invalid.context["edit_conflict"] is None
    stale = two.post(case.url, {**case.second, "version": invalid.context["version"]})
    assert stale.status_code == 400
    assert stale.context["edit_conflict"] is not None
    assert case.stored() == case.first_value


def test_a_save_of_an_unchanged_record_moves_its_version(world) -> None:
    lead = world["coordinator"]
    case = referral_case(world, lead)
    client = sign_in(Client(), lead)
    version = client.get(case.url).context["version"]
    assert client.post(case.url, {**case.first, "version": version}).status_code == 302
    assert client.get(case.url).context["version"] != version
    # The same values saved twice from one opened form: the second is refused.
    assert client.post(case.url, {**case.first, "version": version}).status_code == 400
    assert Referral.objects.get(pk=case.record().pk).modified_by == lead
    assert datetime.timedelta(0) <= (
        Referral.objects.get(pk=case.record().pk).modified_at - case.record().created_at
    )
