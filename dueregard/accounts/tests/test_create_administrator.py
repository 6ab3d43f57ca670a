"""A new installation's first administrator (`manage.py create_administrator`): the user,
their Administrator role in the council's authority, audited; refused whole otherwise."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from dueregard.accounts.models import Membership, Role, User
from dueregard.accounts.permissions import is_administrator
from dueregard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-fictional-passphrase-26"


def create(monkeypatch: Any, *args: str, password: str = PASSWORD) -> str:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    out = StringIO()
    call_command("create_administrator", *args, "--noinput", stdout=out)
    return out.getvalue()


def test_creates_an_administrator_of_the_authority(world: Any, monkeypatch: Any) -> None:
    out = create(
        monkeypatch,
        "dana.first",
        "--authority",
        "E09999801",
        "--full-name",
        "Dana First",
        "--email",
        "dana.first@example.invalid",
    )

    user = User.objects.get(username="dana.first")
    assert user.full_name == "Dana First"
    assert user.check_password(PASSWORD)
    assert is_administrator(user)
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.authority) == (Role.ADMINISTRATOR, world.authority)
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, actor=None)
    assert {e.object_type for e in created} >= {"accounts.user", "accounts.membership"}
    assert "manage.py enrolment_link dana.first" in out


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--authority", "E09000000"], PASSWORD, "No authority with ONS code 'E09000000'"),
        (["--authority", "E09999801"], "short", "Password: This password is too short"),
        (["--authority", "E09999801"], "", "set the password in DJANGO_SUPERUSER_PASSWORD"),
    ],
)
def test_refuses_whole(
    world: Any, monkeypatch: Any, args: list[str], password: str, message: str
) -> None:
    users, events = User.objects.count(), AuditEvent.objects.count()

    with pytest.raises(CommandError, match=message):
        create(monkeypatch, "dana.first", *args, "--full-name", "Dana First", password=password)

    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_refuses_a_username_that_exists(world: Any, monkeypatch: Any) -> None:
    existing = next(iter(world.users.values())).username
    memberships = Membership.objects.count()

    with pytest.raises(CommandError, match="already exists"):
        create(monkeypatch, existing.upper(), "--authority", "E09999801", "--full-name", "Someone")

    assert Membership.objects.count() == memberships
