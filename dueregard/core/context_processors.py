from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, object]:
    """Service name, phase and the signed-in user's navigation, for every page."""
    from dueregard.core.navigation import navigation_for

    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "navigation": navigation_for(request),
    }
