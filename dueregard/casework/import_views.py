"""The upload page for historical referrals: the same import as `manage.py import_referrals`.

A Prevent lead or panel chair uploads a CSV (or XLSX) file; it is checked whole. If any
row is bad, the page lists every problem (row, column, message) and nothing is written;
otherwise everything is imported in one transaction and the person is redirected to a
confirmation page with the counts (POST-redirect-GET).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action, Kind, authorities_for
from dueregard.areas.models import Authority
from dueregard.core.importing import ImportRejected
from dueregard.pages.kit import export_response

from .imports import ALL_COLUMNS, REQUIRED_COLUMNS, import_referrals

RESULT_SESSION_KEY = "casework_import_result"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUMMARY_ERRORS = 10  # listed in the error summary; the table below lists them all
FILENAME_LENGTH = 100


class ImportForm(forms.Form):
    authority = forms.ModelChoiceField(
        queryset=Authority.objects.none(),
        label="Authority",
        empty_label="Choose the authority",
        help_text="The council whose referrals these are.",
        error_messages={"required": "Choose the authority the referrals belong to"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file saved as UTF-8 (or an Excel .xlsx workbook) with a header row.",
        error_messages={
            "required": "Select a file of referrals",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = authorities_for(user, Kind.CASEWORK, Action.CHANGE).order_by("name")
        self.fields["authority"].queryset = allowed  # type: ignore[attr-defined]
        self.only_authority = allowed.first() if allowed.count() == 1 else None
        if self.only_authority is not None:
            del self.fields["authority"]

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        name = uploaded.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The selected file must be a CSV or an XLSX file")
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20MB")
        return uploaded

    def chosen_authority(self) -> Authority:
        return self.only_authority or self.cleaned_data["authority"]


@requires(Kind.CASEWORK, Action.CHANGE)
def import_referrals_page(request: SignedInRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None, request.FILES if posted else None, user=request.user
    )
    errors: list[Any] = []
    if posted and form.is_valid():
        uploaded = form.cleaned_data["file"]
        authority = form.chosen_authority()
        filename = uploaded.name[-FILENAME_LENGTH:]
        try:
            result = import_referrals(
                uploaded.read(), authority=authority, acting_user=request.user, filename=filename
            )
        except ImportRejected as rejected:
            errors = rejected.errors
            form.add_error(
                "file",
                f"{filename} was not imported: {len(errors)} "
                f"{'problem was' if len(errors) == 1 else 'problems were'} found. "
                "Nothing was written. Correct the file and upload it again.",
            )
        else:
            request.session[RESULT_SESSION_KEY] = {
                "filename": result.filename,
                "authority": result.authority.name,
                "authority_id": result.authority.pk,
                "rows": result.rows,
                "referrals": result.referrals,
                "people_created": result.people_created,
                "unidentified_people": result.unidentified_people,
                "people_linked": result.people_linked,
            }
            return redirect("casework:import_done")
    context = {
        "form": form,
        "import_errors": errors,
        "summary_errors": errors[:SUMMARY_ERRORS],
        "more_errors": max(0, len(errors) - SUMMARY_ERRORS),
        "required_columns": REQUIRED_COLUMNS,
        "columns": ALL_COLUMNS,
    }
    return render(
        request,
        "casework/import.html",
        context,
        status=400 if posted else 200,
    )


@requires(Kind.CASEWORK, Action.CHANGE, methods=("GET",))
def import_done(request: SignedInRequest) -> HttpResponse:
    """What the last import in this session created (nothing personal: counts only)."""
    result = request.session.get(RESULT_SESSION_KEY)
    if isinstance(result, dict):
        allowed = authorities_for(request.user, Kind.CASEWORK, Action.CHANGE)
        if not allowed.filter(pk=int(result.get("authority_id") or 0)).exists():
            result = None
    return render(
        request,
        "casework/import_done.html",
        {"result": result if isinstance(result, dict) else None},
    )


@requires(Kind.CASEWORK, Action.CHANGE, methods=("GET",))
def import_template(request: SignedInRequest) -> HttpResponse:
    """A blank file with every column's heading, to fill in."""
    return export_response(
        "csv", "referrals-template", ALL_COLUMNS, [], filename="referrals-template.csv"
    )
