"""`community_sections`: the governance, engagement, project and council-resource sections
the assurance report appends, pinned with known inputs."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from decimal import Decimal

import pytest

from dueregard.engagement import services as engagement_services
from dueregard.governance import services as governance_services
from dueregard.governance.tests import factories as g
from dueregard.reports.data import Section, Table
from dueregard.reports.definitions.community import community_sections

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
FY = (D(2024, 4, 1), D(2025, 3, 31))


def _tables(sections: list[Section]) -> dict[str, Table]:
    return {t.id: t for s in sections for t in s.tables}


@pytest.fixture
def borough(world):
    by = world["education_officer"]
    a, b, c = f.group(world, "A"), f.group(world, "B"), f.group(world, "C")
    f.engagement(world, groups=[a, b], date=D(2024, 5, 1), type="meeting")
    f.engagement(world, groups=[a], date=D(2024, 6, 1), type="meeting")
    f.engagement(world, groups=[c], date=D(2024, 7, 1), type="visit")
    f.communication(world, date=D(2024, 6, 1))

    project = f.project(world)
    sites = f.output(world, project, "Sites engaged")
    engagement_services.record_quarterly_return(
        project,
        quarter_start=D(2024, 4, 1),
        figures={sites.pk: (50, 40)},
        spend=Decimal(7000),
        progress="",
        issues="",
        acting_user=by,
    )
    f.setting(world, name="S1", safeguarding_status="in_place", pupils=30)
    f.setting(world, name="S2", safeguarding_status="referred", pupils=20)
    f.setting(world, name="S3")
    f.venue_check(world, decision="approved", decision_reason="Fine", decided_on=D(2024, 9, 1))
    f.it_check(world)

    board = g.board(world)
    for day in (D(2024, 5, 8), D(2024, 8, 14), D(2024, 11, 13)):
        g.meeting(world, board, date=day)
    commitment = g.commitment(world, board, next_due_on=D(2025, 1, 31))
    governance_services.record_report_presented(
        commitment, presented_on=D(2025, 1, 20), acting_user=world["coordinator"]
    )
    g.commitment(world, board, "Overdue report", next_due_on=D(2025, 2, 28))
    g.commitment(world, board, "Report to be confirmed")
    return world


def test_the_sections_and_tables_have_stable_snake_case_ids(borough) -> None:
    sections = community_sections(borough.authority, *FY)
    assert [s.id for s in sections] == [
        "governance",
        "community_engagement",
        "funded_projects",
        "council_resources",
    ]
    tables = _tables(sections)
    assert set(tables) == {
        "meetings_by_board",
        "reporting_commitments",
        "reports_presented",
        "community_engagement_summary",
        "engagements_by_type",
        "communications_by_channel",
        "bids_by_outcome",
        "project_output_totals",
        "project_outputs",
        "project_spend",
        "settings_by_safeguarding_status",
        "venue_checks_by_decision",
        "it_checks_by_result",
    }
    for table in tables.values():
        for column in table.column_ids:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", column), (table.id, column)
        for percent_column, count_column in table.derived_from.items():
            assert percent_column in table.column_ids and count_column in table.column_ids
        for row in table.rows:
            assert set(row) <= set(table.column_ids), table.id
    # Every cell is a plain JSON value.
    json.dumps([dataclasses.asdict(s) for s in sections], allow_nan=False)


def test_engagement_figures(borough) -> None:
    tables = _tables(community_sections(borough.authority, *FY))
    summary = {r["measure"]: r["number"] for r in tables["community_engagement_summary"].rows}
    assert summary["Community groups engaged"] == 3
    assert summary["Engagements recorded"] == 3
    by_type = {
        r["group"]: (r["engagements"], r["percent"]) for r in tables["engagements_by_type"].rows
    }
    assert by_type["Meeting"] == (2, 66.7)
    assert by_type["Visit"] == (1, 33.3)
    assert by_type["Total"] == (3, 100.0)
    assert tables["engagements_by_type"].derived_from == {"percent": "engagements"}
    assert tables["engagements_by_type"].sensitive_columns == []


def test_project_figures(borough) -> None:
    tables = _tables(community_sections(borough.authority, *FY))
    assert tables["project_outputs"].rows == [
        {
            "project": "Digital resilience for families",
            "output": "Sites engaged",
            "quarter": "Q1 2024/25",
            "planned": 50,
            "delivered": 40,
            "delivered_percent": 80.0,
        }
    ]
    spend = tables["project_spend"].rows[0]
    assert (spend["funding"], spend["spent_in_period"], spend["spent_to_date"]) == (
        28000.0,
        7000.0,
        7000.0,
    )
    assert spend["spent_percent"] == 25.0


def test_council_resource_figures_keep_settings_and_venues_sensitive(borough) -> None:
    tables = _tables(community_sections(borough.authority, *FY))
    settings = tables["settings_by_safeguarding_status"]
    rows = {r["group"]: (r["settings"], r["percent"]) for r in settings.rows}
    assert rows["Safeguarding arrangements in place"] == (1, 50.0)
    assert rows["Concerns referred to the relevant agency"] == (1, 50.0)
    assert settings.not_known == 1 and settings.denominator_value == 2
    assert settings.sensitive_columns is None  # every count column is disclosure-controlled
    assert settings.count_columns() == ["settings"]
    assert tables["venue_checks_by_decision"].sensitive_columns is None
    assert tables["it_checks_by_result"].sensitive_columns == []


def test_governance_figures(borough) -> None:
    sections = community_sections(borough.authority, *FY)
    tables = _tables(sections)
    board = tables["meetings_by_board"].rows[0]
    assert (board["meetings_held"], board["meetings_expected"]) == (3, 4)
    status = {r["group"]: r["commitments"] for r in tables["reporting_commitments"].rows}
    # As at 31 March 2025: the presented report's successor is due in April; one overdue.
    assert status == {"On schedule": 1, "Overdue": 1, "Total": 2}
    assert tables["reporting_commitments"].not_known == 1
    presented = {r["measure"]: r["reports"] for r in tables["reports_presented"].rows}
    assert presented["Presented"] == 1 and presented["Presented on or before the date due"] == 1
    assert "1 of 3 reporting commitments was overdue" in sections[0].paragraphs[1]
