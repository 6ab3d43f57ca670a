"""The `channel-support` figures: lapses, planned contacts and the report's tables, with
known inputs, a fixed number of queries, and disclosure control for a board."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command

from dueregard.casework import metrics, services
from dueregard.casework.models import InterventionKind, SessionStatus
from dueregard.casework.tests.factories import into_support, leave, make_referral
from dueregard.reports import registry

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_lapse_runs_from_the_allowance_to_the_next_delivered_contact() -> None:
    start = D(2025, 4, 1)
    # Interval 28 + 14 days' grace = 42 days allowed. A contact after 50 days: 8 days lapsing.
    assert metrics.lapses_of(start, None, 28, [D(2025, 5, 21)], D(2025, 6, 1)) == [
        metrics.Lapse(began_on=D(2025, 5, 14), days=8, ongoing=False)
    ]
    # Contacts within the allowance: no lapse. Exactly 42 days is not yet lapsing.
    assert metrics.lapses_of(start, None, 28, [D(2025, 5, 13)], D(2025, 6, 24)) == []
    # No contact since: ongoing at the end, measured to it.
    assert metrics.lapses_of(start, None, 7, [D(2025, 4, 10)], D(2025, 5, 10)) == [
        metrics.Lapse(began_on=D(2025, 5, 2), days=9, ongoing=True)
    ]
    # Ended by leaving Channel: measured to the exit, not ongoing.
    assert metrics.lapses_of(start, D(2025, 6, 1), 28, [], D(2025, 12, 1)) == [
        metrics.Lapse(began_on=D(2025, 5, 14), days=19, ongoing=False)
    ]


def test_planned_contacts_fall_every_interval_after_support_started() -> None:
    start = D(2025, 4, 1)
    assert metrics.planned_contacts(start, 28, start, start) == 0
    assert metrics.planned_contacts(start, 28, start, D(2025, 4, 29)) == 1  # day 28
    assert metrics.planned_contacts(start, 28, D(2025, 4, 29), D(2025, 4, 29)) == 1
    assert metrics.planned_contacts(start, 28, D(2025, 4, 30), D(2025, 5, 26)) == 0
    assert metrics.planned_contacts(start, 7, D(2025, 4, 1), D(2025, 6, 30)) == 12
    assert metrics.planned_contacts(start, 7, D(2025, 7, 1), D(2025, 6, 30)) == 0


def _session(referral, user, on, status=SessionStatus.DELIVERED):
    services.record_session(referral.support_plan, occurred_on=on, status=status, acting_user=user)


def test_support_delivery_by_quarter_and_kind_with_known_inputs(
    world, django_assert_max_num_queries
) -> None:
    lead = world["coordinator"]
    # Received 2025-01-01: support starts 2025-01-25 (into_support's dates).
    steady = into_support(make_referral(world.authority, lead, received_on=D(2025, 1, 1)), lead)
    lapsed = into_support(make_referral(world.authority, lead, received_on=D(2025, 1, 1)), lead)
    mentoring = InterventionKind.objects.get(code="intervention-provider")
    assert steady.support_started_on == D(2025, 1, 25)
    for day in (D(2025, 4, 10), D(2025, 5, 5), D(2025, 6, 1)):
        _session(steady, lead, day)
    _session(steady, lead, D(2025, 6, 20), SessionStatus.NOT_ATTENDED)
    _session(lapsed, lead, D(2025, 4, 2))
    _session(lapsed, lead, D(2025, 4, 20), SessionStatus.CANCELLED)
    # Nothing delivered after 2 April: lapsing from 15 May (2 April + 42 days + 1).
    leave(lapsed, lead, on=D(2025, 8, 1))

    with django_assert_max_num_queries(6):
        delivery = metrics.support_delivery(
            world.authority, D(2025, 4, 1), D(2025, 9, 30), D(2026, 1, 1)
        )
    q1, q2 = delivery.quarters
    assert (q1.label, q1.cases_in_support, q1.contacts_delivered) == ("Q1 2025/26", 2, 4)
    assert (q1.not_attended, q1.cancelled, q1.cases_lapsed, q1.lapses) == (1, 1, 1, 1)
    # The lapse: 15 May to leaving on 1 August.
    assert q1.lapse_days == [(D(2025, 8, 1) - D(2025, 4, 2)).days - 42]
    assert (q2.cases_in_support, q2.contacts_delivered, q2.cases_lapsed) == (2, 0, 1)
    # Q2: steady's last contact 1 June, lapsing from 14 July, still so at 30 September.
    assert q2.lapse_days == [(D(2025, 9, 30) - D(2025, 6, 1)).days - 42]
    # Planned: every 28 days from 25 January.
    assert q1.contacts_planned == 2 * metrics.planned_contacts(
        D(2025, 1, 25), 28, D(2025, 4, 1), D(2025, 6, 30)
    )
    assert delivery.total.cases_in_support == 2 and delivery.total.lapses == 2
    kinds = {row.label: row for row in delivery.by_intervention}
    assert kinds[mentoring.label].cases_in_support == 2
    assert kinds[mentoring.label].contacts_delivered == 4
    assert kinds[metrics.NO_KIND].cases_in_support == 0


def test_the_channel_support_report_in_json_and_for_a_board(world, tmp_path) -> None:
    lead = world["coordinator"]
    referral = into_support(make_referral(world.authority, lead, received_on=D(2025, 1, 1)), lead)
    _session(referral, lead, D(2025, 4, 10))
    out = tmp_path / "support.json"
    call_command(
        "report",
        "channel-support",
        "--authority",
        world.authority.ons_code,
        "--from",
        "2025-04-01",
        "--to",
        "2026-03-31",
        "--format",
        "json",
        "-o",
        str(out),
    )
    data = json.loads(out.read_text())
    assert data["report"] == "channel-support"
    tables = {t["id"]: t for t in data["tables"]}
    assert list(tables) == ["support_by_quarter", "support_by_intervention"]
    quarter = tables["support_by_quarter"]
    assert [c for c in quarter["columns"]] == [
        "label",
        "cases_in_support",
        "contacts_planned",
        "contacts_delivered",
        "not_attended",
        "cancelled",
        "cases_lapsed",
        "lapses",
        "median_days_lapsing",
        "longest_days_lapsing",
    ]
    assert quarter["rows"][0]["contacts_delivered"] == 1
    assert quarter["rows"][-1]["label"] == "Total"
    # For a board, one case in support is a small number: hidden, with what derives from it.
    board = registry.get("channel-support").produce(
        world.authority, D(2025, 4, 1), D(2026, 3, 31), "board"
    )
    row = board.all_tables()[0].rows[0]
    assert str(row["cases_in_support"]) in ("<5", "*")
