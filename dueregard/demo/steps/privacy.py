"""The demo borough's personal data lifecycle: the default retention schedule, data-sharing
agreements with the panel's partner agencies (Probation deliberately without a current
one, so the warning shows) and a few information-sharing records. All fictional.

The borough applies its schedule every quarter, as a council would: the demo applies it as
at the first day of the month before last (one person kept on legal hold), so the
destruction record has entries and only the records that fell due since are waiting."""

from __future__ import annotations

import datetime

from dueregard.casework.models import Referral
from dueregard.privacy import services
from dueregard.privacy.models import DataSharingAgreement, Direction, LawfulBasis, SharingRecord

from ..context import DemoContext

ORDER = 80

AGREEMENTS = [  # (partner, years since start, lapsed?)
    ("Counter Terrorism Policing (demo)", 3, False),
    ("Kingsmere Mental Health Trust (demo)", 2, False),
    ("Kingsmere Children's Services (demo)", 4, False),
    ("Kingsmere Adult Social Care (demo)", 4, False),
    ("Probation Service (demo)", 5, True),  # expired: no current agreement
]

SHARING = [
    (
        Direction.FROM_PARTNER,
        "Kingsmere Mental Health Trust (demo)",
        LawfulBasis.HEALTH_CARE,
        "Whether the person is known to the trust, to plan support.",
        "Confirmation that the person is open to the community team (fictional).",
    ),
    (
        Direction.TO_PARTNER,
        "Kingsmere Children's Services (demo)",
        LawfulBasis.SAFEGUARDING,
        "Safeguarding check before the panel.",
        "Name, date of birth and the referral's concern summary (fictional).",
    ),
    (
        Direction.TO_PARTNER,
        "Counter Terrorism Policing (demo)",
        LawfulBasis.UNLAWFUL_ACTS,
        "Police gateway assessment.",
        "The referral form as received (fictional).",
    ),
]


def run(ctx: DemoContext) -> None:
    lead = ctx.users["coordinator"]
    services.ensure_default_rules(ctx.authority, acting_user=lead)
    if DataSharingAgreement.objects.filter(authority=ctx.authority).exists():
        ctx.say("Privacy: already there.")
        return
    for partner, years, lapsed in AGREEMENTS:
        start = ctx.today.replace(day=1) - datetime.timedelta(days=365 * years)
        services.record_agreement(
            ctx.authority,
            partner=partner,
            starts_on=start,
            ends_on=ctx.today - datetime.timedelta(days=40) if lapsed else None,
            document_reference=f"DSA-{partner.split()[0].upper()}-{start.year} (demo)",
            acting_user=lead,
        )
    referrals = list(
        Referral.objects.filter(
            authority=ctx.authority, referred_to_police_on__isnull=False
        ).order_by("-received_on")[:3]
    )
    for referral, (direction, partner, basis, purpose, what) in zip(
        referrals, SHARING, strict=False
    ):
        services.record_sharing(
            referral,
            direction=direction,
            partner=partner,
            purpose=purpose,
            lawful_basis=basis,
            what_was_shared=what,
            shared_on=min(ctx.today, referral.received_on + datetime.timedelta(days=3)),
            acting_user=lead,
        )
    last_run = last_retention_run(ctx.today)
    schedule = services.retention_schedule(ctx.authority, on=last_run)
    if schedule:
        services.set_legal_hold(
            schedule[0].person,
            on=True,
            reason="Complaint about the referral open with the council (fictional).",
            acting_user=lead,
        )
    if len(schedule) >= 3:  # one person's records linked to child protection: kept longer
        services.link_child_protection(
            schedule[-1].person,
            noted_on=last_run - datetime.timedelta(days=30),
            reason="A sibling is subject to a child protection plan (fictional).",
            acting_user=lead,
        )
    applied = services.apply_retention(ctx.authority, on=last_run, dry_run=False, acting_user=lead)
    ctx.say(
        f"Privacy: retention schedule applied as at {last_run.day} {last_run:%B %Y} "
        f"({len(applied.destroyed)} people's details removed, {len(applied.held)} held), "
        f"{len(AGREEMENTS)} data-sharing agreements, "
        f"{SharingRecord.objects.filter(authority=ctx.authority).count()} sharing records."
    )


def last_retention_run(today: datetime.date) -> datetime.date:
    """The first day of the month before last."""
    first = today.replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    return (previous - datetime.timedelta(days=1)).replace(day=1)
