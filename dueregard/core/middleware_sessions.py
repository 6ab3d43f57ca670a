"""The idle timeout without a database write on every request (ADR 0023).

A session ends `SESSION_COOKIE_AGE` seconds (30 minutes) after it was last saved: the
database row's `expire_date`, checked on every load. Saving the session on every request
(`SESSION_SAVE_EVERY_REQUEST`) kept that true to the second, at the price of an UPDATE of
`django_session` on every page. This middleware saves it instead when it was last renewed
more than `SESSION_RENEW_SECONDS` (60) ago, by stamping the time in the session, so a user
is signed out after between 29 and 30 minutes of inactivity, never later, and an active user
costs at most one session write a minute.

A request that changes the session (signing in, a step-up, a message) saves it anyway and
is stamped too. Place it straight after Django's `SessionMiddleware`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_KEY = "_dr_renewed"  # the Unix time the session was last saved by a request


def renew_seconds() -> int:
    return int(getattr(settings, "SESSION_RENEW_SECONDS", 60))


class SessionRenewalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        now = int(time.time())
        if session.modified:
            if session.session_key is not None or not session.is_empty():
                session[RENEWED_KEY] = now  # saved anyway: count it as the renewal
            return response
        renewed = session.get(RENEWED_KEY)  # loads it: an expired session reads as empty
        if session.session_key is None or session.is_empty():
            return response  # nothing to renew: no session, or it has expired
        if not isinstance(renewed, int) or now - renewed >= renew_seconds():
            session[RENEWED_KEY] = now  # marks it modified: SessionMiddleware saves it
        return response
