"""The `training` report definition: its tables, charts and how the figure path treats them."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from conftest import World
from dueregard.reports import registry
from dueregard.reports.data import Report, Suppressed
from dueregard.reports.definitions.training import build
from dueregard.training import services
from dueregard.training.tests import factories

D = datetime.date
PERIOD = (D(2024, 4, 1), D(2025, 3, 31))


@pytest.fixture
def report(world: World) -> Report:
    trust_a = factories.snapshot(world.authority, as_of=D(2024, 6, 30), eligible=480, compliant=422)
    factories.snapshot(world.authority, as_of=D(2024, 9, 30), eligible=479, compliant=402)
    factories.snapshot(
        world.authority, name="Homes", level_code="basic-awareness", eligible=3, compliant=2
    )
    services.set_requirement(
        trust_a.organisation, trust_a.level, target=Decimal(90), acting_user=None
    )
    trainer = factories.trainer(world.authority)
    factories.session(world.authority, held_on=D(2024, 5, 1), attendees=12, trainer=trainer)
    factories.session(
        world.authority, held_on=D(2024, 6, 1), attendees=3, org_name="Homes", trainer=trainer
    )
    factories.session(
        world.authority, held_on=D(2024, 7, 1), attendees=90, course_code="pupil-resilience"
    )
    return build(world.authority, *PERIOD)


def test_the_report_is_registered_for_training_roles() -> None:
    report_type = registry.get("training")
    assert report_type.title == "Training compliance"
    assert report_type.kind == "training"
    assert {"json", "csv", "xlsx", "html"} <= set(report_type.formats)


def test_tables_have_the_public_ids_and_columns(report: Report) -> None:
    ids = [t.id for t in report.all_tables()]
    assert ids[:1] == ["compliance"]
    for required in ("delivery_by_organisation", "trainers", "evaluation", "reach"):
        assert required in ids
    compliance = report.table("compliance")
    assert compliance.column_ids == [
        "label",
        "level",
        "as_of",
        "eligible",
        "compliant",
        "not_compliant",
        "percent_compliant",
        "target",
        "meets_target",
    ]
    first = compliance.rows[0]
    assert first == {
        "label": "Homes",
        "level": "Basic Prevent awareness",
        "as_of": "2024-06-30",
        "eligible": 3,
        "compliant": 2,
        "not_compliant": 1,
        "percent_compliant": 66.7,
        "target": 85.0,
        "meets_target": False,
    }
    assert compliance.rows[1]["target"] == 90.0  # Trust A's own target


def test_every_percentage_says_which_count_it_comes_from(report: Report) -> None:
    for table in report.all_tables():
        percents = [c.id for c in table.columns if c.kind == "percent" and c.id != "target"]
        for column in percents:
            assert table.derived_from.get(column) in table.column_ids, (table.id, column)
        for column, denominator in table.percent_of.items():
            assert denominator in table.column_ids, (table.id, column)


def test_a_line_chart_with_its_target_for_each_organisation_and_level(report: Report) -> None:
    charts = report.all_charts()
    assert len(charts) == 2
    trust = next(c for c in charts if "Trust A" in c.title)
    assert (trust.kind, trust.target, trust.series, trust.x) == (
        "line",
        90.0,
        ["percent_compliant"],
        "label",
    )
    table = report.table(trust.table_id)
    assert [(r["label"], r["percent_compliant"]) for r in table.rows] == [
        ("2024-06-30", 87.9),
        ("2024-09-30", 83.9),
    ]


def test_board_audiences_get_small_counts_hidden(world: World, report: Report) -> None:
    out = io.StringIO()
    call_command(
        "report", "training", "--authority", world.authority.ons_code, "--from", "2024-04-01",
        "--to", "2025-03-31", "--format", "json", "--audience", "board", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    compliance = next(t for t in data["tables"] if t["id"] == "compliance")
    homes = next(r for r in compliance["rows"] if r["label"] == "Homes")
    assert homes["compliant"] == "<5" and homes["percent_compliant"] == "*"
    trust = next(r for r in compliance["rows"] if r["label"] == "Trust A")
    assert trust["compliant"] == 422 and trust["percent_compliant"] == 87.9
    # The exact report keeps every figure.
    assert not any(
        isinstance(v, Suppressed) for t in report.all_tables() for r in t.rows for v in r.values()
    )


@pytest.mark.parametrize("fmt", ["csv", "html"])
def test_the_report_renders_as_text_formats(world: World, report: Report, fmt: str) -> None:
    out = io.StringIO()
    call_command(
        "report", "training", "--authority", world.authority.ons_code, "--from", "2024-04-01",
        "--to", "2025-03-31", "--format", fmt, stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Compliance by organisation, level and date" in text
    assert "Workshops delivered and people reached" in text
    if fmt == "html":
        assert text.count('role="img"') == 2  # the two compliance charts
