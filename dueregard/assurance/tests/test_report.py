"""The `assurance` report: tables from known records, in the shape every report has."""

from __future__ import annotations

import datetime
import json
import sys
import types

import pytest
from django.core.management import call_command

from dueregard.assurance import services
from dueregard.reports.data import Column, Section, Table
from dueregard.reports.registry import get

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
COMMUNITY = "dueregard.reports.definitions.community"


@pytest.fixture
def community(monkeypatch):
    """A stand-in for the community, projects and governance sections (written in the
    engagement and governance apps) that records how it was called."""
    calls = []

    def community_sections(authority, start, end):
        calls.append((authority, start, end))
        return [
            Section(
                id="community",
                title="Community engagement",
                tables=[Table(id="engagements_by_type", title="t", columns=[Column("label", "x")])],
            )
        ]

    module = types.ModuleType(COMMUNITY)
    module.community_sections = community_sections  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, COMMUNITY, module)
    return calls


@pytest.fixture
def records(world):
    strategy = f.strategy(world)
    a1 = f.action(world, strategy, reference="1", target_date=D(2024, 9, 30))
    f.action(world, strategy, reference="2", target_date=D(2025, 6, 30))
    services.record_action_update(
        a1,
        recorded_on=D(2024, 10, 3),
        status="at_risk",
        target_date=a1.target_date,
        owner=a1.owner,
        agency=a1.agency,
        acting_user=world["coordinator"],
    )
    f.risk(world, reference="R1", likelihood=4, impact=3, rating="high")
    f.risk(world, reference="R2", likelihood=2, impact=2, rating="")
    f.incident(world, occurred_on=D(2024, 6, 1))
    f.incident(world, occurred_on=D(2024, 7, 1), ward=None, kind="school_hoax")
    f.assessment(world, year=2024, rating="amber")
    f.threat_level(world)
    return world


def test_the_report_is_registered_for_assurance_readers():
    report_type = get("assurance")
    assert report_type.title == "Prevent assurance"
    assert report_type.kind == "assurance"


def test_build_pins_the_assurance_figures(records, community):
    report = get("assurance").build(records.authority, D(2024, 4, 1), D(2025, 3, 31))
    assert (report.id, report.authority_code, report.marking) == (
        "assurance",
        "E09999801",
        "OFFICIAL",
    )
    status = report.table("actions_by_status")
    assert [c.id for c in status.columns] == ["label", "count", "percent"]
    assert [(r["label"], r["count"], r["percent"]) for r in status.rows] == [
        ("Not started", 1, 50.0),
        ("On track", 0, 0.0),
        ("At risk", 1, 50.0),
        ("Off track", 0, 0.0),
        ("Complete", 0, 0.0),
        ("All actions", 2, 100.0),
    ]
    assert (status.denominator_value, status.not_known) == (2, 0)
    assert status.sensitive_columns == []  # actions are not people
    overdue = report.table("overdue_actions")
    assert overdue.rows[0] == {
        "label": "Overdue (past target date, not complete)",
        "count": 1,
        "percent": 50.0,
    }
    by_strategy = report.table("actions_by_strategy").rows[0]
    assert (by_strategy["status_0"], by_strategy["status_2"], by_strategy["overdue"]) == (1, 1, 1)
    rating = report.table("self_assessment").rows[0]
    assert rating == {
        "label": "1. Multi-agency partnership group",
        "rating": "Amber (partly met)",
        "assessed_on": "2025-03-20",
    }
    risks = report.table("risks_by_rating")
    assert risks.rows[1] == {"label": "High", "count": 1, "percent": 100.0}
    assert risks.not_known == 1
    matrix = report.table("risks_by_likelihood_and_impact")
    likely = next(r for r in matrix.rows if r["label"] == "4: Likely")
    assert (likely["impact_3"], likely["total"]) == (1, 1)
    wards = report.table("incidents_by_ward")
    assert wards.rows[0] == {"label": "Test Ward", "count": 1, "percent": 100.0}
    assert wards.not_known == 1
    assert wards.sensitive_columns is None  # incident counts get disclosure control
    assert report.table("incidents_by_type").rows[-1]["count"] == 2
    assert report.table("threat_levels").rows == [
        {"label": "SUBSTANTIAL", "from": "2022-02-09", "meaning": "an attack is likely"}
    ]


def test_the_community_sections_follow_the_assurance_sections(records, community):
    report = get("assurance").build(records.authority, D(2024, 4, 1), D(2025, 3, 31))
    assert [s.id for s in report.sections] == [
        "action_plan",
        "benchmarks",
        "risk",
        "incidents",
        "community",
    ]
    assert community == [(records.authority, D(2024, 4, 1), D(2025, 3, 31))]


def test_the_report_command_gives_the_json_shape(records, community, tmp_path):
    out = tmp_path / "assurance.json"
    call_command(
        "report",
        "assurance",
        "--authority",
        "E09999801",
        "--from",
        "2024-04-01",
        "--to",
        "2025-03-31",
        "--format",
        "json",
        "-o",
        str(out),
    )
    data = json.loads(out.read_text())
    assert (data["report"], data["authority"], data["from"], data["to"]) == (
        "assurance",
        "E09999801",
        "2024-04-01",
        "2025-03-31",
    )
    tables = {t["id"]: t for t in data["tables"]}
    assert tables["actions_by_status"]["columns"] == ["label", "count", "percent"]
    assert tables["actions_by_status"]["rows"][2] == {
        "label": "At risk",
        "count": 1,
        "percent": 50.0,
    }
    assert tables["incidents_by_ward"]["rows"][0]["count"] == 1
    assert "engagements_by_type" in tables


def test_the_real_community_sections_are_appended(records):
    """With the engagement and governance definitions in place (no stand-in)."""
    report = get("assurance").build(records.authority, D(2024, 4, 1), D(2025, 3, 31))
    ids = [s.id for s in report.sections]
    assert ids[:4] == ["action_plan", "benchmarks", "risk", "incidents"]
    assert len(ids) > 4
