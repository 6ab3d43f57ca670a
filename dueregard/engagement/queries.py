"""Engagement, project and council-resource records a user may see or change, scoped by
`accounts.permissions` (Kind.ENGAGEMENT)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from dueregard.accounts.access import get_for_user
from dueregard.accounts.permissions import Action, Kind, authorities_for

from .models import CommunityGroup, Project

M = TypeVar("M", bound=Model)


def visible_to(model: type[M], user: Any, action: Action = Action.VIEW) -> QuerySet[M]:
    """Records of `model` in the authorities where `user` may do `action` on engagement."""
    authorities = authorities_for(user, Kind.ENGAGEMENT, action)
    return model._default_manager.filter(authority__in=authorities)


def get_for(request: HttpRequest, model: type[M], pk: Any, *, write: bool = False) -> M:
    """One record for the request's user: 404 outside their scope, 403 if read-only."""
    return get_for_user(
        request,
        visible_to(model, request.user),
        pk,
        kind=Kind.ENGAGEMENT,
        writable=visible_to(model, request.user, Action.CHANGE) if write else None,
    )


def groups_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[CommunityGroup]:
    return visible_to(CommunityGroup, user, action)


def projects_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Project]:
    return visible_to(Project, user, action)
