"""The audit log is tamper-evident: every way of changing it at database level is either
refused by a trigger or found by `manage.py verify_audit` (ADR 0012)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from dueregard.audit import chain, triggers
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.audit.services import build_event, record, record_many

pytestmark = pytest.mark.django_db

ROTATED = "k2027:" + "r" * 40
ROOT = Path(__file__).resolve().parents[3]


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def broken(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        verify(*args)
    return str(refused.value)


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def as_an_attacker_without_triggers() -> None:
    """What the database's owner (or whoever has the SQLite file) can do first."""
    for sql in triggers.remove_sql(connection.vendor):
        raw(sql)


@pytest.fixture
def log(world) -> list[AuditEvent]:
    lead = world["coordinator"]
    events = [
        record(AuditAction.VIEW, actor=lead, object_type="casework.person", object_id=n)
        for n in range(1, 5)
    ]
    events += record_many(
        build_event(AuditAction.EXPORT, actor=lead, object_type="casework.referral", object_id=n)
        for n in range(5, 9)
    )
    return list(AuditEvent.objects.order_by("seq"))


def test_an_untouched_log_verifies_and_says_how_fast(log) -> None:
    seqs = [event.seq for event in log]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # one place each, no gaps
    out = verify()
    assert f"The chain is intact: events #1 to #{log[-1].seq}" in out
    assert log[-1].chain_hash in out
    assert "a second)" in out and "Checked" in out


def test_each_seal_depends_on_the_one_before(log) -> None:
    key_id, keys = chain.keys()
    previous = chain.GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        values = [getattr(event, name) for name in chain.SEALED_FIELDS]
        assert event.key_id == key_id
        assert event.chain_hash == chain.seal_of(keys[key_id], previous, values)
        previous = event.chain_hash


def test_the_database_refuses_delete_replace_and_truncate(log) -> None:
    target = log[2]
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE audit_auditevent SET occurred_at = occurred_at WHERE id = %s", [target.pk])
    if connection.vendor == "sqlite":
        with pytest.raises(DatabaseError), transaction.atomic():
            raw(
                "INSERT OR REPLACE INTO audit_auditevent (id, occurred_at, actor_username, "
                "action, object_type, object_id, request_id, detail, seq, key_id, chain_hash) "
                "SELECT id, occurred_at, 'forger', action, object_type, object_id, request_id, "
                "detail, seq, key_id, chain_hash FROM audit_auditevent WHERE id = %s",
                [target.pk],
            )
    else:
        with pytest.raises(DatabaseError), transaction.atomic():
            raw("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == len(log)
    assert "intact" in verify()


def test_a_changed_event_is_named(log) -> None:
    as_an_attacker_without_triggers()
    target = log[3]
    raw("UPDATE audit_auditevent SET actor_username = 'someone-else' WHERE id = %s", [target.pk])
    message = broken()
    assert f"Event #{target.seq} (id {target.pk}," in message
    assert "was changed after it was written" in message


def test_a_back_dated_event_is_found_even_when_nothing_else_changes(log) -> None:
    as_an_attacker_without_triggers()
    target = log[1]
    raw(
        "UPDATE audit_auditevent SET occurred_at = %s WHERE id = %s",
        [target.occurred_at.replace(year=target.occurred_at.year - 1), target.pk],
    )
    assert f"Event #{target.seq} (id {target.pk}," in broken()


def test_removed_events_are_named(log) -> None:
    as_an_attacker_without_triggers()
    gone = log[4:6]
    raw("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [gone[0].pk, gone[1].pk])
    message = broken()
    assert f"Events #{gone[0].seq} to #{gone[1].seq} were removed" in message


def test_an_event_put_in_the_place_of_another_is_named(log) -> None:
    """Delete an event and insert a forgery in its place, sealed with a made-up seal."""
    as_an_attacker_without_triggers()
    victim = log[2]
    raw("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    raw(
        "INSERT INTO audit_auditevent (occurred_at, actor_username, action, object_type, "
        "object_id, request_id, detail, seq, key_id, chain_hash) "
        "VALUES (%s, 'forger', 'view', 'casework.person', '99', '', '{}', %s, %s, %s)",
        [victim.occurred_at, victim.seq, victim.key_id, "f" * 64],
    )
    message = broken()
    assert f"Event #{victim.seq} (id " in message
    assert "inserted (or rewritten) out of order" in message


def test_an_event_inserted_with_an_old_id_is_named(log) -> None:
    """Renumber an event to an id below the one before it: found as out of order."""
    as_an_attacker_without_triggers()
    target = log[5]
    raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [log[0].pk - 1000, target.pk])
    message = broken()
    assert f"Event #{target.seq} (id {log[0].pk - 1000}," in message
    assert "inserted out of order" in message


def test_a_forgery_added_at_the_end_is_named(log, world) -> None:
    as_an_attacker_without_triggers()
    last = log[-1]
    raw(
        "INSERT INTO audit_auditevent (occurred_at, actor_username, action, object_type, "
        "object_id, request_id, detail, seq, key_id, chain_hash) "
        "VALUES (%s, 'forger', 'view', '', '', '', '{}', %s, %s, %s)",
        [last.occurred_at, last.seq + 1, last.key_id, "0" * 64],
    )
    message = broken()
    assert f"Event #{last.seq + 1} (id " in message and "does not match its seal" in message


def test_events_removed_from_the_end_are_found_against_the_checkpoint(log, tmp_path) -> None:
    checkpoint = tmp_path / "audit.checkpoint"
    assert f"Checkpoint moved to event #{log[-1].seq}" in verify("--checkpoint", str(checkpoint))
    kept = json.loads(checkpoint.read_text())
    assert kept["seq"] == log[-1].seq and kept["seal"] == log[-1].chain_hash
    as_an_attacker_without_triggers()
    raw("DELETE FROM audit_auditevent WHERE seq >= %s", [log[-2].seq])
    for sql in triggers.install_sql(connection.vendor):  # and covers their tracks
        raw(sql)
    assert "intact" in verify()  # what is left is a whole chain...
    message = broken("--checkpoint", str(checkpoint))  # ...but shorter than yesterday's
    assert f"events #{log[-2].seq} to #{log[-1].seq} were removed" in message
    assert json.loads(checkpoint.read_text()) == kept  # a failed run keeps the checkpoint


def test_missing_triggers_are_reported(log) -> None:
    as_an_attacker_without_triggers()
    message = broken()
    assert "missing (or has disabled) the trigger" in message
    for name in (
        triggers.SQLITE_TRIGGERS if connection.vendor == "sqlite" else (triggers.POSTGRES_TRIGGERS)
    ):
        assert name in message


def test_after_a_key_rotation_old_events_verify_with_the_old_key(log, world, settings) -> None:
    old = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY, settings.AUDIT_CHAIN_OLD_KEYS = ROTATED, [old]
    event = record(AuditAction.VIEW, actor=world["chair"], object_type="x", object_id=1)
    assert event.key_id == "k2027"
    assert "intact" in verify()
    settings.AUDIT_CHAIN_OLD_KEYS = []  # the old key lost: its events cannot be vouched for
    message = broken()
    assert f"Event #{log[0].seq} (id {log[0].pk}," in message
    assert "which is in neither AUDIT_CHAIN_KEY nor AUDIT_CHAIN_OLD_KEYS" in message


def test_a_forger_with_another_key_is_found(log, world, settings) -> None:
    """Whoever writes through the code but without the key (here: the right key id with
    another secret) seals events the chain does not accept."""
    real = settings.AUDIT_CHAIN_KEY
    key_id = chain.keys()[0]
    settings.AUDIT_CHAIN_KEY = f"{key_id}:" + "x" * 40
    forged = record(AuditAction.VIEW, actor=world["chair"], object_type="x", object_id=2)
    settings.AUDIT_CHAIN_KEY = real
    assert f"Event #{forged.seq} (id {forged.pk}," in broken()


WRITERS = """
import threading
from django.db import connections
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.audit.services import build_event, record, record_many

errors, start = [], threading.Barrier(8)

def write(n):
    try:
        start.wait()
        for i in range(15):
            if i % 3:
                record(AuditAction.VIEW, actor=None, object_type="x", object_id=f"{n}-{i}")
            else:
                record_many(build_event(AuditAction.EXPORT, actor=None, object_id=j) for j in range(3))
    except BaseException as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("errors", errors)
print("seqs", list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)))
"""


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_each_take_their_own_place(tmp_path) -> None:
    """Eight writers at once, each its own connection, on a database as the service runs
    it (a SQLite file with the service's options, or the suite's PostgreSQL): one chain,
    no place taken twice, nothing lost, and verify_audit agrees."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'pilot.sqlite3'}"
        run(["manage.py", "migrate", "audit", "-v0"], env)
    else:
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    out = run(["manage.py", "shell", "-c", WRITERS], env).stdout
    assert "errors []" in out
    seqs = json.loads(out.split("seqs ")[1].strip())
    assert seqs == list(range(1, 8 * (10 + 5 * 3) + 1))
    assert "The chain is intact" in run(["manage.py", "verify_audit"], env).stdout


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_a_checkpoint_file_that_is_not_one_is_refused(tmp_path: Path, log) -> None:
    bad = tmp_path / "checkpoint"
    bad.write_text("yesterday")
    assert "not a checkpoint this command wrote" in broken("--checkpoint", str(bad))
