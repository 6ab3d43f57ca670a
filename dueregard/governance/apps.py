from django.apps import AppConfig

from dueregard.core import periods


class GovernanceConfig(AppConfig):
    name = "dueregard.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from typing import Any

        from dueregard.accounts.permissions import Action, Kind, can_anywhere
        from dueregard.core import navigation

        from . import queries

        navigation.register(
            navigation.Entry(
                label="Governance",
                url_name="governance:index",
                description=(
                    "Boards and groups, their meetings, attendance and actions, and the "
                    "reports owed to each board."
                ),
                visible=lambda user: can_anywhere(user, Kind.GOVERNANCE, Action.LIST),
                order=60,
            )
        )

        def panel_context(user: Any) -> dict[str, Any]:
            today = periods.today()
            return {
                "reports": list(queries.overdue_commitments(user, today)[:10]),
                "actions_count": queries.overdue_actions(user, today).count(),
            }

        # The Prevent lead owns the reporting schedule: the overdue list is on their home page.
        navigation.register_home_panel(
            "governance-overdue",
            navigation.HomePanel(
                template_name="governance/home_panel.html",
                context=panel_context,
                visible=lambda user: can_anywhere(user, Kind.GOVERNANCE, Action.CHANGE),
                order=40,
            ),
        )
