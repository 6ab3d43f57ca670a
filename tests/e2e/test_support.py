"""Support delivery and leaving Channel in a browser, with an axe scan of every page: the
coordinator sets a support plan's contact interval, records contacts, sees the support
lapsing in the work queue; the meeting page proposes the lapsing case and a case due its
support review; the panel decides "Leave Channel"; a 6-month review held early finds
renewed concerns and reopens the case straight to a panel. All names are fictional."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from playwright.sync_api import Page, expect

from dueregard.casework import services
from dueregard.casework.models import Referral, Stage
from dueregard.casework.tests.factories import (
    into_support,
    make_meeting,
    make_panel,
    make_person,
    make_referral,
)
from dueregard.core import periods
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_lists(transactional_db: None) -> None:
    from django.apps import apps

    importlib.import_module("dueregard.casework.migrations.0002_reference_lists").load(apps, None)


def save(page: Page, name: str = "Save") -> None:
    page.get_by_role("button", name=name).click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert_accessible(page)


def open_link(page: Page, name: str) -> None:
    page.get_by_role("link", name=name).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_support_lapse_panel_exit_and_a_reopening_review(
    page: Page, live_server, live_world
) -> None:
    world = live_world
    lead = world["coordinator"]
    today = periods.today()
    # Two Channel cases in support since about nine months ago (fictional people).
    lapsing = into_support(
        make_referral(
            world.authority,
            lead,
            person=make_person(world.authority, lead, given_name="Robin", family_name="Lapseby"),
        ),
        lead,
    )
    steady = into_support(
        make_referral(
            world.authority,
            lead,
            person=make_person(world.authority, lead, given_name="Sam", family_name="Steadman"),
        ),
        lead,
    )
    services.record_session(
        steady.support_plan,
        occurred_on=today - datetime.timedelta(days=3),
        status="delivered",
        acting_user=lead,
    )
    panel = make_panel(world.authority, lead, name="Testborough Channel Panel")
    make_meeting(panel, lead, on=today)

    sign_in(page, live_server.url, "coordinator")
    assert_accessible(page)

    # --- The plan's contact interval, and contacts ---------------------------------------
    page.goto(f"{live_server.url}/casework/referrals/{lapsing.pk}/")
    assert_accessible(page)
    open_link(page, "Revise the support plan")
    page.get_by_label("Planned contact interval, in days").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("contact interval")
    assert_accessible(page)
    page.get_by_label("Planned contact interval, in days").fill("7")
    save(page)
    expect(page.get_by_test_id("contact-interval")).to_contain_text("Every 7 days")
    open_link(page, "Record a support session")
    page.get_by_label("Did not attend").check()
    save(page)
    # Nothing delivered in 7 + 14 days: the support is lapsing.
    expect(page.get_by_test_id("contact-interval")).to_contain_text("Support lapsing")

    # --- The work queue raises it ---------------------------------------------------------
    page.goto(f"{live_server.url}/casework/")
    expect(page.get_by_test_id("section-lapsing")).to_contain_text("Robin Lapseby")
    expect(page.get_by_test_id("section-support")).to_contain_text("Sam Steadman")
    assert_accessible(page)

    # --- The meeting proposes the lapsing case and the support review --------------------
    page.goto(f"{live_server.url}/casework/panels/{panel.pk}/")
    expect(page.get_by_test_id("panel-settings")).to_contain_text("every 3 months")
    assert_accessible(page)
    page.get_by_role("link", name=today.strftime("%-d %B %Y")).click()
    proposed = page.get_by_test_id("proposed")
    expect(proposed).to_contain_text("Robin Lapseby")
    expect(proposed).to_contain_text("Support lapsing")
    expect(proposed).to_contain_text("Sam Steadman")
    expect(proposed).to_contain_text("Support review")
    assert_accessible(page)
    page.get_by_role(
        "button", name=re.compile(f"Add to the agenda.*{lapsing.reference}, Support lapsing")
    ).click()
    expect(page.get_by_test_id("agenda")).to_contain_text("Support lapsing")
    assert_accessible(page)
    page.get_by_role(
        "button", name=re.compile(f"Add to the agenda.*{steady.reference}, Support review")
    ).click()
    expect(page.get_by_test_id("agenda")).to_contain_text("Support review")
    expect(page.get_by_test_id("proposed")).to_have_count(0)

    # --- The panel decides that the person leaves Channel --------------------------------
    page.get_by_role("link", name=f"Record the decision on {lapsing.reference}").click()
    assert_accessible(page)
    page.get_by_label("Notes of the discussion").fill("Mentoring stopped; the family moved.")
    page.get_by_label("Leave Channel").check()
    page.get_by_label("The panel's reasons").fill("Support is no longer proportionate.")
    page.get_by_role("button", name="Save").click()  # no exit reason: refused
    expect(page.locator(".govuk-error-summary")).to_contain_text("why the person is leaving")
    assert_accessible(page)
    page.get_by_label("No further terrorism-related concerns").check()
    save(page)

    # --- The 6-month review, held early, finds renewed concerns --------------------------
    page.goto(f"{live_server.url}/casework/referrals/{lapsing.pk}/")
    expect(page.get_by_test_id("stage")).to_have_text("Left Channel, reviews due")
    expect(page.get_by_test_id("next-steps")).not_to_contain_text("12-month review")
    assert_accessible(page)
    open_link(page, "Record the 6-month review")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("What the review found").fill("Back in contact with the group online.")
    page.get_by_label("Straight to a Channel panel").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("confirm it is being held")
    assert_accessible(page)
    page.get_by_label("This review is being held more than 30 days before it is due").check()
    page.get_by_label("Why the review is held early (if it is)").fill(
        "The school raised new concerns (fictional)."
    )
    save(page)
    # The new referral, linked to the old, awaiting a panel.
    expect(page.get_by_test_id("reopened-from")).to_contain_text(lapsing.reference)
    expect(page.get_by_test_id("stage")).to_have_text("For Channel panel")
    reopened = Referral.objects.get(reopened_from=lapsing)
    assert reopened.stage == Stage.FOR_PANEL
    page.get_by_role("link", name=lapsing.reference).first.click()
    expect(page.get_by_test_id("reopened-as")).to_contain_text(reopened.reference)
    expect(page.get_by_test_id("history")).to_contain_text(f"Reopened as {reopened.reference}")
    assert_accessible(page)
    page.goto(f"{live_server.url}/casework/")
    expect(page.get_by_test_id("section-ready")).to_contain_text(reopened.reference)
    assert_accessible(page)
