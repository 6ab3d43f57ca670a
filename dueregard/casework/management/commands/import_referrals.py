"""`manage.py import_referrals FILE.csv --authority ONS_CODE [--user USERNAME]`.

Imports historical referrals from a UTF-8 CSV (or XLSX) file; the columns are in
docs/data-formats/casework.md. The whole file is checked first: any error rejects it,
nothing is written, and every error is printed with its row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dueregard.accounts.models import User
from dueregard.accounts.permissions import Action, Kind, can
from dueregard.areas.models import Authority
from dueregard.casework.imports import import_referrals
from dueregard.core.importing import ImportRejected


class Command(BaseCommand):
    help = "Import historical referrals (and their pathway) from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A UTF-8 .csv file with a header row (or .xlsx).")
        parser.add_argument("--authority", required=True, metavar="ONS_CODE")
        parser.add_argument(
            "--user",
            default="",
            metavar="USERNAME",
            help="The person importing: recorded on the referrals and in the audit log. "
            "They must be a Prevent lead or Channel panel chair of the authority.",
        )

    def handle(self, *args: Any, file: str, authority: str, user: str, **options: Any) -> None:
        found = Authority.objects.filter(ons_code=authority.strip().upper()).first()
        if found is None:
            raise CommandError(f"No authority has the ONS code {authority!r}.")
        acting_user = None
        if user:
            acting_user = User.objects.filter(username=user, is_active=True).first()
            if acting_user is None:
                raise CommandError(f"No active user is called {user!r}.")
            if not can(acting_user, Kind.CASEWORK, Action.CHANGE, found):
                raise CommandError(f"{user} cannot change casework in {found.name}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            result = import_referrals(path, authority=found, acting_user=acting_user)
        except ImportRejected as rejected:
            raise CommandError(
                f"{path.name} was rejected; nothing was imported. "
                f"{len(rejected.errors)} error(s):\n" + "\n".join(str(e) for e in rejected.errors)
            ) from None
        linked = f", {result.people_linked} existing people linked" if result.people_linked else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: imported {result.referrals} referrals into {found.name}; "
                f"{result.people_created} people created "
                f"({result.unidentified_people} unidentified historical){linked}."
            )
        )
