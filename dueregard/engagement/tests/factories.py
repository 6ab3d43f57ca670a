"""Fictional engagement, project and council-resource records for tests, made through
the services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from dueregard.engagement import services
from dueregard.engagement.models import (
    Bid,
    BidOutcome,
    Communication,
    CommunityGroup,
    Engagement,
    EngagementType,
    Event,
    EventKind,
    FilterResult,
    GroupKind,
    ITCheck,
    MeetingFrequency,
    Network,
    NetworkMeeting,
    NetworkMembership,
    OutOfSchoolSetting,
    Project,
    ProjectOutput,
    SettingType,
    SiteType,
    VenueCheck,
)

D = datetime.date


def _by(world: Any) -> Any:
    return world["education_officer"]


def group(world: Any, name: str = "Testborough Interfaith Forum", **extra: Any) -> CommunityGroup:
    data = {"name": name, "kind": GroupKind.FAITH, "ward": world.ward, **extra}
    return services.create_group(world.authority, data, acting_user=_by(world))


def engagement(world: Any, groups: list[CommunityGroup] | None = None, **extra: Any) -> Engagement:
    data = {
        "date": D(2024, 5, 14),
        "groups": groups if groups is not None else [group(world)],
        "type": EngagementType.MEETING,
        "topic": "Introducing the Prevent team",
        "staff": "Prevent Education Officer",
        "outcome": "Agreed to host a workshop for parents.",
        **extra,
    }
    return services.record_engagement(world.authority, data, acting_user=_by(world))


def network(world: Any, name: str = "Testborough Communities Network", **extra: Any) -> Network:
    data = {
        "name": name,
        "purpose": "Brings voluntary and faith groups together.",
        "convener": "Community Engagement Officer",
        "meets": MeetingFrequency.QUARTERLY,
        **extra,
    }
    return services.create_network(world.authority, data, acting_user=_by(world))


def membership(world: Any, of: Network, member: CommunityGroup | None = None) -> NetworkMembership:
    return services.add_network_member(
        of, {"group": member or group(world, "Testborough Youth Hub")}, acting_user=_by(world)
    )


def network_meeting(world: Any, of: Network, **extra: Any) -> NetworkMeeting:
    data = {
        "date": D(2024, 7, 3),
        "organisations_attending": 9,
        "summary": "Funding round.",
        **extra,
    }
    return services.record_network_meeting(of, data, acting_user=_by(world))


def event(world: Any, **extra: Any) -> Event:
    data = {
        "title": "Hate Crime Awareness Week stall",
        "date": D(2024, 10, 15),
        "kind": EventKind.AWARENESS,
        "description": "Information stall at the civic centre.",
        **extra,
    }
    return services.record_event(world.authority, data, acting_user=_by(world))


def communication(world: Any, **extra: Any) -> Communication:
    data = {
        "date": D(2024, 6, 1),
        "title": "What Prevent is and is not",
        "channel": "newsletter",
        "audience": "communities",
        "purpose": "proactive",
        "summary": "Article for the residents' newsletter.",
        **extra,
    }
    return services.log_communication(world.authority, data, acting_user=_by(world))


def bid(world: Any, **extra: Any) -> Bid:
    data = {
        "title": "Digital resilience for families",
        "funder": "Home Office",
        "submitted_on": D(2024, 3, 1),
        "amount_requested": Decimal(30000),
        "outcome": BidOutcome.SUCCESSFUL,
        "outcome_on": D(2024, 4, 20),
        "amount_awarded": Decimal(28000),
        **extra,
    }
    return services.record_bid(world.authority, data, acting_user=_by(world))


def project(world: Any, **extra: Any) -> Project:
    data = {
        "title": "Digital resilience for families",
        "provider": "Brightlane Learning CIC",
        "funder": "Home Office",
        "budget": Decimal(28000),
        "starts_on": D(2024, 4, 1),
        "ends_on": D(2025, 3, 31),
        "aims": "Sessions for parents, staff and pupils on online harms.",
        "expected_outcomes": "Parents more confident to talk about online radicalisation.",
        **extra,
    }
    return services.create_project(world.authority, data, acting_user=_by(world))


def output(world: Any, of: Project, name: str = "Schools engaged") -> ProjectOutput:
    return services.add_project_output(of, {"name": name}, acting_user=_by(world))


def setting(world: Any, **extra: Any) -> OutOfSchoolSetting:
    data = {
        "name": "Saturday Maths Club",
        "setting_type": SettingType.TUITION,
        "provider": "Testborough Tutors Ltd",
        "address": "1 Example Road, Testborough",
        "ward": world.ward,
        "pupils": 40,
        "identified_on": D(2024, 5, 2),
        **extra,
    }
    return services.register_setting(world.authority, data, acting_user=_by(world))


def venue_check(world: Any, **extra: Any) -> VenueCheck:
    data = {
        "venue": "Testborough Central Library, meeting room 2",
        "event_date": D(2024, 9, 21),
        "event_description": "Book launch and talk",
        "organiser": "Sam Example, Example Reading Circle",
        "speakers": "A. Speaker",
        "checks": ["organiser", "speakers"],
        **extra,
    }
    return services.record_venue_check(world.authority, data, acting_user=_by(world))


def it_check(world: Any, **extra: Any) -> ITCheck:
    data = {
        "site": "Testborough Central Library",
        "site_type": SiteType.LIBRARY,
        "checked_on": D(2024, 6, 10),
        "checked_by": "ICT security officer",
        "method": "Supplier's test list of blocked categories",
        "result": FilterResult.PASS,
        **extra,
    }
    return services.record_it_check(world.authority, data, acting_user=_by(world))
