"""Report pages: the list of reports, a report built on the page, and its downloads.

Every page build writes a VIEW audit event and every download an EXPORT event
(reports.services). Reports are aggregates: the views need Kind.STATISTICS, and the
report type's own kind is checked in the chosen authority (reports.queries).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dueregard.accounts.access import requires
from dueregard.accounts.permissions import Action, Audience, Kind

from . import services
from .forms import AUDIENCE_LABELS, ReportForm, form_data
from .queries import authorities_for_report, get_report_type_for_user, report_types_visible_to
from .registry import ReportType
from .renderers import FORMATS
from .renderers.html import period_text, render_fragment


@requires(Kind.STATISTICS, Action.VIEW, methods=("GET",))
def report_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reports/index.html", {"report_types": report_types_visible_to(request.user)}
    )


def _form(request: HttpRequest, report_type: ReportType, action: Action) -> ReportForm:
    authorities = authorities_for_report(request.user, report_type, action)
    choices = list(authorities)
    data = form_data(
        request.GET, user=request.user, authorities=choices, today=timezone.localdate()
    )
    return ReportForm(data, user=request.user, authorities=authorities, choices=choices)


def _downloads(report_type: ReportType, form: ReportForm) -> list[dict[str, str]]:
    data = form.cleaned_data
    base = {
        "authority": data["authority"].ons_code,
        "from": data["date_from"].isoformat(),
        "to": data["date_to"].isoformat(),
        "audience": data["audience"],
    }
    return [
        {"label": FORMATS[f].label, "query": urlencode({**base, "format": f}), "format": f}
        for f in report_type.formats
        if f in FORMATS
    ]


def _page(
    request: HttpRequest, report_type: ReportType, form: ReportForm, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {"report_type": report_type, "form": form}
    if form.is_valid():
        data = form.cleaned_data
        report = services.view_report(
            report_type,
            data["authority"],
            data["date_from"],
            data["date_to"],
            data["audience"],
            acting_user=request.user,
        )
        context.update(
            report=report,
            fragment=render_fragment(report),
            period=period_text(report),
            audience_label=AUDIENCE_LABELS[Audience(report.audience)],
            downloads=_downloads(report_type, form),
        )
    return render(request, "reports/report.html", context, status=status)


@requires(Kind.STATISTICS, Action.VIEW, methods=("GET",))
def report_page(request: HttpRequest, report_id: str) -> HttpResponse:
    report_type = get_report_type_for_user(request, report_id)
    return _page(request, report_type, _form(request, report_type, Action.VIEW))


@requires(Kind.STATISTICS, Action.EXPORT, methods=("GET",))
def report_download(request: HttpRequest, report_id: str) -> HttpResponse:
    """The report as a file: `?authority=&from=&to=&audience=&format=` (the page's
    defaults for anything left out; CSV when no format is given)."""
    report_type = get_report_type_for_user(request, report_id, Action.EXPORT)
    form = _form(request, report_type, Action.EXPORT)
    format_id = request.GET.get("format", "csv")
    if format_id not in report_type.formats or format_id not in FORMATS:
        form.is_valid()
        form.add_error(
            None,
            f"The {report_type.title} report is not offered as '{format_id[:20]}'. "
            f"Choose one of: {', '.join(report_type.formats)}",
        )
        return _page(request, report_type, form, status=400)
    if not form.is_valid():
        return _page(request, report_type, form, status=400)
    data = form.cleaned_data
    produced = services.export_report(
        report_type,
        data["authority"],
        data["date_from"],
        data["date_to"],
        data["audience"],
        format_id,
        acting_user=request.user,
    )
    spec = FORMATS[format_id]
    content = produced.content
    if format_id == "csv":
        content = b"\xef\xbb\xbf" + content  # a byte-order mark, so Excel reads UTF-8
    response = HttpResponse(content, content_type=spec.content_type)
    filename = (
        f"{report_type.id}-{data['authority'].ons_code}-{data['date_from']:%Y%m%d}-"
        f"{data['date_to']:%Y%m%d}-{data['audience']}.{spec.extension}"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
