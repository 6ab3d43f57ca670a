"""Assurance pages as people use them: who sees what, forms, history, exports and audit."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dueregard.assurance import services
from dueregard.assurance.models import Action, Evidence, Incident, Strategy, ThreatLevel
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.core.navigation import entries_for, panels_for

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def test_prevent_leads_and_analysts_see_assurance_and_others_do_not(world):
    for persona, sees in [
        ("coordinator", True),
        ("analyst", True),
        ("chair", False),
        ("education_officer", False),
        ("board_member", False),
        ("auditor", False),
        ("administrator", False),
    ]:
        labels = [e.label for e in entries_for(world[persona])]
        assert ("Assurance" in labels) is sees, persona
        assert "National threat level" in labels  # national, so everyone signed in


def test_a_lead_adds_a_strategy_through_the_form(world, as_user):
    client = as_user(world["coordinator"])
    data = {
        "title": "Testborough Prevent Strategy 2025 to 2028",
        **date_fields("period_start", D(2025, 4, 1)),
        **date_fields("period_end", D(2028, 3, 31)),
        "objective": "Keep people safe.",
        "approved_by": "Cabinet",
    }
    response = client.post(reverse("assurance:strategy_create"), data)
    strategy = Strategy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assurance:strategy_detail", args=[strategy.pk])
    assert strategy.authority == world.authority
    page = client.get(response["Location"])
    assert "Testborough Prevent Strategy 2025 to 2028" in page.content.decode()


def test_form_errors_name_the_field_and_nothing_is_written(world, as_user):
    client = as_user(world["coordinator"])
    data = {
        "title": "Plan",
        **date_fields("period_start", D(2025, 4, 1)),
        "period_end_day": "31",
        "period_end_month": "2",
        "period_end_year": "2026",
        "objective": "",
    }
    response = client.post(reverse("assurance:strategy_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "End of the period must be a real date" in html
    assert 'href="#id_period_end_day"' in html
    assert "Enter overriding objective" in html  # GOV.UK wording, never Django's default
    assert "This field is required" not in html
    assert not Strategy.objects.exists()


def test_a_service_refusal_shows_on_its_field(world, as_user):
    client = as_user(world["coordinator"])
    data = {
        "title": "Plan",
        **date_fields("period_start", D(2025, 4, 1)),
        **date_fields("period_end", D(2025, 1, 1)),
        "objective": "x",
    }
    response = client.post(reverse("assurance:strategy_create"), data)
    assert response.status_code == 400
    assert "The end of the period must be after its start" in response.content.decode()


def test_analysts_read_but_cannot_change(world, as_user):
    action = f.action(world)
    client = as_user(world["analyst"])
    page = client.get(reverse("assurance:strategy_detail", args=[action.strategy_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Share the CTLP with partners" in html
    assert "Add an action" not in html
    assert client.get(reverse("assurance:action_update", args=[action.pk])).status_code == 403
    response = client.post(
        reverse("assurance:action_update", args=[action.pk]),
        {**date_fields("recorded_on", D(2024, 6, 1)), "status": "complete"},
    )
    assert response.status_code == 403
    assert Action.objects.get().status == "not_started"


def test_another_authoritys_records_are_not_found(world, as_user):
    action = f.action(world)
    client = as_user(world["other_coordinator"])
    for name, pk in [
        ("assurance:strategy_detail", action.strategy_id),
        ("assurance:action_detail", action.pk),
        ("assurance:action_update", action.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert "Share the CTLP" not in client.get(reverse("assurance:action_list")).content.decode()


def test_recording_an_update_through_the_page_keeps_history(world, as_user):
    action = f.action(world)
    client = as_user(world["coordinator"])
    response = client.post(
        reverse("assurance:action_update", args=[action.pk]),
        {
            **date_fields("recorded_on", D(2024, 6, 28)),
            "status": "at_risk",
            **date_fields("target_date", D(2024, 12, 31)),
            "owner": "Head of Community Safety",
            "agency": "Testborough Council",
            "note": "Partner capacity reduced.",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("assurance:action_detail", args=[action.pk])).content.decode()
    assert "Partner capacity reduced." in page
    assert "Status: Not started to At risk" in page
    assert "Target date: 30 Sep 2024 to 31 Dec 2024" in page
    assert "Owner: Head of Community Safety, Testborough Council" in page


def test_the_quarterly_review_shows_the_plan_as_it_stood(world, as_user):
    action = f.action(world)
    services.record_action_update(
        action,
        recorded_on=D(2024, 6, 20),
        status="on_track",
        target_date=action.target_date,
        owner=action.owner,
        agency=action.agency,
        note="Briefing booked.",
        acting_user=world["coordinator"],
    )
    services.record_action_update(
        action,
        recorded_on=D(2024, 10, 5),
        status="complete",
        target_date=action.target_date,
        owner=action.owner,
        agency=action.agency,
        note="Briefing delivered.",
        acting_user=world["coordinator"],
    )
    client = as_user(world["analyst"])
    url = reverse("assurance:strategy_review", args=[action.strategy_id])
    june = client.get(url, {"as_at": "2024-06-30"}).content.decode()
    assert "The plan on 30 June 2024 (end of Q1 2024/25)" in june
    assert "Briefing booked." in june and "Briefing delivered." not in june
    assert "On track: 1" in june
    december = client.get(url, {"as_at": "2024-12-31"}).content.decode()
    assert "Briefing delivered." in december
    assert "Complete: 1" in december
    assert client.get(url, {"as_at": "1999-01-01"}).status_code == 200  # not a choice: default


def test_sensitive_pages_are_marked_and_their_views_audited(world, as_user):
    ctlp = f.ctlp(world)
    incident = f.incident(world)
    client = as_user(world["analyst"])
    for name, obj in [("assurance:ctlp_detail", ctlp), ("assurance:incident_detail", incident)]:
        page = client.get(reverse(name, args=[obj.pk]))
        assert 'data-marking="OFFICIAL-SENSITIVE"' in page.content.decode()
        viewed = AuditEvent.objects.get(
            action=AuditAction.VIEW, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        assert viewed.actor == world["analyst"]
        assert viewed.authority_id == world.authority.pk
    listing = client.get(reverse("assurance:incident_list")).content.decode()
    assert 'data-marking="OFFICIAL-SENSITIVE"' in listing


def test_record_pages_show_their_change_history(world, as_user):
    risk = f.risk(world)
    services.update_risk(risk, owner="Director of Public Health", acting_user=world["coordinator"])
    page = as_user(world["coordinator"]).get(reverse("assurance:risk_detail", args=[risk.pk]))
    html = page.content.decode()
    assert "Changed: owner" in html
    assert "Added" in html


def test_the_incident_list_counts_by_ward_for_the_chosen_period(world, as_user):
    f.incident(world, occurred_on=D(2024, 5, 1))
    f.incident(world, occurred_on=D(2024, 6, 1), ward=None)
    f.incident(world, occurred_on=D(2023, 5, 1))
    client = as_user(world["coordinator"])
    response = client.get(
        reverse("assurance:incident_list"),
        {**date_fields("start", D(2024, 4, 1)), **date_fields("end", D(2025, 3, 31))},
    )  # fmt: skip
    html = response.content.decode()
    assert "1 April 2024 to 31 March 2025" in html
    by_ward = html.split('data-testid="incidents-by-ward"')[1].split("</table>")[0]
    assert 'Test Ward</th><td class="govuk-table__cell govuk-table__cell--numeric">1<' in by_ward
    assert 'Ward not known</th><td class="govuk-table__cell govuk-table__cell--numeric">1<' in (
        by_ward
    )


def test_csv_export_escapes_formulas_and_is_audited(world, as_user):
    f.action(world, title='=HYPERLINK("http://evil.example")')
    client = as_user(world["analyst"])
    response = client.get(reverse("assurance:action_export"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="action-plan-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["strategy", "priority", "reference", "action"]
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example")'
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail == {"format": "csv", "rows": 1}
    assert event.object_type == "assurance.action"


@pytest.mark.parametrize(
    "name, factory, sheet",
    [
        ("assurance:risk_export", "risk", "risk-register"),
        ("assurance:incident_export", "incident", "incident-log"),
        ("assurance:ctlp_export", "recommendation", "ctlp-recommendations"),
        ("assurance:evidence_export", "evidence", "evidence-library"),
        ("assurance:assessment_export", "assessment", "self-assessment-2024"),
    ],
)
def test_each_register_exports_to_excel(world, as_user, name, factory, sheet):
    getattr(f, factory)(world)
    client = as_user(world["coordinator"])
    params = {"format": "xlsx"}
    if factory == "assessment":
        params["year"] = "2024"
    if factory == "incident":
        params.update({**date_fields("start", D(2024, 4, 1)), **date_fields("end", D(2025, 3, 31))})
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [sheet]
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][-1] == world.authority.ons_code
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_an_unknown_export_format_is_not_found(world, as_user):
    client = as_user(world["coordinator"])
    assert client.get(reverse("assurance:risk_export"), {"format": "pdf"}).status_code == 404


def test_uploading_and_downloading_evidence(world, as_user):
    f.benchmark(1)
    client = as_user(world["coordinator"])
    response = client.post(
        reverse("assurance:evidence_create"),
        {
            "title": "Delivery group minutes",
            "category": "meeting_minutes",
            **date_fields("dated", D(2024, 9, 12)),
            "benchmarks": [f.benchmark(1).pk, f.benchmark(3).pk],
            "marking": "OFFICIAL-SENSITIVE",
            "file": f.pdf("minutes.pdf", b"%PDF the minutes"),
        },
    )
    item = Evidence.objects.get()
    assert response.status_code == 302
    assert item.original_filename == "minutes.pdf"
    assert sorted(item.benchmarks.values_list("number", flat=True)) == [1, 3]
    download = client.get(reverse("assurance:evidence_file", args=[item.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF the minutes"
    assert 'filename="minutes.pdf"' in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="assurance.evidence")


def test_evidence_without_a_file_or_link_is_refused_on_the_form(world, as_user):
    client = as_user(world["coordinator"])
    response = client.post(
        reverse("assurance:evidence_create"),
        {
            "title": "Nothing attached",
            "category": "report",
            **date_fields("dated", D(2024, 9, 12)),
            "benchmarks": [f.benchmark(1).pk],
            "marking": "OFFICIAL",
        },
    )
    assert response.status_code == 400
    assert "Upload a file or give a link" in response.content.decode()
    assert not Evidence.objects.exists()


def test_self_assessment_through_the_benchmark_pages(world, as_user):
    benchmark = f.benchmark(7)
    client = as_user(world["coordinator"])
    url = reverse("assurance:assessment_create", args=[benchmark.pk, 2024])
    response = client.post(
        url,
        {
            "rating": "amber",
            "commentary": "Venue checks in place; IT filtering not yet checked at two sites.",
            **date_fields("assessed_on", D(2025, 3, 14)),
        },
    )
    assert response.status_code == 302
    listing = client.get(reverse("assurance:benchmark_list"), {"year": 2024}).content.decode()
    assert "Amber (partly met)" in listing
    assert "Amber (partly met): 1" in listing
    assert client.post(url, {"rating": "green", "commentary": "x",
                             **date_fields("assessed_on", D(2025, 3, 14))}).status_code == 400  # fmt: skip


def test_threat_level_is_read_by_everyone_and_recorded_by_leads_and_administrators(world, as_user):
    f.threat_level(world)
    listing = as_user(world["panel_member"]).get(reverse("assurance:threat_level_list"))
    assert "SUBSTANTIAL" in listing.content.decode()
    assert "Record a change of level" not in listing.content.decode()
    admin = as_user(world["administrator"])
    page = admin.get(reverse("assurance:threat_level_list")).content.decode()
    assert reverse("assurance:threat_level_create_admin") in page
    response = admin.post(
        reverse("assurance:threat_level_create_admin"),
        {"level": "severe", **date_fields("starts_on", D(2021, 11, 15))},
    )
    assert response.status_code == 302
    assert ThreatLevel.objects.filter(level="severe").exists()
    assert (
        as_user(world["analyst"]).get(reverse("assurance:threat_level_create")).status_code == 403
    )


def test_the_home_page_tells_a_lead_about_overdue_actions(world, as_user):
    in_force = f.strategy(world, period_end=datetime.date.today() + datetime.timedelta(days=400))
    f.action(world, in_force, target_date=D(2025, 1, 31), title="Overdue thing")
    ended = f.strategy(world, title="Ended", period_end=D(2025, 3, 31))
    f.action(world, ended, target_date=D(2025, 1, 31))  # the plan no longer in force
    panels = {p.template_name: c for p, c in panels_for(world["coordinator"])}
    assert panels["assurance/home_panel.html"]["overdue"] == 1
    assert "assurance/home_panel.html" not in {
        p.template_name for p, _ in panels_for(world["analyst"])
    }
    home = as_user(world["coordinator"]).get("/").content.decode()
    assert "1 action overdue" in home


def test_removing_an_incident_keeps_it_but_stops_counting_it(world, as_user):
    incident = f.incident(world)
    client = as_user(world["coordinator"])
    response = client.post(
        reverse("assurance:incident_archive", args=[incident.pk]), {"reason": "Logged twice"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.archived and Incident.objects.count() == 1


def test_list_pages_take_a_fixed_number_of_queries(world, as_user, django_assert_max_num_queries):
    strategy = f.strategy(world)
    for n in range(5):
        f.action(world, strategy, reference=str(n))
        f.risk(world, reference=f"R{n}")
        f.incident(world)
    client = as_user(world["coordinator"])
    for name in ("assurance:action_list", "assurance:risk_list", "assurance:incident_list"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name)).status_code == 200
