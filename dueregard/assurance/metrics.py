"""Assurance figures, aggregated in the database for one authority.

Every figure counts what the council recorded: statuses, ratings, likelihood and impact
are the council's own entries, never computed. Figures "as at" a date are rebuilt from
the dated, append-only update and review rows, so a past quarter shows as it stood then.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from dueregard.areas.models import Authority, Ward
from dueregard.core.figures import Breakdown

from .models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Benchmark,
    CTLPRecommendation,
    Impact,
    Incident,
    IncidentType,
    Likelihood,
    Rating,
    ResponseStatus,
    Risk,
    RiskRating,
    RiskReview,
    SelfAssessment,
    Strategy,
)
from .queries import in_plan_on, latest_update


def _updates_as_at(
    authority: Authority, as_at: datetime.date, strategy: Strategy | None = None
) -> QuerySet[ActionUpdate]:
    """The update in force on `as_at` for each action in the plan on that date: the
    actions of `strategy`, or else of every strategy whose period includes `as_at`."""
    actions = Action.objects.filter(authority=authority).filter(in_plan_on(as_at))
    if strategy is not None:
        actions = actions.filter(strategy=strategy)
    else:
        actions = actions.filter(strategy__in=strategies_in_force(authority, as_at))
    latest_ids = actions.annotate(latest=Subquery(latest_update(as_at).values("id")[:1])).values(
        "latest"
    )
    return ActionUpdate.objects.filter(id__in=latest_ids)


def strategies_in_force(authority: Authority, as_at: datetime.date) -> QuerySet[Strategy]:
    return Strategy.objects.filter(
        authority=authority, period_start__lte=as_at, period_end__gte=as_at
    )


def actions_by_status(
    authority: Authority, as_at: datetime.date, strategy: Strategy | None = None
) -> Breakdown:
    """Actions in the plan at the end of `as_at` by their status then (all statuses, in
    order, zeros included). The plan is `strategy`'s actions, or else those of every
    strategy in force on `as_at`. Actions added later or withdrawn by then are not
    counted. One query."""
    counts = dict(
        _updates_as_at(authority, as_at, strategy)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return Breakdown(tuple((s.label, counts.get(s.value, 0)) for s in ActionStatus))


@dataclass(frozen=True)
class OverdueActions:
    """Actions in the plan on `as_at`: how many, how many open (not complete) and how many
    of those had passed their target date by then. Open actions with no target date are
    never overdue; `no_target` counts them."""

    as_at: datetime.date
    total: int
    open: int
    overdue: int
    no_target: int


def overdue_actions(
    authority: Authority, as_at: datetime.date, strategy: Strategy | None = None
) -> OverdueActions:
    """Overdue means open on `as_at` with a target date before `as_at`. One query."""
    is_open = ~Q(status=ActionStatus.COMPLETE)
    row = _updates_as_at(authority, as_at, strategy).aggregate(
        total=Count("id"),
        open=Count("id", filter=is_open),
        overdue=Count("id", filter=is_open & Q(target_date__lt=as_at)),
        no_target=Count("id", filter=is_open & Q(target_date__isnull=True)),
    )
    return OverdueActions(as_at=as_at, **row)


def _reviews_as_at(authority: Authority, as_at: datetime.date) -> QuerySet[RiskReview]:
    """The review in force on `as_at` for each risk open on that date."""
    latest = RiskReview.objects.filter(risk=OuterRef("pk"), reviewed_on__lte=as_at).order_by(
        "-reviewed_on", "-id"
    )
    risks = Risk.objects.filter(authority=authority).filter(
        Q(archived_on__isnull=True) | Q(archived_on__date__gt=as_at)
    )
    latest_ids = risks.annotate(latest=Subquery(latest.values("id")[:1])).values("latest")
    return RiskReview.objects.filter(id__in=latest_ids)


def risks_by_rating(authority: Authority, as_at: datetime.date) -> Breakdown:
    """Risks open on `as_at` by the overall rating the council recorded at their latest
    review by then; `not_known` counts risks with no recorded rating. One query."""
    counts = dict(
        _reviews_as_at(authority, as_at)
        .values("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    return Breakdown(
        tuple((r.label, counts.get(r.value, 0)) for r in reversed(RiskRating)),
        not_known=counts.get("", 0),
    )


@dataclass(frozen=True)
class RiskGrid:
    """Open risks by the likelihood and impact the council recorded (the risk matrix)."""

    as_at: datetime.date
    counts: dict[tuple[int, int], int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, likelihood: int, impact: int) -> int:
        return self.counts.get((likelihood, impact), 0)

    def rows(self) -> list[tuple[str, list[int]]]:
        """Likelihood from most to least likely, each with counts by impact 1 to 5."""
        return [
            (label, [self.count(value, impact) for impact in Impact.values])
            for value, label in reversed(Likelihood.choices)
        ]


def risks_by_likelihood_and_impact(authority: Authority, as_at: datetime.date) -> RiskGrid:
    """One query."""
    rows = (
        _reviews_as_at(authority, as_at)
        .values("likelihood", "impact")
        .annotate(n=Count("id"))
        .values_list("likelihood", "impact", "n")
    )
    return RiskGrid(as_at=as_at, counts={(lk, im): n for lk, im, n in rows})


def _incidents(authority: Authority, start: datetime.date, end: datetime.date) -> Q:
    return Q(authority=authority, archived=False, occurred_on__gte=start, occurred_on__lte=end)


def incidents_by_ward(authority: Authority, start: datetime.date, end: datetime.date) -> Breakdown:
    """Incidents logged in the period by ward: every ward of the authority, zeros
    included, by name; `not_known` counts incidents with no ward. Withdrawn incidents are
    not counted. Two queries."""
    in_period = Q(
        assurance_incidents__archived=False,
        assurance_incidents__occurred_on__gte=start,
        assurance_incidents__occurred_on__lte=end,
    )
    wards = (
        Ward.objects.filter(authority=authority)
        .annotate(n=Count("assurance_incidents", filter=in_period))
        .order_by("name")
        .values_list("name", "n")
    )
    not_known = Incident.objects.filter(_incidents(authority, start, end), ward=None).count()
    return Breakdown(tuple(wards), not_known=not_known)


def incidents_by_type(authority: Authority, start: datetime.date, end: datetime.date) -> Breakdown:
    """Incidents logged in the period by type (every type, zeros included). One query."""
    counts = dict(
        Incident.objects.filter(_incidents(authority, start, end))
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return Breakdown(tuple((t.label, counts.get(t.value, 0)) for t in IncidentType))


@dataclass(frozen=True)
class BenchmarkRating:
    number: int
    label: str
    rating: str  # a Rating value, or "" when not assessed for the year
    assessed_on: datetime.date | None

    @property
    def rating_label(self) -> str:
        return Rating(self.rating).label if self.rating else "Not assessed"


def self_assessment_ratings(authority: Authority, year: int) -> list[BenchmarkRating]:
    """Each benchmark in use with the council's rating for the financial year starting
    in `year` (blank if not yet assessed). One query."""
    assessment = SelfAssessment.objects.filter(
        authority=authority, year=year, benchmark=OuterRef("pk")
    )
    rows = (
        Benchmark.objects.filter(disabled_on__isnull=True)
        .annotate(
            rating=Subquery(assessment.values("rating")[:1]),
            assessed_on=Subquery(assessment.values("assessed_on")[:1]),
        )
        .order_by("number")
        .values_list("number", "label", "rating", "assessed_on")
    )
    return [BenchmarkRating(n, label, rating or "", on) for n, label, rating, on in rows]


def ratings_summary(authority: Authority, year: int) -> Breakdown:
    """Benchmarks in use by the council's rating for the year; `not_known` counts those
    not yet assessed. One query."""
    rows = self_assessment_ratings(authority, year)
    return Breakdown(
        tuple((r.label, sum(1 for row in rows if row.rating == r.value)) for r in Rating),
        not_known=sum(1 for row in rows if not row.rating),
    )


def recommendation_responses(authority: Authority) -> Breakdown:
    """Recommendations of the authority's CTLPs by the status of the local response.
    One query."""
    counts = dict(
        CTLPRecommendation.objects.filter(ctlp__authority=authority)
        .values("response_status")
        .annotate(n=Count("id"))
        .values_list("response_status", "n")
    )
    return Breakdown(tuple((s.label, counts.get(s.value, 0)) for s in ResponseStatus))
