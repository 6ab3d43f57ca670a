from typing import Any

from django.apps import AppConfig

from dueregard.core import periods


class PrivacyConfig(AppConfig):
    name = "dueregard.privacy"
    label = "privacy"
    verbose_name = "Personal data lifecycle"

    def ready(self) -> None:
        from dueregard.accounts.permissions import Action, Kind, can_anywhere
        from dueregard.core import navigation

        navigation.register(
            navigation.Entry(
                label="Retention",
                url_name="privacy:retention",
                description=(
                    "The retention schedule, records due for removal, legal holds and the "
                    "destruction record."
                ),
                visible=lambda user: can_anywhere(user, Kind.RETENTION, Action.LIST),
                order=70,
            )
        )
        navigation.register(
            navigation.Entry(
                label="Information sharing",
                url_name="privacy:sharing",
                description=(
                    "What was shared with or received from partners, why, on what lawful "
                    "basis; and data-sharing agreements."
                ),
                visible=lambda user: can_anywhere(user, Kind.SHARING, Action.LIST),
                order=71,
            )
        )
        navigation.register(
            navigation.Entry(
                label="Data-sharing agreements",
                url_name="privacy:agreements",
                description="Partners' data-sharing agreements and the agencies without one.",
                visible=lambda user: can_anywhere(user, Kind.SHARING, Action.LIST),
                order=72,
                in_navigation=False,
            )
        )
        navigation.register(
            navigation.Entry(
                label="Access review",
                url_name="privacy:access_review",
                description=(
                    "Who viewed which records, views by users with no role on the case, "
                    "unusual volumes and exports of personal data."
                ),
                visible=lambda user: can_anywhere(user, Kind.ACCESS_REVIEW, Action.VIEW),
                order=73,
            )
        )
        navigation.register_home_panel(
            "privacy.retention_due",
            navigation.HomePanel(
                template_name="privacy/home_panel.html",
                context=_retention_warning,
                visible=lambda user: can_anywhere(user, Kind.RETENTION, Action.CHANGE),
                order=60,
            ),
        )
        navigation.register_notices("casework.panel", "privacy.agreements", _panel_agreements)


def _retention_warning(user: Any) -> dict[str, Any]:
    from dueregard.accounts.permissions import Action, Kind, authorities_for

    from . import queries, services

    today = periods.today()
    due: list[Any] = []
    authorities = authorities_for(user, Kind.RETENTION, Action.CHANGE)
    for authority in authorities:
        due += services.due_soon(authority, on=today)
    return {
        "due": due,
        "linked": sum(1 for d in due if d.referral_count > 1),
        "days": services.WARNING_DAYS,
        "missing": queries.agencies_without_agreement(authorities, today),
    }


def _panel_agreements(user: Any, panel: Any) -> list[Any]:
    """On a Channel panel's page, for users who may see the agreements: each partner agency
    of a standing member without a data-sharing agreement current today."""
    from django.urls import reverse

    from dueregard.accounts.permissions import Action, Kind, can
    from dueregard.areas.models import Authority
    from dueregard.core.navigation import Notice

    from . import queries

    if not can(user, Kind.SHARING, Action.LIST, panel.authority):
        return []
    missing = queries.agencies_without_agreement(
        Authority.objects.filter(pk=panel.authority_id), periods.today()
    )
    return [
        Notice(
            text=(
                f"{m.agency} has no current data-sharing agreement "
                f"({m.members} standing member{'s' if m.members != 1 else ''})."
            ),
            link_url=reverse("privacy:agreements"),
            link_text="Data-sharing agreements",
        )
        for m in missing
        if m.panel == panel.name
    ]
