from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dueregard.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from dueregard.core import navigation

        from .permissions import Action, Kind, can_anywhere, is_administrator

        navigation.register(
            navigation.Entry(
                label="Users and areas",
                url_name="admin:index",
                description="Add users, give and take away their roles, and keep areas up to date.",
                visible=is_administrator,
                order=95,
            )
        )
        # The audit log's pages live here (accounts.auditlog); audit imports no rule.
        navigation.register(
            navigation.Entry(
                label="Audit log",
                url_name="audit:log",
                description="Search who viewed, changed or exported which record, and export it.",
                visible=lambda user: can_anywhere(user, Kind.AUDIT_LOG, Action.LIST),
                order=90,
            )
        )
