"""What the reports app keeps: committee reports with their dated versions, and quarterly
grant returns.

A **committee report** (`CommitteeReport`) is the Prevent lead's draft for one board and
period: the cover details and the narrative paragraphs they edit. Each time it is
generated, a `CommitteeReportVersion` freezes what was produced — the report structure
as rendered (figures already protected for the audience) and the DOCX, PDF and HTML
files — so the board's papers can always be produced again exactly, however the records
change later. Versions are never changed or deleted (the model and its queryset refuse).

A **grant return** (`GrantReturn`) is the quarterly return a funded area sends the Home
Office: outputs, achievements, issues and spend against budget. While it is a draft its
figures are computed from the records; signing it off freezes them (`frozen_figures`)
and nothing about it can change after that. A correction is a new, amended return that
supersedes it, with the reason.

State and invariants only: every change goes through `reports.services`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from dueregard.accounts.permissions import Audience
from dueregard.areas.models import Authority
from dueregard.core.models import ArchivableModel, AuthoredModel
from dueregard.governance.models import Board

AUDIENCE_CHOICES = [(a.value, a.value.capitalize()) for a in Audience]


class ReportTemplate(AuthoredModel, ArchivableModel):
    """An authority's committee report template: an ordered list of sections (see
    reports.templates_presets for their shape) and the clearance roles. Copied from a
    preset and edited by the Prevent lead; archived, never deleted."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    based_on = models.CharField("copied from preset", max_length=40, blank=True)
    sections = models.JSONField(default=list)
    clearance_roles = models.JSONField(default=list)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CommitteeReport(AuthoredModel, ArchivableModel):
    """The draft of a report to a board for a period: cover details and narrative."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("from")
    period_end = models.DateField("to")
    audience = models.CharField(
        max_length=10, choices=AUDIENCE_CHOICES, default=Audience.BOARD.value
    )
    meeting_date = models.DateField("date of the board meeting", null=True, blank=True)
    # The cover table, as the seeds print it.
    title = models.CharField(max_length=200)
    report_of = models.CharField("report of", max_length=200, blank=True)
    wards = models.CharField(max_length=200, default="All")
    status = models.CharField(
        max_length=100, default="Public", help_text="For example, Public or Exempt"
    )
    urgent = models.BooleanField(default=False)
    key_decision = models.BooleanField("key decision", default=False)
    enclosures = models.CharField(max_length=300, default="None", blank=True)
    officer_contact = models.TextField("officer contact details", blank=True)
    # The narrative, in the seeds' order.
    summary = models.TextField(blank=True)
    recommendations = models.TextField("officers' recommendations", blank=True)
    context = models.TextField("why this report is needed", blank=True)
    reasons = models.TextField("reasons for recommendations", blank=True)
    alternatives = models.TextField(
        "alternative options considered and not recommended", blank=True
    )
    implementation = models.TextField("post decision implementation", blank=True)
    implications = models.TextField("implications of decision", blank=True)
    equalities = models.TextField("equalities and diversity", blank=True)
    background_papers = models.TextField("background papers", blank=True)
    # Reports built on a template: its sections, the narrative by section key, the
    # clearance checklist (role -> {"name", "date"}) and the exempt appendices
    # (appendix section key -> the Schedule 12A paragraph it relies on).
    template = models.ForeignKey(
        ReportTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    accountable_directors = models.CharField(max_length=300, blank=True)
    narrative = models.JSONField(default=dict, blank=True)
    clearance = models.JSONField(default=dict, blank=True)
    exempt = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-period_end", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="committee_report_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.board.name}"


class ImmutableQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("generated versions cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("generated versions cannot be deleted")


class CommitteeReportVersion(models.Model):
    """One generation of a committee report, kept exactly as it was produced."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(CommitteeReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    generated_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(max_length=10, choices=AUDIENCE_CHOICES)
    marking = models.CharField(max_length=30)
    # reports.codec.to_data() of the report as rendered (protected for the audience).
    content = models.JSONField()
    docx = models.BinaryField()
    pdf = models.BinaryField()
    html = models.BinaryField()
    sha256 = models.JSONField(default=dict, help_text="The digest of each file, by format.")
    # The exempt appendices, kept apart from the public files (empty when there are none).
    exempt_docx = models.BinaryField(default=b"")
    exempt_pdf = models.BinaryField(default=b"")
    exempt_html = models.BinaryField(default=b"")
    exempt_content = models.JSONField(null=True, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="committee_version_number"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.report}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("generated versions cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("generated versions cannot be deleted")

    def file(self, format_id: str, part: str = "public") -> bytes:
        return bytes(getattr(self, format_id if part == "public" else f"exempt_{format_id}"))

    @property
    def has_exempt(self) -> bool:
        return self.exempt_content is not None


class CommitteeReportFinal(models.Model):
    """A version marked final, with the clearance record it passed: each role's name and
    date as they were when it was marked. Kept with the version, never changed; the
    checklist is not in the published files."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    version = models.OneToOneField(
        CommitteeReportVersion, on_delete=models.PROTECT, related_name="final"
    )
    clearance = models.JSONField()
    marked_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ImmutableQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Clearance of {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("a final version's clearance record cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("a final version's clearance record cannot be deleted")


class GrantReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"


class GrantReturn(AuthoredModel):
    """A quarterly grant return: figures from the records plus the lead's own words."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    quarter_start = models.DateField()
    quarter_end = models.DateField()
    achievements = models.TextField(blank=True)
    issues = models.TextField("issues and risks", blank=True)
    outputs_narrative = models.TextField("outputs", blank=True)
    status = models.CharField(
        max_length=12, choices=GrantReturnStatus.choices, default=GrantReturnStatus.DRAFT
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # reports.codec.to_data() of the exact figures at sign-off; None while a draft.
    frozen_figures = models.JSONField(null=True, blank=True)
    # A return is current until an amended return supersedes it.
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    amendment_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-quarter_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "quarter_start"],
                condition=Q(is_current=True),
                name="one_current_grant_return_per_quarter",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(
                    signed_off_by__isnull=False,
                    signed_off_at__isnull=False,
                    frozen_figures__isnull=False,
                ),
                name="grant_return_signed_off_has_signature",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(amendment_reason=""),
                name="grant_return_amendment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        from dueregard.core.periods import financial_quarter_of

        return f"Grant return, {financial_quarter_of(self.quarter_start).label}"

    @property
    def is_signed_off(self) -> bool:
        return self.status == GrantReturnStatus.SIGNED_OFF


class GrantBudgetLine(ArchivableModel):
    """One line of spend against budget: the annual budget for a heading, what was spent
    in the quarter and in the year to the quarter's end."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    grant_return = models.ForeignKey(
        GrantReturn, on_delete=models.PROTECT, related_name="budget_lines"
    )
    heading = models.CharField(max_length=200, help_text="For example, Prevent Coordinator post")
    budget = models.DecimalField("budget for the year (£)", max_digits=12, decimal_places=2)
    spent_in_quarter = models.DecimalField(
        "spent in the quarter (£)", max_digits=12, decimal_places=2
    )
    spent_to_date = models.DecimalField(
        "spent in the year to the end of the quarter (£)", max_digits=12, decimal_places=2
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0) & Q(spent_in_quarter__gte=0),
                name="budget_line_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(spent_to_date__gte=models.F("spent_in_quarter")),
                name="budget_line_year_includes_quarter",
            ),
        ]

    def __str__(self) -> str:
        return self.heading
