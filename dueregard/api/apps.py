from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dueregard.api"
    label = "api"

    def ready(self) -> None:
        from dueregard.accounts.permissions import API_DOCUMENTATION_ROLES, has_role
        from dueregard.core import navigation

        from . import schema  # noqa: F401  (registers the OpenAPI auth extensions)

        navigation.register(
            navigation.Entry(
                label="API documentation",
                url_name="api:docs",
                description=(
                    "How partner systems read and send referrals: every endpoint, its scopes, "
                    "responses and errors."
                ),
                # Administrators issue partner tokens; leads agree what partners may do.
                visible=lambda user: has_role(user, *API_DOCUMENTATION_ROLES),
                order=90,
                in_navigation=False,
            )
        )
