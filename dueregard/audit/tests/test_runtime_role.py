"""The role the service runs as can only read and append to the audit log (ADR 0012):
whatever it is made to send, it cannot change, delete, empty or unprotect the log."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.audit.services import record
from dueregard.casework.tests.factories import make_person

pytestmark = pytest.mark.django_db

ROLE = "dueregard_runtime_test"


def refused(sql: str, params: list | None = None) -> str:
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params or [])
    return str(error.value)


def test_the_runtime_role_can_only_read_and_append_to_the_audit_log(world) -> None:
    if connection.vendor != "postgresql":
        # SQLite has no roles: the command says so rather than pretending.
        with pytest.raises(CommandError, match="grant_runtime_role is for PostgreSQL"):
            call_command("grant_runtime_role", ROLE)
        return
    event = record(AuditAction.VIEW, actor=world["coordinator"], object_type="x", object_id=1)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")  # rolled back with the test
    out = io.StringIO()
    call_command("grant_runtime_role", ROLE, stdout=out)
    assert "only SELECT and INSERT on the audit log" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {ROLE}")
    try:
        # It works the service: reads, writes records, appends events.
        person = make_person(world.authority, world["coordinator"])
        assert record(AuditAction.VIEW, actor=world["coordinator"], obj=person).seq > event.seq
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        # It cannot touch what is written, even with the triggers' help gone.
        for sql in (
            "UPDATE audit_auditevent SET action = 'change'",
            "DELETE FROM audit_auditevent",
            "TRUNCATE audit_auditevent",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
            "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
            "DROP TABLE audit_auditevent",
        ):
            message = refused(sql)
            assert "permission denied" in message or "must be owner" in message, (sql, message)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_the_grants_can_be_printed_for_a_database_administrator(world) -> None:
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="a SQLite database has no roles"):
            call_command("grant_runtime_role", ROLE, "--print")
        return
    out = io.StringIO()
    call_command("grant_runtime_role", ROLE, "--print", stdout=out)
    assert (
        f'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "audit_auditevent" FROM "{ROLE}"'
        in out.getvalue()
    )
    with pytest.raises(CommandError, match="There is no PostgreSQL role"):
        call_command("grant_runtime_role", "nobody_at_all")
