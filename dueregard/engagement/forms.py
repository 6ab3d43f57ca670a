from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms

from dueregard.areas.models import Ward
from dueregard.core.forms import choice_field, model_choice_field
from dueregard.pages.kit import CheckboxSelectMultiple, RecordForm, govuk_formfield

from .models import (
    Bid,
    BidOutcome,
    Communication,
    CommunityGroup,
    Engagement,
    Event,
    ITCheck,
    Network,
    NetworkMeeting,
    NetworkMembership,
    OutOfSchoolSetting,
    Project,
    ProjectOutput,
    VenueCheck,
    VenueCheckKind,
)

TEXTAREA = forms.Textarea(attrs={"rows": 4})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class _WardsAndGroups(RecordForm):
    """Narrows ward and group choices to the authority's own."""

    def limit_choices(self) -> None:
        if "ward" in self.fields:
            model_choice_field(self, "ward").queryset = Ward.objects.filter(
                authority=self.authority
            )
        if "groups" in self.fields:
            groups = CommunityGroup.objects.filter(authority=self.authority)
            chosen = list(self.instance.groups.all()) if self.instance.pk else []
            model_choice_field(self, "groups").queryset = groups.filter(
                archived=False
            ) | groups.filter(pk__in=[g.pk for g in chosen])


class GroupForm(_WardsAndGroups):
    class Meta:
        model = CommunityGroup
        fields = ["name", "kind", "faith", "ward", "description"]
        formfield_callback = govuk_formfield
        widgets = {"description": TEXTAREA}


class EngagementForm(_WardsAndGroups):
    class Meta:
        model = Engagement
        fields = [
            "date",
            "groups",
            "type",
            "topic",
            "staff",
            "people_reached",
            "outcome",
            "follow_up",
        ]
        formfield_callback = govuk_formfield
        widgets = {
            "groups": CheckboxSelectMultiple,
            "type": forms.RadioSelect,
            "outcome": TEXTAREA,
            "follow_up": SHORT_TEXTAREA,
        }
        help_texts = {"groups": "Choose every group that took part"}


class NetworkForm(RecordForm):
    class Meta:
        model = Network
        fields = ["name", "purpose", "convener", "meets"]
        formfield_callback = govuk_formfield
        widgets = {"purpose": TEXTAREA, "meets": forms.RadioSelect}


class MembershipForm(RecordForm):
    class Meta:
        model = NetworkMembership
        fields = ["group", "joined_on", "left_on"]
        formfield_callback = govuk_formfield

    def limit_choices(self) -> None:
        model_choice_field(self, "group").queryset = CommunityGroup.objects.filter(
            authority=self.authority, archived=False
        )
        if self.instance.pk:  # the group of a membership does not change
            self.fields["group"].disabled = True


class NetworkMeetingForm(RecordForm):
    class Meta:
        model = NetworkMeeting
        fields = ["date", "organisations_attending", "people_attending", "summary"]
        formfield_callback = govuk_formfield
        widgets = {"summary": TEXTAREA}


class EventForm(_WardsAndGroups):
    class Meta:
        model = Event
        fields = ["title", "date", "kind", "venue", "ward", "groups", "attendees", "description"]
        formfield_callback = govuk_formfield
        widgets = {"groups": CheckboxSelectMultiple, "description": TEXTAREA}


class CommunicationForm(RecordForm):
    class Meta:
        model = Communication
        fields = ["date", "title", "channel", "audience", "purpose", "summary", "reach"]
        formfield_callback = govuk_formfield
        widgets = {
            "audience": forms.RadioSelect,
            "purpose": forms.RadioSelect,
            "summary": SHORT_TEXTAREA,
        }


class BidForm(RecordForm):
    class Meta:
        model = Bid
        fields = [
            "title",
            "funder",
            "submitted_on",
            "amount_requested",
            "outcome",
            "outcome_on",
            "amount_awarded",
            "ctlp_recommendation",
            "notes",
        ]
        formfield_callback = govuk_formfield
        widgets = {
            "outcome": forms.RadioSelect,
            "ctlp_recommendation": SHORT_TEXTAREA,
            "notes": SHORT_TEXTAREA,
        }
        help_texts = {
            "outcome_on": "Leave blank while waiting for a decision",
            "amount_awarded": "For a successful bid only",
        }

    def limit_choices(self) -> None:
        choice_field(self, "outcome").choices = BidOutcome.choices


class ProjectForm(RecordForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "bid",
            "provider",
            "funder",
            "budget",
            "starts_on",
            "ends_on",
            "status",
            "ctlp_recommendation",
            "aims",
            "expected_outcomes",
        ]
        formfield_callback = govuk_formfield
        widgets = {
            "status": forms.RadioSelect,
            "ctlp_recommendation": SHORT_TEXTAREA,
            "aims": TEXTAREA,
            "expected_outcomes": TEXTAREA,
        }

    def limit_choices(self) -> None:
        bids = Bid.objects.filter(authority=self.authority, outcome=BidOutcome.SUCCESSFUL)
        taken = Project.objects.exclude(pk=self.instance.pk).exclude(bid=None).values("bid")
        model_choice_field(self, "bid").queryset = bids.exclude(pk__in=taken)


class OutputForm(RecordForm):
    class Meta:
        model = ProjectOutput
        fields = ["name"]
        formfield_callback = govuk_formfield


class SettingForm(_WardsAndGroups):
    class Meta:
        model = OutOfSchoolSetting
        fields = [
            "name",
            "setting_type",
            "provider",
            "address",
            "ward",
            "pupils",
            "safeguarding_status",
            "support_offered",
            "identified_on",
            "last_contact_on",
            "identified_by",
            "notes",
        ]
        formfield_callback = govuk_formfield
        widgets = {
            "address": SHORT_TEXTAREA,
            "safeguarding_status": forms.RadioSelect,
            "support_offered": SHORT_TEXTAREA,
            "notes": SHORT_TEXTAREA,
        }

    def limit_choices(self) -> None:
        super().limit_choices()
        model_choice_field(self, "identified_by").queryset = Project.objects.filter(
            authority=self.authority
        )


class VenueCheckForm(RecordForm):
    checks = forms.MultipleChoiceField(
        label="Checks made",
        choices=VenueCheckKind.choices,
        widget=CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = VenueCheck
        fields = [
            "venue",
            "booking_reference",
            "event_date",
            "event_description",
            "organiser",
            "speakers",
            "checks",
            "checks_notes",
            "decision",
            "decision_reason",
            "conditions",
            "decided_on",
        ]
        formfield_callback = govuk_formfield
        widgets = {
            "event_description": SHORT_TEXTAREA,
            "speakers": SHORT_TEXTAREA,
            "checks_notes": SHORT_TEXTAREA,
            "decision": forms.RadioSelect,
            "decision_reason": SHORT_TEXTAREA,
            "conditions": SHORT_TEXTAREA,
        }
        help_texts = {
            "decision": "The decision is yours as the officer responsible; record why you made it",
            "decided_on": "Needed once a decision is made",
        }


class ITCheckForm(_WardsAndGroups):
    class Meta:
        model = ITCheck
        fields = [
            "site",
            "site_type",
            "ward",
            "checked_on",
            "checked_by",
            "method",
            "result",
            "issues",
            "action_taken",
            "resolved_on",
        ]
        formfield_callback = govuk_formfield
        widgets = {
            "result": forms.RadioSelect,
            "issues": SHORT_TEXTAREA,
            "action_taken": SHORT_TEXTAREA,
        }


class QuarterlyReturnForm(forms.Form):
    """A project's return for one quarter: planned and delivered per output, spend,
    progress and issues."""

    quarter = forms.TypedChoiceField(
        label="Quarter", coerce=datetime.date.fromisoformat, widget=forms.HiddenInput
    )
    spend = forms.DecimalField(
        label="Spent in the quarter (£)",
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        initial=Decimal(0),
    )
    progress = forms.CharField(label="Progress", required=False, widget=TEXTAREA, max_length=5000)
    issues = forms.CharField(
        label="Issues and risks", required=False, widget=SHORT_TEXTAREA, max_length=5000
    )

    def __init__(self, *args: Any, project: Project, quarters: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "quarter").choices = [(q.start.isoformat(), q.label) for q in quarters]
        self.outputs = list(project.outputs.all())
        for output in self.outputs:
            for part in ("planned", "delivered"):
                self.fields[f"{part}_{output.pk}"] = forms.IntegerField(
                    label=f"{output.name}: {part}", required=False, min_value=0
                )
        # Keep the text boxes after the figures.
        for name in ("spend", "progress", "issues"):
            self.fields[name] = self.fields.pop(name)

    def figures(self) -> dict[int, tuple[int | None, int | None]]:
        data = self.cleaned_data
        return {
            o.pk: (data.get(f"planned_{o.pk}"), data.get(f"delivered_{o.pk}")) for o in self.outputs
        }
