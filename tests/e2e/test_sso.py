"""Single sign-on in a real browser against a real OIDC provider on 127.0.0.1
(tests/oidc_provider, django-oauth-toolkit in its own process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dueregard.accounts.models import User
from tests.e2e.conftest import assert_accessible, current_code
from tests.oidc_provider.server import Provider, running_provider

PASSWORD = "provider-password-for-browser-tests"
PEOPLE = [
    {"username": "lead", "email": "lead@testborough.example", "mfa": True},
    {"username": "analyst", "email": "analyst@testborough.example", "mfa": False},
    {"username": "stranger", "email": "stranger@elsewhere.example", "mfa": True},
]


@pytest.fixture(scope="module")
def provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with running_provider(
        tmp_path_factory.mktemp("oidc-provider"),
        redirect_uris=[f"{live_server.url}/sign-in/council/callback/"],
        users=[{**person, "password": PASSWORD} for person in PEOPLE],
    ) as running:
        yield running


@pytest.fixture
def sso(live_world: Any, provider: Provider, settings: Any) -> None:
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    User.objects.filter(pk=live_world["coordinator"].pk).update(email=PEOPLE[0]["email"])
    User.objects.filter(pk=live_world["analyst"].pk).update(email=PEOPLE[1]["email"])


def at_provider(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page.get_by_role("heading", name="Council sign-in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_council_account_with_provider_mfa_signs_in(page: Page, live_server, sso) -> None:
    at_provider(page, live_server.url, "lead")
    expect(page.get_by_text("Prevent lead / coordinator, Testborough")).to_be_visible()


def test_council_account_without_mfa_is_asked_for_the_code(page: Page, live_server, sso) -> None:
    at_provider(page, live_server.url, "analyst")
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    page.get_by_label("Security code").fill(current_code())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Accessibility statement")).to_be_visible()
    assert "/sign-in/" not in page.url


def test_unknown_council_account_is_refused(page: Page, live_server, sso) -> None:
    at_provider(page, live_server.url, "stranger")
    expect(
        page.get_by_role("heading", name="You cannot sign in with this council account")
    ).to_be_visible()
    assert_accessible(page)
