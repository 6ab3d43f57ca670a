"""The backup machinery's limits, without a database: an external tool that runs too long is
stopped, and a missing PostgreSQL client is named with how to point at one."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from dueregard.core import backup


def test_a_tool_that_runs_past_its_timeout_is_stopped_with_a_clear_message() -> None:
    started = time.monotonic()
    with pytest.raises(
        backup.BackupError, match=re.escape("did not finish within 0.5 seconds; stopped")
    ):
        backup._run(["/bin/sleep", "30"], {}, 0.5, "pg_dump")
    assert time.monotonic() - started < 10


def test_a_tool_that_fails_reports_its_exit_code_and_last_words() -> None:
    with pytest.raises(backup.BackupError, match=r"pg_restore failed \(exit 3\): no such role"):
        backup._run(["/bin/sh", "-c", "echo 'no such role' >&2; exit 3"], {}, 10, "pg_restore")


def test_pgbin_without_the_tool_is_refused_naming_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGBIN", str(tmp_path))
    with pytest.raises(
        backup.BackupError, match=re.escape(f"PGBIN is {tmp_path}, which has no pg_dump")
    ):
        backup.postgresql_tool("pg_dump")


def test_pgbin_chooses_the_client_programs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pg_restore").write_text("#!/bin/sh\n")
    monkeypatch.setenv("PGBIN", str(tmp_path))
    assert backup.postgresql_tool("pg_restore") == str(tmp_path / "pg_restore")


@pytest.mark.parametrize("name", ["../etc/passwd", "/etc/passwd", "media/../../x", "", "a//b"])
def test_a_manifest_name_outside_the_backup_is_refused(name: str) -> None:
    with pytest.raises(backup.BackupError, match="names a file outside the backup"):
        backup._safe_relative(name, "manifest.json's files")
