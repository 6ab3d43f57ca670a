from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "dueregard.governance"
    label = "governance"
