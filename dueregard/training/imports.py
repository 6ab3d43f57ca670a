"""Importing headcount snapshots, sessions and feedback forms from CSV or XLSX files.

Each importer reads the whole file with `core.importing`, checks every row and collects
every error with its row number and column; only if there are none does it write, in one
transaction, through the same services as the pages. The formats are documented in
docs/data-formats/training.md.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dueregard.accounts.models import User
from dueregard.areas.models import Authority
from dueregard.core import periods
from dueregard.core.importing import (
    ImportRejected,
    RowError,
    RowReader,
    iter_readers,
    read_table,
)

from . import services
from .models import (
    Audience,
    Course,
    EvaluationForm,
    EvaluationQuestion,
    Organisation,
    QuestionKind,
    Rating,
    Session,
    SnapshotSource,
    Trainer,
    TrainingLevel,
)

Source = str | Path | bytes | IO[bytes]

SNAPSHOT_COLUMNS = ["organisation", "level", "as_of", "eligible", "compliant"]
SESSION_REQUIRED = ["date", "course", "organisation", "attendees"]
SESSION_OPTIONAL = [
    "reference",
    "level",
    "audience",
    "trainer",
    "trainer_organisation",
    "venue",
    "online",
    "notes",
]
EVALUATION_REQUIRED = ["session"]
EVALUATION_OPTIONAL = ["organisation", "completed_on", "needs"]

AUDIENCES = {
    "professionals": Audience.PROFESSIONALS,
    "professional": Audience.PROFESSIONALS,
    "pupils": Audience.PUPILS,
    "students": Audience.PUPILS,
    "parents": Audience.PARENTS,
    "carers": Audience.PARENTS,
}
YES_NO = {"yes": True, "y": True, "no": False, "n": False}
ONLINE = {**YES_NO, "online": True, "in person": False, "true": True, "false": False}
RATINGS = {label.casefold(): value for value, label in Rating.choices} | {
    str(value): value for value in Rating.values
}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    created_names: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def summary(self, noun: str) -> str:
        parts = [f"{self.created} {noun} created"]
        if self.updated:
            parts.append(f"{self.updated} updated")
        for kind, names in self.created_names.items():
            parts.append(f"new {kind}: {', '.join(names)}")
        return "; ".join(parts)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Names:
    """Case-insensitive lookup of an authority's organisations, levels, courses and trainers
    by name (levels and courses also by code), so each row costs no query."""

    def __init__(self, authority: Authority) -> None:
        self.organisations = {
            _norm(o.name): o for o in Organisation.objects.filter(authority=authority)
        }
        self.levels: dict[str, TrainingLevel] = {}
        for level in TrainingLevel.objects.filter(authority=authority):
            self.levels[_norm(level.code)] = level
            self.levels[_norm(level.label)] = level
        self.courses: dict[str, Course] = {}
        for course in Course.objects.filter(authority=authority):
            self.courses[_norm(course.code)] = course
            self.courses[_norm(course.label)] = course
        self.trainers = {
            _norm(t.name): t for t in Trainer.objects.filter(authority=authority, archived=False)
        }


def _raise_validation(reader: RowReader, exc: ValidationError, default_column: str) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                reader.error(name if name != "__all__" else default_column, error.messages[0])
    else:
        for message in exc.messages:
            reader.error(default_column, message)


# Headcount snapshots ------------------------------------------------------------------------


@dataclass(frozen=True)
class _SnapshotRow:
    number: int
    organisation: str
    level: str
    as_of: datetime.date
    eligible: int
    compliant: int


def import_snapshots(
    authority: Authority, source: Source, *, acting_user: User | None, filename: str | None = None
) -> ImportResult:
    """Import headcount snapshots: one row per organisation, level and date.

    Organisations and levels not yet known are created. A snapshot that already exists
    for the organisation, level and date is updated. Raises ImportRejected (nothing
    written) if any row is wrong.
    """
    table = read_table(source, required=SNAPSHOT_COLUMNS, filename=filename)
    errors: list[RowError] = []
    rows: list[_SnapshotRow] = []
    seen: dict[tuple[str, object, datetime.date], int] = {}
    known_levels = _Names(authority).levels
    today = periods.today()
    for reader in iter_readers(table, errors):
        organisation = " ".join(reader.text("organisation", required=True).split())
        level = " ".join(reader.text("level", required=True).split())
        as_of = reader.date("as_of", required=True)
        eligible = reader.integer("eligible", required=True)
        compliant = reader.integer("compliant", required=True)
        if as_of and as_of > today:
            reader.error("as_of", f"{as_of} is in the future")
        if eligible is not None and compliant is not None and compliant > eligible:
            reader.error(
                "compliant", f"{compliant} compliant is more than the {eligible} eligible staff"
            )
        if organisation and level and as_of:
            # "wrap" and "WRAP / level 3" are the same level if the authority has it.
            same_level = known_levels.get(_norm(level))
            key = (_norm(organisation), same_level.pk if same_level else _norm(level), as_of)
            if key in seen:
                reader.error(
                    "as_of",
                    f"{organisation}, {level} on {as_of} is already on row {seen[key]}",
                )
            else:
                seen[key] = reader.number
        if reader.number not in {e.row for e in errors}:
            assert as_of is not None and eligible is not None and compliant is not None
            rows.append(
                _SnapshotRow(reader.number, organisation, level, as_of, eligible, compliant)
            )
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(0, "", "the file has a header but no rows")])
    return _write_snapshots(authority, rows, acting_user)


@transaction.atomic
def _write_snapshots(
    authority: Authority, rows: list[_SnapshotRow], acting_user: User | None
) -> ImportResult:
    services.ensure_standard_lists(authority, acting_user=acting_user)
    names = _Names(authority)
    result = ImportResult()
    for row in rows:
        organisation = names.organisations.get(_norm(row.organisation))
        if organisation is None:
            organisation = services.create_organisation(
                authority, name=row.organisation, acting_user=acting_user
            )
            names.organisations[_norm(row.organisation)] = organisation
            result.created_names["organisations"].append(organisation.name)
        level = names.levels.get(_norm(row.level))
        if level is None:
            level = services.create_level(authority, label=row.level, acting_user=acting_user)
            names.levels[_norm(row.level)] = level
            result.created_names["levels"].append(level.label)
        try:
            _, created = services.record_snapshot(
                organisation,
                level,
                as_of=row.as_of,
                eligible=row.eligible,
                compliant=row.compliant,
                source=SnapshotSource.IMPORT,
                acting_user=acting_user,
            )
        except ValidationError as exc:  # pragma: no cover (the rows were checked above)
            raise ImportRejected([RowError(row.number, "", m) for m in exc.messages]) from None
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result


# Sessions -----------------------------------------------------------------------------------


@dataclass
class _SessionRow:
    number: int
    reference: str
    held_on: datetime.date
    course: str
    level: str
    audience: str | None
    trainer: str
    trainer_organisation: str
    venue: str
    online: bool
    notes: str
    audiences: list[tuple[str, int]]


def import_sessions(
    authority: Authority, source: Source, *, acting_user: User | None, filename: str | None = None
) -> ImportResult:
    """Import delivered sessions: one row per session and audience organisation.

    Rows with the same `reference` are one session attended by several organisations.
    Unknown courses and organisations are created; unknown trainers are created when
    `trainer_organisation` is given. A reference that is already recorded is an error.
    """
    table = read_table(
        source, required=SESSION_REQUIRED, optional=SESSION_OPTIONAL, filename=filename
    )
    errors: list[RowError] = []
    today = periods.today()
    # References are unique in an authority ignoring case: keyed by casefold().
    existing = {
        reference.casefold(): reference
        for reference in Session.objects.filter(authority=authority).values_list(
            "reference", flat=True
        )
    }
    trainers = {
        _norm(n)
        for n in Trainer.objects.filter(authority=authority, archived=False).values_list(
            "name", flat=True
        )
    }
    sessions: dict[str, _SessionRow] = {}
    unreferenced: list[_SessionRow] = []
    for reader in iter_readers(table, errors):
        reference = reader.text("reference", max_length=40)
        held_on = reader.date("date", required=True)
        course = " ".join(reader.text("course", required=True).split())
        level = " ".join(reader.text("level").split())
        audience = reader.choice("audience", AUDIENCES)
        organisation = " ".join(reader.text("organisation", required=True).split())
        attendees = reader.integer("attendees", required=True, minimum=1, maximum=100_000)
        trainer = " ".join(reader.text("trainer", max_length=150).split())
        trainer_organisation = " ".join(reader.text("trainer_organisation").split())
        venue = reader.text("venue")
        online = reader.choice("online", ONLINE) or False
        notes = reader.text("notes", max_length=2000)
        if held_on and held_on > today:
            reader.error("date", f"{held_on} is in the future")
        if not venue and not online:
            reader.error("venue", "is required unless online is yes")
        if trainer and _norm(trainer) not in trainers and not trainer_organisation:
            reader.error(
                "trainer",
                f"'{trainer}' is not a recorded trainer: add them first, or give "
                "trainer_organisation to create them",
            )
        if reference and reference.casefold() in existing:
            recorded = existing[reference.casefold()]
            reader.error(
                "reference",
                f"session {reference} is already recorded"
                + (f" (as {recorded})" if recorded != reference else ""),
            )
        if any(e.row == reader.number for e in errors):
            continue
        assert held_on is not None and attendees is not None
        row = _SessionRow(
            reader.number,
            reference,
            held_on,
            course,
            level,
            audience,
            trainer,
            trainer_organisation,
            venue,
            online,
            notes,
            [(organisation, attendees)],
        )
        if not reference:
            unreferenced.append(row)
            continue
        first = sessions.get(reference.casefold())
        if first is None:
            sessions[reference.casefold()] = row
            continue
        if first.reference != reference:
            reader.error(
                "reference",
                f"'{reference}' differs only in case from '{first.reference}' on row "
                f"{first.number}: write a session's reference the same way on every row",
            )
            continue
        for column, mine, theirs in (
            ("date", row.held_on, first.held_on),
            ("course", _norm(row.course), _norm(first.course)),
            ("audience", row.audience, first.audience),
            ("trainer", _norm(row.trainer), _norm(first.trainer)),
            ("venue", row.venue, first.venue),
            ("online", row.online, first.online),
        ):
            if mine != theirs:
                reader.error(
                    column, f"differs from row {first.number}, which has the same reference"
                )
        if any(_norm(organisation) == _norm(o) for o, _ in first.audiences):
            reader.error(
                "organisation", f"{organisation} is already on an earlier row of {reference}"
            )
        first.audiences.append((organisation, attendees))
    if errors:
        raise ImportRejected(errors)
    rows = [*sessions.values(), *unreferenced]
    if not rows:
        raise ImportRejected([RowError(0, "", "the file has a header but no rows")])
    return _write_sessions(authority, sorted(rows, key=lambda r: r.number), acting_user)


@transaction.atomic
def _write_sessions(
    authority: Authority, rows: list[_SessionRow], acting_user: User | None
) -> ImportResult:
    services.ensure_standard_lists(authority, acting_user=acting_user)
    names = _Names(authority)
    result = ImportResult()
    errors: list[RowError] = []

    def organisation_named(name: str) -> Organisation:
        organisation = names.organisations.get(_norm(name))
        if organisation is None:
            organisation = services.create_organisation(
                authority, name=name, acting_user=acting_user
            )
            names.organisations[_norm(name)] = organisation
            result.created_names["organisations"].append(organisation.name)
        return organisation

    for row in rows:
        level = names.levels.get(_norm(row.level)) if row.level else None
        if row.level and level is None:
            level = services.create_level(authority, label=row.level, acting_user=acting_user)
            names.levels[_norm(row.level)] = level
            result.created_names["levels"].append(level.label)
        course = names.courses.get(_norm(row.course))
        if course is None:
            course = services.create_course(
                authority,
                label=row.course,
                level=level,
                audience=row.audience or Audience.PROFESSIONALS,
                acting_user=acting_user,
            )
            names.courses[_norm(row.course)] = course
            result.created_names["courses"].append(course.label)
        trainer = names.trainers.get(_norm(row.trainer)) if row.trainer else None
        if row.trainer and trainer is None:
            trainer = services.create_trainer(
                authority,
                name=row.trainer,
                organisation=organisation_named(row.trainer_organisation),
                accredited_level=course.level,
                acting_user=acting_user,
            )
            names.trainers[_norm(row.trainer)] = trainer
            result.created_names["trainers"].append(trainer.name)
        audiences = [(organisation_named(name), count) for name, count in row.audiences]
        try:
            services.record_session(
                authority,
                held_on=row.held_on,
                course=course,
                audiences=audiences,
                audience=row.audience,
                trainer=trainer,
                venue=row.venue,
                online=row.online,
                notes=row.notes,
                reference=row.reference,
                acting_user=acting_user,
            )
        except ValidationError as exc:
            _raise_validation(RowReader(row.number, {}, errors), exc, "")
            continue
        result.created += 1
    if errors:
        raise ImportRejected(errors)  # the transaction is rolled back: nothing is written
    return result


# Evaluations --------------------------------------------------------------------------------


def evaluation_columns(authority: Authority) -> dict[str, tuple[EvaluationQuestion, str]]:
    """The question columns an evaluations file may have: `<code>_before` and
    `<code>_after` for rating questions, `<code>` for yes/no questions."""
    columns: dict[str, tuple[EvaluationQuestion, str]] = {}
    for question in EvaluationQuestion.objects.filter(authority=authority):
        code = question.code.replace("-", "_")
        if question.kind == QuestionKind.YES_NO:
            columns[code] = (question, "yes")
        else:
            if question.asks_before:
                columns[f"{code}_before"] = (question, "before")
            columns[f"{code}_after"] = (question, "after")
    return columns


@transaction.atomic
def import_evaluations(
    authority: Authority, source: Source, *, acting_user: User | None, filename: str | None = None
) -> ImportResult:
    """Import returned feedback forms: one row per form.

    `session` is the session's reference. `organisation` is needed only when the session
    was for several organisations. A session cannot get more forms than attendees.
    Everything, including an authority's first standard question list, is written in one
    transaction, so a rejected file leaves nothing behind.
    """
    services.ensure_standard_lists(authority, acting_user=acting_user)
    columns = evaluation_columns(authority)
    table = read_table(
        source,
        required=EVALUATION_REQUIRED,
        optional=[*EVALUATION_OPTIONAL, *columns],
        filename=filename,
    )
    errors: list[RowError] = []
    sessions = {
        s.reference: s
        for s in Session.objects.filter(authority=authority, archived=False).prefetch_related(
            "audiences__organisation"
        )
    }
    already: Counter[tuple[str, int | None]] = Counter(
        EvaluationForm.objects.filter(authority=authority, archived=False).values_list(
            "session__reference", "organisation_id"
        )
    )
    batches: dict[str, list[services.Feedback]] = defaultdict(list)
    first_row: dict[str, int] = {}
    for reader in iter_readers(table, errors):
        reference = reader.text("session", required=True, max_length=40)
        session = sessions.get(reference)
        if reference and session is None:
            reader.error("session", f"no session has the reference '{reference}'")
        organisation_name = _norm(reader.text("organisation"))
        completed_on = reader.date("completed_on")
        needs = reader.text("needs", max_length=5000)
        answers: dict[int, services.Answer] = {}
        parts: dict[int, dict[str, Any]] = defaultdict(dict)
        for column, (question, part) in columns.items():
            if column not in table.columns:
                continue
            if part == "yes":
                parts[question.pk]["yes"] = reader.choice(column, YES_NO)
            else:
                parts[question.pk][part] = reader.choice(column, RATINGS)
        for question_id, given in parts.items():
            answer = services.Answer(**given)
            if answer != services.Answer():
                answers[question_id] = answer
        if not answers and not needs:
            reader.error("", "the form has no answers")
        organisation = None
        if session is not None:
            audiences = {_norm(a.organisation.name): a for a in session.audiences.all()}
            if organisation_name:
                audience = audiences.get(organisation_name)
                if audience is None:
                    reader.error(
                        "organisation", f"session {reference} was not for that organisation"
                    )
            elif len(audiences) == 1:
                audience = next(iter(audiences.values()))
            else:
                audience = None
                reader.error(
                    "organisation",
                    f"is required: session {reference} was for {len(audiences)} organisations",
                )
            if session.audience != Audience.PROFESSIONALS:
                reader.error("session", "feedback forms are recorded for professionals' sessions")
            if audience is not None:
                organisation = audience.organisation
                key = (reference, organisation.pk)
                already[key] += 1
                if already[key] > audience.attendees:
                    reader.error(
                        "session",
                        f"more feedback forms than the {audience.attendees} attendees from "
                        f"{organisation} at session {reference}",
                    )
        if completed_on and session is not None and completed_on < session.held_on:
            reader.error("completed_on", "is before the session was held")
        if any(e.row == reader.number for e in errors):
            continue
        first_row.setdefault(reference, reader.number)
        batches[reference].append(
            services.Feedback(
                answers=answers,
                organisation=organisation,
                completed_on=completed_on,
                needs=needs,
            )
        )
    if errors:
        raise ImportRejected(errors)
    if not batches:
        raise ImportRejected([RowError(0, "", "the file has a header but no rows")])
    result = ImportResult()
    for reference, forms in batches.items():
        try:
            created = services.record_evaluations(
                sessions[reference], forms, acting_user=acting_user
            )
        except ValidationError as exc:  # pragma: no cover (checked row by row above)
            raise ImportRejected(
                [RowError(first_row[reference], "session", m) for m in exc.messages]
            ) from None
        result.created += len(created)
    return result


IMPORTERS = {
    "snapshots": import_snapshots,
    "sessions": import_sessions,
    "evaluations": import_evaluations,
}
