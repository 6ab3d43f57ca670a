"""Training compliance across the council and its partners.

- An `Organisation` (a council directorate or team, an NHS trust, a housing provider, a
  school, probation, a voluntary group ...) has the `TrainingLevel`s that apply to it
  (`Requirement`, with a target percentage) and dated `HeadcountSnapshot`s of how many of
  its staff are eligible for each level and how many of them are compliant.
- A `Session` of a `Course` is delivered by a `Trainer` to one or more organisations
  (`SessionAudience`, with the number attending from each). Sessions for pupils and for
  parents are recorded the same way but counted apart from professional training.
  Attendees may be named (`Attendee`: personal data, audited when shown).
- Attendees return `EvaluationForm`s answering the authority's configurable
  `EvaluationQuestion`s: a rating before and after the session, or yes / no.

Nothing is hard-deleted: sessions, trainers, named attendees, snapshots and feedback forms
are archived with a reason; levels, courses and questions are disabled.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models.functions import Lower

from dueregard.core.models import ArchivableModel, AuthoredModel, AuthorityOwned, ReferenceData


class Sector(models.TextChoices):
    COUNCIL = "council", "Council directorate or team"
    HEALTH = "health", "NHS trust or health provider"
    HOUSING = "housing", "Housing provider"
    SCHOOL = "school", "School"
    FURTHER_HIGHER_EDUCATION = "further_higher_education", "Further or higher education"
    PROBATION = "probation", "Probation"
    POLICE = "police", "Police"
    VOLUNTARY = "voluntary", "Voluntary or community group"
    OTHER = "other", "Other"


class Audience(models.TextChoices):
    """Who a session was for. Pupils and parents are counted apart from professionals."""

    PROFESSIONALS = "professionals", "Professionals (staff and volunteers)"
    PUPILS = "pupils", "Pupils and students"
    PARENTS = "parents", "Parents and carers"


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating (poor, fair, good, excellent)"
    YES_NO = "yes_no", "Yes or no"


class Rating(models.IntegerChoices):
    POOR = 1, "Poor"
    FAIR = 2, "Fair"
    GOOD = 3, "Good"
    EXCELLENT = 4, "Excellent"


GOOD_OR_BETTER = Rating.GOOD


class Organisation(AuthoredModel, ArchivableModel, AuthorityOwned):
    """A body whose workforce the authority's Prevent training programme covers."""

    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=30, choices=Sector.choices, default=Sector.OTHER)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "authority", Lower("name"), name="training_organisation_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TrainingLevel(ReferenceData, AuthorityOwned):
    """A level of Prevent training (basic awareness, WRAP / level 3, e-learning ...).

    `default_target` applies to organisations whose requirement sets no target of its own.
    """

    description = models.TextField(blank=True)
    default_target = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta(ReferenceData.Meta):
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="training_level_code"),
            models.CheckConstraint(
                condition=models.Q(default_target__gte=0, default_target__lte=100)
                | models.Q(default_target__isnull=True),
                name="training_level_target_percent",
            ),
        ]


class Requirement(AuthoredModel, ArchivableModel, AuthorityOwned):
    """A training level that applies to an organisation's workforce, with its target."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="requirements"
    )
    level = models.ForeignKey(TrainingLevel, on_delete=models.PROTECT, related_name="+")
    target = models.DecimalField(
        "target (% of eligible staff)", max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["organisation__name", "level__order", "level__label"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "level"], name="training_requirement_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(target__gte=0, target__lte=100) | models.Q(target__isnull=True),
                name="training_requirement_target_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.level}"

    @property
    def effective_target(self) -> Decimal | None:
        return self.target if self.target is not None else self.level.default_target


class SnapshotSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    IMPORT = "import", "Imported"


class HeadcountSnapshot(AuthoredModel, ArchivableModel, AuthorityOwned):
    """On `as_of`, `eligible` staff of an organisation needed `level`, `compliant` had it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="snapshots"
    )
    level = models.ForeignKey(TrainingLevel, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    eligible = models.PositiveIntegerField()
    compliant = models.PositiveIntegerField()
    source = models.CharField(
        max_length=10, choices=SnapshotSource.choices, default=SnapshotSource.MANUAL
    )

    class Meta:
        ordering = ["organisation__name", "level__order", "as_of"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(compliant__lte=models.F("eligible")),
                name="training_snapshot_compliant_within_eligible",
            ),
            models.UniqueConstraint(
                fields=["organisation", "level", "as_of"],
                condition=models.Q(archived=False),
                name="training_snapshot_unique_date",
            ),
        ]
        indexes = [models.Index(fields=["authority", "as_of"], name="training_snapshot_date")]

    def __str__(self) -> str:
        return f"{self.organisation}, {self.level}, {self.as_of}: {self.compliant}/{self.eligible}"


class Course(ReferenceData, AuthorityOwned):
    """What a session teaches: a course delivers a level (if any) to an audience."""

    level = models.ForeignKey(
        TrainingLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="courses"
    )
    audience = models.CharField(
        max_length=20, choices=Audience.choices, default=Audience.PROFESSIONALS
    )

    class Meta(ReferenceData.Meta):
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="training_course_code")
        ]


class Trainer(AuthoredModel, ArchivableModel, AuthorityOwned):
    """Someone who delivers sessions, with their train-the-trainer accreditation."""

    name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="trainers"
    )
    accredited_level = models.ForeignKey(
        TrainingLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The level they are accredited to deliver (train the trainer).",
    )
    accreditation = models.CharField(max_length=200, blank=True)
    accredited_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "authority",
                Lower("name"),
                condition=models.Q(archived=False),
                name="training_trainer_unique_name",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Session(AuthoredModel, ArchivableModel, AuthorityOwned):
    """A delivered session. `attendees` is the sum of its audience organisations' counts."""

    reference = models.CharField(max_length=40)
    held_on = models.DateField("date")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    audience = models.CharField(
        max_length=20, choices=Audience.choices, default=Audience.PROFESSIONALS
    )
    trainer = models.ForeignKey(
        Trainer, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    venue = models.CharField(max_length=200, blank=True)
    online = models.BooleanField(default=False)
    attendees = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            # Unique ignoring case, as referral references.
            models.UniqueConstraint(
                "authority", Lower("reference"), name="training_session_reference_ci"
            )
        ]
        indexes = [models.Index(fields=["authority", "held_on"], name="training_session_date")]

    def __str__(self) -> str:
        return f"{self.course} on {self.held_on:%-d %b %Y}"


class SessionAudience(models.Model):
    """The organisation(s) a session was delivered to and how many came from each."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="audiences")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="session_audiences"
    )
    attendees = models.PositiveIntegerField()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"], name="training_audience_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.attendees}"


class Attendee(AuthoredModel, ArchivableModel, AuthorityOwned):
    """A named attendee of a session: personal data, shown only with an audit event."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="named_attendees")
    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EvaluationQuestion(ReferenceData, AuthorityOwned):
    """A question on the authority's feedback form; `label` is the question as asked."""

    kind = models.CharField(
        max_length=10, choices=QuestionKind.choices, default=QuestionKind.RATING
    )
    asks_before = models.BooleanField(
        default=True, help_text="Rating questions: also ask for a rating before the session."
    )

    class Meta(ReferenceData.Meta):
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="training_question_code")
        ]


class EvaluationForm(AuthoredModel, ArchivableModel, AuthorityOwned):
    """One attendee's feedback form (anonymous), attributed to an audience organisation."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="evaluation_forms")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_on = models.DateField(null=True, blank=True)
    needs = models.TextField(
        "training or support needs", blank=True, help_text="In the attendee's own words."
    )

    class Meta:
        ordering = ["id"]


class EvaluationAnswer(models.Model):
    form = models.ForeignKey(EvaluationForm, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(EvaluationQuestion, on_delete=models.PROTECT, related_name="+")
    before = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    after = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    yes = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "question"], name="training_answer_unique"),
            models.CheckConstraint(
                condition=(
                    (models.Q(before__isnull=True) | models.Q(before__gte=1, before__lte=4))
                    & (models.Q(after__isnull=True) | models.Q(after__gte=1, after__lte=4))
                ),
                name="training_answer_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.before}/{self.after}/{self.yes}"
