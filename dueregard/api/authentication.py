"""How API callers prove who they are.

- Partner systems send `Authorization: Bearer dr_<prefix>_<secret>`: a token that belongs to an
  agency, acts as its service account and carries scopes (accounts.models.ApiToken).
- People already signed in to the site (both factors) may call the API from their session.

Wrong tokens are counted per client address (`throttling.FailedAuthenticationThrottle`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request

from dueregard.accounts.models import ApiToken
from dueregard.accounts.services import find_api_token

from .throttling import FailedAuthenticationThrottle


class PartnerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(f"{self.keyword} "):
            return None
        # An address that has sent too many wrong tokens is refused before any lookup, so
        # it cannot tell a right guess from a wrong one until its window has passed.
        failures = FailedAuthenticationThrottle()
        wait = failures.wait_before_trying(request)
        if wait is not None:
            raise Throttled(wait, detail="Too many failed authentications from this address.")
        token = find_api_token(header[len(self.keyword) + 1 :].strip())
        if token is None:
            failures.count_failure(request)
            raise AuthenticationFailed("The token is not valid, has expired or was revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="dueregard"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """The site's session, only once the second factor was given."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if not user.is_verified():
            return None
        return user, auth
