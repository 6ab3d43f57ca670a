"""The access record a view carries, and the `public` marker.

Every view the project serves declares who may open it by carrying an `Access` record as
its `access` attribute; the URL-walk test reads it, so a view added without one fails the
suite. The rules themselves (`requires`, `signed_in`, and which role may do what) live in
`dueregard.accounts.access`, which re-exports these; they sit here, below every app, because
`public` decides nothing and core's own pages (the accessibility statement) carry it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Access:
    """Who may open a view: `level` is "public", "signed_in" or "permission"; a permission
    names the kind of record and the action (`accounts.permissions.Kind` and `Action`,
    string enums, held here as the strings they are)."""

    level: str
    kind: Any = None
    action: Any = None
    object_scoped: bool = False
    methods: tuple[str, ...] = ("GET", "POST")


def mark(view: View, access: Access) -> View:
    """Set `view.access` and return the view."""
    view.access = access  # type: ignore[attr-defined]  # read back by the URL walk
    return view


def public(view: View) -> View:
    """Anyone may open the view, signed in or not (sign-in, the accessibility statement)."""
    return mark(view, Access("public"))
