"""Plain typed results that metrics return: counts with their denominators and unknowns.

Metrics live in each domain app (`<app>/metrics.py`), aggregate in the database and
return these; report definitions (in `reports/`) turn them into tables. Nothing here
knows about formats or audiences.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, rounded half up to one decimal; None if whole is 0."""
    if not whole:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


@dataclass(frozen=True)
class Breakdown:
    """Counts of records by group, with the records whose group is not known.

    `groups` keeps the display order. `known` is the denominator for shares by group
    (the Home Office convention: percentages over known values).
    """

    groups: tuple[tuple[str, int], ...]
    not_known: int = 0

    @property
    def known(self) -> int:
        return sum(count for _, count in self.groups)

    @property
    def total(self) -> int:
        return self.known + self.not_known

    def count(self, label: str) -> int:
        return dict(self.groups).get(label, 0)
