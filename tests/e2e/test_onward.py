"""A referral below the threshold but with other vulnerabilities, in a browser with an axe
scan of every page: triaged as not for Channel and referred on to another service (the
service and the date refused until given), waiting in the queue's "Onward referral
awaiting confirmation" section, then closed when the service's acceptance is recorded.
All names are fictional."""

from __future__ import annotations

import importlib

import pytest
from playwright.sync_api import Page, expect

from dueregard.casework.models import OnwardResponse, Referral, Stage
from dueregard.casework.tests.factories import days_ago, make_person, make_referral
from dueregard.core import periods
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_lists(transactional_db: None) -> None:
    """Browser tests flush the database between tests; load the reference lists again."""
    from django.apps import apps

    importlib.import_module("dueregard.casework.migrations.0002_reference_lists").load(apps, None)


def test_triage_closed_with_other_vulnerabilities_is_followed_to_the_service(
    page: Page, live_server, live_world
) -> None:
    world = live_world
    lead = world["coordinator"]
    person = make_person(world.authority, lead, given_name="Rowan", family_name="Onwardtest")
    referral = make_referral(world.authority, lead, person=person, received_on=days_ago(6))
    today = periods.today()

    sign_in(page, live_server.url, "coordinator")
    page.goto(f"{live_server.url}/casework/referrals/{referral.pk}/")
    expect(page.get_by_test_id("stage")).to_have_text("Received, awaiting triage")
    assert_accessible(page)

    # --- Triage: not for Channel, referred on; the service and the date are required ----
    page.get_by_role("link", name="Record the triage outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the triage outcome")
    assert_accessible(page)
    page.get_by_label("Not for Channel: referred on for other vulnerabilities").check()
    page.get_by_label("Why you reached this outcome").fill(
        "No Prevent concern; anxiety and isolation at school need support."
    )
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the service the person was referred on to")
    assert_accessible(page)
    assert Referral.objects.get(pk=referral.pk).stage == Stage.RECEIVED
    page.get_by_label("Service referred on to").fill("Early help (fictional)")
    page.locator("#id_onward_referred_on_day").fill(str(today.day))
    page.locator("#id_onward_referred_on_month").fill(str(today.month))
    page.locator("#id_onward_referred_on_year").fill(str(today.year))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.get_by_test_id("stage")).to_have_text("Onward referral awaiting confirmation")
    expect(page.get_by_test_id("onward-referrals")).to_contain_text("Early help (fictional)")
    expect(page.get_by_test_id("onward-referrals")).to_contain_text("Awaiting confirmation")
    assert_accessible(page)

    # --- The queue holds it until the service answers -----------------------------------
    page.goto(f"{live_server.url}/casework/")
    section = page.get_by_test_id("section-onward")
    expect(section).to_contain_text("Rowan Onwardtest")
    expect(section).to_contain_text("Referred on to Early help (fictional)")
    expect(
        page.get_by_role("heading", name="Onward referral awaiting confirmation (1)")
    ).to_be_visible()
    assert_accessible(page)
    section.get_by_role("link", name="record its answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record the service\u2019s answer to the onward referral"
    )
    expect(page.locator("main")).to_contain_text("Referred on to Early help (fictional)")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()  # no answer chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose whether the service accepted or declined the referral"
    )
    assert_accessible(page)
    page.get_by_label("The service accepted the referral").check()
    page.get_by_label("Note (optional)").fill("Accepted by the early help duty team.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "answer was recorded"
    )
    expect(page.get_by_test_id("stage")).to_have_text("Closed")
    expect(page.get_by_test_id("onward-referrals")).to_contain_text(
        "The service accepted the referral"
    )
    assert_accessible(page)
    onward = Referral.objects.get(pk=referral.pk).onward_referrals.get()
    assert onward.response == OnwardResponse.ACCEPTED
    assert onward.response_recorded_by == lead

    page.goto(f"{live_server.url}/casework/")
    expect(
        page.get_by_role("heading", name="Onward referral awaiting confirmation (0)")
    ).to_be_visible()
    assert_accessible(page)
