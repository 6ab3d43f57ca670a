"""Governance pages: boards, members, meetings, actions and reporting commitments.

Most pages come from `RecordType` declarations; the attendance register, recording a
report as presented and the overview are written out here.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action, Kind, authorities_for
from dueregard.core import periods, versions
from dueregard.pages.kit import Col, RecordType, form_page

from . import queries, services
from .forms import (
    AttendanceForm,
    BoardForm,
    BoardMemberForm,
    CommitmentForm,
    MeetingActionForm,
    MeetingForm,
    NextDueForm,
    PresentedForm,
)
from .models import (
    ActionStatus,
    Board,
    BoardMember,
    Meeting,
    MeetingAction,
    MeetingStatus,
    ReportingCommitment,
    ScheduledReport,
)

G = Kind.GOVERNANCE
DUE_SOON_DAYS = 30


def schedule_status(commitment: Any, today: datetime.date | None = None) -> str:
    """Where a commitment (annotated by `queries.with_schedule`) stands today."""
    today = today or periods.today()
    due = getattr(commitment, "next_due_on", None)
    if getattr(commitment, "archived", False):
        return "Archived"
    if due is None:
        return "Date to be confirmed"
    if due < today:
        return "Overdue"
    if due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return "Due soon"
    return "On schedule"


def _current_members(board: Board) -> int:
    return sum(1 for m in board.members.all() if m.left_on is None)


def _board_context(request: SignedInRequest, board: Board) -> dict[str, Any]:
    commitments = queries.with_schedule(board.commitments.filter(archived=False))
    return {
        "members": board.members.all(),
        "meetings": board.meetings.annotate(
            present=Count("attendance", filter=Q(attendance__status__in=["present", "deputy"]))
        )[:12],
        "meeting_count": board.meetings.count(),
        "commitments": [(c, schedule_status(c)) for c in commitments],
        "sub_groups": board.sub_groups.filter(archived=False),
    }


def _meeting_context(request: SignedInRequest, meeting: Meeting) -> dict[str, Any]:
    return {
        "attendance": meeting.attendance.select_related("member"),
        "actions": meeting.actions.all(),
        "reports": meeting.reports.select_related("commitment"),
        "today": periods.today(),
    }


def _commitment_context(
    request: SignedInRequest, commitment: ReportingCommitment
) -> dict[str, Any]:
    annotated = queries.with_schedule(ReportingCommitment.objects.filter(pk=commitment.pk)).get()
    return {
        "schedule": commitment.schedule.select_related("meeting").order_by(
            "presented_on", "due_on"
        ),
        "status": schedule_status(annotated),
        "next_due_on": annotated.next_due_on,  # type: ignore[attr-defined]  # from with_schedule
    }


BOARD = RecordType(
    slug="board",
    model=Board,
    form=BoardForm,
    singular="board or group",
    plural="boards and groups",
    kind=G,
    scope=queries.visible_to,
    create=services.create_board,
    update=services.update_board,
    archive=services.archive_board,
    intro=(
        "The boards and groups that oversee and deliver Prevent, what they do, how often "
        "they meet and who sits on them."
    ),
    create_label="Add a board or group",
    columns=[
        Col("Name", "name", link=True),
        Col("Kind", "get_kind_display"),
        Col("Meets", "get_meeting_frequency_display"),
        Col("Chair", "chair"),
        Col("Current members", _current_members, kind="count"),
    ],
    fields=[
        Col("Name", "name"),
        Col("Kind", "get_kind_display"),
        Col("Remit", "remit", kind="long"),
        Col("How often it meets", "get_meeting_frequency_display"),
        Col("Chair", "chair"),
        Col("Reports to", "reports_to"),
        Col("Terms of reference last agreed", "terms_of_reference_agreed_on"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "name", id="name"),
        Col("", "kind", id="kind"),
        Col("", "remit", id="remit"),
        Col("", "meeting_frequency", id="meeting_frequency"),
        Col("", "chair", id="chair"),
        Col("", "reports_to.name", id="reports_to"),
        Col("", "terms_of_reference_agreed_on", id="terms_of_reference_agreed_on"),
        Col("", _current_members, id="current_members"),
        Col("", "archived", id="archived"),
    ],
    search=("name", "remit"),
    ordering=("name",),
    select_related=("reports_to",),
    prefetch_related=("members",),
    detail_template="governance/board_extra.html",
    detail_context=_board_context,
    related=lambda board: [board.members.all()],
)

MEMBER = RecordType(
    slug="member",
    model=BoardMember,
    form=BoardMemberForm,
    singular="board member",
    plural="board members",
    kind=G,
    scope=queries.visible_to,
    create=services.add_board_member,
    update=services.update_board_member,
    parent=BOARD,
    parent_field="board",
    has_list=False,
    after_create="parent",
    create_label="Add a member",
    fields=[
        Col("Name", "name"),
        Col("Organisation or service", "organisation"),
        Col("Role on the board", "role"),
        Col("Member since", "joined_on"),
        Col("Left on", "left_on"),
    ],
    select_related=("board",),
)

MEETING = RecordType(
    slug="meeting",
    model=Meeting,
    form=MeetingForm,
    singular="meeting",
    plural="meetings",
    kind=G,
    scope=queries.visible_to,
    create=services.record_meeting,
    update=services.update_meeting,
    parent=BOARD,
    parent_field="board",
    intro="Every board meeting, planned, held or cancelled. Add a meeting from its board's page.",
    create_label="Add a meeting",
    columns=[
        Col("Meeting", lambda m: m.date, link=True),
        Col("Board", "board.name"),
        Col("Status", "get_status_display"),
        Col("Members present", lambda m: m.present, kind="count"),
        Col("Open actions", lambda m: m.open_actions, kind="count"),
    ],
    fields=[
        Col("Board", "board.name"),
        Col("Date", "date"),
        Col("Status", "get_status_display"),
        Col("Location", "location"),
        Col("Agenda items", "agenda", kind="long"),
        Col("Minutes", "minutes", kind="long"),
        Col("Minutes approved on", "minutes_approved_on"),
        Col("Others attending", "others_attending", kind="long"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "board.name", id="board"),
        Col("", "date", id="date"),
        Col("", "status", id="status"),
        Col("", "location", id="location"),
        Col("", lambda m: m.present, id="members_present"),
        Col("", lambda m: m.open_actions, id="open_actions"),
        Col("", "minutes_approved_on", id="minutes_approved_on"),
        Col("", "agenda", id="agenda"),
        Col("", "minutes", id="minutes"),
    ],
    date_field="date",
    search=("board__name", "agenda", "minutes"),
    ordering=("-date", "-pk"),
    select_related=("board",),
    annotate=lambda queryset: _annotate_meetings(queryset),
    detail_template="governance/meeting_extra.html",
    detail_context=_meeting_context,
    related=lambda meeting: [meeting.actions.all()],
)


def _annotate_meetings(queryset: Any) -> Any:
    return queryset.annotate(
        present=Count(
            "attendance", filter=Q(attendance__status__in=["present", "deputy"]), distinct=True
        ),
        open_actions=Count("actions", filter=Q(actions__status="open"), distinct=True),
    )


ACTION = RecordType(
    slug="action",
    model=MeetingAction,
    form=MeetingActionForm,
    singular="meeting action",
    plural="meeting actions",
    kind=G,
    scope=queries.visible_to,
    create=services.add_meeting_action,
    update=services.update_meeting_action,
    parent=MEETING,
    parent_field="meeting",
    after_create="parent",
    intro="Actions agreed at board meetings, open ones first. Add an action from its meeting.",
    create_label="Add an action",
    columns=[
        Col("Action", "__str__", link=True),
        Col("Board", "meeting.board.name"),
        Col("Owner", "owner"),
        Col("Due by", "due_on"),
        Col("Status", lambda a: _action_status(a)),
    ],
    fields=[
        Col("Meeting", "meeting"),
        Col("Action", "description", kind="long"),
        Col("Owner", "owner"),
        Col("Due by", "due_on"),
        Col("Status", lambda a: _action_status(a)),
        Col("Completed or closed on", "completed_on"),
        Col("Progress notes", "progress", kind="long"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "meeting.board.name", id="board"),
        Col("", "meeting.date", id="meeting_date"),
        Col("", "description", id="action"),
        Col("", "owner", id="owner"),
        Col("", "due_on", id="due_on"),
        Col("", "status", id="status"),
        Col("", "completed_on", id="completed_on"),
        Col("", "progress", id="progress"),
    ],
    date_field="due_on",
    search=("description", "owner", "meeting__board__name"),
    ordering=("-status", "due_on", "pk"),
    select_related=("meeting__board",),
)


def _action_status(action: MeetingAction) -> str:
    if action.status == ActionStatus.OPEN and action.due_on and action.due_on < periods.today():
        return "Overdue"
    return action.get_status_display()


COMMITMENT = RecordType(
    slug="commitment",
    model=ReportingCommitment,
    form=CommitmentForm,
    singular="reporting commitment",
    plural="reporting commitments",
    kind=G,
    scope=lambda model, user, action: queries.commitments_visible_to(user, action),
    create=services.create_commitment,
    update=services.update_commitment,
    archive=services.archive_commitment,
    intro=(
        "Which report goes to which board, how often, when it last went and when the next "
        "one is due."
    ),
    create_label="Add a reporting commitment",
    columns=[
        Col("Report", "title", link=True),
        Col("Goes to", "board.name"),
        Col("How often", "get_frequency_display"),
        Col("Last presented", "last_presented_on"),
        Col("Next due", lambda c: c.next_due_on or "To be confirmed"),
        Col("Status", schedule_status),
    ],
    fields=[
        Col("Report", "title"),
        Col("Goes to", "board.name"),
        Col("Area of focus", "area_of_focus"),
        Col("How often", "get_frequency_display"),
        Col("Owner", "owner"),
        Col("Notes", "notes", kind="long"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "board.name", id="board"),
        Col("", "title", id="report"),
        Col("", "area_of_focus", id="area_of_focus"),
        Col("", "frequency", id="frequency"),
        Col("", "owner", id="owner"),
        Col("", "last_presented_on", id="last_presented_on"),
        Col("", "next_due_on", id="next_due_on"),
        Col("", schedule_status, id="status"),
        Col("", "archived", id="archived"),
    ],
    search=("title", "board__name", "area_of_focus"),
    ordering=("board__name", "title"),
    detail_template="governance/commitment_extra.html",
    detail_context=_commitment_context,
    related=lambda commitment: [commitment.schedule.all()],
)

RECORD_TYPES = [BOARD, MEMBER, MEETING, ACTION, COMMITMENT]


# -- pages written out --------------------------------------------------------------------


@requires(G, Action.LIST, methods=("GET",))
def index(request: SignedInRequest) -> HttpResponse:
    today = periods.today()
    user = request.user
    boards = queries.visible_to(Board, user).filter(archived=False)
    context = {
        "boards": boards.annotate(
            held=Count(
                "meetings",
                filter=Q(
                    meetings__status=MeetingStatus.HELD,
                    meetings__date__gt=today - datetime.timedelta(days=365),
                ),
            )
        ).order_by("name"),
        "overdue_reports": queries.overdue_commitments(user, today, Action.VIEW),
        "overdue_actions": queries.overdue_actions(user, today, Action.VIEW)[:20],
        "may_change": authorities_for(user, G, Action.CHANGE).exists(),
        "today": today,
    }
    return render(request, "governance/index.html", context)


@requires(G, Action.CHANGE, object_scoped=True)
def meeting_attendance(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = queries.get_for(request, Meeting, pk, write=True)
    form = AttendanceForm(request.POST or None, meeting=meeting)
    edit = versions.Edit(
        request, meeting, lambda m: {b.name: b.initial for b in AttendanceForm(meeting=m)}
    )
    return form_page(
        request,
        form,
        save=lambda: services.record_attendance(meeting, form.statuses(), acting_user=request.user),
        success="Attendance saved",
        done=MEETING.detail_url(meeting),
        template="governance/attendance.html",
        context={"meeting": meeting, "back_url": MEETING.detail_url(meeting)},
        edit=edit,
    )


@requires(G, Action.CHANGE, object_scoped=True)
def commitment_presented(request: SignedInRequest, pk: int) -> HttpResponse:
    commitment = queries.get_for(request, ReportingCommitment, pk, write=True)
    form = PresentedForm(request.POST or None, commitment=commitment)
    return form_page(
        request,
        form,
        save=lambda: services.record_report_presented(
            commitment,
            presented_on=form.cleaned_data["presented_on"],
            meeting=form.cleaned_data["meeting"],
            next_due_on=form.cleaned_data["next_due_on"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        ),
        success="Report recorded as presented",
        done=COMMITMENT.detail_url(commitment),
        template="governance/presented.html",
        context={"commitment": commitment, "back_url": COMMITMENT.detail_url(commitment)},
        status=200,
    )


@requires(G, Action.CHANGE, object_scoped=True)
def commitment_next_due(request: SignedInRequest, pk: int) -> HttpResponse:
    commitment = queries.get_for(request, ReportingCommitment, pk, write=True)

    def values(current: ReportingCommitment) -> dict[str, Any]:
        due = ScheduledReport.objects.filter(commitment=current, presented_on__isnull=True)
        open_report = due.first()
        return {"due_on": open_report.due_on if open_report else None}

    form = NextDueForm(request.POST or None, initial=values(commitment))
    edit = versions.Edit(request, commitment, values)
    return form_page(
        request,
        form,
        save=lambda: services.set_next_due_date(
            commitment, form.cleaned_data["due_on"], acting_user=request.user
        ),
        success="Next due date saved",
        done=COMMITMENT.detail_url(commitment),
        template="governance/next_due.html",
        context={"commitment": commitment, "back_url": COMMITMENT.detail_url(commitment)},
        edit=edit,
    )
