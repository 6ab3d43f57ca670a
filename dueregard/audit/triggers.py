# ruff: noqa: S608
# The SQL names one constant table; nothing in it comes from outside.
"""The database triggers that keep the audit log append-only ([ADR 0003], [ADR 0012]).

SQLite refuses UPDATE, DELETE and an INSERT that would replace an existing event
(`INSERT OR REPLACE` deletes the old row without firing a DELETE trigger). PostgreSQL
refuses UPDATE and DELETE of any row and TRUNCATE of the table; there the runtime role
also has no privilege but INSERT and SELECT on the table (`manage.py grant_runtime_role`),
so it cannot drop or disable them either. Migration 0004 installs them; `verify_audit`
checks they are still in place.

[ADR 0003]: ../../docs/adr/0003-audit-design.md
[ADR 0012]: ../../docs/adr/0012-tamper-evident-audit.md
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditevent"

SQLITE_TRIGGERS = {
    "audit_event_no_update": f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    "audit_event_no_delete": f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    "audit_event_no_replace": f"""CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON {TABLE}
        WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id OR seq = NEW.seq)
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
}

POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql"""
POSTGRES_TRIGGERS = {
    "audit_event_append_only": f"""CREATE TRIGGER audit_event_append_only
        BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    "audit_event_no_truncate": f"""CREATE TRIGGER audit_event_no_truncate
        BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
}


def install_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return list(SQLITE_TRIGGERS.values())
    if vendor == "postgresql":
        return [POSTGRES_FUNCTION, *POSTGRES_TRIGGERS.values()]
    return []


def remove_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return [
            *(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in POSTGRES_TRIGGERS),
            "DROP FUNCTION IF EXISTS audit_event_append_only()",
        ]
    return []


def missing(connection: Any) -> list[str]:
    """The triggers this database should have and does not (or has disabled)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            present = {name for (name,) in cursor.fetchall()}
            return [name for name in SQLITE_TRIGGERS if name not in present]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND NOT tgisinternal AND tgenabled <> 'D'",
                [TABLE],
            )
            present = {name for (name,) in cursor.fetchall()}
            return [name for name in POSTGRES_TRIGGERS if name not in present]
    return []


def around_test_flush(vendor: str) -> tuple[list[str], list[str]]:
    """For the test runner only: the statements before and after the flush that empties
    every table between transactional tests (DELETE on SQLite, TRUNCATE on PostgreSQL),
    run in the flush's own transaction so the triggers are back before anything else runs.
    Installed by the project's conftest.py; the running service never calls it."""
    if vendor == "sqlite":
        return (
            ["DROP TRIGGER IF EXISTS audit_event_no_delete"],
            [SQLITE_TRIGGERS["audit_event_no_delete"]],
        )
    if vendor == "postgresql":
        return (
            [f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_event_no_truncate"],
            [f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_event_no_truncate"],
        )
    return [], []
