"""Writing audit events. Call `record()` inside the transaction of the change it describes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from dueregard.areas.models import Authority

from .context import current
from .models import AuditAction, AuditEvent


def build_event(
    action: AuditAction,
    *,
    actor: Any,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    authority: Authority | int | None = None,
    person_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """The audit event `record()` would append, not yet saved (see `record_many`).

    With `obj`, the type, id and authority come from the record, and the person from its
    `audit_person_id` attribute if it has one. `detail` holds metadata such as changed
    field names or an export format, never the content of a personal record.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if authority is None and hasattr(obj, "authority_id"):
            authority = obj.authority_id
        if person_id is None:
            person_id = getattr(obj, "audit_person_id", None)
    context = current.get()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=user,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        person_id=person_id,
        authority_id=authority.pk if isinstance(authority, Authority) else authority,
        request_id=context.request_id,
        ip=context.ip,
        detail=detail or {},
    )


def record(
    action: AuditAction,
    *,
    actor: Any,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    authority: Authority | int | None = None,
    person_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event (the arguments as for `build_event`)."""
    event = build_event(
        action,
        actor=actor,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        authority=authority,
        person_id=person_id,
        detail=detail,
    )
    event.save(force_insert=True)
    return event


def record_many(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Append events made by `build_event`, in order, with one multi-row INSERT per 1,000:
    for writes that touch many records at once (an import). Call it inside the
    transaction of the change, as `record()`."""
    pending = list(events)
    if any(event.pk is not None for event in pending):
        raise ValueError("record_many appends new events only")
    return AuditEvent.objects.bulk_create(pending, batch_size=1_000)
