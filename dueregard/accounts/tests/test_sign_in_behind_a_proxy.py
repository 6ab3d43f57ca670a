"""Behind a trusted reverse proxy, sign-in's audit events and lockout record the client's
address from X-Forwarded-For; a header from anyone else is ignored."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from dueregard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"
CLIENT = "203.0.113.9"


def wrong_password(remote: str, forwarded: str) -> None:
    Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).post(
        reverse("accounts:sign_in"), {"username": "chair", "password": "wrong-password"}
    )


def test_a_trusted_proxy_s_client_address_is_audited_and_counted(world, settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    wrong_password(PROXY, f"1.1.1.1, {CLIENT}")
    assert AuditEvent.objects.get(action=AuditAction.FAILED_SIGN_IN).ip == CLIENT
    assert AccessAttempt.objects.get(username="chair").ip_address == CLIENT


def test_an_untrusted_sender_s_forwarded_header_is_ignored(world, settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    wrong_password("198.51.100.7", CLIENT)
    assert AuditEvent.objects.get(action=AuditAction.FAILED_SIGN_IN).ip == "198.51.100.7"
    assert AccessAttempt.objects.get(username="chair").ip_address == "198.51.100.7"
