from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dueregard.demo"
    label = "demo"
    verbose_name = "Demo borough"
