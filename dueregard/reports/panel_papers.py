"""A Channel panel meeting's papers: its agenda and its minutes, as DOCX or PDF through the
report renderers, marked OFFICIAL-SENSITIVE.

Each paper is built for its reader: the cases in it are those the reader may see on the
meeting's page (a panel member: the cases shared with their panel; the Prevent team and
the chair: all), and the actions those the reader may see. Every download writes an EXPORT
audit event naming the meeting, the paper and the people it showed, in the same
transaction as the rendering.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from dueregard.accounts.models import User
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.casework import queries
from dueregard.casework.models import AgendaItem, MeetingStatus, PanelAction, PanelMeeting

from . import renderers
from .data import OFFICIAL_SENSITIVE, Column, Report, Section, Table

PAPERS = {"agenda": "Agenda", "minutes": "Minutes"}
PAPER_FORMATS = ("docx", "pdf")
HANDLING = (
    "OFFICIAL-SENSITIVE: for the members of the panel only. Do not copy or forward; keep it "
    "secure and destroy it when it is no longer needed for the panel's work."
)


@dataclass(frozen=True)
class Paper:
    report: Report
    person_ids: list[int]


def offered(meeting: PanelMeeting) -> list[str]:
    """The papers a meeting has: an agenda unless it was cancelled, minutes once held."""
    if meeting.status == MeetingStatus.CANCELLED:
        return []
    if meeting.status == MeetingStatus.HELD:
        return ["agenda", "minutes"]
    return ["agenda"]


def _items(meeting: PanelMeeting, user: Any) -> tuple[list[AgendaItem], int]:
    """The agenda items the reader may see, and how many others there are."""
    visible = set(queries.panel_cases_visible_to(user).values_list("pk", flat=True))
    items = list(
        meeting.items.filter(removed_at__isnull=True)
        .select_related("referral__person")
        .order_by("pk")
    )
    shown = [item for item in items if item.referral_id in visible]
    return shown, len(items) - len(shown)


def _actions(user: Any, actions: Any) -> list[PanelAction]:
    return list(
        queries.actions_visible_to(user)
        .filter(pk__in=actions.values("pk"))
        .select_related("owner", "referral")
        .order_by("due_on", "pk")
    )


def _case(item: AgendaItem) -> str:
    return f"{item.referral.person.display_name} ({item.referral.reference})"


def _action_table(table_id: str, title: str, actions: list[PanelAction]) -> Table:
    return Table(
        id=table_id,
        title=title,
        columns=[
            Column("label", "Action", "text"),
            Column("case", "Case", "text"),
            Column("owner", "Owner", "text"),
            Column("due", "Due", "date"),
            Column("status", "Status", "label"),
            Column("progress", "Latest update", "text"),
        ],
        rows=[
            {
                "label": action.description,
                "case": action.referral.reference if action.referral else "\N{EN DASH}",
                "owner": f"{action.owner.name} ({action.owner.agency})",
                "due": action.due_on,
                "status": action.get_status_display(),
                "progress": action.progress or "\N{EN DASH}",
            }
            for action in actions
        ],
        sensitive_columns=[],
    )


def _not_shared(count: int) -> list[str]:
    if not count:
        return []
    cases = "case is" if count == 1 else "cases are"
    return [f"{count} further {cases} on this agenda but not shared with you."]


def _report(meeting: PanelMeeting, paper: str, sections: list[Section]) -> Report:
    return Report(
        id=f"panel-{paper}",
        title=f"{meeting.panel.name}: {PAPERS[paper].lower()} of {meeting.held_on:%-d %B %Y}",
        authority_code=meeting.authority.ons_code,
        authority_name=meeting.authority.name,
        start=meeting.held_on,
        end=meeting.held_on,
        audience="the panel's members",
        generated_at=timezone.localtime(),
        sections=sections,
        marking=OFFICIAL_SENSITIVE,
        notes=[HANDLING],
    )


def agenda(meeting: PanelMeeting, user: Any) -> Paper:
    items, hidden = _items(meeting, user)
    members = meeting.panel.members.filter(active=True).order_by("agency", "name")
    carried = _actions(user, queries.carried_actions(meeting))
    sections = [
        Section(
            id="members",
            title="Panel members",
            tables=[
                Table(
                    id="members",
                    title="Standing members",
                    columns=[
                        Column("label", "Agency", "text"),
                        Column("name", "Name", "text"),
                        Column("role", "Role", "text"),
                    ],
                    rows=[
                        {"label": m.agency, "name": m.name, "role": m.role_title or "\N{EN DASH}"}
                        for m in members
                    ],
                    sensitive_columns=[],
                )
            ],
        ),
        Section(
            id="cases",
            title="Cases for discussion",
            paragraphs=([] if items or hidden else ["No cases are on the agenda yet."])
            + _not_shared(hidden),
            tables=[
                Table(
                    id="cases",
                    title="Cases and why each is listed",
                    columns=[
                        Column("number", "Item", "label"),
                        Column("label", "Case", "text"),
                        Column("reason", "Why it is here", "label"),
                        Column("summary", "What the panel is told", "text"),
                    ],
                    rows=[
                        {
                            "number": str(number),
                            "label": _case(item),
                            "reason": item.get_reason_display(),
                            "summary": item.referral.panel_summary or "Nothing recorded yet.",
                        }
                        for number, item in enumerate(items, start=1)
                    ],
                    sensitive_columns=[],
                )
            ]
            if items
            else [],
        ),
        Section(
            id="carried",
            title="Actions carried from earlier meetings",
            paragraphs=[] if carried else ["None."],
            tables=[_action_table("carried", "Open actions", carried)] if carried else [],
        ),
    ]
    return Paper(_report(meeting, "agenda", sections), [i.referral.person_id for i in items])


def minutes(meeting: PanelMeeting, user: Any) -> Paper:
    items, hidden = _items(meeting, user)
    attendance = list(meeting.attendance.order_by("agency", "name"))
    agreed = _actions(user, meeting.actions.all())
    approved_by = meeting.minutes_approved_by
    approval = (
        f"Approved by {approved_by or 'the chair'} on "
        f"{timezone.localtime(meeting.minutes_approved_at):%-d %B %Y}."
        if meeting.minutes_approved_at is not None
        else "Draft: not yet approved by the chair."
    )
    sections = [
        Section(id="approval", title="Status of these minutes", paragraphs=[approval]),
        Section(
            id="attendance",
            title="Attendance",
            paragraphs=[] if attendance else ["Attendance was not recorded."],
            tables=[
                Table(
                    id="attendance",
                    title="Attendance by agency",
                    columns=[
                        Column("label", "Agency", "text"),
                        Column("name", "Name", "text"),
                        Column("attended", "Attended", "label"),
                    ],
                    rows=[
                        {
                            "label": a.agency,
                            "name": a.name,
                            "attended": "Attended" if a.attended else "Sent apologies",
                        }
                        for a in attendance
                    ],
                    sensitive_columns=[],
                )
            ]
            if attendance
            else [],
        ),
        Section(
            id="decisions",
            title="Cases and decisions",
            paragraphs=([] if items or hidden else ["No cases were on the agenda."])
            + _not_shared(hidden),
            subsections=[
                Section(
                    id=f"item-{number}",
                    title=f"Item {number}: {_case(item)}",
                    paragraphs=[
                        f"Why it was listed: {item.get_reason_display()}.",
                        "Decision: "
                        + (item.get_decision_display() if item.decision else "not recorded")
                        + ".",
                        *(
                            [f"The panel's reasons: {item.decision_reason}"]
                            if item.decision_reason
                            else []
                        ),
                        *([f"Discussion: {item.discussion}"] if item.discussion else []),
                    ],
                )
                for number, item in enumerate(items, start=1)
            ],
        ),
        Section(
            id="actions",
            title="Actions agreed",
            paragraphs=[] if agreed else ["None."],
            tables=[_action_table("actions", "Actions agreed at this meeting", agreed)]
            if agreed
            else [],
        ),
    ]
    if meeting.notes:
        sections.append(Section(id="notes", title="Other notes", paragraphs=[meeting.notes]))
    return Paper(_report(meeting, "minutes", sections), [i.referral.person_id for i in items])


BUILDERS = {"agenda": agenda, "minutes": minutes}


def export(meeting: PanelMeeting, paper: str, format_id: str, *, acting_user: User) -> bytes:
    """The paper rendered for `acting_user`, with its EXPORT audit event."""
    if paper not in offered(meeting) or format_id not in PAPER_FORMATS:
        raise ValueError(f"{meeting} has no {paper} as {format_id}")
    with transaction.atomic():
        built = BUILDERS[paper](meeting, acting_user)
        content = renderers.render(built.report, format_id)
        people = built.person_ids
        record(
            AuditAction.EXPORT,
            actor=acting_user,
            obj=meeting,
            person_id=people[0] if len(people) == 1 else None,
            detail={
                "paper": paper,
                "format": format_id,
                "people": ",".join(map(str, people[:500])),
            },
        )
    return content


def filename(meeting: PanelMeeting, paper: str, format_id: str) -> str:
    day: datetime.date = meeting.held_on
    return f"panel-{meeting.panel_id}-{day.isoformat()}-{paper}.{format_id}"
