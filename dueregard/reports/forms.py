"""The choices on the report pages: authority, period and audience; the committee report's
board, period and narrative; the statistics scope and year; grant returns."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from dueregard.accounts.permissions import Audience, audiences_for
from dueregard.areas.models import Authority
from dueregard.core.forms import GovUKDateField
from dueregard.core.periods import last_complete_financial_year
from dueregard.governance.models import Board

from .models import ReportTemplate

AUDIENCE_LABELS = {
    Audience.EXACT: "Exact figures (for case-level roles and analysts)",
    Audience.BOARD: "Board (small numbers hidden)",
    Audience.PARTNER: "Partner agencies (small numbers hidden)",
    Audience.PUBLIC: "Public (small numbers hidden)",
}
DATE_PARTS = ("day", "month", "year")


class ReportForm(forms.Form):
    authority = forms.ModelChoiceField(
        label="Authority",
        queryset=Authority.objects.none(),
        to_field_name="ons_code",
        empty_label=None,
    )
    date_from = GovUKDateField(label="From", help_text="For example, 1 4 2024")
    date_to = GovUKDateField(label="To", help_text="For example, 31 3 2025")
    audience = forms.ChoiceField(
        label="Who is the report for?",
        widget=forms.RadioSelect,
        help_text="For anyone outside the case team, counts from 1 to 4 are hidden.",
    )

    def __init__(
        self,
        data: Any,
        *,
        user: Any,
        authorities: QuerySet[Authority],
        choices: list[Authority] | None = None,
    ) -> None:
        """`authorities` validates the choice; `choices` is it already fetched, if it is."""
        super().__init__(data)
        self.user = user
        self.authorities = list(authorities) if choices is None else choices
        field = self.fields["authority"]
        field.queryset = authorities  # type: ignore[attr-defined]
        if len(self.authorities) == 1:
            field.widget = forms.HiddenInput()
        allowed: set[Audience] = set()
        for authority in self.authorities:
            allowed.update(audiences_for(user, authority))
        self.fields["audience"].choices = [  # type: ignore[attr-defined]
            (a.value, AUDIENCE_LABELS[a]) for a in Audience if a in allowed
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        authority, audience = data.get("authority"), data.get("audience")
        if authority and audience and Audience(audience) not in audiences_for(self.user, authority):
            self.add_error(
                "audience",
                f"You cannot produce reports for the {audience} audience in {authority.name}",
            )
        return data


def form_data(
    query: QueryDict, *, user: Any, authorities: list[Authority], today: datetime.date
) -> dict[str, str]:
    """The form's data: the page's defaults (the first authority, the last complete
    financial year, the most exact audience allowed) overlaid with what the query gives.
    `from` and `to` as YYYY-MM-DD are accepted too, for links and scripts."""
    period = last_complete_financial_year(today)
    first = authorities[0] if authorities else None
    code = query.get("authority") or (first.ons_code if first else "")
    chosen = next((a for a in authorities if a.ons_code == code), first)
    data: dict[str, str] = {"authority": chosen.ons_code if chosen else ""}
    allowed = audiences_for(user, chosen) if chosen else []
    data["audience"] = allowed[0].value if allowed else ""
    for name, day in (("date_from", period.start), ("date_to", period.end)):
        data.update({f"{name}_{p}": str(getattr(day, p)) for p in DATE_PARTS})
    for short, name in (("from", "date_from"), ("to", "date_to")):
        if short in query:
            given = str(query.get(short, ""))
            try:
                day = datetime.date.fromisoformat(given)
                data.update({f"{name}_{p}": str(getattr(day, p)) for p in DATE_PARTS})
            except ValueError:
                data.update({f"{name}_day": given[:20], f"{name}_month": "", f"{name}_year": ""})
    keys = ["authority", "audience"] + [
        f"{n}_{p}" for n in ("date_from", "date_to") for p in DATE_PARTS
    ]
    for key in keys:
        if key in query:
            data[key] = str(query.get(key, ""))
    return data


def _audience_choices(user: Any, authorities: list[Authority]) -> list[tuple[str, str]]:
    allowed: set[Audience] = set()
    for authority in authorities:
        allowed.update(audiences_for(user, authority))
    return [(a.value, AUDIENCE_LABELS[a]) for a in Audience if a in allowed]


# --- committee reports ----------------------------------------------------------------------


class CommitteeReportForm(forms.Form):
    """A new committee report: the board and the period."""

    board = forms.ModelChoiceField(
        label="Which board is the report for?", queryset=Board.objects.none(), empty_label=None
    )
    date_from = GovUKDateField(label="From", help_text="For example, 1 4 2025")
    date_to = GovUKDateField(label="To", help_text="For example, 31 3 2026")
    audience = forms.ChoiceField(
        label="Who will read it?",
        widget=forms.RadioSelect,
        help_text=(
            "A report for a board, partners or the public hides counts from 1 to 4 and "
            "anything that would reveal them."
        ),
    )

    template = forms.ModelChoiceField(
        label="Which template is it built on?",
        queryset=ReportTemplate.objects.none(),
        required=False,
        empty_label="The standard committee report (no template)",
        help_text="Copy a preset on the templates page to build on it.",
    )

    def __init__(self, data: Any = None, *, user: Any, boards: QuerySet[Board], **kwargs: Any):
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["board"].queryset = boards  # type: ignore[attr-defined]
        self.fields["template"].queryset = ReportTemplate.objects.filter(  # type: ignore[attr-defined]
            authority__in={b.authority_id for b in boards}, archived=False
        )
        authorities = list({b.authority_id: b.authority for b in boards}.values())
        self.fields["audience"].choices = _audience_choices(user, authorities)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        board, audience = data.get("board"), data.get("audience")
        if (
            board
            and audience
            and Audience(audience) not in audiences_for(self.user, board.authority)
        ):
            self.add_error("audience", f"You cannot produce reports for the {audience} audience")
        template = data.get("template")
        if board and template and template.authority_id != board.authority_id:
            self.add_error("template", "Choose a template of the board's authority")
        return data


# --- committee report templates, sections and clearance ------------------------------------


class CopyTemplateForm(forms.Form):
    """Copy a preset as the authority's own template."""

    preset = forms.ChoiceField(label="Preset", widget=forms.RadioSelect)
    name = forms.CharField(label="Name of your copy", max_length=200, required=False)

    def __init__(self, data: Any = None, **kwargs: Any):
        from .templates_presets import PRESETS

        super().__init__(data, **kwargs)
        self.fields["preset"].choices = [(k, p["name"]) for k, p in PRESETS.items()]  # type: ignore[attr-defined]


class TemplateForm(forms.Form):
    """A template's name, its sections (one a line) and its clearance roles."""

    name = forms.CharField(label="Name", max_length=200)
    sections = forms.CharField(
        label="Sections, in order",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}),
        help_text=(
            "One section a line: kind | source | title. The kind is narrative, figures or "
            "records (an appendix). Move a line to reorder, delete it to remove, change the "
            "title to rename, add a line to add a section."
        ),
    )
    clearance_roles = forms.CharField(
        label="Clearance roles",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One role a line, for example Legal. Each gives a name and date before a version is final.",
    )


class SectionsForm(forms.Form):
    """The narrative of each narrative section, and whether each appendix is exempt."""

    def __init__(self, data: Any = None, *, template_sections: list[dict[str, Any]], **kwargs: Any):
        from .committee import SCHEDULE_12A

        super().__init__(data, **kwargs)
        for spec in template_sections:
            if spec["kind"] == "narrative":
                self.fields[f"n_{spec['key']}"] = forms.CharField(
                    label=spec["title"],
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="Separate paragraphs with a blank line.",
                )
            elif spec["kind"] == "records":
                self.fields[f"x_{spec['key']}"] = forms.ChoiceField(
                    label=f"{spec['title']}: exempt from publication?",
                    required=False,
                    choices=[("", "No, publish it with the report")]
                    + [(n, f"Exempt: paragraph {n}, {text}") for n, text in SCHEDULE_12A.items()],
                )

    def narrative(self) -> dict[str, str]:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("n_")}

    def exempt(self) -> dict[str, str]:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("x_") and v}


class ClearanceForm(forms.Form):
    """The clearance checklist: each role's name and date."""

    def __init__(self, data: Any = None, *, roles: list[str], **kwargs: Any):
        super().__init__(data, **kwargs)
        self.roles = roles
        for n, role in enumerate(roles):
            self.fields[f"name_{n}"] = forms.CharField(
                label=f"{role}: name", max_length=200, required=False
            )
            self.fields[f"date_{n}"] = GovUKDateField(
                label=f"{role}: date cleared", required=False, help_text="For example, 1 7 2026"
            )

    def clearance(self) -> dict[str, dict[str, Any]]:
        return {
            role: {
                "name": self.cleaned_data.get(f"name_{n}", ""),
                "date": self.cleaned_data.get(f"date_{n}") or "",
            }
            for n, role in enumerate(self.roles)
        }


def _text(
    label: str, help_text: str = "", rows: int = 5, required: bool = False
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class NarrativeForm(forms.Form):
    """The cover details and narrative of a committee report, in the seeds' order."""

    title = forms.CharField(label="Title", max_length=200)
    meeting_date = GovUKDateField(
        label="Date of the board meeting", required=False, help_text="For example, 22 7 2026"
    )
    report_of = forms.CharField(
        label="Report of",
        max_length=200,
        required=False,
        help_text="For example, Chair of the board",
    )
    wards = forms.CharField(label="Wards", max_length=200, initial="All")
    status = forms.CharField(label="Status", max_length=100, help_text="For example, Public")
    urgent = forms.BooleanField(label="Urgent", required=False)
    key_decision = forms.BooleanField(label="Key decision", required=False)
    enclosures = forms.CharField(label="Enclosures", max_length=300, required=False)
    officer_contact = _text(
        "Officer contact details", "Name, role, email address and telephone number", rows=3
    )
    accountable_directors = forms.CharField(
        label="Accountable directors", max_length=300, required=False
    )
    audience = forms.ChoiceField(
        label="Who will read it?",
        widget=forms.RadioSelect,
        help_text="Versions you generate from now on are for this audience.",
    )
    summary = _text("Summary", "Separate paragraphs with a blank line.")
    recommendations = _text(
        "Officers' recommendations", "One recommendation a line; they are numbered for you."
    )
    context = _text(
        "1. Why this report is needed",
        "Comes before the figures of the period, which are added for you.",
    )
    reasons = _text("2. Reasons for recommendations")
    alternatives = _text("3. Alternative options considered and not recommended", rows=3)
    implementation = _text("4. Post decision implementation", rows=3)
    implications = _text(
        "5. Implications of decision",
        "Corporate priorities, resources, legal, risk management and so on.",
    )
    equalities = _text(
        "5.1 Equalities and diversity",
        "Follows the equality monitoring findings, which are added for you.",
        rows=3,
    )
    background_papers = _text(
        "6. Background papers", "One paper a line; they are numbered for you.", rows=4
    )

    def __init__(self, data: Any = None, *, user: Any, authority: Authority, **kwargs: Any):
        super().__init__(data, **kwargs)
        self.user = user
        self.authority = authority
        self.fields["audience"].choices = _audience_choices(user, [authority])  # type: ignore[attr-defined]

    def clean_title(self) -> str:
        title = str(self.cleaned_data.get("title", "")).strip()
        if not title:
            raise forms.ValidationError("Enter the report's title")
        return title


# --- Home Office-style statistics ----------------------------------------------------------


class StatisticsForm(forms.Form):
    scope = forms.ChoiceField(label="For")
    year = forms.ChoiceField(
        label="Financial year",
        help_text="National figures are published for whole financial years.",
    )
    audience = forms.ChoiceField(label="Who is the report for?", widget=forms.RadioSelect)

    def __init__(
        self,
        data: Any,
        *,
        scopes: list[tuple[str, str]],
        years: list[tuple[str, str]],
        audiences: list[Audience],
    ) -> None:
        super().__init__(data)
        self.fields["scope"].choices = scopes  # type: ignore[attr-defined]
        self.fields["year"].choices = years  # type: ignore[attr-defined]
        self.fields["audience"].choices = [  # type: ignore[attr-defined]
            (a.value, AUDIENCE_LABELS[a]) for a in audiences
        ]
        if len(scopes) == 1:
            self.fields["scope"].widget = forms.HiddenInput()


# --- grant returns -------------------------------------------------------------------------


class GrantReturnForm(forms.Form):
    authority = forms.ModelChoiceField(
        label="Authority", queryset=Authority.objects.none(), empty_label=None
    )
    quarter = forms.ChoiceField(label="Which quarter is the return for?")

    def __init__(
        self,
        data: Any = None,
        *,
        authorities: QuerySet[Authority],
        quarters: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(data, **kwargs)
        self.fields["authority"].queryset = authorities  # type: ignore[attr-defined]
        if authorities.count() == 1:
            self.fields["authority"].widget = forms.HiddenInput()
            self.fields["authority"].initial = authorities.first()
        self.fields["quarter"].choices = quarters  # type: ignore[attr-defined]


class GrantReturnTextForm(forms.Form):
    outputs_narrative = _text(
        "Outputs", "What was delivered this quarter. The figures are added for you.", rows=6
    )
    achievements = _text("Achievements", rows=6)
    issues = _text("Issues and risks", "Anything that held delivery back, and what you are doing.")


class BudgetLineForm(forms.Form):
    heading = forms.CharField(
        label="Budget heading", max_length=200, help_text="For example, Prevent Coordinator post"
    )
    budget = forms.DecimalField(
        label="Budget for the year (£)", min_value=0, max_digits=12, decimal_places=2
    )
    spent_in_quarter = forms.DecimalField(
        label="Spent in the quarter (£)", min_value=0, max_digits=12, decimal_places=2
    )
    spent_to_date = forms.DecimalField(
        label="Spent in the year to the end of the quarter (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    note = forms.CharField(label="Note", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        spent, to_date = data.get("spent_in_quarter"), data.get("spent_to_date")
        if spent is not None and to_date is not None and to_date < spent:
            self.add_error(
                "spent_to_date",
                "Spend in the year to date must include the spend in the quarter "
                f"(£{spent:,.2f} or more)",
            )
        return data


class SignOffForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm the figures and words of this return are correct",
        error_messages={"required": "Confirm the return is correct before you sign it off"},
    )


class AmendForm(forms.Form):
    reason = forms.CharField(
        label="Why does the return need to be amended?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the return needs to be amended"},
    )


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(label="Who is it for?", widget=forms.RadioSelect)

    def __init__(self, data: Any, *, user: Any, authority: Authority) -> None:
        super().__init__(data)
        self.fields["audience"].choices = _audience_choices(user, [authority])  # type: ignore[attr-defined]
