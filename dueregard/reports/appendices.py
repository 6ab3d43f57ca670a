"""Appendices drawn from the records: each is a `Section` of tables that any committee
report template can include (a template section of kind ``records``).

Each builder takes the authority and period and reads the domain apps' own records; the
tables are lists of records (text and dates), except the exits from Channel, which count
people and so go through disclosure control for the audience with the rest of the report
(`sensitive_columns` names the count). Archived records are left out.

Seed items with no source in the records (reported in docs/committee-report.md): the
trainers' "risks and issues" (002 T7) — a trainer or session holds no risks or issues;
and the governance structure is shown as "reports to" in the board table, not as a chart.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Count

from .data import Column, Section, Table

NO_RECORDS = "None recorded."

Builder = Callable[[Any, datetime.date, datetime.date], list[Table]]


def _table(
    table_id: str, title: str, columns: list[tuple[str, str, str]], rows: list[dict[str, Any]]
) -> Table:
    return Table(
        id=f"appendix-{table_id}",
        title=title,
        columns=[Column(c, t, k) for c, t, k in columns],  # type: ignore[arg-type]
        rows=rows,
        sensitive_columns=[],
    )


def action_plan(authority: Any, start: datetime.date, end: datetime.date) -> list[Table]:
    from dueregard.assurance.models import Action

    rows = []
    actions = (
        Action.objects.filter(authority=authority, archived=False, added_on__lte=end)
        .select_related("strategy")
        .prefetch_related("updates")
        .order_by("strategy__period_start", "reference", "pk")
    )
    for action in actions:
        updates = [u for u in action.updates.all() if u.recorded_on <= end]
        latest = max(updates, key=lambda u: (u.recorded_on, u.pk), default=None)
        rows.append(
            {
                "reference": action.reference,
                "action": action.title,
                "owner": f"{action.owner} ({action.agency})" if action.agency else action.owner,
                "target": action.target_date,
                "rag": action.get_status_display(),
                "update": (
                    f"{latest.recorded_on.day} {latest.recorded_on:%B %Y}: {latest.note}"
                    if latest
                    else NO_RECORDS
                ),
            }
        )
    return [
        _table(
            "action-plan",
            "Action plan: owners, target dates, status (RAG) and the latest update",
            [
                ("reference", "Ref", "label"),
                ("action", "Action", "text"),
                ("owner", "Owner", "text"),
                ("target", "Target date", "date"),
                ("rag", "Status (RAG)", "text"),
                ("update", "Latest update", "text"),
            ],
            rows,
        )
    ]


def ctlp(authority: Any, start: datetime.date, end: datetime.date) -> list[Table]:
    from dueregard.assurance.models import CTLP

    profiles = list(
        CTLP.objects.filter(authority=authority, issued_on__lte=end)
        .prefetch_related("recommendations")
        .order_by("-issued_on", "-pk")[:1]
    )
    if not profiles:
        return []
    profile = profiles[0]
    day = f"{profile.issued_on.day} {profile.issued_on:%B %Y}"
    points = [line.strip() for line in profile.key_points.splitlines() if line.strip()]
    return [
        _table(
            "ctlp-key-points",
            f"{profile.title} ({day}): key points",
            [("number", "No.", "label"), ("point", "Key point", "text")],
            [{"number": str(n), "point": p} for n, p in enumerate(points, 1)],
        ),
        _table(
            "ctlp-responses",
            f"{profile.title}: recommendations and our response",
            [
                ("number", "No.", "label"),
                ("recommendation", "Recommendation", "text"),
                ("response", "Response", "text"),
                ("owner", "Owner", "text"),
                ("status", "Status", "text"),
            ],
            [
                {
                    "number": str(r.number),
                    "recommendation": r.text,
                    "response": r.response or NO_RECORDS,
                    "owner": r.response_owner,
                    "status": r.get_response_status_display(),
                }
                for r in sorted(profile.recommendations.all(), key=lambda r: r.number)
            ],
        ),
    ]


def risk_register(authority: Any, start: datetime.date, end: datetime.date) -> list[Table]:
    from dueregard.assurance.models import Risk

    risks = Risk.objects.filter(authority=authority, archived=False).order_by("reference", "pk")
    return [
        _table(
            "risk-register",
            "Risk register: owners and ratings",
            [
                ("reference", "Ref", "label"),
                ("risk", "Risk", "text"),
                ("owner", "Owner", "text"),
                ("likelihood", "Likelihood", "text"),
                ("impact", "Impact", "text"),
                ("rating", "Rating", "text"),
                ("trend", "Trend", "text"),
                ("review", "Next review", "date"),
            ],
            [
                {
                    "reference": r.reference,
                    "risk": f"{r.theme}: {r.description}",
                    "owner": f"{r.owner} ({r.agency})" if r.agency else r.owner,
                    "likelihood": r.get_likelihood_display(),
                    "impact": r.get_impact_display(),
                    "rating": r.get_rating_display() if r.rating else "Not rated",
                    "trend": r.get_trend_display(),
                    "review": r.review_date,
                }
                for r in risks
            ],
        )
    ]


def boards(authority: Any, start: datetime.date, end: datetime.date) -> list[Table]:
    from dueregard.governance.models import Board, ReportingCommitment, ScheduledReport

    rows = []
    commitments = (
        ReportingCommitment.objects.filter(authority=authority, archived=False)
        .select_related("board", "board__reports_to")
        .order_by("board__name", "title")
    )
    for c in commitments:
        schedule = list(ScheduledReport.objects.filter(commitment=c))
        presented = [s.presented_on for s in schedule if s.presented_on and s.presented_on <= end]
        due = [s.due_on for s in schedule if s.due_on and s.due_on > end and not s.presented_on]
        rows.append(
            {
                "board": c.board.name,
                "reports_to": c.board.reports_to.name if c.board.reports_to else NO_ENTRY,
                "focus": f"{c.title}: {c.area_of_focus}" if c.area_of_focus else c.title,
                "frequency": c.get_frequency_display(),
                "last": max(presented) if presented else None,
                "next": min(due) if due else None,
            }
        )
    without = Board.objects.filter(authority=authority, archived=False).exclude(
        pk__in=[c.board_id for c in commitments]
    )
    for b in without.select_related("reports_to").order_by("name"):
        rows.append(
            {
                "board": b.name,
                "reports_to": b.reports_to.name if b.reports_to else NO_ENTRY,
                "focus": b.remit,
                "frequency": b.get_meeting_frequency_display(),
                "last": None,
                "next": None,
            }
        )
    return [
        _table(
            "boards",
            "Boards: focus, frequency, last and next update, and who each reports to",
            [
                ("board", "Board", "label"),
                ("reports_to", "Reports to", "text"),
                ("focus", "Area of focus", "text"),
                ("frequency", "Frequency", "text"),
                ("last", "Last update", "date"),
                ("next", "Next update", "date"),
            ],
            rows,
        )
    ]


NO_ENTRY = "\N{EN DASH}"


def projects(authority: Any, start: datetime.date, end: datetime.date) -> list[Table]:
    from dueregard.engagement.models import Project

    found = (
        Project.objects.filter(authority=authority, archived=False)
        .filter(starts_on__lte=end, ends_on__gte=start)
        .prefetch_related("outputs")
        .order_by("title")
    )
    return [
        _table(
            "projects",
            "Funded projects: aims, expected outcomes and deliverables",
            [
                ("project", "Project", "label"),
                ("provider", "Delivered by", "text"),
                ("aims", "Aims", "text"),
                ("outcomes", "Expected outcomes", "text"),
                ("deliverables", "Deliverables", "text"),
            ],
            [
                {
                    "project": p.title,
                    "provider": p.provider,
                    "aims": p.aims,
                    "outcomes": p.expected_outcomes,
                    "deliverables": "; ".join(o.name for o in p.outputs.all()) or NO_RECORDS,
                }
                for p in found
            ],
        )
    ]


def meeting_topics(authority: Any, start: datetime.date, end: datetime.date) -> list[Table]:
    from dueregard.governance.models import Meeting

    meetings = (
        Meeting.objects.filter(authority=authority, date__range=(start, end))
        .exclude(status="cancelled")
        .select_related("board")
        .order_by("date", "board__name")
    )
    return [
        _table(
            "meeting-topics",
            "Board meetings in the period and their topics",
            [("board", "Board", "label"), ("date", "Date", "date"), ("topics", "Topics", "text")],
            [
                {
                    "board": m.board.name,
                    "date": m.date,
                    "topics": "; ".join(
                        line.strip(" -*•") for line in m.agenda.splitlines() if line.strip()
                    )
                    or NO_RECORDS,
                }
                for m in meetings
            ],
        )
    ]


def sharing_agreements(authority: Any, start: datetime.date, end: datetime.date) -> list[Table]:
    from dueregard.privacy.models import DataSharingAgreement

    agreements = DataSharingAgreement.objects.filter(authority=authority, starts_on__lte=end)
    return [
        _table(
            "sharing-agreements",
            "Information-sharing agreements",
            [
                ("partner", "Partner agency", "label"),
                ("starts", "From", "date"),
                ("ends", "To", "text"),
                ("reference", "Document", "text"),
            ],
            [
                {
                    "partner": a.partner,
                    "starts": a.starts_on,
                    "ends": f"{a.ends_on.day} {a.ends_on:%B %Y}" if a.ends_on else "Open-ended",
                    "reference": a.document_reference or NO_ENTRY,
                }
                for a in agreements.order_by("partner", "-starts_on")
            ],
        )
    ]


def channel_exits(authority: Any, start: datetime.date, end: datetime.date) -> list[Table]:
    """People who left Channel support in the period, by the recorded reason: a count of
    people, so disclosure control protects it for the audience."""
    from dueregard.casework.models import Referral

    counts = (
        Referral.objects.filter(authority=authority, left_channel_on__range=(start, end))
        .values("exit_reason__label")
        .annotate(n=Count("pk"))
        .order_by("exit_reason__label")
    )
    rows: list[dict[str, Any]] = [
        {"label": c["exit_reason__label"] or "Reason not recorded", "count": c["n"]} for c in counts
    ]
    total = sum(r["count"] for r in rows)
    table = Table(
        id="appendix-channel-exits",
        title="People who left Channel support in the period, by reason",
        columns=[Column("label", "Reason for leaving", "label"), Column("count", "People")],
        rows=[*rows, {"label": "Total", "count": total}],
        total_row_label="Total",
        sensitive_columns=["count"],
    )
    return [table]


# id -> (title, builder)
APPENDICES: dict[str, tuple[str, Builder]] = {
    "action_plan": ("Prevent action plan", action_plan),
    "ctlp": ("Counter-Terrorism Local Profile: key points and our response", ctlp),
    "risk_register": ("Prevent risk register", risk_register),
    "boards": ("Boards and reporting", boards),
    "projects": ("Funded projects", projects),
    "meeting_topics": ("Board meetings and their topics", meeting_topics),
    "sharing_agreements": ("Information-sharing agreements", sharing_agreements),
    "channel_exits": ("Exits from Channel by reason", channel_exits),
}


def build(appendix_id: str, authority: Any, start: datetime.date, end: datetime.date) -> Section:
    """The appendix as a section (id and title set by the template)."""
    _, builder = APPENDICES[appendix_id]
    tables = builder(authority, start, end)
    section = Section(id=appendix_id, title=APPENDICES[appendix_id][0], tables=tables)
    if not tables or all(not t.rows for t in tables):
        section.paragraphs.append(NO_RECORDS)
        section.tables = []
    return section
