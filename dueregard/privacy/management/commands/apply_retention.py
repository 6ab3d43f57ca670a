"""`python manage.py apply_retention [--dry-run] [--authority ONS_CODE] [--user USERNAME]`

Applies each authority's retention schedule. `--dry-run` lists what would go and why
(person record number, referral ids, rule, due date) and changes nothing; a real run
needs `--user`, the person responsible, who is named on each destruction record and must
be allowed to change retention (the permission rules) in each authority it covers: without
`--authority`, a real run covers the authorities where the user may.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dueregard.accounts.models import User
from dueregard.accounts.permissions import Action, Kind, authorities_for
from dueregard.areas.models import Authority
from dueregard.core import periods
from dueregard.privacy import services


class Command(BaseCommand):
    help = "Apply the retention schedule: list (--dry-run) or remove personal details now due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List only; change nothing.")
        parser.add_argument("--authority", help="ONS code of one authority (default: all).")
        parser.add_argument("--user", help="Username of the person responsible (real runs).")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        authorities = Authority.objects.order_by("name")
        if options["authority"]:
            authorities = authorities.filter(ons_code=options["authority"])
            if not authorities.exists():
                raise CommandError(f"No authority has the ONS code {options['authority']}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user is called {options['user']}")
        elif not dry_run:
            raise CommandError("A real run needs --user (who is responsible); or use --dry-run")
        if user is not None and not dry_run and not options["authority"]:
            authorities = authorities.filter(
                pk__in=authorities_for(user, Kind.RETENTION, Action.CHANGE)
            )
            if not authorities.exists():
                raise CommandError(f"{user.username} may not change retention in any authority")
        on = periods.today()
        for authority in authorities:
            try:
                run = services.apply_retention(authority, on=on, dry_run=dry_run, acting_user=user)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            self._report(run)

    def _report(self, run: services.RetentionRun) -> None:
        verb = "would be removed" if run.dry_run else "removed"
        self.stdout.write(
            f"{run.authority.name} ({run.authority.ons_code}) on {run.on:%Y-%m-%d}: "
            f"{len(run.due)} people's personal details {verb}; {len(run.held)} on legal hold kept."
        )
        for due in run.due:
            refs = ",".join(str(i) for i in due.referral_ids)
            self.stdout.write(
                f"  person {due.person.pk}: referrals {refs}; rule: {due.rule}; "
                f"due {due.due_on:%Y-%m-%d}"
            )
        for due in run.held:
            self.stdout.write(
                f"  person {due.person.pk}: on legal hold, kept (due {due.due_on:%Y-%m-%d})"
            )
        for destruction in run.destroyed:
            self.stdout.write(
                f"  destruction record {destruction.pk}: person {destruction.person_id}"
            )
