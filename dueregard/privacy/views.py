"""Privacy pages: retention, legal hold, subject access, the sharing log, the access
review and the step-up reveal. Thin views over `queries` and `services`."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import match_token

from dueregard.accounts import services as accounts_services
from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action, Kind, authorities_for, can
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.casework import queries as casework_queries
from dueregard.core import periods, versions
from dueregard.pages.kit import (
    add_service_errors,
    detail_page,
    export_response,
    form_page,
    posted,
    viewed,
)

from . import forms, queries, services
from .models import RecordClass, RetentionRule

REVEAL_SESSION_KEY = "privacy_reveals"
REVEAL_SECONDS = 10 * 60
REVEALABLE = {"referral": "police information", "person": "health details"}


def _authority(request: SignedInRequest, kind: Kind, action: Action) -> Any:
    return authorities_for(request.user, kind, action).order_by("name").first()


def _form_page(request: SignedInRequest, template: str, **context: Any) -> HttpResponse:
    """A page of a form without a service behind it (the step-up reveal)."""
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


# --------------------------------------------------------------------------------------
# Retention


@requires(Kind.RETENTION, Action.LIST, methods=("GET",))
def retention(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request, Kind.RETENTION, Action.LIST)
    on = periods.today()
    years = services.rules_for(authority)
    configured = {r.record_class: r for r in RetentionRule.objects.filter(authority=authority)}
    rules = [
        {
            "record_class": cls,
            "label": services.rule_label(cls, years[cls]),
            "years": years[cls],
            "configured": configured.get(cls),
        }
        for cls in RecordClass
    ]
    schedule = services.retention_schedule(authority, on=on, within_days=services.WARNING_DAYS)
    return render(
        request,
        "privacy/retention.html",
        {
            "authority": authority,
            "rules": rules,
            "due_now": [d for d in schedule if d.due_on <= on and not d.held],
            "due_soon": [d for d in schedule if d.due_on > on and not d.held],
            "held": [d for d in schedule if d.held],
            "destructions": queries.destruction_records_visible_to(request.user)[:50],
            "warning_days": services.WARNING_DAYS,
            "can_change": can(request.user, Kind.RETENTION, Action.CHANGE, authority),
            "can_open_people": can(request.user, Kind.CASEWORK, Action.VIEW, authority),
        },
    )


@requires(Kind.RETENTION, Action.CHANGE)
def rule_edit(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request, Kind.RETENTION, Action.CHANGE)
    form = forms.RetentionRuleForm(posted(request))
    return form_page(
        request,
        form,
        save=lambda: services.set_retention_rule(
            authority,
            record_class=form.cleaned_data["record_class"],
            review_after_years=form.cleaned_data["review_after_years"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        ),
        success="Retention rule saved",
        done=reverse("privacy:retention"),
        template="privacy/form.html",
        context={
            "title": "Change a retention rule",
            "back_url": reverse("privacy:retention"),
            "submit": "Save the rule",
        },
    )


@requires(Kind.RETENTION, Action.CHANGE, object_scoped=True)
def legal_hold(request: SignedInRequest, pk: int) -> HttpResponse:
    person = queries.get_person_for_retention(request, pk, write=True)
    offered = "lift" if person.legal_hold else "place"
    form = forms.LegalHoldForm(posted(request), initial={"change": offered})
    # The form names its change (place or lift), so a form posted twice places once; the
    # version check still refuses a form opened before another user changed the hold.
    edit = versions.Edit(request, person, lambda p: {"reason": p.legal_hold_reason})
    return form_page(
        request,
        form,
        save=lambda: services.set_legal_hold(
            person,
            on=form.cleaned_data["change"] == "place",
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        ),
        edit=edit,
        success=lambda _: "Legal hold placed" if person.legal_hold else "Legal hold lifted",
        done=reverse("privacy:legal_hold", args=[person.pk]),
        rendering=lambda: viewed(request, person, form="legal hold"),
        template="privacy/legal_hold.html",
        context={
            "person": person,
            "personal_data": True,
            "back_url": reverse("privacy:retention"),
        },
    )


# --------------------------------------------------------------------------------------
# Subject access


@requires(Kind.CASEWORK, Action.EXPORT, object_scoped=True)
def sar_start(request: SignedInRequest, pk: int) -> HttpResponse:
    person = casework_queries.get_person_for_user(request, pk)
    if not can(request.user, Kind.CASEWORK, Action.EXPORT, person.authority):
        from dueregard.accounts.access import deny

        deny(request, kind=Kind.CASEWORK, action=Action.EXPORT, hidden=False, object_id=pk)
    form = forms.SubjectAccessStartForm(posted(request))
    return form_page(
        request,
        form,
        save=lambda: services.start_subject_access_request(
            person, received_on=form.cleaned_data["received_on"], acting_user=request.user
        ),
        success="",
        done=lambda sar: reverse("privacy:sar", args=[sar.pk]),
        rendering=lambda: viewed(request, person, form="subject access request"),
        template="privacy/form.html",
        context={
            "title": "Record a subject access request",
            "caption": person.display_name,
            "intro": "Record when the request was received; next you choose what to withhold "
            "to protect other people, then download the export.",
            "back_url": reverse("casework:person", args=[person.pk]),
            "submit": "Continue",
            "personal_data": True,
        },
    )


@requires(Kind.CASEWORK, Action.EXPORT, object_scoped=True)
def sar(request: SignedInRequest, pk: int) -> HttpResponse:
    request_obj = queries.get_sar_for_user(request, pk, action=Action.EXPORT)
    items = services.third_party_items(request_obj.person)
    choices = [(i.key, f"{i.record}, {i.label}: {i.text}") for i in items]

    def values(current: Any) -> dict[str, Any]:
        return {"redact": current.redacted, "phrases": "\n".join(current.phrases)}

    form = forms.RedactionForm(posted(request), choices=choices, initial=values(request_obj))
    return form_page(
        request,
        form,
        save=lambda: services.set_redactions(
            request_obj,
            keys=form.cleaned_data["redact"],
            phrases=form.cleaned_data["phrases"].splitlines(),
            acting_user=request.user,
        ),
        edit=versions.Edit(request, request_obj, values),
        success="Redactions confirmed: the export is ready",
        done=reverse("privacy:sar", args=[request_obj.pk]),
        rendering=lambda: viewed(request, request_obj, form="redaction"),
        template="privacy/sar.html",
        context={
            "sar": request_obj,
            "person": request_obj.person,
            "items": items,
            "personal_data": True,
        },
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(Kind.CASEWORK, Action.EXPORT, object_scoped=True, methods=("GET",))
def sar_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    request_obj = queries.get_sar_for_user(request, pk, action=Action.EXPORT)
    if not request_obj.redaction_confirmed:
        messages.error(request, "Confirm the redactions before the export is released")
        return redirect("privacy:sar", pk=request_obj.pk)
    pdf = services.subject_access_pdf(request_obj, acting_user=request.user)
    return _download(pdf, "application/pdf", f"subject-access-{request_obj.pk}.pdf")


@requires(Kind.CASEWORK, Action.EXPORT, object_scoped=True, methods=("GET",))
def sar_zip(request: SignedInRequest, pk: int) -> HttpResponse:
    request_obj = queries.get_sar_for_user(request, pk, action=Action.EXPORT)
    if not request_obj.redaction_confirmed:
        messages.error(request, "Confirm the redactions before the export is released")
        return redirect("privacy:sar", pk=request_obj.pk)
    data = services.subject_access_zip(request_obj, acting_user=request.user)
    return _download(data, "application/zip", f"subject-access-{request_obj.pk}.zip")


# --------------------------------------------------------------------------------------
# Information sharing


@requires(Kind.SHARING, Action.LIST, methods=("GET",))
def sharing(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request, Kind.SHARING, Action.LIST)
    records = list(queries.sharing_visible_to(request.user, Action.LIST)[:200])
    if records:
        record(
            AuditAction.VIEW,
            actor=request.user,
            object_type="privacy.sharinglist",
            authority=authority,
            detail={
                "path": request.path[:200],
                "people": ",".join(str(r.referral.person_id) for r in records),
            },
        )
    return render(
        request,
        "privacy/sharing.html",
        {
            "records": records,
            "missing": queries.agencies_without_agreement(
                authorities_for(request.user, Kind.SHARING, Action.LIST), periods.today()
            ),
            "can_change": can(request.user, Kind.SHARING, Action.CHANGE, authority),
            "personal_data": bool(records),
        },
    )


@requires(Kind.SHARING, Action.VIEW, object_scoped=True, methods=("GET",))
def sharing_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    item = queries.get_sharing_for_user(request, pk)
    return detail_page(
        request,
        item,
        "privacy/sharing_detail.html",
        {
            "item": item,
            "can_open_case": can(request.user, Kind.CASEWORK, Action.VIEW, item.authority),
        },
    )


@requires(Kind.SHARING, Action.CHANGE)
def sharing_new(request: SignedInRequest) -> HttpResponse:
    referrals = queries.referrals_for_sharing(request.user).order_by("-received_on")
    initial = {}
    if request.GET.get("referral", "").isdigit():
        initial["referral"] = int(request.GET["referral"])
    form = forms.SharingForm(posted(request), referrals=referrals, initial=initial)
    fields = ("direction", "partner", "purpose", "lawful_basis", "what_was_shared", "shared_on")
    return form_page(
        request,
        form,
        save=lambda: services.record_sharing(
            form.cleaned_data["referral"],
            **{name: form.cleaned_data[name] for name in fields},
            acting_user=request.user,
        ),
        success="Sharing recorded",
        done=lambda item: reverse("privacy:sharing_detail", args=[item.pk]),
        template="privacy/form.html",
        context={
            "title": "Record information sharing",
            "back_url": reverse("privacy:sharing"),
            "submit": "Save",
            "personal_data": True,
        },
    )


@requires(Kind.SHARING, Action.EXPORT, methods=("GET",))
def sharing_csv(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request, Kind.SHARING, Action.EXPORT)
    records = list(
        queries.sharing_visible_to(request.user, Action.EXPORT).order_by("shared_on", "pk")
    )
    headers = [
        "shared_on",
        "direction",
        "partner",
        "referral",
        "purpose",
        "lawful_basis",
        "what_was_shared",
        "shared_by",
    ]
    rows = [
        [
            r.shared_on.isoformat(),
            r.get_direction_display(),
            r.partner,
            r.referral.reference,
            r.purpose,
            r.get_lawful_basis_display(),
            r.what_was_shared,
            r.shared_by.get_username(),
        ]
        for r in records
    ]
    response = export_response(
        "csv", "information-sharing", headers, rows, filename="information-sharing.csv"
    )
    response["Cache-Control"] = "no-store"
    record(
        AuditAction.EXPORT,
        actor=request.user,
        object_type="privacy.sharingrecord",
        authority=authority,
        detail={"format": "csv", "rows": len(records)},
    )
    return response


@requires(Kind.SHARING, Action.LIST, methods=("GET",))
def agreements(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request, Kind.SHARING, Action.LIST)
    today = periods.today()
    items = list(queries.agreements_visible_to(request.user, Action.LIST))
    for a in items:
        a.is_current = a.starts_on <= today and (a.ends_on is None or a.ends_on >= today)  # type: ignore[attr-defined]
    return render(
        request,
        "privacy/agreements.html",
        {
            "agreements": items,
            "missing": queries.agencies_without_agreement(
                authorities_for(request.user, Kind.SHARING, Action.LIST), today
            ),
            "can_change": can(request.user, Kind.SHARING, Action.CHANGE, authority),
        },
    )


@requires(Kind.SHARING, Action.CHANGE)
def agreement_new(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request, Kind.SHARING, Action.CHANGE)
    form = forms.AgreementForm(posted(request))
    fields = ("partner", "starts_on", "ends_on", "document_reference")
    return form_page(
        request,
        form,
        save=lambda: services.record_agreement(
            authority,
            **{name: form.cleaned_data[name] for name in fields},
            acting_user=request.user,
        ),
        success="Data-sharing agreement recorded",
        done=reverse("privacy:agreements"),
        template="privacy/form.html",
        context={
            "title": "Record a data-sharing agreement",
            "back_url": reverse("privacy:agreements"),
        },
    )


# --------------------------------------------------------------------------------------
# Access review


def _review_period(
    request: SignedInRequest,
) -> tuple[forms.PeriodForm, datetime.date, datetime.date]:
    today = periods.today()
    default = (today - datetime.timedelta(days=90), today)
    data = request.GET if "start_day" in request.GET else None
    form = forms.PeriodForm(data)
    if data is not None and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    if data is None:
        form = forms.PeriodForm(initial={"start": default[0], "end": default[1]})
    return form, default[0], default[1]


@requires(Kind.ACCESS_REVIEW, Action.VIEW)
def access_review(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request, Kind.ACCESS_REVIEW, Action.VIEW)
    period_form, start, end = _review_period(request)
    review_form = forms.AccessReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            start = datetime.date.fromisoformat(request.POST.get("period_start", ""))
            end = datetime.date.fromisoformat(request.POST.get("period_end", ""))
        except ValueError:
            review_form.add_error(None, "The period of the report is missing: reload the report")
        if review_form.is_valid() and can(
            request.user, Kind.ACCESS_REVIEW, Action.CHANGE, authority
        ):
            try:
                services.record_access_review(
                    authority,
                    period_start=start,
                    period_end=end,
                    notes=review_form.cleaned_data["notes"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(review_form, error)
            else:
                messages.success(request, "Your review of this report is recorded")
                return redirect(
                    reverse("privacy:access_review")
                    + f"?start_day={start.day}&start_month={start.month}&start_year={start.year}"
                    + f"&end_day={end.day}&end_month={end.month}&end_year={end.year}"
                )
    views = queries.person_views(authority, start, end)
    out_of_role = queries.out_of_role_views(authority, start, end)
    reveals = queries.reveals(authority, start, end)
    record(
        AuditAction.VIEW,
        actor=request.user,
        object_type="privacy.accessreport",
        authority=authority,
        detail={"period": f"{start.isoformat()}/{end.isoformat()}"},
    )
    from .models import AccessReview

    return render(
        request,
        "privacy/access_review.html",
        {
            "period_form": period_form,
            "form": review_form,
            "start": start,
            "end": end,
            "view_count": views.count(),
            "reveals": reveals[:200],
            "reveal_count": reveals.count(),
            "views": views.order_by("-occurred_at", "-id")[:200],
            "out_of_role": out_of_role,
            "volumes": queries.view_volumes(authority, start, end),
            "exports": queries.personal_data_exports(authority, start, end)[:200],
            "reviews": AccessReview.objects.filter(authority=authority).select_related(
                "reviewed_by"
            )[:20],
            "unusual_factor": queries.UNUSUAL_FACTOR,
            "unusual_minimum": queries.UNUSUAL_MINIMUM,
        },
        status=400 if request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------------------
# Step-up reveal


def reveal_granted(session: Any, what: str, pk: int) -> bool:
    grants = session.get(REVEAL_SESSION_KEY) or {}
    return float(grants.get(f"{what}:{pk}", 0)) > time.time()


@requires(Kind.CASEWORK, Action.VIEW, object_scoped=True)
def reveal(request: SignedInRequest, what: str, pk: int) -> HttpResponse:
    if what == "referral":
        obj: Any = casework_queries.get_referral_for_user(request, pk)
        back = reverse("casework:referral", args=[obj.pk])
    elif what == "person":
        obj = casework_queries.get_person_for_user(request, pk)
        back = reverse("casework:person", args=[obj.pk])
    else:
        from django.http import Http404

        raise Http404
    form = forms.RevealForm(posted(request))
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        # A wrong code makes the authenticator wait before the next try; say so, and how
        # long, rather than calling the next (correct) code wrong.
        wait = accounts_services.seconds_until_next_attempt(request.user)
        device = match_token(request.user, form.cleaned_data["code"].strip())
        if device is None:
            refused = "too soon after a wrong code" if wait else "wrong security code"
            services.record_refused_reveal(
                obj, what=REVEALABLE[what], reason=reason, why=refused, acting_user=request.user
            )
            form.add_error(
                "code",
                f"Too many wrong codes: wait {wait} seconds, then enter the code your app shows"
                if wait
                else "The security code is not correct or has expired",
            )
        else:
            services.record_reveal(
                obj, what=REVEALABLE[what], reason=reason, acting_user=request.user
            )
            grants = dict(request.session.get(REVEAL_SESSION_KEY) or {})
            now = time.time()
            grants = {k: v for k, v in grants.items() if float(v) > now}
            grants[f"{what}:{obj.pk}"] = now + REVEAL_SECONDS
            request.session[REVEAL_SESSION_KEY] = grants
            return redirect(back + f"#{'police' if what == 'referral' else 'health'}")
    return _form_page(
        request,
        "privacy/reveal.html",
        form=form,
        what=REVEALABLE[what],
        back_url=back,
        minutes=REVEAL_SECONDS // 60,
    )
