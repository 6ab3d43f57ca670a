"""Sample records for the URL walk (tests/test_url_access.py).

One scenario per test world: a case awaiting the panel, on an open agenda item of a
meeting of a panel where the panel member persona is a standing member, with an action
that persona owns. So the walk's expectations hold: the panel member may see the panel,
the meeting, the case's panel view and their action, and nothing of the casework record.
"""

from __future__ import annotations

from typing import Any

from dueregard.casework import services
from dueregard.casework.tests.factories import (
    days_ago,
    make_meeting,
    make_panel,
    make_referral,
    member_of,
    to_panel,
)


def scenario(world: Any) -> dict[str, Any]:
    cached = getattr(world, "_casework_sample", None)
    if cached is not None:
        return cached
    lead = world["coordinator"]
    referral = to_panel(make_referral(world.authority, lead), lead)
    panel = make_panel(
        world.authority, lead, members=[(world["panel_member"], "Testborough Mental Health Trust")]
    )
    other_member = services.add_panel_member(
        panel, name="Without Account", agency="Probation", acting_user=lead
    )
    meeting = make_meeting(panel, lead, on=days_ago(1))
    item = services.add_to_agenda(meeting, referral, acting_user=lead)
    action = services.add_panel_action(
        meeting,
        description="Share what the trust knows",
        owner=member_of(panel, world["panel_member"]),
        due_on=days_ago(0),
        referral=referral,
        acting_user=lead,
    )
    cached = {
        "referral": referral,
        "person": referral.person,
        "panel": panel,
        "member": other_member,
        "meeting": meeting,
        "item": item,
        "action": action,
    }
    world._casework_sample = cached
    return cached


def _pk(key: str) -> Any:
    return lambda world: {"pk": scenario(world)[key].pk}


SAMPLES = {
    **{f"casework:{name}": _pk("person") for name in ("person", "person_edit", "refer_again")},
    **{
        f"casework:{name}": _pk("referral")
        for name in (
            "referral",
            "referral_edit",
            "triage",
            "gateway",
            "consent",
            "support_plan",
            "start_support",
            "session",
            "leave",
            "close",
            "onward",
            "review_extend",
            "case_officer",
            "referral_agenda",
            "panel_case",
            "assessment",
        )
    },
    "casework:review": lambda world: {"pk": scenario(world)["referral"].pk, "kind": "6"},
    **{
        f"casework:{name}": _pk("panel")
        for name in ("panel", "panel_edit", "member_new", "meeting_new")
    },
    "casework:member_end": _pk("member"),
    **{
        f"casework:{name}": _pk("meeting")
        for name in (
            "meeting",
            "attendance",
            "agenda_add",
            "action_new",
            "meeting_complete",
            "minutes_approve",
        )
    },
    **{
        f"casework:{name}": _pk("item")
        for name in ("item_decision", "item_close", "item_remove", "item_correct")
    },
    **{f"casework:{name}": _pk("action") for name in ("action", "action_correct")},
    # The casework API (dueregard/casework/api.py), under /api/v1/.
    "api:person-detail": _pk("person"),
    "api:referral-detail": _pk("referral"),
    "api:referral-stages": _pk("referral"),
    "api:panel-detail": _pk("panel"),
    "api:panel-action-detail": _pk("action"),
}
