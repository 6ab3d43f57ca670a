"""Figures the reports app aggregates itself: the resident population of an authority,
and the equality-monitoring counts casework.metrics does not give yet (below).

(Domain figures live in each domain's metrics.py; the population belongs to `areas`,
which has no metrics module, and only reports read it.)
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from dueregard.areas.models import Authority, Characteristic, Population
from dueregard.casework import metrics as casework_metrics
from dueregard.casework.models import EthnicGroup, Gender, Referral, Religion
from dueregard.core.figures import Breakdown


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


# --------------------------------------------------------------------------------------
# Equality monitoring counts that casework.metrics does not (yet) give.
#
# casework.metrics counts referrals received by age band and gender; equality monitoring
# also needs referrals by the person's ethnic group and religion, and Channel cases
# (referrals adopted in the period) by all four characteristics. Until casework.metrics
# has them, they are aggregated here, in the database, with the same counting rules
# (received_on / adopted_on in the period; blank is not known; age bands of
# casework.metrics.AGE_BANDS). Nothing here looks at a single person.


def _received(authority: Authority, start: datetime.date, end: datetime.date) -> Q:
    return Q(authority=authority, received_on__gte=start, received_on__lte=end)


def _adopted(authority: Authority, start: datetime.date, end: datetime.date) -> Q:
    return Q(authority=authority, adopted_on__gte=start, adopted_on__lte=end)


def _by_value(filter_: Q, field: str, labels: dict[str, str]) -> Breakdown:
    """One GROUP BY: counts by `field`'s value shown by `labels` (in their order); blank,
    null and unlisted values are not known."""
    rows = Referral.objects.filter(filter_).values(field).annotate(n=Count("pk")).order_by()
    counts: dict[str, int] = {}
    not_known = 0
    for row in rows:
        label = labels.get(row[field] or "")
        if label is None:
            not_known += row["n"]
        else:
            counts[label] = counts.get(label, 0) + row["n"]
    return Breakdown(tuple((label, counts.get(label, 0)) for label in labels.values()), not_known)


def _by_age_band(filter_: Q) -> Breakdown:
    """One query: counts by age at referral in casework.metrics.AGE_BANDS."""

    def band(low: int, high: int | None) -> Q:
        condition = Q(age_at_referral__gte=low)
        return condition & Q(age_at_referral__lte=high) if high is not None else condition

    aggregates = {
        f"band_{i}": Count("pk", filter=band(low, high))
        for i, (_, low, high) in enumerate(casework_metrics.AGE_BANDS)
    }
    counts = Referral.objects.filter(filter_).aggregate(
        not_known=Count("pk", filter=Q(age_at_referral__isnull=True)), **aggregates
    )
    return Breakdown(
        tuple(
            (label, counts[f"band_{i}"])
            for i, (label, _, _) in enumerate(casework_metrics.AGE_BANDS)
        ),
        counts["not_known"],
    )


GENDER_LABELS = {value: str(label) for value, label in Gender.choices}
# Ethnic groups and religions are stored as the census groups themselves (the values), so
# they match the population table's groups.
ETHNIC_GROUP_LABELS = {value: value for value in EthnicGroup.values}
RELIGION_LABELS = {value: value for value in Religion.values}


def referrals_by_ethnic_group(
    authority: Authority, start: datetime.date, end: datetime.date
) -> Breakdown:
    """Referrals received in the period by the referred person's ethnic group (one query)."""
    return _by_value(_received(authority, start, end), "person__ethnic_group", ETHNIC_GROUP_LABELS)


def referrals_by_religion(
    authority: Authority, start: datetime.date, end: datetime.date
) -> Breakdown:
    """Referrals received in the period by the referred person's religion (one query)."""
    return _by_value(_received(authority, start, end), "person__religion", RELIGION_LABELS)


def channel_cases_by(
    authority: Authority, start: datetime.date, end: datetime.date, characteristic: str
) -> Breakdown:
    """Channel cases (referrals adopted in the period) by "age_band", "sex" (gender
    recorded at referral), "ethnic_group" or "religion" (one query)."""
    filter_ = _adopted(authority, start, end)
    if characteristic == "age_band":
        return _by_age_band(filter_)
    if characteristic == "sex":
        return _by_value(filter_, "gender", GENDER_LABELS)
    if characteristic == "ethnic_group":
        return _by_value(filter_, "person__ethnic_group", ETHNIC_GROUP_LABELS)
    if characteristic == "religion":
        return _by_value(filter_, "person__religion", RELIGION_LABELS)
    raise ValueError(f"unknown characteristic {characteristic!r}")
