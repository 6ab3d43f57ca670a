"""The OpenAPI schema: how partner tokens are sent, and what every operation says besides its
fields: who may call it (roles and token scope, read from the same `access_by_action` and
`scope_by_action` the permission check uses) and the errors it can answer."""

from __future__ import annotations

import inspect
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from dueregard.accounts.models import ApiScope, Role
from dueregard.accounts.permissions import roles_allowed

from .permissions import access_of


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "dueregard.api.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner token: `Authorization: Bearer dr_<prefix>_<secret>`.",
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "dueregard.api.authentication.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def _error(name: str, description: str) -> OpenApiResponse:
    return OpenApiResponse(
        response=inline_serializer(name, {"detail": serializers.CharField()}),
        description=description,
    )


# The bodies DRF gives for each refusal: {"detail": "..."}; validation errors name each field.
UNAUTHENTICATED = _error("NotAuthenticated", "No token or session, or the token is not live.")
FORBIDDEN = _error("Forbidden", "Your role or token does not allow this.")
NOT_FOUND = _error(
    "NotFound", "No such record in your scope (records outside it are not revealed)."
)
THROTTLED = _error(
    "Throttled", "Too many requests: the `Retry-After` header says how many seconds to wait."
)
INVALID = OpenApiResponse(
    response={
        "type": "object",
        "description": (
            'Each field in error with its messages, e.g. `{"received_on": ["Enter a '
            'valid date."]}`; nested records nest; a body that is not JSON gives `detail`.'
        ),
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object"},
                {"type": "string"},
            ]
        },
    },
    description="The request is not valid: each field in error, with its messages.",
)


class AutoSchema(SpectacularAutoSchema):
    def _action(self) -> str:
        return str(getattr(self.view, "action", None) or self.method.lower())

    def get_description(self) -> str:  # type: ignore[override]
        """The view's or action's own docstring (never one inherited from a mixin, which
        speaks to developers), then who may call the operation."""
        method = getattr(self.view, self._action(), None)
        own = inspect.cleandoc(
            (getattr(method, "__doc__", None) if method is not None else None)
            or self.view.__class__.__dict__.get("__doc__")
            or ""
        )
        return "\n\n".join(part for part in (own, self._who_may_call()) if part)

    def _who_may_call(self) -> str:
        access = access_of(self.view)
        if access is None:
            return ""
        if access.level == "public":
            return "**Who may call:** anyone; no token is needed."
        if access.level == "signed_in":
            who = "any signed-in user or live token"
        else:
            assert access.kind is not None and access.action is not None
            roles = sorted(Role(role).label for role in roles_allowed(access.kind, access.action))
            who = "users and service accounts with one of the roles " + ", ".join(roles)
        scopes = getattr(self.view, "scope_by_action", {})
        scope = scopes.get(self._action(), getattr(self.view, "scope", None))
        if scope is not None:
            who += f"; a partner token also needs the scope `{ApiScope(scope).value}`"
        return f"**Who may call:** {who}."

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        """The success response, then every refusal the operation can give. (Here, not in
        `get_response_serializers`, which `@extend_schema(responses=...)` replaces.)"""
        responses = super()._get_response_bodies(direction)
        access = access_of(self.view)
        if access is None:
            return responses
        errors: dict[str, OpenApiResponse] = {"429": THROTTLED}
        if access.level != "public":
            errors |= {"401": UNAUTHENTICATED, "403": FORBIDDEN}
        if "{" in self.path:
            errors["404"] = NOT_FOUND
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            errors["400"] = INVALID
        for code, error in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return dict(sorted(responses.items()))
