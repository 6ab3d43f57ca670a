"""Single sign-on through the council's identity provider over OpenID Connect (ADR 0022).

mozilla-django-oidc does the protocol: the authorisation request with state, nonce and PKCE,
the code-for-token exchange and the ID token's signature (RS256, the provider's JWKS). Due
Regard decides who that is and what follows:

* the identity is matched by its e-mail address to an active account an administrator
  created; there is no self-registration, and an unknown or ambiguous identity is refused
  with a page and a FAILED_SIGN_IN audit event;
* roles and authorities stay in Due Regard (memberships): nothing in the token grants any;
* the provider's MFA stands in for the authenticator only when the verified ID token's `amr`
  names a multi-factor method (OIDC_MFA_AMR_VALUES); otherwise the security-code step of a
  password sign-in follows, so the session always ends verified (django-otp).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django_otp.plugins.otp_static.models import StaticDevice
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from dueregard.audit.models import AuditAction
from dueregard.audit.services import record

from .models import User

# Set on the request by the backend for the callback view to read.
OUTCOME = "dueregard_oidc_outcome"
# The django-otp device that marks a session verified by the identity provider's MFA. It has
# no tokens, so no code typed anywhere ever matches it.
PROVIDER_DEVICE_NAME = "Council identity provider"


def enabled() -> bool:
    """SSO is on when the client and the provider's endpoints are configured."""
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", "")) and bool(
        getattr(settings, "OIDC_OP_TOKEN_ENDPOINT", "")
    )


def used_mfa(claims: dict[str, Any]) -> bool:
    """Whether the ID token's `amr` (RFC 8176) names a multi-factor method."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    wanted = {value.lower() for value in settings.OIDC_MFA_AMR_VALUES}
    return any(isinstance(value, str) and value.lower() in wanted for value in amr)


def provider_device(user: User) -> StaticDevice:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=PROVIDER_DEVICE_NAME, defaults={"confirmed": True}
    )
    return device


def _refuse(request: Any, reason: str, email: str, claims: dict[str, Any]) -> None:
    record(
        AuditAction.FAILED_SIGN_IN,
        actor=None,
        object_type="accounts.user",
        detail={
            "stage": "single sign-on",
            "reason": reason,
            "email": email[:254],
            "issuer": str(claims.get("iss", ""))[:200],
            "subject": str(claims.get("sub", ""))[:200],
        },
    )
    setattr(request, OUTCOME, {"refused": reason})


class CouncilAccountBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Authenticates an OIDC identity as the one account with its e-mail address."""

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not enabled() or "username" in kwargs or "password" in kwargs:
            return None  # a password sign-in, or single sign-on is off
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # The ID token's claims have been verified (signature, issuer, audience, nonce); the
        # e-mail is read from them, and from the userinfo endpoint only if the token lacks it.
        claims = dict(payload)
        if not claims.get("email") and self.get_settings("OIDC_OP_USER_ENDPOINT", ""):
            claims.update(self.get_userinfo(access_token, id_token, payload))
        email = str(claims.get("email") or "").strip()
        if not email:
            _refuse(self.request, "no e-mail address", email, claims)
            return None
        if claims.get("email_verified") is False:
            _refuse(self.request, "e-mail address not verified", email, claims)
            return None
        users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
        if not users:
            _refuse(self.request, "no account", email, claims)
            return None
        if len(users) > 1:
            _refuse(self.request, "more than one account", email, claims)
            return None
        setattr(self.request, OUTCOME, {"mfa": used_mfa(claims), "claims": claims})
        return users[0]

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise SuspiciousOperation("Due Regard does not create accounts from single sign-on")
