"""The sign-in lockout counts a username's failures per client address: a stranger's wrong
passwords lock out the stranger's address, never the real user signing in elsewhere. An
administrator lifts a lockout in the admin or with `manage.py unlock_user`; lockouts and
unlocks are in the audit log."""

from __future__ import annotations

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from conftest import TEST_PASSWORD, sign_in
from dueregard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
STRANGER = "198.51.100.23"
CHAIR_ELSEWHERE = "203.0.113.40"


def password_step(address: str, password: str, username: str = "chair"):
    return Client(REMOTE_ADDR=address).post(
        reverse("accounts:sign_in"), {"username": username, "password": password}
    )


def lock_chair_out_from_the_stranger_s_address(limit: int) -> None:
    for _ in range(limit):
        password_step(STRANGER, "wrong-password")


def test_a_stranger_s_failures_do_not_lock_out_the_real_user_elsewhere(world, settings) -> None:
    lock_chair_out_from_the_stranger_s_address(settings.AXES_FAILURE_LIMIT)
    elsewhere = password_step(CHAIR_ELSEWHERE, TEST_PASSWORD)
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == reverse("accounts:security_code")
    at_the_stranger_s = password_step(STRANGER, TEST_PASSWORD)
    assert at_the_stranger_s.status_code == 429
    assert "Sign-in is locked" in at_the_stranger_s.content.decode()


def test_the_lockout_and_each_refused_attempt_are_audited_once(world, settings) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    lock_chair_out_from_the_stranger_s_address(limit)
    password_step(STRANGER, TEST_PASSWORD)
    events = AuditEvent.objects.filter(action=AuditAction.FAILED_SIGN_IN).order_by("pk")
    assert [e.detail["stage"] for e in events] == ["password"] * (limit - 1) + ["locked out"] * 2
    started, refused = events[limit - 1], events[limit]
    assert started.detail == {
        "username": "chair",
        "stage": "locked out",
        "lockout": "started",
        "failures": limit,
    }
    # Each attempt during the lockout counts too, so it runs from the latest of them.
    assert refused.detail == {"username": "chair", "stage": "locked out", "failures": limit + 1}
    assert {started.ip, refused.ip} == {STRANGER}


def test_unlock_user_lifts_the_lockout_and_is_audited(world, settings) -> None:
    lock_chair_out_from_the_stranger_s_address(settings.AXES_FAILURE_LIMIT)
    out = StringIO()
    call_command("unlock_user", "chair", stdout=out)
    assert out.getvalue() == f"Unlocked chair (was locked from {STRANGER}).\n"
    assert password_step(STRANGER, TEST_PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, detail__sign_in="unlocked")
    assert event.object_type == "accounts.user" and event.object_id == str(world["chair"].pk)
    assert event.detail["locked_addresses"] == [STRANGER]
    assert event.detail["attempts_cleared"] == 1  # one row: username, address, browser
    assert event.actor is None


def test_unlock_user_from_one_address_leaves_the_others_locked(world, settings) -> None:
    lock_chair_out_from_the_stranger_s_address(settings.AXES_FAILURE_LIMIT)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step("192.0.2.77", "wrong-password")
    call_command("unlock_user", "chair", "--address", "192.0.2.77", stdout=StringIO())
    assert password_step("192.0.2.77", TEST_PASSWORD).status_code == 302
    assert password_step(STRANGER, TEST_PASSWORD).status_code == 429


def test_unlock_user_names_a_username_with_nothing_to_unlock(world) -> None:
    with pytest.raises(CommandError, match="No failed sign-ins recorded for 'chiar'"):
        call_command("unlock_user", "chiar", stdout=StringIO())
    assert not AuditEvent.objects.filter(detail__sign_in="unlocked").exists()


def test_an_administrator_unlocks_from_the_admin(world, settings) -> None:
    lock_chair_out_from_the_stranger_s_address(settings.AXES_FAILURE_LIMIT)
    admin = sign_in(Client(), world["administrator"])
    listing = admin.get(reverse("admin:axes_accessattempt_changelist") + "?locked_out=yes")
    assert listing.status_code == 200
    assert STRANGER in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="chair")
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )
    assert response.status_code == 302
    assert password_step(STRANGER, TEST_PASSWORD).status_code == 302
    event = AuditEvent.objects.get(detail__sign_in="unlocked")
    assert event.actor == world["administrator"]
    assert event.detail["locked_addresses"] == [STRANGER]


def test_an_administrator_unlocks_a_user_from_the_users_list(world, settings) -> None:
    lock_chair_out_from_the_stranger_s_address(settings.AXES_FAILURE_LIMIT)
    admin = sign_in(Client(), world["administrator"])
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [world["chair"].pk]},
    )
    assert response.status_code == 302
    assert password_step(STRANGER, TEST_PASSWORD).status_code == 302
    assert AuditEvent.objects.get(detail__sign_in="unlocked").actor == world["administrator"]


def test_only_administrators_see_failed_sign_ins(world) -> None:
    url = reverse("admin:axes_accessattempt_changelist")
    assert sign_in(Client(), world["coordinator"]).get(url).status_code == 403
