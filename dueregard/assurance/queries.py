"""Reading assurance records, scoped by `accounts.permissions` (Kind.ASSURANCE).

Every view, export and report reads through these functions. The national threat level
belongs to no authority and is readable by everyone signed in.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import HttpRequest

from dueregard.accounts.access import get_for_user, get_visible, scoped
from dueregard.accounts.permissions import Action, Kind, authorities_for, can_anywhere
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction, AuditEvent

from .models import (
    CTLP,
    ActionStatus,
    ActionUpdate,
    CTLPRecommendation,
    Evidence,
    Incident,
    Priority,
    Risk,
    SelfAssessment,
    Strategy,
    ThreatLevel,
)
from .models import Action as PlanAction

KIND = Kind.ASSURANCE


def authorities(user: Any, action: Action = Action.LIST) -> QuerySet[Authority]:
    """The authorities whose assurance records `user` may `action`."""
    return authorities_for(user, KIND, action).order_by("name")


def may_change(user: Any) -> bool:
    return can_anywhere(user, KIND, Action.CHANGE)


def may_export(user: Any) -> bool:
    return can_anywhere(user, KIND, Action.EXPORT)


def may_change_threat_level(user: Any) -> bool:
    """Prevent leads (who change assurance records) and administrators (who keep the
    national reference lists) record the national threat level."""
    return can_anywhere(user, KIND, Action.CHANGE) or can_anywhere(user, Kind.USERS, Action.CHANGE)


# --- Strategy and action plan ------------------------------------------------------------


def strategies_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Strategy]:
    return scoped(Strategy, user, action, kind=KIND)


def priorities_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Priority]:
    return scoped(Priority, user, action, kind=KIND, via="strategy__authority")


def actions_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[PlanAction]:
    return scoped(PlanAction, user, action, kind=KIND)


def get_strategy_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> Strategy:
    return get_visible(request, strategies_visible_to, pk, kind=KIND, write=write)


def get_priority_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> Priority:
    return get_visible(request, priorities_visible_to, pk, kind=KIND, write=write)


def get_action_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> PlanAction:
    return get_visible(request, actions_visible_to, pk, kind=KIND, write=write)


def latest_update(as_at: datetime.date) -> QuerySet[ActionUpdate]:
    """For use in a subquery: an action's latest update on or before `as_at`."""
    return ActionUpdate.objects.filter(action=OuterRef("pk"), recorded_on__lte=as_at).order_by(
        "-recorded_on", "-id"
    )


def in_plan_on(as_at: datetime.date) -> Q:
    """Actions that were in the plan on `as_at`: added by then and not yet withdrawn."""
    return Q(added_on__lte=as_at) & (Q(archived_on__isnull=True) | Q(archived_on__date__gt=as_at))


def plan_as_at(actions: QuerySet[PlanAction], as_at: datetime.date) -> QuerySet[PlanAction]:
    """`actions` as they stood at the end of `as_at`, from their dated updates.

    Each action is annotated with `status_then`, `target_then`, `owner_then`,
    `agency_then` and `note_then` (the latest progress note by then) and `updated_then`.
    Actions not yet added, or withdrawn by then, are left out.
    """
    latest = latest_update(as_at)
    noted = latest.exclude(note="")
    return (
        actions.filter(in_plan_on(as_at))
        .annotate(
            status_then=Subquery(latest.values("status")[:1]),
            target_then=Subquery(latest.values("target_date")[:1]),
            owner_then=Subquery(latest.values("owner")[:1]),
            agency_then=Subquery(latest.values("agency")[:1]),
            updated_then=Subquery(latest.values("recorded_on")[:1]),
            note_then=Subquery(noted.values("note")[:1]),
        )
        .filter(status_then__isnull=False)
        .select_related("priority", "strategy")
    )


def overdue_q(as_at: datetime.date) -> Q:
    """Current (cached) state: open actions of a strategy still in force whose target date
    has passed by `as_at` (as `metrics.overdue_actions` counts them)."""
    return Q(
        target_date__lt=as_at,
        archived=False,
        strategy__period_start__lte=as_at,
        strategy__period_end__gte=as_at,
    ) & ~Q(status=ActionStatus.COMPLETE)


# --- Benchmarks and evidence ---------------------------------------------------------------


def self_assessments_visible_to(
    user: Any, action: Action = Action.LIST
) -> QuerySet[SelfAssessment]:
    return scoped(SelfAssessment, user, action, kind=KIND)


def evidence_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Evidence]:
    return scoped(Evidence, user, action, kind=KIND)


def get_self_assessment_for_user(
    request: HttpRequest, pk: Any, *, write: bool = False
) -> SelfAssessment:
    return get_visible(request, self_assessments_visible_to, pk, kind=KIND, write=write)


def get_evidence_for_user(
    request: HttpRequest, pk: Any, *, write: bool = False, export: bool = False
) -> Evidence:
    """With `export`, only evidence the user may export (downloading its file)."""
    if export:
        return get_for_user(
            request, evidence_visible_to(request.user, Action.EXPORT), pk, kind=KIND
        )
    return get_visible(request, evidence_visible_to, pk, kind=KIND, write=write)


def latest_assessed_year(authority: Authority) -> int | None:
    """The latest financial year for which the authority has a self-assessment."""
    return (
        SelfAssessment.objects.filter(authority=authority)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def evidence_for_year(authority: Authority, year: int) -> QuerySet[Evidence]:
    """Live evidence of `authority` dated in the financial year starting 1 April `year`."""
    return (
        Evidence.objects.filter(
            authority=authority,
            archived=False,
            dated__gte=datetime.date(year, 4, 1),
            dated__lte=datetime.date(year + 1, 3, 31),
        )
        .prefetch_related("benchmarks")
        .order_by("dated", "title")
    )


# --- Risk ------------------------------------------------------------------------------------


def threat_levels() -> QuerySet[ThreatLevel]:
    return ThreatLevel.objects.all()


def threat_level_on(day: datetime.date) -> ThreatLevel | None:
    return ThreatLevel.objects.filter(starts_on__lte=day).order_by("-starts_on").first()


def threat_levels_between(start: datetime.date, end: datetime.date) -> list[ThreatLevel]:
    """The level in force on `start` and every change up to `end`, oldest first."""
    first = threat_level_on(start)
    changes = list(ThreatLevel.objects.filter(starts_on__gt=start, starts_on__lte=end))
    changes.sort(key=lambda t: t.starts_on)
    return ([first] if first else []) + changes


def ctlps_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[CTLP]:
    return scoped(CTLP, user, action, kind=KIND)


def recommendations_visible_to(
    user: Any, action: Action = Action.LIST
) -> QuerySet[CTLPRecommendation]:
    return scoped(CTLPRecommendation, user, action, kind=KIND, via="ctlp__authority")


def risks_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Risk]:
    return scoped(Risk, user, action, kind=KIND)


def incidents_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Incident]:
    return scoped(Incident, user, action, kind=KIND)


def get_ctlp_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> CTLP:
    return get_visible(request, ctlps_visible_to, pk, kind=KIND, write=write)


def get_recommendation_for_user(
    request: HttpRequest, pk: Any, *, write: bool = False
) -> CTLPRecommendation:
    return get_visible(request, recommendations_visible_to, pk, kind=KIND, write=write)


def get_risk_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> Risk:
    return get_visible(request, risks_visible_to, pk, kind=KIND, write=write)


def get_incident_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> Incident:
    return get_visible(request, incidents_visible_to, pk, kind=KIND, write=write)


def ctlps_with_recommendations(ctlps: QuerySet[CTLP]) -> QuerySet[CTLP]:
    return ctlps.prefetch_related(
        Prefetch(
            "recommendations",
            queryset=CTLPRecommendation.objects.prefetch_related("actions").order_by("number"),
        )
    )


def risks_with_actions(risks: QuerySet[Risk]) -> QuerySet[Risk]:
    return risks.select_related("ctlp").prefetch_related("actions")


# --- History ---------------------------------------------------------------------------------


def change_history(obj: Any) -> QuerySet[AuditEvent]:
    """The audit log's create and change events for one record, newest first: who changed
    it, when and which fields (events hold field names, never content)."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        action__in=[AuditAction.CREATE, AuditAction.CHANGE],
    ).order_by("-occurred_at", "-id")


def has_updates_after(action: PlanAction, day: datetime.date) -> bool:
    return ActionUpdate.objects.filter(action=action, recorded_on__gt=day).exists()


def strategies_with_open_actions(strategies: QuerySet[Strategy]) -> QuerySet[Strategy]:
    return strategies.annotate(
        has_actions=Exists(PlanAction.objects.filter(strategy=OuterRef("pk"), archived=False))
    )
