"""Casework forms. Field names match the services' keyword arguments, so a rule the
service refuses is shown against the field the person has to correct."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from dueregard.accounts.models import Membership, User
from dueregard.accounts.permissions import Action, Kind, roles_allowed
from dueregard.areas.models import Authority, Ward
from dueregard.core import periods
from dueregard.core.forms import (
    LONG_TEXT_LIMIT,
    GovUKDateField,
    GovUKForm,
    choice_field,
    model_choice_field,
)

from .models import (
    DEFAULT_CONTACT_INTERVAL_DAYS,
    ActionStatus,
    AgendaReason,
    ConcernType,
    ConsentGivenBy,
    ConsentStatus,
    EthnicGroup,
    ExitReason,
    GatewayOutcome,
    Gender,
    InterventionKind,
    OnwardResponse,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    PanelType,
    Referral,
    Religion,
    Sector,
    SessionStatus,
    TriageOutcome,
    Vulnerability,
)
from .queries import concern_types_on
from .services import MAX_CONTACT_INTERVAL_DAYS, ReopenTo

NOT_KNOWN = [("", "Not known")]


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _enabled(model: Any) -> QuerySet[Any]:
    return model.objects.filter(disabled_on__isnull=True)


class ConcernChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.label}: {obj.label}" if obj.parent_id else obj.label


def concern_field(label: str, help_text: str = "") -> ConcernChoiceField:
    return ConcernChoiceField(
        queryset=concern_types_on(periods.today()).select_related("parent"),
        required=False,
        empty_label="Not known",
        label=label,
        help_text=help_text
        or "Home Office categories in use today. Earlier lists are kept for old referrals.",
    )


# --------------------------------------------------------------------------------------
# Intake


class IntakeNameForm(GovUKForm):
    given_name = forms.CharField(max_length=100, required=False)
    family_name = forms.CharField(max_length=100, required=False)
    other_names = forms.CharField(
        max_length=200,
        required=False,
        label="Other names or spellings (optional)",
        help_text="For example a previous family name or a nickname.",
    )
    date_of_birth = GovUKDateField(
        required=False, label="Date of birth (if known)", help_text="For example, 27 3 2009"
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            not (data.get("given_name") or "").strip()
            and not (data.get("family_name") or "").strip()
        ):
            self.add_error("family_name", "Enter the person's given name or family name")
        return data


class MatchChoiceForm(GovUKForm):
    choice = forms.ChoiceField(
        widget=forms.RadioSelect, label="Is this person already known?", choices=[]
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "choice").choices = [*choices, ("new", "None of these: a new person")]
        self.fields["choice"].error_messages["required"] = (
            "Choose a person, or say this is a new person"
        )


class PersonFieldsMixin(GovUKForm):
    gender = forms.ChoiceField(
        choices=NOT_KNOWN + list(Gender.choices), required=False, widget=forms.RadioSelect
    )
    address = forms.CharField(widget=_textarea(3), required=False)
    ward = forms.ModelChoiceField(queryset=Ward.objects.none(), required=False, empty_label="")
    ethnic_group = forms.ChoiceField(
        choices=NOT_KNOWN + list(EthnicGroup.choices), required=False, label="Ethnic group"
    )
    religion = forms.ChoiceField(
        choices=NOT_KNOWN + [(value, value) for value in Religion.values],  # "No religion"
        required=False,
    )
    health_details = forms.CharField(
        widget=_textarea(3),
        required=False,
        label="Health details (optional)",
        help_text="Diagnoses and support already in place. Shown only to the case team.",
    )


class ReferralDetailsForm(GovUKForm):
    received_on = GovUKDateField(label="Date received")
    referrer_name = forms.CharField(max_length=150, required=False, label="Referrer's name")
    referrer_organisation = forms.CharField(
        max_length=150, required=False, label="Referrer's organisation"
    )
    referrer_contact = forms.CharField(
        max_length=200, required=False, label="Referrer's phone or email"
    )
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.none(),
        required=False,
        empty_label="Not known",
        label="Sector of the referrer",
    )
    concern_description = forms.CharField(
        widget=_textarea(5), label="The concern, as the referrer described it"
    )
    concern = forms.Field(required=False)  # replaced in __init__ (the list in force today)
    age_at_referral = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        label="Age at referral (if the date of birth is not known)",
    )
    vulnerabilities = forms.ModelMultipleChoiceField(
        queryset=Vulnerability.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Vulnerabilities noted by the referrer",
    )
    case_officer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,  # not given: the person recording the referral
        label="Case officer",
        help_text="A member of the Prevent team; it can be changed later.",
        empty_label=None,
        error_messages={
            "invalid_choice": "Choose a member of the authority's Prevent team as case officer"
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "sector").queryset = _enabled(Sector)
        model_choice_field(self, "vulnerabilities").queryset = _enabled(Vulnerability)
        self.fields["concern"] = concern_field("Type of concern raised by the referrer")
        self.order_fields(
            [
                "received_on",
                "referrer_name",
                "referrer_organisation",
                "referrer_contact",
                "sector",
                "concern_description",
                "concern",
                "vulnerabilities",
                "case_officer",
            ]
        )

    def offer_case_officers(self, officers: QuerySet[Any], recorder: Any) -> None:
        """The Prevent team to choose from, the person recording the referral first chosen
        when they are in it."""
        model_choice_field(self, "case_officer").queryset = officers.order_by(
            "full_name", "username"
        )
        if officers.filter(pk=recorder.pk).exists():
            self.fields["case_officer"].initial = recorder.pk


class NewPersonReferralForm(PersonFieldsMixin, ReferralDetailsForm):
    """Intake of a referral of someone not known before: the referral and their details."""

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "ward").queryset = Ward.objects.filter(authority=authority)
        model_choice_field(self, "ward").empty_label = "Not known"


class KnownPersonReferralForm(ReferralDetailsForm):
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.none(),
        required=False,
        empty_label="As on the person's record",
        label="Ward at referral",
    )

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "ward").queryset = Ward.objects.filter(authority=authority)


class PersonForm(PersonFieldsMixin):
    given_name = forms.CharField(max_length=100, required=False)
    family_name = forms.CharField(max_length=100, required=False)
    other_names = forms.CharField(max_length=200, required=False, label="Other names")
    date_of_birth = GovUKDateField(required=False, label="Date of birth")

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "ward").queryset = Ward.objects.filter(authority=authority)
        model_choice_field(self, "ward").empty_label = "Not known"
        self.order_fields(["given_name", "family_name", "other_names", "date_of_birth", "gender"])


class ReferralEditForm(GovUKForm):
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.none(), required=False, empty_label="Not known"
    )
    concern_description = forms.CharField(
        widget=_textarea(5), label="The concern, as the referrer described it"
    )
    concern = forms.Field(required=False)
    vulnerabilities = forms.ModelMultipleChoiceField(
        queryset=Vulnerability.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    panel_summary = forms.CharField(
        widget=_textarea(6),
        required=False,
        label="What the Channel panel is told",
        help_text=(
            "Panel members from partner agencies see only this summary, the panel's "
            "assessments and decisions, and only while the case is on their agenda."
        ),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "sector").queryset = _enabled(Sector)
        model_choice_field(self, "vulnerabilities").queryset = _enabled(Vulnerability)
        concern = concern_field("Type of concern raised by the referrer")
        if referral.concern_id:
            assert concern.queryset is not None  # concern_field always gives one
            concern.queryset = (
                concern.queryset | ConcernType.objects.filter(pk=referral.concern_id)
            ).distinct()
        self.fields["concern"] = concern
        self.order_fields(["sector", "concern_description", "concern", "vulnerabilities"])


# --------------------------------------------------------------------------------------
# Pathway


class TriageForm(GovUKForm):
    outcome = forms.ChoiceField(
        choices=TriageOutcome.choices, widget=forms.RadioSelect, label="Triage outcome"
    )
    occurred_on = GovUKDateField(label="Date triaged")
    referred_to_police_on = GovUKDateField(
        required=False,
        label="Date referred to police (if different)",
        help_text="Only if referred to police on a later day than the triage.",
    )
    reason = forms.CharField(
        widget=_textarea(), label="Why you reached this outcome", help_text="Your rationale."
    )
    onward_service = forms.CharField(
        required=False,
        max_length=200,
        label="Service referred on to",
        help_text=(
            "Only for \u201cNot for Channel: referred on for other vulnerabilities\u201d: "
            "for example, early help or the community mental health team."
        ),
    )
    onward_referred_on = GovUKDateField(
        required=False,
        label="Date referred on",
        help_text="Only if referred on: the day the referral to that service was made.",
    )


class GatewayForm(GovUKForm):
    outcome = forms.ChoiceField(
        choices=GatewayOutcome.choices, widget=forms.RadioSelect, label="Police gateway outcome"
    )
    occurred_on = GovUKDateField(label="Date of the outcome")
    concern = forms.Field(required=False)
    reason = forms.CharField(widget=_textarea(), label="The reasons given for this outcome")
    police_notes = forms.CharField(
        widget=_textarea(),
        required=False,
        label="Police information (optional)",
        help_text="Kept separately from the rest of the record.",
    )
    onward_service = forms.CharField(
        required=False,
        max_length=200,
        label="Service referred on to",
        help_text=(
            "Only for \u201cNot for Channel: referred on for other vulnerabilities\u201d: "
            "for example, early help or the community mental health team."
        ),
    )
    onward_referred_on = GovUKDateField(
        required=False,
        label="Date referred on",
        help_text="Only if referred on: the day the referral to that service was made.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concern"] = concern_field("Type of concern as assessed by the police")
        self.order_fields(
            [
                "outcome",
                "occurred_on",
                "concern",
                "reason",
                "onward_service",
                "onward_referred_on",
                "police_notes",
            ]
        )


class DecisionForm(GovUKForm):
    discussion = forms.CharField(
        widget=_textarea(6), max_length=LONG_TEXT_LIMIT, label="Notes of the discussion"
    )
    decision = forms.ChoiceField(
        choices=PanelDecision.choices, widget=forms.RadioSelect, label="The panel's decision"
    )
    decision_reason = forms.CharField(widget=_textarea(), label="The panel's reasons")
    concern = forms.Field(required=False)
    alternative_support = forms.CharField(
        widget=_textarea(3),
        required=False,
        label="Alternative support (if not adopted)",
        help_text="Where the case goes instead: for example mental health or social care.",
    )
    exit_reason = forms.ModelChoiceField(
        queryset=ExitReason.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        label="Reason for leaving Channel (if the panel decided the person leaves)",
        empty_label=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concern"] = concern_field("Type of concern as the panel sees it")
        model_choice_field(self, "exit_reason").queryset = _enabled(ExitReason)
        self.order_fields(
            [
                "discussion",
                "decision",
                "decision_reason",
                "concern",
                "alternative_support",
                "exit_reason",
            ]
        )


class AssessmentForm(GovUKForm):
    assessed_on = GovUKDateField(label="Date of the assessment")
    engagement = forms.CharField(
        widget=_textarea(5),
        label="Engagement with a group, cause or ideology",
        help_text="The panel's own words. No scores or ratings.",
    )
    intent = forms.CharField(widget=_textarea(5), label="Intent to cause harm")
    capability = forms.CharField(widget=_textarea(5), label="Capability to cause harm")
    conclusion = forms.CharField(widget=_textarea(4), required=False, label="Panel's conclusion")


class ConsentForm(GovUKForm):
    status = forms.ChoiceField(
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        label="Consent",
        error_messages={"required": "Select whether consent was given or refused"},
    )
    given_by = forms.ChoiceField(
        choices=ConsentGivenBy.choices,
        widget=forms.RadioSelect,
        label="Who gave or refused consent",
        help_text="For a child under 18, a parent or guardian.",
    )
    given_by_name = forms.CharField(
        max_length=150, required=False, label="Name of the parent or guardian"
    )
    capacity_considered = forms.BooleanField(
        required=False, label="The person's capacity to consent was considered"
    )
    occurred_on = GovUKDateField(label="Date")
    notes = forms.CharField(widget=_textarea(3), required=False)


class SupportPlanForm(GovUKForm):
    agreed_on = GovUKDateField(label="Date agreed")
    intervention_provider = forms.CharField(
        max_length=150, required=False, label="Intervention provider (if any)"
    )
    interventions = forms.ModelMultipleChoiceField(
        queryset=InterventionKind.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Kinds of support",
    )
    other_support = forms.CharField(widget=_textarea(3), required=False)
    sessions_planned = forms.IntegerField(min_value=0, max_value=500, label="Sessions planned")
    contact_interval_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_CONTACT_INTERVAL_DAYS,
        initial=DEFAULT_CONTACT_INTERVAL_DAYS,
        label="Planned contact interval, in days",
        error_messages={
            "required": "Enter the planned contact interval in days",
            "invalid": "The planned contact interval must be a whole number of days",
            "min_value": "The planned contact interval must be at least 1 day",
            "max_value": f"The planned contact interval must be at most "
            f"{MAX_CONTACT_INTERVAL_DAYS} days",
        },
        help_text=(
            "How often the person should have a contact. With no delivered contact within "
            "this plus 14 days, the case shows as support lapsing and is proposed for the "
            "panel's next meeting."
        ),
    )
    planned_start_on = GovUKDateField(label="Planned start")
    planned_end_on = GovUKDateField(label="Planned end")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "interventions").queryset = _enabled(InterventionKind)

    def clean(self) -> dict[str, Any]:
        # Checked here, beside the other fields' errors, so all come in one round (the
        # service checks it again).
        data = super().clean() or {}
        start, end = data.get("planned_start_on"), data.get("planned_end_on")
        if start and end and end < start:
            self.add_error("planned_end_on", "Planned end must be after the planned start")
        return data


class StartSupportForm(GovUKForm):
    started_on = GovUKDateField(label="Date support started")


class SessionForm(GovUKForm):
    occurred_on = GovUKDateField(label="Date of the session")
    status = forms.ChoiceField(
        choices=SessionStatus.choices,
        widget=forms.RadioSelect,
        label="Was it delivered?",
        error_messages={"required": "Select whether the session was delivered"},
    )
    provider = forms.CharField(max_length=150, required=False, label="Delivered by")
    notes = forms.CharField(widget=_textarea(3), required=False)


class ReviewForm(GovUKForm):
    held_on = GovUKDateField(label="Date of the review")
    further_concerns = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        label="Are there further concerns?",
        error_messages={"required": "Select whether there are further concerns"},
    )
    notes = forms.CharField(widget=_textarea(), label="What the review found")
    reopen_to = forms.ChoiceField(
        choices=ReopenTo.CHOICES,
        widget=forms.RadioSelect,
        required=False,
        label="If there are further concerns, where does the reopened case go?",
        help_text="The case is reopened as a new referral linked to this one.",
    )
    confirm_early = forms.BooleanField(
        required=False,
        label="This review is being held more than 30 days before it is due",
    )
    early_reason = forms.CharField(
        widget=_textarea(3),
        required=False,
        label="Why the review is held early (if it is)",
    )


class ExtendReviewForm(GovUKForm):
    due_on = GovUKDateField(label="Date the further review is due")
    reason = forms.CharField(widget=_textarea(), label="Why the panel extended the reviews")


class PanelSettingsForm(GovUKForm):
    support_review_months = forms.IntegerField(
        min_value=1,
        max_value=12,
        label="Support review, in months",
        error_messages={
            "required": "Enter how often, in months, cases in support come back to the panel",
            "invalid": "The support review must be a whole number of months",
            "min_value": "The support review must be every 1 to 12 months",
            "max_value": "The support review must be every 1 to 12 months",
        },
        help_text=(
            "Every case in support comes back to this panel at least this often: it is "
            'proposed for the next meeting with the reason "Support review".'
        ),
    )


class OnwardResponseForm(GovUKForm):
    response = forms.ChoiceField(
        choices=OnwardResponse.choices,
        widget=forms.RadioSelect,
        label="Did the service accept the referral?",
        error_messages={"required": "Choose whether the service accepted or declined the referral"},
    )
    responded_on = GovUKDateField(label="Date of the service's answer")
    note = forms.CharField(
        widget=_textarea(),
        required=False,
        label="Note (optional)",
        help_text="For example, who at the service answered, or why it declined.",
    )


class CloseForm(GovUKForm):
    closed_on = GovUKDateField(label="Date closed")
    reason = forms.CharField(widget=_textarea(), label="Why the referral is being closed")


class CaseOfficerForm(GovUKForm):
    officer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Case officer",
        help_text="A member of the authority's Prevent team.",
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, officers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "officer").queryset = officers


# --------------------------------------------------------------------------------------
# Panels


class PanelForm(GovUKForm):
    name = forms.CharField(max_length=150)
    panel_type = forms.ChoiceField(
        choices=PanelType.choices, widget=forms.RadioSelect, label="Type of panel"
    )


class MemberForm(GovUKForm):
    name = forms.CharField(max_length=150)
    agency = forms.CharField(max_length=150)
    role_title = forms.CharField(max_length=150, required=False, label="Role")
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="No account: does not sign in",
        label="Their Due Regard account",
        help_text="A member with an account sees cases while they are on the agenda.",
    )

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = Membership.objects.filter(
            authority=authority,
            active=True,
            role__in=roles_allowed(Kind.PANEL_CASE, Action.VIEW),  # who may see its cases
        ).values("user")
        model_choice_field(self, "user").queryset = User.objects.filter(pk__in=users).order_by(
            "full_name"
        )


class MeetingForm(GovUKForm):
    held_on = GovUKDateField(label="Date of the meeting")
    notes = forms.CharField(widget=_textarea(3), required=False)


class AttendanceForm(GovUKForm):
    present = forms.ModelMultipleChoiceField(
        queryset=PanelMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Standing members present",
        help_text="Members not ticked are recorded as sending apologies.",
    )
    others = forms.CharField(
        widget=_textarea(3),
        required=False,
        label="Others who attended (optional)",
        help_text="One per line: name, agency. For example: Case manager, Kingsmere College",
    )

    def __init__(self, *args: Any, members: QuerySet[PanelMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "present").queryset = members

    def clean_others(self) -> list[tuple[str, str]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["others"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _, agency = line.partition(",")
            if not name.strip() or not agency.strip():
                raise ValidationError(f"Line {number}: write a name, a comma, then the agency")
            rows.append((name.strip(), agency.strip()))
        return rows


class CaseChoiceField(forms.ModelChoiceField):
    """Lists referrals by the person's name and the case reference."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.display_name} ({obj.reference})"


class CaseWithStageChoiceField(forms.ModelChoiceField):
    """Lists referrals by the person's name, the case reference and the stage."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.display_name} ({obj.reference}): {obj.get_stage_display()}"


class AgendaAddForm(GovUKForm):
    referral = CaseWithStageChoiceField(
        queryset=Referral.objects.none(), label="Case to add", empty_label=""
    )
    # Set by the one-click "Add" of a proposed case ("Support lapsing", "Support review").
    reason = forms.ChoiceField(
        choices=[("", ""), *AgendaReason.choices], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, cases: QuerySet[Referral], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "agenda")  # shares the meeting page with ActionForm
        super().__init__(*args, **kwargs)
        model_choice_field(self, "referral").queryset = cases


class ActionForm(GovUKForm):
    description = forms.CharField(widget=_textarea(3), label="Action")
    owner = forms.ModelChoiceField(
        queryset=PanelMember.objects.none(), empty_label="", label="Owner"
    )
    due_on = GovUKDateField(label="Due date")
    referral = CaseChoiceField(
        queryset=Referral.objects.none(),
        required=False,
        empty_label="Not about one case",
        label="About the case",
    )

    def __init__(
        self,
        *args: Any,
        members: QuerySet[PanelMember],
        cases: QuerySet[Referral],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = members
        model_choice_field(self, "referral").queryset = cases


class ActionUpdateForm(GovUKForm):
    status = forms.ChoiceField(
        choices=ActionStatus.choices, widget=forms.RadioSelect, label="Status"
    )
    progress = forms.CharField(widget=_textarea(3), required=False, label="Progress update")
    completed_on = GovUKDateField(required=False, label="Date completed (if done)")


CORRECTION_REASON_HELP = (
    "The minutes are approved: this change is a correction. Say why; the meeting's history "
    "keeps it with what the record said before."
)


def add_correction_reason(form: forms.Form, what: str) -> None:
    """A form that changes an approved meeting's minutes asks why (the service refuses a
    correction without its reason)."""
    form.fields["correction_reason"] = forms.CharField(
        widget=_textarea(3),
        required=False,
        label=f"Why {what} is being corrected",
        help_text=CORRECTION_REASON_HELP,
    )


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.panel.name}, {obj.held_on:%-d %B %Y}"


class ReferralAgendaForm(GovUKForm):
    """Put a referral ready for a panel on a planned meeting's agenda (the next one is
    preselected); with no panel summary written, the user confirms listing it without."""

    meeting = MeetingChoiceField(
        queryset=PanelMeeting.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which meeting",
        error_messages={"required": "Choose the meeting to list the case at"},
    )
    confirm_no_summary = forms.BooleanField(
        required=False,
        label="List the case without a summary for the panel",
    )

    def __init__(
        self,
        *args: Any,
        meetings: QuerySet[PanelMeeting],
        summary_written: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "meeting").queryset = meetings
        first = meetings.first()
        if first is not None:
            self.fields["meeting"].initial = first.pk
        self.summary_written = summary_written
        if summary_written:
            del self.fields["confirm_no_summary"]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.summary_written and not self.cleaned_data.get("confirm_no_summary"):
            self.add_error(
                "confirm_no_summary",
                "What the panel is told is empty: confirm the case is listed without it, or "
                "write it first",
            )
        return cleaned


class RemoveFromAgendaForm(GovUKForm):
    reason = forms.CharField(
        widget=_textarea(3),
        label="Why the case is being removed from the agenda",
        error_messages={"required": "Enter why the case is being removed from the agenda"},
    )


class ApproveMinutesForm(GovUKForm):
    """Nothing to fill in: the chair's approval, carrying the meeting's version."""


class DecisionCorrectionForm(GovUKForm):
    discussion = forms.CharField(
        widget=_textarea(6),
        max_length=LONG_TEXT_LIMIT,
        label="Notes of the discussion",
        error_messages={"required": "Enter the notes of the discussion"},
    )
    decision_reason = forms.CharField(
        widget=_textarea(),
        label="The panel's reasons",
        error_messages={"required": "Enter the panel's reasons"},
    )

    def __init__(self, *args: Any, correcting: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if correcting:
            add_correction_reason(self, "the decision record")


class ActionCorrectionForm(GovUKForm):
    description = forms.CharField(
        widget=_textarea(3),
        label="Action",
        error_messages={"required": "Enter what needs to be done"},
    )
    owner = forms.ModelChoiceField(
        queryset=PanelMember.objects.none(),
        empty_label="",
        label="Owner",
        error_messages={"required": "Choose a standing member of this panel"},
    )
    due_on = GovUKDateField(label="Due date")

    def __init__(
        self, *args: Any, members: QuerySet[PanelMember], correcting: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = members
        if correcting:
            add_correction_reason(self, "the action")
