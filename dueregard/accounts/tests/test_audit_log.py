"""The audit log's pages: scoped to the auditor's authorities, filtered, keyset paginated
and exportable as CSV; no URL changes an event."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from conftest import pagination_link
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.audit.services import record

pytestmark = pytest.mark.django_db


def _person_viewed(actor: Any, person_id: int, authority: Any) -> None:
    record(
        AuditAction.VIEW,
        actor=actor,
        object_type="casework.person",
        object_id=person_id,
        person_id=person_id,
        authority=authority,
    )


def test_no_url_changes_an_event(world, as_user) -> None:
    client = as_user(world["auditor"])
    event = record(
        AuditAction.VIEW,
        actor=world["coordinator"],
        object_type="x",
        object_id=1,
        authority=world.authority,
    )
    for url in (reverse("audit:log"), reverse("audit:export")):
        assert client.post(url, {"action": "change", "id": event.pk}).status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_auditor_sees_only_events_of_their_authority(world, as_user) -> None:
    _person_viewed(world["coordinator"], 7, world.authority)
    _person_viewed(world["other_coordinator"], 8, world.other_authority)
    page = as_user(world["auditor"]).get(reverse("audit:log")).content.decode()
    assert "casework.person #7" in page
    assert "casework.person #8" not in page


def test_auditor_filters_by_person_user_and_date_and_exports_csv(world, as_user) -> None:
    _person_viewed(world["coordinator"], 7, world.authority)
    _person_viewed(world["chair"], 9, world.authority)
    client = as_user(world["auditor"])
    page = client.get(reverse("audit:log"), {"person_id": 7}).content.decode()
    assert "casework.person #7" in page and "casework.person #9" not in page
    page = client.get(reverse("audit:log"), {"username": "chair"}).content.decode()
    assert "casework.person #9" in page and "casework.person #7" not in page

    response = client.get(reverse("audit:export"), {"person_id": 7})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["username"], r["person_id"]) for r in rows] == [("coordinator", "7")]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world["auditor"]).count() == 1


def test_export_escapes_cells_that_a_spreadsheet_would_run(world, as_user) -> None:
    record(
        AuditAction.FAILED_SIGN_IN,
        actor=None,
        object_type="accounts.user",
        authority=world.authority,
        detail={"username": "=HYPERLINK(1)"},
    )
    event = AuditEvent.objects.latest("id")
    assert event.actor_username == ""
    response = as_user(world["auditor"]).get(reverse("audit:export"))
    text = b"".join(response.streaming_content).decode()
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_audit_log_pages_are_keyset_paginated(world, as_user) -> None:
    for i in range(60):
        record(
            AuditAction.VIEW,
            actor=world["coordinator"],
            object_type="casework.person",
            object_id=i,
            authority=world.authority,
        )
    client = as_user(world["auditor"])
    first = client.get(reverse("audit:log"), {"username": "coordinator"})
    assert len(first.context["events"]) == 50
    older = pagination_link(first, "next")
    assert older, "a link to older events"
    assert "username=coordinator" in older, "the filter is kept"
    second = client.get(reverse("audit:log") + older)
    assert len(second.context["events"]) == 10
    assert 'rel="next"' not in second.content.decode(), "no older events"
    newer = pagination_link(second, "prev")
    assert newer, "a link back to newer events"
    back = client.get(reverse("audit:log") + newer)
    assert [e.id for e in back.context["events"]] == [e.id for e in first.context["events"]]
    ids = [e.id for e in first.context["events"]] + [e.id for e in second.context["events"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 60
