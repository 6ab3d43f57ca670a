"""Single sign-on against a real OpenID Connect provider: django-oauth-toolkit in its own
process on 127.0.0.1 (tests/oidc_provider), reached over HTTP by the service's own code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from conftest import TEST_TOTP_KEY
from dueregard.accounts.models import User
from dueregard.audit.models import AuditAction, AuditEvent
from tests.oidc_provider.server import Provider, running_provider, sign_in_at_provider

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/sign-in/council/callback/"
PROVIDER_PASSWORD = "provider-password-for-tests"
PEOPLE = [
    {"username": "lead", "email": "Lead@Testborough.example", "mfa": True},
    {"username": "admin", "email": "admin@testborough.example", "mfa": True},
    {"username": "analyst", "email": "analyst@testborough.example", "mfa": False},
    {"username": "stranger", "email": "stranger@elsewhere.example", "mfa": True},
    {"username": "twin", "email": "twin@testborough.example", "mfa": True},
]


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    users = [{**person, "password": PROVIDER_PASSWORD} for person in PEOPLE]
    with running_provider(
        tmp_path_factory.mktemp("oidc-provider"), redirect_uris=[CALLBACK], users=users
    ) as running:
        yield running


@pytest.fixture
def sso(world: Any, provider: Provider, settings: Any) -> Provider:
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    for persona, email in (
        ("coordinator", "lead@testborough.example"),
        ("administrator", "admin@testborough.example"),
        ("analyst", "analyst@testborough.example"),
    ):
        User.objects.filter(pk=world[persona].pk).update(email=email)
    return provider


def sign_in_with_council_account(client: Client, username: str, next_url: str = "") -> Any:
    start = reverse("accounts:council_sign_in") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302
    back = sign_in_at_provider(response["Location"], username, PROVIDER_PASSWORD, CALLBACK)
    return client.get(back.removeprefix("http://testserver"))


def code() -> str:
    return f"{totp(bytes.fromhex(TEST_TOTP_KEY)):06d}"


def test_sign_in_page_offers_the_council_account_only_when_configured(world, settings) -> None:
    settings.OIDC_RP_CLIENT_ID = ""
    page = Client().get(reverse("accounts:sign_in")).content.decode()
    assert "Sign in with your council account" not in page
    assert Client().get(reverse("accounts:council_sign_in"))["Location"] == reverse(
        "accounts:sign_in"
    )
    settings.OIDC_RP_CLIENT_ID = "due-regard"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"
    page = Client().get(reverse("accounts:sign_in")).content.decode()
    assert "Sign in with your council account" in page
    assert 'name="password"' in page  # local accounts remain for break-glass administrators


def test_provider_mfa_stands_in_for_the_authenticator(sso, world) -> None:
    client = Client()
    response = sign_in_with_council_account(client, "lead", next_url="/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    home = client.get(reverse("home"))
    assert home.status_code == 200  # a verified session: @signed_in requires is_verified()
    assert "Prevent lead / coordinator, Testborough" in home.content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN).latest("pk")
    assert event.actor_id == world["coordinator"].pk
    assert event.detail == {"method": "single sign-on", "second factor": "identity provider"}


def test_roles_stay_in_due_regard(sso, world) -> None:
    client = Client()
    sign_in_with_council_account(client, "admin")
    assert client.get("/admin/").status_code == 200  # the administrator's membership
    client = Client()
    sign_in_with_council_account(client, "lead")
    assert client.get("/admin/").status_code != 200  # the same provider, not an administrator


def test_without_provider_mfa_the_security_code_is_still_asked(sso, world) -> None:
    client = Client()
    response = sign_in_with_council_account(client, "analyst")
    assert response["Location"] == reverse("accounts:security_code")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:sign_in"))
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()
    response = client.post(reverse("accounts:security_code"), {"code": code()})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN).latest("pk")
    assert event.actor_id == world["analyst"].pk
    assert event.detail == {"method": "single sign-on", "second factor": "authenticator"}


def test_an_unknown_identity_is_refused_and_audited(sso, world) -> None:
    users_before = User.objects.count()
    client = Client()
    response = sign_in_with_council_account(client, "stranger")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot sign in with this council account" in page
    assert "not linked to a Due Regard account" in page
    assert User.objects.count() == users_before  # no self-registration
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:sign_in"))
    event = AuditEvent.objects.filter(action=AuditAction.FAILED_SIGN_IN).latest("pk")
    assert event.actor_id is None
    assert event.detail["stage"] == "single sign-on"
    assert event.detail["reason"] == "no account"
    assert event.detail["email"] == "stranger@elsewhere.example"


def test_an_e_mail_shared_by_two_accounts_or_a_deactivated_account_is_refused(sso, world) -> None:
    for username in ("twin_one", "twin_two"):
        User.objects.create_user(username=username, email="twin@testborough.example")
    response = sign_in_with_council_account(Client(), "twin")
    assert response.status_code == 403
    reasons = AuditEvent.objects.filter(action=AuditAction.FAILED_SIGN_IN)
    assert reasons.latest("pk").detail["reason"] == "more than one account"
    User.objects.filter(pk=world["coordinator"].pk).update(is_active=False)
    response = sign_in_with_council_account(Client(), "lead")
    assert response.status_code == 403
    assert reasons.latest("pk").detail["reason"] == "no account"


def test_a_callback_is_used_once(sso, world) -> None:
    client = Client()
    start = client.get(reverse("accounts:council_sign_in"))
    back = sign_in_at_provider(start["Location"], "lead", PROVIDER_PASSWORD, CALLBACK)
    path = back.removeprefix("http://testserver")
    assert client.get(path).status_code == 302
    client.post(reverse("accounts:sign_out"))
    replay = client.get(path)
    assert replay.status_code in (400, 403)  # the state was spent
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:sign_in"))


def test_an_error_from_the_provider_is_refused_and_audited(sso, world) -> None:
    client = Client()
    response = client.get(reverse("accounts:council_sign_in_callback") + "?error=access_denied")
    assert response.status_code == 403
    event = AuditEvent.objects.filter(action=AuditAction.FAILED_SIGN_IN).latest("pk")
    assert event.detail == {"stage": "single sign-on", "reason": "access_denied"}


def test_a_client_id_without_the_provider_endpoints_stops_the_service() -> None:
    from dueregard.core.tests.test_settings import run_django

    result = run_django({"OIDC_RP_CLIENT_ID": "due-regard"}, "check")
    assert result.returncode != 0
    assert "single sign-on also needs OIDC_OP_AUTHORIZATION_ENDPOINT" in result.stderr
