"""The notification sweep and the one write a user makes here (their preferences).

`send_notifications` is the scheduled job: `manage.py send_notifications` runs it, and
the background-tasks framework is to call the same function. It is idempotent: each
(kind, event, recipient) is sent at most once, recorded in `Notification` under a unique
constraint in the same transaction as the send, so it is safe to run every few minutes
and two sweeps at once cannot both send one message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from dueregard.accounts.models import User
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import periods

from .backends import Backend, Message, get_backend
from .events import Event, events_on
from .models import MANDATORY_KINDS, OPTIONAL_KINDS, Notification, OptOut


@dataclass
class SweepResult:
    sent: list[Message] = field(default_factory=list)  # or, in a dry run, would be sent
    already_sent: int = 0
    turned_off: int = 0  # recipients who have turned the kind off
    not_allowed: int = 0  # inactive, without an e-mail address, or may not see the record


def _wants(user: User, kind: str, opted_out: set[tuple[int, str]]) -> bool:
    return kind in MANDATORY_KINDS or (user.pk, kind) not in opted_out


def send_notifications(
    *,
    day: datetime.date | None = None,
    dry_run: bool = False,
    backend: Backend | None = None,
    events: Iterable[Event] | None = None,
) -> SweepResult:
    """Send every message due on `day` (today by default) that has not been sent yet.

    A message goes to each of an event's recipients who is active, has an e-mail address,
    may see the record now (asked of the owning domain's scoped queries) and has not
    turned the kind off (mandatory kinds cannot be). A dry run sends and records nothing
    and returns what would be sent. A message the backend refuses is not recorded, so the
    next sweep tries it again; the error is raised after the messages before it are kept.
    """
    day = day or periods.today()
    if backend is None and not dry_run:
        backend = get_backend()
    result = SweepResult()
    opted_out = set(OptOut.objects.values_list("user_id", "kind"))
    done = set(Notification.objects.values_list("kind", "event_key", "recipient_id"))
    for event in events if events is not None else events_on(day):
        for user in event.recipients:
            if (event.kind, event.key, user.pk) in done:
                result.already_sent += 1
                continue
            if not user.is_active or not user.email or not event.may_see(user):
                result.not_allowed += 1
                continue
            if not _wants(user, event.kind, opted_out):
                result.turned_off += 1
                continue
            message = Message(user.email, event.kind, event.reference, event.link)
            if dry_run or backend is None:
                result.sent.append(message)
                continue
            if _send_once(event, user, message, backend):
                result.sent.append(message)
            else:
                result.already_sent += 1
            done.add((event.kind, event.key, user.pk))
    return result


def _send_once(event: Event, user: User, message: Message, backend: Backend) -> bool:
    """Record the message and send it in one transaction: False if another sweep has
    recorded it first. If the backend raises, the record is rolled back."""
    try:
        with transaction.atomic():
            row = Notification.objects.create(
                recipient=user, backend=backend.name, **event.ledger_fields()
            )
            row.provider_id = backend.send(message)[:100]
            row.save(update_fields=["provider_id"])
    except IntegrityError:
        return False
    return True


@transaction.atomic
def set_preferences(user: User, *, turned_on: Iterable[str], acting_user: User) -> User:
    """Keep the optional kinds in `turned_on` on for `user` and turn the others off.
    Mandatory kinds are always on, whatever is asked. A user changes only their own."""
    if acting_user.pk != user.pk:
        raise PermissionDenied("a user changes only their own notification settings")
    wanted = set(turned_on)
    off = {str(kind) for kind in OPTIONAL_KINDS if kind not in wanted}
    before = set(OptOut.objects.filter(user=user).values_list("kind", flat=True))
    OptOut.objects.filter(user=user).exclude(kind__in=off).delete()
    OptOut.objects.bulk_create([OptOut(user=user, kind=kind) for kind in sorted(off - before)])
    if before != off:
        record(
            AuditAction.CHANGE,
            actor=acting_user,
            object_type="notifications.preferences",
            object_id=user.pk,
            detail={"turned_off": ",".join(sorted(off))},
        )
    return user
