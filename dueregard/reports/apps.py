from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dueregard.reports"
    label = "reports"
