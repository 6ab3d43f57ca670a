"""A Channel panel meeting's lifecycle in a browser, with an axe scan of every page: the
chair lists a case ready for a panel from its referral page (warned that the panel summary
is empty), a panel member downloads their agenda, the panel decides, the chair marks the
meeting held and approves its minutes, after which the agenda takes nothing more. All
names are fictional."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from docx import Document
from playwright.sync_api import Browser, Page, expect

from dueregard.casework import services
from dueregard.casework.models import MeetingStatus, PanelMeeting
from dueregard.casework.tests.factories import make_person, make_referral, to_panel
from dueregard.core import periods
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_lists(transactional_db: None) -> None:
    from django.apps import apps

    importlib.import_module("dueregard.casework.migrations.0002_reference_lists").load(apps, None)


def test_a_chair_lists_a_case_holds_the_meeting_and_approves_the_minutes(
    page: Page, browser: Browser, browser_context_args: dict, live_server, live_world
) -> None:
    world = live_world
    lead = world["coordinator"]
    panel = services.create_panel(
        authority=world.authority,
        name="Testborough Channel Panel",
        panel_type="channel",
        acting_user=lead,
    )
    services.add_panel_member(
        panel,
        name="Pat Member",
        agency="Testborough Mental Health Trust",
        user=world["panel_member"],
        acting_user=lead,
    )
    today = periods.today()
    meeting = services.schedule_meeting(panel, held_on=today, acting_user=lead)
    referral = to_panel(
        make_referral(
            world.authority,
            lead,
            person=make_person(world.authority, lead, given_name="Morgan", family_name="Ashdale"),
        ),
        lead,
    )

    # --- The chair lists the case from its referral page --------------------------------
    sign_in(page, live_server.url, "chair")
    page.goto(f"{live_server.url}/casework/referrals/{referral.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Add to a panel agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add to a panel agenda")
    expect(page.get_by_test_id("summary-warning")).to_contain_text("is empty")
    expect(
        page.get_by_label(f"Testborough Channel Panel, {today:%-d %B %Y}")
    ).to_be_checked()  # the next planned meeting, chosen for the chair
    assert_accessible(page)
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "confirm the case is listed without it"
    )
    assert_accessible(page)
    page.get_by_label("List the case without a summary for the panel").check()
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "added to the agenda"
    )
    expect(page.get_by_test_id("next-steps")).not_to_contain_text("Add to a panel agenda")
    assert_accessible(page)

    # --- A panel member downloads their agenda ------------------------------------------
    member_context = browser.new_context(**browser_context_args)
    member = member_context.new_page()
    sign_in(member, live_server.url, "panel_member")
    papers = member.get_by_test_id("member-papers")
    expect(papers).to_contain_text("Testborough Channel Panel")
    assert_accessible(member)
    with member.expect_download() as download:
        papers.get_by_role("link", name=re.compile("Word document")).click()
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for row in t.rows for c in row.cells]
    )
    assert referral.reference in text and "Morgan Ashdale" in text
    assert "OFFICIAL-SENSITIVE" in document.sections[0].header.paragraphs[0].text

    # --- At the meeting: the decision, then held, then the minutes approved -------------
    page.goto(f"{live_server.url}/casework/meetings/{meeting.pk}/")
    expect(page.get_by_test_id("meeting-status")).to_have_text("Planned")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Record the decision")).click()
    page.get_by_label("Notes of the discussion").fill("The panel heard from the school.")
    page.get_by_label("Adopt as a Channel case").check()
    page.get_by_label("The panel's reasons").fill("Support is proportionate.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark the meeting held").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("marked held")
    expect(page.get_by_test_id("meeting-status")).to_have_text("Held")
    expect(page.get_by_role("heading", name="Add a case to the agenda")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "minutes are approved"
    )
    expect(page.get_by_test_id("meeting-status")).to_have_text("Minutes approved")
    expect(page.get_by_test_id("meeting-history")).to_contain_text("Minutes approved")
    assert_accessible(page)

    # A correction after approval asks why, and the history shows it.
    page.get_by_role("link", name=re.compile("Correct the decision record")).click()
    page.get_by_label("Notes of the discussion").fill("The panel heard from the college.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "enter why the decision record is being corrected"
    )
    assert_accessible(page)
    page.get_by_label("Why the decision record is being corrected").fill(
        "The minutes named the wrong setting."
    )
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_test_id("meeting-history")).to_contain_text(
        "The minutes named the wrong setting."
    )
    assert_accessible(page)
    member_context.close()
    assert PanelMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD
