"""Engagement, project and council-resource figures with known inputs, and the queries
they take."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from dueregard.engagement import metrics, services
from dueregard.engagement.models import BidOutcome, FilterResult, VenueDecision

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
FY = (D(2024, 4, 1), D(2025, 3, 31))


def test_engagements_by_type_in_the_period(world, django_assert_num_queries) -> None:
    group = f.group(world)
    for day, kind in [
        (D(2024, 4, 1), "meeting"),
        (D(2024, 9, 9), "meeting"),
        (D(2025, 3, 31), "visit"),
        (D(2024, 3, 31), "visit"),  # the year before
        (D(2025, 4, 1), "workshop"),  # the year after
    ]:
        f.engagement(world, groups=[group], date=day, type=kind)
    archived = f.engagement(world, groups=[group], date=D(2024, 6, 1), type="tension")
    services.archive_engagement(archived, "Entered twice", acting_user=world["education_officer"])

    with django_assert_num_queries(1):
        result = metrics.engagements_by_type(world.authority, *FY)
    assert result.groups[0] == ("Meeting", 2)
    assert result.count("Visit") == 1
    assert result.count("Response to an incident or community tension") == 0
    assert result.total == 3 and result.not_known == 0


def test_groups_engaged_counts_each_group_once_across_engagements_and_events(
    world, django_assert_num_queries
) -> None:
    a, b, c, d = (f.group(world, n) for n in ("A", "B", "C", "D"))
    f.group(world, "Never engaged")
    archived = f.group(world, "Closed group")
    services.archive_group(archived, "Closed", acting_user=world["education_officer"])
    f.engagement(world, groups=[a, b], date=D(2024, 5, 1))
    f.engagement(world, groups=[a], date=D(2024, 6, 1))
    f.event(world, date=D(2024, 10, 1), groups=[b, c])
    f.engagement(world, groups=[d], date=D(2023, 6, 1))  # the year before
    f.engagement(world, groups=[f.group(world, "Other")], date=D(2024, 6, 1), people_reached=3)

    with django_assert_num_queries(3):
        result = metrics.groups_engaged(world.authority, *FY)
    assert result.engaged == 4  # A, B, C and Other
    assert result.through_engagements == 3  # A, B and Other
    assert (result.engagements, result.events) == (3, 1)
    assert result.groups_on_record == 6  # A, B, C, D, Never engaged, Other


def test_project_outputs_planned_and_delivered_by_quarter(world, django_assert_num_queries) -> None:
    project = f.project(world)
    sites, settings = (
        f.output(world, project, "Sites engaged"),
        f.output(world, project, "Settings identified"),
    )
    by = world["education_officer"]
    services.record_quarterly_return(
        project,
        quarter_start=D(2024, 4, 1),
        figures={sites.pk: (50, 40), settings.pk: (20, 25)},
        spend=Decimal(6000),
        progress="",
        issues="",
        acting_user=by,
    )
    services.record_quarterly_return(
        project,
        quarter_start=D(2024, 7, 1),
        figures={sites.pk: (70, 80), settings.pk: (20, None)},
        spend=Decimal("7000.50"),
        progress="",
        issues="",
        acting_user=by,
    )
    with django_assert_num_queries(1):
        rows = metrics.project_outputs(world.authority, *FY)
    assert [(r.output, r.quarter, r.planned, r.delivered) for r in rows] == [
        ("Sites engaged", "Q1 2024/25", 50, 40),
        ("Sites engaged", "Q2 2024/25", 70, 80),
        ("Settings identified", "Q1 2024/25", 20, 25),
        ("Settings identified", "Q2 2024/25", 20, None),
    ]
    with django_assert_num_queries(1):
        totals = metrics.project_output_totals(world.authority, *FY)
    assert [(t.output, t.planned, t.delivered, t.quarters_reported) for t in totals] == [
        ("Sites engaged", 120, 120, 2),
        ("Settings identified", 40, 25, 1),
    ]
    q2 = metrics.project_output_totals(world.authority, D(2024, 7, 1), D(2024, 9, 30))
    assert [(t.planned, t.delivered) for t in q2] == [(70, 80), (20, 0)]
    with django_assert_num_queries(1):
        spend = metrics.project_spend(world.authority, D(2024, 7, 1), D(2024, 9, 30))
    assert spend[0].budget == Decimal(28000)
    assert spend[0].spent_in_period == Decimal("7000.50")
    assert spend[0].spent_to_date == Decimal("13000.50")


def test_bids_by_outcome_with_sums(world) -> None:
    in_year = {"submitted_on": D(2025, 2, 1), "outcome_on": D(2025, 3, 1)}
    f.bid(world, **in_year)  # successful: asked 30,000, awarded 28,000
    f.bid(world, title="B", outcome=BidOutcome.UNSUCCESSFUL, amount_awarded=None, **in_year)
    f.bid(world, title="C", outcome=BidOutcome.PENDING, submitted_on=D(2025, 3, 20))
    f.bid(world, title="Old", submitted_on=D(2024, 3, 1))  # the year before
    result = metrics.bids(world.authority, *FY)
    assert result.outcomes.count("Successful") == 1
    assert result.outcomes.count("Unsuccessful") == 1
    assert result.outcomes.not_known == 1  # waiting for a decision
    assert result.requested == Decimal(90000) and result.awarded == Decimal(28000)


def test_settings_by_safeguarding_status_on_a_date(world, django_assert_num_queries) -> None:
    f.setting(world, name="A", safeguarding_status="in_place", pupils=40)
    f.setting(world, name="B", safeguarding_status="in_place", pupils=None)
    f.setting(world, name="C", safeguarding_status="referred", pupils=25)
    f.setting(world, name="D", pupils=10)  # not yet assessed
    f.setting(world, name="Later", identified_on=D(2025, 6, 1), pupils=99)
    closed = f.setting(world, name="Closed", pupils=99)
    services.archive_setting(closed, "No longer operating", acting_user=world["education_officer"])
    with django_assert_num_queries(2):
        result = metrics.settings_by_safeguarding_status(world.authority, D(2025, 3, 31))
    assert result.by_status.count("Safeguarding arrangements in place") == 2
    assert result.by_status.count("Concerns referred to the relevant agency") == 1
    assert result.by_status.not_known == 1
    assert (result.pupils, result.pupils_not_known) == (75, 1)


def test_venue_checks_by_decision_and_it_checks_by_result(world) -> None:
    f.venue_check(world)  # pending
    f.venue_check(
        world, decision=VenueDecision.APPROVED, decision_reason="Fine", decided_on=D(2024, 9, 1)
    )
    f.venue_check(
        world,
        decision=VenueDecision.REFUSED,
        decision_reason="Police advice",
        decided_on=D(2024, 9, 1),
    )
    f.venue_check(world, event_date=D(2025, 6, 1))  # after the period
    venues = metrics.venue_checks_by_decision(world.authority, *FY)
    assert (venues.count("Approved"), venues.count("Refused"), venues.not_known) == (1, 1, 1)

    f.it_check(world)
    f.it_check(world, site="Riverside Library")
    f.it_check(world, result=FilterResult.FAIL, issues="A blocked page loaded")
    it = metrics.it_checks_by_result(world.authority, *FY)
    assert (it.count("Filtering worked"), it.count("Filtering did not work")) == (2, 1)
    assert metrics.it_sites_checked(world.authority, *FY) == 2


def test_figures_are_for_one_authority_only(world) -> None:
    f.engagement(world)
    theirs = services.create_group(
        world.other_authority,
        {"name": "Theirs", "kind": "community"},
        acting_user=world["other_coordinator"],
    )
    services.record_engagement(
        world.other_authority,
        {
            "date": D(2024, 5, 1),
            "groups": [theirs],
            "type": "meeting",
            "topic": "t",
            "staff": "s",
            "outcome": "o",
        },
        acting_user=world["other_coordinator"],
    )
    assert metrics.groups_engaged(world.authority, *FY).engaged == 1
    assert metrics.engagements_by_type(world.other_authority, *FY).total == 1
