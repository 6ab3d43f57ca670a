"""`report casework-assurance`: the public shape of its JSON (table ids and columns), the
figures from known casework, and disclosure control at the board audience, where the
medians and percentiles of a hidden count are hidden too."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command

from dueregard.casework import services
from dueregard.casework.models import TriageOutcome
from dueregard.casework.tests.factories import make_person, make_referral
from dueregard.reports import registry

pytestmark = pytest.mark.django_db

D = datetime.date
ARGS = ["--authority", "E09999801", "--from", "2025-04-01", "--to", "2026-03-31"]
TABLE_IDS = [
    "repeat_referrals",
    "onward_referrals",
    "days_receipt_to_triage",
    "days_triage_to_gateway",
    "days_gateway_to_panel",
    "days_panel_to_decision",
    "days_exit_to_review_6",
    "days_exit_to_review_12",
    "days_exit_to_review_extended",
]


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def table(data: dict, table_id: str) -> dict:
    return next(t for t in data["tables"] if t["id"] == table_id)


@pytest.fixture
def referred_on(world):
    """Six people found not for Channel but referred on in May 2025, each triaged three
    days after receipt; two were referred before, in 2024."""
    lead = world["coordinator"]
    for n in range(6):
        person = make_person(world.authority, lead, given_name=f"Onward{n}", family_name="Test")
        if n < 2:
            make_referral(world.authority, lead, person=person, received_on=D(2024, 9, 1))
        referral = make_referral(world.authority, lead, person=person, received_on=D(2025, 5, 1))
        services.triage_referral(
            referral,
            outcome=TriageOutcome.REFERRED_ON,
            occurred_on=D(2025, 5, 4),
            reason="Below the threshold (test).",
            onward_service="Early help (test)",
            onward_referred_on=D(2025, 5, 4),
            acting_user=lead,
        )
        if n < 5:
            services.record_onward_response(
                referral, response="accepted", responded_on=D(2025, 5, 20), acting_user=lead
            )
    return world


def test_the_report_is_registered_as_statistics() -> None:
    report_type = registry.get("casework-assurance")
    assert report_type.title == "Casework assurance"
    assert "json" in report_type.formats


def test_json_has_the_documented_tables_and_figures(referred_on) -> None:
    data = run("casework-assurance", *ARGS, "--format", "json")
    assert data["report"] == "casework-assurance"
    assert data["audience"] == "exact"
    assert [t["id"] for t in data["tables"]] == TABLE_IDS
    repeat = table(data, "repeat_referrals")
    assert repeat["columns"] == [
        "label",
        "repeat_referrals",
        "not_for_channel_at_triage",
        "not_for_channel_at_gateway",
        "discussed_not_adopted",
        "adopted",
        "not_yet_decided",
    ]
    assert repeat["rows"][0]["label"] == "Q1 2025/26"
    assert (repeat["rows"][0]["repeat_referrals"], repeat["rows"][-1]["label"]) == (2, "Total")
    assert repeat["rows"][0]["not_for_channel_at_triage"] == 2
    onward = table(data, "onward_referrals")
    assert onward["columns"] == ["label", "referred_on", "accepted", "declined", "awaiting"]
    assert {k: onward["rows"][-1][k] for k in onward["columns"][1:]} == {
        "referred_on": 6,
        "accepted": 5,
        "declined": 0,
        "awaiting": 1,
    }
    days = table(data, "days_receipt_to_triage")
    assert days["columns"] == ["label", "intervals", "median_days", "p90_days"]
    assert days["rows"][0] == {
        "label": "Q1 2025/26",
        "intervals": 6,
        "median_days": 3,
        "p90_days": 3,
    }
    assert table(data, "days_gateway_to_panel")["rows"][-1] == {
        "label": "Total",
        "intervals": 0,
        "median_days": None,
        "p90_days": None,
    }


def test_at_the_board_audience_small_counts_and_their_medians_are_hidden(referred_on) -> None:
    data = run("casework-assurance", *ARGS, "--format", "json", "--audience", "board")
    assert data["audience"] == "board"
    onward = table(data, "onward_referrals")
    q1 = onward["rows"][0]
    assert q1["awaiting"] == "<5"
    # 6 = 5 + 0 + 1: the 1 could be worked out from the others, so 5 is hidden too.
    assert q1["accepted"] == "*"
    assert q1["referred_on"] == 6 and q1["declined"] == 0
    repeat = table(data, "repeat_referrals")
    assert repeat["rows"][0]["repeat_referrals"] == "<5"
    days = table(data, "days_receipt_to_triage")
    assert days["rows"][0]["intervals"] == 6 and days["rows"][0]["median_days"] == 3
    # One more person triaged in the next quarter: a small count, so its median is hidden.
    lead = referred_on["coordinator"]
    services.triage_referral(
        make_referral(referred_on.authority, lead, received_on=D(2025, 7, 1)),
        outcome=TriageOutcome.NFA,
        occurred_on=D(2025, 7, 9),
        reason="No concern (test).",
        acting_user=lead,
    )
    data = run("casework-assurance", *ARGS, "--format", "json", "--audience", "board")
    q2 = table(data, "days_receipt_to_triage")["rows"][1]
    assert q2["intervals"] == "<5"
    assert q2["median_days"] == "*" and q2["p90_days"] == "*"


def test_the_page_shows_the_tables_and_is_for_statistics_roles(referred_on, as_user) -> None:
    from django.urls import reverse

    url = reverse("reports:report", args=["casework-assurance"])
    period = {"from": "2025-04-01", "to": "2026-03-31"}
    page = as_user(referred_on["analyst"]).get(url, period)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Repeat referrals received" in html
    assert "Referred on for other vulnerabilities" in html
    assert "Days from receipt to triage" in html
    assert as_user(referred_on["education_officer"]).get(url, period).status_code == 403
