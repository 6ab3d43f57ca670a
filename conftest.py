"""Personas shared by every test: one user per role in a test borough, and a Prevent lead
of another authority to prove isolation. All names are fictional."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from dueregard.accounts.models import Membership, Role, User
from dueregard.areas.models import Authority, Population, Region, Ward

# In CI, property tests draw the same examples every run, so a red build is reproducible
# and never depends on luck; locally they explore new examples each run.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

PERSONAS: dict[str, tuple[Role, str]] = {
    "coordinator": (Role.PREVENT_LEAD, "home"),
    "chair": (Role.PANEL_CHAIR, "home"),
    "panel_member": (Role.PANEL_MEMBER, "home"),
    "education_officer": (Role.EDUCATION_OFFICER, "home"),
    "analyst": (Role.ANALYST, "home"),
    "board_member": (Role.BOARD_MEMBER, "home"),
    "auditor": (Role.AUDITOR, "home"),
    "regional_viewer": (Role.REGIONAL_VIEWER, "region"),
    "administrator": (Role.ADMINISTRATOR, "home"),
    "other_coordinator": (Role.PREVENT_LEAD, "other"),
}
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key
TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


@dataclass
class World:
    authority: Authority
    other_authority: Authority
    ward: Ward
    users: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, persona: str) -> User:
        return self.users[persona]


def make_user(
    username: str,
    role: Role | None = None,
    *,
    authority: Authority | None = None,
    region: str = "",
    agency: str = "",
) -> User:
    user = User.objects.create_user(
        username=username, password=TEST_PASSWORD, full_name=username.replace("_", " ").title()
    )
    TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=TEST_TOTP_KEY, confirmed=True
    )
    if role is not None:
        Membership.objects.create(
            user=user, role=role, authority=authority, region=region, agency=agency
        )
    return user


def build_world() -> World:
    authority = Authority.objects.create(
        ons_code="E09999801", name="Testborough", region=Region.LONDON
    )
    other = Authority.objects.create(
        ons_code="E07999802", name="Otherton", region=Region.SOUTH_EAST
    )
    ward = Ward.objects.create(authority=authority, ons_code="E05999801", name="Test Ward")
    Ward.objects.create(authority=other, ons_code="E05999851", name="Other Ward")
    Population.objects.create(
        authority=authority, characteristic="total", group="All residents", count=100_000
    )
    world = World(authority, other, ward)
    for persona, (role, where) in PERSONAS.items():
        world.users[persona] = make_user(
            persona,
            role,
            authority={"home": authority, "other": other}.get(where),
            region=Region.LONDON if where == "region" else "",
            agency="Testborough Mental Health Trust" if role == Role.PANEL_MEMBER else "",
        )
    from dueregard.accounts.models import ApiToken

    ApiToken.objects.create(
        user=world.users["panel_member"],
        agency="Testborough Mental Health Trust",
        name="Referral system",
        scopes=["referrals:create"],
        prefix="0a1b2c3d",
        key_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=30),
    )
    return world


def pytest_configure(config: Any) -> None:
    """Transactional tests empty every table between tests (DELETE on SQLite, TRUNCATE on
    PostgreSQL), which the audit log's triggers refuse: in the test runner only, the flush
    lifts the one trigger it trips and puts it back in the same transaction."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from dueregard.audit import triggers

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: Iterable[str]) -> None:
        before, after = triggers.around_test_flush(self.connection.vendor)
        original(self, [*before, *sql_list, *after])

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    """Each test starts with no API rate-limit counts: they live in the in-process cache,
    and every test client calls from the same address."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def sign_in(client: Client, user: User) -> Client:
    """Sign `user` in as if through both factors. The session is stamped as renewed now,
    as the sign-in page's own save stamps it (core.middleware_sessions)."""
    import time

    from dueregard.core.middleware_sessions import RENEWED_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session[RENEWED_KEY] = int(time.time())
    session.save()
    return client


@pytest.fixture
def as_user(client: Client) -> Any:
    def _as(user: User) -> Client:
        return sign_in(client, user)

    return _as


def pagination_link(response: Any, rel: str) -> str | None:
    """The query string of a page's GOV.UK pagination link (`rel` "next" or "prev")."""
    found = re.search(rf'href="(\?[^"]*)" rel="{rel}"', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def follow_pages(client: Client, url: str, rel: str, items: str) -> list[list[int]]:
    """The ids of the context list `items` on each page from `url`, following the `rel`
    link until there is none."""
    path = url.split("?")[0]
    pages: list[list[int]] = []
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        assert response.status_code == 200
        pages.append([row.pk for row in response.context[items]])
        query = pagination_link(response, rel)
        next_url = f"{path}{query}" if query else None
    return pages
