"""Disclosure control: the same report, made safe for the audience it is produced for.

Every report is built with exact figures and then passed through `apply(report,
audience)`. For the `exact` audience (case-level roles and analysts) nothing changes.
For `board`, `partner` and `public` every table with count columns is protected:

1. **Primary suppression.** A count from 1 to `threshold - 1` (settings.
   DISCLOSURE_THRESHOLD, 5 by default) is hidden and shown as "<5".
2. **Secondary suppression.** The additive relations a reader could use are collected
   as equations "parts = whole": each count column down to the total row
   (`Table.total_row_label`), each row across to the total column (`Table.total_column`)
   and a column total to the table's denominator (`Table.denominator_value`), with the
   count of not-known values (`Table.not_known`) as one more part where that is what
   makes the sum hold. Only relations that hold in the figures are used. Then, until
   nothing changes:

   a. in any equation with exactly one hidden cell, hide the smallest non-zero visible
      cell of that equation (the total and the denominator included), shown as "*";
   b. if a hidden cell could still be pinned to one value by bounds (hidden cells are
      never 0, a "<5" cell is at most 4), hide the smallest non-zero visible cell of an
      equation holding it, or, where none is left, show that equation's "<5" cells
      as "*" so their upper bound is not given away;
   c. if a hidden cell could be worked out by combining equations (linear algebra
      over the hidden cells), hide the smallest non-zero visible cell of an equation
      holding it.

   Zeros are never hidden, and so cannot protect a hidden cell: a reader knows a hidden
   cell is not 0.
3. **Derived figures.** A percentage or rate is hidden ("*") when the count it is
   computed from (`Table.derived_from`) or its denominator (`Table.percent_of`, or the
   table's `denominator_value`) is hidden. A percentage or rate column that names no
   count column is hidden on every row with a hidden count.
4. **Notes and marking.** Each protected table gets a `suppression_note` saying what
   was hidden; the report gets a note stating the rule, and its marking is lowered to
   OFFICIAL (the figures are no longer personal-level).

See docs/adr/0005-disclosure-control.md for why this is our own routine, and
docs/reports.md for how report definitions declare their tables' structure.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeGuard

from django.conf import settings

from dueregard.accounts.permissions import Audience

from .data import OFFICIAL, OFFICIAL_SENSITIVE, Report, Suppressed, Table

# A cell of a table's additive structure: ("cell", row index, column id), or the table's
# denominator or not-known count.
Cell = tuple[Any, ...]
DENOMINATOR: Cell = ("denominator",)
NOT_KNOWN: Cell = ("not_known",)

SECONDARY = Suppressed("*", "secondary")
DERIVED = Suppressed("*", "derived")


def threshold() -> int:
    return int(getattr(settings, "DISCLOSURE_THRESHOLD", 5))


def small(limit: int) -> Suppressed:
    """How a count from 1 to limit - 1 is shown."""
    return Suppressed(f"<{limit}", "small")


# A small count shown as "*" because "<5" would give its upper bound away (rule 2b).
SMALL_UNBOUNDED = Suppressed("*", "small")


@dataclass(frozen=True)
class Equation:
    """The published relation sum(parts) == whole."""

    parts: tuple[Cell, ...]
    whole: Cell

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (*self.parts, self.whole)


# --- the table's additive structure ------------------------------------------------------


def _sensitive_columns(table: Table) -> list[str]:
    ids = set(table.column_ids)
    return [c for c in table.count_columns() if c in ids]


def _is_count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def cell_values(table: Table) -> dict[Cell, int]:
    """Every count a reader of the exact table would see, keyed by cell, in reading order."""
    columns = _sensitive_columns(table)
    values: dict[Cell, int] = {}
    if not columns:
        return values
    for i, row in enumerate(table.rows):
        for column in columns:
            cell = row.get(column)
            if _is_count(cell):
                values[("cell", i, column)] = cell
    for key, margin in ((DENOMINATOR, table.denominator_value), (NOT_KNOWN, table.not_known)):
        if isinstance(margin, int) and not isinstance(margin, bool):
            values[key] = margin
    return values


def equations(table: Table, values: dict[Cell, int] | None = None) -> list[Equation]:
    """The additive relations of `table` that hold in its figures (see the module doc)."""
    values = cell_values(table) if values is None else values
    columns = _sensitive_columns(table)
    if not columns:
        return []
    total_row = next((i for i, row in enumerate(table.rows) if table.is_total_row(row)), None)
    total_column = table.total_column if table.total_column in columns else None
    nk_row = next(
        (
            i
            for i, row in enumerate(table.rows)
            if table.not_known_row_label is not None
            and row.get("label") == table.not_known_row_label
        ),
        None,
    )
    inner_rows = [i for i in range(len(table.rows)) if i not in (total_row, nk_row)]
    found: list[Equation] = []
    seen: set[tuple[frozenset[Cell], Cell]] = set()

    def cells_of(candidates: Iterable[Cell]) -> list[Cell] | None:
        """The candidate cells that hold counts; None if one holds something else."""
        kept = []
        for cell in candidates:
            if cell in values:
                kept.append(cell)
            elif cell[0] == "cell" and table.rows[cell[1]].get(cell[2]) not in (None, ""):
                return None  # a hidden or textual cell: no arithmetic relation to use
        return kept

    def add_if_holds(candidates: Iterable[Cell], whole: Cell) -> bool:
        parts = cells_of(candidates)
        if parts is None or whole not in values or whole in parts:
            return False
        if sum(values[p] for p in parts) != values[whole]:
            return False
        key = (frozenset(parts), whole)
        if parts and key not in seen:
            seen.add(key)
            found.append(Equation(tuple(parts), whole))
        return True

    for column in columns:
        if nk_row is not None:
            add_if_holds([("cell", nk_row, column)], NOT_KNOWN)
        parts = [("cell", i, column) for i in inner_rows]
        if total_row is not None:
            total: Cell = ("cell", total_row, column)
            if not add_if_holds(parts, total):
                add_if_holds([*parts, NOT_KNOWN], total)
            top = [total]
        else:
            top = parts
        if DENOMINATOR in values and not add_if_holds(top, DENOMINATOR):
            add_if_holds([*top, NOT_KNOWN], DENOMINATOR)
    if total_column is not None:
        for i in range(len(table.rows)):
            add_if_holds(
                [("cell", i, c) for c in columns if c != total_column], ("cell", i, total_column)
            )
    return found


# --- choosing what to hide -----------------------------------------------------------------


class _Protection:
    def __init__(
        self, values: dict[Cell, int], eqs: list[Equation], limit: int, margins: set[Cell]
    ) -> None:
        self.values = values
        self.equations = eqs
        self.limit = limit
        self.margins = margins
        self.order = {cell: n for n, cell in enumerate(values)}
        self.hidden: dict[Cell, Suppressed] = {
            cell: small(limit) for cell, value in values.items() if 0 < value < limit
        }

    # Rule 2a and the choice every rule makes: the smallest non-zero visible cell.
    def _candidates(self, eqs: Iterable[Equation]) -> list[Cell]:
        cells = {c for eq in eqs for c in eq.cells}
        return [c for c in cells if c not in self.hidden and self.values[c] != 0]

    def _hide_smallest(self, cells: list[Cell]) -> bool:
        if not cells:
            return False
        choice = min(cells, key=lambda c: (self.values[c], c in self.margins, self.order[c]))
        self.hidden[choice] = SECONDARY
        return True

    def _one_hidden_pass(self) -> bool:
        changed = False
        progress = True
        while progress:
            progress = False
            for eq in self.equations:
                if sum(c in self.hidden for c in eq.cells) == 1 and self._hide_smallest(
                    self._candidates([eq])
                ):
                    changed = progress = True
        return changed

    # Rule 2b: bounds.
    def bounds(self) -> dict[Cell, tuple[float, float]]:
        bound: dict[Cell, tuple[float, float]] = {}
        for cell, value in self.values.items():
            shown = self.hidden.get(cell)
            if shown is None:
                bound[cell] = (value, value)
            elif shown.shown.startswith("<"):
                bound[cell] = (1, self.limit - 1)
            else:
                bound[cell] = (1, math.inf)
        for _ in range(200):
            changed = False
            for eq in self.equations:
                lows = [bound[p][0] for p in eq.parts]
                highs = [bound[p][1] for p in eq.parts]
                low_sum, high_sum = sum(lows), sum(highs)
                w_low, w_high = bound[eq.whole]
                updates = {eq.whole: (low_sum, high_sum)}
                for n, p in enumerate(eq.parts):
                    updates[p] = (w_low - (high_sum - highs[n]), w_high - (low_sum - lows[n]))
                for cell, (low, high) in updates.items():
                    if cell not in self.hidden:
                        continue
                    old_low, old_high = bound[cell]
                    new = (max(old_low, low), min(old_high, high))
                    if new != (old_low, old_high):
                        bound[cell] = new
                        changed = True
            if not changed:
                break
        return bound

    def _pinned(self) -> Cell | None:
        bound = self.bounds()
        pinned = [c for c in self.hidden if bound[c][0] == bound[c][1]]
        return min(pinned, key=self.order.__getitem__) if pinned else None

    def _unbound(self, eqs: Iterable[Equation]) -> bool:
        bounded = [c for eq in eqs for c in eq.cells if self.hidden.get(c, SECONDARY).shown != "*"]
        for c in bounded:
            self.hidden[c] = SMALL_UNBOUNDED
        return bool(bounded)

    def _unpin(self, cell: Cell) -> bool:
        """Nearest remedy first: hide a visible cell of an equation holding `cell`, else
        drop the "<5" bounds there, else do either anywhere in the table."""
        holding = [eq for eq in self.equations if cell in eq.cells]
        return (
            self._hide_smallest(self._candidates(holding))
            or self._unbound(holding)
            or self._hide_smallest(self._candidates(self.equations))
            or self._unbound(self.equations)
        )

    # Rule 2c: linear algebra over the hidden cells.
    def _determined(self) -> Cell | None:
        hidden = sorted(self.hidden, key=self.order.__getitem__)
        index = {cell: n for n, cell in enumerate(hidden)}
        rows: list[list[Fraction]] = []
        for eq in self.equations:
            row = [Fraction(0)] * len(hidden)
            for p in eq.parts:
                if p in index:
                    row[index[p]] += 1
            if eq.whole in index:
                row[index[eq.whole]] -= 1
            if any(row):
                rows.append(row)
        basis = _row_echelon(rows)
        for cell in hidden:
            unit = [Fraction(0)] * len(hidden)
            unit[index[cell]] = Fraction(1)
            if _in_row_space(unit, basis):
                return cell
        return None

    def _hide_near(self, cell: Cell) -> bool:
        holding = [eq for eq in self.equations if cell in eq.cells]
        return self._hide_smallest(self._candidates(holding)) or self._hide_smallest(
            self._candidates(self.equations)
        )

    def run(self) -> dict[Cell, Suppressed]:
        # Each step hides one more cell or removes one more bound, so this ends.
        for _ in range(4 * len(self.values) + 4):
            if self._one_hidden_pass():
                continue
            pinned = self._pinned()
            if pinned is not None:
                if self._unpin(pinned):
                    continue
                break
            determined = self._determined()
            if determined is not None and self._hide_near(determined):
                continue
            break
        return self.hidden


def _row_echelon(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Reduced rows as (pivot column, row), for testing membership of the row space."""
    basis: list[tuple[int, list[Fraction]]] = []
    for original in rows:
        row = _reduce(list(original), basis)
        pivot = next((n for n, v in enumerate(row) if v != 0), None)
        if pivot is None:
            continue
        scale = row[pivot]
        row = [v / scale for v in row]
        basis = [(p, _eliminate(r, row, pivot)) for p, r in basis]
        basis.append((pivot, row))
    return basis


def _eliminate(row: list[Fraction], by: list[Fraction], pivot: int) -> list[Fraction]:
    factor = row[pivot]
    return [a - factor * b for a, b in zip(row, by, strict=True)] if factor else row


def _reduce(row: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> list[Fraction]:
    for pivot, base in basis:
        row = _eliminate(row, base, pivot)
    return row


def _in_row_space(vector: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> bool:
    return not any(_reduce(vector, basis))


# --- applying it to tables and reports ---------------------------------------------------


def protect_table(table: Table, limit: int | None = None) -> Table:
    """A copy of `table` with small counts, the cells that would reveal them, and the
    percentages derived from any of them hidden; `suppression_note` says what."""
    limit = threshold() if limit is None else limit
    protected = copy.deepcopy(table)
    values = cell_values(table)
    if not values:
        return protected
    total_row = next((i for i, row in enumerate(table.rows) if table.is_total_row(row)), None)
    margins = {DENOMINATOR} | {
        c for c in values if c[0] == "cell" and (c[1] == total_row or c[2] == table.total_column)
    }
    hidden = _Protection(values, equations(table, values), limit, margins).run()
    for cell, shown in hidden.items():
        if cell == DENOMINATOR:
            protected.denominator_value = shown
        elif cell == NOT_KNOWN:
            protected.not_known = shown
        else:
            protected.rows[cell[1]][cell[2]] = shown
    derived = _hide_derived(protected, hidden)
    protected.suppression_note = _note(hidden, derived, limit)
    return protected


def _hide_derived(table: Table, hidden: dict[Cell, Suppressed]) -> int:
    counts = set(_sensitive_columns(table))
    denominator_hidden = DENOMINATOR in hidden
    dependent = [
        c.id
        for c in table.columns
        if c.id not in counts and (c.id in table.derived_from or c.kind in ("percent", "rate"))
    ]
    hidden_count = 0
    for i, row in enumerate(table.rows):
        row_has_hidden = any(("cell", i, c) in hidden for c in counts)
        for column_id in dependent:
            if row.get(column_id) is None or isinstance(row.get(column_id), Suppressed):
                continue
            source = table.derived_from.get(column_id)
            per_row = table.percent_of.get(column_id)
            kind = table.column(column_id).kind
            if source is None:
                hide = row_has_hidden
            else:
                hide = ("cell", i, source) in hidden
            if per_row is not None:
                hide = hide or ("cell", i, per_row) in hidden
            elif kind == "percent" and denominator_hidden:
                hide = True
            if hide:
                row[column_id] = DERIVED
                hidden_count += 1
    return hidden_count


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _note(hidden: dict[Cell, Suppressed], derived: int, limit: int) -> str:
    if not hidden and not derived:
        return ""
    small_shown = sum(1 for s in hidden.values() if s.reason == "small" and s.shown != "*")
    small_star = sum(1 for s in hidden.values() if s.reason == "small" and s.shown == "*")
    secondary = sum(1 for s in hidden.values() if s.reason == "secondary")
    sentences = []
    if small_shown:
        sentences.append(
            f"Counts from 1 to {limit - 1} are shown as <{limit} "
            f"({_plural(small_shown, 'cell', 'cells')})."
        )
    if small_star:
        sentences.append(
            f"{_plural(small_star, 'count', 'counts')} from 1 to {limit - 1} "
            f"{'is' if small_star == 1 else 'are'} shown as * because <{limit} "
            "would let them be worked out."
        )
    if secondary:
        sentences.append(
            f"{_plural(secondary, 'further count is', 'further counts are')} shown as * so "
            "that hidden counts cannot be worked out from totals and other cells."
        )
    if DENOMINATOR in hidden:
        sentences.append("The total that percentages are of is hidden.")
    if NOT_KNOWN in hidden:
        sentences.append("The count of not-known values is hidden.")
    if derived:
        sentences.append(
            "Percentages and rates based on a hidden count are shown as * "
            f"({_plural(derived, 'cell', 'cells')})."
        )
    return " ".join(sentences)


def rule_note(audience: str, limit: int) -> str:
    return (
        f"Produced for the {audience} audience. Counts from 1 to {limit - 1} are hidden "
        f"and shown as <{limit}; further counts are hidden and shown as * where needed so "
        "that no hidden count can be worked out from totals or other cells; percentages "
        "and rates based on a hidden count are hidden too. Zero is always shown as 0."
    )


def apply(report: Report, audience: Audience | str, limit: int | None = None) -> Report:
    """`report` as it may be given to `audience`: a copy, the original is not changed."""
    audience = Audience(audience)
    limit = threshold() if limit is None else limit
    result = copy.deepcopy(report)
    result.audience = audience.value
    if audience == Audience.EXACT:
        return result

    def walk(sections: list[Any]) -> None:
        for section in sections:
            section.tables = [protect_table(t, limit) for t in section.tables]
            walk(section.subsections)

    walk(result.sections)
    result.marking = OFFICIAL
    result.notes.append(rule_note(audience.value, limit))
    return result


def has_small_counts(report: Report, limit: int | None = None) -> bool:
    """Does any protected-kind cell of `report` show a count from 1 to `limit - 1`?"""
    limit = threshold() if limit is None else limit
    return any(
        0 < value < limit for table in report.all_tables() for value in cell_values(table).values()
    )


def marking_by_content(report: Report, limit: int | None = None) -> str:
    """The security marking an exact report needs: OFFICIAL-SENSITIVE when it shows a
    count of people or cases from 1 to `limit - 1` (need-to-know figures), else OFFICIAL.
    Reports for other audiences are OFFICIAL once `apply` has protected them."""
    return OFFICIAL_SENSITIVE if has_small_counts(report, limit) else OFFICIAL
