"""The audit log is append-only, and a service writes its event in its own transaction.

Its pages (scoped to the auditor's authorities, exportable) are tested in
`dueregard/accounts/tests/test_audit_log.py`, beside the pages."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, IntegrityError

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
