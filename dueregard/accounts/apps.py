from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dueregard.accounts"
    label = "accounts"
    verbose_name = "Accounts"
