"""The report pages: who sees which report, for which audience, and what is audited."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from dueregard.accounts.permissions import Kind
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.core.navigation import entries_for
from dueregard.core.periods import last_complete_financial_year
from dueregard.reports import registry, services
from dueregard.reports.registry import ReportType, for_authority

from .factories import one_way, report_with

INDEX = reverse("reports:index")
PAGE = reverse("reports:report", args=["population"])
DOWNLOAD = reverse("reports:download", args=["population"])
PERIOD = {"from": "2024-04-01", "to": "2025-03-31"}


def _small_numbers(kind: Kind):
    def build(authority, start, end):
        report = report_with(one_way([12, 3, 20]))
        report.authority_code, report.authority_name = authority.ons_code, authority.name
        report.start, report.end = start, end
        return report

    return ReportType(
        "small-numbers", "Small numbers", "Referrals by sector.", kind, for_authority(build)
    )


@pytest.fixture
def small_numbers(monkeypatch):
    monkeypatch.setitem(registry._registry, "small-numbers", _small_numbers(Kind.STATISTICS))


@pytest.fixture
def training_report(monkeypatch):
    monkeypatch.setitem(registry._registry, "small-numbers", _small_numbers(Kind.TRAINING))


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_reports_to_roles_that_see_statistics(as_user, world):
    page = as_user(world["coordinator"]).get(INDEX)
    assert page.status_code == 200
    assert PAGE in page.content.decode()
    assert "Resident population" in page.content.decode()


def test_a_role_without_statistics_gets_403(as_user, world):
    assert as_user(world["education_officer"]).get(INDEX).status_code == 403
    assert as_user(world["auditor"]).get(PAGE).status_code == 403


def test_reports_of_another_kind_are_listed_only_for_roles_that_may_view_that_kind(
    client, world, training_report
):
    from conftest import sign_in

    analyst = sign_in(client, world["analyst"]).get(INDEX).content.decode()
    assert "Small numbers" in analyst  # analysts see training
    board = sign_in(client, world["board_member"]).get(INDEX).content.decode()
    assert "Small numbers" not in board
    assert (
        sign_in(client, world["board_member"])
        .get(reverse("reports:report", args=["small-numbers"]))
        .status_code
        == 404
    )


def test_navigation_offers_reports_to_statistics_roles_only(world):
    assert "Reports" in [e.label for e in entries_for(world["board_member"])]
    assert "Reports" not in [e.label for e in entries_for(world["education_officer"])]


def test_an_unknown_report_is_not_found(as_user, world):
    assert as_user(world["coordinator"]).get("/reports/no-such-report/").status_code == 404


# --- building a report on the page ---------------------------------------------------------


def test_the_page_builds_the_last_complete_financial_year_by_default_and_audits_it(
    as_user, population
):
    page = as_user(population["coordinator"]).get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    year = last_complete_financial_year(timezone.localdate())
    assert (
        f'name="date_from_year" type="text" inputmode="numeric" value="{year.start.year}"' in html
    )
    assert '<table class="govuk-table" id="table-residents-by-sex"' in html
    assert "51,500" in html
    assert 'data-marking="OFFICIAL"' in html
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="reports.report")
    assert event.actor == population["coordinator"]
    assert event.detail == {
        "report": "population",
        "audience": "exact",
        "from": year.start.isoformat(),
        "to": year.end.isoformat(),
        "via": "page",
    }


def test_the_page_links_a_download_in_every_format(as_user, population):
    html = as_user(population["coordinator"]).get(PAGE, PERIOD).content.decode()
    for fmt in ("html", "pdf", "docx", "xlsx", "csv", "json"):
        assert (
            f"{DOWNLOAD}?authority=E09999801&amp;from=2024-04-01&amp;to=2025-03-31"
            f"&amp;audience=exact&amp;format={fmt}"
        ) in html


def test_the_board_member_is_offered_board_partner_and_public_only(as_user, world, small_numbers):
    client = as_user(world["board_member"])
    url = reverse("reports:report", args=["small-numbers"])
    html = client.get(url).content.decode()
    assert 'value="exact"' not in html
    assert 'value="board" id="id_audience_0" checked' in html
    assert 'value="public"' in html
    # The default is the board audience, with small numbers hidden.
    assert "&lt;5" in html
    assert 'data-audience="board"' in html


def test_a_board_member_cannot_get_exact_figures(as_user, world, small_numbers):
    client = as_user(world["board_member"])
    url = reverse("reports:report", args=["small-numbers"])
    page = client.get(url, {"audience": "exact", **PERIOD})
    html = page.content.decode()
    assert "govuk-error-summary" in html
    assert 'data-audience="exact"' not in html and ">3<" not in html
    download = client.get(
        reverse("reports:download", args=["small-numbers"]),
        {"audience": "exact", "format": "json", **PERIOD},
    )
    assert download.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    with pytest.raises(PermissionDenied):
        services.view_report(
            registry.get("small-numbers"),
            world.authority,
            *(timezone.datetime(2024, 4, 1).date(), timezone.datetime(2025, 3, 31).date()),
            "exact",
            acting_user=world["board_member"],
        )


def test_changing_the_audience_hides_small_numbers(as_user, world, small_numbers):
    client = as_user(world["coordinator"])
    url = reverse("reports:report", args=["small-numbers"])
    exact = client.get(url, PERIOD).content.decode()
    public = client.get(url, {"audience": "public", **PERIOD}).content.decode()
    assert 'govuk-table__cell--numeric">3</td>' in exact
    assert 'data-marking="OFFICIAL-SENSITIVE"' in exact
    assert 'govuk-table__cell--numeric">3</td>' not in public
    assert 'data-hidden="&lt;5"' in public
    assert "Counts from 1 to 4 are shown as &lt;5" in public
    assert 'data-marking="OFFICIAL"' in public


def test_another_authority_cannot_be_chosen(as_user, population):
    page = as_user(population["coordinator"]).get(PAGE, {"authority": "E07999802", **PERIOD})
    assert "govuk-error-summary" in page.content.decode()
    assert not AuditEvent.objects.filter(object_type="reports.report").exists()
    download = as_user(population["coordinator"]).get(
        DOWNLOAD, {"authority": "E07999802", "format": "csv", **PERIOD}
    )
    assert download.status_code == 400


def test_bad_dates_are_explained(as_user, population):
    page = as_user(population["coordinator"]).get(
        PAGE,
        {
            "date_from_day": "31",
            "date_from_month": "2",
            "date_from_year": "2025",
            "date_to_day": "1",
            "date_to_month": "4",
            "date_to_year": "2024",
        },
    )
    html = page.content.decode()
    assert "From must be a real date" in html
    to_before_from = as_user(population["coordinator"]).get(
        PAGE, {"from": "2025-04-01", "to": "2024-03-31"}
    )
    assert (
        "The to date must be the same as or after the from date" in to_before_from.content.decode()
    )


def test_a_regional_viewer_builds_reports_for_authorities_in_their_region(as_user, population):
    html = as_user(population["regional_viewer"]).get(PAGE).content.decode()
    assert "Testborough has 100,000 residents." in html
    assert 'value="exact"' not in html


# --- downloads -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, content_type, magic",
    [
        ("csv", "text/csv; charset=utf-8", b"\xef\xbb\xbfOFFICIAL"),
        ("json", "application/json", b"{"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
    ],
)
def test_each_download_is_a_file_and_is_audited_as_an_export(
    as_user, population, fmt, content_type, magic
):
    response = as_user(population["analyst"]).get(
        DOWNLOAD, {"format": fmt, "audience": "partner", **PERIOD}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(magic)
    assert response["Content-Disposition"] == (
        f'attachment; filename="population-E09999801-20240401-20250331-partner.{fmt}"'
    )
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == population["analyst"]
    assert event.authority == population.authority
    assert event.detail == {
        "report": "population",
        "format": fmt,
        "audience": "partner",
        "from": "2024-04-01",
        "to": "2025-03-31",
        "via": "download",
    }


def test_the_downloaded_csv_carries_the_protected_figures(as_user, world, small_numbers):
    response = as_user(world["board_member"]).get(
        reverse("reports:download", args=["small-numbers"]), {"format": "csv", **PERIOD}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Group B", "<5", "*"] in rows
    assert ["Group A", "*", "*"] in rows


def test_a_format_the_report_does_not_offer_is_refused(as_user, population):
    response = as_user(population["coordinator"]).get(DOWNLOAD, {"format": "odt", **PERIOD})
    assert response.status_code == 400
    assert "not offered as &#x27;odt&#x27;" in response.content.decode()


def test_download_without_a_format_gives_csv(as_user, population):
    response = as_user(population["coordinator"]).get(DOWNLOAD, PERIOD)
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_downloading_json_gives_the_same_figures_as_the_command(as_user, population):
    from django.core.management import call_command

    response = as_user(population["coordinator"]).get(DOWNLOAD, {"format": "json", **PERIOD})
    out = io.StringIO()
    call_command(
        "report",
        "population",
        "--authority",
        "E09999801",
        "--from",
        "2024-04-01",
        "--to",
        "2025-03-31",
        "--format",
        "json",
        stdout=out,
    )
    page, command = json.loads(response.content), json.loads(out.getvalue())
    assert page["tables"] == command["tables"]


# --- query counts --------------------------------------------------------------------------


def test_the_report_page_query_count_does_not_grow_with_the_population(as_user, population):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dueregard.areas.models import Population

    client = as_user(population["coordinator"])
    client.get(PAGE, PERIOD)  # warm the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(PAGE, PERIOD).status_code == 200
        return len(context)

    before = queries()
    Population.objects.bulk_create(
        Population(
            authority=population.authority, characteristic="religion", group=f"Faith {n}", count=n
        )
        for n in range(1, 60)
    )
    assert queries() == before
    # Signing-in checks (session, user, device, memberships), the report type and the
    # authorities offered, the population, the audit event (its place in the chain, taken on
    # PostgreSQL under the chain's lock, and the insert) and the session save.
    assert before <= 17
