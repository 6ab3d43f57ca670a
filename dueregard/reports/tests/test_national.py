"""The published national figures file parses, carries its sources, and answers by year."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dueregard.reports.national import (
    FILE,
    GROUPED,
    MEASURES,
    NationalFiguresError,
    national_figure,
    national_figures,
    parse,
    years,
)


def test_the_file_parses_with_a_source_on_every_row():
    figures = parse()
    assert len(figures) > 40
    assert all(f.source_url.startswith(("https://", "http://")) for f in figures)
    assert {f.measure for f in figures} == set(MEASURES)
    assert years()[0] == "2015/16" and years()[-1] == "2024/25"


@pytest.mark.parametrize(
    "year, measure, group, value",
    [
        ("2023/24", "referrals", "", 6922),
        ("2024/25", "referrals", "", 8778),
        ("2015/16", "referrals", "", 7631),
        ("2023/24", "referrals_by_sector", "Education", 2788),
        ("2023/24", "discussed_at_channel_panel", "", 893),
        ("2023/24", "adopted_as_channel_case", "", 512),
        ("2019/20", "referrals_by_type_of_concern", "Mixed, Unclear or Unstable", 3203),
        ("2024/25", "referrals_by_sector", "Local Authority", 895),
    ],
)
def test_figures_as_the_domain_reference_states_them(year, measure, group, value):
    figure = national_figure(year, measure, group)
    assert figure is not None and figure.value == value


def test_only_confirmed_figures_are_included():
    # 2022/23 "discussed at panel" was given only as about 16%; 2021/22 concerns unconfirmed.
    assert national_figure("2022/23", "discussed_at_channel_panel") is None
    assert not [
        f for f in national_figures("2021/22") if f.measure == "referrals_by_type_of_concern"
    ]
    assert national_figures("2030/31") == []


def test_breakdowns_never_exceed_the_year_total():
    for year in years():
        total = national_figure(year, "referrals")
        assert total is not None, year
        for measure in GROUPED:
            parts = [f.value for f in national_figures(year) if f.measure == measure]
            assert sum(parts) <= total.value, (year, measure)
        adopted = national_figure(year, "adopted_as_channel_case")
        discussed = national_figure(year, "discussed_at_channel_panel")
        if adopted and discussed:
            assert adopted.value <= discussed.value <= total.value


def test_a_bad_row_is_reported_with_its_row_and_column(tmp_path: Path):
    lines = FILE.read_text(encoding="utf-8").splitlines()[:3]
    bad = tmp_path / "national_figures.csv"
    rows = list(csv.reader(lines))
    rows[2][3] = "lots"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(NationalFiguresError, match=r"row 3, value: 'lots' is not a whole number"):
        parse(bad)
