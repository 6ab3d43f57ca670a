"""Partnership governance: boards and groups, their meetings, and the reports owed to them.

A council evidences the Prevent duty's governance benchmark by showing which boards
oversee Prevent, that they meet as their terms of reference say, who attends, what they
decided, and that the reports promised to each board arrive when due (seed 002's board
table: "which report goes to which board, how often, last update, next update").

A reporting commitment's schedule is kept as rows (`ScheduledReport`), one per report
due: presenting a report closes its row and opens the next, so whether a commitment
was overdue on any past date can be worked out again. Nothing is deleted: boards and
commitments are archived with a reason, meetings are cancelled, members leave.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dueregard.core.models import ArchivableModel, AuthoredModel, AuthorityOwned


class BoardKind(models.TextChoices):
    PARTNERSHIP_BOARD = "partnership_board", "Community safety partnership board"
    PREVENT_DELIVERY_GROUP = "prevent_delivery_group", "Prevent delivery group"
    CHANNEL_PANEL = "channel_panel", "Channel panel"
    CHILDREN_SAFEGUARDING = "children_safeguarding", "Safeguarding children partnership"
    ADULTS_SAFEGUARDING = "adults_safeguarding", "Safeguarding adults board"
    HEALTH_WELLBEING = "health_wellbeing", "Health and wellbeing board"
    COUNCIL_MANAGEMENT = "council_management", "Council management team"
    COMMITTEE = "committee", "Council committee of elected members"
    OTHER = "other", "Other board, group or recipient"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"
    ANNUALLY = "annually", "Annually"
    AS_NEEDED = "as_needed", "When needed"


FREQUENCY_MONTHS: dict[str, int | None] = {
    Frequency.MONTHLY: 1,
    Frequency.BIMONTHLY: 2,
    Frequency.QUARTERLY: 3,
    Frequency.SIX_MONTHLY: 6,
    Frequency.ANNUALLY: 12,
    Frequency.AS_NEEDED: None,
}


class Board(AuthoredModel, ArchivableModel, AuthorityOwned):
    """A board or group that oversees, delivers or receives reports on Prevent."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=BoardKind.choices)
    remit = models.TextField(
        help_text="What the board does for Prevent, from its terms of reference."
    )
    meeting_frequency = models.CharField(
        "how often it meets", max_length=20, choices=Frequency.choices
    )
    chair = models.CharField(
        max_length=200, blank=True, help_text="The chair's role, and name if you wish"
    )
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_groups",
        verbose_name="reports to",
        help_text="The board this group is a sub-group of, if any",
    )
    terms_of_reference_agreed_on = models.DateField(
        "terms of reference last agreed", null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="board_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class BoardMember(AuthoredModel, AuthorityOwned):
    """A seat on a board: the person, the organisation they represent and their role."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(max_length=150)
    organisation = models.CharField("organisation or service", max_length=200)
    role = models.CharField(
        "role on the board", max_length=100, default="Member", help_text="For example, Chair"
    )
    joined_on = models.DateField("member since", null=True, blank=True)
    left_on = models.DateField(
        "left on", null=True, blank=True, help_text="Leave blank while they are a member"
    )

    class Meta:
        ordering = ["left_on", "name"]
        verbose_name = "board member"
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="board_member_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(AuthoredModel, AuthorityOwned):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    location = models.CharField(max_length=200, blank=True)
    agenda = models.TextField("agenda items", blank=True)
    minutes = models.TextField(
        blank=True, help_text="The minutes, or a summary of decisions and discussion"
    )
    minutes_approved_on = models.DateField("minutes approved on", null=True, blank=True)
    others_attending = models.TextField(
        "others attending",
        blank=True,
        help_text="Guests and officers who are not members, one a line",
    )

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["board", "date"], name="meeting_one_per_board_day"),
        ]

    def __str__(self) -> str:
        return f"{self.board.name}, {self.date:%-d %B %Y}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    DEPUTY = "deputy", "Sent a deputy"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class MeetingAttendance(AuthorityOwned):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(BoardMember, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)

    class Meta:
        ordering = ["member__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}: {self.get_status_display()}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETE = "complete", "Complete"
    DROPPED = "dropped", "No longer needed"


class MeetingAction(AuthoredModel, AuthorityOwned):
    """An action agreed at a meeting, with its owner and due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField("action")
    owner = models.CharField(max_length=200, help_text="Person and organisation")
    due_on = models.DateField("due by", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField("completed or closed on", null=True, blank=True)
    progress = models.TextField("progress notes", blank=True)

    class Meta:
        ordering = ["-status", "due_on", "pk"]  # open, then no longer needed, then complete
        verbose_name = "meeting action"
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", completed_on__isnull=True)
                | (~Q(status="open") & Q(completed_on__isnull=False)),
                name="meeting_action_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        text = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return text[:80] + ("…" if len(text) > 80 else "")


class ReportingCommitment(AuthoredModel, ArchivableModel, AuthorityOwned):
    """A report the Prevent team owes a board, and how often (seed 002's board table)."""

    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="commitments", verbose_name="goes to"
    )
    title = models.CharField("report", max_length=200, help_text="For example, Prevent update")
    area_of_focus = models.CharField(
        "area of focus", max_length=300, help_text="What the board looks for in the report"
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    owner = models.CharField(max_length=200, help_text="Who writes and presents it")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["board__name", "title"]
        verbose_name = "reporting commitment"
        constraints = [
            models.UniqueConstraint(
                fields=["board", "title"], name="commitment_title_unique_per_board"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} to {self.board.name}"


class ScheduledReport(AuthoredModel, AuthorityOwned):
    """One report due under a commitment; open until it is presented.

    `due_on` blank means "date to be confirmed". At most one report per commitment is
    open at a time.
    """

    commitment = models.ForeignKey(
        ReportingCommitment, on_delete=models.PROTECT, related_name="schedule"
    )
    due_on = models.DateField("due on", null=True, blank=True)
    presented_on = models.DateField("presented on", null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-presented_on", "-due_on", "-pk"]
        verbose_name = "scheduled report"
        constraints = [
            models.UniqueConstraint(
                fields=["commitment"],
                condition=Q(presented_on__isnull=True),
                name="one_open_report_per_commitment",
            ),
        ]

    def __str__(self) -> str:
        if self.presented_on:
            return f"Presented {self.presented_on:%-d %b %Y}"
        return f"Due {self.due_on:%-d %b %Y}" if self.due_on else "Date to be confirmed"

    @property
    def on_time(self) -> bool | None:
        if not (self.presented_on and self.due_on):
            return None
        return self.presented_on <= self.due_on
