from datetime import date

import pytest

from dueregard.core.periods import (
    add_months,
    financial_quarter_of,
    financial_quarters,
    financial_year_of,
    last_complete_financial_year,
)


@pytest.mark.parametrize(
    "day, label, start, end",
    [
        (date(2018, 4, 1), "Q1 2018/19", date(2018, 4, 1), date(2018, 6, 30)),
        (date(2018, 9, 30), "Q2 2018/19", date(2018, 7, 1), date(2018, 9, 30)),
        (date(2017, 12, 31), "Q3 2017/18", date(2017, 10, 1), date(2017, 12, 31)),
        (date(2018, 1, 1), "Q4 2017/18", date(2018, 1, 1), date(2018, 3, 31)),
        (date(2024, 3, 31), "Q4 2023/24", date(2024, 1, 1), date(2024, 3, 31)),
    ],
)
def test_financial_quarters_run_from_april(day, label, start, end) -> None:
    quarter = financial_quarter_of(day)
    assert (quarter.label, quarter.start, quarter.end) == (label, start, end)


def test_quarters_of_a_range_cover_it_in_order() -> None:
    labels = [q.label for q in financial_quarters(date(2017, 10, 1), date(2018, 9, 30))]
    assert labels == ["Q3 2017/18", "Q4 2017/18", "Q1 2018/19", "Q2 2018/19"]


def test_financial_years() -> None:
    assert financial_year_of(date(2022, 3, 31)).label == "2021/22"
    assert financial_year_of(date(2022, 4, 1)).label == "2022/23"
    assert last_complete_financial_year(date(2026, 11, 22)).label == "2025/26"


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2023, 3, 15), 12) == date(2024, 3, 15)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    # Going back clamps the same way, and crosses the year.
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 15), -13) == date(2022, 12, 15)
