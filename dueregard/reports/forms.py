"""The choices on every report page: authority, period and audience."""

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
