"""Enrolment by invitation: a user sets up an authenticator only through a single-use link
an administrator issued (72 hours, audited), never with the password alone; re-enrolment
after a lost phone is the same path."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import TEST_PASSWORD, make_user, sign_in
from dueregard.accounts import services
from dueregard.accounts.models import EnrolmentLink
from dueregard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
SET_UP = "/sign-in/set-up/"


@pytest.fixture
def newcomer(world):
    user = make_user("newcomer")
    TOTPDevice.objects.filter(user=user).delete()
    return user


def password_step(client: Client, username: str = "newcomer"):
    return client.post(
        reverse("accounts:sign_in"), {"username": username, "password": TEST_PASSWORD}
    )


def finish_set_up(client: Client, user: Any) -> Any:
    """Read the secret the set-up page shows, as an authenticator app would, and answer."""
    page = client.get(SET_UP)
    assert page.status_code == 200, page.status_code
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(SET_UP, {"code": f"{totp(device.bin_key):06d}"})


def open_link(client: Client, secret: str):
    return client.get(reverse("accounts:enrol", args=[secret]))


def test_the_password_alone_never_shows_an_enrolment_secret(newcomer) -> None:
    client = Client()
    assert password_step(client)["Location"] == SET_UP
    page = client.get(SET_UP)
    assert page.status_code == 403
    body = page.content.decode()
    assert "You need an enrolment link" in body
    assert "<svg" not in body and 'data-testid="totp-secret"' not in body
    assert not TOTPDevice.objects.filter(user=newcomer).exists()  # no secret was even made
    assert client.post(SET_UP, {"code": "123456"}).status_code == 403
    assert client.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.filter(detail__stage="no enrolment link").first()
    assert event is not None and event.object_id == str(newcomer.pk)


def test_the_link_works_once_and_is_audited_when_issued_and_used(world, newcomer) -> None:
    link, secret = services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    assert link.token_hash != secret and secret not in link.token_hash  # only a hash is kept
    client = Client()
    open_link(client, secret)
    password_step(client)
    done = finish_set_up(client, newcomer)
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert client.get(reverse("home")).status_code == 200
    link.refresh_from_db()
    assert link.used_at is not None and link.state == "used"

    issued = AuditEvent.objects.get(action=AuditAction.CREATE, detail__enrolment_link="issued")
    assert issued.actor == world["administrator"]
    assert issued.object_type == "accounts.enrolmentlink" and issued.object_id == str(link.pk)
    assert issued.detail["username"] == "newcomer"
    used = AuditEvent.objects.get(action=AuditAction.CHANGE, detail__enrolment_link="used")
    assert used.actor == newcomer and used.object_id == str(link.pk)

    # Used: the same link, in another browser, leads nowhere.
    again = open_link(Client(), secret)
    assert again.status_code == 404
    assert "This enrolment link cannot be used" in again.content.decode()


def test_a_link_expires_after_72_hours(world, newcomer, settings) -> None:
    assert settings.ENROLMENT_LINK_HOURS == 72
    before = timezone.now()
    link, secret = services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    assert before + timedelta(hours=72) <= link.expires_at <= timezone.now() + timedelta(hours=72)
    EnrolmentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    assert open_link(Client(), secret).status_code == 404


def test_a_link_that_expires_mid_set_up_confirms_nothing(world, newcomer) -> None:
    link, secret = services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    client = Client()
    open_link(client, secret)
    password_step(client)
    client.get(SET_UP)
    EnrolmentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    device = TOTPDevice.objects.get(user=newcomer)
    answer = client.post(SET_UP, {"code": f"{totp(device.bin_key):06d}"})
    assert answer.status_code == 403  # no longer an open link: no secret, no set-up
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=True).exists()


def test_two_browsers_with_one_link_enrol_one_device(world, newcomer) -> None:
    _link, secret = services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    first, second = Client(), Client()
    for client in (first, second):
        open_link(client, secret)
        password_step(client)
    first_page = first.get(SET_UP)
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert first_page.status_code == 200
    assert finish_set_up(first, newcomer).status_code == 200
    # The second browser's link is used up now: it gets no secret.
    assert second.get(SET_UP).status_code == 302  # the user has a second factor: code page
    assert TOTPDevice.objects.filter(user=newcomer).get() == device


def test_a_link_is_only_for_the_user_it_was_issued_to(world, newcomer) -> None:
    _link, secret = services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    someone_else = make_user("someone.else")
    TOTPDevice.objects.filter(user=someone_else).delete()
    client = Client()
    open_link(client, secret)
    password_step(client, "someone.else")
    assert client.get(SET_UP).status_code == 403
    assert not TOTPDevice.objects.filter(user=someone_else).exists()


def test_re_enrolment_after_a_lost_phone_removes_the_old_device_at_once(world) -> None:
    chair = world["chair"]
    services.issue_backup_codes(chair, ["12345678"])
    signed_in = sign_in(Client(), chair)
    assert signed_in.get(reverse("home")).status_code == 200
    _link, secret = services.issue_enrolment_link(chair, acting_user=world["administrator"])
    # The lost phone and its backup codes stop working now, and so does its session.
    assert not TOTPDevice.objects.filter(user=chair).exists()
    assert not StaticDevice.objects.filter(user=chair).exists()
    assert signed_in.get(reverse("home")).status_code == 302
    issued = AuditEvent.objects.get(detail__enrolment_link="issued")
    assert issued.detail["authenticator_removed"] is True
    # The chair enrols a new phone through the link, as a new user does.
    client = Client()
    open_link(client, secret)
    assert password_step(client, "chair")["Location"] == SET_UP
    assert finish_set_up(client, chair).status_code == 200
    assert TOTPDevice.objects.filter(user=chair, confirmed=True).count() == 1


def test_a_newer_link_withdraws_the_older_one(world, newcomer) -> None:
    old, old_secret = services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    old.refresh_from_db()
    assert old.state == "withdrawn"
    assert open_link(Client(), old_secret).status_code == 404
    newest = AuditEvent.objects.filter(detail__enrolment_link="issued").order_by("-pk").first()
    assert newest is not None and newest.detail["links_withdrawn"] == 1


def test_the_enrolment_link_command_prints_a_working_link(world, newcomer) -> None:
    out = StringIO()
    call_command(
        "enrolment_link", "newcomer", "--address", "https://dr.example.gov.uk/", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Enrolment link for newcomer (Newcomer), single use, expires ")
    found = re.fullmatch(
        r"https://dr\.example\.gov\.uk/sign-in/enrol/([A-Za-z0-9_-]{43})/", lines[1]
    )
    assert found, lines[1]
    client = Client()
    assert open_link(client, found.group(1)).status_code == 302
    password_step(client)
    assert finish_set_up(client, newcomer).status_code == 200
    assert AuditEvent.objects.get(detail__enrolment_link="issued").actor is None


def test_the_enrolment_link_command_names_an_unknown_or_deactivated_user(world) -> None:
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("enrolment_link", "nobody", stdout=StringIO())
    world["analyst"].is_active = False
    world["analyst"].save()
    with pytest.raises(CommandError, match="User 'analyst' is deactivated"):
        call_command("enrolment_link", "analyst", stdout=StringIO())
    assert not EnrolmentLink.objects.exists()


def test_an_administrator_issues_links_from_the_users_list(world, newcomer) -> None:
    admin = sign_in(Client(), world["administrator"])
    page = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_enrolment_link", "_selected_action": [newcomer.pk]},
    )
    assert page.status_code == 200
    body = page.content.decode()
    found = re.search(r"http://testserver/sign-in/enrol/([A-Za-z0-9_-]+)/", body)
    assert found, body
    assert "no-store" in page["Cache-Control"]  # the links are not kept by the browser
    client = Client()
    open_link(client, found.group(1))
    password_step(client)
    assert finish_set_up(client, newcomer).status_code == 200
    issued = AuditEvent.objects.get(detail__enrolment_link="issued")
    assert issued.actor == world["administrator"]
    listing = admin.get(reverse("admin:accounts_enrolmentlink_changelist"))
    assert listing.status_code == 200 and "used" in listing.content.decode()


def test_opening_a_link_signs_out_whoever_was_signed_in(world, newcomer) -> None:
    _link, secret = services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    client = sign_in(Client(), world["coordinator"])
    assert open_link(client, secret).status_code == 302
    assert client.get(reverse("home")).status_code == 302
    page = client.get(reverse("accounts:sign_in"))
    assert "Your enrolment link is ready" in page.content.decode()


def test_confirming_with_a_link_used_meanwhile_confirms_nothing(world, newcomer) -> None:
    link, _secret = services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    device = services.start_totp_enrolment(newcomer)
    EnrolmentLink.objects.filter(pk=link.pk).update(used_at=timezone.now())
    with pytest.raises(services.EnrolmentLinkNotValid):
        services.confirm_totp_enrolment(device, enrolment_link=link, acting_user=newcomer)
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=newcomer).exists()
