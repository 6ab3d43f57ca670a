"""SQLite with several users at once: the settings' SQLite options make a transaction that
reads and then writes wait for another writer instead of failing with "database is locked",
and keep readers reading while a write is under way (WAL).

The test opens its own connections to a SQLite file with the options the service uses,
whichever database the rest of the suite runs on.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.transaction import atomic


def connection_to(path: Path, alias: str) -> DatabaseWrapper:
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": dict(settings.SQLITE_OPTIONS),
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=alias,
    )
    wrapper.inc_thread_sharing()
    return wrapper


def test_a_read_then_write_transaction_waits_for_a_writer_instead_of_failing(
    tmp_path, django_db_blocker
) -> None:
    with django_db_blocker.unblock():  # its own SQLite file, not the suite's database
        _read_then_write_waits(tmp_path / "busy.sqlite3")


def _read_then_write_waits(path: Path) -> None:
    setup = connection_to(path, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, what TEXT)")
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    setup.close()

    writer, other = connection_to(path, "writer"), connection_to(path, "other")
    holding = threading.Event()
    errors: list[BaseException] = []

    def write_slowly() -> None:
        connections["writer"] = writer  # connections are per thread
        try:
            with atomic(using="writer"), writer.cursor() as cursor:
                cursor.execute("INSERT INTO event (what) VALUES ('first')")
                holding.set()
                time.sleep(0.5)
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)

    connections["other"] = other
    try:
        thread = threading.Thread(target=write_slowly)
        thread.start()
        assert holding.wait(5)
        # While the writer holds its lock, a reader outside a transaction still reads.
        with other.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM event")
            assert cursor.fetchone()[0] == 0
        # A page's transaction: read, then write its audit event. It waits, then succeeds.
        with atomic(using="other"), other.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM event")
            cursor.execute("INSERT INTO event (what) VALUES ('second')")
        thread.join(5)
        assert errors == []
        with other.cursor() as cursor:
            cursor.execute("SELECT what FROM event ORDER BY id")
            assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    finally:
        del connections["other"]
        writer.close()
        other.close()
