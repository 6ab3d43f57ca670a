"""Casework metrics for a set of authorities (a region, England and Wales): the same
figures as the single-authority metrics added up, in one grouped query per table
however many authorities the set has."""

from __future__ import annotations

from typing import Any

import pytest

from dueregard.areas.models import Authority, Region
from dueregard.casework import metrics
from dueregard.core.figures import Breakdown

from .test_metrics import FY, case, load, police, referral

pytestmark = pytest.mark.django_db


def _summed(breakdowns: list[Breakdown]) -> Breakdown:
    counts: dict[str, int] = {}
    for breakdown in breakdowns:
        for label, count in breakdown.groups:
            counts[label] = counts.get(label, 0) + count
    return Breakdown(tuple(counts.items()), sum(b.not_known for b in breakdowns))


@pytest.fixture
def authorities(world: Any) -> list[Authority]:
    """Four authorities in three regions, one with no referrals at all."""
    third = Authority.objects.create(ons_code="E09999803", name="Thirdham", region=Region.LONDON)
    empty = Authority.objects.create(ons_code="W06999804", name="Emptyford", region=Region.WALES)
    load(
        world,
        [
            referral(
                "A1", "2019-04-01", sector="Education", concern="Islamist", age="13", gender="Male"
            ),
            police(
                "A2",
                "2019-06-01",
                "2019-06-03",
                sector="Police",
                concern="Extreme Right-Wing",
                age="16",
                gender="Female",
            ),
            case("A3", "2019-07-01", "2019-08-01", sector="Education", age="10", gender="Male"),
            case(
                "A4",
                "2019-07-01",
                "2019-08-01",
                left="2020-03-31",
                sector="Health",
                concern="Islamist",
                age="61",
            ),
            referral("A5", "2019-03-31", sector="Education", age="30"),  # before the period
        ],
    )
    load(
        world,
        [
            referral(
                "B1",
                "2019-05-01",
                triage_outcome="Advice provided",
                sector="Education",
                concern="Islamist",
                age="11",
                gender="Female",
            ),
            case(
                "B2",
                "2020-03-01",
                "2020-05-01",
                sector="Police",
                concern="Extreme Right-Wing",
                age="17",
                gender="Male",
            ),
            referral("B3", "2020-04-01", sector="Police", age="40"),  # after the period
        ],
        authority=world.other_authority,
    )
    load(
        world,
        [
            police("C1", "2020-03-30", "2020-04-02", age="18", gender="Other"),
            referral(
                "C2", "2019-12-01", sector="Health", concern="Islamist", age="41", gender="Male"
            ),
        ],
        authority=third,
    )
    return [world.authority, world.other_authority, third, empty]


def test_the_journey_by_authority_is_each_authoritys_journey_in_one_query(
    authorities, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        by_authority = metrics.journey_by_authority(authorities, *FY)
    assert by_authority == {a.pk: metrics.journey(a, *FY) for a in authorities}
    testborough, otherton, thirdham, emptyford = (by_authority[a.pk] for a in authorities)
    assert testborough == metrics.Journey(
        received=4,
        referred_to_police=3,
        discussed_at_panel=2,
        adopted=2,
        left_channel=1,
        awaiting_triage=1,
    )
    assert (otherton.received, otherton.referred_to_police, otherton.adopted) == (2, 1, 0)
    assert (thirdham.received, thirdham.referred_to_police, thirdham.awaiting_triage) == (2, 0, 2)
    assert emptyford == metrics.Journey(0, 0, 0, 0, 0, 0)


def test_breakdowns_across_authorities_add_up_the_authorities_breakdowns(
    authorities, django_assert_num_queries
) -> None:
    pairs = [
        (metrics.by_sector_across, metrics.by_sector, 2),
        (metrics.by_concern_across, metrics.by_concern, 2),
        (metrics.by_gender_across, metrics.by_gender, 1),
        (metrics.by_age_band_across, metrics.by_age_band, 1),
    ]
    for across, single, queries in pairs:
        with django_assert_num_queries(queries):
            together = across(authorities, *FY)
        assert together == _summed([single(a, *FY) for a in authorities]), across.__name__


def test_breakdowns_across_authorities_count_what_each_referral_recorded(authorities) -> None:
    sectors = metrics.by_sector_across(authorities, *FY)
    assert (sectors.count("Education"), sectors.count("Police"), sectors.count("Health")) == (
        3,
        2,
        2,
    )
    assert sectors.not_known == 1
    concerns = metrics.by_concern_across(authorities, *FY)
    assert (concerns.count("Islamist"), concerns.count("Extreme Right-Wing")) == (4, 2)
    assert concerns.not_known == 2
    genders = metrics.by_gender_across(authorities, *FY)
    assert [genders.count(g) for g in ("Male", "Female", "Other")] == [4, 2, 1]
    assert genders.not_known == 1
    ages = metrics.by_age_band_across(authorities, *FY)
    assert dict(ages.groups) == {
        "10 or under": 1,
        "11-15": 2,
        "16-17": 2,
        "18-20": 1,
        "21-30": 0,
        "31-40": 0,
        "41-50": 1,
        "51-60": 0,
        "61 and over": 1,
    }
    assert ages.not_known == 0


def test_a_subset_counts_only_its_own_authorities(authorities) -> None:
    testborough, otherton, _, _ = authorities
    sectors = metrics.by_sector_across([testborough, otherton], *FY)
    assert sectors == _summed([metrics.by_sector(a, *FY) for a in (testborough, otherton)])
    assert (sectors.count("Health"), sectors.not_known) == (1, 0)
    assert set(metrics.journey_by_authority([otherton], *FY)) == {otherton.pk}


def test_the_queries_do_not_grow_with_the_authorities(
    authorities, django_assert_num_queries
) -> None:
    more = authorities + [
        Authority.objects.create(ons_code=f"E0799990{i}", name=f"Extra {i}", region=Region.WALES)
        for i in range(5)
    ]
    with django_assert_num_queries(1):
        journeys = metrics.journey_by_authority(more, *FY)
    assert len(journeys) == len(more)
    with django_assert_num_queries(2):
        metrics.by_sector_across(more, *FY)
