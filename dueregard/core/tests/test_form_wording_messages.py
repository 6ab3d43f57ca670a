"""The GOV.UK words themselves, on a plain Django form (not a GovUKForm): the renderer's
bound field gives them; limits show as the character count and are not cut by the browser;
a support plan that ends before it starts says so with the other errors, in one round."""

from __future__ import annotations

from django import forms

from dueregard.casework.forms import SupportPlanForm


class Plain(forms.Form):
    rationale = forms.CharField(widget=forms.Textarea, label="Rationale")
    name = forms.CharField(max_length=150, label="Referrer's name")
    sessions = forms.IntegerField(min_value=0, max_value=500, label="Sessions planned")
    sector = forms.ChoiceField(choices=[("", "---------"), ("a", "Education")], label="Sector")
    email = forms.EmailField(label="Email address", required=False)


def test_a_plain_form_answers_in_govuk_words() -> None:
    form = Plain(
        data={
            "rationale": "x" * 10_000,
            "name": "y" * 10_000,
            "sessions": "-1",
            "sector": "z",
            "email": "nope",
        }
    )
    assert not form.is_valid()
    assert form.errors == {
        "rationale": ["Rationale must be 5,000 characters or less"],
        "name": ["Referrer's name must be 150 characters or less"],
        "sessions": ["Sessions planned must be 0 or more"],
        "sector": ["Select sector from the list"],
        "email": ["Enter email address in the correct format, like name@example.com"],
    }
    form = Plain(data={"sessions": "501"})
    assert not form.is_valid()
    assert form.errors["sessions"] == ["Sessions planned must be 500 or less"]
    assert form.errors["rationale"] == ["Enter rationale"]
    assert form.errors["sector"] == ["Select sector"]
    form = Plain(data={"sessions": "many"})
    assert not form.is_valid()
    assert form.errors["sessions"] == ["Sessions planned must be a whole number"]


def test_limits_show_as_a_character_count_and_the_browser_cuts_nothing() -> None:
    html = str(Plain())
    assert 'data-module="govuk-character-count" data-maxlength="5000"' in html
    assert "You can enter up to 5,000 characters" in html
    assert 'aria-describedby="id_rationale-info"' in html
    assert " maxlength=" not in html
    assert "---------" not in html and ">Select sector</option>" in html


def test_support_plan_dates_are_checked_with_the_other_errors(db: None) -> None:
    form = SupportPlanForm(
        data={
            "sessions_planned": "-3",
            "contact_interval_days": "14",
            "agreed_on_day": "1",
            "agreed_on_month": "4",
            "agreed_on_year": "2025",
            "planned_start_on_day": "1",
            "planned_start_on_month": "6",
            "planned_start_on_year": "2025",
            "planned_end_on_day": "1",
            "planned_end_on_month": "5",
            "planned_end_on_year": "2025",
        }
    )
    assert not form.is_valid()
    assert form.errors == {
        "sessions_planned": ["Sessions planned must be 0 or more"],
        "planned_end_on": ["Planned end must be after the planned start"],
    }
