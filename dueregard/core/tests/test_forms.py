"""Django forms render as GOV.UK components, with the error summary, from one adapter."""

from __future__ import annotations

import datetime

from django import forms
from django.template.loader import render_to_string

from dueregard.core.forms import GovUKDateField


class ExampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As it appears on the referral")
    sector = forms.ChoiceField(
        label="Sector",
        choices=[("education", "Education"), ("police", "Police")],
        widget=forms.RadioSelect,
    )
    received_on = GovUKDateField(label="Date received")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    needs = forms.MultipleChoiceField(
        label="Needs",
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def test_fields_render_as_govuk_components_with_errors_linked() -> None:
    form = ExampleForm(
        {"name": "", "received_on_day": "31", "received_on_month": "2", "received_on_year": "2026"}
    )
    assert not form.is_valid()
    html = str(form)
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert '<p id="id_name-error" class="govuk-error-message">' in html
    assert 'class="govuk-radios__input"' in html and 'id="id_sector_0"' in html
    assert 'class="govuk-textarea"' in html
    assert 'class="govuk-checkboxes__input" type="checkbox" name="needs"' in html
    assert 'id="id_received_on_day"' in html and "govuk-date-input__input" in html
    assert form.errors["received_on"] == ["Date received must be a real date"]

    summary = render_to_string("govuk/error_summary.html", {"form": form})
    assert 'href="#id_name"' in summary
    assert 'href="#id_sector_0"' in summary
    assert 'href="#id_received_on_day"' in summary


def test_date_field_messages_follow_the_design_system() -> None:
    field = GovUKDateField(label="Date received")
    assert field.clean(["1", "4", "2026"]) == datetime.date(2026, 4, 1)
    for value, message in [
        (["", "", ""], "Enter date received"),
        (["1", "", "2026"], "Date received must include a month"),
        (["1", "13", "2026"], "Date received must be a real date"),
        (["x", "4", "2026"], "Date received must be a real date"),
    ]:
        try:
            field.clean(value)
        except forms.ValidationError as error:
            assert error.messages == [message]
        else:
            raise AssertionError(f"{value} was accepted")
