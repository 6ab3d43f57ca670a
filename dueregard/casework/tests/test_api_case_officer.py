"""The API follows the pages' rules for the case officer and shows onward referrals: a
referral is sent or updated with a case officer (a username of the authority's Prevent
team), the change is in its history, and a bad username is refused naming the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dueregard.accounts.models import ApiScope, Role
from dueregard.casework import services
from dueregard.casework.models import EventKind, Person, Referral
from dueregard.casework.tests import factories
from dueregard.casework.tests.test_api import REFERRAL, REFERRALS, Api, token_for
from dueregard.casework.tests.test_api_versions import Partner

pytestmark = pytest.mark.django_db

SCOPES: list[str] = [ApiScope.CASEWORK_READ, ApiScope.REFERRALS_UPDATE]


@pytest.fixture
def sender(world) -> Api:
    return Api(token_for(world, Role.PREVENT_LEAD, [ApiScope.REFERRALS_CREATE]))


def test_a_referral_is_sent_with_a_case_officer(world, sender) -> None:
    response = sender.post(REFERRALS, {**REFERRAL, "case_officer": "chair"})
    assert response.status_code == 201, response.json()
    referral = Referral.objects.get(pk=response.json()["id"])
    assert referral.coordinator == world["chair"]
    assert response.json()["case_officer"] == "chair"


def test_without_a_case_officer_the_sender_is_the_case_officer(world, sender) -> None:
    response = sender.post(REFERRALS, REFERRAL)
    assert response.status_code == 201
    referral = Referral.objects.get(pk=response.json()["id"])
    assert response.json()["case_officer"] == referral.coordinator.username
    assert referral.coordinator.username.startswith("system-")


@pytest.mark.parametrize(
    "username",
    [
        "nobody",  # no such user
        "analyst",  # of the authority, but not in its Prevent team
        "other_coordinator",  # a Prevent lead of another authority
    ],
)
def test_a_case_officer_outside_the_prevent_team_is_refused(world, sender, username) -> None:
    response = sender.post(REFERRALS, {**REFERRAL, "case_officer": username})
    assert response.status_code == 400
    assert "Prevent team" in response.json()["case_officer"][0]
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_the_service_refuses_a_case_officer_outside_the_team(world) -> None:
    person = factories.make_person(world.authority, world["coordinator"])
    with pytest.raises(ValidationError) as error:
        services.receive_referral(
            person=person,
            details=services.ReferralDetails(received_on=factories.days_ago(3)),
            coordinator=world["other_coordinator"],
            acting_user=world["coordinator"],
        )
    assert "case_officer" in error.value.message_dict
    assert not Referral.objects.exists()


def test_a_referral_is_given_a_new_case_officer_by_patch(world) -> None:
    referral = factories.make_referral(world.authority, world["coordinator"])
    partner = Partner(token_for(world, Role.PREVENT_LEAD, SCOPES))
    url = f"/api/v1/referrals/{referral.pk}/"
    read = partner.get(url)
    assert read.json()["case_officer"] == "coordinator"
    saved = partner.patch(url, {"case_officer": "chair"}, read["ETag"])
    assert saved.status_code == 200, saved.content
    assert saved.json()["case_officer"] == "chair"
    referral.refresh_from_db()
    assert referral.coordinator == world["chair"]
    assert referral.concern_description == "Shared extreme material with classmates (test)."
    assert referral.events.filter(kind=EventKind.CASE_OFFICER).count() == 1
    # The same officer again changes nothing; a stranger is refused naming the field.
    again = partner.patch(url, {"case_officer": "chair"}, saved["ETag"])
    assert again.status_code == 200
    assert referral.events.filter(kind=EventKind.CASE_OFFICER).count() == 1
    refused = partner.patch(url, {"case_officer": "analyst"}, again["ETag"])
    assert refused.status_code == 400
    assert "case_officer" in refused.json()
    referral.refresh_from_db()
    assert referral.coordinator == world["chair"]


def test_a_closed_referral_keeps_its_case_officer(world) -> None:
    referral = factories.make_referral(world.authority, world["coordinator"])
    services.close_referral(
        referral,
        closed_on=factories.days_ago(0),
        reason="Duplicate (test).",
        acting_user=world["coordinator"],
    )
    partner = Partner(token_for(world, Role.PREVENT_LEAD, SCOPES))
    url = f"/api/v1/referrals/{referral.pk}/"
    etag = partner.get(url)["ETag"]
    refused = partner.patch(
        url, {"case_officer": "chair", "concern_description": "Changed (test)."}, etag
    )
    assert refused.status_code == 400
    referral.refresh_from_db()
    assert referral.coordinator == world["coordinator"]
    assert referral.concern_description == "Shared extreme material with classmates (test)."


def test_the_referral_shows_its_onward_referrals(world) -> None:
    lead = world["coordinator"]
    referral = factories.refer_on(factories.make_referral(world.authority, lead), lead)
    partner = Partner(token_for(world, Role.PREVENT_LEAD, SCOPES))
    body = partner.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["stage"] == "onward_referral"
    assert body["onward_referrals"] == [
        {
            "service": "Early help (test)",
            "referred_on": referral.onward_referrals.get().referred_on.isoformat(),
            "referred_at": "triage",
            "response": None,
            "responded_on": None,
        }
    ]


def test_a_stale_etag_does_not_reassign_the_case_officer(world) -> None:
    referral = factories.make_referral(world.authority, world["coordinator"])
    partner = Partner(token_for(world, Role.PREVENT_LEAD, SCOPES))
    url = f"/api/v1/referrals/{referral.pk}/"
    stale = partner.get(url)["ETag"]
    services.assign_case_officer(referral, world["chair"], acting_user=world["coordinator"])
    refused = partner.patch(url, {"case_officer": "coordinator"}, stale)
    assert refused.status_code == 412
    assert refused.json()["current"]["case_officer"] == "chair"
    referral.refresh_from_db()
    assert referral.coordinator == world["chair"]
