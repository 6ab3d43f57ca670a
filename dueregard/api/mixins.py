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
    """Writes one audit event per successful call, with the token used. Views that change
    records write the change's own event in their service; this adds the call itself.

    Set `audit_object_type`; detail views set `self.audited_object` to the record read, so
    the event names it and the person it concerns; list views call `audit_listed` with the
    people the page showed, so the event (object type `<type>_list`) names them as a list
    page's does, and a person's view history finds it.
    """

    audit_object_type: str = ""
    audited_object: Any = None
    audited_people: list[int] | None = None
    audited_authorities: set[int] = set()

    # The people one list event names at most (a page holds at most 200).
    PEOPLE_NAMED = 500

    def audit_listed(self, people: list[int], authority_ids: set[int]) -> None:
        self.audited_people = sorted(set(people))
        self.audited_authorities = authority_ids

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        user = getattr(request, "user", None)
        if 200 <= response.status_code < 300 and getattr(user, "is_authenticated", False):
            token = request.auth if isinstance(request.auth, ApiToken) else None
            detail: dict[str, Any] = {
                "api": request.path[:200],
                "token": token.prefix if token else None,
            }
            obj, people = self.audited_object, self.audited_people
            if people is not None:
                authorities = self.audited_authorities
                detail["people"] = ",".join(map(str, people[: self.PEOPLE_NAMED]))
                record(
                    AuditAction.VIEW,
                    actor=user,
                    object_type=f"{self.audit_object_type}_list",
                    authority=next(iter(authorities)) if len(authorities) == 1 else None,
                    person_id=people[0] if len(people) == 1 else None,
                    detail=detail,
                )
            else:
                record(
                    _ACTIONS.get(request.method or "GET", AuditAction.VIEW),
                    actor=user,
                    obj=obj,
                    object_type="" if obj is not None else self.audit_object_type,
                    detail=detail,
                )
        return response
