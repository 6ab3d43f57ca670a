"""The project's URLs plus one view that fails, to see the service's own 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from dueregard.accounts.access import public
from dueregard.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


@public
def fault(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault for the test")


urlpatterns = [*urlpatterns, path("fault-for-the-test/", fault)]
