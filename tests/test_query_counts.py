"""No page issues a query per row: the number of queries a busy page makes does not grow
with the records it shows (national scale, issue 8).

Each test renders a page with a few records, adds more of the same kinds, renders it
again and expects the same number of queries, and holds the count to a ceiling so a new
query per section is noticed too.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.casework import services as casework
from dueregard.casework.models import Referral
from dueregard.casework.tests import factories as f
from dueregard.core.periods import last_complete_financial_year
from dueregard.training import services as training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_session_renewal_between_counts(settings: Any) -> None:
    """The session is renewed at most once a minute (a write of its own); a slow machine
    must not put that write into one count and not the other."""
    settings.SESSION_RENEW_SECONDS = 24 * 3600


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def assert_flat(client: Any, url: str, add_more: Callable[[], None], ceiling: int) -> None:
    before = queries(client, url)
    add_more()
    after = queries(client, url)
    assert after == before, f"{url}: {before} queries, then {after} with more records"
    assert after <= ceiling, f"{url}: {after} queries"


# --- the coordinator's work queue ------------------------------------------------------------


def _casework_in_every_list(world: Any, n: int) -> None:
    """`n` referrals in each of the work queue's lists."""
    lead = world["coordinator"]
    authority = world.authority
    panel = f.make_panel(authority, lead, name=f"Panel {Referral.objects.count()}")
    meeting = f.make_meeting(panel, lead, on=timezone.localdate() + datetime.timedelta(days=7))
    for _ in range(n):
        f.make_referral(authority, lead, received_on=f.days_ago(3))  # awaiting triage
        f.to_gateway(f.make_referral(authority, lead), lead)  # with the police gateway
        f.to_panel(f.make_referral(authority, lead), lead)  # awaiting the agenda
        on_agenda = f.to_panel(f.make_referral(authority, lead), lead)
        casework.add_to_agenda(meeting, on_agenda, acting_user=lead)
        f.into_support(f.make_referral(authority, lead, received_on=f.days_ago(200)), lead)
        left = f.make_referral(authority, lead, received_on=f.days_ago(400))
        f.leave(left, lead, on=f.days_ago(170))  # the 6-month review is due
        action_meeting = f.make_meeting(panel, lead, on=f.days_ago(60))
        owner = casework.add_panel_member(
            panel, name="Fictional Member", agency="Test Agency", acting_user=lead
        )
        casework.add_panel_action(
            action_meeting,
            description="Check the school's records (test).",
            owner=owner,
            due_on=f.days_ago(30),
            acting_user=lead,
        )


def test_work_queue_queries_do_not_grow_with_the_work(world: Any, as_user: Any) -> None:
    client = as_user(world["coordinator"])
    _casework_in_every_list(world, 1)
    assert_flat(
        client,
        reverse("casework:queue"),
        lambda: _casework_in_every_list(world, 3),
        ceiling=20,
    )


# --- person search ---------------------------------------------------------------------------


def _people_called(world: Any, family_name: str, n: int) -> None:
    for i in range(n):
        person = f.make_person(
            world.authority,
            world["coordinator"],
            given_name=f"Robin{i}",
            family_name=family_name,
            date_of_birth=datetime.date(2008, 1, 1) + datetime.timedelta(days=i),
            ward=world.ward,  # the results list shows each person's ward
        )
        f.make_referral(world.authority, world["coordinator"], person=person)


def test_person_search_queries_do_not_grow_with_the_results(world: Any, as_user: Any) -> None:
    client = as_user(world["coordinator"])
    _people_called(world, "Farrowby", 1)
    url = f"{reverse('casework:people')}?q=Farrowby"
    assert_flat(client, url, lambda: _people_called(world, "Farrowby", 12), ceiling=15)


# --- the audit log ---------------------------------------------------------------------------


def _events(world: Any, n: int) -> None:
    for _ in range(n):
        record(
            AuditAction.VIEW,
            actor=world["coordinator"],
            object_type="casework.referral",
            object_id="1",
            authority=world.authority,
        )


def test_audit_log_page_queries_do_not_grow_with_the_events(world: Any, as_user: Any) -> None:
    client = as_user(world["auditor"])
    _events(world, 3)
    url = f"{reverse('audit:log')}?username=coordinator"
    assert_flat(client, url, lambda: _events(world, 120), ceiling=12)
    # The next page is keyset-paginated: the same queries again.
    page = client.get(url)
    assert page.context["page"].next_query is not None
    second = f"{reverse('audit:log')}?{page.context['page'].next_query}"
    assert queries(client, second) == queries(client, url)


# --- report pages ----------------------------------------------------------------------------


def _year() -> tuple[datetime.date, datetime.date]:
    year = last_complete_financial_year(timezone.localdate())
    return year.start, year.end


def _referrals_in_the_year(world: Any, n: int) -> None:
    start, _ = _year()
    lead = world["coordinator"]
    for i in range(n):
        referral = f.make_referral(
            world.authority, lead, received_on=start + datetime.timedelta(days=10 + i)
        )
        if i % 2:
            f.adopt(referral, lead)


def test_referral_statistics_page_queries_do_not_grow_with_the_referrals(
    world: Any, as_user: Any
) -> None:
    client = as_user(world["analyst"])
    start, end = _year()
    _referrals_in_the_year(world, 2)
    url = f"{reverse('reports:report', args=['referral-statistics'])}?from={start}&to={end}"
    assert_flat(client, url, lambda: _referrals_in_the_year(world, 8), ceiling=35)


def _sessions_in_the_year(world: Any, n: int) -> None:
    start, _ = _year()
    officer = world["education_officer"]
    training.ensure_standard_lists(world.authority, acting_user=officer)
    organisation = training.create_organisation(
        world.authority,
        name=f"Test Organisation {n} (fictional)",
        sector="council",
        acting_user=officer,
    )
    from dueregard.training.models import Course, TrainingLevel

    level = TrainingLevel.objects.get(authority=world.authority, code="wrap")
    course = Course.objects.get(authority=world.authority, code="wrap-workshop")
    training.set_requirement(organisation, level, target=None, acting_user=officer)
    training.record_snapshot(
        organisation, level, as_of=start, eligible=100, compliant=60, acting_user=officer
    )
    for i in range(n):
        training.record_session(
            world.authority,
            held_on=start + datetime.timedelta(days=20 + i),
            course=course,
            audiences=[(organisation, 10 + i)],
            venue="Civic Centre (fictional)",
            acting_user=officer,
        )


def test_training_report_page_queries_do_not_grow_with_the_sessions(
    world: Any, as_user: Any
) -> None:
    client = as_user(world["analyst"])
    start, end = _year()
    _sessions_in_the_year(world, 1)
    url = f"{reverse('reports:report', args=['training'])}?from={start}&to={end}"
    assert_flat(client, url, lambda: _sessions_in_the_year(world, 6), ceiling=35)
