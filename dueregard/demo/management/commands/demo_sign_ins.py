"""Print the demo sign-ins: username, role, password, authenticator key and backup codes."""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp

from dueregard.demo.context import DEMO_PASSWORD
from dueregard.demo.steps.users import DEMO_USERS, backup_codes, totp_key


class Command(BaseCommand):
    help = "Print how to sign in as each demo user (second factor included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", metavar="USERNAME", help="Print USERNAME's current code.")
        parser.add_argument(
            "--address",
            default="http://127.0.0.1:8000",
            help="Where the demo is served (make demo passes its PORT).",
        )

    def handle(self, *args: object, code: str | None, address: str, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo sign-ins do not exist in production.")
        if code:
            self.stdout.write(f"{totp(bytes.fromhex(totp_key(code))):06d}")
            return
        w = self.stdout.write
        w("")
        w(f"Demo borough: Kingsmere (fictional). Sign in at {address.rstrip('/')}/sign-in/")
        w(f"Every demo user's password: {DEMO_PASSWORD}")
        w("Second factor: enter one of the user's backup codes below (each works once; run")
        w("`make demo` again to restore them), or add the key to an authenticator app, or run")
        w("`.venv/bin/python manage.py demo_sign_ins --code USERNAME` for the current code.")
        w("")
        roles = {
            spec.username: spec.role.label
            + ", "
            + (
                "Ashbury"
                if spec.authority == "other"
                else ("London region" if not spec.authority else "Kingsmere")
            )
            for spec in DEMO_USERS
        }
        width = max(len(role) for role in roles.values())
        w(f"{'username':<14} {'role':<{width}} key for an authenticator app")
        for spec in DEMO_USERS:
            key = base64.b32encode(bytes.fromhex(totp_key(spec.username))).decode()
            w(f"{spec.username:<14} {roles[spec.username]:<{width}} {key}")
            w(f"{'':<14} backup codes: {' '.join(backup_codes(spec.username)[:5])}")
        w("")
