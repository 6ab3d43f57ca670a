"""`metrics.quarters` at the edges: events on the first and last day of a quarter and of
the period, and the January to March quarter (the fourth of the financial year, the
first of the calendar year), counted by calendar quarter in the database."""

from __future__ import annotations

import pytest

from dueregard.casework import metrics

from .test_metrics import D, case, load, police, referral

pytestmark = pytest.mark.django_db


def test_events_on_the_edges_of_quarters_count_in_their_own_quarter(
    world, django_assert_num_queries
) -> None:
    # Another authority's events on the same days: never counted for ours.
    load(
        world,
        [case(f"O{i}", "2019-06-30", "2020-01-01") for i in range(3)],
        authority=world.other_authority,
    )
    load(
        world,
        [
            referral("E1", "2019-03-31", triage_outcome="Advice provided"),  # Q4 2018/19
            referral("E2", "2019-04-01", triage_outcome="Advice provided"),  # Q1 2019/20
            police("E3", "2019-06-30", "2019-07-01"),  # received Q1, police Q2
            police("E4", "2019-09-30", "2019-12-31"),  # received Q2, police Q3
            case("E5", "2019-12-31", "2020-01-01"),  # received Q3, adopted Q4
            police("E6", "2020-03-31", "2020-04-01"),  # received Q4, police after the end
            referral("E7", "2020-04-01"),  # after the period
            referral("E8", "2020-01-15", triage_outcome="Signposted to other services"),
        ],
    )
    with django_assert_num_queries(1):
        rows = metrics.quarters(world.authority, D(2019, 4, 1), D(2020, 3, 31))
    assert [(q.quarter.label, q.quarter.start, q.partial) for q in rows] == [
        ("Q1 2019/20", D(2019, 4, 1), False),
        ("Q2 2019/20", D(2019, 7, 1), False),
        ("Q3 2019/20", D(2019, 10, 1), False),
        ("Q4 2019/20", D(2020, 1, 1), False),
    ]
    figures = [(q.new_referrals, q.referred_to_police, q.adopted, q.advice_provided) for q in rows]
    assert figures == [
        (2, 0, 0, 1),  # E2, E3; E2's advice
        (1, 1, 0, 0),  # E4; E3 to police
        (1, 2, 0, 0),  # E5; E4 and E5 to police
        (2, 0, 1, 0),  # E6, E8; E5 adopted
    ]


def test_a_period_inside_one_quarter_counts_only_its_own_days(world) -> None:
    load(
        world,
        [
            referral("P1", "2019-04-30"),
            referral("P2", "2019-05-01"),
            police("P3", "2019-05-31", "2019-06-01"),
            referral("P4", "2019-06-01", triage_outcome="Advice provided"),
        ],
    )
    (only,) = metrics.quarters(world.authority, D(2019, 5, 1), D(2019, 5, 31))
    assert (only.quarter.label, only.partial) == ("Q1 2019/20", True)
    assert (only.new_referrals, only.referred_to_police, only.advice_provided) == (2, 0, 0)
