"""Signed-in pages and API answers are never stored by a browser or proxy; every response,
static files included, sends a Permissions-Policy."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import make_user
from dueregard.accounts import services
from dueregard.accounts.models import ApiScope, Role
from dueregard.core.middleware import NoStoreMiddleware

pytestmark = pytest.mark.django_db
STATIC = "/assets/dueregard/favicon.svg"


@pytest.fixture(autouse=True)
def static_files_from_the_source(settings):
    # The tests run with DEBUG off and nothing collected: let WhiteNoise find the files.
    settings.WHITENOISE_USE_FINDERS = True


def no_store(response) -> bool:
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


def test_a_signed_in_page_is_not_stored(world, as_user) -> None:
    response = as_user(world["coordinator"]).get(reverse("home"))
    assert response.status_code == 200 and no_store(response)


def test_a_view_s_own_caching_directives_are_overruled_for_public_and_kept_otherwise() -> None:
    def view(request):
        response = HttpResponse("personal")
        response["Cache-Control"] = "public, max-age=600"
        return response

    response = NoStoreMiddleware(view)(RequestFactory().get("/"))
    assert no_store(response) and "max-age=600" in response["Cache-Control"]


def test_api_answers_are_not_stored(world, as_user) -> None:
    account = make_user("mash.system", Role.PANEL_MEMBER, authority=world.authority)
    _token, key = services.issue_api_token(
        service_account=account,
        agency="Testborough MASH",
        name="MASH referrals",
        scopes=[ApiScope.REFERRALS_CREATE],
        days=90,
        acting_user=world["administrator"],
    )
    by_token = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    by_session = as_user(world["coordinator"]).get("/api/v1/me/")
    refused = Client().get("/api/v1/me/")
    assert by_token.status_code == 200 and no_store(by_token)
    assert by_session.status_code == 200 and no_store(by_session)
    assert refused.status_code in (401, 403) and no_store(refused)


def test_every_response_sends_a_permissions_policy(world, as_user) -> None:
    responses = [
        Client().get(reverse("accounts:sign_in")),
        as_user(world["coordinator"]).get(reverse("home")),
        Client().get("/no-such-page/"),
        Client().get(STATIC),
    ]
    assert [r.status_code for r in responses] == [200, 200, 404, 200]
    for response in responses:
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_static_files_stay_cacheable() -> None:
    response = Client().get(STATIC)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
