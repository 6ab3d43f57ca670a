"""Casework: people, their referrals, the pathway history, Channel panels and support.

State and invariants only; every change goes through `casework.services`, which writes
the audit event in the same transaction. The software records what people decide: it
never scores, ranks or predicts anything about a person. Panel judgements (the
Vulnerability Assessment Framework) are the panel's own words.

A *referral* is the unit of work from intake to closure. A *Channel case* is a referral
the panel adopted (`adopted_on` set); there is no separate case record, so a person's
page and the statistics read one row per referral. Milestone dates on `Referral` are a
cache of its `StageEvent` rows, written by the services in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from dueregard.areas.models import Ward
from dueregard.core.models import ArchivableModel, AuthoredModel, AuthorityOwned, ReferenceData

# ---------------------------------------------------------------------------------------
# Reference lists: loaded by migration 0002, disabled (never deleted) when retired.


class Sector(ReferenceData):
    """Where a referral came from (Home Office "sector of referral")."""

    class Meta(ReferenceData.Meta):
        constraints = [models.UniqueConstraint(fields=["code"], name="sector_code_unique")]


class Vulnerability(ReferenceData):
    """A vulnerability noted at referral (mental health, autism spectrum condition ...)."""

    class Meta(ReferenceData.Meta):
        verbose_name_plural = "vulnerabilities"
        constraints = [models.UniqueConstraint(fields=["code"], name="vulnerability_code_unique")]


class ExitReason(ReferenceData):
    """Why someone left Channel support."""

    class Meta(ReferenceData.Meta):
        constraints = [models.UniqueConstraint(fields=["code"], name="exitreason_code_unique")]


class InterventionKind(ReferenceData):
    """A kind of support in a support plan (intervention provider, education, housing ...)."""

    class Meta(ReferenceData.Meta):
        constraints = [
            models.UniqueConstraint(fields=["code"], name="interventionkind_code_unique")
        ]


class ConcernCodeList(models.Model):
    """A version of the Home Office type-of-concern categories, valid for a date range.

    Each referral keeps the entry it was recorded with; `ConcernMapping` links entries
    of one version to the next so a time series can be rebuilt on either basis.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Blank: still in use.")
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.name


class ConcernType(ReferenceData):
    """One category of a concern code list; `parent` groups sub-types (MUU 2021 -> 2024)."""

    code_list = models.ForeignKey(ConcernCodeList, on_delete=models.PROTECT, related_name="types")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_types"
    )
    description = models.TextField(blank=True)

    class Meta(ReferenceData.Meta):
        ordering = ["code_list__valid_from", "order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="concerntype_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class ConcernMapping(models.Model):
    """`source` (an entry of an older list) is counted as `target` (an entry of a newer one)."""

    source = models.ForeignKey(ConcernType, on_delete=models.PROTECT, related_name="mapped_to")
    target = models.ForeignKey(ConcernType, on_delete=models.PROTECT, related_name="mapped_from")
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="concernmapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}"


# ---------------------------------------------------------------------------------------
# Choices


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"


# The same groups as the census population counts (areas.Population, loaded by the demo
# from dueregard/demo/steps/areas.py), so rates per 10,000 residents can be computed.
class EthnicGroup(models.TextChoices):
    ASIAN = "Asian, Asian British or Asian Welsh"
    BLACK = "Black, Black British, Black Welsh, Caribbean or African"
    MIXED = "Mixed or Multiple ethnic groups"
    WHITE = "White"
    OTHER = "Other ethnic group"


class Religion(models.TextChoices):
    CHRISTIAN = "Christian"
    MUSLIM = "Muslim"
    JEWISH = "Jewish"
    HINDU = "Hindu"
    BUDDHIST = "Buddhist"
    SIKH = "Sikh"
    OTHER = "Other religion"
    NONE = "No religion"
    NOT_ANSWERED = "Not answered"


class Stage(models.TextChoices):
    """Where a referral stands. The allowed moves are in `casework.pathway`."""

    RECEIVED = "received", "Received, awaiting triage"
    WITH_GATEWAY = "with_gateway", "Referred to the police gateway"
    FOR_PANEL = "for_panel", "For Channel panel"
    DISCUSSED = "discussed", "Discussed at panel, decision pending"
    ADOPTED = "adopted", "Adopted as a Channel case"
    IN_SUPPORT = "in_support", "Receiving Channel support"
    LEFT_CHANNEL = "left_channel", "Left Channel, reviews due"
    # Not for Channel, but referred on to another service for its other vulnerabilities:
    # open until someone records that the service accepted or declined it.
    ONWARD = "onward_referral", "Onward referral awaiting confirmation"
    CLOSED = "closed", "Closed"


OPEN_STAGES = [s for s in Stage if s != Stage.CLOSED]


class TriageOutcome(models.TextChoices):
    ADVICE = "advice", "Advice provided"
    SIGNPOSTED = "signposted", "Signposted to other services"
    NFA = "nfa", "No further action"
    POLICE = "police", "Referred to police"
    REFERRED_ON = "referred_on", "Not for Channel: referred on for other vulnerabilities"


class GatewayOutcome(models.TextChoices):
    NFA = "nfa", "No further action"
    SIGNPOSTED = "signposted", "Signposted to other services"
    POLICE_LED = "police_led", "Police-led"
    PANEL = "panel", "For Channel panel"
    REFERRED_ON = "referred_on", "Not for Channel: referred on for other vulnerabilities"


class PanelDecision(models.TextChoices):
    ADOPT = "adopt", "Adopt as a Channel case"
    NOT_ADOPT = "not_adopt", "Do not adopt: alternative support"
    CONTINUE = "continue", "Continue support and review again"
    LEAVE = "leave", "Leave Channel"
    DEFER = "defer", "Defer: more information needed"
    NOTED = "noted", "Discussed and noted"


class ReferralSource(models.TextChoices):
    INTAKE = "intake", "Entered at intake"
    IMPORT = "import", "Imported"
    API = "api", "Sent by a partner system"
    REOPENED = "reopened", "Reopened after a post-exit review"


class EventKind(models.TextChoices):
    """What a history row records. Stage changes carry `from_stage` and `to_stage`."""

    RECEIVED = "received", "Referral received"
    TRIAGED = "triaged", "Triaged"
    REFERRED_TO_POLICE = "referred_to_police", "Referred to the police gateway"
    GATEWAY_OUTCOME = "gateway_outcome", "Police gateway outcome"
    ADDED_TO_AGENDA = "added_to_agenda", "Added to a panel agenda"
    DISCUSSED = "discussed", "Discussed at panel"
    ADOPTED = "adopted", "Adopted as a Channel case"
    NOT_ADOPTED = "not_adopted", "Not adopted: alternative support"
    VAF_RECORDED = "vaf_recorded", "Vulnerability assessment recorded"
    CONSENT = "consent", "Consent recorded"
    SUPPORT_PLAN = "support_plan", "Support plan agreed"
    SUPPORT_STARTED = "support_started", "Support started"
    SESSION = "session", "Support session recorded"
    LEFT_CHANNEL = "left_channel", "Left Channel"
    REVIEW = "review", "Post-exit review"
    REVIEW_EXTENDED = "review_extended", "Post-exit review extended"
    REOPENED = "reopened", "Reopened after a post-exit review"
    CASE_OFFICER = "case_officer", "Case officer changed"
    REFERRED_ON = "referred_on", "Referred on to another service"
    ONWARD_RESPONSE = "onward_response", "Onward referral answered"
    REMOVED_FROM_AGENDA = "removed_from_agenda", "Removed from a panel agenda"
    CLOSED = "closed", "Closed"


# ---------------------------------------------------------------------------------------
# People and referrals


class Person(AuthoredModel, ArchivableModel, AuthorityOwned):
    """Someone referred, once or more. Repeat referrals point at the same person.

    Intake offers possible matches (human-confirmed, never automatic). People created by
    an import row without a name are `unidentified_historical`: intake never offers them.
    """

    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    other_names = models.CharField(
        max_length=200, blank=True, help_text="Other names or spellings the person is known by."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, null=True, blank=True)
    ethnic_group = models.CharField(
        max_length=80, choices=EthnicGroup.choices, blank=True, help_text="Blank: not known."
    )
    religion = models.CharField(
        max_length=40, choices=Religion.choices, blank=True, help_text="Blank: not known."
    )
    address = models.TextField(blank=True)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, null=True, blank=True)
    # Special-category detail, kept apart so it can be revealed separately (step-up).
    health_details = models.TextField(blank=True)
    unidentified_historical = models.BooleanField(default=False)
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.TextField(blank=True)
    # Normalised keys for tolerant matching at intake, kept by the services.
    given_name_key = models.CharField(max_length=100, blank=True, editable=False)
    family_name_key = models.CharField(max_length=100, blank=True, editable=False)
    family_name_sound = models.CharField(max_length=8, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "people"
        ordering = ["family_name", "given_name", "pk"]
        indexes = [
            models.Index(fields=["authority", "date_of_birth"], name="person_auth_dob"),
            models.Index(fields=["authority", "family_name_sound"], name="person_auth_sound"),
            models.Index(fields=["authority", "family_name_key"], name="person_auth_family"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        return name or f"Unidentified person {self.pk}"

    @property
    def audit_person_id(self) -> int | None:
        return self.pk


class Referral(AuthoredModel, AuthorityOwned):
    """One referral of a person, from intake through the whole pathway to closure.

    The milestone fields (`stage` and the dates and outcomes below it) cache the
    referral's `StageEvent` history; only services write them, with the event, in one
    transaction. Statistics count these dates, so each has an (authority, date) index.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    reference = models.CharField(max_length=40)
    source = models.CharField(
        max_length=10, choices=ReferralSource.choices, default=ReferralSource.INTAKE
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The officer managing this referral.",
    )
    received_on = models.DateField()
    referrer_name = models.CharField(max_length=150, blank=True)
    referrer_organisation = models.CharField(max_length=150, blank=True)
    referrer_contact = models.CharField(max_length=200, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, help_text="Blank: not known."
    )
    concern_description = models.TextField(blank=True, help_text="The concern as described.")
    concern = models.ForeignKey(
        ConcernType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Type of concern raised by the referrer. Blank: not known.",
    )
    # As recorded for this referral (statistics count these without a join).
    age_at_referral = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, null=True, blank=True)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, null=True, blank=True)
    vulnerabilities = models.ManyToManyField(Vulnerability, blank=True, related_name="+")

    # What the Channel panel is told about this person (panel members see only this).
    panel_summary = models.TextField(blank=True)

    # --- milestone cache, written by services with the StageEvent ---
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.RECEIVED)
    triaged_on = models.DateField(null=True, blank=True)
    triage_outcome = models.CharField(
        max_length=12, choices=TriageOutcome.choices, null=True, blank=True
    )
    referred_to_police_on = models.DateField(null=True, blank=True)
    gateway_outcome = models.CharField(
        max_length=12, choices=GatewayOutcome.choices, null=True, blank=True
    )
    gateway_outcome_on = models.DateField(null=True, blank=True)
    gateway_concern = models.ForeignKey(
        ConcernType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Police information, kept apart so it can be revealed separately (step-up).
    gateway_police_notes = models.TextField(blank=True)
    discussed_at_panel_on = models.DateField(null=True, blank=True)
    panel_concern = models.ForeignKey(
        ConcernType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopted_on = models.DateField(null=True, blank=True)
    not_adopted_on = models.DateField(null=True, blank=True)
    alternative_support = models.TextField(blank=True)
    support_started_on = models.DateField(null=True, blank=True)
    left_channel_on = models.DateField(null=True, blank=True)
    exit_reason = models.ForeignKey(ExitReason, on_delete=models.PROTECT, null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    # A post-exit review that found renewed concerns opens a new referral linked to the
    # one it reviewed (docs/adr/0016-reopening-after-review.md).
    reopened_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reopened_as"
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            # Unique ignoring case: "r-2026-0073" is the same reference as "R-2026-0073".
            models.UniqueConstraint(
                "authority", Lower("reference"), name="referral_reference_unique_ci"
            ),
            models.CheckConstraint(
                name="referral_closed_has_reason",
                condition=~models.Q(stage="closed") | (~models.Q(closure_reason="")),
            ),
            models.CheckConstraint(
                name="referral_adopted_after_discussed",
                condition=models.Q(adopted_on__isnull=True)
                | models.Q(discussed_at_panel_on__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "received_on"], name="referral_received"),
            models.Index(fields=["authority", "triaged_on"], name="referral_triaged"),
            models.Index(fields=["authority", "referred_to_police_on"], name="referral_police"),
            models.Index(fields=["authority", "gateway_outcome_on"], name="referral_gateway"),
            models.Index(fields=["authority", "discussed_at_panel_on"], name="referral_panel"),
            models.Index(fields=["authority", "adopted_on"], name="referral_adopted"),
            models.Index(fields=["authority", "left_channel_on"], name="referral_left"),
            models.Index(fields=["authority", "closed_on"], name="referral_closed"),
            models.Index(fields=["authority", "stage"], name="referral_stage"),
            # Statistics for a region or England and Wales read a period's referrals
            # across authorities (docs/benchmarks.md).
            models.Index(fields=["received_on"], name="referral_received_any"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_person_id(self) -> int | None:
        return self.person_id

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED

    @property
    def is_channel_case(self) -> bool:
        return self.adopted_on is not None


class StageEventQuerySet(models.QuerySet["StageEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("the pathway history is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        raise TypeError("the pathway history is append-only")


class StageEvent(AuthorityOwned):
    """One entry of a referral's append-only history: who, when, what and why.

    `occurred_on` is the business date (when it happened); `recorded_at` is when it was
    entered. Stage changes carry `from_stage` and `to_stage`; other events (consent,
    sessions, assessments) leave the stage as it was.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    outcome = models.CharField(max_length=40, blank=True, help_text="The outcome's code.")
    outcome_label = models.CharField(max_length=200, blank=True)
    concern = models.ForeignKey(
        ConcernType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_on = models.DateField()
    reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = StageEventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "pk"]
        indexes = [
            models.Index(fields=["authority", "kind", "occurred_on"], name="stageevent_kind_date"),
            models.Index(fields=["person", "occurred_on"], name="stageevent_person"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the pathway history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("the pathway history is append-only")

    @property
    def audit_person_id(self) -> int | None:
        return self.person_id


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Consent given"
    DECLINED = "declined", "Consent declined"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", "The person"
    PARENT = "parent", "A parent"
    GUARDIAN = "guardian", "A guardian or carer with parental responsibility"


class Consent(AuthorityOwned):
    """A consent decision for Channel support. The latest one counts; none is changed."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="consents")
    status = models.CharField(max_length=10, choices=ConsentStatus.choices)
    given_by = models.CharField(max_length=10, choices=ConsentGivenBy.choices)
    given_by_name = models.CharField(
        max_length=150, blank=True, help_text="Name of the parent or guardian."
    )
    capacity_considered = models.BooleanField(default=False)
    occurred_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.occurred_on})"

    @property
    def audit_person_id(self) -> int | None:
        return self.referral.person_id


DEFAULT_CONTACT_INTERVAL_DAYS = 28
# Days after a plan's contact interval before a case without a delivered contact lapses.
LAPSING_GRACE_DAYS = 14


class SupportPlan(AuthoredModel, AuthorityOwned):
    """The support the panel agreed for a Channel case, and how many sessions it plans."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="support_plan")
    agreed_on = models.DateField()
    intervention_provider = models.CharField(
        max_length=150, blank=True, help_text="The Home Office-approved intervention provider."
    )
    interventions = models.ManyToManyField(InterventionKind, blank=True, related_name="+")
    other_support = models.TextField(blank=True)
    sessions_planned = models.PositiveSmallIntegerField(default=0)
    planned_start_on = models.DateField()
    planned_end_on = models.DateField()
    # A case with no delivered contact within this plus LAPSING_GRACE_DAYS is lapsing.
    contact_interval_days = models.PositiveSmallIntegerField(
        default=DEFAULT_CONTACT_INTERVAL_DAYS,
        help_text="How often a contact is planned, in days.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="supportplan_end_after_start",
                condition=models.Q(planned_end_on__gte=models.F("planned_start_on")),
            ),
            models.CheckConstraint(
                name="supportplan_contact_interval_positive",
                condition=models.Q(contact_interval_days__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"Support plan for {self.referral}"

    @property
    def audit_person_id(self) -> int | None:
        return self.referral.person_id


class SessionStatus(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    NOT_ATTENDED = "not_attended", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class SupportSession(AuthorityOwned):
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="sessions")
    occurred_on = models.DateField()
    status = models.CharField(max_length=14, choices=SessionStatus.choices)
    provider = models.CharField(max_length=150, blank=True)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_status_display()}"

    @property
    def audit_person_id(self) -> int | None:
        return self.plan.referral.person_id


class ReviewKind(models.TextChoices):
    SIX_MONTHS = "6", "6-month review"
    TWELVE_MONTHS = "12", "12-month review"
    EXTENDED = "extended", "Extended review"


# Reviews after leaving Channel may be extended up to this many months after exit.
REVIEW_LIMIT_MONTHS = 24


class Review(AuthorityOwned):
    """A post-exit review, scheduled when the person leaves Channel."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    due_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    further_concerns = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # Why a further review was scheduled (extended reviews) and why one was held more
    # than EARLY_REVIEW_DAYS before it was due.
    reason = models.TextField(blank=True)
    early_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "kind"],
                condition=~models.Q(kind="extended"),
                name="review_once_per_kind",
            ),
            models.UniqueConstraint(fields=["referral", "due_on"], name="review_once_per_date"),
        ]
        indexes = [models.Index(fields=["authority", "held_on", "due_on"], name="review_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.referral}"

    @property
    def audit_person_id(self) -> int | None:
        return self.referral.person_id


class OnwardResponse(models.TextChoices):
    ACCEPTED = "accepted", "The service accepted the referral"
    DECLINED = "declined", "The service declined the referral"


class OnwardReferral(AuthorityOwned):
    """A referral closed as not for Channel but with other vulnerabilities, referred on to
    another service (the Home Office's assurance point for people below the threshold):
    which service and when, then whether the service accepted or declined it, by whom
    recorded and when. The referral stays open (`Stage.ONWARD`) until the answer is in."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="onward_referrals"
    )
    service = models.CharField(max_length=200)
    referred_on = models.DateField()
    # Which gate referred it on: "triage" or "gateway".
    at = models.CharField(max_length=10)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    response = models.CharField(
        max_length=10, choices=OnwardResponse.choices, null=True, blank=True
    )
    responded_on = models.DateField(null=True, blank=True)
    response_note = models.TextField(blank=True)
    response_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["referred_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="onward_response_has_date",
                condition=models.Q(response__isnull=True, responded_on__isnull=True)
                | models.Q(response__isnull=False, responded_on__isnull=False),
            ),
            models.CheckConstraint(
                name="onward_response_after_referral",
                condition=models.Q(responded_on__isnull=True)
                | models.Q(responded_on__gte=models.F("referred_on")),
            ),
        ]
        indexes = [models.Index(fields=["authority", "referred_on"], name="onward_referred")]

    def __str__(self) -> str:
        return f"Onward referral of {self.referral} to {self.service}"

    @property
    def audit_person_id(self) -> int | None:
        return self.referral.person_id

    @property
    def awaiting(self) -> bool:
        return self.response is None


# ---------------------------------------------------------------------------------------
# Channel panels


class PanelType(models.TextChoices):
    CHANNEL = "channel", "Channel panel"
    PMAP = "pmap", "Prevent Multi-Agency Panel (PMAP)"


class Panel(AuthoredModel, ArchivableModel, AuthorityOwned):
    name = models.CharField(max_length=150)
    panel_type = models.CharField(max_length=10, choices=PanelType.choices, default="channel")
    support_review_months = models.PositiveSmallIntegerField(
        "support review (months)",
        default=3,
        help_text="Every case in support comes back to the panel at least this often.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="panel_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PanelMember(models.Model):
    """A standing member of a panel: an agency and role, and the user who represents it.

    A panel member (role) sees a case only while it is on an open agenda item of a
    meeting of a panel where they are an active standing member (`user` set, `active`).
    """

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=150)
    agency = models.CharField(max_length=150)
    role_title = models.CharField("role", max_length=150, blank=True)
    active = models.BooleanField(default=True)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "user"],
                condition=models.Q(active=True, user__isnull=False),
                name="panelmember_user_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class PanelMeeting(AuthoredModel, AuthorityOwned):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date")
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    notes = models.TextField(blank=True)
    # Planned -> held (`status`) -> minutes approved by the chair (these two set). Once
    # approved, the decisions, attendance and actions change only by a recorded correction.
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["authority", "held_on"], name="meeting_date")]
        constraints = [
            models.CheckConstraint(
                name="meeting_minutes_approved_when_held",
                condition=models.Q(minutes_approved_at__isnull=True) | models.Q(status="held"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.panel}, {self.held_on:%-d %B %Y}"

    @property
    def minutes_approved(self) -> bool:
        return self.minutes_approved_at is not None

    @property
    def lifecycle_label(self) -> str:
        """Planned, Held, Minutes approved or Cancelled: what the meeting page shows."""
        return "Minutes approved" if self.minutes_approved else self.get_status_display()


class MeetingEventKind(models.TextChoices):
    HELD = "held", "Meeting held"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"
    REMOVED_FROM_AGENDA = "removed_from_agenda", "Case removed from the agenda"
    ATTENDANCE_CORRECTED = "attendance_corrected", "Attendance corrected"
    DECISION_CORRECTED = "decision_corrected", "Decision record corrected"
    ACTION_ADDED = "action_added", "Action added after approval"
    ACTION_CORRECTED = "action_corrected", "Action corrected"


class MeetingEventQuerySet(models.QuerySet["MeetingEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("a meeting's history is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        raise TypeError("a meeting's history is append-only")


class MeetingEvent(AuthorityOwned):
    """One entry of a meeting's append-only history: what changed, by whom, when and why.

    Corrections after the minutes are approved carry their reason and what the record
    said before and after; they name the agenda item or action they corrected.
    """

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="history")
    kind = models.CharField(max_length=24, choices=MeetingEventKind.choices)
    agenda_item = models.ForeignKey(
        "AgendaItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.ForeignKey(
        "PanelAction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change = models.TextField(blank=True, help_text="What the record said before and after.")
    reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MeetingEventQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.meeting})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("a meeting's history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("a meeting's history is append-only")


class Attendance(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, null=True, blank=True)
    name = models.CharField(max_length=150)
    agency = models.CharField(max_length=150)
    attended = models.BooleanField(default=True, help_text="False: sent apologies.")

    class Meta:
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class AgendaReason(models.TextChoices):
    NEW = "new", "New case for discussion"
    REVIEW = "review", "Review of a case"
    SUPPORT_LAPSING = "support_lapsing", "Support lapsing"
    SUPPORT_REVIEW = "support_review", "Support review"


class AgendaItem(AuthorityOwned):
    """A case on a meeting's agenda, with the panel's discussion and decision.

    While `is_open`, the panel's standing members may see what the panel shares about
    the case. Closing the item (after the minutes are done) ends that access.
    """

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="items")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="agenda_items")
    reason = models.CharField(max_length=20, choices=AgendaReason.choices)
    is_open = models.BooleanField(default=True)
    discussion = models.TextField(blank=True)
    decision = models.CharField(max_length=12, choices=PanelDecision.choices, null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Taken off a planned meeting's agenda before the panel discussed it (never deleted).
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(blank=True)

    # The item's version (core.versions) is its decision time: the decision is its edit.
    version_stamp = ("decided_at", "decided_by")

    class Meta:
        ordering = ["meeting__held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "referral"], name="agenda_case_once")
        ]
        indexes = [models.Index(fields=["referral", "is_open"], name="agenda_open")]

    def __str__(self) -> str:
        return f"{self.referral} at {self.meeting}"

    @property
    def audit_person_id(self) -> int | None:
        return self.referral.person_id


class VulnerabilityAssessment(AuthorityOwned):
    """The panel's Vulnerability Assessment Framework, in its own words.

    Narrative under the three dimensions (engagement, intent, capability) and a
    conclusion; never a score or rating. Successive assessments of a referral are
    compared as text on its page.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="assessments")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    assessed_on = models.DateField()
    engagement = models.TextField("engagement with a group, cause or ideology")
    intent = models.TextField("intent to cause harm")
    capability = models.TextField("capability to cause harm")
    conclusion = models.TextField("panel's conclusion", blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assessed_on", "pk"]

    def __str__(self) -> str:
        return f"Assessment of {self.referral} on {self.assessed_on}"

    @property
    def audit_person_id(self) -> int | None:
        return self.referral.person_id


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"


class PanelAction(AuthoredModel, AuthorityOwned):
    """An action agreed at a panel meeting, carried to later meetings until done."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="actions")
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="panel_actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    progress = models.TextField(blank=True, help_text="Latest update from the owner.")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["authority", "status", "due_on"], name="action_due")]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def audit_person_id(self) -> int | None:
        return self.referral.person_id if self.referral is not None else None
