"""The committee report as a Prevent lead meets it: built for the partnership board for the
last financial year, the summary edited, a version generated, and the DOCX and PDF
downloaded; then a board member opening the version they were given. Every page reached
is scanned by axe-core."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Page, expect

from dueregard.core.periods import last_complete_financial_year
from dueregard.reports.tests import factories as f
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
SUMMARY = (
    "Referrals held steady this year while training reached every secondary school. "
    "The board is asked to note the figures below."
)


def records_for_the_last_financial_year(world) -> datetime.date:
    """A partnership board, a Prevent delivery group and a dozen referrals (fictional)."""
    f.board(world)
    f.board(world, "Testborough Prevent Delivery Group", kind="prevent_delivery_group")
    year = last_complete_financial_year(timezone.localdate())
    for n in range(12):
        f.referral(
            world,
            received_on=year.start + datetime.timedelta(days=25 * n),
            age=12 + n,
            gender="male" if n % 3 else "female",
            name=f"Example{n}",
        )
    return year.start


def test_a_prevent_lead_builds_the_committee_report_for_the_partnership_board_for_the_last_financial_year_edits_the_summary_downloads_docx_and_pdf(
    page: Page, live_server, live_world, tmp_path
) -> None:
    start = records_for_the_last_financial_year(live_world)
    sign_in(page, live_server.url, "coordinator")
    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    page.get_by_role("link", name="Committee reports").click()
    expect(page.get_by_role("heading", name="Committee reports")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Create a committee report").click()
    expect(page.get_by_role("heading", name="Create a committee report")).to_be_visible()
    board = page.get_by_label("Which board is the report for?")
    expect(board.locator("option:checked")).to_have_text(
        "Testborough Safer Communities Partnership Board"
    )
    # The last financial year is already filled in.
    expect(page.locator("#id_date_from_year")).to_have_value(str(start.year))
    expect(page.locator("#id_date_to_year")).to_have_value(str(start.year + 1))
    expect(page.get_by_label("Board (small numbers hidden)")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Create report").click()

    expect(page.get_by_role("heading", name="Prevent duty performance report")).to_be_visible()
    expect(page.get_by_test_id("audience")).to_contain_text("Board")
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("1.1 Referrals and Channel casework")
    expect(preview).to_contain_text("12 referrals were received")
    assert_accessible(page)

    # Edit the summary; a missing title is explained first.
    page.get_by_role("link", name="Edit the report's words").click()
    expect(page.get_by_role("heading", name="Edit the report's words")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill("Prevent duty performance report")
    page.get_by_label("Summary", exact=True).fill(SUMMARY)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Report saved")
    expect(page.get_by_test_id("preview")).to_contain_text("Referrals held steady this year")
    assert_accessible(page)

    page.get_by_role("button", name="Generate a version for the board").click()
    expect(
        page.get_by_role("heading", name="Prevent duty performance report: version 1")
    ).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 1 generated")
    assert_accessible(page)

    with page.expect_download() as docx_download:
        page.get_by_role("link", name="Download as Word document (DOCX)").click()
    assert docx_download.value.suggested_filename.endswith("-v1.docx")
    document = Document(str(docx_download.value.path()))
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL"
    texts = [p.text for p in document.paragraphs]
    assert SUMMARY in texts
    assert "1. Why this report is needed" in texts
    assert len(document.tables) >= 4 and len(document.inline_shapes) >= 1

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download as PDF").click()
    pdf = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(  # noqa: S603
        [str(shutil.which("pdftotext")), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Referrals held steady this year" in " ".join(text.split())
    assert "OFFICIAL" in text

    # The report's page lists the version; the summary can change without touching it.
    page.get_by_role("link", name="Prevent duty performance report").first.click()
    expect(page.get_by_test_id("versions")).to_contain_text("Version 1")
    assert_accessible(page)


def test_a_board_member_opens_the_version_they_were_given(
    page: Page, live_server, live_world
) -> None:
    version = f.committee_version(live_world)
    sign_in(page, live_server.url, "board_member")
    page.goto(f"{live_server.url}/reports/committee/")
    expect(page.get_by_test_id("committee-reports")).to_contain_text(
        "Prevent duty performance report"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Prevent duty performance report").click()
    expect(page.get_by_role("button", name="Generate a version for the board")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name=f"Version {version.number}", exact=True).click()
    expect(page.get_by_test_id("audience")).to_contain_text("Board")
    assert_accessible(page)
