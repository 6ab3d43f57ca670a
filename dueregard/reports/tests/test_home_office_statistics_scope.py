"""Home Office-style statistics for a region and for England and Wales: the figures are
the authorities' own figures added up (computed here authority by authority, as the
single-authority report computes them), and building them takes the same queries
however many authorities the scope has."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dueregard.areas.models import Authority, Region
from dueregard.casework import metrics
from dueregard.core.figures import Breakdown
from dueregard.reports.definitions.home_office_statistics import (
    JOURNEY,
    TOTAL,
    Scope,
    build_for_scope,
)

from .test_home_office_statistics import FY_2023, load, write_referrals

pytestmark = pytest.mark.django_db

TABLES = [
    ("by_sector", metrics.by_sector),
    ("by_concern", metrics.by_concern),
    ("by_age_band", metrics.by_age_band),
    ("by_gender", metrics.by_gender),
]


def _summed(breakdowns: list[Breakdown]) -> Breakdown:
    counts: dict[str, int] = {}
    for breakdown in breakdowns:
        for label, count in breakdown.groups:
            counts[label] = counts.get(label, 0) + count
    return Breakdown(tuple(counts.items()), sum(b.not_known for b in breakdowns))


def _journey(authorities: list[Authority], start: datetime.date, end: datetime.date) -> dict:
    journeys = [metrics.journey(a, start, end) for a in authorities]
    return {key: sum(getattr(j, key) for j in journeys) for key, _, _ in JOURNEY}


@pytest.fixture
def authorities(world: Any, tmp_path: Path) -> list[Authority]:
    """Three authorities with referrals (two in London) and one in Wales with none."""
    near = Authority.objects.create(ons_code="E09999803", name="Nearborough", region=Region.LONDON)
    empty = Authority.objects.create(ons_code="W06999804", name="Emptyford", region=Region.WALES)
    load(world.authority, tmp_path, "TB")
    load(world.other_authority, tmp_path, "OT")
    # Nearborough's referrals are all a year earlier.
    call_command(
        "import_referrals",
        str(write_referrals(tmp_path / "NB.csv", "NB", year=2022)),
        "--authority",
        near.ons_code,
        stdout=io.StringIO(),
    )
    return [world.authority, world.other_authority, near, empty]


def _assert_figures_are_the_authorities_added_up(report: Any, members: list[Authority]) -> None:
    start, end = report.start, report.end
    journey = {row["label"]: row["count"] for row in report.table("journey").rows}
    expected = _journey(members, start, end)
    assert journey == {label: expected[key] for key, label, _ in JOURNEY}
    for table_id, metric in TABLES:
        table = report.table(table_id)
        breakdown = _summed([metric(a, start, end) for a in members])
        local = [
            (row["label"], row["count"])
            for row in table.rows
            if row["label"] != TOTAL and row["count"] is not None
        ]
        assert local == list(breakdown.groups), table_id
        assert table.not_known == breakdown.not_known, table_id


def test_england_and_wales_figures_are_every_authoritys_figures_added_up(authorities) -> None:
    report = build_for_scope(Scope.national(authorities), *FY_2023)
    _assert_figures_are_the_authorities_added_up(report, authorities)
    assert report.table("journey").rows[0]["count"] == 24  # 12 in each of two authorities
    by_region = {row["label"]: row for row in report.table("by_region").rows}
    for region in Region:
        members = [a for a in authorities if a.region == region.value]
        expected = _journey(members, *FY_2023)
        row = by_region[region.value]
        assert (row["received"], row["discussed_at_panel"], row["adopted"]) == (
            expected["received"],
            expected["discussed_at_panel"],
            expected["adopted"],
        ), region
    assert (by_region["London"]["received"], by_region["London"]["adopted"]) == (12, 3)
    assert (by_region["Wales"]["received"], by_region["Total"]["received"]) == (0, 24)


def test_a_regions_figures_and_its_table_by_authority_are_its_authorities_figures(
    authorities,
) -> None:
    london = [a for a in authorities if a.region == Region.LONDON]
    report = build_for_scope(Scope.for_region("London", london), *FY_2023)
    _assert_figures_are_the_authorities_added_up(report, london)
    by_authority = {row["label"]: row for row in report.table("by_authority").rows}
    assert list(by_authority) == ["Nearborough", "Testborough", "Total"]
    for authority in london:
        journey = metrics.journey(authority, *FY_2023)
        row = by_authority[authority.name]
        assert (row["received"], row["discussed_at_panel"], row["adopted"]) == (
            journey.received,
            journey.discussed_at_panel,
            journey.adopted,
        )
    assert [row["received"] for row in by_authority.values()] == [0, 12, 12]


def test_a_year_with_referrals_in_only_one_authority(authorities) -> None:
    """The year before: only Nearborough's referrals; every group is listed, with zeros."""
    start, end = datetime.date(2022, 4, 1), datetime.date(2023, 3, 31)
    report = build_for_scope(Scope.national(authorities), start, end)
    _assert_figures_are_the_authorities_added_up(report, authorities)
    assert report.table("journey").rows[0]["count"] == 12
    by_region = {row["label"]: row["received"] for row in report.table("by_region").rows}
    assert (by_region["London"], by_region["South East"], by_region["Total"]) == (12, 0, 12)


def test_the_national_build_takes_the_same_queries_however_many_authorities(
    authorities,
) -> None:
    def count(members: list[Authority]) -> int:
        with CaptureQueriesContext(connection) as captured:
            build_for_scope(Scope.national(members), *FY_2023)
        return len(captured.captured_queries)

    few = count(authorities)
    more = authorities + [
        Authority.objects.create(ons_code=f"E0799990{i}", name=f"Extra {i}", region=Region.WALES)
        for i in range(6)
    ]
    assert count(more) == few
    assert few <= 12
