"""Published national figures (England and Wales), for setting an authority's own figures
beside them.

The figures live in `reports/data/national_figures.csv`, one per row:

    year      financial year label, "2023/24"
    measure   referrals | referrals_by_sector | referrals_by_type_of_concern |
              referrals_by_age_band | referrals_by_gender |
              discussed_at_channel_panel | adopted_as_channel_case
    group     the sector, type of concern, age band or gender for the "by" measures,
              blank otherwise
    value     the count, as published
    source_url where the figure was published
    note      revisions and caveats, if any

They come from the Home Office series "Individuals referred to and supported through
the Prevent Programme" as the project's domain reference (section 1.5) states them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILE = Path(__file__).resolve().parent / "data" / "national_figures.csv"
COLUMNS = ["year", "measure", "group", "value", "source_url", "note"]
MEASURES = {
    "referrals": "Referrals",
    "referrals_by_sector": "Referrals by sector",
    "referrals_by_type_of_concern": "Referrals by type of concern",
    "referrals_by_age_band": "Referrals by age band",
    "referrals_by_gender": "Referrals by gender",
    "discussed_at_channel_panel": "Discussed at a Channel panel",
    "adopted_as_channel_case": "Adopted as a Channel case",
}
GROUPED = {
    "referrals_by_sector",
    "referrals_by_type_of_concern",
    "referrals_by_age_band",
    "referrals_by_gender",
}
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True)
class NationalFigure:
    year: str
    measure: str
    group: str
    value: int
    source_url: str
    note: str = ""

    @property
    def measure_label(self) -> str:
        return MEASURES[self.measure]


class NationalFiguresError(ValueError):
    """The national figures file is malformed (row and column named)."""


def _check_year(year: str) -> bool:
    match = _YEAR.match(year)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))  # type: ignore[union-attr]


def parse(path: Path = FILE) -> list[NationalFigure]:
    """Every figure in the file, checked; a bad row raises NationalFiguresError."""
    figures: list[NationalFigure] = []
    seen: set[tuple[str, str, str]] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise NationalFiguresError(f"{path.name}: columns must be {', '.join(COLUMNS)}")
        for number, row in enumerate(reader, start=2):

            def fail(column: str, message: str, number: int = number) -> NationalFiguresError:
                return NationalFiguresError(f"{path.name} row {number}, {column}: {message}")

            year, measure, group = row["year"].strip(), row["measure"].strip(), row["group"].strip()
            if not _check_year(year):
                raise fail("year", f"'{year}' is not a financial year such as 2023/24")
            if measure not in MEASURES:
                raise fail("measure", f"'{measure}' is not one of {', '.join(MEASURES)}")
            if (measure in GROUPED) != bool(group):
                raise fail("group", "needed for a 'by' measure and only for one")
            try:
                value = int(row["value"])
            except ValueError:
                raise fail("value", f"'{row['value']}' is not a whole number") from None
            if value < 0:
                raise fail("value", "cannot be negative")
            url = row["source_url"].strip()
            if not url.startswith(("https://", "http://")):
                raise fail("source_url", "every figure needs the address it was published at")
            if (year, measure, group) in seen:
                raise fail("group", f"{year} {measure} {group} appears twice")
            seen.add((year, measure, group))
            figures.append(NationalFigure(year, measure, group, value, url, row["note"].strip()))
    return figures


@lru_cache(maxsize=1)
def _all() -> tuple[NationalFigure, ...]:
    return tuple(parse())


def national_figures(year_label: str) -> list[NationalFigure]:
    """The published figures for the financial year `year_label` ("2023/24"), in file order;
    empty for a year with none."""
    return [f for f in _all() if f.year == year_label]


def national_figure(year_label: str, measure: str, group: str = "") -> NationalFigure | None:
    """One figure, or None where none was published (or the reference does not confirm it)."""
    return next(
        (f for f in national_figures(year_label) if f.measure == measure and f.group == group),
        None,
    )


def years() -> list[str]:
    return sorted({f.year for f in _all()})
