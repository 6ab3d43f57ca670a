"""No lost updates on the record kit's edit pages (core.versions, ADR 0015): every
engagement and governance record's edit form, played by two users."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from conftest import make_user, sign_in
from dueregard.accounts.models import Role
from dueregard.core.forms import GovUKDateField
from dueregard.core.tests.edits import assert_second_save_refused_then_kept, form_data
from dueregard.engagement.tests.url_samples import SAMPLES as ENGAGEMENT
from dueregard.governance.tests.url_samples import SAMPLES as GOVERNANCE

pytestmark = pytest.mark.django_db

EDIT_PAGES = {
    name: sample for name, sample in {**ENGAGEMENT, **GOVERNANCE}.items() if name.endswith("_edit")
}


def _edited_field(form: Any, record: Any) -> tuple[str, Any, Any, str]:
    """The field the test changes: the form's first free-text field of the record, else
    its first date; with the first user's value, the second's, and how the second's shows
    in the re-rendered form."""
    for name, field in form.fields.items():
        if (
            type(field) is forms.CharField
            and not field.widget.is_hidden
            and hasattr(record, name)
            and (field.max_length or 100) >= 20
        ):
            return name, "Typed by the first user", "Typed by the second user", "by the second"
    for name, field in form.fields.items():
        if isinstance(field, GovUKDateField) and not field.disabled and hasattr(record, name):
            return name, datetime.date(2024, 1, 10), datetime.date(2023, 2, 20), 'value="2023"'
    raise AssertionError(f"{type(form).__name__} has no field to change")


def test_every_record_kit_edit_page_is_covered() -> None:
    assert len(EDIT_PAGES) >= 18


@pytest.mark.parametrize("url_name", sorted(EDIT_PAGES))
def test_a_stale_save_is_refused_with_who_and_when_then_a_deliberate_one_is_kept(
    world, url_name
) -> None:
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    url = reverse(url_name, kwargs=EDIT_PAGES[url_name](world))
    opened = sign_in(Client(), lead).get(url)
    form, record = opened.context["form"], opened.context["obj"]
    model = type(record)
    name, first, again, typed = _edited_field(form, record)
    assert_second_save_refused_then_kept(
        lead,
        second,
        url,
        first=form_data(form, **{name: first}),
        second=form_data(form, **{name: again}),
        stored=lambda: getattr(model.objects.get(pk=record.pk), name),
        first_value=first,
        second_value=again,
        typed=typed,
        record=lambda: model.objects.get(pk=record.pk),
    )
