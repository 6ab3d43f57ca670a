from typing import Any

from django.apps import AppConfig
from django.core import checks

from dueregard.core.navigation import Entry, register


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _administrator(user: Any) -> bool:
    from dueregard.accounts.permissions import Action, Kind, can_anywhere

    return can_anywhere(user, Kind.USERS, Action.LIST)


# On the home page only (not the service navigation): everyone's own settings, and the
# administrators' outbox.
ENTRIES = (
    Entry(
        "Notification settings",
        "notifications:preferences",
        "Choose which e-mails Due Regard sends you.",
        _signed_in,
        order=95,
        in_navigation=False,
    ),
    Entry(
        "Outbox",
        "notifications:outbox",
        "The notifications the service has sent, or would have sent through GOV.UK Notify.",
        _administrator,
        order=96,
        in_navigation=False,
    ),
)


def notify_configuration(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with a GOV.UK Notify configuration that cannot send."""
    from .backends import configuration_problems

    return [checks.Error(problem, id="notifications.E001") for problem in configuration_problems()]


class NotificationsConfig(AppConfig):
    name = "dueregard.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        for entry in ENTRIES:
            register(entry)
        checks.register(notify_configuration, checks.Tags.compatibility)
