"""The population report: residents by group with shares, from areas.Population."""

from __future__ import annotations

import datetime

from dueregard.areas.models import Population
from dueregard.reports import disclosure, registry
from dueregard.reports.data import OFFICIAL

from .conftest import load_population

START, END = datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)


def build(authority):
    return registry.get("population").build(authority, START, END)


def rows(table):
    return [(r["label"], r["residents"], r["percent"]) for r in table.rows]


def test_residents_by_age_band_youngest_first_with_shares_and_a_total(population):
    report = build(population.authority)
    table = report.table("residents-by-age-band")
    assert rows(table) == [
        ("10 or under", 13_500, 13.5),
        ("11-15", 6_200, 6.2),
        ("16-17", 2_400, 2.4),
        ("18-20", 3_600, 3.6),
        ("21-30", 14_000, 14.0),
        ("31-40", 16_000, 16.0),
        ("41-50", 14_000, 14.0),
        ("51-60", 12_500, 12.5),
        ("61 and over", 17_800, 17.8),
        ("All residents", 100_000, 100.0),
    ]
    assert table.denominator_value == 100_000
    assert table.not_known == 0
    assert table.total_row_label == "All residents"


def test_other_characteristics_largest_first_with_not_answered_and_other_last(population):
    report = build(population.authority)
    religion = [r["label"] for r in report.table("residents-by-religion").rows]
    assert religion == [
        "Christian",
        "No religion",
        "Muslim",
        "Jewish",
        "Hindu",
        "Not answered",
        "Other religion",
        "All residents",
    ]
    sex = report.table("residents-by-sex")
    assert rows(sex) == [
        ("Female", 51_500, 51.5),
        ("Male", 48_500, 48.5),
        ("All residents", 100_000, 100.0),
    ]
    assert report.table("residents-by-ethnic-group").rows[0]["label"] == "White"
    assert report.sections[0].paragraphs[0] == "Testborough has 100,000 residents."
    assert [c.table_id for c in report.all_charts()] == [
        "residents-by-age-band",
        "residents-by-ethnic-group",
        "residents-by-religion",
    ]


def test_groups_that_fall_short_of_the_total_are_counted_as_not_known(world):
    load_population(world.authority, {"sex": {"Female": 40_000, "Male": 38_000}})
    table = build(world.authority).table("residents-by-sex")
    assert table.denominator_value == 78_000
    assert table.not_known == 22_000
    assert table.rows[0]["percent"] == 51.3  # 40,000 / 78,000, shares of known values


def test_an_authority_with_no_groups_loaded_gets_empty_tables_that_say_so(world):
    report = build(world.other_authority)
    table = report.table("residents-by-age-band")
    assert table.rows == []
    assert table.not_known is None
    assert "No resident counts by age band are loaded for Otherton" in table.notes[0]
    assert report.sections[0].paragraphs[0] == (
        "No total resident population is loaded for Otherton."
    )
    assert report.all_charts() == []


def test_the_report_is_built_in_one_query(population, django_assert_num_queries):
    with django_assert_num_queries(1):
        build(population.authority)


def test_published_resident_counts_are_not_suppressed_and_marked_official(world):
    load_population(world.authority, {"religion": {"Sikh": 3, "Christian": 50_000}})
    Population.objects.filter(characteristic="total").update(count=50_003)
    report = disclosure.apply(build(world.authority), "public")
    table = report.table("residents-by-religion")
    assert [r["residents"] for r in table.rows] == [50_000, 3, 50_003]
    assert table.suppression_note == ""
    assert report.marking == OFFICIAL
