"""Every change to casework: one function per business event.

Each service is atomic, takes the acting user keyword-only, checks the rule (allowed
stage, required fields, date order), writes, appends the referral's history
(`StageEvent`) and an audit event with the person filled, all in one transaction, and
returns the changed record. Broken rules raise `ValidationError` keyed by the field the
person has to correct, so forms show the message against that field.

Views, the import, the API and the demo all call these; there is no other way to change a
case record. Nothing here scores, ranks or predicts anything about a person: the
outcomes and judgements are the ones people record.

The pathway itself (its stages, which event may happen at which stage, and the history
rows and milestone values each event writes) is `casework.pathway`; every service here
applies it through `_apply`, so the rules and the words of the history are written once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dueregard.accounts.models import User
from dueregard.accounts.permissions import Action, Kind, users_who_can
from dueregard.areas.models import Authority, Ward
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import periods

from . import pathway
from .matching import age_on, name_key, soundex
from .models import (
    DEFAULT_CONTACT_INTERVAL_DAYS,
    ActionStatus,
    AgendaItem,
    AgendaReason,
    Attendance,
    ConcernType,
    Consent,
    ConsentGivenBy,
    ConsentStatus,
    EventKind,
    ExitReason,
    GatewayOutcome,
    InterventionKind,
    MeetingEvent,
    MeetingEventKind,
    MeetingStatus,
    OnwardReferral,
    OnwardResponse,
    Panel,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Person,
    Referral,
    ReferralSource,
    Review,
    ReviewKind,
    Sector,
    SessionStatus,
    StageEvent,
    SupportPlan,
    SupportSession,
    TriageOutcome,
    Vulnerability,
    VulnerabilityAssessment,
)

ADULT_AGE = 18
MAX_CONTACT_INTERVAL_DAYS = 365


# Kept here for the forms and the demo, which name it from the services.
ReopenTo = pathway.ReopenTo

# --------------------------------------------------------------------------------------
# Helpers


def _require(value: Any, field: str, message: str) -> None:
    if value in (None, "", [], ()):
        raise ValidationError({field: message})


def _check_date(
    day: datetime.date | None,
    field: str,
    label: str,
    *,
    not_before: datetime.date | None = None,
    not_before_label: str = "",
) -> datetime.date:
    if day is None:
        raise ValidationError({field: f"Enter {label.lower()}"})
    if day > periods.today():
        raise ValidationError({field: f"{label} must be today or in the past"})
    if not_before is not None and day < not_before:
        raise ValidationError(
            {field: f"{label} must be on or after {not_before_label} ({not_before:%-d %B %Y})"}
        )
    return day


def _same_authority(authority_id: int, *records: Any) -> None:
    for obj in records:
        if obj is not None and getattr(obj, "authority_id", authority_id) != authority_id:
            raise ValidationError("These records belong to different authorities.")


def _apply(referral: Referral, event: pathway.Event, *, acting_user: User) -> list[StageEvent]:
    """Apply a pathway event to the referral (rule checked by `pathway.apply`): set the
    milestone values it produces and append its history rows. The caller saves the
    referral."""
    step = pathway.apply(referral.stage, event)
    for name, value in step.milestones.items():
        setattr(referral, name, value)
    return [
        StageEvent.objects.create(
            authority_id=referral.authority_id,
            referral=referral,
            person_id=referral.person_id,
            recorded_by=_user(acting_user),
            **row._asdict(),
        )
        for row in step.rows
    ]


def _user(acting_user: User) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _audit(
    action: AuditAction, obj: Any, acting_user: User, **detail: Any
) -> None:  # one event per business event, person filled from obj.audit_person_id
    record(action, actor=acting_user, obj=obj, detail={k: str(v) for k, v in detail.items()})


def _set_name_keys(person: Person) -> None:
    person.given_name_key = name_key(person.given_name)
    person.family_name_key = name_key(person.family_name)
    person.family_name_sound = soundex(person.family_name)


def age_at(referral: Referral, day: datetime.date) -> int | None:
    """The person's age on `day`, from their date of birth or the age at referral."""
    if referral.person.date_of_birth:
        return age_on(referral.person.date_of_birth, day)
    if referral.age_at_referral is not None:
        return referral.age_at_referral + max(0, (day - referral.received_on).days // 366)
    return None


def next_reference(authority: Authority, received_on: datetime.date) -> str:
    """The next free reference of the form R-2024-0007 for the year received."""
    prefix = f"R-{received_on.year}-"
    taken = Referral.objects.filter(authority=authority, reference__startswith=prefix)
    numbers = [
        int(ref[len(prefix) :])
        for ref in taken.values_list("reference", flat=True)
        if ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


# --------------------------------------------------------------------------------------
# People


@dataclass(frozen=True)
class PersonDetails:
    given_name: str = ""
    family_name: str = ""
    other_names: str = ""
    date_of_birth: datetime.date | None = None
    gender: str | None = None
    ethnic_group: str = ""
    religion: str = ""
    address: str = ""
    ward: Ward | None = None
    health_details: str = ""


PERSON_FIELDS = [
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "gender",
    "ethnic_group",
    "religion",
    "address",
    "ward",
    "health_details",
]


def _check_person(details: PersonDetails, authority: Authority, *, identified: bool) -> None:
    if identified and not (details.given_name.strip() or details.family_name.strip()):
        raise ValidationError({"family_name": "Enter the person's given name or family name"})
    if details.date_of_birth and details.date_of_birth > periods.today():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
    if details.ward is not None and details.ward.authority_id != authority.pk:
        raise ValidationError({"ward": "Choose a ward of this authority"})


@transaction.atomic
def create_person(
    *,
    authority: Authority,
    details: PersonDetails,
    unidentified_historical: bool = False,
    acting_user: User,
) -> Person:
    """A new person record. Unidentified historical people (import rows without a name)
    carry no name and are never offered as matches at intake."""
    _check_person(details, authority, identified=not unidentified_historical)
    person = Person(
        authority=authority,
        unidentified_historical=unidentified_historical,
        created_by=_user(acting_user),
        modified_by=_user(acting_user),
        **{f: getattr(details, f) for f in PERSON_FIELDS},
    )
    _set_name_keys(person)
    person.save()
    _audit(AuditAction.CREATE, person, acting_user)
    return person


@transaction.atomic
def update_person(person: Person, *, details: PersonDetails, acting_user: User) -> Person:
    """Change a person's details; the audit event names the fields changed, not the values."""
    _check_person(details, person.authority, identified=True)
    changed = [f for f in PERSON_FIELDS if getattr(person, f) != getattr(details, f)]
    for f in changed:
        setattr(person, f, getattr(details, f))
    if changed:
        person.unidentified_historical = False
        person.modified_by = _user(acting_user)
        _set_name_keys(person)
        person.save()
        _audit(AuditAction.CHANGE, person, acting_user, fields=",".join(changed))
    return person


@transaction.atomic
def set_legal_hold(person: Person, *, on: bool, reason: str, acting_user: User) -> Person:
    """Place (`on`) or lift the hold, with the reason in the audit event. Placing a hold
    already placed, or lifting one already lifted, changes nothing and records nothing."""
    _require(reason.strip(), "reason", "Enter why the legal hold is being changed")
    if person.legal_hold == on:
        return person
    person.legal_hold = on
    person.legal_hold_reason = reason.strip() if on else ""
    person.modified_by = _user(acting_user)
    person.save(update_fields=["legal_hold", "legal_hold_reason", "modified_by", "modified_at"])
    _audit(
        AuditAction.CHANGE, person, acting_user, fields="legal_hold", on=on, reason=reason.strip()
    )
    return person


# --------------------------------------------------------------------------------------
# Intake and the police gateway


@dataclass(frozen=True)
class ReferralDetails:
    received_on: datetime.date
    referrer_name: str = ""
    referrer_organisation: str = ""
    referrer_contact: str = ""
    sector: Sector | None = None
    concern_description: str = ""
    concern: ConcernType | None = None
    age_at_referral: int | None = None
    gender: str | None = None
    ward: Ward | None = None
    vulnerabilities: Sequence[Vulnerability] = ()
    reference: str = ""
    source: str = ReferralSource.INTAKE


@transaction.atomic
def receive_referral(
    *,
    person: Person,
    details: ReferralDetails,
    coordinator: Any = None,
    acting_user: User,
) -> Referral:
    """Record a referral of `person` (a new person, or one the coordinator matched).

    Checks: received date not in the future nor before the person's birth; reference, if
    given, unique in the authority (otherwise the next R-YYYY-NNNN); age at referral
    taken from the date of birth when known; ward in the same authority; the case officer
    (`coordinator`, default the acting user), if given, a member of the authority's
    Prevent team (`case_officers`).
    """
    authority = person.authority
    if coordinator is not None and not case_officers(authority).filter(pk=coordinator.pk).exists():
        raise ValidationError(
            {"case_officer": "Choose a member of the authority's Prevent team as case officer"}
        )
    received_on = _check_date(details.received_on, "received_on", "Date received")
    dob = person.date_of_birth
    if dob and received_on < dob:
        raise ValidationError({"received_on": "Date received is before the date of birth"})
    if details.ward is not None and details.ward.authority_id != authority.pk:
        raise ValidationError({"ward": "Choose a ward of this authority"})
    reference = details.reference.strip() or next_reference(authority, received_on)
    used = Referral.objects.filter(authority=authority, reference__iexact=reference).first()
    if used is not None:
        spelt = "" if used.reference == reference else f" (as {used.reference})"
        raise ValidationError({"reference": f"Reference {reference} is already used{spelt}"})
    age = details.age_at_referral
    if dob is not None:
        age = age_on(dob, received_on)
    if age is not None and not 0 <= age <= 120:
        raise ValidationError({"age_at_referral": "Age must be between 0 and 120"})
    referral = Referral.objects.create(
        authority=authority,
        person=person,
        reference=reference,
        source=details.source,
        coordinator=coordinator if coordinator is not None else _user(acting_user),
        received_on=received_on,
        referrer_name=details.referrer_name,
        referrer_organisation=details.referrer_organisation,
        referrer_contact=details.referrer_contact,
        sector=details.sector,
        concern_description=details.concern_description,
        concern=details.concern,
        age_at_referral=age,
        gender=details.gender if details.gender is not None else person.gender,
        ward=details.ward if details.ward is not None else person.ward,
        created_by=_user(acting_user),
        modified_by=_user(acting_user),
    )
    if details.vulnerabilities:
        referral.vulnerabilities.set(details.vulnerabilities)
    sector = details.sector
    _apply(
        referral,
        pathway.Received(
            received_on,
            concern_id=details.concern.pk if details.concern else None,
            sector_code=sector.code if sector else "",
            sector_label=sector.label if sector else "",
        ),
        acting_user=acting_user,
    )
    _audit(AuditAction.CREATE, referral, acting_user, event=EventKind.RECEIVED)
    return referral


@transaction.atomic
def update_referral_details(
    referral: Referral,
    *,
    concern_description: str,
    concern: ConcernType | None,
    sector: Sector | None,
    vulnerabilities: Iterable[Vulnerability],
    panel_summary: str,
    acting_user: User,
) -> Referral:
    """Correct what was recorded at intake, and what the panel is told."""
    referral.concern_description = concern_description
    referral.concern = concern
    referral.sector = sector
    referral.panel_summary = panel_summary
    referral.modified_by = _user(acting_user)
    referral.save()
    referral.vulnerabilities.set(list(vulnerabilities))
    _audit(AuditAction.CHANGE, referral, acting_user, fields="intake details")
    return referral


@transaction.atomic
def triage_referral(
    referral: Referral,
    *,
    outcome: str,
    occurred_on: datetime.date,
    reason: str,
    referred_to_police_on: datetime.date | None = None,
    onward_service: str = "",
    onward_referred_on: datetime.date | None = None,
    acting_user: User,
) -> Referral:
    """Record the coordinator's triage of a received referral.

    "Referred to police" moves it to the police gateway (on `referred_to_police_on`,
    default the triage date); advice, signposting or no further action close it, with
    the rationale as the closing reason. "Not for Channel: referred on for other
    vulnerabilities" needs the service and the date it was referred on (on or after the
    triage) and leaves the referral awaiting the service's answer (`Stage.ONWARD`).
    """
    pathway.check(referral.stage, EventKind.TRIAGED)
    _require(outcome, "outcome", "Choose the triage outcome")
    outcome = TriageOutcome(outcome)
    _require(reason.strip(), "reason", "Enter why you reached this outcome")
    _check_date(
        occurred_on,
        "occurred_on",
        "Date triaged",
        not_before=referral.received_on,
        not_before_label="the date received",
    )
    onward = None
    if outcome == TriageOutcome.REFERRED_ON:
        onward = _check_onward(onward_service, onward_referred_on, occurred_on)
    police_on = None
    if outcome == TriageOutcome.POLICE:
        police_on = _check_date(
            referred_to_police_on or occurred_on,
            "referred_to_police_on",
            "Date referred to police",
            not_before=referral.received_on,
            not_before_label="the date received",
        )
    _apply(
        referral,
        pathway.Triaged(occurred_on, outcome, reason.strip(), police_on=police_on, onward=onward),
        acting_user=acting_user,
    )
    if onward is not None:
        _record_onward(referral, onward, at="triage", acting_user=acting_user)
    referral.modified_by = _user(acting_user)
    referral.save()
    _audit(AuditAction.CHANGE, referral, acting_user, event=EventKind.TRIAGED, outcome=outcome)
    return referral


@transaction.atomic
def record_gateway_outcome(
    referral: Referral,
    *,
    outcome: str,
    occurred_on: datetime.date,
    reason: str,
    concern: ConcernType | None = None,
    police_notes: str = "",
    onward_service: str = "",
    onward_referred_on: datetime.date | None = None,
    acting_user: User,
) -> Referral:
    """Record the police gateway's outcome. "For Channel panel" makes the case await a
    panel; "Not for Channel: referred on for other vulnerabilities" needs the service and
    the date it was referred on (on or after the outcome) and leaves the referral awaiting
    the service's answer; the others close it with the outcome and rationale as the
    reason."""
    pathway.check(referral.stage, EventKind.GATEWAY_OUTCOME)
    _require(outcome, "outcome", "Choose the gateway outcome")
    outcome = GatewayOutcome(outcome)
    _require(reason.strip(), "reason", "Enter the reason the police gave for this outcome")
    _check_date(
        occurred_on,
        "occurred_on",
        "Date of the gateway outcome",
        not_before=referral.referred_to_police_on,
        not_before_label="the date referred to police",
    )
    onward = None
    if outcome == GatewayOutcome.REFERRED_ON:
        onward = _check_onward(onward_service, onward_referred_on, occurred_on)
    _apply(
        referral,
        pathway.GatewayDecided(
            occurred_on,
            outcome,
            reason.strip(),
            concern_id=concern.pk if concern else None,
            onward=onward,
        ),
        acting_user=acting_user,
    )
    if police_notes:
        referral.gateway_police_notes = police_notes
    if onward is not None:
        _record_onward(referral, onward, at="gateway", acting_user=acting_user)
    referral.modified_by = _user(acting_user)
    referral.save()
    _audit(
        AuditAction.CHANGE, referral, acting_user, event=EventKind.GATEWAY_OUTCOME, outcome=outcome
    )
    return referral


def _check_onward(
    service: str, referred_on: datetime.date | None, decided_on: datetime.date
) -> pathway.Onward:
    """The onward referral's service is given and its date is valid (checked before
    anything is written, so a refusal leaves the referral as it was)."""
    _require(service.strip(), "onward_service", "Enter the service the person was referred on to")
    day = _check_date(
        referred_on,
        "onward_referred_on",
        "Date referred on",
        not_before=decided_on,
        not_before_label="the date of the outcome",
    )
    return pathway.Onward(service.strip(), day)


def _record_onward(
    referral: Referral, onward: pathway.Onward, *, at: str, acting_user: User
) -> OnwardReferral:
    """The onward referral of a referral found not for Channel but with other
    vulnerabilities, which the pathway has moved to await the service's answer."""
    return OnwardReferral.objects.create(
        authority_id=referral.authority_id,
        referral=referral,
        service=onward.service,
        referred_on=onward.on,
        at=at,
        recorded_by=_user(acting_user),
    )


def awaiting_onward_referral(referral: Referral) -> OnwardReferral | None:
    """The onward referral still waiting for the service's answer, if any."""
    return referral.onward_referrals.filter(response__isnull=True).order_by("-pk").first()


@transaction.atomic
def record_onward_response(
    referral: Referral,
    *,
    response: str,
    responded_on: datetime.date | None,
    note: str = "",
    acting_user: User,
) -> Referral:
    """Record that the service a referral was referred on to accepted or declined it, and
    close the referral with that as the reason.

    Checks: the referral is awaiting an onward referral's answer; an answer is chosen;
    its date is today or earlier and not before the date referred on.
    """
    pathway.check(referral.stage, EventKind.ONWARD_RESPONSE)
    onward = awaiting_onward_referral(referral)
    if onward is None:
        raise ValidationError("This referral has no onward referral awaiting an answer.")
    _require(response, "response", "Choose whether the service accepted or declined the referral")
    try:
        answer = OnwardResponse(response)
    except ValueError:
        raise ValidationError(
            {"response": "Choose whether the service accepted or declined the referral"}
        ) from None
    day = _check_date(
        responded_on,
        "responded_on",
        "Date of the answer",
        not_before=onward.referred_on,
        not_before_label="the date referred on",
    )
    onward.response = answer
    onward.responded_on = day
    onward.response_note = note.strip()
    onward.response_recorded_by = _user(acting_user)
    onward.response_recorded_at = timezone.now()
    onward.save()
    _apply(
        referral,
        pathway.OnwardAnswered(day, answer, onward.service, note.strip()),
        acting_user=acting_user,
    )
    referral.modified_by = _user(acting_user)
    referral.save()
    _audit(
        AuditAction.CHANGE, referral, acting_user, event=EventKind.ONWARD_RESPONSE, response=answer
    )
    return referral


# --------------------------------------------------------------------------------------
# The panel's decision


@transaction.atomic
def record_panel_decision(
    referral: Referral,
    *,
    decision: str,
    occurred_on: datetime.date,
    reason: str,
    concern: ConcernType | None = None,
    alternative_support: str = "",
    exit_reason: ExitReason | None = None,
    agenda_item: AgendaItem | None = None,
    acting_user: User,
) -> Referral:
    """Record a panel's discussion of a case and what it decided.

    The first discussion sets `discussed_at_panel_on`. Adopt and not-adopt are for cases
    awaiting a decision; not adopting needs the alternative support and closes the
    referral. "Continue support" is for Channel cases. "Leave Channel" is for Channel
    cases and needs the exit reason: the person leaves on the panel's date and the 6- and
    12-month reviews are scheduled. Defer and noted change no stage. Used with an agenda
    item from the meeting page, and without one for history.
    """
    if agenda_item is not None:
        check_meeting_takes_decisions(agenda_item.meeting)
    _require(decision, "decision", "Choose what the panel decided")
    decision = PanelDecision(decision)
    _require(reason.strip(), "decision_reason", "Enter the panel's reasons")
    occurred_on = _check_date(
        occurred_on,
        "occurred_on",
        "Date of the panel",
        not_before=referral.gateway_outcome_on,
        not_before_label="the gateway outcome",
    )
    pathway.check_decision(
        referral.stage,
        decision,
        exit_reason_given=exit_reason is not None,
        alternative_support=alternative_support.strip(),
    )
    reason = reason.strip()
    _apply(
        referral,
        pathway.PanelDiscussed(
            occurred_on,
            decision,
            reason,
            concern_id=concern.pk if concern is not None else None,
            alternative_support=alternative_support.strip(),
        ),
        acting_user=acting_user,
    )
    referral.modified_by = _user(acting_user)
    referral.save()
    if decision == PanelDecision.LEAVE:
        leave_channel(
            referral,
            left_on=occurred_on,
            exit_reason=exit_reason,
            reason=reason,
            acting_user=acting_user,
        )
    if agenda_item is not None:
        agenda_item.decision = decision
        agenda_item.decision_reason = reason
        agenda_item.decided_at = timezone.now()
        agenda_item.decided_by = _user(acting_user)
        agenda_item.save()
    _audit(
        AuditAction.CHANGE,
        agenda_item or referral,
        acting_user,
        event=EventKind.DISCUSSED,
        decision=decision,
    )
    return referral


# --------------------------------------------------------------------------------------
# Consent, support, leaving Channel, reviews, closing


@transaction.atomic
def record_consent(
    referral: Referral,
    *,
    status: str,
    given_by: str,
    occurred_on: datetime.date,
    given_by_name: str = "",
    capacity_considered: bool = False,
    notes: str = "",
    acting_user: User,
) -> Consent:
    """Record consent given, declined or withdrawn for Channel support.

    For a child (under 18 on the date), consent comes from a parent or guardian, named.
    Only the latest consent counts; earlier ones stay in the history.
    """
    _require(status, "status", "Choose whether consent was given, declined or withdrawn")
    _require(given_by, "given_by", "Choose who gave or refused consent")
    status, given_by = ConsentStatus(status), ConsentGivenBy(given_by)
    pathway.check(referral.stage, EventKind.CONSENT)
    _check_date(
        occurred_on,
        "occurred_on",
        "Date of consent",
        not_before=referral.gateway_outcome_on or referral.received_on,
        not_before_label="the gateway outcome",
    )
    age = age_at(referral, occurred_on)
    if age is not None and age < ADULT_AGE and given_by == ConsentGivenBy.PERSON:
        raise ValidationError(
            {"given_by": f"The person was {age} on that date: a parent or guardian must consent"}
        )
    if given_by != ConsentGivenBy.PERSON and not given_by_name.strip():
        raise ValidationError({"given_by_name": "Enter the name of the parent or guardian"})
    consent = Consent.objects.create(
        authority_id=referral.authority_id,
        referral=referral,
        status=status,
        given_by=given_by,
        given_by_name=given_by_name.strip(),
        capacity_considered=capacity_considered,
        occurred_on=occurred_on,
        notes=notes,
        recorded_by=_user(acting_user),
    )
    _apply(
        referral,
        pathway.ConsentRecorded(occurred_on, status, given_by, notes),
        acting_user=acting_user,
    )
    _audit(AuditAction.CREATE, consent, acting_user, status=status)
    return consent


def current_consent(referral: Referral) -> Consent | None:
    return referral.consents.order_by("-occurred_on", "-pk").first()


@transaction.atomic
def agree_support_plan(
    referral: Referral,
    *,
    agreed_on: datetime.date,
    planned_start_on: datetime.date,
    planned_end_on: datetime.date,
    sessions_planned: int,
    intervention_provider: str = "",
    interventions: Iterable[InterventionKind] = (),
    other_support: str = "",
    contact_interval_days: int = DEFAULT_CONTACT_INTERVAL_DAYS,
    acting_user: User,
) -> SupportPlan:
    """Agree (or revise) the support plan of an adopted Channel case: its interventions,
    provider, sessions and planned contact interval (days between contacts; a case with
    no delivered contact within it plus `LAPSING_GRACE_DAYS` is support lapsing)."""
    pathway.check(referral.stage, EventKind.SUPPORT_PLAN)
    _check_date(
        agreed_on,
        "agreed_on",
        "Date agreed",
        not_before=referral.adopted_on,
        not_before_label="the date adopted",
    )
    if planned_end_on < planned_start_on:
        raise ValidationError({"planned_end_on": "Planned end must be after the planned start"})
    if sessions_planned < 0:
        raise ValidationError({"sessions_planned": "Sessions planned cannot be negative"})
    if contact_interval_days is None or not (
        1 <= contact_interval_days <= MAX_CONTACT_INTERVAL_DAYS
    ):
        raise ValidationError(
            {
                "contact_interval_days": "The planned contact interval must be between 1 and "
                f"{MAX_CONTACT_INTERVAL_DAYS} days"
            }
        )
    interventions = list(interventions)
    if not interventions and not other_support.strip() and not intervention_provider.strip():
        raise ValidationError({"interventions": "Choose at least one kind of support"})
    plan, created = SupportPlan.objects.update_or_create(
        referral=referral,
        defaults={
            "authority_id": referral.authority_id,
            "agreed_on": agreed_on,
            "planned_start_on": planned_start_on,
            "planned_end_on": planned_end_on,
            "sessions_planned": sessions_planned,
            "intervention_provider": intervention_provider.strip(),
            "other_support": other_support.strip(),
            "contact_interval_days": contact_interval_days,
            "modified_by": _user(acting_user),
        },
        create_defaults={
            "authority_id": referral.authority_id,
            "agreed_on": agreed_on,
            "planned_start_on": planned_start_on,
            "planned_end_on": planned_end_on,
            "sessions_planned": sessions_planned,
            "intervention_provider": intervention_provider.strip(),
            "other_support": other_support.strip(),
            "contact_interval_days": contact_interval_days,
            "created_by": _user(acting_user),
            "modified_by": _user(acting_user),
        },
    )
    plan.interventions.set(interventions)
    _apply(
        referral,
        pathway.PlanAgreed(
            agreed_on,
            revised=not created,
            sessions_planned=sessions_planned,
            contact_interval_days=contact_interval_days,
        ),
        acting_user=acting_user,
    )
    _audit(AuditAction.CREATE if created else AuditAction.CHANGE, plan, acting_user)
    return plan


@transaction.atomic
def start_support(referral: Referral, *, started_on: datetime.date, acting_user: User) -> Referral:
    """Support starts only with a support plan and consent given (and not since withdrawn)."""
    has_plan = SupportPlan.objects.filter(referral=referral).exists()
    consent = current_consent(referral) if has_plan else None
    pathway.check_support_start(
        has_plan=has_plan, consent=ConsentStatus(consent.status) if consent else None
    )
    assert consent is not None  # refused above without consent given
    _check_date(
        started_on,
        "started_on",
        "Date support started",
        not_before=max(consent.occurred_on, referral.adopted_on or consent.occurred_on),
        not_before_label="consent and adoption",
    )
    _apply(referral, pathway.SupportStarted(started_on), acting_user=acting_user)
    referral.modified_by = _user(acting_user)
    referral.save()
    _audit(AuditAction.CHANGE, referral, acting_user, event=EventKind.SUPPORT_STARTED)
    return referral


@transaction.atomic
def record_session(
    plan: SupportPlan,
    *,
    occurred_on: datetime.date,
    status: str,
    provider: str = "",
    notes: str = "",
    acting_user: User,
) -> SupportSession:
    """Record a support session (delivered, not attended or cancelled) while in support."""
    referral = plan.referral
    pathway.check(referral.stage, EventKind.SESSION)
    _require(status, "status", "Choose whether the session was delivered")
    status = SessionStatus(status)
    _check_date(
        occurred_on,
        "occurred_on",
        "Date of the session",
        not_before=referral.support_started_on,
        not_before_label="the start of support",
    )
    session = SupportSession.objects.create(
        authority_id=plan.authority_id,
        plan=plan,
        occurred_on=occurred_on,
        status=status,
        provider=provider.strip() or plan.intervention_provider,
        notes=notes,
        recorded_by=_user(acting_user),
    )
    _apply(referral, pathway.SessionRecorded(occurred_on, status), acting_user=acting_user)
    _audit(AuditAction.CREATE, session, acting_user, status=status)
    return session


@transaction.atomic
def leave_channel(
    referral: Referral,
    *,
    left_on: datetime.date,
    exit_reason: ExitReason | None,
    reason: str,
    acting_user: User,
) -> Referral:
    """The person leaves Channel support; the 6- and 12-month reviews are scheduled.

    Leaving is the panel's decision: pages and the API reach this only through
    `record_panel_decision` ("Leave Channel"); the demo and tests call it for history.
    """
    _require(exit_reason, "exit_reason", "Choose why the person is leaving Channel")
    assert exit_reason is not None
    _require(reason.strip(), "reason", "Enter the panel's reasons")
    _check_date(
        left_on,
        "left_on",
        "Date left Channel",
        not_before=referral.support_started_on or referral.adopted_on,
        not_before_label="support starting",
    )
    _apply(
        referral,
        pathway.LeftChannel(
            left_on, exit_reason.code, exit_reason.label, exit_reason.pk, reason.strip()
        ),
        acting_user=acting_user,
    )
    referral.modified_by = _user(acting_user)
    referral.save()
    for kind, due_on in pathway.reviews_due(left_on):
        Review.objects.update_or_create(
            referral=referral,
            kind=kind,
            defaults={"authority_id": referral.authority_id, "due_on": due_on},
        )
    _audit(AuditAction.CHANGE, referral, acting_user, event=EventKind.LEFT_CHANNEL)
    return referral


def next_review(referral: Referral) -> Review | None:
    """The review to record next: the earliest-due one not yet held. Reviews are
    recorded in the order they are due, so the 12-month review follows the 6-month one
    and an extended review follows both."""
    return referral.reviews.filter(held_on__isnull=True).order_by("due_on", "pk").first()


@transaction.atomic
def extend_review(
    referral: Referral,
    *,
    due_on: datetime.date | None,
    reason: str,
    decided_on: datetime.date | None = None,
    acting_user: User,
) -> Review:
    """Schedule a further post-exit review, as the panel decided (the guidance allows
    review up to two years after exit) on `decided_on` (default today; not in the future,
    not before the person left). The due date follows `pathway.check_extension`: after the
    person left Channel, no later than `REVIEW_LIMIT_MONTHS` after it, and not on a date
    that already has a review."""
    pathway.check(referral.stage, EventKind.REVIEW_EXTENDED)
    if referral.left_channel_on is None:  # left Channel without its date: not a real case
        raise ValidationError("Reviews are extended after the person has left Channel.")
    _require(due_on, "due_on", "Enter the date the further review is due")
    assert due_on is not None
    _require(reason.strip(), "reason", "Enter why the panel extended the reviews")
    left_on = referral.left_channel_on
    pathway.check_extension(
        left_on, due_on, already_due=referral.reviews.filter(due_on=due_on).exists()
    )
    decided_on = decided_on or periods.today()
    if not left_on <= decided_on <= periods.today():
        raise ValidationError(
            "The extension is decided after the person left, and not later than today."
        )
    review = Review.objects.create(
        authority_id=referral.authority_id,
        referral=referral,
        kind=ReviewKind.EXTENDED,
        due_on=due_on,
        reason=reason.strip(),
    )
    referral.modified_by = _user(acting_user)
    referral.save(update_fields=["modified_by", "modified_at"])
    _apply(
        referral,
        pathway.ReviewExtended(decided_on, due_on, reason.strip()),
        acting_user=acting_user,
    )
    _audit(AuditAction.CREATE, review, acting_user, event=EventKind.REVIEW_EXTENDED)
    return review


@transaction.atomic
def record_review(
    review: Review,
    *,
    held_on: datetime.date,
    further_concerns: bool | None,
    notes: str,
    confirm_early: bool = False,
    early_reason: str = "",
    reopen_to: str = "",
    acting_user: User,
) -> Review:
    """Record a post-exit review.

    Reviews are recorded in the order they are due (the 12-month one after the 6-month
    one). A review held more than `pathway.EARLY_REVIEW_DAYS` before it is due needs
    `confirm_early` and the reason. A review that finds renewed concerns reopens the case
    (`reopen_to`: `ReopenTo.TRIAGE` or `ReopenTo.PANEL`): the referral is closed and a new
    referral linked to it opens at triage or awaiting a panel (ADR 0016). Returns the
    review; the new referral is `review.referral.reopened_as`.
    """
    referral = review.referral
    if review.held_on is not None:
        raise ValidationError("This review has already been recorded.")
    pathway.check(referral.stage, EventKind.REVIEW)
    first = next_review(referral)
    if first is not None and first.pk != review.pk:
        raise ValidationError(f"Record the {first.get_kind_display()} first.")
    if further_concerns is None:
        raise ValidationError({"further_concerns": "Say whether there are further concerns"})
    _require(notes.strip(), "notes", "Enter what the review found")
    assert referral.left_channel_on is not None
    _check_date(
        held_on,
        "held_on",
        "Date of the review",
        not_before=referral.left_channel_on,
        not_before_label="the date the person left Channel",
    )
    early = pathway.check_review(
        held_on,
        review.due_on,
        confirm_early=confirm_early,
        early_reason=early_reason.strip(),
        further_concerns=further_concerns,
        reopen_to=reopen_to,
    )
    review.held_on = held_on
    review.further_concerns = further_concerns
    review.notes = notes.strip()
    review.early_reason = early_reason.strip() if early else ""
    review.recorded_by = _user(acting_user)
    review.save()
    _apply(
        referral,
        pathway.Reviewed(
            held_on,
            ReviewKind(review.kind),
            further_concerns,
            notes.strip() + (f" Held early: {early_reason.strip()}" if early else ""),
            early=early,
        ),
        acting_user=acting_user,
    )
    _audit(AuditAction.CHANGE, review, acting_user, event=EventKind.REVIEW, kind=review.kind)
    if further_concerns:
        _reopen(review, to=reopen_to, acting_user=acting_user)
    return review


def _reopen(review: Review, *, to: str, acting_user: User) -> Referral:
    """A new referral of the same person, linked both ways to the one reviewed, which is
    closed. Its history and the earlier one's each name the other."""
    earlier = review.referral
    assert review.held_on is not None
    person = earlier.person
    reopened = receive_referral(
        person=person,
        details=ReferralDetails(
            received_on=review.held_on,
            referrer_name="",
            referrer_organisation=f"Post-exit review of {earlier.reference}",
            sector=earlier.sector,
            concern_description=review.notes,
            concern=earlier.panel_concern or earlier.concern,
            age_at_referral=age_at(earlier, review.held_on),
            gender=earlier.gender,
            ward=earlier.ward,
            vulnerabilities=list(earlier.vulnerabilities.all()),
            source=ReferralSource.REOPENED,
        ),
        coordinator=earlier.coordinator,
        acting_user=acting_user,
    )
    reopened.reopened_from = earlier
    reopened.panel_summary = earlier.panel_summary
    label = review.get_kind_display()
    _apply(
        reopened,
        pathway.ReopenedFrom(review.held_on, earlier.reference, label, to, review.notes),
        acting_user=acting_user,
    )
    reopened.save()
    _apply(
        earlier,
        pathway.ReopenedAs(review.held_on, reopened.reference, label, to, review.notes),
        acting_user=acting_user,
    )
    earlier.modified_by = _user(acting_user)
    earlier.save()
    AgendaItem.objects.filter(referral=earlier, is_open=True).update(is_open=False)
    _audit(AuditAction.CHANGE, earlier, acting_user, event=EventKind.REOPENED)
    return reopened


@transaction.atomic
def close_referral(
    referral: Referral, *, closed_on: datetime.date, reason: str, acting_user: User
) -> Referral:
    """Close an open referral. A reason is always required; nothing is deleted, and the
    person can be referred again later with a new referral."""
    _require(reason.strip(), "reason", "Enter why the referral is being closed")
    latest = referral.events.order_by("-occurred_on").values_list("occurred_on", flat=True)
    _check_date(
        closed_on,
        "closed_on",
        "Date closed",
        not_before=latest.first(),
        not_before_label="the latest event in its history",
    )
    pathway.check(referral.stage, EventKind.CLOSED)
    _apply(referral, pathway.Closed(closed_on, reason.strip()), acting_user=acting_user)
    referral.modified_by = _user(acting_user)
    referral.save()
    AgendaItem.objects.filter(referral=referral, is_open=True).update(is_open=False)
    _audit(AuditAction.CHANGE, referral, acting_user, event=EventKind.CLOSED)
    return referral


def case_officers(authority: Any) -> Any:
    """Who may be a referral's case officer: the authority's Prevent team (the users who
    may change its casework)."""
    return users_who_can(Kind.CASEWORK, Action.CHANGE, authority)


@transaction.atomic
def assign_case_officer(referral: Referral, officer: Any, *, acting_user: User) -> Referral:
    """Give the referral a new case officer; the change is in its history and the audit."""
    if officer is None or not case_officers(referral.authority).filter(pk=officer.pk).exists():
        raise ValidationError({"officer": "Choose a member of the authority's Prevent team"})
    if referral.coordinator_id == officer.pk:
        raise ValidationError({"officer": f"{officer} is already the case officer"})
    pathway.check(referral.stage, EventKind.CASE_OFFICER)
    previous = referral.coordinator
    referral.coordinator = officer
    referral.modified_by = _user(acting_user)
    referral.save(update_fields=["coordinator", "modified_by", "modified_at"])
    _apply(
        referral,
        pathway.Noted(
            EventKind.CASE_OFFICER,
            periods.today(),
            outcome_label=f"Case officer: {officer} (before: {previous or 'not assigned'})",
        ),
        acting_user=acting_user,
    )
    _audit(AuditAction.CHANGE, referral, acting_user, fields="coordinator")
    return referral


# --------------------------------------------------------------------------------------
# Panels, meetings, agendas, assessments, actions


@transaction.atomic
def create_panel(*, authority: Authority, name: str, panel_type: str, acting_user: User) -> Panel:
    _require(name.strip(), "name", "Enter the panel's name")
    if Panel.objects.filter(authority=authority, name=name.strip()).exists():
        raise ValidationError({"name": "A panel with this name already exists"})
    panel = Panel.objects.create(
        authority=authority,
        name=name.strip(),
        panel_type=panel_type,
        created_by=_user(acting_user),
        modified_by=_user(acting_user),
    )
    _audit(AuditAction.CREATE, panel, acting_user)
    return panel


@transaction.atomic
def update_panel_settings(
    panel: Panel, *, support_review_months: int | None, acting_user: User
) -> Panel:
    """How often (in months) every case in support comes back to this panel."""
    if support_review_months is None or not 1 <= support_review_months <= 12:
        raise ValidationError(
            {"support_review_months": "The support review must be every 1 to 12 months"}
        )
    panel.support_review_months = support_review_months
    panel.modified_by = _user(acting_user)
    panel.save(update_fields=["support_review_months", "modified_by", "modified_at"])
    _audit(AuditAction.CHANGE, panel, acting_user, fields="support_review_months")
    return panel


@transaction.atomic
def add_panel_member(
    panel: Panel,
    *,
    name: str,
    agency: str,
    role_title: str = "",
    user: Any = None,
    joined_on: datetime.date | None = None,
    acting_user: User,
) -> PanelMember:
    """Add a standing member. A member with a user account sees cases on the agenda."""
    _require(name.strip(), "name", "Enter the member's name")
    _require(agency.strip(), "agency", "Enter the agency the member represents")
    if user is not None:
        from dueregard.accounts.permissions import Action, Kind, can

        if not can(user, Kind.PANEL, Action.VIEW, panel.authority):
            raise ValidationError({"user": "This user has no panel role in this authority"})
        if PanelMember.objects.filter(panel=panel, user=user, active=True).exists():
            raise ValidationError({"user": "This user is already a member of the panel"})
    member = PanelMember.objects.create(
        panel=panel,
        user=user,
        name=name.strip(),
        agency=agency.strip(),
        role_title=role_title.strip(),
        joined_on=joined_on or periods.today(),
    )
    record(
        AuditAction.CREATE,
        actor=acting_user,
        obj=member,
        authority=panel.authority_id,
        detail={"panel": str(panel.pk)},
    )
    return member


@transaction.atomic
def end_panel_membership(
    member: PanelMember, *, left_on: datetime.date, acting_user: User
) -> PanelMember:
    """A standing member leaves the panel: their access to its agenda ends."""
    member.active = False
    member.left_on = left_on
    member.save(update_fields=["active", "left_on"])
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=member,
        authority=member.panel.authority_id,
        detail={"active": "False"},
    )
    return member


@transaction.atomic
def schedule_meeting(
    panel: Panel, *, held_on: datetime.date, notes: str = "", acting_user: User
) -> PanelMeeting:
    if held_on is None:
        raise ValidationError({"held_on": "Enter the date of the meeting"})
    meeting = PanelMeeting.objects.create(
        authority_id=panel.authority_id,
        panel=panel,
        held_on=held_on,
        notes=notes,
        created_by=_user(acting_user),
        modified_by=_user(acting_user),
    )
    _audit(AuditAction.CREATE, meeting, acting_user)
    return meeting


@dataclass(frozen=True)
class Attendee:
    name: str
    agency: str
    attended: bool = True
    member: PanelMember | None = None


def _meeting_event(
    meeting: PanelMeeting,
    kind: MeetingEventKind,
    *,
    acting_user: User,
    change: str = "",
    reason: str = "",
    agenda_item: AgendaItem | None = None,
    action: PanelAction | None = None,
) -> MeetingEvent:
    """Append a row to the meeting's history (what changed, by whom, when and why)."""
    return MeetingEvent.objects.create(
        authority_id=meeting.authority_id,
        meeting=meeting,
        kind=kind,
        agenda_item=agenda_item,
        action=action,
        change=change,
        reason=reason,
        recorded_by=_user(acting_user),
    )


def _correction_reason(meeting: PanelMeeting, reason: str, what: str) -> str:
    """Once the minutes are approved, a change is a correction and needs its reason."""
    reason = reason.strip()
    if meeting.minutes_approved and not reason:
        raise ValidationError(
            {"correction_reason": f"The minutes are approved: enter why {what} is being corrected"}
        )
    return reason


def _not_cancelled(meeting: PanelMeeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting was cancelled.")


def _attendance_text(rows: Iterable[Any]) -> str:
    return "; ".join(
        f"{a.name} ({a.agency}): {'attended' if a.attended else 'sent apologies'}" for a in rows
    )


@transaction.atomic
def record_attendance(
    meeting: PanelMeeting,
    *,
    attendees: Sequence[Attendee],
    correction_reason: str = "",
    acting_user: User,
) -> list[Attendance]:
    """Replace the meeting's attendance list (who came, by agency, and apologies).

    Once the minutes are approved this is a correction: it needs `correction_reason`, and
    the meeting's history keeps the list as it was and as it became.
    """
    _not_cancelled(meeting)
    if meeting.held_on > periods.today():
        raise ValidationError("Attendance is recorded on or after the day of the meeting.")
    for a in attendees:
        if not a.name.strip() or not a.agency.strip():
            raise ValidationError("Each attendee needs a name and an agency.")
    reason = _correction_reason(meeting, correction_reason, "the attendance")
    before = _attendance_text(meeting.attendance.all())
    # Attendance is not case content: it is replaced whole, and the change audited.
    meeting.attendance.all().delete()
    rows = Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=a.member,
            name=a.name.strip(),
            agency=a.agency.strip(),
            attended=a.attended,
        )
        for a in attendees
    )
    if meeting.minutes_approved:
        _meeting_event(
            meeting,
            MeetingEventKind.ATTENDANCE_CORRECTED,
            acting_user=acting_user,
            change=f"Before: {before or 'none'}. After: {_attendance_text(rows) or 'none'}.",
            reason=reason,
        )
    _audit(AuditAction.CHANGE, meeting, acting_user, fields="attendance", count=len(rows))
    return rows


@transaction.atomic
def add_to_agenda(
    meeting: PanelMeeting,
    referral: Referral,
    *,
    reason: str = "",
    acting_user: User,
) -> AgendaItem:
    """Put a case awaiting the panel (new) or in Channel support (review) on the agenda.

    A case in support may be listed with the reason the meeting page proposed it
    ("Support lapsing", "Support review"). From then until the item is closed, the
    panel's standing members can see what the panel shares about the case.
    """
    _same_authority(meeting.authority_id, referral)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"meeting": "This meeting was cancelled: choose another meeting"})
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError(
            {"meeting": "The meeting has been held: add the case to a later meeting"}
        )
    why = pathway.agenda_reason(referral.stage, AgendaReason(reason) if reason else None)
    listed = AgendaItem.objects.filter(meeting=meeting, referral=referral).first()
    if listed is not None and listed.removed_at is not None:
        raise ValidationError(
            {"meeting": "This case was removed from this meeting's agenda: choose another meeting"}
        )
    if listed is not None:
        raise ValidationError({"referral": "This case is already on the agenda"})
    item = AgendaItem.objects.create(
        authority_id=meeting.authority_id, meeting=meeting, referral=referral, reason=why
    )
    _apply(
        referral,
        pathway.AddedToAgenda(
            min(periods.today(), max(meeting.held_on, referral.received_on)), why, str(meeting)
        ),
        acting_user=acting_user,
    )
    _audit(AuditAction.CREATE, item, acting_user, meeting=meeting.pk)
    return item


@transaction.atomic
def record_discussion(
    item: AgendaItem,
    *,
    discussion: str,
    decision: str,
    decision_reason: str,
    concern: ConcernType | None = None,
    alternative_support: str = "",
    exit_reason: ExitReason | None = None,
    acting_user: User,
) -> AgendaItem:
    """The panel's notes and decision on an agenda item (once per item), at a meeting that
    has been held or whose date has come."""
    check_meeting_takes_decisions(item.meeting)
    if item.removed_at is not None:
        raise ValidationError("This case was removed from the agenda.")
    if item.decision:
        raise ValidationError("The panel's decision on this item is already recorded.")
    if not item.is_open:
        raise ValidationError("This agenda item is closed.")
    _require(discussion.strip(), "discussion", "Enter the notes of the discussion")
    item.discussion = discussion.strip()
    record_panel_decision(
        item.referral,
        decision=decision,
        occurred_on=item.meeting.held_on,
        reason=decision_reason,
        concern=concern,
        alternative_support=alternative_support,
        exit_reason=exit_reason,
        agenda_item=item,
        acting_user=acting_user,
    )
    return item


def check_meeting_takes_decisions(meeting: PanelMeeting) -> None:
    """Decisions are recorded only at a meeting that has been held or whose date has come
    (a planned meeting in the future has not met), never at a cancelled one."""
    _not_cancelled(meeting)
    if meeting.status == MeetingStatus.PLANNED and meeting.held_on > periods.today():
        raise ValidationError(
            {
                "decision": f"The meeting is on {meeting.held_on:%-d %B %Y}: record the "
                "panel's decision on or after that day"
            }
        )


@transaction.atomic
def close_agenda_item(item: AgendaItem, *, acting_user: User) -> AgendaItem:
    """Take the case off the agenda: the panel's members no longer see it."""
    item.is_open = False
    item.save(update_fields=["is_open"])
    _audit(AuditAction.CHANGE, item, acting_user, fields="is_open")
    return item


@transaction.atomic
def remove_from_agenda(item: AgendaItem, *, reason: str, acting_user: User) -> AgendaItem:
    """Take a case off a meeting's agenda before the panel has decided on it, with the
    reason. The item is kept (marked removed), the referral's and the meeting's histories
    say why, and the panel's members no longer see the case through it."""
    meeting = item.meeting
    if item.removed_at is not None:
        raise ValidationError("This case has already been removed from the agenda.")
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            f"The meeting has been {meeting.get_status_display().lower()}: its agenda stays "
            "as it was."
        )
    if item.decision:
        raise ValidationError(
            "The panel's decision on this case is recorded: it stays on the agenda."
        )
    _require(reason.strip(), "reason", "Enter why the case is being removed from the agenda")
    reason = reason.strip()
    item.is_open = False
    item.removed_at = timezone.now()
    item.removed_by = _user(acting_user)
    item.removal_reason = reason
    item.save(update_fields=["is_open", "removed_at", "removed_by", "removal_reason"])
    _apply(
        item.referral,
        pathway.Noted(
            EventKind.REMOVED_FROM_AGENDA,
            periods.today(),
            outcome_label=f"Removed from the agenda: {meeting}",
            reason=reason,
        ),
        acting_user=acting_user,
    )
    _meeting_event(
        meeting,
        MeetingEventKind.REMOVED_FROM_AGENDA,
        acting_user=acting_user,
        agenda_item=item,
        change=f"Case {item.referral.reference} removed from the agenda.",
        reason=reason,
    )
    _audit(AuditAction.CHANGE, item, acting_user, fields="removed", meeting=meeting.pk)
    return item


@transaction.atomic
def complete_meeting(meeting: PanelMeeting, *, acting_user: User) -> PanelMeeting:
    """Mark the meeting held and close its agenda (members' access to its cases ends).

    From then nothing can be added to its agenda; its decisions, attendance and actions
    are the draft minutes until the chair approves them (`approve_minutes`).
    """
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            f"The meeting has already been {meeting.get_status_display().lower()}."
        )
    if meeting.held_on > periods.today():
        raise ValidationError("A meeting can be marked held on or after its date.")
    undecided = meeting.items.filter(is_open=True, decision__isnull=True).count()
    if undecided:
        raise ValidationError(
            f"Record the panel's decision on every case first ({undecided} still to do)."
        )
    meeting.status = MeetingStatus.HELD
    meeting.modified_by = _user(acting_user)
    meeting.save(update_fields=["status", "modified_by", "modified_at"])
    for item in meeting.items.filter(is_open=True).select_related("referral"):
        close_agenda_item(item, acting_user=acting_user)
    _meeting_event(meeting, MeetingEventKind.HELD, acting_user=acting_user)
    _audit(AuditAction.CHANGE, meeting, acting_user, fields="status")
    return meeting


@transaction.atomic
def approve_minutes(meeting: PanelMeeting, *, acting_user: User) -> PanelMeeting:
    """The panel's chair approves the minutes of a held meeting (who and when are kept).
    From then its decisions, attendance and actions change only by a recorded correction."""
    from dueregard.accounts.models import Role
    from dueregard.accounts.permissions import roles_in

    if meeting.status != MeetingStatus.HELD:
        raise ValidationError("Mark the meeting held before its minutes are approved.")
    if meeting.minutes_approved:
        raise ValidationError("The minutes of this meeting are already approved.")
    if Role.PANEL_CHAIR not in roles_in(acting_user, meeting.authority):
        raise ValidationError("Only the panel's chair approves the minutes.")
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_by = _user(acting_user)
    meeting.modified_by = _user(acting_user)
    meeting.save(
        update_fields=["minutes_approved_at", "minutes_approved_by", "modified_by", "modified_at"]
    )
    _meeting_event(meeting, MeetingEventKind.MINUTES_APPROVED, acting_user=acting_user)
    _audit(AuditAction.CHANGE, meeting, acting_user, fields="minutes_approved")
    return meeting


@transaction.atomic
def correct_decision_record(
    item: AgendaItem,
    *,
    discussion: str,
    decision_reason: str,
    correction_reason: str = "",
    acting_user: User,
) -> AgendaItem:
    """Correct the recorded notes and reasons of a decision at a held meeting.

    The decision itself moved the case on and stands: a different decision is made at a
    later meeting. Once the minutes are approved the correction needs its reason. Every
    change is in the meeting's history with the text before and after.
    """
    meeting = item.meeting
    if not item.decision:
        raise ValidationError("The panel's decision on this case is not recorded yet.")
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError("The decision is corrected once the meeting has been held.")
    _require(discussion.strip(), "discussion", "Enter the notes of the discussion")
    _require(decision_reason.strip(), "decision_reason", "Enter the panel's reasons")
    reason = _correction_reason(meeting, correction_reason, "the decision record")
    before = (item.discussion, item.decision_reason)
    after = (discussion.strip(), decision_reason.strip())
    if before == after:
        raise ValidationError({"discussion": "Change the notes or the reasons to correct them"})
    item.discussion, item.decision_reason = after
    item.save(update_fields=["discussion", "decision_reason"])
    _meeting_event(
        meeting,
        MeetingEventKind.DECISION_CORRECTED,
        acting_user=acting_user,
        agenda_item=item,
        change=(
            f"Case {item.referral.reference}. Notes before: {before[0]} Notes after: {after[0]} "
            f"Reasons before: {before[1]} Reasons after: {after[1]}"
        ),
        reason=reason,
    )
    _audit(AuditAction.CHANGE, item, acting_user, fields="decision record", meeting=meeting.pk)
    return item


@transaction.atomic
def record_assessment(
    referral: Referral,
    *,
    assessed_on: datetime.date,
    engagement: str,
    intent: str,
    capability: str,
    conclusion: str = "",
    agenda_item: AgendaItem | None = None,
    acting_user: User,
) -> VulnerabilityAssessment:
    """The panel's Vulnerability Assessment Framework narrative, as the panel wrote it."""
    pathway.check(referral.stage, EventKind.VAF_RECORDED)
    for field, text in (("engagement", engagement), ("intent", intent), ("capability", capability)):
        _require(text.strip(), field, f"Enter the panel's assessment of {field}")
    _check_date(
        assessed_on,
        "assessed_on",
        "Date of the assessment",
        not_before=referral.gateway_outcome_on or referral.received_on,
        not_before_label="the gateway outcome",
    )
    assessment = VulnerabilityAssessment.objects.create(
        authority_id=referral.authority_id,
        referral=referral,
        agenda_item=agenda_item,
        assessed_on=assessed_on,
        engagement=engagement.strip(),
        intent=intent.strip(),
        capability=capability.strip(),
        conclusion=conclusion.strip(),
        recorded_by=_user(acting_user),
    )
    _apply(referral, pathway.Noted(EventKind.VAF_RECORDED, assessed_on), acting_user=acting_user)
    _audit(AuditAction.CREATE, assessment, acting_user)
    return assessment


@transaction.atomic
def add_panel_action(
    meeting: PanelMeeting,
    *,
    description: str,
    owner: PanelMember,
    due_on: datetime.date,
    referral: Referral | None = None,
    correction_reason: str = "",
    acting_user: User,
) -> PanelAction:
    """An action agreed at the meeting. Once its minutes are approved, adding one is a
    correction: it needs `correction_reason` and goes into the meeting's history."""
    _not_cancelled(meeting)
    _require(description.strip(), "description", "Enter what needs to be done")
    if owner is None or owner.panel_id != meeting.panel_id:
        raise ValidationError({"owner": "Choose a standing member of this panel"})
    _require(due_on, "due_on", "Enter the date the action is due")
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": "The due date must be on or after the meeting"})
    _same_authority(meeting.authority_id, referral)
    reason = _correction_reason(meeting, correction_reason, "an action")
    action = PanelAction.objects.create(
        authority_id=meeting.authority_id,
        meeting=meeting,
        referral=referral,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=_user(acting_user),
        modified_by=_user(acting_user),
    )
    if meeting.minutes_approved:
        _meeting_event(
            meeting,
            MeetingEventKind.ACTION_ADDED,
            acting_user=acting_user,
            action=action,
            change=f"Added: {action.description} (owner {owner}, due {due_on:%-d %B %Y}).",
            reason=reason,
        )
    _audit(AuditAction.CREATE, action, acting_user)
    return action


@transaction.atomic
def correct_panel_action(
    action: PanelAction,
    *,
    description: str,
    owner: PanelMember,
    due_on: datetime.date,
    correction_reason: str = "",
    acting_user: User,
) -> PanelAction:
    """Correct what was agreed (the action, its owner, its due date). Once the meeting's
    minutes are approved the correction needs its reason; every change is in the
    meeting's history with the action before and after. Progress is reported with
    `update_panel_action`, which is follow-up, not the minutes."""
    meeting = action.meeting
    _not_cancelled(meeting)
    _require(description.strip(), "description", "Enter what needs to be done")
    if owner is None or owner.panel_id != meeting.panel_id:
        raise ValidationError({"owner": "Choose a standing member of this panel"})
    _require(due_on, "due_on", "Enter the date the action is due")
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": "The due date must be on or after the meeting"})
    reason = _correction_reason(meeting, correction_reason, "the action")

    def text(a: Any) -> str:
        return f"{a.description} (owner {a.owner}, due {a.due_on:%-d %B %Y})"

    before = text(action)
    action.description, action.owner, action.due_on = description.strip(), owner, due_on
    after = text(action)
    if before == after:
        raise ValidationError({"description": "Change the action, its owner or its due date"})
    action.modified_by = _user(acting_user)
    action.save()
    _meeting_event(
        meeting,
        MeetingEventKind.ACTION_CORRECTED,
        acting_user=acting_user,
        action=action,
        change=f"Before: {before}. After: {after}.",
        reason=reason,
    )
    _audit(AuditAction.CHANGE, action, acting_user, fields="action", meeting=meeting.pk)
    return action


@transaction.atomic
def update_panel_action(
    action: PanelAction,
    *,
    status: str,
    progress: str,
    completed_on: datetime.date | None = None,
    acting_user: User,
) -> PanelAction:
    """The owner (or the coordinator or chair) reports progress or completes an action."""
    status = ActionStatus(status)
    if status == ActionStatus.DONE:
        completed_on = _check_date(
            completed_on or periods.today(),
            "completed_on",
            "Date completed",
            not_before=action.meeting.held_on,
            not_before_label="the meeting",
        )
    else:
        completed_on = None
    if status == ActionStatus.DROPPED:
        _require(progress.strip(), "progress", "Enter why the action is no longer needed")
    action.status = status
    action.progress = progress.strip()
    action.completed_on = completed_on
    action.modified_by = _user(acting_user)
    action.save()
    _audit(AuditAction.CHANGE, action, acting_user, status=status)
    return action
