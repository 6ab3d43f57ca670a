"""Rate limits on the API (Django REST framework throttles), answering 429 with Retry-After.

- `PartnerTokenThrottle`: requests per partner token (`partner_token` rate), so one token
  cannot read the whole record in seconds.
- `FailedAuthenticationThrottle`: failed token authentications per client address
  (`failed_authentication` rate); once an address reaches it, every token it sends is
  refused with 429 until the window has passed, right or wrong, so guessing gets nowhere.

Rates are `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, read when each request is checked (so
a changed setting applies at once), and the counts live in Django's default cache: shared
by every worker only if that cache is (see docs/adr/0014-abuse-limits.md).
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from dueregard.accounts.models import ApiToken
from dueregard.core.client_address import client_address


class _RateFromSettings(SimpleRateThrottle):
    scope: str
    # Set by SimpleRateThrottle.__init__ from the rate; used only when a rate is set.
    num_requests: int
    duration: int

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    def wait(self) -> float:
        """Seconds until the next request is allowed: DRF's estimate, but never None (so a
        429 always carries Retry-After, even if concurrent workers overfilled the window)."""
        if self.history:
            remaining = self.duration - (self.now - self.history[-1])
        else:
            remaining = self.duration
        available = self.num_requests - len(self.history) + 1
        return max(remaining / max(available, 1), 1.0)


class PartnerTokenThrottle(_RateFromSettings):
    """Counts every request made with a partner token, keyed by the token; sessions of
    people signed in to the site are not counted here."""

    scope = "partner_token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


class FailedAuthenticationThrottle(_RateFromSettings):
    """Counts failed token authentications by client address. Not a view throttle (DRF
    throttles run after authentication, which a wrong token has already failed): the
    token authentication calls `wait_before_trying` before it looks a token up and
    `count_failure` when it finds none."""

    scope = "failed_authentication"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        ident = client_address(request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def _load(self, request: Request) -> bool:
        """Read the address's recent failures; False when no rate is set (no limit)."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return True

    def wait_before_trying(self, request: Request) -> float | None:
        """Seconds this address must wait before it may send a token again, or None."""
        if not self._load(request) or len(self.history) < self.num_requests:
            return None
        return max(self.duration - (self.now - self.history[-1]), 1.0)

    def count_failure(self, request: Request) -> None:
        if self._load(request):
            self.throttle_success()  # records the failure in the window
