"""Small builders for training records in tests, all through the services."""

from __future__ import annotations

import datetime
from typing import Any

from dueregard.areas.models import Authority
from dueregard.training import services
from dueregard.training.models import (
    Course,
    EvaluationQuestion,
    HeadcountSnapshot,
    Organisation,
    Session,
    Trainer,
    TrainingLevel,
)


def organisation(authority: Authority, name: str = "Trust A", **kwargs: Any) -> Organisation:
    found = Organisation.objects.filter(authority=authority, name=name).first()
    return found or services.create_organisation(authority, name=name, acting_user=None, **kwargs)


def level(authority: Authority, code: str = "wrap") -> TrainingLevel:
    services.ensure_standard_lists(authority, acting_user=None)
    return TrainingLevel.objects.get(authority=authority, code=code)


def course(authority: Authority, code: str = "wrap-workshop") -> Course:
    services.ensure_standard_lists(authority, acting_user=None)
    return Course.objects.get(authority=authority, code=code)


def question(authority: Authority, code: str = "understanding") -> EvaluationQuestion:
    services.ensure_standard_lists(authority, acting_user=None)
    return EvaluationQuestion.objects.get(authority=authority, code=code)


def snapshot(
    authority: Authority,
    *,
    name: str = "Trust A",
    level_code: str = "wrap",
    as_of: datetime.date = datetime.date(2024, 6, 30),
    eligible: int = 100,
    compliant: int = 80,
) -> HeadcountSnapshot:
    return services.record_snapshot(
        organisation(authority, name),
        level(authority, level_code),
        as_of=as_of,
        eligible=eligible,
        compliant=compliant,
        acting_user=None,
    )[0]


def trainer(authority: Authority, name: str = "Robin Example", **kwargs: Any) -> Trainer:
    return services.create_trainer(
        authority,
        name=name,
        organisation=kwargs.pop("organisation", None) or organisation(authority, "Prevent team"),
        accredited_level=kwargs.pop("accredited_level", None) or level(authority),
        acting_user=None,
        **kwargs,
    )


def session(
    authority: Authority,
    *,
    held_on: datetime.date = datetime.date(2024, 5, 14),
    attendees: int = 12,
    org_name: str = "Trust A",
    course_code: str = "wrap-workshop",
    **kwargs: Any,
) -> Session:
    kwargs.setdefault("venue", "Civic Centre")
    return services.record_session(
        authority,
        held_on=held_on,
        course=course(authority, course_code),
        audiences=[(organisation(authority, org_name), attendees)],
        acting_user=None,
        **kwargs,
    )
