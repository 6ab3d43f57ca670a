"""The rules in accounts/permissions.py, by role and scope."""

from __future__ import annotations

import pytest

from dueregard.accounts.models import Membership, Role, User
from dueregard.accounts.permissions import (
    Action,
    Audience,
    Kind,
    audiences_for,
    authorities_for,
    can,
    can_anywhere,
)
from dueregard.areas.models import Authority, Region

pytestmark = pytest.mark.django_db


def test_case_records_are_for_case_roles_of_the_same_authority(world) -> None:
    assert can(world["coordinator"], Kind.CASEWORK, Action.VIEW, world.authority)
    assert can(world["chair"], Kind.CASEWORK, Action.CHANGE, world.authority)
    assert not can(world["other_coordinator"], Kind.CASEWORK, Action.VIEW, world.authority)
    for persona in [
        "panel_member",
        "education_officer",
        "analyst",
        "board_member",
        "auditor",
        "regional_viewer",
        "administrator",
    ]:
        assert not can(world[persona], Kind.CASEWORK, Action.VIEW, world.authority), persona


def test_aggregates_are_open_to_analysts_boards_and_regional_viewers(world) -> None:
    for persona in ["coordinator", "chair", "analyst", "board_member", "regional_viewer"]:
        assert can(world[persona], Kind.STATISTICS, Action.VIEW, world.authority), persona
    assert not can(world["regional_viewer"], Kind.STATISTICS, Action.VIEW, world.other_authority)


def test_regional_and_national_viewers_cover_their_area(world) -> None:
    third = Authority.objects.create(ons_code="E09999803", name="Third", region=Region.LONDON)
    regional = set(authorities_for(world["regional_viewer"], Kind.STATISTICS, Action.VIEW))
    assert regional == {world.authority, third}
    Membership.objects.create(user=world["analyst"], role=Role.REGIONAL_VIEWER)  # national
    analyst = User.objects.get(pk=world["analyst"].pk)  # memberships are cached per object
    national = set(authorities_for(analyst, Kind.STATISTICS, Action.VIEW))
    assert national == {world.authority, world.other_authority, third}


def test_inactive_memberships_give_nothing(world) -> None:
    world["coordinator"].memberships.update(active=False)
    coordinator = User.objects.get(pk=world["coordinator"].pk)
    assert not can_anywhere(coordinator, Kind.CASEWORK, Action.VIEW)
    assert not authorities_for(coordinator, Kind.CASEWORK, Action.VIEW).exists()


def test_audiences_are_offered_only_as_far_as_the_role_allows(world) -> None:
    assert audiences_for(world["analyst"], world.authority) == list(Audience)
    assert audiences_for(world["board_member"], world.authority) == [
        Audience.BOARD,
        Audience.PARTNER,
        Audience.PUBLIC,
    ]
    assert audiences_for(world["panel_member"], world.authority) == [
        Audience.PARTNER,
        Audience.PUBLIC,
    ]
    assert audiences_for(world["other_coordinator"], world.authority) == []
