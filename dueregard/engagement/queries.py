"""Engagement, project and council-resource records a user may see or change, scoped by
`accounts.permissions` (Kind.ENGAGEMENT)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from dueregard.accounts.access import get_scoped, scoped
from dueregard.accounts.permissions import Action, Kind

from .models import CommunityGroup, Project

M = TypeVar("M", bound=Model)


def visible_to(model: type[M], user: Any, action: Action = Action.VIEW) -> QuerySet[M]:
    """Records of `model` in the authorities where `user` may do `action` on engagement."""
    return scoped(model, user, action, kind=Kind.ENGAGEMENT)


def get_for(request: HttpRequest, model: type[M], pk: Any, *, write: bool = False) -> M:
    """One record for the request's user: 404 outside their scope, 403 if read-only."""
    return get_scoped(request, model, pk, kind=Kind.ENGAGEMENT, write=write)


def groups_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[CommunityGroup]:
    return visible_to(CommunityGroup, user, action)


def projects_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Project]:
    return visible_to(Project, user, action)
