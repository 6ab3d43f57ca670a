"""The demo borough's personal data lifecycle: the default retention schedule, data-sharing
agreements with the panel's partner agencies (Probation deliberately without a current
one, so the warning shows) and a few information-sharing records. All fictional."""

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
    ctx.say(
        f"Privacy: retention schedule, {len(AGREEMENTS)} data-sharing agreements, "
        f"{SharingRecord.objects.filter(authority=ctx.authority).count()} sharing records."
    )
