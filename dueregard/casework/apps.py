from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "dueregard.casework"
    label = "casework"
