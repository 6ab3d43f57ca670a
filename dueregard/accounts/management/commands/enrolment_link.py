"""Issue a single-use enrolment link: `manage.py enrolment_link USERNAME [--address URL]`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from dueregard.accounts import services
from dueregard.accounts.models import User


def default_address() -> str:
    """The site's address: the first allowed host over HTTPS in production, else the
    development server's."""
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    if settings.PRODUCTION and hosts:
        return f"https://{hosts[0]}"
    return "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Issue USERNAME a single-use link to set up their authenticator app (a new user, or "
        "after a lost phone), and print it once. Removes the user's current authenticator "
        "and backup codes, and withdraws earlier links. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--address",
            help="the site's address, e.g. https://dueregard.example.gov.uk "
            "(default: the first ALLOWED_HOSTS over HTTPS in production)",
        )

    def handle(self, *args: object, username: str, address: str | None, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        if not user.is_active:
            raise CommandError(f"User {username!r} is deactivated: reactivate them first")
        link, secret = services.issue_enrolment_link(user, acting_user=None)
        base = (address or default_address()).rstrip("/")
        self.stdout.write(
            f"Enrolment link for {user.username} ({user}), single use, "
            f"expires {timezone.localtime(link.expires_at):%Y-%m-%d %H:%M %Z}:"
        )
        self.stdout.write(base + reverse("accounts:enrol", args=[secret]))
