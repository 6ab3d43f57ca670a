"""`python manage.py child_protection link|unlink PERSON --reason TEXT --user USERNAME
[--noted-on YYYY-MM-DD]`

Links a person's records to child protection (so the longer retention rule applies) or ends
the link. PERSON is the person's record number, as `apply_retention --dry-run` and the
retention page show it. The user is the person responsible: they must be allowed to change
retention in the person's authority. Audited with the reason; nothing is deleted.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dueregard.accounts.models import User
from dueregard.casework.models import Person
from dueregard.core import periods
from dueregard.privacy import services


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--noted-on: {text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Link a person's records to child protection (longer retention), or end the link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("change", choices=["link", "unlink"])
        parser.add_argument("person", type=int, help="the person's record number")
        parser.add_argument("--reason", required=True, help="why (kept in the audit log)")
        parser.add_argument("--user", required=True, help="username of the person responsible")
        parser.add_argument("--noted-on", help="link: the day it was noted (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.select_related("authority").filter(pk=options["person"]).first()
        if person is None:
            raise CommandError(f"No person has the record number {options['person']}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {options['user']}")
        try:
            if options["change"] == "link":
                noted_on = _day(options["noted_on"]) if options["noted_on"] else periods.today()
                link = services.link_child_protection(
                    person, noted_on=noted_on, reason=options["reason"], acting_user=user
                )
                self.stdout.write(
                    f"Person {person.pk}: linked to child protection since "
                    f"{link.noted_on:%Y-%m-%d}; the longer retention rule applies."
                )
            else:
                services.unlink_child_protection(person, reason=options["reason"], acting_user=user)
                self.stdout.write(
                    f"Person {person.pk}: no longer linked to child protection; the usual "
                    "retention rule applies."
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
