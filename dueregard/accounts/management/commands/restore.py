"""`manage.py restore DIR [--force] [--timeout SECONDS]`

Restores a backup made by `manage.py backup`: checks every file against the manifest and
SHA256SUMS before touching anything, refuses a database that has tables or a MEDIA_ROOT that
has files unless `--force`, restores the database in one transaction and the files beside
it, checks every table's row count against the manifest, and records the restore in the
restored audit log. See docs/operations.md and docs/adr/0011-backup-restore.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import backup

from ._storage import media_root


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup made by `backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR", help="A directory made by `backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that has tables and a MEDIA_ROOT that has files "
            "(the files are kept beside it).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=backup.DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help="Stop pg_restore if it runs longer than this (default: 6 hours).",
        )

    def handle(
        self, *args: Any, directory: str, force: bool, timeout: float, **options: Any
    ) -> None:
        root = media_root()
        try:
            result = backup.restore_backup(
                Path(directory),
                connection=connection,
                media_root=root,
                force=force,
                timeout=timeout,
            )
        except backup.BackupError as error:
            raise CommandError(f"Restore failed: {error}") from None
        manifest = result.manifest
        with transaction.atomic():
            record(
                AuditAction.CHANGE,
                actor=None,
                object_type="database",
                object_id=manifest.created_at,
                detail={
                    "operation": "restore",
                    "directory": str(Path(directory).absolute()),
                    "manifest_sha256": result.manifest_sha256,
                    "backup_created_at": manifest.created_at,
                    "forced": force,
                    "os_user": backup.operating_system_user(),
                },
            )
        media = manifest.media_files
        self.stdout.write(
            f"Checked {len(manifest.files) + 1} files of {directory} against "
            f"{backup.MANIFEST} and {backup.CHECKSUMS}."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {manifest.vendor} backup of {manifest.created_at} "
                f"({len(manifest.tables)} tables, {manifest.rows:,} rows, every count as in "
                f"the manifest) and {len(media)} uploaded files into {result.media_root} "
                f"in {result.seconds:.1f} s."
            )
        )
        if result.replaced_media is not None:
            self.stdout.write(
                f"The files MEDIA_ROOT had before are kept in {result.replaced_media}."
            )
        if result.unapplied_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup is older than this code: {len(result.unapplied_migrations)} "
                    "migrations are not applied. Run `manage.py migrate` before serving."
                )
            )
