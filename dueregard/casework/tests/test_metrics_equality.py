"""The equality-monitoring counts with known inputs: referrals by the referred person's
ethnic group and religion, and Channel cases by each characteristic, one query each."""

from __future__ import annotations

import datetime

import pytest

from dueregard.casework import metrics
from dueregard.casework.models import EthnicGroup, Religion
from dueregard.casework.tests import factories

pytestmark = pytest.mark.django_db

RECEIVED = factories.days_ago(300)
PERIOD = (RECEIVED - datetime.timedelta(days=30), factories.days_ago(1))


@pytest.fixture
def referred(world):
    """Three referrals in the period: an Asian Muslim adopted as a Channel case, a White
    Christian, and a person whose groups are not recorded; one of another authority."""
    user = world["coordinator"]

    def refer(authority, **person):
        return factories.make_referral(
            authority,
            user,
            person=factories.make_person(authority, user, **person),
            received_on=RECEIVED,
            gender="male",
            age_at_referral=16,
        )

    adopted = refer(world.authority, ethnic_group=EthnicGroup.ASIAN, religion=Religion.MUSLIM)
    factories.adopt(adopted, user)
    refer(world.authority, ethnic_group=EthnicGroup.WHITE, religion=Religion.CHRISTIAN)
    refer(world.authority)
    refer(world.other_authority, ethnic_group=EthnicGroup.WHITE, religion=Religion.CHRISTIAN)


def test_referrals_by_ethnic_group_and_religion_list_every_group(
    world, referred, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        ethnic = metrics.by_ethnic_group(world.authority, *PERIOD)
    assert [label for label, _ in ethnic.groups] == list(EthnicGroup.values)
    assert dict(ethnic.groups)[EthnicGroup.ASIAN] == 1
    assert dict(ethnic.groups)[EthnicGroup.WHITE] == 1
    assert ethnic.not_known == 1
    with django_assert_num_queries(1):
        religion = metrics.by_religion(world.authority, *PERIOD)
    assert dict(religion.groups)[Religion.MUSLIM] == 1
    assert dict(religion.groups)[Religion.CHRISTIAN] == 1
    assert religion.known == 2 and religion.not_known == 1


@pytest.mark.parametrize(
    ("characteristic", "group"),
    [
        ("age_band", "16-17"),
        ("sex", "Male"),
        ("ethnic_group", EthnicGroup.ASIAN),
        ("religion", Religion.MUSLIM),
    ],
)
def test_channel_cases_by_each_characteristic(
    world, referred, django_assert_num_queries, characteristic, group
) -> None:
    with django_assert_num_queries(1):
        cases = metrics.adopted_by(world.authority, *PERIOD, characteristic)
    assert dict(cases.groups)[group] == 1
    assert cases.known == 1 and cases.not_known == 0


def test_an_unknown_characteristic_is_refused(world) -> None:
    with pytest.raises(ValueError, match="unknown characteristic"):
        metrics.adopted_by(world.authority, *PERIOD, "postcode")
