"""Equality monitoring against hand-computed rates and intervals."""

from __future__ import annotations

import pytest

from dueregard.reports import disclosure
from dueregard.reports.data import Suppressed
from dueregard.reports.equality import (
    HIGHER,
    LOWER,
    SIMILAR,
    byar_limits,
    count_limits,
    equality_table,
    exact_poisson_limits,
    group_rates,
    not_in_population,
    rate,
    rate_with_interval,
    round_half_up,
)


def test_rate_per_10000_residents():
    """12 referrals among 40,000 residents: 12 / 40,000 x 10,000 = 3.0 per 10,000."""
    assert rate(12, 40_000) == pytest.approx(3.0)
    assert rate(5, 0) is None


def test_byar_interval_for_a_count_of_12():
    """Byar, z = 1.959964 (97.5th percentile of the normal distribution):

    lower = 12 x (1 - 1/(9x12) - z/(3 x sqrt 12))^3
          = 12 x (1 - 0.009259 - 1.959964/10.392305)^3
          = 12 x (1 - 0.009259 - 0.188597)^3 = 12 x 0.802143^3 = 12 x 0.516126 = 6.1935
    upper = 13 x (1 - 1/(9x13) + z/(3 x sqrt 13))^3
          = 13 x (1 - 0.008547 + 1.959964/10.816654)^3
          = 13 x (1 - 0.008547 + 0.181199)^3 = 13 x 1.172652^3 = 13 x 1.612528 = 20.9629
    Among 40,000 residents, per 10,000: 6.1935/4 = 1.55 and 20.9629/4 = 5.24.
    """
    lower, upper = byar_limits(12)
    assert lower == pytest.approx(6.1935, abs=1e-4)
    assert upper == pytest.approx(20.9629, abs=1e-4)
    figures = rate_with_interval(12, 40_000)
    assert figures is not None
    assert round_half_up(figures.rate) == 3.0
    assert round_half_up(figures.lower) == 1.55
    assert round_half_up(figures.upper) == 5.24


def test_exact_interval_for_small_counts_from_chi_square_tables():
    """Exact Poisson limits from the chi-square relation, with table values:

    O = 2: lower = chi2(0.025; 4)/2 = 0.484419/2 = 0.242210
           upper = chi2(0.975; 6)/2 = 14.449375/2 = 7.224688
    O = 0: lower = 0; upper = chi2(0.975; 2)/2 = -ln(0.025) = 3.688879
    O = 5: lower = chi2(0.025; 10)/2 = 3.246973/2 = 1.623486
           upper = chi2(0.975; 12)/2 = 23.336664/2 = 11.668332
    """
    assert exact_poisson_limits(2) == pytest.approx((0.242210, 7.224688), abs=1e-5)
    assert exact_poisson_limits(0) == pytest.approx((0.0, 3.688879), abs=1e-5)
    assert exact_poisson_limits(5) == pytest.approx((1.623486, 11.668332), abs=1e-5)


def test_counts_below_10_use_the_exact_interval_and_from_10_byar():
    """As OHID Fingertips: exact below 10 (9 -> chi2(0.025;18)/2 = 8.230746/2 = 4.115373),
    Byar from 10 (10 -> 10 x (1 - 1/90 - z/(3 sqrt 10))^3 = 4.787450)."""
    assert count_limits(9)[0] == pytest.approx(4.115373, abs=1e-5)
    assert count_limits(10)[0] == pytest.approx(4.787450, abs=1e-5)
    assert count_limits(10) == byar_limits(10)
    # Byar is within 0.2% of the exact value from 10 upwards.
    for count in (10, 25, 100, 1000):
        exact, approx = exact_poisson_limits(count), byar_limits(count)
        assert approx[0] == pytest.approx(exact[0], rel=2e-3)
        assert approx[1] == pytest.approx(exact[1], rel=2e-3)


def test_groups_are_flagged_only_where_the_intervals_do_not_overlap():
    """Group A: 30 referrals among 10,000 residents = 30.0 per 10,000, Byar limits
    (20.24, 42.83). Everyone else (group B): 10 among 90,000 = 1.11 per 10,000, Byar
    limits (4.787, 18.391) / 9 = (0.53, 2.04). The intervals do not overlap: A is higher
    than the rest, and B lower. Group C and D have the same rate (20 per 10,000 each):
    not significantly different."""
    rates = group_rates({"A": 30, "B": 10}, {"A": 10_000, "B": 90_000})
    a, b = rates
    assert (a.group, a.count, a.population) == ("A", 30, 10_000)
    assert round_half_up(a.rate) == 30.0
    assert (round_half_up(a.lower), round_half_up(a.upper)) == (20.24, 42.83)
    assert a.comparison == HIGHER
    assert round_half_up(b.rate) == 1.11
    assert (round_half_up(b.lower), round_half_up(b.upper)) == (0.53, 2.04)
    assert b.comparison == LOWER

    same = group_rates({"C": 20, "D": 20}, {"C": 10_000, "D": 10_000})
    assert [r.comparison for r in same] == [SIMILAR, SIMILAR]


def test_groups_without_population_get_no_rate_and_unmatched_counts_are_reported():
    counts = {"A": 4, "Unknown": 3}
    population = {"A": 1_000, "B": 0}
    rates = group_rates(counts, population)
    assert rates[1].rate is None and rates[1].comparison is None
    assert rates[0].count == 4 and rates[0].comparison is None  # nobody else to compare with
    assert not_in_population(counts, population) == 3


def test_equality_table_hides_a_small_count_with_its_rate_interval_and_flag():
    rates = group_rates(
        {"Male": 40, "Female": 3, "Other": 0}, {"Male": 48_000, "Female": 51_000, "Other": 1_000}
    )
    table = equality_table("by-sex", "Referrals by sex", "Sex", rates, not_known=2)
    assert table.rows[0]["rate"] == round_half_up(40 / 48_000 * 10_000)
    shown = disclosure.protect_table(table, 5)
    female = shown.rows[1]
    assert female["count"] == Suppressed("<5", "small")
    for column in ("rate", "lower", "upper", "comparison"):
        assert isinstance(female[column], Suppressed)
    assert female["population"] == 51_000  # published census figures stay
    assert shown.rows[2]["count"] == 0 and shown.rows[2]["rate"] == 0.0
    # 40 + <5 + 0 = 43 would give the hidden count away: Male is hidden as well.
    assert isinstance(shown.rows[0]["count"], Suppressed)
    assert shown.not_known == Suppressed("<5", "small")
