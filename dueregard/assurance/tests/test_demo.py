"""Kingsmere's assurance records: the seed strategies as the borough's plan, fictional."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from dueregard.assurance.models import (
    CTLP,
    Action,
    ActionUpdate,
    Evidence,
    Incident,
    Risk,
    SelfAssessment,
    Strategy,
    ThreatLevel,
)
from dueregard.demo.context import DemoContext
from dueregard.demo.steps import areas, assurance, users

pytestmark = pytest.mark.django_db

# Names of real councils and officers in the seed reports: none may appear in the demo.
REAL_NAMES = [
    "Barnet", "Barking", "Dagenham", "Vagarwal", "Rosengard", "Jasper", "Matthew Cole",
    "Bristow", "Feild", "Finchley", "NELFT", "BHRUT", "Enfield", "Haringey",
]  # fmt: skip


def build() -> DemoContext:
    ctx = DemoContext()
    for step in (areas, users, assurance):
        step.run(ctx)
    return ctx


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The borough built once for this module, and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    models = [Strategy, Action, ActionUpdate, Risk, CTLP, Incident, SelfAssessment, Evidence]
    # Each of these models declares `objects`; the list's inferred type is only Model.
    return {m.__name__: m.objects.count() for m in [*models, ThreatLevel]}  # type: ignore[attr-defined]


def test_the_seed_strategies_are_kingsmeres_plan_with_owners_dates_and_updates(demo):
    ctx = demo
    forward, delivery = Strategy.objects.filter(authority=ctx.authority).order_by("period_start")
    assert forward.objective.startswith("To keep the people of Kingsmere safe")
    assert list(forward.actions.order_by("reference").values_list("reference", "title")) == [
        ("1", "Partnerships"),
        ("2", "Risk assessment"),
        ("3", "Prevent action plan"),
        ("4", "Staff training"),
        ("5", "Use of local authority resources"),
        ("6", "Safeguarding children and adults from radicalisation"),
    ]
    assert [p.title.split(" ")[:5] for p in delivery.priorities.all()] == [
        ["To", "work", "in", "partnership", "to"],
        ["To", "work", "with", "partners", "and"],
        ["To", "put", "in", "place", "mechanisms"],
        ["To", "deliver", "a", "programme", "to"],
    ]
    assert all(a.priority is not None for a in delivery.actions.all())
    for action in Action.objects.filter(authority=ctx.authority):
        assert action.owner and action.agency and action.target_date and action.success_measure
        assert action.updates.count() >= 2, action
        assert action.updates.filter(recorded_on__gt=ctx.today).count() == 0
    statuses = set(delivery.actions.values_list("status", flat=True))
    assert {"on_track", "at_risk", "off_track", "complete"} <= statuses
    assert Action.objects.filter(risks__isnull=False).exists()
    assert Action.objects.filter(recommendations__isnull=False).exists()


def test_the_rest_of_the_risk_picture_and_two_years_of_self_assessment(demo):
    ctx = demo
    assert ThreatLevel.objects.order_by("starts_on").last().starts_on == datetime.date(2022, 2, 9)
    assert all(t.source_url.startswith("https://") for t in ThreatLevel.objects.all())
    assert CTLP.objects.get().recommendations.count() == 5
    assert Risk.objects.count() == 6
    assert Incident.objects.values("ward").distinct().count() > 5
    years = set(SelfAssessment.objects.values_list("year", flat=True))
    assert len(years) == 2 and SelfAssessment.objects.count() == 16
    assert Evidence.objects.exclude(file="").exists() and Evidence.objects.exclude(link="").exists()
    assert Evidence.objects.filter(authority=ctx.authority).count() == 22


def test_running_the_demo_again_adds_nothing(demo):
    first = counts()
    build()
    assert counts() == first


def test_no_real_council_or_officer_appears(demo):
    texts = []
    texts += Strategy.objects.values_list("title", "objective", "approved_by")
    texts += Action.objects.values_list("title", "description", "owner", "agency")
    texts += ActionUpdate.objects.values_list("note", "owner", "agency")
    texts += Risk.objects.values_list("theme", "description", "owner", "agency")
    texts += CTLP.objects.values_list("title", "area", "key_points", "produced_by")
    texts += Incident.objects.values_list("summary", "location", "source")
    texts += Evidence.objects.values_list("title", "description", "original_filename")
    text = " ".join(" ".join(v for v in row if v) for row in texts)
    assert "Kingsmere" in text
    for name in REAL_NAMES:
        assert name not in text, name
