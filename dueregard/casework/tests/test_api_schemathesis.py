"""The casework API against its own OpenAPI schema (schemathesis): whatever a partner
sends that the schema allows, and plenty it does not, the API answers without a server
error, and what it answers fits the schema.

Runs against the Django WSGI app in-process, as a partner token holding every casework
scope, a bounded number of examples per operation; once with generated ids, and once with the
ids of real records (a person, a referral at panel with its history, a panel, a panel
action), so that every detail operation answers a real record and is checked against the
schema.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from conftest import make_user
from dueregard.accounts import services as accounts
from dueregard.accounts.models import ApiScope, Role
from dueregard.casework import services
from dueregard.casework.tests import factories

pytestmark = pytest.mark.django_db

EXAMPLES = 8
CASEWORK_PATHS = r"^/api/v1/(people|referrals|panels|panel-actions)/"


@pytest.fixture
def partner_key(world: Any, settings: Any) -> str:
    # Hundreds of calls in seconds: past the partner-token rate limit, which has tests of
    # its own (api/tests/test_rate_limits.py), so lift it here.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "partner_token": "100000/minute",
        },
    }
    account = make_user("partner.system", Role.PREVENT_LEAD, authority=world.authority)
    _, key = accounts.issue_api_token(
        service_account=account,
        agency="Testborough MASH",
        name="Schema test",
        scopes=list(ApiScope.values),
        days=1,
        acting_user=world["administrator"],
    )
    # Something to read, so detail pages are not all 404.
    referral = factories.make_referral(world.authority, world["coordinator"])
    factories.make_panel(world.authority, world["coordinator"])
    assert referral.pk
    return key


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """Calling the WSGI app directly fires Django's request signals, whose
    close_old_connections would close the test's connection mid-transaction on
    PostgreSQL; Django's own test client unhooks it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def operations() -> list[Any]:
    from dueregard.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    found = [
        result.ok() for result in schema.include(path_regex=CASEWORK_PATHS).get_all_operations()
    ]
    assert len(found) == 11, [op.label for op in found]
    return found


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_casework_operation_answers_with_a_server_error(
    world, partner_key, connection_kept_open, mode
) -> None:
    headers = {"Authorization": f"Bearer {partner_key}"}
    for operation in operations():

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                case.operation.label,
                case.body,
                response.text[:500],
            )
            if mode == GenerationMode.POSITIVE:
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )

        call()


@pytest.fixture
def real_ids(world: Any, partner_key: str) -> dict[str, int]:
    lead = world["coordinator"]
    referral = factories.to_panel(factories.make_referral(world.authority, lead), lead)
    panel = factories.make_panel(world.authority, lead, name="Schema panel")
    meeting = factories.make_meeting(panel, lead)
    owner = services.add_panel_member(panel, name="An Officer", agency="Police", acting_user=lead)
    panel_action = services.add_panel_action(
        meeting,
        description="Check the school's plan (test).",
        owner=owner,
        due_on=meeting.held_on + datetime.timedelta(days=14),
        acting_user=lead,
    )
    return {
        "people": referral.person_id,
        "referrals": referral.pk,
        "panels": panel.pk,
        "panel-actions": panel_action.pk,
    }


def test_every_detail_operation_answers_a_real_record_as_its_schema_says(
    world, partner_key, real_ids, connection_kept_open
) -> None:
    headers = {"Authorization": f"Bearer {partner_key}"}
    answered: dict[str, set[int]] = {}

    def check(operation: Any, record_id: int) -> None:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def call(case: Any) -> None:
            case.path_parameters = {**(case.path_parameters or {}), "id": record_id}
            response = case.call(headers=headers)
            answered.setdefault(operation.label, set()).add(response.status_code)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        call()

    for operation in operations():
        if "{id}" in operation.path:
            check(operation, real_ids[operation.path.split("/")[3]])  # /api/v1/<resource>/
    reads = {label: codes for label, codes in answered.items() if label.startswith("GET")}
    assert len(reads) == 5, reads  # a person, a referral, its stages, a panel, an action
    assert all(200 in codes for codes in reads.values()), reads
