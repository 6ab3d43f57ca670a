"""Assurance as people use it in a browser: the action plan and its quarterly review,
benchmarks with evidence and the assurance pack, the risk picture, the national threat
level, and read-only and outside roles. Every page reached is scanned by axe-core."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from dueregard.assurance import services
from dueregard.assurance.tests import factories as f
from dueregard.core.periods import financial_year_start
from dueregard.demo.context import DemoContext
from dueregard.demo.steps import assurance as demo_assurance
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date


def fill_date(page: Page, field: str, day: datetime.date) -> None:
    page.locator(f"#id_{field}_day").fill(str(day.day))
    page.locator(f"#id_{field}_month").fill(str(day.month))
    page.locator(f"#id_{field}_year").fill(str(day.year))


def open_assurance(page: Page, base: str, persona: str) -> None:
    sign_in(page, base, persona)
    assert_accessible(page)  # the home page, with the lead's action-plan panel
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Assurance").click()
    expect(page.get_by_role("heading", name="Prevent assurance", exact=True)).to_be_visible()
    assert_accessible(page)


def test_a_lead_builds_the_action_plan_and_reviews_a_past_quarter(
    page: Page, live_server, live_world
) -> None:
    open_assurance(page, live_server.url, "coordinator")
    page.get_by_role("link", name="Strategies and action plans").click()
    expect(page.get_by_role("heading", name="Strategies and action plans")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a strategy").click()
    page.get_by_role("button", name="Save strategy").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter start of the period")
    assert_accessible(page)

    page.get_by_label("Title").fill("Testborough Prevent Strategy 2024 to 2027")
    fill_date(page, "period_start", D(2024, 4, 1))
    fill_date(page, "period_end", D(2027, 3, 31))
    page.get_by_label("Overriding objective").fill("Keep residents safe from terrorism.")
    page.get_by_role("button", name="Save strategy").click()
    expect(
        page.get_by_role("heading", name="Testborough Prevent Strategy 2024 to 2027")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a priority").click()
    assert_accessible(page)
    page.get_by_label("Priority", exact=True).fill("Understand the local risk")
    page.get_by_role("button", name="Save priority").click()
    expect(
        page.get_by_role("heading", name="Priority 1: Understand the local risk")
    ).to_be_visible()

    page.get_by_role("link", name="Add an action to priority 1").click()
    expect(page.get_by_role("heading", name="Add an action")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reference").fill("1.1")
    page.get_by_label("Action", exact=True).fill("Brief partners on the CTLP")
    page.get_by_label("Owner", exact=True).fill("Prevent Coordinator")
    page.get_by_label("Owner's agency or service").fill("Testborough Council")
    fill_date(page, "target_date", D(2024, 9, 30))
    fill_date(page, "added_on", D(2024, 4, 10))
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("heading", name="1.1 Brief partners on the CTLP")).to_be_visible()
    expect(page.get_by_test_id("action-summary")).to_contain_text("Not started")
    assert_accessible(page)

    page.get_by_role("link", name="Record a progress update").click()
    assert_accessible(page)
    fill_date(page, "recorded_on", D(2024, 6, 25))
    page.get_by_label("On track").check()
    page.get_by_label("Progress").fill("Briefing booked with the police Prevent team.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_test_id("updates")).to_contain_text("Status: Not started to On track")

    page.get_by_role("link", name="Record a progress update").click()
    fill_date(page, "recorded_on", D(2024, 10, 2))
    page.get_by_label("Complete").check()
    page.get_by_label("Progress").fill("Briefing delivered.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_test_id("action-summary")).to_contain_text("Complete")

    page.get_by_role("link", name="Change the action").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Withdraw from the plan").click()
    expect(page.locator(".govuk-warning-text")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()

    page.goto(live_server.url + "/assurance/actions/")
    expect(page.get_by_test_id("actions")).to_contain_text("Brief partners on the CTLP")
    assert_accessible(page)

    page.goto(live_server.url + "/assurance/strategies/")
    page.get_by_role("link", name="Testborough Prevent Strategy 2024 to 2027").click()
    page.get_by_role("link", name="Change the strategy").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Change priority 1").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Quarterly review").click()
    expect(page.get_by_role("heading", name="Quarterly review")).to_be_visible()
    page.get_by_label("Quarter").select_option("2024-06-30")
    page.get_by_role("button", name="Show the plan").click()
    expect(page.get_by_test_id("as-at")).to_contain_text("The plan on 30 June 2024")
    expect(page.get_by_test_id("plan-as-at")).to_contain_text("Briefing booked")
    expect(page.get_by_test_id("plan-as-at")).not_to_contain_text("Briefing delivered")
    assert_accessible(page)


def test_a_lead_assesses_a_benchmark_adds_evidence_and_downloads_the_pack(
    page: Page, live_server, live_world, tmp_path
) -> None:
    services.load_toolkit_benchmarks()
    year = financial_year_start(datetime.date.today())
    open_assurance(page, live_server.url, "coordinator")
    page.get_by_role("link", name="Benchmarks and self-assessment").click()
    expect(page.get_by_test_id("benchmarks")).to_contain_text("Multi-agency partnership group")
    assert_accessible(page)

    page.get_by_role("link", name="Assess Multi-agency partnership group").click()
    assert_accessible(page)
    page.get_by_label("Amber (partly met)").check()
    page.get_by_label("Commentary").fill("The board meets, but health attendance is patchy.")
    page.get_by_role("button", name="Save self-assessment").click()
    expect(page.get_by_test_id("rating-summary")).to_contain_text("Amber (partly met): 1")

    page.get_by_role(
        "link", name="Change the self-assessment of Multi-agency partnership group"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()  # to the benchmark's own page
    expect(page.get_by_role("heading", name="1. Multi-agency partnership group")).to_be_visible()
    expect(page.get_by_text("health attendance is patchy")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add evidence for this benchmark").click()
    expect(page.get_by_role("heading", name="Add evidence")).to_be_visible()
    assert_accessible(page)
    document = tmp_path / "terms-of-reference.pdf"
    document.write_bytes(b"%PDF-1.4 fictional terms of reference")
    page.get_by_label("Title").fill("Prevent Delivery Group terms of reference")
    page.get_by_label("What it is").select_option(label="Terms of reference")
    fill_date(page, "dated", datetime.date.today())
    page.get_by_label("Upload a file (optional)").set_input_files(str(document))
    page.get_by_role("button", name="Save evidence").click()
    expect(
        page.get_by_role("heading", name="Prevent Delivery Group terms of reference")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Change the evidence").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Withdraw it").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()

    page.goto(live_server.url + "/assurance/evidence/")
    expect(page.get_by_test_id("evidence")).to_contain_text("terms of reference")
    assert_accessible(page)

    page.goto(live_server.url + f"/assurance/pack/?year={year}")
    expect(page.get_by_test_id("pack-contents")).to_contain_text("1 of 8 benchmarks self-assessed")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the pack (Word)").click()
    pack = Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.text for p in pack.paragraphs)
    assert "health attendance is patchy" in text
    assert "Prevent Delivery Group terms of reference" in text


def test_a_lead_records_the_risk_picture(page: Page, live_server, live_world) -> None:
    open_assurance(page, live_server.url, "coordinator")
    page.get_by_role("link", name="Counter-Terrorism Local Profiles").click()
    expect(page.locator("[data-marking]")).to_have_text(re.compile("OFFICIAL-SENSITIVE"))
    assert_accessible(page)
    page.get_by_role("link", name="Add a CTLP").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Test Cluster CTLP 2024")
    fill_date(page, "issued_on", D(2024, 5, 1))
    page.get_by_label("Area").fill("Test Cluster")
    page.get_by_label("Key points").fill("Stickering near schools.\nOnline harms.")
    page.get_by_role("button", name="Save CTLP").click()
    expect(page.get_by_test_id("key-points")).to_contain_text("Online harms.")
    assert_accessible(page)
    page.get_by_role("link", name="Add a recommendation").click()
    assert_accessible(page)
    page.get_by_label("Recommendation").fill("Agree a rapid response to stickering.")
    page.get_by_label("In progress").check()
    page.get_by_label("Local response (optional)").fill("Protocol with street services.")
    page.get_by_role("button", name="Save recommendation").click()
    expect(page.get_by_test_id("recommendation")).to_contain_text("Protocol with street services.")
    page.get_by_role("link", name="Change recommendation 1 or its response").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Change the CTLP").click()
    assert_accessible(page)

    page.goto(live_server.url + "/assurance/risks/")
    assert_accessible(page)
    page.get_by_role("link", name="Add a risk").click()
    assert_accessible(page)
    page.get_by_label("Reference").fill("R1")
    page.get_by_label("Theme").fill("Extreme right-wing activity")
    page.get_by_label("Description").fill("Stickering and online recruitment of young people.")
    page.get_by_label("Owner", exact=True).fill("Head of Community Safety")
    page.get_by_label("Informed by CTLP (optional)").select_option(label="Test Cluster CTLP 2024")
    page.get_by_label("4: Likely").check()
    page.get_by_label("3: Moderate").check()
    page.get_by_label("Increasing").check()
    page.get_by_label("Overall rating (optional)").select_option(label="High")
    fill_date(page, "review_date", datetime.date.today() + datetime.timedelta(days=90))
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_test_id("risk-summary")).to_contain_text("4: Likely")
    assert_accessible(page)
    page.get_by_role("link", name="Record a review").click()
    assert_accessible(page)
    page.get_by_label("5: Almost certain").check()
    page.get_by_label("Note (optional)").fill("More stickers reported.")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_test_id("reviews")).to_contain_text("More stickers reported.")
    page.get_by_role("link", name="Change the risk").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Close the risk").click()
    assert_accessible(page)

    page.goto(live_server.url + "/assurance/incidents/")
    assert_accessible(page)
    page.get_by_role("link", name="Log an incident").click()
    assert_accessible(page)
    fill_date(page, "occurred_on", datetime.date.today())
    page.get_by_label("Extremist stickering or graffiti").check()
    page.get_by_label("Ward").select_option(label="Test Ward")
    page.get_by_label("What happened").fill("Stickers on lamp posts near the station.")
    page.get_by_role("button", name="Save incident").click()
    expect(page.locator("[data-marking]")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change the incident").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Remove from the log").click()
    assert_accessible(page)
    page.goto(live_server.url + "/assurance/incidents/")
    expect(page.get_by_test_id("incidents-by-ward")).to_contain_text(re.compile(r"Test Ward\s*1"))


def test_everyone_reads_the_threat_level_and_leads_record_it(
    page: Page, live_server, live_world
) -> None:
    f.threat_level(live_world)
    sign_in(page, live_server.url, "panel_member")
    page.get_by_role("link", name="National threat level").click()
    expect(page.get_by_test_id("current-level")).to_contain_text("SUBSTANTIAL")
    expect(page.get_by_role("link", name="Record a change of level")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="SUBSTANTIAL").click()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server.url, "coordinator")
    page.goto(live_server.url + "/assurance/threat-level/")
    page.get_by_role("link", name="Record a change of level").click()
    assert_accessible(page)
    page.get_by_label("SEVERE").check()
    fill_date(page, "starts_on", D(2021, 11, 15))
    page.get_by_role("button", name="Save threat level").click()
    expect(page.get_by_test_id("threat-levels")).to_contain_text("15 November 2021")
    expect(page.get_by_test_id("threat-levels")).to_contain_text("8 February 2022")
    page.get_by_role("link", name="SEVERE").click()
    page.get_by_role("link", name="Correct this entry").click()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server.url, "administrator")
    page.goto(live_server.url + "/assurance/threat-level/")
    page.get_by_role("link", name="Record a change of level").click()
    expect(page).to_have_url(re.compile(r"/threat-level/administration/new/$"))
    assert_accessible(page)


def test_analysts_read_and_other_roles_cannot_reach_assurance(
    page: Page, live_server, live_world
) -> None:
    action = f.action(live_world)
    open_assurance(page, live_server.url, "analyst")
    page.goto(live_server.url + f"/assurance/actions/{action.pk}/")
    expect(page.get_by_role("heading", name="1 Share the CTLP with partners")).to_be_visible()
    expect(page.get_by_role("link", name="Record a progress update")).to_have_count(0)
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server.url, "board_member")
    expect(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Assurance")
    ).to_have_count(0)
    response = page.goto(live_server.url + "/assurance/")
    assert response is not None and response.status == 403
    response = page.goto(live_server.url + f"/assurance/actions/{action.pk}/")
    assert response is not None and response.status == 404


def test_the_demo_boroughs_assurance_pages_read_well(page: Page, live_server, live_world) -> None:
    """The demo's assurance records (two strategies, CTLP, register, incidents, two years
    of self-assessment, evidence) loaded for the test borough, read by its Prevent lead."""
    ctx = DemoContext(
        authority=live_world.authority,
        other_authority=live_world.other_authority,
        users={"coordinator": live_world["coordinator"]},
    )
    demo_assurance.run(ctx)
    open_assurance(page, live_server.url, "coordinator")
    expect(page.get_by_test_id("threat-level")).to_contain_text("SUBSTANTIAL")
    expect(page.get_by_test_id("plan-summary")).to_contain_text("Off track")
    page.get_by_role("link", name="Strategies and action plans").click()
    page.get_by_role("link", name=re.compile("Strategy and Delivery Plan")).click()
    expect(
        page.get_by_role("heading", name=re.compile("^Priority 4: To deliver a programme"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Quarterly review").click()
    assert_accessible(page)
    page.goto(live_server.url + "/assurance/actions/?overdue=on")
    expect(page.get_by_test_id("actions")).to_contain_text("Overdue")
    assert_accessible(page)
    page.goto(live_server.url + "/assurance/risks/")
    expect(page.get_by_test_id("risk-matrix")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/assurance/ctlps/")
    page.get_by_role("link", name=re.compile("Cluster CTLP")).click()
    expect(page.get_by_test_id("recommendation")).to_have_count(5)
    assert_accessible(page)
    page.goto(live_server.url + "/assurance/incidents/")
    assert_accessible(page)
    page.goto(live_server.url + "/assurance/benchmarks/")
    assert_accessible(page)
    page.goto(live_server.url + "/assurance/evidence/")
    assert_accessible(page)
    page.goto(live_server.url + "/assurance/threat-level/")
    expect(page.get_by_test_id("threat-levels")).to_contain_text("4 November 2019")
    assert_accessible(page)
