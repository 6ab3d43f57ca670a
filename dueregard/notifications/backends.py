"""How a notification leaves Due Regard: one small interface, `send(message)`, and two
backends behind it, chosen from the environment (`NOTIFY_BACKEND`):

- `outbox` (the default; the demo and the tests use it) writes each message to the
  `OutboxMessage` table, which administrators read on the Outbox page;
- `govuk` sends it through GOV.UK Notify with `notifications-python-client`, using the
  template id configured for its kind (`NOTIFY_TEMPLATE_<KIND>`, else
  `NOTIFY_TEMPLATE_DEFAULT`) and `NOTIFY_API_KEY`.

A setting in Django's settings wins over the environment variable of the same name, so
tests and deployments may set either.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client.notifications import NotificationsAPIClient

from .models import NotificationKind, OutboxMessage

NOTIFY_API_URL = "https://api.notifications.service.gov.uk"
DEFAULT_BASE_URL = "http://localhost:8000"

SUBJECTS: dict[str, str] = {
    NotificationKind.REVIEW_DUE: "Post-exit review due within 7 days",
    NotificationKind.REVIEW_OVERDUE: "Post-exit review overdue",
    NotificationKind.SUPPORT_LAPSING: "Channel support lapsing",
    NotificationKind.AGENDA: "Panel meeting agenda ready",
    NotificationKind.ACTION_DUE: "Panel action due within 7 days",
}

# The kind's fixed wording; only the reference and the link are filled in.
BODIES: dict[str, str] = {
    NotificationKind.REVIEW_DUE: "A post-exit review of referral {reference} is due within 7 days.",
    NotificationKind.REVIEW_OVERDUE: "A post-exit review of referral {reference} is overdue.",
    NotificationKind.SUPPORT_LAPSING: (
        "Referral {reference} has had no delivered Channel support contact within its "
        "support plan's contact interval."
    ),
    NotificationKind.AGENDA: "The agenda for {reference} is ready.",
    NotificationKind.ACTION_DUE: "{reference} is due within 7 days.",
}


def setting(name: str, default: str = "") -> str:
    """A notification setting: Django's setting of that name if set, else the environment
    variable, else `default`."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    return str(value).strip() or default


@dataclass(frozen=True)
class Message:
    """A notification to one person: who, which kind, a reference and a link. Nothing else
    goes in it, so no personal data can (see docs/notifications.md)."""

    email_address: str
    kind: str
    reference: str
    link: str

    @property
    def subject(self) -> str:
        return SUBJECTS[self.kind]

    @property
    def body(self) -> str:
        return f"{BODIES[self.kind].format(reference=self.reference)}\n\nOpen it: {self.link}"

    @property
    def personalisation(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "body": self.body,
            "reference": self.reference,
            "link": self.link,
        }


class Backend(Protocol):
    name: str

    def send(self, message: Message) -> str:
        """Send `message`; return the provider's id for it. Raises if it was not accepted."""
        ...


def template_id(kind: str) -> str:
    return setting(f"NOTIFY_TEMPLATE_{kind.upper()}") or setting("NOTIFY_TEMPLATE_DEFAULT")


class OutboxBackend:
    """Writes each message to the outbox table instead of sending it."""

    name = "outbox"

    def send(self, message: Message) -> str:
        row = OutboxMessage.objects.create(
            email_address=message.email_address,
            kind=message.kind,
            template_id=template_id(message.kind),
            reference=message.reference,
            link=message.link,
            subject=message.subject,
            body=message.body,
        )
        return f"outbox-{row.pk}"


class NotifyBackend:
    """Sends each message as an e-mail through GOV.UK Notify."""

    name = "govuk"

    def __init__(self, api_key: str, base_url: str = NOTIFY_API_URL) -> None:
        if not api_key:
            raise ImproperlyConfigured("NOTIFY_BACKEND=govuk needs NOTIFY_API_KEY")
        self.client = NotificationsAPIClient(api_key, base_url=base_url)

    def send(self, message: Message) -> str:
        template = template_id(message.kind)
        if not template:
            raise ImproperlyConfigured(
                f"No GOV.UK Notify template for {message.kind}: set "
                f"NOTIFY_TEMPLATE_{message.kind.upper()} or NOTIFY_TEMPLATE_DEFAULT"
            )
        response = self.client.send_email_notification(
            email_address=message.email_address,
            template_id=template,
            personalisation=message.personalisation,
            reference=message.reference,
        )
        return str(response["id"])


def configuration_problems() -> list[str]:
    """What stops the configured backend from sending (empty when nothing does)."""
    name = setting("NOTIFY_BACKEND", "outbox")
    if name == "outbox":
        return []
    if name != "govuk":
        return [f"NOTIFY_BACKEND must be 'outbox' or 'govuk', not '{name}'"]
    problems = []
    if not setting("NOTIFY_API_KEY"):
        problems.append("NOTIFY_BACKEND=govuk needs NOTIFY_API_KEY")
    missing = [k for k in NotificationKind if not template_id(k)]
    if missing:
        problems.append(
            "NOTIFY_BACKEND=govuk needs NOTIFY_TEMPLATE_DEFAULT or a template for each of: "
            + ", ".join(str(k.value) for k in missing)
        )
    return problems


def get_backend() -> Backend:
    """The backend the settings choose; refuses a configuration that cannot send."""
    problems = configuration_problems()
    if problems:
        raise ImproperlyConfigured("; ".join(problems))
    if setting("NOTIFY_BACKEND", "outbox") == "govuk":
        return NotifyBackend(
            setting("NOTIFY_API_KEY"), base_url=setting("NOTIFY_API_URL", NOTIFY_API_URL)
        )
    return OutboxBackend()


def absolute(path: str) -> str:
    """The link to a page of the service, from `NOTIFY_BASE_URL` (the public address)."""
    return setting("NOTIFY_BASE_URL", DEFAULT_BASE_URL).rstrip("/") + path
