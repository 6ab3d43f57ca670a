"""Every URL the project defines, for every role and for a user of another authority,
answers as the permission rules say: allowed, 403 or 404 (and sign-in for anonymous users).

A view without an access rule, or an object page without a sample record, fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS, World, build_world, make_user, sign_in
from dueregard.accounts.access import Access
from dueregard.accounts.permissions import Action, can, can_anywhere
from dueregard.accounts.services import issue_enrolment_link
from tests.url_walk import Route, iter_routes, load_samples

ROUTES = sorted(iter_routes(), key=lambda r: r.name)
APP_ROUTES = [r for r in ROUTES if not r.is_admin]
ADMIN_ROUTES = [r for r in ROUTES if r.is_admin]
SAMPLES = load_samples()
ALLOWED = "allowed"


def expected_outcome(user: Any, rule: Access, world: World) -> str | int:
    assert rule.kind is not None and rule.action is not None
    if not rule.object_scoped:
        return ALLOWED if can_anywhere(user, rule.kind, rule.action) else 403
    if can(user, rule.kind, rule.action, world.authority):
        return ALLOWED
    if not can_anywhere(user, rule.kind, rule.action):
        return 403 if can_anywhere(user, rule.kind, Action.VIEW) else 404
    return 403 if can(user, rule.kind, Action.VIEW, world.authority) else 404


def _request(client: Client, url: str, rule: Access) -> Any:
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, {})


def _url(route: Route, world: World) -> str:
    kwargs: dict[str, Any] = {}
    if route.params:
        assert route.name in SAMPLES, (
            f"{route.name} takes {route.params}: add a sample record for it to "
            "SAMPLES in its app's tests/url_samples.py"
        )
        kwargs = SAMPLES[route.name](world)
    return reverse(route.name, kwargs=kwargs)


def test_every_view_declares_an_access_rule() -> None:
    missing = [r.name for r in APP_ROUTES if not isinstance(r.access, Access)]
    assert not missing, f"views without @public, @signed_in or @requires: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", APP_ROUTES, ids=lambda r: r.name)
def test_url_answers_each_role_as_the_rules_say(route: Route) -> None:
    rule = route.access
    assert isinstance(rule, Access), f"{route.name} has no access rule"
    world = build_world()
    url = _url(route, world)

    anonymous = _request(Client(), url, rule)
    if rule.level == "public":
        assert anonymous.status_code in (200, 302), route.name
    elif route.is_api:
        assert anonymous.status_code in (401, 403), (
            f"{route.name}: anonymous got {anonymous.status_code}"
        )
    else:
        assert anonymous.status_code == 302, f"{route.name}: anonymous got {anonymous.status_code}"
        assert anonymous["Location"].startswith(reverse("accounts:sign_in"))

    for persona in PERSONAS:
        user = world[persona]
        response = _request(sign_in(Client(), user), url, rule)
        got = response.status_code
        if rule.level in ("public", "signed_in"):
            assert got in (200, 302), f"{route.name} as {persona}: {got}"
            continue
        want = expected_outcome(user, rule, world)
        if want == ALLOWED:
            ok = {200} if "GET" in rule.methods else {200, 201, 302, 400}
            assert got in ok, f"{route.name} as {persona}: expected allowed, got {got}"
        else:
            assert got == want, f"{route.name} as {persona}: expected {want}, got {got}"


def _admin_kwargs(route: Route, world: World) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    from dueregard.accounts.admin import site

    kwargs: dict[str, Any] = {}
    for param in route.params:
        if param == "id":  # the user admin's password page
            kwargs[param] = world["coordinator"].pk
        elif param == "object_id":
            model = next(
                (
                    m
                    for m in site._registry
                    if route.name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")
                ),
                None,
            )
            if model is None:  # view_on_site: any registered record
                kwargs[param] = world["coordinator"].pk
            else:
                kwargs[param] = model._default_manager.order_by("pk").first().pk
        elif param == "content_type_id":
            kwargs[param] = ContentType.objects.get_for_model(type(world["coordinator"])).pk
        elif param == "app_label":
            kwargs[param] = "accounts"
        elif param == "url":
            kwargs[param] = "no-such-page/"
    return kwargs


@pytest.mark.django_db
@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=lambda r: r.name)
def test_admin_is_for_administrators_only(route: Route) -> None:
    world = build_world()
    AccessAttempt.objects.create(  # a failed sign-in, for the admin's pages of them
        username="chair",
        ip_address="198.51.100.23",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/sign-in/",
        failures_since_start=1,
    )
    issue_enrolment_link(make_user("new.starter"), acting_user=world["administrator"])
    if "<unnamed" in route.name:  # the admin's catch-all pattern
        url = "/admin/no-such-page/"
    else:
        url = reverse(route.name, kwargs=_admin_kwargs(route, world))
    anonymous = Client().get(url)
    assert anonymous.status_code == 302, route.name
    for persona in PERSONAS:
        got = sign_in(Client(), world[persona]).get(url).status_code
        if persona == "administrator":
            # Nothing is deleted through the admin; autocomplete needs its parameters.
            # Tokens are issued by `manage.py api_token issue`, which shows the secret once;
            # failed sign-ins are recorded by django-axes, never added by hand; enrolment
            # links are issued from the users list, which shows each once.
            refused = route.name.endswith("_delete") or route.name in {
                "admin:autocomplete",
                "admin:accounts_apitoken_add",
                "admin:axes_accessattempt_add",
                "admin:accounts_enrolmentlink_add",
            }
            # Others answer as Django's admin does (logout is POST only; catch-alls 404).
            want = {403} if refused else {200, 302, 404, 405}
            assert got in want, f"{route.name} as administrator: {got}"
        else:
            assert got == 403, f"{route.name} as {persona}: expected 403, got {got}"


@pytest.mark.django_db
def test_administrator_cannot_delete_through_the_admin() -> None:
    world = build_world()
    client = sign_in(Client(), world["administrator"])
    url = reverse("admin:accounts_user_delete", args=[world["coordinator"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(world["coordinator"]).objects.filter(pk=world["coordinator"].pk).exists()
