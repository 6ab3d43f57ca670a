"""The audit log is append-only, scoped to the auditor's authorities, and exportable."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, IntegrityError
from django.urls import reverse

from conftest import pagination_link
from dueregard.accounts import services as account_services
from dueregard.accounts.admin import site as admin_site
from dueregard.audit.models import AppendOnlyError, AuditAction, AuditEvent
from dueregard.audit.services import record

pytestmark = pytest.mark.django_db


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(world) -> None:
    event = record(AuditAction.VIEW, actor=world["coordinator"], object_type="x", object_id=1)
    event.action = AuditAction.CHANGE
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="change")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_the_database_refuses_to_change_an_event_even_in_raw_sql(world) -> None:
    event = record(AuditAction.VIEW, actor=world["coordinator"], object_type="x", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'change' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_deleting_an_event_is_refused(world) -> None:
    event = record(AuditAction.VIEW, actor=world["coordinator"], object_type="x", object_id=1)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_has_no_page_for_audit_events() -> None:
    assert AuditEvent not in admin_site._registry


def test_no_url_changes_an_event(world, as_user) -> None:
    client = as_user(world["auditor"])
    event = record(
        AuditAction.VIEW,
        actor=world["coordinator"],
        object_type="x",
        object_id=1,
        authority=world.authority,
    )
    for url in (reverse("audit:log"), reverse("audit:export")):
        assert client.post(url, {"action": "change", "id": event.pk}).status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_a_failed_change_writes_no_partial_rows(world) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(IntegrityError):
        account_services.grant_membership(
            world["analyst"],
            "regional_viewer",
            authority=world.authority,
            acting_user=world["administrator"],
        )  # breaks the membership_scope_fits_role constraint after nothing else is written
    assert AuditEvent.objects.count() == before
    assert not world["analyst"].memberships.filter(role="regional_viewer").exists()


def test_a_service_writes_its_event_in_the_same_transaction(world) -> None:
    membership = account_services.grant_membership(
        world["analyst"], "auditor", authority=world.authority, acting_user=world["administrator"]
    )
    event = AuditEvent.objects.get(object_type="accounts.membership", object_id=str(membership.pk))
    assert event.action == AuditAction.CREATE
    assert event.actor == world["administrator"]
    assert event.authority == world.authority


def test_auditor_sees_only_events_of_their_authority(world, as_user) -> None:
    record(
        AuditAction.VIEW,
        actor=world["coordinator"],
        object_type="casework.person",
        object_id=7,
        person_id=7,
        authority=world.authority,
    )
    record(
        AuditAction.VIEW,
        actor=world["other_coordinator"],
        object_type="casework.person",
        object_id=8,
        person_id=8,
        authority=world.other_authority,
    )
    page = as_user(world["auditor"]).get(reverse("audit:log")).content.decode()
    assert "casework.person #7" in page
    assert "casework.person #8" not in page


def test_auditor_filters_by_person_user_and_date_and_exports_csv(world, as_user) -> None:
    record(
        AuditAction.VIEW,
        actor=world["coordinator"],
        object_type="casework.person",
        object_id=7,
        person_id=7,
        authority=world.authority,
    )
    record(
        AuditAction.VIEW,
        actor=world["chair"],
        object_type="casework.person",
        object_id=9,
        person_id=9,
        authority=world.authority,
    )
    client = as_user(world["auditor"])
    page = client.get(reverse("audit:log"), {"person_id": 7}).content.decode()
    assert "casework.person #7" in page and "casework.person #9" not in page
    page = client.get(reverse("audit:log"), {"username": "chair"}).content.decode()
    assert "casework.person #9" in page and "casework.person #7" not in page

    response = client.get(reverse("audit:export"), {"person_id": 7})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["username"], r["person_id"]) for r in rows] == [("coordinator", "7")]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world["auditor"]).count() == 1


def test_export_escapes_cells_that_a_spreadsheet_would_run(world, as_user) -> None:
    record(
        AuditAction.FAILED_SIGN_IN,
        actor=None,
        object_type="accounts.user",
        authority=world.authority,
        detail={"username": "=HYPERLINK(1)"},
    )
    event = AuditEvent.objects.latest("id")
    assert event.actor_username == ""
    response = as_user(world["auditor"]).get(reverse("audit:export"))
    text = b"".join(response.streaming_content).decode()
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_audit_log_pages_are_keyset_paginated(world, as_user) -> None:
    for i in range(60):
        record(
            AuditAction.VIEW,
            actor=world["coordinator"],
            object_type="casework.person",
            object_id=i,
            authority=world.authority,
        )
    client = as_user(world["auditor"])
    first = client.get(reverse("audit:log"), {"username": "coordinator"})
    assert len(first.context["events"]) == 50
    older = pagination_link(first, "next")
    assert older, "a link to older events"
    assert "username=coordinator" in older, "the filter is kept"
    second = client.get(reverse("audit:log") + older)
    assert len(second.context["events"]) == 10
    assert 'rel="next"' not in second.content.decode(), "no older events"
    newer = pagination_link(second, "prev")
    assert newer, "a link back to newer events"
    back = client.get(reverse("audit:log") + newer)
    assert [e.id for e in back.context["events"]] == [e.id for e in first.context["events"]]
    ids = [e.id for e in first.context["events"]] + [e.id for e in second.context["events"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 60
