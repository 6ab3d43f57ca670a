"""The notification sweep: what it sends, to whom, once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from dueregard.accounts.models import Membership
from dueregard.notifications.events import Event
from dueregard.notifications.models import Notification, NotificationKind, OptOut, OutboxMessage
from dueregard.notifications.services import send_notifications, set_preferences

from .scenario import ACTION_TEXT, PERSON_NAMES, REFERRER, build, with_emails

pytestmark = pytest.mark.django_db

K = NotificationKind


@pytest.fixture
def records(world: Any) -> Any:
    with_emails(world)
    return build(world)


def sent(kind: str) -> list[tuple[str, str]]:
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("email_address", "reference"))


def test_each_kind_goes_to_the_people_it_is_for(world: Any, records: Any) -> None:
    send_notifications()
    lead = "coordinator@testborough.example"
    member = "panel_member@testborough.example"
    assert sent(K.REVIEW_DUE) == [(lead, records.due.reference)]
    assert sent(K.REVIEW_OVERDUE) == [(lead, records.overdue.reference)]
    assert (lead, records.lapsing.reference) in sent(K.SUPPORT_LAPSING)
    assert sent(K.AGENDA) == [(member, str(records.meeting))]
    assert sent(K.ACTION_DUE) == [(member, f"Action {records.action.pk} from {records.meeting}")]
    message = OutboxMessage.objects.get(kind=K.REVIEW_DUE)
    assert message.link.endswith(f"/casework/referrals/{records.due.pk}/")
    assert records.due.reference in message.body and message.link in message.body


def test_a_second_sweep_sends_nothing_again(world: Any, records: Any) -> None:
    first = send_notifications()
    assert first.sent
    again = send_notifications()
    assert again.sent == []
    assert again.already_sent == len(first.sent)
    assert OutboxMessage.objects.count() == Notification.objects.count() == len(first.sent)


def test_a_changed_due_date_is_a_new_event(world: Any, records: Any) -> None:
    send_notifications()
    review = records.due.reviews.get(kind="6")
    review.due_on -= datetime.timedelta(days=1)
    review.save(update_fields=["due_on"])
    again = send_notifications()
    assert [(m.kind, m.reference) for m in again.sent] == [(K.REVIEW_DUE, records.due.reference)]


def test_a_dry_run_sends_and_records_nothing(world: Any, records: Any) -> None:
    result = send_notifications(dry_run=True)
    assert {m.kind for m in result.sent} == set(NotificationKind)
    assert OutboxMessage.objects.count() == Notification.objects.count() == 0


def test_the_command_sends_once_and_says_so(world: Any, records: Any, capsys: Any) -> None:
    call_command("send_notifications", "--dry-run")
    assert "Would send" in capsys.readouterr().out
    assert OutboxMessage.objects.count() == 0
    call_command("send_notifications")
    count = OutboxMessage.objects.count()
    assert count and f"Sent {count};" in capsys.readouterr().out
    call_command("send_notifications")
    assert "Sent 0;" in capsys.readouterr().out
    assert OutboxMessage.objects.count() == count


def test_no_message_carries_personal_data(world: Any, records: Any) -> None:
    send_notifications()
    given, family = PERSON_NAMES
    for message in OutboxMessage.objects.all():
        text = f"{message.subject} {message.body} {message.reference} {message.link}"
        for personal in (given, family, REFERRER, ACTION_TEXT, "Testcase"):
            assert personal not in text, (message.kind, personal)


def test_a_user_who_turned_a_kind_off_is_not_sent_it(world: Any, records: Any) -> None:
    member = world["panel_member"]
    set_preferences(member, turned_on=[K.ACTION_DUE], acting_user=member)
    result = send_notifications()
    assert sent(K.AGENDA) == [] and sent(K.ACTION_DUE) != []
    assert result.turned_off == 1


def test_mandatory_kinds_cannot_be_turned_off(world: Any, records: Any) -> None:
    lead = world["coordinator"]
    set_preferences(lead, turned_on=[], acting_user=lead)
    assert not OptOut.objects.filter(user=lead, kind=K.REVIEW_OVERDUE).exists()
    send_notifications()
    assert sent(K.REVIEW_OVERDUE) != [] and sent(K.REVIEW_DUE) == []


def test_preferences_are_a_users_own(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        set_preferences(world["panel_member"], turned_on=[], acting_user=world["coordinator"])


def test_only_active_users_who_may_see_the_record_are_sent_it(world: Any, records: Any) -> None:
    member = world["panel_member"]
    Membership.objects.filter(user=member).update(active=False)  # no longer a panel member
    lead = world["coordinator"]
    lead.is_active = False
    lead.save(update_fields=["is_active"])
    result = send_notifications()
    assert OutboxMessage.objects.count() == 0
    # The review and lapsing notices (lead), the agenda and the action (member).
    assert result.not_allowed == 5


def test_a_case_without_an_officer_goes_to_the_authoritys_leads_and_chairs(
    world: Any, records: Any
) -> None:
    type(records.overdue).objects.filter(pk=records.overdue.pk).update(coordinator=None)
    send_notifications()
    assert [to for to, _ in sent(K.REVIEW_OVERDUE)] == [
        "chair@testborough.example",
        "coordinator@testborough.example",
    ]
    other = "other_coordinator@testborough.example"
    assert not OutboxMessage.objects.filter(email_address=other).exists()


def test_users_without_an_email_address_are_skipped(world: Any, records: Any) -> None:
    type(world["coordinator"]).objects.update(email="")
    result = send_notifications()
    assert OutboxMessage.objects.count() == 0 and result.not_allowed > 0


def test_a_sweep_that_loses_the_race_to_another_sends_nothing(world: Any) -> None:
    """Another sweep records the message after this one read the ledger and before it
    sends: the unique constraint stops the second send, and nothing reaches the outbox."""
    with_emails(world)
    lead = world["coordinator"]

    def another_sweep_got_there_first(user: Any) -> bool:
        Notification.objects.create(
            kind=K.AGENDA,
            event_key="agenda:1",
            recipient=user,
            authority=world.authority,
            reference="Panel, 1 March 2026",
            link="http://localhost:8000/casework/meetings/1/",
            backend="outbox",
        )
        return True

    event = Event(
        kind=K.AGENDA,
        key="agenda:1",
        authority=world.authority,
        reference="Panel, 1 March 2026",
        link="http://localhost:8000/casework/meetings/1/",
        recipients=[lead],
        may_see=another_sweep_got_there_first,
    )
    result = send_notifications(events=[event])
    assert result.sent == [] and result.already_sent == 1
    assert OutboxMessage.objects.count() == 0
    assert Notification.objects.count() == 1


def test_the_demo_writes_to_the_outbox_whatever_the_backend(
    world: Any, records: Any, settings: Any
) -> None:
    settings.NOTIFY_BACKEND = "govuk"  # and no key: the Notify backend could not start
    call_command("send_notifications", "--outbox", verbosity=0)
    assert OutboxMessage.objects.count() == Notification.objects.count() > 0
    assert set(Notification.objects.values_list("backend", flat=True)) == {"outbox"}
