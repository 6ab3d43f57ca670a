"""The events the sweep notifies, read from the records as they are (no hooks into other
apps' services): each a kind, a key naming the event, the record's authority, a reference
and a link with no personal data, the people it is for, and the check that each of them
may see the record (through the owning domain's scoped queries, so access is decided by
`accounts.permissions` as everywhere else).

- Post-exit review due within `DUE_SOON_DAYS`, and overdue (casework `Review` not held):
  to the referral's case officer, or when it has none to every lead and chair of its
  authority.
- Support lapsing (the work queue's rule, `casework.queries.is_lapsing`): likewise.
- A planned panel meeting within `AGENDA_NOTICE_DAYS` with a case on its agenda: to each
  active standing member of the panel who signs in. Due Regard records no "agenda
  circulated" step, so the agenda is taken as ready once the meeting is this close and
  has a case on it; cases added later do not send it again.
- An open panel action due within `DUE_SOON_DAYS`: to its owner.

Training records hold no expiry dates and organisations no named lead, so there is no
"training expiring" event to send (see docs/notifications.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.urls import reverse

from dueregard.accounts.models import User
from dueregard.accounts.permissions import Action, Kind, users_who_can
from dueregard.areas.models import Authority
from dueregard.casework import queries as casework
from dueregard.casework.models import (
    LAPSING_GRACE_DAYS,
    ActionStatus,
    AgendaItem,
    MeetingStatus,
    PanelAction,
    PanelMeeting,
    PanelMember,
    Referral,
    Review,
    SessionStatus,
    Stage,
)

from .backends import absolute
from .models import NotificationKind

DUE_SOON_DAYS = 7
AGENDA_NOTICE_DAYS = 7


@dataclass(frozen=True)
class Event:
    kind: NotificationKind
    key: str
    authority: Authority
    reference: str
    link: str
    recipients: list[User]
    may_see: Callable[[User], bool]

    def ledger_fields(self) -> dict[str, Any]:
        """The fields of the `Notification` row that records this event's message."""
        return {
            "kind": self.kind,
            "event_key": self.key,
            "authority": self.authority,
            "reference": self.reference,
            "link": self.link,
        }


def _sees(visible_to: Callable[[User], QuerySet[Any]], pk: int) -> Callable[[User], bool]:
    """Whether a user may see record `pk` now, asked of the owning domain's scoped query."""
    return lambda user: visible_to(user).filter(pk=pk).exists()


def _case_event(kind: NotificationKind, key: str, referral: Referral) -> Event:
    """An event about a case: for its case officer, else the authority's leads and chairs,
    each of whom must still see the referral through casework's scoped queries."""
    if referral.coordinator is not None:
        people = [referral.coordinator]
    else:
        people = list(users_who_can(Kind.CASEWORK, Action.CHANGE, referral.authority))
    pk = referral.pk
    return Event(
        kind=kind,
        key=key,
        authority=referral.authority,
        reference=referral.reference,
        link=absolute(reverse("casework:referral", args=[pk])),
        recipients=people,
        may_see=_sees(casework.referrals_visible_to, pk),
    )


def review_events(day: datetime.date) -> Iterator[Event]:
    """Reviews not held, of open referrals, due from before `day` to `DUE_SOON_DAYS` after."""
    reviews = (
        Review.objects.filter(
            held_on__isnull=True, due_on__lte=day + datetime.timedelta(days=DUE_SOON_DAYS)
        )
        .exclude(referral__stage=Stage.CLOSED)
        .select_related("referral__coordinator", "referral__authority")
        .order_by("due_on", "pk")
    )
    for review in reviews:
        overdue = review.due_on < day
        yield _case_event(
            NotificationKind.REVIEW_OVERDUE if overdue else NotificationKind.REVIEW_DUE,
            f"review:{review.pk}:{review.due_on.isoformat()}",
            review.referral,
        )


def lapsing_events(day: datetime.date) -> Iterator[Event]:
    """Cases in support that are lapsing on `day`; each lapse (from the day it began) is
    one event, so a case that lapses again after a delivered contact is told again."""
    delivered = Q(support_plan__sessions__status=SessionStatus.DELIVERED)
    cases: QuerySet[Referral] = (
        Referral.objects.filter(stage=Stage.IN_SUPPORT)
        .annotate(
            last_contact=Max("support_plan__sessions__occurred_on", filter=delivered),
            contact_interval=F("support_plan__contact_interval_days"),
        )
        .select_related("coordinator", "authority")
        .order_by("pk")
    )
    for case in cases:
        last_contact: datetime.date | None = case.last_contact  # type: ignore[attr-defined]
        interval: int | None = case.contact_interval  # type: ignore[attr-defined]
        if not casework.is_lapsing(last_contact, case.support_started_on, interval, day):
            continue
        last = last_contact or case.support_started_on
        allowed = (interval or casework.CONTACT_INTERVAL_DAYS) + LAPSING_GRACE_DAYS
        began = (last + datetime.timedelta(days=allowed + 1)).isoformat() if last else "start"
        yield _case_event(NotificationKind.SUPPORT_LAPSING, f"lapsing:{case.pk}:{began}", case)


def agenda_events(day: datetime.date) -> Iterator[Event]:
    """Planned meetings from `day` to `AGENDA_NOTICE_DAYS` after with a case on the agenda."""
    on_agenda = AgendaItem.objects.filter(meeting=OuterRef("pk"), removed_at__isnull=True)
    meetings = (
        PanelMeeting.objects.filter(
            status=MeetingStatus.PLANNED,
            held_on__gte=day,
            held_on__lte=day + datetime.timedelta(days=AGENDA_NOTICE_DAYS),
        )
        .filter(Exists(on_agenda))
        .select_related("panel", "authority")
        .order_by("held_on", "pk")
    )
    for meeting in meetings:
        members = PanelMember.objects.filter(
            panel=meeting.panel, active=True, user__isnull=False
        ).select_related("user")
        pk = meeting.pk
        yield Event(
            kind=NotificationKind.AGENDA,
            key=f"agenda:{pk}",
            authority=meeting.authority,
            reference=str(meeting),
            link=absolute(reverse("casework:meeting", args=[pk])),
            recipients=[m.user for m in members if m.user is not None],
            may_see=_sees(casework.meetings_visible_to, pk),
        )


def action_events(day: datetime.date) -> Iterator[Event]:
    """Open panel actions due from `day` to `DUE_SOON_DAYS` after, to their owner."""
    actions = (
        PanelAction.objects.filter(
            status=ActionStatus.OPEN,
            due_on__gte=day,
            due_on__lte=day + datetime.timedelta(days=DUE_SOON_DAYS),
            owner__user__isnull=False,
        )
        .select_related("owner__user", "authority", "meeting__panel")
        .order_by("due_on", "pk")
    )
    for action in actions:
        owner: Any = action.owner.user
        pk = action.pk
        yield Event(
            kind=NotificationKind.ACTION_DUE,
            key=f"action:{pk}:{action.due_on.isoformat()}",
            authority=action.authority,
            reference=f"Action {pk} from {action.meeting}",
            link=absolute(reverse("casework:action", args=[pk])),
            recipients=[owner],
            may_see=_sees(casework.actions_visible_to, pk),
        )


FINDERS: list[Callable[[datetime.date], Iterator[Event]]] = [
    review_events,
    lapsing_events,
    agenda_events,
    action_events,
]


def events_on(day: datetime.date) -> Iterator[Event]:
    for finder in FINDERS:
        yield from finder(day)
