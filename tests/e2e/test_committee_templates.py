"""A Prevent lead builds the annual report on a preset (issue 17 items 1-3): copies the
Barnet-style preset, creates the report on it, writes two narrative sections (the page lists
the empty ones), marks an appendix exempt, completes the clearance checklist, generates a
version, marks it final and downloads the DOCX and PDF. Every page reached is scanned by
axe-core."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_committee_report import records_for_the_last_financial_year

pytestmark = pytest.mark.django_db(transaction=True)
SOCIAL_VALUE = "Local voluntary groups deliver the funded projects in the borough."
CONSULTATION = "The partnership's members were consulted on this report at the delivery group."


def test_a_prevent_lead_builds_the_annual_report_on_a_preset_clears_it_marks_it_final_and_downloads_it(
    page: Page, live_server, live_world, tmp_path
) -> None:
    records_for_the_last_financial_year(live_world)
    sign_in(page, live_server.url, "coordinator")
    page.goto(f"{live_server.url}/reports/committee/")
    page.get_by_role("link", name="Report templates").click()
    expect(page.get_by_role("heading", name="Committee report templates")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Committee report (Barnet style)").check()
    page.get_by_role("button", name="Copy the preset").click()
    expect(page.get_by_role("heading", name="Edit the template")).to_be_visible()
    assert_accessible(page)
    sections = page.get_by_label("Sections, in order")
    expect(sections).to_contain_text("narrative | legal | 5.4 Legal and constitutional references")
    page.get_by_role("button", name="Save the template").click()
    expect(page.get_by_test_id("templates")).to_contain_text("Committee report (Barnet style)")

    page.goto(f"{live_server.url}/reports/committee/new/")
    page.get_by_label("Which template is it built on?").select_option(
        label="Committee report (Barnet style)"
    )
    page.get_by_role("button", name="Create report").click()
    expect(page.get_by_text("Built on Committee report (Barnet style)")).to_be_visible()
    empty = page.get_by_test_id("empty-section-list")
    expect(empty).to_contain_text("5.3 Social value")
    expect(empty).to_contain_text("5.8 Consultation and engagement")
    expect(page.get_by_test_id("clearance-status")).to_contain_text("Committee chairman")
    assert_accessible(page)

    page.get_by_role("link", name="Write the sections").click()
    expect(page.get_by_role("heading", name="Write each section")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("5.3 Social value", exact=True).fill(SOCIAL_VALUE)
    page.get_by_label("5.8 Consultation and engagement", exact=True).fill(CONSULTATION)
    page.get_by_label("Appendix: Prevent risk register: exempt from publication?").select_option(
        "7"
    )
    page.get_by_role("button", name="Save the sections").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sections saved")
    expect(page.get_by_test_id("empty-section-list")).not_to_contain_text("5.3 Social value")
    expect(page.get_by_test_id("preview")).to_contain_text(SOCIAL_VALUE)
    expect(page.get_by_test_id("preview")).to_contain_text("paragraph 7 of Part 1 of Schedule 12A")

    page.get_by_role("link", name="Record clearance").click()
    expect(page.get_by_role("heading", name="Report clearance checklist")).to_be_visible()
    assert_accessible(page)
    for n, role in enumerate(
        ["Committee chairman", "Chief officer", "Legal", "Finance", "Governance"]
    ):
        page.get_by_label(f"{role}: name").fill(f"Fictional {role}")
        page.locator(f"#id_date_{n}_day").fill("2")
        page.locator(f"#id_date_{n}_month").fill("5")
        page.locator(f"#id_date_{n}_year").fill("2026")
    page.get_by_role("button", name="Save clearance").click()
    expect(page.get_by_test_id("clearance-status")).to_contain_text("Clearance is complete")

    # Generating renders the public and the exempt files: slow on a loaded machine.
    page.get_by_role("button", name="Generate a version for the board").click(timeout=180_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Version 1 generated", timeout=180_000
    )
    page.get_by_role("button", name="Mark version 1 final").click()
    expect(page.get_by_test_id("final")).to_contain_text("Final version")
    expect(page.get_by_test_id("clearance-record")).to_contain_text("Fictional Legal")
    assert_accessible(page)

    with page.expect_download() as docx_download:
        page.get_by_test_id("downloads").get_by_role("link", name="Word").click()
    document = Document(str(docx_download.value.path()))
    texts = [p.text for p in document.paragraphs]
    for heading in ("5.3 Social value", "5.4 Legal and constitutional references"):
        assert heading in texts
    assert SOCIAL_VALUE in texts and CONSULTATION in texts
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Fictional Legal" not in " ".join(texts) + cells  # the checklist is not published

    with page.expect_download() as pdf_download:
        page.get_by_test_id("downloads").get_by_role("link", name="PDF").click()
    pdf = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf)
    text = subprocess.run(  # noqa: S603
        [str(shutil.which("pdftotext")), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert CONSULTATION in " ".join(text.split())

    with page.expect_download() as exempt_download:
        page.get_by_test_id("exempt-downloads").get_by_role("link", name="Word").click()
    exempt = Document(str(exempt_download.value.path()))
    assert "Not for publication" in [p.text for p in exempt.paragraphs]

    # Frozen: the report's page offers no more edits.
    page.goto(f"{live_server.url}/reports/committee/")
    page.get_by_role("link", name="Prevent duty performance report").first.click()
    expect(page.get_by_test_id("final")).to_be_visible()
    expect(page.get_by_role("button", name="Generate a version for the board")).to_have_count(0)
