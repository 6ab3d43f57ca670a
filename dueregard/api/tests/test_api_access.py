"""Partner tokens: agency, scopes, expiry, revocation, and an audit event for every call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from dueregard.accounts import services
from dueregard.accounts.models import ApiScope, ApiToken, Role
from dueregard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(world):
    account = make_user(
        "mash.system", Role.PANEL_MEMBER, authority=world.authority, agency="Testborough MASH"
    )
    token, key = services.issue_api_token(
        service_account=account,
        agency="Testborough MASH",
        name="MASH referrals",
        scopes=[ApiScope.REFERRALS_CREATE],
        days=90,
        acting_user=world["administrator"],
    )
    return token, key


def call(key: str | None, url: str = "/api/v1/me/"):
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client().get(url, **headers)


def test_a_live_token_identifies_its_agency_and_scopes(partner) -> None:
    _token, key = partner
    response = call(key)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "mash.system"
    assert body["token"]["agency"] == "Testborough MASH"
    assert body["token"]["scopes"] == ["referrals:create"]
    assert body["roles"] == [{"role": "panel_member", "authority": "E09999801", "region": None}]


def test_only_a_hash_of_the_secret_is_stored(partner) -> None:
    token, key = partner
    token.refresh_from_db()
    assert key not in (token.key_hash, token.prefix)
    assert key.startswith(f"dr_{token.prefix}_")


def test_every_call_is_audited_with_the_token_used(partner) -> None:
    token, key = partner
    call(key)
    event = AuditEvent.objects.filter(detail__api="/api/v1/me/").get()
    assert event.action == AuditAction.VIEW
    assert event.actor.username == "mash.system"
    assert event.detail["token"] == token.prefix


@pytest.mark.parametrize("key", [None, "dr_nothing_here", "Basic abc", "dr_0000_xyz"])
def test_missing_or_unknown_tokens_are_refused(partner, key) -> None:
    assert call(key).status_code in (401, 403)


def test_expired_and_revoked_tokens_are_refused(partner, world) -> None:
    token, key = partner
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert call(key).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert call(key).status_code == 200
    services.revoke_api_token(token, acting_user=world["administrator"])
    assert call(key).status_code == 401
    assert AuditEvent.objects.filter(object_type="accounts.apitoken", action="change").exists()


def test_unknown_scopes_and_long_lives_are_refused(world) -> None:
    with pytest.raises(ValidationError):
        services.issue_api_token(
            service_account=world["analyst"],
            agency="X",
            name="x",
            scopes=["everything"],
            days=30,
            acting_user=world["administrator"],
        )
    with pytest.raises(ValidationError):
        services.issue_api_token(
            service_account=world["analyst"],
            agency="X",
            name="x",
            scopes=[],
            days=400,
            acting_user=world["administrator"],
        )


def test_a_signed_in_person_may_use_the_api_from_their_session(world, as_user) -> None:
    assert as_user(world["analyst"]).get("/api/v1/me/").json()["username"] == "analyst"


def test_a_session_without_the_second_factor_is_not_enough(world) -> None:
    client = Client()
    client.force_login(world["analyst"])
    assert client.get("/api/v1/me/").status_code == 401


def test_the_openapi_schema_is_published(world) -> None:
    response = Client().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Due Regard API"
    assert "partnerToken" in schema["components"]["securitySchemes"]


def test_tokens_are_issued_listed_and_revoked_from_the_command_line(world) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "api_token",
        "issue",
        "--user",
        "panel_member",
        "--agency",
        "Trust",
        "--name",
        "Referrals",
        "--scope",
        "referrals:create",
        "--days",
        "30",
        stdout=out,
    )
    key = out.getvalue().strip().splitlines()[-1]
    assert call(key).status_code == 200
    prefix = key.split("_")[1]
    out = StringIO()
    call_command("api_token", "list", stdout=out)
    assert prefix in out.getvalue()
    call_command("api_token", "revoke", prefix, stdout=StringIO())
    assert call(key).status_code == 401
