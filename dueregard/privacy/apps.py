from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "dueregard.privacy"
    label = "privacy"
    verbose_name = "Personal data lifecycle"
