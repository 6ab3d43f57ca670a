"""The API's front door: /api/ lists the versions, /api/docs/ documents every operation from
the schema, served from the service itself, and the lead's and administrator's home pages link
to it."""

from __future__ import annotations

import re

import pytest
import yaml
from django.test import Client

from dueregard.accounts.models import Role
from dueregard.accounts.permissions import Action, Kind, roles_allowed

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_its_versions_and_where_they_are_documented(client: Client) -> None:
    response = client.get("/api/")
    assert response.status_code == 200
    body = response.json()
    assert body["versions"] == [
        {"version": "1", "status": "current", "url": "http://testserver/api/v1/"}
    ]
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["documentation"] == "http://testserver/api/docs/"


def test_the_documentation_page_loads_only_the_services_own_files(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert [s for s in sources if not s.startswith("/")] == []
    assert "<script>" not in page and "<style" not in page  # nothing inline: the CSP holds
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy

    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def operations(client: Client) -> dict[tuple[str, str], dict]:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    return {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_every_operation_says_who_may_call_it_and_the_errors_it_answers(client: Client) -> None:
    found = operations(client)
    assert ("/api/v1/referrals/", "post") in found
    for (path, method), operation in found.items():
        where = f"{method.upper()} {path}"
        description = operation.get("description", "")
        assert "**Who may call:**" in description, where
        # Developer notes from shared base classes never reach partners' documentation.
        assert "audit_object_type" not in description, where
        codes = set(operation["responses"])
        assert "429" in codes, where
        if path not in ("/api/", "/api/schema/"):
            assert {"401", "403"} <= codes, where
        if "{" in path:
            assert "404" in codes, where
        if method == "post":
            assert {"201", "400"} <= codes, where


def test_the_roles_and_scope_documented_are_the_ones_the_rules_enforce(client: Client) -> None:
    operation = operations(client)[("/api/v1/referrals/", "get")]
    for role in Role:
        listed = role.label in operation["description"]
        assert listed == (role in roles_allowed(Kind.CASEWORK, Action.LIST)), role
    assert "`casework:read`" in operation["description"]


@pytest.mark.parametrize(
    ("persona", "offered"),
    [("coordinator", True), ("administrator", True), ("analyst", False), ("chair", False)],
)
def test_leads_and_administrators_find_the_api_documentation_from_home(
    world, as_user, persona: str, offered: bool
) -> None:
    page = as_user(world[persona]).get("/").content.decode()
    assert ('href="/api/docs/"' in page) == offered
