"""`manage.py backup DIR [--timeout SECONDS]`

Copies the database and the uploaded files (MEDIA_ROOT) into DIR, a new directory, with a
manifest (versions, database vendor, per-table row counts, per-file SHA-256) and a
SHA256SUMS file; see docs/operations.md and docs/adr/0011-backup-restore.md. The backup is
recorded in the audit log. Exits non-zero, leaving no DIR behind, if anything fails.
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
    help = "Back up the database and the uploaded files into DIR, with a manifest and checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR", help="A new (or empty) directory.")
        parser.add_argument(
            "--timeout",
            type=float,
            default=backup.DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help="Stop pg_dump if it runs longer than this (default: 6 hours).",
        )

    def handle(self, *args: Any, directory: str, timeout: float, **options: Any) -> None:
        root = media_root()
        try:
            result = backup.create_backup(
                Path(directory), connection=connection, media_root=root, timeout=timeout
            )
        except backup.BackupError as error:
            raise CommandError(f"Backup failed; nothing was written: {error}") from None
        manifest = result.manifest
        media = manifest.media_files
        media_bytes = sum(manifest.files[name].bytes for name in media)
        with transaction.atomic():
            record(
                AuditAction.EXPORT,
                actor=None,
                object_type="database",
                object_id=manifest.created_at,
                detail={
                    "operation": "backup",
                    "directory": str(Path(directory).absolute()),
                    "manifest_sha256": result.manifest_sha256,
                    "tables": len(manifest.tables),
                    "rows": manifest.rows,
                    "files": len(media),
                    "os_user": backup.operating_system_user(),
                },
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest.vendor} database ({len(manifest.tables)} tables, "
                f"{manifest.rows:,} rows) and {len(media)} uploaded files ({media_bytes:,} "
                f"bytes) from {root} to {result.directory} in {result.seconds:.1f} s."
            )
        )
        self.stdout.write(
            f"Manifest: {result.directory / backup.MANIFEST} "
            f"(SHA-256 {result.manifest_sha256}); check with "
            f"`cd {result.directory} && sha256sum --check {backup.CHECKSUMS}`."
        )
