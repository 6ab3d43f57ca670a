from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "dueregard.engagement"
    label = "engagement"
