import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dueregard.core.client_address import client_address

from .context import RequestContext, current


class RequestContextMiddleware:
    """Gives each request an id (echoed in X-Request-ID) that its audit events carry,
    with the client's address as `core.client_address` reads it behind trusted proxies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current.set(RequestContext(request_id, client_address(request)))
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response
