"""Forms for the privacy pages; GOV.UK markup comes from the project's form renderer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from dueregard.core.forms import GovUKDateField, choice_field

from .models import Direction, LawfulBasis, RecordClass

if TYPE_CHECKING:
    from dueregard.casework.models import Referral


class RetentionRuleForm(forms.Form):
    record_class = forms.ChoiceField(
        label="Record class",
        choices=RecordClass.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a record class"},
    )
    review_after_years = forms.IntegerField(
        label="Review after (years)",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter a number of years",
            "invalid": "Enter a whole number of years",
            "min_value": "Enter a number of years from 1 to 100",
            "max_value": "Enter a number of years from 1 to 100",
        },
    )
    note = forms.CharField(
        label="Why this period (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LegalHoldForm(forms.Form):
    # What the user chose, as the page offered it: placing twice places once (no toggle).
    change = forms.ChoiceField(
        choices=[("place", "Place the hold"), ("lift", "Lift the hold")],
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose to place or lift the legal hold",
            "invalid_choice": "Choose to place or lift the legal hold",
        },
    )
    reason = forms.CharField(
        label="Reason",
        help_text="For example the claim, complaint or inquiry the records are held for.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the legal hold is being changed"},
    )


class SubjectAccessStartForm(forms.Form):
    received_on = GovUKDateField(label="Date the request was received")


class RedactionForm(forms.Form):
    redact = forms.MultipleChoiceField(
        label="Tick the information to withhold",
        help_text="Every piece of free text held about the person: withhold what is about "
        "or from someone else (the referrer, parents, other people named in the notes, "
        "providers and partners). Ticked items are shown as [redacted].",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phrases = forms.CharField(
        label="Names or phrases to withhold wherever they appear (optional)",
        help_text="One on each line, for example another person's name. Each is withheld "
        "from every text in the export: notes, providers, partners and who viewed the record.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "redact").choices = choices


class SharingForm(forms.Form):
    referral: forms.ModelChoiceField[Referral] = forms.ModelChoiceField(
        label="Referral",
        queryset=None,  # type: ignore[arg-type]
        empty_label="Choose the referral",
        error_messages={"required": "Choose the referral", "invalid_choice": "Choose the referral"},
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether information was shared or received"},
    )
    partner = forms.CharField(
        label="Partner agency",
        max_length=150,
        error_messages={"required": "Enter the partner agency"},
    )
    purpose = forms.CharField(
        label="Purpose",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the purpose of the sharing"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the lawful basis"},
    )
    what_was_shared = forms.CharField(
        label="What was shared",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what was shared"},
    )
    shared_on = GovUKDateField(label="Date shared")

    def __init__(self, *args: Any, referrals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["referral"]
        field.queryset = referrals  # type: ignore[attr-defined]
        field.label_from_instance = lambda r: f"{r.reference} ({r.person.display_name})"  # type: ignore[attr-defined]


class AgreementForm(forms.Form):
    partner = forms.CharField(
        label="Partner agency",
        max_length=150,
        error_messages={"required": "Enter the partner agency"},
    )
    starts_on = GovUKDateField(label="Start date")
    ends_on = GovUKDateField(label="End date (optional)", required=False)
    document_reference = forms.CharField(label="Document reference (optional)", required=False)


class PeriodForm(forms.Form):
    start = GovUKDateField(label="From")
    end = GovUKDateField(label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must be on or after its start")
        return data


class AccessReviewForm(forms.Form):
    notes = forms.CharField(
        label="What you found and did (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RevealForm(forms.Form):
    REASON_LIMIT = 500
    reason = forms.CharField(
        label="Why do you need to see it?",
        help_text="For example, the panel meeting or the decision you are preparing for. "
        "The data protection officer sees this beside the record that you looked.",
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you need to see it",
            "max_length": f"Reason must be {REASON_LIMIT} characters or less",
        },
    )
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or a backup code.",
        max_length=12,
        error_messages={"required": "Enter your security code"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
