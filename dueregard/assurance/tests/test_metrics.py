"""Assurance figures from known records, including the plan as it stood at a quarter end."""

from __future__ import annotations

import datetime

import pytest

from dueregard.areas.models import Ward
from dueregard.assurance import metrics, services
from dueregard.assurance.queries import plan_as_at

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def _update(world, action, day, status, target=None, note=""):
    services.record_action_update(
        action,
        recorded_on=day,
        status=status,
        target_date=target or action.target_date,
        owner=action.owner,
        agency=action.agency,
        note=note,
        acting_user=world["coordinator"],
    )


@pytest.fixture
def plan(world):
    """Three actions with a year of dated updates (2024/25)."""
    strategy = f.strategy(world)
    a1 = f.action(
        world, strategy, reference="1", added_on=D(2024, 4, 5), target_date=D(2024, 9, 30)
    )
    a2 = f.action(
        world, strategy, reference="2", added_on=D(2024, 4, 5), target_date=D(2025, 3, 31)
    )
    a3 = f.action(world, strategy, reference="3", added_on=D(2024, 8, 1), target_date=None)
    _update(world, a1, D(2024, 6, 20), "on_track")
    _update(world, a1, D(2024, 9, 25), "at_risk", note="Partner left")
    _update(world, a1, D(2024, 12, 10), "off_track", target=D(2025, 2, 28))
    _update(world, a1, D(2025, 2, 20), "complete")
    _update(world, a2, D(2024, 6, 30), "on_track")
    _update(world, a2, D(2025, 1, 15), "complete")
    _update(world, a3, D(2024, 10, 1), "on_track")
    return strategy, (a1, a2, a3)


def test_the_plan_at_each_quarter_end_is_rebuilt_from_the_dated_updates(world, plan):
    strategy, _ = plan
    by_quarter = {
        day: dict(metrics.actions_by_status(world.authority, day, strategy).groups)
        for day in (D(2024, 6, 30), D(2024, 9, 30), D(2024, 12, 31), D(2025, 3, 31))
    }
    assert by_quarter[D(2024, 6, 30)] == {
        "Not started": 0, "On track": 2, "At risk": 0, "Off track": 0, "Complete": 0,
    }  # fmt: skip
    # Action 3 joined on 1 August; action 1 slipped to at risk on 25 September.
    assert by_quarter[D(2024, 9, 30)] == {
        "Not started": 1, "On track": 1, "At risk": 1, "Off track": 0, "Complete": 0,
    }  # fmt: skip
    assert by_quarter[D(2024, 12, 31)] == {
        "Not started": 0, "On track": 2, "At risk": 0, "Off track": 1, "Complete": 0,
    }  # fmt: skip
    assert by_quarter[D(2025, 3, 31)] == {
        "Not started": 0, "On track": 1, "At risk": 0, "Off track": 0, "Complete": 2,
    }  # fmt: skip


def test_later_updates_do_not_change_how_an_earlier_quarter_stood(world, plan):
    strategy, (a1, _, _) = plan
    before = metrics.actions_by_status(world.authority, D(2024, 9, 30), strategy)
    _update(world, a1, D(2025, 3, 1), "on_track", note="Reopened after review")
    assert metrics.actions_by_status(world.authority, D(2024, 9, 30), strategy) == before
    assert (
        metrics.actions_by_status(world.authority, D(2025, 3, 31), strategy).count("Complete") == 1
    )


def test_the_plan_as_at_shows_each_actions_status_target_and_note_then(world, plan):
    strategy, _ = plan
    rows = {a.reference: a for a in plan_as_at(strategy.actions.all(), D(2024, 12, 31))}
    assert rows["1"].status_then == "off_track"
    assert rows["1"].target_then == D(2025, 2, 28)
    assert rows["1"].note_then == "Partner left"  # the latest note written by then
    assert rows["2"].status_then == "on_track"
    assert set(rows) == {"1", "2", "3"}
    assert "3" not in {a.reference for a in plan_as_at(strategy.actions.all(), D(2024, 7, 31))}


def test_overdue_means_open_with_the_target_date_then_passed(world, plan):
    strategy, _ = plan
    # 31 Oct 2024: action 1 at risk with target 30 Sep (overdue); 2 on track to March;
    # 3 has no target date.
    october = metrics.overdue_actions(world.authority, D(2024, 10, 31), strategy)
    assert (october.total, october.open, october.overdue, october.no_target) == (3, 3, 1, 1)
    # 31 Dec 2024: action 1's target moved to 28 Feb, so nothing is overdue.
    december = metrics.overdue_actions(world.authority, D(2024, 12, 31), strategy)
    assert december.overdue == 0
    march = metrics.overdue_actions(world.authority, D(2025, 3, 31), strategy)
    assert (march.total, march.open, march.overdue) == (3, 1, 0)


def test_withdrawn_actions_leave_the_plan_from_the_day_after(world, plan):
    strategy, (_, _, a3) = plan
    services.withdraw_action(a3, reason="Duplicate of 2", acting_user=world["coordinator"])
    today = datetime.date.today()
    assert metrics.actions_by_status(world.authority, today, strategy).total == 2
    assert metrics.actions_by_status(world.authority, D(2024, 12, 31), strategy).total == 3


def test_the_authority_wide_plan_is_the_strategies_in_force(world, plan):
    old = f.strategy(world, title="Old", period_start=D(2020, 4, 1), period_end=D(2023, 3, 31))
    f.action(world, old, reference="9", added_on=D(2020, 5, 1), target_date=D(2021, 1, 1))
    assert metrics.actions_by_status(world.authority, D(2025, 3, 31)).total == 3
    assert metrics.actions_by_status(world.authority, D(2022, 3, 31)).total == 1
    assert metrics.overdue_actions(world.authority, D(2022, 3, 31)).overdue == 1


def test_another_authoritys_plan_is_not_counted(world, plan):
    theirs = services.create_strategy(
        authority=world.other_authority,
        title="Theirs",
        period_start=D(2024, 4, 1),
        period_end=D(2027, 3, 31),
        objective="o",
        acting_user=world["other_coordinator"],
    )
    services.add_action(
        theirs,
        reference="1",
        title="t",
        owner="o",
        agency="a",
        added_on=D(2024, 4, 2),
        acting_user=world["other_coordinator"],
    )
    assert metrics.actions_by_status(world.authority, D(2025, 3, 31)).total == 3
    assert metrics.actions_by_status(world.other_authority, D(2025, 3, 31)).total == 1


def test_status_figures_take_one_query(world, plan, django_assert_num_queries):
    strategy, _ = plan
    with django_assert_num_queries(1):
        metrics.actions_by_status(world.authority, D(2024, 12, 31), strategy)
    with django_assert_num_queries(1):
        metrics.overdue_actions(world.authority, D(2024, 12, 31))


def test_risks_by_recorded_rating_and_by_likelihood_and_impact_as_at(world):
    r1 = f.risk(world, reference="R1", likelihood=4, impact=3, rating="high")
    f.risk(world, reference="R2", likelihood=2, impact=3, rating="")
    r3 = f.risk(world, reference="R3", likelihood=4, impact=3, rating="medium")
    services.review_risk(
        r1,
        reviewed_on=D(2024, 9, 1),
        likelihood=5,
        impact=4,
        trend="increasing",
        rating="very_high",
        review_date=D(2025, 3, 1),
        acting_user=world["coordinator"],
    )
    services.close_risk(r3, reason="Merged", acting_user=world["coordinator"])
    august = metrics.risks_by_rating(world.authority, D(2024, 8, 1))
    assert dict(august.groups) == {"Very high": 0, "High": 1, "Medium": 1, "Low": 0}
    assert august.not_known == 1
    today = metrics.risks_by_rating(world.authority, datetime.date.today())
    assert dict(today.groups) == {"Very high": 1, "High": 0, "Medium": 0, "Low": 0}
    assert today.not_known == 1
    grid = metrics.risks_by_likelihood_and_impact(world.authority, datetime.date.today())
    assert grid.counts == {(5, 4): 1, (2, 3): 1}
    assert grid.total == 2
    assert grid.rows()[0] == ("5: Almost certain", [0, 0, 0, 1, 0])


def test_incidents_by_ward_list_every_ward_and_count_unknown_wards(
    world, django_assert_num_queries
):
    second = Ward.objects.create(authority=world.authority, ons_code="E05999802", name="Abbey")
    f.incident(world, occurred_on=D(2024, 5, 1))
    f.incident(world, occurred_on=D(2024, 6, 1), kind="school_hoax")
    f.incident(world, occurred_on=D(2024, 6, 2), ward=None, kind="community_tension")
    f.incident(world, occurred_on=D(2023, 6, 1))  # before the period
    removed = f.incident(world, occurred_on=D(2024, 7, 1), ward=second)
    services.archive_incident(removed, reason="Logged twice", acting_user=world["coordinator"])
    services.record_incident(
        authority=world.other_authority,
        occurred_on=D(2024, 6, 1),
        kind="school_hoax",
        summary="s",
        acting_user=world["other_coordinator"],
    )
    with django_assert_num_queries(2):
        by_ward = metrics.incidents_by_ward(world.authority, D(2024, 4, 1), D(2025, 3, 31))
    assert by_ward.groups == (("Abbey", 0), ("Test Ward", 2))
    assert (by_ward.not_known, by_ward.total) == (1, 3)
    with django_assert_num_queries(1):
        by_type = metrics.incidents_by_type(world.authority, D(2024, 4, 1), D(2025, 3, 31))
    assert by_type.count("Extremist stickering or graffiti") == 1
    assert by_type.count("Hoax threat against a school") == 1
    assert by_type.count("Community tension event") == 1
    assert by_type.total == 3


def test_self_assessment_ratings_for_a_year(world, django_assert_num_queries):
    f.assessment(world, benchmark=f.benchmark(1), rating="green")
    f.assessment(world, benchmark=f.benchmark(6), rating="amber")
    f.assessment(world, benchmark=f.benchmark(6), rating="red", year=2023)
    with django_assert_num_queries(1):
        rows = metrics.self_assessment_ratings(world.authority, 2024)
    assert [(r.number, r.rating_label) for r in rows[:2]] == [
        (1, "Green (met)"),
        (2, "Not assessed"),
    ]
    assert rows[5].rating == "amber"
    summary = metrics.ratings_summary(world.authority, 2024)
    assert dict(summary.groups) == {"Green (met)": 1, "Amber (partly met)": 1, "Red (not met)": 0}
    assert summary.not_known == 6


def test_recommendation_responses_by_status(world):
    ctlp = f.ctlp(world)
    f.recommendation(world, ctlp, response_status="complete", response="Done")
    f.recommendation(world, ctlp)
    assert dict(metrics.recommendation_responses(world.authority).groups) == {
        "Not started": 1,
        "In progress": 0,
        "Complete": 1,
        "Not accepted (reason given)": 0,
    }
