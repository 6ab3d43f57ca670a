"""The API root: /api/v1/... endpoints, the OpenAPI schema and its documentation page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from dueregard.accounts.access import Access

from . import views

app_name = "api"


class Schema(SpectacularAPIView):
    """The OpenAPI document: field names and shapes only, no data."""

    access = Access("public", methods=("GET",))


urlpatterns = [
    path("schema/", Schema.as_view(), name="schema"),
    path("v1/me/", views.WhoAmI.as_view(), name="whoami"),
    path("v1/", include("dueregard.casework.api")),
]
