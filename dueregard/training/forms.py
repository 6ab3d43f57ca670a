"""Forms for the training pages. GOV.UK markup comes from the project's form renderer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from dueregard.areas.models import Authority
from dueregard.core.forms import GovUKDateField

from .imports import IMPORTERS
from .models import (
    Audience,
    Course,
    EvaluationQuestion,
    Organisation,
    QuestionKind,
    Rating,
    Sector,
    Trainer,
    TrainingLevel,
)


class AuthorityForm(forms.Form):
    """A form whose records belong to one of the user's authorities: the choice is shown
    only to users who work for more than one."""

    def __init__(self, *args: Any, authorities: QuerySet[Authority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authorities = authorities
        if authorities.count() > 1:
            self.fields = {
                "authority": forms.ModelChoiceField(
                    queryset=authorities, label="Authority", empty_label="Select an authority"
                ),
                **self.fields,
            }
            self.fields["authority"].error_messages["required"] = "Choose the authority"

    def authority(self) -> Authority:
        chosen = self.cleaned_data.get("authority")
        return chosen or self.authorities.get()


def _target_field(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=4,
        decimal_places=1,
        help_text=help_text,
        error_messages={
            "invalid": "Target must be a number, like 85 or 90",
            "min_value": "Target must be 0 or more",
            "max_value": "Target must be 100 or less",
            "max_decimal_places": "Target can have one decimal place at most",
            "max_digits": "Target must be 100 or less",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
    )


def _count_field(label: str, help_text: str = "", minimum: int = 0) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=10**7,
        help_text=help_text,
        error_messages={
            "required": f"Enter the number of {label.lower()}",
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be {minimum} or more",
            "max_value": f"{label} is too large",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )


class OrganisationForm(AuthorityForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the organisation's name"},
    )
    sector = forms.ChoiceField(
        label="Sector",
        choices=Sector.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the sector"},
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)


class RequirementForm(forms.Form):
    level = forms.ModelChoiceField(
        queryset=TrainingLevel.objects.none(),
        label="Training level",
        empty_label="Select a level",
        error_messages={"required": "Choose the training level"},
    )
    target = _target_field(
        "Target (% of eligible staff, optional)",
        "For example 85 or 90. Leave blank to use the level's default target.",
    )

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = TrainingLevel.objects.filter(  # type: ignore[attr-defined]
            authority=authority, disabled_on__isnull=True
        )


class SnapshotForm(forms.Form):
    level = forms.ModelChoiceField(
        queryset=TrainingLevel.objects.none(),
        label="Training level",
        empty_label="Select a level",
        error_messages={"required": "Choose the training level"},
    )
    as_of = GovUKDateField(label="Date of the headcount", help_text="For example, 30 6 2025")
    eligible = _count_field("Eligible staff", "Staff who need this level of training.")
    compliant = _count_field("Compliant staff", "Eligible staff whose training is up to date.")

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = TrainingLevel.objects.filter(  # type: ignore[attr-defined]
            authority=authority, disabled_on__isnull=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        eligible, compliant = data.get("eligible"), data.get("compliant")
        if eligible is not None and compliant is not None and compliant > eligible:
            self.add_error(
                "compliant",
                f"Compliant staff ({compliant}) cannot be more than eligible staff ({eligible})",
            )
        return data


class ImportForm(AuthorityForm):
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=[
            ("snapshots", "Headcount snapshots (eligible and compliant staff)"),
            ("sessions", "Sessions delivered"),
            ("evaluations", "Feedback forms"),
        ],
        initial="snapshots",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file holds"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (UTF-8) or Excel .xlsx file, 5 MB at most. "
        "See the columns each kind needs below.",
        error_messages={
            "required": "Choose a CSV or Excel file",
            "empty": "The chosen file is empty",
        },
    )

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        assert kind in IMPORTERS
        return str(kind)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV or an Excel .xlsx file")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        return upload


class SessionForm(AuthorityForm):
    held_on = GovUKDateField(label="Date of the session", help_text="For example, 14 3 2025")
    course = forms.ModelChoiceField(
        queryset=Course.objects.none(),
        label="Course",
        empty_label="Select a course",
        error_messages={"required": "Choose the course"},
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation the session was for",
        empty_label="Choose an organisation",
        help_text="If it was for several, add the others on the session's page.",
        error_messages={"required": "Choose the organisation the session was for"},
    )
    attendees = _count_field("Attendees", "How many came from this organisation.", minimum=1)
    trainer = forms.ModelChoiceField(
        queryset=Trainer.objects.none(),
        label="Trainer (optional)",
        required=False,
        empty_label="Not recorded",
    )
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    online = forms.BooleanField(label="The session was online", required=False)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, authorities: QuerySet[Authority], **kwargs: Any) -> None:
        super().__init__(*args, authorities=authorities, **kwargs)
        self.fields["course"].queryset = (  # type: ignore[attr-defined]
            Course.objects.filter(authority__in=authorities, disabled_on__isnull=True)
            .select_related("level")
            .order_by("order", "label")
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            authority__in=authorities, archived=False
        )
        self.fields["trainer"].queryset = Trainer.objects.filter(  # type: ignore[attr-defined]
            authority__in=authorities, archived=False
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("venue", "").strip() and not data.get("online"):
            self.add_error("venue", "Enter the venue, or say the session was online")
        return data


class AudienceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation",
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation"},
    )
    attendees = _count_field("Attendees", "How many came from this organisation.", minimum=1)

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            authority=authority, archived=False
        )


class AttendeeForm(forms.Form):
    name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter the attendee's name"}
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation (optional)",
        required=False,
        empty_label="Not recorded",
    )

    def __init__(self, *args: Any, session: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            session_audiences__session=session
        )


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
    )


RATING_CHOICES = [("", "Not answered"), *[(str(v), label) for v, label in Rating.choices]]
YES_NO_CHOICES = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]


class FeedbackForm(forms.Form):
    """One attendee's feedback form: a field per question (and per before / after)."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Attendee's organisation",
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the attendee's organisation"},
    )

    def __init__(
        self, *args: Any, session: Any, questions: list[EvaluationQuestion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        audiences = Organisation.objects.filter(session_audiences__session=session)
        if audiences.count() > 1:
            self.fields["organisation"].queryset = audiences  # type: ignore[attr-defined]
        else:
            del self.fields["organisation"]
        self.questions = questions
        for q in questions:
            if q.kind == QuestionKind.YES_NO:
                self.fields[f"q{q.pk}_yes"] = forms.ChoiceField(
                    label=q.label, choices=YES_NO_CHOICES, required=False
                )
                continue
            if q.asks_before:
                self.fields[f"q{q.pk}_before"] = forms.ChoiceField(
                    label=f"{q.label}: before the session", choices=RATING_CHOICES, required=False
                )
            self.fields[f"q{q.pk}_after"] = forms.ChoiceField(
                label=f"{q.label}: after the session", choices=RATING_CHOICES, required=False
            )
        self.fields["needs"] = forms.CharField(
            label="Further training or support the attendee needs (optional)",
            help_text="In the attendee's own words.",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answered = any(v for k, v in data.items() if k.startswith("q")) or data.get("needs")
        if not answered:
            raise forms.ValidationError("Enter at least one answer from the form")
        return data

    def answers(self) -> dict[int, Any]:
        from .services import Answer

        result: dict[int, Any] = {}
        for q in self.questions:
            if q.kind == QuestionKind.YES_NO:
                value = self.cleaned_data.get(f"q{q.pk}_yes")
                answer = Answer(yes={"yes": True, "no": False}.get(value or ""))
            else:
                before = self.cleaned_data.get(f"q{q.pk}_before") or None
                after = self.cleaned_data.get(f"q{q.pk}_after") or None
                answer = Answer(
                    before=int(before) if before else None, after=int(after) if after else None
                )
            if answer != Answer():
                result[q.pk] = answer
        return result


class TrainerForm(AuthorityForm):
    name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter the trainer's name"}
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation they work for",
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation they work for"},
    )
    accredited_level = forms.ModelChoiceField(
        queryset=TrainingLevel.objects.none(),
        label="Level they are accredited to deliver (optional)",
        required=False,
        empty_label="Not recorded",
    )
    accreditation = forms.CharField(
        label="Accreditation (optional)",
        max_length=200,
        required=False,
        help_text="For example, WRAP facilitator (train the trainer).",
    )
    accredited_on = GovUKDateField(label="Date accredited (optional)", required=False)

    def __init__(self, *args: Any, authorities: QuerySet[Authority], **kwargs: Any) -> None:
        super().__init__(*args, authorities=authorities, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            authority__in=authorities, archived=False
        )
        self.fields["accredited_level"].queryset = TrainingLevel.objects.filter(  # type: ignore[attr-defined]
            authority__in=authorities, disabled_on__isnull=True
        )


class LevelForm(forms.Form):
    label = forms.CharField(
        label="Name of the level",
        max_length=200,
        error_messages={"required": "Enter the name of the level"},
    )
    default_target = _target_field(
        "Default target (% of eligible staff, optional)",
        "Applies to organisations that set no target of their own.",
    )


class CourseForm(forms.Form):
    label = forms.CharField(
        label="Name of the course",
        max_length=200,
        error_messages={"required": "Enter the name of the course"},
    )
    level = forms.ModelChoiceField(
        queryset=TrainingLevel.objects.none(),
        label="Level it delivers (optional)",
        required=False,
        empty_label="None (for example pupils' or parents' sessions)",
    )
    audience = forms.ChoiceField(
        label="Who it is for",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.PROFESSIONALS,
        error_messages={"required": "Choose who the course is for"},
    )

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = TrainingLevel.objects.filter(  # type: ignore[attr-defined]
            authority=authority, disabled_on__isnull=True
        )


class QuestionForm(forms.Form):
    label = forms.CharField(
        label="Question", max_length=200, error_messages={"required": "Enter the question"}
    )
    kind = forms.ChoiceField(
        label="How is it answered?",
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        initial=QuestionKind.RATING,
        error_messages={"required": "Choose how the question is answered"},
    )
    asks_before = forms.BooleanField(
        label="Also ask for a rating before the session", required=False, initial=True
    )
