"""`manage.py backup` and `manage.py restore`: the restore drill, on whichever database the
suite runs on (SQLite by default, PostgreSQL with DATABASE_URL), and the refusals that keep
a bad backup or a live database from being restored over.

The drill: a borough with a referral, an uploaded evidence file and audit events (times to
the microsecond) is backed up, restored into a new, empty database and MEDIA_ROOT, and the
restored record is compared with the original: every table's row count, every audit event
with its exact time, and the file's bytes. All names are fictional.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import override_settings

from conftest import World
from dueregard.assurance.models import Evidence
from dueregard.assurance.tests import factories as assurance
from dueregard.audit.models import AuditEvent
from dueregard.casework.models import Person, Referral
from dueregard.casework.tests.factories import make_person, make_referral, to_gateway
from dueregard.core import backup

pytestmark = pytest.mark.django_db(transaction=True)

MINUTES = b"%PDF-1.4 Kingsmere partnership board minutes (fictional test document)"
STORAGE = "django.core.files.storage.FileSystemStorage"
STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _media(root: Path) -> Any:
    return override_settings(
        MEDIA_ROOT=str(root),
        STORAGES={"default": {"BACKEND": STORAGE}, "staticfiles": {"BACKEND": STATIC}},
    )


@pytest.fixture(autouse=True)
def reference_lists(transactional_db: None) -> None:
    """Transactional tests empty every table when they finish, reference lists included;
    load them again (the loaders are idempotent)."""
    from django.apps import apps

    for module in (
        "dueregard.casework.migrations.0002_reference_lists",
        "dueregard.assurance.migrations.0002_toolkit_benchmarks",
    ):
        importlib.import_module(module).load(apps, None)


@pytest.fixture
def media_root(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    with _media(root):
        yield root


@pytest.fixture
def borough(world: World, media_root: Path) -> World:
    """A referral, an evidence file on disk, and the audit events their services wrote."""
    person = make_person(world.authority, world["coordinator"], given_name="Ffion")
    referral = make_referral(world.authority, world["coordinator"], person=person)
    to_gateway(referral, world["coordinator"])
    assurance.evidence(world, file=assurance.pdf("board-minutes.pdf", MINUTES))
    return world


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The settings of a new, empty database of the suite's kind: a new SQLite file, or a
    second database on the same PostgreSQL server (dropped afterwards)."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        yield settings_dict
        return
    name = f"drill_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict["NAME"] = name
    try:
        yield settings_dict
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def as_default_database(settings_dict: dict[str, Any]) -> Iterator[None]:
    """Make `settings_dict` the default database for a while, as a restore on a new server
    would find it: the commands and the ORM use it, exactly as in production."""
    original = connections["default"]
    swapped = original.__class__(settings_dict, alias="default")
    connections["default"] = swapped
    try:
        yield
    finally:
        swapped.close()
        connections["default"] = original


def row_counts() -> dict[str, int]:
    with connections["default"].cursor() as cursor:
        return backup.table_row_counts(cursor, connections["default"].vendor)


def audit_trail() -> list[tuple[Any, ...]]:
    return list(
        AuditEvent.objects.order_by("id").values_list(
            "id",
            "occurred_at",
            "action",
            "actor_username",
            "object_type",
            "object_id",
            "detail",
            "seq",
            "chain_hash",
        )
    )


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_restore_drill_gives_back_every_row_every_audit_time_and_every_file(
    borough: World, tmp_path: Path, empty_database: dict[str, Any]
) -> None:
    counts_before = row_counts()
    trail_before = audit_trail()
    assert len(trail_before) >= 4
    # Microseconds are what dumpdata would lose; the drill needs some to prove they survive.
    assert any(occurred_at.microsecond % 1000 for _, occurred_at, *_ in trail_before)
    evidence = Evidence.objects.get()
    stored_name = str(evidence.file.name)
    assert (tmp_path / "media" / stored_name).read_bytes() == MINUTES

    printed = run("backup", str(tmp_path / "backup"))

    assert f"({len(counts_before)} tables, {sum(counts_before.values()):,} rows)" in printed
    assert "1 uploaded files" in printed
    # The backup itself is audited in the database it was taken from, after the snapshot.
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type) == ("export", "database")
    assert event.detail["operation"] == "backup"
    assert event.detail["rows"] == sum(counts_before.values())

    with as_default_database(empty_database), _media(tmp_path / "restored-media"):
        assert row_counts() == {}
        printed = run("restore", str(tmp_path / "backup"))
        counts_after = row_counts()
        trail_after = audit_trail()
        restored = Evidence.objects.get()
        restored_file = restored.file.read()
        restored_people = list(Person.objects.values_list("given_name", flat=True))
        referrals = Referral.objects.count()
        # The restored chain, with the restore's own event sealed onto its end, is whole.
        verified = run("verify_audit")

    assert "every count as in the manifest" in printed
    assert f"The chain is intact: events #1 to #{len(trail_before) + 1}" in verified
    assert set(counts_after) == set(counts_before)
    assert {t: n for t, n in counts_after.items() if t != "audit_auditevent"} == {
        t: n for t, n in counts_before.items() if t != "audit_auditevent"
    }
    # The restored log is the original to the microsecond, plus one event: the restore.
    assert counts_after["audit_auditevent"] == counts_before["audit_auditevent"] + 1
    assert trail_after[:-1] == trail_before
    restore_event = trail_after[-1]
    assert restore_event[2:5] == ("change", "", "database")
    assert restore_event[6]["operation"] == "restore"
    assert restored.file.name == stored_name
    assert restored_file == MINUTES
    assert (tmp_path / "restored-media" / stored_name).read_bytes() == MINUTES
    assert restored_people == ["Ffion"]
    assert referrals == 1


def test_backup_directory_holds_the_documented_manifest_and_sha256sum_checks_it(
    borough: World, tmp_path: Path
) -> None:
    run("backup", str(tmp_path / "backup"))
    directory = tmp_path / "backup"
    manifest = json.loads((directory / "manifest.json").read_text())

    assert set(manifest) == {
        "format",
        "format_version",
        "created_at",
        "app_version",
        "django_version",
        "database",
        "tables",
        "files",
    }
    assert manifest["format"] == "dueregard-backup"
    assert manifest["app_version"] == "0.1.0"
    database_file = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["file"] == database_file[connection.vendor]
    assert manifest["tables"]["casework_person"] == 1
    assert manifest["tables"]["assurance_evidence"] == 1
    stored = str(Evidence.objects.get().file.name)
    entry = manifest["files"][f"media/{stored}"]
    assert entry["bytes"] == len(MINUTES)
    assert entry == {
        "sha256": backup.sha256_of(directory / "media" / stored).sha256,
        "bytes": len(MINUTES),
    }
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        ["SHA256SUMS", "manifest.json", "media", database_file[connection.vendor]]
    )
    assert (directory.stat().st_mode & 0o777) == 0o700
    # Operators can check a copy with coreutils alone.
    checked = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"],  # noqa: S607 (coreutils)
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == 3  # manifest, database, the evidence file


def test_backup_refuses_a_directory_that_has_files_and_writes_nothing(
    borough: World, tmp_path: Path
) -> None:
    directory = tmp_path / "backup"
    directory.mkdir()
    (directory / "notes.txt").write_text("not a backup")

    with pytest.raises(CommandError, match="already exists and is not an empty directory"):
        run("backup", str(directory))

    assert sorted(p.name for p in directory.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup", "media"]


def test_backup_refuses_file_storage_that_is_not_on_disk(world: World, tmp_path: Path) -> None:
    # The test settings keep uploads in memory: nothing under MEDIA_ROOT to copy.
    with pytest.raises(CommandError, match="InMemoryStorage"):
        run("backup", str(tmp_path / "backup"))
    assert not (tmp_path / "backup").exists()


@pytest.fixture
def backed_up(borough: World, tmp_path: Path) -> Path:
    run("backup", str(tmp_path / "backup"))
    return tmp_path / "backup"


def flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage, named",
    [
        ("database", "is corrupted: its SHA-256 is"),
        ("evidence", "is corrupted: its SHA-256 is"),
        ("truncated", "is corrupted: it has 10 bytes, the manifest says"),
        ("manifest", "manifest.json is corrupted"),
        ("extra", "is not in manifest.json"),
        ("missing", "is missing"),
    ],
)
def test_restore_refuses_a_damaged_backup_naming_the_file_and_touches_nothing(
    backed_up: Path, tmp_path: Path, empty_database: dict[str, Any], damage: str, named: str
) -> None:
    stored = str(Evidence.objects.get().file.name)
    evidence_copy = backed_up / "media" / stored
    database_copy = next(backed_up.glob("database.*"))
    target = {
        "database": database_copy,
        "evidence": evidence_copy,
        "truncated": evidence_copy,
        "manifest": backed_up / "manifest.json",
        "extra": backed_up / "media" / "assurance" / "planted.pdf",
        "missing": evidence_copy,
    }[damage]
    if damage in ("database", "evidence"):
        flip_last_byte(target)
    elif damage == "truncated":
        target.write_bytes(MINUTES[:10])
    elif damage == "manifest":
        manifest = json.loads(target.read_text())
        manifest["tables"]["casework_person"] = 0
        target.write_text(json.dumps(manifest, indent=2))
    elif damage == "extra":
        target.write_bytes(b"%PDF-1.4 planted")
    else:
        target.unlink()

    restored_media = tmp_path / "restored-media"
    with as_default_database(empty_database), _media(restored_media):
        with pytest.raises(CommandError) as refused:
            run("restore", str(backed_up))
        tables_after = row_counts()

    assert named in str(refused.value)
    assert str(target) in str(refused.value)
    assert tables_after == {}
    assert not restored_media.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_restore_refuses_a_database_that_has_tables_unless_forced(
    backed_up: Path, world: World, media_root: Path
) -> None:
    make_person(world.authority, world["coordinator"], given_name="Later")
    counts_before = row_counts()

    with pytest.raises(CommandError, match=r"already has \d+ tables.*--force"):
        run("restore", str(backed_up))
    assert row_counts() == counts_before
    assert Person.objects.filter(given_name="Later").exists()

    printed = run("restore", "--force", str(backed_up))

    assert sorted(Person.objects.values_list("given_name", flat=True)) == ["Ffion"]
    manifest = json.loads((backed_up / "manifest.json").read_text())
    counts = row_counts()
    assert counts["audit_auditevent"] == manifest["tables"]["audit_auditevent"] + 1
    del counts["audit_auditevent"], manifest["tables"]["audit_auditevent"]
    assert counts == manifest["tables"]
    # The files MEDIA_ROOT had are kept beside it, not deleted.
    kept = [p for p in media_root.parent.iterdir() if p.name.startswith("media.before-restore-")]
    assert len(kept) == 1
    assert f"kept in {kept[0]}" in printed
    assert (media_root / str(Evidence.objects.get().file.name)).read_bytes() == MINUTES


def test_restore_refuses_a_backup_of_the_other_kind_of_database(
    backed_up: Path, tmp_path: Path, empty_database: dict[str, Any]
) -> None:
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    forged = tmp_path / "forged"
    shutil.copytree(backed_up, forged)
    manifest = json.loads((forged / "manifest.json").read_text())
    manifest["database"]["vendor"] = other
    manifest["database"]["file"] = backup.DATABASE_FILES[other]
    manifest["files"][backup.DATABASE_FILES[other]] = manifest["files"].pop(
        backup.DATABASE_FILES[connection.vendor]
    )
    (forged / backup.DATABASE_FILES[connection.vendor]).rename(
        forged / backup.DATABASE_FILES[other]
    )
    (forged / "manifest.json").write_text(json.dumps(manifest))
    sums = [f"{backup.sha256_of(forged / 'manifest.json').sha256}  manifest.json"] + [
        f"{entry['sha256']}  {name}" for name, entry in manifest["files"].items()
    ]
    (forged / "SHA256SUMS").write_text("\n".join(sums) + "\n")

    with as_default_database(empty_database), _media(tmp_path / "restored-media"):
        with pytest.raises(CommandError, match=f"is a {other} backup"):
            run("restore", str(forged))
        assert row_counts() == {}
