"""Importing historical referrals as a Prevent lead meets it: upload a spreadsheet with
mistakes (rejected whole, every problem named by row and column, nothing written), upload
the corrected one, see what was created, then see the figures on the casework statistics
page. Every page is scanned by axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from dueregard.audit.models import AuditEvent
from dueregard.casework.models import Person, Referral, StageEvent
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = (
    "reference,received_on,sector,concern,age,gender,triage_outcome,referred_to_police_on,"
    "gateway_outcome,discussed_at_panel_on,adopted_on,left_channel_on,exit_reason\n"
)
BAD = HEADER + (
    "OLD-1,2019-05-01,Education,Islamist,15,Male,Referred to police,2019-05-03,"
    "For Channel panel,2019-06-05,2019-06-01,,\n"
    "OLD-2,2019-05-02,Schools,Islamist,14,Female,Advice provided,,,,,,\n"
    "OLD-3,2019-31-05,Police,,,,,,,,,,\n"
)
GOOD = HEADER + (
    "OLD-1,2019-05-01,Education,Islamist,15,Male,Referred to police,2019-05-03,"
    "For Channel panel,2019-06-05,2019-06-05,2019-12-02,No further terrorism-related concerns\n"
    "OLD-2,2019-05-02,Education,Islamist,14,Female,Advice provided,,,,,,\n"
    "OLD-3,2019-05-31,Police,,,,,,,,,,\n"
)


def choose_file(page: Page, name: str, content: str) -> None:
    page.get_by_label("Upload a file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}
    )


def test_lead_imports_a_spreadsheet_of_past_referrals(page: Page, live_server, live_world) -> None:
    sign_in(page, live_server.url, "coordinator")
    page.goto(live_server.url + "/casework/import/")
    expect(page.get_by_role("heading", name="Import historical referrals", level=1)).to_be_visible()
    assert_accessible(page)

    # Nothing chosen.
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file of referrals")
    assert_accessible(page)

    # A file with three mistakes: rejected whole.
    choose_file(page, "referrals-2019.csv", BAD)
    page.get_by_role("button", name="Check and import").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("referrals-2019.csv was not imported: 3 problems were found")
    expect(summary).to_contain_text("row 2, column 'adopted_on'")
    expect(summary).to_be_focused()
    problems = page.get_by_test_id("import-errors")
    expect(problems.locator("tbody tr")).to_have_count(3)
    expect(problems).to_contain_text("'Schools' is not a known sector")
    expect(problems).to_contain_text("'2019-31-05' is not a date in the form YYYY-MM-DD")
    assert_accessible(page)
    assert not Referral.objects.exists()
    assert not Person.objects.exists() and not StageEvent.objects.exists()
    assert not AuditEvent.objects.filter(object_type="casework.import").exists()

    # The corrected file.
    choose_file(page, "referrals-2019.csv", GOOD)
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", name="Referrals imported")).to_be_visible()
    expect(page.get_by_test_id("import-count")).to_have_text(
        "3 referrals imported into Testborough"
    )
    expect(page.get_by_test_id("import-summary")).to_contain_text("3, of whom 3 unidentified")
    assert_accessible(page)
    assert Referral.objects.count() == 3
    assert AuditEvent.objects.filter(object_type="casework.import").count() == 1

    # Importing the same file again is refused: the references are taken.
    page.get_by_role("link", name="Import another file").click()
    choose_file(page, "referrals-2019.csv", GOOD)
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-errors")).to_contain_text("'OLD-1' is already used")
    assert Referral.objects.count() == 3

    # The figures, on the statistics page.
    page.goto(live_server.url + "/reports/referral-statistics/?from=2019-04-01&to=2020-03-31")
    expect(
        page.get_by_role("heading", name="Referrals and Channel casework", level=1)
    ).to_be_visible()
    journey = page.locator("table", has_text="The journey of referrals received in the period")
    expect(journey).to_contain_text("Referrals received")
    expect(page.locator("svg[role='img']").first).to_be_visible()
    assert_accessible(page)
