"""The referral-statistics report: its tables (the public JSON shape), every figure of a
small known caseload, its charts, its formats, and disclosure control for other
audiences."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from dueregard.casework import services
from dueregard.casework.imports import ALL_COLUMNS, import_referrals
from dueregard.casework.services import Attendee
from dueregard.casework.tests import factories
from dueregard.reports import disclosure, registry
from dueregard.reports.data import Suppressed

pytestmark = pytest.mark.django_db

D = datetime.date
TABLE_IDS = [
    "journey",
    "by_quarter",
    "by_sector",
    "by_concern",
    "by_gender",
    "by_age_band",
    "adopted_by_concern",
    "vulnerabilities_of_adopted",
    "panels",
    "attendance_by_agency",
]
POLICE = {"triage_outcome": "Referred to police"}


def row(ref: str, received: str, **cells: str) -> dict[str, str]:
    return {"reference": ref, "received_on": received, **cells}


def adopted(ref: str, received: str, on: str, **cells: str) -> dict[str, str]:
    return row(
        ref,
        received,
        **POLICE,
        referred_to_police_on=received,
        gateway_outcome="For Channel panel",
        discussed_at_panel_on=on,
        adopted_on=on,
        **cells,
    )


# Eight referrals in Q1 2019/20, one a Channel case; two more police referrals in Q2.
KNOWN = [
    row(
        "K1",
        "2019-04-02",
        sector="Education",
        concern="Islamist",
        age="14",
        gender="Male",
        triage_outcome="Advice provided",
    ),
    row(
        "K2",
        "2019-04-09",
        sector="Education",
        concern="Extreme Right-Wing",
        age="15",
        gender="Male",
        triage_outcome="Advice provided",
    ),
    row(
        "K3",
        "2019-04-16",
        sector="Police",
        concern="Extreme Right-Wing",
        age="17",
        gender="Female",
        triage_outcome="No further action",
    ),
    row(
        "K4",
        "2019-04-23",
        sector="Health",
        concern="Islamist",
        age="22",
        gender="Male",
        **POLICE,
        referred_to_police_on="2019-04-25",
        gateway_outcome="No further action",
    ),
    row(
        "K5",
        "2019-05-07",
        sector="Education",
        age="10",
        gender="Male",
        triage_outcome="Signposted to other services",
    ),
    row("K6", "2019-05-14", concern="Mixed, Unclear or Unstable", gender="Other"),
    adopted(
        "K7",
        "2019-05-21",
        "2019-06-19",
        sector="Education",
        concern="Extreme Right-Wing",
        age="16",
        gender="Male",
        vulnerabilities="Mental health;Autism spectrum condition",
    ),
    row(
        "K8",
        "2019-06-04",
        sector="Community",
        concern="Islamist",
        age="45",
        **POLICE,
        referred_to_police_on="2019-07-02",
    ),
    row(
        "K9",
        "2019-07-09",
        sector="Education",
        concern="Islamist",
        age="13",
        gender="Female",
        **POLICE,
        referred_to_police_on="2019-07-10",
    ),
]


@pytest.fixture
def known(world) -> Any:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ALL_COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(KNOWN)
    import_referrals(
        out.getvalue().encode(),
        authority=world.authority,
        acting_user=world["coordinator"],
        filename="known.csv",
    )
    lead = world["coordinator"]
    panel = factories.make_panel(world.authority, lead, name="Channel panel")
    for day, agencies in ((D(2019, 5, 15), ["Police", "Schools"]), (D(2019, 6, 19), ["Police"])):
        meeting = services.schedule_meeting(panel, held_on=day, acting_user=lead)
        services.record_attendance(
            meeting, attendees=[Attendee(f"Officer {a}", a) for a in agencies], acting_user=lead
        )
        services.complete_meeting(meeting, acting_user=lead)
    return world


APRIL_2019, SEPTEMBER_2019 = D(2019, 4, 1), D(2019, 9, 30)


def build(world: Any, start: D = APRIL_2019, end: D = SEPTEMBER_2019) -> Any:
    return registry.get("referral-statistics").build(world.authority, start, end)


def rows(report: Any, table_id: str) -> dict[str, dict[str, Any]]:
    return {r["label"]: r for r in report.table(table_id).rows}


def test_it_is_registered_as_a_statistics_report() -> None:
    report_type = registry.get("referral-statistics")
    assert report_type.title == "Referrals and Channel casework"
    assert report_type.kind.value == "statistics"
    assert {"json", "csv", "xlsx", "html"} <= set(report_type.formats)


def test_every_table_is_there_with_its_denominator_and_unknowns(known) -> None:
    report = build(known)
    assert [t.id for t in report.all_tables()] == TABLE_IDS
    for table in report.all_tables():
        assert table.denominator, table.id
        assert isinstance(table.denominator_value, int), table.id
        assert isinstance(table.not_known, int), table.id
        assert table.column_ids[0] == "label", table.id
        percent_columns = [c.id for c in table.columns if c.kind == "percent"]
        assert set(table.derived_from) == set(percent_columns), table.id
        for count_column in table.derived_from.values():
            assert table.column(count_column).kind == "count", table.id
    assert report.table("by_quarter").column_ids == [
        "label",
        "new_referrals",
        "referred_to_police",
        "referred_to_police_percent",
        "adopted",
        "adopted_percent",
        "advice_provided",
        "advice_provided_percent",
    ]
    charts = {c.table_id: c for c in report.all_charts()}
    assert set(charts) == {"journey", "by_quarter", "by_concern"}
    assert charts["by_quarter"].series == [
        "new_referrals",
        "referred_to_police",
        "adopted",
        "advice_provided",
    ]
    assert report.marking == "OFFICIAL-SENSITIVE"


def test_the_journey_of_the_known_caseload(known) -> None:
    report = build(known, end=D(2019, 6, 30))
    journey = rows(report, "journey")
    assert {k: (v["count"], v["percent"]) for k, v in journey.items()} == {
        "Referrals received": (8, 100.0),
        "Referred to the police gateway": (2, 25.0),  # K4, K7 (K8 only in July)
        "Discussed at a Channel panel": (1, 12.5),
        "Adopted as a Channel case": (1, 12.5),
        "Left Channel": (0, 0.0),
    }
    table = report.table("journey")
    assert (table.denominator_value, table.not_known) == (8, 0)


def test_the_quarters_of_the_known_caseload(known) -> None:
    quarters = rows(build(known), "by_quarter")
    assert list(quarters) == ["Q1 2019/20", "Q2 2019/20", "Total"]
    q1, q2, total = quarters["Q1 2019/20"], quarters["Q2 2019/20"], quarters["Total"]
    assert (
        q1["new_referrals"],
        q1["referred_to_police"],
        q1["adopted"],
        q1["advice_provided"],
    ) == (
        8,
        2,
        1,
        2,
    )
    assert (q1["referred_to_police_percent"], q1["adopted_percent"]) == (25.0, 12.5)
    assert q1["advice_provided_percent"] == 25.0
    assert (q2["new_referrals"], q2["referred_to_police"], q2["adopted"]) == (1, 2, 0)
    assert q2["referred_to_police_percent"] == 200.0  # events in the quarter, as the seed counts
    assert (total["new_referrals"], total["referred_to_police"]) == (9, 4)
    assert total["referred_to_police_percent"] == 44.4


def test_the_breakdowns_of_the_known_caseload(known) -> None:
    report = build(known)
    sectors = rows(report, "by_sector")
    assert (sectors["Education"]["count"], sectors["Education"]["percent"]) == (5, 62.5)
    assert (sectors["Community"]["count"], sectors["Community"]["percent"]) == (1, 12.5)
    assert sectors["Prison"]["count"] == 0
    assert report.table("by_sector").not_known == 1  # K6
    concerns = rows(report, "by_concern")
    assert (concerns["Islamist"]["count"], concerns["Islamist"]["percent"]) == (4, 50.0)
    assert (concerns["Extreme Right-Wing"]["count"], concerns["Extreme Right-Wing"]["percent"]) == (
        3,
        37.5,
    )
    assert report.table("by_concern").not_known == 1  # K5
    genders = rows(report, "by_gender")
    assert {k: v["count"] for k, v in genders.items()} == {"Male": 5, "Female": 2, "Other": 1}
    assert genders["Female"]["percent"] == 25.0
    assert report.table("by_gender").not_known == 1  # K8
    ages = rows(report, "by_age_band")
    assert list(ages) == [
        "10 or under",
        "11-15",
        "16-17",
        "18-20",
        "21-30",
        "31-40",
        "41-50",
        "51-60",
        "61 and over",
        "Not known",
    ]
    assert (ages["11-15"]["count"], ages["11-15"]["percent"]) == (3, 37.5)
    assert (ages["16-17"]["count"], ages["16-17"]["percent"]) == (2, 25.0)
    assert (ages["Not known"]["count"], ages["Not known"]["percent"]) == (1, None)
    table = report.table("by_age_band")
    assert (table.denominator_value, table.not_known) == (8, 1)


def test_channel_cases_and_panels_of_the_known_caseload(known) -> None:
    report = build(known)
    concern = rows(report, "adopted_by_concern")
    assert (concern["Extreme Right-Wing"]["count"], concern["Extreme Right-Wing"]["percent"]) == (
        1,
        100.0,
    )
    assert concern["Islamist"]["count"] == 0
    vulnerabilities = rows(report, "vulnerabilities_of_adopted")
    assert vulnerabilities["Mental health"]["percent"] == 100.0
    assert vulnerabilities["Autism spectrum condition"]["count"] == 1
    assert vulnerabilities["Domestic abuse"]["count"] == 0
    panels = rows(report, "panels")
    assert panels["Channel panel"]["meetings_held"] == 2
    attendance = rows(report, "attendance_by_agency")
    assert (
        attendance["Police"]["meetings_attended"],
        attendance["Police"]["attendance_percent"],
    ) == (
        2,
        100.0,
    )
    assert attendance["Schools"]["attendance_percent"] == 50.0


def test_an_empty_period_gives_zeros_not_errors(world) -> None:
    report = build(world, D(2030, 4, 1), D(2031, 3, 31))
    journey = rows(report, "journey")
    assert journey["Referrals received"] == {
        "label": "Referrals received",
        "count": 0,
        "percent": None,
    }
    assert report.table("panels").rows == []


def test_boards_and_the_public_get_small_numbers_hidden(known) -> None:
    report = disclosure.apply(build(known), "public")
    journey = rows(report, "journey")
    assert journey["Referrals received"]["count"] == 9
    adopted = journey["Adopted as a Channel case"]
    assert isinstance(adopted["count"], Suppressed) and adopted["count"].shown == "<5"
    assert isinstance(adopted["percent"], Suppressed)
    sectors = rows(report, "by_sector")
    assert isinstance(sectors["Police"]["count"], Suppressed)
    assert sectors["Education"]["count"] == 6 or isinstance(
        sectors["Education"]["count"], Suppressed
    )
    # Meetings are not people: attendance stays as it is.
    assert rows(report, "attendance_by_agency")["Police"]["meetings_attended"] == 2
    assert report.marking == "OFFICIAL"


def run_report(world: Any, format_id: str, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "report",
        "referral-statistics",
        "--authority",
        world.authority.ons_code,
        "--from",
        "2019-04-01",
        "--to",
        "2019-09-30",
        "--format",
        format_id,
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_the_command_gives_the_json_shape_of_the_issue(known) -> None:
    data = json.loads(run_report(known, "json"))
    assert data["report"] == "referral-statistics"
    assert (data["authority"], data["from"], data["to"]) == (
        "E09999801",
        "2019-04-01",
        "2019-09-30",
    )
    assert [t["id"] for t in data["tables"]] == TABLE_IDS
    for table in data["tables"]:
        assert {"id", "title", "columns", "rows", "denominator", "not_known"} <= set(table)
        for r in table["rows"]:
            assert set(r) == set(table["columns"])
            for column in table["columns"][1:]:
                value = r[column]
                assert value is None or isinstance(value, int | float), (table["id"], column)
    journey = {r["label"]: r for r in data["tables"][0]["rows"]}
    assert journey["Referrals received"]["count"] == 9
    assert isinstance(journey["Referrals received"]["count"], int)


def test_the_csv_and_xlsx_carry_panels_and_attendance(known, tmp_path) -> None:
    text = run_report(known, "csv")
    assert "Channel panel meetings held" in text
    assert "Attendance at Channel panel meetings by agency" in text
    assert "Referrals quarter by quarter" in text
    path = tmp_path / "stats.xlsx"
    call_command(
        "report",
        "referral-statistics",
        "--authority",
        "E09999801",
        "--from",
        "2019-04-01",
        "--to",
        "2019-09-30",
        "--format",
        "xlsx",
        "-o",
        str(path),
        stderr=io.StringIO(),
    )
    html = run_report(known, "html")
    assert "Attendance at Channel panel meetings by agency" in html and "<svg" in html
    workbook = load_workbook(path)
    titles = " ".join(sheet["A1"].value or "" for sheet in workbook.worksheets)
    assert "Channel panel meetings held" in titles
    assert "Attendance at Channel panel meetings by agency" in titles
    assert len(workbook.worksheets) == len(TABLE_IDS)


def test_the_page_shows_the_tables_and_charts(known, as_user) -> None:
    url = reverse("reports:report", args=["referral-statistics"])
    response = as_user(known["analyst"]).get(url, {"from": "2019-04-01", "to": "2019-09-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Referrals and Channel casework" in html
    assert html.count("<svg") >= 3
    for title in (
        "The journey of referrals received in the period",
        "Referrals by age at referral",
        "Attendance at Channel panel meetings by agency",
    ):
        assert title in html
