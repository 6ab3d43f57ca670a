"""Governance records a user may see or change, scoped by `accounts.permissions`."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.db.models import Max, Model, OuterRef, QuerySet, Subquery
from django.http import HttpRequest

from dueregard.accounts.access import get_scoped, scoped
from dueregard.accounts.permissions import Action, Kind

from .models import ActionStatus, Board, MeetingAction, ReportingCommitment, ScheduledReport

M = TypeVar("M", bound=Model)


def visible_to(model: type[M], user: Any, action: Action = Action.VIEW) -> QuerySet[M]:
    """Records of `model` in the authorities where `user` may do `action` on governance."""
    return scoped(model, user, action, kind=Kind.GOVERNANCE)


def get_for(request: HttpRequest, model: type[M], pk: Any, *, write: bool = False) -> M:
    """One record for the request's user: 404 outside their scope, 403 if read-only."""
    return get_scoped(request, model, pk, kind=Kind.GOVERNANCE, write=write)


def boards_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Board]:
    return visible_to(Board, user, action)


def with_schedule(commitments: QuerySet[ReportingCommitment]) -> QuerySet[ReportingCommitment]:
    """Annotate each commitment with `last_presented_on` and `next_due_on` (its open
    report's due date; None when no report is open or its date is to be confirmed)."""
    open_report = ScheduledReport.objects.filter(
        commitment=OuterRef("pk"), presented_on__isnull=True
    )
    return commitments.annotate(
        last_presented_on=Max("schedule__presented_on"),
        next_due_on=Subquery(open_report.values("due_on")[:1]),
        open_report_id=Subquery(open_report.values("pk")[:1]),
    )


def commitments_visible_to(
    user: Any, action: Action = Action.VIEW
) -> QuerySet[ReportingCommitment]:
    return with_schedule(visible_to(ReportingCommitment, user, action)).select_related("board")


def overdue_commitments(
    user: Any, as_at: datetime.date, action: Action = Action.CHANGE
) -> QuerySet[ReportingCommitment]:
    """Commitments whose open report was due before `as_at`, longest overdue first."""
    return (
        commitments_visible_to(user, action)
        .filter(archived=False, next_due_on__lt=as_at)  # type: ignore[misc]
        .order_by("next_due_on", "pk")
    )


def overdue_actions(
    user: Any, as_at: datetime.date, action: Action = Action.CHANGE
) -> QuerySet[MeetingAction]:
    """Open meeting actions due before `as_at`, longest overdue first."""
    return (
        visible_to(MeetingAction, user, action)
        .filter(status=ActionStatus.OPEN, due_on__lt=as_at)
        .select_related("meeting__board")
        .order_by("due_on", "pk")
    )
