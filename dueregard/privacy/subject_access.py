"""The subject access map: every model and field that holds data about a person, each with
a decision, and the export assembled from it.

A field is *exported* as it is held, *redactable* (free text that may name or come from
someone else: offered to the coordinator item by item, and exported unless they withhold
it), or *withheld* with the reason named (an exemption of the Data Protection Act 2018, or
why the field is not data about the person). `test_subject_access_map.py` walks every model
Django knows: a model linked to a person (a foreign key or one-to-one to `Person`, or to a
model that has one) that is not in `SECTIONS` or `NOT_EXPORTED`, a field of a mapped model
without a decision, or a free-text field marked plain *exported* fails the suite. So the
export is complete by construction: adding a field means deciding about it here.

Redaction phrases apply to every text value of the assembled export (names, providers,
partners, the view history's "who", reference data labels), after the whole-item
redactions; see `Redactor.value`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Concat

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework.models import (
    AgendaItem,
    Consent,
    MeetingEvent,
    OnwardReferral,
    PanelAction,
    Person,
    Referral,
    Review,
    StageEvent,
    SupportPlan,
    SupportSession,
    VulnerabilityAssessment,
)

from .models import ChildProtectionLink, SharingRecord, SubjectAccessRequest

REDACTED = "[redacted]"

# Reasons for withholding, named once so the map reads as a list of decisions.
OTHERS = (
    "Data Protection Act 2018, Schedule 2, Part 3, paragraph 16 (protection of the rights "
    "of others): it identifies someone other than the person"
)
LEGAL = (
    "Data Protection Act 2018, Schedule 2, Part 1, paragraph 5(3) (legal proceedings): "
    "the reason the record is kept for legal proceedings"
)
STRUCTURE = "Not data about the person: the record's place in the system (its council, key or link)"
DERIVED = "Not data about the person beyond the name exported: a copy of it normalised for matching"
SEAL = "Not data about the person: the audit log's tamper-evidence seal"

# The largest number of people a list view's audit event names (casework's list pages and
# the API's list mixin stop at the same bound).
LIST_PEOPLE_BOUND = 500


@dataclass(frozen=True)
class Section:
    """One record type of the export: the rows held about a person and a decision for
    every field of the model (its concrete fields and many-to-many fields)."""

    name: str
    model: type[models.Model]
    rows: Callable[[Person], QuerySet[Any]]
    exported: tuple[str, ...]
    redactable: tuple[str, ...] = ()
    withheld: dict[str, str] = field(default_factory=dict)
    # Field name -> the key it has in the export, where the field's name would mislead.
    rename: dict[str, str] = field(default_factory=dict)
    # Exported free-text fields the system writes, not a person (a reference, a code).
    system_written: tuple[str, ...] = ()
    # The label the redaction page shows for a redactable field (default: its verbose name).
    labels: dict[str, str] = field(default_factory=dict)

    def decided(self) -> set[str]:
        return set(self.exported) | set(self.redactable) | set(self.withheld)

    def key(self, name: str) -> str:
        return self.rename.get(name, name)

    def label(self, name: str) -> str:
        if name in self.labels:
            return self.labels[name]
        f = self.model._meta.get_field(name)
        return str(getattr(f, "verbose_name", name)).capitalize()


def _by_referral(model: type[models.Model]) -> Callable[[Person], QuerySet[Any]]:
    return lambda person: model._default_manager.filter(referral__person=person).order_by("pk")


SECTIONS: tuple[Section, ...] = (
    Section(
        "person",
        Person,
        lambda person: Person.objects.filter(pk=person.pk),
        exported=(
            "id",
            "created_at",
            "modified_at",
            "created_by",
            "modified_by",
            "archived",
            "archived_on",
            "archived_by",
            "date_of_birth",
            "gender",
            "ethnic_group",
            "religion",
            "ward",
            "unidentified_historical",
            "legal_hold",
        ),
        redactable=(
            "given_name",
            "family_name",
            "other_names",
            "address",
            "health_details",
            "archived_reason",
        ),
        withheld={
            "authority": STRUCTURE,
            "legal_hold_reason": LEGAL,
            "given_name_key": DERIVED,
            "family_name_key": DERIVED,
            "family_name_sound": DERIVED,
        },
        rename={"id": "record_number"},
    ),
    Section(
        "referrals",
        Referral,
        lambda person: Referral.objects.filter(person=person).order_by("received_on", "pk"),
        exported=(
            "reference",
            "created_at",
            "modified_at",
            "created_by",
            "modified_by",
            "source",
            "coordinator",
            "received_on",
            "sector",
            "concern",
            "vulnerabilities",
            "age_at_referral",
            "gender",
            "ward",
            "stage",
            "triaged_on",
            "triage_outcome",
            "referred_to_police_on",
            "gateway_outcome",
            "gateway_outcome_on",
            "gateway_concern",
            "discussed_at_panel_on",
            "panel_concern",
            "adopted_on",
            "not_adopted_on",
            "support_started_on",
            "left_channel_on",
            "exit_reason",
            "closed_on",
            "reopened_from",
        ),
        redactable=(
            "referrer_name",
            "referrer_organisation",
            "referrer_contact",
            "concern_description",
            "panel_summary",
            "gateway_police_notes",
            "alternative_support",
            "closure_reason",
        ),
        withheld={"id": STRUCTURE, "authority": STRUCTURE, "person": STRUCTURE},
        system_written=("reference",),
        rename={"gateway_police_notes": "police_information"},
        labels={
            "referrer_name": "Referrer's name",
            "referrer_organisation": "Referrer's organisation",
            "referrer_contact": "Referrer's contact details",
            "concern_description": "The concern as described",
            "panel_summary": "What the panel is told",
            "gateway_police_notes": "Police information",
            "alternative_support": "Alternative support",
            "closure_reason": "Reason for closure",
        },
    ),
    Section(
        "history",
        StageEvent,
        lambda person: StageEvent.objects.filter(person=person).order_by("occurred_on", "pk"),
        exported=(
            "referral",
            "kind",
            "from_stage",
            "to_stage",
            "outcome",
            "outcome_label",
            "concern",
            "occurred_on",
            "recorded_at",
            "recorded_by",
        ),
        redactable=("reason",),
        withheld={"id": STRUCTURE, "authority": STRUCTURE, "person": STRUCTURE},
        system_written=("outcome", "outcome_label"),
        labels={"reason": "History: reason"},
    ),
    Section(
        "consents",
        Consent,
        _by_referral(Consent),
        exported=(
            "referral",
            "status",
            "given_by",
            "capacity_considered",
            "occurred_on",
            "recorded_at",
            "recorded_by",
        ),
        redactable=("given_by_name", "notes"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={"given_by_name": "Consent given by", "notes": "Consent notes"},
    ),
    Section(
        "panel_discussions",
        AgendaItem,
        _by_referral(AgendaItem),
        exported=(
            "referral",
            "meeting",
            "reason",
            "is_open",
            "decision",
            "decided_at",
            "decided_by",
            "removed_at",
            "removed_by",
        ),
        redactable=("discussion", "decision_reason", "removal_reason"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={
            "discussion": "Panel discussion",
            "decision_reason": "Panel decision reason",
            "removal_reason": "Reason taken off the agenda",
        },
    ),
    Section(
        "meeting_changes",
        MeetingEvent,
        lambda person: MeetingEvent.objects.filter(
            Q(agenda_item__referral__person=person) | Q(action__referral__person=person)
        ).order_by("recorded_at", "pk"),
        exported=("meeting", "kind", "agenda_item", "action", "recorded_at", "recorded_by"),
        redactable=("change", "reason"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={"change": "Meeting record: change", "reason": "Meeting record: reason"},
    ),
    Section(
        "assessments",
        VulnerabilityAssessment,
        _by_referral(VulnerabilityAssessment),
        exported=("referral", "agenda_item", "assessed_on", "recorded_at", "recorded_by"),
        redactable=("engagement", "intent", "capability", "conclusion"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={
            "engagement": "Assessment: engagement",
            "intent": "Assessment: intent",
            "capability": "Assessment: capability",
            "conclusion": "Assessment: conclusion",
        },
    ),
    Section(
        "support_plans",
        SupportPlan,
        _by_referral(SupportPlan),
        exported=(
            "referral",
            "created_at",
            "modified_at",
            "created_by",
            "modified_by",
            "agreed_on",
            "interventions",
            "sessions_planned",
            "planned_start_on",
            "planned_end_on",
            "contact_interval_days",
        ),
        redactable=("intervention_provider", "other_support"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={
            "intervention_provider": "Support plan: intervention provider",
            "other_support": "Support plan: other support",
        },
    ),
    Section(
        "support_sessions",
        SupportSession,
        lambda person: SupportSession.objects.filter(plan__referral__person=person).order_by(
            "occurred_on", "pk"
        ),
        exported=("plan", "occurred_on", "status", "recorded_at", "recorded_by"),
        redactable=("provider", "notes"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={"provider": "Session provider", "notes": "Session notes"},
    ),
    Section(
        "reviews",
        Review,
        _by_referral(Review),
        exported=("referral", "kind", "due_on", "held_on", "further_concerns", "recorded_by"),
        redactable=("notes", "reason", "early_reason"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={
            "notes": "Review notes",
            "reason": "Review: reason",
            "early_reason": "Review: reason held early",
        },
    ),
    Section(
        "panel_actions",
        PanelAction,
        _by_referral(PanelAction),
        exported=(
            "referral",
            "created_at",
            "modified_at",
            "created_by",
            "modified_by",
            "meeting",
            "owner",
            "due_on",
            "status",
            "completed_on",
        ),
        redactable=("description", "progress"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={"description": "Panel action", "progress": "Panel action: progress"},
    ),
    Section(
        "onward_referrals",
        OnwardReferral,
        _by_referral(OnwardReferral),
        exported=(
            "referral",
            "referred_on",
            "recorded_by",
            "recorded_at",
            "response",
            "responded_on",
            "response_recorded_by",
            "response_recorded_at",
        ),
        redactable=("service", "at", "response_note"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={
            "service": "Onward referral: service",
            "at": "Onward referral: where",
            "response_note": "Onward referral: response",
        },
    ),
    Section(
        "information_sharing",
        SharingRecord,
        lambda person: SharingRecord.objects.filter(referral__person=person).order_by(
            "shared_on", "pk"
        ),
        exported=(
            "referral",
            "created_at",
            "modified_at",
            "created_by",
            "modified_by",
            "direction",
            "lawful_basis",
            "shared_on",
            "shared_by",
        ),
        redactable=("partner", "purpose", "what_was_shared"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE},
        labels={
            "partner": "Sharing: partner",
            "purpose": "Sharing: purpose",
            "what_was_shared": "What was shared",
        },
    ),
    Section(
        "child_protection",
        ChildProtectionLink,
        lambda person: ChildProtectionLink.objects.filter(person=person).order_by("pk"),
        exported=("noted_on", "noted_by", "unlinked_on", "unlinked_by"),
        redactable=("reason", "unlink_reason"),
        withheld={"id": STRUCTURE, "authority": STRUCTURE, "person": STRUCTURE},
        labels={
            "reason": "Child protection link: reason",
            "unlink_reason": "Child protection link: reason unlinked",
        },
    ),
    Section(
        "subject_access_requests",
        SubjectAccessRequest,
        lambda person: SubjectAccessRequest.objects.filter(person=person).order_by("pk"),
        exported=(
            "id",
            "created_at",
            "modified_at",
            "created_by",
            "modified_by",
            "received_on",
            "redaction_confirmed",
        ),
        withheld={
            "authority": STRUCTURE,
            "person": STRUCTURE,
            "redacted": OTHERS + " (which items were withheld would reveal them)",
            "phrases": OTHERS + " (the phrases withheld are the names of others)",
        },
    ),
)

# Person-linked models that are not a section, each with the reason. The view history is
# assembled from the audit log (not a foreign key: `AuditEvent.person_id`), see VIEW_HISTORY.
NOT_EXPORTED: dict[str, str] = {}

# The audit log's fields in the view history, with the same three kinds of decision.
VIEW_HISTORY = Section(
    "view_history",
    AuditEvent,
    lambda person: view_history_events(person),
    exported=("occurred_at", "actor_username", "action", "object_type"),
    withheld={
        "id": STRUCTURE,
        "actor": STRUCTURE + " (the user name is exported as who)",
        "object_id": STRUCTURE,
        "person_id": STRUCTURE,
        "authority": STRUCTURE,
        "request_id": STRUCTURE,
        "ip": OTHERS + " (the address of the staff member's device)",
        "detail": OTHERS + " (a list event names the other people it showed)",
        "seq": SEAL,
        "key_id": SEAL,
        "chain_hash": SEAL,
    },
    system_written=("actor_username", "object_type"),
    rename={
        "occurred_at": "when",
        "actor_username": "who",
        "object_type": "record",
    },
)

ALL_SECTIONS: tuple[Section, ...] = (*SECTIONS, VIEW_HISTORY)


def model_fields(model: type[models.Model]) -> set[str]:
    """Every field a decision is needed for: concrete fields and many-to-many fields."""
    meta = model._meta
    return {f.name for f in meta.concrete_fields} | {f.name for f in meta.many_to_many}


def is_free_text(f: models.Field[Any, Any]) -> bool:
    """Text a person typed: a TextField, or a CharField without fixed choices."""
    return isinstance(f, (models.TextField, models.CharField)) and not f.choices


# --------------------------------------------------------------------------------------
# The view history


def _lists_naming(person_id: int) -> Q:
    """List events whose `detail.people` (comma-separated ids) holds this id exactly: the
    list is wrapped in commas and searched for ",<id>," so 12 does not match 123."""
    return Q(people_wrapped__contains=f",{person_id},")


def view_history_events(person: Person) -> QuerySet[AuditEvent]:
    """Every audit event about the person: those carrying their id, and list views (pages
    and API) that showed them among others (`detail.people`).

    List events are looked for only among VIEW events of the person's council or of none
    (an API list across councils carries no authority), with no person of their own: the
    `audit_authority_time` index narrows the scan on SQLite and PostgreSQL alike."""
    lists = (
        AuditEvent.objects.filter(
            Q(authority_id=person.authority_id) | Q(authority__isnull=True),
            action=AuditAction.VIEW,
            person_id__isnull=True,
        )
        .annotate(
            people_wrapped=Concat(
                Value(","),
                KeyTextTransform("people", "detail"),
                Value(","),
                output_field=models.TextField(),
            )
        )
        .filter(_lists_naming(person.pk))
        .values("pk")
    )
    return AuditEvent.objects.filter(Q(person_id=person.pk) | Q(pk__in=lists)).order_by(
        "occurred_at", "id"
    )


# --------------------------------------------------------------------------------------
# Redaction and assembly


@dataclass(frozen=True)
class ThirdPartyItem:
    """A piece of free text that may be about someone else, offered for redaction."""

    key: str
    record: str
    label: str
    text: str


def item_key(obj: models.Model, name: str) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}:{name}"


def _record_name(section: Section, obj: Any) -> str:
    referral = getattr(obj, "referral", None)
    if referral is None and isinstance(obj, SupportSession):
        referral = obj.plan.referral
    if isinstance(obj, Referral):
        referral = obj
    if referral is not None:
        return f"Referral {referral.reference}"
    return section.name.replace("_", " ").capitalize()


def _fetch(section: Section, person: Person) -> list[Any]:
    qs = section.rows(person)
    names = set(section.exported) | set(section.redactable)
    related = [
        f.name
        for f in section.model._meta.concrete_fields
        if f.is_relation and f.name in names and f.name != "person"
    ]
    if section.model is SupportSession:
        related.append("plan__referral")
    elif "referral" in {f.name for f in section.model._meta.concrete_fields}:
        related.append("referral")
    many = [f.name for f in section.model._meta.many_to_many if f.name in names]
    return list(qs.select_related(*set(related)).prefetch_related(*many))


def third_party_items(person: Person) -> list[ThirdPartyItem]:
    """Every redactable free-text value held about the person, section by section."""
    items: list[ThirdPartyItem] = []
    for section in SECTIONS:
        for obj in _fetch(section, person):
            for name in section.redactable:
                text = str(getattr(obj, name) or "")
                if text.strip():
                    items.append(
                        ThirdPartyItem(
                            item_key(obj, name),
                            _record_name(section, obj),
                            section.label(name),
                            text,
                        )
                    )
    return items


class Redactor:
    """Whole items withheld by key, then the phrases withheld wherever they appear."""

    def __init__(self, keys: Iterable[str], phrases: Iterable[str]) -> None:
        self.keys = set(keys)
        ordered = sorted((p for p in phrases if p), key=len, reverse=True)
        self.pattern = (
            re.compile("|".join(re.escape(p) for p in ordered), re.IGNORECASE) if ordered else None
        )

    def value(self, value: Any) -> Any:
        """Phrases applied to a text value, or to each text of a list."""
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str) and self.pattern is not None:
            return self.pattern.sub(REDACTED, value)
        return value


def _plain(obj: Any, f: Any) -> Any:
    """A field's value as the person would read it: labels for choices and reference data,
    user names for staff, ISO dates."""
    if f.many_to_many:
        return sorted(str(v) for v in getattr(obj, f.name).all())
    if f.is_relation:
        related = getattr(obj, f.name)
        if related is None:
            return None
        return related.get_username() if hasattr(related, "get_username") else str(related)
    value = getattr(obj, f.attname)
    if f.choices and value not in (None, ""):
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return (
            value.isoformat(timespec="seconds")
            if isinstance(value, datetime.datetime)
            else value.isoformat()
        )
    return value


def _row(section: Section, obj: Any, red: Redactor) -> dict[str, Any]:
    row: dict[str, Any] = {}
    meta = section.model._meta
    for f in [*meta.concrete_fields, *meta.many_to_many]:
        if f.name in section.withheld:
            continue
        if f.name in section.redactable and item_key(obj, f.name) in red.keys:
            value: Any = REDACTED if getattr(obj, f.name) not in (None, "") else ""
        else:
            value = _plain(obj, f)
        row[section.key(f.name)] = red.value(value)
    return row


def assemble(
    person: Person, *, keys: Iterable[str], phrases: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """Everything held about the person, one list of rows per section of the map, with the
    whole items in `keys` withheld and every phrase withheld from every text value."""
    red = Redactor(keys, phrases)
    data: dict[str, list[dict[str, Any]]] = {}
    for section in SECTIONS:
        data[section.name] = [_row(section, obj, red) for obj in _fetch(section, person)]
    data[VIEW_HISTORY.name] = [
        _row(VIEW_HISTORY, event, red) for event in view_history_events(person)
    ]
    return data
