"""The committee report: seed 000's figures in the right sections, dated versions that never
change, the security marking, disclosure control on every table and sentence, the
equalities paragraph, the command and the pages."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from conftest import sign_in
from dueregard.accounts.permissions import Audience
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.reports import codec, committee, disclosure, services
from dueregard.reports.data import OFFICIAL, OFFICIAL_SENSITIVE, Suppressed
from dueregard.reports.models import CommitteeReport, CommitteeReportVersion

from . import factories as f
from . import seed000
from .attacks import pin_by_bounds, recover_by_margins, solve_linear

pytestmark = pytest.mark.django_db
BOARD = "Testborough Safer Communities Partnership Board"


def section(data: dict, section_id: str) -> dict:
    """A section of a frozen report (codec data), searched at every depth."""

    def walk(sections: list[dict]) -> dict | None:
        for s in sections:
            if s["id"] == section_id:
                return s
            found = walk(s["subsections"])
            if found:
                return found
        return None

    found = walk(data["sections"])
    assert found is not None, section_id
    return found


def rows(data_section: dict, table_id: str) -> dict[str, dict]:
    table = next(t for t in data_section["tables"] if t["id"] == table_id)
    return {str(r["label"]): r for r in table["rows"]}


@pytest.fixture
def seed_000(world, tmp_path):
    seed000.load(world, tmp_path)
    f.board(world, BOARD)
    return world


# --- seed 000 ------------------------------------------------------------------------------


def test_seed_000_figures_are_in_the_right_sections(seed_000, tmp_path):
    out = tmp_path / "committee.html"
    err = io.StringIO()
    call_command(
        "report",
        "committee",
        "--authority",
        seed_000.authority.ons_code,
        "--board",
        BOARD.upper(),  # the board's name in any case
        "--from",
        "2021-04-01",
        "--to",
        "2022-03-31",
        "--format",
        "html",
        "-o",
        str(out),
        stderr=err,
    )
    assert "version 1" in err.getvalue()
    version = CommitteeReportVersion.objects.get()
    assert version.audience == "board" and version.marking == OFFICIAL
    assert out.read_bytes() == version.file("html")
    data = version.content

    # §1.17-1.18: 79 enquiries, 41 referred to SO15, 7 discussed at Channel; 11 panels held.
    casework = section(data, "casework")
    assert casework["title"] == "1.1 Referrals and Channel casework"
    assert casework["paragraphs"][0] == (
        "79 referrals were received from 1 April 2021 to 31 March 2022. Of them, 41 were "
        "referred to the police gateway for assessment, 7 were discussed at a Channel panel "
        "and fewer than 5 were adopted as Channel cases by the end of the period."
    )
    assert casework["paragraphs"][1] == "11 Channel panel meetings were held."
    journey = rows(casework, "journey")
    assert journey["Referrals received"]["count"] == 79
    assert journey["Referred to the police gateway"]["count"] == 41
    assert journey["Discussed at a Channel panel"]["count"] == 7
    # 4 adopted: a small number, hidden for the board.
    assert journey["Adopted as a Channel case"]["count"] == {"$hidden": "<5", "reason": "small"}
    assert rows(casework, "panels")["Channel panel"]["meetings_held"] == 11
    assert {c["id"] for c in casework["charts"]} == {"journey-chart", "by-quarter-chart"}

    # §1.22 and §1.28: 47 workshops to 1,263 professionals; 3,300 pupils, 223 parents.
    training = section(data, "training")
    assert training["title"] == "1.2 Training"
    assert (
        "47 Prevent awareness sessions and workshops were delivered to 1,263 professionals."
        in training["paragraphs"]
    )
    assert any(p.startswith("3,300 pupils and students attended") for p in training["paragraphs"])
    assert any(p.startswith("223 parents and carers attended") for p in training["paragraphs"])
    reach = rows(training, "reach")
    assert reach["Professionals (staff and volunteers)"]["sessions"] == 47
    assert reach["Professionals (staff and volunteers)"]["people_reached"] == 1263

    # §1.27: 32 separate community groups.
    engagement = section(data, "engagement")
    assert engagement["paragraphs"][0] == (
        "32 separate community groups engaged with the Prevent team in the period."
    )
    summary = next(t for t in engagement["tables"] if t["id"] == "community_engagement_summary")
    groups = next(r for r in summary["rows"] if r["measure"] == "Community groups engaged")
    assert groups["number"] == 32

    # §1.8: the casework assurance tables, from the casework-assurance report.
    assurance = section(data, "casework_assurance")
    assert assurance["title"] == "1.8 Casework assurance"
    assert [t["id"] for t in assurance["tables"]] == [
        "repeat_referrals",
        "onward_referrals",
        "days_receipt_to_triage",
        "days_triage_to_gateway",
        "days_gateway_to_panel",
        "days_panel_to_decision",
        "days_exit_to_review_6",
        "days_exit_to_review_12",
        "days_exit_to_review_extended",
    ]

    # None of these figures leaks into another section.
    for other in ("summary", "recommendations", "reasons", "alternatives", "background"):
        assert "79" not in " ".join(section(data, other)["paragraphs"])

    # The HTML file carries the seed's structure in order.
    html = out.read_text("utf-8")
    order = [
        "Report details",
        "Summary",
        "Officers&#x27; recommendations",
        "1. Why this report is needed",
        "1.1 Referrals and Channel casework",
        "1.2 Training",
        "1.3 Community engagement",
        "1.4 Funded projects",
        "1.5 Risk and threat level",
        "1.6 Governance",
        "1.7 Channel support delivery",
        "1.8 Casework assurance",
        "2. Reasons for recommendations",
        "3. Alternative options considered and not recommended",
        "4. Post decision implementation",
        "5. Implications of decision",
        "5.1 Equalities and diversity",
        "6. Background papers",
    ]
    positions = [html.index(heading) for heading in order]
    assert positions == sorted(positions)
    cover = rows(section(data, "cover"), "cover")
    assert list(cover) == [
        "Title",
        "Report of",
        "Wards",
        "Status",
        "Urgent",
        "Key",
        "Enclosures",
        "Officer contact details",
    ]
    assert cover["Report of"]["value"] == f"Chair of the {BOARD}"


def test_the_exact_report_of_seed_000_shows_every_count_and_is_official_sensitive(seed_000):
    report = f.committee_report(seed_000, audience="exact", start=seed000.START, end=seed000.END)
    version = services.generate_committee_version(report, acting_user=seed_000["coordinator"])
    assert version.marking == OFFICIAL_SENSITIVE  # 4 adopted, 1 left Channel: small counts
    casework = section(version.content, "casework")
    assert rows(casework, "journey")["Adopted as a Channel case"]["count"] == 4
    assert "and 4 were adopted as Channel cases" in casework["paragraphs"][0]
    document = Document(io.BytesIO(version.file("docx")))
    assert document.sections[0].header.paragraphs[0].text == OFFICIAL_SENSITIVE


# --- versions ------------------------------------------------------------------------------


def test_regenerating_adds_a_version_and_never_changes_one_a_board_was_given(world):
    lead = world["coordinator"]
    report = f.committee_report(world)
    services.update_committee_report(
        report, {"summary": "The first summary the board read."}, acting_user=lead
    )
    first = services.generate_committee_version(report, acting_user=lead)
    first_files = {fmt: first.file(fmt) for fmt in services.COMMITTEE_FORMATS}

    services.update_committee_report(
        report, {"summary": "A later summary, after the meeting."}, acting_user=lead
    )
    second = services.generate_committee_version(report, acting_user=lead)
    assert (first.number, second.number) == (1, 2)

    again = CommitteeReportVersion.objects.get(pk=first.pk)
    assert {fmt: again.file(fmt) for fmt in services.COMMITTEE_FORMATS} == first_files
    assert section(again.content, "summary")["paragraphs"] == ["The first summary the board read."]
    assert section(second.content, "summary")["paragraphs"] == [
        "A later summary, after the meeting."
    ]
    assert "The first summary the board read." in again.file("html").decode()
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(again.file("docx"))).paragraphs)
    assert "The first summary the board read." in docx_text
    assert again.file("pdf").startswith(b"%PDF")
    assert again.sha256["docx"] != second.sha256["docx"]

    # The structure a version keeps renders again exactly as it was.
    rebuilt = services.version_report(again)
    assert codec.to_data(rebuilt) == again.content

    with pytest.raises(TypeError):
        again.save()
    with pytest.raises(TypeError):
        again.delete()
    with pytest.raises(TypeError):
        CommitteeReportVersion.objects.filter(pk=first.pk).update(marking="OFFICIAL")
    with pytest.raises(TypeError):
        CommitteeReportVersion.objects.all().delete()


def test_downloading_an_old_version_gives_exactly_what_was_generated(as_user, world):
    lead = world["coordinator"]
    report = f.committee_report(world)
    first = services.generate_committee_version(report, acting_user=lead)
    services.update_committee_report(report, {"summary": "Changed."}, acting_user=lead)
    services.generate_committee_version(report, acting_user=lead)
    client = as_user(lead)
    for format_id in services.COMMITTEE_FORMATS:
        url = reverse("reports:committee_version_download", args=[report.pk, 1, format_id])
        response = client.get(url)
        assert response.status_code == 200
        assert response.content == first.file(format_id)
        assert response["Content-Disposition"].endswith(f'-v1.{format_id}"')
    events = AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="reports.committeereportversion"
    )
    assert events.count() == 3
    assert {e.detail["format"] for e in events} == set(services.COMMITTEE_FORMATS)


# --- marking and disclosure ---------------------------------------------------------------


def test_marking_follows_the_content(seed_000):
    narrative = committee.Narrative(title="Prevent duty performance report", board_name=BOARD)
    exact = committee.build(seed_000.authority, seed000.START, seed000.END, narrative)
    assert exact.marking == OFFICIAL_SENSITIVE
    assert disclosure.apply(exact, "board").marking == OFFICIAL
    # A period with no small counts at all needs no caveat.
    quiet = committee.build(
        seed_000.authority, datetime.date(2030, 4, 1), datetime.date(2031, 3, 31), narrative
    )
    assert quiet.marking == OFFICIAL


def test_at_the_public_audience_no_small_count_appears_and_nothing_can_be_recovered(seed_000):
    narrative = committee.Narrative(title="Prevent duty performance report", board_name=BOARD)
    exact = committee.build(seed_000.authority, seed000.START, seed000.END, narrative)
    public = committee.produce(seed_000.authority, seed000.START, seed000.END, narrative, "public")
    assert public.marking == OFFICIAL
    before_tables = {t.id: t for t in exact.all_tables()}
    protected = 0
    for after in public.all_tables():
        before = before_tables[after.id]
        counts = after.count_columns()
        shown = [row.get(c) for row in after.rows for c in counts]
        shown += [after.denominator_value, after.not_known] if counts else []
        small = [v for v in shown if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 5]
        assert not small, (after.id, small)
        assert recover_by_margins(before, after) == {}, after.id
        assert pin_by_bounds(before, after) == {}, after.id
        assert solve_linear(before, after) == {}, after.id
        protected += bool(after.suppression_note)
    assert protected >= 2  # seed 000 has small counts to protect
    # No sentence quotes a hidden count: the 4 adoptions are "fewer than 5".
    words = " ".join(p for s in _walk(public.sections) for p in s.paragraphs)
    assert " 4 were adopted" not in words and "fewer than 5 were adopted" in words


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s.subsections)


def test_a_secondary_suppression_is_worded_without_its_value():
    table_value = Suppressed("*", "secondary")
    assert committee.count_words(table_value, "referrals") == (
        "an unpublished number of referrals (hidden to protect small numbers)"
    )
    assert committee.count_words(Suppressed("<5", "small"), "referrals") == "fewer than 5 referrals"
    assert committee.count_words(1263, "professionals") == "1,263 professionals"


# --- the equalities paragraph -------------------------------------------------------------


def test_the_equalities_paragraph_names_groups_that_differ_and_says_when_none_does(
    population,
):
    f.referrals_with_known_groups(population)
    narrative = committee.Narrative(
        title="Prevent duty performance report",
        board_name=BOARD,
        equalities="The action plan applies equally to every resident.",
    )
    start, end = datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)
    board = committee.produce(population.authority, start, end, narrative, "board")
    paragraphs = next(s for s in _walk(board.sections) if s.id == "equalities").paragraphs
    assert paragraphs[0].startswith("No individual is scored")
    by_characteristic = {p.split(":")[0]: p for p in paragraphs[1:5]}
    assert by_characteristic["Sex"].startswith(
        "Sex: the rate of referrals per 10,000 residents was significantly higher than for "
        "everyone else for Male (6.19 per 10,000, 95% interval 4.17 to 8.83)"
    )
    assert "significantly lower than for everyone else for Female (1.94" in by_characteristic["Sex"]
    # 3 Jewish referrals: their (significant) difference is never named for a board.
    religion = by_characteristic["Religion"]
    assert "Jewish" not in religion
    assert "Groups with small numbers are not compared here" in religion
    assert paragraphs[-1] == "The action plan applies equally to every resident."
    # The exact report, for the case team, names it.
    exact = committee.produce(population.authority, start, end, narrative, "exact")
    exact_paragraphs = next(s for s in _walk(exact.sections) if s.id == "equalities").paragraphs
    assert any("Jewish (3.00 per 10,000" in p for p in exact_paragraphs)


def test_the_equalities_paragraph_with_no_referrals_says_so(population):
    narrative = committee.Narrative(title="Report", board_name=BOARD)
    report = committee.produce(
        population.authority,
        datetime.date(2024, 4, 1),
        datetime.date(2025, 3, 31),
        narrative,
        "board",
    )
    paragraphs = next(s for s in _walk(report.sections) if s.id == "equalities").paragraphs
    assert "Age band: there were no referrals to compare with the population." in paragraphs


# --- audit ---------------------------------------------------------------------------------


def test_building_saving_generating_and_downloading_are_audited(as_user, world):
    lead = world["coordinator"]
    client = as_user(lead)
    f.board(world)
    response = client.post(
        reverse("reports:committee_create"),
        {
            "board": f.board(world).pk,
            "date_from_day": "1",
            "date_from_month": "4",
            "date_from_year": "2024",
            "date_to_day": "31",
            "date_to_month": "3",
            "date_to_year": "2025",
            "audience": "board",
        },
    )
    report = CommitteeReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:committee", args=[report.pk]
    )
    assert report.summary.startswith("An update on how Testborough")
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="reports.committeereport"
    ).exists()

    page = client.get(reverse("reports:committee", args=[report.pk]))
    assert page.status_code == 200 and "Preview with today" in page.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="reports.committeereport", object_id=str(report.pk)
    ).exists()

    form = {
        name: value
        for name, value in services.default_narrative(
            world.authority,
            report.board,
            report.period_start,
            report.period_end,
            report.officer_contact,
        ).items()
    }
    form.update(
        wards="All",
        status="Public",
        enclosures="None",
        audience="board",
        summary="Referrals rose this year; training reached more schools.",
    )
    saved = client.post(reverse("reports:committee_edit", args=[report.pk]), form)
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.summary == "Referrals rose this year; training reached more schools."
    change = AuditEvent.objects.get(
        action=AuditAction.CHANGE, object_type="reports.committeereport"
    )
    assert change.detail["fields"] == ["summary"]

    generated = client.post(reverse("reports:committee_generate", args=[report.pk]))
    assert generated.status_code == 302
    version = CommitteeReportVersion.objects.get()
    assert generated["Location"] == reverse("reports:committee_version", args=[report.pk, 1])
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="reports.committeereportversion"
        )
        .get()
        .detail["audience"]
        == "board"
    )
    assert version.generated_by == lead
    assert client.get(generated["Location"]).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="reports.committeereportversion"
    ).exists()


# --- who may do what -----------------------------------------------------------------------


def test_a_board_member_reads_board_versions_but_never_exact_ones_nor_edits(client, world):
    board_version = f.committee_version(world, audience="board")
    exact_report = services.create_committee_report(
        world.authority,
        board=f.board(world),
        start=f.FY_START,
        end=f.FY_END,
        audience="exact",
        acting_user=world["coordinator"],
    )
    exact_version = services.generate_committee_version(
        exact_report, acting_user=world["coordinator"]
    )
    member = sign_in(client, world["board_member"])
    ok = member.get(
        reverse("reports:committee_version_download", args=[board_version.report_id, 1, "pdf"])
    )
    assert ok.status_code == 200 and ok.content == board_version.file("pdf")
    assert (
        member.get(
            reverse("reports:committee_version_download", args=[exact_version.report_id, 1, "pdf"])
        ).status_code
        == 403
    )
    assert (
        member.get(
            reverse("reports:committee_version", args=[exact_version.report_id, 1])
        ).status_code
        == 403
    )
    # The exact report's page previews it for the board audience the member may have.
    page = member.get(reverse("reports:committee", args=[exact_report.pk]))
    assert page.status_code == 200
    assert 'data-audience="board"' in page.content.decode()
    assert "Generate a version" not in page.content.decode()
    assert member.get(reverse("reports:committee_edit", args=[exact_report.pk])).status_code == 403
    assert (
        member.post(reverse("reports:committee_generate", args=[exact_report.pk])).status_code
        == 403
    )
    assert CommitteeReportVersion.objects.count() == 2


def test_another_authority_cannot_see_a_committee_report(client, world):
    version = f.committee_version(world)
    other = sign_in(client, world["other_coordinator"])
    for url in (
        reverse("reports:committee", args=[version.report_id]),
        reverse("reports:committee_edit", args=[version.report_id]),
        reverse("reports:committee_version", args=[version.report_id, 1]),
        reverse("reports:committee_version_download", args=[version.report_id, 1, "docx"]),
    ):
        assert other.get(url).status_code == 404, url
    assert "Testborough" not in other.get(reverse("reports:committee_list")).content.decode()


def test_a_board_of_another_authority_cannot_be_chosen(world):
    from dueregard.governance import services as governance

    theirs = governance.create_board(
        world.other_authority,
        {
            "name": "Otherton Board",
            "kind": "partnership_board",
            "remit": "Oversight.",
            "meeting_frequency": "quarterly",
        },
        acting_user=world["other_coordinator"],
    )
    with pytest.raises(Exception) as refused:
        services.create_committee_report(
            world.authority,
            board=theirs,
            start=f.FY_START,
            end=f.FY_END,
            acting_user=world["coordinator"],
        )
    assert "board" in str(refused.value)


def test_the_create_page_offers_the_partnership_board_and_the_last_financial_year(as_user, world):
    f.board(world)
    page = as_user(world["coordinator"]).get(reverse("reports:committee_create")).content.decode()
    assert BOARD in page
    assert 'name="audience" value="board"' in page and "checked" in page
    assert 'name="audience" value="exact"' in page  # the lead may have exact figures


def test_the_narrative_form_names_the_field_in_error(as_user, world):
    report = f.committee_report(world)
    response = as_user(world["coordinator"]).post(
        reverse("reports:committee_edit", args=[report.pk]),
        {"title": "  ", "wards": "All", "status": "Public", "audience": "board"},
    )
    assert response.status_code == 400  # as every form page that shows errors
    page = response.content.decode()
    assert 'href="#id_title"' in page  # the error summary links to the title field
    assert "govuk-error-summary" in page
    report.refresh_from_db()
    assert report.title == "Prevent duty performance report"


# --- the command ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, message",
    [
        ([], "needs --board"),
        (["--board", "No such board"], "No board 'No such board' in Testborough. Its boards:"),
        (["--board", BOARD, "--format", "csv"], "produced as docx, pdf, html, not csv"),
        (["--board", BOARD, "--format", "pdf"], "writes a binary file: give -o FILE"),
    ],
)
def test_the_committee_command_explains_what_is_wrong(world, extra, message):
    f.board(world, BOARD)
    args = ["report", "committee", "--authority", world.authority.ons_code]
    args += ["--from", "2024-04-01", "--to", "2025-03-31"]
    if "--format" not in extra:
        args += ["--format", "docx", "-o", "/dev/null"] if extra else ["--format", "docx"]
    with pytest.raises(CommandError, match=message):
        call_command(*args, *extra)
    assert not CommitteeReportVersion.objects.exists()


def test_the_command_finds_the_board_by_id_uses_the_saved_narrative_and_audits(world, tmp_path):
    report = f.committee_report(world)
    services.update_committee_report(
        report, {"summary": "Saved on the page."}, acting_user=world["coordinator"]
    )
    out = tmp_path / "report.docx"
    call_command(
        "report",
        "committee",
        "--authority",
        world.authority.ons_code,
        "--board",
        str(report.board_id),
        "--from",
        "2024-04-01",
        "--to",
        "2025-03-31",
        "--format",
        "docx",
        "-o",
        str(out),
        stderr=io.StringIO(),
    )
    document = Document(str(out))
    assert "Saved on the page." in [p.text for p in document.paragraphs]
    assert document.sections[0].header.paragraphs[0].text == OFFICIAL
    assert CommitteeReport.objects.count() == 1  # the saved report, not a new one
    export = AuditEvent.objects.get(
        action=AuditAction.EXPORT, object_type="reports.committeereportversion"
    )
    assert export.detail["via"] == "command" and export.detail["format"] == "docx"


def test_json_of_a_version_round_trips(world):
    version = f.committee_version(world)
    text = json.dumps(version.content)
    assert codec.to_data(codec.from_data(json.loads(text))) == version.content
    assert Audience(version.audience) == Audience.BOARD


def test_the_board_reads_the_latest_compliance_of_each_organisation_and_level():
    from dueregard.reports.data import Column, Table

    table = Table(
        id="compliance",
        title="Compliance by organisation, level and date",
        columns=[
            Column("label", "Organisation", "label"),
            Column("level", "Level", "label"),
            Column("as_of", "As of", "date"),
            Column("compliant", "Compliant"),
        ],
        rows=[
            {"label": "Trust A", "level": "WRAP", "as_of": "2024-06-30", "compliant": 40},
            {"label": "Trust A", "level": "WRAP", "as_of": "2024-12-31", "compliant": 44},
            {"label": "Trust A", "level": "Basic", "as_of": "2024-06-30", "compliant": 90},
            {"label": "Council", "level": "WRAP", "as_of": "2024-09-30", "compliant": 12},
        ],
    )
    latest = committee.latest_compliance(table)
    assert [(r["label"], r["level"], r["compliant"]) for r in latest.rows] == [
        ("Trust A", "WRAP", 44),
        ("Trust A", "Basic", 90),
        ("Council", "WRAP", 12),
    ]
    assert "latest" in latest.title
