"""Users and their memberships: a user holds a role in an authority (or a region)."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from dueregard.areas.models import Authority, Region


class Role(models.TextChoices):
    PREVENT_LEAD = "prevent_lead", "Prevent lead / coordinator"
    PANEL_CHAIR = "panel_chair", "Channel panel chair"
    PANEL_MEMBER = "panel_member", "Channel panel member"
    EDUCATION_OFFICER = "education_officer", "Prevent education / community engagement officer"
    ANALYST = "analyst", "Analyst"
    BOARD_MEMBER = "board_member", "Board member / partner viewer"
    AUDITOR = "auditor", "Auditor"
    REGIONAL_VIEWER = "regional_viewer", "Regional / national viewer"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A person who signs in. Their access comes only from their memberships."""

    full_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A role held by a user: in one authority, or for regional viewers in a region
    (national viewers hold the role with neither)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    region = models.CharField(max_length=40, choices=Region.choices, blank=True)
    agency = models.CharField(
        max_length=150, blank=True, help_text="The partner agency a panel member represents."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_scope_fits_role",
                condition=(
                    models.Q(role="regional_viewer", authority__isnull=True)
                    | (
                        ~models.Q(role="regional_viewer")
                        & models.Q(authority__isnull=False, region="")
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "authority"],
                condition=models.Q(authority__isnull=False),
                name="membership_unique_in_authority",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=models.Q(authority__isnull=True),
                name="membership_unique_in_region",
            ),
        ]

    def __str__(self) -> str:
        scope = self.authority or self.region or "England and Wales"
        return f"{self.user}: {self.get_role_display()} ({scope})"


class ApiScope(models.TextChoices):
    """What a partner system's token may do, on top of its service account's role."""

    REFERRALS_CREATE = "referrals:create", "Send referrals"
    REFERRALS_UPDATE = "referrals:update", "Correct referrals' intake details"
    CASEWORK_READ = "casework:read", "Read people, referrals and stages"
    PANELS_READ = "panels:read", "Read panels and meetings"
    PANEL_ACTIONS_READ = "panel_actions:read", "Read its own panel actions"
    STATISTICS_READ = "statistics:read", "Read aggregate statistics"


class ApiToken(models.Model):
    """A partner system's credential. It belongs to an agency and acts as a service account
    (`user`, whose memberships decide access as for any user), narrowed by `scopes`.

    Only a hash of the secret is stored; the secret is shown once when issued. A token
    expires, and can be revoked; neither is undone.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    agency = models.CharField(max_length=150)
    name = models.CharField(
        max_length=150, help_text="Which system uses it, e.g. 'MASH referrals'."
    )
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.agency}: {self.name} ({self.prefix}…)"


class EnrolmentLink(models.Model):
    """A single-use link with which a user sets up their authenticator: the only way to a
    second factor, for a new user and after a lost device alike. An administrator issues
    it; it expires (`settings.ENROLMENT_LINK_HOURS`), is used once, and is withdrawn when a
    newer one is issued. Only a hash of its secret is stored; the link is shown once."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="enrolment_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="When a newer link for the user replaced it."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Enrolment link for {self.user} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def state(self) -> str:
        from django.utils import timezone

        if self.used_at is not None:
            return "used"
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
