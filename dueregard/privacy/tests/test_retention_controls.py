"""Retention controls that cannot be bypassed (issue 16 item 2): only users the permission
rules allow may run a real retention or link records to child protection; a link is made
and ended with its reason in the audit log, and ending it keeps its record."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dueregard.audit.models import AuditEvent
from dueregard.casework.models import Person
from dueregard.core import periods
from dueregard.privacy import services
from dueregard.privacy.models import ChildProtectionLink, DestructionRecord, RecordClass
from dueregard.privacy.tests.test_retention import closed_nfa

pytestmark = pytest.mark.django_db
LATER = datetime.date(2034, 5, 18)  # past the child-protection rule for a 2008 birth


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("who", "authority", "message"),
    [
        ("analyst", "E09999801", "analyst may not change retention in Testborough"),
        ("other_coordinator", "E09999801", "other_coordinator may not change retention in Test"),
        ("auditor", None, "auditor may not change retention in any authority"),
    ],
)
def test_a_real_run_by_a_user_without_retention_rights_is_refused(
    world: Any, who: str, authority: str | None, message: str
) -> None:
    referral = closed_nfa(world, received_days_ago=4 * 365)
    where = ["--authority", authority] if authority else []

    with pytest.raises(CommandError, match=message):
        run("apply_retention", *where, "--user", who)

    person = Person.objects.get(pk=referral.person_id)
    assert person.given_name and not DestructionRecord.objects.exists()


def test_the_dry_run_needs_no_rights(world: Any) -> None:
    referral = closed_nfa(world, received_days_ago=4 * 365)

    out = run("apply_retention", "--dry-run", "--authority", "E09999801", "--user", "analyst")

    assert f"person {referral.person_id}:" in out
    assert not DestructionRecord.objects.exists()


def test_linking_to_child_protection_by_command_keeps_records_longer(world: Any) -> None:
    person = closed_nfa(world, received_days_ago=4 * 365).person
    assert [d.person for d in services.retention_schedule(world.authority, on=periods.today())]

    out = run(
        "child_protection",
        "link",
        str(person.pk),
        "--reason",
        "Sibling on a child protection plan (test).",
        "--user",
        "coordinator",
    )

    assert f"Person {person.pk}: linked to child protection" in out
    assert services.retention_schedule(world.authority, on=periods.today()) == []
    [due] = services.retention_schedule(world.authority, on=LATER)
    assert due.record_class == RecordClass.CHILD_PROTECTION
    event = AuditEvent.objects.get(detail__fields="child_protection")
    assert event.person_id == person.pk and event.actor == world["coordinator"]
    assert event.detail["reason"] == "Sibling on a child protection plan (test)."
    assert event.detail["linked"] is True


def test_linking_twice_changes_nothing(world: Any) -> None:
    person = closed_nfa(world, received_days_ago=4 * 365).person
    for _ in range(2):
        services.link_child_protection(
            person,
            noted_on=periods.today(),
            reason="Plan (test).",
            acting_user=world["coordinator"],
        )

    assert ChildProtectionLink.objects.count() == 1
    assert AuditEvent.objects.filter(detail__fields="child_protection").count() == 1


def test_ending_the_link_restores_the_usual_rule_and_keeps_its_record(world: Any) -> None:
    person = closed_nfa(world, received_days_ago=4 * 365).person
    lead = world["coordinator"]
    services.link_child_protection(
        person, noted_on=periods.today(), reason="Plan (test).", acting_user=lead
    )

    out = run(
        "child_protection",
        "unlink",
        str(person.pk),
        "--reason",
        "Plan ended (test).",
        "--user",
        "coordinator",
    )

    assert "no longer linked" in out
    [due] = services.retention_schedule(world.authority, on=periods.today())
    assert due.person == person and due.record_class == RecordClass.NOT_CHANNEL
    link = ChildProtectionLink.objects.get(person=person)
    assert (link.unlinked_on, link.unlinked_by, link.unlink_reason) == (
        periods.today(),
        lead,
        "Plan ended (test).",
    )
    assert link.reason == "Plan (test)."
    ended = AuditEvent.objects.get(detail__fields="child_protection", detail__linked=False)
    assert ended.detail["reason"] == "Plan ended (test)."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["link", "--user", "analyst"], "analyst may not change retention"),
        (["link", "--user", "coordinator", "--reason", " "], "Enter why the records are linked"),
        (["unlink", "--user", "coordinator"], "not linked to child protection"),
        (["link", "--user", "coordinator", "--noted-on", "2999-01-01"], "today or in the past"),
        (["link", "--user", "coordinator", "--noted-on", "soon"], "is not a date"),
        (["link", "--user", "nobody"], "No active user is called nobody"),
    ],
)
def test_the_command_refuses_clearly_and_writes_nothing(
    world: Any, args: list[str], message: str
) -> None:
    person = closed_nfa(world, received_days_ago=4 * 365).person
    change, *rest = args
    if "--reason" not in rest:
        rest += ["--reason", "Plan (test)."]
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError, match=message):
        run("child_protection", change, str(person.pk), *rest)

    assert not ChildProtectionLink.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_legal_hold_placed_twice_is_placed_once_and_each_change_keeps_its_reason(
    world: Any, as_user: Any
) -> None:
    person = closed_nfa(world, received_days_ago=4 * 365).person
    web = as_user(world["coordinator"])
    url = f"/privacy/retention/people/{person.pk}/legal-hold/"
    form = web.get(url).content.decode()
    assert 'name="change" value="place"' in form

    for _ in range(2):
        assert web.post(url, {"change": "place", "reason": "Civil claim (test)"}).status_code == 302

    person.refresh_from_db()
    assert person.legal_hold and person.legal_hold_reason == "Civil claim (test)"
    assert 'name="change" value="lift"' in web.get(url).content.decode()
    assert web.post(url, {"change": "lift", "reason": "Claim settled (test)"}).status_code == 302
    assert web.post(url, {"change": "lift", "reason": "Claim settled (test)"}).status_code == 302
    person.refresh_from_db()
    assert not person.legal_hold
    changes = AuditEvent.objects.filter(person_id=person.pk, detail__fields="legal_hold")
    assert [(e.detail["on"], e.detail["reason"]) for e in changes.order_by("pk")] == [
        ("True", "Civil claim (test)"),
        ("False", "Claim settled (test)"),
    ]


def test_a_legal_hold_form_without_its_change_is_refused(world: Any, as_user: Any) -> None:
    person = closed_nfa(world, received_days_ago=4 * 365).person
    response = as_user(world["coordinator"]).post(
        f"/privacy/retention/people/{person.pk}/legal-hold/", {"reason": "Claim (test)"}
    )
    assert response.status_code == 400
    assert "Choose to place or lift the legal hold" in response.content.decode()
    person.refresh_from_db()
    assert not person.legal_hold


def test_a_destruction_record_lists_only_the_fields_that_held_data(world: Any) -> None:
    referral = closed_nfa(world, received_days_ago=4 * 365)
    [due] = services.retention_schedule(world.authority, on=periods.today())

    destruction = services.destroy_personal_details(due, acting_user=world["coordinator"])

    removed = set(destruction.removed)
    # What this person had: a name, a date of birth, the referrer, the concern, the
    # triage reason and the closure reason.
    assert {
        "casework.person.given_name",
        "casework.person.family_name",
        "casework.person.date_of_birth",
        "casework.referral.referrer_name",
        "casework.referral.concern_description",
        "casework.referral.closure_reason",
        "casework.stageevent.reason",
    } <= removed
    # What they never had: no address, health details, support plan, panel or sharing.
    assert not removed & {
        "casework.person.address",
        "casework.person.health_details",
        "casework.supportplan.other_support",
        "casework.panelaction.description",
        "casework.agendaitem.discussion",
        "privacy.sharingrecord.purpose",
        "privacy.subjectaccessrequest.phrases",
    }
    assert Person.objects.get(pk=referral.person_id).given_name == ""
