"""Every change to assurance records: one function per business event.

Each runs in a transaction, takes the acting user keyword-only, checks that the user may
change assurance records of the authority (accounts.permissions, Kind.ASSURANCE), writes,
and appends the audit event in the same transaction. Broken rules raise
`ValidationError` keyed by the field at fault. Nothing is deleted: actions are withdrawn,
risks closed and evidence withdrawn, each with a reason.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from dueregard.accounts.models import User
from dueregard.accounts.permissions import Action as Do
from dueregard.accounts.permissions import Kind, can
from dueregard.areas.models import Authority, Ward
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import periods

from .benchmarks import TOOLKIT_BENCHMARKS
from .models import (
    CTLP,
    Action,
    ActionStatus,
    ActionUpdate,
    Benchmark,
    CTLPRecommendation,
    Evidence,
    Incident,
    Priority,
    ResponseStatus,
    Risk,
    RiskReview,
    SelfAssessment,
    Strategy,
    ThreatLevel,
    long_date,
)
from .queries import may_change_threat_level

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_EXTENSIONS = frozenset(
    {".pdf", ".docx", ".doc", ".odt", ".xlsx", ".xls", ".ods", ".csv", ".txt", ".pptx", ".odp"}
    | {".png", ".jpg", ".jpeg", ".msg", ".eml", ".rtf"}
)


def _check(acting_user: User, authority: Authority | int) -> None:
    """Refuse unless `acting_user` may change assurance records of `authority`."""
    if isinstance(authority, int):
        authority = Authority.objects.get(pk=authority)
    if not can(acting_user, Kind.ASSURANCE, Do.CHANGE, authority):
        raise PermissionDenied("You cannot change assurance records of this authority.")


def _apply(obj: models.Model, changes: dict[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields that differ; return the names of those changed."""
    allowed = set(allowed)
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} here")
    changed = []
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return sorted(changed)


def _not_future(day: datetime.date | None, field: str, what: str) -> None:
    if day is not None and day > periods.today():
        raise ValidationError({field: f"{what} must be today or in the past"})


def _save_unique(obj: models.Model, field: str, message: str) -> None:
    """Save, turning a unique-constraint failure into a message on `field`."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({field: message}) from None


# --- Strategy and action plan ------------------------------------------------------------


def _check_period(start: datetime.date, end: datetime.date) -> None:
    if end <= start:
        raise ValidationError({"period_end": "The end of the period must be after its start"})


@transaction.atomic
def create_strategy(
    *,
    authority: Authority,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    objective: str,
    approved_by: str = "",
    approved_on: datetime.date | None = None,
    acting_user: User,
) -> Strategy:
    _check(acting_user, authority)
    _check_period(period_start, period_end)
    strategy = Strategy(
        authority=authority,
        title=title,
        period_start=period_start,
        period_end=period_end,
        objective=objective,
        approved_by=approved_by,
        approved_on=approved_on,
        created_by=acting_user,
        modified_by=acting_user,
    )
    _save_unique(strategy, "title", "This authority already has a strategy with that title")
    record(AuditAction.CREATE, actor=acting_user, obj=strategy)
    return strategy


STRATEGY_FIELDS = ("title", "period_start", "period_end", "objective", "approved_by", "approved_on")


@transaction.atomic
def update_strategy(strategy: Strategy, *, acting_user: User, **changes: Any) -> Strategy:
    _check(acting_user, strategy.authority_id)
    changed = _apply(strategy, changes, STRATEGY_FIELDS)
    _check_period(strategy.period_start, strategy.period_end)
    if changed:
        strategy.modified_by = acting_user
        _save_unique(strategy, "title", "This authority already has a strategy with that title")
        record(AuditAction.CHANGE, actor=acting_user, obj=strategy, detail={"fields": changed})
    return strategy


@transaction.atomic
def add_priority(
    strategy: Strategy, *, number: int, title: str, description: str = "", acting_user: User
) -> Priority:
    _check(acting_user, strategy.authority_id)
    priority = Priority(
        strategy=strategy,
        number=number,
        title=title,
        description=description,
        created_by=acting_user,
        modified_by=acting_user,
    )
    _save_unique(priority, "number", f"This strategy already has a priority {number}")
    record(AuditAction.CREATE, actor=acting_user, obj=priority, authority=strategy.authority_id)
    return priority


@transaction.atomic
def update_priority(priority: Priority, *, acting_user: User, **changes: Any) -> Priority:
    _check(acting_user, priority.strategy.authority_id)
    changed = _apply(priority, changes, ("number", "title", "description"))
    if changed:
        priority.modified_by = acting_user
        _save_unique(priority, "number", f"This strategy already has a priority {priority.number}")
        record(
            AuditAction.CHANGE,
            actor=acting_user,
            obj=priority,
            authority=priority.strategy.authority_id,
            detail={"fields": changed},
        )
    return priority


def _check_links(
    authority_id: int,
    risks: Iterable[Risk],
    recommendations: Iterable[CTLPRecommendation],
) -> None:
    if any(r.authority_id != authority_id for r in risks):
        raise ValidationError({"risks": "Choose risks from this authority's register"})
    if any(r.ctlp.authority_id != authority_id for r in recommendations):
        raise ValidationError(
            {"recommendations": "Choose recommendations from this authority's CTLPs"}
        )


@transaction.atomic
def add_action(
    strategy: Strategy,
    *,
    reference: str,
    title: str,
    owner: str,
    agency: str,
    added_on: datetime.date,
    priority: Priority | None = None,
    description: str = "",
    success_measure: str = "",
    target_date: datetime.date | None = None,
    status: str = ActionStatus.NOT_STARTED,
    note: str = "",
    risks: Iterable[Risk] = (),
    recommendations: Iterable[CTLPRecommendation] = (),
    acting_user: User,
) -> Action:
    """Add an action to the plan, with its first dated update (status, target, owner)."""
    _check(acting_user, strategy.authority_id)
    if priority is not None and priority.strategy_id != strategy.pk:
        raise ValidationError({"priority": "Choose a priority of this strategy"})
    _not_future(added_on, "added_on", "The date the action joined the plan")
    risks, recommendations = list(risks), list(recommendations)
    _check_links(strategy.authority_id, risks, recommendations)
    action = Action(
        authority_id=strategy.authority_id,
        strategy=strategy,
        priority=priority,
        reference=reference,
        title=title,
        description=description,
        success_measure=success_measure,
        added_on=added_on,
        owner=owner,
        agency=agency,
        target_date=target_date,
        status=status,
        created_by=acting_user,
        modified_by=acting_user,
    )
    _save_unique(action, "reference", f"This strategy already has an action {reference}")
    action.risks.set(risks)
    action.recommendations.set(recommendations)
    ActionUpdate.objects.create(
        action=action,
        recorded_on=added_on,
        status=status,
        target_date=target_date,
        owner=owner,
        agency=agency,
        note=note or "Added to the plan.",
        created_by=acting_user,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=action)
    return action


ACTION_FIELDS = ("reference", "title", "description", "success_measure", "priority")


@transaction.atomic
def edit_action(
    action: Action,
    *,
    acting_user: User,
    risks: Iterable[Risk] | None = None,
    recommendations: Iterable[CTLPRecommendation] | None = None,
    **changes: Any,
) -> Action:
    """Change an action's wording, priority and links. Status, target date and owner
    change only through `record_action_update`, so their history is kept."""
    _check(acting_user, action.authority_id)
    priority = changes.get("priority")
    if priority is not None and priority.strategy_id != action.strategy_id:
        raise ValidationError({"priority": "Choose a priority of this strategy"})
    changed = _apply(action, changes, ACTION_FIELDS)
    if risks is not None or recommendations is not None:
        new_risks = list(risks) if risks is not None else list(action.risks.all())
        new_recs = (
            list(recommendations)
            if recommendations is not None
            else list(action.recommendations.all())
        )
        _check_links(action.authority_id, new_risks, new_recs)
        if {r.pk for r in new_risks} != set(action.risks.values_list("pk", flat=True)):
            action.risks.set(new_risks)
            changed.append("risks")
        if {r.pk for r in new_recs} != set(action.recommendations.values_list("pk", flat=True)):
            action.recommendations.set(new_recs)
            changed.append("recommendations")
    if changed:
        action.modified_by = acting_user
        _save_unique(action, "reference", f"This strategy already has an action {action.reference}")
        record(
            AuditAction.CHANGE, actor=acting_user, obj=action, detail={"fields": sorted(changed)}
        )
    return action


@transaction.atomic
def record_action_update(
    action: Action,
    *,
    recorded_on: datetime.date,
    status: str,
    target_date: datetime.date | None,
    owner: str,
    agency: str,
    note: str = "",
    acting_user: User,
) -> ActionUpdate:
    """Append a dated progress update. Updates are kept in date order: one cannot be dated
    before the action's latest update (that would rewrite how the plan stood), nor in
    the future. An update must change something or say something."""
    _check(acting_user, action.authority_id)
    if action.archived:
        raise ValidationError("This action was withdrawn from the plan; it cannot be updated")
    _not_future(recorded_on, "recorded_on", "The date of the update")
    last = action.updates.order_by("-recorded_on", "-id").first()
    if last is not None and recorded_on < last.recorded_on:
        raise ValidationError(
            {
                "recorded_on": "The date of the update must be on or after the last update "
                f"({long_date(last.recorded_on)})"
            }
        )
    if recorded_on < action.added_on:
        raise ValidationError(
            {"recorded_on": "The date of the update must be on or after the action was added"}
        )
    new = {"status": status, "target_date": target_date, "owner": owner, "agency": agency}
    changed = sorted(name for name, value in new.items() if getattr(action, name) != value)
    if not changed and not note.strip():
        raise ValidationError(
            {"note": "Enter a progress note, or change the status, date or owner"}
        )
    update = ActionUpdate.objects.create(
        action=action,
        recorded_on=recorded_on,
        note=note.strip(),
        created_by=acting_user,
        **new,
    )
    for name, value in new.items():
        setattr(action, name, value)
    action.modified_by = acting_user
    action.save()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=action,
        detail={"fields": changed, "update": update.pk, "recorded_on": recorded_on.isoformat()},
    )
    return update


def _archive(obj: Any, reason: str, acting_user: User, what: str) -> None:
    if obj.archived:
        raise ValidationError(f"This {what} is already closed")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason"})
    obj.archived = True
    obj.archived_on = timezone.now()
    obj.archived_by = acting_user
    obj.archived_reason = reason.strip()
    obj.save()


@transaction.atomic
def withdraw_action(action: Action, *, reason: str, acting_user: User) -> Action:
    """Take an action out of the plan from now on, with a reason. It still shows in the
    plan as it stood on earlier dates."""
    _check(acting_user, action.authority_id)
    _archive(action, reason, acting_user, "action")
    record(AuditAction.CHANGE, actor=acting_user, obj=action, detail={"fields": ["archived"]})
    return action


# --- Benchmarks, self-assessment and evidence ---------------------------------------------


def load_toolkit_benchmarks() -> int:
    """Make sure the toolkit's eight benchmarks exist (as migration 0002 loads them);
    returns how many were added. National reference data: no authority, no audit event."""
    added = 0
    for number, code, label, description in TOOLKIT_BENCHMARKS:
        _, created = Benchmark.objects.get_or_create(
            code=code,
            defaults={
                "number": number,
                "label": label,
                "description": description,
                "order": number,
            },
        )
        added += created
    return added


@transaction.atomic
def record_self_assessment(
    *,
    authority: Authority,
    benchmark: Benchmark,
    year: int,
    rating: str,
    commentary: str,
    assessed_on: datetime.date,
    next_steps: str = "",
    acting_user: User,
) -> SelfAssessment:
    """Record the council's own rating of a benchmark for a financial year."""
    _check(acting_user, authority)
    _not_future(assessed_on, "assessed_on", "The date of the assessment")
    if benchmark.disabled_on is not None:
        raise ValidationError({"benchmark": "This benchmark is no longer in use"})
    assessment = SelfAssessment(
        authority=authority,
        benchmark=benchmark,
        year=year,
        rating=rating,
        commentary=commentary,
        next_steps=next_steps,
        assessed_on=assessed_on,
        created_by=acting_user,
        modified_by=acting_user,
    )
    _save_unique(
        assessment,
        "year",
        f"{benchmark.label} already has a self-assessment for {year}/{str(year + 1)[-2:]}: "
        "change that one instead",
    )
    record(AuditAction.CREATE, actor=acting_user, obj=assessment)
    return assessment


@transaction.atomic
def update_self_assessment(
    assessment: SelfAssessment, *, acting_user: User, **changes: Any
) -> SelfAssessment:
    _check(acting_user, assessment.authority_id)
    _not_future(changes.get("assessed_on"), "assessed_on", "The date of the assessment")
    changed = _apply(assessment, changes, ("rating", "commentary", "next_steps", "assessed_on"))
    if changed:
        assessment.modified_by = acting_user
        assessment.save()
        record(AuditAction.CHANGE, actor=acting_user, obj=assessment, detail={"fields": changed})
    return assessment


def _check_link(link: str) -> str:
    link = link.strip()
    if not link:
        return ""
    if link.startswith("/") and not link.startswith("//"):
        return link
    try:
        URLValidator(schemes=["https", "http"])(link)
    except ValidationError:
        raise ValidationError(
            {"link": "Enter a Due Regard page starting with / or a web address starting https://"}
        ) from None
    return link


def _check_file(upload: UploadedFile) -> str:
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in EVIDENCE_EXTENSIONS:
        allowed = ", ".join(sorted(EVIDENCE_EXTENSIONS))
        raise ValidationError({"file": f"The file must be one of: {allowed}"})
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": "The file must be smaller than 20 MB"})
    if not upload.size:
        raise ValidationError({"file": "The file is empty"})
    return name


def _store_file(evidence: Evidence, upload: UploadedFile) -> None:
    name = _check_file(upload)
    evidence.original_filename = name[:255]
    # A random prefix: stored names are not guessable and never collide.
    evidence.file.save(f"{uuid.uuid4().hex}-{get_valid_filename(name)}"[:200], upload, save=False)


def _check_benchmarks(benchmarks: list[Benchmark]) -> None:
    if not benchmarks:
        raise ValidationError({"benchmarks": "Select at least one benchmark this evidences"})


@transaction.atomic
def add_evidence(
    *,
    authority: Authority,
    title: str,
    category: str,
    dated: datetime.date,
    benchmarks: Iterable[Benchmark],
    description: str = "",
    marking: str = "OFFICIAL",
    file: UploadedFile | None = None,
    link: str = "",
    acting_user: User,
) -> Evidence:
    """Add an uploaded document or a link (to a Due Regard page or the web) to the library."""
    _check(acting_user, authority)
    benchmarks = list(benchmarks)
    _check_benchmarks(benchmarks)
    link = _check_link(link)
    if file is None and not link:
        raise ValidationError({"file": "Upload a file or give a link"})
    evidence = Evidence(
        authority=authority,
        title=title,
        category=category,
        dated=dated,
        description=description,
        marking=marking,
        link=link,
        created_by=acting_user,
        modified_by=acting_user,
    )
    if file is not None:
        _store_file(evidence, file)
    evidence.save()
    evidence.benchmarks.set(benchmarks)
    record(AuditAction.CREATE, actor=acting_user, obj=evidence)
    return evidence


@transaction.atomic
def update_evidence(
    evidence: Evidence,
    *,
    acting_user: User,
    benchmarks: Iterable[Benchmark] | None = None,
    file: UploadedFile | None = None,
    **changes: Any,
) -> Evidence:
    """Change an item's details, links or benchmarks, or replace its file (the earlier
    file stays in storage)."""
    _check(acting_user, evidence.authority_id)
    if "link" in changes:
        changes["link"] = _check_link(changes["link"])
    changed = _apply(
        evidence, changes, ("title", "category", "dated", "description", "marking", "link")
    )
    if file is not None:
        _store_file(evidence, file)
        changed.append("file")
    if not evidence.file and not evidence.link:
        raise ValidationError({"link": "Upload a file or give a link"})
    if benchmarks is not None:
        benchmarks = list(benchmarks)
        _check_benchmarks(benchmarks)
        if {b.pk for b in benchmarks} != set(evidence.benchmarks.values_list("pk", flat=True)):
            evidence.benchmarks.set(benchmarks)
            changed.append("benchmarks")
    if changed:
        evidence.modified_by = acting_user
        evidence.save()
        record(
            AuditAction.CHANGE, actor=acting_user, obj=evidence, detail={"fields": sorted(changed)}
        )
    return evidence


@transaction.atomic
def withdraw_evidence(evidence: Evidence, *, reason: str, acting_user: User) -> Evidence:
    _check(acting_user, evidence.authority_id)
    _archive(evidence, reason, acting_user, "evidence")
    record(AuditAction.CHANGE, actor=acting_user, obj=evidence, detail={"fields": ["archived"]})
    return evidence


# --- Risk ------------------------------------------------------------------------------------


def _check_threat_level_user(acting_user: User) -> None:
    if not may_change_threat_level(acting_user):
        raise PermissionDenied("Only Prevent leads and administrators record the threat level.")


@transaction.atomic
def record_threat_level(
    *,
    level: str,
    starts_on: datetime.date,
    note: str = "",
    source_url: str = "",
    acting_user: User,
) -> ThreatLevel:
    """Record a change of the UK national threat level, in force from `starts_on`."""
    _check_threat_level_user(acting_user)
    _not_future(starts_on, "starts_on", "The date the level came into force")
    entry = ThreatLevel(
        level=level,
        starts_on=starts_on,
        note=note,
        source_url=source_url,
        created_by=acting_user,
        modified_by=acting_user,
    )
    _save_unique(entry, "starts_on", "A threat level is already recorded from that date")
    record(AuditAction.CREATE, actor=acting_user, obj=entry)
    return entry


@transaction.atomic
def update_threat_level(entry: ThreatLevel, *, acting_user: User, **changes: Any) -> ThreatLevel:
    """Correct a recorded threat level (a new level is a new entry, not a change)."""
    _check_threat_level_user(acting_user)
    _not_future(changes.get("starts_on"), "starts_on", "The date the level came into force")
    changed = _apply(entry, changes, ("level", "starts_on", "note", "source_url"))
    if changed:
        entry.modified_by = acting_user
        _save_unique(entry, "starts_on", "A threat level is already recorded from that date")
        record(AuditAction.CHANGE, actor=acting_user, obj=entry, detail={"fields": changed})
    return entry


@transaction.atomic
def create_ctlp(
    *,
    authority: Authority,
    title: str,
    issued_on: datetime.date,
    area: str,
    key_points: str,
    produced_by: str = "",
    acting_user: User,
) -> CTLP:
    _check(acting_user, authority)
    _not_future(issued_on, "issued_on", "The date of the CTLP")
    ctlp = CTLP.objects.create(
        authority=authority,
        title=title,
        issued_on=issued_on,
        area=area,
        produced_by=produced_by,
        key_points=key_points,
        created_by=acting_user,
        modified_by=acting_user,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=ctlp)
    return ctlp


@transaction.atomic
def update_ctlp(ctlp: CTLP, *, acting_user: User, **changes: Any) -> CTLP:
    _check(acting_user, ctlp.authority_id)
    _not_future(changes.get("issued_on"), "issued_on", "The date of the CTLP")
    changed = _apply(ctlp, changes, ("title", "issued_on", "area", "produced_by", "key_points"))
    if changed:
        ctlp.modified_by = acting_user
        ctlp.save()
        record(AuditAction.CHANGE, actor=acting_user, obj=ctlp, detail={"fields": changed})
    return ctlp


@transaction.atomic
def add_recommendation(
    ctlp: CTLP,
    *,
    text: str,
    number: int | None = None,
    response: str = "",
    response_status: str = ResponseStatus.NOT_STARTED,
    response_owner: str = "",
    acting_user: User,
) -> CTLPRecommendation:
    """Add a recommendation to a CTLP (numbered next if no number is given)."""
    _check(acting_user, ctlp.authority_id)
    if response_status == ResponseStatus.NOT_ACCEPTED and not response.strip():
        raise ValidationError({"response": "Say why the recommendation is not accepted"})
    if number is None:
        last = ctlp.recommendations.aggregate(n=models.Max("number"))["n"] or 0
        number = last + 1
    recommendation = CTLPRecommendation(
        ctlp=ctlp,
        number=number,
        text=text,
        response=response,
        response_status=response_status,
        response_owner=response_owner,
        created_by=acting_user,
        modified_by=acting_user,
    )
    _save_unique(recommendation, "number", f"This CTLP already has a recommendation {number}")
    record(AuditAction.CREATE, actor=acting_user, obj=recommendation, authority=ctlp.authority_id)
    return recommendation


@transaction.atomic
def update_recommendation(
    recommendation: CTLPRecommendation, *, acting_user: User, **changes: Any
) -> CTLPRecommendation:
    """Change a recommendation's wording or record the local response to it."""
    authority_id = recommendation.ctlp.authority_id
    _check(acting_user, authority_id)
    if (
        changes.get("response_status") == ResponseStatus.NOT_ACCEPTED
        and not (changes.get("response", recommendation.response) or "").strip()
    ):
        raise ValidationError({"response": "Say why the recommendation is not accepted"})
    changed = _apply(
        recommendation,
        changes,
        ("number", "text", "response", "response_status", "response_owner"),
    )
    if changed:
        recommendation.modified_by = acting_user
        _save_unique(
            recommendation,
            "number",
            f"This CTLP already has a recommendation {recommendation.number}",
        )
        record(
            AuditAction.CHANGE,
            actor=acting_user,
            obj=recommendation,
            authority=authority_id,
            detail={"fields": changed},
        )
    return recommendation


def _check_review_dates(reviewed_on: datetime.date, next_review: datetime.date) -> None:
    _not_future(reviewed_on, "reviewed_on", "The date of the review")
    if next_review < reviewed_on:
        raise ValidationError({"review_date": "The next review must be after this review"})


@transaction.atomic
def add_risk(
    *,
    authority: Authority,
    reference: str,
    theme: str,
    description: str,
    owner: str,
    likelihood: int,
    impact: int,
    trend: str,
    review_date: datetime.date,
    identified_on: datetime.date,
    agency: str = "",
    rating: str = "",
    ctlp: CTLP | None = None,
    note: str = "",
    acting_user: User,
) -> Risk:
    """Add a risk to the register with the council's likelihood, impact, trend and (if it
    records one) rating, as entered; the first review row is dated `identified_on`."""
    _check(acting_user, authority)
    _check_review_dates(identified_on, review_date)
    if ctlp is not None and ctlp.authority_id != authority.pk:
        raise ValidationError({"ctlp": "Choose a CTLP of this authority"})
    risk = Risk(
        authority=authority,
        reference=reference,
        theme=theme,
        description=description,
        owner=owner,
        agency=agency,
        ctlp=ctlp,
        likelihood=likelihood,
        impact=impact,
        trend=trend,
        rating=rating,
        review_date=review_date,
        created_by=acting_user,
        modified_by=acting_user,
    )
    _save_unique(risk, "reference", f"The register already has a risk {reference}")
    RiskReview.objects.create(
        risk=risk,
        reviewed_on=identified_on,
        likelihood=likelihood,
        impact=impact,
        trend=trend,
        rating=rating,
        next_review=review_date,
        note=note or "Added to the register.",
        created_by=acting_user,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=risk)
    return risk


@transaction.atomic
def update_risk(risk: Risk, *, acting_user: User, **changes: Any) -> Risk:
    """Change a risk's wording, owner or CTLP. Ratings change only by a dated review."""
    _check(acting_user, risk.authority_id)
    ctlp = changes.get("ctlp")
    if ctlp is not None and ctlp.authority_id != risk.authority_id:
        raise ValidationError({"ctlp": "Choose a CTLP of this authority"})
    changed = _apply(
        risk, changes, ("reference", "theme", "description", "owner", "agency", "ctlp")
    )
    if changed:
        risk.modified_by = acting_user
        _save_unique(risk, "reference", f"The register already has a risk {risk.reference}")
        record(AuditAction.CHANGE, actor=acting_user, obj=risk, detail={"fields": changed})
    return risk


@transaction.atomic
def review_risk(
    risk: Risk,
    *,
    reviewed_on: datetime.date,
    likelihood: int,
    impact: int,
    trend: str,
    review_date: datetime.date,
    rating: str = "",
    note: str = "",
    acting_user: User,
) -> RiskReview:
    """Append a dated review; the register shows its values from then on."""
    _check(acting_user, risk.authority_id)
    if risk.archived:
        raise ValidationError("This risk is closed; it cannot be reviewed")
    _check_review_dates(reviewed_on, review_date)
    last = risk.reviews.order_by("-reviewed_on", "-id").first()
    if last is not None and reviewed_on < last.reviewed_on:
        raise ValidationError(
            {
                "reviewed_on": "The date of the review must be on or after the last review "
                f"({long_date(last.reviewed_on)})"
            }
        )
    new = {
        "likelihood": likelihood,
        "impact": impact,
        "trend": trend,
        "rating": rating,
        "review_date": review_date,
    }
    changed = sorted(name for name, value in new.items() if getattr(risk, name) != value)
    review = RiskReview.objects.create(
        risk=risk,
        reviewed_on=reviewed_on,
        likelihood=likelihood,
        impact=impact,
        trend=trend,
        rating=rating,
        next_review=review_date,
        note=note.strip(),
        created_by=acting_user,
    )
    for name, value in new.items():
        setattr(risk, name, value)
    risk.modified_by = acting_user
    risk.save()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=risk,
        detail={"fields": changed, "review": review.pk, "reviewed_on": reviewed_on.isoformat()},
    )
    return review


@transaction.atomic
def close_risk(risk: Risk, *, reason: str, acting_user: User) -> Risk:
    _check(acting_user, risk.authority_id)
    _archive(risk, reason, acting_user, "risk")
    record(AuditAction.CHANGE, actor=acting_user, obj=risk, detail={"fields": ["archived"]})
    return risk


def _check_ward(ward: Ward | None, authority_id: int) -> None:
    if ward is not None and ward.authority_id != authority_id:
        raise ValidationError({"ward": "Choose a ward of this authority"})


@transaction.atomic
def record_incident(
    *,
    authority: Authority,
    occurred_on: datetime.date,
    kind: str,
    summary: str,
    ward: Ward | None = None,
    location: str = "",
    source: str = "",
    police_reference: str = "",
    acting_user: User,
) -> Incident:
    """Log an incident connected to the area (ward not known is allowed)."""
    _check(acting_user, authority)
    _check_ward(ward, authority.pk)
    _not_future(occurred_on, "occurred_on", "The date of the incident")
    incident = Incident.objects.create(
        authority=authority,
        occurred_on=occurred_on,
        kind=kind,
        ward=ward,
        location=location,
        summary=summary,
        source=source,
        police_reference=police_reference,
        created_by=acting_user,
        modified_by=acting_user,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=incident)
    return incident


@transaction.atomic
def update_incident(incident: Incident, *, acting_user: User, **changes: Any) -> Incident:
    _check(acting_user, incident.authority_id)
    if "ward" in changes:
        _check_ward(changes["ward"], incident.authority_id)
    _not_future(changes.get("occurred_on"), "occurred_on", "The date of the incident")
    changed = _apply(
        incident,
        changes,
        ("occurred_on", "kind", "ward", "location", "summary", "source", "police_reference"),
    )
    if changed:
        incident.modified_by = acting_user
        incident.save()
        record(AuditAction.CHANGE, actor=acting_user, obj=incident, detail={"fields": changed})
    return incident


@transaction.atomic
def archive_incident(incident: Incident, *, reason: str, acting_user: User) -> Incident:
    """Take an incident out of the log (recorded in error, or a duplicate), with a reason.
    It is kept, but no longer counted."""
    _check(acting_user, incident.authority_id)
    _archive(incident, reason, acting_user, "incident")
    record(AuditAction.CHANGE, actor=acting_user, obj=incident, detail={"fields": ["archived"]})
    return incident


# --- Views and exports ------------------------------------------------------------------------


def record_view(obj: models.Model, *, acting_user: User) -> None:
    """Audit that `acting_user` viewed an OFFICIAL-SENSITIVE record (CTLP, incident)."""
    record(AuditAction.VIEW, actor=acting_user, obj=obj)


def record_export(
    *,
    acting_user: User,
    object_type: str,
    authority_ids: Iterable[int],
    export_format: str,
    rows: int,
    extra: dict[str, Any] | None = None,
) -> None:
    """Audit an export: one event per authority whose records it holds."""
    ids: list[int | None] = [*sorted(set(authority_ids))]
    for authority_id in ids or [None]:
        record(
            AuditAction.EXPORT,
            actor=acting_user,
            object_type=object_type,
            authority=authority_id,
            detail={"format": export_format, "rows": rows, **(extra or {})},
        )
