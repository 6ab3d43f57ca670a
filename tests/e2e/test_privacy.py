"""The personal data lifecycle as its users meet it: the coordinator's retention page and
legal hold, the information-sharing log, a subject access request with its redaction
step, the step-up reveal of police information, and the data protection officer's
access review. Every page is scanned by axe-core."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from playwright.sync_api import Page, expect

from dueregard.privacy.tests.url_samples import scenario
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_retention_sharing_subject_access_and_reveal(
    page: Page, live_server, live_world
) -> None:
    sample = scenario(live_world)
    referral, person = sample["referral"], sample["person"]
    device = StaticDevice.objects.create(user=live_world["coordinator"], name="Backup codes")
    StaticToken.objects.create(device=device, token="87654321")
    sign_in(page, live_server.url, "coordinator")
    expect(page.get_by_test_id("retention-home-panel")).to_be_visible()
    assert_accessible(page)

    # Retention schedule and legal hold.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", name="Retention", exact=True)).to_be_visible()
    expect(page.get_by_test_id("rules")).to_contain_text("3 years from the referral's closure")
    assert_accessible(page)
    page.get_by_role("link", name="Change a retention rule").click()
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Channel case").check()
    page.get_by_label("Review after (years)").fill("7")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.get_by_test_id("rules")).to_contain_text("Channel case: 7 years")

    page.goto(f"{live_server.url}/privacy/retention/people/{person.pk}/legal-hold/")
    assert_accessible(page)
    page.get_by_label("Reason").fill("Complaint to the Ombudsman (fictional)")
    page.get_by_role("button", name="Place the legal hold").click()
    expect(page.get_by_test_id("hold-status")).to_contain_text("Complaint to the Ombudsman")
    assert_accessible(page)

    # Information sharing.
    page.goto(live_server.url + "/privacy/sharing/")
    expect(page.get_by_test_id("sharing")).to_contain_text("Testborough Mental Health Trust")
    expect(page.get_by_test_id("missing-agreements")).to_contain_text("Probation")
    assert_accessible(page)
    page.get_by_role("link", name="Record information sharing").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the partner agency")
    assert_accessible(page)
    page.get_by_label("Referral").select_option(str(referral.pk))
    page.get_by_label("Received from a partner").check()
    page.get_by_label("Partner agency").fill("Testborough Children's Services")
    page.get_by_label("Purpose", exact=True).fill("Safeguarding check (fictional).")
    page.get_by_label("safeguarding of children").check()
    page.get_by_label("What was shared").fill("Known to early help (fictional).")
    page.get_by_label("Day").fill(str(referral.received_on.day))
    page.get_by_label("Month").fill(str(referral.received_on.month))
    page.get_by_label("Year").fill(str(referral.received_on.year))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("sharing-detail")).to_contain_text("Known to early help")
    assert_accessible(page)
    page.goto(live_server.url + "/privacy/agreements/")
    assert_accessible(page)
    page.get_by_role("link", name="Record a data-sharing agreement").click()
    page.get_by_label("Partner agency").fill("Probation")
    page.locator("#id_starts_on_day").fill("1")
    page.locator("#id_starts_on_month").fill("4")
    page.locator("#id_starts_on_year").fill("2024")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("agreements")).to_contain_text("Probation")
    expect(page.get_by_test_id("missing-agreements")).not_to_contain_text("Probation")

    # Subject access: the redaction step, then the downloads.
    page.goto(f"{live_server.url}/privacy/people/{person.pk}/subject-access/")
    assert_accessible(page)
    today = referral.received_on
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Subject access request")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Referral", exact=False).first.check()
    page.get_by_role("button", name="Confirm the redactions").click()
    expect(page.get_by_test_id("sar-ready")).to_contain_text("1 item")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the export as a ZIP").click()
    assert download.value.suggested_filename.endswith(".zip")

    # Step-up: police information only after the second factor again.
    page.goto(f"{live_server.url}/casework/referrals/{referral.pk}/")
    police = page.get_by_test_id("police-information")
    expect(police).not_to_contain_text("Police information (test)")
    police.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Confirm your security code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why do you need to see it?").fill("Preparing the panel paper (test).")
    page.get_by_label("Security code").fill("11112222")
    page.get_by_role("button", name="Show the police information").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not correct")
    assert_accessible(page)
    page.wait_for_timeout(1100)  # throttling after a wrong code
    page.get_by_label("Security code").fill("87654321")
    page.get_by_role("button", name="Show the police information").click()
    expect(page.get_by_test_id("police-information")).to_contain_text("Police information (test)")


def test_data_protection_officer_reviews_access(page: Page, live_server, live_world) -> None:
    from dueregard.accounts.models import Membership, Role
    from dueregard.audit.models import AuditAction
    from dueregard.audit.services import record

    person = scenario(live_world)["person"]
    record(AuditAction.VIEW, actor=live_world["coordinator"], obj=person)
    record(AuditAction.VIEW, actor=live_world["analyst"], obj=person)  # no role on the case
    from dueregard.privacy import services as privacy_services

    privacy_services.record_reveal(
        person,
        what="health details",
        reason="Checking the support plan's adjustments (fictional).",
        acting_user=live_world["coordinator"],
    )
    assert Membership.objects.filter(user=live_world["analyst"], role=Role.ANALYST).exists()
    sign_in(page, live_server.url, "auditor")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Access review").click()
    expect(page.get_by_role("heading", name="Access review")).to_be_visible()
    expect(page.get_by_test_id("out-of-role")).to_contain_text("analyst")
    expect(page.get_by_test_id("out-of-role")).not_to_contain_text("coordinator")
    expect(page.get_by_test_id("reveals")).to_contain_text(
        "Checking the support plan's adjustments (fictional)."
    )
    assert_accessible(page)
    page.get_by_label("What you found and did").fill("Asked the analyst's manager (fictional).")
    page.get_by_role("button", name="Record that I reviewed this report").click()
    expect(page.get_by_test_id("reviews")).to_contain_text("auditor")
    assert_accessible(page)
