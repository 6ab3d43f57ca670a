"""The current request's id and client address, for audit events written while serving it."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_NO_REQUEST = RequestContext()
current: ContextVar[RequestContext] = ContextVar(
    "audit_request_context",
    default=_NO_REQUEST,
)
