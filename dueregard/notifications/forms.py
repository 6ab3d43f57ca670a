from __future__ import annotations

from django import forms

from dueregard.core.forms import GovUKForm

from .models import OPTIONAL_KINDS


class PreferencesForm(GovUKForm):
    turned_on = forms.MultipleChoiceField(
        label="Which e-mails do you want?",
        help_text="Select all that apply. Clear a box to stop that kind of e-mail.",
        choices=[(kind.value, kind.label) for kind in OPTIONAL_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select only the e-mails listed"},
    )
