"""Every registered report, at the public audience: no count from 1 to 4 is shown and no
hidden count can be worked out. (Each definition's own tests feed it real figures; this
checks every report the registry holds, whoever wrote it.)"""

from __future__ import annotations

import datetime

import pytest

from dueregard.reports import disclosure, registry
from dueregard.reports.data import OFFICIAL, Suppressed

from .attacks import pin_by_bounds, recover_by_margins, solve_linear

START, END = datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)
REPORT_IDS = [r.id for r in registry.all_reports()]


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_every_report_is_safe_for_the_public(population, report_id):
    exact = registry.get(report_id).build(population.authority, START, END)
    public = disclosure.apply(exact, "public")
    assert public.marking == OFFICIAL
    for before, after in zip(exact.all_tables(), public.all_tables(), strict=True):
        counts = after.count_columns()
        shown = [row.get(c) for row in after.rows for c in counts]
        shown += [after.denominator_value, after.not_known] if counts else []
        small = [v for v in shown if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 5]
        assert not small, (report_id, after.id, small)
        assert recover_by_margins(before, after) == {}, (report_id, after.id)
        assert pin_by_bounds(before, after) == {}, (report_id, after.id)
        assert solve_linear(before, after) == {}, (report_id, after.id)
        for row_before, row_after in zip(before.rows, after.rows, strict=True):
            for key, value in row_after.items():
                assert isinstance(value, Suppressed) or value == row_before[key]


def test_the_population_report_is_registered():
    assert "population" in REPORT_IDS


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_every_report_renders_in_every_format_it_offers(population, report_id):
    from dueregard.reports import renderers

    report_type = registry.get(report_id)
    report = disclosure.apply(report_type.build(population.authority, START, END), "board")
    magic = {"pdf": b"%PDF", "docx": b"PK", "xlsx": b"PK", "json": b"{", "html": b"<!DOCTYPE"}
    for format_id in report_type.formats:
        content = renderers.render(report, format_id)
        assert content.startswith(magic.get(format_id, b"OFFICIAL")), (report_id, format_id)
