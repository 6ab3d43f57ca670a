"""Disclosure control: what a board, partner or public reader is shown, and what they
could work out from it."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dueregard.reports import disclosure
from dueregard.reports.data import OFFICIAL, OFFICIAL_SENSITIVE, Suppressed, Table

from .attacks import pin_by_bounds, recover_by_margins, solve_linear
from .factories import one_way, report_with, two_way


def shown_counts(table: Table) -> list[int]:
    values = [row[c] for row in table.rows for c in table.count_columns() if c in row]
    values += [table.denominator_value, table.not_known]
    return [v for v in values if isinstance(v, int)]


def hidden(table: Table, column: str = "referrals") -> list[str]:
    return [row["label"] for row in table.rows if isinstance(row.get(column), Suppressed)]


def assert_safe(exact: Table, shown: Table, limit: int = 5) -> None:
    """Nothing from 1 to limit-1 is shown and no hidden count can be worked out."""
    assert not [v for v in shown_counts(shown) if 0 < v < limit]
    assert recover_by_margins(exact, shown) == {}
    assert pin_by_bounds(exact, shown, limit) == {}
    assert solve_linear(exact, shown) == {}


# --- the attacks themselves can find what is recoverable ---------------------------------


def test_the_margin_attack_recovers_a_small_count_hidden_without_secondary_suppression():
    exact = one_way([12, 3, 20])
    naive = copy.deepcopy(exact)
    naive.rows[1]["referrals"] = Suppressed("<5", "small")
    assert recover_by_margins(exact, naive) == {(1, "referrals"): 3}
    assert solve_linear(exact, naive) == {(1, "referrals"): 3}


def test_the_bounds_attack_pins_small_counts_that_must_all_be_one():
    exact = one_way([5, 1, 1, 1])
    naive = copy.deepcopy(exact)
    for i in (1, 2, 3):
        naive.rows[i]["referrals"] = Suppressed("<5", "small")
    # 5 + a + b + c = 8 and each is at least 1: all three are 1.
    assert recover_by_margins(exact, naive) == {}
    assert pin_by_bounds(exact, naive) == {
        (1, "referrals"): 1,
        (2, "referrals"): 1,
        (3, "referrals"): 1,
    }


# --- primary and secondary suppression ----------------------------------------------------


def test_a_small_count_is_shown_as_less_than_five_and_its_percentage_hidden():
    shown = disclosure.protect_table(one_way([12, 3, 20]), 5)
    row = shown.rows[1]
    assert row["referrals"] == Suppressed("<5", "small")
    assert str(row["referrals"]) == "<5"
    assert row["percent"] == Suppressed("*", "derived")


def test_the_smallest_other_count_in_the_column_is_hidden_so_the_small_one_cannot_be_recovered():
    exact = one_way([12, 3, 20])
    shown = disclosure.protect_table(exact, 5)
    assert hidden(shown) == ["Group A", "Group B"]
    assert shown.rows[0]["referrals"] == Suppressed("*", "secondary")
    # The total, the largest group and the denominator stay visible.
    assert shown.rows[2]["referrals"] == 20
    assert shown.rows[3]["referrals"] == 35
    assert shown.denominator_value == 35
    assert shown.rows[2]["percent"] == 57.1
    assert_safe(exact, shown)


def test_two_way_table_hides_a_rectangle_so_no_row_or_column_gives_a_cell_away():
    exact = two_way([[3, 10], [12, 7], [9, 20]])
    shown = disclosure.protect_table(exact, 5)
    hidden_cells = {
        (i, c)
        for i, row in enumerate(shown.rows)
        for c in ("c0", "c1", "total")
        if isinstance(row[c], Suppressed)
    }
    assert hidden_cells == {(0, "c0"), (0, "c1"), (2, "c0"), (2, "c1")}
    assert [row["total"] for row in shown.rows] == [13, 19, 29, 61]
    assert_safe(exact, shown)


def test_zeros_are_shown_and_cannot_protect_so_the_total_and_denominator_are_hidden():
    exact = one_way([3, 0, 0])
    shown = disclosure.protect_table(exact, 5)
    assert [row["referrals"] for row in shown.rows][1:3] == [0, 0]
    assert isinstance(shown.rows[3]["referrals"], Suppressed)  # the total, 3
    assert isinstance(shown.denominator_value, Suppressed)
    # Every percentage is of a hidden denominator, so all are hidden, the zeros' too.
    assert all(isinstance(row["percent"], Suppressed) for row in shown.rows)
    assert_safe(exact, shown)


def test_small_counts_that_bounds_would_give_away_are_protected_by_a_further_cell():
    exact = one_way([5, 1, 1, 1])
    shown = disclosure.protect_table(exact, 5)
    assert shown.rows[0]["referrals"] == Suppressed("*", "secondary")
    assert shown.rows[4]["referrals"] == 8
    assert_safe(exact, shown)


def test_when_everything_is_small_the_less_than_five_bound_is_not_given_away():
    exact = one_way([1, 1, 1, 1])
    shown = disclosure.protect_table(exact, 5)
    # Four groups each "<5" with a total "<5" would mean each is exactly 1.
    assert all(row["referrals"] == Suppressed("*", "small") for row in shown.rows)
    assert shown.denominator_value == Suppressed("*", "small")
    assert "because <5 would let them be worked out" in shown.suppression_note
    assert_safe(exact, shown)


def test_a_percentage_of_a_hidden_row_denominator_is_hidden():
    exact = two_way([[20, 3], [30, 40]])
    exact.columns.append(exact.columns[1].__class__("adopted_pct", "% of row", "percent"))
    exact.percent_of = {"adopted_pct": "total"}
    exact.derived_from = {"adopted_pct": "c1"}
    for row in exact.rows:
        row["adopted_pct"] = round(100 * row["c1"] / row["total"], 1)
    shown = disclosure.protect_table(exact, 5)
    for row in shown.rows:
        hide = isinstance(row["c1"], Suppressed) or isinstance(row["total"], Suppressed)
        assert isinstance(row["adopted_pct"], Suppressed) == hide
    assert isinstance(shown.rows[0]["adopted_pct"], Suppressed)


def test_a_small_count_of_not_known_values_is_hidden_too():
    exact = one_way([12, 30, 20])
    exact.not_known = 2
    shown = disclosure.protect_table(exact, 5)
    assert shown.not_known == Suppressed("<5", "small")
    assert "The count of not-known values is hidden." in shown.suppression_note


def test_not_known_counted_in_the_denominator_is_protected_with_the_rows():
    exact = one_way([12, 30, 20], total_row=False)
    exact.not_known = 3
    exact.denominator_value = 65  # all referrals: the known groups plus the 3 not known
    shown = disclosure.protect_table(exact, 5)
    assert shown.not_known == Suppressed("<5", "small")
    # 12 + 30 + 20 + NK = 65 would give NK away: the smallest group goes too.
    assert shown.rows[0]["referrals"] == Suppressed("*", "secondary")
    assert shown.rows[1]["referrals"] == 30


def test_a_table_without_sensitive_counts_is_left_alone():
    exact = one_way([2, 3, 4])
    exact.sensitive_columns = []
    shown = disclosure.protect_table(exact, 5)
    assert shown.rows == exact.rows
    assert shown.suppression_note == ""


def test_the_threshold_is_a_setting(settings):
    settings.DISCLOSURE_THRESHOLD = 10
    exact = one_way([8, 30, 40, 25])
    report = disclosure.apply(report_with(exact), "public")
    shown = report.table("by-sector")
    assert shown.rows[0]["referrals"] == Suppressed("<10", "small")
    assert "Counts from 1 to 9 are shown as <10" in shown.suppression_note
    assert not [v for v in shown_counts(shown) if 0 < v < 10]


def test_the_note_says_what_was_hidden():
    shown = disclosure.protect_table(one_way([12, 3, 20]), 5)
    assert shown.suppression_note == (
        "Counts from 1 to 4 are shown as <5 (1 cell). 1 further count is shown as * so that "
        "hidden counts cannot be worked out from totals and other cells. Percentages and "
        "rates based on a hidden count are shown as * (2 cells)."
    )


# --- whole reports -------------------------------------------------------------------------


def test_the_exact_audience_gets_the_report_unchanged():
    original = report_with(one_way([12, 3, 20]), two_way([[1, 2], [3, 4]]))
    exact = disclosure.apply(original, "exact")
    assert exact.audience == "exact"
    assert exact.marking == OFFICIAL_SENSITIVE
    assert [t.rows for t in exact.all_tables()] == [t.rows for t in original.all_tables()]
    assert all(t.suppression_note == "" for t in exact.all_tables())
    assert exact.notes == []


@pytest.mark.parametrize("audience", ["board", "partner", "public"])
def test_other_audiences_get_protected_tables_an_official_marking_and_the_rule(audience):
    original = report_with(one_way([12, 3, 20]))
    protected = disclosure.apply(original, audience)
    assert protected.audience == audience
    assert protected.marking == OFFICIAL
    assert protected.table("by-sector").rows[1]["referrals"] == Suppressed("<5", "small")
    assert protected.notes and f"for the {audience} audience" in protected.notes[0]
    # The report that was passed in is not changed.
    assert original.table("by-sector").rows[1]["referrals"] == 3
    assert original.marking == OFFICIAL_SENSITIVE


# --- generated tables ----------------------------------------------------------------------

small_heavy = st.one_of(st.integers(0, 6), st.integers(0, 60))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(small_heavy, min_size=1, max_size=9), st.booleans(), st.booleans())
@example([3, 0], True, True)  # the 0 row's percentage is hidden with the denominator
def test_generated_one_way_tables_are_safe(counts, total_row, denominator):
    exact = one_way(counts, total_row=total_row, denominator=denominator)
    shown = disclosure.protect_table(exact, 5)
    assert_safe(exact, shown)
    _assert_consistent(exact, shown)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 5).flatmap(
        lambda width: st.lists(
            st.lists(small_heavy, min_size=width, max_size=width), min_size=1, max_size=6
        )
    ),
    st.booleans(),
)
def test_generated_two_way_tables_are_safe(grid, denominator):
    exact = two_way(grid, denominator=denominator)
    shown = disclosure.protect_table(exact, 5)
    assert_safe(exact, shown)
    _assert_consistent(exact, shown)


def _assert_consistent(exact: Table, shown: Table) -> None:
    """Visible cells are the exact figures; zero counts are never hidden; a percentage is
    hidden exactly when its count or the denominator is."""
    counts = set(exact.count_columns())
    for before, after in zip(exact.rows, shown.rows, strict=True):
        for key, value in before.items():
            if isinstance(after[key], Suppressed):
                # A zero count is never hidden; a percentage of it is, with its denominator.
                assert key not in counts or value != 0
            else:
                assert after[key] == value
        if "percent" in before:
            hide = isinstance(after["referrals"], Suppressed) or isinstance(
                shown.denominator_value, Suppressed
            )
            assert isinstance(after["percent"], Suppressed) == (
                hide and before["percent"] is not None
            )


def test_a_not_known_row_does_not_hide_the_sum_that_would_give_a_band_away():
    """By age band with a "Not known" row (as the casework statistics show it): the known
    bands add up to the denominator, so hiding only the small band would let anyone work it
    out as 53 - 20 - 30. The not-known row is set aside and the sum is protected."""
    exact = one_way([20, 3, 30], labels=["10 or under", "11-15", "16-17"], total_row=False)
    exact.rows.append({"label": "Not known", "referrals": 7, "percent": None})
    exact.not_known = 7
    exact.not_known_row_label = "Not known"
    exact.denominator_value = 53
    shown = disclosure.protect_table(exact, 5)
    bands = shown.rows[:3]
    visible = [r["referrals"] for r in bands if isinstance(r["referrals"], int)]
    hidden_bands = [r for r in bands if isinstance(r["referrals"], Suppressed)]
    assert bands[1]["referrals"] == Suppressed("<5", "small")
    denominator = shown.denominator_value
    recoverable = len(hidden_bands) == 1 and isinstance(denominator, int)
    assert not recoverable, f"{denominator} - {visible} gives the hidden band away"
