from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dueregard.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from dueregard.accounts.permissions import Action, Kind, can_anywhere
        from dueregard.core import navigation

        navigation.register(
            navigation.Entry(
                label="Reports",
                url_name="reports:index",
                description=(
                    "Build statistics and reports for a period, for your team, a board, "
                    "partners or the public, and download them."
                ),
                visible=lambda user: can_anywhere(user, Kind.STATISTICS, Action.VIEW),
                order=80,
            )
        )
