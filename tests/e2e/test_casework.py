"""The casework journey as a coordinator meets it, in a browser, with an axe scan of every
page: a repeat referral from intake through triage, the police gateway, the Channel panel,
adoption, consent, support, leaving Channel and both reviews, to closure; a panel member
of another agency who sees that case only while it is on the agenda; and the auditor who
finds every step in the audit log. All names are fictional."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from dueregard.casework import services
from dueregard.casework.models import ExitReason, Referral, Stage, TriageOutcome
from dueregard.casework.tests.factories import make_person, make_referral, to_panel
from dueregard.core import periods
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_lists(transactional_db: None) -> None:
    """Browser tests flush the database between tests, which empties the reference lists
    that migration 0002 loads; load them again (the loader is idempotent)."""
    from django.apps import apps

    importlib.import_module("dueregard.casework.migrations.0002_reference_lists").load(apps, None)


def save(page: Page, name: str = "Save") -> None:
    page.get_by_role("button", name=name).click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert_accessible(page)


def open_step(page: Page, link: str, role: str = "link") -> None:
    page.get_by_role(role, name=link).click()  # type: ignore[arg-type]
    expect(page.get_by_role("heading", level=1)).to_contain_text(link.split(" (")[0][:20])
    assert_accessible(page)


def test_a_referral_from_intake_to_closure(
    page: Page, browser: Browser, browser_context_args: dict, live_server, live_world
) -> None:
    world = live_world
    lead = world["coordinator"]
    # Known to the team already: one earlier referral, closed at triage.
    known = make_person(
        world.authority,
        lead,
        given_name="Jordan",
        family_name="Testwell",
        date_of_birth=datetime.date(2011, 6, 14),
    )
    earlier = make_referral(
        world.authority, lead, person=known, received_on=datetime.date(2024, 9, 2)
    )
    services.triage_referral(
        earlier,
        outcome=TriageOutcome.ADVICE,
        occurred_on=datetime.date(2024, 9, 3),
        reason="Advice to the school.",
        acting_user=lead,
    )
    # Another case awaiting the panel, never on the member's agenda.
    other_case = to_panel(
        make_referral(
            world.authority,
            lead,
            person=make_person(world.authority, lead, given_name="Casey", family_name="Elsewhere"),
        ),
        lead,
    )

    # --- Intake, as a new user would find it --------------------------------------------
    sign_in(page, live_server.url, "coordinator")
    expect(page.get_by_test_id("casework-home-panel")).to_be_visible()
    page.get_by_role("link", name="Casework").first.click()
    expect(page.get_by_role("heading", name="Casework", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record a new referral").click()
    expect(page.get_by_role("heading", name="Who is the referral about?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()  # nothing entered: an error
    expect(page.locator(".govuk-error-summary")).to_contain_text("given name or family name")
    assert_accessible(page)
    page.get_by_label("Given name").fill("Jordon")  # a slip: the match still shows
    page.get_by_label("Family name", exact=True).fill("Testwell")
    page.locator("#id_date_of_birth_day").fill("14")
    page.locator("#id_date_of_birth_month").fill("6")
    page.locator("#id_date_of_birth_year").fill("2011")
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Has this person been referred before?")
    ).to_be_visible()
    expect(page.get_by_test_id("matches")).to_contain_text("Jordan Testwell")
    expect(page.get_by_test_id("matches")).to_contain_text("Given name: sounds alike")
    assert_accessible(page)
    page.get_by_label("Jordan Testwell").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="About the referral")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "A repeat referral of Jordan Testwell"
    )
    assert_accessible(page)
    page.get_by_label("Referrer's name").fill("Form tutor (fictional)")
    page.get_by_label("Sector of the referrer").select_option(label="Education")
    page.get_by_label("The concern, as the referrer described it").fill(
        "Watching videos that glorify attacks and talking about them in class."
    )
    page.get_by_label("Type of concern raised by the referrer").select_option(
        label="No ideology identified: Fascination with extreme violence or mass casualty attacks"
    )
    page.get_by_label("Autism spectrum condition").check()
    page.get_by_role("button", name="Record the referral").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("was recorded")
    expect(page.get_by_test_id("stage")).to_have_text("Received, awaiting triage")
    assert_accessible(page)
    referral = Referral.objects.exclude(pk__in=[earlier.pk, other_case.pk]).get()
    assert referral.person == known

    # --- Triage and the police gateway --------------------------------------------------
    open_step(page, "Record the triage outcome")
    page.get_by_label("Referred to police").check()
    page.get_by_label("Why you reached this outcome").fill("Fixation on attacks; meets threshold.")
    save(page)
    expect(page.get_by_test_id("stage")).to_have_text("Referred to the police gateway")
    open_step(page, "Record the police gateway outcome")
    page.get_by_label("For Channel panel").check()
    page.get_by_label("The reasons given for this outcome").fill("Susceptibility identified.")
    page.get_by_label("Police information (optional)").fill("Police checks: nothing known.")
    save(page)
    expect(page.get_by_test_id("stage")).to_have_text("For Channel panel")
    page.get_by_role("link", name="Change the referral details or what the panel is told").click()
    assert_accessible(page)
    page.get_by_label("What the Channel panel is told").fill(
        "Year 9 pupil fixated on attack videos; autism diagnosis; supportive family."
    )
    save(page)

    # --- The panel: set it up, a meeting, the agenda ------------------------------------
    page.get_by_role("link", name="Channel panels").first.click()
    expect(page.get_by_role("heading", name="Channel panels")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Set up a panel").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Testborough Channel Panel")
    page.get_by_label("Channel panel", exact=True).check()
    save(page, "Create the panel")
    open_step(page, "Add a standing member", role="button")
    page.get_by_label("Name").fill("Pat Member")
    page.get_by_label("Agency").fill("Testborough Mental Health Trust")
    page.get_by_label("Role").fill("Safeguarding lead")
    page.get_by_label("Their Due Regard account").select_option(label="Panel Member")
    save(page)
    expect(page.get_by_test_id("members")).to_contain_text("Pat Member")
    page.get_by_role("button", name="Add a meeting").click()
    today = periods.today()
    page.locator("#id_held_on_day").fill(str(today.day))
    page.locator("#id_held_on_month").fill(str(today.month))
    page.locator("#id_held_on_year").fill(str(today.year))
    save(page, "Add the meeting")
    page.get_by_label("Case to add").select_option(
        label=f"Jordan Testwell ({referral.reference}): For Channel panel"
    )
    save(page, "Add to the agenda")
    expect(page.get_by_test_id("agenda")).to_contain_text("Jordan Testwell")
    meeting_url = page.url

    # --- A panel member of another agency sees that case, and only that case ------------
    member_context = browser.new_context(**browser_context_args)
    member = member_context.new_page()
    sign_in(member, live_server.url, "panel_member")
    expect(member.get_by_test_id("panel-member-home-panel")).to_contain_text("1")
    assert_accessible(member)
    member.get_by_role("link", name="Channel panels").first.click()
    member.get_by_role("link", name=today.strftime("%-d %B %Y")).first.click()
    expect(member.get_by_test_id("agenda")).to_contain_text("Jordan Testwell")
    assert_accessible(member)
    member.get_by_role("link", name="Jordan Testwell").click()
    expect(member.get_by_test_id("shared-summary")).to_contain_text("Year 9 pupil fixated")
    expect(member.locator("main")).not_to_contain_text("Police checks: nothing known.")
    expect(member.locator("main")).not_to_contain_text("Form tutor")
    assert_accessible(member)
    member.goto(f"{live_server.url}/casework/panel-cases/{other_case.pk}/")
    expect(member.get_by_role("heading", level=1)).to_contain_text("Page not found")
    member.goto(f"{live_server.url}/casework/referrals/{referral.pk}/")
    expect(member.get_by_role("heading", level=1)).to_contain_text("Page not found")

    # --- At the meeting: assessment, attendance, decision, action -----------------------
    page.get_by_role("link", name="Jordan Testwell").click()
    assert_accessible(page)
    open_step(page, "Record the vulnerability assessment")
    page.get_by_label("Engagement with a group, cause or ideology").fill(
        "Watches attack videos most evenings; no group contact known."
    )
    page.get_by_label("Intent to cause harm").fill("No stated intent.")
    page.get_by_label("Capability to cause harm").fill("No access to weapons known.")
    save(page)
    expect(page.get_by_test_id("assessment")).to_contain_text("First assessment")
    page.goto(meeting_url)
    open_step(page, "Record attendance")
    page.get_by_label("Pat Member (Testborough Mental Health Trust)").check()
    page.get_by_label("Others who attended (optional)").fill("Head of year, Test Academy")
    save(page)
    expect(page.get_by_test_id("attendance")).to_contain_text("Test Academy")
    page.get_by_role("link", name=re.compile("Record the decision")).click()
    assert_accessible(page)
    page.get_by_label("Notes of the discussion").fill("School and trust shared concerns.")
    page.get_by_label("Adopt as a Channel case").check()
    page.get_by_label("The panel's reasons").fill("Support is proportionate.")
    save(page)
    page.get_by_label("Action", exact=True).fill("Share the care plan with the mentor")
    page.get_by_label("Owner").select_option(label="Pat Member (Testborough Mental Health Trust)")
    page.locator("#id_action-due_on_day").fill(str((today + datetime.timedelta(days=14)).day))
    page.locator("#id_action-due_on_month").fill(str((today + datetime.timedelta(days=14)).month))
    page.locator("#id_action-due_on_year").fill(str((today + datetime.timedelta(days=14)).year))
    save(page, "Add the action")
    expect(page.get_by_test_id("actions")).to_contain_text("Share the care plan")
    page.get_by_role("button", name="Mark the meeting held").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("marked held")
    assert_accessible(page)

    # The case is off the agenda now: the member no longer sees it, but sees their action.
    member.goto(f"{live_server.url}/casework/panel-cases/{referral.pk}/")
    expect(member.get_by_role("heading", level=1)).to_contain_text("Page not found")
    member.goto(live_server.url + "/casework/actions/")
    expect(member.get_by_test_id("all-actions")).to_contain_text("Share the care plan")
    assert_accessible(member)
    member_context.close()

    # --- Consent, support, leaving Channel, reviews, closure ----------------------------
    page.goto(f"{live_server.url}/casework/referrals/{referral.pk}/")
    expect(page.get_by_test_id("stage")).to_have_text("Adopted as a Channel case")
    open_step(page, "Agree the support plan")
    page.get_by_label("Intervention provider (if any)").fill("Test Mentoring (fictional)")
    page.get_by_label("Intervention provider (Home Office-approved mentor)").check()
    page.get_by_label("Sessions planned").fill("8")
    end = today + datetime.timedelta(days=120)
    page.locator("#id_planned_end_on_day").fill(str(end.day))
    page.locator("#id_planned_end_on_month").fill(str(end.month))
    page.locator("#id_planned_end_on_year").fill(str(end.year))
    save(page)
    open_step(page, "Record that support has started")
    save_button = page.get_by_role("button", name="Save")
    save_button.click()  # no consent yet: refused, with the reason
    expect(page.locator(".govuk-error-summary")).to_contain_text("until consent is recorded")
    assert_accessible(page)
    page.get_by_role("link", name="Back").click()
    open_step(page, "Record consent")
    page.get_by_label("Consent given").check()
    page.get_by_label("The person", exact=True).check()
    page.get_by_role("button", name="Save").click()  # a child cannot consent alone
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "a parent or guardian must consent"
    )
    assert_accessible(page)
    page.get_by_label("A parent", exact=True).check()
    page.get_by_label("Name of the parent or guardian").fill("A. Testwell (fictional)")
    save(page)
    open_step(page, "Record that support has started")
    save(page)
    expect(page.get_by_test_id("stage")).to_have_text("Receiving Channel support")
    open_step(page, "Record a support session")
    page.get_by_label("Delivered", exact=True).check()
    save(page)
    expect(page.get_by_test_id("sessions-delivered")).to_contain_text("1 of 8")
    # Leaving Channel is the panel's decision (walked in the browser in test_support.py).
    expect(page.get_by_test_id("leave-hint")).to_contain_text("the panel's decision")
    referral.refresh_from_db()
    services.record_panel_decision(
        referral,
        decision="leave",
        occurred_on=today,
        reason="Plan completed early; progress sustained.",
        exit_reason=ExitReason.objects.get(code="concerns-addressed"),
        acting_user=lead,
    )
    page.reload()
    expect(page.get_by_test_id("stage")).to_have_text("Left Channel, reviews due")
    for review in ("6-month review", "12-month review"):
        open_step(page, f"Record the {review}")
        page.get_by_label("No", exact=True).check()
        page.get_by_label("What the review found").fill("Settled at school; no concerns.")
        # Held months before it is due: asked to confirm, with the reason.
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("confirm it is being held")
        assert_accessible(page)
        page.get_by_label("This review is being held more than 30 days before it is due").check()
        page.get_by_label("Why the review is held early (if it is)").fill(
            "The family moves out of the area (fictional)."
        )
        save(page)
    open_step(page, "Close the referral")
    page.get_by_label("Why the referral is being closed").fill("Both reviews completed.")
    save(page, "Close the referral")
    expect(page.get_by_test_id("stage")).to_have_text("Closed")

    # --- Every step is in the person's history ------------------------------------------
    page.get_by_role("link", name="Jordan Testwell").first.click()
    history = page.get_by_test_id("history")
    for step in [
        "Referral received",
        "Triaged: Referred to police",
        "Referred to the police gateway",
        "Police gateway outcome: For Channel panel",
        "Added to a panel agenda",
        "Vulnerability assessment recorded",
        "Discussed at panel: Adopt as a Channel case",
        "Adopted as a Channel case",
        "Consent recorded: Consent given (a parent)",
        "Support plan agreed",
        "Support started",
        "Support session recorded: Delivered",
        "Left Channel: No further terrorism-related concerns",
        "Post-exit review: 6-month review: no further concerns",
        "Post-exit review: 12-month review: no further concerns",
        "Closed",
    ]:
        expect(history).to_contain_text(step)
    expect(page.get_by_test_id("referrals")).to_contain_text(earlier.reference)
    assert_accessible(page)
    person_number = page.get_by_test_id("person-number").inner_text()
    referral.refresh_from_db()
    assert referral.stage == Stage.CLOSED

    # --- ... and in the audit log --------------------------------------------------------
    auditor_context = browser.new_context(**browser_context_args)
    auditor = auditor_context.new_page()
    sign_in(auditor, live_server.url, "auditor")
    auditor.goto(f"{live_server.url}/audit/?person_id={person_number}")
    events = auditor.get_by_test_id("audit-events")
    expect(events).to_contain_text("coordinator")
    expect(events).to_contain_text("panel_member")
    for action in ("Viewed", "Changed", "Created"):
        expect(events).to_contain_text(action)
    assert_accessible(auditor)
    auditor_context.close()


def test_the_other_casework_pages_are_accessible(
    page: Page, browser: Browser, browser_context_args: dict, live_server, live_world
) -> None:
    world = live_world
    lead = world["coordinator"]
    person = make_person(world.authority, lead, given_name="Robin", family_name="Quillfeather")
    referral = to_panel(make_referral(world.authority, lead, person=person), lead)
    panel = services.create_panel(
        authority=world.authority, name="Test panel", panel_type="channel", acting_user=lead
    )
    member = services.add_panel_member(
        panel, name="Pat Member", agency="Trust", user=world["panel_member"], acting_user=lead
    )
    meeting = services.schedule_meeting(panel, held_on=periods.today(), acting_user=lead)
    services.add_to_agenda(meeting, referral, acting_user=lead)
    action = services.add_panel_action(
        meeting,
        description="Send the trust's chronology",
        owner=member,
        due_on=periods.today(),
        acting_user=lead,
    )

    sign_in(page, live_server.url, "coordinator")
    page.get_by_role("link", name="People").first.click()
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name or referral reference").fill("Quilfeather")  # sounds alike
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("people-results")).to_contain_text("Robin Quillfeather")
    assert_accessible(page)
    page.get_by_role("link", name="Robin Quillfeather").click()
    page.get_by_role("link", name="Change their details").click()
    expect(page.get_by_role("heading", name="Change the person's details")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ethnic group").select_option(label="White")
    save(page)
    expect(page.get_by_test_id("person-details")).to_contain_text("White")

    page.goto(f"{live_server.url}/casework/panels/{panel.pk}/")
    page.get_by_role("button", name="Add a meeting").click()
    expect(page.get_by_role("heading", name="Add a meeting")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter date of the meeting")
    assert_accessible(page)

    page.goto(f"{live_server.url}/casework/referrals/new/details/")
    expect(page.get_by_role("heading", name="Start the referral again")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a new referral").click()
    page.get_by_label("Given name").fill("Noel")
    page.get_by_label("Family name", exact=True).fill("Unmatchedname")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="No earlier referrals found")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Record the referral").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the concern, as the referrer described it"
    )
    assert_accessible(page)

    member_context = browser.new_context(**browser_context_args)
    member_page = member_context.new_page()
    sign_in(member_page, live_server.url, "panel_member")
    member_page.get_by_role("link", name="Channel panels").first.click()
    expect(member_page.get_by_test_id("panels")).to_contain_text("Test panel")
    assert_accessible(member_page)
    member_page.get_by_role("link", name="Test panel").click()
    expect(member_page.get_by_test_id("members")).to_contain_text("Pat Member")
    assert_accessible(member_page)
    member_page.goto(f"{live_server.url}/casework/actions/{action.pk}/")
    expect(member_page.get_by_role("heading", name="Update the action")).to_be_visible()
    assert_accessible(member_page)
    member_page.get_by_label("Done").check()
    member_page.get_by_label("Progress update").fill("Sent to the coordinator.")
    save(member_page)
    expect(member_page.get_by_test_id("all-actions")).to_contain_text("Done")
    member_context.close()
