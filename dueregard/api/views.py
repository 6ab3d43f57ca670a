"""The API's own endpoints: the versions it offers, and who am I (for partners checking their
token)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from dueregard.accounts.access import Access
from dueregard.accounts.models import ApiToken
from dueregard.accounts.permissions import active_memberships

from .mixins import AuditedAPIMixin


class Versions(APIView):
    """The versions of the API this server offers, with their documentation and schema."""

    access = Access("public", methods=("GET",))
    authentication_classes: list[type] = []  # nothing to identify: the same for everyone

    @extend_schema(
        summary="The API versions this server offers",
        tags=["versions"],
        responses=inline_serializer(
            "Versions",
            {
                "versions": serializers.ListField(
                    child=inline_serializer(
                        "Version",
                        {
                            "version": serializers.CharField(),
                            "status": serializers.CharField(),
                            "url": serializers.URLField(),
                        },
                    )
                ),
                "schema": serializers.URLField(),
                "documentation": serializers.URLField(),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "versions": [
                    {
                        "version": "1",
                        "status": "current",
                        "url": request.build_absolute_uri("/api/v1/"),
                    }
                ],
                "schema": reverse("api:schema", request=request),
                "documentation": reverse("api:docs", request=request),
            }
        )


class WhoAmI(AuditedAPIMixin, APIView):
    """The caller, their roles and, for a partner token, its agency, scopes and expiry."""

    access = Access("signed_in", methods=("GET",))
    scope = None  # any live token may ask who it is
    audit_object_type = "accounts.user"

    @extend_schema(
        responses=inline_serializer(
            "WhoAmI",
            {
                "username": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.DictField()),
                "token": serializers.DictField(allow_null=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(
            {
                "username": request.user.username,
                "roles": [
                    {
                        "role": m.role,
                        "authority": m.authority.ons_code if m.authority else None,
                        "region": m.region or None,
                    }
                    for m in active_memberships(request.user)
                ],
                "token": None
                if token is None
                else {
                    "agency": token.agency,
                    "name": token.name,
                    "scopes": token.scopes,
                    "expires_at": token.expires_at.isoformat(),
                },
            }
        )
