from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dueregard.training"
    label = "training"
