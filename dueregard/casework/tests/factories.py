"""Building casework records for tests, through the services (so every rule applies).

Names are fictional. Dates count back from today, because services refuse future dates.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from dueregard.areas.models import Authority
from dueregard.casework import services
from dueregard.casework.models import (
    ConsentGivenBy,
    ConsentStatus,
    ExitReason,
    GatewayOutcome,
    InterventionKind,
    Panel,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Person,
    Referral,
    Sector,
    Stage,
    TriageOutcome,
    Vulnerability,
)
from dueregard.casework.queries import concern_by_label
from dueregard.core.tests.known import known


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def make_person(
    authority: Authority,
    user: Any,
    *,
    given_name: str = "Robin",
    family_name: str = "Testcase",
    date_of_birth: datetime.date | None = datetime.date(2008, 5, 17),
    **extra: Any,
) -> Person:
    return services.create_person(
        authority=authority,
        details=services.PersonDetails(
            given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, **extra
        ),
        acting_user=user,
    )


def make_referral(
    authority: Authority,
    user: Any,
    *,
    person: Person | None = None,
    received_on: datetime.date | None = None,
    **details: Any,
) -> Referral:
    person = person or make_person(authority, user)
    details.setdefault("sector", Sector.objects.get(code="education"))
    details.setdefault("concern", concern_by_label("Extreme Right-Wing"))
    details.setdefault("concern_description", "Shared extreme material with classmates (test).")
    return services.receive_referral(
        person=person,
        details=services.ReferralDetails(received_on=received_on or days_ago(300), **details),
        acting_user=user,
    )


def to_gateway(referral: Referral, user: Any, on: datetime.date | None = None) -> Referral:
    return services.triage_referral(
        referral,
        outcome=TriageOutcome.POLICE,
        occurred_on=on or referral.received_on + datetime.timedelta(days=2),
        reason="Concern meets the threshold for the police gateway.",
        acting_user=user,
    )


def to_panel(referral: Referral, user: Any) -> Referral:
    if referral.stage == Stage.RECEIVED:
        to_gateway(referral, user)
    assert referral.referred_to_police_on is not None
    return services.record_gateway_outcome(
        referral,
        outcome=GatewayOutcome.PANEL,
        occurred_on=referral.referred_to_police_on + datetime.timedelta(days=5),
        reason="Suitable for Channel.",
        police_notes="Police information (test).",
        acting_user=user,
    )


def make_panel(
    authority: Authority, user: Any, *, members: Sequence[tuple[Any, str]] = (), name: str = "Panel"
) -> Panel:
    panel = services.create_panel(
        authority=authority, name=name, panel_type="channel", acting_user=user
    )
    for member_user, agency in members:
        services.add_panel_member(
            panel,
            name=str(member_user),
            agency=agency,
            role_title="Safeguarding lead",
            user=member_user,
            acting_user=user,
        )
    return panel


def make_meeting(panel: Panel, user: Any, on: datetime.date | None = None) -> PanelMeeting:
    return services.schedule_meeting(panel, held_on=on or days_ago(200), acting_user=user)


def adopt(referral: Referral, user: Any, meeting: PanelMeeting | None = None) -> Referral:
    if referral.stage in (Stage.RECEIVED, Stage.WITH_GATEWAY):
        to_panel(referral, user)
    on = (
        meeting.held_on
        if meeting
        else known(referral.gateway_outcome_on) + datetime.timedelta(days=10)
    )
    return services.record_panel_decision(
        referral,
        decision=PanelDecision.ADOPT,
        occurred_on=on,
        reason="The panel agreed Channel support is proportionate.",
        acting_user=user,
    )


def into_support(referral: Referral, user: Any, *, sessions: int = 6) -> Referral:
    if referral.adopted_on is None:
        adopt(referral, user)
    assert referral.adopted_on is not None
    start = referral.adopted_on + datetime.timedelta(days=7)
    services.record_consent(
        referral,
        status=ConsentStatus.GIVEN,
        given_by=ConsentGivenBy.PARENT,
        given_by_name="A. Parent",
        occurred_on=start,
        acting_user=user,
    )
    services.agree_support_plan(
        referral,
        agreed_on=start,
        planned_start_on=start,
        planned_end_on=start + datetime.timedelta(days=120),
        sessions_planned=sessions,
        intervention_provider="Test Mentoring (fictional)",
        interventions=[InterventionKind.objects.get(code="intervention-provider")],
        acting_user=user,
    )
    return services.start_support(referral, started_on=start, acting_user=user)


def leave(referral: Referral, user: Any, on: datetime.date | None = None) -> Referral:
    if referral.stage not in (Stage.ADOPTED, Stage.IN_SUPPORT):
        into_support(referral, user)
    # Leaving Channel is the panel's decision (recorded here without an agenda item).
    return services.record_panel_decision(
        referral,
        decision=PanelDecision.LEAVE,
        occurred_on=on or days_ago(10),
        reason="Support plan completed.",
        exit_reason=ExitReason.objects.get(code="concerns-addressed"),
        acting_user=user,
    )


def vulnerability(code: str) -> Vulnerability:
    return Vulnerability.objects.get(code=code)


def member_of(panel: Panel, user: Any) -> PanelMember:
    return PanelMember.objects.get(panel=panel, user=user, active=True)


def refer_on(
    referral: Referral,
    user: Any,
    *,
    service: str = "Early help (test)",
    on: datetime.date | None = None,
) -> Referral:
    """Triage a received referral (or give a referral with the gateway the outcome) as not
    for Channel but referred on for other vulnerabilities."""
    decided = on or referral.received_on + datetime.timedelta(days=2)
    if referral.stage == Stage.WITH_GATEWAY:
        return services.record_gateway_outcome(
            referral,
            outcome=GatewayOutcome.REFERRED_ON,
            occurred_on=decided,
            reason="Below the threshold; other vulnerabilities (test).",
            onward_service=service,
            onward_referred_on=decided,
            acting_user=user,
        )
    return services.triage_referral(
        referral,
        outcome=TriageOutcome.REFERRED_ON,
        occurred_on=decided,
        reason="Below the threshold; other vulnerabilities (test).",
        onward_service=service,
        onward_referred_on=decided,
        acting_user=user,
    )
