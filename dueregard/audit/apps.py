from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dueregard.audit"
    label = "audit"
    verbose_name = "Audit"
