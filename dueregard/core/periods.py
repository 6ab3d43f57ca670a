"""Reporting periods: UK financial years (1 April to 31 March) and their quarters."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive date range with a label, such as "Q1 2018/19"."""

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def financial_year_start(day: date) -> int:
    """The calendar year in which the financial year containing `day` starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year(start_year: int) -> Period:
    """The financial year that starts on 1 April of `start_year` (e.g. 2018 -> 2018/19)."""
    return Period(
        date(start_year, 4, 1),
        date(start_year + 1, 3, 31),
        f"{start_year}/{str(start_year + 1)[-2:]}",
    )


def financial_year_of(day: date) -> Period:
    return financial_year(financial_year_start(day))


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def financial_quarter_of(day: date) -> Period:
    """The financial quarter containing `day`: Q1 is April to June."""
    fy = financial_year_start(day)
    number = ((day.month - 4) % 12) // 3 + 1
    first_month = (3 * (number - 1) + 3) % 12 + 1
    year = fy if first_month >= 4 else fy + 1
    start = date(year, first_month, 1)
    end = _month_end(year, first_month + 2)
    return Period(start, end, f"Q{number} {fy}/{str(fy + 1)[-2:]}")


def financial_quarters(start: date, end: date) -> list[Period]:
    """Every financial quarter overlapping the inclusive range `start`..`end`, in order."""
    quarters: list[Period] = []
    day = start
    while day <= end:
        quarter = financial_quarter_of(day)
        quarters.append(quarter)
        day = quarter.end + timedelta(days=1)
    return quarters


def last_complete_financial_year(today: date) -> Period:
    return financial_year(financial_year_start(today) - 1)


def today() -> date:
    """Today in the project's time zone: the one clock every service, view and import reads."""
    return timezone.localdate()


def add_months(day: date, months: int) -> date:
    """`day` plus whole months (negative goes back), clamped to the month's last day.

    31 August + 6 months is 28 or 29 February; reviews, retention due dates and reporting
    commitments are all counted this way.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
