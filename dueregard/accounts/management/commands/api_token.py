"""Issue, list and revoke partner API tokens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dueregard.accounts import services
from dueregard.accounts.models import ApiScope, ApiToken, User


class Command(BaseCommand):
    help = (
        "Partner API tokens. `issue --user USERNAME --agency AGENCY --name NAME --scope SCOPE "
        "[--scope ...] [--days 90]` prints the secret once; `list`; `revoke PREFIX`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("--user", required=True, help="the partner's service account")
        issue.add_argument("--agency", required=True)
        issue.add_argument("--name", required=True)
        issue.add_argument("--scope", action="append", required=True, choices=ApiScope.values)
        issue.add_argument("--days", type=int, default=90)
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args: object, verb: str, **options: Any) -> None:
        if verb == "issue":
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['user']!r}")
            try:
                token, key = services.issue_api_token(
                    service_account=user,
                    agency=str(options["agency"]),
                    name=str(options["name"]),
                    scopes=list(options["scope"]),
                    days=int(options["days"]),
                    acting_user=None,
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(
                f"Token {token.prefix} for {token.agency}, expires {token.expires_at:%Y-%m-%d}."
            )
            self.stdout.write("Secret (shown once; send it as 'Authorization: Bearer <secret>'):")
            self.stdout.write(key)
        elif verb == "list":
            for t in ApiToken.objects.select_related("user"):
                state = "revoked" if t.revoked_at else f"expires {t.expires_at:%Y-%m-%d}"
                self.stdout.write(
                    f"{t.prefix}  {t.agency}  {t.name}  {','.join(t.scopes)}  "
                    f"{t.user.username}  {state}"
                )
        else:
            found = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"No token with prefix {options['prefix']!r}")
            services.revoke_api_token(found, acting_user=None)
            self.stdout.write(f"Token {found.prefix} revoked.")
