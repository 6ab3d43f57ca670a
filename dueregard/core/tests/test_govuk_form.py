"""GovUKForm: an empty required field says what is missing, in GOV.UK words."""

from __future__ import annotations

from django import forms

from dueregard.core.forms import GovUKForm


class Example(GovUKForm):
    reason = forms.CharField(label="Why you reached this outcome")
    outcome = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, label="The outcome")
    note = forms.CharField(label="Note", error_messages={"required": "Enter the note, please"})
    optional = forms.CharField(required=False, label="Optional")


def test_empty_required_fields_are_named_in_govuk_words_and_all_at_once() -> None:
    form = Example(data={})
    assert not form.is_valid()
    assert form.errors == {
        "reason": ["Enter why you reached this outcome"],
        "outcome": ["Select the outcome"],
        "note": ["Enter the note, please"],  # a field's own message wins
    }
    assert "This field is required." not in str(form.errors)
