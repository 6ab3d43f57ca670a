"""Kingsmere's engagement, projects and council resources in the demo borough: counts like
the seeds' come from records, and building twice changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dueregard.core.periods import last_complete_financial_year
from dueregard.demo.context import DemoContext
from dueregard.demo.steps import areas, engagement, users
from dueregard.engagement import metrics
from dueregard.engagement.models import (
    Bid,
    Engagement,
    ITCheck,
    Network,
    OutOfSchoolSetting,
    OutputFigure,
    Project,
    VenueCheck,
)

pytestmark = pytest.mark.django_db


def test_the_demo_borough_engages_about_32_groups_a_year_and_runs_three_projects() -> None:
    ctx = DemoContext()
    areas.run(ctx)
    users.run(ctx)
    engagement.run(ctx)
    year = last_complete_financial_year(timezone.localdate())

    groups = metrics.groups_engaged(ctx.authority, year.start, year.end)
    assert 31 <= groups.through_engagements <= 33  # seed 000 §1.27: "32 ... groups"
    assert groups.engaged == groups.through_engagements  # events involve groups engaged
    assert (
        metrics.engagements_by_type(ctx.authority, year.start, year.end).total == groups.engagements
    )

    projects = Project.objects.filter(authority=ctx.authority, starts_on=year.start)
    assert projects.count() == 3
    assert (
        Bid.objects.filter(
            authority=ctx.authority,
            submitted_on__lt=year.start,
            submitted_on__gte=year.start.replace(year=year.start.year - 1),
        ).count()
        == 4
    )
    totals = metrics.project_output_totals(ctx.authority, year.start, year.end)
    assert totals and all(t.planned > 0 and t.delivered > 0 for t in totals)
    spend = metrics.project_spend(ctx.authority, year.start, year.end)
    assert all(0 < s.spent_in_period <= s.budget for s in spend)

    register = metrics.settings_by_safeguarding_status(ctx.authority, timezone.localdate())
    assert register.by_status.total > 40 and register.pupils > 0
    assert Network.objects.filter(authority=ctx.authority).count() == 3
    assert VenueCheck.objects.filter(authority=ctx.authority, decision="refused").exists() or (
        VenueCheck.objects.filter(authority=ctx.authority).count() > 30
    )
    assert ITCheck.objects.filter(authority=ctx.authority).values("site").distinct().count() == 9

    counts = [
        m.objects.count()
        for m in (Engagement, Bid, Project, OutputFigure, OutOfSchoolSetting, VenueCheck, ITCheck)
    ]
    engagement.run(ctx)
    assert [
        m.objects.count()
        for m in (Engagement, Bid, Project, OutputFigure, OutOfSchoolSetting, VenueCheck, ITCheck)
    ] == counts
