"""The API root: /api/v1/... endpoints, the OpenAPI schema and its documentation page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dueregard.accounts.access import Access

from . import views

app_name = "api"


class Schema(SpectacularAPIView):
    """The OpenAPI document: field names and shapes only, no data."""

    access = Access("public", methods=("GET",))


class Docs(SpectacularSwaggerSplitView):
    """The API's documentation: Swagger UI over the schema, served from our own static files
    (drf-spectacular-sidecar) with its start-up script as a separate file, so the page keeps
    the service's Content-Security-Policy and loads nothing from outside."""

    access = Access("public", methods=("GET",))
    url_name = "api:schema"
    template_name = "api/swagger_ui.html"
    title = "Due Regard API documentation"


urlpatterns = [
    path("", views.Versions.as_view(), name="root"),
    path("schema/", Schema.as_view(), name="schema"),
    path("docs/", Docs.as_view(), name="docs"),
    path("v1/me/", views.WhoAmI.as_view(), name="whoami"),
    path("v1/", include("dueregard.casework.api")),
]
