"""Which training records a user may see and change: scoped by `accounts.permissions`.

Training records belong to an authority; a user sees those of the authorities where
their role may do the action on Kind.TRAINING (Prevent lead, education officer and
analyst list and view; lead and education officer change). Outside that scope a record
is not found (404); in scope but read-only, a write is refused (403).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from dueregard.accounts.access import get_scoped, scoped
from dueregard.accounts.permissions import Action, Kind, authorities_for
from dueregard.areas.models import Authority

from .models import (
    Attendee,
    Course,
    EvaluationForm,
    EvaluationQuestion,
    HeadcountSnapshot,
    Organisation,
    Requirement,
    Session,
    Trainer,
    TrainingLevel,
)

KIND = Kind.TRAINING


def training_authorities(user: Any, action: Action = Action.LIST) -> QuerySet[Authority]:
    return authorities_for(user, KIND, action)


def organisations_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Organisation]:
    return scoped(Organisation, user, action, kind=KIND)


def sessions_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Session]:
    return scoped(Session, user, action, kind=KIND)


def trainers_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Trainer]:
    return scoped(Trainer, user, action, kind=KIND)


def snapshots_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[HeadcountSnapshot]:
    return scoped(HeadcountSnapshot, user, action, kind=KIND)


def requirements_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Requirement]:
    return scoped(Requirement, user, action, kind=KIND)


def attendees_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Attendee]:
    return scoped(Attendee, user, action, kind=KIND)


def evaluation_forms_visible_to(
    user: Any, action: Action = Action.LIST
) -> QuerySet[EvaluationForm]:
    return scoped(EvaluationForm, user, action, kind=KIND)


def questions_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[EvaluationQuestion]:
    return scoped(EvaluationQuestion, user, action, kind=KIND)


def levels_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[TrainingLevel]:
    return scoped(TrainingLevel, user, action, kind=KIND)


def courses_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Course]:
    return scoped(Course, user, action, kind=KIND)


def get_organisation_for_user(request: HttpRequest, pk: Any, write: bool = False) -> Organisation:
    return get_scoped(request, Organisation, pk, kind=KIND, write=write)


def get_session_for_user(request: HttpRequest, pk: Any, write: bool = False) -> Session:
    sessions = Session.objects.select_related("course", "course__level", "trainer", "authority")
    return get_scoped(request, sessions, pk, kind=KIND, write=write)


def get_trainer_for_user(request: HttpRequest, pk: Any, write: bool = False) -> Trainer:
    trainers = Trainer.objects.select_related("organisation")
    return get_scoped(request, trainers, pk, kind=KIND, write=write)


def get_snapshot_for_user(request: HttpRequest, pk: Any, write: bool = False) -> HeadcountSnapshot:
    snapshots = HeadcountSnapshot.objects.select_related("organisation", "level")
    return get_scoped(request, snapshots, pk, kind=KIND, write=write)


def get_attendee_for_user(request: HttpRequest, pk: Any, write: bool = False) -> Attendee:
    attendees = Attendee.objects.select_related("session")
    return get_scoped(request, attendees, pk, kind=KIND, write=write)


def get_question_for_user(request: HttpRequest, pk: Any, write: bool = False) -> EvaluationQuestion:
    return get_scoped(request, EvaluationQuestion, pk, kind=KIND, write=write)
