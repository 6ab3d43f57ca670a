"""What every assurance page shares: its access rules, breadcrumbs, the form page's
layout (over pages.kit.form_page) and the authority a page is for."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from dueregard.accounts.access import requires
from dueregard.accounts.permissions import Action as Do
from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority
from dueregard.core import periods, versions
from dueregard.core.periods import (
    financial_year,
    financial_year_start,
)
from dueregard.pages.kit import form_page

from .. import exports, queries
from ..forms import (
    PeriodForm,
)

A = Kind.ASSURANCE
LIST = requires(A, Do.LIST, methods=("GET",))
CHANGE = requires(A, Do.CHANGE)
EXPORT = requires(A, Do.EXPORT, methods=("GET",))


def VIEW_OBJECT(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return requires(A, Do.VIEW, object_scoped=True, methods=("GET",))(view)


def CHANGE_OBJECT(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return requires(A, Do.CHANGE, object_scoped=True)(view)


# --- Helpers -----------------------------------------------------------------------------


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("Assurance", reverse("assurance:index")), *items]


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    save: Callable[[], Any],
    success: str | Callable[[Any], str],
    title: str,
    submit: str,
    cancel: str,
    crumbs: list[tuple[str, str]],
    done: str | Callable[[Any], str] = "",
    caption: str = "",
    intro: str = "",
    warning: str = "",
    multipart: bool = False,
    personal_data: bool = False,
    edit: versions.Edit | None = None,
) -> HttpResponse:
    """An assurance form page (pages.kit.form_page in the assurance layout), which goes
    on to `done` (by default back where `cancel` leads); `edit` (core.versions) when it
    changes an existing record: its version in the form and, after a stale save, their
    version beside the user's."""
    return form_page(
        request,
        form,
        save=save,
        success=success,
        done=done or cancel,
        edit=edit,
        template="assurance/form.html",
        context={
            "title": title,
            "submit": submit,
            "cancel": cancel,
            "crumbs": crumbs,
            "caption": caption,
            "intro": intro,
            "warning": warning,
            "multipart": multipart,
            "personal_data": personal_data,
        },
    )


def _writable(request: HttpRequest) -> QuerySet[Authority]:
    return queries.authorities(request.user, Do.CHANGE)


def _authority_choices(request: HttpRequest) -> QuerySet[Authority] | None:
    writable = _writable(request)
    return writable if writable.count() > 1 else None


def _create_authority(request: HttpRequest, form: Any) -> Authority:
    chosen = form.cleaned_data.get("authority")
    if chosen is not None:
        return chosen
    first = _writable(request).first()
    if first is None:  # the decorator lets only users who may change in somewhere
        raise Http404
    return first


def _current_authority(request: HttpRequest, action: Do = Do.LIST) -> Authority:
    """The authority an overview or a pack is for: `?authority=<ONS code>` or the first."""
    allowed = queries.authorities(request.user, action)
    code = request.GET.get("authority", "")
    chosen = allowed.filter(ons_code=code).first() if code else None
    chosen = chosen or allowed.first()
    if chosen is None:
        raise Http404
    return chosen


def _export_format(request: HttpRequest) -> str:
    value = request.GET.get("format", "csv")
    if value not in exports.FORMATS:
        raise Http404
    return value


def _can_change(request: HttpRequest, authority_id: int | None = None) -> bool:
    if authority_id is None:
        return queries.may_change(request.user)
    return _writable(request).filter(pk=authority_id).exists()


def _many_authorities(request: HttpRequest) -> bool:
    return queries.authorities(request.user, Do.LIST).count() > 1


def _initial_period(request: HttpRequest) -> tuple[datetime.date, datetime.date, PeriodForm]:
    """The period from the query string (`start_day` ...), or this financial year so far."""
    year = financial_year(financial_year_start(periods.today()))
    form = PeriodForm(request.GET if "start_year" in request.GET else None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["start"], form.cleaned_data["end"], form
    if not form.is_bound:
        form = PeriodForm(initial={"start": year.start, "end": year.end})
    return year.start, year.end, form
