"""Quarterly grant return pages: the list, a new return, a return with its figures, its
words and budget lines, sign-off, amendment and downloads.

Reading needs Kind.STATISTICS (VIEW to see, EXPORT to download); writing needs
Kind.GOVERNANCE CHANGE, the Prevent lead's (reports.queries). A signed-off return cannot
be changed: its edit pages answer 403 with the reason and the way to amend it.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action, Audience, Kind, audiences_for, can
from dueregard.core import periods, versions
from dueregard.core.periods import financial_quarter_of
from dueregard.pages.kit import add_service_errors

from . import grant_returns, queries, services
from .forms import (
    AUDIENCE_LABELS,
    AmendForm,
    AudienceForm,
    BudgetLineForm,
    GrantReturnForm,
    GrantReturnTextForm,
    SignOffForm,
)
from .models import GrantReturn
from .renderers import FORMATS
from .renderers.html import render_fragment

QUARTERS_OFFERED = 8


def quarter_choices(today: Any) -> list[tuple[str, str]]:
    """The current financial quarter and the seven before it, newest first."""
    quarter = financial_quarter_of(today)
    choices = []
    for _ in range(QUARTERS_OFFERED):
        choices.append(
            (
                quarter.start.isoformat(),
                (
                    f"{quarter.label} ({quarter.start.day} {quarter.start:%B %Y} to "
                    f"{quarter.end.day} {quarter.end:%B %Y})"
                ),
            )
        )
        quarter = financial_quarter_of(quarter.start - datetime.timedelta(days=1))
    return choices


def may_write(user: Any, grant_return: GrantReturn) -> bool:
    return (
        queries.committee_authorities(user, Action.CHANGE)
        .filter(pk=grant_return.authority_id)
        .exists()
    )


def locked(request: SignedInRequest, grant_return: GrantReturn, error: Exception) -> HttpResponse:
    return render(
        request,
        "reports/grant_returns/locked.html",
        {"grant_return": grant_return, "message": str(error.args[0] if error.args else error)},
        status=403,
    )


def _draft_or_locked(request: SignedInRequest, grant_return: GrantReturn) -> HttpResponse | None:
    try:
        services.check_draft(grant_return)
    except services.ReturnLocked as error:
        return locked(request, grant_return, error)
    return None


@requires(Kind.STATISTICS, Action.VIEW, methods=("GET",))
def grant_return_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "reports/grant_returns/list.html",
        {
            "returns": queries.grant_returns_visible_to(request.user).order_by(
                "authority__name", "-quarter_start", "-is_current", "-pk"
            ),
            "may_create": queries.committee_authorities(request.user, Action.CHANGE).exists(),
        },
    )


@requires(Kind.GOVERNANCE, Action.CHANGE)
def grant_return_create(request: SignedInRequest) -> HttpResponse:
    authorities = queries.committee_authorities(request.user, Action.CHANGE).order_by("name")
    quarters = quarter_choices(periods.today())
    form = GrantReturnForm(
        request.POST if request.method == "POST" else None,
        authorities=authorities,
        quarters=quarters,
    )
    if request.method == "POST" and form.is_valid():
        start = datetime.date.fromisoformat(form.cleaned_data["quarter"])
        try:
            grant_return = services.create_grant_return(
                form.cleaned_data["authority"],
                quarter=financial_quarter_of(start),
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Grant return started")
            return redirect("reports:grant_return", pk=grant_return.pk)
    return render(request, "reports/grant_returns/create.html", {"form": form})


@requires(Kind.STATISTICS, Action.VIEW, object_scoped=True, methods=("GET",))
def grant_return_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    grant_return = queries.get_grant_return_for_user(request, pk)
    allowed = audiences_for(request.user, grant_return.authority)
    query = request.GET.copy()
    query.setdefault("audience", allowed[0].value)
    form = AudienceForm(query, user=request.user, authority=grant_return.authority)
    audience = Audience(form.cleaned_data["audience"]) if form.is_valid() else allowed[0]
    built = services.view_grant_return(grant_return, audience, acting_user=request.user)
    may_export = can(request.user, Kind.STATISTICS, Action.EXPORT, grant_return.authority)
    return render(
        request,
        "reports/grant_returns/detail.html",
        {
            "grant_return": grant_return,
            "quarter": financial_quarter_of(grant_return.quarter_start),
            "form": form,
            "built": built,
            "audience_label": AUDIENCE_LABELS[audience],
            "fragment": render_fragment(built, prefix="return-"),
            "lines": grant_return.budget_lines.filter(archived=False).order_by("pk"),
            "may_write": may_write(request.user, grant_return),
            "downloads": [
                {
                    "label": FORMATS[f].label,
                    "query": urlencode({"format": f, "audience": audience.value}),
                }
                for f in grant_returns.FORMATS
            ]
            if may_export
            else [],
            "superseded_by": GrantReturn.objects.filter(supersedes=grant_return).first(),
        },
    )


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True)
def grant_return_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    grant_return = queries.get_grant_return_for_user(request, pk, write=True)
    refused = _draft_or_locked(request, grant_return)
    if refused:
        return refused

    def values(current: Any) -> dict[str, Any]:
        return {name: getattr(current, name) for name in services.GRANT_TEXT_FIELDS}

    edit = versions.Edit(request, grant_return, values)
    if request.method == "POST":
        form = GrantReturnTextForm(request.POST)
        if form.is_valid():
            try:
                edit.save(
                    form,
                    lambda: services.update_grant_return(
                        grant_return, dict(form.cleaned_data), acting_user=request.user
                    ),
                )
            except services.ReturnLocked as error:
                return locked(request, grant_return, error)
            except versions.EditConflict as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Return saved")
                return redirect("reports:grant_return", pk=grant_return.pk)
    else:
        form = GrantReturnTextForm(initial=values(grant_return))
    return render(
        request,
        "reports/grant_returns/edit.html",
        {"form": form, "grant_return": grant_return, **edit.context()},
        status=400 if form.errors else 200,
    )


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True)
def grant_return_line_add(request: SignedInRequest, pk: int) -> HttpResponse:
    grant_return = queries.get_grant_return_for_user(request, pk, write=True)
    refused = _draft_or_locked(request, grant_return)
    if refused:
        return refused
    form = BudgetLineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_budget_line(
                grant_return, dict(form.cleaned_data), acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Budget line added")
            return redirect("reports:grant_return", pk=grant_return.pk)
    return render(
        request,
        "reports/grant_returns/line.html",
        {"form": form, "grant_return": grant_return, "line": None},
    )


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True)
def grant_return_line(request: SignedInRequest, pk: int, line: int) -> HttpResponse:
    grant_return = queries.get_grant_return_for_user(request, pk, write=True)
    refused = _draft_or_locked(request, grant_return)
    if refused:
        return refused
    budget_line = queries.get_budget_line_for_user(request, grant_return, line)
    if request.method == "POST":
        form = BudgetLineForm(request.POST)
        if form.is_valid():
            try:
                services.update_budget_line(
                    budget_line, dict(form.cleaned_data), acting_user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Budget line saved")
                return redirect("reports:grant_return", pk=grant_return.pk)
    else:
        form = BudgetLineForm(
            initial={
                name: getattr(budget_line, name)
                for name in ("heading", "budget", "spent_in_quarter", "spent_to_date", "note")
            }
        )
    return render(
        request,
        "reports/grant_returns/line.html",
        {"form": form, "grant_return": grant_return, "line": budget_line},
    )


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True, methods=("POST",))
def grant_return_line_remove(request: SignedInRequest, pk: int, line: int) -> HttpResponse:
    grant_return = queries.get_grant_return_for_user(request, pk, write=True)
    refused = _draft_or_locked(request, grant_return)
    if refused:
        return refused
    budget_line = queries.get_budget_line_for_user(request, grant_return, line)
    services.remove_budget_line(budget_line, acting_user=request.user)
    messages.success(request, f"Budget line removed: {budget_line.heading}")
    return redirect("reports:grant_return", pk=grant_return.pk)


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True)
def grant_return_sign_off(request: SignedInRequest, pk: int) -> HttpResponse:
    grant_return = queries.get_grant_return_for_user(request, pk, write=True)
    refused = _draft_or_locked(request, grant_return)
    if refused:
        return refused
    form = SignOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_off_grant_return(grant_return, acting_user=request.user)
        except services.ReturnLocked as error:
            return locked(request, grant_return, error)
        messages.success(request, "Return signed off: its figures are now fixed")
        return redirect("reports:grant_return", pk=grant_return.pk)
    return render(
        request,
        "reports/grant_returns/sign_off.html",
        {"form": form, "grant_return": grant_return},
    )


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True)
def grant_return_amend(request: SignedInRequest, pk: int) -> HttpResponse:
    grant_return = queries.get_grant_return_for_user(request, pk, write=True)
    amendable = grant_return.is_signed_off and grant_return.is_current
    form = AmendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and amendable and form.is_valid():
        try:
            amended = services.amend_grant_return(
                grant_return, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Amended return started: make your corrections, then sign it off"
            )
            return redirect("reports:grant_return", pk=amended.pk)
    return render(
        request,
        "reports/grant_returns/amend.html",
        {"form": form, "grant_return": grant_return, "amendable": amendable},
        status=200 if amendable or request.method == "GET" else 400,
    )


@requires(Kind.STATISTICS, Action.EXPORT, object_scoped=True, methods=("GET",))
def grant_return_download(request: SignedInRequest, pk: int) -> HttpResponse:
    grant_return = queries.get_grant_return_for_user(request, pk)
    allowed = audiences_for(request.user, grant_return.authority)
    format_id = request.GET.get("format", "docx")
    audience_value = request.GET.get("audience", allowed[0].value)
    if format_id not in grant_returns.FORMATS or audience_value not in [a.value for a in allowed]:
        return render(
            request,
            "reports/grant_returns/bad_download.html",
            {"grant_return": grant_return, "formats": grant_returns.FORMATS},
            status=400,
        )
    produced = services.export_grant_return(
        grant_return, audience_value, format_id, acting_user=request.user
    )
    spec = FORMATS[format_id]
    response = HttpResponse(produced.content, content_type=spec.content_type)
    quarter = financial_quarter_of(grant_return.quarter_start)
    label = quarter.label.replace(" ", "-").replace("/", "-")
    status = "signed-off" if grant_return.is_signed_off else "draft"
    filename = (
        f"grant-return-{grant_return.authority.ons_code}-{label}-{status}-{audience_value}."
        f"{spec.extension}"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
