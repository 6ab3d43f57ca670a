"""Access rules on views: every view the project serves declares one.

- `@public`: anyone, signed in or not (sign-in, accessibility statement).
- `@signed_in`: any user who has signed in with their second factor.
- `@requires(kind, action)`: users whose role allows `action` on `kind` somewhere.
  Object pages (`object_scoped=True`) then fetch their record with a domain's
  `get_..._for_user()`, which gives 404 outside the user's scope.

A user without the action gets 403, except on object pages where they cannot even view
that kind of record: there the record's existence is not revealed (404).
The URL-walk test reads the `access` attribute these decorators set, so a view added
without one fails the suite. `public` and the `Access` record live in `dueregard.core.access`
(core's own pages carry them, and core imports no app); they are re-exported here.

Every domain's `queries.py` scopes its records with `scoped(model, user, action, kind=...)`:
the one place a queryset is limited to the authorities where a user may act.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed

from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core.access import Access, mark, public

from .models import User
from .permissions import Action, Kind, authorities_for, can_anywhere

__all__ = [
    "Access",
    "SignedInRequest",
    "deny",
    "get_for_user",
    "get_scoped",
    "get_visible",
    "public",
    "requires",
    "scoped",
    "signed_in",
    "signed_in_user",
]

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


class SignedInRequest(HttpRequest):
    """The request a view behind `require` sees: the user has signed in with both factors.

    `require` refuses anonymous requests before the view runs, so a view may annotate its
    request with this type and pass `request.user` wherever a service takes `acting_user`.
    """

    user: User  # type: ignore[assignment]  # narrowed from User | AnonymousUser by `require`


def signed_in_user(request: HttpRequest) -> User:
    """The user behind a request that authentication has already let through (an API
    token's user, or a signed-in session); refuses, never guesses, if there is none."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _signed_in_or_redirect(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user.is_verified():  # type: ignore[attr-defined,union-attr]
        # Signed in without the second factor (should not happen through our sign-in).
        logout(request)
        return redirect_to_login(request.get_full_path())
    return None


def _method_not_allowed(request: HttpRequest, methods: tuple[str, ...]) -> HttpResponse | None:
    if request.method in methods or request.method in ("HEAD", "OPTIONS"):
        return None
    return HttpResponseNotAllowed(methods)


def signed_in(view: View | None = None, *, methods: tuple[str, ...] = ("GET", "POST")) -> Any:
    """Any user signed in with both factors. Use bare, or with `methods=`."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return (
                _signed_in_or_redirect(request)
                or _method_not_allowed(request, methods)
                or view(request, *args, **kwargs)
            )

        return mark(wrapper, Access("signed_in", methods=methods))

    return decorate(view) if view is not None else decorate


def requires(
    kind: Kind,
    action: Action,
    *,
    object_scoped: bool = False,
    methods: tuple[str, ...] = ("GET", "POST"),
) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            redirect = _signed_in_or_redirect(request)
            if redirect:
                return redirect
            not_allowed = _method_not_allowed(request, methods)
            if not_allowed:
                return not_allowed
            if not can_anywhere(request.user, kind, action):
                hidden = object_scoped and not can_anywhere(request.user, kind, Action.VIEW)
                deny(request, kind=kind, action=action, hidden=hidden)
            return view(request, *args, **kwargs)

        return mark(wrapper, Access("permission", kind, action, object_scoped, methods))

    return decorate


def deny(
    request: HttpRequest, *, kind: str, action: str, hidden: bool, object_id: Any = ""
) -> None:
    """Audit a refusal, then raise 404 (`hidden`) or 403."""
    record(
        AuditAction.PERMISSION_DENIED,
        actor=request.user,
        object_type=str(kind),
        object_id=str(object_id or ""),
        detail={"action": str(action), "path": request.path[:200]},
    )
    if hidden:
        raise Http404
    raise PermissionDenied


def get_for_user(
    request: HttpRequest,
    visible: QuerySet[M],
    pk: Any,
    *,
    kind: Kind,
    writable: QuerySet[M] | None = None,
) -> M:
    """Fetch a record through a domain's scoped querysets.

    Not in `visible`: 404, whether or not it exists. In `visible` but not in `writable`
    (when given): 403. Both refusals are audited.
    """
    try:
        obj = visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        deny(request, kind=kind, action=Action.VIEW, hidden=True, object_id=pk)
        raise AssertionError("unreachable") from None
    if writable is not None and not writable.filter(pk=obj.pk).exists():
        deny(request, kind=kind, action=Action.CHANGE, hidden=False, object_id=pk)
    return obj


def scoped(
    model: type[M] | QuerySet[M],
    user: Any,
    action: Action,
    *,
    kind: Kind,
    via: str = "authority",
) -> QuerySet[M]:
    """`model`'s records (or a queryset's) in the authorities where `user` may do `action`
    on records of `kind`: the tenancy filter every domain's `queries.py` builds on.

    The kind is an argument, not a property of the model: one model is read under several
    kinds (a person is casework to a lead and retention to an auditor), and `core`'s
    `AuthorityOwned` cannot name a `Kind` without importing `accounts`. `via` is the path to
    the record's authority when it is held through another record
    (`via="strategy__authority"` for a priority). Finer need-to-know rules, such as a panel
    member's agenda, are applied by the domain on top of this.
    """
    records = model.all() if isinstance(model, QuerySet) else model._default_manager.all()
    return records.filter(**{f"{via}__in": authorities_for(user, kind, action)})


def get_visible(
    request: HttpRequest,
    visible_to: Callable[[Any, Action], QuerySet[M]],
    pk: Any,
    *,
    kind: Kind,
    write: bool = False,
) -> M:
    """One record of what a domain's `visible_to(user, action)` gives the request's user:
    404 outside what they may view, and with `write`, 403 where they may view but not
    change it (`get_for_user` with VIEW and CHANGE)."""
    user = request.user
    return get_for_user(
        request,
        visible_to(user, Action.VIEW),
        pk,
        kind=kind,
        writable=visible_to(user, Action.CHANGE) if write else None,
    )


def get_scoped(
    request: HttpRequest,
    model: type[M] | QuerySet[M],
    pk: Any,
    *,
    kind: Kind,
    write: bool = False,
    via: str = "authority",
) -> M:
    """One record of `model` (or of a queryset, e.g. with its `select_related`) for the
    request's user, through `scoped`: `get_visible` for a domain with no rule of its own."""

    def visible_to(user: Any, action: Action) -> QuerySet[M]:
        return scoped(model, user, action, kind=kind, via=via)

    return get_visible(request, visible_to, pk, kind=kind, write=write)
