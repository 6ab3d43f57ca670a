"""Governance as the Prevent lead, a board member and an education officer meet it:
boards, members, a meeting with attendance and an action, a reporting commitment that
falls overdue and shows on the lead's home page. Every page is scanned by axe-core."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from dueregard.governance.tests import factories as g
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page: Page, prefix: str, day: datetime.date) -> None:
    page.locator(f"#id_{prefix}_day").fill(str(day.day))
    page.locator(f"#id_{prefix}_month").fill(str(day.month))
    page.locator(f"#id_{prefix}_year").fill(str(day.year))


def test_the_prevent_lead_runs_a_board_and_its_reporting(
    page: Page, live_server, live_world
) -> None:
    sign_in(page, live_server.url, "coordinator")
    page.get_by_role("link", name="Governance").first.click()
    expect(page.get_by_role("heading", name="Governance", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Boards and groups").first.click()
    expect(page.get_by_role("heading", name="Boards and groups")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a board or group").click()
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter name")  # GOV.UK wording, never Django's default
    expect(summary).not_to_contain_text("This field is required")
    assert_accessible(page)

    page.get_by_label("Name").fill("Testborough Prevent Delivery Group")
    page.get_by_label("Kind of board or group").select_option(label="Prevent delivery group")
    page.get_by_label("Remit").fill("Scrutinises Prevent performance and the action plan.")
    page.get_by_label("How often it meets").select_option(label="Quarterly")
    page.get_by_label("Chair").fill("Head of Community Safety")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Testborough Prevent Delivery Group")).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text("Board created")
    assert_accessible(page)

    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Name").fill("Robin Alder")
    page.get_by_label("Organisation or service").fill("Testborough Police (demo)")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("members")).to_contain_text("Robin Alder")

    page.get_by_role("link", name="Add a meeting").click()
    fill_date(page, "date", datetime.date(2025, 5, 14))
    page.get_by_label("Held").check()
    page.get_by_label("Minutes", exact=True).fill(
        "Action plan reviewed; CTLP recommendations assigned."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name="Testborough Prevent Delivery Group, 14 May 2025")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record attendance").click()
    expect(
        page.get_by_role("group", name="Robin Alder (Testborough Police (demo))")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Present").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("attendance")).to_contain_text("Present")

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action", exact=True).fill("Share the refreshed CTLP summary with partners")
    page.get_by_label("Owner").fill("Prevent Coordinator, Testborough Council")
    fill_date(page, "due_on", datetime.date(2025, 6, 30))
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("actions")).to_contain_text("Share the refreshed CTLP summary")
    expect(page.get_by_test_id("actions")).to_contain_text("Overdue")

    page.goto(live_server.url + "/governance/commitments/")
    assert_accessible(page)
    page.get_by_role("link", name="Add a reporting commitment").click()
    page.get_by_label("Goes to").select_option(label="Testborough Prevent Delivery Group")
    page.get_by_label("Report", exact=True).fill("Prevent performance report")
    page.get_by_label("Area of focus").fill("Action plan, projects, CTLP and Channel performance")
    page.get_by_label("Frequency").select_option(label="Quarterly")
    page.get_by_label("Owner").fill("Prevent Coordinator")
    fill_date(page, "next_due_on", datetime.date(2025, 4, 30))
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("schedule")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Overdue")
    assert_accessible(page)

    page.get_by_role("link", name="Due Regard").first.click()
    panel = page.get_by_test_id("governance-panel")
    expect(panel).to_contain_text("Prevent performance report")
    assert_accessible(page)
    panel.get_by_role("link", name="Prevent performance report").click()

    page.get_by_role("link", name="Record a report as presented").click()
    fill_date(page, "presented_on", datetime.date(2025, 5, 14))
    page.get_by_label("At which meeting").select_option(index=1)
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("schedule")).to_contain_text("14 May 2025")
    expect(page.get_by_test_id("schedule")).to_contain_text("14 Aug 2025")

    with page.expect_download() as download:
        page.goto(live_server.url + "/governance/commitments/")
        page.get_by_role("link", name="Download as CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("id,board,report,area_of_focus")
    assert "Prevent performance report" in text


def test_a_board_member_reads_governance_without_changing_it(
    page: Page, live_server, live_world
) -> None:
    board = g.board(live_world)
    g.meeting(live_world, board)
    sign_in(page, live_server.url, "board_member")
    page.get_by_role("link", name="Governance").first.click()
    assert_accessible(page)
    page.get_by_role("link", name=board.name).first.click()
    expect(page.get_by_role("heading", name=board.name)).to_be_visible()
    expect(page.get_by_role("link", name="Change")).to_have_count(0)
    expect(page.get_by_role("link", name="Add a meeting")).to_have_count(0)
    assert_accessible(page)
    page.goto(live_server.url + "/governance/boards/")
    expect(page.get_by_role("link", name="Add a board or group")).to_have_count(0)
    expect(page.get_by_role("link", name="Download as CSV")).to_have_count(0)


def test_governance_is_not_offered_to_an_education_officer(
    page: Page, live_server, live_world
) -> None:
    sign_in(page, live_server.url, "education_officer")
    expect(page.get_by_role("link", name="Governance")).to_have_count(0)
    page.goto(live_server.url + "/governance/boards/")
    expect(page.get_by_role("heading", name="You do not have access to this")).to_be_visible()
