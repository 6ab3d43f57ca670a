"""The spine as a person meets it: sign-in with a second factor, home pages by role,
the GOV.UK error summary, the audit log, and an accessibility scan of every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, current_code, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_needs_password_and_security_code(page: Page, live_server, live_world) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Sign in to Due Regard")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(summary).to_be_focused()
    assert_accessible(page)

    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill("000000" if current_code() != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not correct")
    expect(page.locator("#id_code-error")).to_be_visible()
    assert_accessible(page)

    page.wait_for_timeout(1100)  # a wrong code slows the next try down (django-otp throttling)
    page.get_by_label("Security code").fill(current_code())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("roles")).to_contain_text("Prevent lead / coordinator, Testborough")
    assert_accessible(page)


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("coordinator", "Prevent lead / coordinator, Testborough"),
        ("chair", "Channel panel chair, Testborough"),
        ("panel_member", "Channel panel member, Testborough (Testborough Mental Health Trust)"),
        ("education_officer", "Prevent education / community engagement officer, Testborough"),
        ("analyst", "Analyst, Testborough"),
        ("board_member", "Board member / partner viewer, Testborough"),
        ("auditor", "Auditor, Testborough"),
        ("regional_viewer", "Regional / national viewer, London"),
        ("administrator", "Administrator, Testborough"),
        ("other_coordinator", "Prevent lead / coordinator, Otherton"),
    ],
)
def test_each_role_signs_in_to_its_home_page(
    page: Page, live_server, live_world, persona: str, expected: str
) -> None:
    sign_in(page, live_server.url, persona)
    expect(page.get_by_test_id("roles")).to_contain_text(expected)
    assert_accessible(page)


def test_auditor_filters_the_audit_log_and_sees_errors(page: Page, live_server, live_world) -> None:
    sign_in(page, live_server.url, "auditor")
    page.get_by_role("link", name="Audit log").first.click()
    expect(page.get_by_role("heading", name="Audit log", exact=True)).to_be_visible()
    expect(page.get_by_test_id("audit-events")).to_contain_text("Signed in")
    assert_accessible(page)

    page.locator("#id_date_from_day").fill("31")
    page.locator("#id_date_from_month").fill("2")
    page.locator("#id_date_from_year").fill("2026")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("From must be a real date")
    assert_accessible(page)

    page.locator("#id_date_from_day").fill("1")
    page.get_by_label("User (username)").fill("auditor")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.get_by_test_id("audit-events")).to_contain_text("auditor")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these events as CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("id,occurred_at,username,action")
    assert ",auditor,sign_in," in text


def test_accessibility_statement_is_public_and_accessible(page: Page, live_server) -> None:
    page.goto(live_server.url + "/accessibility/")
    expect(
        page.get_by_role("heading", name="Accessibility statement for Due Regard")
    ).to_be_visible()
    assert_accessible(page)


def test_a_new_user_enrols_only_through_their_enrolment_link(
    page: Page, live_server, live_world
) -> None:
    from base64 import b32decode

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import TEST_PASSWORD, make_user
    from dueregard.accounts import services

    newcomer = make_user("newcomer")
    TOTPDevice.objects.filter(user=newcomer).delete()

    def password_step() -> None:
        page.get_by_label("Username").fill("newcomer")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Continue").click()

    # The password alone: no authenticator secret, only where to get a link.
    page.goto(live_server.url + "/sign-in/")
    password_step()
    expect(page.get_by_role("heading", name="You need an enrolment link")).to_be_visible()
    expect(page.get_by_test_id("totp-secret")).to_have_count(0)
    assert_accessible(page)

    _link, secret = services.issue_enrolment_link(newcomer, acting_user=live_world["administrator"])
    page.goto(f"{live_server.url}/sign-in/enrol/{secret}/")
    expect(page.get_by_text("Your enrolment link is ready")).to_be_visible()
    password_step()
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    assert_accessible(page)
    key = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key_bytes = b32decode(key + "=" * (-len(key) % 8))
    page.get_by_label("Security code").fill(f"{totp(key_bytes):06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    assert_accessible(page)

    # The link is used up.
    page.goto(f"{live_server.url}/sign-in/enrol/{secret}/")
    expect(page.get_by_role("heading", name="This enrolment link cannot be used")).to_be_visible()
    assert_accessible(page)
