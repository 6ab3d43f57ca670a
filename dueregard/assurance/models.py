"""Assurance: the strategy and action plan, the toolkit benchmarks with their yearly
self-assessments and evidence, and the risk picture (national threat level, CTLPs, the
local risk register and the incident log).

Every rating here is the council's own, recorded as entered: the software never computes a
risk level, a benchmark rating or a status. History that the quarterly review needs
(action status, target date and owner; risk likelihood, impact and trend) is kept as
append-only dated rows, so the plan and the register can be shown as they stood on any
date.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from dueregard.areas.models import Ward
from dueregard.core.models import ArchivableModel, AuthoredModel, AuthorityOwned, ReferenceData


def long_date(day: datetime.date) -> str:
    """A date as GOV.UK writes it: 1 July 2024."""
    return f"{day.day} {day:%B %Y}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"


# GOV.UK tag colour for each status (the words are always shown too).
ACTION_STATUS_TAG = {
    ActionStatus.NOT_STARTED: "govuk-tag--grey",
    ActionStatus.ON_TRACK: "govuk-tag--green",
    ActionStatus.AT_RISK: "govuk-tag--yellow",
    ActionStatus.OFF_TRACK: "govuk-tag--red",
    ActionStatus.COMPLETE: "govuk-tag--blue",
}


class Strategy(AuthoredModel, AuthorityOwned):
    """A local Prevent strategy (or delivery plan) for a period, with its overriding objective."""

    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    objective = models.TextField("overriding objective")
    approved_by = models.CharField(
        "approved by", max_length=200, blank=True, help_text="For example, Cabinet"
    )
    approved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="strategy_period_order"
            ),
            models.UniqueConstraint(
                fields=["authority", "title"], name="strategy_title_unique_in_authority"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Priority(AuthoredModel):
    """A numbered priority of a strategy (e.g. 'Priority 2: ...'), with its areas of focus."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField("areas of focus", blank=True)

    class Meta:
        ordering = ["strategy", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"], name="priority_number_unique_in_strategy"
            ),
        ]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"


class Action(AuthoredModel, ArchivableModel, AuthorityOwned):
    """An action of the plan. Its status, target date and owner are the latest of its
    `ActionUpdate` rows (cached here for lists); change them only by recording an update."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="actions")
    priority = models.ForeignKey(
        Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    reference = models.CharField(max_length=20, help_text="For example, 3 or 2.1")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    success_measure = models.TextField(blank=True)
    added_on = models.DateField(help_text="The date the action joined the plan.")
    # Cached from the latest ActionUpdate.
    owner = models.CharField(max_length=200, help_text="The person who owns the action")
    agency = models.CharField(max_length=200, help_text="The owner's agency or service")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    risks: models.ManyToManyField[Risk, Any] = models.ManyToManyField(
        "Risk", blank=True, related_name="actions"
    )
    recommendations: models.ManyToManyField[CTLPRecommendation, Any] = models.ManyToManyField(
        "CTLPRecommendation", blank=True, related_name="actions"
    )

    class Meta:
        ordering = ["strategy", "priority__number", "reference", "id"]
        indexes = [models.Index(fields=["authority", "status"], name="action_authority_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "reference"], name="action_reference_unique_in_strategy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def status_tag(self) -> str:
        return ACTION_STATUS_TAG.get(ActionStatus(self.status), "")


class ActionUpdate(models.Model):
    """A dated progress update: the action's status, target date and owner from that date.

    Append-only. The plan as it stood on any date is the latest update on or before it
    for each action (see `metrics` and `queries.plan_as_at`).
    """

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    recorded_on = models.DateField("date of update")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    target_date = models.DateField(null=True, blank=True)
    owner = models.CharField(max_length=200)
    agency = models.CharField(max_length=200)
    note = models.TextField("progress", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [
            models.Index(fields=["action", "-recorded_on", "-id"], name="action_update_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.action.reference} {self.recorded_on}: {self.get_status_display()}"

    @property
    def status_tag(self) -> str:
        return ACTION_STATUS_TAG.get(ActionStatus(self.status), "")


# --- Benchmarks, self-assessment and evidence -------------------------------------------


class Benchmark(ReferenceData):
    """One of the Prevent duty toolkit's eight benchmarks (national; loaded by migration)."""

    number = models.PositiveSmallIntegerField(unique=True)
    description = models.TextField(blank=True)

    class Meta(ReferenceData.Meta):
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["code"], name="benchmark_code_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"


class Rating(models.TextChoices):
    """The council's own judgement of a benchmark, as it records it (never computed)."""

    GREEN = "green", "Green (met)"
    AMBER = "amber", "Amber (partly met)"
    RED = "red", "Red (not met)"


RATING_TAG = {
    Rating.GREEN: "govuk-tag--green",
    Rating.AMBER: "govuk-tag--yellow",
    Rating.RED: "govuk-tag--red",
}


class SelfAssessment(AuthoredModel, AuthorityOwned):
    """A council's yearly self-assessment of one benchmark: its rating and commentary.

    `year` is the financial year's starting calendar year (2024 means 2024/25).
    """

    benchmark = models.ForeignKey(
        Benchmark, on_delete=models.PROTECT, related_name="self_assessments"
    )
    year = models.PositiveSmallIntegerField()
    rating = models.CharField(max_length=10, choices=Rating.choices)
    commentary = models.TextField()
    next_steps = models.TextField(blank=True)
    assessed_on = models.DateField()

    class Meta:
        ordering = ["-year", "benchmark__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "benchmark", "year"],
                name="self_assessment_unique_per_year",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2015, year__lte=2100), name="self_assessment_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benchmark} {self.year_label}: {self.get_rating_display()}"

    @property
    def year_label(self) -> str:
        return f"{self.year}/{str(self.year + 1)[-2:]}"

    @property
    def rating_tag(self) -> str:
        return RATING_TAG.get(Rating(self.rating), "")


class EvidenceCategory(models.TextChoices):
    PANEL_MINUTES = "panel_minutes", "Channel panel minutes"
    MEETING_MINUTES = "meeting_minutes", "Board or group minutes"
    TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference"
    TRAINING_RECORDS = "training_records", "Training records"
    REPORT = "report", "Report"
    STRATEGY = "strategy", "Strategy or action plan"
    RISK_ASSESSMENT = "risk_assessment", "Risk assessment"
    POLICY = "policy", "Policy or procedure"
    COMMUNICATIONS = "communications", "Communications"
    OTHER = "other", "Other"


class Marking(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    return f"assurance/evidence/{instance.authority_id}/{filename}"


class Evidence(AuthoredModel, ArchivableModel, AuthorityOwned):
    """An item of the evidence library: an uploaded document, a link to a record in
    Due Regard (a path starting with /) or to a web page, mapped to benchmarks."""

    title = models.CharField(max_length=300)
    category = models.CharField(max_length=30, choices=EvidenceCategory.choices)
    dated = models.DateField(help_text="The date of the document or record.")
    description = models.TextField(blank=True)
    marking = models.CharField(
        "protective marking", max_length=20, choices=Marking.choices, default=Marking.OFFICIAL
    )
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    link = models.CharField(
        max_length=500, blank=True, help_text="A Due Regard page (/...) or a web address"
    )
    benchmarks = models.ManyToManyField(Benchmark, related_name="evidence")

    class Meta:
        ordering = ["-dated", "title"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(link=""), name="evidence_has_file_or_link"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_internal_link(self) -> bool:
        return self.link.startswith("/") and not self.link.startswith("//")


# --- Risk: threat level, CTLP, risk register, incidents ----------------------------------


class ThreatLevelChoice(models.TextChoices):
    LOW = "low", "LOW"
    MODERATE = "moderate", "MODERATE"
    SUBSTANTIAL = "substantial", "SUBSTANTIAL"
    SEVERE = "severe", "SEVERE"
    CRITICAL = "critical", "CRITICAL"


THREAT_LEVEL_MEANING = {
    ThreatLevelChoice.LOW: "an attack is highly unlikely",
    ThreatLevelChoice.MODERATE: "an attack is possible but not likely",
    ThreatLevelChoice.SUBSTANTIAL: "an attack is likely",
    ThreatLevelChoice.SEVERE: "an attack is highly likely",
    ThreatLevelChoice.CRITICAL: "an attack is highly likely in the near future",
}


class ThreatLevel(AuthoredModel):
    """The UK national terrorism threat level from `starts_on` until the next entry.

    National, so it belongs to no authority: everyone signed in reads it.
    """

    level = models.CharField(max_length=20, choices=ThreatLevelChoice.choices)
    starts_on = models.DateField("in force from", unique=True)
    note = models.TextField(blank=True)
    source_url = models.URLField("source", max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} from {long_date(self.starts_on)}"

    @property
    def meaning(self) -> str:
        return THREAT_LEVEL_MEANING.get(ThreatLevelChoice(self.level), "")


class CTLP(AuthoredModel, AuthorityOwned):
    """A Counter-Terrorism Local Profile as received: its key points and recommendations."""

    title = models.CharField(max_length=200)
    issued_on = models.DateField("date")
    area = models.CharField(max_length=200, help_text="For example, the policing cluster")
    produced_by = models.CharField(max_length=200, blank=True)
    key_points = models.TextField(help_text="One key point per line")

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = "CTLP"
        verbose_name_plural = "CTLPs"

    def __str__(self) -> str:
        return self.title

    @property
    def key_point_list(self) -> list[str]:
        return [line.strip() for line in self.key_points.splitlines() if line.strip()]


class ResponseStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    NOT_ACCEPTED = "not_accepted", "Not accepted (reason given)"


RESPONSE_STATUS_TAG = {
    ResponseStatus.NOT_STARTED: "govuk-tag--grey",
    ResponseStatus.IN_PROGRESS: "govuk-tag--light-blue",
    ResponseStatus.COMPLETE: "govuk-tag--green",
    ResponseStatus.NOT_ACCEPTED: "govuk-tag--orange",
}


class CTLPRecommendation(AuthoredModel):
    """A recommendation of a CTLP and the council's local response to it."""

    ctlp = models.ForeignKey(CTLP, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField("recommendation")
    response = models.TextField("local response", blank=True)
    response_status = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.NOT_STARTED
    )
    response_owner = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["ctlp", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["ctlp", "number"], name="ctlp_recommendation_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ctlp.title}, recommendation {self.number}"

    @property
    def short(self) -> str:
        text = " ".join(self.text.split())
        return f"R{self.number}: {text[:90]}{'…' if len(text) > 90 else ''}"

    @property
    def status_tag(self) -> str:
        return RESPONSE_STATUS_TAG.get(ResponseStatus(self.response_status), "")


class Likelihood(models.IntegerChoices):
    """The council's likelihood scale (a common 5-point local-government scale)."""

    RARE = 1, "1: Rare"
    UNLIKELY = 2, "2: Unlikely"
    POSSIBLE = 3, "3: Possible"
    LIKELY = 4, "4: Likely"
    ALMOST_CERTAIN = 5, "5: Almost certain"


class Impact(models.IntegerChoices):
    INSIGNIFICANT = 1, "1: Insignificant"
    MINOR = 2, "2: Minor"
    MODERATE = 3, "3: Moderate"
    MAJOR = 4, "4: Major"
    CATASTROPHIC = 5, "5: Catastrophic"


class Trend(models.TextChoices):
    NEW = "new", "New"
    INCREASING = "increasing", "Increasing"
    STABLE = "stable", "Stable"
    DECREASING = "decreasing", "Decreasing"


class RiskRating(models.TextChoices):
    """The overall rating the council recorded for a risk, if it records one."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


RISK_RATING_TAG = {
    RiskRating.LOW: "govuk-tag--green",
    RiskRating.MEDIUM: "govuk-tag--yellow",
    RiskRating.HIGH: "govuk-tag--orange",
    RiskRating.VERY_HIGH: "govuk-tag--red",
}


class Risk(AuthoredModel, ArchivableModel, AuthorityOwned):
    """An entry of the local Prevent risk register. Likelihood, impact, trend and rating are
    the latest `RiskReview` (cached here); closing a risk archives it with a reason."""

    reference = models.CharField(max_length=20)
    theme = models.CharField(max_length=150)
    description = models.TextField()
    owner = models.CharField(max_length=200)
    agency = models.CharField(max_length=200, blank=True)
    ctlp = models.ForeignKey(
        CTLP,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name="informed by CTLP",
    )
    # Cached from the latest RiskReview.
    likelihood = models.PositiveSmallIntegerField(choices=Likelihood.choices)
    impact = models.PositiveSmallIntegerField(choices=Impact.choices)
    trend = models.CharField(max_length=20, choices=Trend.choices)
    rating = models.CharField(
        "recorded rating", max_length=20, choices=RiskRating.choices, blank=True
    )
    review_date = models.DateField("next review")

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "reference"], name="risk_reference_unique_in_authority"
            ),
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5), name="risk_likelihood_range"
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.theme}"

    @property
    def rating_tag(self) -> str:
        return RISK_RATING_TAG.get(RiskRating(self.rating), "") if self.rating else ""


class RiskReview(models.Model):
    """A dated review of a risk: its likelihood, impact, trend and rating from that date.
    Append-only; the first is written when the risk is added."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    likelihood = models.PositiveSmallIntegerField(choices=Likelihood.choices)
    impact = models.PositiveSmallIntegerField(choices=Impact.choices)
    trend = models.CharField(max_length=20, choices=Trend.choices)
    rating = models.CharField(max_length=20, choices=RiskRating.choices, blank=True)
    next_review = models.DateField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.risk.reference} reviewed {self.reviewed_on}"


class IncidentType(models.TextChoices):
    TERRORISM_ARREST = "terrorism_arrest", "Terrorism-related arrest"
    TERRORISM_CONVICTION = "terrorism_conviction", "Terrorism-related conviction"
    STICKERING_GRAFFITI = "stickering_graffiti", "Extremist stickering or graffiti"
    SCHOOL_HOAX = "school_hoax", "Hoax threat against a school"
    COMMUNITY_TENSION = "community_tension", "Community tension event"
    OTHER = "other", "Other"


class Incident(AuthoredModel, ArchivableModel, AuthorityOwned):
    """An incident connected to the area, by date and ward. Summaries describe what happened;
    they do not name people."""

    occurred_on = models.DateField("date")
    kind = models.CharField("type", max_length=30, choices=IncidentType.choices)
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assurance_incidents",
    )
    location = models.CharField(
        max_length=200, blank=True, help_text="A general place, such as a park or high street"
    )
    summary = models.TextField()
    source = models.CharField(max_length=200, blank=True, help_text="Who reported it")
    police_reference = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["authority", "occurred_on"], name="incident_authority_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {long_date(self.occurred_on)}"
