from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from dueregard.core.forms import (
    LONG_TEXT_LIMIT,
    GovUKDateField,
    choice_field,
    model_choice_field,
)
from dueregard.pages.kit import RecordForm, govuk_formfield

from .models import (
    AttendanceStatus,
    Board,
    BoardMember,
    Meeting,
    MeetingAction,
    MeetingStatus,
    ReportingCommitment,
)


class BoardForm(RecordForm):
    class Meta:
        model = Board
        fields = [
            "name",
            "kind",
            "remit",
            "meeting_frequency",
            "chair",
            "reports_to",
            "terms_of_reference_agreed_on",
        ]
        formfield_callback = govuk_formfield
        labels = {"kind": "Kind of board or group"}
        widgets = {"remit": forms.Textarea(attrs={"rows": 4})}

    def limit_choices(self) -> None:
        boards = Board.objects.filter(authority=self.authority, archived=False)
        if self.instance.pk:
            boards = boards.exclude(pk=self.instance.pk)
        model_choice_field(self, "reports_to").queryset = boards


class BoardMemberForm(RecordForm):
    class Meta:
        model = BoardMember
        fields = ["name", "organisation", "role", "joined_on", "left_on"]
        formfield_callback = govuk_formfield


class MeetingForm(RecordForm):
    class Meta:
        model = Meeting
        fields = [
            "date",
            "status",
            "location",
            "agenda",
            "minutes",
            "minutes_approved_on",
            "others_attending",
        ]
        formfield_callback = govuk_formfield
        widgets = {
            "status": forms.RadioSelect,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "others_attending": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"date": "Meeting date"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes"].max_length = LONG_TEXT_LIMIT  # type: ignore[attr-defined]
        self.fields["minutes"].validators.append(MaxLengthValidator(LONG_TEXT_LIMIT))

    def limit_choices(self) -> None:
        choice_field(self, "status").choices = MeetingStatus.choices


class MeetingActionForm(RecordForm):
    class Meta:
        model = MeetingAction
        fields = ["description", "owner", "due_on", "status", "completed_on", "progress"]
        formfield_callback = govuk_formfield
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
            "progress": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"completed_on": "Leave blank to use today's date when you close it"}


class CommitmentForm(RecordForm):
    last_presented_on = GovUKDateField(
        label="Most recent report presented on",
        required=False,
        help_text="If a report went before this board before you started using Due Regard",
    )
    next_due_on = GovUKDateField(
        label="Next report due on",
        required=False,
        help_text="Leave blank if the date is to be confirmed",
    )

    class Meta:
        model = ReportingCommitment
        fields = ["board", "title", "area_of_focus", "frequency", "owner", "notes"]
        formfield_callback = govuk_formfield
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the schedule is changed from the commitment's page
            del self.fields["last_presented_on"]
            del self.fields["next_due_on"]

    def limit_choices(self) -> None:
        model_choice_field(self, "board").queryset = Board.objects.filter(
            authority=self.authority, archived=False
        )

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        for name in ("last_presented_on", "next_due_on"):
            if name in self.fields:
                data[name] = self.cleaned_data.get(name)
        return data


class PresentedForm(forms.Form):
    presented_on = GovUKDateField(label="Date presented")
    meeting = forms.ModelChoiceField(
        label="At which meeting",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not at a recorded meeting",
    )
    next_due_on = GovUKDateField(
        label="Next report due on",
        required=False,
        help_text="Leave blank to work it out from how often the report is due",
    )
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, commitment: ReportingCommitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "meeting").queryset = Meeting.objects.filter(
            board_id=commitment.board_id
        ).order_by("-date")


class NextDueForm(forms.Form):
    due_on = GovUKDateField(
        label="Next report due on", required=False, help_text="Leave blank if to be confirmed"
    )


class AttendanceForm(forms.Form):
    """One radio question per member who sat on the board on the meeting's date."""

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recorded = {a.member_id: a.status for a in meeting.attendance.all()}
        members = [
            m
            for m in meeting.board.members.all()
            if (m.joined_on is None or m.joined_on <= meeting.date)
            and (m.left_on is None or m.left_on >= meeting.date)
        ]
        self.members = {f"member_{m.pk}": m for m in members}
        for name, member in self.members.items():
            self.fields[name] = forms.ChoiceField(
                label=str(member),
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                initial=recorded.get(member.pk),
                required=False,
            )

    def statuses(self) -> dict[int, str]:
        return {
            member.pk: self.cleaned_data[name]
            for name, member in self.members.items()
            if self.cleaned_data.get(name)
        }
