from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "dueregard.engagement"
    label = "engagement"
    verbose_name = "Community engagement, projects and council resources"

    def ready(self) -> None:
        from dueregard.accounts.permissions import Action, Kind, can_anywhere
        from dueregard.core import navigation

        def may_list(user: object) -> bool:
            return can_anywhere(user, Kind.ENGAGEMENT, Action.LIST)

        navigation.register(
            navigation.Entry(
                label="Community engagement",
                url_name="engagement:index",
                description=(
                    "Community and faith groups, engagements, networks, events and the "
                    "communications log; funded projects; out-of-school settings, venue "
                    "checks and IT filtering checks."
                ),
                visible=may_list,
                order=50,
            )
        )
        navigation.register(
            navigation.Entry(
                label="Funded projects",
                url_name="engagement:project_list",
                description="Bids, funded projects, their quarterly outputs and spend.",
                visible=may_list,
                order=51,
                in_navigation=False,
            )
        )
        navigation.register(
            navigation.Entry(
                label="Out-of-school settings",
                url_name="engagement:setting_list",
                description="The register of out-of-school settings and their safeguarding.",
                visible=may_list,
                order=52,
                in_navigation=False,
            )
        )
