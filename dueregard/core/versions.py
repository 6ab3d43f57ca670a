"""No lost updates: a record's version, checked when an edit is saved.

A record's *version* is its `modified_at` to the microsecond (`version_of`). An edit page
carries the version it was shown as a hidden field (`VERSION_FIELD`); the API carries it
as the `ETag` and takes it back in `If-Match`. `save_if_current` locks the row
(`select_for_update`; on SQLite the IMMEDIATE transaction holds the write lock from its
start), compares, runs the service inside the same transaction and moves the version on,
so the compare-and-set is atomic and a guarded save always changes the version, even one
that writes only related rows (a meeting's attendance, a referral's assessment).

A stale save raises `EditConflict`, which carries who changed the record, when, and the
record as it is now. `Edit` is what a form page holds: the version to render, and after
a refusal the comparison of their values beside the user's. See docs/adr/0015-edit-versions.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

VERSION_FIELD = "version"
NEVER = "0"  # the version of a record whose change time is not yet set

T = TypeVar("T")
R = TypeVar("R", bound=models.Model)


def _stamp(model: type[models.Model] | models.Model) -> tuple[str, str]:
    """The (when, who) fields of a model's version: `modified_at`/`modified_by`, or the
    pair a model names in `version_stamp` (an agenda item: `decided_at`/`decided_by`)."""
    return getattr(model, "version_stamp", ("modified_at", "modified_by"))


def version_of(record: models.Model) -> str:
    """The record's version: its change time in microseconds since the epoch, as text."""
    when = getattr(record, _stamp(record)[0])
    if when is None:
        return NEVER
    return str(int(when.timestamp() * 1_000_000))


def etag_of(record: models.Model) -> str:
    """The record's version as a strong HTTP entity tag."""
    return f'"{version_of(record)}"'


def version_from_etag(value: str) -> str:
    """The version in an `If-Match` value (one tag; a weak prefix is ignored)."""
    value = value.strip()
    value = value.removeprefix("W/")
    return value.strip('"')


def _who(user: Any) -> str:
    if user is None:
        return "Someone else (an import or a scheduled task)"
    return str(user)


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    clock = f"{local:%-I:%M}{'am' if local.hour < 12 else 'pm'}"
    return f"{clock} on {local:%-d %B %Y}"


class EditConflict(ValidationError):
    """A save refused because the record changed after the user (or client) read it.

    A ValidationError, so every form page that shows a service's refusal shows this one
    too; the pages and the API that know it also show who, when and the current values.
    """

    def __init__(self, record: models.Model) -> None:
        when_field, who_field = _stamp(record)
        self.record = record
        self.changed_at: datetime.datetime | None = getattr(record, when_field)
        self.changed_by: Any = getattr(record, who_field)
        self.version = version_of(record)
        super().__init__(self.describe(), code="edit_conflict")

    @property
    def changed_by_name(self) -> str:
        return _who(self.changed_by)

    @property
    def changed_at_text(self) -> str:
        return _when(self.changed_at) if self.changed_at else "an earlier time"

    def describe(self) -> str:
        return (
            f"{self.changed_by_name} changed this record at {self.changed_at_text}, after "
            "you opened it. Your changes have not been saved: compare their version with "
            "yours below, then save again to keep yours."
        )


def save_if_current(
    record: R,
    version: str | None,
    save: Callable[[], T],
    *,
    acting_user: AbstractBaseUser | AnonymousUser,
) -> T:
    """Run `save` (a service call) only if `record` is still at `version`.

    In one transaction: lock the row, compare its version, call `save`, then move the
    version on (at least one microsecond, even within one clock tick) naming
    `acting_user`. `version` None (a client that sent none) checks against the row as
    this request first read it. Raises EditConflict, carrying the locked current record.
    """
    model = type(record)
    when_field, who_field = _stamp(model)
    expected = version if version is not None else version_of(record)
    with transaction.atomic():
        current = model._base_manager.select_for_update().get(pk=record.pk)  # type: ignore[attr-defined]
        if version_of(current) != expected:
            raise EditConflict(current)
        result = save()
        now = timezone.now()
        before = getattr(current, when_field)
        moved = max(now, before + datetime.timedelta(microseconds=1)) if before else now
        model._base_manager.filter(pk=record.pk).update(  # type: ignore[attr-defined]
            **{when_field: moved, who_field: acting_user}
        )
        setattr(record, when_field, moved)
        setattr(record, f"{who_field}_id", getattr(acting_user, "pk", None))
    return result


# --------------------------------------------------------------------------------------
# Form pages


def posted_version(request: HttpRequest) -> str | None:
    """The version a submitted form carries; None on a GET or if the form sent none."""
    if request.method != "POST":
        return None
    value = request.POST.get(VERSION_FIELD, "").strip()
    return value or None


def shown(field: forms.Field, value: Any) -> str:
    """A form value as the page shows it: choice labels, record names, dates in words."""
    if value is None or value == "" or value == [] or value == ():
        return "Not given"
    if isinstance(field, forms.ModelMultipleChoiceField):
        chosen = list(value)
        if chosen and not isinstance(chosen[0], models.Model) and field.queryset is not None:
            chosen = list(field.queryset.filter(pk__in=chosen))
        return ", ".join(sorted(str(c) for c in chosen)) or "Not given"
    if isinstance(field, forms.ModelChoiceField):
        if not isinstance(value, models.Model) and field.queryset is not None:
            value = field.queryset.filter(pk=value).first() or value
        return str(value)
    if isinstance(field, forms.ChoiceField):
        labels = dict(_flat_choices(field.choices))  # type: ignore[arg-type]  # a list once bound
        if isinstance(value, (list, tuple, set)):
            return ", ".join(str(labels.get(str(v), v)) for v in value)
        return str(labels.get(str(value), value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return _when(value)
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple)):  # e.g. (name, agency) pairs, one a line
        return "\n".join(", ".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in value)
    return str(value)


def _flat_choices(choices: Iterable[Any]) -> Iterable[tuple[str, Any]]:
    for key, label in choices:
        if isinstance(label, (list, tuple)):  # an optgroup
            yield from _flat_choices(label)
        else:
            yield str(key), label


@dataclass
class Difference:
    label: str
    theirs: str
    yours: str


def differences(form: forms.BaseForm, theirs: dict[str, Any]) -> list[Difference]:
    """The form's fields whose saved value (theirs) differs from the user's (the form's
    cleaned data), in the form's order. File and hidden fields are left out."""
    rows = []
    for name, field in form.fields.items():
        if name not in theirs or isinstance(field, forms.FileField) or field.widget.is_hidden:
            continue
        their_text = shown(field, theirs[name])
        your_text = shown(field, form.cleaned_data.get(name))
        if their_text != your_text:
            rows.append(Difference(str(field.label or name), their_text, your_text))
    return rows


class Edit:
    """An edit page's hold on the record it changes.

    `values(record)` gives the form's values from a record (the same mapping that sets
    the form's initial values), used to show the current record beside the user's own
    after a refusal. The page renders `context()`: the hidden version and, after a
    refusal, the comparison. On a refusal the version becomes the current one, so a
    second, deliberate save keeps the user's values; a form with errors keeps the
    version it was opened with, so a change made meanwhile is still caught.
    """

    def __init__(
        self,
        request: HttpRequest,
        record: models.Model,
        values: Callable[[Any], dict[str, Any]],
    ) -> None:
        self.request = request
        self.record = record
        self.values = values
        self.version = posted_version(request) or version_of(record)
        self.conflict: EditConflict | None = None
        self.rows: list[Difference] = []

    def save(self, form: forms.BaseForm, save: Callable[[], T]) -> T:
        """Call `save` if the record is unchanged; else note the conflict and re-raise
        it (an EditConflict is a ValidationError, so the page puts it on the form)."""
        try:
            return save_if_current(self.record, self.version, save, acting_user=self.request.user)
        except EditConflict as conflict:
            self.conflict = conflict
            self.version = conflict.version
            self.rows = differences(form, self.values(conflict.record))
            raise

    def context(self) -> dict[str, Any]:
        return {"version": self.version, "edit_conflict": self.conflict, "their_rows": self.rows}
