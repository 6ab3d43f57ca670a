"""Casework assurance figures with known inputs: repeat referrals and how far they went,
onward referrals and the services' answers, and the days between stages (medians and 90th
percentiles by the nearest-rank method), by financial quarter, in a fixed number of
queries."""

from __future__ import annotations

import datetime

import pytest

from dueregard.casework import metrics, services
from dueregard.casework.models import GatewayOutcome, PanelDecision, TriageOutcome
from dueregard.casework.tests.factories import leave, make_person, make_referral, to_gateway

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2025, 4, 1), D(2026, 3, 31)  # financial year 2025/26


def _triage(referral, lead, on, outcome=TriageOutcome.NFA, **extra):
    return services.triage_referral(
        referral,
        outcome=outcome,
        occurred_on=on,
        reason="Test rationale.",
        acting_user=lead,
        **extra,
    )


def _refer_on(referral, lead, on):
    return _triage(
        referral,
        lead,
        on,
        TriageOutcome.REFERRED_ON,
        onward_service="Early help (test)",
        onward_referred_on=on,
    )


@pytest.fixture
def casework(world):
    """The referrals the figures below are worked out from by hand."""
    lead = world["coordinator"]
    a = world.authority
    # P: referred in June 2024, again in May 2025 (a repeat: referred on, accepted) and in
    # August 2025 (a repeat: no further action at the gateway).
    p = make_person(a, lead, given_name="Pat", family_name="Firsttest")
    _triage(make_referral(a, lead, person=p, received_on=D(2024, 6, 1)), lead, D(2024, 6, 2))
    r2 = _refer_on(
        make_referral(a, lead, person=p, received_on=D(2025, 5, 10)), lead, D(2025, 5, 12)
    )
    services.record_onward_response(
        r2, response="accepted", responded_on=D(2025, 6, 1), acting_user=lead
    )
    r3 = to_gateway(
        make_referral(a, lead, person=p, received_on=D(2025, 8, 1)), lead, D(2025, 8, 3)
    )
    services.record_gateway_outcome(
        r3,
        outcome=GatewayOutcome.NFA,
        occurred_on=D(2025, 8, 20),
        reason="No further action (test).",
        acting_user=lead,
    )
    # Q: referred once; to panel and adopted.
    q = to_gateway(make_referral(a, lead, received_on=D(2025, 7, 1)), lead, D(2025, 7, 4))
    services.record_gateway_outcome(
        q,
        outcome=GatewayOutcome.PANEL,
        occurred_on=D(2025, 7, 14),
        reason="For Channel (test).",
        acting_user=lead,
    )
    services.record_panel_decision(
        q,
        decision=PanelDecision.ADOPT,
        occurred_on=D(2025, 7, 30),
        reason="Adopted (test).",
        acting_user=lead,
    )
    # S: referred in January 2022 and October 2025, more than 24 months apart: no repeat.
    s = make_person(a, lead, given_name="Sam", family_name="Longgap")
    make_referral(a, lead, person=s, received_on=D(2022, 1, 1))
    make_referral(a, lead, person=s, received_on=D(2025, 10, 1))
    # T: referred on in November 2025, no answer yet. U: referred on in February 2026 and
    # declined in May 2026, after the period.
    _refer_on(make_referral(a, lead, received_on=D(2025, 11, 1)), lead, D(2025, 11, 3))
    u = _refer_on(make_referral(a, lead, received_on=D(2026, 2, 1)), lead, D(2026, 2, 2))
    services.record_onward_response(
        u, response="declined", responded_on=D(2026, 5, 1), acting_user=lead
    )
    # Another authority's referrals are never counted.
    other = world["other_coordinator"]
    _refer_on(
        make_referral(world.other_authority, other, received_on=D(2025, 5, 1)),
        other,
        D(2025, 5, 2),
    )
    return {"r2": r2, "r3": r3, "q": q}


def test_repeat_referrals_by_quarter_and_how_far_they_went(
    world, casework, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        rows = metrics.repeat_referrals(world.authority, START, END)
    assert [r.quarter.label for r in rows] == [
        "Q1 2025/26",
        "Q2 2025/26",
        "Q3 2025/26",
        "Q4 2025/26",
    ]
    assert [r.repeat_referrals for r in rows] == [1, 1, 0, 0]
    assert rows[0].not_for_channel_at_triage == 1  # referred on at triage
    assert rows[1].not_for_channel_at_gateway == 1
    assert all(not r.partial for r in rows)
    # The outcome is as it stood at the end of the period: before the gateway's outcome,
    # the August referral had not been decided.
    [august] = metrics.repeat_referrals(world.authority, D(2025, 7, 1), D(2025, 8, 10))
    assert (august.repeat_referrals, august.not_yet_decided, august.partial) == (1, 1, True)


def test_onward_referrals_and_the_services_answers_by_the_end_of_the_period(
    world, casework, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        rows = metrics.onward_referrals(world.authority, START, END)
    got = [(r.referred_on, r.accepted, r.declined, r.awaiting) for r in rows]
    assert got == [(1, 1, 0, 0), (0, 0, 0, 0), (1, 0, 0, 1), (1, 0, 0, 1)]
    # The declined answer of May 2026 counts once the period includes it.
    [later] = metrics.onward_referrals(world.authority, D(2026, 1, 1), D(2026, 6, 30))[:1]
    assert (later.referred_on, later.declined, later.awaiting) == (1, 1, 0)


def test_days_between_stages_as_medians_and_90th_percentiles(
    world, casework, django_assert_num_queries
) -> None:
    with django_assert_num_queries(5):
        intervals = {i.id: i for i in metrics.days_between_stages(world.authority, START, END)}
    assert list(intervals) == [
        "receipt_to_triage",
        "triage_to_gateway",
        "gateway_to_panel",
        "panel_to_decision",
        "exit_to_review_6",
        "exit_to_review_12",
        "exit_to_review_extended",
    ]
    # Triaged in the year: 2 (May), 2 (August), 3 (July), 2 (November), 1 (February) days.
    triage = intervals["receipt_to_triage"]
    assert triage.overall == metrics.Interval(5, 2, 3)
    assert [f.count for _, _, f in triage.by_quarter] == [1, 2, 1, 1]
    assert triage.by_quarter[1][2] == metrics.Interval(2, 2, 3)
    # Triage to the gateway's outcome: 10 days (Q) and 17 days (the August repeat).
    assert intervals["triage_to_gateway"].overall == metrics.Interval(2, 10, 17)
    # Only Q went to a panel: discussed and adopted the same day, 16 days after the gateway.
    assert intervals["gateway_to_panel"].overall == metrics.Interval(1, 16, 16)
    assert intervals["panel_to_decision"].overall == metrics.Interval(1, 0, 0)
    assert intervals["exit_to_review_6"].overall == metrics.Interval(0, None, None)


def test_days_from_exit_to_each_review_held(world) -> None:
    lead = world["coordinator"]
    referral = leave(
        make_referral(world.authority, lead, received_on=D(2024, 1, 8)), lead, on=D(2024, 9, 2)
    )
    six = referral.reviews.get(kind="6")
    services.record_review(
        six, held_on=D(2025, 4, 1), further_concerns=False, notes="Fine (test).", acting_user=lead
    )
    intervals = {i.id: i for i in metrics.days_between_stages(world.authority, START, END)}
    assert intervals["exit_to_review_6"].overall == metrics.Interval(1, 211, 211)
    assert intervals["exit_to_review_6"].by_quarter[0][2].count == 1
    assert intervals["exit_to_review_12"].overall.count == 0


@pytest.mark.parametrize(
    ("days", "median", "p90"),
    [
        ([], None, None),
        ([7], 7, 7),
        ([1, 2], 1, 2),
        ([3, 1, 2], 2, 3),
        (list(range(1, 11)), 5, 9),
        (list(range(1, 21)), 10, 18),
    ],
)
def test_the_nearest_rank_percentiles(days, median, p90) -> None:
    assert metrics.nearest_rank(days, 50) == median
    assert metrics.nearest_rank(days, 90) == p90
