from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dueregard.api"
    label = "api"
