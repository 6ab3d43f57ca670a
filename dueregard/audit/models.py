"""The audit log: an append-only record of who viewed, changed and exported what.

Events are written by `audit.services.record()` in the same transaction as the change
they describe. Nothing in the app can change or delete one: the model and its queryset
refuse, and database triggers refuse too (`triggers.py`, docs/adr/0003). Every event is
sealed into one chain as it is inserted (`chain.py`, docs/adr/0012), so a change made
around all of that is found by `manage.py verify_audit`.
Events name records by type and id; they never copy a record's content.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from dueregard.areas.models import Authority

from . import chain


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    EXPORT = "export", "Exported"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    FAILED_SIGN_IN = "failed_sign_in", "Failed sign-in"
    PERMISSION_DENIED = "permission_denied", "Permission denied"
    REVEAL = "reveal", "Revealed sensitive content"
    DESTROY = "destroy", "Destroyed under retention"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def bulk_create(self, objs: Iterable["AuditEvent"], *args: Any, **kwargs: Any) -> Any:
        """Insert new events in order, each sealed into the chain in this transaction."""
        pending = list(objs)
        if any(event.pk is not None or event.seq is not None for event in pending):
            raise AppendOnlyError("only new events can be inserted")
        alias = self.db
        with transaction.atomic(using=alias, savepoint=False):
            chain.seal(pending, alias)
            return super().bulk_create(pending, *args, **kwargs)  # type: ignore[arg-type]


class AuditEvent(models.Model):
    # Set when the event is sealed, under the chain's lock (chain.seal).
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(
        null=True, blank=True, help_text="The person record the event concerns, if any."
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request_id = models.CharField(max_length=32, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # The event's place in the chain, the id of the key that sealed it and its seal (ADR 0012).
    seq = models.BigIntegerField(unique=True, editable=False)
    key_id = models.CharField(max_length=16, editable=False)
    chain_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-occurred_at", "-id"], name="audit_actor_time"),
            models.Index(fields=["person_id", "-occurred_at", "-id"], name="audit_person_time"),
            models.Index(fields=["authority", "-occurred_at", "-id"], name="audit_authority_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            # The log filtered by user name, newest first (docs/benchmarks.md).
            models.Index(fields=["actor_username", "-id"], name="audit_username_id"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding or self.seq is not None:
            raise AppendOnlyError("audit events cannot be changed")
        alias = str(kwargs.get("using") or router.db_for_write(AuditEvent, instance=self))
        with transaction.atomic(using=alias, savepoint=False):
            chain.seal([self], alias)
            super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")
