"""Reports in the browser: the list, the population report built for a period and an
audience, its downloads; the Home Office-style statistics beside the national figures;
equality monitoring; a quarterly grant return written, signed off and amended. Every
page reached is scanned by axe-core."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from dueregard.reports.tests.conftest import load_population
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def open_report(page: Page, base_url: str, persona: str) -> None:
    sign_in(page, base_url, persona)
    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Resident population").click()
    expect(page.get_by_role("heading", level=1, name="Resident population")).to_be_visible()


def test_coordinator_builds_the_population_report_changes_audience_and_downloads(
    page: Page, live_server, live_world
) -> None:
    load_population(live_world.authority)
    open_report(page, live_server.url, "coordinator")
    expect(page.locator("#table-residents-by-sex")).to_contain_text("51,500")
    expect(page.get_by_test_id("audience")).to_contain_text("Exact figures")
    expect(page.get_by_role("img", name="Share of residents by age band")).to_be_visible()
    assert_accessible(page)

    # A period that is not a date is explained, with the fields to fix.
    page.get_by_text("Change the authority, period or audience").click()
    page.locator("#id_date_from_day").fill("31")
    page.locator("#id_date_from_month").fill("2")
    page.locator("#id_date_from_year").fill("2025")
    page.get_by_role("button", name="Build report").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("From must be a real date")
    expect(summary).to_be_focused()
    assert_accessible(page)

    page.locator("#id_date_from_day").fill("1")
    page.locator("#id_date_from_month").fill("4")
    page.locator("#id_date_from_year").fill("2024")
    page.locator("#id_date_to_day").fill("31")
    page.locator("#id_date_to_month").fill("3")
    page.locator("#id_date_to_year").fill("2025")
    page.get_by_label("Public (small numbers hidden)").check()
    page.get_by_role("button", name="Build report").click()
    expect(page.get_by_test_id("audience")).to_contain_text("Public")
    expect(page.get_by_test_id("report-summary")).to_contain_text("1 April 2024 to 31 March 2025")
    expect(page.locator("#table-residents-by-age-band")).to_contain_text("17,800")
    assert_accessible(page)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download as CSV").click()
    assert csv_download.value.suggested_filename == (
        "population-E09999801-20240401-20250331-public.csv"
    )
    rows = list(csv.reader(io.StringIO(csv_download.value.path().read_text("utf-8-sig"))))
    assert rows[0] == ["OFFICIAL"]
    assert ["Female", "51500", "51.5"] in rows

    with page.expect_download() as docx_download:
        page.get_by_role("link", name="Download as Word document (DOCX)").click()
    document = Document(str(docx_download.value.path()))
    assert len(document.tables) == 4
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL"
    assert len(document.inline_shapes) == 3


def test_board_member_is_offered_only_protected_audiences(
    page: Page, live_server, live_world
) -> None:
    load_population(live_world.authority)
    open_report(page, live_server.url, "board_member")
    expect(page.get_by_test_id("audience")).to_contain_text("Board")
    page.get_by_text("Change the authority, period or audience").click()
    expect(page.get_by_label("Board (small numbers hidden)")).to_be_checked()
    expect(page.get_by_label("Exact figures (for case-level roles and analysts)")).to_have_count(0)
    assert_accessible(page)


def test_the_statistics_page_shows_local_and_national_figures_side_by_side(
    page: Page, live_server, live_world
) -> None:
    from dueregard.reports.tests import factories as f

    for n in range(6):
        f.referral(
            live_world,
            received_on=datetime.date(2024, 5, 1) + datetime.timedelta(days=30 * n),
            age=13,
            gender="male",
            name=f"Example{n}",
        )
    sign_in(page, live_server.url, "coordinator")
    page.get_by_role("link", name="Reports").first.click()
    page.get_by_role("link", name="Home Office-style statistics").click()
    expect(
        page.get_by_role("heading", level=1, name="Home Office-style statistics")
    ).to_be_visible()
    journey = page.locator("#table-journey")
    expect(journey).to_contain_text("Testborough: referrals")
    expect(journey).to_contain_text("England and Wales 2024/25")
    expect(journey).to_contain_text("8,778")
    expect(page.get_by_test_id("national-year")).to_contain_text("2024/25")
    assert_accessible(page)

    page.get_by_text("Change the area, year or audience").click()
    page.get_by_label("Financial year").select_option("2023/24")
    page.get_by_label("Public (small numbers hidden)").check()
    page.get_by_role("button", name="Build statistics").click()
    expect(page.locator("#table-journey")).to_contain_text("6,922")
    expect(page.get_by_test_id("audience")).to_contain_text("Public")
    assert_accessible(page)


def test_equality_monitoring_says_no_individual_is_scored(
    page: Page, live_server, live_world
) -> None:
    from dueregard.reports.tests import factories as f

    load_population(live_world.authority)
    f.referrals_with_known_groups(live_world)
    sign_in(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/reports/equality-monitoring/?from=2024-04-01&to=2025-03-31")
    expect(page.get_by_role("heading", level=1, name="Equality monitoring")).to_be_visible()
    expect(page.locator(".dr-report")).to_contain_text(
        "No individual is scored: this is about the service's proportionality."
    )
    expect(page.locator("#table-referrals_by_sex")).to_contain_text("6.19")
    expect(page.get_by_role("img", name="Referrals per 10,000 residents by sex")).to_be_visible()
    assert_accessible(page)


def test_a_prevent_lead_writes_signs_off_and_amends_a_grant_return(
    page: Page, live_server, live_world
) -> None:
    sign_in(page, live_server.url, "coordinator")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="Quarterly grant returns").click()
    expect(page.get_by_role("heading", name="Quarterly grant returns")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start a grant return").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start return").click()
    expect(page.get_by_test_id("status")).to_contain_text("Draft")
    assert_accessible(page)

    page.get_by_role("link", name="Edit outputs, achievements and issues").click()
    page.get_by_label("Achievements").fill("Every secondary school has a trained Prevent lead.")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("return-figures")).to_contain_text("Every secondary school")

    page.get_by_role("link", name="Add a budget line").click()
    page.get_by_label("Budget heading").fill("Prevent Coordinator post")
    page.get_by_label("Budget for the year (£)").fill("52000")
    page.get_by_label("Spent in the quarter (£)").fill("13000")
    page.get_by_label("Spent in the year to the end of the quarter (£)").fill("1000")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must include the spend")
    assert_accessible(page)
    page.get_by_label("Spent in the year to the end of the quarter (£)").fill("13000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("budget-lines")).to_contain_text("Prevent Coordinator post")
    assert_accessible(page)

    page.get_by_role("link", name="Sign off the return").click()
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm the return is correct")
    assert_accessible(page)
    page.get_by_label("I confirm the figures and words of this return are correct").check()
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_test_id("status")).to_contain_text("Signed off by")
    assert_accessible(page)

    # A signed-off return cannot be changed: the edit page says why and how to amend it.
    return_url = page.url
    page.goto(return_url + "edit/")
    expect(page.get_by_test_id("locked")).to_contain_text("cannot be changed")
    assert_accessible(page)
    page.get_by_role("link", name="Amend the return").click()
    page.get_by_label("Why does the return need to be amended?").fill(
        "The coordinator's salary was under-reported."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Start an amended return").click()
    expect(page.get_by_test_id("status")).to_contain_text("Draft")
    expect(page.locator("body")).to_contain_text("under-reported")
    assert_accessible(page)
