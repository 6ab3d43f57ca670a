"""Casework pages: thin views over `queries` (who sees what) and `services` (every change).

Each page showing a person's details passes `personal_data=True` (the OFFICIAL-SENSITIVE
marking) and writes one VIEW audit event: with the person for a person's or case's page,
and for a list (work queue, search, meeting) one event naming the people listed.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Model, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.models import Role
from dueregard.accounts.permissions import Action, Kind, authorities_for, can, roles_in
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import navigation, periods, versions
from dueregard.core.pagination import Keyset
from dueregard.pages import kit

from . import forms, pathway, queries, services
from .models import (
    DEFAULT_CONTACT_INTERVAL_DAYS,
    REVIEW_LIMIT_MONTHS,
    ActionStatus,
    AgendaItem,
    EventKind,
    MeetingStatus,
    Person,
    Referral,
    ReviewKind,
    Stage,
    StageEvent,
    SupportPlan,
)

INTAKE_SESSION_KEY = "casework_intake"


# --------------------------------------------------------------------------------------
# Helpers


def _viewed_list(
    request: SignedInRequest, what: str, person_ids: list[int], authority: Any
) -> None:
    """One VIEW audit event for a page listing several people (their ids in the detail)."""
    if not person_ids:
        return
    record(
        AuditAction.VIEW,
        actor=request.user,
        object_type=f"casework.{what}",
        authority=authority,
        person_id=person_ids[0] if len(person_ids) == 1 else None,
        detail={"path": request.path[:200], "people": ",".join(map(str, person_ids[:500]))},
    )


def _home_authority(request: SignedInRequest, kind: Kind, action: Action) -> Any:
    return authorities_for(request.user, kind, action).order_by("name").first()


def _form_page(
    request: SignedInRequest,
    *,
    form: Any,
    title: str,
    on_valid: Callable[[dict[str, Any]], Any],
    success: str,
    done_url: str | Callable[[], str],
    back_url: str,
    record_obj: Model | None,
    caption: str = "",
    intro: str = "",
    submit: str = "Save",
    extra: dict[str, Any] | None = None,
    edit: versions.Edit | None = None,
    template: str = "casework/form.html",
) -> HttpResponse:
    """A casework form page (pages.kit.form_page): validate, call one service, redirect.

    A page that changes an existing record passes `edit`: the save happens only if the
    record is still at the version the form was opened with (core.versions); a stale
    save is refused with who changed it and when, their values beside the user's. A page
    of a record (`record_obj`) writes its VIEW audit event when the form is shown.
    """

    def rendering() -> dict[str, Any]:
        if record_obj is None:
            return {}
        kit.viewed(request, record_obj, form=title)
        if not isinstance(record_obj, Referral):
            return {}
        # "Referred N times" on every page of a referral
        return {
            "earlier": queries.earlier_referrals(record_obj),
            "repeat_months": settings.REPEAT_REFERRAL_MONTHS,
        }

    return kit.form_page(
        request,
        form,
        save=lambda: on_valid(form.cleaned_data),
        success=success,
        done=lambda _: done_url() if callable(done_url) else done_url,
        template=template,
        edit=edit,
        rendering=rendering,
        context={
            "title": title,
            "caption": caption,
            "intro": intro,
            "submit": submit,
            "back_url": back_url,
            "personal_data": record_obj is not None,
            **(extra or {}),
        },
    )


def _referral_page(
    request: SignedInRequest,
    referral: Referral,
    *,
    form: Any,
    title: str,
    on_valid: Callable[[dict[str, Any]], Any],
    success: str,
    done_url: str | Callable[[], str] | None = None,
    **options: Any,
) -> HttpResponse:
    """A form page of one referral's pathway: captioned with the person and reference,
    back to (and, unless `done_url` says otherwise, on to) the referral's page."""
    return _form_page(
        request,
        form=form,
        title=title,
        caption=_caption(referral),
        on_valid=on_valid,
        success=success,
        done_url=done_url or _referral_url(referral),
        back_url=_referral_url(referral),
        record_obj=referral,
        **options,
    )


def _caption(referral: Referral) -> str:
    return f"{referral.person.display_name}, referral {referral.reference}"


# --------------------------------------------------------------------------------------
# Work queue, people, person


@requires(Kind.CASEWORK, Action.LIST, methods=("GET",))
def queue(request: SignedInRequest) -> HttpResponse:
    mine = request.GET.get("mine") == "1"
    work = queries.caseload(request.user, periods.today(), mine=mine)
    _viewed_list(
        request,
        "workqueue",
        work.person_ids(),
        _home_authority(request, Kind.CASEWORK, Action.LIST),
    )
    return render(
        request,
        "casework/queue.html",
        {
            "work": work,
            "sections": work.sections(),
            "counts": work.counts(),
            "mine": mine,
            "today": periods.today(),
            "personal_data": True,
        },
    )


@requires(Kind.CASEWORK, Action.LIST, methods=("GET",))
def people(request: SignedInRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:100]
    results = list(queries.search_people(request.user, text)) if text else []
    _viewed_list(
        request,
        "search",
        [p.pk for p in results],
        _home_authority(request, Kind.CASEWORK, Action.LIST),
    )
    return render(
        request,
        "casework/people.html",
        {"q": text, "results": results, "searched": bool(text), "personal_data": bool(results)},
    )


@requires(Kind.CASEWORK, Action.VIEW, object_scoped=True, methods=("GET",))
def person(request: SignedInRequest, pk: int) -> HttpResponse:
    person = queries.get_person_for_user(request, pk)
    referrals = list(
        person.referrals.select_related(
            "sector", "concern", "gateway_concern", "panel_concern", "exit_reason"
        ).order_by("received_on", "pk")
    )
    events = (
        StageEvent.objects.filter(person=person)
        .select_related("referral", "recorded_by", "concern")
        .order_by("occurred_on", "pk")
    )
    return kit.detail_page(
        request,
        person,
        "casework/person.html",
        {
            "person": person,
            "referrals": referrals,
            "events": events,
            "can_change": can(request.user, Kind.CASEWORK, Action.CHANGE, person.authority),
        },
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def person_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    person = queries.get_person_for_user(request, pk, write=True)
    form = forms.PersonForm(
        kit.posted(request), initial=_person_values(person), authority=person.authority
    )

    def save(data: dict[str, Any]) -> None:
        services.update_person(
            person,
            details=services.PersonDetails(
                **{f: data.get(f) for f in services.PERSON_FIELDS if f != "gender"},  # type: ignore[arg-type]  # the form cleans each field to its type
                gender=data.get("gender") or None,
            ),
            acting_user=request.user,
        )

    return _form_page(
        request,
        form=form,
        title="Change the person's details",
        caption=person.display_name,
        on_valid=save,
        success="The person's details were saved.",
        done_url=reverse("casework:person", args=[person.pk]),
        back_url=reverse("casework:person", args=[person.pk]),
        record_obj=person,
        edit=versions.Edit(request, person, _person_values),
    )


def _person_values(person: Person) -> dict[str, Any]:
    values = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    values["gender"] = person.gender or ""
    return values


# --------------------------------------------------------------------------------------
# Intake: name and date of birth -> possible matches -> the referral


@requires(Kind.CASEWORK, Action.CHANGE)
def intake(request: SignedInRequest) -> HttpResponse:
    form = forms.IntakeNameForm(kit.posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dob = data.get("date_of_birth")
        request.session[INTAKE_SESSION_KEY] = {
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "other_names": data["other_names"].strip(),
            "date_of_birth": dob.isoformat() if dob else "",
            "person": None,
        }
        return redirect("casework:intake_match")
    return render(
        request,
        "casework/intake_name.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _intake_state(request: SignedInRequest) -> dict[str, Any] | None:
    state = request.session.get(INTAKE_SESSION_KEY)
    return state if isinstance(state, dict) else None


def _intake_dob(state: dict[str, Any]) -> datetime.date | None:
    return datetime.date.fromisoformat(state["date_of_birth"]) if state["date_of_birth"] else None


@requires(Kind.CASEWORK, Action.CHANGE)
def intake_match(request: SignedInRequest) -> HttpResponse:
    state = _intake_state(request)
    authority = _home_authority(request, Kind.CASEWORK, Action.CHANGE)
    if state is None or authority is None:
        return render(request, "casework/intake_start_again.html")
    matches = queries.possible_matches(
        authority,
        given_name=state["given_name"],
        family_name=state["family_name"],
        date_of_birth=_intake_dob(state),
        other_names=state["other_names"],
    )
    if not matches and request.method == "GET":
        state["person"] = "new"
        request.session[INTAKE_SESSION_KEY] = state
        return render(request, "casework/intake_no_matches.html", {"state": state})
    form = forms.MatchChoiceForm(
        kit.posted(request), choices=[(str(m.person.pk), m.person.display_name) for m in matches]
    )
    if request.method == "POST" and form.is_valid():
        state["person"] = form.cleaned_data["choice"]
        request.session[INTAKE_SESSION_KEY] = state
        return redirect("casework:intake_details")
    _viewed_list(request, "possiblematches", [m.person.pk for m in matches], authority)
    return render(
        request,
        "casework/intake_match.html",
        {"form": form, "matches": matches, "state": state, "personal_data": True},
        status=400 if request.method == "POST" else 200,
    )


@requires(Kind.CASEWORK, Action.CHANGE)
def intake_details(request: SignedInRequest) -> HttpResponse:
    state = _intake_state(request)
    authority = _home_authority(request, Kind.CASEWORK, Action.CHANGE)
    if state is None or not state.get("person") or authority is None:
        return render(request, "casework/intake_start_again.html")
    known: Person | None = None
    if state["person"] != "new":
        known = queries.get_person_for_user(request, state["person"], write=True)
        authority = known.authority
        form: Any = forms.KnownPersonReferralForm(
            kit.posted(request), authority=authority, initial={"received_on": periods.today()}
        )
    else:
        form = forms.NewPersonReferralForm(
            kit.posted(request), authority=authority, initial={"received_on": periods.today()}
        )
    form.offer_case_officers(services.case_officers(authority), request.user)
    referral = kit.submit(
        request, form, lambda: _create_referral(request, authority, state, known, form.cleaned_data)
    )
    if referral is not kit.UNSAVED:
        del request.session[INTAKE_SESSION_KEY]
        messages.success(request, f"Referral {referral.reference} was recorded.")
        return redirect("casework:referral", pk=referral.pk)
    if known is not None:
        kit.viewed(request, known, form="intake")
    return render(
        request,
        "casework/intake_details.html",
        {
            "form": form,
            "state": state,
            "known": known,
            "date_of_birth": _intake_dob(state),
            "personal_data": True,
        },
        status=400 if request.method == "POST" else 200,
    )


def _create_referral(
    request: SignedInRequest,
    authority: Any,
    state: dict[str, Any],
    known: Person | None,
    data: dict[str, Any],
) -> Referral:
    from django.db import transaction

    with transaction.atomic():  # the new person and the referral, or neither
        person = known or services.create_person(
            authority=authority,
            details=services.PersonDetails(
                given_name=state["given_name"],
                family_name=state["family_name"],
                other_names=state["other_names"],
                date_of_birth=_intake_dob(state),
                gender=data.get("gender") or None,
                ethnic_group=data.get("ethnic_group") or "",
                religion=data.get("religion") or "",
                address=data.get("address") or "",
                ward=data.get("ward"),
                health_details=data.get("health_details") or "",
            ),
            acting_user=request.user,
        )
        return services.receive_referral(
            person=person,
            details=services.ReferralDetails(
                received_on=data["received_on"],
                referrer_name=data["referrer_name"],
                referrer_organisation=data["referrer_organisation"],
                referrer_contact=data["referrer_contact"],
                sector=data["sector"],
                concern_description=data["concern_description"],
                concern=data["concern"],
                age_at_referral=data.get("age_at_referral"),
                ward=data.get("ward"),
                vulnerabilities=list(data["vulnerabilities"]),
            ),
            coordinator=data["case_officer"],
            acting_user=request.user,
        )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True, methods=("POST",))
def refer_again(request: SignedInRequest, pk: int) -> HttpResponse:
    """Start a new referral of a known person (a repeat referral)."""
    person = queries.get_person_for_user(request, pk, write=True)
    request.session[INTAKE_SESSION_KEY] = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "other_names": person.other_names,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "person": str(person.pk),
    }
    return redirect("casework:intake_details")


# --------------------------------------------------------------------------------------
# A referral and its pathway


# The pages that record each next step, in the order the referral page offers them; which
# of them a referral's stage allows is the pathway's rule (`pathway.allows`).
_NEXT_STEPS: tuple[tuple[EventKind, str, str], ...] = (
    (EventKind.TRIAGED, "Record the triage outcome", "casework:triage"),
    (EventKind.GATEWAY_OUTCOME, "Record the police gateway outcome", "casework:gateway"),
    (EventKind.ADOPTED, "Add to a panel agenda", "casework:referral_agenda"),
    (
        EventKind.ONWARD_RESPONSE,
        "Record the service\u2019s answer to the onward referral",
        "casework:onward",
    ),
    (EventKind.CONSENT, "Record consent", "casework:consent"),
    (EventKind.SUPPORT_PLAN, "Agree the support plan", "casework:support_plan"),
    (EventKind.SUPPORT_STARTED, "Record that support has started", "casework:start_support"),
    (EventKind.SESSION, "Record a support session", "casework:session"),
    (EventKind.REVIEW_EXTENDED, "Extend the reviews", "casework:review_extend"),
    (EventKind.CLOSED, "Close the referral", "casework:close"),
)


def _next_steps(referral: Referral) -> list[tuple[str, str]]:
    """The actions the referral's stage allows, as (label, url name)."""
    steps: list[tuple[str, str]] = []
    for kind, label, url_name in _NEXT_STEPS:
        if not pathway.allows(referral.stage, kind):
            continue
        if url_name == "casework:referral_agenda" and queries.is_on_open_agenda(referral):
            continue  # a case awaiting the panel goes on one agenda at a time
        if url_name == "casework:support_plan" and hasattr(referral, "support_plan"):
            label = "Revise the support plan"
        steps.append((label, url_name))
    return steps


@requires(Kind.CASEWORK, Action.VIEW, object_scoped=True, methods=("GET",))
def referral(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk)
    plan = getattr(referral, "support_plan", None) if hasattr(referral, "support_plan") else None
    sessions = list(plan.sessions.all()) if plan else []
    delivered = sum(1 for s in sessions if s.status == "delivered")
    last_contact = max((s.occurred_on for s in sessions if s.status == "delivered"), default=None)
    return kit.detail_page(
        request,
        referral,
        "casework/referral.html",
        {
            "referral": referral,
            "person": referral.person,
            "events": referral.events.select_related("recorded_by", "concern"),
            "consents": referral.consents.all(),
            "plan": plan,
            "sessions": sessions,
            "delivered": delivered,
            "expected": queries.expected_sessions(plan, periods.today()) if plan else 0,
            "reviews": referral.reviews.all(),
            "onward_referrals": referral.onward_referrals.select_related(
                "recorded_by", "response_recorded_by"
            ),
            "next_review": services.next_review(referral),
            "reopened_as": referral.reopened_as.all(),
            "last_contact": last_contact,
            "lapsing": plan is not None
            and referral.stage == Stage.IN_SUPPORT
            and queries.is_lapsing(
                last_contact,
                referral.support_started_on,
                plan.contact_interval_days,
                periods.today(),
            ),
            "items": referral.agenda_items.select_related("meeting__panel"),
            "vulnerabilities": referral.vulnerabilities.all(),
            "steps": _next_steps(referral),
            "earlier": queries.earlier_referrals(referral),
            "repeat_months": settings.REPEAT_REFERRAL_MONTHS,
            "can_change": can(request.user, Kind.CASEWORK, Action.CHANGE, referral.authority),
        },
    )


def _referral_url(referral: Referral) -> str:
    return reverse("casework:referral", args=[referral.pk])


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def referral_agenda(request: SignedInRequest, pk: int) -> HttpResponse:
    """Add to a panel agenda: a referral ready for a panel goes on a planned meeting (the
    next one preselected); an empty panel summary is warned of before it is listed."""
    referral = queries.get_referral_for_user(request, pk, write=True)
    meetings = queries.meetings_open_for_listing(referral)
    summary_written = bool(referral.panel_summary.strip())
    form = forms.ReferralAgendaForm(
        kit.posted(request), meetings=meetings, summary_written=summary_written
    )
    return _referral_page(
        request,
        referral,
        form=form,
        title="Add to a panel agenda",
        intro=(
            "Choose the panel meeting to list the case at. The next planned meeting is "
            "chosen for you. Once listed, the panel's standing members can see what the "
            "panel is told about the case."
        ),
        on_valid=lambda d: services.add_to_agenda(d["meeting"], referral, acting_user=request.user),
        success="The case was added to the agenda.",
        submit="Add to the agenda",
        template="casework/referral_agenda.html",
        extra={
            "no_meetings": not meetings.exists(),
            "summary_missing": not summary_written,
            "summary_url": reverse("casework:referral_edit", args=[referral.pk]),
            "panels_url": reverse("casework:panels"),
        },
        edit=versions.Edit(
            request,
            referral,
            lambda r: {"panel_summary": r.panel_summary},
        ),
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def referral_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    form = forms.ReferralEditForm(
        kit.posted(request), referral=referral, initial=_referral_values(referral)
    )
    return _referral_page(
        request,
        referral,
        form=form,
        title="Change the referral details",
        on_valid=lambda d: services.update_referral_details(
            referral,
            concern_description=d["concern_description"],
            concern=d["concern"],
            sector=d["sector"],
            vulnerabilities=d["vulnerabilities"],
            panel_summary=d["panel_summary"],
            acting_user=request.user,
        ),
        success="The referral details were saved.",
        edit=versions.Edit(request, referral, _referral_values),
    )


def _referral_values(referral: Referral) -> dict[str, Any]:
    return {
        "sector": referral.sector,
        "concern_description": referral.concern_description,
        "concern": referral.concern,
        "vulnerabilities": list(referral.vulnerabilities.all()),
        "panel_summary": referral.panel_summary,
    }


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def triage(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    form = forms.TriageForm(kit.posted(request), initial={"occurred_on": periods.today()})
    return _referral_page(
        request,
        referral,
        form=form,
        title="Record the triage outcome",
        intro=(
            "Referred to police moves the referral to the police gateway. Referred on for "
            "other vulnerabilities keeps it open until the service accepts or declines it. "
            "Any other outcome closes it, with your rationale as the reason."
        ),
        on_valid=lambda d: services.triage_referral(
            referral,
            outcome=d["outcome"],
            occurred_on=d["occurred_on"],
            referred_to_police_on=d["referred_to_police_on"],
            reason=d["reason"],
            onward_service=d["onward_service"],
            onward_referred_on=d["onward_referred_on"],
            acting_user=request.user,
        ),
        success="The triage outcome was recorded.",
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def gateway(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    form = forms.GatewayForm(kit.posted(request), initial={"occurred_on": periods.today()})
    return _referral_page(
        request,
        referral,
        form=form,
        title="Record the police gateway outcome",
        intro=(
            "For Channel panel puts the case in the queue for a panel agenda. Referred on "
            "for other vulnerabilities keeps it open until the service accepts or declines "
            "it. The other outcomes close the referral."
        ),
        on_valid=lambda d: services.record_gateway_outcome(
            referral,
            outcome=d["outcome"],
            occurred_on=d["occurred_on"],
            concern=d["concern"],
            reason=d["reason"],
            police_notes=d["police_notes"],
            onward_service=d["onward_service"],
            onward_referred_on=d["onward_referred_on"],
            acting_user=request.user,
        ),
        success="The gateway outcome was recorded.",
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def consent(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    form = forms.ConsentForm(kit.posted(request), initial={"occurred_on": periods.today()})
    return _referral_page(
        request,
        referral,
        form=form,
        title="Record consent",
        intro="Channel is voluntary: support cannot start until consent is given.",
        on_valid=lambda d: services.record_consent(
            referral,
            status=d["status"],
            given_by=d["given_by"],
            given_by_name=d["given_by_name"],
            capacity_considered=d["capacity_considered"],
            occurred_on=d["occurred_on"],
            notes=d["notes"],
            acting_user=request.user,
        ),
        success="Consent was recorded.",
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def support_plan(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    plan = getattr(referral, "support_plan", None) if hasattr(referral, "support_plan") else None
    form = forms.SupportPlanForm(kit.posted(request), initial=_plan_values(plan))
    # A revision holds the plan; a first agreement holds the referral (one plan per case).
    edit = versions.Edit(
        request,
        plan or referral,
        lambda _: _plan_values(SupportPlan.objects.filter(referral=referral).first()),
    )
    return _referral_page(
        request,
        referral,
        form=form,
        title="Revise the support plan" if plan else "Agree the support plan",
        on_valid=lambda d: services.agree_support_plan(
            referral,
            agreed_on=d["agreed_on"],
            planned_start_on=d["planned_start_on"],
            planned_end_on=d["planned_end_on"],
            sessions_planned=d["sessions_planned"],
            intervention_provider=d["intervention_provider"],
            interventions=d["interventions"],
            other_support=d["other_support"],
            contact_interval_days=d["contact_interval_days"],
            acting_user=request.user,
        ),
        success="The support plan was saved.",
        edit=edit,
    )


def _plan_values(plan: SupportPlan | None) -> dict[str, Any]:
    if plan is None:
        return {
            "agreed_on": periods.today(),
            "planned_start_on": periods.today(),
            "contact_interval_days": DEFAULT_CONTACT_INTERVAL_DAYS,
        }
    return {
        "agreed_on": periods.today(),
        "intervention_provider": plan.intervention_provider,
        "interventions": list(plan.interventions.all()),
        "other_support": plan.other_support,
        "sessions_planned": plan.sessions_planned,
        "planned_start_on": plan.planned_start_on,
        "planned_end_on": plan.planned_end_on,
        "contact_interval_days": plan.contact_interval_days,
    }


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def start_support(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    form = forms.StartSupportForm(kit.posted(request), initial={"started_on": periods.today()})
    return _referral_page(
        request,
        referral,
        form=form,
        title="Record that support has started",
        intro="Support starts only with an agreed support plan and consent given.",
        on_valid=lambda d: services.start_support(
            referral, started_on=d["started_on"], acting_user=request.user
        ),
        success="Support has started.",
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def session(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    plan = getattr(referral, "support_plan", None) if hasattr(referral, "support_plan") else None
    form = forms.SessionForm(kit.posted(request), initial={"occurred_on": periods.today()})

    def save(d: dict[str, Any]) -> None:
        if plan is None:
            raise ValidationError("Agree a support plan first.")
        services.record_session(
            plan,
            occurred_on=d["occurred_on"],
            status=d["status"],
            provider=d["provider"],
            notes=d["notes"],
            acting_user=request.user,
        )

    return _referral_page(
        request,
        referral,
        form=form,
        title="Record a support session",
        on_valid=save,
        success="The session was recorded.",
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def review(request: SignedInRequest, pk: int, kind: str) -> HttpResponse:
    """Record the next post-exit review of this kind. Reviews are recorded in the order
    they are due; one that finds renewed concerns reopens the case (ADR 0016)."""
    referral = queries.get_referral_for_user(request, pk, write=True)
    if kind not in ReviewKind.values:
        raise Http404
    target = (
        referral.reviews.filter(kind=kind, held_on__isnull=True).order_by("due_on", "pk").first()
    )
    form = forms.ReviewForm(kit.posted(request), initial={"held_on": periods.today()})

    def review_values(current: Referral) -> dict[str, Any]:
        held = current.reviews.filter(kind=kind, held_on__isnull=False).order_by("-pk").first()
        if held is None or held.held_on is None:
            return {}
        return {
            "held_on": held.held_on,
            "further_concerns": "yes" if held.further_concerns else "no",
            "notes": held.notes,
        }

    def save(d: dict[str, Any]) -> None:
        if target is None:
            raise ValidationError("Reviews are scheduled when the person leaves Channel.")
        services.record_review(
            target,
            held_on=d["held_on"],
            further_concerns=d["further_concerns"] == "yes",
            notes=d["notes"],
            confirm_early=d["confirm_early"],
            early_reason=d["early_reason"],
            reopen_to=d["reopen_to"] if d["further_concerns"] == "yes" else "",
            acting_user=request.user,
        )
        target.refresh_from_db()

    def done() -> str:
        reopened = referral.reopened_as.order_by("-pk").first()
        return _referral_url(reopened or referral)

    label = ReviewKind(kind).label
    due = f" It is due on {target.due_on:%-d %B %Y}." if target is not None else ""
    return _referral_page(
        request,
        referral,
        form=form,
        title=f"Record the {label}",
        intro=(
            f"Reviews are recorded in the order they are due.{due} A review held more than "
            "30 days early needs your confirmation and the reason. If the review finds "
            "renewed concerns, the case is reopened as a new referral linked to this one."
        ),
        on_valid=save,
        success=f"The {label} was recorded.",
        done_url=done,
        # A review has no change time of its own: the referral's version holds it.
        edit=versions.Edit(request, referral, review_values),
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def onward(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record whether the service a referral was referred on to accepted or declined it."""
    referral = queries.get_referral_for_user(request, pk, write=True)
    waiting = services.awaiting_onward_referral(referral)
    form = forms.OnwardResponseForm(kit.posted(request), initial={"responded_on": periods.today()})

    def onward_values(current: Referral) -> dict[str, Any]:
        latest = current.onward_referrals.order_by("-pk").first()
        if latest is None or latest.response is None:
            return {}
        return {
            "response": latest.response,
            "responded_on": latest.responded_on,
            "note": latest.response_note,
        }

    intro = (
        f"Referred on to {waiting.service} on {waiting.referred_on:%-d %B %Y}. Recording "
        "the service\u2019s answer closes the referral."
        if waiting is not None
        else "This referral is not awaiting an answer from another service."
    )
    return _referral_page(
        request,
        referral,
        form=form,
        title="Record the service\u2019s answer to the onward referral",
        intro=intro,
        on_valid=lambda d: services.record_onward_response(
            referral,
            response=d["response"],
            responded_on=d["responded_on"],
            note=d["note"],
            acting_user=request.user,
        ),
        success="The service\u2019s answer was recorded and the referral closed.",
        # The answer has no change time of its own: the referral's version holds it.
        edit=versions.Edit(request, referral, onward_values),
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def review_extend(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    form = forms.ExtendReviewForm(kit.posted(request))
    limit = pathway.review_limit(referral.left_channel_on) if referral.left_channel_on else None
    return _referral_page(
        request,
        referral,
        form=form,
        title="Extend the reviews",
        intro=(
            "Record a further review the panel decided on. The guidance allows review up to "
            f"{REVIEW_LIMIT_MONTHS} months after the person left Channel"
            + (f", here {limit:%-d %B %Y}." if limit else ".")
        ),
        on_valid=lambda d: services.extend_review(
            referral, due_on=d["due_on"], reason=d["reason"], acting_user=request.user
        ),
        success="The further review was scheduled.",
        submit="Schedule the review",
        edit=versions.Edit(request, referral, lambda r: {}),
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def close(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    form = forms.CloseForm(kit.posted(request), initial={"closed_on": periods.today()})
    return _referral_page(
        request,
        referral,
        form=form,
        title="Close the referral",
        intro=(
            "Nothing is deleted. The person can be referred again later; their history "
            "stays on their record."
        ),
        on_valid=lambda d: services.close_referral(
            referral, closed_on=d["closed_on"], reason=d["reason"], acting_user=request.user
        ),
        success="The referral was closed.",
        submit="Close the referral",
    )


@requires(Kind.CASEWORK, Action.CHANGE, object_scoped=True)
def case_officer(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request, pk, write=True)
    form = forms.CaseOfficerForm(
        kit.posted(request),
        officers=services.case_officers(referral.authority),
        initial={"officer": referral.coordinator_id},
    )
    return _referral_page(
        request,
        referral,
        form=form,
        title="Change the case officer",
        intro="The change is recorded in the referral's history.",
        on_valid=lambda d: services.assign_case_officer(
            referral, d["officer"], acting_user=request.user
        ),
        success="The case officer was changed.",
        submit="Change the case officer",
        edit=versions.Edit(request, referral, lambda r: {"officer": r.coordinator_id}),
    )


# --------------------------------------------------------------------------------------
# Panels and meetings


@requires(Kind.PANEL, Action.LIST, methods=("GET",))
def panels(request: SignedInRequest) -> HttpResponse:
    visible = queries.panels_visible_to(request.user, Action.LIST)
    meetings = queries.meetings_visible_to(request.user, Action.LIST)
    return render(
        request,
        "casework/panels.html",
        {
            "panels": visible,
            "upcoming": meetings.filter(held_on__gte=periods.today()).order_by("held_on")[:10],
            "recent": meetings.filter(held_on__lt=periods.today()).order_by("-held_on")[:10],
            "can_change": authorities_for(request.user, Kind.PANEL, Action.CHANGE).exists(),
        },
    )


@requires(Kind.PANEL, Action.CHANGE)
def panel_new(request: SignedInRequest) -> HttpResponse:
    authority = _home_authority(request, Kind.PANEL, Action.CHANGE)
    form = forms.PanelForm(kit.posted(request), initial={"panel_type": "channel"})
    return kit.form_page(
        request,
        form,
        save=lambda: services.create_panel(
            authority=authority,
            name=form.cleaned_data["name"],
            panel_type=form.cleaned_data["panel_type"],
            acting_user=request.user,
        ),
        success="The panel was created. Add its standing members.",
        done=lambda panel: reverse("casework:panel", args=[panel.pk]),
        template="casework/form.html",
        context={
            "title": "Set up a panel",
            "submit": "Create the panel",
            "back_url": reverse("casework:panels"),
        },
    )


@requires(Kind.PANEL, Action.VIEW, object_scoped=True, methods=("GET",))
def panel(request: SignedInRequest, pk: int) -> HttpResponse:
    panel = queries.get_panel_for_user(request, pk)
    return render(
        request,
        "casework/panel.html",
        {
            "panel": panel,
            "members": panel.members.select_related("user").order_by("-active", "agency"),
            "meetings": panel.meetings.all(),
            "can_change": can(request.user, Kind.PANEL, Action.CHANGE, panel.authority),
            "notices": navigation.notices_for("casework.panel", request.user, panel),
        },
    )


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True)
def panel_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    panel = queries.get_panel_for_user(request, pk, write=True)
    form = forms.PanelSettingsForm(
        kit.posted(request), initial={"support_review_months": panel.support_review_months}
    )
    return _form_page(
        request,
        form=form,
        title="Change the panel's support review",
        caption=panel.name,
        on_valid=lambda d: services.update_panel_settings(
            panel, support_review_months=d["support_review_months"], acting_user=request.user
        ),
        success="The panel's support review was changed.",
        done_url=reverse("casework:panel", args=[panel.pk]),
        back_url=reverse("casework:panel", args=[panel.pk]),
        record_obj=None,
        edit=versions.Edit(
            request, panel, lambda p: {"support_review_months": p.support_review_months}
        ),
    )


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True)
def member_new(request: SignedInRequest, pk: int) -> HttpResponse:
    panel = queries.get_panel_for_user(request, pk, write=True)
    form = forms.MemberForm(kit.posted(request), authority=panel.authority)
    return _form_page(
        request,
        form=form,
        title="Add a standing member",
        caption=panel.name,
        on_valid=lambda d: services.add_panel_member(
            panel,
            name=d["name"],
            agency=d["agency"],
            role_title=d["role_title"],
            user=d["user"],
            acting_user=request.user,
        ),
        success="The member was added.",
        done_url=reverse("casework:panel", args=[panel.pk]),
        back_url=reverse("casework:panel", args=[panel.pk]),
        record_obj=None,
    )


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True, methods=("POST",))
def member_end(request: SignedInRequest, pk: int) -> HttpResponse:
    from .models import PanelMember

    member = PanelMember.objects.filter(
        pk=pk, panel__in=queries.panels_visible_to(request.user, Action.CHANGE)
    ).first()
    if member is None:
        from django.http import Http404

        raise Http404
    services.end_panel_membership(member, left_on=periods.today(), acting_user=request.user)
    messages.success(request, f"{member.name} is no longer a standing member.")
    return redirect("casework:panel", pk=member.panel_id)


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True)
def meeting_new(request: SignedInRequest, pk: int) -> HttpResponse:
    panel = queries.get_panel_for_user(request, pk, write=True)
    form = forms.MeetingForm(kit.posted(request))
    created: dict[str, Any] = {}

    def save(d: dict[str, Any]) -> None:
        created["meeting"] = services.schedule_meeting(
            panel, held_on=d["held_on"], notes=d["notes"], acting_user=request.user
        )

    if request.method == "POST" and form.is_valid():
        save(form.cleaned_data)
        messages.success(request, "The meeting was added. Build its agenda.")
        return redirect("casework:meeting", pk=created["meeting"].pk)
    return render(
        request,
        "casework/form.html",
        {
            "form": form,
            "title": "Add a meeting",
            "caption": panel.name,
            "submit": "Add the meeting",
            "back_url": reverse("casework:panel", args=[panel.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


def _meeting_context(
    request: SignedInRequest, meeting: Any, *, visible_all: bool
) -> dict[str, Any]:
    """What the meeting's page shows, for a reader who sees every case (`visible_all`) or
    only those shared with them; the forms the meeting's lifecycle still allows."""
    visible_cases = (
        None
        if visible_all
        else set(queries.panel_cases_visible_to(request.user).values_list("pk", flat=True))
    )
    items = list(meeting.items.select_related("referral__person", "removed_by").order_by("pk"))
    for item in items:
        item.visible = visible_cases is None or item.referral_id in visible_cases  # type: ignore[attr-defined]
    can_change = can(request.user, Kind.PANEL, Action.CHANGE, meeting.authority)
    members = meeting.panel.members.filter(active=True)
    actions = queries.actions_visible_to(request.user).filter(meeting=meeting)
    carried = queries.actions_visible_to(request.user).filter(
        pk__in=queries.carried_actions(meeting).values("pk")
    )
    today = periods.today()
    context: dict[str, Any] = {
        "meeting": meeting,
        "items": [i for i in items if i.removed_at is None],
        "removed_items": [i for i in items if i.removed_at is not None],
        "attendance": meeting.attendance.all(),
        "actions": actions,
        "carried": carried,
        "can_change": can_change,
        "today": today,
        "takes_decisions": meeting.status == MeetingStatus.HELD
        or (meeting.status == MeetingStatus.PLANNED and meeting.held_on <= today),
        "history": _history_for(meeting, visible_cases),
        "personal_data": True,
    }
    if can_change and meeting.status == MeetingStatus.PLANNED:
        context["proposed"] = queries.proposed_for_agenda(meeting, today)
        context["agenda_form"] = forms.AgendaAddForm(cases=queries.cases_for_agenda(meeting))
    if can_change and meeting.status != MeetingStatus.CANCELLED:
        action_form = forms.ActionForm(
            members=members,
            cases=Referral.objects.filter(agenda_items__meeting=meeting).select_related("person"),
        )
        if meeting.minutes_approved:
            forms.add_correction_reason(action_form, "an action")
        context["action_form"] = action_form
    context["can_approve"] = (
        meeting.status == MeetingStatus.HELD
        and not meeting.minutes_approved
        and Role.PANEL_CHAIR in roles_in(request.user, meeting.authority)
    )
    if context["can_approve"]:
        context["approve_version"] = versions.version_of(meeting)
    _viewed_list(
        request,
        "meeting",
        [i.referral.person_id for i in items if i.visible]  # type: ignore[attr-defined]
        # The cases proposed for the agenda are shown by name too.
        + [p.referral.person_id for p in context.get("proposed", [])],
        meeting.authority_id,
    )
    return context


def _history_for(meeting: Any, visible_cases: set[int] | None) -> list[Any]:
    """The meeting's history; an entry about a case the reader may not see (`visible_cases`
    None: they see every case) keeps what happened, when and by whom, not its words."""
    events = list(
        meeting.history.select_related("recorded_by", "agenda_item", "action").order_by(
            "recorded_at", "pk"
        )
    )
    for event in events:
        case = event.agenda_item.referral_id if event.agenda_item else None
        if case is None and event.action is not None:
            case = event.action.referral_id
        event.hidden = visible_cases is not None and case is not None and case not in visible_cases
    return events


@requires(Kind.PANEL, Action.VIEW, object_scoped=True, methods=("GET",))
def meeting(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for_user(request, pk)
    context = _meeting_context(request, meeting, visible_all=False)
    return render(request, "casework/meeting.html", context)


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True, methods=("POST",))
def agenda_add(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for_user(request, pk, write=True)
    form = forms.AgendaAddForm(request.POST, cases=queries.cases_for_agenda(meeting))
    saved = kit.submit(
        request,
        form,
        lambda: services.add_to_agenda(
            meeting,
            form.cleaned_data["referral"],
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        ),
    )
    if saved is not kit.UNSAVED:
        messages.success(request, "The case was added to the agenda.")
        return redirect("casework:meeting", pk=meeting.pk)
    return _meeting_form_error(request, meeting, "agenda_form", form)


def _meeting_form_error(
    request: SignedInRequest, meeting: Any, name: str, form: Any
) -> HttpResponse:
    """Show the meeting page again with the failed form's errors (status 400)."""
    response = meeting_page_with(request, meeting, **{name: form})
    response.status_code = 400
    return response


def meeting_page_with(request: SignedInRequest, meeting: Any, **forms_: Any) -> HttpResponse:
    context = _meeting_context(request, meeting, visible_all=True)
    context.update(forms_)
    context["form"] = next(iter(forms_.values()), None)
    return render(request, "casework/meeting.html", context)


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True, methods=("POST",))
def action_new(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for_user(request, pk, write=True)
    form = forms.ActionForm(
        request.POST,
        members=meeting.panel.members.filter(active=True),
        cases=Referral.objects.filter(agenda_items__meeting=meeting),
    )
    if meeting.minutes_approved:
        forms.add_correction_reason(form, "an action")
    fields = ("description", "owner", "due_on", "referral")
    saved = kit.submit(
        request,
        form,
        lambda: services.add_panel_action(
            meeting,
            **{name: form.cleaned_data[name] for name in fields},
            correction_reason=form.cleaned_data.get("correction_reason", ""),
            acting_user=request.user,
        ),
    )
    if saved is not kit.UNSAVED:
        messages.success(request, "The action was added.")
        return redirect("casework:meeting", pk=meeting.pk)
    return _meeting_form_error(request, meeting, "action_form", form)


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True)
def attendance(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for_user(request, pk, write=True)
    members = meeting.panel.members.filter(active=True)
    present = [a.member_id for a in meeting.attendance.filter(attended=True)]
    form = forms.AttendanceForm(kit.posted(request), members=members, initial={"present": present})
    if meeting.minutes_approved:
        forms.add_correction_reason(form, "the attendance")

    def save(d: dict[str, Any]) -> None:
        chosen = set(d["present"])
        attendees = [
            services.Attendee(m.name, m.agency, attended=m in chosen, member=m) for m in members
        ]
        attendees += [services.Attendee(name, agency) for name, agency in d["others"]]
        services.record_attendance(
            meeting,
            attendees=attendees,
            correction_reason=d.get("correction_reason", ""),
            acting_user=request.user,
        )

    return _form_page(
        request,
        form=form,
        title="Record attendance",
        caption=str(meeting),
        on_valid=save,
        success="Attendance was recorded.",
        done_url=reverse("casework:meeting", args=[meeting.pk]),
        back_url=reverse("casework:meeting", args=[meeting.pk]),
        record_obj=None,
        edit=versions.Edit(request, meeting, _attendance_values),
    )


def _attendance_values(meeting: Any) -> dict[str, Any]:
    rows = list(meeting.attendance.all())
    return {
        "present": [a.member for a in rows if a.member_id and a.attended],
        "others": [(a.name, a.agency) for a in rows if a.member_id is None],
    }


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True, methods=("POST",))
def meeting_complete(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for_user(request, pk, write=True)
    try:
        services.complete_meeting(meeting, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "The meeting is marked held; its cases are no longer shared with members. "
            "The chair approves the minutes next.",
        )
    return redirect("casework:meeting", pk=meeting.pk)


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True, methods=("POST",))
def minutes_approve(request: SignedInRequest, pk: int) -> HttpResponse:
    """The chair approves the minutes of a held meeting, as they stand at the version the
    page showed (a change made meanwhile is refused, naming who made it)."""
    meeting = queries.get_meeting_for_user(request, pk, write=True)
    try:
        versions.save_if_current(
            meeting,
            versions.posted_version(request),
            lambda: services.approve_minutes(meeting, acting_user=request.user),
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "The minutes are approved. From now on a change to them is a correction with a "
            "reason, shown in the meeting's history.",
        )
    return redirect("casework:meeting", pk=meeting.pk)


@requires(Kind.PANEL_CASE, Action.CHANGE, object_scoped=True)
def item_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    """Remove a case from a planned meeting's agenda, with the reason (kept, not deleted)."""
    item: AgendaItem = queries.get_agenda_item_for_user(request, pk, write=True)
    form = forms.RemoveFromAgendaForm(kit.posted(request))
    meeting_url = reverse("casework:meeting", args=[item.meeting_id])
    return _form_page(
        request,
        form=form,
        title="Remove the case from the agenda",
        caption=f"{_caption(item.referral)}, {item.meeting}",
        intro=(
            "The case will no longer be shared with the panel's members through this "
            "meeting. The reason is kept in the case's and the meeting's histories."
        ),
        on_valid=lambda d: services.remove_from_agenda(
            item, reason=d["reason"], acting_user=request.user
        ),
        success="The case was removed from the agenda.",
        done_url=meeting_url,
        back_url=meeting_url,
        record_obj=item,
        submit="Remove from the agenda",
        edit=versions.Edit(request, item.meeting, lambda m: {}),
    )


@requires(Kind.PANEL_CASE, Action.CHANGE, object_scoped=True)
def item_correct(request: SignedInRequest, pk: int) -> HttpResponse:
    """Correct the recorded notes and reasons of a decision at a held meeting; once the
    minutes are approved, with the reason for the correction."""
    item: AgendaItem = queries.get_agenda_item_for_user(request, pk, write=True)
    meeting = item.meeting
    form = forms.DecisionCorrectionForm(
        kit.posted(request),
        correcting=meeting.minutes_approved,
        initial={"discussion": item.discussion, "decision_reason": item.decision_reason},
    )
    meeting_url = reverse("casework:meeting", args=[meeting.pk])
    return _form_page(
        request,
        form=form,
        title="Correct the decision record",
        caption=f"{_caption(item.referral)}, {meeting}",
        intro=(
            f"The panel decided: {item.get_decision_display()}. The decision stands (a "
            "different decision is made at a later meeting); correct how it is recorded."
        ),
        on_valid=lambda d: services.correct_decision_record(
            item,
            discussion=d["discussion"],
            decision_reason=d["decision_reason"],
            correction_reason=d.get("correction_reason", ""),
            acting_user=request.user,
        ),
        success="The decision record was corrected.",
        done_url=meeting_url,
        back_url=meeting_url,
        record_obj=item,
        submit="Save the correction",
        edit=versions.Edit(
            request,
            meeting,
            lambda m: {"discussion": item.discussion, "decision_reason": item.decision_reason},
        ),
    )


@requires(Kind.PANEL, Action.CHANGE, object_scoped=True)
def action_correct(request: SignedInRequest, pk: int) -> HttpResponse:
    """Correct what was agreed for an action (the action, its owner, its due date)."""
    action = queries.get_action_for_user(request, pk, write=True)
    meeting = action.meeting
    if not can(request.user, Kind.PANEL, Action.CHANGE, meeting.authority):
        raise PermissionDenied

    def values(current: Any) -> dict[str, Any]:
        return {
            "description": current.description,
            "owner": current.owner,
            "due_on": current.due_on,
        }

    form = forms.ActionCorrectionForm(
        kit.posted(request),
        members=meeting.panel.members.filter(active=True),
        correcting=meeting.minutes_approved,
        initial=values(action),
    )
    meeting_url = reverse("casework:meeting", args=[meeting.pk])
    return _form_page(
        request,
        form=form,
        title="Correct the action",
        caption=str(meeting),
        on_valid=lambda d: services.correct_panel_action(
            action,
            description=d["description"],
            owner=d["owner"],
            due_on=d["due_on"],
            correction_reason=d.get("correction_reason", ""),
            acting_user=request.user,
        ),
        success="The action was corrected.",
        done_url=meeting_url,
        back_url=meeting_url,
        record_obj=None,
        submit="Save the correction",
        edit=versions.Edit(request, action, values),
    )


# --------------------------------------------------------------------------------------
# What the panel shares about a case


def _word_diff(before: str, after: str) -> SafeString:
    """`after` with words added since `before` marked <ins> and removed ones <del>."""
    old, new = before.split(), after.split()
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(new[j1:j2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
    return mark_safe(" ".join(parts))


DIMENSIONS = [
    ("engagement", "Engagement with a group, cause or ideology"),
    ("intent", "Intent to cause harm"),
    ("capability", "Capability to cause harm"),
    ("conclusion", "Panel's conclusion"),
]


def _assessments_with_changes(referral: Referral) -> list[dict[str, Any]]:
    result = []
    previous = None
    for assessment in referral.assessments.select_related("recorded_by").order_by(
        "assessed_on", "pk"
    ):
        rows = []
        for field, label in DIMENSIONS:
            text = getattr(assessment, field)
            change = None
            if previous is not None:
                before = getattr(previous, field)
                change = "No change" if before == text else _word_diff(before, text)
            rows.append({"label": label, "text": text, "change": change})
        result.append({"assessment": assessment, "rows": rows, "previous": previous})
        previous = assessment
    return list(reversed(result))


@requires(Kind.PANEL_CASE, Action.VIEW, object_scoped=True, methods=("GET",))
def panel_case(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_panel_case_for_user(request, pk)
    full = can(request.user, Kind.CASEWORK, Action.VIEW, referral.authority)
    items = queries.agenda_items_visible_to(request.user).filter(referral=referral)
    if not full:  # a member sees the discussion of their own panels only
        items = items.filter(
            # @requires admits only signed-in users, so request.user is a User.
            meeting__panel__members__user=request.user,  # type: ignore[misc]
            meeting__panel__members__active=True,
        )
    kit.viewed(request, referral, view="panel")
    return render(
        request,
        "casework/panel_case.html",
        {
            "referral": referral,
            "person": referral.person,
            "items": items.order_by("meeting__held_on", "pk").distinct(),
            "assessments": _assessments_with_changes(referral),
            "actions": queries.actions_visible_to(request.user).filter(referral=referral),
            "earlier": queries.earlier_referrals(referral),
            "repeat_months": settings.REPEAT_REFERRAL_MONTHS,
            "full": full,
            "can_change": can(request.user, Kind.PANEL_CASE, Action.CHANGE, referral.authority),
            "personal_data": True,
        },
    )


@requires(Kind.PANEL_CASE, Action.CHANGE, object_scoped=True)
def assessment(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = queries.get_panel_case_for_user(request, pk, write=True)
    initial = _assessment_values(referral)
    item = referral.agenda_items.filter(is_open=True).order_by("-meeting__held_on").first()
    form = forms.AssessmentForm(kit.posted(request), initial=initial)
    return _form_page(
        request,
        form=form,
        title="Record the vulnerability assessment",
        caption=_caption(referral),
        intro=(
            "Write the panel's own assessment under each dimension of the Vulnerability "
            "Assessment Framework. Due Regard does not score or rate anyone."
        ),
        on_valid=lambda d: services.record_assessment(
            referral,
            assessed_on=d["assessed_on"],
            engagement=d["engagement"],
            intent=d["intent"],
            capability=d["capability"],
            conclusion=d["conclusion"],
            agenda_item=item,
            acting_user=request.user,
        ),
        success="The assessment was recorded.",
        done_url=reverse("casework:panel_case", args=[referral.pk]),
        back_url=reverse("casework:panel_case", args=[referral.pk]),
        record_obj=referral,
        # Assessments are appended; the referral's version catches one recorded meanwhile.
        edit=versions.Edit(request, referral, _assessment_values),
    )


def _assessment_values(referral: Referral) -> dict[str, Any]:
    """The form starts from the latest assessment; the page shows what changed."""
    values: dict[str, Any] = {"assessed_on": periods.today()}
    latest = referral.assessments.order_by("-assessed_on", "-pk").first()
    if latest is not None:
        values.update(
            engagement=latest.engagement,
            intent=latest.intent,
            capability=latest.capability,
            conclusion=latest.conclusion,
        )
    return values


@requires(Kind.PANEL_CASE, Action.CHANGE, object_scoped=True)
def item_decision(request: SignedInRequest, pk: int) -> HttpResponse:
    item: AgendaItem = queries.get_agenda_item_for_user(request, pk, write=True)
    referral = item.referral
    try:
        services.check_meeting_takes_decisions(item.meeting)
    except ValidationError as error:
        # Refused before the notes are typed: the page does not offer it either.
        messages.error(request, " ".join(error.messages))
        return redirect("casework:meeting", pk=item.meeting_id)
    form = forms.DecisionForm(kit.posted(request))
    return _form_page(
        request,
        form=form,
        title="Record the panel's discussion and decision",
        caption=f"{_caption(referral)}, {item.meeting}",
        on_valid=lambda d: services.record_discussion(
            item,
            discussion=d["discussion"],
            decision=d["decision"],
            decision_reason=d["decision_reason"],
            concern=d["concern"],
            alternative_support=d["alternative_support"],
            exit_reason=d["exit_reason"],
            acting_user=request.user,
        ),
        success="The panel's decision was recorded.",
        done_url=reverse("casework:meeting", args=[item.meeting_id]),
        back_url=reverse("casework:meeting", args=[item.meeting_id]),
        record_obj=item,
        extra={"item": item},
        edit=versions.Edit(
            request,
            item,
            lambda i: {
                "discussion": i.discussion,
                "decision": i.decision or "",
                "decision_reason": i.decision_reason,
            },
        ),
    )


@requires(Kind.PANEL_CASE, Action.CHANGE, object_scoped=True, methods=("POST",))
def item_close(request: SignedInRequest, pk: int) -> HttpResponse:
    item = queries.get_agenda_item_for_user(request, pk, write=True)
    services.close_agenda_item(item, acting_user=request.user)
    messages.success(request, "The case was taken off the agenda.")
    return redirect("casework:meeting", pk=item.meeting_id)


# --------------------------------------------------------------------------------------
# Panel actions


# Open actions first, soonest due first, then done ones, then those no longer needed.
# (Ordering by the status code itself would put "done" and "dropped" before "open".)
ACTION_PAGES = Keyset(("status_rank", "due_on", "id"), next_param="after", previous_param="before")
STATUS_RANK = Case(
    When(status=ActionStatus.OPEN, then=Value(0)),
    When(status=ActionStatus.DONE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@requires(Kind.PANEL_ACTION, Action.LIST, methods=("GET",))
def actions(request: SignedInRequest) -> HttpResponse:
    visible = queries.actions_visible_to(request.user, Action.LIST).annotate(
        status_rank=STATUS_RANK
    )
    page = ACTION_PAGES.page(visible, request.GET)
    return render(
        request,
        "casework/actions.html",
        {"actions": page.items, "page": page, "today": periods.today(), "open": ActionStatus.OPEN},
    )


@requires(Kind.PANEL_ACTION, Action.CHANGE, object_scoped=True)
def action(request: SignedInRequest, pk: int) -> HttpResponse:
    action = queries.get_action_for_user(request, pk, write=True)

    def values(current: Any) -> dict[str, Any]:
        return {
            "status": current.status,
            "progress": current.progress,
            "completed_on": current.completed_on,
        }

    form = forms.ActionUpdateForm(kit.posted(request), initial=values(action))
    return _form_page(
        request,
        form=form,
        title="Update the action",
        caption=f"Due {action.due_on:%-d %B %Y}, owner {action.owner}",
        intro=action.description,
        on_valid=lambda d: services.update_panel_action(
            action,
            status=d["status"],
            progress=d["progress"],
            completed_on=d["completed_on"],
            acting_user=request.user,
        ),
        success="The action was updated.",
        done_url=reverse("casework:actions"),
        back_url=reverse("casework:actions"),
        record_obj=None,
        edit=versions.Edit(request, action, values),
    )
