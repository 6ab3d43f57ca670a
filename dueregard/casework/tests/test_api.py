"""The casework API: partner systems send referrals and read casework under the same rules
as the pages (roles, authority, need-to-know), narrowed by token scopes, every call
audited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from dueregard.accounts import services as accounts
from dueregard.accounts.models import ApiScope, Role
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import services
from dueregard.casework.models import Person, Referral, ReferralSource, Stage
from dueregard.casework.tests import factories

pytestmark = pytest.mark.django_db

ALL_READ: list[str] = [ApiScope.CASEWORK_READ, ApiScope.PANELS_READ, ApiScope.PANEL_ACTIONS_READ]


def token_for(world: Any, role: Role, scopes: list[str], *, authority: Any = None) -> str:
    """A partner system's token, acting as a service account holding `role`."""
    account = make_user(
        f"system-{len(scopes)}-{role}-{(authority or world.authority).pk}",
        role,
        authority=authority or world.authority,
        agency="Testborough MASH",
    )
    _, key = accounts.issue_api_token(
        service_account=account,
        agency="Testborough MASH",
        name="MASH case system",
        scopes=scopes,
        days=30,
        acting_user=world["administrator"],
    )
    return key


class Api:
    def __init__(self, key: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params)

    def post(self, url: str, body: dict[str, Any]) -> Any:
        return self.client.post(url, body, content_type="application/json")


REFERRAL = {
    "received_on": "2024-09-02",
    "referrer_name": "A Teacher (fictional)",
    "referrer_organisation": "Testborough Academy",
    "sector": "education",
    "concern": "Extreme Right-Wing",
    "concern_description": "Shared extreme material in class (test).",
    "vulnerabilities": ["Autism spectrum condition", "bullying"],
    "person": {
        "given_name": "Robin",
        "family_name": "Apitest",
        "date_of_birth": "2010-01-20",
        "gender": "male",
        "ward": "E05999801",
    },
}
REFERRALS = "/api/v1/referrals/"


@pytest.fixture
def sender(world) -> Api:
    return Api(token_for(world, Role.PREVENT_LEAD, [ApiScope.REFERRALS_CREATE]))


@pytest.fixture
def reader(world) -> Api:
    return Api(token_for(world, Role.PREVENT_LEAD, ALL_READ))


def test_a_partner_sends_a_referral_and_it_is_received_as_at_intake(world, sender) -> None:
    response = sender.post(REFERRALS, REFERRAL)
    assert response.status_code == 201, response.json()
    body = response.json()
    referral = Referral.objects.get(pk=body["id"])
    assert response["Location"] == f"/api/v1/referrals/{referral.pk}/"
    assert referral.source == ReferralSource.API
    assert referral.authority == world.authority
    assert referral.stage == Stage.RECEIVED
    assert referral.reference.startswith("R-2024-")
    assert (referral.sector.code, referral.concern.label) == ("education", "Extreme Right-Wing")
    assert referral.concern.code_list.code == "pcmt-2024"  # the list in force in September 2024
    assert sorted(v.code for v in referral.vulnerabilities.all()) == ["autism", "bullying"]
    assert referral.age_at_referral == 14  # from the date of birth, as at intake
    assert referral.ward == world.ward
    person = referral.person
    assert (person.given_name, person.family_name, person.unidentified_historical) == (
        "Robin",
        "Apitest",
        False,
    )
    assert [s["kind"] for s in body["stages"]] == ["received"]
    assert body["stage"] == "received" and body["person"] == person.pk
    assert "health_details" not in body and "gateway_police_notes" not in body


def test_sending_a_referral_is_audited_as_the_change_and_as_the_call(world, sender) -> None:
    body = sender.post(REFERRALS, REFERRAL).json()
    referral = Referral.objects.get(pk=body["id"])
    events = AuditEvent.objects.filter(action=AuditAction.CREATE).order_by("pk")
    kinds = [(e.object_type, e.person_id) for e in events if e.object_type.startswith("casework")]
    assert kinds[:2] == [
        ("casework.person", referral.person_id),
        ("casework.referral", referral.person_id),
    ]
    call = AuditEvent.objects.get(detail__api=REFERRALS)
    assert call.action == AuditAction.CREATE
    assert call.actor.username.startswith("system-")
    assert (call.object_type, call.object_id) == ("casework.referral", str(referral.pk))
    assert call.detail["token"]


def test_the_referral_is_read_back_with_its_stages(world, sender, reader) -> None:
    created = sender.post(REFERRALS, REFERRAL).json()
    detail = reader.get(f"{REFERRALS}{created['id']}/")
    assert detail.status_code == 200
    assert detail.json()["reference"] == created["reference"]
    stages = reader.get(f"{REFERRALS}{created['id']}/stages/")
    assert stages.status_code == 200
    assert [s["kind"] for s in stages.json()["results"]] == ["received"]
    person = reader.get(f"/api/v1/people/{created['person']}/").json()
    assert person["referrals"] == [created["id"]]
    listed = reader.get(REFERRALS, reference=created["reference"]).json()
    assert [r["id"] for r in listed["results"]] == [created["id"]]
    # Each read is audited, with the person it concerns.
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, detail__api__startswith=REFERRALS)
    assert viewed.filter(person_id=created["person"]).count() >= 2


@pytest.mark.parametrize("value", ["abc", "9223372036854775808", "-99999999999999999999"])
def test_a_filter_value_that_is_no_id_is_refused_not_a_server_error(world, reader, value) -> None:
    answer = reader.get(REFERRALS, person=value)
    assert answer.status_code == 400, answer.content
    assert answer.json() == {"person": ["Enter a person's id: a whole number."]}


def test_a_referral_can_be_for_a_person_already_recorded(world, sender) -> None:
    known = factories.make_person(world.authority, world["coordinator"])
    body = {**REFERRAL, "person_id": known.pk}
    del body["person"]
    response = sender.post(REFERRALS, body)
    assert response.status_code == 201, response.json()
    assert Referral.objects.get(pk=response.json()["id"]).person == known
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"sector": "Schools"}, "sector"),
        ({"concern": "Grumpy"}, "concern"),
        ({"vulnerabilities": ["Mental health", "Nope"]}, "vulnerabilities"),
        ({"ward": "Nowhere"}, "ward"),
        ({"received_on": "2024-13-01"}, "received_on"),
        ({"received_on": "2999-01-01"}, "received_on"),  # the service refuses future dates
        ({"person": {"given_name": ""}}, "person"),
        ({"person_id": 1}, "person"),  # both a new person and an id
        ({"authority": "E07999802"}, "authority"),  # not one of the caller's
        ({"age_at_referral": 150}, "age_at_referral"),
        ({"concern_description": "bad \x00 byte"}, "concern_description"),
    ],
)
def test_a_bad_referral_is_refused_with_its_fields_named(world, sender, change, field) -> None:
    response = sender.post(REFERRALS, {**REFERRAL, **change})
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_a_person_id_of_another_authority_is_not_found(world, sender) -> None:
    theirs = factories.make_person(world.other_authority, world["other_coordinator"])
    body = {**REFERRAL, "person_id": theirs.pk}
    del body["person"]
    response = sender.post(REFERRALS, body)
    assert response.status_code == 400
    assert response.json()["person_id"] == ["No such person in the authority."]


def test_a_token_without_the_scope_is_refused(world, sender, reader) -> None:
    referral = factories.make_referral(world.authority, world["coordinator"])
    assert reader.post(REFERRALS, REFERRAL).status_code == 403
    assert sender.get(f"{REFERRALS}{referral.pk}/").status_code == 403
    assert sender.get(REFERRALS).status_code == 403
    assert sender.get("/api/v1/panels/").status_code == 403
    assert not Referral.objects.filter(source=ReferralSource.API).exists()


def test_a_service_account_without_a_casework_role_is_refused(world) -> None:
    member = Api(
        token_for(world, Role.PANEL_MEMBER, [ApiScope.REFERRALS_CREATE, ApiScope.CASEWORK_READ])
    )
    assert member.post(REFERRALS, REFERRAL).status_code == 403
    assert member.get(REFERRALS).status_code == 403
    referral = factories.make_referral(world.authority, world["coordinator"])
    # An object it may never see is not revealed.
    assert member.get(f"{REFERRALS}{referral.pk}/").status_code == 404
    assert not Referral.objects.filter(source=ReferralSource.API).exists()


def test_another_authoritys_records_are_not_found(world) -> None:
    ours = factories.make_referral(world.authority, world["coordinator"])
    elsewhere = Api(token_for(world, Role.PREVENT_LEAD, ALL_READ, authority=world.other_authority))
    assert elsewhere.get(f"{REFERRALS}{ours.pk}/").status_code == 404
    assert elsewhere.get(f"{REFERRALS}{ours.pk}/stages/").status_code == 404
    assert elsewhere.get(f"/api/v1/people/{ours.person_id}/").status_code == 404
    assert elsewhere.get(REFERRALS).json()["results"] == []
    assert elsewhere.get("/api/v1/people/").json()["results"] == []


def test_anonymous_and_unverified_callers_are_refused(world) -> None:
    assert Client().get(REFERRALS).status_code == 401
    assert Client().post(REFERRALS, REFERRAL, content_type="application/json").status_code == 401
    half = Client()
    half.force_login(world["coordinator"])  # no second factor
    assert half.get(REFERRALS).status_code in (401, 403)


def test_people_signed_in_use_the_api_under_their_role(world, as_user) -> None:
    referral = factories.make_referral(world.authority, world["coordinator"])
    client = as_user(world["chair"])
    body = client.get(REFERRALS).json()
    assert [r["id"] for r in body["results"]] == [referral.pk]
    # The list is audited like a list page: the people listed are named.
    listed = AuditEvent.objects.get(object_type="casework.referral_list")
    assert listed.detail["people"] == str(referral.person_id)
    assert as_user(world["analyst"]).get(REFERRALS).status_code == 403


def test_a_panel_member_sees_their_panels_and_their_own_actions_only(world, as_user) -> None:
    lead, member_user = world["coordinator"], world["panel_member"]
    theirs = factories.make_panel(
        world.authority, lead, members=[(member_user, "Mental health trust")], name="North panel"
    )
    other = factories.make_panel(world.authority, lead, name="South panel")
    meeting = factories.make_meeting(theirs, lead)
    member = factories.member_of(theirs, member_user)
    mine = services.add_panel_action(
        meeting,
        description="Share the school's plan (test).",
        owner=member,
        due_on=meeting.held_on + datetime.timedelta(days=14),
        acting_user=lead,
    )
    someone = services.add_panel_member(
        theirs, name="Another Officer", agency="Police", acting_user=lead
    )
    not_mine = services.add_panel_action(
        meeting,
        description="Police check (test).",
        owner=someone,
        due_on=meeting.held_on + datetime.timedelta(days=14),
        acting_user=lead,
    )
    client = as_user(member_user)
    panels = client.get("/api/v1/panels/").json()["results"]
    assert [p["name"] for p in panels] == ["North panel"]
    assert [m["minutes_approved_at"] for m in panels[0]["meetings"]] == [None]  # a draft
    services.complete_meeting(meeting, acting_user=lead)
    services.approve_minutes(meeting, acting_user=world["chair"])
    approved = client.get(f"/api/v1/panels/{theirs.pk}/").json()["meetings"][0]
    assert (approved["status"], approved["minutes_approved_at"] is not None) == ("held", True)
    assert client.get(f"/api/v1/panels/{other.pk}/").status_code == 404
    actions = client.get("/api/v1/panel-actions/").json()["results"]
    assert [a["id"] for a in actions] == [mine.pk]
    assert client.get(f"/api/v1/panel-actions/{not_mine.pk}/").status_code == 404
    assert client.get(REFERRALS).status_code == 403


def test_the_schema_documents_the_casework_endpoints(world) -> None:
    schema = Client().get(reverse("api:schema"), {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/referrals/",
        "/api/v1/referrals/{id}/",
        "/api/v1/referrals/{id}/stages/",
        "/api/v1/panels/",
        "/api/v1/panel-actions/{id}/",
    ):
        assert path in paths, path
    create = paths["/api/v1/referrals/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/NewReferral"
    )
