"""One demo user per role in Kingsmere, a Prevent lead in Ashbury and a London viewer.

Each has the demo password, an authenticator-app key and ten backup codes, all derived
from the username so `make demo` prints the same sign-ins every time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from dueregard.accounts import services
from dueregard.accounts.models import Membership, Role, User
from dueregard.areas.models import Region
from dueregard.demo.context import DEMO_PASSWORD, DemoContext

ORDER = 20


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    job_title: str
    role: Role
    authority: str = "borough"  # "borough", "other" or "" (a regional viewer)
    agency: str = ""


DEMO_USERS = [
    DemoUser("coordinator", "Priya Lockwood", "Prevent Coordinator", Role.PREVENT_LEAD),
    DemoUser("chair", "Martin Okafor", "Community Safety Manager", Role.PANEL_CHAIR),
    DemoUser(
        "panel.member",
        "Elena Marsh",
        "Safeguarding Lead",
        Role.PANEL_MEMBER,
        agency="Kingsmere Mental Health Trust (demo)",
    ),
    DemoUser("education", "Tom Adebayo", "Prevent Education Officer", Role.EDUCATION_OFFICER),
    DemoUser("analyst", "Grace Whitfield", "Community Safety Analyst", Role.ANALYST),
    DemoUser("board", "Cllr Anna Ferris", "Chair, Safer Communities Board", Role.BOARD_MEMBER),
    DemoUser("auditor", "Samuel Price", "Information Governance Officer", Role.AUDITOR),
    DemoUser("regional", "Helen Brook", "Regional Prevent Adviser", Role.REGIONAL_VIEWER, ""),
    DemoUser("admin", "Kofi Mensah", "Systems Administrator", Role.ADMINISTRATOR),
    DemoUser("ashbury.lead", "Rachel Dunn", "Prevent Lead, Ashbury", Role.PREVENT_LEAD, "other"),
]


def totp_key(username: str) -> str:
    """The demo user's authenticator key (hex), derived from the username."""
    return hashlib.sha256(f"dueregard-demo-totp:{username}".encode()).hexdigest()[:40]


def backup_codes(username: str) -> list[str]:
    digest = hashlib.sha256(f"dueregard-demo-backup:{username}".encode()).hexdigest()
    return [f"{int(digest[i * 6 : (i + 1) * 6], 16) % 10**8:08d}" for i in range(10)]


def run(ctx: DemoContext) -> None:
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = services.create_user(
                username=spec.username,
                full_name=spec.full_name,
                job_title=spec.job_title,
                email=f"{spec.username}@kingsmere.example",
                password=DEMO_PASSWORD,
                acting_user=None,
            )
        authority = {"borough": ctx.authority, "other": ctx.other_authority}.get(spec.authority)
        region = Region.LONDON.value if spec.role == Role.REGIONAL_VIEWER else ""
        if not Membership.objects.filter(user=user, role=spec.role, active=True).exists():
            services.grant_membership(
                user,
                spec.role,
                authority=authority,
                region=region,
                agency=spec.agency,
                acting_user=None,
            )
        TOTPDevice.objects.update_or_create(
            user=user,
            name="Authenticator app",
            defaults={"key": totp_key(spec.username), "confirmed": True},
        )
        services.issue_backup_codes(user, backup_codes(spec.username))
        ctx.users[spec.username] = user
    ctx.say(f"Users: {len(DEMO_USERS)} demo sign-ins.")
