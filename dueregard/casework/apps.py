from typing import Any

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "dueregard.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from dueregard.accounts.permissions import Action, Kind, can_anywhere
        from dueregard.core import navigation

        def casework_role(user: Any) -> bool:
            return can_anywhere(user, Kind.CASEWORK, Action.LIST)

        def panel_member_only(user: Any) -> bool:
            return can_anywhere(user, Kind.PANEL, Action.LIST) and not casework_role(user)

        navigation.register(
            navigation.Entry(
                label="Casework",
                url_name="casework:queue",
                description=(
                    "Your work queue: referrals to triage, gateway outcomes, panel cases, "
                    "overdue actions, reviews due and support falling behind."
                ),
                visible=casework_role,
                order=10,
            )
        )
        navigation.register(
            navigation.Entry(
                label="People",
                url_name="casework:people",
                description="Find a person and everything that has happened on their referrals.",
                visible=casework_role,
                order=11,
            )
        )
        navigation.register(
            navigation.Entry(
                label="Channel panels",
                url_name="casework:panels",
                description="Panels, their members, meetings, agendas, decisions and actions.",
                visible=lambda user: can_anywhere(user, Kind.PANEL, Action.LIST),
                order=12,
            )
        )
        navigation.register(
            navigation.Entry(
                label="Panel actions",
                url_name="casework:actions",
                description="Actions from panel meetings: yours, and when they are due.",
                visible=panel_member_only,
                order=13,
            )
        )
        navigation.register_home_panel(
            "casework.work_queue",
            navigation.HomePanel(
                template_name="casework/home_panel.html",
                context=_queue_counts,
                visible=casework_role,
                order=10,
            ),
        )
        navigation.register_home_panel(
            "casework.panel_member",
            navigation.HomePanel(
                template_name="casework/member_home_panel.html",
                context=_member_work,
                visible=panel_member_only,
                order=10,
            ),
        )


def _queue_counts(user: Any) -> dict[str, Any]:
    from dueregard.core.periods import today

    from .queries import caseload

    work = caseload(user, today())
    return {"sections": work.sections(), "counts": work.counts(), "open_cases": work.open_cases}


def _member_work(user: Any) -> dict[str, Any]:
    from dueregard.core.periods import today

    from .queries import member_queue

    return member_queue(user, today())
