"""Equality monitoring: is the service reaching each group in proportion to its share of
the population? Pure functions over counts; nothing here looks at a person.

For each group of a characteristic (age band, sex, ethnic group, religion) we take the
number of referrals (or Channel cases) in the period and the group's resident
population, and give:

- the **rate per 10,000 residents**, `count / population * 10,000`;
- its **95% confidence interval**, computed as OHID/PHE Fingertips does for crude
  rates (Public Health Technical Guidance, "Rates"): the interval for the count is
  **Byar's approximation** when the count is 10 or more,
      lower = O (1 - 1/(9O) - z/(3 sqrt O))^3,
      upper = (O+1) (1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3,
  and the **exact Poisson interval** below 10 (the chi-square relation
  lower = chi2(a/2; 2O)/2, upper = chi2(1-a/2; 2O+2)/2, which we compute without
  scipy by solving the Poisson tail probabilities for the mean by bisection); the
  count's limits are then divided by the population;
- a **comparison with the rest of the population**: the group's rate against the rate
  of everyone else whose group is known, flagged "higher" or "lower" only when the two
  95% confidence intervals do not overlap. Non-overlap is a conservative test (it flags
  fewer differences than a two-sample test would), which suits a measure read by boards:
  a flag means a difference that is very unlikely to be chance.

Rates are rounded half up to two decimals for display; comparisons use the unrounded
values. References with a group not in the population table (or a population of 0) get
no rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .data import Column, Table

PER = 10_000
Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
ALPHA_95 = 0.05

HIGHER = "higher"
LOWER = "lower"
SIMILAR = "not significantly different"


def round_half_up(value: float, places: int = 2) -> float:
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def rate(count: int, population: int, per: int = PER) -> float | None:
    """Events per `per` residents; None when there is no population to divide by."""
    if population <= 0:
        return None
    return count / population * per


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), summed in log space so large counts are safe."""
    if mean <= 0:
        return 1.0
    log_mean = math.log(mean)
    terms = [i * log_mean - mean - math.lgamma(i + 1) for i in range(k + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def _bisect(func: Callable[[float], float], low: float, high: float) -> float:
    """Where a decreasing function of the mean crosses 0, between `low` and `high`."""
    for _ in range(200):
        middle = (low + high) / 2
        if func(middle) > 0:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


def exact_poisson_limits(count: int, alpha: float = ALPHA_95) -> tuple[float, float]:
    """The exact (Garwood) interval for a Poisson count.

    The upper limit U solves P(X <= O; U) = alpha/2 and the lower limit L solves
    P(X >= O; L) = alpha/2, which is the chi-square relation U = chi2(1-alpha/2; 2O+2)/2
    and L = chi2(alpha/2; 2O)/2.
    """
    if count < 0:
        raise ValueError("a count cannot be negative")
    high = count + 20 + 10 * math.sqrt(count + 1)
    upper = _bisect(lambda m: _poisson_cdf(count, m) - alpha / 2, 0.0, high)
    if count == 0:
        return 0.0, upper
    lower = _bisect(lambda m: alpha / 2 - (1 - _poisson_cdf(count - 1, m)), 0.0, high)
    return lower, upper


def byar_limits(count: int, z: float = Z_95) -> tuple[float, float]:
    """Byar's approximation to the Poisson interval (Breslow and Day, 1987)."""
    if count <= 0:
        raise ValueError("Byar's approximation needs a count of at least 1")
    o, o1 = float(count), float(count + 1)
    lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    upper = o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3
    return lower, upper


def count_limits(count: int) -> tuple[float, float]:
    """95% limits for a count: exact below 10, Byar's approximation from 10 (as OHID)."""
    return exact_poisson_limits(count) if count < 10 else byar_limits(count)


@dataclass(frozen=True)
class RateWithInterval:
    count: int
    population: int
    rate: float  # per PER residents, unrounded
    lower: float
    upper: float


def rate_with_interval(count: int, population: int, per: int = PER) -> RateWithInterval | None:
    if population <= 0:
        return None
    low, high = count_limits(count)
    return RateWithInterval(
        count, population, count / population * per, low / population * per, high / population * per
    )


@dataclass(frozen=True)
class GroupRate:
    """One group's figures; `comparison` is against everyone else whose group is known."""

    group: str
    count: int
    population: int
    rate: float | None
    lower: float | None
    upper: float | None
    comparison: str | None  # HIGHER, LOWER, SIMILAR, or None when it cannot be compared


def compare(group: RateWithInterval, rest: RateWithInterval) -> str:
    """HIGHER or LOWER when the 95% intervals do not overlap, otherwise SIMILAR."""
    if group.lower > rest.upper:
        return HIGHER
    if group.upper < rest.lower:
        return LOWER
    return SIMILAR


def group_rates(
    counts: Mapping[str, int], population: Mapping[str, int], per: int = PER
) -> list[GroupRate]:
    """Rates, intervals and comparisons for every group of the population, in its order.

    `counts` holds referrals (or cases) per group; groups missing from it count 0.
    Counts for groups that are not in `population` are left out of every rate (they
    are "not known" for this purpose): report them beside the table.
    """
    total_count = sum(counts.get(g, 0) for g in population)
    total_population = sum(population.values())
    results = []
    for group, residents in population.items():
        count = counts.get(group, 0)
        own = rate_with_interval(count, residents, per)
        rest = rate_with_interval(total_count - count, total_population - residents, per)
        if own is None:
            results.append(GroupRate(group, count, residents, None, None, None, None))
            continue
        results.append(
            GroupRate(
                group,
                count,
                residents,
                own.rate,
                own.lower,
                own.upper,
                compare(own, rest) if rest is not None else None,
            )
        )
    return results


def not_in_population(counts: Mapping[str, int], population: Mapping[str, int]) -> int:
    """How many counted references have a group the population table does not hold."""
    return sum(n for g, n in counts.items() if g not in population)


def equality_table(
    table_id: str,
    title: str,
    group_title: str,
    rates: list[GroupRate],
    *,
    counted: str = "Referrals",
    not_known: int | None = None,
    per: int = PER,
) -> Table:
    """A report table of `group_rates()`: the counts are sensitive (disclosure control
    hides small ones, and with them their rate, interval and comparison); the resident
    population is a published figure and is not."""
    columns = [
        Column("label", group_title, "label"),
        Column("count", counted, "count"),
        Column("population", "Residents", "count"),
        Column("rate", f"Rate per {per:,} residents", "rate"),
        Column("lower", "95% interval from", "rate"),
        Column("upper", "95% interval to", "rate"),
        Column("comparison", "Compared with everyone else", "text"),
    ]
    rows = [
        {
            "label": r.group,
            "count": r.count,
            "population": r.population,
            "rate": None if r.rate is None else round_half_up(r.rate),
            "lower": None if r.lower is None else round_half_up(r.lower),
            "upper": None if r.upper is None else round_half_up(r.upper),
            "comparison": r.comparison,
        }
        for r in rates
    ]
    return Table(
        id=table_id,
        title=title,
        columns=columns,
        rows=rows,
        denominator=f"{counted.lower()} whose {group_title.lower()} is known",
        denominator_value=sum(r.count for r in rates),
        not_known=not_known,
        sensitive_columns=["count"],
        derived_from={
            "rate": "count",
            "lower": "count",
            "upper": "count",
            "comparison": "count",
        },
        notes=[
            (
                "95% confidence intervals: exact Poisson below 10, Byar's approximation from "
                "10 (as OHID Fingertips). A group is marked higher or lower only where its "
                "interval and that of everyone else do not overlap."
            )
        ],
    )
