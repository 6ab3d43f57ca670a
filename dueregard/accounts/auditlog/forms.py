"""Filtering the audit log."""

from django import forms

from dueregard.audit.models import AuditAction
from dueregard.core.forms import GovUKDateField


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="User (username)", required=False, max_length=150)
    person_id = forms.IntegerField(
        label="Person record number",
        required=False,
        min_value=1,
        help_text="Every event about this person's records.",
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    date_from = GovUKDateField(label="From", required=False, help_text="For example, 1 4 2026")
    date_to = GovUKDateField(label="To", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data
