"""Reveals with reasons (issue 16 item 3): showing police information or health details
asks why, the reason is in the audit event and in the access review beside the reveal,
refused attempts are audited, and a code entered too soon after a wrong one is answered
with how long to wait."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp

from conftest import TEST_TOTP_KEY
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework.tests.url_samples import scenario as casework_scenario
from dueregard.privacy.tests.test_views import _backup_code

pytestmark = pytest.mark.django_db
WHY = "Preparing the panel paper for Thursday (test)."


def url(referral: Any) -> str:
    return f"/privacy/reveal/referral/{referral.pk}/"


def test_a_reveal_asks_why_and_shows_nothing_without_a_reason(world: Any, as_user: Any) -> None:
    referral = casework_scenario(world)["referral"]
    web = as_user(world["coordinator"])
    assert "Why do you need to see it?" in web.get(url(referral)).content.decode()

    response = web.post(url(referral), {"code": _backup_code(world["coordinator"])})

    assert response.status_code == 400
    assert "Enter why you need to see it" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_the_reason_is_audited_and_shown_to_the_data_protection_officer(
    world: Any, as_user: Any
) -> None:
    referral = casework_scenario(world)["referral"]
    web = as_user(world["coordinator"])
    code = _backup_code(world["coordinator"])
    assert web.post(url(referral), {"code": code, "reason": WHY}).status_code == 302

    reveal = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert reveal.detail == {"revealed": "police information", "reason": WHY}
    review = as_user(world["auditor"]).get("/privacy/access-review/").content.decode()
    assert WHY in review and "Shown" in review


def test_a_wrong_code_is_audited_as_a_refused_reveal(world: Any, as_user: Any) -> None:
    referral = casework_scenario(world)["referral"]
    web = as_user(world["coordinator"])

    wrong = web.post(url(referral), {"code": "000000", "reason": WHY})

    assert wrong.status_code == 400 and "not correct" in wrong.content.decode()
    refused = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED, detail__has_key="reveal")
    assert refused.person_id == referral.person_id and refused.actor == world["coordinator"]
    assert refused.detail == {
        "reveal": "police information",
        "reason": WHY,
        "refused": "wrong security code",
    }
    review = as_user(world["auditor"]).get("/privacy/access-review/").content.decode()
    assert "Refused: wrong security code" in review


def test_a_code_too_soon_after_a_wrong_one_says_to_wait(world: Any, as_user: Any) -> None:
    referral = casework_scenario(world)["referral"]
    web = as_user(world["coordinator"])
    web.post(url(referral), {"code": "000000", "reason": WHY})
    # The authenticator's current code, entered within the wait a wrong code started.
    current = f"{totp(bytes.fromhex(TEST_TOTP_KEY)):06d}"

    response = web.post(url(referral), {"code": current, "reason": WHY})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Too many wrong codes: wait" in page and "not correct" not in page
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()
    assert AuditEvent.objects.filter(detail__refused="too soon after a wrong code").count() == 1
