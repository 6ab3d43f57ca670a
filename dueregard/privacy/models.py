"""The personal data lifecycle: retention rules, destruction records, subject access
requests, the information-sharing log, data-sharing agreements and access reviews.

State and invariants only; every change goes through `privacy.services`. None of these
models holds special-category content except the subject access request's redaction
phrases and the sharing log's description of what was shared, both of which the
retention process clears with the person's other details.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dueregard.casework.models import Person, Referral
from dueregard.core.models import AuthoredModel, AuthorityOwned

# --------------------------------------------------------------------------------------
# Retention


class RecordClass(models.TextChoices):
    """The classes of record a retention rule is written for, with what the clock counts
    from (see `services.referral_due_on`)."""

    NOT_CHANNEL = "not_channel", "Referral closed without Channel support (NFA, signposted)"
    CHANNEL = "channel", "Channel case"
    CHILD_PROTECTION = "child_protection", "Record linked to child protection"


COUNTED_FROM = {
    RecordClass.NOT_CHANNEL: "the referral's closure",
    RecordClass.CHANNEL: "the last post-exit review (or leaving Channel, or closure)",
    RecordClass.CHILD_PROTECTION: "the person's date of birth",
}

# The defaults an authority starts with (issue 7; domain-reference §6.2).
DEFAULT_YEARS = {
    RecordClass.NOT_CHANNEL: 3,
    RecordClass.CHANNEL: 6,
    RecordClass.CHILD_PROTECTION: 25,
}


class RetentionRule(AuthoredModel, AuthorityOwned):
    """How long an authority keeps a class of record before it is reviewed and its
    personal details removed."""

    record_class = models.CharField(max_length=20, choices=RecordClass.choices)
    review_after_years = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True, help_text="Why this period (the schedule's reference).")

    class Meta:
        ordering = ["authority", "record_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "record_class"], name="retentionrule_once_per_class"
            ),
            models.CheckConstraint(
                name="retentionrule_years_positive", condition=models.Q(review_after_years__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_class_display()}: {self.review_after_years} years"

    @property
    def counted_from(self) -> str:
        return COUNTED_FROM[RecordClass(self.record_class)]


class ChildProtectionLink(AuthorityOwned):
    """The person's records are linked to child protection, so the longer rule applies."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="child_protection_link"
    )
    noted_on = models.DateField()
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why the records are linked.")
    # Unlinking keeps the row (nothing is deleted outside retention): the longer rule stops
    # applying, and the link's history stays with who ended it and why.
    unlinked_on = models.DateField(null=True, blank=True)
    unlinked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unlink_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        state = "linked to" if self.active else "no longer linked to"
        return f"Person {self.person_id} {state} child protection"

    @property
    def active(self) -> bool:
        return self.unlinked_on is None

    @property
    def audit_person_id(self) -> int | None:
        return self.person_id


class DestructionRecord(AuthorityOwned):
    """What the retention process removed, when, under which rule and by whom.

    Holds no personal data: the person's record number, the referral ids, the rule and
    the names of the fields cleared. It survives the removal it records.
    """

    person_id = models.BigIntegerField(help_text="The de-identified person record kept.")
    referral_ids = models.JSONField(default=list)
    record_class = models.CharField(max_length=20, choices=RecordClass.choices)
    rule = models.CharField(max_length=200, help_text="The rule as it stood at the time.")
    due_on = models.DateField()
    destroyed_at = models.DateTimeField(auto_now_add=True)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed = models.JSONField(default=list, help_text="The fields cleared, as model.field.")

    class Meta:
        ordering = ["-destroyed_at", "-pk"]

    def __str__(self) -> str:
        return f"Person {self.person_id} under {self.rule}"


# --------------------------------------------------------------------------------------
# Subject access


class SubjectAccessRequest(AuthoredModel, AuthorityOwned):
    """A request by a person for what is held about them, and the redactions agreed before
    release (`redacted`: keys of whole fields; `phrases`: text replaced wherever it
    appears, e.g. other people's names in free text)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    redacted = models.JSONField(default=list, blank=True)
    phrases = models.JSONField(default=list, blank=True)
    redaction_confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"

    @property
    def audit_person_id(self) -> int | None:
        return self.person_id


# --------------------------------------------------------------------------------------
# Information sharing


class Direction(models.TextChoices):
    TO_PARTNER = "to", "Shared with a partner"
    FROM_PARTNER = "from", "Received from a partner"


class LawfulBasis(models.TextChoices):
    """UK GDPR Art 6(1)(e) with the DPA 2018 Schedule 1 conditions (domain-reference §6.1)."""

    STATUTORY = "statutory", "Art 6(1)(e) public task; DPA 2018 Sch 1 para 6 statutory purposes"
    UNLAWFUL_ACTS = (
        "unlawful_acts",
        "Art 6(1)(e) public task; DPA 2018 Sch 1 para 10 preventing or detecting unlawful acts",
    )
    SAFEGUARDING = (
        "safeguarding",
        (
            "Art 6(1)(e) public task; DPA 2018 Sch 1 para 18 safeguarding of children and "
            "individuals at risk"
        ),
    )
    HEALTH_CARE = (
        "health_care",
        "Art 6(1)(e) public task; DPA 2018 Sch 1 para 2 health or social care purposes",
    )
    CONSENT = "consent", "Consent of the person (Art 6(1)(a), Art 9(2)(a))"


class SharingRecord(AuthoredModel, AuthorityOwned):
    """One request to or from a partner: who, why, on what basis, what was shared, when."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    partner = models.CharField("partner agency", max_length=150)
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    what_was_shared = models.TextField()
    shared_on = models.DateField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-shared_on", "-pk"]
        indexes = [models.Index(fields=["authority", "shared_on"], name="sharing_date")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.partner} ({self.shared_on})"

    @property
    def audit_person_id(self) -> int | None:
        return self.referral.person_id


class DataSharingAgreement(AuthoredModel, AuthorityOwned):
    """A data-sharing agreement with a partner agency, current between its dates."""

    partner = models.CharField("partner agency", max_length=150)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Blank: open-ended.")
    document_reference = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["partner", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                name="dsa_ends_after_start",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} from {self.starts_on}"


# --------------------------------------------------------------------------------------
# Access review


class AccessReview(AuthorityOwned):
    """The data protection officer's record that they reviewed the access report."""

    period_start = models.DateField()
    period_end = models.DateField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="accessreview_period_order",
                condition=models.Q(period_end__gte=models.F("period_start")),
            )
        ]

    def __str__(self) -> str:
        return f"Access review {self.period_start} to {self.period_end}"
