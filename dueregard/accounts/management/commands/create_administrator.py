"""The first administrator of a new installation: `manage.py create_administrator USERNAME
--authority ONS_CODE --full-name NAME [--email ADDRESS] [--noinput]`.

Django's `createsuperuser` makes a user Due Regard does not treat as an administrator: the
admin site and every page decide by role (accounts.permissions), and the Administrator role is
held in an authority. This creates the user with a password (asked twice, or with `--noinput`
from DJANGO_SUPERUSER_PASSWORD, as Django's own command reads it), checked by the password
rules, and gives them the Administrator role in the council's authority, audited; the
administrator then needs an enrolment link for their second factor (`enrolment_link`).
Nothing is written if any part is refused.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dueregard.accounts import services
from dueregard.accounts.models import Role, User
from dueregard.areas.models import Authority

PASSWORD_VARIABLE = "DJANGO_SUPERUSER_PASSWORD"  # noqa: S105  # the variable's name, not a password


class Command(BaseCommand):
    help = (
        "Create an administrator (the Administrator role in the council's authority) with a "
        "password, for a new installation. Then issue their enrolment link. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--authority",
            required=True,
            help="the council's ONS code, e.g. E09000001 (load_areas authorities first)",
        )
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_true",
            help=f"take the password from {PASSWORD_VARIABLE} instead of asking",
        )

    def handle(
        self,
        *args: object,
        username: str,
        authority: str,
        full_name: str,
        email: str,
        noinput: bool,
        **options: Any,
    ) -> None:
        council = Authority.objects.filter(ons_code=authority).first()
        if council is None:
            raise CommandError(
                f"No authority with ONS code {authority!r}: load the authorities first "
                "(manage.py load_areas authorities FILE.csv, docs/data-formats.md)"
            )
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(
                f"A user {username!r} already exists: give them the Administrator role in the "
                "admin instead"
            )
        password = self._password(noinput)
        candidate = User(username=username, full_name=full_name, email=email)
        try:
            validate_password(password, candidate)
        except ValidationError as refused:
            raise CommandError("Password: " + " ".join(refused.messages)) from None
        with transaction.atomic():
            try:
                user = services.create_user(
                    username=username,
                    full_name=full_name,
                    email=email,
                    password=password,
                    acting_user=None,
                )
            except ValidationError as refused:
                problems = "; ".join(
                    f"{field}: {' '.join(messages)}"
                    for field, messages in refused.message_dict.items()
                )
                raise CommandError(problems) from None
            services.grant_membership(user, Role.ADMINISTRATOR, authority=council, acting_user=None)
        self.stdout.write(
            f"Created {user.username} ({user}), Administrator in {council.name}. Next, issue "
            f"their enrolment link: manage.py enrolment_link {user.username}"
        )

    def _password(self, noinput: bool) -> str:
        if noinput:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"With --noinput, set the password in {PASSWORD_VARIABLE}")
            return password
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords are not the same")
        return first
