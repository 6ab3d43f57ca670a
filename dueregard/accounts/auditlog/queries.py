"""Reading the audit log, scoped to the auditor's authorities."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from dueregard.audit.models import AuditEvent

from ..access import scoped
from ..models import Membership
from ..permissions import Action, Kind, authorities_for


def events_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[AuditEvent]:
    """Events of the authorities where `user` may read the audit log, and sign-in events
    (which belong to no authority) of users who hold a role in one of them."""
    members = Membership.objects.filter(
        authority__in=authorities_for(user, Kind.AUDIT_LOG, action)
    ).values("user_id")
    return scoped(AuditEvent, user, action, kind=Kind.AUDIT_LOG) | AuditEvent.objects.filter(
        authority__isnull=True, actor__in=members
    )


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    person_id: int | None = None
    action: str = ""
    object_type: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_events(events: QuerySet[AuditEvent], f: AuditFilter) -> QuerySet[AuditEvent]:
    if f.username:
        events = events.filter(actor_username=f.username)
    if f.person_id is not None:
        events = events.filter(person_id=f.person_id)
    if f.action:
        events = events.filter(action=f.action)
    if f.object_type:
        events = events.filter(object_type=f.object_type)
    if f.date_from:
        events = events.filter(occurred_at__gte=_day_start(f.date_from))
    if f.date_to:
        events = events.filter(occurred_at__lt=_day_start(f.date_to + datetime.timedelta(days=1)))
    return events
