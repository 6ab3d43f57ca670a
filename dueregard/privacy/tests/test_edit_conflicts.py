"""No lost updates on privacy's forms (core.versions, ADR 0015): a legal hold (a toggle,
so a stale form would undo another user's hold) and a subject access request's redactions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user, sign_in
from dueregard.accounts.models import Role
from dueregard.casework.models import Person
from dueregard.core.tests.edits import assert_second_save_refused_then_kept
from dueregard.privacy.models import SubjectAccessRequest
from dueregard.privacy.tests.url_samples import scenario

pytestmark = pytest.mark.django_db


def test_a_stale_legal_hold_form_does_not_lift_the_hold_another_user_placed(world) -> None:
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    person = scenario(world)["person"]
    url = reverse("privacy:legal_hold", args=[person.pk])
    one, two = sign_in(Client(), lead), sign_in(Client(), second)
    v1, v2 = one.get(url).context["version"], two.get(url).context["version"]
    assert (
        one.post(
            url, {"change": "place", "reason": "Civil claim (test)", "version": v1}
        ).status_code
        == 302
    )
    # The second user also meant to place a hold; their stale form would lift it.
    refused = two.post(
        url, {"change": "place", "reason": "Complaint typed second (test)", "version": v2}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    conflict = refused.context["edit_conflict"]
    assert f"{lead} changed this record at {conflict.changed_at_text}" in page
    assert "Complaint typed second (test)" in page
    assert [(r.theirs, r.yours) for r in refused.context["their_rows"]] == [
        ("Civil claim (test)", "Complaint typed second (test)")
    ]
    held = Person.objects.get(pk=person.pk)
    assert held.legal_hold and held.legal_hold_reason == "Civil claim (test)"


def test_a_stale_redaction_is_refused_with_who_and_when_then_a_deliberate_one_is_kept(
    world,
) -> None:
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    sar = scenario(world)["sar"]
    assert_second_save_refused_then_kept(
        lead,
        second,
        reverse("privacy:sar", args=[sar.pk]),
        first={"phrases": "First phrase withheld"},
        second={"phrases": "Second phrase withheld"},
        stored=lambda: SubjectAccessRequest.objects.get(pk=sar.pk).phrases,
        first_value=["First phrase withheld"],
        second_value=["Second phrase withheld"],
        typed="Second phrase withheld",
        record=lambda: SubjectAccessRequest.objects.get(pk=sar.pk),
    )
