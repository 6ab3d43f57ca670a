"""API access: the same rules as the pages (accounts.permissions), narrowed by token scopes.

Every API view declares `access` (one `accounts.access.Access`) or, for viewsets,
`access_by_action` ({"list": Access, "retrieve": Access, "create": Access ...}) and
`scope_by_action` ({"list": ApiScope ...}). Objects are fetched through the domain's scoped
querysets, so records outside the caller's scope answer 404.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from dueregard.accounts.access import Access
from dueregard.accounts.models import ApiToken
from dueregard.accounts.permissions import Action, can_anywhere


def access_of(view: Any) -> Access | None:
    by_action = getattr(view, "access_by_action", None)
    if by_action is not None:
        return by_action.get(getattr(view, "action", None) or "")
    return getattr(view, "access", None)


class FollowsAccessRules(BasePermission):
    message = "Your role or token does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        access = access_of(view)
        if access is None:
            return False  # a view without a rule is closed
        if access.level == "public":
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if isinstance(request.auth, ApiToken):
            scopes = getattr(view, "scope_by_action", {})
            needed = scopes.get(getattr(view, "action", None) or "", getattr(view, "scope", None))
            if needed is None and access.level != "signed_in":
                return False  # a token reaches records only through a scope
            if needed is not None and needed not in request.auth.scopes:
                return False
        if access.level == "signed_in":
            return True
        assert access.kind is not None and access.action is not None
        if can_anywhere(request.user, access.kind, access.action):
            return True
        if access.object_scoped and not can_anywhere(request.user, access.kind, Action.VIEW):
            raise NotFound  # as on the pages: the record's existence is not revealed
        return False
