"""Report pages: the list of reports, a report built on the page, and its downloads; and
the Home Office-style statistics page, which also offers a region or England and Wales.

Every page build writes a VIEW audit event and every download an EXPORT event
(reports.services). Reports are aggregates: the views need Kind.STATISTICS, and the
report type's own kind is checked in the chosen authority (reports.queries).
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action, Audience, Kind, can_anywhere
from dueregard.core import periods
from dueregard.core.periods import Period, financial_year, financial_year_start

from . import national, queries, registry, services
from .definitions.home_office_statistics import REPORT_ID
from .forms import AUDIENCE_LABELS, ReportForm, StatisticsForm, form_data
from .queries import authorities_for_report, get_report_type_for_user, report_types_visible_to
from .registry import ReportType
from .renderers import FORMATS
from .renderers.html import period_text, render_fragment


@requires(Kind.STATISTICS, Action.VIEW, methods=("GET",))
def report_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "reports/index.html",
        {
            "report_types": report_types_visible_to(request.user),
            "may_write": queries.committee_authorities(request.user, Action.CHANGE).exists(),
        },
    )


def _form(request: SignedInRequest, report_type: ReportType, action: Action) -> ReportForm:
    authorities = authorities_for_report(request.user, report_type, action)
    choices = list(authorities)
    data = form_data(request.GET, user=request.user, authorities=choices, today=periods.today())
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
    request: SignedInRequest, report_type: ReportType, form: ReportForm, status: int = 200
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
def report_page(request: SignedInRequest, report_id: str) -> HttpResponse:
    report_type = get_report_type_for_user(request, report_id)
    return _page(request, report_type, _form(request, report_type, Action.VIEW))


@requires(Kind.STATISTICS, Action.EXPORT, methods=("GET",))
def report_download(request: SignedInRequest, report_id: str) -> HttpResponse:
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


# --- Home Office-style statistics: one authority, a region, or England and Wales ----------


def statistics_years(today: datetime.date) -> list[tuple[str, Period]]:
    """Financial years from the first of the Home Office series (2015/16) to the last
    complete one, newest first."""
    last = financial_year_start(today) - 1
    return [(financial_year(year).label, financial_year(year)) for year in range(last, 2014, -1)]


def _statistics_form(
    request: SignedInRequest, action: Action
) -> tuple[StatisticsForm, dict[str, Any]]:
    scopes = queries.statistics_scopes(request.user, action)
    by_value = {s.value: s for s in scopes}
    years = statistics_years(periods.today())
    loaded = set(national.years())
    default_year = next((label for label, _ in years if label in loaded), years[0][0])
    data = {
        "scope": scopes[0].value if scopes else "",
        "year": default_year,
        **{k: str(request.GET[k]) for k in ("scope", "year", "audience") if k in request.GET},
    }
    scope = by_value.get(data["scope"])
    audiences = services.scope_audiences(request.user, scope) if scope else []
    data.setdefault("audience", audiences[0].value if audiences else "")
    form = StatisticsForm(
        data,
        scopes=[
            (s.value, s.name if s.kind == "authority" else f"{s.name} (every authority)")
            for s in scopes
        ],
        years=[
            (label, f"{label} (national figures loaded)" if label in loaded else label)
            for label, _ in years
        ],
        audiences=audiences or list(Audience),
    )
    return form, {"scope": scope, "years": dict(years)}


def _statistics_context(form: StatisticsForm, extra: dict[str, Any]) -> dict[str, Any] | None:
    if not form.is_valid() or extra["scope"] is None:
        return None
    return {
        "scope": extra["scope"],
        "year": extra["years"][form.cleaned_data["year"]],
        "audience": Audience(form.cleaned_data["audience"]),
    }


@requires(Kind.STATISTICS, Action.VIEW, methods=("GET",))
def statistics_page(request: SignedInRequest) -> HttpResponse:
    form, extra = _statistics_form(request, Action.VIEW)
    context: dict[str, Any] = {"form": form, "report_type": registry.get(REPORT_ID)}
    chosen = _statistics_context(form, extra)
    if chosen is not None:
        report = services.view_report(
            registry.get(REPORT_ID),
            chosen["scope"],
            chosen["year"].start,
            chosen["year"].end,
            chosen["audience"],
            acting_user=request.user,
        )
        base = {
            "scope": chosen["scope"].value,
            "year": chosen["year"].label,
            "audience": chosen["audience"].value,
        }
        context.update(
            report=report,
            fragment=render_fragment(report),
            period=period_text(report),
            audience_label=AUDIENCE_LABELS[chosen["audience"]],
            downloads=[
                {"label": FORMATS[f].label, "query": urlencode({**base, "format": f}), "format": f}
                for f in registry.get(REPORT_ID).formats
            ]
            if can_anywhere(request.user, Kind.STATISTICS, Action.EXPORT)
            else [],
        )
    return render(
        request,
        "reports/statistics.html",
        context,
        status=200 if chosen or not form.errors else 400,
    )


@requires(Kind.STATISTICS, Action.EXPORT, methods=("GET",))
def statistics_download(request: SignedInRequest) -> HttpResponse:
    form, extra = _statistics_form(request, Action.EXPORT)
    format_id = request.GET.get("format", "csv")
    chosen = _statistics_context(form, extra)
    if chosen is None or format_id not in registry.get(REPORT_ID).formats:
        if chosen is not None:
            form.add_error(None, f"Choose one of: {', '.join(registry.get(REPORT_ID).formats)}")
        return render(
            request,
            "reports/statistics.html",
            {"form": form, "report_type": registry.get(REPORT_ID)},
            status=400,
        )
    produced = services.export_report(
        registry.get(REPORT_ID),
        chosen["scope"],
        chosen["year"].start,
        chosen["year"].end,
        chosen["audience"],
        format_id,
        acting_user=request.user,
    )
    spec = FORMATS[format_id]
    content = produced.content
    if format_id == "csv":
        content = b"\xef\xbb\xbf" + content
    response = HttpResponse(content, content_type=spec.content_type)
    area = chosen["scope"].code.replace(" ", "-")
    filename = (
        f"{REPORT_ID}-{area}-{chosen['year'].label.replace('/', '-')}-"
        f"{chosen['audience'].value}.{spec.extension}"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
