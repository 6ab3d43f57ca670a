"""core.versions: the version token, the locked compare-and-set, and how values are shown
beside each other after a refusal."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from dueregard.casework.models import Person, Vulnerability
from dueregard.casework.tests.factories import make_person
from dueregard.core import versions

pytestmark = pytest.mark.django_db


def test_an_etag_carries_the_version_and_if_match_gives_it_back(world) -> None:
    person = make_person(world.authority, world["coordinator"])
    tag = versions.etag_of(person)
    assert tag == f'"{versions.version_of(person)}"'
    assert versions.version_from_etag(tag) == versions.version_of(person)
    assert versions.version_from_etag(f"W/{tag} ") == versions.version_of(person)


def test_a_current_save_runs_and_moves_the_version_even_within_one_clock_tick(
    world, monkeypatch
) -> None:
    lead, chair = world["coordinator"], world["chair"]
    person = make_person(world.authority, lead)
    before = Person.objects.get(pk=person.pk).modified_at
    monkeypatch.setattr(versions.timezone, "now", lambda: before)  # the clock has not moved
    calls: list[int] = []

    def save() -> str:
        calls.append(1)
        return "done"

    result = versions.save_if_current(person, versions.version_of(person), save, acting_user=chair)
    assert result == "done" and calls == [1]
    stored = Person.objects.get(pk=person.pk)
    assert stored.modified_at == before + datetime.timedelta(microseconds=1)
    assert stored.modified_by == chair
    assert versions.version_of(person) == versions.version_of(stored)  # the caller's copy too


def test_a_stale_save_never_runs_and_says_who_changed_the_record_and_when(world) -> None:
    lead, chair = world["coordinator"], world["chair"]
    person = make_person(world.authority, lead)
    opened = versions.version_of(person)
    versions.save_if_current(person, opened, lambda: None, acting_user=chair)
    calls: list[int] = []
    with pytest.raises(versions.EditConflict) as raised:
        versions.save_if_current(person, opened, lambda: calls.append(1), acting_user=lead)
    assert calls == []
    conflict = raised.value
    stored = Person.objects.get(pk=person.pk)
    assert conflict.changed_by == chair and conflict.changed_at == stored.modified_at
    assert conflict.version == versions.version_of(stored)
    assert conflict.messages == [conflict.describe()]
    assert conflict.describe().startswith(f"{chair} changed this record at ")


def test_a_refusal_by_an_import_says_so() -> None:
    person = Person(modified_at=datetime.datetime(2026, 3, 1, 9, 5, tzinfo=datetime.UTC))
    conflict = versions.EditConflict(person)
    assert conflict.changed_by_name.startswith("Someone else")
    assert conflict.changed_at_text == "9:05am on 1 March 2026"


def test_values_are_shown_as_the_page_shows_them(world) -> None:
    choice = forms.ChoiceField(choices=[("yes", "Yes, concerns"), ("no", "No")])
    assert versions.shown(choice, "yes") == "Yes, concerns"
    many = forms.ModelMultipleChoiceField(queryset=Vulnerability.objects.all())
    first, second = Vulnerability.objects.order_by("label")[:2]
    assert versions.shown(many, [second.pk, first.pk]) == f"{first}, {second}"
    assert versions.shown(forms.DateField(), datetime.date(2026, 1, 5)) == "5 January 2026"
    assert versions.shown(forms.BooleanField(), False) == "No"
    assert versions.shown(forms.CharField(), "") == "Not given"
    assert versions.shown(forms.CharField(), [("Ann", "Police")]) == "Ann, Police"
