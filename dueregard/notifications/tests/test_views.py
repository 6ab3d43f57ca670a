"""The notification pages: each user's own settings, and the administrators' outbox."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import follow_pages, sign_in
from dueregard.notifications.backends import Message, OutboxBackend
from dueregard.notifications.models import NotificationKind, OptOut, OutboxMessage

pytestmark = pytest.mark.django_db

OUTBOX = reverse("notifications:outbox")
SETTINGS = reverse("notifications:preferences")


def _fill_outbox(count: int) -> list[OutboxMessage]:
    backend = OutboxBackend()
    for i in range(count):
        backend.send(
            Message(f"u{i}@testborough.example", NotificationKind.AGENDA, f"Ref {i}", "http://x/")
        )
    return list(OutboxMessage.objects.order_by("-id"))


def test_an_administrator_reads_the_outbox_newest_first_a_page_at_a_time(
    client: Any, world: Any
) -> None:
    messages = _fill_outbox(55)
    sign_in(client, world["administrator"])
    response = client.get(OUTBOX)
    assert response.status_code == 200
    assert "u54@testborough.example" in response.content.decode()
    pages = follow_pages(client, OUTBOX, "next", "outbox")
    assert [len(p) for p in pages] == [50, 5]
    assert [pk for page in pages for pk in page] == [m.pk for m in messages]


@pytest.mark.parametrize(
    "persona", ["coordinator", "chair", "panel_member", "auditor", "other_coordinator"]
)
def test_no_one_else_may_read_the_outbox(client: Any, world: Any, persona: str) -> None:
    _fill_outbox(1)
    sign_in(client, world[persona])
    assert client.get(OUTBOX).status_code == 403


def test_the_outbox_asks_anonymous_visitors_to_sign_in(client: Any) -> None:
    response = client.get(OUTBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_the_home_page_links_to_settings_for_everyone_and_the_outbox_for_administrators(
    client: Any, world: Any
) -> None:
    sign_in(client, world["administrator"])
    page = client.get(reverse("home")).content.decode()
    assert f'href="{SETTINGS}"' in page and f'href="{OUTBOX}"' in page
    sign_in(client, world["coordinator"])
    page = client.get(reverse("home")).content.decode()
    assert f'href="{SETTINGS}"' in page and f'href="{OUTBOX}"' not in page


def test_a_user_turns_optional_kinds_off_and_on(client: Any, world: Any) -> None:
    user = world["panel_member"]
    sign_in(client, user)
    page = client.get(SETTINGS)
    assert page.status_code == 200
    for kind in NotificationKind:
        offered = f'value="{kind.value}"' in page.content.decode()
        assert offered == (kind != NotificationKind.REVIEW_OVERDUE), kind
    assert page.content.decode().count(" checked") == 4  # all on to start with

    response = client.post(SETTINGS, {"turned_on": [NotificationKind.ACTION_DUE]})
    assert response.status_code == 302
    assert set(OptOut.objects.filter(user=user).values_list("kind", flat=True)) == {
        NotificationKind.REVIEW_DUE,
        NotificationKind.SUPPORT_LAPSING,
        NotificationKind.AGENDA,
    }
    page = client.get(SETTINGS).content.decode()
    assert page.count(" checked") == 1 and "Your notification settings have been saved" in page

    optional = [k.value for k in NotificationKind if k != NotificationKind.REVIEW_OVERDUE]
    client.post(SETTINGS, {"turned_on": optional})
    assert not OptOut.objects.filter(user=user).exists()
    # The mandatory kind is not a choice: asking to turn it on (or off) is refused.
    response = client.post(SETTINGS, {"turned_on": [NotificationKind.REVIEW_OVERDUE]})
    assert response.status_code == 400 and not OptOut.objects.filter(user=user).exists()


def test_a_kind_that_does_not_exist_is_refused(client: Any, world: Any) -> None:
    sign_in(client, world["coordinator"])
    response = client.post(SETTINGS, {"turned_on": ["everything"]})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not OptOut.objects.exists()


def test_the_settings_page_says_when_there_is_no_address_to_send_to(
    client: Any, world: Any
) -> None:
    sign_in(client, world["coordinator"])
    assert 'data-testid="no-email"' in client.get(SETTINGS).content.decode()
