"""Lift a sign-in lockout: `manage.py unlock_user USERNAME [--address IP]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dueregard.accounts import services


class Command(BaseCommand):
    help = (
        "Lift the sign-in lockout of USERNAME (from every address, or only from --address), "
        "so the user has the full number of tries again. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--address", help="only the lockout from this client address")

    def handle(self, *args: object, username: str, address: str | None, **options: Any) -> None:
        locked = [a for a in services.locked_addresses(username) if address in (None, a)]
        cleared = services.unlock_sign_in(username, ip_address=address, acting_user=None)
        if not cleared:
            where = f" from {address}" if address else ""
            raise CommandError(f"No failed sign-ins recorded for {username!r}{where}")
        if locked:
            self.stdout.write(f"Unlocked {username} (was locked from {', '.join(locked)}).")
        else:
            self.stdout.write(f"{username} was not locked; cleared its failed sign-ins.")
