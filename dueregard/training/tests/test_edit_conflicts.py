"""No lost updates on training's organisation form (core.versions, ADR 0015)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_user
from dueregard.accounts.models import Role
from dueregard.core.tests.edits import assert_second_save_refused_then_kept
from dueregard.training.models import Organisation
from dueregard.training.tests.factories import organisation

pytestmark = pytest.mark.django_db


def test_a_stale_save_is_refused_with_who_and_when_then_a_deliberate_one_is_kept(world) -> None:
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    org = organisation(world.authority)

    def data(notes: str) -> dict[str, str]:
        return {
            "authority": str(world.authority.pk),
            "name": org.name,
            "sector": org.sector,
            "notes": notes,
        }

    assert_second_save_refused_then_kept(
        lead,
        second,
        reverse("training:organisation_edit", args=[org.pk]),
        first=data("Notes as the first officer wrote them."),
        second=data("Notes as the second officer typed them."),
        stored=lambda: Organisation.objects.get(pk=org.pk).notes,
        first_value="Notes as the first officer wrote them.",
        second_value="Notes as the second officer typed them.",
        typed="Notes as the second officer typed them.",
        record=lambda: Organisation.objects.get(pk=org.pk),
    )
