"""Home Office-style statistics: the authority's figures beside the published England and
Wales figures of the same year, in the release's categories, with the source cited; a
region or England and Wales for regional and national viewers; the demo borough's page."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import make_user, sign_in
from dueregard.accounts.models import Role
from dueregard.areas.models import Authority, Region
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.reports import registry
from dueregard.reports.data import Suppressed
from dueregard.reports.definitions.home_office_statistics import (
    Scope,
    build_for_scope,
    financial_year_label,
    normalise,
)

from .attacks import pin_by_bounds, recover_by_margins, solve_linear

pytestmark = pytest.mark.django_db
FY_2023 = (datetime.date(2023, 4, 1), datetime.date(2024, 3, 31))
GOV_UK_2023 = (
    "https://gov.uk/government/statistics/individuals-referred-to-prevent-to-march-2024/"
    "individuals-referred-to-and-supported-through-the-prevent-programme-april-2023-to-march-2024"
)

HEADER = [
    "reference",
    "received_on",
    "sector",
    "concern",
    "age",
    "gender",
    "triage_outcome",
    "referred_to_police_on",
    "gateway_outcome",
    "discussed_at_panel_on",
    "adopted_on",
]
# 12 referrals in 2023/24: sector, concern, age, gender, and how far each went
# ("advice", "police", "discussed" or "adopted").
REFERRALS = [
    ("Education", "Islamist", 13, "Male", "adopted"),
    ("Education", "Extreme Right-Wing", 13, "Male", "adopted"),
    ("Education", "Extreme Right-Wing", 13, "Male", "adopted"),
    ("Education", "Extreme Right-Wing", 16, "Male", "discussed"),
    ("Education", "Vulnerability present but no ideology or CT risk", 13, "Male", "discussed"),
    ("Education", "Vulnerability present but no ideology or CT risk", 16, "Female", "police"),
    ("Police", "Vulnerability present but no ideology or CT risk", 25, "Male", "police"),
    ("Police", "Conflicted", 25, "Male", "advice"),
    ("Police", "Islamist", 25, "Male", "advice"),
    ("Health", "Extreme Right-Wing", 13, "Female", "advice"),
    ("Health", "", "", "Male", "advice"),
    ("", "", "", "", "advice"),
]


def write_referrals(path: Path, prefix: str = "HO", year: int = 2023) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n, (sector, concern, age, gender, reached) in enumerate(REFERRALS):
            received = datetime.date(year, 5, 1) + datetime.timedelta(days=20 * n)
            later = (received + datetime.timedelta(days=10)).isoformat()
            police = reached != "advice"
            panel = reached in ("discussed", "adopted")
            writer.writerow(
                [
                    f"{prefix}-{n:03d}",
                    received.isoformat(),
                    sector,
                    concern,
                    age,
                    gender,
                    "Referred to police" if police else "Advice provided",
                    later if police else "",
                    "For Channel panel" if panel else "",
                    later if panel else "",
                    later if reached == "adopted" else "",
                ]
            )
    return path


def load(authority: Authority, folder: Path, prefix: str = "HO") -> None:
    call_command(
        "import_referrals",
        str(write_referrals(folder / f"{prefix}.csv", prefix)),
        "--authority",
        authority.ons_code,
        stdout=io.StringIO(),
    )


def rows(report, table_id):
    return {row["label"]: row for row in report.table(table_id).rows}


def test_local_figures_sit_beside_the_national_figures_of_the_same_year(world, tmp_path):
    load(world.authority, tmp_path)
    report = registry.get("home-office-statistics").build(world.authority, *FY_2023)
    assert report.meta["national_year"] == "2023/24"

    journey = rows(report, "journey")
    assert [c.title for c in report.table("journey").columns] == [
        "Stage",
        "Testborough: referrals",
        "Testborough: % of referrals received",
        "England and Wales 2023/24",
        "England and Wales 2023/24: % of all referrals",
    ]
    assert (journey["Referrals received"]["count"], journey["Referrals received"]["national"]) == (
        12,
        6922,
    )
    discussed = journey["Discussed at a Channel panel"]
    assert (discussed["count"], discussed["percent"]) == (5, 41.7)
    assert (discussed["national"], discussed["national_percent"]) == (893, 12.9)  # 893 / 6,922
    adopted = journey["Adopted as a Channel case"]
    assert (adopted["count"], adopted["national"], adopted["national_percent"]) == (3, 512, 7.4)
    assert journey["Referred to the police gateway"]["count"] == 7
    assert journey["Referred to the police gateway"]["national"] is None  # not published
    assert any(GOV_UK_2023 in note for note in report.table("journey").notes)

    sectors = rows(report, "by_sector")
    assert (sectors["Education"]["count"], sectors["Education"]["percent"]) == (6, 54.5)
    assert (sectors["Education"]["national"], sectors["Education"]["national_percent"]) == (
        2788,
        40.3,
    )
    assert sectors["Police"]["national"] == 1921
    assert sectors["Health"]["national"] is None
    assert sectors["Total (where known)"]["count"] == 11
    assert report.table("by_sector").not_known == 1

    concerns = rows(report, "by_concern")
    assert concerns["Extreme Right-Wing"]["count"] == 4
    assert concerns["Extreme Right-Wing"]["national"] == 1314
    assert concerns["Vulnerability present but no ideology or CT risk"]["national"] == 2489
    assert concerns["Conflicted"]["national"] == 1278
    assert concerns["Islamist"]["national"] == 913

    ages = rows(report, "by_age_band")
    assert (ages["11-15"]["count"], ages["11-15"]["national"]) == (5, 2729)
    assert (ages["16-17"]["count"], ages["16-17"]["national"]) == (2, 892)
    assert ages["10 or under"]["national"] == 297
    gender = rows(report, "by_gender")
    assert gender["Male"]["count"] == 9 and gender["Male"]["national"] is None
    assert any(
        "No England and Wales figures by gender" in n for n in report.table("by_gender").notes
    )


def test_national_groups_with_other_spellings_are_matched_and_unmatched_ones_are_added(
    world, tmp_path
):
    assert normalise("Right-wing") == normalise("Extreme Right-Wing")
    assert normalise("No identified ideology") == normalise("No ideology identified")
    load(world.authority, tmp_path)
    # 2015/16 publishes "Unspecified", a group no local code list has.
    report = build_for_scope(
        Scope.for_authority(world.authority), datetime.date(2015, 4, 1), datetime.date(2016, 3, 31)
    )
    concerns = rows(report, "by_concern")
    assert concerns["Unspecified"]["count"] is None and concerns["Unspecified"]["national"] == 1173
    assert concerns["Extreme Right-Wing"]["national"] == 759  # published as "Extreme Right Wing"


def test_a_period_that_is_not_a_financial_year_has_no_national_columns(world, tmp_path):
    load(world.authority, tmp_path)
    report = registry.get("home-office-statistics").build(
        world.authority, datetime.date(2023, 4, 1), datetime.date(2023, 9, 30)
    )
    assert financial_year_label(datetime.date(2023, 4, 1), datetime.date(2023, 9, 30)) is None
    assert "national" not in report.table("journey").column_ids
    assert any("choose a whole financial year" in n for n in report.notes)
    year_without = registry.get("home-office-statistics").build(
        world.authority, datetime.date(2030, 4, 1), datetime.date(2031, 3, 31)
    )
    assert "national" not in year_without.table("by_sector").column_ids
    assert any(
        "No published England and Wales figures for 2030/31" in n for n in year_without.notes
    )


def test_at_the_public_audience_local_small_counts_are_hidden_and_national_figures_are_not(
    world, tmp_path
):
    load(world.authority, tmp_path)
    report_type = registry.get("home-office-statistics")
    exact = report_type.build(world.authority, *FY_2023)
    public = report_type.produce(world.authority, *FY_2023, "public")
    for before in exact.all_tables():
        after = public.table(before.id)
        for row in after.rows:
            count = row.get("count")
            assert not (isinstance(count, int) and 0 < count < 5), (before.id, row)
        assert recover_by_margins(before, after) == {}, before.id
        assert pin_by_bounds(before, after) == {}, before.id
        assert solve_linear(before, after) == {}, before.id
    adopted = rows(public, "journey")["Adopted as a Channel case"]
    assert isinstance(adopted["count"], Suppressed) and isinstance(adopted["percent"], Suppressed)
    assert (adopted["national"], adopted["national_percent"]) == (512, 7.4)
    # The headline quotes the table as published.
    assert public.sections[0].paragraphs[0] == (
        "Testborough received 12 referrals from 1 April 2023 to 31 March 2024 (England and "
        "Wales: 6,922). Of them, 5 had been discussed at a Channel panel and fewer than 5 adopted as "
        "Channel cases by the end of the period."
    )


def test_a_regional_viewer_sees_their_region_by_authority_at_the_board_audience(
    client, world, tmp_path
):
    neighbour = Authority.objects.create(
        ons_code="E09999803", name="Nearborough", region=Region.LONDON
    )
    load(world.authority, tmp_path, "TB")
    load(neighbour, tmp_path, "NB")
    viewer = world["regional_viewer"]
    scopes = {s.value: s for s in services_scopes(viewer)}
    assert "region:London" in scopes and "national" not in scopes
    assert "authority:E07999802" not in scopes  # Otherton is in the South East
    london = scopes["region:London"]
    assert {a.name for a in london.authorities} == {"Testborough", "Nearborough"}

    page = sign_in(client, viewer).get(
        reverse("reports:statistics"), {"scope": "region:London", "year": "2023/24"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-table="by_authority"' in html and "Nearborough" in html
    report = page.context["report"]
    assert report.audience == "board"
    by_authority = rows(report, "by_authority")
    assert by_authority["Total"]["received"] == 24
    assert rows(report, "journey")["Referrals received"]["count"] == 24
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=viewer, detail__scope="region:London"
    ).exists()
    # Exact figures are not theirs to ask for.
    refused = sign_in(client, viewer).get(
        reverse("reports:statistics"),
        {"scope": "region:London", "year": "2023/24", "audience": "exact"},
    )
    assert refused.status_code == 400
    # Nor a region they do not cover.
    assert (
        sign_in(client, viewer)
        .get(reverse("reports:statistics"), {"scope": "region:South East", "year": "2023/24"})
        .status_code
        == 400
    )


def services_scopes(user):
    from dueregard.reports.queries import statistics_scopes

    return statistics_scopes(user)


def test_a_national_viewer_sees_england_and_wales_by_region(client, world, tmp_path):
    load(world.authority, tmp_path, "TB")
    load(world.other_authority, tmp_path, "OT")
    national = make_user("national_viewer", Role.REGIONAL_VIEWER, region="")
    scopes = [s.value for s in services_scopes(national)]
    assert scopes[0] == "national"
    download = sign_in(client, national).get(
        reverse("reports:statistics_download"),
        {"scope": "national", "year": "2023/24", "audience": "board", "format": "csv"},
    )
    assert download.status_code == 200
    text = download.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "OFFICIAL"
    by_region = list(csv.reader(io.StringIO(text)))
    # 3 Channel cases in each region: small, hidden; the total of 6 does not pin either.
    assert ["London", "12", "5", "<5"] in by_region
    assert ["South East", "12", "5", "<5"] in by_region
    assert ["Wales", "0", "0", "0"] in by_region
    assert ["Total", "24", "10", "6"] in by_region
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=national)
    assert export.detail["scope"] == "national" and export.detail["format"] == "csv"


def test_a_prevent_lead_has_only_their_authority_and_the_page_defaults_to_a_year_with_national_figures(
    as_user, world
):
    page = as_user(world["coordinator"]).get(reverse("reports:statistics"))
    assert page.status_code == 200
    form = page.context["form"]
    assert [value for value, _ in form.fields["scope"].choices] == ["authority:E09999801"]
    report = page.context["report"]
    assert report.meta["national_year"] == "2024/25"  # the latest year with national figures
    assert "England and Wales 2024/25" in page.content.decode()


def test_the_statistics_page_for_the_demo_borough_shows_local_and_national_side_by_side(
    client, monkeypatch
):
    from dueregard.areas.models import Ward
    from dueregard.core.periods import financial_year_start
    from dueregard.demo.context import DemoContext
    from dueregard.demo.steps import casework, users

    ctx = DemoContext()
    # Enough years of casework to reach back to 2024/25, the latest national figures.
    monkeypatch.setattr(casework, "YEARS", max(2, financial_year_start(ctx.today) - 2024))
    ctx.authority = Authority.objects.create(
        ons_code="E09999901", name="Kingsmere (demo)", region=Region.LONDON
    )
    ctx.other_authority = Authority.objects.create(
        ons_code="E07999902", name="Ashbury (demo)", region=Region.SOUTH_EAST
    )
    for n in range(3):
        Ward.objects.create(authority=ctx.authority, ons_code=f"E0599990{n}", name=f"Ward {n}")
    users.run(ctx)
    casework.run(ctx)

    page = sign_in(client, ctx.users["coordinator"]).get(
        reverse("reports:statistics"), {"year": "2024/25"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    journey = page.context["report"].table("journey")
    received = journey.rows[0]
    assert received["label"] == "Referrals received"
    assert isinstance(received["count"], int) and received["count"] > 0
    assert received["national"] == 8778
    # Side by side: the same row of the same table holds the borough's and the nation's.
    start = html.index('data-table="journey"')
    table_html = html[start : html.index("</table>", start)]
    assert "Kingsmere (demo): referrals" in table_html
    assert "England and Wales 2024/25" in table_html
    assert f"{received['count']:,}" in table_html and "8,778" in table_html
    assert "gov.uk/government/statistics/individuals-referred-to-prevent-to-march-2025" in html


def test_the_registered_report_is_the_one_authority_statistics(world, tmp_path):
    load(world.authority, tmp_path)
    out = io.StringIO()
    call_command(
        "report",
        "home-office-statistics",
        "--authority",
        world.authority.ons_code,
        "--from",
        "2023-04-01",
        "--to",
        "2024-03-31",
        "--format",
        "json",
        "--audience",
        "board",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["scope"] == "authority" and data["national_year"] == "2023/24"
    journey = next(t for t in data["tables"] if t["id"] == "journey")
    assert journey["rows"][0]["national"] == 6922 and journey["rows"][0]["count"] == 12
