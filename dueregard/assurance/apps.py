from typing import Any

from django.apps import AppConfig

from dueregard.core import periods


def _home_panel(user: Any) -> dict[str, Any]:
    """Overdue and soon-due actions, and risk reviews due, in the lead's authorities."""
    import datetime

    from django.db.models import Q

    from dueregard.accounts.permissions import Action

    from . import queries
    from .models import ActionStatus

    today = periods.today()
    actions = queries.actions_visible_to(user, Action.CHANGE).filter(archived=False)
    soon = today + datetime.timedelta(days=30)
    counts = actions.aggregate(
        overdue=models_count(queries.overdue_q(today)),
        due_soon=models_count(
            Q(target_date__gte=today, target_date__lte=soon) & ~Q(status=ActionStatus.COMPLETE)
        ),
    )
    reviews_due = (
        queries.risks_visible_to(user, Action.CHANGE)
        .filter(archived=False, review_date__lt=today)
        .count()
    )
    return {**counts, "reviews_due": reviews_due}


def models_count(condition: Any) -> Any:
    from django.db.models import Count

    return Count("id", filter=condition)


class AssuranceConfig(AppConfig):
    name = "dueregard.assurance"
    label = "assurance"
    verbose_name = "Assurance"

    def ready(self) -> None:
        from dueregard.accounts.permissions import Action, Kind, can_anywhere
        from dueregard.core import navigation

        def may_list(user: Any) -> bool:
            return can_anywhere(user, Kind.ASSURANCE, Action.LIST)

        navigation.register(
            navigation.Entry(
                label="Assurance",
                url_name="assurance:index",
                description="The Prevent strategy and action plan, the toolkit benchmarks "
                "with self-assessment and evidence, the risk register, CTLPs and incidents.",
                visible=may_list,
                order=40,
            )
        )
        navigation.register(
            navigation.Entry(
                label="National threat level",
                url_name="assurance:threat_level_list",
                description="The UK national terrorism threat level now and its history.",
                visible=lambda user: bool(getattr(user, "is_authenticated", False)),
                order=95,
                in_navigation=False,
            )
        )
        navigation.register_home_panel(
            "assurance_actions",
            navigation.HomePanel(
                template_name="assurance/home_panel.html",
                context=_home_panel,
                visible=lambda user: can_anywhere(user, Kind.ASSURANCE, Action.CHANGE),
                order=40,
            ),
        )
