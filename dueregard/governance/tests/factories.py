"""Fictional governance records for tests, made through the services."""

from __future__ import annotations

import datetime
from typing import Any

from dueregard.governance import services
from dueregard.governance.models import (
    Board,
    BoardKind,
    BoardMember,
    Frequency,
    Meeting,
    MeetingAction,
    MeetingStatus,
    ReportingCommitment,
)


def board(world: Any, name: str = "Testborough Prevent Delivery Group", **extra: Any) -> Board:
    data = {
        "name": name,
        "kind": BoardKind.PREVENT_DELIVERY_GROUP,
        "remit": "Oversees delivery of the Prevent action plan.",
        "meeting_frequency": Frequency.QUARTERLY,
        "chair": "Head of Community Safety",
        **extra,
    }
    return services.create_board(world.authority, data, acting_user=world["coordinator"])


def member(world: Any, on: Board, name: str = "Alex Fenwick", **extra: Any) -> BoardMember:
    data = {"name": name, "organisation": "Testborough Council", "role": "Member", **extra}
    return services.add_board_member(on, data, acting_user=world["coordinator"])


def meeting(
    world: Any,
    of: Board,
    date: datetime.date = datetime.date(2024, 6, 12),
    status: str = MeetingStatus.HELD,
    **extra: Any,
) -> Meeting:
    data = {"date": date, "status": status, "minutes": "Action plan reviewed.", **extra}
    return services.record_meeting(of, data, acting_user=world["coordinator"])


def action(world: Any, at: Meeting, **extra: Any) -> MeetingAction:
    data = {
        "description": "Circulate the refreshed terms of reference",
        "owner": "Prevent Coordinator, Testborough Council",
        "due_on": datetime.date(2024, 9, 1),
        **extra,
    }
    return services.add_meeting_action(at, data, acting_user=world["coordinator"])


def commitment(
    world: Any, to: Board, title: str = "Prevent update", **extra: Any
) -> ReportingCommitment:
    data = {
        "board": to,
        "title": title,
        "area_of_focus": "Council progress on meeting the duty",
        "frequency": Frequency.QUARTERLY,
        "owner": "Prevent Coordinator",
        **extra,
    }
    return services.create_commitment(world.authority, data, acting_user=world["coordinator"])
