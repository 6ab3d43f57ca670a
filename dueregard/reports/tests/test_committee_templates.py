"""Committee report templates (issue 17 items 1-3): the two presets with every section of
the seeds, copying and editing a template, the narrative by section, the clearance checklist
before a version is final, the appendices drawn from records and exempt appendices kept
out of the public files."""

from __future__ import annotations

import datetime
import io
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.reports import appendices, codec, disclosure, services, templates_presets
from dueregard.reports.data import Suppressed
from dueregard.reports.models import CommitteeReportFinal, ReportTemplate

from . import factories as f

pytestmark = pytest.mark.django_db

BARNET_HEADINGS = [
    "Summary",
    "Recommendations",
    "1. Why this report is needed",
    "2. Reasons for recommendations",
    "3. Alternative options considered and not recommended",
    "4. Post decision implementation",
    "5. Implications of decision",
    "5.1 Corporate priorities and performance",
    "5.3 Social value",
    "5.4 Legal and constitutional references",
    "5.5 Risk management",
    "5.6 Equalities and diversity",
    "5.7 Corporate parenting",
    "5.8 Consultation and engagement",
    "5.9 Insight",
    "6. Background papers",
]
BARKING_HEADINGS = [
    "Summary",
    "Recommendations",
    "Reasons",
    "1. Introduction and background",
    "6. Consultation",
    "7. Financial implications",
    "8. Legal implications",
    "9. Other implications",
    "9.1 Risk management",
    "9.2 Staffing issues",
    "9.3 Corporate policy and customer impact",
    "9.4 Safeguarding children",
    "9.5 Health issues",
    "9.6 Crime and disorder issues",
    "9.7 Property and asset issues",
    "Public background papers used in the preparation of the report",
    "List of appendices",
]


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(content)
        return subprocess.run(  # noqa: S603
            ["pdftotext", str(path), "-"],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def titles(data: dict) -> list[str]:
    return [s["title"] for s in data["sections"]]


@pytest.fixture
def lead(world):
    return world["coordinator"]


@pytest.fixture
def barnet(world, lead):
    return services.copy_template(world.authority, preset="barnet", acting_user=lead)


def templated_report(world, template, lead):
    return services.create_committee_report(
        world.authority,
        board=f.board(world),
        start=f.FY_START,
        end=f.FY_END,
        audience="board",
        acting_user=lead,
        template=template,
    )


def action_plan(world, lead, title="Deliver refresher training to every designated lead"):
    from dueregard.assurance import services as assurance

    strategy = assurance.create_strategy(
        authority=world.authority,
        title="Prevent strategy 2024 to 2027",
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2027, 3, 31),
        objective="Stop people being drawn into terrorism.",
        acting_user=lead,
    )
    return assurance.add_action(
        strategy,
        reference="2.1",
        title=title,
        owner="A. Fictional",
        agency="Testborough Council",
        added_on=datetime.date(2024, 5, 1),
        target_date=datetime.date(2025, 3, 31),
        status="on_track",
        acting_user=lead,
    )


# --- presets and templates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "headings"), [("barnet", BARNET_HEADINGS), ("barking-dagenham", BARKING_HEADINGS)]
)
def test_each_preset_has_every_section_of_its_seed(key, headings):
    preset = templates_presets.preset(key)
    found = [s["title"] for s in preset["sections"]]
    for heading in headings:
        assert heading in found
    assert any(s["kind"] == "figures" for s in preset["sections"])
    assert any(s["kind"] == "records" for s in preset["sections"])
    assert preset["clearance_roles"]


def test_barnet_resources_and_clearance_roles_are_the_seeds():
    preset = templates_presets.preset("barnet")
    resources = next(s for s in preset["sections"] if s["key"] == "resources")
    for part in ("finance", "procurement", "staffing", "IT", "property", "sustainability"):
        assert part in resources["title"]
    assert preset["clearance_roles"] == [
        "Committee chairman",
        "Chief officer",
        "Legal",
        "Finance",
        "Governance",
    ]


def test_every_appendix_is_available_to_any_template(world, lead, barnet):
    text = (
        templates_presets.sections_text(barnet.sections[:2])
        + "\n"
        + "\n".join(f"records | {key} | Appendix {key}" for key in appendices.APPENDICES)
    )
    sections = services.parse_sections(text)
    services.update_template(
        barnet,
        name="All appendices",
        sections=sections,
        clearance_roles=["Legal"],
        acting_user=lead,
    )
    report = templated_report(world, barnet, lead)
    built = services.preview_committee_report(report, "board", acting_user=lead)
    data = codec.to_data(built)
    for key in appendices.APPENDICES:
        assert f"Appendix {key}" in titles(data)


def test_a_copy_is_the_authoritys_own_and_the_preset_is_unchanged(world, lead, barnet):
    assert barnet.authority == world.authority
    assert barnet.based_on == "barnet"
    assert barnet.name == "Committee report (Barnet style)"
    barnet.sections[0]["title"] = "Changed"
    assert templates_presets.preset("barnet")["sections"][0]["title"] == "Summary"
    again = services.copy_template(world.authority, template=barnet, name="Mine", acting_user=lead)
    assert again.pk != barnet.pk and again.name == "Mine"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(again.pk)).exists()


def test_a_lead_adds_removes_renames_and_reorders_sections(world, lead, barnet):
    lines = templates_presets.sections_text(barnet.sections).splitlines()
    summary, recommendations = lines[0], lines[1]
    assert summary == "narrative | summary | Summary"
    edited = [
        recommendations.replace("Recommendations", "Officers' recommendations"),  # renamed
        summary,  # moved below
        *[line for line in lines[2:] if "5.3 Social value" not in line],  # removed
        "narrative | | 7. Hate crime and community tension",  # added
    ]
    sections = services.parse_sections("\n".join(edited))
    services.update_template(
        barnet,
        name="Our committee report",
        sections=sections,
        clearance_roles=["Chief officer", "Legal"],
        acting_user=lead,
    )
    barnet.refresh_from_db()
    found = [s["title"] for s in barnet.sections]
    assert found[:2] == ["Officers' recommendations", "Summary"]
    assert "5.3 Social value" not in found
    assert found[-1] == "7. Hate crime and community tension"
    legal = next(s for s in barnet.sections if s["key"] == "legal")
    assert "Counter-Terrorism and Security Act 2015" in legal["text"]  # standard text kept
    assert barnet.clearance_roles == ["Chief officer", "Legal"]
    report = templated_report(world, barnet, lead)
    data = codec.to_data(services.preview_committee_report(report, "board", acting_user=lead))
    assert titles(data)[1:3] == ["Officers' recommendations", "Summary"]


def test_a_bad_section_line_is_named_and_nothing_is_saved(world, lead, barnet):
    before = list(barnet.sections)
    with pytest.raises(ValidationError) as error:
        services.parse_sections(
            "narrative | | Summary\nfigures | nonsense | 1.1 Figures\nrecords | action_plan |"
        )
    messages = error.value.message_dict["sections"]
    assert any(m.startswith("Line 2: figures must name one of") for m in messages)
    assert "Line 3: enter the section's title" in messages
    with pytest.raises(ValidationError) as duplicate:
        services.parse_sections("records | risk_register | A\nrecords | risk_register | B")
    assert "Line 2: risk_register is already in the template" in str(duplicate.value)
    barnet.refresh_from_db()
    assert barnet.sections == before


def test_another_authority_cannot_use_the_template(world, lead, barnet):
    other = world.other_authority
    with pytest.raises((ValidationError, PermissionDenied)):
        services.create_committee_report(
            other,
            board=f.board(world),
            start=f.FY_START,
            end=f.FY_END,
            acting_user=None,
            template=barnet,
        )


# --- narrative and clearance ------------------------------------------------------------------


def test_the_narrative_is_held_by_section_and_the_page_lists_the_empty_ones(world, lead, barnet):
    report = templated_report(world, barnet, lead)
    empty = [e["title"] for e in services.empty_narrative_sections(report)]
    assert "5.3 Social value" in empty and "Summary" not in empty  # drafted
    assert "5.4 Legal and constitutional references" not in empty  # standard text
    services.update_committee_report(
        report,
        {"narrative": {"social_value": "Local providers deliver the projects."}},
        acting_user=lead,
    )
    report.refresh_from_db()
    assert "5.3 Social value" not in [e["title"] for e in services.empty_narrative_sections(report)]
    version = services.generate_committee_version(report, acting_user=lead)
    social = next(s for s in version.content["sections"] if s["id"] == "social_value")
    assert social["paragraphs"] == ["Local providers deliver the projects."]
    with pytest.raises(ValidationError) as error:
        services.update_committee_report(
            report, {"narrative": {"not_a_section": "x"}}, acting_user=lead
        )
    assert "not_a_section" in str(error.value)


def test_the_figures_and_their_sentences_come_from_the_records(world, lead, barnet):
    f.referrals_with_known_groups(world)
    report = templated_report(world, barnet, lead)
    data = codec.to_data(services.preview_committee_report(report, "board", acting_user=lead))
    casework = next(s for s in data["sections"] if s["id"] == "casework")
    assert casework["title"] == "1.1 Referrals and Channel casework"
    assert casework["tables"] and "referrals were received" in casework["paragraphs"][0]


def test_clearance_must_be_complete_before_a_version_is_final(world, lead, barnet):
    report = templated_report(world, barnet, lead)
    version = services.generate_committee_version(report, acting_user=lead)
    with pytest.raises(ValidationError) as error:
        services.mark_committee_final(version, acting_user=lead)
    missing = error.value.message_dict["clearance"]
    assert len(missing) == 5 and missing[0].startswith("Committee chairman")
    clearance = {
        role: {"name": f"Fictional {role}", "date": datetime.date(2025, 5, 1)}
        for role in barnet.clearance_roles
    }
    clearance["Governance"] = {"name": "Fictional Governance", "date": ""}  # no date
    services.update_committee_report(report, {"clearance": clearance}, acting_user=lead)
    report.refresh_from_db()
    assert services.clearance_missing(report) == ["Governance"]
    with pytest.raises(ValidationError):
        services.mark_committee_final(version, acting_user=lead)
    with pytest.raises(ValidationError) as bad:
        services.update_committee_report(
            report,
            {"clearance": {"Governance": {"name": "X", "date": "31/02/2025"}}},
            acting_user=lead,
        )
    assert "Governance" in str(bad.value)
    services.update_committee_report(
        report,
        {"clearance": {"Governance": {"name": "Fictional Governance", "date": "2025-05-02"}}},
        acting_user=lead,
    )
    report.refresh_from_db()
    final = services.mark_committee_final(version, acting_user=lead)
    assert final.clearance["Governance"] == {"name": "Fictional Governance", "date": "2025-05-02"}
    assert CommitteeReportFinal.objects.get(version=version).clearance["Legal"]["name"] == (
        "Fictional Legal"
    )
    # Frozen: no more edits or versions, and the record stays.
    with pytest.raises(services.ReportFinal):
        services.update_committee_report(report, {"title": "Changed"}, acting_user=lead)
    with pytest.raises(services.ReportFinal):
        services.generate_committee_version(report, acting_user=lead)
    with pytest.raises(TypeError):
        final.save()
    with pytest.raises(TypeError):
        final.delete()
    # The checklist is kept in the record, not in the published files.
    for format_id, text in (
        ("docx", docx_text(version.docx)),
        ("pdf", pdf_text(version.pdf)),
        ("html", bytes(version.html).decode()),
    ):
        assert "Fictional Legal" not in text, format_id
        assert "5.4 Legal and constitutional references" in text, format_id


def test_only_the_latest_version_can_be_marked_final(world, lead, barnet):
    report = templated_report(world, barnet, lead)
    first = services.generate_committee_version(report, acting_user=lead)
    services.generate_committee_version(report, acting_user=lead)
    services.update_committee_report(
        report,
        {"clearance": {r: {"name": "N", "date": "2025-05-01"} for r in barnet.clearance_roles}},
        acting_user=lead,
    )
    with pytest.raises(ValidationError) as error:
        services.mark_committee_final(first, acting_user=lead)
    assert "version 2" in str(error.value)


# --- appendices -----------------------------------------------------------------------------


def test_the_action_plan_appendix_has_owners_targets_rag_and_latest_update(world, lead, barnet):
    from dueregard.assurance import services as assurance

    action = action_plan(world, lead)
    assurance.record_action_update(
        action,
        recorded_on=datetime.date(2025, 1, 10),
        status="at_risk",
        target_date=datetime.date(2025, 3, 31),
        owner="A. Fictional",
        agency="Testborough Council",
        note="Two sessions moved to spring.",
        acting_user=lead,
    )
    section = appendices.build("action_plan", world.authority, f.FY_START, f.FY_END)
    row = section.tables[0].rows[0]
    assert row["owner"] == "A. Fictional (Testborough Council)"
    assert row["target"] == datetime.date(2025, 3, 31)
    assert row["rag"] == "At risk"
    assert row["update"] == "10 January 2025: Two sessions moved to spring."


def test_an_appendix_without_records_says_so(world):
    section = appendices.build("sharing_agreements", world.authority, f.FY_START, f.FY_END)
    assert section.tables == [] and section.paragraphs == ["None recorded."]


def test_exits_from_channel_count_people_and_are_protected_for_the_audience(world, lead):
    from dueregard.casework.models import ExitReason, Referral

    reason = ExitReason.objects.order_by("order").first()
    made = [
        f.referral(
            world,
            received_on=datetime.date(2024, 5, 1),
            age=30,
            gender="male",
            adopted_on=datetime.date(2024, 5, 20),
            name=f"Exit{n}",
        )
        for n in range(3)
    ]
    Referral.objects.filter(pk__in=[r.pk for r in made]).update(
        left_channel_on=datetime.date(2024, 11, 1), exit_reason=reason
    )
    section = appendices.build("channel_exits", world.authority, f.FY_START, f.FY_END)
    table = section.tables[0]
    assert {r["label"]: r["count"] for r in table.rows} == {reason.label: 3, "Total": 3}
    report = f.report_with(table)
    protected = disclosure.apply(report, "public")
    cells = [r["count"] for r in protected.table(table.id).rows]
    assert all(isinstance(c, Suppressed) for c in cells)


def test_an_exempt_appendix_goes_into_its_own_file_never_the_public_one(world, lead, barnet):
    action_plan(world, lead, title="Fictional exempt action for the panel")
    report = templated_report(world, barnet, lead)
    with pytest.raises(ValidationError) as bad:
        services.update_committee_report(
            report, {"exempt": {"appendix_action_plan": "9"}}, acting_user=lead
        )
    assert "Schedule 12A" in str(bad.value)
    services.update_committee_report(
        report, {"exempt": {"appendix_action_plan": "7"}}, acting_user=lead
    )
    report.refresh_from_db()
    version = services.generate_committee_version(report, acting_user=lead)
    assert version.has_exempt
    public = {
        "docx": docx_text(version.docx),
        "pdf": pdf_text(version.pdf),
        "html": bytes(version.html).decode(),
    }
    exempt = {
        "docx": docx_text(version.exempt_docx),
        "pdf": pdf_text(version.exempt_pdf),
        "html": bytes(version.exempt_html).decode(),
    }
    for format_id in ("docx", "pdf", "html"):
        assert "Fictional exempt action" not in public[format_id], format_id
        assert "paragraph 7 of Part 1 of Schedule 12A" in public[format_id].replace("\n", " ")
        assert "Fictional exempt action" in exempt[format_id].replace("\n", " "), format_id
    got = services.download_committee_version(version, "pdf", acting_user=lead, part="exempt")
    assert got == bytes(version.exempt_pdf)
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert event.detail["part"] == "exempt"
    other = f.committee_version(world)
    with pytest.raises(ValidationError):
        services.download_committee_version(other, "pdf", acting_user=lead, part="exempt")


# --- the pages ------------------------------------------------------------------------------


def test_a_lead_copies_a_preset_writes_sections_clears_and_marks_final_on_the_pages(world, client):
    from django.urls import reverse

    from conftest import sign_in

    lead = world["coordinator"]
    sign_in(client, lead)
    board = f.board(world)
    response = client.post(
        reverse("reports:committee_templates"), {"preset": "barking-dagenham", "name": ""}
    )
    template = ReportTemplate.objects.get(authority=world.authority)
    assert response.status_code == 302
    bad = client.post(
        reverse("reports:committee_template_edit", args=[template.pk]),
        {
            "name": "Cabinet",
            "sections": "narrative | | Summary\nrecords | nope | X",
            "clearance_roles": "Legal",
        },
    )
    assert bad.status_code == 400 and "Line 2: an appendix must name one of" in bad.content.decode()
    report = templated_report(world, template, lead)
    assert report.board == board
    page = client.get(reverse("reports:committee", args=[report.pk])).content.decode()
    assert "9.2 Staffing issues" in page  # listed as empty
    response = client.post(
        reverse("reports:committee_sections", args=[report.pk]),
        {"n_staffing": "No staffing implications.", "x_appendix_risk_register": "3"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narrative["staffing"] == "No staffing implications."
    assert report.exempt == {"appendix_risk_register": "3"}
    data = {}
    for n in range(len(template.clearance_roles)):
        data |= {
            f"name_{n}": f"Fictional {n}",
            f"date_{n}_day": "2",
            f"date_{n}_month": "5",
            f"date_{n}_year": "2025",
        }
    assert (
        client.post(reverse("reports:committee_clearance", args=[report.pk]), data).status_code
        == 302
    )
    client.post(reverse("reports:committee_generate", args=[report.pk]))
    client.post(reverse("reports:committee_mark_final", args=[report.pk, 1]))
    page = client.get(reverse("reports:committee_version", args=[report.pk, 1])).content.decode()
    assert "Final version" in page and "Fictional 0" in page
    exempt = client.get(
        reverse("reports:committee_version_download_exempt", args=[report.pk, 1, "docx"])
    )
    assert exempt.status_code == 200 and b"".join(exempt) == bytes(
        report.versions.get().exempt_docx
    )
