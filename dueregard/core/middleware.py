"""Response headers every page needs, whichever app served it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` from `settings.PERMISSIONS_POLICY` on every response.

    Registered before WhiteNoise so static files carry it too. A feature mapped to an
    empty list is denied to the page and to anything it embeds; a view that sets its own
    header keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NoStoreMiddleware:
    """Marks every response the site's views produce `Cache-Control: no-store, private`.

    Shared council PCs must not keep personal pages or API answers in a browser or proxy
    cache. Registered after WhiteNoise, so static files (which hold nothing personal and
    are served before this runs) stay cacheable; everything else is marked, signed in or
    not, because a rule that asked "is this page personal?" could miss one, and the pages
    a visitor sees before signing in (sign-in, errors) gain nothing from caching.
    Directives a view set are kept, except `public`, which `private` replaces.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
