from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "dueregard.assurance"
    label = "assurance"
