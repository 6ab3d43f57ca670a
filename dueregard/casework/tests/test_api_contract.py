"""The API keeps the contract its schema states (issue 16, A1-A4): a referral's stages page
like every list, unknown filter values are refused naming the parameter, a referral sent
twice answers 409, and every call writes one audit event carrying the token."""

from __future__ import annotations

from typing import Any

import pytest

from dueregard.accounts.models import ApiScope, Role
from dueregard.audit.models import AuditEvent
from dueregard.casework.models import Person, Referral
from dueregard.casework.tests import factories
from dueregard.casework.tests.test_api import REFERRAL, REFERRALS, Api, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(world: Any) -> Api:
    scopes: list[str] = [ApiScope.CASEWORK_READ, ApiScope.REFERRALS_CREATE]
    return Api(token_for(world, Role.PREVENT_LEAD, scopes))


def test_a_referrals_stages_come_a_page_at_a_time_oldest_first(world, partner) -> None:
    referral = factories.to_panel(
        factories.make_referral(world.authority, world["coordinator"]), world["coordinator"]
    )
    kinds = list(referral.events.order_by("occurred_on", "pk").values_list("kind", flat=True))
    assert len(kinds) >= 3

    first = partner.get(f"{REFERRALS}{referral.pk}/stages/", page_size=2).json()
    assert [s["kind"] for s in first["results"]] == kinds[:2]
    assert first["previous"] is None and first["next"]
    rest = partner.client.get(first["next"]).json()
    assert [s["kind"] for s in rest["results"]] == kinds[2:4]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "bogus"}, "stage"),
        ({"received_from": "not-a-date"}, "received_from"),
        ({"received_to": "2024-13-40"}, "received_to"),
        ({"person": "12abc"}, "person"),
    ],
)
def test_a_filter_value_that_is_not_allowed_is_refused_naming_it(
    world, partner, params, field
) -> None:
    factories.make_referral(world.authority, world["coordinator"])

    response = partner.get(REFERRALS, **params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_known_stage_still_filters(world, partner) -> None:
    received = factories.make_referral(world.authority, world["coordinator"])
    factories.to_gateway(
        factories.make_referral(world.authority, world["coordinator"]), world["coordinator"]
    )

    body = partner.get(REFERRALS, stage="received").json()

    assert [r["id"] for r in body["results"]] == [received.pk]


def test_a_list_call_writes_one_event_naming_the_people_and_the_token(world, partner) -> None:
    referral = factories.make_referral(world.authority, world["coordinator"])
    before = AuditEvent.objects.count()

    assert partner.get(REFERRALS).status_code == 200

    [event] = AuditEvent.objects.order_by("pk")[before:]
    assert event.object_type == "casework.referral_list"
    assert event.detail["people"] == str(referral.person_id)
    assert event.person_id == referral.person_id
    assert event.detail["token"] and event.detail["api"] == REFERRALS


def test_a_referral_sent_twice_answers_409_and_saves_nothing(world, partner) -> None:
    sent = partner.post(REFERRALS, {**REFERRAL, "reference": "MASH-0042"})
    assert sent.status_code == 201
    people, referrals = Person.objects.count(), Referral.objects.count()

    again = partner.post(REFERRALS, {**REFERRAL, "reference": "mash-0042"})

    assert again.status_code == 409
    body = again.json()
    assert body["reference"] == "MASH-0042"
    assert body["existing"] == f"{REFERRALS}{sent.json()['id']}/" == again["Location"]
    assert "already used" in body["detail"]
    assert (Person.objects.count(), Referral.objects.count()) == (people, referrals)


def test_a_refused_referral_leaves_no_new_person(world, partner) -> None:
    people = Person.objects.count()

    refused = partner.post(REFERRALS, {**REFERRAL, "received_on": "2999-01-01"})

    assert refused.status_code == 400
    assert Person.objects.count() == people


def schema(client: Any) -> dict[str, Any]:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def test_the_schema_states_what_the_answers_are(client) -> None:
    paths = schema(client)["paths"]
    create = paths[REFERRALS]["post"]["responses"]
    assert {"201", "400", "401", "403", "409", "429"} <= set(create)
    assert "Location" in create["201"]["headers"] and "Location" in create["409"]["headers"]
    stages = paths[REFERRALS + "{id}/stages/"]["get"]
    schema_ref = stages["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref.endswith("/PaginatedStageEventList")
    assert {p["name"] for p in stages["parameters"]} >= {"cursor", "page_size"}
    listing = paths[REFERRALS]["get"]
    [stage] = [p for p in listing["parameters"] if p["name"] == "stage"]
    assert "bogus" not in stage["schema"]["enum"] and "received" in stage["schema"]["enum"]
    assert {"200", "401", "403"} <= set(paths["/api/v1/me/"]["get"]["responses"])
