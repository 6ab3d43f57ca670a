from typing import Any

from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "dueregard.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from dueregard.accounts.permissions import Action, Kind, can_anywhere
        from dueregard.core import navigation

        navigation.register(
            navigation.Entry(
                label="Notification settings",
                url_name="notifications:preferences",
                description="Choose which e-mails Due Regard sends you.",
                visible=lambda user: bool(getattr(user, "is_authenticated", False)),
                order=95,
                in_navigation=False,
            )
        )
        navigation.register(
            navigation.Entry(
                label="Outbox",
                url_name="notifications:outbox",
                description="The notifications the service has sent, or would have sent "
                "through GOV.UK Notify.",
                visible=lambda user: can_anywhere(user, Kind.USERS, Action.LIST),
                order=96,
                in_navigation=False,
            )
        )
        checks.register(notify_configuration, checks.Tags.compatibility)


def notify_configuration(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with a GOV.UK Notify configuration that cannot send."""
    from .backends import configuration_problems

    return [checks.Error(problem, id="notifications.E001") for problem in configuration_problems()]
