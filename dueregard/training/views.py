"""Training pages: the compliance dashboard, organisations and their headcounts, sessions,
attendees and feedback, trainers, imports and the authority's lists.

Views are thin: a form, a scoped query from `queries`, one service, then a redirect.
Named attendees are personal data: a page showing them is marked OFFICIAL-SENSITIVE,
writes a VIEW audit event and is shown only to users who manage training (the Prevent
lead and education officer; analysts see counts).
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action, Kind, can
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import periods, versions
from dueregard.core.charts import Plot, Series, svg
from dueregard.core.importing import ImportRejected
from dueregard.core.pagination import Keyset
from dueregard.pages.kit import form_page, posted

from . import imports, metrics, queries, services
from .forms import (
    ArchiveForm,
    AttendeeForm,
    AudienceForm,
    CourseForm,
    FeedbackForm,
    ImportForm,
    LevelForm,
    OrganisationForm,
    QuestionForm,
    RequirementForm,
    SessionForm,
    SnapshotForm,
    TrainerForm,
)
from .models import (
    Audience,
    Course,
    EvaluationQuestion,
    Organisation,
    Sector,
    Session,
    TrainingLevel,
)

T = Kind.TRAINING
DASHBOARD_YEARS = 2


def _then_another(request: SignedInRequest, another: str, pk: int) -> str:
    """Where a session's form goes after saving: the same form again ("Save and add
    another") or the session."""
    name = another if "add_another" in request.POST else "training:session"
    return reverse(name, kwargs={"pk": pk})


def _authority(request: SignedInRequest, action: Action = Action.LIST) -> Authority:
    """The authority a list page is about: ?authority=ONS code, else the user's first."""
    authorities = queries.training_authorities(request.user, action)
    code = request.GET.get("authority", "")
    chosen = authorities.filter(ons_code=code).first() if code else authorities.first()
    if chosen is None:
        raise Http404
    return chosen


def _may_change(user: Any, authority: Authority) -> bool:
    return can(user, T, Action.CHANGE, authority)


def _report_url() -> str | None:
    try:
        return reverse("reports:report", kwargs={"report_id": "training"})
    except NoReverseMatch:
        return None


# Dashboard ----------------------------------------------------------------------------------


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _pct(value: float) -> str:
    return f"{value:g}%"  # 85, 87.5


def compliance_chart(
    dom_id: str,
    title: str,
    dates: list[datetime.date],
    levels: dict[str, list[metrics.ComplianceRow]],
) -> SafeString:
    """One organisation's compliance over time, drawn by `core.charts`: a line per level
    (% of eligible staff compliant, by headcount date) and a dotted line at each level's
    target. The description gives each level's first and latest figure and its target;
    the page puts the same figures in a table beside it."""
    series, parts = [], []
    for level, points in levels.items():
        by_day = {r.as_of: float(r.percent_compliant or 0.0) for r in points}
        # PostgreSQL hands back Decimal("85.0") where SQLite gives Decimal("85").
        target = float(points[-1].target) if points[-1].target is not None else None
        first, last = points[0], points[-1]
        parts.append(
            f"{level}: {len(points)} headcount{'s' if len(points) != 1 else ''}, "
            f"from {_pct(by_day[first.as_of])} on {_day(first.as_of)} to "
            f"{_pct(by_day[last.as_of])} on {_day(last.as_of)}"
            + (f", target {_pct(target)}" if target is not None else "")
        )
        series.append(
            Series(
                level,
                [by_day.get(day, math.nan) for day in dates],
                target=target,
                data={"level": level, "points": str(len(points))},
            )
        )
    plot = Plot(
        kind="line",
        labels=[_day(day) for day in dates],
        series=series,
        y_label="% of eligible staff compliant",
        y_limits=(0, 100),
        join_gaps=True,
    )
    description = f"Line chart of the percentage of eligible staff compliant. {'; '.join(parts)}."
    # svg() escapes the title and description, and matplotlib the labels it draws.
    return mark_safe(svg(plot, title=title, description=description, prefix=dom_id))


def organisation_charts(
    authority: Authority, start: datetime.date, organisations: QuerySet[Organisation] | None = None
) -> list[dict[str, Any]]:
    """For each organisation with snapshots since `start`: its chart and the same figures
    as table rows (one row per date, a column per level)."""
    ids = list(organisations.values_list("pk", flat=True)) if organisations is not None else None
    rows = metrics.compliance(authority, start, organisation_ids=ids)
    by_org: dict[int, list[metrics.ComplianceRow]] = defaultdict(list)
    for row in rows:
        by_org[row.organisation_id].append(row)
    blocks = []
    for organisation_id, org_rows in by_org.items():
        levels: dict[str, list[metrics.ComplianceRow]] = defaultdict(list)
        for row in org_rows:
            levels[row.level].append(row)
        dates = sorted({r.as_of for r in org_rows})
        cells = {(r.as_of, r.level): r for r in org_rows}
        name = org_rows[0].organisation
        blocks.append(
            {
                "id": organisation_id,
                "name": name,
                "svg": compliance_chart(
                    f"chart-{organisation_id}", f"{name}: compliance over time", dates, levels
                ),
                "levels": [(level, points[-1].target) for level, points in levels.items()],
                "rows": [(d, [cells.get((d, level)) for level in levels]) for d in dates],
            }
        )
    return blocks


@requires(T, Action.LIST, methods=("GET",))
def dashboard(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request)
    today = periods.today()
    start = datetime.date(today.year - DASHBOARD_YEARS, today.month, 1)
    latest = metrics.latest_compliance(authority)
    year = metrics.reach(authority, datetime.date(today.year - 1, today.month, today.day), today)
    return render(
        request,
        "training/dashboard.html",
        {
            "authority": authority,
            "authorities": queries.training_authorities(request.user),
            "latest": [(row, row.out_of_date(today)) for row in latest],
            "charts": organisation_charts(authority, start),
            "start": start,
            "reach": year,
            "may_change": _may_change(request.user, authority),
            "report_url": _report_url(),
        },
    )


# Organisations ------------------------------------------------------------------------------


@requires(T, Action.LIST, methods=("GET",))
def organisation_list(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request)
    organisations = (
        queries.organisations_visible_to(request.user)
        .filter(authority=authority)
        .annotate(
            levels=Count("requirements", filter=Q(requirements__archived=False), distinct=True),
            snapshots_count=Count("snapshots", filter=Q(snapshots__archived=False), distinct=True),
        )
        .order_by("archived", "name")
    )
    return render(
        request,
        "training/organisation_list.html",
        {
            "authority": authority,
            "organisations": organisations,
            "may_change": _may_change(request.user, authority),
        },
    )


@requires(T, Action.CHANGE)
def organisation_add(request: SignedInRequest) -> HttpResponse:
    authorities = queries.training_authorities(request.user, Action.CHANGE)
    form = OrganisationForm(
        posted(request), authorities=authorities, initial={"sector": Sector.COUNCIL}
    )
    return form_page(
        request,
        form,
        save=lambda: services.create_organisation(
            form.authority(),
            name=form.cleaned_data["name"],
            sector=form.cleaned_data["sector"],
            notes=form.cleaned_data["notes"],
            acting_user=request.user,
        ),
        success=lambda organisation: f"{organisation} added",
        done=lambda organisation: resolve_url("training:organisation", pk=organisation.pk),
        template="training/form.html",
        context={"title": "Add an organisation", **_back()},
        status=200,
    )


def _back(url_name: str = "training:organisations", label: str = "Organisations") -> dict:
    return {"back_url": reverse(url_name), "back_label": label}


@requires(T, Action.VIEW, object_scoped=True, methods=("GET",))
def organisation_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = queries.get_organisation_for_user(request, pk)
    authority = organisation.authority
    requirements = [
        row for row in metrics.latest_compliance(authority) if row.organisation_id == pk
    ]
    snapshots = organisation.snapshots.filter(archived=False).select_related("level")
    sessions = (
        Session.objects.filter(audiences__organisation=organisation, archived=False)
        .select_related("course", "trainer")
        .order_by("-held_on")[:20]
    )
    return render(
        request,
        "training/organisation_detail.html",
        {
            "organisation": organisation,
            "requirements": requirements,
            "snapshots": snapshots.order_by("-as_of", "level__order"),
            "charts": organisation_charts(
                authority, metrics.EARLIEST, Organisation.objects.filter(pk=pk)
            ),
            "sessions": sessions,
            "trainers": organisation.trainers.filter(archived=False),
            "may_change": _may_change(request.user, authority),
            "today": periods.today(),
        },
    )


@requires(T, Action.CHANGE, object_scoped=True)
def organisation_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = queries.get_organisation_for_user(request, pk, write=True)

    def values(current: Any) -> dict[str, Any]:
        return {"name": current.name, "sector": current.sector, "notes": current.notes}

    form = OrganisationForm(
        posted(request),
        authorities=Authority.objects.filter(pk=organisation.authority_id),
        initial=values(organisation),
    )
    edit = versions.Edit(request, organisation, values)
    return form_page(
        request,
        form,
        save=lambda: services.update_organisation(
            organisation,
            name=form.cleaned_data["name"],
            sector=form.cleaned_data["sector"],
            notes=form.cleaned_data["notes"],
            acting_user=request.user,
        ),
        success=lambda _: f"{organisation} updated",
        done=resolve_url("training:organisation", pk=pk),
        edit=edit,
        template="training/form.html",
        context={
            "title": f"Change {organisation}",
            "back_url": reverse("training:organisation", kwargs={"pk": pk}),
            "back_label": str(organisation),
        },
    )


@requires(T, Action.CHANGE, object_scoped=True)
def requirement_set(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = queries.get_organisation_for_user(request, pk, write=True)
    form = RequirementForm(posted(request), authority=organisation.authority)
    return form_page(
        request,
        form,
        save=lambda: services.set_requirement(
            organisation,
            form.cleaned_data["level"],
            target=form.cleaned_data["target"],
            acting_user=request.user,
        ),
        success=lambda _: f"Training level and target saved for {organisation}",
        done=resolve_url("training:organisation", pk=pk),
        template="training/form.html",
        context={
            "title": "Set a training level and target",
            "caption": str(organisation),
            "hint": "Setting a level that already applies changes its target.",
            "back_url": reverse("training:organisation", kwargs={"pk": pk}),
            "back_label": str(organisation),
        },
        status=200,
    )


@requires(T, Action.CHANGE, object_scoped=True)
def snapshot_add(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = queries.get_organisation_for_user(request, pk, write=True)
    form = SnapshotForm(posted(request), authority=organisation.authority)

    def saved(result: tuple[Any, bool]) -> str:
        _, created = result
        verb = "recorded" if created else "updated (one already existed for that date)"
        return f"Headcount {verb}"

    return form_page(
        request,
        form,
        save=lambda: services.record_snapshot(
            organisation,
            form.cleaned_data["level"],
            as_of=form.cleaned_data["as_of"],
            eligible=form.cleaned_data["eligible"],
            compliant=form.cleaned_data["compliant"],
            acting_user=request.user,
        ),
        success=saved,
        done=reverse("training:organisation", kwargs={"pk": pk}),
        template="training/form.html",
        status=200,
        context={
            "title": "Record a headcount",
            "caption": str(organisation),
            "hint": "How many staff needed the level of training on the date, and how many "
            "had it. A headcount for a level and date already recorded is replaced.",
            "back_url": reverse("training:organisation", kwargs={"pk": pk}),
            "back_label": str(organisation),
        },
    )


@requires(T, Action.CHANGE, object_scoped=True)
def snapshot_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    snapshot = queries.get_snapshot_for_user(request, pk, write=True)
    back = reverse("training:organisation", kwargs={"pk": snapshot.organisation_id})
    return _archive_page(
        request,
        snapshot,
        services.withdraw_snapshot,
        title="Withdraw a headcount",
        caption=f"{snapshot.organisation}, {snapshot.level}, {snapshot.as_of:%-d %B %Y}",
        hint="The headcount is kept with your reason but left out of every figure.",
        button="Withdraw headcount",
        done="Headcount withdrawn",
        back_url=back,
        back_label=str(snapshot.organisation),
    )


def _archive_page(
    request: SignedInRequest, obj: Any, service: Any, *, done: str, back_url: str, **context: Any
) -> HttpResponse:
    if getattr(obj, "archived", False):
        messages.success(request, "That was already done")
        return redirect(back_url)
    form = ArchiveForm(posted(request))
    return form_page(
        request,
        form,
        save=lambda: (
            service(obj, reason=form.cleaned_data["reason"], acting_user=request.user) or True
        ),
        success=done,
        done=back_url,
        template="training/form.html",
        context={"back_url": back_url, "warning": True, **context},
        status=200,
    )


# Import -------------------------------------------------------------------------------------


@requires(T, Action.CHANGE)
def import_file(request: SignedInRequest) -> HttpResponse:
    authorities = queries.training_authorities(request.user, Action.CHANGE)
    form = ImportForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        authorities=authorities,
    )
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        upload = form.cleaned_data["file"]
        try:
            result = imports.IMPORTERS[kind](
                form.authority(), upload.read(), acting_user=request.user, filename=upload.name
            )
        except ImportRejected as rejected:
            form.add_error(
                "file",
                f"{upload.name} has {len(rejected.errors)} "
                f"error{'s' if len(rejected.errors) != 1 else ''}: nothing was imported. "
                "Correct the file and upload it again",
            )
            for error in rejected.errors:
                form.add_error("file", str(error)[0].upper() + str(error)[1:])
        else:
            noun = {"evaluations": "feedback forms"}.get(kind, kind)
            messages.success(request, f"{upload.name} imported: {result.summary(noun)}")
            target = {"sessions": "training:sessions", "evaluations": "training:sessions"}
            return redirect(target.get(kind, "training:home"))
    question_columns = []
    authority = authorities.first()
    if authority is not None:
        question_columns = list(imports.evaluation_columns(authority))
    return render(
        request,
        "training/import.html",
        {
            "form": form,
            "snapshot_columns": imports.SNAPSHOT_COLUMNS,
            "session_required": imports.SESSION_REQUIRED,
            "session_optional": imports.SESSION_OPTIONAL,
            "evaluation_columns": [
                *imports.EVALUATION_REQUIRED,
                *imports.EVALUATION_OPTIONAL,
                *question_columns,
            ],
        },
    )


# Sessions -----------------------------------------------------------------------------------


# Newest first; `?before=` the key of the last session shown reaches older ones.
SESSION_PAGES = Keyset(("-held_on", "-id"))


@requires(T, Action.LIST, methods=("GET",))
def session_list(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request)
    audience = request.GET.get("audience", "")
    sessions = (
        queries.sessions_visible_to(request.user)
        .filter(authority=authority)
        .select_related("course", "trainer")
        .annotate(
            forms_returned=Count("evaluation_forms", filter=Q(evaluation_forms__archived=False))
        )
        .order_by("-held_on", "-id")
    )
    if audience in Audience.values:
        sessions = sessions.filter(audience=audience)
    page = SESSION_PAGES.page(sessions, request.GET)
    return render(
        request,
        "training/session_list.html",
        {
            "authority": authority,
            "sessions": page.items,
            "page": page,
            "total": sessions.count(),
            "audience": audience,
            "audiences": Audience.choices,
            "may_change": _may_change(request.user, authority),
        },
    )


@requires(T, Action.CHANGE)
def session_add(request: SignedInRequest) -> HttpResponse:
    authorities = queries.training_authorities(request.user, Action.CHANGE)
    form = SessionForm(posted(request), authorities=authorities)
    # Adding an organisation gives the authority its standard courses too.
    no_organisations = not Organisation.objects.filter(authority__in=authorities).exists()
    return form_page(
        request,
        form,
        save=lambda: services.record_session(
            form.authority(),
            held_on=form.cleaned_data["held_on"],
            course=form.cleaned_data["course"],
            audiences=[(form.cleaned_data["organisation"], form.cleaned_data["attendees"])],
            trainer=form.cleaned_data["trainer"],
            venue=form.cleaned_data["venue"],
            online=form.cleaned_data["online"],
            notes=form.cleaned_data["notes"],
            acting_user=request.user,
        ),
        success=lambda session: f"Session {session.reference} recorded",
        done=lambda session: resolve_url("training:session", pk=session.pk),
        template="training/session_form.html",
        context={
            "no_organisations": no_organisations,
            **_back("training:sessions", "Sessions"),
        },
        status=200,
    )


@requires(T, Action.VIEW, object_scoped=True, methods=("GET",))
def session_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    session = queries.get_session_for_user(request, pk)
    may_change = _may_change(request.user, session.authority)
    named = []
    if may_change:
        # Named attendees are personal data: shown only to those who manage training, and
        # every showing is audited.
        named = list(session.named_attendees.filter(archived=False).select_related("organisation"))
        if named:
            record(
                AuditAction.VIEW,
                actor=request.user,
                obj=session,
                detail={"named_attendees": len(named)},
            )
    forms_by_org = dict(
        session.evaluation_forms.filter(archived=False)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    audiences = [
        (a, forms_by_org.get(a.organisation_id, 0))
        for a in session.audiences.select_related("organisation")
    ]
    needs = list(
        session.evaluation_forms.filter(archived=False)
        .exclude(needs="")
        .values_list("needs", flat=True)[:50]
    )
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "audiences": audiences,
            "forms_returned": sum(forms_by_org.values()),
            "named": named,
            "named_count": session.named_attendees.filter(archived=False).count(),
            "needs": needs,
            "may_change": may_change,
            "personal_data": bool(named),
            "professional": session.audience == Audience.PROFESSIONALS,
        },
    )


def _session_back(session: Session) -> dict[str, str]:
    return {
        "back_url": reverse("training:session", kwargs={"pk": session.pk}),
        "back_label": f"Session {session.reference}",
        "caption": f"{session.course}, {session.held_on:%-d %B %Y}",
    }


@requires(T, Action.CHANGE, object_scoped=True)
def session_audience(request: SignedInRequest, pk: int) -> HttpResponse:
    session = queries.get_session_for_user(request, pk, write=True)
    form = AudienceForm(posted(request), authority=session.authority)
    return form_page(
        request,
        form,
        save=lambda: services.set_session_audience(
            session,
            form.cleaned_data["organisation"],
            attendees=form.cleaned_data["attendees"],
            acting_user=request.user,
        ),
        success="Attendance saved",
        done=resolve_url("training:session", pk=pk),
        template="training/form.html",
        context={
            "title": "Add an organisation or change its attendance",
            "hint": "Choosing an organisation already listed changes how many came from it.",
            **_session_back(session),
        },
        status=200,
    )


@requires(T, Action.CHANGE, object_scoped=True)
def attendee_add(request: SignedInRequest, pk: int) -> HttpResponse:
    session = queries.get_session_for_user(request, pk, write=True)
    form = AttendeeForm(posted(request), session=session)
    return form_page(
        request,
        form,
        save=lambda: services.add_attendee(
            session,
            name=form.cleaned_data["name"],
            job_title=form.cleaned_data["job_title"],
            organisation=form.cleaned_data["organisation"],
            acting_user=request.user,
        ),
        success=lambda attendee: f"{attendee} added to the attendees",
        done=_then_another(request, "training:attendee_add", pk),
        template="training/form.html",
        status=200,
        context={
            "title": "Name an attendee",
            "hint": "Names are personal data: record them only where you need to, for example "
            "to send certificates or follow up training.",
            "add_another": True,
            **_session_back(session),
        },
    )


@requires(T, Action.CHANGE, object_scoped=True)
def attendee_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    attendee = queries.get_attendee_for_user(request, pk, write=True)
    return _archive_page(
        request,
        attendee,
        services.remove_attendee,
        title="Remove a named attendee",
        caption=f"Session {attendee.session.reference}",
        hint="The session's attendance count does not change.",
        button="Remove attendee",
        done="Attendee removed",
        back_url=reverse("training:session", kwargs={"pk": attendee.session_id}),
        back_label=f"Session {attendee.session.reference}",
    )


@requires(T, Action.CHANGE, object_scoped=True)
def feedback_add(request: SignedInRequest, pk: int) -> HttpResponse:
    session = queries.get_session_for_user(request, pk, write=True)
    questions = list(
        EvaluationQuestion.objects.filter(
            authority_id=session.authority_id, disabled_on__isnull=True
        )
    )
    form = FeedbackForm(posted(request), session=session, questions=questions)
    return form_page(
        request,
        form,
        save=lambda: services.record_evaluations(
            session,
            [
                services.Feedback(
                    answers=form.answers(),
                    organisation=form.cleaned_data.get("organisation"),
                    needs=form.cleaned_data["needs"],
                )
            ],
            acting_user=request.user,
        ),
        success="Feedback form recorded",
        done=_then_another(request, "training:feedback_add", pk),
        template="training/form.html",
        status=200,
        context={
            "title": "Record a feedback form",
            "hint": "Copy one attendee's answers from their form. Forms are anonymous.",
            "add_another": True,
            "no_questions": not questions,
            **_session_back(session),
        },
    )


@requires(T, Action.CHANGE, object_scoped=True)
def session_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    session = queries.get_session_for_user(request, pk, write=True)
    return _archive_page(
        request,
        session,
        services.archive_session,
        title="Archive this session",
        caption=f"Session {session.reference}",
        hint="Use this for a session recorded in error. It is kept with your reason but "
        "left out of every figure.",
        button="Archive session",
        done=f"Session {session.reference} archived",
        back_url=reverse("training:sessions"),
        back_label="Sessions",
    )


# Trainers -----------------------------------------------------------------------------------


@requires(T, Action.LIST, methods=("GET",))
def trainer_list(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request)
    trainers = (
        queries.trainers_visible_to(request.user)
        .filter(authority=authority)
        .select_related("organisation", "accredited_level")
        .annotate(delivered=Count("sessions", filter=Q(sessions__archived=False)))
        .order_by("archived", "name")
    )
    return render(
        request,
        "training/trainer_list.html",
        {
            "authority": authority,
            "trainers": trainers,
            "may_change": _may_change(request.user, authority),
        },
    )


@requires(T, Action.CHANGE)
def trainer_add(request: SignedInRequest) -> HttpResponse:
    authorities = queries.training_authorities(request.user, Action.CHANGE)
    form = TrainerForm(posted(request), authorities=authorities)
    return form_page(
        request,
        form,
        save=lambda: services.create_trainer(
            form.authority(),
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
            accredited_level=form.cleaned_data["accredited_level"],
            accreditation=form.cleaned_data["accreditation"],
            accredited_on=form.cleaned_data["accredited_on"],
            acting_user=request.user,
        ),
        success=lambda trainer: f"{trainer} added",
        done=lambda trainer: resolve_url("training:trainer", pk=trainer.pk),
        template="training/form.html",
        context={"title": "Add a trainer", **_back("training:trainers", "Trainers")},
        status=200,
    )


@requires(T, Action.VIEW, object_scoped=True, methods=("GET",))
def trainer_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    trainer = queries.get_trainer_for_user(request, pk)
    sessions = trainer.sessions.filter(archived=False).select_related("course").order_by("-held_on")
    by_year = (
        sessions.values_list("held_on__year").annotate(n=Count("id")).order_by("-held_on__year")
    )
    return render(
        request,
        "training/trainer_detail.html",
        {
            "trainer": trainer,
            "sessions": sessions[:100],
            "delivered": sessions.count(),
            "by_year": list(by_year),
            "may_change": _may_change(request.user, trainer.authority),
        },
    )


@requires(T, Action.CHANGE, object_scoped=True)
def trainer_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    trainer = queries.get_trainer_for_user(request, pk, write=True)
    return _archive_page(
        request,
        trainer,
        services.archive_trainer,
        title="Archive this trainer",
        caption=str(trainer),
        hint="For a trainer who has left or no longer delivers. Their sessions stay.",
        button="Archive trainer",
        done=f"{trainer} archived",
        back_url=reverse("training:trainers"),
        back_label="Trainers",
    )


# Lists: levels, courses and feedback questions ----------------------------------------------


@requires(T, Action.LIST, methods=("GET",))
def lists(request: SignedInRequest) -> HttpResponse:
    authority = _authority(request)
    return render(
        request,
        "training/lists.html",
        {
            "authority": authority,
            "levels": TrainingLevel.objects.filter(authority=authority),
            "courses": Course.objects.filter(authority=authority).select_related("level"),
            "questions": EvaluationQuestion.objects.filter(authority=authority),
            "may_change": _may_change(request.user, authority),
        },
    )


def _first_changeable(request: SignedInRequest) -> Authority:
    authority = queries.training_authorities(request.user, Action.CHANGE).first()
    if authority is None:  # pragma: no cover (the decorator has checked)
        raise Http404
    services.ensure_standard_lists(authority, acting_user=request.user)
    return authority


@requires(T, Action.CHANGE)
def level_add(request: SignedInRequest) -> HttpResponse:
    form = LevelForm(posted(request))
    return form_page(
        request,
        form,
        save=lambda: services.create_level(
            _first_changeable(request),
            label=form.cleaned_data["label"],
            default_target=form.cleaned_data["default_target"],
            acting_user=request.user,
        ),
        success="Level added",
        done=resolve_url("training:lists"),
        template="training/form.html",
        context={"title": "Add a training level", **_back("training:lists", "Lists")},
        status=200,
    )


@requires(T, Action.CHANGE)
def course_add(request: SignedInRequest) -> HttpResponse:
    authority = queries.training_authorities(request.user, Action.CHANGE).first()
    if authority is None:  # pragma: no cover
        raise Http404
    form = CourseForm(posted(request), authority=authority)
    return form_page(
        request,
        form,
        save=lambda: services.create_course(
            _first_changeable(request),
            label=form.cleaned_data["label"],
            level=form.cleaned_data["level"],
            audience=form.cleaned_data["audience"],
            acting_user=request.user,
        ),
        success="Course added",
        done=resolve_url("training:lists"),
        template="training/form.html",
        context={"title": "Add a course", **_back("training:lists", "Lists")},
        status=200,
    )


@requires(T, Action.CHANGE)
def question_add(request: SignedInRequest) -> HttpResponse:
    form = QuestionForm(posted(request))
    return form_page(
        request,
        form,
        save=lambda: services.create_question(
            _first_changeable(request),
            label=form.cleaned_data["label"],
            kind=form.cleaned_data["kind"],
            asks_before=form.cleaned_data["asks_before"],
            acting_user=request.user,
        ),
        success="Question added to the feedback form",
        done=resolve_url("training:lists"),
        template="training/form.html",
        context={
            "title": "Add a feedback question",
            **_back("training:lists", "Lists"),
        },
        status=200,
    )


@requires(T, Action.CHANGE, object_scoped=True)
def question_disable(request: SignedInRequest, pk: int) -> HttpResponse:
    question = queries.get_question_for_user(request, pk, write=True)
    if request.method == "POST":
        services.disable_question(question, acting_user=request.user)
        messages.success(request, "Question taken off the feedback form")
        return redirect("training:lists")
    return render(request, "training/question_disable.html", {"question": question})
