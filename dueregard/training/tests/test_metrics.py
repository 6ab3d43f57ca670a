"""Training metrics: known inputs, known counts, and a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from conftest import World
from dueregard.training import metrics, services
from dueregard.training.tests import factories

D = datetime.date
YEAR = (D(2024, 4, 1), D(2025, 3, 31))


def test_meets_compares_the_exact_share_not_the_rounded_one() -> None:
    assert metrics.meets(10119, 11944, Decimal(85)) is False  # 84.72%, shown as 84.7
    assert metrics.meets(85, 100, Decimal(85)) is True
    assert metrics.meets(5, 0, Decimal(85)) is None
    assert metrics.meets(5, 10, None) is None


def test_points_change_is_exact_then_rounded_half_up() -> None:
    assert metrics.points_change(101, 403, 347, 403) == 61.0
    assert metrics.points_change(1, 8, 1, 4) == 12.5
    assert metrics.points_change(1, 3, 2, 3) == 33.3
    assert metrics.points_change(0, 0, 2, 3) is None


def test_three_months_before_handles_short_months() -> None:
    assert metrics.three_months_before(D(2025, 5, 31)) == D(2025, 2, 28)
    assert metrics.three_months_before(D(2025, 2, 15)) == D(2024, 11, 15)


def test_compliance_lists_snapshots_in_the_period_with_their_target(
    world: World, django_assert_num_queries
) -> None:
    a = factories.snapshot(world.authority, as_of=D(2024, 3, 31), eligible=100, compliant=80)
    factories.snapshot(world.authority, as_of=D(2024, 6, 30), eligible=100, compliant=86)
    factories.snapshot(world.authority, as_of=D(2025, 6, 30), eligible=100, compliant=90)
    services.set_requirement(a.organisation, a.level, target=Decimal(90), acting_user=None)
    factories.snapshot(
        world.authority, name="Trust B", level_code="basic-awareness", eligible=40, compliant=40
    )
    factories.snapshot(world.other_authority, eligible=10, compliant=1)  # not ours
    with django_assert_num_queries(1):
        rows = metrics.compliance(world.authority, *YEAR)
    assert [(r.organisation, r.level, r.as_of) for r in rows] == [
        ("Trust A", "WRAP / level 3", D(2024, 6, 30)),
        ("Trust B", "Basic Prevent awareness", D(2024, 6, 30)),
    ]
    trust_a, trust_b = rows
    assert (trust_a.not_compliant, trust_a.percent_compliant) == (14, 86.0)
    assert trust_a.target == Decimal(90) and trust_a.meets_target is False  # its own target
    assert trust_b.target == Decimal(85) and trust_b.meets_target is True  # the level's


def test_latest_compliance_gives_every_level_that_applies(
    world: World, django_assert_num_queries
) -> None:
    factories.snapshot(world.authority, as_of=D(2024, 3, 31), eligible=100, compliant=70)
    factories.snapshot(world.authority, as_of=D(2024, 6, 30), eligible=100, compliant=88)
    trust = factories.organisation(world.authority)
    services.set_requirement(
        trust, factories.level(world.authority, "basic-awareness"), target=None, acting_user=None
    )
    with django_assert_num_queries(1):
        rows = metrics.latest_compliance(world.authority)
    by_level = {r.level: r for r in rows}
    wrap = by_level["WRAP / level 3"]
    assert (wrap.as_of, wrap.compliant, wrap.meets_target) == (D(2024, 6, 30), 88, True)
    basic = by_level["Basic Prevent awareness"]
    assert basic.as_of is None and basic.percent_compliant is None
    assert basic.out_of_date(D(2024, 7, 1))
    assert not wrap.out_of_date(D(2024, 9, 30))
    assert wrap.out_of_date(D(2024, 10, 1))  # more than three months after 30 June
    # As things stood in the spring:
    spring = {r.level: r for r in metrics.latest_compliance(world.authority, D(2024, 5, 1))}
    assert spring["WRAP / level 3"].compliant == 70


@pytest.fixture
def delivered(world: World) -> World:
    """Trust A: 100 eligible for WRAP; three WRAP sessions in the year (10, 12 and, with
    Homes, 8), one the year before, one archived; a pupils' session."""
    factories.snapshot(world.authority, as_of=D(2024, 3, 31), eligible=90, compliant=50)
    factories.snapshot(world.authority, as_of=D(2025, 3, 31), eligible=100, compliant=60)
    trainer = factories.trainer(world.authority, "Robin Example")
    other = factories.trainer(world.authority, "Sam Example")
    factories.session(world.authority, held_on=D(2024, 5, 1), attendees=10, trainer=trainer)
    factories.session(world.authority, held_on=D(2024, 6, 1), attendees=12, trainer=trainer)
    shared = factories.session(world.authority, held_on=D(2024, 7, 1), attendees=8, trainer=other)
    services.set_session_audience(
        shared, factories.organisation(world.authority, "Homes"), attendees=4, acting_user=None
    )
    factories.session(world.authority, held_on=D(2024, 2, 1), attendees=50, trainer=other)
    gone = factories.session(world.authority, held_on=D(2024, 8, 1), attendees=99)
    services.archive_session(gone, reason="Duplicate", acting_user=None)
    factories.session(
        world.authority, held_on=D(2024, 9, 1), attendees=120, course_code="pupil-resilience"
    )
    q = factories.question(world.authority).pk
    trust = factories.organisation(world.authority)
    form = services.Feedback({q: services.Answer(after=4)}, organisation=trust)
    services.record_evaluations(shared, [form] * 3, acting_user=None)
    return world


def test_delivery_by_organisation(delivered: World, django_assert_num_queries) -> None:
    with django_assert_num_queries(2):
        rows = metrics.delivery_by_organisation(delivered.authority, *YEAR)
    by_org = {(r.organisation, r.level): r for r in rows}
    trust = by_org[("Trust A", "WRAP / level 3")]
    assert (trust.requiring_training, trust.trained, trust.sessions) == (100, 30, 3)
    assert trust.percent_trained == 30.0
    homes = by_org[("Homes", "WRAP / level 3")]
    assert (homes.requiring_training, homes.trained, homes.sessions) == (None, 4, 1)
    assert homes.percent_trained is None
    # Pupils are counted in reach, not here; the Prevent team receives no training.
    assert set(by_org) == {("Trust A", "WRAP / level 3"), ("Homes", "WRAP / level 3")}


def test_trainers_table(delivered: World, django_assert_num_queries) -> None:
    with django_assert_num_queries(4):
        rows = metrics.trainers(delivered.authority, *YEAR)
    by_org = {r.organisation: r for r in rows}
    team = by_org["Prevent team"]
    # Robin delivered 2 WRAP sessions in the year, Sam 1 (and 1 the year before).
    assert (team.trainers, team.trainers_two_or_more, team.percent_two_or_more) == (2, 1, 50.0)
    trust = by_org["Trust A"]
    assert (trust.trainers, trust.trained, trust.forms_returned) == (0, 30, 3)
    assert trust.percent_forms_returned == 10.0


def test_evaluation_counts_good_or_excellent_before_and_after(
    world: World, django_assert_num_queries
) -> None:
    session = factories.session(world.authority, held_on=D(2024, 5, 1), attendees=20)
    understanding = factories.question(world.authority).pk
    sharing = factories.question(world.authority, "support-sharing").pk
    A = services.Answer
    forms = (
        [services.Feedback({understanding: A(before=1, after=4), sharing: A(yes=True)})] * 3
        + [services.Feedback({understanding: A(before=3, after=3), sharing: A(yes=False)})] * 1
        + [services.Feedback({understanding: A(after=2)}, needs="More on online hate")] * 4
    )
    services.record_evaluations(session, forms, acting_user=None)
    with django_assert_num_queries(3):
        result = metrics.evaluation(world.authority, *YEAR)
    assert (result.forms_returned, result.attendees, result.percent_returned) == (8, 20, 40.0)
    rating = next(q for q in result.questions if q.question_id == understanding)
    assert (rating.answered_before, rating.good_before, rating.percent_good_before) == (
        4,
        1,
        25.0,
    )
    assert (rating.answered_after, rating.good_after, rating.percent_good_after) == (8, 4, 50.0)
    assert rating.change == 25.0
    yes_no = next(q for q in result.questions if q.question_id == sharing)
    assert (yes_no.answered_yes_no, yes_no.yes, yes_no.percent_yes) == (4, 3, 75.0)


def test_reach_lists_every_audience(delivered: World, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        rows = metrics.reach(delivered.authority, *YEAR)
    assert [(r.audience, r.sessions, r.reached) for r in rows] == [
        ("professionals", 3, 34),
        ("pupils", 1, 120),
        ("parents", 0, 0),
    ]
