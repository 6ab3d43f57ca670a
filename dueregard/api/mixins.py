"""Every API call is audited like a page view."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from dueregard.accounts.models import ApiToken
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record

_ACTIONS = {
    "GET": AuditAction.VIEW,
    "HEAD": AuditAction.VIEW,
    "POST": AuditAction.CREATE,
    "PUT": AuditAction.CHANGE,
    "PATCH": AuditAction.CHANGE,
}


class AuditedAPIMixin:
    """Writes one audit event per successful call. Views that change records write the
    change's own event in their service; this adds the call itself (with the token used).

    Set `audit_object_type`; detail views set `self.audited_object` to the record read, so
    the event names it and the person it concerns.
    """

    audit_object_type: str = ""
    audited_object: Any = None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        user = getattr(request, "user", None)
        if 200 <= response.status_code < 300 and getattr(user, "is_authenticated", False):
            token = request.auth if isinstance(request.auth, ApiToken) else None
            obj = self.audited_object
            record(
                _ACTIONS.get(request.method or "GET", AuditAction.VIEW),
                actor=user,
                obj=obj,
                object_type="" if obj is not None else self.audit_object_type,
                detail={"api": request.path[:200], "token": token.prefix if token else None},
            )
        return response
