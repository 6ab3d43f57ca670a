"""Community engagement, funded projects and council resources as the education officer,
an analyst and a board member meet them. Every page reached is scanned by axe-core."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from dueregard.engagement.tests import factories as f
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page: Page, prefix: str, day: datetime.date) -> None:
    page.locator(f"#id_{prefix}_day").fill(str(day.day))
    page.locator(f"#id_{prefix}_month").fill(str(day.month))
    page.locator(f"#id_{prefix}_year").fill(str(day.year))


def test_the_education_officer_records_community_engagement(
    page: Page, live_server, live_world
) -> None:
    f.group(live_world, "Testborough Youth Hub", kind="youth")
    sign_in(page, live_server.url, "education_officer")
    page.get_by_role("link", name="Community engagement").first.click()
    expect(
        page.get_by_role("heading", name="Community engagement, projects and council resources")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Community groups").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a community group").click()
    page.get_by_label("Name").fill("Testborough Women's Network")
    page.get_by_label("Kind of group").select_option(label="Women's group")
    page.get_by_label("Ward").select_option(label="Test Ward")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Testborough Women's Network")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/engagement/engagements/")
    page.get_by_role("link", name="Record an engagement").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "date", datetime.date(2025, 5, 14))
    page.get_by_label("Testborough Women's Network").check()
    page.get_by_label("Testborough Youth Hub").check()
    page.get_by_label("Workshop or training").check()
    page.get_by_label("Topic").fill("Online safety workshop for parents")
    page.get_by_label("Council staff involved").fill("Prevent Education Officer")
    page.get_by_label("Outcome").fill("Parents asked for a follow-up session.")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_test_id("record-summary")
    expect(summary).to_contain_text("Testborough Women's Network, Testborough Youth Hub")
    assert_accessible(page)

    page.goto(live_server.url + "/engagement/")
    expect(page.get_by_test_id("engagements-by-type")).to_be_visible()
    page.get_by_label("Financial year").select_option(label="2025/26")
    page.get_by_role("button", name="Show this year").click()
    expect(page.get_by_test_id("headline")).to_contain_text("2")
    expect(page.get_by_test_id("headline")).to_contain_text("community groups engaged")
    assert_accessible(page)

    page.get_by_role("link", name="Networks").click()
    page.get_by_role("link", name="Add a network").click()
    page.get_by_label("Name").fill("Testborough Communities Network")
    page.get_by_label("Purpose").fill("Brings groups together.")
    page.get_by_label("Convener").fill("Community Engagement Officer")
    page.get_by_label("Quarterly").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a member group").click()
    page.get_by_label("Group").select_option(label="Testborough Youth Hub")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("network-members")).to_contain_text("Testborough Youth Hub")
    assert_accessible(page)


def test_the_education_officer_tracks_a_funded_project(page: Page, live_server, live_world) -> None:
    f.bid(live_world)
    sign_in(page, live_server.url, "education_officer")
    page.goto(live_server.url + "/engagement/bids/")
    expect(page.get_by_test_id("record-list")).to_contain_text("Digital resilience for families")
    assert_accessible(page)

    page.goto(live_server.url + "/engagement/projects/")
    page.get_by_role("link", name="Add a funded project").click()
    page.get_by_label("Title").fill("Digital resilience for families")
    page.get_by_label("Funded by bid").select_option(label="Digital resilience for families")
    page.get_by_label("Delivered by").fill("Brightlane Learning CIC")
    page.get_by_label("Funder").fill("Home Office")
    page.get_by_label("Funding (£)").fill("28000")
    fill_date(page, "starts_on", datetime.date(2024, 4, 1))
    fill_date(page, "ends_on", datetime.date(2025, 3, 31))
    page.get_by_label("CTLP recommendation addressed").fill(
        "Raise awareness of online radicalisation."
    )
    page.get_by_label("What it will deliver").fill("Sessions in 16 schools.")
    page.get_by_label("Expected outcomes").fill("Parents more confident.")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("project-spend")).to_contain_text("£28,000.00")
    assert_accessible(page)

    for name in ("Schools engaged", "Sessions delivered"):
        page.get_by_role("link", name="Add something the project counts").click()
        page.get_by_label("What is counted").fill(name)
        page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record a quarterly return").click()
    page.get_by_label("Quarter", exact=True).select_option(label="Q2 2024/25")
    page.get_by_role("button", name="Show this quarter").click()
    expect(page.get_by_role("heading", name="Q2 2024/25")).to_be_visible()
    page.get_by_label("Schools engaged: planned").fill("4")
    page.get_by_label("Schools engaged: delivered").fill("5")
    page.get_by_label("Sessions delivered: planned").fill("12")
    page.get_by_label("Sessions delivered: delivered").fill("15")
    page.get_by_label("Spent in the quarter (£)").fill("7000")
    page.get_by_label("Progress").fill("Five schools engaged, three secondary and two primary.")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    quarters = page.get_by_test_id("output-quarters")
    expect(quarters).to_contain_text("4 / 5")
    expect(quarters).to_contain_text("12 / 15")
    expect(page.get_by_test_id("project-spend")).to_contain_text("£21,000.00")
    assert_accessible(page)


def test_council_resources_are_marked_sensitive_and_decisions_need_reasons(
    page: Page, live_server, live_world
) -> None:
    f.setting(live_world)
    f.venue_check(live_world)
    f.it_check(live_world)
    sign_in(page, live_server.url, "education_officer")
    page.goto(live_server.url + "/engagement/settings/")
    expect(page.locator("[data-marking='OFFICIAL-SENSITIVE']")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Saturday Maths Club").click()
    expect(page.get_by_test_id("record-summary")).to_contain_text("Testborough Tutors Ltd")
    expect(page.locator("[data-marking='OFFICIAL-SENSITIVE']")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/engagement/venue-checks/")
    assert_accessible(page)
    page.get_by_role(
        "link", name="Testborough Central Library, meeting room 2, 21 Sep 2024"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Change").click()
    page.get_by_label("Refused").check()
    fill_date(page, "decided_on", datetime.date(2024, 9, 1))
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the reason for the decision")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter the reason for the decision").click()
    expect(page.get_by_label("Reason for the decision")).to_be_focused()
    page.get_by_label("Reason for the decision").fill("Police advice about one of the speakers.")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_test_id("record-summary")
    expect(summary).to_contain_text("Refused")
    expect(summary).to_contain_text("Education Officer")  # decided by the officer who recorded it

    page.goto(live_server.url + "/engagement/it-checks/")
    assert_accessible(page)
    page.get_by_role("link", name="Record an IT filtering check").click()
    page.get_by_label("Site", exact=True).fill("Testborough Central Library")
    page.get_by_label("Type of site").select_option(label="Library")
    fill_date(page, "checked_on", datetime.date(2025, 1, 15))
    page.get_by_label("Checked by").fill("ICT security officer")
    page.get_by_label("How it was checked").fill("Supplier's test list")
    page.get_by_label("Some material got through").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Describe what got through the filter"
    )
    assert_accessible(page)

    with page.expect_download() as download:
        page.goto(live_server.url + "/engagement/settings/")
        page.get_by_role("link", name="Download as CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("id,setting,setting_type,provider")
    assert "Saturday Maths Club" in text


def test_other_roles_see_engagement_only_as_the_rules_say(
    page: Page, live_server, live_world
) -> None:
    project = f.project(live_world, budget=Decimal(1000))
    sign_in(page, live_server.url, "analyst")
    page.goto(live_server.url + f"/engagement/projects/{project.pk}/")
    expect(page.get_by_role("heading", name=project.title)).to_be_visible()
    expect(page.get_by_role("link", name="Change")).to_have_count(0)
    assert_accessible(page)
    page.goto(live_server.url + "/engagement/projects/")
    expect(page.get_by_role("link", name="Add a funded project")).to_have_count(0)
    expect(page.get_by_role("link", name="Download as CSV")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "board_member")
    expect(page.get_by_role("link", name="Community engagement")).to_have_count(0)
    page.goto(live_server.url + f"/engagement/projects/{project.pk}/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
