"""The quarterly grant return as a report: outputs, achievements, issues and spend against
budget for one financial quarter (domain reference §3.4: every funded area returns
"outputs, achievements, issues and expenditure" to the Home Office each quarter).

Figures are taken from other report definitions' builds for the quarter, so each number
is computed in one place: the casework journey (`referral-statistics`), workshops and
reach (`training`), community engagement and project outputs and spend (the community
sections of `assurance`). The lead's own words and budget lines come from the
`GrantReturn`. A draft is built afresh each time; at sign-off `reports.services` freezes
what this builds (exact figures) and shows that from then on.

Table ids (a public interface): `return_details`, `journey`, `reach`,
`community_engagement_summary`, `project_output_totals`, `budget_lines`, `project_spend`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from dueregard.core.figures import percent
from dueregard.core.periods import financial_quarter_of

from . import disclosure, registry
from .committee import paragraphs
from .data import Column, Report, Section, Table, exact_report

REPORT_ID = "grant-return"
FORMATS = ("docx", "xlsx", "pdf")

OUTPUT_TABLES = [
    ("referral-statistics", ["journey"]),
    ("training", ["reach"]),
    ("assurance", ["community_engagement_summary", "project_output_totals"]),
]


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def _tables(report: Report | None, ids: list[str]) -> list[Table]:
    if report is None:
        return []
    found = {t.id: t for t in report.all_tables()}
    return [found[i] for i in ids if i in found]


def budget_table(budget_lines: list[Any]) -> Table:
    rows: list[dict[str, object]] = []
    for line in budget_lines:
        rows.append(
            {
                "label": line.heading,
                "budget": _money(line.budget),
                "spent_in_quarter": _money(line.spent_in_quarter),
                "spent_to_date": _money(line.spent_to_date),
                "remaining": _money(line.budget - line.spent_to_date),
                "percent_spent": percent(int(line.spent_to_date * 100), int(line.budget * 100)),
                "note": line.note,
            }
        )
    if budget_lines:
        budget = sum((line.budget for line in budget_lines), Decimal(0))
        to_date = sum((line.spent_to_date for line in budget_lines), Decimal(0))
        rows.append(
            {
                "label": "Total",
                "budget": _money(budget),
                "spent_in_quarter": _money(
                    sum((line.spent_in_quarter for line in budget_lines), Decimal(0))
                ),
                "spent_to_date": _money(to_date),
                "remaining": _money(budget - to_date),
                "percent_spent": percent(int(to_date * 100), int(budget * 100)),
                "note": "",
            }
        )
    return Table(
        id="budget_lines",
        title="Spend against budget",
        columns=[
            Column("label", "Budget heading", "label"),
            Column("budget", "Budget for the year (£)", "money"),
            Column("spent_in_quarter", "Spent in the quarter (£)", "money"),
            Column("spent_to_date", "Spent in the year to date (£)", "money"),
            Column("remaining", "Remaining (£)", "money"),
            Column("percent_spent", "% of budget spent", "percent"),
            Column("note", "Note", "text"),
        ],
        rows=rows,
        total_row_label="Total" if budget_lines else None,
        sensitive_columns=[],
        notes=[] if budget_lines else ["No budget lines have been entered yet."],
    )


def _details(grant_return: Any) -> Table:
    quarter = financial_quarter_of(grant_return.quarter_start)
    rows = [
        ("Authority", f"{grant_return.authority.name} ({grant_return.authority.ons_code})"),
        (
            "Quarter",
            (
                f"{quarter.label}: {quarter.start.day} {quarter.start:%B %Y} to "
                f"{quarter.end.day} {quarter.end:%B %Y}"
            ),
        ),
        ("Status", grant_return.get_status_display()),
    ]
    if grant_return.is_signed_off:
        by = grant_return.signed_off_by
        name = getattr(by, "full_name", "") or getattr(by, "username", "") or "\N{EN DASH}"
        rows.append(
            (
                "Signed off",
                f"{name}, {timezone.localtime(grant_return.signed_off_at):%-d %B %Y %H:%M}",
            )
        )
    if grant_return.supersedes_id:
        rows.append(("Amends an earlier return", grant_return.amendment_reason))
    return Table(
        id="return_details",
        title="Return details",
        columns=[Column("label", "Item", "label"), Column("value", "Details", "text")],
        rows=[{"label": label, "value": value} for label, value in rows],
        sensitive_columns=[],
    )


def build(grant_return: Any) -> Report:
    """The return with exact figures for its quarter, marked by content."""
    start, end = grant_return.quarter_start, grant_return.quarter_end
    authority = grant_return.authority
    sources: dict[str, Report | None] = {}
    for report_id, _ in OUTPUT_TABLES:
        try:
            sources[report_id] = registry.get(report_id).build(authority, start, end)
        except KeyError:
            sources[report_id] = None
    outputs: list[Table] = []
    for report_id, ids in OUTPUT_TABLES:
        outputs += _tables(sources[report_id], ids)
    spend = _tables(sources["assurance"], ["project_spend"])
    budget_lines = list(grant_return.budget_lines.filter(archived=False).order_by("pk"))
    quarter = financial_quarter_of(start)

    def words(text: str, empty: str) -> list[str]:
        return paragraphs(text) or [empty]

    report = exact_report(
        REPORT_ID,
        f"Prevent grant return, {quarter.label}",
        authority,
        start,
        end,
        sections=[
            Section(id="details", title="Return details", tables=[_details(grant_return)]),
            Section(
                id="outputs",
                title="Outputs",
                paragraphs=[
                    *words(grant_return.outputs_narrative, "No outputs narrative given."),
                    "Figures for the quarter, from the records held in Due Regard:",
                ],
                tables=outputs,
            ),
            Section(
                id="achievements",
                title="Achievements",
                paragraphs=words(grant_return.achievements, "No achievements recorded."),
            ),
            Section(
                id="issues",
                title="Issues and risks",
                paragraphs=words(grant_return.issues, "No issues recorded."),
            ),
            Section(
                id="spend",
                title="Spend against budget",
                tables=[budget_table(budget_lines), *spend],
            ),
        ],
        notes=[
            (
                "Figures are counted from the records held in Due Regard for the quarter; each "
                "table says what it counts."
            )
        ],
        meta={"status": grant_return.status},
    )
    report.marking = disclosure.marking_by_content(report)
    return report
