"""`manage.py send_notifications [--dry-run]`: the notification sweep (the scheduled job).

Safe to run every few minutes: a message already sent for an event is never sent again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dueregard.notifications.backends import OutboxBackend
from dueregard.notifications.services import send_notifications


class Command(BaseCommand):
    help = (
        "Send the notifications due today (reviews, lapsing support, agendas, panel "
        "actions) that have not been sent yet. --dry-run lists them and sends nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send nothing."
        )
        parser.add_argument(
            "--outbox",
            action="store_true",
            help="Write to the local outbox whatever NOTIFY_BACKEND says (the demo uses it).",
        )

    def handle(self, *args: Any, dry_run: bool, outbox: bool, **options: Any) -> None:
        result = send_notifications(dry_run=dry_run, backend=OutboxBackend() if outbox else None)
        verb = "Would send" if dry_run else "Sent"
        if options["verbosity"] > 1 or dry_run:
            for message in result.sent:
                self.stdout.write(f"{message.kind}\t{message.email_address}\t{message.reference}")
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            f"{verb} {len(result.sent)}; already sent {result.already_sent}; "
            f"turned off {result.turned_off}; not allowed {result.not_allowed}."
        )
