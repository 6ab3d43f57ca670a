"""Writing an accepted file: every row lands with the audit events `audit.record()` would
write, all in one transaction, so a failure part way leaves nothing behind (audit events
included)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from dueregard.audit.context import RequestContext, current
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import imports
from dueregard.casework.models import Person, Referral, Review, StageEvent
from dueregard.casework.tests import factories
from dueregard.casework.tests.test_import import adopted_row, csv_bytes, run
from dueregard.core.importing import ImportRejected

pytestmark = pytest.mark.django_db

D = datetime.date


def everything() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Referral.objects.count(),
        StageEvent.objects.count(),
        Referral.vulnerabilities.through.objects.count(),
        Review.objects.count(),
        AuditEvent.objects.count(),
    )


def mixed_rows() -> list[dict[str, str]]:
    """Identified people (one named twice), unidentified rows and one known person."""
    named = {"age": "", "date_of_birth": "2001-01-01"}
    return [
        adopted_row(reference="M1", given_name="Ada", family_name="One", **named),
        adopted_row(reference="M2"),  # unidentified
        adopted_row(reference="M3", given_name="Known", family_name="Person", **named),
        adopted_row(reference="M4", given_name="ADA", family_name="one", **named),
        adopted_row(
            reference="M5",
            given_name="Bo",
            family_name="Two",
            **dict.fromkeys(imports.ALL_COLUMNS[8:15], ""),  # received, not yet triaged
        ),
        adopted_row(reference="M6", vulnerabilities=""),  # unidentified
        adopted_row(reference="M7", given_name="Cy", family_name="Three", **named),
    ]


def audit_rows(events: Any) -> list[tuple[Any, ...]]:
    return [
        (
            e.action,
            e.object_type,
            e.object_id,
            e.person_id,
            e.authority_id,
            e.actor_id,
            e.actor_username,
            e.request_id,
            e.ip,
            e.detail,
        )
        for e in events.order_by("pk")
    ]


def test_each_identified_person_created_or_linked_has_the_event_record_would_write(
    world,
) -> None:
    lead = world["coordinator"]
    known = factories.make_person(
        world.authority, lead, given_name="Known", family_name="Person", date_of_birth=D(2001, 1, 1)
    )
    before = AuditEvent.objects.order_by("pk").last()
    token = current.set(RequestContext(request_id="req-perfb", ip="192.0.2.7"))
    try:
        result = run(world, csv_bytes(mixed_rows()))
    finally:
        current.reset(token)

    referrals = {r.reference: r for r in Referral.objects.filter(authority=world.authority)}
    assert referrals["M1"].person_id == referrals["M4"].person_id  # named twice, one person
    assert referrals["M3"].person_id == known.pk
    ids = sorted(r.pk for r in referrals.values())
    created_people = [referrals[ref].person_id for ref in ("M1", "M5", "M7")]
    assert len(set(created_people)) == 3
    assert (result.people_created, result.unidentified_people, result.people_linked) == (5, 2, 1)

    actor = (lead.pk, lead.username, "req-perfb", "192.0.2.7")
    authority = world.authority.pk
    counts = {
        "file": "history.csv",
        "rows": 7,
        "authority": world.authority.ons_code,
        "referrals": 7,
        "people_created": 5,
        "unidentified_people": 2,
        "people_linked": 1,
        "first_referral": referrals["M1"].pk,
        "last_referral": referrals["M7"].pk,
    }
    assert (counts["first_referral"], counts["last_referral"]) == (ids[0], ids[-1])
    # In this order: the import, the people created (first row naming each), the linked.
    expected = [
        ("create", "casework.import", result.batch, None, authority, *actor, counts),
        *(
            ("create", "casework.person", str(pk), pk, authority, *actor, {"import": result.batch})
            for pk in created_people
        ),
        (
            "change",
            "casework.person",
            str(known.pk),
            known.pk,
            authority,
            *actor,
            {"import": result.batch, "fields": "referrals"},
        ),
    ]
    assert audit_rows(AuditEvent.objects.filter(pk__gt=before.pk if before else 0)) == expected
    for event in AuditEvent.objects.filter(pk__gt=before.pk if before else 0):
        assert event.occurred_at is not None


def test_unidentified_people_and_referrals_have_no_event_of_their_own(world) -> None:
    result = run(world, csv_bytes([adopted_row(reference=f"U{i}") for i in range(5)]))
    assert result.unidentified_people == 5
    assert list(AuditEvent.objects.values_list("object_type", "action")) == [
        ("casework.import", AuditAction.CREATE)
    ]


def test_a_reference_taken_while_writing_rolls_back_everything(world, monkeypatch) -> None:
    lead = world["coordinator"]
    check_file = imports.check_file

    def check_then_someone_takes_m5(*args: Any, **kwargs: Any) -> Any:
        rows = check_file(*args, **kwargs)
        # Another intake records M5 after the file was checked, before it is written.
        factories.make_referral(world.authority, lead, reference="M5")
        return rows

    monkeypatch.setattr(imports, "check_file", check_then_someone_takes_m5)
    factories.make_person(
        world.authority, lead, given_name="Known", family_name="Person", date_of_birth=D(2001, 1, 1)
    )
    with pytest.raises(ImportRejected) as caught:
        run(world, csv_bytes(mixed_rows()))
    assert "was used while it was being imported" in caught.value.errors[0].message
    # Only what the other intake wrote is there.
    assert list(Referral.objects.values_list("reference", flat=True)) == ["M5"]
    assert not AuditEvent.objects.filter(object_type="casework.import").exists()
    assert not StageEvent.objects.filter(reason__contains="history.csv").exists()
    assert not Person.objects.filter(given_name__in=["Ada", "Bo", "Cy"]).exists()


def test_a_failure_after_the_audit_events_rolls_them_back_with_every_row(
    world, monkeypatch
) -> None:
    lead = world["coordinator"]
    factories.make_person(
        world.authority, lead, given_name="Known", family_name="Person", date_of_birth=D(2001, 1, 1)
    )
    before = everything()
    real_create = AuditEvent.objects.bulk_create
    written: list[int] = []

    class Boom(Exception):
        pass

    def create_then_fail(events: Any, *args: Any, **kwargs: Any) -> Any:
        real_create(events, *args, **kwargs)
        written.append(AuditEvent.objects.count())
        raise Boom

    monkeypatch.setattr(AuditEvent.objects, "bulk_create", create_then_fail)
    with pytest.raises(Boom):
        run(world, csv_bytes(mixed_rows()))
    assert written and written[-1] > before[-1]  # the events were written, then undone
    assert everything() == before
