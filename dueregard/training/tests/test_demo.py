"""The demo borough's training step: three years, at least ten organisations, idempotent."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from dueregard.demo.context import DemoContext
from dueregard.demo.steps import areas, users
from dueregard.demo.steps import training as step
from dueregard.training import metrics
from dueregard.training.models import (
    Attendee,
    Audience,
    EvaluationForm,
    HeadcountSnapshot,
    Organisation,
    Sector,
    Session,
    Trainer,
)


@pytest.fixture(scope="module")
def built(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    """The demo borough's training, built once for this module (it takes a while) inside a
    transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            context = DemoContext(today=datetime.date(2026, 5, 20))
            areas.run(context)
            users.run(context)
            step.run(context)
            yield context
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def ctx(built: DemoContext, db: Any) -> DemoContext:
    return built


def test_the_demo_borough_has_three_years_of_training(ctx: DemoContext) -> None:
    organisations = Organisation.objects.filter(authority=ctx.authority)
    assert organisations.count() >= 10
    sectors = set(organisations.values_list("sector", flat=True))
    assert {
        Sector.COUNCIL,
        Sector.HEALTH,
        Sector.HOUSING,
        Sector.SCHOOL,
        Sector.PROBATION,
        Sector.VOLUNTARY,
    } <= sectors
    assert organisations.filter(sector=Sector.HEALTH).count() == 2
    snapshots = HeadcountSnapshot.objects.filter(authority=ctx.authority)
    first, last = snapshots.earliest("as_of").as_of, snapshots.latest("as_of").as_of
    assert (first, last) == (datetime.date(2023, 6, 30), datetime.date(2026, 3, 31))
    assert Trainer.objects.filter(authority=ctx.authority).count() >= 8
    assert Attendee.objects.filter(authority=ctx.authority).exists()
    assert EvaluationForm.objects.filter(authority=ctx.authority).count() > 2000
    # Everything was recorded by the demo education officer.
    assert set(Session.objects.values_list("created_by__username", flat=True)) == {"education"}


def test_yearly_volumes_are_like_the_seed_reports(ctx: DemoContext) -> None:
    year = (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    reach = {r.audience: r for r in metrics.reach(ctx.authority, *year)}
    professionals = reach[Audience.PROFESSIONALS]
    assert 35 <= professionals.sessions <= 60
    assert 900 <= professionals.reached <= 1600
    assert 2500 <= reach[Audience.PUPILS].reached <= 4200
    assert 150 <= reach[Audience.PARENTS].reached <= 320


def test_the_prevent_lead_has_organisations_to_follow_up(ctx: DemoContext) -> None:
    today = ctx.today
    rows = metrics.latest_compliance(ctx.authority, today)
    assert any(r.meets_target is False for r in rows)
    stale = [r.organisation for r in rows if r.out_of_date(today)]
    assert stale == ["Kingsmere Voluntary Action"]


def test_running_the_step_again_changes_nothing(ctx: DemoContext) -> None:
    counts = (Session.objects.count(), HeadcountSnapshot.objects.count(), Trainer.objects.count())
    step.run(ctx)
    assert (
        Session.objects.count(),
        HeadcountSnapshot.objects.count(),
        Trainer.objects.count(),
    ) == counts
