"""Committee report pages: the list, a new report, the report with its preview and
versions, editing the narrative, generating a version, and a version's page and files.

Reading needs Kind.STATISTICS (VIEW to see, EXPORT to download); writing — a new report,
the narrative, generating a version — needs Kind.GOVERNANCE CHANGE, the Prevent lead's
(reports.queries). Every build, save, generation and download is audited by
reports.services.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action, Audience, Kind, audiences_for, can
from dueregard.core import periods, versions

from . import committee, queries, services, templates_presets
from .forms import (
    AUDIENCE_LABELS,
    ClearanceForm,
    CommitteeReportForm,
    CopyTemplateForm,
    NarrativeForm,
    SectionsForm,
    TemplateForm,
)
from .models import CommitteeReport, CommitteeReportFinal, ReportTemplate
from .renderers import FORMATS
from .renderers.html import period_text, render_fragment


def add_service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


def may_write(user: Any, report: CommitteeReport) -> bool:
    return (
        queries.committee_authorities(user, Action.CHANGE).filter(pk=report.authority_id).exists()
    )


@requires(Kind.STATISTICS, Action.VIEW, methods=("GET",))
def committee_list(request: SignedInRequest) -> HttpResponse:
    reports = (
        queries.committee_reports_visible_to(request.user)
        .annotate(version_count=Count("versions"), last_generated=Max("versions__generated_at"))
        .order_by("-period_end", "-created_at")
    )
    return render(
        request,
        "reports/committee/list.html",
        {
            "reports": reports,
            "may_create": queries.committee_authorities(request.user, Action.CHANGE).exists(),
        },
    )


@requires(Kind.GOVERNANCE, Action.CHANGE)
def committee_create(request: SignedInRequest) -> HttpResponse:
    boards = queries.boards_for_committee_reports(request.user)
    if request.method == "POST":
        form = CommitteeReportForm(request.POST, user=request.user, boards=boards)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.create_committee_report(
                    data["board"].authority,
                    board=data["board"],
                    start=data["date_from"],
                    end=data["date_to"],
                    audience=data["audience"],
                    acting_user=request.user,
                    template=data.get("template"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, "Committee report created: edit its words, then generate it"
                )
                return redirect("reports:committee", pk=report.pk)
    else:
        start, end = committee.default_period(periods.today())
        partnership = next((b for b in boards if b.kind == "partnership_board"), None)
        form = CommitteeReportForm(
            user=request.user,
            boards=boards,
            initial={"board": partnership or boards.first(), "date_from": start, "date_to": end},
        )
        choices = [value for value, _ in form.fields["audience"].choices]  # type: ignore[attr-defined]
        # A committee report is normally for a board.
        form.initial["audience"] = (
            Audience.BOARD.value if Audience.BOARD.value in choices else next(iter(choices), None)
        )
    return render(
        request, "reports/committee/create.html", {"form": form, "has_boards": boards.exists()}
    )


def _versions(request: SignedInRequest, report: CommitteeReport) -> list[dict[str, Any]]:
    allowed = audiences_for(request.user, report.authority)
    may_export = can(request.user, Kind.STATISTICS, Action.EXPORT, report.authority)
    rows = []
    for version in report.versions.defer("docx", "pdf", "html", "content").select_related(
        "generated_by"
    ):
        rows.append(
            {
                "version": version,
                "may_open": Audience(version.audience) in allowed,
                "may_download": may_export and Audience(version.audience) in allowed,
            }
        )
    return rows


@requires(Kind.STATISTICS, Action.VIEW, object_scoped=True, methods=("GET",))
def committee_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    report = queries.get_committee_report_for_user(request, pk)
    allowed = audiences_for(request.user, report.authority)
    audience = Audience(report.audience) if Audience(report.audience) in allowed else allowed[0]
    built = services.preview_committee_report(report, audience, acting_user=request.user)
    return render(
        request,
        "reports/committee/detail.html",
        {
            "report": report,
            "built": built,
            "period": period_text(built),
            "audience_label": AUDIENCE_LABELS[audience],
            "fragment": render_fragment(built, prefix="preview-"),
            "versions": _versions(request, report),
            "may_write": may_write(request.user, report) and not is_final(report),
            "preview_differs": audience.value != report.audience,
            "empty_sections": services.empty_narrative_sections(report),
            "clearance_missing": services.clearance_missing(report),
            "final": is_final(report),
        },
    )


def _initial(report: CommitteeReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in [*services.NARRATIVE_FIELDS, "audience"]}


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True)
def committee_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    report = queries.get_committee_report_for_user(request, pk, write=True)
    edit = versions.Edit(request, report, _initial)
    if request.method == "POST":
        form = NarrativeForm(request.POST, user=request.user, authority=report.authority)
        if form.is_valid():
            try:
                edit.save(
                    form,
                    lambda: services.update_committee_report(
                        report, dict(form.cleaned_data), acting_user=request.user
                    ),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Report saved")
                return redirect("reports:committee", pk=report.pk)
    else:
        form = NarrativeForm(
            user=request.user, authority=report.authority, initial=_initial(report)
        )
    return render(
        request,
        "reports/committee/edit.html",
        {"form": form, "report": report, **edit.context()},
        status=400 if form.errors else 200,
    )


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True, methods=("POST",))
def committee_generate(request: SignedInRequest, pk: int) -> HttpResponse:
    report = queries.get_committee_report_for_user(request, pk, write=True)
    version = services.generate_committee_version(report, acting_user=request.user)
    messages.success(
        request,
        f"Version {version.number} generated and kept: download it to send to the board",
    )
    return redirect("reports:committee_version", pk=report.pk, number=version.number)


@requires(Kind.STATISTICS, Action.VIEW, object_scoped=True, methods=("GET",))
def committee_version(request: SignedInRequest, pk: int, number: int) -> HttpResponse:
    report = queries.get_committee_report_for_user(request, pk)
    version = queries.get_version_for_user(request, report, number)
    built = services.view_committee_version(version, acting_user=request.user)
    may_export = can(request.user, Kind.STATISTICS, Action.EXPORT, report.authority)
    return render(
        request,
        "reports/committee/version.html",
        {
            "report": report,
            "version": version,
            "built": built,
            "period": period_text(built),
            "audience_label": AUDIENCE_LABELS[Audience(version.audience)],
            "fragment": render_fragment(built, prefix="version-"),
            "downloads": [
                {"format": f, "label": FORMATS[f].label} for f in services.COMMITTEE_FORMATS
            ]
            if may_export
            else [],
            "latest": report.versions.aggregate(n=Max("number"))["n"],
            "final": CommitteeReportFinal.objects.filter(version=version).first(),
            "may_mark_final": may_write(request.user, report)
            and report.template_id is not None
            and not is_final(report),
            "clearance_missing": services.clearance_missing(report),
        },
    )


@requires(Kind.STATISTICS, Action.EXPORT, object_scoped=True, methods=("GET",))
def committee_version_download(
    request: SignedInRequest, pk: int, number: int, format_id: str
) -> HttpResponse:
    report = queries.get_committee_report_for_user(request, pk)
    if format_id not in services.COMMITTEE_FORMATS:
        raise Http404
    version = queries.get_version_for_user(request, report, number, Action.EXPORT)
    part = (
        "exempt"
        if request.resolver_match and "exempt" in (request.resolver_match.url_name or "")
        else "public"
    )
    if part == "exempt" and not version.has_exempt:
        raise Http404
    content = services.download_committee_version(
        version, format_id, acting_user=request.user, part=part
    )
    spec = FORMATS[format_id]
    response = HttpResponse(content, content_type=spec.content_type)
    suffix = "-exempt-appendices" if part == "exempt" else ""
    filename = (
        f"committee-report-{report.authority.ons_code}-{report.period_start:%Y%m%d}-"
        f"{report.period_end:%Y%m%d}-v{version.number}{suffix}.{spec.extension}"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def is_final(report: CommitteeReport) -> bool:
    return report.versions.filter(final__isnull=False).exists()


# --- templates, sections, clearance and marking final ------------------------------------------


@requires(Kind.GOVERNANCE, Action.CHANGE)
def committee_templates(request: SignedInRequest) -> HttpResponse:
    authorities = queries.committee_authorities(request.user, Action.CHANGE)
    form = CopyTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        authority = authorities.first()
        if authority is None:
            raise Http404
        try:
            template = services.copy_template(
                authority,
                preset=form.cleaned_data["preset"],
                name=form.cleaned_data["name"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{template.name} copied: edit its sections")
            return redirect("reports:committee_template_edit", pk=template.pk)
    return render(
        request,
        "reports/committee/templates.html",
        {
            "form": form,
            "templates": ReportTemplate.objects.filter(authority__in=authorities, archived=False),
        },
        status=400 if form.errors else 200,
    )


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True)
def committee_template_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    template = queries.get_template_for_user(request, pk)
    initial = {
        "name": template.name,
        "sections": templates_presets.sections_text(template.sections),
        "clearance_roles": "\n".join(template.clearance_roles),
    }
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_template(
                template,
                name=data["name"],
                sections=services.parse_sections(data["sections"]),
                clearance_roles=data["clearance_roles"].splitlines(),
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Template saved")
            return redirect("reports:committee_templates")
    return render(
        request,
        "reports/committee/template_edit.html",
        {
            "form": form,
            "template": template,
            "kinds": templates_presets.KIND_LABELS,
            "figures": [(f[0], f[1]) for f in committee.FIGURES] + [("equalities", "Equalities")],
            "appendices": [(k, v[0]) for k, v in appendices_list()],
        },
        status=400 if form.errors else 200,
    )


def appendices_list() -> list[tuple[str, tuple[str, Any]]]:
    from .appendices import APPENDICES

    return list(APPENDICES.items())


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True)
def committee_sections(request: SignedInRequest, pk: int) -> HttpResponse:
    report = queries.get_committee_report_for_user(request, pk, write=True)
    if report.template is None:
        return redirect("reports:committee_edit", pk=report.pk)
    initial = {f"n_{k}": v for k, v in report.narrative.items()}
    initial |= {f"x_{k}": v for k, v in report.exempt.items()}
    form = SectionsForm(
        request.POST or None, template_sections=report.template.sections, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_committee_report(
                report,
                {"narrative": form.narrative(), "exempt": form.exempt()},
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Sections saved")
            return redirect("reports:committee", pk=report.pk)
    return render(
        request,
        "reports/committee/sections.html",
        {"form": form, "report": report},
        status=400 if form.errors else 200,
    )


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True)
def committee_clearance(request: SignedInRequest, pk: int) -> HttpResponse:
    report = queries.get_committee_report_for_user(request, pk, write=True)
    if report.template is None:
        raise Http404
    roles = list(report.template.clearance_roles)
    initial: dict[str, Any] = {}
    for n, role in enumerate(roles):
        entry = report.clearance.get(role, {})
        initial[f"name_{n}"] = entry.get("name", "")
        if entry.get("date"):
            initial[f"date_{n}"] = datetime.date.fromisoformat(entry["date"])
    form = ClearanceForm(request.POST or None, roles=roles, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_committee_report(
                report, {"clearance": form.clearance()}, acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Clearance saved")
            return redirect("reports:committee", pk=report.pk)
    return render(
        request,
        "reports/committee/clearance.html",
        {"form": form, "report": report},
        status=400 if form.errors else 200,
    )


@requires(Kind.GOVERNANCE, Action.CHANGE, object_scoped=True, methods=("POST",))
def committee_mark_final(request: SignedInRequest, pk: int, number: int) -> HttpResponse:
    report = queries.get_committee_report_for_user(request, pk, write=True)
    version = queries.get_version_for_user(request, report, number)
    try:
        services.mark_committee_final(version, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Version {version.number} is final: it cannot change")
    return redirect("reports:committee_version", pk=report.pk, number=version.number)
