"""The national threat level, CTLPs, the risk register and the incident log."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render, resolve_url
from django.urls import reverse

from dueregard.accounts.access import SignedInRequest, requires, signed_in
from dueregard.accounts.permissions import Action as Do
from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Ward
from dueregard.core import periods, versions

from .. import exports, metrics, queries, services
from ..forms import (
    CTLPForm,
    IncidentForm,
    NewRiskForm,
    ReasonForm,
    RecommendationForm,
    RiskForm,
    RiskReviewForm,
    ThreatLevelForm,
)
from ..models import (
    CTLP,
    Action,
    Impact,
    ThreatLevel,
)
from .common import (
    CHANGE,
    CHANGE_OBJECT,
    EXPORT,
    LIST,
    VIEW_OBJECT,
    A,
    _authority_choices,
    _can_change,
    _create_authority,
    _crumbs,
    _current_authority,
    _export_format,
    _form_page,
    _initial_period,
    _many_authorities,
    _writable,
)

# --- National threat level --------------------------------------------------------------------


@signed_in(methods=("GET",))
def threat_level_list(request: SignedInRequest) -> HttpResponse:
    levels = list(queries.threat_levels().select_related("created_by"))
    rows = []
    for i, level in enumerate(levels):
        until = levels[i - 1].starts_on - datetime.timedelta(days=1) if i else None
        rows.append({"level": level, "until": until})
    return render(
        request,
        "assurance/threat_level_list.html",
        {
            "crumbs": [("Home", reverse("home"))],
            "current": queries.threat_level_on(periods.today()),
            "rows": rows,
            "create_url": _threat_level_url(request, "create"),
        },
    )


def _threat_level_url(request: SignedInRequest, which: str, pk: int | None = None) -> str:
    """Prevent leads and administrators each reach the form through a page their role's
    rule allows (see docs/assurance.md); others get no link."""
    args = [pk] if pk is not None else []
    if queries.may_change(request.user):
        return reverse(f"assurance:threat_level_{which}", args=args)
    if queries.may_change_threat_level(request.user):
        return reverse(f"assurance:threat_level_{which}_admin", args=args)
    return ""


@signed_in(methods=("GET",))
def threat_level_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    level = get_object_or_404(ThreatLevel, pk=pk)
    return render(
        request,
        "assurance/threat_level_detail.html",
        {
            "crumbs": [
                ("Home", reverse("home")),
                ("National threat level", reverse("assurance:threat_level_list")),
            ],
            "level": level,
            "edit_url": _threat_level_url(request, "edit", level.pk),
            "history": queries.change_history(level)[:20],
        },
    )


def _threat_level_create(request: SignedInRequest) -> HttpResponse:
    form = ThreatLevelForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda: services.record_threat_level(acting_user=request.user, **form.cleaned_data),
        success=lambda level: f"Threat level {level.get_level_display()} recorded",
        done=resolve_url("assurance:threat_level_list"),
        title="Record a change of national threat level",
        intro="The UK national threat level is set by the Joint Terrorism Analysis Centre "
        "and published by the Security Service (MI5).",
        submit="Save threat level",
        cancel=reverse("assurance:threat_level_list"),
        crumbs=[
            ("Home", reverse("home")),
            ("National threat level", reverse("assurance:threat_level_list")),
        ],
    )


def _threat_level_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    level = get_object_or_404(ThreatLevel, pk=pk)
    fields = ("level", "starts_on", "source_url", "note")
    form = ThreatLevelForm(request.POST or None, initial={f: getattr(level, f) for f in fields})
    edit = versions.Edit(request, level, lambda o: {f: getattr(o, f) for f in fields})
    return _form_page(
        request,
        form,
        save=lambda: services.update_threat_level(
            level, acting_user=request.user, **form.cleaned_data
        ),
        success="Threat level corrected",
        done=resolve_url("assurance:threat_level_detail", pk=level.pk),
        edit=edit,
        title="Correct a recorded threat level",
        caption=str(level),
        intro="Use this to correct a mistake. When the level changes, record a new level.",
        submit="Save correction",
        cancel=reverse("assurance:threat_level_detail", args=[level.pk]),
        crumbs=[
            ("Home", reverse("home")),
            ("National threat level", reverse("assurance:threat_level_list")),
        ],
    )


# Prevent leads record the level as assurance work; administrators as national reference data.
threat_level_create = requires(A, Do.CHANGE)(_threat_level_create)
threat_level_edit = requires(A, Do.CHANGE)(_threat_level_edit)
threat_level_create_admin = requires(Kind.USERS, Do.CHANGE)(_threat_level_create)
threat_level_edit_admin = requires(Kind.USERS, Do.CHANGE)(_threat_level_edit)


# --- CTLPs -----------------------------------------------------------------------------------


@LIST
def ctlp_list(request: SignedInRequest) -> HttpResponse:
    ctlps = (
        queries.ctlps_visible_to(request.user)
        .select_related("authority")
        .annotate(
            n_recommendations=Count("recommendations", distinct=True),
            n_complete=Count(
                "recommendations",
                filter=Q(recommendations__response_status="complete"),
                distinct=True,
            ),
        )
    )
    return render(
        request,
        "assurance/ctlp_list.html",
        {
            "crumbs": _crumbs(),
            "ctlps": ctlps,
            "personal_data": True,
            "can_change": _can_change(request),
            "can_export": queries.may_export(request.user),
            "many": _many_authorities(request),
        },
    )


CTLP_FIELDS = ("title", "issued_on", "area", "produced_by", "key_points")


@CHANGE
def ctlp_create(request: SignedInRequest) -> HttpResponse:
    form = CTLPForm(request.POST or None, authorities=_authority_choices(request))
    return _form_page(
        request,
        form,
        save=lambda: services.create_ctlp(
            authority=_create_authority(request, form),
            acting_user=request.user,
            **{f: form.cleaned_data[f] for f in CTLP_FIELDS},
        ),
        success="CTLP added: now add its recommendations",
        done=lambda ctlp: resolve_url("assurance:ctlp_detail", pk=ctlp.pk),
        title="Add a Counter-Terrorism Local Profile",
        submit="Save CTLP",
        cancel=reverse("assurance:ctlp_list"),
        personal_data=True,
        crumbs=_crumbs(("CTLPs", reverse("assurance:ctlp_list"))),
    )


@VIEW_OBJECT
def ctlp_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    ctlp = queries.get_ctlp_for_user(request, pk)
    services.record_view(ctlp, acting_user=request.user)
    recommendations = ctlp.recommendations.prefetch_related(  # type: ignore[attr-defined]
        Prefetch("actions", queryset=Action.objects.order_by("reference"))
    )
    return render(
        request,
        "assurance/ctlp_detail.html",
        {
            "crumbs": _crumbs(("CTLPs", reverse("assurance:ctlp_list"))),
            "ctlp": ctlp,
            "recommendations": recommendations,
            "risks": ctlp.risks.filter(archived=False),  # type: ignore[attr-defined]
            "threat_level": queries.threat_level_on(ctlp.issued_on),
            "personal_data": True,
            "can_change": _can_change(request, ctlp.authority_id),
            "history": queries.change_history(ctlp)[:20],
        },
    )


@CHANGE_OBJECT
def ctlp_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    ctlp = queries.get_ctlp_for_user(request, pk, write=True)
    form = CTLPForm(request.POST or None, initial={f: getattr(ctlp, f) for f in CTLP_FIELDS})
    edit = versions.Edit(request, ctlp, lambda o: {f: getattr(o, f) for f in CTLP_FIELDS})
    page = reverse("assurance:ctlp_detail", args=[ctlp.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.update_ctlp(ctlp, acting_user=request.user, **form.cleaned_data),
        success="CTLP changed",
        edit=edit,
        title="Change the CTLP",
        caption=ctlp.title,
        submit="Save changes",
        cancel=page,
        personal_data=True,
        crumbs=_crumbs(("CTLPs", reverse("assurance:ctlp_list")), (ctlp.title, page)),
    )


RECOMMENDATION_FIELDS = ("number", "text", "response", "response_status", "response_owner")


@CHANGE_OBJECT
def recommendation_create(request: SignedInRequest, pk: int) -> HttpResponse:
    ctlp = queries.get_ctlp_for_user(request, pk, write=True)
    form = RecommendationForm(request.POST or None, initial={"response_status": "not_started"})
    page = reverse("assurance:ctlp_detail", args=[ctlp.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.add_recommendation(
            ctlp, acting_user=request.user, **form.cleaned_data
        ),
        success="Recommendation added",
        title="Add a recommendation",
        caption=ctlp.title,
        submit="Save recommendation",
        cancel=page,
        personal_data=True,
        crumbs=_crumbs(("CTLPs", reverse("assurance:ctlp_list")), (ctlp.title, page)),
    )


@CHANGE_OBJECT
def recommendation_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    recommendation = queries.get_recommendation_for_user(request, pk, write=True)
    ctlp = recommendation.ctlp
    form = RecommendationForm(
        request.POST or None,
        initial={f: getattr(recommendation, f) for f in RECOMMENDATION_FIELDS},
    )
    form.fields["number"].required = True
    edit = versions.Edit(
        request, recommendation, lambda o: {f: getattr(o, f) for f in RECOMMENDATION_FIELDS}
    )
    page = reverse("assurance:ctlp_detail", args=[ctlp.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.update_recommendation(
            recommendation, acting_user=request.user, **form.cleaned_data
        ),
        success=lambda _: f"Recommendation {recommendation.number} changed",
        edit=edit,
        title=f"Recommendation {recommendation.number} and the local response",
        caption=ctlp.title,
        submit="Save changes",
        cancel=page,
        personal_data=True,
        crumbs=_crumbs(("CTLPs", reverse("assurance:ctlp_list")), (ctlp.title, page)),
    )


RECOMMENDATION_COLUMNS = [
    "ctlp",
    "ctlp_date",
    "area",
    "number",
    "recommendation",
    "response_status",
    "local_response",
    "response_owner",
    "actions",
    "authority",
]


@EXPORT
def ctlp_export(request: SignedInRequest) -> HttpResponse:
    fmt = _export_format(request)
    recommendations = (
        queries.recommendations_visible_to(request.user, Do.EXPORT)
        .select_related("ctlp", "ctlp__authority")
        .prefetch_related("actions")
        .order_by("-ctlp__issued_on", "ctlp", "number")
    )
    rows = [
        [
            r.ctlp.title,
            r.ctlp.issued_on,
            r.ctlp.area,
            r.number,
            r.text,
            r.get_response_status_display(),
            r.response,
            r.response_owner,
            "; ".join(a.reference for a in r.actions.all()),  # type: ignore[attr-defined]
            r.ctlp.authority.ons_code,
        ]
        for r in recommendations
    ]
    services.record_export(
        acting_user=request.user,
        object_type="assurance.ctlprecommendation",
        authority_ids={r.ctlp.authority_id for r in recommendations},
        export_format=fmt,
        rows=len(rows),
    )
    return exports.download(fmt, "ctlp-recommendations", RECOMMENDATION_COLUMNS, rows)


# --- Risk register ----------------------------------------------------------------------------


@LIST
def risk_list(request: SignedInRequest) -> HttpResponse:
    show_closed = request.GET.get("closed") == "yes"
    risks = queries.risks_with_actions(queries.risks_visible_to(request.user)).filter(
        archived=show_closed
    )
    authority = _current_authority(request)
    today = periods.today()
    return render(
        request,
        "assurance/risk_list.html",
        {
            "crumbs": _crumbs(),
            "risks": risks.select_related("authority"),
            "show_closed": show_closed,
            "today": today,
            "grid": metrics.risks_by_likelihood_and_impact(authority, today),
            "impacts": Impact.choices,
            "by_rating": metrics.risks_by_rating(authority, today),
            "authority": authority,
            "can_change": _can_change(request),
            "can_export": queries.may_export(request.user),
            "many": _many_authorities(request),
        },
    )


RISK_FIELDS = ("reference", "theme", "description", "owner", "agency", "ctlp")


def _ctlps_for(request: SignedInRequest, authority_id: int | None = None) -> QuerySet[CTLP]:
    ctlps = queries.ctlps_visible_to(request.user, Do.CHANGE)
    return ctlps.filter(authority_id=authority_id) if authority_id else ctlps


@CHANGE
def risk_create(request: SignedInRequest) -> HttpResponse:
    form = NewRiskForm(
        request.POST or None,
        ctlps=_ctlps_for(request),
        authorities=_authority_choices(request),
        initial={"identified_on": periods.today(), "trend": "new"},
    )
    return _form_page(
        request,
        form,
        save=lambda: services.add_risk(
            authority=_create_authority(request, form),
            identified_on=form.cleaned_data["identified_on"],
            likelihood=form.cleaned_data["likelihood"],
            impact=form.cleaned_data["impact"],
            trend=form.cleaned_data["trend"],
            rating=form.cleaned_data["rating"],
            review_date=form.cleaned_data["review_date"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
            **{f: form.cleaned_data[f] for f in RISK_FIELDS},
        ),
        success=lambda risk: f"Risk {risk.reference} added to the register",
        done=lambda risk: resolve_url("assurance:risk_detail", pk=risk.pk),
        title="Add a risk to the register",
        intro="Likelihood, impact and rating are your council's own judgement, recorded as "
        "you enter them.",
        submit="Save risk",
        cancel=reverse("assurance:risk_list"),
        crumbs=_crumbs(("Risk register", reverse("assurance:risk_list"))),
    )


@VIEW_OBJECT
def risk_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    risk = queries.get_risk_for_user(request, pk)
    return render(
        request,
        "assurance/risk_detail.html",
        {
            "crumbs": _crumbs(("Risk register", reverse("assurance:risk_list"))),
            "risk": risk,
            "reviews": risk.reviews.select_related("created_by"),  # type: ignore[attr-defined]
            "actions": risk.actions.select_related("strategy"),  # type: ignore[attr-defined]
            "today": periods.today(),
            "can_change": _can_change(request, risk.authority_id) and not risk.archived,
            "history": queries.change_history(risk)[:20],
        },
    )


@CHANGE_OBJECT
def risk_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    risk = queries.get_risk_for_user(request, pk, write=True)
    form = RiskForm(
        request.POST or None,
        ctlps=_ctlps_for(request, risk.authority_id),
        initial={f: getattr(risk, f) for f in RISK_FIELDS},
    )
    edit = versions.Edit(request, risk, lambda o: {f: getattr(o, f) for f in RISK_FIELDS})
    page = reverse("assurance:risk_detail", args=[risk.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.update_risk(risk, acting_user=request.user, **form.cleaned_data),
        success="Risk changed",
        edit=edit,
        title="Change the risk",
        caption=f"Risk {risk.reference}",
        intro="To change the likelihood, impact, trend or rating, record a review instead: "
        "the register keeps its history.",
        submit="Save changes",
        cancel=page,
        crumbs=_crumbs(
            ("Risk register", reverse("assurance:risk_list")), (f"Risk {risk.reference}", page)
        ),
    )


@CHANGE_OBJECT
def risk_review(request: SignedInRequest, pk: int) -> HttpResponse:
    risk = queries.get_risk_for_user(request, pk, write=True)
    form = RiskReviewForm(
        request.POST or None,
        initial={
            "reviewed_on": periods.today(),
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "trend": risk.trend,
            "rating": risk.rating,
            "review_date": periods.today() + datetime.timedelta(days=91),
        },
    )
    edit = versions.Edit(
        request,
        risk,
        lambda o: {f: getattr(o, f) for f in ("likelihood", "impact", "trend", "rating")},
    )
    page = reverse("assurance:risk_detail", args=[risk.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.review_risk(risk, acting_user=request.user, **form.cleaned_data),
        success=lambda _: f"Review of risk {risk.reference} recorded",
        edit=edit,
        title="Record a review",
        caption=f"Risk {risk.reference}: {risk.theme}",
        submit="Save review",
        cancel=page,
        crumbs=_crumbs(
            ("Risk register", reverse("assurance:risk_list")), (f"Risk {risk.reference}", page)
        ),
    )


@CHANGE_OBJECT
def risk_close(request: SignedInRequest, pk: int) -> HttpResponse:
    risk = queries.get_risk_for_user(request, pk, write=True)
    form = ReasonForm(request.POST or None)
    page = reverse("assurance:risk_detail", args=[risk.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.close_risk(
            risk, reason=form.cleaned_data["reason"], acting_user=request.user
        ),
        success=lambda _: f"Risk {risk.reference} closed",
        title="Close the risk",
        caption=f"Risk {risk.reference}: {risk.theme}",
        warning="The risk stays on record with its reviews; it leaves the open register.",
        submit="Close risk",
        cancel=page,
        crumbs=_crumbs(
            ("Risk register", reverse("assurance:risk_list")), (f"Risk {risk.reference}", page)
        ),
    )


RISK_COLUMNS = [
    "reference",
    "theme",
    "description",
    "owner",
    "agency",
    "likelihood",
    "impact",
    "trend",
    "recorded_rating",
    "next_review",
    "linked_actions",
    "ctlp",
    "status",
    "authority",
]


@EXPORT
def risk_export(request: SignedInRequest) -> HttpResponse:
    fmt = _export_format(request)
    risks = (
        queries.risks_with_actions(queries.risks_visible_to(request.user, Do.EXPORT))
        .select_related("authority")
        .order_by("authority__name", "archived", "reference")
    )
    rows = [
        [
            r.reference,
            r.theme,
            r.description,
            r.owner,
            r.agency,
            r.get_likelihood_display(),
            r.get_impact_display(),
            r.get_trend_display(),
            r.get_rating_display() if r.rating else "",
            r.review_date,
            "; ".join(a.reference for a in r.actions.all()),  # type: ignore[attr-defined]
            r.ctlp.title if r.ctlp else "",
            "closed" if r.archived else "open",
            r.authority.ons_code,
        ]
        for r in risks
    ]
    services.record_export(
        acting_user=request.user,
        object_type="assurance.risk",
        authority_ids={r.authority_id for r in risks},
        export_format=fmt,
        rows=len(rows),
    )
    return exports.download(fmt, "risk-register", RISK_COLUMNS, rows)


# --- Incidents --------------------------------------------------------------------------------


@LIST
def incident_list(request: SignedInRequest) -> HttpResponse:
    start, end, form = _initial_period(request)
    authority = _current_authority(request)
    incidents = (
        queries.incidents_visible_to(request.user)
        .filter(archived=False, occurred_on__gte=start, occurred_on__lte=end)
        .select_related("ward", "authority")
    )
    by_ward = metrics.incidents_by_ward(authority, start, end)
    return render(
        request,
        "assurance/incident_list.html",
        {
            "crumbs": _crumbs(),
            "form": form,
            "start": start,
            "end": end,
            "incidents": incidents,
            "by_ward": by_ward,
            "wards_with_incidents": [g for g in by_ward.groups if g[1]],
            "by_type": metrics.incidents_by_type(authority, start, end),
            "authority": authority,
            "query": request.GET.urlencode(),
            "personal_data": True,
            "can_change": _can_change(request),
            "can_export": queries.may_export(request.user),
            "many": _many_authorities(request),
        },
    )


INCIDENT_FIELDS = (
    "occurred_on",
    "kind",
    "ward",
    "location",
    "summary",
    "source",
    "police_reference",
)


def _wards_for(request: SignedInRequest, authority_id: int | None = None) -> QuerySet[Ward]:
    wards = Ward.objects.filter(authority__in=_writable(request))
    return wards.filter(authority_id=authority_id) if authority_id else wards


@CHANGE
def incident_create(request: SignedInRequest) -> HttpResponse:
    form = IncidentForm(
        request.POST or None,
        wards=_wards_for(request),
        authorities=_authority_choices(request),
    )
    return _form_page(
        request,
        form,
        save=lambda: services.record_incident(
            authority=_create_authority(request, form),
            acting_user=request.user,
            **{f: form.cleaned_data[f] for f in INCIDENT_FIELDS},
        ),
        success="Incident logged",
        done=lambda incident: resolve_url("assurance:incident_detail", pk=incident.pk),
        title="Log an incident",
        intro="Terrorism-related arrests and convictions connected to the area, extremist "
        "stickering and graffiti, hoaxes against schools and community tension events.",
        submit="Save incident",
        cancel=reverse("assurance:incident_list"),
        personal_data=True,
        crumbs=_crumbs(("Incidents", reverse("assurance:incident_list"))),
    )


@VIEW_OBJECT
def incident_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    incident = queries.get_incident_for_user(request, pk)
    services.record_view(incident, acting_user=request.user)
    return render(
        request,
        "assurance/incident_detail.html",
        {
            "crumbs": _crumbs(("Incidents", reverse("assurance:incident_list"))),
            "incident": incident,
            "personal_data": True,
            "can_change": _can_change(request, incident.authority_id) and not incident.archived,
            "history": queries.change_history(incident)[:20],
        },
    )


@CHANGE_OBJECT
def incident_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    incident = queries.get_incident_for_user(request, pk, write=True)
    form = IncidentForm(
        request.POST or None,
        wards=_wards_for(request, incident.authority_id),
        initial={f: getattr(incident, f) for f in INCIDENT_FIELDS},
    )
    edit = versions.Edit(request, incident, lambda o: {f: getattr(o, f) for f in INCIDENT_FIELDS})
    page = reverse("assurance:incident_detail", args=[incident.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.update_incident(
            incident, acting_user=request.user, **form.cleaned_data
        ),
        success="Incident changed",
        edit=edit,
        title="Change the incident",
        caption=str(incident),
        submit="Save changes",
        cancel=page,
        personal_data=True,
        crumbs=_crumbs(("Incidents", reverse("assurance:incident_list")), (str(incident), page)),
    )


@CHANGE_OBJECT
def incident_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    incident = queries.get_incident_for_user(request, pk, write=True)
    form = ReasonForm(request.POST or None)
    page = reverse("assurance:incident_detail", args=[incident.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.archive_incident(
            incident, reason=form.cleaned_data["reason"], acting_user=request.user
        ),
        success="Incident removed from the log",
        title="Remove the incident from the log",
        caption=str(incident),
        warning="Use this for an incident logged in error or twice. It is kept on record but "
        "no longer counted.",
        submit="Remove from log",
        cancel=page,
        personal_data=True,
        crumbs=_crumbs(("Incidents", reverse("assurance:incident_list")), (str(incident), page)),
    )


INCIDENT_COLUMNS = [
    "date",
    "type",
    "ward",
    "location",
    "summary",
    "reported_by",
    "police_reference",
    "authority",
]


@EXPORT
def incident_export(request: SignedInRequest) -> HttpResponse:
    fmt = _export_format(request)
    start, end, _ = _initial_period(request)
    incidents = (
        queries.incidents_visible_to(request.user, Do.EXPORT)
        .filter(archived=False, occurred_on__gte=start, occurred_on__lte=end)
        .select_related("ward", "authority")
        .order_by("occurred_on", "id")
    )
    rows = [
        [
            i.occurred_on,
            i.get_kind_display(),
            i.ward.name if i.ward else "",
            i.location,
            i.summary,
            i.source,
            i.police_reference,
            i.authority.ons_code,
        ]
        for i in incidents
    ]
    services.record_export(
        acting_user=request.user,
        object_type="assurance.incident",
        authority_ids={i.authority_id for i in incidents},
        export_format=fmt,
        rows=len(rows),
        extra={"from": start.isoformat(), "to": end.isoformat()},
    )
    return exports.download(fmt, "incident-log", INCIDENT_COLUMNS, rows)
