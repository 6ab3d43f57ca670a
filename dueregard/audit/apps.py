from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dueregard.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from dueregard.accounts.permissions import Action, Kind, can_anywhere
        from dueregard.core import navigation

        navigation.register(
            navigation.Entry(
                label="Audit log",
                url_name="audit:log",
                description="Search who viewed, changed or exported which record, and export it.",
                visible=lambda user: can_anywhere(user, Kind.AUDIT_LOG, Action.LIST),
                order=90,
            )
        )
