"""Two coordinators change one referral at once, in two browsers: the second is told who
saved first and when, sees their version beside their own with nothing typed lost, and
saves again deliberately. The conflict page passes an axe scan. (core.versions, ADR 0015)"""

from __future__ import annotations

import importlib

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import make_user
from dueregard.accounts.models import Role
from dueregard.casework.models import Referral
from dueregard.casework.tests.factories import make_referral
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CONCERN = "The concern, as the referrer described it"


@pytest.fixture(autouse=True)
def reference_lists(transactional_db: None) -> None:
    from django.apps import apps

    importlib.import_module("dueregard.casework.migrations.0002_reference_lists").load(apps, None)


def test_a_stale_referral_edit_is_refused_and_nothing_typed_is_lost(
    page: Page, browser: Browser, browser_context_args: dict, live_server, live_world
) -> None:
    world = live_world
    lead = world["coordinator"]
    make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    referral = make_referral(world.authority, lead)
    edit_url = f"{live_server.url}/casework/referrals/{referral.pk}/change/"

    sign_in(page, live_server.url, "coordinator")
    page.goto(edit_url)
    other_context = browser.new_context(**browser_context_args)
    other = other_context.new_page()
    sign_in(other, live_server.url, "second_lead")
    other.goto(edit_url)
    expect(other.get_by_role("heading", level=1)).to_have_text("Change the referral details")

    # The coordinator saves first.
    page.get_by_label(CONCERN).fill("Seen sharing extremist videos at school (first).")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    # The second lead, on the form opened before, saves their own version.
    typed = "Seen sharing extremist videos online (second)."
    other.get_by_label(CONCERN).fill(typed)
    other.get_by_role("button", name="Save").click()
    summary = other.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Coordinator changed this record at")
    expect(
        other.get_by_role("heading", name="Coordinator changed this record while you")
    ).to_be_visible()
    comparison = other.get_by_role("table", name="Their version beside yours")
    expect(comparison).to_contain_text("Seen sharing extremist videos at school (first).")
    expect(comparison).to_contain_text(typed)
    expect(other.get_by_label(CONCERN)).to_have_value(typed)  # nothing typed is lost
    assert_accessible(other)
    assert Referral.objects.get(pk=referral.pk).concern_description.endswith("(first).")

    # Having compared, they keep their own version.
    other.get_by_role("button", name="Save").click()
    expect(other.locator(".govuk-notification-banner--success")).to_be_visible()
    assert Referral.objects.get(pk=referral.pk).concern_description == typed
    other_context.close()
