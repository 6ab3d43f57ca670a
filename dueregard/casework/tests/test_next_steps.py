"""The referral page's next steps follow the pathway (`pathway.allows`): each stage offers
exactly the pages that record what may happen next."""

from __future__ import annotations

import pytest

from dueregard.casework.models import Stage
from dueregard.casework.tests.factories import make_referral
from dueregard.casework.views import _next_steps

pytestmark = pytest.mark.django_db

CLOSE = "casework:close"
OFFERED = {
    Stage.RECEIVED: ["casework:triage", CLOSE],
    Stage.WITH_GATEWAY: ["casework:gateway", CLOSE],
    Stage.ONWARD: ["casework:onward", CLOSE],
    Stage.FOR_PANEL: ["casework:referral_agenda", "casework:consent", CLOSE],
    Stage.DISCUSSED: ["casework:referral_agenda", "casework:consent", CLOSE],
    Stage.ADOPTED: [
        "casework:consent",
        "casework:support_plan",
        "casework:start_support",
        CLOSE,
    ],
    Stage.IN_SUPPORT: ["casework:consent", "casework:support_plan", "casework:session", CLOSE],
    Stage.LEFT_CHANNEL: ["casework:review_extend", CLOSE],
    Stage.CLOSED: [],
}


def test_every_stage_is_listed() -> None:
    assert set(OFFERED) == set(Stage)


@pytest.mark.parametrize("stage", list(OFFERED))
def test_each_stage_offers_what_may_happen_next(world, stage: Stage) -> None:
    referral = make_referral(world.authority, world["coordinator"])
    referral.stage = stage

    assert [url for _, url in _next_steps(referral)] == OFFERED[stage]


def test_an_adopted_case_without_a_plan_is_offered_to_agree_one(world) -> None:
    referral = make_referral(world.authority, world["coordinator"])
    referral.stage = Stage.ADOPTED
    assert ("Agree the support plan", "casework:support_plan") in _next_steps(referral)
