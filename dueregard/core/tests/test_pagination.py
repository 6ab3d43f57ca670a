"""Keyset pages: what a cursor at either end of the list, or a bad ordering, gives.

The lists that use it (audit log, sessions, panel actions) test the walk through their
pages; these tests use audit events as the rows, ordered newest first by id.
"""

from __future__ import annotations

import pytest
from django.http import QueryDict

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.audit.services import record
from dueregard.core.pagination import Keyset

pytestmark = pytest.mark.django_db

NEWEST_FIRST = Keyset(("-id",))


def _events(n: int) -> list[int]:
    for _ in range(n):
        record(AuditAction.VIEW, actor=None, object_type="casework.referral", object_id="1")
    return list(AuditEvent.objects.order_by("-id").values_list("pk", flat=True))


def test_an_ordering_must_end_with_the_primary_key() -> None:
    with pytest.raises(ValueError, match="primary key"):
        Keyset(("-held_on",))


def test_pages_keep_other_parameters_and_name_their_neighbours() -> None:
    ids = _events(7)

    page = NEWEST_FIRST.page(AuditEvent.objects.all(), QueryDict(f"q=a&before={ids[2]}"), size=2)

    assert [e.pk for e in page.items] == ids[3:5]
    assert page.next_query == f"q=a&before={ids[4]}"
    assert page.previous_query == f"q=a&after={ids[3]}"


def test_a_cursor_past_the_end_offers_the_first_page() -> None:
    ids = _events(3)

    page = NEWEST_FIRST.page(AuditEvent.objects.all(), QueryDict(f"q=a&before={min(ids)}"), size=2)

    assert page.items == [] and page.next_query is None
    assert page.previous_query == "q=a"


def test_a_cursor_before_the_start_gives_the_first_page() -> None:
    ids = _events(3)

    page = NEWEST_FIRST.page(AuditEvent.objects.all(), QueryDict(f"after={max(ids)}"), size=2)

    assert [e.pk for e in page.items] == ids[:2]
    assert page.previous_query is None and page.next_query == f"before={ids[1]}"


def test_the_previous_page_of_the_second_is_the_first() -> None:
    ids = _events(5)

    page = NEWEST_FIRST.page(AuditEvent.objects.all(), QueryDict(f"after={ids[2]}"), size=2)

    assert [e.pk for e in page.items] == ids[:2]
    assert page.previous_query is None and page.next_query == f"before={ids[1]}"
