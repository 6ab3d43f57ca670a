"""Engagement, project and council-resource pages as each role meets them."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.engagement.models import Engagement, OutputFigure, ProgressNote, VenueCheck

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_education_officer_records_an_engagement_with_several_groups(world, as_user) -> None:
    a, b = f.group(world, "Group A"), f.group(world, "Group B")
    client = as_user(world["education_officer"])
    form = client.get(reverse("engagement:engagement_create")).content.decode()
    assert 'name="groups"' in form and "govuk-checkboxes" in form and "govuk-radios" in form
    response = client.post(
        reverse("engagement:engagement_create"),
        {
            "date_day": "14",
            "date_month": "5",
            "date_year": "2024",
            "groups": [a.pk, b.pk],
            "type": "workshop",
            "topic": "Online safety for parents",
            "staff": "Prevent Education Officer",
            "outcome": "Parents asked for a second session.",
        },
    )
    engagement = Engagement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:engagement_detail", args=[engagement.pk])
    assert set(engagement.groups.values_list("name", flat=True)) == {"Group A", "Group B"}
    detail = client.get(response["Location"]).content.decode()
    assert "Group A, Group B" in detail and "Engagement created" in detail


def test_an_engagement_without_groups_is_refused_with_the_error_by_the_field(
    world, as_user
) -> None:
    response = as_user(world["education_officer"]).post(
        reverse("engagement:engagement_create"),
        {
            "date_day": "14",
            "date_month": "5",
            "date_year": "2024",
            "type": "meeting",
            "topic": "t",
            "staff": "s",
            "outcome": "o",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert 'href="#id_groups_0"' in page  # the summary links to the first checkbox
    assert not Engagement.objects.exists()


def test_a_refused_venue_booking_without_a_reason_is_sent_back(world, as_user) -> None:
    check = f.venue_check(world)
    client = as_user(world["coordinator"])
    url = reverse("engagement:venuecheck_edit", args=[check.pk])
    response = client.post(
        url,
        {
            "venue": check.venue,
            "event_date_day": "21",
            "event_date_month": "9",
            "event_date_year": "2024",
            "event_description": "Talk",
            "organiser": check.organiser,
            "decision": "refused",
            "decided_on_day": "1",
            "decided_on_month": "9",
            "decided_on_year": "2024",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400  # as every form page that shows errors
    assert "Enter the reason for the decision" in page
    assert 'href="#id_decision_reason"' in page
    assert VenueCheck.objects.get(pk=check.pk).decision == "pending"


def test_settings_pages_are_marked_and_every_view_is_audited(world, as_user) -> None:
    setting = f.setting(world)
    client = as_user(world["analyst"])
    for _ in range(2):
        page = client.get(reverse("engagement:setting_detail", args=[setting.pk])).content.decode()
        assert 'data-marking="OFFICIAL-SENSITIVE"' in page
        assert setting.provider in page
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="engagement.outofschoolsetting",
        object_id=str(setting.pk),
    )
    assert views.count() == 2 and views.first().actor == world["analyst"]
    listing = client.get(reverse("engagement:setting_list")).content.decode()
    assert 'data-marking="OFFICIAL-SENSITIVE"' in listing
    # Pages that name no one are not marked.
    group = f.group(world)
    page = client.get(reverse("engagement:group_detail", args=[group.pk])).content.decode()
    assert "data-marking" not in page


def test_the_analyst_reads_and_exports_but_cannot_change(world, as_user) -> None:
    group = f.group(world)
    client = as_user(world["analyst"])
    assert client.get(reverse("engagement:group_list")).status_code == 200
    assert client.get(reverse("engagement:group_edit", args=[group.pk])).status_code == 403
    assert client.post(reverse("engagement:group_create"), {"name": "x"}).status_code == 403
    assert client.get(reverse("engagement:group_export")).status_code == 200


def test_roles_without_engagement_cannot_see_it(world, as_user) -> None:
    group = f.group(world)
    for persona in ("board_member", "chair", "panel_member", "auditor"):
        client = as_user(world[persona])
        assert client.get(reverse("engagement:group_detail", args=[group.pk])).status_code == 404
        assert client.get(reverse("engagement:group_list")).status_code == 403
        assert reverse("engagement:index") not in client.get(reverse("home")).content.decode()
    assert (
        reverse("engagement:index")
        in as_user(world["education_officer"]).get(reverse("home")).content.decode()
    )
    other = as_user(world["other_coordinator"])
    assert other.get(reverse("engagement:group_detail", args=[group.pk])).status_code == 404


def test_the_settings_export_escapes_formulas_and_is_audited(world, as_user) -> None:
    f.setting(world, provider="=cmd|' /C calc'!A0")
    client = as_user(world["education_officer"])
    response = client.get(reverse("engagement:setting_export") + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["id", "setting", "setting_type", "provider"]
    assert rows[1][3] == "'=cmd|' /C calc'!A0"
    response = client.get(reverse("engagement:setting_export") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=4).value == "'=cmd|' /C calc'!A0"
    formats = AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="engagement.outofschoolsetting"
    ).values_list("detail__format", flat=True)
    assert sorted(formats) == ["csv", "xlsx"]


def test_the_list_can_be_filtered_by_financial_year_and_search(world, as_user) -> None:
    group = f.group(world)
    f.engagement(world, groups=[group], date=D(2024, 5, 1), topic="Spring meeting")
    f.engagement(world, groups=[group], date=D(2023, 5, 1), topic="Last year's meeting")
    client = as_user(world["education_officer"])
    page = client.get(reverse("engagement:engagement_list") + "?year=2024").content.decode()
    assert "Spring meeting" in page and "Last year&#x27;s meeting" not in page
    assert '<option value="2023">2023/24</option>' in page
    page = client.get(reverse("engagement:engagement_list") + "?q=last+year").content.decode()
    assert "Spring meeting" not in page


def test_the_engagement_list_runs_the_same_queries_for_few_or_many(world, as_user) -> None:
    client = as_user(world["education_officer"])
    url = reverse("engagement:engagement_list")
    group = f.group(world)
    f.engagement(world, groups=[group])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(15):
        f.engagement(world, groups=[group, f.group(world, f"G{i}")])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_quarterly_return_is_recorded_and_reopened(world, as_user) -> None:
    project = f.project(world)
    sites = f.output(world, project, "Sites engaged")
    client = as_user(world["education_officer"])
    url = reverse("engagement:project_return", args=[project.pk])
    response = client.post(
        url + "?quarter=2024-07-01",
        {
            "quarter": "2024-07-01",
            f"planned_{sites.pk}": "70",
            f"delivered_{sites.pk}": "64",
            "spend": "5250.00",
            "progress": "Delivery on profile.",
            "issues": "",
        },
    )
    assert response.status_code == 302
    assert OutputFigure.objects.get(output=sites).delivered == 64
    assert ProgressNote.objects.get(project=project).spend == Decimal("5250.00")
    page = client.get(url + "?quarter=2024-07-01").content.decode()
    assert 'value="64"' in page and "Q2 2024/25" in page
    detail = client.get(reverse("engagement:project_detail", args=[project.pk])).content.decode()
    assert "70 / 64" in detail and "£5,250.00" in detail


def test_the_overview_shows_this_years_figures_from_records(world, as_user) -> None:
    group = f.group(world)
    f.engagement(world, groups=[group], date=D(2024, 5, 1))
    page = (
        as_user(world["analyst"]).get(reverse("engagement:index") + "?year=2024").content.decode()
    )
    assert "Testborough, 2024/25" in page
    assert "community groups engaged, of 1 on record" in page


def test_the_venue_check_list_names_no_organiser(world, as_user) -> None:
    check = f.venue_check(world)
    page = as_user(world["education_officer"]).get(reverse("engagement:venuecheck_list"))
    assert check.organiser not in page.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()
    as_user(world["education_officer"]).get(
        reverse("engagement:venuecheck_detail", args=[check.pk])
    )
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_type="engagement.venuecheck", object_id=str(check.pk)
        ).count()
        == 1
    )
