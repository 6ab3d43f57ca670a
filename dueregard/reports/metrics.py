"""The one figure the reports app aggregates itself: the resident population of an
authority.

Domain figures live in each domain's metrics.py (the equality-monitoring counts of
referrals and Channel cases by group are casework.metrics'); the population belongs to
`areas`, which has no metrics module, and only reports read it.
"""

from __future__ import annotations

from dueregard.areas.models import Authority, Characteristic, Population


def resident_population(authority: Authority) -> dict[str, dict[str, int]]:
    """Residents of the whole authority (not its wards) by characteristic, then group,
    in loading order: {"age_band": {"11-15": 21_000, ...}, "total": {"All residents": ...}}.
    One query."""
    result: dict[str, dict[str, int]] = {c.value: {} for c in Characteristic}
    rows = (
        Population.objects.filter(authority=authority, ward__isnull=True)
        .order_by("characteristic", "pk")
        .values_list("characteristic", "group", "count")
    )
    for characteristic, group, count in rows:
        result.setdefault(characteristic, {})[group] = count
    return result


def total_residents(population: dict[str, dict[str, int]]) -> int | None:
    """The authority's loaded total ("total" characteristic), or None if none is loaded."""
    totals = population.get(Characteristic.TOTAL.value) or {}
    return sum(totals.values()) if totals else None
