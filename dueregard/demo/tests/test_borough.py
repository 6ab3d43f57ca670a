"""`manage.py seed_demo` builds the fictional borough through the services, idempotently.

Each domain's own step is tested in its app (test_demo*.py); here the command and the
spine's steps: areas, population and one sign-in per role with a second factor.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dueregard.accounts.models import Membership, Role, User
from dueregard.areas.models import Authority, Population, Ward
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.demo.context import DEMO_PASSWORD
from dueregard.demo.management.commands import seed_demo
from dueregard.demo.steps import areas, users

pytestmark = pytest.mark.django_db


@pytest.fixture
def spine_only(monkeypatch):
    monkeypatch.setattr(seed_demo, "demo_steps", lambda: [areas, users])


def test_seed_demo_builds_the_borough_and_a_sign_in_per_role(spine_only) -> None:
    call_command("seed_demo", stdout=StringIO())
    kingsmere = Authority.objects.get(ons_code="E09999901")
    assert Ward.objects.filter(authority=kingsmere).count() >= 20
    total = Population.objects.get(authority=kingsmere, ward=None, characteristic="total")
    assert 340_000 <= total.count <= 360_000
    for characteristic in ["age_band", "sex", "ethnic_group", "religion"]:
        groups = Population.objects.filter(authority=kingsmere, characteristic=characteristic)
        assert sum(g.count for g in groups) == total.count, characteristic
    assert Authority.objects.filter(ons_code="E07999902").exists()  # a second authority
    roles = set(Membership.objects.filter(authority=kingsmere).values_list("role", flat=True))
    assert roles >= {r.value for r in Role} - {Role.REGIONAL_VIEWER}
    assert Membership.objects.filter(role=Role.REGIONAL_VIEWER, region="London").exists()
    # The users were made through the services, so their creation is in the audit log.
    assert (
        AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="accounts.user").count()
        == User.objects.count()
    )


def test_seed_demo_is_idempotent_and_reset_starts_again(spine_only) -> None:
    call_command("seed_demo", stdout=StringIO())
    counts = (
        User.objects.count(),
        Ward.objects.count(),
        Population.objects.count(),
        Membership.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert counts == (
        User.objects.count(),
        Ward.objects.count(),
        Population.objects.count(),
        Membership.objects.count(),
    )
    call_command("seed_demo", "--reset", stdout=StringIO())
    assert counts == (
        User.objects.count(),
        Ward.objects.count(),
        Population.objects.count(),
        Membership.objects.count(),
    )


def test_printed_sign_ins_work_with_their_backup_codes(spine_only) -> None:
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_sign_ins", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    assert "Sign in at http://127.0.0.1:8000/sign-in/" in text
    elsewhere = StringIO()
    call_command("demo_sign_ins", "--address", "http://127.0.0.1:8123/", stdout=elsewhere)
    assert "Sign in at http://127.0.0.1:8123/sign-in/" in elsewhere.getvalue()
    lines = text.splitlines()
    coordinator = next(i for i, line in enumerate(lines) if line.startswith("coordinator "))
    backup = lines[coordinator + 1].split(":")[1].split()[0]
    client = Client()
    client.post(reverse("accounts:sign_in"), {"username": "coordinator", "password": DEMO_PASSWORD})
    assert client.post(reverse("accounts:security_code"), {"code": backup}).status_code == 302
    assert "Priya Lockwood" in client.get(reverse("home")).content.decode()

    code = StringIO()
    call_command("demo_sign_ins", "--code", "chair", stdout=code)
    client = Client()
    client.post(reverse("accounts:sign_in"), {"username": "chair", "password": DEMO_PASSWORD})
    assert (
        client.post(
            reverse("accounts:security_code"), {"code": code.getvalue().strip()}
        ).status_code
        == 302
    )
