"""The overview, strategies, priorities and the actions of the plan."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse

from dueregard.accounts.access import SignedInRequest
from dueregard.accounts.permissions import Action as Do
from dueregard.core import periods, versions
from dueregard.core.periods import (
    financial_quarter_of,
    financial_year,
    financial_year_start,
)

from .. import exports, metrics, queries, services
from ..forms import (
    ActionFilterForm,
    ActionForm,
    ActionUpdateForm,
    NewActionForm,
    PriorityForm,
    QuarterForm,
    ReasonForm,
    StrategyForm,
    quarter_choices,
)
from ..models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Strategy,
)
from .common import (
    CHANGE,
    CHANGE_OBJECT,
    EXPORT,
    LIST,
    VIEW_OBJECT,
    _authority_choices,
    _can_change,
    _create_authority,
    _crumbs,
    _current_authority,
    _export_format,
    _form_page,
    _many_authorities,
)

# --- Overview ------------------------------------------------------------------------------


@LIST
def index(request: SignedInRequest) -> HttpResponse:
    authority = _current_authority(request)
    today = periods.today()
    year = queries.latest_assessed_year(authority) or financial_year_start(today)
    strategies = list(
        Strategy.objects.filter(authority=authority, period_end__gte=today).order_by("period_start")
    )
    plans = [
        {
            "strategy": s,
            "by_status": metrics.actions_by_status(authority, today, s),
            "overdue": metrics.overdue_actions(authority, today, s),
        }
        for s in strategies
    ]
    return render(
        request,
        "assurance/index.html",
        {
            "crumbs": _crumbs()[:1],
            "authority": authority,
            "authorities": queries.authorities(request.user) if _many_authorities(request) else [],
            "today": today,
            "threat_level": queries.threat_level_on(today),
            "plans": plans,
            "ratings": metrics.self_assessment_ratings(authority, year),
            "year_label": financial_year(year).label,
            "year": year,
            "risks_by_rating": metrics.risks_by_rating(authority, today),
            "incidents": metrics.incidents_by_type(
                authority, financial_year(financial_year_start(today)).start, today
            ),
            "can_change": _can_change(request, authority.pk),
            "can_export": queries.may_export(request.user),
        },
    )


# --- Strategies and priorities ---------------------------------------------------------------


@LIST
def strategy_list(request: SignedInRequest) -> HttpResponse:
    strategies = (
        queries.strategies_visible_to(request.user)
        .select_related("authority")
        .annotate(
            n_actions=Count("actions", filter=Q(actions__archived=False)),
            n_complete=Count(
                "actions",
                filter=Q(actions__archived=False, actions__status=ActionStatus.COMPLETE),
            ),
            n_overdue=Count(
                "actions",
                filter=Q(actions__archived=False, actions__target_date__lt=periods.today())
                & ~Q(actions__status=ActionStatus.COMPLETE),
            ),
        )
    )
    return render(
        request,
        "assurance/strategy_list.html",
        {
            "crumbs": _crumbs(),
            "strategies": strategies,
            "can_change": _can_change(request),
            "many": _many_authorities(request),
        },
    )


def _strategy_form_data(form: StrategyForm) -> dict[str, Any]:
    fields = ("title", "period_start", "period_end", "objective", "approved_by", "approved_on")
    return {name: form.cleaned_data[name] for name in fields}


@CHANGE
def strategy_create(request: SignedInRequest) -> HttpResponse:
    form = StrategyForm(request.POST or None, authorities=_authority_choices(request))
    return _form_page(
        request,
        form,
        save=lambda: services.create_strategy(
            authority=_create_authority(request, form),
            acting_user=request.user,
            **_strategy_form_data(form),
        ),
        success=lambda strategy: f"Strategy {strategy.title} added",
        done=lambda strategy: resolve_url("assurance:strategy_detail", pk=strategy.pk),
        title="Add a strategy",
        submit="Save strategy",
        cancel=reverse("assurance:strategy_list"),
        crumbs=_crumbs(("Strategies", reverse("assurance:strategy_list"))),
    )


@VIEW_OBJECT
def strategy_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = queries.get_strategy_for_user(request, pk)
    today = periods.today()
    actions = list(
        strategy.actions.filter(archived=False)  # type: ignore[attr-defined]
        .select_related("priority")
        .order_by("priority__number", "reference", "id")
    )
    priorities = []
    for priority in strategy.priorities.all():  # type: ignore[attr-defined]
        priorities.append(
            {"priority": priority, "actions": [a for a in actions if a.priority_id == priority.pk]}
        )
    return render(
        request,
        "assurance/strategy_detail.html",
        {
            "crumbs": _crumbs(("Strategies", reverse("assurance:strategy_list"))),
            "strategy": strategy,
            "priorities": priorities,
            "loose_actions": [a for a in actions if a.priority_id is None],
            "withdrawn": strategy.actions.filter(archived=True),  # type: ignore[attr-defined]
            "by_status": metrics.actions_by_status(strategy.authority, today, strategy),
            "overdue": metrics.overdue_actions(strategy.authority, today, strategy),
            "today": today,
            "can_change": _can_change(request, strategy.authority_id),
            "history": queries.change_history(strategy)[:20],
        },
    )


@CHANGE_OBJECT
def strategy_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = queries.get_strategy_for_user(request, pk, write=True)
    fields = ("title", "period_start", "period_end", "objective", "approved_by", "approved_on")
    form = StrategyForm(
        request.POST or None, initial={name: getattr(strategy, name) for name in fields}
    )
    edit = versions.Edit(request, strategy, lambda s: {name: getattr(s, name) for name in fields})
    detail = reverse("assurance:strategy_detail", args=[strategy.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.update_strategy(
            strategy, acting_user=request.user, **_strategy_form_data(form)
        ),
        success="Strategy changed",
        edit=edit,
        title="Change the strategy",
        caption=strategy.title,
        submit="Save changes",
        cancel=detail,
        crumbs=_crumbs(
            ("Strategies", reverse("assurance:strategy_list")), (strategy.title, detail)
        ),
    )


@VIEW_OBJECT
def strategy_review(request: SignedInRequest, pk: int) -> HttpResponse:
    """The plan as it stood at a chosen quarter end, rebuilt from the dated updates."""
    strategy = queries.get_strategy_for_user(request, pk)
    today = periods.today()
    choices = quarter_choices(strategy.period_start, min(strategy.period_end, today))
    complete = [c for c in choices if c[0] < today.isoformat()]
    default = (complete or choices or [(today.isoformat(), "")])[0][0]
    form = QuarterForm(request.GET or {"as_at": default}, choices=choices)
    as_at = datetime.date.fromisoformat(default)
    if choices and form.is_valid():
        as_at = datetime.date.fromisoformat(form.cleaned_data["as_at"])
    shown = min(as_at, today)
    plan = list(
        queries.plan_as_at(strategy.actions.all(), shown).order_by(  # type: ignore[attr-defined]
            "priority__number", "reference", "id"
        )
    )
    detail = reverse("assurance:strategy_detail", args=[strategy.pk])
    return render(
        request,
        "assurance/strategy_review.html",
        {
            "crumbs": _crumbs(
                ("Strategies", reverse("assurance:strategy_list")), (strategy.title, detail)
            ),
            "strategy": strategy,
            "form": form,
            "has_quarters": bool(choices),
            "as_at": shown,
            "quarter": financial_quarter_of(shown),
            "so_far": as_at > today,
            "plan": plan,
            "statuses": {s.value: s.label for s in ActionStatus},
            "by_status": metrics.actions_by_status(strategy.authority, shown, strategy),
            "overdue": metrics.overdue_actions(strategy.authority, shown, strategy),
        },
    )


@CHANGE_OBJECT
def priority_create(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = queries.get_strategy_for_user(request, pk, write=True)
    next_number = (
        strategy.priorities.order_by("-number").values_list("number", flat=True).first()  # type: ignore[attr-defined]
        or 0
    ) + 1
    form = PriorityForm(request.POST or None, initial={"number": next_number})
    detail = reverse("assurance:strategy_detail", args=[strategy.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.add_priority(strategy, acting_user=request.user, **form.cleaned_data),
        success="Priority added",
        title="Add a priority",
        caption=strategy.title,
        submit="Save priority",
        cancel=detail,
        crumbs=_crumbs(
            ("Strategies", reverse("assurance:strategy_list")), (strategy.title, detail)
        ),
    )


@CHANGE_OBJECT
def priority_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    priority = queries.get_priority_for_user(request, pk, write=True)
    strategy = priority.strategy
    form = PriorityForm(
        request.POST or None,
        initial={
            "number": priority.number,
            "title": priority.title,
            "description": priority.description,
        },
    )
    edit = versions.Edit(
        request,
        priority,
        lambda p: {"number": p.number, "title": p.title, "description": p.description},
    )
    detail = reverse("assurance:strategy_detail", args=[strategy.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.update_priority(
            priority, acting_user=request.user, **form.cleaned_data
        ),
        success="Priority changed",
        edit=edit,
        title=f"Change priority {priority.number}",
        caption=strategy.title,
        submit="Save changes",
        cancel=detail,
        crumbs=_crumbs(
            ("Strategies", reverse("assurance:strategy_list")), (strategy.title, detail)
        ),
    )


# --- Actions ---------------------------------------------------------------------------------


ACTION_COLUMNS = [
    "strategy",
    "priority",
    "reference",
    "action",
    "owner",
    "agency",
    "target_date",
    "status",
    "overdue",
    "success_measure",
    "last_update",
    "risks",
    "ctlp_recommendations",
    "withdrawn",
    "authority",
]


def _filtered_actions(request: SignedInRequest, visible: QuerySet[Action]) -> tuple[Any, Any]:
    strategies = queries.strategies_visible_to(request.user)
    form = ActionFilterForm(request.GET or None, strategies=strategies)
    actions = visible.filter(archived=False)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("status"):
            actions = actions.filter(status=data["status"])
        if data.get("strategy"):
            actions = actions.filter(strategy=data["strategy"])
        if data.get("overdue"):
            actions = actions.filter(queries.overdue_q(periods.today()))
    return form, actions


@LIST
def action_list(request: SignedInRequest) -> HttpResponse:
    form, actions = _filtered_actions(request, queries.actions_visible_to(request.user))
    actions = actions.select_related("strategy", "priority", "authority").order_by(
        "strategy__period_start", "strategy", "priority__number", "reference"
    )
    today = periods.today()
    return render(
        request,
        "assurance/action_list.html",
        {
            "crumbs": _crumbs(),
            "form": form,
            "actions": actions,
            "today": today,
            "query": request.GET.urlencode(),
            "can_export": queries.may_export(request.user),
            "many": _many_authorities(request),
        },
    )


@EXPORT
def action_export(request: SignedInRequest) -> HttpResponse:
    fmt = _export_format(request)
    _, actions = _filtered_actions(request, queries.actions_visible_to(request.user, Do.EXPORT))
    if request.GET.get("withdrawn") == "yes":
        actions = queries.actions_visible_to(request.user, Do.EXPORT)
    actions = (
        actions.select_related("strategy", "priority", "authority")
        .prefetch_related("risks", "recommendations")
        .order_by("strategy__period_start", "strategy", "priority__number", "reference")
    )
    # The date of each action's latest update (ordered, so the last one wins).
    latest = dict(
        ActionUpdate.objects.filter(action__in=actions)
        .order_by("action", "recorded_on", "id")
        .values_list("action", "recorded_on")
    )
    today = periods.today()
    rows = [
        [
            a.strategy.title,
            f"{a.priority.number}. {a.priority.title}" if a.priority else "",
            a.reference,
            a.title,
            a.owner,
            a.agency,
            a.target_date,
            a.get_status_display(),
            bool(
                not a.archived
                and a.target_date
                and a.target_date < today
                and a.status != ActionStatus.COMPLETE
            ),
            a.success_measure,
            latest.get(a.pk),
            "; ".join(r.reference for r in a.risks.all()),
            "; ".join(f"R{r.number}" for r in a.recommendations.all()),
            a.archived,
            a.authority.ons_code,
        ]
        for a in actions
    ]
    services.record_export(
        acting_user=request.user,
        object_type="assurance.action",
        authority_ids={a.authority_id for a in actions},
        export_format=fmt,
        rows=len(rows),
    )
    return exports.download(fmt, "action-plan", ACTION_COLUMNS, rows)


def _update_history(action: Action) -> list[dict[str, Any]]:
    """The updates, newest first, each with what it changed from the one before."""
    updates = list(action.updates.select_related("created_by").order_by("recorded_on", "id"))  # type: ignore[attr-defined]
    rows = []
    previous: ActionUpdate | None = None
    for update in updates:
        changes = []
        if previous is not None:
            if update.status != previous.status:
                changes.append(
                    f"Status: {previous.get_status_display()} to {update.get_status_display()}"
                )
            if update.target_date != previous.target_date:
                before = f"{previous.target_date:%d %b %Y}" if previous.target_date else "none"
                after = f"{update.target_date:%d %b %Y}" if update.target_date else "none"
                changes.append(f"Target date: {before} to {after}")
            if (update.owner, update.agency) != (previous.owner, previous.agency):
                changes.append(f"Owner: {update.owner}, {update.agency}")
        rows.append({"update": update, "changes": changes, "first": previous is None})
        previous = update
    return list(reversed(rows))


@VIEW_OBJECT
def action_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    action = queries.get_action_for_user(request, pk)
    strategy = action.strategy
    detail = reverse("assurance:strategy_detail", args=[strategy.pk])
    today = periods.today()
    return render(
        request,
        "assurance/action_detail.html",
        {
            "crumbs": _crumbs(
                ("Strategies", reverse("assurance:strategy_list")), (strategy.title, detail)
            ),
            "action": action,
            "overdue": bool(
                not action.archived
                and action.target_date
                and action.target_date < today
                and action.status != ActionStatus.COMPLETE
            ),
            "updates": _update_history(action),
            "risks": action.risks.all(),
            "recommendations": action.recommendations.select_related("ctlp"),
            "can_change": _can_change(request, action.authority_id) and not action.archived,
            "history": queries.change_history(action)[:20],
        },
    )


def _action_links(form: Any) -> dict[str, Any]:
    links: dict[str, Any] = {}
    if "risks" in form.fields:
        links["risks"] = form.cleaned_data["risks"]
    if "recommendations" in form.fields:
        links["recommendations"] = form.cleaned_data["recommendations"]
    return links


@CHANGE_OBJECT
def action_create(request: SignedInRequest, pk: int) -> HttpResponse:
    strategy = queries.get_strategy_for_user(request, pk, write=True)
    form = NewActionForm(
        request.POST or None,
        strategy=strategy,
        initial={
            "status": ActionStatus.NOT_STARTED,
            "added_on": periods.today(),
            "priority": request.GET.get("priority"),
        },
    )
    detail = reverse("assurance:strategy_detail", args=[strategy.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.add_action(
            strategy,
            priority=form.cleaned_data.get("priority"),
            reference=form.cleaned_data["reference"],
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            success_measure=form.cleaned_data["success_measure"],
            owner=form.cleaned_data["owner"],
            agency=form.cleaned_data["agency"],
            target_date=form.cleaned_data["target_date"],
            status=form.cleaned_data["status"],
            added_on=form.cleaned_data["added_on"],
            acting_user=request.user,
            **_action_links(form),
        ),
        success=lambda action: f"Action {action.reference} added",
        done=lambda action: resolve_url("assurance:action_detail", pk=action.pk),
        title="Add an action",
        caption=strategy.title,
        submit="Save action",
        cancel=detail,
        crumbs=_crumbs(
            ("Strategies", reverse("assurance:strategy_list")), (strategy.title, detail)
        ),
    )


def _action_values(action: Action) -> dict[str, Any]:
    return {
        "reference": action.reference,
        "priority": action.priority_id,
        "title": action.title,
        "description": action.description,
        "success_measure": action.success_measure,
        "risks": list(action.risks.values_list("pk", flat=True)),
        "recommendations": list(action.recommendations.values_list("pk", flat=True)),
    }


def _action_state(action: Action) -> dict[str, Any]:
    """What a progress update changes on the action (the update's own date aside)."""
    return {
        "status": action.status,
        "target_date": action.target_date,
        "owner": action.owner,
        "agency": action.agency,
    }


@CHANGE_OBJECT
def action_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    action = queries.get_action_for_user(request, pk, write=True)
    strategy = action.strategy
    form = ActionForm(request.POST or None, strategy=strategy, initial=_action_values(action))
    edit = versions.Edit(request, action, _action_values)

    def save() -> Any:
        data = form.cleaned_data
        changes = {k: data[k] for k in ("reference", "title", "description", "success_measure")}
        if "priority" in form.fields:
            changes["priority"] = data["priority"]
        return services.edit_action(
            action, acting_user=request.user, **changes, **_action_links(form)
        )

    page = reverse("assurance:action_detail", args=[action.pk])
    return _form_page(
        request,
        form,
        save=save,
        success="Action changed",
        done=page,
        edit=edit,
        title="Change the action",
        caption=f"Action {action.reference}",
        intro="To change the status, target date or owner, record a progress update instead: "
        "the plan keeps its history.",
        submit="Save changes",
        cancel=page,
        crumbs=_crumbs(
            ("Strategies", reverse("assurance:strategy_list")),
            (strategy.title, reverse("assurance:strategy_detail", args=[strategy.pk])),
            (f"Action {action.reference}", page),
        ),
    )


@CHANGE_OBJECT
def action_update(request: SignedInRequest, pk: int) -> HttpResponse:
    action = queries.get_action_for_user(request, pk, write=True)
    form = ActionUpdateForm(
        request.POST or None, initial={"recorded_on": periods.today(), **_action_state(action)}
    )
    edit = versions.Edit(request, action, _action_state)
    page = reverse("assurance:action_detail", args=[action.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.record_action_update(
            action, acting_user=request.user, **form.cleaned_data
        ),
        success=lambda _: f"Update to action {action.reference} recorded",
        edit=edit,
        title="Record a progress update",
        caption=f"Action {action.reference}: {action.title}",
        submit="Save update",
        cancel=page,
        crumbs=_crumbs(
            ("Actions", reverse("assurance:action_list")), (f"Action {action.reference}", page)
        ),
    )


@CHANGE_OBJECT
def action_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    action = queries.get_action_for_user(request, pk, write=True)
    form = ReasonForm(request.POST or None)
    page = reverse("assurance:action_detail", args=[action.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.withdraw_action(
            action, reason=form.cleaned_data["reason"], acting_user=request.user
        ),
        success=lambda _: f"Action {action.reference} withdrawn from the plan",
        title="Withdraw the action from the plan",
        caption=f"Action {action.reference}: {action.title}",
        warning="The action stays on record and in the plan as it stood on earlier dates.",
        submit="Withdraw action",
        cancel=page,
        crumbs=_crumbs(
            ("Actions", reverse("assurance:action_list")), (f"Action {action.reference}", page)
        ),
    )
