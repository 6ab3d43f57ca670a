"""Equality monitoring end to end: referrals and Channel cases of people in known groups,
against Testborough's resident population, give the rates and 95% intervals worked out by
hand below, and the flags; small groups are protected for every audience but exact.

Hand computation (rate = count / residents x 10,000):
- Byar's approximation for counts of 10 or more: lower = O(1 - 1/9O - z/3sqrt(O))^3,
  upper = (O+1)(1 - 1/9(O+1) + z/3sqrt(O+1))^3, z = 1.959964;
- exact Poisson limits below 10, from the published Garwood table: O = 3: 0.6187 to
  8.7673; O = 5: 1.6235 to 11.6683; O = 0: 0 to 3.6889.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dueregard.reports import disclosure, registry
from dueregard.reports.data import OFFICIAL, OFFICIAL_SENSITIVE, Suppressed
from dueregard.reports.definitions import equality_monitoring

from . import factories as f
from .attacks import pin_by_bounds, recover_by_margins, solve_linear

pytestmark = pytest.mark.django_db
START, END = datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)


@pytest.fixture
def monitored(population):
    f.referrals_with_known_groups(population)
    return population


def table_rows(report, table_id):
    return {row["label"]: row for row in report.table(table_id).rows}


def test_rates_and_intervals_match_the_hand_computed_values(monitored):
    report = registry.get("equality-monitoring").build(monitored.authority, START, END)

    sex = table_rows(report, "referrals_by_sex")
    # Male: 30 of 48,500 residents; Byar: 4.1726 to 8.8306 per 10,000.
    assert (sex["Male"]["count"], sex["Male"]["population"]) == (30, 48_500)
    assert (sex["Male"]["rate"], sex["Male"]["lower"], sex["Male"]["upper"]) == (6.19, 4.17, 8.83)
    assert sex["Male"]["comparison"] == "higher"
    # Female: 10 of 51,500; Byar: 0.9296 to 3.5712.
    assert (sex["Female"]["rate"], sex["Female"]["lower"], sex["Female"]["upper"]) == (
        1.94,
        0.93,
        3.57,
    )
    assert sex["Female"]["comparison"] == "lower"

    ages = table_rows(report, "referrals_by_age_band")
    assert list(ages)[:3] == ["10 or under", "11-15", "16-17"]  # youngest first
    # 11-15: 25 of 6,200; Byar: 26.0875 to 59.5265.
    assert (ages["11-15"]["rate"], ages["11-15"]["lower"], ages["11-15"]["upper"]) == (
        40.32,
        26.09,
        59.53,
    )
    # 16-17: 5 of 2,400; exact: 1.6235 to 11.6683 -> 6.76 to 48.62.
    assert (ages["16-17"]["rate"], ages["16-17"]["lower"], ages["16-17"]["upper"]) == (
        20.83,
        6.76,
        48.62,
    )
    assert ages["11-15"]["comparison"] == ages["16-17"]["comparison"] == "higher"
    assert ages["31-40"]["comparison"] == "not significantly different"

    ethnic = table_rows(report, "referrals_by_ethnic_group")
    # White 20 of 58,000 (Byar 2.1054 to 5.3258); Asian 15 of 19,000 (4.4154 to 13.0219).
    assert (ethnic["White"]["rate"], ethnic["White"]["lower"], ethnic["White"]["upper"]) == (
        3.45,
        2.11,
        5.33,
    )
    asian = ethnic["Asian, Asian British or Asian Welsh"]
    assert (asian["count"], asian["rate"], asian["lower"], asian["upper"]) == (
        15,
        7.89,
        4.42,
        13.02,
    )
    assert asian["comparison"] == "higher"
    assert ethnic["White"]["comparison"] == "not significantly different"
    assert report.table("referrals_by_ethnic_group").not_known == 5

    religion = table_rows(report, "referrals_by_religion")
    # Jewish 3 of 10,000: exact 0.6187 to 8.7673; everyone else 0 of 90,000 (0 to 0.41).
    jewish = religion["Jewish"]
    assert (jewish["rate"], jewish["lower"], jewish["upper"]) == (3.0, 0.62, 8.77)
    assert jewish["comparison"] == "higher"
    assert report.table("referrals_by_religion").not_known == 37
    assert report.table("referrals_by_religion").denominator_value == 3

    # Channel cases: the 5 White males aged 13 adopted in the year.
    cases = table_rows(report, "channel_cases_by_age_band")
    assert cases["11-15"]["count"] == 5
    assert (cases["11-15"]["rate"], cases["11-15"]["lower"], cases["11-15"]["upper"]) == (
        8.06,
        2.62,
        18.82,
    )
    assert table_rows(report, "channel_cases_by_sex")["Female"]["count"] == 0
    assert report.marking == OFFICIAL_SENSITIVE  # 3 Jewish referrals: a small count


def test_the_findings_name_the_groups_that_differ(monitored):
    report = registry.get("equality-monitoring").produce(monitored.authority, START, END, "exact")
    referrals = next(s for s in report.sections if s.id == "referrals")
    sex = next(p for p in referrals.paragraphs if p.startswith("Sex:"))
    assert sex == (
        "Sex: the rate of referrals per 10,000 residents was significantly higher than for "
        "everyone else for Male (6.19 per 10,000, 95% interval 4.17 to 8.83), and "
        "significantly lower than for everyone else for Female (1.94 per 10,000, 95% interval "
        "0.93 to 3.57)."
    )
    cases = next(s for s in report.sections if s.id == "channel_cases")
    # The 5 Channel cases have no religion recorded.
    assert (
        "Religion: not recorded, or not a group the population counts, for any of the Channel "
        "cases in the period, so no rates can be compared."
    ) in cases.paragraphs


def test_the_population_is_what_rates_are_of_and_wards_are_not_counted(monitored):
    report = registry.get("equality-monitoring").build(monitored.authority, START, END)
    # The fixture adds 900 men in a ward: the authority-wide figure is used.
    assert table_rows(report, "referrals_by_sex")["Male"]["population"] == 48_500


def test_no_rates_without_a_population_and_the_page_says_how_to_load_one(world):
    f.referral(world, received_on=datetime.date(2024, 5, 1), age=14, gender="male")
    report = registry.get("equality-monitoring").build(world.authority, START, END)
    table = report.table("referrals_by_sex")
    assert table.rows == [] and table.not_known == 1
    assert any("load_areas population" in note for note in table.notes)
    assert equality_monitoring.finding(table, "sex") == (
        "Sex: no resident counts are loaded, so no rates can be compared."
    )


def test_other_gender_has_no_resident_group_and_is_counted_apart(population):
    f.referral(population, received_on=datetime.date(2024, 5, 1), age=14, gender="other")
    table = (
        registry.get("equality-monitoring")
        .build(population.authority, START, END)
        .table("referrals_by_sex")
    )
    assert table.not_known == 1 and table.denominator_value == 0
    assert any("Other" in note for note in table.notes)


@pytest.mark.parametrize("audience", ["board", "partner", "public"])
def test_small_groups_are_protected_with_their_rates_and_flags(monitored, audience):
    exact = registry.get("equality-monitoring").build(monitored.authority, START, END)
    shown = registry.get("equality-monitoring").produce(monitored.authority, START, END, audience)
    assert shown.marking == OFFICIAL
    jewish = table_rows(shown, "referrals_by_religion")["Jewish"]
    for column in ("count", "rate", "lower", "upper", "comparison"):
        assert isinstance(jewish[column], Suppressed), column
    for before in exact.all_tables():
        after = shown.table(before.id)
        assert recover_by_margins(before, after) == {}, before.id
        assert pin_by_bounds(before, after) == {}, before.id
        assert solve_linear(before, after) == {}, before.id
        for row in after.rows:
            count = row["count"]
            assert not (isinstance(count, int) and 0 < count < 5), (before.id, row)
    words = " ".join(p for s in shown.sections for p in s.paragraphs)
    assert "Jewish" not in words
    assert disclosure.has_small_counts(shown) is False


def test_the_page_says_no_individual_is_scored_and_exports_in_every_format(as_user, monitored):
    client = as_user(monitored["analyst"])
    page = client.get(
        reverse("reports:report", args=["equality-monitoring"]),
        {"from": "2024-04-01", "to": "2025-03-31"},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "No individual is scored: this is about the service&#x27;s proportionality." in text
    assert 'data-table="referrals_by_ethnic_group"' in text
    for format_id in registry.get("equality-monitoring").formats:
        download = client.get(
            reverse("reports:download", args=["equality-monitoring"]),
            {"from": "2024-04-01", "to": "2025-03-31", "format": format_id, "audience": "board"},
        )
        assert download.status_code == 200, format_id
        assert len(download.content) > 100, format_id
    csv_text = client.get(
        reverse("reports:download", args=["equality-monitoring"]),
        {"from": "2024-04-01", "to": "2025-03-31", "format": "csv", "audience": "board"},
    ).content.decode("utf-8-sig")
    assert "Male,30,48500,6.19,4.17,8.83,higher" in csv_text


def test_a_characteristic_recorded_for_nobody_is_said_to_be_not_recorded(population):
    f.referral(population, received_on=datetime.date(2024, 5, 1), age=14, gender="male")
    report = registry.get("equality-monitoring").produce(population.authority, START, END, "board")
    referrals = next(s for s in report.sections if s.id == "referrals")
    assert (
        "Ethnic group: not recorded, or not a group the population counts, for any of the "
        "referrals in the period, so no rates can be compared."
    ) in referrals.paragraphs
