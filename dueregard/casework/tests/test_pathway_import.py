"""The importer and the services apply the same pathway, so the same events give the same
history: every column of every `StageEvent` row, the cached milestones and the reviews.

The one difference is by design (docs/casework-import.md): a row the services write
without a reason carries the import's "Imported from FILE row N".
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from dueregard.casework import pathway, services
from dueregard.casework.models import (
    ExitReason,
    GatewayOutcome,
    PanelDecision,
    Referral,
    Review,
    TriageOutcome,
)
from dueregard.casework.tests.test_import import (
    adopted_row,
    csv_bytes,
    received_through_services,
    run,
)

pytestmark = pytest.mark.django_db

D = datetime.date
NOTE = "Imported from history.csv row 2"
LATER = ["referred_to_police_on", "gateway_outcome", "discussed_at_panel_on", "adopted_on"]
SHAPES = {
    "closed at triage": {
        **dict.fromkeys([*LATER, "left_channel_on", "exit_reason"], ""),
        "triage_outcome": "Signposted to other services",
    },
    "with the police gateway": {
        **dict.fromkeys([*LATER[1:], "left_channel_on", "exit_reason"], ""),
    },
    "closed by the gateway": {
        **dict.fromkeys([*LATER[2:], "left_channel_on", "exit_reason"], ""),
        "gateway_outcome": "No further action",
    },
    "awaiting a panel": dict.fromkeys([*LATER[2:], "left_channel_on", "exit_reason"], ""),
    "adopted": {"left_channel_on": "", "exit_reason": ""},
    "left Channel": {},
}


def _through_services(world: Any, row: dict[str, str]) -> Referral:
    """The referral `row` describes, recorded event by event through the services, every
    reason the import's note."""
    lead = world["coordinator"]
    referral = received_through_services(world)
    police_on = D(2019, 5, 3)
    triage = next(t for t in TriageOutcome if t.label == row["triage_outcome"])
    services.triage_referral(
        referral,
        outcome=triage,
        occurred_on=police_on if triage == TriageOutcome.POLICE else D(2019, 5, 1),
        reason=NOTE,
        acting_user=lead,
    )
    if not row["gateway_outcome"]:
        return referral
    gateway = next(g for g in GatewayOutcome if g.label == row["gateway_outcome"])
    services.record_gateway_outcome(
        referral, outcome=gateway, occurred_on=police_on, reason=NOTE, acting_user=lead
    )
    if not row["adopted_on"]:
        return referral
    services.record_panel_decision(
        referral,
        decision=PanelDecision.ADOPT,
        occurred_on=D(2019, 6, 5),
        reason=NOTE,
        acting_user=lead,
    )
    if row["left_channel_on"]:
        services.leave_channel(
            referral,
            left_on=D(2019, 12, 2),
            exit_reason=ExitReason.objects.get(code="concerns-addressed"),
            reason=NOTE,
            acting_user=lead,
        )
    return referral


def _rows(referral: Referral) -> list[tuple[Any, ...]]:
    return [
        tuple(getattr(e, column) for column in pathway.Row._fields)
        for e in referral.events.order_by("pk")
    ]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_import_writes_the_history_the_services_write(world, shape: str) -> None:
    row = adopted_row(**SHAPES[shape])
    by_services = _through_services(world, row)
    run(world, csv_bytes([row]))
    imported = Referral.objects.get(authority=world.authority, reference="IMP-1")
    by_services.refresh_from_db()
    expected = [(*r[:-1], r[-1] or NOTE) for r in _rows(by_services)]
    assert _rows(imported) == expected
    for name in pathway.MILESTONES:
        assert getattr(imported, name) == getattr(by_services, name), name
    reviews = lambda r: sorted(Review.objects.filter(referral=r).values_list("kind", "due_on"))
    assert reviews(imported) == reviews(by_services)
