"""Backing up and restoring the database and the uploaded files together ([ADR 0011]).

A backup is one directory:

- ``manifest.json``: when it was taken, the app and Django versions, the database vendor and
  server, the row count of every table and the SHA-256 and size of every other file;
- ``SHA256SUMS``: the SHA-256 of ``manifest.json`` and of every other file, in the format of
  ``sha256sum --check``;
- ``database.sqlite3`` (SQLite's online backup API) or ``database.pgdump``
  (``pg_dump --format=custom``);
- ``media/``: the uploaded files, laid out as under ``MEDIA_ROOT``.

The database is copied whole by the database's own tools, never through Django's
serialisers: ``dumpdata`` cuts timestamps to milliseconds, and the audit log's times must
survive to the microsecond. Row counts are read inside the same snapshot as the copy.

This module knows no app; the ``backup`` and ``restore`` commands (in ``accounts``) call it
and audit what it did. Every failure is a `BackupError` whose message names the file.

[ADR 0011]: ../../docs/adr/0011-backup-restore.md
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3._functions import register as register_django_functions

FORMAT = "dueregard-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
DEFAULT_TIMEOUT = 6 * 60 * 60  # seconds pg_dump or pg_restore may run before it is stopped
_SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """A backup or restore that cannot go ahead or did not succeed; the message says why."""


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Manifest:
    """What a backup holds (``manifest.json``; the shape is in docs/operations.md)."""

    created_at: str
    app_version: str
    django_version: str
    vendor: str
    server_version: str
    tool: str
    tables: dict[str, int]
    files: dict[str, FileEntry]

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.vendor]

    @property
    def media_files(self) -> list[str]:
        return sorted(name for name in self.files if name.startswith(MEDIA + "/"))

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "django_version": self.django_version,
            "database": {
                "vendor": self.vendor,
                "server_version": self.server_version,
                "tool": self.tool,
                "file": self.database_file,
            },
            "tables": dict(sorted(self.tables.items())),
            "files": {
                name: {"sha256": entry.sha256, "bytes": entry.bytes}
                for name, entry in sorted(self.files.items())
            },
        }


@dataclass
class BackupResult:
    directory: Path
    manifest: Manifest
    manifest_sha256: str
    seconds: float


@dataclass
class RestoreResult:
    manifest: Manifest
    manifest_sha256: str
    media_root: Path
    replaced_media: Path | None
    seconds: float
    unapplied_migrations: list[str] = field(default_factory=list)


def app_version() -> str:
    """The version in pyproject.toml of the code that is running."""
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def operating_system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


# --- Files and checksums ---------------------------------------------------------------------


def sha256_of(path: Path) -> FileEntry:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(digest.hexdigest(), size)


def _copy_hashing(source: Path, target: Path) -> FileEntry:
    """Copy in chunks, hashing what is written, so the checksum is of the bytes kept."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(source, "rb") as reader, open(target, "xb") as writer:
        while chunk := reader.read(CHUNK):
            writer.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    os.chmod(target, 0o600)
    return FileEntry(digest.hexdigest(), size)


def _files_under(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under `root` as (its path relative to `root` with /, its path), in
    name order. A symbolic link or other special file is refused: the storage writes none."""
    if not root.exists():
        return
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names + [d for d in subfolders if Path(folder, d).is_symlink()]):
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if path.is_symlink() or not path.is_file():
                raise BackupError(f"{path} is not a regular file; move it out of {root} first")
            yield relative, path


def _safe_relative(name: str, where: str) -> PurePosixPath:
    """A manifest's file name, refused if it could point outside the backup directory."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or name != str(path):
        raise BackupError(f"{where} names a file outside the backup: {name!r}")
    return path


def _write_json(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- Row counts -------------------------------------------------------------------------------

_TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' "
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    "postgresql": "SELECT tablename FROM pg_catalog.pg_tables "
    "WHERE schemaname = ANY (current_schemas(false)) ORDER BY tablename",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_row_counts(cursor: Any, vendor: str) -> dict[str, int]:
    """The number of rows in every table of the database `cursor` reads (the application's
    schema on PostgreSQL; SQLite's own tables aside), in one read of each table."""
    cursor.execute(_TABLES_SQL[vendor])
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (quoted names)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return str(connection.vendor)


# --- PostgreSQL tools --------------------------------------------------------------------------


def postgresql_tool(name: str) -> str:
    """The path of `name` (pg_dump, pg_restore): from $PGBIN if set, else the newest
    /usr/lib/postgresql/*/bin (Debian's layout; a newer pg_dump reads an older server,
    never the reverse), else the PATH."""
    if pgbin := os.environ.get("PGBIN"):
        candidate = Path(pgbin) / name
        if candidate.is_file():
            return str(candidate)
        raise BackupError(f"PGBIN is {pgbin}, which has no {name}")

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name))

    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True):
        if (folder / name).is_file():
            return str(folder / name)
    if found := shutil.which(name):
        return found
    raise BackupError(
        f"{name} was not found: install PostgreSQL's client programs (of the server's "
        "version or newer) or set PGBIN to the folder that holds them"
    )


def _libpq_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment that points pg_dump and pg_restore at Django's database: libpq's
    variables, so that no password appears on a command line."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for option in ("service", "passfile", "sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(option):
            env["PG" + option.upper()] = str(options[option])
    return env


def _run(command: list[str], env: dict[str, str], timeout: float, what: str) -> str:
    try:
        finished = subprocess.run(  # noqa: S603 (a fixed program with our own arguments)
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what} did not finish within {timeout:g} seconds; stopped") from None
    if finished.returncode != 0:
        message = finished.stderr.strip().splitlines()[-5:]
        raise BackupError(f"{what} failed (exit {finished.returncode}): " + " / ".join(message))
    return finished.stdout.strip()


def _tool_version(tool: str) -> str:
    return _run([tool, "--version"], dict(os.environ), 60, f"{tool} --version")


# --- Backup -----------------------------------------------------------------------------------


def _prepare_directory(directory: Path) -> Path:
    """A new folder beside `directory` to write into; renamed to `directory` when complete,
    so a backup directory is either whole or absent."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} already exists and is not an empty directory")
    parent = directory.absolute().parent
    if not parent.is_dir():
        raise BackupError(f"{parent} does not exist; create it (access-controlled) first")
    partial = parent / f".{directory.name}.partial-{os.getpid()}"
    partial.mkdir(mode=0o700)
    return partial


def _check_space(parent: Path, needed: int) -> None:
    free = shutil.disk_usage(parent).free
    if free < needed:
        raise BackupError(
            f"{parent} has {free:,} bytes free; the backup needs about {needed:,} "
            "(the database and the uploaded files)"
        )


def _media_size(media_root: Path) -> int:
    return sum(path.stat().st_size for _, path in _files_under(media_root))


def _backup_sqlite(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict[str, int], str]:
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    # The functions Django gives SQLite (REGEXP in CHECK constraints), for quick_check.
    register_django_functions(copy)
    try:
        # One step (pages=-1) holds a read snapshot for the whole copy: writers carry on
        # (WAL) but the copy is of one moment.
        source.backup(copy, pages=-1)
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the copy {target.name} failed SQLite's quick_check: {check}")
        counts = table_row_counts(copy.cursor(), "sqlite")
    finally:
        copy.close()
    os.chmod(target, 0o600)
    return counts, f"SQLite online backup API (sqlite3 {sqlite3.sqlite_version})"


def _backup_postgresql(
    connection: BaseDatabaseWrapper, target: Path, timeout: float
) -> tuple[dict[str, int], str]:
    pg_dump = postgresql_tool("pg_dump")
    if connection.in_atomic_block:
        raise BackupError("a backup must run outside a transaction")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # pg_dump reads the snapshot this transaction exports, and the counts below read it
        # too: the manifest describes exactly the rows in the dump.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            _libpq_environment(connection.settings_dict),
            timeout,
            "pg_dump",
        )
        counts = table_row_counts(cursor, "postgresql")
    os.chmod(target, 0o600)
    return counts, _tool_version(pg_dump)


def _server_version(connection: BaseDatabaseWrapper, vendor: str) -> str:
    if vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def _database_size(connection: BaseDatabaseWrapper, vendor: str) -> int:
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            return int(pages) * int(cursor.fetchone()[0])
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def create_backup(
    directory: Path,
    *,
    connection: BaseDatabaseWrapper,
    media_root: Path,
    timeout: float = DEFAULT_TIMEOUT,
) -> BackupResult:
    """Copy the database of `connection` and the files under `media_root` into `directory`
    (which must not exist, or be empty), with their manifest and checksums.

    The database is copied first, then the files: a file is stored before the row that
    names it commits, so every file the copied rows name is there. The directory appears
    only when everything in it is written and synced."""
    started = time.monotonic()
    vendor = _vendor(connection)
    created_at = datetime.now(UTC).isoformat()
    needed = _database_size(connection, vendor) + _media_size(media_root)
    _check_space(directory.absolute().parent, needed)
    partial = _prepare_directory(directory)
    try:
        database_path = partial / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            counts, tool = _backup_sqlite(connection, database_path)
        else:
            counts, tool = _backup_postgresql(connection, database_path, timeout)
        files = {DATABASE_FILES[vendor]: sha256_of(database_path)}
        (partial / MEDIA).mkdir(mode=0o700)
        for relative, path in _files_under(media_root):
            files[f"{MEDIA}/{relative}"] = _copy_hashing(path, partial / MEDIA / relative)
        manifest = Manifest(
            created_at=created_at,
            app_version=app_version(),
            django_version=django.get_version(),
            vendor=vendor,
            server_version=_server_version(connection, vendor),
            tool=tool,
            tables=counts,
            files=files,
        )
        _write_json(partial / MANIFEST, manifest.as_json())
        manifest_sha256 = sha256_of(partial / MANIFEST).sha256
        lines = [f"{manifest_sha256}  {MANIFEST}"]
        lines += [f"{entry.sha256}  {name}" for name, entry in sorted(files.items())]
        with open(partial / CHECKSUMS, "x", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(partial / CHECKSUMS, 0o600)
        _fsync_directory(partial)
        if directory.exists():
            directory.rmdir()  # empty, checked above
        partial.rename(directory)
        _fsync_directory(directory.absolute().parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(directory, manifest, manifest_sha256, time.monotonic() - started)


# --- Verification -----------------------------------------------------------------------------


def _read_checksums(directory: Path) -> dict[str, str]:
    path = directory / CHECKSUMS
    if not path.is_file():
        raise BackupError(f"{path} is missing: this is not a complete Due Regard backup")
    sums: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BackupError(f"{path} is corrupted: it is not UTF-8 text") from None
    for number, line in enumerate(text.splitlines(), start=1):
        digest, separator, name = line.partition("  ")
        if not separator or not _SHA256.fullmatch(digest):
            raise BackupError(f"{path} is corrupted at line {number}: {line[:80]!r}")
        _safe_relative(name, f"{CHECKSUMS} line {number}")
        if name in sums:
            raise BackupError(f"{path} is corrupted at line {number}: {name} appears twice")
        sums[name] = digest
    if MANIFEST not in sums:
        raise BackupError(f"{path} is corrupted: it has no line for {MANIFEST}")
    return sums


def _parse_manifest(path: Path, data: Any) -> Manifest:
    def fail(what: str) -> BackupError:
        return BackupError(f"{path} is not a valid manifest: {what}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise fail(f'"format" is not "{FORMAT}"')
    if data.get("format_version") != FORMAT_VERSION:
        raise fail(f'"format_version" is {data.get("format_version")!r}; this code reads 1')
    database = data.get("database")
    if not isinstance(database, dict) or database.get("vendor") not in DATABASE_FILES:
        raise fail('"database"."vendor" is neither "sqlite" nor "postgresql"')
    if database.get("file") != DATABASE_FILES[database["vendor"]]:
        raise fail(f'"database"."file" is not {DATABASE_FILES[database["vendor"]]}')
    tables = data.get("tables")
    if not isinstance(tables, dict) or not all(
        isinstance(n, str) and type(c) is int and c >= 0 for n, c in tables.items()
    ):
        raise fail('"tables" is not an object of table names and row counts')
    files = data.get("files")
    if not isinstance(files, dict):
        raise fail('"files" is not an object')
    entries = {}
    for name, entry in files.items():
        _safe_relative(name, f"{MANIFEST}'s files")
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("sha256"), str)
            or not _SHA256.fullmatch(entry["sha256"])
            or type(entry.get("bytes")) is not int
        ):
            raise fail(f'"files"."{name}" needs "sha256" (64 hex digits) and "bytes"')
        entries[name] = FileEntry(entry["sha256"], entry["bytes"])
    for key in ("created_at", "app_version", "django_version"):
        if not isinstance(data.get(key), str):
            raise fail(f'"{key}" is missing')
    if database["file"] not in entries:
        raise fail(f'"files" has no entry for {database["file"]}')
    if any(name != database["file"] and not name.startswith(MEDIA + "/") for name in entries):
        raise fail(f'"files" may hold only {database["file"]} and {MEDIA}/...')
    return Manifest(
        created_at=data["created_at"],
        app_version=data["app_version"],
        django_version=data["django_version"],
        vendor=database["vendor"],
        server_version=str(database.get("server_version", "")),
        tool=str(database.get("tool", "")),
        tables=dict(tables),
        files=entries,
    )


def verify_backup(directory: Path) -> tuple[Manifest, str]:
    """Check every file of the backup in `directory` against its manifest and checksums and
    return the manifest (and its SHA-256). Refuses, naming the file, a missing, extra,
    truncated or changed file; reads everything and changes nothing."""
    if not directory.is_dir():
        raise BackupError(f"{directory} is not a directory")
    sums = _read_checksums(directory)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{manifest_path} is missing")
    manifest_sha256 = sha256_of(manifest_path).sha256
    if manifest_sha256 != sums[MANIFEST]:
        raise BackupError(
            f"{manifest_path} is corrupted: its SHA-256 is {manifest_sha256}, "
            f"{CHECKSUMS} says {sums[MANIFEST]}"
        )
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{manifest_path} is not valid JSON: {error}") from None
    manifest = _parse_manifest(manifest_path, data)
    for name in sorted(set(sums) | set(manifest.files)):
        if name == MANIFEST:
            continue
        if name not in manifest.files:
            raise BackupError(f"{CHECKSUMS} lists {name}, which {MANIFEST} does not")
        if name not in sums:
            raise BackupError(f"{MANIFEST} lists {name}, which {CHECKSUMS} does not")
        if sums[name] != manifest.files[name].sha256:
            raise BackupError(f"{MANIFEST} and {CHECKSUMS} give {name} different SHA-256s")
    on_disk = {relative for relative, _ in _files_under(directory)}
    for extra in sorted(on_disk - set(sums) - {CHECKSUMS}):
        raise BackupError(f"{directory / extra} is not in {MANIFEST}: the backup was changed")
    for name, expected in sorted(manifest.files.items()):
        path = directory / name
        if not path.is_file():
            raise BackupError(f"{path} is missing")
        actual = sha256_of(path)
        if actual.bytes != expected.bytes:
            raise BackupError(
                f"{path} is corrupted: it has {actual.bytes:,} bytes, "
                f"the manifest says {expected.bytes:,}"
            )
        if actual.sha256 != expected.sha256:
            raise BackupError(
                f"{path} is corrupted: its SHA-256 is {actual.sha256}, "
                f"the manifest says {expected.sha256}"
            )
    return manifest, manifest_sha256


# --- Restore ----------------------------------------------------------------------------------


def _current_tables(connection: BaseDatabaseWrapper, vendor: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(_TABLES_SQL[vendor])
        return [row[0] for row in cursor.fetchall()]


def _stage_media(directory: Path, manifest: Manifest, media_root: Path) -> Path:
    """Copy the backup's files into a new folder beside `media_root`, checking each copy."""
    parent = media_root.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{media_root.name}.restoring-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(mode=0o700)
    try:
        for name in manifest.media_files:
            relative = name.removeprefix(MEDIA + "/")
            copied = _copy_hashing(directory / name, staging / relative)
            if copied != manifest.files[name]:
                raise BackupError(f"{directory / name} changed while it was being restored")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _restore_sqlite(connection: BaseDatabaseWrapper, database_file: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    try:
        # The backup API writes the whole target in one transaction: all or nothing.
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()


def _restore_postgresql(
    connection: BaseDatabaseWrapper, database_file: Path, *, clean: bool, timeout: float
) -> None:
    command = [
        postgresql_tool("pg_restore"),
        "--single-transaction",  # all or nothing
        "--exit-on-error",
        "--no-owner",  # objects belong to the role that restores (the migration role)
        "--no-password",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    connection.close()  # pg_restore connects by itself; nothing of ours holds a lock
    _run(
        [*command, str(database_file)],
        _libpq_environment(connection.settings_dict),
        timeout,
        "pg_restore",
    )


def _unapplied_migrations(connection: BaseDatabaseWrapper) -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def restore_backup(
    directory: Path,
    *,
    connection: BaseDatabaseWrapper,
    media_root: Path,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> RestoreResult:
    """Restore the backup in `directory` into the database of `connection` and `media_root`.

    Every file is checked first (`verify_backup`); then the target: it must be empty (no
    tables, no files) unless `force`, and on PostgreSQL even `force` refuses a target with
    tables the backup lacks. The files are copied beside `media_root` first, then the
    database is restored in one transaction, then the files take `media_root`'s place (the
    files it had, if any, are kept beside it and named in the result). Last, every table's
    row count is checked against the manifest."""
    started = time.monotonic()
    manifest, manifest_sha256 = verify_backup(directory)
    vendor = _vendor(connection)
    if manifest.vendor != vendor:
        raise BackupError(
            f"{directory / MANIFEST} is a {manifest.vendor} backup; "
            f"the database is {vendor}: restore into the same kind of database"
        )
    existing = _current_tables(connection, vendor)
    if existing and not force:
        raise BackupError(
            f"the database already has {len(existing)} tables; restore into an empty "
            "database, or add --force to replace its contents"
        )
    if vendor == "postgresql" and (extra := sorted(set(existing) - set(manifest.tables))):
        raise BackupError(
            "the database has tables the backup does not, which a restore would leave behind: "
            + ", ".join(extra[:10])
            + "; restore into a new, empty database"
        )
    media_root = media_root.absolute()
    had_media = media_root.exists() and any(media_root.iterdir())
    if had_media and not force:
        raise BackupError(
            f"{media_root} is not empty; restore into an empty MEDIA_ROOT, "
            "or add --force (its files are kept beside it)"
        )
    staging = _stage_media(directory, manifest, media_root)
    try:
        if vendor == "sqlite":
            _restore_sqlite(connection, directory / manifest.database_file)
        else:
            _restore_postgresql(
                connection,
                directory / manifest.database_file,
                clean=bool(existing),
                timeout=timeout,
            )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replaced = None
    if had_media:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        replaced = media_root.parent / f"{media_root.name}.before-restore-{stamp}"
        media_root.rename(replaced)
    elif media_root.exists():
        media_root.rmdir()
    staging.rename(media_root)
    with connection.cursor() as cursor:
        counts = table_row_counts(cursor, vendor)
    if counts != manifest.tables:
        differences = [
            f"{table}: {counts.get(table, 'missing')} rows, manifest {manifest.tables.get(table)}"
            for table in sorted(set(counts) | set(manifest.tables))
            if counts.get(table) != manifest.tables.get(table)
        ]
        raise BackupError(
            "the restored database does not match the manifest: " + "; ".join(differences[:10])
        )
    return RestoreResult(
        manifest=manifest,
        manifest_sha256=manifest_sha256,
        media_root=media_root,
        replaced_media=replaced,
        seconds=time.monotonic() - started,
        unapplied_migrations=_unapplied_migrations(connection),
    )
