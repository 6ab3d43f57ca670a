"""What a reader of a protected table could work out: attacks written independently of
reports.disclosure, from the table's declared structure and what is shown.

A reader knows the rule: "<5" is a count from 1 to 4, "*" is a hidden count that is not 0
(zeros are never hidden), the total row holds the sums of the rows above it, the total
column the sum of the row, and a column's total equals the table's denominator when it
does in the published figures.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from dueregard.reports.data import Suppressed, Table

Key = tuple[Any, ...]


def _published_relations(exact: Table) -> list[tuple[list[Key], Key]]:
    """Sum relations of the exact table that a reader can rely on: (parts, whole)."""
    counts = exact.count_columns()
    total_index = next((i for i, r in enumerate(exact.rows) if exact.is_total_row(r)), None)
    inner = [i for i in range(len(exact.rows)) if i != total_index]
    value = _exact_values(exact)
    relations: list[tuple[list[Key], Key]] = []

    def holds(parts: list[Key], whole: Key) -> bool:
        return (
            all(k in value for k in [*parts, whole])
            and sum(value[p] for p in parts) == value[whole]
        )

    for column in counts:
        parts: list[Key] = [(i, column) for i in inner]
        if total_index is not None:
            relations.append((parts, (total_index, column)))
            column_total: list[Key] = [(total_index, column)]
        else:
            column_total = parts
        if exact.denominator_value is not None and holds(column_total, ("denominator",)):
            relations.append((column_total, ("denominator",)))
    if exact.total_column is not None:
        for i in range(len(exact.rows)):
            relations.append(
                ([(i, c) for c in counts if c != exact.total_column], (i, exact.total_column))
            )
    return [(p, w) for p, w in relations if holds(p, w)]


def _exact_values(table: Table) -> dict[Key, int]:
    values: dict[Key, int] = {}
    for i, row in enumerate(table.rows):
        for column in table.count_columns():
            if isinstance(row.get(column), int):
                values[(i, column)] = row[column]
    if isinstance(table.denominator_value, int):
        values[("denominator",)] = table.denominator_value
    return values


def _shown(table: Table, key: Key) -> Any:
    if key == ("denominator",):
        return table.denominator_value
    return table.rows[key[0]][key[1]]


def recover_by_margins(exact: Table, shown: Table) -> dict[Key, int]:
    """Solve every row or column sum that has exactly one unknown, repeatedly: the cells of
    `shown` that are hidden but recovered this way, with the value found."""
    relations = _published_relations(exact)
    known: dict[Key, int] = {}
    hidden: set[Key] = set()
    for parts, whole in relations:
        for key in [*parts, whole]:
            cell = _shown(shown, key)
            if isinstance(cell, Suppressed):
                hidden.add(key)
            else:
                known[key] = cell
    recovered: dict[Key, int] = {}
    progress = True
    while progress:
        progress = False
        for parts, whole in relations:
            unknown = [k for k in [*parts, whole] if k not in known]
            if len(unknown) != 1:
                continue
            (key,) = unknown
            if key == whole:
                value = sum(known[p] for p in parts)
            else:
                value = known[whole] - sum(known[p] for p in parts if p != key)
            known[key] = recovered[key] = value
            progress = True
    return {k: v for k, v in recovered.items() if k in hidden}


def pin_by_bounds(exact: Table, shown: Table, limit: int = 5) -> dict[Key, int]:
    """Interval reasoning: hidden cells are at least 1, "<5" at most 4; tighten every bound
    through every sum until nothing changes. The hidden cells pinned to one value."""
    relations = _published_relations(exact)
    inf = float("inf")
    bound: dict[Key, tuple[float, float]] = {}
    for parts, whole in relations:
        for key in [*parts, whole]:
            cell = _shown(shown, key)
            if isinstance(cell, Suppressed):
                bound[key] = (1, limit - 1) if cell.shown.startswith("<") else (1, inf)
            else:
                bound[key] = (cell, cell)
    hidden = {k for k in bound if isinstance(_shown(shown, k), Suppressed)}
    changed = True
    while changed:
        changed = False
        for parts, whole in relations:
            low = sum(bound[p][0] for p in parts)
            high = sum(bound[p][1] for p in parts)
            candidates = {whole: (low, high)}
            for p in parts:
                candidates[p] = (
                    bound[whole][0] - (high - bound[p][1]),
                    bound[whole][1] - (low - bound[p][0]),
                )
            for key, (lo, hi) in candidates.items():
                if key not in hidden:
                    continue
                new = (max(bound[key][0], lo), min(bound[key][1], hi))
                if new != bound[key]:
                    bound[key] = new
                    changed = True
    return {k: int(bound[k][0]) for k in hidden if bound[k][0] == bound[k][1]}


def solve_linear(exact: Table, shown: Table) -> dict[Key, Fraction]:
    """Gaussian elimination over every sum at once: the hidden cells whose value is fixed
    by the equations whatever the other hidden cells are."""
    relations = _published_relations(exact)
    hidden = sorted(
        {
            k
            for parts, whole in relations
            for k in [*parts, whole]
            if isinstance(_shown(shown, k), Suppressed)
        },
        key=repr,
    )
    index = {k: n for n, k in enumerate(hidden)}
    rows: list[list[Fraction]] = []
    for parts, whole in relations:
        row = [Fraction(0)] * (len(hidden) + 1)
        constant = Fraction(0)
        for key, sign in [*((p, 1) for p in parts), (whole, -1)]:
            if key in index:
                row[index[key]] += sign
            else:
                constant -= sign * _shown(shown, key)
        row[-1] = constant
        rows.append(row)
    # Reduced row echelon form.
    pivots: list[int] = []
    r = 0
    for column in range(len(hidden)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [v / rows[r][column] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][column] != 0:
                factor = rows[i][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(column)
        r += 1
    solved: dict[Key, Fraction] = {}
    for i, column in enumerate(pivots):
        others = [c for c in range(len(hidden)) if c != column and rows[i][c] != 0]
        if not others:
            solved[hidden[column]] = rows[i][-1]
    return solved
