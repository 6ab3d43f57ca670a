"""Writes for the personal data lifecycle: one function per business event, each atomic,
with its audit event in the same transaction.

The retention process (`apply_retention`) is the one exception to "nothing is
hard-deleted, only services of the owning app change its records": it clears the
personal details of casework records directly (through queryset updates), because a
retention schedule must be able to remove what the casework services would otherwise
keep forever. It keeps every de-identified row that statistics count (referral dates,
milestones, outcomes, sector, concern, age at referral, gender, ethnic group, religion,
ward, vulnerability links, panel meetings and attendance), so figures for past years do
not change, and writes a `DestructionRecord` that holds no personal data.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from dueregard.accounts.models import Role, User
from dueregard.accounts.permissions import Action, Kind, can, roles_allowed
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.casework.models import (
    AgendaItem,
    Consent,
    MeetingEvent,
    OnwardReferral,
    PanelAction,
    Person,
    Referral,
    Review,
    Stage,
    StageEvent,
    SupportPlan,
    SupportSession,
    VulnerabilityAssessment,
)
from dueregard.core import periods

from . import subject_access
from .models import (
    COUNTED_FROM,
    DEFAULT_YEARS,
    AccessReview,
    ChildProtectionLink,
    DataSharingAgreement,
    DestructionRecord,
    LawfulBasis,
    RecordClass,
    RetentionRule,
    SharingRecord,
    SubjectAccessRequest,
)

REDACTED = subject_access.REDACTED
ThirdPartyItem = subject_access.ThirdPartyItem
REMOVED = "[removed under the retention schedule]"
WARNING_DAYS = 60  # the coordinator is warned this long before a history is removed


def _require(value: Any, field_name: str, message: str) -> None:
    if value in (None, "", [], ()):
        raise ValidationError({field_name: message})


def _not_future(day: datetime.date | None, field_name: str, label: str) -> datetime.date:
    if day is None:
        raise ValidationError({field_name: f"Enter {label.lower()}"})
    if day > periods.today():
        raise ValidationError({field_name: f"{label} must be today or in the past"})
    return day


# --------------------------------------------------------------------------------------
# Retention schedule


def rules_for(authority: Authority) -> dict[RecordClass, int]:
    """Years before review for each record class: the authority's rules, else defaults."""
    years = dict(DEFAULT_YEARS)
    for rule in RetentionRule.objects.filter(authority=authority):
        years[RecordClass(rule.record_class)] = rule.review_after_years
    return years


def rule_label(record_class: RecordClass, years: int) -> str:
    return f"{record_class.label}: {years} years from {COUNTED_FROM[record_class]}"


@transaction.atomic
def set_retention_rule(
    authority: Authority,
    *,
    record_class: str,
    review_after_years: int,
    note: str = "",
    acting_user: User,
) -> RetentionRule:
    """Create or change an authority's rule for a record class (1 to 100 years)."""
    if record_class not in RecordClass.values:
        raise ValidationError({"record_class": "Choose a record class"})
    if not 1 <= review_after_years <= 100:
        raise ValidationError({"review_after_years": "Enter a number of years from 1 to 100"})
    rule, created = RetentionRule.objects.get_or_create(
        authority=authority,
        record_class=record_class,
        defaults={
            "review_after_years": review_after_years,
            "note": note,
            "created_by": acting_user,
            "modified_by": acting_user,
        },
    )
    if not created:
        before = rule.review_after_years
        rule.review_after_years = review_after_years
        rule.note = note
        rule.modified_by = acting_user
        rule.save()
        record(
            AuditAction.CHANGE,
            actor=acting_user,
            obj=rule,
            detail={"record_class": record_class, "from": before, "to": review_after_years},
        )
    else:
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=rule,
            detail={"record_class": record_class, "years": review_after_years},
        )
    return rule


def ensure_default_rules(authority: Authority, *, acting_user: User) -> list[RetentionRule]:
    """Give an authority the default schedule for every class it has no rule for."""
    existing = set(
        RetentionRule.objects.filter(authority=authority).values_list("record_class", flat=True)
    )
    return [
        set_retention_rule(
            authority,
            record_class=cls,
            review_after_years=years,
            note="Default schedule (issue 7; domain reference §6.2).",
            acting_user=acting_user,
        )
        for cls, years in DEFAULT_YEARS.items()
        if cls not in existing
    ]


@transaction.atomic
def set_legal_hold(person: Person, *, on: bool, reason: str, acting_user: User) -> Person:
    """Place or lift a legal hold: a held person's records are never removed."""
    from dueregard.casework import services as casework_services

    return casework_services.set_legal_hold(person, on=on, reason=reason, acting_user=acting_user)


def _may_change_retention(user: User | None, authority: Authority) -> User:
    """The user, if they may change retention (run it, hold, link) in the authority."""
    if user is None or not user.is_authenticated:
        raise ValidationError("This needs the user responsible for it.")
    if not can(user, Kind.RETENTION, Action.CHANGE, authority):
        roles = ", ".join(
            sorted(Role(r).label for r in roles_allowed(Kind.RETENTION, Action.CHANGE))
        )
        raise ValidationError(
            f"{user.username} may not change retention in {authority.name}: only a user "
            f"with the role {roles} there may."
        )
    return user


@transaction.atomic
def link_child_protection(
    person: Person, *, noted_on: datetime.date, reason: str, acting_user: User
) -> ChildProtectionLink:
    """Note that the person's records are linked to child protection, so the longer rule
    applies. Linking a person already linked changes nothing."""
    _may_change_retention(acting_user, person.authority)
    _not_future(noted_on, "noted_on", "The date")
    _require(reason.strip(), "reason", "Enter why the records are linked to child protection")
    link = ChildProtectionLink.objects.select_for_update().filter(person=person).first()
    if link is not None and link.active:
        return link
    if link is None:
        link = ChildProtectionLink(person=person, authority_id=person.authority_id)
    link.noted_on, link.noted_by, link.reason = noted_on, acting_user, reason.strip()
    link.unlinked_on, link.unlinked_by, link.unlink_reason = None, None, ""
    link.save()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=person,
        detail={"fields": "child_protection", "linked": True, "reason": link.reason},
    )
    return link


@transaction.atomic
def unlink_child_protection(
    person: Person, *, reason: str, acting_user: User
) -> ChildProtectionLink:
    """End the link (the usual rule applies again); the link's record is kept."""
    _may_change_retention(acting_user, person.authority)
    _require(reason.strip(), "reason", "Enter why the link to child protection ends")
    link = ChildProtectionLink.objects.select_for_update().filter(person=person).first()
    if link is None or not link.active:
        raise ValidationError(
            {"person": "This person's records are not linked to child protection."}
        )
    link.unlinked_on, link.unlinked_by = periods.today(), acting_user
    link.unlink_reason = reason.strip()
    link.save(update_fields=["unlinked_on", "unlinked_by", "unlink_reason"])
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=person,
        detail={"fields": "child_protection", "linked": False, "reason": link.unlink_reason},
    )
    return link


@dataclass(frozen=True)
class RetentionDue:
    """A person whose records fall (or will fall) due for removal, and why."""

    person: Person
    record_class: RecordClass
    rule: str
    due_on: datetime.date
    referral_ids: tuple[int, ...]
    held: bool

    @property
    def referral_count(self) -> int:
        return len(self.referral_ids)


def _referral_basis(referral: Referral, last_review: datetime.date | None) -> datetime.date:
    """The date a closed referral's clock counts from (see COUNTED_FROM)."""
    assert referral.closed_on is not None
    if referral.adopted_on is None:
        return referral.closed_on
    dates = [d for d in (referral.closed_on, referral.left_channel_on, last_review) if d]
    return max(dates)


def _people_in_scope(authority: Authority) -> QuerySet[Person]:
    """People of `authority` not yet de-identified, with referrals, none of them open."""
    destroyed = DestructionRecord.objects.filter(authority=authority).values("person_id")
    open_referral = Referral.objects.filter(person=models.OuterRef("pk")).exclude(
        stage=Stage.CLOSED
    )
    return (
        Person.objects.filter(authority=authority, referrals__isnull=False)
        .exclude(pk__in=destroyed)
        .exclude(models.Exists(open_referral))
        .distinct()
    )


def retention_schedule(
    authority: Authority, *, on: datetime.date, within_days: int = 0
) -> list[RetentionDue]:
    """People whose records are due for removal on `on` (or within `within_days` after).

    A person goes as a whole, when every one of their referrals is closed and the latest
    due date among them has passed, so a repeat referral restarts the clock. Each
    referral's due date is its class's years from: its closure (not a Channel case), or
    the latest of closure, leaving Channel and the last post-exit review (Channel case).
    A person linked to child protection is kept until that rule's years from their date
    of birth (or from the latest referral's basis when the date of birth is not known)
    if that is later. People on legal hold are listed with `held=True` and never removed.
    """
    years = rules_for(authority)
    horizon = on + datetime.timedelta(days=within_days)
    people = list(
        _people_in_scope(authority).select_related("child_protection_link").order_by("pk")
    )
    referrals = (
        Referral.objects.filter(person__in=[p.pk for p in people])
        .annotate(last_review=Max("reviews__held_on"))
        .order_by("pk")
    )
    by_person: dict[int, list[Referral]] = {}
    for row in referrals:
        by_person.setdefault(row.person_id, []).append(row)
    result = []
    for person in people:
        best: tuple[datetime.date, RecordClass] | None = None
        latest_basis: datetime.date | None = None
        for referral in by_person.get(person.pk, []):
            if referral.closed_on is None:
                best = None
                break
            basis = _referral_basis(referral, referral.last_review)  # type: ignore[attr-defined]
            latest_basis = max(latest_basis or basis, basis)
            cls = RecordClass.CHANNEL if referral.adopted_on else RecordClass.NOT_CHANNEL
            due = periods.add_months(basis, 12 * years[cls])
            if best is None or due > best[0]:
                best = (due, cls)
        if best is None or latest_basis is None:
            continue
        link = getattr(person, "child_protection_link", None)
        if link is not None and link.active:
            start = person.date_of_birth or latest_basis
            cls = RecordClass.CHILD_PROTECTION
            due = periods.add_months(start, 12 * years[cls])
            if due > best[0]:
                best = (due, cls)
        due_on, cls = best
        if due_on > horizon:
            continue
        result.append(
            RetentionDue(
                person=person,
                record_class=cls,
                rule=rule_label(cls, years[cls]),
                due_on=due_on,
                referral_ids=tuple(r.pk for r in by_person[person.pk]),
                held=person.legal_hold,
            )
        )
    result.sort(key=lambda d: (d.due_on, d.person.pk))
    return result


def _update(qs: QuerySet[Any], **values: Any) -> int:
    # models.QuerySet.update, bypassing the append-only guard of StageEvent's queryset:
    # clearing free text under the retention schedule is the one change history allows.
    return models.QuerySet.update(qs, **values)


# What the retention process clears, by model: the personal details and free text.
CLEARED_FIELDS: dict[str, tuple[str, ...]] = {
    "casework.person": (
        "given_name",
        "family_name",
        "other_names",
        "date_of_birth",
        "address",
        "health_details",
        "legal_hold_reason",
    ),
    "casework.referral": (
        "referrer_name",
        "referrer_organisation",
        "referrer_contact",
        "concern_description",
        "panel_summary",
        "gateway_police_notes",
        "alternative_support",
        "closure_reason",
    ),
    "casework.stageevent": ("reason",),
    "casework.consent": ("given_by_name", "notes"),
    "casework.supportplan": ("other_support",),
    "casework.supportsession": ("notes",),
    "casework.review": ("notes",),
    "casework.onwardreferral": ("response_note",),
    "casework.agendaitem": ("discussion", "decision_reason", "removal_reason"),
    "casework.meetingevent": ("change", "reason"),
    "casework.vulnerabilityassessment": ("engagement", "intent", "capability", "conclusion"),
    "casework.panelaction": ("description", "progress"),
    "privacy.sharingrecord": ("purpose", "what_was_shared"),
    "privacy.subjectaccessrequest": ("phrases",),
}


def _rows_of(person: Person) -> dict[str, QuerySet[Any]]:
    """The rows about `person` that retention clears, by model label (as CLEARED_FIELDS)."""
    referral_ids = list(Referral.objects.filter(person=person).values_list("pk", flat=True))
    item_ids = list(
        AgendaItem.objects.filter(referral_id__in=referral_ids).values_list("pk", flat=True)
    )
    action_ids = list(
        PanelAction.objects.filter(referral_id__in=referral_ids).values_list("pk", flat=True)
    )
    of_referrals = {"referral_id__in": referral_ids}
    return {
        "casework.person": Person.objects.filter(pk=person.pk),
        "casework.referral": Referral.objects.filter(pk__in=referral_ids),
        "casework.stageevent": StageEvent.objects.filter(person=person),
        "casework.consent": Consent.objects.filter(**of_referrals),
        "casework.supportplan": SupportPlan.objects.filter(**of_referrals),
        "casework.supportsession": SupportSession.objects.filter(
            plan__referral_id__in=referral_ids
        ),
        "casework.review": Review.objects.filter(**of_referrals),
        "casework.onwardreferral": OnwardReferral.objects.filter(**of_referrals),
        "casework.agendaitem": AgendaItem.objects.filter(pk__in=item_ids),
        "casework.meetingevent": MeetingEvent.objects.filter(
            Q(agenda_item_id__in=item_ids) | Q(action_id__in=action_ids)
        ),
        "casework.vulnerabilityassessment": VulnerabilityAssessment.objects.filter(**of_referrals),
        "casework.panelaction": PanelAction.objects.filter(pk__in=action_ids),
        "privacy.sharingrecord": SharingRecord.objects.filter(**of_referrals),
        "privacy.subjectaccessrequest": SubjectAccessRequest.objects.filter(person=person),
    }


def _holding_data(name: str, model: type[models.Model]) -> Q:
    """Rows whose field `name` holds something (not empty, not null, not an empty list)."""
    field = model._meta.get_field(name)
    held = Q(**{f"{name}__isnull": False})
    if isinstance(field, models.JSONField):
        return held & ~Q(**{name: []})
    if isinstance(field, models.CharField | models.TextField):
        return held & ~Q(**{name: ""})
    return held


def fields_holding_data(person: Person) -> list[str]:
    """The cleared fields (`model.field`, in CLEARED_FIELDS' order) that hold something about
    `person` now: what a destruction record lists as removed. One query per model."""
    rows = _rows_of(person)
    held: list[str] = []
    for label, names in CLEARED_FIELDS.items():
        qs = rows[label]
        counts = qs.aggregate(**{n: Count("pk", filter=_holding_data(n, qs.model)) for n in names})
        held += [f"{label}.{n}" for n in names if counts[n]]
    return held


def _clear_person(person: Person, acting_user: User) -> None:
    # The ids are read first and every UPDATE filters on a plain list of them. An UPDATE
    # through a join (`plan__referral__in=...`) becomes `id IN (SELECT ... JOIN ...)`,
    # which PostgreSQL without table statistics can run as a nested loop per row: seconds
    # per person instead of milliseconds.
    referral_ids = list(Referral.objects.filter(person=person).values_list("pk", flat=True))
    plan_ids = list(
        SupportPlan.objects.filter(referral_id__in=referral_ids).values_list("pk", flat=True)
    )
    referrals = Referral.objects.filter(pk__in=referral_ids)
    now = timezone.now()
    _update(
        Person.objects.filter(pk=person.pk),
        given_name="",
        family_name="",
        other_names="",
        date_of_birth=None,
        address="",
        health_details="",
        legal_hold_reason="",
        given_name_key="",
        family_name_key="",
        family_name_sound="",
        unidentified_historical=True,
        archived=True,
        archived_on=now,
        archived_by=acting_user,
        archived_reason="Personal details removed under the retention schedule.",
        modified_at=now,
        modified_by=acting_user,
    )
    _update(
        referrals,
        referrer_name="",
        referrer_organisation="",
        referrer_contact="",
        concern_description="",
        panel_summary="",
        gateway_police_notes="",
        alternative_support="",
        closure_reason=REMOVED,  # a closed referral must keep a reason (a model constraint)
        modified_at=now,
    )
    _update(StageEvent.objects.filter(person=person), reason="")
    _update(Consent.objects.filter(referral_id__in=referral_ids), given_by_name="", notes="")
    _update(SupportPlan.objects.filter(referral_id__in=referral_ids), other_support="")
    _update(SupportSession.objects.filter(plan_id__in=plan_ids), notes="")
    _update(Review.objects.filter(referral_id__in=referral_ids), notes="")
    _update(OnwardReferral.objects.filter(referral_id__in=referral_ids), response_note="")
    item_ids = list(
        AgendaItem.objects.filter(referral_id__in=referral_ids).values_list("pk", flat=True)
    )
    _update(
        AgendaItem.objects.filter(pk__in=item_ids),
        discussion="",
        decision_reason="",
        removal_reason="",
    )
    action_ids = list(
        PanelAction.objects.filter(referral_id__in=referral_ids).values_list("pk", flat=True)
    )
    # A meeting's history keeps corrections and removals with the text before and after.
    _update(
        MeetingEvent.objects.filter(Q(agenda_item_id__in=item_ids) | Q(action_id__in=action_ids)),
        change="",
        reason="",
    )
    _update(
        VulnerabilityAssessment.objects.filter(referral_id__in=referral_ids),
        engagement="",
        intent="",
        capability="",
        conclusion="",
    )
    _update(
        PanelAction.objects.filter(referral_id__in=referral_ids), description=REMOVED, progress=""
    )
    _update(
        SharingRecord.objects.filter(referral_id__in=referral_ids),
        purpose=REMOVED,
        what_was_shared=REMOVED,
    )
    _update(SubjectAccessRequest.objects.filter(person=person), phrases=[])


@transaction.atomic
def destroy_personal_details(due: RetentionDue, *, acting_user: User) -> DestructionRecord:
    """Remove one person's personal details under the schedule and record it."""
    person = Person.objects.select_for_update().get(pk=due.person.pk)
    if person.legal_hold:
        raise ValidationError(f"Person {person.pk} is on legal hold: their records are kept.")
    if Referral.objects.filter(person=person).exclude(stage=Stage.CLOSED).exists():
        raise ValidationError(f"Person {person.pk} has an open referral: nothing is removed.")
    removed = fields_holding_data(person)
    _clear_person(person, acting_user)
    destruction = DestructionRecord.objects.create(
        authority_id=person.authority_id,
        person_id=person.pk,
        referral_ids=list(due.referral_ids),
        record_class=due.record_class,
        rule=due.rule[:200],
        due_on=due.due_on,
        destroyed_by=acting_user,
        removed=removed,
    )
    record(
        AuditAction.DESTROY,
        actor=acting_user,
        object_type="casework.person",
        object_id=person.pk,
        authority=person.authority_id,
        person_id=person.pk,
        detail={
            "destruction_record": destruction.pk,
            "rule": due.record_class,
            "referrals": len(due.referral_ids),
            "due_on": due.due_on.isoformat(),
        },
    )
    return destruction


@dataclass
class RetentionRun:
    """What a run found: `due` (removed, or would be on a dry run) and `held` (kept)."""

    authority: Authority
    on: datetime.date
    dry_run: bool
    due: list[RetentionDue] = field(default_factory=list)
    held: list[RetentionDue] = field(default_factory=list)
    destroyed: list[DestructionRecord] = field(default_factory=list)


def apply_retention(
    authority: Authority, *, on: datetime.date, dry_run: bool, acting_user: User | None
) -> RetentionRun:
    """Apply the schedule on `on`. A dry run changes nothing; a real run removes each due
    person's details in its own transaction (so one failure leaves others done)."""
    schedule = retention_schedule(authority, on=on)
    run = RetentionRun(
        authority=authority,
        on=on,
        dry_run=dry_run,
        due=[d for d in schedule if not d.held],
        held=[d for d in schedule if d.held],
    )
    if not dry_run:
        if acting_user is None or not acting_user.is_authenticated:
            raise ValidationError("A real run needs the user responsible for it.")
        acting_user = _may_change_retention(acting_user, authority)
        for due in run.due:
            run.destroyed.append(destroy_personal_details(due, acting_user=acting_user))
    return run


def due_soon(authority: Authority, *, on: datetime.date) -> list[RetentionDue]:
    """People whose linked history will be removed within WARNING_DAYS (not held)."""
    return [d for d in retention_schedule(authority, on=on, within_days=WARNING_DAYS) if not d.held]


# --------------------------------------------------------------------------------------
# Subject access


@transaction.atomic
def start_subject_access_request(
    person: Person, *, received_on: datetime.date, acting_user: User
) -> SubjectAccessRequest:
    _not_future(received_on, "received_on", "The date the request was received")
    sar = SubjectAccessRequest.objects.create(
        authority_id=person.authority_id,
        person=person,
        received_on=received_on,
        created_by=acting_user,
        modified_by=acting_user,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=sar)
    return sar


def third_party_items(person: Person) -> list[ThirdPartyItem]:
    """Every free-text value held about the person, offered for redaction: the map's
    redactable fields (`subject_access.SECTIONS`), whatever record holds them."""
    return subject_access.third_party_items(person)


@transaction.atomic
def set_redactions(
    sar: SubjectAccessRequest, *, keys: list[str], phrases: list[str], acting_user: User
) -> SubjectAccessRequest:
    """Record what is redacted before release (whole items and phrases in any text)."""
    allowed = {i.key for i in third_party_items(sar.person)}
    unknown = [k for k in keys if k not in allowed]
    if unknown:
        raise ValidationError({"redact": "Choose only items listed on this page"})
    sar.redacted = sorted(set(keys))
    sar.phrases = [p.strip() for p in phrases if len(p.strip()) >= 2]
    sar.redaction_confirmed = True
    sar.modified_by = acting_user
    sar.save()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=sar,
        detail={"redacted_items": len(sar.redacted), "phrases": len(sar.phrases)},
    )
    return sar


def subject_access_data(sar: SubjectAccessRequest) -> dict[str, list[dict[str, Any]]]:
    """Everything held about the person, by record type, assembled from the declared map
    (`subject_access.py`), with the whole items redacted and every phrase withheld from
    every text value."""
    return subject_access.assemble(sar.person, keys=sar.redacted, phrases=sar.phrases)


def _export_audit(sar: SubjectAccessRequest, acting_user: User, fmt: str) -> None:
    record(
        AuditAction.EXPORT,
        actor=acting_user,
        obj=sar,
        detail={
            "format": fmt,
            "export": "subject access",
            "redacted_items": len(sar.redacted),
            "phrases": len(sar.phrases),
        },
    )


def _check_ready(sar: SubjectAccessRequest) -> None:
    if not sar.redaction_confirmed:
        raise ValidationError("Confirm the redactions before the export is released.")


def _pdf(sar: SubjectAccessRequest, data: dict[str, list[dict[str, Any]]]) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a moment

    html = render_to_string(
        "privacy/sar_pdf.html",
        {
            "sar": sar,
            "sections": [(k.replace("_", " ").capitalize(), rows) for k, rows in data.items()],
            "generated_at": timezone.now(),
        },
    )
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


@transaction.atomic
def subject_access_pdf(sar: SubjectAccessRequest, *, acting_user: User) -> bytes:
    """The export as a PDF, audited (EXPORT) in the same transaction."""
    _check_ready(sar)
    pdf = _pdf(sar, subject_access_data(sar))
    _export_audit(sar, acting_user, "pdf")
    return pdf


@transaction.atomic
def subject_access_zip(sar: SubjectAccessRequest, *, acting_user: User) -> bytes:
    """The export as a ZIP: one JSON file per record type, the PDF and a README."""
    _check_ready(sar)
    data = subject_access_data(sar)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in data.items():
            archive.writestr(f"{name}.json", json.dumps(rows, indent=2, ensure_ascii=False))
        archive.writestr(f"subject-access-{sar.pk}.pdf", _pdf(sar, data))
        archive.writestr(
            "README.txt",
            "OFFICIAL-SENSITIVE. Subject access export "
            f"{sar.pk}, person record {sar.person_id}. One JSON file per record type; "
            f"text withheld to protect other people is shown as {REDACTED}.\n",
        )
    _export_audit(sar, acting_user, "zip")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------
# Information sharing


@transaction.atomic
def record_sharing(
    referral: Referral,
    *,
    direction: str,
    partner: str,
    purpose: str,
    lawful_basis: str,
    what_was_shared: str,
    shared_on: datetime.date,
    acting_user: User,
) -> SharingRecord:
    _require(partner.strip(), "partner", "Enter the partner agency")
    _require(purpose.strip(), "purpose", "Enter the purpose of the sharing")
    _require(what_was_shared.strip(), "what_was_shared", "Enter what was shared")
    if lawful_basis not in LawfulBasis.values:
        raise ValidationError({"lawful_basis": "Choose the lawful basis"})
    _not_future(shared_on, "shared_on", "The date shared")
    if shared_on < referral.received_on:
        raise ValidationError(
            {"shared_on": "The date shared must be on or after the referral was received"}
        )
    sharing = SharingRecord.objects.create(
        authority_id=referral.authority_id,
        referral=referral,
        direction=direction,
        partner=partner.strip(),
        purpose=purpose.strip(),
        lawful_basis=lawful_basis,
        what_was_shared=what_was_shared.strip(),
        shared_on=shared_on,
        shared_by=acting_user,
        created_by=acting_user,
        modified_by=acting_user,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=sharing, detail={"partner": sharing.partner})
    return sharing


@transaction.atomic
def record_agreement(
    authority: Authority,
    *,
    partner: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    document_reference: str = "",
    acting_user: User,
) -> DataSharingAgreement:
    _require(partner.strip(), "partner", "Enter the partner agency")
    _require(starts_on, "starts_on", "Enter the date the agreement starts")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date"})
    agreement = DataSharingAgreement.objects.create(
        authority=authority,
        partner=partner.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        document_reference=document_reference.strip(),
        created_by=acting_user,
        modified_by=acting_user,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=agreement)
    return agreement


def current_agreements(authority: Authority, on: datetime.date) -> QuerySet[DataSharingAgreement]:
    return DataSharingAgreement.objects.filter(authority=authority, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


# --------------------------------------------------------------------------------------
# Access review


@transaction.atomic
def record_access_review(
    authority: Authority,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    notes: str,
    acting_user: User,
) -> AccessReview:
    if period_end < period_start:
        raise ValidationError({"period_end": "The end of the period must be after its start"})
    review = AccessReview.objects.create(
        authority=authority,
        period_start=period_start,
        period_end=period_end,
        reviewed_by=acting_user,
        notes=notes.strip(),
    )
    record(
        AuditAction.CREATE,
        actor=acting_user,
        obj=review,
        detail={"period": f"{period_start.isoformat()}/{period_end.isoformat()}"},
    )
    return review


# --------------------------------------------------------------------------------------
# Step-up reveal


@transaction.atomic
def record_reveal(obj: Person | Referral, *, what: str, reason: str, acting_user: User) -> None:
    """Audit that `acting_user` re-confirmed their second factor to see `what`, and why."""
    _require(reason.strip(), "reason", "Enter why you need to see it")
    record(
        AuditAction.REVEAL,
        actor=acting_user,
        obj=obj,
        detail={"revealed": what, "reason": reason.strip()},
    )


def record_refused_reveal(
    obj: Person | Referral, *, what: str, reason: str, why: str, acting_user: User
) -> None:
    """Audit an attempt to see `what` that the security code did not allow."""
    record(
        AuditAction.PERMISSION_DENIED,
        actor=acting_user,
        obj=obj,
        detail={"reveal": what, "reason": reason.strip(), "refused": why},
    )
