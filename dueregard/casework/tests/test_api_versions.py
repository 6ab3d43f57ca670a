"""No lost updates through the API (core.versions, ADR 0015): a referral's version is its
ETag; PATCH needs If-Match, and a stale one is answered 412 with who changed the referral,
when, and the referral as it is now, never overwriting it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dueregard.accounts.models import ApiScope, Role
from dueregard.casework import services
from dueregard.casework.models import Referral
from dueregard.casework.tests import factories
from dueregard.casework.tests.test_api import token_for
from dueregard.core import versions

pytestmark = pytest.mark.django_db

SCOPES: list[str] = [ApiScope.CASEWORK_READ, ApiScope.REFERRALS_UPDATE]


class Partner:
    def __init__(self, key: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, url: str) -> Any:
        return self.client.get(url)

    def patch(self, url: str, body: dict[str, Any], etag: str | None) -> Any:
        headers = {"If-Match": etag} if etag is not None else {}
        return self.client.patch(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def referral(world) -> Referral:
    return factories.make_referral(world.authority, world["coordinator"])


def url(referral: Referral) -> str:
    return f"/api/v1/referrals/{referral.pk}/"


def test_a_referral_is_read_with_its_version_as_etag(world, referral) -> None:
    partner = Partner(token_for(world, Role.PREVENT_LEAD, SCOPES))
    response = partner.get(url(referral))
    assert response.status_code == 200
    assert response["ETag"] == versions.etag_of(Referral.objects.get(pk=referral.pk))


def test_an_update_with_the_current_etag_is_saved_and_answers_the_new_one(world, referral) -> None:
    partner = Partner(token_for(world, Role.PREVENT_LEAD, SCOPES))
    etag = partner.get(url(referral))["ETag"]
    saved = partner.patch(url(referral), {"concern_description": "Corrected (test)."}, etag)
    assert saved.status_code == 200, saved.content
    assert saved.json()["concern_description"] == "Corrected (test)."
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.concern_description == "Corrected (test)."
    assert saved["ETag"] == versions.etag_of(stored) != etag
    # The same ETag again is now stale.
    again = partner.patch(url(referral), {"concern_description": "Again (test)."}, etag)
    assert again.status_code == 412


def test_a_stale_update_is_refused_412_naming_who_changed_it_and_when(world, referral) -> None:
    partner = Partner(token_for(world, Role.PREVENT_LEAD, SCOPES))
    etag = partner.get(url(referral))["ETag"]
    # Meanwhile a coordinator corrects the referral on its page.
    lead = world["coordinator"]
    versions.save_if_current(
        referral,
        versions.version_from_etag(etag),
        lambda: services.update_referral_details(
            referral,
            concern_description="The coordinator's correction.",
            concern=referral.concern,
            sector=referral.sector,
            vulnerabilities=[],
            panel_summary="",
            acting_user=lead,
        ),
        acting_user=lead,
    )
    refused = partner.patch(url(referral), {"concern_description": "The partner's (test)."}, etag)
    assert refused.status_code == 412
    body = refused.json()
    stored = Referral.objects.get(pk=referral.pk)
    assert body["changed_by"] == str(lead)
    assert body["changed_at"].startswith(stored.modified_at.isoformat()[:19])
    assert f"{lead} changed this referral at" in body["detail"]
    assert body["current"]["concern_description"] == "The coordinator's correction."
    assert refused["ETag"] == versions.etag_of(stored)
    assert stored.concern_description == "The coordinator's correction."
    # With the current ETag the partner's deliberate change is kept.
    kept = partner.patch(
        url(referral), {"concern_description": "The partner's (test)."}, refused["ETag"]
    )
    assert kept.status_code == 200
    assert Referral.objects.get(pk=referral.pk).concern_description == "The partner's (test)."


def test_an_update_without_if_match_is_refused_428_and_writes_nothing(world, referral) -> None:
    partner = Partner(token_for(world, Role.PREVENT_LEAD, SCOPES))
    refused = partner.patch(url(referral), {"concern_description": "Blind (test)."}, None)
    assert refused.status_code == 428
    anything = partner.patch(url(referral), {"concern_description": "Blind (test)."}, "*")
    assert anything.status_code == 412  # "*" names no version
    assert Referral.objects.get(pk=referral.pk).concern_description != "Blind (test)."


def test_an_update_needs_its_scope_and_the_change_rule(world, referral) -> None:
    etag = versions.etag_of(referral)
    reader = Partner(token_for(world, Role.PREVENT_LEAD, [ApiScope.CASEWORK_READ]))
    assert reader.patch(url(referral), {"concern_description": "x"}, etag).status_code == 403
    elsewhere = Partner(
        token_for(world, Role.PREVENT_LEAD, SCOPES, authority=world.other_authority)
    )
    assert elsewhere.patch(url(referral), {"concern_description": "x"}, etag).status_code == 404
    analyst = Partner(token_for(world, Role.ANALYST, SCOPES))
    assert analyst.patch(url(referral), {"concern_description": "x"}, etag).status_code in (
        403,
        404,
    )
    assert Referral.objects.get(pk=referral.pk).concern_description != "x"


def test_an_unknown_label_is_refused_400(world, referral) -> None:
    partner = Partner(token_for(world, Role.PREVENT_LEAD, SCOPES))
    etag = partner.get(url(referral))["ETag"]
    refused = partner.patch(url(referral), {"sector": "Not a sector"}, etag)
    assert refused.status_code == 400
    assert "sector" in refused.json()
