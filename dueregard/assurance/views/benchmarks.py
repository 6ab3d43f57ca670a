"""Benchmarks and self-assessment, the evidence library and the assurance pack."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render, resolve_url
from django.urls import reverse

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action as Do
from dueregard.core import periods, versions
from dueregard.core.periods import (
    financial_year,
    financial_year_start,
)

from .. import exports, metrics, pack, queries, services
from ..forms import (
    EvidenceFilterForm,
    EvidenceForm,
    ReasonForm,
    SelfAssessmentForm,
    YearForm,
    year_choices,
)
from ..models import (
    Benchmark,
    Evidence,
    SelfAssessment,
)
from .common import (
    CHANGE,
    CHANGE_OBJECT,
    EXPORT,
    LIST,
    VIEW_OBJECT,
    A,
    _authority_choices,
    _can_change,
    _create_authority,
    _crumbs,
    _current_authority,
    _export_format,
    _form_page,
    _many_authorities,
)

# --- Benchmarks and self-assessment ----------------------------------------------------------


def _year_from(request: SignedInRequest) -> tuple[int, YearForm]:
    choices = year_choices(periods.today())
    current = financial_year_start(periods.today())
    form = YearForm(request.GET if "year" in request.GET else {"year": current}, choices=choices)
    year = form.cleaned_data["year"] if form.is_valid() else current
    return year, form


@LIST
def benchmark_list(request: SignedInRequest) -> HttpResponse:
    year, form = _year_from(request)
    authority = _current_authority(request)
    ratings = {r.number: r for r in metrics.self_assessment_ratings(authority, year)}
    benchmarks = Benchmark.objects.filter(disabled_on__isnull=True).annotate(
        n_evidence=Count(
            "evidence",
            filter=Q(
                evidence__authority=authority,
                evidence__archived=False,
                evidence__dated__gte=financial_year(year).start,
                evidence__dated__lte=financial_year(year).end,
            ),
        )
    )
    assessments = {
        a.benchmark_id: a for a in SelfAssessment.objects.filter(authority=authority, year=year)
    }
    rows = [
        {
            "benchmark": b,
            "rating": ratings.get(b.number),
            "assessment": assessments.get(b.pk),
            "n_evidence": b.n_evidence,  # type: ignore[attr-defined]
        }
        for b in benchmarks
    ]
    return render(
        request,
        "assurance/benchmark_list.html",
        {
            "crumbs": _crumbs(),
            "form": form,
            "year": year,
            "year_label": financial_year(year).label,
            "authority": authority,
            "rows": rows,
            "summary": metrics.ratings_summary(authority, year),
            "can_change": _can_change(request, authority.pk),
            "can_export": queries.may_export(request.user),
        },
    )


@requires(A, Do.VIEW, methods=("GET",))
def benchmark_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    benchmark = get_object_or_404(Benchmark, pk=pk)
    assessments = (
        queries.self_assessments_visible_to(request.user, Do.VIEW)
        .filter(benchmark=benchmark)
        .select_related("authority", "created_by", "modified_by")
        .order_by("-year")
    )
    evidence = (
        queries.evidence_visible_to(request.user, Do.VIEW)
        .filter(benchmark_filter(benchmark), archived=False)
        .order_by("-dated")
    )
    current = financial_year_start(periods.today())
    assessed_years = {a.year for a in assessments}
    return render(
        request,
        "assurance/benchmark_detail.html",
        {
            "crumbs": _crumbs(("Benchmarks", reverse("assurance:benchmark_list"))),
            "benchmark": benchmark,
            "assessments": assessments,
            "evidence": evidence,
            "can_change": queries.may_change(request.user),
            "can_assess_now": current not in assessed_years,
            "current_year": current,
            "current_label": financial_year(current).label,
        },
    )


def benchmark_filter(benchmark: Benchmark) -> Q:
    return Q(benchmarks=benchmark)


@CHANGE
def assessment_create(request: SignedInRequest, pk: int, year: int) -> HttpResponse:
    benchmark = get_object_or_404(Benchmark, pk=pk, disabled_on__isnull=True)
    if not 2015 <= year <= financial_year_start(periods.today()) + 1:
        raise Http404
    label = financial_year(year).label
    form = SelfAssessmentForm(request.POST or None, initial={"assessed_on": periods.today()})
    authorities = _authority_choices(request)
    if authorities is not None:
        from django import forms as django_forms

        form.fields = {
            "authority": django_forms.ModelChoiceField(
                queryset=authorities, label="Authority", empty_label="Choose…"
            ),
            **form.fields,
        }
    page = reverse("assurance:benchmark_detail", args=[benchmark.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.record_self_assessment(
            authority=_create_authority(request, form),
            benchmark=benchmark,
            year=year,
            rating=form.cleaned_data["rating"],
            commentary=form.cleaned_data["commentary"],
            next_steps=form.cleaned_data["next_steps"],
            assessed_on=form.cleaned_data["assessed_on"],
            acting_user=request.user,
        ),
        success=lambda _: f"Self-assessment of {benchmark.label} for {label} saved",
        done=resolve_url(f"{reverse('assurance:benchmark_list')}?year={year}"),
        title=f"Self-assessment for {label}",
        caption=str(benchmark),
        intro=benchmark.description,
        submit="Save self-assessment",
        cancel=page,
        crumbs=_crumbs(("Benchmarks", reverse("assurance:benchmark_list")), (str(benchmark), page)),
    )


@CHANGE_OBJECT
def assessment_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    assessment = queries.get_self_assessment_for_user(request, pk, write=True)
    benchmark = assessment.benchmark
    fields = ("rating", "commentary", "next_steps", "assessed_on")
    form = SelfAssessmentForm(
        request.POST or None, initial={f: getattr(assessment, f) for f in fields}
    )
    edit = versions.Edit(request, assessment, lambda o: {f: getattr(o, f) for f in fields})
    page = reverse("assurance:benchmark_detail", args=[benchmark.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.update_self_assessment(
            assessment, acting_user=request.user, **form.cleaned_data
        ),
        success="Self-assessment changed",
        done=resolve_url(f"{reverse('assurance:benchmark_list')}?year={assessment.year}"),
        edit=edit,
        title=f"Change the self-assessment for {assessment.year_label}",
        caption=str(benchmark),
        intro=benchmark.description,
        submit="Save changes",
        cancel=page,
        crumbs=_crumbs(("Benchmarks", reverse("assurance:benchmark_list")), (str(benchmark), page)),
    )


ASSESSMENT_COLUMNS = [
    "year",
    "benchmark_number",
    "benchmark",
    "rating",
    "commentary",
    "next_steps",
    "assessed_on",
    "evidence_items",
    "authority",
]


@EXPORT
def assessment_export(request: SignedInRequest) -> HttpResponse:
    fmt = _export_format(request)
    year, _ = _year_from(request)
    assessments = (
        queries.self_assessments_visible_to(request.user, Do.EXPORT)
        .filter(year=year)
        .select_related("benchmark", "authority")
        .order_by("authority__name", "benchmark__number")
    )
    period = financial_year(year)
    evidence_counts = {
        (row["authority"], row["benchmarks"]): row["n"]
        for row in queries.evidence_visible_to(request.user, Do.EXPORT)
        .filter(archived=False, dated__gte=period.start, dated__lte=period.end)
        .values("authority", "benchmarks")
        .annotate(n=Count("id"))
    }
    rows = [
        [
            a.year_label,
            a.benchmark.number,
            a.benchmark.label,
            a.get_rating_display(),
            a.commentary,
            a.next_steps,
            a.assessed_on,
            evidence_counts.get((a.authority_id, a.benchmark_id), 0),
            a.authority.ons_code,
        ]
        for a in assessments
    ]
    services.record_export(
        acting_user=request.user,
        object_type="assurance.selfassessment",
        authority_ids={a.authority_id for a in assessments},
        export_format=fmt,
        rows=len(rows),
        extra={"year": year},
    )
    return exports.download(fmt, f"self-assessment-{year}", ASSESSMENT_COLUMNS, rows)


# --- Evidence ---------------------------------------------------------------------------------


def _filtered_evidence(
    request: SignedInRequest, visible: QuerySet[Evidence]
) -> tuple[EvidenceFilterForm, QuerySet[Evidence]]:
    form = EvidenceFilterForm(request.GET or None, years=year_choices(periods.today()))
    evidence = visible.filter(archived=False)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("benchmark"):
            evidence = evidence.filter(benchmarks=data["benchmark"])
        if data.get("category"):
            evidence = evidence.filter(category=data["category"])
        if data.get("year") not in (None, ""):
            period = financial_year(data["year"])
            evidence = evidence.filter(dated__gte=period.start, dated__lte=period.end)
    return form, evidence.prefetch_related("benchmarks").select_related("authority")


@LIST
def evidence_list(request: SignedInRequest) -> HttpResponse:
    form, evidence = _filtered_evidence(request, queries.evidence_visible_to(request.user))
    return render(
        request,
        "assurance/evidence_list.html",
        {
            "crumbs": _crumbs(),
            "form": form,
            "evidence": evidence.order_by("-dated", "title"),
            "query": request.GET.urlencode(),
            "can_change": _can_change(request),
            "can_export": queries.may_export(request.user),
            "many": _many_authorities(request),
        },
    )


EVIDENCE_COLUMNS = [
    "title",
    "category",
    "dated",
    "marking",
    "benchmarks",
    "file",
    "link",
    "description",
    "authority",
]


@EXPORT
def evidence_export(request: SignedInRequest) -> HttpResponse:
    fmt = _export_format(request)
    _, evidence = _filtered_evidence(request, queries.evidence_visible_to(request.user, Do.EXPORT))
    evidence = evidence.order_by("-dated", "title")
    rows = [
        [
            e.title,
            e.get_category_display(),
            e.dated,
            e.marking,
            "; ".join(str(b) for b in e.benchmarks.all()),
            e.original_filename,
            e.link,
            e.description,
            e.authority.ons_code,
        ]
        for e in evidence
    ]
    services.record_export(
        acting_user=request.user,
        object_type="assurance.evidence",
        authority_ids={e.authority_id for e in evidence},
        export_format=fmt,
        rows=len(rows),
    )
    return exports.download(fmt, "evidence-library", EVIDENCE_COLUMNS, rows)


def _evidence_changes(form: EvidenceForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "category": data["category"],
        "dated": data["dated"],
        "description": data["description"],
        "marking": data["marking"],
        "link": data["link"],
        "benchmarks": data["benchmarks"],
        "file": data.get("file") or None,
    }


@CHANGE
def evidence_create(request: SignedInRequest) -> HttpResponse:
    initial: dict[str, Any] = {"marking": "OFFICIAL"}
    if request.GET.get("benchmark"):
        initial["benchmarks"] = [request.GET["benchmark"]]
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        authorities=_authority_choices(request),
        initial=initial,
    )
    return _form_page(
        request,
        form,
        save=lambda: services.add_evidence(
            authority=_create_authority(request, form),
            acting_user=request.user,
            **_evidence_changes(form),
        ),
        success=lambda item: f"{item.title} added to the evidence library",
        done=lambda item: resolve_url("assurance:evidence_detail", pk=item.pk),
        title="Add evidence",
        intro="Upload a document, or link to a record in Due Regard (panel minutes, training "
        "records, a report, terms of reference) or to a web page.",
        submit="Save evidence",
        cancel=reverse("assurance:evidence_list"),
        multipart=True,
        crumbs=_crumbs(("Evidence", reverse("assurance:evidence_list"))),
    )


@VIEW_OBJECT
def evidence_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    item = queries.get_evidence_for_user(request, pk)
    return render(
        request,
        "assurance/evidence_detail.html",
        {
            "crumbs": _crumbs(("Evidence", reverse("assurance:evidence_list"))),
            "item": item,
            "benchmarks": item.benchmarks.all(),
            "can_change": _can_change(request, item.authority_id) and not item.archived,
            "can_export": queries.may_export(request.user),
            "history": queries.change_history(item)[:20],
        },
    )


def _evidence_values(item: Any) -> dict[str, Any]:
    fields = ("title", "category", "dated", "description", "marking", "link")
    values = {f: getattr(item, f) for f in fields}
    values["benchmarks"] = list(item.benchmarks.values_list("pk", flat=True))
    return values


@CHANGE_OBJECT
def evidence_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    item = queries.get_evidence_for_user(request, pk, write=True)
    form = EvidenceForm(request.POST or None, request.FILES or None, initial=_evidence_values(item))
    if item.file:
        form.fields["file"].label = "Replace the file (optional)"
        form.fields["file"].help_text = f"Now: {item.original_filename}. " + str(
            form.fields["file"].help_text
        )
    edit = versions.Edit(request, item, _evidence_values)
    page = reverse("assurance:evidence_detail", args=[item.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.update_evidence(
            item, acting_user=request.user, **_evidence_changes(form)
        ),
        success="Evidence changed",
        edit=edit,
        title="Change the evidence",
        caption=item.title,
        submit="Save changes",
        cancel=page,
        multipart=True,
        crumbs=_crumbs(("Evidence", reverse("assurance:evidence_list")), (item.title, page)),
    )


@requires(A, Do.EXPORT, object_scoped=True, methods=("GET",))
def evidence_file(request: SignedInRequest, pk: int) -> HttpResponse:
    item = queries.get_evidence_for_user(request, pk, export=True)
    if not item.file:
        raise Http404
    services.record_export(
        acting_user=request.user,
        object_type="assurance.evidence",
        authority_ids=[item.authority_id],
        export_format="file",
        rows=1,
        extra={"evidence": item.pk},
    )
    return FileResponse(  # type: ignore[return-value]
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_filename or "evidence",
    )


@CHANGE_OBJECT
def evidence_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    item = queries.get_evidence_for_user(request, pk, write=True)
    form = ReasonForm(request.POST or None)
    page = reverse("assurance:evidence_detail", args=[item.pk])
    return _form_page(
        request,
        form,
        save=lambda: services.withdraw_evidence(
            item, reason=form.cleaned_data["reason"], acting_user=request.user
        ),
        success="Evidence withdrawn from the library",
        title="Withdraw the evidence",
        caption=item.title,
        warning="It is kept on record but no longer listed or included in assurance packs.",
        submit="Withdraw evidence",
        cancel=page,
        crumbs=_crumbs(("Evidence", reverse("assurance:evidence_list")), (item.title, page)),
    )


# --- Assurance pack -------------------------------------------------------------------------


@EXPORT
def pack_page(request: SignedInRequest) -> HttpResponse:
    authority = _current_authority(request, Do.EXPORT)
    year, form = _year_from(request)
    contents = pack.gather(authority, year)
    return render(
        request,
        "assurance/pack.html",
        {
            "crumbs": _crumbs(),
            "form": form,
            "authority": authority,
            "authorities": queries.authorities(request.user, Do.EXPORT),
            "year": year,
            "contents": contents,
            "assessed": len(contents.assessments),
            "files": len(contents.zip_names),
        },
    )


def _pack_download(request: SignedInRequest, year: int, fmt: str) -> HttpResponse:
    if not 2015 <= year <= 2100:
        raise Http404
    authority = _current_authority(request, Do.EXPORT)
    contents = pack.gather(authority, year)
    if fmt == "zip":
        content, content_type = pack.build_zip(contents), "application/zip"
        name = pack.docx_name(contents).replace(".docx", ".zip")
    else:
        content = pack.build_docx(contents)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        name = pack.docx_name(contents)
    services.record_export(
        acting_user=request.user,
        object_type="assurance.pack",
        authority_ids=[authority.pk],
        export_format=fmt,
        rows=len(contents.evidence),
        extra={"year": year},
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@EXPORT
def pack_docx(request: SignedInRequest, year: int) -> HttpResponse:
    return _pack_download(request, year, "docx")


@EXPORT
def pack_zip(request: SignedInRequest, year: int) -> HttpResponse:
    return _pack_download(request, year, "zip")
