"""Fixtures for the reports tests: a fictional resident population for the test borough."""

from __future__ import annotations

import pytest

from dueregard.areas.models import Population

AGE_BANDS = {
    "61 and over": 17_800,
    "10 or under": 13_500,
    "11-15": 6_200,
    "16-17": 2_400,
    "18-20": 3_600,
    "21-30": 14_000,
    "31-40": 16_000,
    "41-50": 14_000,
    "51-60": 12_500,
}
SEX = {"Female": 51_500, "Male": 48_500}
ETHNIC_GROUP = {
    "White": 58_000,
    "Other ethnic group": 9_500,
    "Asian, Asian British or Asian Welsh": 19_000,
    "Black, Black British, Black Welsh, Caribbean or African": 8_000,
    "Mixed or Multiple ethnic groups": 5_500,
}
RELIGION = {
    "Christian": 36_000,
    "Not answered": 6_000,
    "Muslim": 12_000,
    "No religion": 25_500,
    "Hindu": 7_000,
    "Jewish": 10_000,
    "Other religion": 3_500,
}


def load_population(authority, groups=None) -> None:
    groups = groups or {
        "age_band": AGE_BANDS,
        "sex": SEX,
        "ethnic_group": ETHNIC_GROUP,
        "religion": RELIGION,
    }
    Population.objects.bulk_create(
        Population(authority=authority, characteristic=c, group=g, count=n)
        for c, values in groups.items()
        for g, n in values.items()
    )


@pytest.fixture
def population(world):
    """Testborough's 100,000 residents by age band, sex, ethnic group and religion, and a
    ward figure that the authority-wide tables must not count."""
    load_population(world.authority)
    Population.objects.create(
        authority=world.authority, ward=world.ward, characteristic="sex", group="Male", count=900
    )
    return world
