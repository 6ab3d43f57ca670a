"""Reports in the browser: the list, the population report built for a period and an
audience, its downloads, and an accessibility scan of every page reached."""

from __future__ import annotations

import csv
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
