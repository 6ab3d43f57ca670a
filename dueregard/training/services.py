"""Every change to training records: one function per business event.

Each runs in a transaction, checks its rules (raising `ValidationError`, keyed by field
where a field is to blame), writes, and appends its audit event in the same transaction.
Views, the importers, the management commands and the demo borough all call these.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.text import slugify

from dueregard.accounts.models import User
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import periods

from .models import (
    Attendee,
    Audience,
    Course,
    EvaluationAnswer,
    EvaluationForm,
    EvaluationQuestion,
    HeadcountSnapshot,
    Organisation,
    QuestionKind,
    Requirement,
    Sector,
    Session,
    SessionAudience,
    SnapshotSource,
    Trainer,
    TrainingLevel,
)

# The levels, courses and feedback questions every authority starts with (it can add,
# rename and disable its own). The 85% default target is NHS England's for trusts
# (domain-reference.md §4.2); an organisation's own target overrides it.
STANDARD_LEVELS: list[tuple[str, str, Decimal | None, str]] = [
    (
        "basic-awareness",
        "Basic Prevent awareness",
        Decimal(85),
        "Levels 1 and 2: all staff, including non-clinical and non-frontline staff.",
    ),
    (
        "wrap",
        "WRAP / level 3",
        Decimal(85),
        (
            "Workshop to Raise Awareness of Prevent, or level 3 training, for staff working "
            "directly with children and adults."
        ),
    ),
    (
        "home-office-elearning",
        "Home Office Prevent e-learning",
        None,
        "The Home Office Prevent duty training courses (awareness, referrals, Channel).",
    ),
    ("bespoke-briefing", "Bespoke briefing", None, "Briefings designed for a team or setting."),
]
STANDARD_COURSES: list[tuple[str, str, str | None, str]] = [
    ("wrap-workshop", "WRAP workshop", "wrap", Audience.PROFESSIONALS),
    ("awareness-briefing", "Prevent awareness briefing", "basic-awareness", Audience.PROFESSIONALS),
    ("bespoke-briefing", "Bespoke Prevent briefing", "bespoke-briefing", Audience.PROFESSIONALS),
    ("pupil-resilience", "Resilience workshop for pupils", None, Audience.PUPILS),
    ("parent-online-safety", "Online safety session for parents", None, Audience.PARENTS),
]
STANDARD_QUESTIONS: list[tuple[str, str, str, bool]] = [
    ("understanding", "Your understanding of Prevent", QuestionKind.RATING, True),
    (
        "noticing",
        (
            "Your understanding of how to notice concerns that someone may be susceptible to "
            "radicalisation in your day-to-day work"
        ),
        QuestionKind.RATING,
        True,
    ),
    (
        "confidence",
        "Your confidence in using what you learnt in your day-to-day work",
        QuestionKind.RATING,
        False,
    ),
    (
        "fit",
        "Your understanding of how Prevent fits into your day-to-day work",
        QuestionKind.RATING,
        False,
    ),
    (
        "support-sharing",
        "Do you need further training or support on sharing concerns?",
        QuestionKind.YES_NO,
        False,
    ),
    (
        "support-noticing",
        "Do you need further training or support on noticing concerns?",
        QuestionKind.YES_NO,
        False,
    ),
]


def _now() -> datetime.datetime:
    return timezone.now()


def _user(acting_user: User | None) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _check_target(target: Decimal | None, field_name: str = "target") -> None:
    if target is not None and not Decimal(0) <= target <= Decimal(100):
        raise ValidationError({field_name: "Target must be between 0 and 100"})


# Reference lists ---------------------------------------------------------------------------


@transaction.atomic
def ensure_standard_lists(authority: Authority, *, acting_user: User | None) -> bool:
    """Give `authority` the standard levels, courses and feedback questions, once.

    Returns True if it created them. An authority that already has any level is left alone.
    """
    if TrainingLevel.objects.filter(authority=authority).exists():
        return False
    levels = {}
    for order, (code, label, target, description) in enumerate(STANDARD_LEVELS, start=1):
        levels[code] = TrainingLevel.objects.create(
            authority=authority,
            code=code,
            label=label,
            order=order * 10,
            default_target=target,
            description=description,
        )
    for order, (code, label, level_code, audience) in enumerate(STANDARD_COURSES, start=1):
        Course.objects.create(
            authority=authority,
            code=code,
            label=label,
            order=order * 10,
            level=levels.get(level_code) if level_code else None,
            audience=audience,
        )
    if not EvaluationQuestion.objects.filter(authority=authority).exists():
        for order, (code, label, kind, before) in enumerate(STANDARD_QUESTIONS, start=1):
            EvaluationQuestion.objects.create(
                authority=authority,
                code=code,
                label=label,
                order=order * 10,
                kind=kind,
                asks_before=before,
            )
    record(
        AuditAction.CREATE,
        actor=acting_user,
        object_type="training.traininglevel",
        authority=authority,
        detail={"standard_lists": True},
    )
    return True


def _unique_code(model: Any, authority: Authority, label: str, length: int = 70) -> str:
    base = slugify(label)[:length].strip("-") or "item"
    code, n = base, 1
    while model.objects.filter(authority=authority, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def create_level(
    authority: Authority,
    *,
    label: str,
    default_target: Decimal | None = None,
    description: str = "",
    acting_user: User | None,
) -> TrainingLevel:
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Enter the name of the level"})
    if TrainingLevel.objects.filter(authority=authority, label__iexact=label).exists():
        raise ValidationError({"label": f"There is already a level called {label}"})
    _check_target(default_target, "default_target")
    last = TrainingLevel.objects.filter(authority=authority).order_by("-order").first()
    level = TrainingLevel.objects.create(
        authority=authority,
        code=_unique_code(TrainingLevel, authority, label),
        label=label,
        order=(last.order + 10) if last else 10,
        default_target=default_target,
        description=description,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=level)
    return level


@transaction.atomic
def create_course(
    authority: Authority,
    *,
    label: str,
    level: TrainingLevel | None,
    audience: str = Audience.PROFESSIONALS,
    acting_user: User | None,
) -> Course:
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Enter the name of the course"})
    if Course.objects.filter(authority=authority, label__iexact=label).exists():
        raise ValidationError({"label": f"There is already a course called {label}"})
    if level is not None and level.authority_id != authority.pk:
        raise ValidationError({"level": "Choose one of your authority's levels"})
    last = Course.objects.filter(authority=authority).order_by("-order").first()
    course = Course.objects.create(
        authority=authority,
        code=_unique_code(Course, authority, label),
        label=label,
        order=(last.order + 10) if last else 10,
        level=level,
        audience=audience,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=course)
    return course


@transaction.atomic
def create_question(
    authority: Authority,
    *,
    label: str,
    kind: str = QuestionKind.RATING,
    asks_before: bool = True,
    acting_user: User | None,
) -> EvaluationQuestion:
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Enter the question"})
    if EvaluationQuestion.objects.filter(
        authority=authority, label__iexact=label, disabled_on__isnull=True
    ).exists():
        raise ValidationError({"label": "That question is already on the form"})
    last = EvaluationQuestion.objects.filter(authority=authority).order_by("-order").first()
    question = EvaluationQuestion.objects.create(
        authority=authority,
        # Short, because it names the question's columns in an evaluations import.
        code=_unique_code(EvaluationQuestion, authority, label, length=36),
        label=label,
        order=(last.order + 10) if last else 10,
        kind=kind,
        asks_before=asks_before and kind == QuestionKind.RATING,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=question)
    return question


@transaction.atomic
def disable_question(
    question: EvaluationQuestion, *, acting_user: User | None
) -> EvaluationQuestion:
    """Take a question off the form; answers already given keep it."""
    if question.disabled_on is None:
        question.disabled_on = periods.today()
        question.save(update_fields=["disabled_on"])
        record(AuditAction.CHANGE, actor=acting_user, obj=question, detail={"disabled": True})
    return question


# Organisations, requirements and headcount snapshots ---------------------------------------


@transaction.atomic
def create_organisation(
    authority: Authority,
    *,
    name: str,
    sector: str = Sector.OTHER,
    notes: str = "",
    acting_user: User | None,
) -> Organisation:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the organisation's name"})
    if Organisation.objects.filter(authority=authority, name__iexact=name).exists():
        raise ValidationError({"name": f"There is already an organisation called {name}"})
    ensure_standard_lists(authority, acting_user=acting_user)
    organisation = Organisation.objects.create(
        authority=authority,
        name=name,
        sector=sector,
        notes=notes,
        created_by=_user(acting_user),
        modified_by=_user(acting_user),
    )
    record(AuditAction.CREATE, actor=acting_user, obj=organisation)
    return organisation


@transaction.atomic
def update_organisation(
    organisation: Organisation, *, name: str, sector: str, notes: str, acting_user: User | None
) -> Organisation:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the organisation's name"})
    clash = Organisation.objects.filter(authority=organisation.authority, name__iexact=name)
    if clash.exclude(pk=organisation.pk).exists():
        raise ValidationError({"name": f"There is already an organisation called {name}"})
    changed = [
        f
        for f, v in (("name", name), ("sector", sector), ("notes", notes))
        if getattr(organisation, f) != v
    ]
    organisation.name, organisation.sector, organisation.notes = name, sector, notes
    organisation.modified_by = _user(acting_user)
    organisation.save()
    record(AuditAction.CHANGE, actor=acting_user, obj=organisation, detail={"fields": changed})
    return organisation


@transaction.atomic
def set_requirement(
    organisation: Organisation,
    level: TrainingLevel,
    *,
    target: Decimal | None,
    acting_user: User | None,
) -> Requirement:
    """Say that `level` applies to the organisation's workforce, with its target (or none:
    the level's default target applies). Setting it again changes the target."""
    if level.authority_id != organisation.authority_id:
        raise ValidationError({"level": "Choose one of your authority's levels"})
    _check_target(target)
    requirement = Requirement.objects.filter(organisation=organisation, level=level).first()
    if requirement is None:
        requirement = Requirement.objects.create(
            authority_id=organisation.authority_id,
            organisation=organisation,
            level=level,
            target=target,
            created_by=_user(acting_user),
            modified_by=_user(acting_user),
        )
        record(AuditAction.CREATE, actor=acting_user, obj=requirement)
        return requirement
    requirement.target = target
    requirement.archived = False
    requirement.modified_by = _user(acting_user)
    requirement.save()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=requirement,
        detail={"target": str(target) if target is not None else None},
    )
    return requirement


def _check_counts(eligible: int, compliant: int) -> None:
    errors = {}
    if eligible < 0:
        errors["eligible"] = "Eligible staff must be 0 or more"
    if compliant < 0:
        errors["compliant"] = "Compliant staff must be 0 or more"
    if not errors and compliant > eligible:
        errors["compliant"] = (
            f"Compliant staff ({compliant}) cannot be more than eligible staff ({eligible})"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_snapshot(
    organisation: Organisation,
    level: TrainingLevel,
    *,
    as_of: datetime.date,
    eligible: int,
    compliant: int,
    source: str = SnapshotSource.MANUAL,
    acting_user: User | None,
) -> tuple[HeadcountSnapshot, bool]:
    """Record how many staff were eligible and compliant on `as_of`.

    A snapshot for the same organisation, level and date is updated, not duplicated.
    The level becomes one that applies to the organisation if it was not already.
    Returns the snapshot and whether it was created.
    """
    _check_counts(eligible, compliant)
    if as_of > periods.today():
        raise ValidationError({"as_of": "The date of the headcount must be today or in the past"})
    if level.authority_id != organisation.authority_id:
        raise ValidationError({"level": "Choose one of your authority's levels"})
    if not Requirement.objects.filter(organisation=organisation, level=level).exists():
        set_requirement(organisation, level, target=None, acting_user=acting_user)
    snapshot = HeadcountSnapshot.objects.filter(
        organisation=organisation, level=level, as_of=as_of, archived=False
    ).first()
    if snapshot is None:
        snapshot = HeadcountSnapshot.objects.create(
            authority_id=organisation.authority_id,
            organisation=organisation,
            level=level,
            as_of=as_of,
            eligible=eligible,
            compliant=compliant,
            source=source,
            created_by=_user(acting_user),
            modified_by=_user(acting_user),
        )
        record(AuditAction.CREATE, actor=acting_user, obj=snapshot, detail={"source": source})
        return snapshot, True
    before = {"eligible": snapshot.eligible, "compliant": snapshot.compliant}
    snapshot.eligible, snapshot.compliant = eligible, compliant
    snapshot.source = source
    snapshot.modified_by = _user(acting_user)
    snapshot.save()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=snapshot,
        detail={"source": source, "before": before},
    )
    return snapshot, False


def _archive(obj: Any, reason: str, acting_user: User | None) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason"})
    if obj.archived:
        raise ValidationError("This record has already been archived")
    obj.archived = True
    obj.archived_on = _now()
    obj.archived_by = _user(acting_user)
    obj.archived_reason = reason
    obj.save()
    record(AuditAction.CHANGE, actor=acting_user, obj=obj, detail={"archived": True})


@transaction.atomic
def withdraw_snapshot(
    snapshot: HeadcountSnapshot, *, reason: str, acting_user: User | None
) -> HeadcountSnapshot:
    """Take a snapshot entered in error out of the figures (it is kept, with the reason)."""
    _archive(snapshot, reason, acting_user)
    return snapshot


# Trainers -----------------------------------------------------------------------------------


@transaction.atomic
def create_trainer(
    authority: Authority,
    *,
    name: str,
    organisation: Organisation,
    accredited_level: TrainingLevel | None = None,
    accreditation: str = "",
    accredited_on: datetime.date | None = None,
    acting_user: User | None,
) -> Trainer:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the trainer's name"})
    if organisation.authority_id != authority.pk:
        raise ValidationError({"organisation": "Choose one of your authority's organisations"})
    if Trainer.objects.filter(authority=authority, name__iexact=name, archived=False).exists():
        raise ValidationError({"name": f"There is already a trainer called {name}"})
    if accredited_on and accredited_on > periods.today():
        raise ValidationError({"accredited_on": "The date accredited must be in the past"})
    trainer = Trainer.objects.create(
        authority=authority,
        name=name,
        organisation=organisation,
        accredited_level=accredited_level,
        accreditation=accreditation,
        accredited_on=accredited_on,
        created_by=_user(acting_user),
        modified_by=_user(acting_user),
    )
    record(AuditAction.CREATE, actor=acting_user, obj=trainer)
    return trainer


@transaction.atomic
def archive_trainer(trainer: Trainer, *, reason: str, acting_user: User | None) -> Trainer:
    """A trainer who no longer delivers (left, accreditation lapsed); their sessions stay."""
    _archive(trainer, reason, acting_user)
    return trainer


# Sessions and attendance --------------------------------------------------------------------


def _next_reference(authority: Authority, held_on: datetime.date) -> str:
    n = Session.objects.filter(authority=authority, held_on=held_on).count() + 1
    while True:
        reference = f"{held_on:%Y-%m-%d}-{n}"
        if not Session.objects.filter(authority=authority, reference=reference).exists():
            return reference
        n += 1


@transaction.atomic
def record_session(
    authority: Authority,
    *,
    held_on: datetime.date,
    course: Course,
    audiences: Sequence[tuple[Organisation, int]],
    audience: str | None = None,
    trainer: Trainer | None = None,
    venue: str = "",
    online: bool = False,
    notes: str = "",
    reference: str = "",
    acting_user: User | None,
) -> Session:
    """Record a delivered session and how many attended from each organisation.

    `audience` (professionals, pupils or parents) defaults to the course's.
    """
    errors: dict[str, str] = {}
    if held_on > periods.today():
        errors["held_on"] = "The date of the session must be today or in the past"
    if course.authority_id != authority.pk:
        errors["course"] = "Choose one of your authority's courses"
    if trainer is not None and trainer.authority_id != authority.pk:
        errors["trainer"] = "Choose one of your authority's trainers"
    if not audiences:
        errors["organisation"] = "Choose the organisation the session was for"
    seen: set[int] = set()
    for organisation, count in audiences:
        if organisation.authority_id != authority.pk:
            errors["organisation"] = "Choose one of your authority's organisations"
        if organisation.pk in seen:
            errors["organisation"] = f"{organisation} is listed twice"
        seen.add(organisation.pk)
        if count < 1:
            errors["attendees"] = "The number of attendees must be 1 or more"
    if not venue.strip() and not online:
        errors["venue"] = "Enter the venue, or say the session was online"
    reference = reference.strip()
    if (
        reference
        and Session.objects.filter(authority=authority, reference__iexact=reference).exists()
    ):
        errors["reference"] = f"There is already a session with reference {reference}"
    if errors:
        raise ValidationError(errors)
    session = Session.objects.create(
        authority=authority,
        reference=reference or _next_reference(authority, held_on),
        held_on=held_on,
        course=course,
        audience=audience or course.audience,
        trainer=trainer,
        venue=venue.strip(),
        online=online,
        notes=notes,
        attendees=sum(count for _, count in audiences),
        created_by=_user(acting_user),
        modified_by=_user(acting_user),
    )
    SessionAudience.objects.bulk_create(
        SessionAudience(session=session, organisation=organisation, attendees=count)
        for organisation, count in audiences
    )
    record(AuditAction.CREATE, actor=acting_user, obj=session)
    return session


@transaction.atomic
def set_session_audience(
    session: Session, organisation: Organisation, *, attendees: int, acting_user: User | None
) -> Session:
    """Add an audience organisation to a session, or change how many came from it."""
    if organisation.authority_id != session.authority_id:
        raise ValidationError({"organisation": "Choose one of your authority's organisations"})
    if attendees < 1:
        raise ValidationError({"attendees": "The number of attendees must be 1 or more"})
    session = Session.objects.select_for_update().get(pk=session.pk)
    forms = EvaluationForm.objects.filter(
        session=session, organisation=organisation, archived=False
    ).count()
    if forms > attendees:
        raise ValidationError(
            {
                "attendees": f"{forms} feedback forms are recorded from {organisation}: "
                "attendees cannot be fewer"
            }
        )
    SessionAudience.objects.update_or_create(
        session=session, organisation=organisation, defaults={"attendees": attendees}
    )
    session.attendees = (
        SessionAudience.objects.filter(session=session).aggregate(n=Sum("attendees"))["n"] or 0
    )
    session.modified_by = _user(acting_user)
    session.save()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=session,
        detail={"audience": organisation.pk, "attendees": attendees},
    )
    return session


@transaction.atomic
def archive_session(session: Session, *, reason: str, acting_user: User | None) -> Session:
    """Take a session recorded in error out of the figures (kept, with the reason)."""
    _archive(session, reason, acting_user)
    return session


@transaction.atomic
def add_attendee(
    session: Session,
    *,
    name: str,
    job_title: str = "",
    organisation: Organisation | None = None,
    acting_user: User | None,
) -> Attendee:
    """Name one of a session's attendees. A session cannot have more named attendees than
    attendees, and a named attendee's organisation must be one the session was for."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the attendee's name"})
    named = Attendee.objects.filter(session=session, archived=False)
    if named.count() >= session.attendees:
        raise ValidationError(
            f"All {session.attendees} attendees are already named: change the number of "
            "attendees first"
        )
    if organisation is not None:
        audience = SessionAudience.objects.filter(session=session, organisation=organisation)
        if not audience.exists():
            raise ValidationError({"organisation": "Choose an organisation the session was for"})
    attendee = Attendee.objects.create(
        authority_id=session.authority_id,
        session=session,
        name=name,
        job_title=job_title.strip(),
        organisation=organisation,
        created_by=_user(acting_user),
        modified_by=_user(acting_user),
    )
    record(AuditAction.CREATE, actor=acting_user, obj=attendee, detail={"session": session.pk})
    return attendee


@transaction.atomic
def remove_attendee(attendee: Attendee, *, reason: str, acting_user: User | None) -> Attendee:
    _archive(attendee, reason, acting_user)
    return attendee


# Evaluations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    before: int | None = None
    after: int | None = None
    yes: bool | None = None


@dataclass
class Feedback:
    """One returned feedback form, before it is recorded. `answers` by question id."""

    answers: dict[int, Answer] = field(default_factory=dict)
    organisation: Organisation | None = None
    completed_on: datetime.date | None = None
    needs: str = ""


def _check_answer(question: EvaluationQuestion, answer: Answer) -> str | None:
    if question.kind == QuestionKind.YES_NO:
        if answer.before is not None or answer.after is not None:
            return f"“{question.label}” is answered yes or no, not with a rating"
        return None
    if answer.yes is not None:
        return f"“{question.label}” is answered with a rating, not yes or no"
    if answer.before is not None and not question.asks_before:
        return f"“{question.label}” does not ask for a rating before the session"
    for value in (answer.before, answer.after):
        if value is not None and not 1 <= value <= 4:
            return f"“{question.label}”: a rating is poor, fair, good or excellent"
    return None


@transaction.atomic
def record_evaluations(
    session: Session, forms: Sequence[Feedback], *, acting_user: User | None
) -> list[EvaluationForm]:
    """Record returned feedback forms for a session, all or none.

    A form belongs to one of the session's audience organisations (given, or the only
    one); an organisation cannot return more forms than it sent attendees. Answers must
    fit their question: a rating (1-4, before only where the question asks) or yes/no.
    """
    if session.archived:
        raise ValidationError("This session has been archived")
    if not forms:
        raise ValidationError("There are no feedback forms to record")
    if session.audience != Audience.PROFESSIONALS:
        raise ValidationError(
            "Feedback forms are recorded for professionals' sessions; pupils' and parents' "
            "sessions are counted in reach"
        )
    session = Session.objects.select_for_update().get(pk=session.pk)
    audiences = {a.organisation_id: a for a in session.audiences.select_related("organisation")}
    questions = {
        q.pk: q for q in EvaluationQuestion.objects.filter(authority_id=session.authority_id)
    }
    returned = dict(
        EvaluationForm.objects.filter(session=session, archived=False)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    new_forms: list[EvaluationForm] = []
    for number, feedback in enumerate(forms, start=1):
        where = f"Form {number}: " if len(forms) > 1 else ""
        organisation = feedback.organisation
        if organisation is None:
            if len(audiences) != 1:
                raise ValidationError(
                    {"organisation": f"{where}Choose which organisation the attendee was from"}
                )
            organisation_id = next(iter(audiences))
        else:
            organisation_id = organisation.pk
            if organisation_id not in audiences:
                raise ValidationError(
                    {"organisation": f"{where}Choose an organisation the session was for"}
                )
        returned[organisation_id] = returned.get(organisation_id, 0) + 1
        allowed = audiences[organisation_id].attendees
        if returned[organisation_id] > allowed:
            name = audiences[organisation_id].organisation
            raise ValidationError(
                f"{where}{name} sent {allowed} attendee{'s' if allowed != 1 else ''}: there "
                "cannot be more feedback forms than that"
            )
        if not feedback.answers and not feedback.needs.strip():
            raise ValidationError(f"{where}The form has no answers")
        for question_id, answer in feedback.answers.items():
            question = questions.get(question_id)
            if question is None:
                raise ValidationError(f"{where}Unknown question")
            problem = _check_answer(question, answer)
            if problem:
                raise ValidationError(f"{where}{problem}")
        new_forms.append(
            EvaluationForm(
                authority_id=session.authority_id,
                session=session,
                organisation_id=organisation_id,
                completed_on=feedback.completed_on or session.held_on,
                needs=feedback.needs.strip(),
                created_by=_user(acting_user),
                modified_by=_user(acting_user),
            )
        )
    created = EvaluationForm.objects.bulk_create(new_forms)
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(
            form=form, question_id=question_id, before=a.before, after=a.after, yes=a.yes
        )
        for form, feedback in zip(created, forms, strict=True)
        for question_id, a in feedback.answers.items()
        if a != Answer()
    )
    record(
        AuditAction.CREATE,
        actor=acting_user,
        object_type="training.evaluationform",
        object_id=created[0].pk if created else "",
        authority=session.authority_id,
        detail={"session": session.pk, "forms": len(created)},
    )
    return created


@transaction.atomic
def withdraw_evaluation(
    form: EvaluationForm, *, reason: str, acting_user: User | None
) -> EvaluationForm:
    _archive(form, reason, acting_user)
    return form
