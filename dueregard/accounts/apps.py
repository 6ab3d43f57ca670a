from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dueregard.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from dueregard.core import navigation

        from .permissions import is_administrator

        navigation.register(
            navigation.Entry(
                label="Users and areas",
                url_name="admin:index",
                description="Add users, give and take away their roles, and keep areas up to date.",
                visible=is_administrator,
                order=95,
            )
        )
