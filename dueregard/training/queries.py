"""Which training records a user may see and change: scoped by `accounts.permissions`.

Training records belong to an authority; a user sees those of the authorities where
their role may do the action on Kind.TRAINING (Prevent lead, education officer and
analyst list and view; lead and education officer change). Outside that scope a record
is not found (404); in scope but read-only, a write is refused (403).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from dueregard.accounts.access import get_for_user
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

M = TypeVar("M", bound=Model)


def training_authorities(user: Any, action: Action = Action.LIST) -> QuerySet[Authority]:
    return authorities_for(user, Kind.TRAINING, action)


def _scoped(queryset: QuerySet[M], user: Any, action: Action) -> QuerySet[M]:
    return queryset.filter(authority__in=training_authorities(user, action))


def organisations_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Organisation]:
    return _scoped(Organisation.objects.all(), user, action)


def sessions_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Session]:
    return _scoped(Session.objects.all(), user, action)


def trainers_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Trainer]:
    return _scoped(Trainer.objects.all(), user, action)


def snapshots_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[HeadcountSnapshot]:
    return _scoped(HeadcountSnapshot.objects.all(), user, action)


def requirements_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Requirement]:
    return _scoped(Requirement.objects.all(), user, action)


def attendees_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Attendee]:
    return _scoped(Attendee.objects.all(), user, action)


def evaluation_forms_visible_to(
    user: Any, action: Action = Action.LIST
) -> QuerySet[EvaluationForm]:
    return _scoped(EvaluationForm.objects.all(), user, action)


def questions_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[EvaluationQuestion]:
    return _scoped(EvaluationQuestion.objects.all(), user, action)


def levels_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[TrainingLevel]:
    return _scoped(TrainingLevel.objects.all(), user, action)


def courses_visible_to(user: Any, action: Action = Action.LIST) -> QuerySet[Course]:
    return _scoped(Course.objects.all(), user, action)


def _get(request: HttpRequest, visible: QuerySet[M], pk: Any, write: bool, model: type[M]) -> M:
    writable = None
    if write:
        writable = model._default_manager.filter(
            authority__in=training_authorities(request.user, Action.CHANGE)
        )
    return get_for_user(request, visible, pk, kind=Kind.TRAINING, writable=writable)


def get_organisation_for_user(request: HttpRequest, pk: Any, write: bool = False) -> Organisation:
    visible = organisations_visible_to(request.user, Action.VIEW)
    return _get(request, visible, pk, write, Organisation)


def get_session_for_user(request: HttpRequest, pk: Any, write: bool = False) -> Session:
    visible = sessions_visible_to(request.user, Action.VIEW).select_related(
        "course", "course__level", "trainer", "authority"
    )
    return _get(request, visible, pk, write, Session)


def get_trainer_for_user(request: HttpRequest, pk: Any, write: bool = False) -> Trainer:
    visible = trainers_visible_to(request.user, Action.VIEW).select_related("organisation")
    return _get(request, visible, pk, write, Trainer)


def get_snapshot_for_user(request: HttpRequest, pk: Any, write: bool = False) -> HeadcountSnapshot:
    visible = snapshots_visible_to(request.user, Action.VIEW).select_related(
        "organisation", "level"
    )
    return _get(request, visible, pk, write, HeadcountSnapshot)


def get_attendee_for_user(request: HttpRequest, pk: Any, write: bool = False) -> Attendee:
    visible = attendees_visible_to(request.user, Action.VIEW).select_related("session")
    return _get(request, visible, pk, write, Attendee)


def get_question_for_user(request: HttpRequest, pk: Any, write: bool = False) -> EvaluationQuestion:
    return _get(
        request, questions_visible_to(request.user, Action.VIEW), pk, write, EvaluationQuestion
    )
