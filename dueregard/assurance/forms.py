"""Forms for assurance pages. Plain Django forms: views pass the cleaned data to a service.
GOV.UK markup comes from the project's form renderer."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from dueregard.areas.models import Authority, Ward
from dueregard.core.forms import GovUKDateField
from dueregard.core.periods import financial_quarters, financial_year

from .models import (
    CTLP,
    ActionStatus,
    Benchmark,
    CTLPRecommendation,
    EvidenceCategory,
    Impact,
    IncidentType,
    Likelihood,
    Marking,
    Priority,
    Rating,
    ResponseStatus,
    Risk,
    RiskRating,
    Strategy,
    ThreatLevelChoice,
    Trend,
    long_date,
)

BLANK = [("", "Select one")]


class AuthorityChoiceMixin:
    """Adds an 'Authority' select only when the user may change records of more than one."""

    fields: dict[str, forms.Field]

    def add_authority(self, authorities: QuerySet[Authority] | None) -> None:
        if authorities is not None and authorities.count() > 1:
            self.fields = {
                "authority": forms.ModelChoiceField(
                    queryset=authorities, label="Authority", empty_label="Select an authority"
                ),
                **self.fields,
            }


def char(label: str, *, required: bool = True, max_length: int = 300, **kw: Any) -> forms.Field:
    return forms.CharField(label=label, required=required, max_length=max_length, **kw)


def textarea(label: str, *, required: bool = True, rows: int = 4, **kw: Any) -> forms.Field:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


# --- Strategy and action plan ------------------------------------------------------------


class StrategyForm(AuthorityChoiceMixin, forms.Form):
    title = char("Title", max_length=200, help_text="For example, Prevent Strategy 2024 to 2027")
    period_start = GovUKDateField(label="Start of the period", help_text="For example, 1 4 2024")
    period_end = GovUKDateField(label="End of the period", help_text="For example, 31 3 2027")
    objective = textarea("Overriding objective", rows=5)
    approved_by = char("Approved by (optional)", required=False, max_length=200)
    approved_on = GovUKDateField(label="Date approved (optional)", required=False)

    def __init__(self, *args: Any, authorities: QuerySet[Authority] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.add_authority(authorities)


class PriorityForm(forms.Form):
    number = forms.IntegerField(label="Number", min_value=1, max_value=99)
    title = char("Priority")
    description = textarea("Areas of focus (optional)", required=False, help_text="One per line")


class ActionForm(forms.Form):
    reference = char("Reference", max_length=20, help_text="For example, 3 or 2.1")
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.none(), required=False, label="Priority (optional)"
    )
    title = char("Action")
    description = textarea("Description (optional)", required=False)
    success_measure = textarea("Success measure (optional)", required=False, rows=3)
    risks = forms.ModelMultipleChoiceField(
        queryset=Risk.objects.none(),
        required=False,
        label="Risks this action addresses (optional)",
        widget=forms.CheckboxSelectMultiple,
    )
    recommendations = forms.ModelMultipleChoiceField(
        queryset=CTLPRecommendation.objects.none(),
        required=False,
        label="CTLP recommendations this action addresses (optional)",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, strategy: Strategy, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["priority"].queryset = strategy.priorities.all()  # type: ignore[attr-defined]
        self.fields["priority"].empty_label = "No priority"  # type: ignore[attr-defined]
        risks = Risk.objects.filter(authority_id=strategy.authority_id, archived=False)
        self.fields["risks"].queryset = risks  # type: ignore[attr-defined]
        recommendations = CTLPRecommendation.objects.filter(
            ctlp__authority_id=strategy.authority_id
        ).select_related("ctlp")
        self.fields["recommendations"].queryset = recommendations  # type: ignore[attr-defined]
        self.fields["recommendations"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.ctlp.title}: {r.short}"
        )
        if not risks.exists():
            del self.fields["risks"]
        if not recommendations.exists():
            del self.fields["recommendations"]
        if not strategy.priorities.exists():  # type: ignore[attr-defined]
            del self.fields["priority"]


class NewActionForm(ActionForm):
    owner = char("Owner", max_length=200, help_text="The person who owns the action")
    agency = char("Owner's agency or service", max_length=200)
    target_date = GovUKDateField(label="Target date (optional)", required=False)
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    added_on = GovUKDateField(label="Date added to the plan")


class ActionUpdateForm(forms.Form):
    recorded_on = GovUKDateField(label="Date of update")
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    target_date = GovUKDateField(label="Target date (optional)", required=False)
    owner = char("Owner", max_length=200)
    agency = char("Owner's agency or service", max_length=200)
    note = textarea("Progress", required=False, help_text="What has happened since the last update")


class ReasonForm(forms.Form):
    reason = textarea("Reason", rows=3)


def quarter_choices(start: datetime.date, end: datetime.date) -> list[tuple[str, str]]:
    """Quarter ends of the financial quarters from `start` to `end` (newest first)."""
    if end < start:
        return []
    return [
        (q.end.isoformat(), f"{q.label} (to {long_date(q.end)})")
        for q in reversed(financial_quarters(start, end))
    ]


class QuarterForm(forms.Form):
    as_at = forms.ChoiceField(label="Quarter")

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["as_at"].choices = choices  # type: ignore[attr-defined]


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ActionStatus.choices]
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    strategy = forms.ModelChoiceField(
        queryset=Strategy.objects.none(), required=False, empty_label="All strategies"
    )

    def __init__(self, *args: Any, strategies: QuerySet[Strategy], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["strategy"].queryset = strategies  # type: ignore[attr-defined]


# --- Benchmarks, self-assessment and evidence ---------------------------------------------


def year_choices(today: datetime.date, *, back: int = 6) -> list[tuple[str, str]]:
    from dueregard.core.periods import financial_year_start

    current = financial_year_start(today)
    return [(str(y), financial_year(y).label) for y in range(current, current - back - 1, -1)]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["year"].choices = choices  # type: ignore[attr-defined]


class SelfAssessmentForm(forms.Form):
    rating = forms.ChoiceField(
        label="Rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        help_text="The council's own judgement of this benchmark for the year",
    )
    commentary = textarea("Commentary", rows=6, help_text="What the council does and the evidence")
    next_steps = textarea("Next steps (optional)", required=False, rows=3)
    assessed_on = GovUKDateField(label="Date of the assessment")


class EvidenceForm(AuthorityChoiceMixin, forms.Form):
    title = char("Title")
    category = forms.ChoiceField(label="What it is", choices=BLANK + EvidenceCategory.choices)
    dated = GovUKDateField(label="Date of the document or record")
    benchmarks = forms.ModelMultipleChoiceField(
        queryset=Benchmark.objects.filter(disabled_on__isnull=True),
        label="Benchmarks it evidences",
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label="Upload a file (optional)",
        required=False,
        help_text="PDF, Word, Excel, OpenDocument, CSV, text, email or image; up to 20 MB",
    )
    link = char(
        "Or link to a record or page (optional)",
        required=False,
        max_length=500,
        help_text="A Due Regard page such as /governance/meetings/12/, or a web address",
    )
    marking = forms.ChoiceField(
        label="Protective marking", choices=Marking.choices, widget=forms.RadioSelect
    )
    description = textarea("Description (optional)", required=False, rows=3)

    def __init__(self, *args: Any, authorities: QuerySet[Authority] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["benchmarks"].label_from_instance = str  # type: ignore[attr-defined]
        self.add_authority(authorities)


class EvidenceFilterForm(forms.Form):
    benchmark = forms.ModelChoiceField(
        queryset=Benchmark.objects.all(), required=False, empty_label="All benchmarks"
    )
    category = forms.ChoiceField(
        label="What it is",
        required=False,
        choices=[("", "Anything"), *EvidenceCategory.choices],
    )
    year = forms.TypedChoiceField(label="Financial year", required=False, coerce=int)

    def __init__(self, *args: Any, years: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["benchmark"].label_from_instance = str  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", "Any year"), *years]  # type: ignore[attr-defined]


# --- Risk ------------------------------------------------------------------------------------


class ThreatLevelForm(forms.Form):
    level = forms.ChoiceField(
        label="Threat level", choices=ThreatLevelChoice.choices, widget=forms.RadioSelect
    )
    starts_on = GovUKDateField(label="Date it came into force")
    source_url = forms.URLField(
        label="Source (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example, the Security Service's threat levels page",
    )
    note = textarea("Note (optional)", required=False, rows=3)


class CTLPForm(AuthorityChoiceMixin, forms.Form):
    title = char("Title", max_length=200)
    issued_on = GovUKDateField(label="Date of the CTLP")
    area = char("Area", max_length=200, help_text="For example, the policing cluster it covers")
    produced_by = char("Produced by (optional)", required=False, max_length=200)
    key_points = textarea("Key points", rows=8, help_text="One key point per line")

    def __init__(self, *args: Any, authorities: QuerySet[Authority] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.add_authority(authorities)


class RecommendationForm(forms.Form):
    number = forms.IntegerField(
        label="Number (optional)",
        min_value=1,
        max_value=999,
        required=False,
        help_text="Leave blank to number it next",
    )
    text = textarea("Recommendation")
    response = textarea("Local response (optional)", required=False, rows=4)
    response_status = forms.ChoiceField(
        label="Response status", choices=ResponseStatus.choices, widget=forms.RadioSelect
    )
    response_owner = char("Response owner (optional)", required=False, max_length=200)


class RiskForm(AuthorityChoiceMixin, forms.Form):
    reference = char("Reference", max_length=20, help_text="For example, R4")
    theme = char("Theme", max_length=150, help_text="For example, Extreme right-wing activity")
    description = textarea("Description")
    owner = char("Owner", max_length=200)
    agency = char("Owner's agency or service (optional)", required=False, max_length=200)
    ctlp = forms.ModelChoiceField(
        queryset=CTLP.objects.none(), required=False, label="Informed by CTLP (optional)"
    )

    def __init__(
        self,
        *args: Any,
        ctlps: QuerySet[CTLP],
        authorities: QuerySet[Authority] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["ctlp"].queryset = ctlps  # type: ignore[attr-defined]
        self.add_authority(authorities)


class RiskReviewFields(forms.Form):
    likelihood = forms.TypedChoiceField(
        label="Likelihood", choices=Likelihood.choices, coerce=int, widget=forms.RadioSelect
    )
    impact = forms.TypedChoiceField(
        label="Impact", choices=Impact.choices, coerce=int, widget=forms.RadioSelect
    )
    trend = forms.ChoiceField(label="Trend", choices=Trend.choices, widget=forms.RadioSelect)
    rating = forms.ChoiceField(
        label="Overall rating (optional)",
        required=False,
        choices=[("", "Not rated"), *RiskRating.choices],
        help_text="The rating your council records, if it records one",
    )
    review_date = GovUKDateField(label="Date of next review")
    note = textarea("Note (optional)", required=False, rows=3)


class NewRiskForm(RiskForm):
    identified_on = GovUKDateField(label="Date added to the register")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields.update(RiskReviewFields().fields)


class RiskReviewForm(RiskReviewFields):
    reviewed_on = GovUKDateField(label="Date of review")

    field_order = ["reviewed_on"]


class IncidentForm(AuthorityChoiceMixin, forms.Form):
    occurred_on = GovUKDateField(label="Date")
    kind = forms.ChoiceField(label="Type", choices=IncidentType.choices, widget=forms.RadioSelect)
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.none(), required=False, empty_label="Not known or outside the area"
    )
    location = char(
        "Location (optional)",
        required=False,
        max_length=200,
        help_text="A general place such as a park or high street, not a home address",
    )
    summary = textarea("What happened", help_text="Do not name people")
    source = char("Reported by (optional)", required=False, max_length=200)
    police_reference = char("Police reference (optional)", required=False, max_length=50)

    def __init__(
        self,
        *args: Any,
        wards: QuerySet[Ward],
        authorities: QuerySet[Authority] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["ward"].queryset = wards  # type: ignore[attr-defined]
        self.add_authority(authorities)


class PeriodForm(forms.Form):
    start = GovUKDateField(label="From")
    end = GovUKDateField(label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "'To' must be on or after 'From'")
        return data
