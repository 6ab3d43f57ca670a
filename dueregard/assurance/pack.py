"""The assurance pack for a financial year: a DOCX of the benchmarks, the council's
self-assessments, the evidence list and the action plan's status, and a ZIP of that DOCX
with every evidence file and an index of the evidence.

Nothing here computes a judgement: ratings and statuses are the council's own records.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.text import get_valid_filename

from dueregard.areas.models import Authority
from dueregard.core import periods
from dueregard.core.csvsafe import safe_row
from dueregard.core.periods import financial_year

from . import metrics
from .models import Action as PlanAction
from .models import Benchmark, Evidence, SelfAssessment, Strategy, long_date
from .queries import evidence_for_year, plan_as_at, threat_levels_between

MARKING = "OFFICIAL-SENSITIVE"


@dataclass
class PackContents:
    """What goes into the pack, read once and shared by the DOCX and the ZIP."""

    authority: Authority
    year: int
    as_at: datetime.date
    benchmarks: list[Benchmark]
    assessments: dict[int, SelfAssessment]
    evidence: list[Evidence]
    strategies: list[Strategy]
    plan: dict[int, list[PlanAction]] = field(default_factory=dict)
    zip_names: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return financial_year(self.year).label

    def evidence_for(self, benchmark: Benchmark) -> list[Evidence]:
        return [e for e in self.evidence if benchmark in e.benchmarks.all()]


def gather(authority: Authority, year: int, today: datetime.date | None = None) -> PackContents:
    period = financial_year(year)
    today = today or periods.today()
    as_at = min(period.end, today)
    benchmarks = list(Benchmark.objects.filter(disabled_on__isnull=True).order_by("number"))
    assessments = {
        a.benchmark_id: a for a in SelfAssessment.objects.filter(authority=authority, year=year)
    }
    evidence = list(evidence_for_year(authority, year))
    strategies = list(
        Strategy.objects.filter(
            authority=authority, period_start__lte=period.end, period_end__gte=period.start
        ).order_by("period_start")
    )
    contents = PackContents(authority, year, as_at, benchmarks, assessments, evidence, strategies)
    for strategy in strategies:
        contents.plan[strategy.pk] = list(
            plan_as_at(PlanAction.objects.filter(strategy=strategy), as_at).order_by(
                "priority__number", "reference", "id"
            )
        )
    for number, item in enumerate((e for e in evidence if e.file), start=1):
        name = get_valid_filename(
            PurePath(item.original_filename or item.file.name or "evidence").name
        )
        contents.zip_names[item.pk] = f"evidence/{number:03d}-{name}"
    return contents


def _where(item: Evidence, contents: PackContents) -> str:
    if item.pk in contents.zip_names:
        return contents.zip_names[item.pk]
    return item.link


def _status_label(value: str | None) -> str:
    from .models import ActionStatus

    return ActionStatus(value).label if value else ""


def build_docx(contents: PackContents) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"  # type: ignore[attr-defined]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    header = document.sections[0].header.paragraphs[0]
    header.text = MARKING
    header.runs[0].bold = True
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{contents.authority.name}: Prevent duty assurance pack {contents.label}"

    document.add_heading(f"Prevent duty assurance pack {contents.label}", level=0)
    document.add_paragraph(
        f"{contents.authority.name}. Produced by Due Regard on "
        f"{long_date(periods.today())}. The plan is shown as it stood on "
        f"{long_date(contents.as_at)}. Ratings are the council's own self-assessment "
        "against the Prevent duty toolkit's benchmarks."
    )

    period = financial_year(contents.year)
    levels = threat_levels_between(period.start, min(period.end, contents.as_at))
    document.add_heading("National threat level", level=1)
    if levels:
        for level in levels:
            document.add_paragraph(
                f"{level.get_level_display()} ({level.meaning}) from {long_date(level.starts_on)}",
                style="List Bullet",
            )
    else:
        document.add_paragraph("No national threat level is recorded for the year.")

    document.add_heading("Self-assessment summary", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells, ["Benchmark", "Rating", "Assessed on", "Evidence items"], strict=True
    ):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    for benchmark in contents.benchmarks:
        assessment = contents.assessments.get(benchmark.pk)
        cells = table.add_row().cells
        cells[0].text = str(benchmark)
        cells[1].text = assessment.get_rating_display() if assessment else "Not assessed"
        cells[2].text = f"{long_date(assessment.assessed_on)}" if assessment else ""
        cells[3].text = str(len(contents.evidence_for(benchmark)))

    for benchmark in contents.benchmarks:
        document.add_heading(str(benchmark), level=1)
        document.add_paragraph(benchmark.description).runs[0].italic = True
        assessment = contents.assessments.get(benchmark.pk)
        if assessment is None:
            document.add_paragraph(f"Not yet assessed for {contents.label}.")
        else:
            rating = document.add_paragraph()
            rating.add_run("Rating: ").bold = True
            rating.add_run(assessment.get_rating_display())
            document.add_heading("Commentary", level=2)
            document.add_paragraph(assessment.commentary)
            if assessment.next_steps:
                document.add_heading("Next steps", level=2)
                document.add_paragraph(assessment.next_steps)
        items = contents.evidence_for(benchmark)
        document.add_heading("Evidence", level=2)
        if not items:
            document.add_paragraph("No evidence is mapped to this benchmark for the year.")
        for item in items:
            document.add_paragraph(
                f"{item.title} ({item.get_category_display()}, {long_date(item.dated)}, "
                f"{item.marking}): {_where(item, contents)}",
                style="List Bullet",
            )

    document.add_heading("Action plan status", level=1)
    if not contents.strategies:
        document.add_paragraph("No strategy covers this year.")
    for strategy in contents.strategies:
        document.add_heading(strategy.title, level=2)
        document.add_paragraph(strategy.objective)
        by_status = metrics.actions_by_status(contents.authority, contents.as_at, strategy)
        overdue = metrics.overdue_actions(contents.authority, contents.as_at, strategy)
        summary = ", ".join(f"{label.lower()} {count}" for label, count in by_status.groups)
        document.add_paragraph(
            f"On {long_date(contents.as_at)}: {by_status.total} actions ({summary}); "
            f"{overdue.overdue} overdue."
        )
        actions = contents.plan.get(strategy.pk, [])
        if not actions:
            continue
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        headings = ["Ref", "Action", "Owner", "Target date", "Status"]
        for cell, title in zip(table.rows[0].cells, headings, strict=True):
            cell.text = title
            cell.paragraphs[0].runs[0].bold = True
        for action in actions:
            cells = table.add_row().cells
            cells[0].text = action.reference
            note = getattr(action, "note_then", "")
            cells[1].text = action.title + (f"\nProgress: {note}" if note else "")
            cells[2].text = f"{action.owner_then}, {action.agency_then}"  # type: ignore[attr-defined]
            target = action.target_then  # type: ignore[attr-defined]
            cells[3].text = f"{long_date(target)}" if target else ""
            cells[4].text = _status_label(action.status_then)  # type: ignore[attr-defined]

    document.add_heading("Evidence index", level=1)
    if not contents.evidence:
        document.add_paragraph(f"No evidence is dated in {contents.label}.")
    else:
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        headings = ["Title", "Date", "Marking", "Benchmarks", "File or link"]
        for cell, title in zip(table.rows[0].cells, headings, strict=True):
            cell.text = title
            cell.paragraphs[0].runs[0].bold = True
        for item in contents.evidence:
            cells = table.add_row().cells
            cells[0].text = item.title
            cells[1].text = f"{long_date(item.dated)}"
            cells[2].text = item.marking
            cells[3].text = ", ".join(str(b.number) for b in item.benchmarks.all())
            cells[4].text = _where(item, contents)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_name(contents: PackContents) -> str:
    return f"assurance-pack-{contents.authority.ons_code}-{contents.year}.docx"


def build_zip(contents: PackContents) -> bytes:
    """The DOCX, every evidence file of the year, and evidence-index.csv."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(docx_name(contents), build_docx(contents))
        index = io.StringIO()
        writer = csv.writer(index)
        writer.writerow(["title", "category", "dated", "marking", "benchmarks", "file", "link"])
        for item in contents.evidence:
            name = contents.zip_names.get(item.pk, "")
            if name:
                with item.file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            writer.writerow(
                safe_row(
                    [
                        item.title,
                        item.get_category_display(),
                        item.dated.isoformat(),
                        item.marking,
                        "; ".join(str(b) for b in item.benchmarks.all()),
                        name,
                        item.link,
                    ]
                )
            )
        archive.writestr("evidence-index.csv", index.getvalue())
    return out.getvalue()
