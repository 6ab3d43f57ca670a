"""Community engagement, funded projects and council resources.

Three parts of the Prevent duty that a council evidences with records rather than cases:

- community engagement: the community and faith groups it works with, each engagement
  (date, groups, type, topic, staff, outcome), networks with their membership and
  meetings, events, and a communications log. "32 community groups engaged" (seed 000
  §1.27) is a count of distinct groups over these records, never a number typed in;
- funded projects: bids (funder, amount asked, outcome), the projects they fund
  (provider, funding, period, CTLP recommendation addressed, expected outcomes), output
  measures with planned and delivered figures by financial quarter (seed 002 Tables
  3-5), and a quarterly return of progress and spend against budget;
- council resources (the toolkit's "reducing permissive environments"): the register of
  out-of-school settings, venue-hire due-diligence checks, and checks that public-access
  IT filters extremist material.

The settings register and venue checks name providers, organisers and speakers: their
pages are marked OFFICIAL-SENSITIVE and every view is audited. Nothing here scores or
rates a person; a venue decision is the officer's, recorded with their reason.
Nothing is deleted: records are archived with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from dueregard.areas.models import Ward
from dueregard.core.models import ArchivableModel, AuthoredModel, AuthorityOwned

# ---------------------------------------------------------------------------------------
# Community engagement


class GroupKind(models.TextChoices):
    FAITH = "faith", "Faith group or place of worship"
    COMMUNITY = "community", "Community organisation"
    VOLUNTARY = "voluntary", "Voluntary sector or charity"
    YOUTH = "youth", "Youth organisation"
    WOMEN = "women", "Women's group"
    RESIDENTS = "residents", "Residents' or tenants' association"
    EDUCATION = "education", "Education or supplementary school"
    OTHER = "other", "Other"


class CommunityGroup(AuthoredModel, ArchivableModel, AuthorityOwned):
    name = models.CharField(max_length=200)
    kind = models.CharField("kind of group", max_length=20, choices=GroupKind.choices)
    faith = models.CharField(
        "faith or belief", max_length=100, blank=True, help_text="For faith groups only"
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.TextField("about the group", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "community group"
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="group_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class EngagementType(models.TextChoices):
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Visit"
    WORKSHOP = "workshop", "Workshop or training"
    BRIEFING = "briefing", "Briefing or presentation"
    EVENT = "event", "Joint event"
    FUNDING = "funding", "Funding or capacity support"
    TENSION = "tension", "Response to an incident or community tension"
    OTHER = "other", "Other"


class Engagement(AuthoredModel, ArchivableModel, AuthorityOwned):
    date = models.DateField()
    groups = models.ManyToManyField(
        CommunityGroup, related_name="engagements", verbose_name="groups engaged"
    )
    type = models.CharField("type of engagement", max_length=20, choices=EngagementType.choices)
    topic = models.CharField(max_length=200)
    staff = models.CharField(
        "council staff involved", max_length=300, help_text="Names or roles, separated by commas"
    )
    people_reached = models.PositiveIntegerField(
        "people reached", null=True, blank=True, help_text="Leave blank if not known"
    )
    outcome = models.TextField()
    follow_up = models.TextField("follow-up agreed", blank=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%-d %b %Y})"


class MeetingFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    THREE_TIMES = "three_times", "Three times a year"
    TWICE = "twice", "Twice a year"
    AS_NEEDED = "as_needed", "When needed"


class Network(AuthoredModel, ArchivableModel, AuthorityOwned):
    """A network or forum of groups the council convenes or supports."""

    name = models.CharField(max_length=200)
    purpose = models.TextField()
    convener = models.CharField(max_length=200, help_text="Who runs it")
    meets = models.CharField("how often it meets", max_length=20, choices=MeetingFrequency.choices)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="network_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class NetworkMembership(AuthoredModel, AuthorityOwned):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="memberships")
    group = models.ForeignKey(CommunityGroup, on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField("joined on", null=True, blank=True)
    left_on = models.DateField(
        "left on", null=True, blank=True, help_text="Leave blank while the group is a member"
    )

    class Meta:
        ordering = ["group__name"]
        verbose_name = "network membership"
        constraints = [
            models.UniqueConstraint(
                fields=["network", "group"],
                condition=Q(left_on__isnull=True),
                name="network_member_once",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="network_member_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} in {self.network}"


class NetworkMeeting(AuthoredModel, AuthorityOwned):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    organisations_attending = models.PositiveIntegerField(
        "organisations attending", null=True, blank=True
    )
    people_attending = models.PositiveIntegerField("people attending", null=True, blank=True)
    summary = models.TextField("what was discussed and agreed")

    class Meta:
        ordering = ["-date"]
        verbose_name = "network meeting"
        constraints = [
            models.UniqueConstraint(fields=["network", "date"], name="network_meeting_once"),
        ]

    def __str__(self) -> str:
        return f"{self.network.name}, {self.date:%-d %B %Y}"


class EventKind(models.TextChoices):
    AWARENESS = "awareness", "Awareness stall or information event"
    INTERFAITH = "interfaith", "Interfaith or cohesion event"
    CONFERENCE = "conference", "Conference or forum"
    WORKSHOP = "workshop", "Workshop"
    CELEBRATION = "celebration", "Community celebration"
    CAMPAIGN = "campaign", "Campaign week activity"
    OTHER = "other", "Other"


class Event(AuthoredModel, ArchivableModel, AuthorityOwned):
    title = models.CharField(max_length=200)
    date = models.DateField()
    kind = models.CharField("kind of event", max_length=20, choices=EventKind.choices)
    venue = models.CharField(max_length=200, blank=True)
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    groups = models.ManyToManyField(
        CommunityGroup,
        related_name="events",
        blank=True,
        verbose_name="groups involved",
    )
    attendees = models.PositiveIntegerField(
        "people attending", null=True, blank=True, help_text="Leave blank if not known"
    )
    description = models.TextField("what happened and what it achieved")

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    NEWSLETTER = "newsletter", "Newsletter"
    BULLETIN = "bulletin", "Email bulletin"
    SOCIAL = "social", "Social media"
    PRESS = "press", "Press release"
    WEBSITE = "website", "Website"
    BRIEFING = "briefing", "Briefing note"
    LEAFLET = "leaflet", "Leaflet or poster"
    OTHER = "other", "Other"


class Audience(models.TextChoices):
    PROFESSIONALS = "professionals", "Professionals"
    COMMUNITIES = "communities", "Communities"
    BOTH = "both", "Professionals and communities"
    MEMBERS = "members", "Elected members"


class Purpose(models.TextChoices):
    PROACTIVE = "proactive", "Explaining Prevent and how to get help"
    RESPONSE = "response", "Response to an incident or national event"
    MISINFORMATION = "misinformation", "Countering misinformation about Prevent"
    OPPORTUNITY = "opportunity", "Training or funding opportunity"


class Communication(AuthoredModel, ArchivableModel, AuthorityOwned):
    """An entry of the communications log (the toolkit's communications plan)."""

    date = models.DateField()
    title = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    summary = models.TextField()
    reach = models.PositiveIntegerField(
        "recipients or reach", null=True, blank=True, help_text="Leave blank if not known"
    )

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------------------
# Funded projects


class BidOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    SUCCESSFUL = "successful", "Successful"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Bid(AuthoredModel, ArchivableModel, AuthorityOwned):
    title = models.CharField("project proposed", max_length=200)
    funder = models.CharField(max_length=200, help_text="For example, Home Office")
    submitted_on = models.DateField("submitted on")
    amount_requested = models.DecimalField("amount asked for (£)", max_digits=10, decimal_places=2)
    outcome = models.CharField(
        max_length=20, choices=BidOutcome.choices, default=BidOutcome.PENDING
    )
    amount_awarded = models.DecimalField(
        "amount awarded (£)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    outcome_on = models.DateField("decision received on", null=True, blank=True)
    ctlp_recommendation = models.TextField(
        "CTLP recommendation addressed", blank=True, help_text="Quote or summarise it"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gte=0), name="bid_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount_awarded__isnull=True) | Q(outcome="successful"),
                name="bid_award_only_when_successful",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "Not started"
    LIVE = "live", "Under way"
    COMPLETE = "complete", "Complete"
    ENDED_EARLY = "ended_early", "Ended early"


class Project(AuthoredModel, ArchivableModel, AuthorityOwned):
    title = models.CharField(max_length=200)
    bid = models.OneToOneField(
        Bid,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project",
        verbose_name="funded by bid",
    )
    provider = models.CharField("delivered by", max_length=200)
    funder = models.CharField(max_length=200)
    budget = models.DecimalField("funding (£)", max_digits=10, decimal_places=2)
    starts_on = models.DateField("starts on")
    ends_on = models.DateField("ends on")
    status = models.CharField(
        max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    ctlp_recommendation = models.TextField(
        "CTLP recommendation addressed", blank=True, help_text="Quote or summarise it"
    )
    aims = models.TextField("what it will deliver")
    expected_outcomes = models.TextField("expected outcomes")

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="project_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectOutput(AuthoredModel, AuthorityOwned):
    """Something a project counts each quarter: sites engaged, pupils reached, sessions."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="outputs")
    name = models.CharField(
        "what is counted", max_length=120, help_text="For example, Pupils reached"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "project output"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="output_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class OutputFigure(AuthoredModel, AuthorityOwned):
    """Planned and delivered counts of one output in one financial quarter."""

    output = models.ForeignKey(ProjectOutput, on_delete=models.PROTECT, related_name="figures")
    quarter_start = models.DateField(help_text="The first day of the financial quarter")
    planned = models.PositiveIntegerField(null=True, blank=True)
    delivered = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["quarter_start"]
        verbose_name = "output figure"
        constraints = [
            models.UniqueConstraint(
                fields=["output", "quarter_start"], name="output_figure_once_a_quarter"
            ),
        ]


class ProgressNote(AuthoredModel, AuthorityOwned):
    """A project's quarterly return: progress, issues and spend in the quarter."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="progress")
    quarter_start = models.DateField(help_text="The first day of the financial quarter")
    progress = models.TextField(blank=True)
    issues = models.TextField("issues and risks", blank=True)
    spend = models.DecimalField(
        "spent in the quarter (£)", max_digits=10, decimal_places=2, default=0
    )

    class Meta:
        ordering = ["quarter_start"]
        verbose_name = "quarterly return"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "quarter_start"], name="progress_once_a_quarter"
            ),
            models.CheckConstraint(condition=Q(spend__gte=0), name="progress_spend_not_negative"),
        ]


# ---------------------------------------------------------------------------------------
# Council resources


class SettingType(models.TextChoices):
    SUPPLEMENTARY = "supplementary", "Supplementary school"
    RELIGIOUS = "religious", "Religious or faith-based education"
    TUITION = "tuition", "Tuition centre"
    SPORT = "sport", "Sport or physical activity"
    ARTS = "arts", "Arts, music or drama"
    YOUTH = "youth", "Youth club"
    OTHER = "other", "Other"


class SafeguardingStatus(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    IN_PLACE = "in_place", "Safeguarding arrangements in place"
    IMPROVING = "improving", "Improvements agreed and under way"
    DECLINED = "declined", "Support declined"
    REFERRED = "referred", "Concerns referred to the relevant agency"


class OutOfSchoolSetting(AuthoredModel, ArchivableModel, AuthorityOwned):
    """An out-of-school education setting known to the council (seed 002 §1.4.3)."""

    name = models.CharField("setting", max_length=200)
    setting_type = models.CharField("type of setting", max_length=20, choices=SettingType.choices)
    provider = models.CharField(
        "run by", max_length=200, help_text="The organisation, or the person running it"
    )
    address = models.TextField()
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pupils = models.PositiveIntegerField(
        "children attending", null=True, blank=True, help_text="About how many; blank if unknown"
    )
    safeguarding_status = models.CharField(
        "safeguarding status",
        max_length=20,
        choices=SafeguardingStatus.choices,
        default=SafeguardingStatus.NOT_ASSESSED,
    )
    support_offered = models.TextField("support offered", blank=True)
    identified_on = models.DateField("identified on")
    last_contact_on = models.DateField("last contact on", null=True, blank=True)
    identified_by = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settings",
        verbose_name="identified by project",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "out-of-school setting"

    def __str__(self) -> str:
        return self.name


class VenueCheckKind(models.TextChoices):
    ORGANISER = "organiser", "Organiser's identity and contact details confirmed"
    SPEAKERS = "speakers", "Open-source research on the speakers"
    PUBLICITY = "publicity", "Publicity and event content reviewed"
    PREVIOUS = "previous", "Previous bookings reviewed"
    PREVENT = "prevent", "Advice from the Prevent team"
    POLICE = "police", "Advice from the police"
    CONDITIONS = "conditions", "Conditions of hire signed"


class VenueDecision(models.TextChoices):
    PENDING = "pending", "Not decided yet"
    APPROVED = "approved", "Approved"
    CONDITIONS = "conditions", "Approved with conditions"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn by the organiser"


class VenueCheck(AuthoredModel, ArchivableModel, AuthorityOwned):
    """Due diligence on a booking of a council venue. The decision is the officer's."""

    venue = models.CharField(max_length=200)
    booking_reference = models.CharField("booking reference", max_length=60, blank=True)
    event_date = models.DateField("date of the event")
    event_description = models.TextField("what the event is")
    organiser = models.CharField(max_length=200, help_text="Person and organisation")
    speakers = models.TextField(blank=True, help_text="One a line")
    checks = models.JSONField("checks made", default=list, blank=True)
    checks_notes = models.TextField("what the checks found", blank=True)
    decision = models.CharField(
        max_length=20, choices=VenueDecision.choices, default=VenueDecision.PENDING
    )
    decision_reason = models.TextField("reason for the decision", blank=True)
    conditions = models.TextField("conditions of hire", blank=True)
    decided_on = models.DateField("decided on", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="decided by",
    )

    class Meta:
        ordering = ["-event_date", "-pk"]
        verbose_name = "venue check"
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="pending")
                | (Q(decided_on__isnull=False) & ~Q(decision_reason="")),
                name="venue_decision_has_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue}, {self.event_date:%-d %b %Y}"

    def checks_display(self) -> str:
        labels = dict(VenueCheckKind.choices)
        return "; ".join(str(labels.get(code, code)) for code in self.checks or [])


class SiteType(models.TextChoices):
    LIBRARY = "library", "Library"
    COMMUNITY_CENTRE = "community_centre", "Community centre"
    CIVIC = "civic", "Civic building or customer centre"
    YOUTH = "youth", "Youth centre"
    OTHER = "other", "Other"


class FilterResult(models.TextChoices):
    PASS = "pass", "Filtering worked"
    PARTIAL = "partial", "Some material got through"
    FAIL = "fail", "Filtering did not work"


class ITCheck(AuthoredModel, ArchivableModel, AuthorityOwned):
    """A check that public-access IT at a council site filters extremist material."""

    site = models.CharField(max_length=200)
    site_type = models.CharField("type of site", max_length=20, choices=SiteType.choices)
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_on = models.DateField("checked on")
    checked_by = models.CharField("checked by", max_length=200)
    method = models.CharField(
        "how it was checked",
        max_length=300,
        help_text="For example, the supplier's test list of blocked categories",
    )
    result = models.CharField(max_length=20, choices=FilterResult.choices)
    issues = models.TextField("what got through", blank=True)
    action_taken = models.TextField("action taken", blank=True)
    resolved_on = models.DateField("put right on", null=True, blank=True)

    class Meta:
        ordering = ["-checked_on", "site"]
        verbose_name = "IT filtering check"
        constraints = [
            models.CheckConstraint(
                condition=Q(result="pass") | ~Q(issues=""), name="it_check_failure_described"
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("checked_on")),
                name="it_check_resolved_after_check",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site}, {self.checked_on:%-d %b %Y}"
