"""Small report structures for tests, built by hand (fictional figures)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone

from dueregard.core.figures import percent
from dueregard.reports.data import (
    OFFICIAL_SENSITIVE,
    Chart,
    Column,
    Report,
    Section,
    Table,
)


def one_way(
    counts: Sequence[int],
    *,
    labels: Sequence[str] | None = None,
    total_row: bool = True,
    denominator: bool = True,
    table_id: str = "by-sector",
    title: str = "Referrals by sector",
) -> Table:
    """Referrals by a category, with a share of the known total, a total row and the total
    as the denominator: the shape of most Home Office-style tables."""
    labels = labels or [f"Group {chr(65 + i)}" for i in range(len(counts))]
    known = sum(counts)
    rows: list[dict[str, object]] = [
        {"label": label, "referrals": n, "percent": percent(n, known)}
        for label, n in zip(labels, counts, strict=True)
    ]
    if total_row:
        rows.append({"label": "Total", "referrals": known, "percent": percent(known, known)})
    return Table(
        id=table_id,
        title=title,
        columns=[
            Column("label", "Sector", "label"),
            Column("referrals", "Referrals", "count"),
            Column("percent", "% of referrals", "percent"),
        ],
        rows=rows,
        denominator="referrals where the sector is known" if denominator else None,
        denominator_value=known if denominator else None,
        total_row_label="Total" if total_row else None,
        derived_from={"percent": "referrals"},
    )


def two_way(grid: Sequence[Sequence[int]], *, denominator: bool = True) -> Table:
    """Counts by row group and column group, with a total column, a total row and the grand
    total as the denominator."""
    column_ids = [f"c{j}" for j in range(len(grid[0]))]
    rows: list[dict[str, object]] = []
    for i, values in enumerate(grid):
        row: dict[str, object] = {"label": f"Row {i + 1}"}
        row.update(dict(zip(column_ids, values, strict=True)))
        row["total"] = sum(values)
        rows.append(row)
    total: dict[str, object] = {"label": "Total"}
    for j, c in enumerate(column_ids):
        total[c] = sum(values[j] for values in grid)
    total["total"] = sum(sum(values) for values in grid)
    rows.append(total)
    return Table(
        id="two-way",
        title="Referrals by age band and sex",
        columns=[
            Column("label", "Age band", "label"),
            *(Column(c, f"Column {j + 1}", "count") for j, c in enumerate(column_ids)),
            Column("total", "All", "count"),
        ],
        rows=rows,
        denominator="referrals" if denominator else None,
        denominator_value=total["total"] if denominator else None,  # type: ignore[arg-type]
        total_row_label="Total",
        total_column="total",
    )


def report_with(
    *tables: Table, marking: str = OFFICIAL_SENSITIVE, charts: Sequence[Chart] = ()
) -> Report:
    return Report(
        id="test-report",
        title="Test report",
        authority_code="E09999801",
        authority_name="Testborough",
        start=datetime.date(2024, 4, 1),
        end=datetime.date(2025, 3, 31),
        audience="exact",
        generated_at=timezone.now(),
        sections=[
            Section(
                id="figures",
                title="Figures",
                paragraphs=["Figures for the year."],
                tables=list(tables),
                charts=list(charts),
            )
        ],
        marking=marking,
    )
