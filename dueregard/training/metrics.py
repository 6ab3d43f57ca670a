"""Training figures, aggregated in the database, for one authority and an inclusive period.

Every function returns plain frozen dataclasses: counts with their denominators. Report
definitions (reports/definitions/training.py) and the training pages turn them into
tables and charts; nothing here knows about formats or audiences.

Common rules:
- Archived records (sessions, snapshots, feedback forms recorded in error) are left out.
- A session counts in the period when it was held in it; a snapshot when its `as_of` date is.
- "Professional" training is sessions for professionals; sessions for pupils and for
  parents count only in `reach`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from dueregard.areas.models import Authority
from dueregard.core.figures import percent

from .models import (
    GOOD_OR_BETTER,
    Audience,
    Course,
    EvaluationAnswer,
    EvaluationForm,
    HeadcountSnapshot,
    Requirement,
    Session,
    SessionAudience,
    Trainer,
)

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def meets(compliant: int, eligible: int, target: Decimal | None) -> bool | None:
    """Whether `compliant` of `eligible` reaches `target` percent, compared exactly (84.7%
    does not meet 85% even though it rounds to 85). None when there is no target or no
    eligible staff."""
    if target is None or not eligible:
        return None
    return Decimal(compliant) * 100 >= target * eligible


def points_change(
    before_part: int, before_whole: int, after_part: int, after_whole: int
) -> float | None:
    """The change in percentage points between two shares, computed exactly and rounded half
    up to one decimal like `core.figures.percent`."""
    if not before_whole or not after_whole:
        return None
    change = Decimal(after_part) * 100 / Decimal(after_whole) - Decimal(before_part) * 100 / (
        Decimal(before_whole)
    )
    return float(change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# Compliance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceRow:
    organisation_id: int
    organisation: str
    level_id: int
    level: str
    as_of: datetime.date
    eligible: int
    compliant: int
    target: Decimal | None

    @property
    def not_compliant(self) -> int:
        return self.eligible - self.compliant

    @property
    def percent_compliant(self) -> float | None:
        return percent(self.compliant, self.eligible)

    @property
    def meets_target(self) -> bool | None:
        return meets(self.compliant, self.eligible, self.target)


def _target_subquery() -> Subquery:
    return Subquery(
        Requirement.objects.filter(
            organisation=OuterRef("organisation"), level=OuterRef("level")
        ).values("target")[:1],
        output_field=DecimalField(max_digits=4, decimal_places=1),
    )


def compliance(
    authority: Authority,
    start: datetime.date = EARLIEST,
    end: datetime.date = LATEST,
    *,
    organisation_ids: Iterable[int] | None = None,
) -> list[ComplianceRow]:
    """Every headcount snapshot dated in the period, by organisation, level and date, with
    the target that applies (the organisation's own, else the level's default). One query."""
    snapshots = HeadcountSnapshot.objects.filter(
        authority=authority, archived=False, as_of__gte=start, as_of__lte=end
    )
    if organisation_ids is not None:
        snapshots = snapshots.filter(organisation_id__in=list(organisation_ids))
    rows = (
        snapshots.annotate(
            target=Coalesce(
                _target_subquery(),
                "level__default_target",
                output_field=DecimalField(max_digits=4, decimal_places=1),
            )
        )
        .order_by("organisation__name", "level__order", "level__label", "as_of")
        .values_list(
            "organisation_id",
            "organisation__name",
            "level_id",
            "level__label",
            "as_of",
            "eligible",
            "compliant",
            "target",
        )
    )
    return [ComplianceRow(*row) for row in rows]


@dataclass(frozen=True)
class LatestCompliance:
    """An organisation's latest snapshot for a level that applies to it (None if none)."""

    requirement_id: int
    organisation_id: int
    organisation: str
    level_id: int
    level: str
    target: Decimal | None
    as_of: datetime.date | None
    eligible: int | None
    compliant: int | None

    @property
    def percent_compliant(self) -> float | None:
        if self.eligible is None or self.compliant is None:
            return None
        return percent(self.compliant, self.eligible)

    @property
    def meets_target(self) -> bool | None:
        if self.eligible is None or self.compliant is None:
            return None
        return meets(self.compliant, self.eligible, self.target)

    def out_of_date(self, today: datetime.date) -> bool:
        """No snapshot, or the latest is more than a quarter (three months) old."""
        return self.as_of is None or self.as_of < three_months_before(today)


def three_months_before(day: datetime.date) -> datetime.date:
    month = day.month - 3
    year = day.year
    if month < 1:
        month += 12
        year -= 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def latest_compliance(
    authorities: Iterable[Authority] | Authority, on: datetime.date = LATEST
) -> list[LatestCompliance]:
    """For every level that applies to a current organisation, its latest snapshot on or
    before `on`. One query."""
    if isinstance(authorities, Authority):
        authorities = [authorities]
    latest = HeadcountSnapshot.objects.filter(
        organisation=OuterRef("organisation"),
        level=OuterRef("level"),
        archived=False,
        as_of__lte=on,
    ).order_by("-as_of")
    rows = (
        Requirement.objects.filter(
            authority__in=list(authorities), archived=False, organisation__archived=False
        )
        .annotate(
            target_in_force=Coalesce(
                "target",
                "level__default_target",
                output_field=DecimalField(max_digits=4, decimal_places=1),
            ),
            latest_as_of=Subquery(latest.values("as_of")[:1]),
            latest_eligible=Subquery(latest.values("eligible")[:1]),
            latest_compliant=Subquery(latest.values("compliant")[:1]),
        )
        .order_by("organisation__name", "level__order", "level__label")
        .values_list(
            "pk",
            "organisation_id",
            "organisation__name",
            "level_id",
            "level__label",
            "target_in_force",
            "latest_as_of",
            "latest_eligible",
            "latest_compliant",
        )
    )
    return [LatestCompliance(*row) for row in rows]


# Delivery -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryRow:
    organisation_id: int
    organisation: str
    level_id: int | None
    level: str
    requiring_training: int | None  # eligible staff in the latest snapshot up to the end
    trained: int  # attendees from the organisation at sessions in the period
    sessions: int

    @property
    def percent_trained(self) -> float | None:
        if self.requiring_training is None:
            return None
        return percent(self.trained, self.requiring_training)


NO_LEVEL = "No level"


def _professional_sessions(authority: Authority, start: datetime.date, end: datetime.date) -> Q:
    return Q(
        session__authority=authority,
        session__archived=False,
        session__audience=Audience.PROFESSIONALS,
        session__held_on__gte=start,
        session__held_on__lte=end,
    )


def _delivered(
    authority: Authority, start: datetime.date, end: datetime.date
) -> dict[tuple[int, int | None], tuple[str, str, int, int]]:
    """(organisation, level) -> (organisation name, level label, trained, sessions)."""
    rows = (
        SessionAudience.objects.filter(_professional_sessions(authority, start, end))
        .values_list(
            "organisation_id",
            "organisation__name",
            "session__course__level_id",
            "session__course__level__label",
        )
        .annotate(trained=Sum("attendees"), sessions=Count("session", distinct=True))
        .order_by()
    )
    return {
        (o, lv): (name, label or NO_LEVEL, trained, n) for o, name, lv, label, trained, n in rows
    }


def _requirements_at(
    authority: Authority, end: datetime.date
) -> dict[tuple[int, int | None], tuple[str, str, int | None, bool]]:
    """(organisation, level) -> (names, eligible in the latest snapshot up to `end`,
    whether any course delivers the level)."""
    latest = HeadcountSnapshot.objects.filter(
        organisation=OuterRef("organisation"),
        level=OuterRef("level"),
        archived=False,
        as_of__lte=end,
    ).order_by("-as_of")
    taught = Course.objects.filter(level=OuterRef("level"), disabled_on__isnull=True)

    rows = (
        Requirement.objects.filter(authority=authority, archived=False)
        .annotate(
            eligible=Subquery(latest.values("eligible")[:1], output_field=IntegerField()),
            taught=Exists(taught),
        )
        .values_list(
            "organisation_id",
            "organisation__name",
            "level_id",
            "level__label",
            "eligible",
            "taught",
        )
    )
    return {
        (o, lv): (name, label, eligible, taught) for o, name, lv, label, eligible, taught in rows
    }


def _sort_key(item: tuple[tuple[int, int | None], tuple[str, str]]) -> tuple[str, str]:
    return (item[1][0].casefold(), item[1][1].casefold())


def delivery_by_organisation(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[DeliveryRow]:
    """For each organisation and level: staff requiring training (eligible in the latest
    snapshot up to the end of the period), staff trained (attendees from the organisation
    at professional sessions of that level held in the period) and sessions delivered.

    Rows: every pair with sessions in the period, and every level that applies to an
    organisation and is taught by a course (e-learning with no course is left out). Two
    queries.
    """
    delivered = _delivered(authority, start, end)
    required = _requirements_at(authority, end)
    names: dict[tuple[int, int | None], tuple[str, str]] = {
        key: (v[0], v[1]) for key, v in required.items() if v[3]
    }
    names.update({key: (v[0], v[1]) for key, v in delivered.items()})
    rows = []
    for key, (organisation, level) in sorted(names.items(), key=_sort_key):
        _, _, trained, sessions = delivered.get(key, ("", "", 0, 0))
        eligible = required[key][2] if key in required else None
        rows.append(DeliveryRow(key[0], organisation, key[1], level, eligible, trained, sessions))
    return rows


# Trainers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainerRow:
    organisation_id: int
    organisation: str
    level_id: int | None
    level: str
    trainers: int
    trainers_two_or_more: int  # trainers who delivered 2 or more sessions in the period
    requiring_training: int | None
    trained: int
    forms_returned: int

    @property
    def percent_two_or_more(self) -> float | None:
        return percent(self.trainers_two_or_more, self.trainers)

    @property
    def percent_trained(self) -> float | None:
        if self.requiring_training is None:
            return None
        return percent(self.trained, self.requiring_training)

    @property
    def percent_forms_returned(self) -> float | None:
        return percent(self.forms_returned, self.trained)


def trainers(authority: Authority, start: datetime.date, end: datetime.date) -> list[TrainerRow]:
    """For each organisation and level: its trainers accredited for the level (in post at
    the end of the period), the share who delivered two or more sessions of that level in
    the period, the share of the organisation's target workforce trained (as in
    `delivery_by_organisation`), and feedback forms returned against attendees.

    Rows: pairs with trainers, and pairs that received professional sessions. Four queries.
    """
    in_period = Q(archived=False, held_on__gte=start, held_on__lte=end)
    of_level = Session.objects.filter(
        in_period, trainer=OuterRef("pk"), course__level=OuterRef("accredited_level")
    )
    of_any = Session.objects.filter(in_period, trainer=OuterRef("pk"))

    def count_of(sessions: object) -> Subquery:
        return Subquery(
            sessions.values("trainer").annotate(n=Count("id")).values("n")[:1],  # type: ignore[attr-defined]
            output_field=IntegerField(),
        )

    trainer_rows = (
        Trainer.objects.filter(authority=authority)
        .filter(Q(archived=False) | Q(archived_on__date__gt=end))
        .filter(Q(accredited_on__isnull=True) | Q(accredited_on__lte=end))
        .annotate(
            delivered=Coalesce(
                Case(
                    When(accredited_level__isnull=True, then=count_of(of_any)),
                    default=count_of(of_level),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
        .values_list(
            "organisation_id",
            "organisation__name",
            "accredited_level_id",
            "accredited_level__label",
        )
        .annotate(n=Count("id"), two=Count("id", filter=Q(delivered__gte=2)))
        .order_by()
    )
    counted = {
        (o, lv): (name, label or "Any level", n, two) for o, name, lv, label, n, two in trainer_rows
    }
    delivered = _delivered(authority, start, end)
    required = _requirements_at(authority, end)
    form_rows = (
        EvaluationForm.objects.filter(_professional_sessions(authority, start, end), archived=False)
        .values_list("organisation_id", "session__course__level_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    forms = {(o, lv): n for o, lv, n in form_rows}
    names: dict[tuple[int, int | None], tuple[str, str]] = {
        key: (v[0], v[1]) for key, v in delivered.items()
    }
    names.update({key: (v[0], v[1]) for key, v in counted.items()})
    rows = []
    for key, (organisation, level) in sorted(names.items(), key=_sort_key):
        _, _, n, two = counted.get(key, ("", "", 0, 0))
        _, _, trained, _ = delivered.get(key, ("", "", 0, 0))
        eligible = required[key][2] if key in required else None
        rows.append(
            TrainerRow(
                key[0], organisation, key[1], level, n, two, eligible, trained, forms.get(key, 0)
            )
        )
    return rows


# Evaluation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    question: str
    kind: str
    answered_before: int
    good_before: int  # rated good or excellent before the session
    answered_after: int
    good_after: int
    answered_yes_no: int
    yes: int

    @property
    def percent_good_before(self) -> float | None:
        return percent(self.good_before, self.answered_before)

    @property
    def percent_good_after(self) -> float | None:
        return percent(self.good_after, self.answered_after)

    @property
    def change(self) -> float | None:
        """Percentage points from before to after."""
        return points_change(
            self.good_before, self.answered_before, self.good_after, self.answered_after
        )

    @property
    def percent_yes(self) -> float | None:
        return percent(self.yes, self.answered_yes_no)


@dataclass(frozen=True)
class Evaluation:
    forms_returned: int
    attendees: int  # attendees at professional sessions held in the period
    questions: tuple[QuestionResult, ...]

    @property
    def percent_returned(self) -> float | None:
        return percent(self.forms_returned, self.attendees)


def evaluation(authority: Authority, start: datetime.date, end: datetime.date) -> Evaluation:
    """Feedback from professional sessions held in the period: for each question, how many
    answered and rated good or excellent before and after (or answered yes); and forms
    returned against attendees. Three queries."""
    forms = EvaluationForm.objects.filter(
        _professional_sessions(authority, start, end), archived=False
    )
    answers = (
        EvaluationAnswer.objects.filter(form__in=forms)
        .values_list("question_id", "question__label", "question__kind", "question__order")
        .annotate(
            answered_before=Count("id", filter=Q(before__isnull=False)),
            good_before=Count("id", filter=Q(before__gte=GOOD_OR_BETTER)),
            answered_after=Count("id", filter=Q(after__isnull=False)),
            good_after=Count("id", filter=Q(after__gte=GOOD_OR_BETTER)),
            answered_yes_no=Count("id", filter=Q(yes__isnull=False)),
            yes=Count("id", filter=Q(yes=True)),
        )
        .order_by("question__order", "question_id")
    )
    results = tuple(
        QuestionResult(qid, label, kind, *counts) for qid, label, kind, _order, *counts in answers
    )
    attendees = (
        Session.objects.filter(
            authority=authority,
            archived=False,
            audience=Audience.PROFESSIONALS,
            held_on__gte=start,
            held_on__lte=end,
        ).aggregate(n=Sum("attendees"))["n"]
        or 0
    )
    return Evaluation(forms.count(), attendees, results)


# Reach --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachRow:
    audience: str
    label: str
    sessions: int
    reached: int


def reach(authority: Authority, start: datetime.date, end: datetime.date) -> list[ReachRow]:
    """Sessions held in the period and people reached, for professionals, pupils and
    parents (every audience is listed, with zeros). One query."""
    counts = {
        audience: (n, reached or 0)
        for audience, n, reached in Session.objects.filter(
            authority=authority, archived=False, held_on__gte=start, held_on__lte=end
        )
        .values_list("audience")
        .annotate(n=Count("id"), reached=Sum("attendees"))
        .order_by()
    }
    return [
        ReachRow(value, str(label), *counts.get(value, (0, 0))) for value, label in Audience.choices
    ]
