"""Training as the education officer meets it, tried as a new user would: add an
organisation, record a session with attendees and feedback, record a headcount, import a
headcount spreadsheet with one bad row (rejected, nothing written, the error named by row
and column), fix it, import it and see the chart move. Every page is scanned by axe."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dueregard.training.models import EvaluationForm, HeadcountSnapshot, Session
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date.today()


def quarter_ends_before(day: datetime.date, count: int) -> list[datetime.date]:
    """The last `count` calendar quarter ends before `day`, oldest first."""
    ends = []
    year, month = day.year, day.month
    while len(ends) < count:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        if month in (3, 6, 9, 12):
            end = datetime.date(year, month, 30 if month in (6, 9) else 31)
            if end < day:
                ends.append(end)
    return sorted(ends)


def fill_date(page: Page, field: str, day: datetime.date) -> None:
    page.locator(f"#id_{field}_day").fill(str(day.day))
    page.locator(f"#id_{field}_month").fill(str(day.month))
    page.locator(f"#id_{field}_year").fill(str(day.year))


def test_education_officer_records_training_and_imports_headcounts(
    page: Page, live_server, live_world, tmp_path: Path
) -> None:
    sign_in(page, live_server.url, "education_officer")
    assert_accessible(page)
    page.get_by_role("link", name="Training", exact=True).first.click()
    expect(page.get_by_role("heading", name="Training compliance", level=1)).to_be_visible()
    expect(page.get_by_text("No organisations have training levels yet")).to_be_visible()
    assert_accessible(page)

    # An organisation to train.
    page.get_by_role("button", name="Add an organisation").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the organisation's name")
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Larchwood Family Centre")
    page.get_by_label("Voluntary or community group").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Larchwood Family Centre", level=1)).to_be_visible()
    assert_accessible(page)

    # A session, with named attendees and a feedback form.
    page.get_by_role("link", name="Training", exact=True).first.click()
    page.get_by_role("button", name="Record a session").click()
    expect(page.get_by_role("heading", name="Record a session")).to_be_visible()
    assert_accessible(page)
    session_day = TODAY - datetime.timedelta(days=7)
    fill_date(page, "held_on", session_day)
    page.get_by_label("Course").select_option(label="WRAP workshop")
    page.get_by_label("Organisation the session was for").select_option(
        label="Larchwood Family Centre"
    )
    page.get_by_label("Attendees", exact=True).fill("12")
    page.get_by_label("Venue").fill("Larchwood Family Centre, main hall")
    page.get_by_role("button", name="Save session").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    expect(page.get_by_test_id("attendees-total")).to_have_text("12")
    assert_accessible(page)

    page.get_by_role("button", name="Name an attendee").click()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Jamie Rowntree")
    page.get_by_label("Job title (optional)").fill("Family support worker")
    page.get_by_role("button", name="Save and add another").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Jamie Rowntree added")
    page.get_by_label("Full name").fill("Morgan Ashby")
    page.get_by_role("button", name="Save", exact=True).click()
    named = page.get_by_test_id("named-attendees")
    expect(named).to_contain_text("Jamie Rowntree")
    expect(named).to_contain_text("Morgan Ashby")
    expect(page.locator("[data-marking='OFFICIAL-SENSITIVE']")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Record a feedback form").click()
    expect(page.get_by_role("heading", name="Record a feedback form")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your understanding of Prevent: before the session").select_option("Fair")
    page.get_by_label("Your understanding of Prevent: after the session").select_option("Excellent")
    page.get_by_label("Do you need further training or support on sharing concerns?").select_option(
        "Yes"
    )
    page.get_by_label("Further training or support the attendee needs (optional)").fill(
        "How to raise a concern about a parent"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("forms-returned")).to_have_text("1 of 12")
    expect(page.get_by_test_id("needs")).to_contain_text("How to raise a concern about a parent")
    assert_accessible(page)
    assert Session.objects.get().attendees == 12
    assert EvaluationForm.objects.count() == 1

    # A first headcount by hand: the chart has one point.
    page.get_by_role("link", name="Larchwood Family Centre").first.click()
    page.get_by_role("button", name="Record a headcount").click()
    assert_accessible(page)
    first, second, third = quarter_ends_before(TODAY, 3)
    page.get_by_label("Training level").select_option(label="WRAP / level 3")
    fill_date(page, "as_of", first)
    page.get_by_label("Eligible staff").fill("40")
    page.get_by_label("Compliant staff").fill("24")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("requirements")).to_contain_text("60.0%")
    assert_accessible(page)
    page.get_by_role("link", name="Back to organisations").click()
    assert_accessible(page)
    page.get_by_role("link", name="Compliance overview").click()
    line = page.locator("polyline[data-level='WRAP / level 3']")
    expect(line).to_have_attribute("data-points", "1")

    # A spreadsheet with one bad row is rejected whole.
    bad = tmp_path / "headcounts.csv"
    bad.write_text(
        "organisation,level,as_of,eligible,compliant\n"
        f"Larchwood Family Centre,WRAP / level 3,{second},41,30\n"
        f"Larchwood Family Centre,WRAP / level 3,{third},42,45\n",
        encoding="utf-8",
    )
    page.get_by_role("button", name="Import a spreadsheet").click()
    expect(page.get_by_role("heading", name="Import a spreadsheet")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Headcount snapshots (eligible and compliant staff)").check()
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("headcounts.csv has 1 error: nothing was imported")
    expect(summary).to_contain_text(
        "Row 3, column 'compliant': 45 compliant is more than the 42 eligible staff"
    )
    expect(summary).to_be_focused()
    assert_accessible(page)
    assert HeadcountSnapshot.objects.count() == 1  # only the one entered by hand

    # Fixed, it goes in, and the chart moves.
    good = tmp_path / "headcounts-fixed.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace(",42,45", ",42,39"), encoding="utf-8")
    page.get_by_label("Headcount snapshots (eligible and compliant staff)").check()
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "headcounts-fixed.csv imported: 2 snapshots created"
    )
    expect(line).to_have_attribute("data-points", "3")
    chart = page.get_by_test_id(f"chart-{Session.objects.get().audiences.get().organisation_id}")
    expect(chart.locator("svg[role='img'] title")).to_have_text(
        "Larchwood Family Centre: compliance over time"
    )
    expect(chart.get_by_role("table")).to_contain_text("92.9%")  # 39 of 42
    expect(page.get_by_test_id("latest-compliance")).to_contain_text("Meets target")
    assert_accessible(page)
    assert HeadcountSnapshot.objects.count() == 3


@pytest.mark.parametrize("persona", ["coordinator", "analyst"])
def test_pages_for_the_lead_and_analyst_are_accessible(
    page: Page, live_server, live_world, persona: str
) -> None:
    from dueregard.training import services
    from dueregard.training.tests import factories

    authority = live_world.authority
    snapshot = factories.snapshot(
        authority, as_of=TODAY - datetime.timedelta(days=200), eligible=50, compliant=30
    )
    session = factories.session(authority, held_on=TODAY - datetime.timedelta(days=3))
    services.add_attendee(session, name="Robin Harte", acting_user=None)
    trainer = factories.trainer(authority)

    sign_in(page, live_server.url, persona)
    if persona == "coordinator":
        reminders = page.get_by_test_id("training-reminders")
        expect(reminders).to_contain_text("Below target")
        expect(reminders).to_contain_text("Headcount older than a quarter")
    assert_accessible(page)
    for path in [
        "/training/",
        "/training/organisations/",
        f"/training/organisations/{snapshot.organisation_id}/",
        "/training/sessions/",
        f"/training/sessions/{session.pk}/",
        "/training/trainers/",
        f"/training/trainers/{trainer.pk}/",
        "/training/lists/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
    if persona == "coordinator":
        for path in [
            f"/training/headcounts/{snapshot.pk}/withdraw/",
            f"/training/sessions/{session.pk}/archive/",
            f"/training/organisations/{snapshot.organisation_id}/levels/",
            f"/training/organisations/{snapshot.organisation_id}/change/",
            f"/training/sessions/{session.pk}/organisations/",
            "/training/trainers/add/",
            "/training/lists/levels/add/",
            "/training/lists/courses/add/",
            "/training/lists/questions/add/",
        ]:
            page.goto(live_server.url + path)
            expect(page.locator("h1")).to_be_visible()
            assert_accessible(page)
