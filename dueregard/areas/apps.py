from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "dueregard.areas"
    label = "areas"
    verbose_name = "Areas"
