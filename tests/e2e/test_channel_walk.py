"""A Channel case walked end to end as a coordinator and a chair run it, with an axe scan of
every page (issue 12's "done when"): intake with a case officer → triage → the police
gateway → added to a panel agenda → the panel adopts it and the meeting is held → consent →
a support plan with a contact interval → contacts → the support lapses and the work queue
raises it → the next meeting takes it as proposed and the panel decides it leaves Channel →
the 6-month review finds renewed concerns → the case is reopened straight to a panel → put
on the next agenda from its referral page → a panel member downloads their agenda. The
meetings are set up beforehand (one 90 days ago, one today, one in a fortnight) so a
quarter's work fits one test. All names are fictional."""

from __future__ import annotations

import datetime
import importlib
import io
import re

import pytest
from docx import Document
from playwright.sync_api import Browser, Page, expect

from dueregard.casework import services
from dueregard.casework.models import Referral, Stage
from dueregard.core import periods
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def reference_lists(transactional_db: None) -> None:
    from django.apps import apps

    importlib.import_module("dueregard.casework.migrations.0002_reference_lists").load(apps, None)


def fill_date(page: Page, name: str, day: datetime.date) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def save(page: Page, name: str = "Save") -> None:
    page.get_by_role("button", name=name).click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert_accessible(page)


def step(page: Page, link: str) -> None:
    page.get_by_role("link", name=link).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_a_channel_case_from_intake_through_lapse_exit_and_reopening(
    page: Page, browser: Browser, browser_context_args: dict, live_server, live_world
) -> None:
    world = live_world
    lead = world["coordinator"]
    today = periods.today()
    panel = services.create_panel(
        authority=world.authority,
        name="Walkborough Channel Panel",
        panel_type="channel",
        acting_user=lead,
    )
    services.add_panel_member(
        panel,
        name="Pat Member",
        agency="Walkborough Mental Health Trust",
        user=world["panel_member"],
        acting_user=lead,
    )
    first = services.schedule_meeting(panel, held_on=today - 90 * DAY, acting_user=lead)
    second = services.schedule_meeting(panel, held_on=today, acting_user=lead)
    third = services.schedule_meeting(panel, held_on=today + 14 * DAY, acting_user=lead)
    chair_context = browser.new_context(**browser_context_args)
    chair = chair_context.new_page()
    sign_in(chair, live_server.url, "chair")

    # --- Intake: the coordinator records the referral and is its case officer -----------
    sign_in(page, live_server.url, "coordinator")
    page.get_by_role("button", name="Record a new referral").first.click()
    expect(page.get_by_role("heading", name="Who is the referral about?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Given name").fill("Alexis")
    page.get_by_label("Family name", exact=True).fill("Walkerdine")
    fill_date(page, "date_of_birth", datetime.date(today.year - 24, 3, 9))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="No earlier referrals found")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="About the referral")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "received_on", today - 100 * DAY)
    page.get_by_label("Referrer's name").fill("College safeguarding lead (fictional)")
    page.get_by_label("The concern, as the referrer described it").fill(
        "Sharing extreme right-wing propaganda in the college's group chat."
    )
    page.get_by_role("button", name="Record the referral").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("was recorded")
    assert_accessible(page)
    referral = Referral.objects.get(person__family_name="Walkerdine")
    assert referral.coordinator == lead
    expect(page.get_by_test_id("case-officer")).to_have_text(str(lead))

    # --- Triage and the police gateway --------------------------------------------------
    step(page, "Record the triage outcome")
    page.get_by_label("Referred to police").check()
    fill_date(page, "occurred_on", today - 99 * DAY)
    fill_date(page, "referred_to_police_on", today - 99 * DAY)
    page.get_by_label("Why you reached this outcome").fill("Meets the threshold.")
    save(page)
    step(page, "Record the police gateway outcome")
    page.get_by_label("For Channel panel").check()
    fill_date(page, "occurred_on", today - 95 * DAY)
    page.get_by_label("The reasons given for this outcome").fill("Susceptibility identified.")
    save(page)
    expect(page.get_by_test_id("stage")).to_have_text("For Channel panel")
    page.get_by_role("link", name="Change the referral details or what the panel is told").click()
    page.get_by_label("What the Channel panel is told").fill(
        "College student sharing propaganda; isolated since leaving home."
    )
    save(page)

    # --- The first meeting: listed, adopted, held, minutes approved ---------------------
    chair.goto(f"{live_server.url}/casework/meetings/{first.pk}/")
    assert_accessible(chair)
    chair.get_by_label("Case to add").select_option(
        label=f"Alexis Walkerdine ({referral.reference}): For Channel panel"
    )
    save(chair, "Add to the agenda")
    chair.get_by_role("link", name=re.compile("Record the decision")).click()
    assert_accessible(chair)
    chair.get_by_label("Notes of the discussion").fill("College and health shared concerns.")
    chair.get_by_label("Adopt as a Channel case").check()
    chair.get_by_label("The panel's reasons").fill("Mentoring is proportionate.")
    save(chair)
    chair.get_by_role("button", name="Mark the meeting held").click()
    expect(chair.get_by_test_id("meeting-status")).to_have_text("Held")
    assert_accessible(chair)
    chair.get_by_role("button", name="Approve the minutes").click()
    expect(chair.get_by_test_id("meeting-status")).to_have_text("Minutes approved")
    assert_accessible(chair)

    # --- Consent, the plan with its contact interval, support, one contact --------------
    page.goto(f"{live_server.url}/casework/referrals/{referral.pk}/")
    expect(page.get_by_test_id("stage")).to_have_text("Adopted as a Channel case")
    step(page, "Record consent")
    page.get_by_label("Consent given").check()
    page.get_by_label("The person", exact=True).check()
    fill_date(page, "occurred_on", today - 86 * DAY)
    save(page)
    step(page, "Agree the support plan")
    fill_date(page, "agreed_on", today - 85 * DAY)
    page.get_by_label("Intervention provider (if any)").fill("Walk Mentoring (fictional)")
    page.get_by_label("Intervention provider (Home Office-approved mentor)").check()
    page.get_by_label("Sessions planned").fill("8")
    page.get_by_label("Planned contact interval, in days").fill("28")
    fill_date(page, "planned_start_on", today - 84 * DAY)
    fill_date(page, "planned_end_on", today + 120 * DAY)
    save(page)
    step(page, "Record that support has started")
    fill_date(page, "started_on", today - 84 * DAY)
    save(page)
    step(page, "Record a support session")
    page.get_by_label("Delivered", exact=True).check()
    fill_date(page, "occurred_on", today - 77 * DAY)
    save(page)
    # No delivered contact for 77 days, against every 28 days plus 14: the support lapsed.
    expect(page.get_by_test_id("contact-interval")).to_contain_text("Support lapsing")
    page.goto(f"{live_server.url}/casework/")
    expect(page.get_by_test_id("section-lapsing")).to_contain_text("Alexis Walkerdine")
    assert_accessible(page)

    # --- Today's meeting takes the lapsing case; the panel decides it leaves Channel ----
    chair.goto(f"{live_server.url}/casework/meetings/{second.pk}/")
    expect(chair.get_by_test_id("proposed")).to_contain_text("Support lapsing")
    assert_accessible(chair)
    chair.get_by_role(
        "button", name=re.compile(f"Add to the agenda.*{referral.reference}, Support lapsing")
    ).click()
    expect(chair.get_by_test_id("agenda")).to_contain_text("Support lapsing")
    assert_accessible(chair)
    chair.get_by_role("link", name=f"Record the decision on {referral.reference}").click()
    chair.get_by_label("Notes of the discussion").fill("Mentoring stopped after one session.")
    chair.get_by_label("Leave Channel").check()
    chair.get_by_label("The panel's reasons").fill("The student declined further mentoring.")
    chair.get_by_label("No further terrorism-related concerns").check()
    save(chair)
    chair.get_by_role("button", name="Mark the meeting held").click()
    expect(chair.get_by_test_id("meeting-status")).to_have_text("Held")
    chair.get_by_role("button", name="Approve the minutes").click()
    expect(chair.get_by_test_id("meeting-status")).to_have_text("Minutes approved")
    assert_accessible(chair)

    # --- The 6-month review, held early, finds renewed concerns: reopened to a panel ----
    page.goto(f"{live_server.url}/casework/referrals/{referral.pk}/")
    expect(page.get_by_test_id("stage")).to_have_text("Left Channel, reviews due")
    step(page, "Record the 6-month review")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("What the review found").fill("Posting the same material again.")
    page.get_by_label("Straight to a Channel panel").check()
    page.get_by_label("This review is being held more than 30 days before it is due").check()
    page.get_by_label("Why the review is held early (if it is)").fill(
        "The college raised new concerns (fictional)."
    )
    save(page)
    reopened = Referral.objects.get(reopened_from=referral)
    assert reopened.stage == Stage.FOR_PANEL
    expect(page.get_by_test_id("reopened-from")).to_contain_text(referral.reference)

    # --- Panel again: listed on the next meeting from its referral page -----------------
    step(page, "Add to a panel agenda")
    expect(
        page.get_by_label(f"Walkborough Channel Panel, {third.held_on:%-d %B %Y}")
    ).to_be_checked()
    no_summary = page.get_by_label("List the case without a summary for the panel")
    if no_summary.count():
        no_summary.check()
    save(page, "Add to the agenda")
    assert third.items.filter(referral=reopened).exists()

    # --- A panel member downloads their agenda: the reopened case is on it -------------
    member_context = browser.new_context(**browser_context_args)
    member = member_context.new_page()
    sign_in(member, live_server.url, "panel_member")
    papers = member.get_by_test_id("member-papers")
    expect(papers).to_contain_text(f"{third.held_on:%-d %B %Y}")
    assert_accessible(member)
    with member.expect_download() as download:
        papers.get_by_role("link", name=re.compile("Word document")).first.click()
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for row in t.rows for c in row.cells]
    )
    assert reopened.reference in text
    assert "OFFICIAL-SENSITIVE" in document.sections[0].header.paragraphs[0].text
    member_context.close()
    chair_context.close()
