"""The API's rate limits: requests per partner token, and wrong tokens per client address,
each answered 429 with Retry-After once exceeded."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import make_user, sign_in
from dueregard.accounts import services
from dueregard.accounts.models import ApiScope, Role

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


@pytest.fixture
def rates(settings) -> Any:
    def set_rates(per_key: str = "60/minute", failed: str = "10/minute") -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                "partner_token": per_key,
                "failed_authentication": failed,
            },
        }

    return set_rates


def issue(world, username: str) -> str:
    account = make_user(username, Role.PREVENT_LEAD, authority=world.authority)
    _token, key = services.issue_api_token(
        service_account=account,
        agency="Testborough MASH",
        name=f"{username} system",
        scopes=[ApiScope.CASEWORK_READ],
        days=30,
        acting_user=world["administrator"],
    )
    return key


def call(key: str, address: str = "192.0.2.10", url: str = ME):
    return Client(REMOTE_ADDR=address).get(url, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_partner_token_is_limited_to_its_rate(world, rates) -> None:
    rates(per_key="3/minute")
    key = issue(world, "mash.system")
    assert [call(key).status_code for _ in range(3)] == [200, 200, 200]
    refused = call(key, url="/api/v1/referrals/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Request was throttled" in refused.json()["detail"]
    # Another token is counted apart, from the same address.
    assert call(issue(world, "police.system")).status_code == 200


def test_the_default_rate_lets_a_partner_work_and_stops_a_flood(world) -> None:
    key = issue(world, "mash.system")
    answers = [call(key).status_code for _ in range(61)]
    assert answers[:60] == [200] * 60
    assert answers[60] == 429


def test_people_signed_in_to_the_site_are_not_counted_as_tokens(world, rates) -> None:
    rates(per_key="1/minute")
    client = sign_in(Client(), world["coordinator"])
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]


def test_wrong_tokens_from_one_address_are_slowed(world, rates) -> None:
    rates(failed="5/minute")
    key = issue(world, "mash.system")
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert [call(wrong, "198.51.100.23").status_code for _ in range(5)] == [401] * 5
    refused = call(wrong, "198.51.100.23")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many failed authentications" in refused.json()["detail"]
    # While it waits, that address gets nowhere even with the right token...
    assert call(key, "198.51.100.23").status_code == 429
    # ...and the partner calling from its own address is not held up.
    assert call(key, "192.0.2.10").status_code == 200


def test_three_hundred_guesses_meet_429_after_the_limit(world) -> None:
    answers = [call(f"dr_{n:08x}_guess", "198.51.100.23").status_code for n in range(300)]
    assert answers[:10] == [401] * 10
    assert set(answers[10:]) == {429}


def test_a_right_token_does_not_count_as_a_failure(world, rates) -> None:
    rates(failed="2/minute")
    key = issue(world, "mash.system")
    assert [call(key).status_code for _ in range(5)] == [200] * 5


def test_behind_a_trusted_proxy_the_client_address_is_counted(world, rates, settings) -> None:
    rates(failed="2/minute")
    settings.TRUSTED_PROXIES = ["10.0.0.5"]

    def via_proxy(client_ip: str):
        return Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=client_ip).get(
            ME, HTTP_AUTHORIZATION="Bearer dr_00000000_guess"
        )

    assert [via_proxy("198.51.100.23").status_code for _ in range(3)] == [401, 401, 429]
    assert via_proxy("203.0.113.40").status_code == 401  # another client, not yet slowed
