"""`manage.py import_training snapshots|sessions|evaluations FILE --authority ONS_CODE`.

Reads a CSV or XLSX file (formats in docs/data-formats/training.md). The whole file is
checked first: any error rejects it, nothing is written, and every error is printed with
its row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dueregard.accounts.models import User
from dueregard.areas.models import Authority
from dueregard.core.importing import ImportRejected
from dueregard.training.imports import IMPORTERS

NOUNS = {"snapshots": "snapshots", "sessions": "sessions", "evaluations": "feedback forms"}


class Command(BaseCommand):
    help = "Import training headcount snapshots, sessions or feedback forms from CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="What the file holds.")
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument("--authority", required=True, help="The authority's ONS code.")
        parser.add_argument(
            "--user", default="", help="Username to record in the audit log as the importer."
        )

    def handle(self, *args: Any, kind: str, file: str, authority: str, user: str, **_: Any) -> None:
        found = Authority.objects.filter(ons_code=authority.strip().upper()).first()
        if found is None:
            raise CommandError(f"No authority has the ONS code {authority!r}.")
        acting_user = None
        if user:
            acting_user = User.objects.filter(username=user, is_active=True).first()
            if acting_user is None:
                raise CommandError(f"No active user is called {user!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            result = IMPORTERS[kind](found, path, acting_user=acting_user)
        except ImportRejected as rejected:
            raise CommandError(
                f"{path.name} was rejected; nothing was imported. "
                f"{len(rejected.errors)} error(s):\n" + "\n".join(str(e) for e in rejected.errors)
            ) from None
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {result.summary(NOUNS[kind])}."))
