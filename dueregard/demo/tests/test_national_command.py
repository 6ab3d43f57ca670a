"""`manage.py seed_demo --scale national`: its options, and the build it runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dueregard.audit.models import AuditEvent
from dueregard.casework.models import Referral, Sector
from dueregard.demo import national

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--factor", "ten"], "--factor must be a number"),
        (["--factor", "0"], "--factor must be more than 0"),
        (["--factor", "500"], "at most 100"),
        (["--years", "0"], "--years must be between 1 and 30"),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(options, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", "--scale", "national", *options, stdout=StringIO())
    assert not national.has_national_data()


def test_refuses_to_run_in_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--scale", "national", stdout=StringIO())


def test_builds_with_a_decimal_factor_and_rebuilds_only_with_reset() -> None:
    out = StringIO()
    call_command("seed_demo", "--scale", "national", "--years", "1", "--factor", "0.02", stdout=out)
    text = out.getvalue()
    assert "331 authorities" in text and "factor 0.02" in text
    marker = AuditEvent.objects.get(object_type=national.MARKER)
    assert marker.detail["factor"] == 0.02 and marker.detail["years"] == 1
    referrals = Referral.objects.count()
    assert referrals > 0
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--scale", "national", stdout=StringIO())
    # --reset empties the database, loads the reference lists again and builds anew.
    call_command(
        "seed_demo", "--scale", "national", "--reset", "--years", "1", "--factor", "0.02",
        stdout=StringIO(),
    )  # fmt: skip
    assert AuditEvent.objects.filter(object_type=national.MARKER).count() == 1
    assert Sector.objects.filter(code="education").exists()
    assert Referral.objects.count() == referrals  # the same options give the same dataset
