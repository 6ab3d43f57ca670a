"""The assurance pack: a DOCX that Word (python-docx) opens, and a ZIP of it with the files."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from docx.document import Document as DocxDocument

from dueregard.assurance import services
from dueregard.audit.models import AuditAction, AuditEvent

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def year_2024(world):
    """A self-assessment, two evidence items (one file, one link) and a plan in 2024/25."""
    f.threat_level(world, level="severe", starts_on=D(2021, 11, 15))
    f.threat_level(world, level="substantial", starts_on=D(2022, 2, 9))
    f.assessment(world, benchmark=f.benchmark(1), rating="green")
    f.assessment(world, benchmark=f.benchmark(6), rating="amber", commentary="Turnover.")
    f.evidence(world, file=f.pdf("board.pdf", b"%PDF board"))
    f.evidence(
        world,
        title="Training records",
        category="training_records",
        file=None,
        link="/training/records/",
        benchmarks=[f.benchmark(6)],
        dated=D(2025, 2, 1),
    )
    f.evidence(world, title="Last year's minutes", dated=D(2024, 3, 31))  # 2023/24
    withdrawn = f.evidence(world, title="Withdrawn minutes")
    services.withdraw_evidence(withdrawn, reason="Wrong meeting", acting_user=world["coordinator"])
    action = f.action(world)
    services.record_action_update(
        action,
        recorded_on=D(2024, 11, 1),
        status="complete",
        target_date=action.target_date,
        owner=action.owner,
        agency=action.agency,
        note="Delivered to all partners.",
        acting_user=world["coordinator"],
    )
    return world


def _text(document: DocxDocument) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_pack_docx_holds_benchmarks_assessments_evidence_and_plan(year_2024, as_user):
    client = as_user(year_2024["coordinator"])
    response = client.get(reverse("assurance:pack_docx", args=[2024]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="assurance-pack-E09999801-2024.docx"'
    )
    document = Document(io.BytesIO(response.content))
    text = _text(document)
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert "Prevent duty assurance pack 2024/25" in text
    assert "SUBSTANTIAL (an attack is likely) from 9 February 2022" in text
    summary = document.tables[0]
    assert [c.text for c in summary.rows[1].cells] == [
        "1. Multi-agency partnership group",
        "Green (met)",
        "20 March 2025",
        "1",
    ]
    assert [c.text for c in summary.rows[2].cells][:2] == [
        "2. Local risk assessment process",
        "Not assessed",
    ]
    assert "Turnover." in text
    assert "Partnership board minutes, June 2024" in text
    assert "/training/records/" in text
    assert "Last year's minutes" not in text  # dated in 2023/24
    assert "Withdrawn minutes" not in text
    assert "Share the CTLP with partners" in text
    assert "Complete" in text and "Delivered to all partners." in text
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.object_type, event.detail["format"], event.detail["year"]) == (
        "assurance.pack",
        "docx",
        2024,
    )


def test_the_pack_zip_holds_the_docx_every_evidence_file_and_an_index(year_2024, as_user):
    response = as_user(year_2024["analyst"]).get(reverse("assurance:pack_zip", args=[2024]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert names == [
        "assurance-pack-E09999801-2024.docx",
        "evidence-index.csv",
        "evidence/001-board.pdf",
    ]
    assert archive.read("evidence/001-board.pdf") == b"%PDF board"
    Document(io.BytesIO(archive.read("assurance-pack-E09999801-2024.docx")))
    index = list(csv.DictReader(io.StringIO(archive.read("evidence-index.csv").decode())))
    assert [(row["title"], row["file"], row["link"]) for row in index] == [
        ("Partnership board minutes, June 2024", "evidence/001-board.pdf", ""),
        ("Training records", "", "/training/records/"),
    ]


def test_the_pack_is_for_exporters_of_the_users_own_authority(year_2024, as_user):
    url = reverse("assurance:pack_docx", args=[2024])
    assert as_user(year_2024["board_member"]).get(url).status_code == 403
    other = as_user(year_2024["other_coordinator"]).get(url)
    assert other.status_code == 200
    assert "Partnership board minutes" not in _text(Document(io.BytesIO(other.content)))


def test_the_pack_page_summarises_what_the_year_holds(year_2024, as_user):
    page = as_user(year_2024["coordinator"]).get(reverse("assurance:pack"), {"year": 2024})
    html = page.content.decode()
    assert "2 of 8 benchmarks self-assessed" in html
    assert "2 evidence items dated in the year, 1 with a file" in html
