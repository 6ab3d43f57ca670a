"""Notifications as their users meet them: an administrator reads the outbox the sweep
filled, and a panel member turns off an optional kind on their notification settings.
Every page is scanned by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from dueregard.notifications.models import NotificationKind, OptOut
from dueregard.notifications.services import send_notifications
from dueregard.notifications.tests.scenario import build, with_emails
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_administrator_reads_the_outbox(page: Page, live_server, live_world) -> None:
    with_emails(live_world)
    records = build(live_world)
    send_notifications()
    sign_in(page, live_server.url, "administrator")
    page.get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", name="Outbox", exact=True)).to_be_visible()
    outbox = page.get_by_test_id("outbox")
    expect(outbox).to_contain_text("panel_member@testborough.example")
    expect(outbox).to_contain_text(f"A post-exit review of referral {records.due.reference}")
    expect(outbox).not_to_contain_text("Zebedee")
    assert_accessible(page)


def test_panel_member_turns_off_agenda_emails(page: Page, live_server, live_world) -> None:
    sign_in(page, live_server.url, "panel_member")
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    expect(page.get_by_test_id("mandatory")).to_contain_text("A post-exit review is overdue")
    assert_accessible(page)
    agenda = page.get_by_label("A panel meeting's agenda is ready")
    expect(agenda).to_be_checked()
    agenda.uncheck()
    page.get_by_role("button", name="Save notification settings").click()
    expect(page.get_by_text("Your notification settings have been saved.")).to_be_visible()
    expect(page.get_by_label("A panel meeting's agenda is ready")).not_to_be_checked()
    assert_accessible(page)
    user = live_world["panel_member"]
    assert list(OptOut.objects.filter(user=user).values_list("kind", flat=True)) == [
        NotificationKind.AGENDA
    ]
