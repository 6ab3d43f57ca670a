"""The idle timeout, kept without a session write on every request
(dueregard.core.middleware_sessions, ADR 0023)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from conftest import TEST_PASSWORD, TEST_TOTP_KEY
from dueregard.core.middleware_sessions import RENEWED_KEY

pytestmark = pytest.mark.django_db

IDLE = datetime.timedelta(minutes=30)


def signed_in(username: str = "coordinator") -> Client:
    """A client signed in through the real pages: password, then the security code."""
    client = Client()
    client.post(reverse("accounts:sign_in"), {"username": username, "password": TEST_PASSWORD})
    code = f"{totp(bytes.fromhex(TEST_TOTP_KEY)):06d}"
    response = client.post(reverse("accounts:security_code"), {"code": code})
    assert response.status_code == 302
    return client


def row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def age_session(client: Client, *, renewed_seconds_ago: int, expires_in: datetime.timedelta):
    """Put the session as it would be had its last renewal been that long ago."""
    key = client.cookies["sessionid"].value
    store = SessionStore(session_key=key)
    store[RENEWED_KEY] = store[RENEWED_KEY] - renewed_seconds_ago
    store.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + expires_in)


def session_writes(client: Client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    return response.status_code, len(writes)


def test_sign_in_stamps_the_session_and_sets_the_idle_expiry(world) -> None:
    client = signed_in()
    session = row(client)
    assert RENEWED_KEY in session.get_decoded()
    left = session.expire_date - timezone.now()
    assert IDLE - datetime.timedelta(seconds=30) < left <= IDLE


def test_pages_within_a_minute_do_not_write_the_session(world) -> None:
    client = signed_in()
    before = row(client)
    for _ in range(3):
        status, writes = session_writes(client, reverse("home"))
        assert (status, writes) == (200, 0)
    after = row(client)
    assert (after.expire_date, after.session_data) == (before.expire_date, before.session_data)


def test_a_page_a_minute_after_the_last_renewal_renews_the_expiry(world) -> None:
    client = signed_in()
    age_session(client, renewed_seconds_ago=61, expires_in=IDLE - datetime.timedelta(seconds=61))
    stale = row(client).expire_date

    status, writes = session_writes(client, reverse("home"))

    assert (status, writes) == (200, 1)
    renewed = row(client).expire_date
    assert renewed > stale
    assert IDLE - datetime.timedelta(seconds=30) < renewed - timezone.now() <= IDLE
    status, writes = session_writes(client, reverse("home"))
    assert (status, writes) == (200, 0)  # and then not again for a minute


def test_a_session_idle_past_the_timeout_is_signed_out(world) -> None:
    client = signed_in()
    age_session(client, renewed_seconds_ago=30 * 60, expires_in=datetime.timedelta(seconds=-1))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    # The expired session is not brought back to life by the renewal stamp.
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()


def test_signing_out_leaves_no_session_to_renew(world) -> None:
    client = signed_in()
    client.post(reverse("accounts:sign_out"))
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()
    assert client.get(reverse("home")).status_code == 302
