"""The notification pages: each user's own settings, and the administrators' outbox."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime

from dueregard.accounts.access import SignedInRequest, requires, signed_in
from dueregard.accounts.permissions import Action, Kind
from dueregard.core.pagination import Keyset

from . import forms, queries, services
from .models import MANDATORY_KINDS, NotificationKind

# Newest first: ids grow with time, and `?before=<id>` reaches older messages.
OUTBOX_PAGES = Keyset(("-id",))
OUTBOX_HEADINGS = ["Created", "To", "Subject", "Message"]


@signed_in
def preferences(request: SignedInRequest) -> HttpResponse:
    form = forms.PreferencesForm(
        request.POST or None, initial={"turned_on": queries.kinds_turned_on(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        services.set_preferences(
            request.user, turned_on=form.cleaned_data["turned_on"], acting_user=request.user
        )
        messages.success(request, "Your notification settings have been saved.")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "mandatory": [NotificationKind(kind).label for kind in sorted(MANDATORY_KINDS)],
            "has_email": bool(request.user.email),
        },
        status=400 if request.method == "POST" else 200,
    )


@requires(Kind.USERS, Action.LIST, methods=("GET",))
def outbox(request: SignedInRequest) -> HttpResponse:
    page = OUTBOX_PAGES.page(queries.outbox_visible_to(request.user), request.GET)
    rows = [
        [date_format(localtime(m.created_at), "j M Y H:i"), m.email_address, m.subject, m.body]
        for m in page.items
    ]
    return render(
        request,
        "notifications/outbox.html",
        {"outbox": page.items, "headings": OUTBOX_HEADINGS, "rows": rows, "page": page},
    )
