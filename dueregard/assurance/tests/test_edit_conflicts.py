"""No lost updates on the assurance forms (core.versions, ADR 0015): for each form that
changes an existing assurance record, two users open it, the first saves, the second's
save is refused naming the first and the time with both versions on the page, and the
second's deliberate second save is kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user, sign_in
from dueregard.accounts.models import Role
from dueregard.assurance.tests import factories
from dueregard.core.tests.edits import assert_second_save_refused_then_kept, form_data

pytestmark = pytest.mark.django_db

# form: (url name, the record's factory, the field changed, the attribute it is kept in,
# the first user's value, the second's, any other changes the form needs)
CASES: dict[str, tuple[str, Callable[[Any], Any], str, str, Any, Any, dict[str, Any]]] = {
    "strategy": (
        "assurance:strategy_edit",
        factories.strategy,
        "objective",
        "objective",
        "The first officer's objective.",
        "The second officer's objective.",
        {},
    ),
    "priority": (
        "assurance:priority_edit",
        factories.priority,
        "title",
        "title",
        "Understand the risk (first)",
        "Understand the risk (second)",
        {},
    ),
    "action": (
        "assurance:action_edit",
        factories.action,
        "title",
        "title",
        "Share the CTLP (first)",
        "Share the CTLP (second)",
        {},
    ),
    "action progress update": (
        "assurance:action_update",
        factories.action,
        "owner",
        "owner",
        "First Owner",
        "Second Owner",
        {"note": "Progress as the second officer typed it."},
    ),
    "self-assessment": (
        "assurance:assessment_edit",
        factories.assessment,
        "commentary",
        "commentary",
        "The first officer's commentary.",
        "The second officer's commentary.",
        {},
    ),
    "evidence": (
        "assurance:evidence_edit",
        factories.evidence,
        "description",
        "description",
        "The first officer's description.",
        "The second officer's description.",
        {},
    ),
    "threat level": (
        "assurance:threat_level_edit",
        factories.threat_level,
        "note",
        "note",
        "The first officer's correction.",
        "The second officer's correction.",
        {},
    ),
    "CTLP": (
        "assurance:ctlp_edit",
        factories.ctlp,
        "key_points",
        "key_points",
        "Key points as first saved.",
        "Key points as second typed.",
        {},
    ),
    "CTLP recommendation": (
        "assurance:recommendation_edit",
        factories.recommendation,
        "response",
        "response",
        "The first officer's response.",
        "The second officer's response.",
        {},
    ),
    "risk": (
        "assurance:risk_edit",
        factories.risk,
        "description",
        "description",
        "The risk as the first officer put it.",
        "The risk as the second officer put it.",
        {},
    ),
    "risk review": (
        "assurance:risk_review",
        factories.risk,
        "trend",
        "trend",
        "stable",
        "decreasing",
        {"note": "Review note as the second officer typed it."},
    ),
    "incident": (
        "assurance:incident_edit",
        factories.incident,
        "summary",
        "summary",
        "Stickers as the first officer described them.",
        "Stickers as the second officer described them.",
        {},
    ),
}


@pytest.mark.parametrize("form", CASES)
def test_a_stale_save_is_refused_with_who_and_when_then_a_deliberate_one_is_kept(
    world, form
) -> None:
    url_name, factory, field, attribute, first_value, second_value, extra = CASES[form]
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    record = factory(world)
    model = type(record)
    url = reverse(url_name, args=[record.pk])
    opened = sign_in(Client(), lead).get(url).context["form"]
    typed = extra.get("note", second_value)
    assert_second_save_refused_then_kept(
        lead,
        second,
        url,
        first=form_data(opened, **{field: first_value}),
        second=form_data(opened, **{field: second_value}, **extra),
        stored=lambda: getattr(model.objects.get(pk=record.pk), attribute),
        first_value=first_value,
        second_value=second_value,
        typed=typed,
        record=lambda: model.objects.get(pk=record.pk),
    )
