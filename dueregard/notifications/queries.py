"""What each user may read here: the outbox (administrators only, through
`accounts.permissions`: Kind.USERS) and their own notification settings."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dueregard.accounts.permissions import Action, Kind, can_anywhere

from .models import OPTIONAL_KINDS, OptOut, OutboxMessage


def outbox_visible_to(user: Any) -> QuerySet[OutboxMessage]:
    """Every outbox message for an administrator; nothing for anyone else. The outbox is
    the service's, not an authority's: it holds staff addresses, references and links."""
    if not can_anywhere(user, Kind.USERS, Action.LIST):
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.all()


def kinds_turned_on(user: Any) -> list[str]:
    """The optional kinds `user` has not turned off."""
    off = set(OptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [str(kind) for kind in OPTIONAL_KINDS if kind not in off]
