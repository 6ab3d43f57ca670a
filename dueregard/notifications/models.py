"""What the notification sweep sent, to whom and for which event; what the local backend's
outbox holds; and which optional kinds each user has turned off.

A message carries no personal data: the kind's fixed wording, a reference (a referral's
reference, a meeting's panel and date, a panel action's number) and a link to the page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    REVIEW_DUE = "review_due", "A post-exit review is due within 7 days"
    REVIEW_OVERDUE = "review_overdue", "A post-exit review is overdue"
    SUPPORT_LAPSING = "support_lapsing", "Channel support is lapsing"
    AGENDA = "agenda", "A panel meeting's agenda is ready"
    ACTION_DUE = "action_due", "A panel action you own is due within 7 days"


# Kinds a user cannot turn off: an overdue post-exit review is a Channel duty already
# missed (the 6- and 12-month reviews are statutory guidance), so it is never silenced.
MANDATORY_KINDS = frozenset({NotificationKind.REVIEW_OVERDUE})
OPTIONAL_KINDS = [kind for kind in NotificationKind if kind not in MANDATORY_KINDS]


class Notification(models.Model):
    """One message the sweep sent for one event to one recipient: the ledger that makes the
    sweep idempotent. The unique (kind, event key, recipient) means a message is never sent
    twice for one event, however often the sweep runs or however many run at once."""

    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    # Which event: e.g. "review:12:2026-03-01" (a review and the date it is due). A changed
    # due date is a new event; the same one is never sent again.
    event_key = models.CharField(max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey("areas.Authority", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=200)
    link = models.URLField(max_length=500)
    backend = models.CharField(max_length=20)
    provider_id = models.CharField(
        max_length=100, blank=True, help_text="The provider's id for the message (GOV.UK Notify's)."
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "event_key", "recipient"], name="notification_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reference}"


class OutboxMessage(models.Model):
    """A message the local backend "sent": what GOV.UK Notify would have been asked to send.
    The default backend, used by the demo and the tests; administrators read it on the
    Outbox page."""

    email_address = models.EmailField()
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    template_id = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=200)
    link = models.URLField(max_length=500)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.subject} to {self.email_address}"


class OptOut(models.Model):
    """An optional kind of notification a user has turned off (mandatory kinds never are)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notification_opt_outs"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="optout_once_per_kind"),
            models.CheckConstraint(
                name="optout_not_mandatory",
                condition=~models.Q(kind__in=[k.value for k in MANDATORY_KINDS]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} has turned off {self.get_kind_display()}"
