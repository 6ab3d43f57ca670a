"""The two backends behind `send(message)`. GOV.UK Notify's is driven through the real
`notifications-python-client` against a real HTTP server on 127.0.0.1 that answers as
Notify's API does (POST /v2/notifications/email, a JWT signed with the key's secret)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from notifications_python_client.errors import HTTPError

from dueregard.notifications.backends import (
    Message,
    NotifyBackend,
    OutboxBackend,
    configuration_problems,
    get_backend,
)
from dueregard.notifications.models import Notification, NotificationKind, OutboxMessage
from dueregard.notifications.services import send_notifications

from .scenario import PERSON_NAMES, build, with_emails

SERVICE_ID = str(uuid.UUID(int=1))
SECRET = str(uuid.UUID(int=2))
API_KEY = f"dueregard_test-{SERVICE_ID}-{SECRET}"
TEMPLATE = str(uuid.UUID(int=3))
MESSAGE = Message(
    "lead@testborough.example", NotificationKind.REVIEW_DUE, "TB-2026-0001", "https://x/r/1/"
)


@dataclass
class FakeNotify:
    """What the local Notify API received, and whether it should refuse the next call."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    refuse: bool = False


def _handler(state: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                claims = jwt.decode(token, SECRET, algorithms=["HS256"])
            except jwt.PyJWTError:
                self._answer(403, {"errors": [{"error": "AuthError"}], "status_code": 403})
                return
            if self.path != "/v2/notifications/email" or claims.get("iss") != SERVICE_ID:
                self._answer(404, {"errors": [{"error": "NotFound"}], "status_code": 404})
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if state.refuse:
                error = {"error": "BadRequestError", "message": "Can't send to this recipient"}
                self._answer(400, {"errors": [error], "status_code": 400})
                return
            state.received.append(body)
            notification_id = str(uuid.uuid4())
            self._answer(
                201,
                {
                    "id": notification_id,
                    "reference": body.get("reference"),
                    "content": {"subject": "s", "body": "b", "from_email": "x@notify"},
                    "uri": f"{state.url}/v2/notifications/{notification_id}",
                    "template": {"id": body["template_id"], "version": 1, "uri": "t"},
                },
            )

    return Handler


@pytest.fixture
def notify() -> Iterator[FakeNotify]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = FakeNotify(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def govuk(settings: Any, notify: FakeNotify) -> FakeNotify:
    settings.NOTIFY_BACKEND = "govuk"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_API_URL = notify.url
    settings.NOTIFY_TEMPLATE_DEFAULT = TEMPLATE
    return notify


def test_notify_backend_sends_the_reference_and_link_to_the_template(notify: Any) -> None:
    backend = NotifyBackend(API_KEY, base_url=notify.url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NOTIFY_TEMPLATE_REVIEW_DUE", TEMPLATE)
        provider_id = backend.send(MESSAGE)
    assert uuid.UUID(provider_id)
    [body] = notify.received
    assert body["email_address"] == "lead@testborough.example"
    assert body["template_id"] == TEMPLATE
    assert body["reference"] == "TB-2026-0001"
    assert body["personalisation"]["reference"] == "TB-2026-0001"
    assert body["personalisation"]["link"] == "https://x/r/1/"


def test_a_refusal_by_notify_is_an_error(notify: Any, settings: Any) -> None:
    settings.NOTIFY_TEMPLATE_DEFAULT = TEMPLATE
    notify.refuse = True
    with pytest.raises(HTTPError):
        NotifyBackend(API_KEY, base_url=notify.url).send(MESSAGE)


def test_a_wrong_key_is_refused_by_notify(notify: Any, settings: Any) -> None:
    settings.NOTIFY_TEMPLATE_DEFAULT = TEMPLATE
    wrong = f"dueregard_test-{SERVICE_ID}-{uuid.UUID(int=9)}"
    with pytest.raises(HTTPError):
        NotifyBackend(wrong, base_url=notify.url).send(MESSAGE)
    assert notify.received == []


@pytest.mark.django_db
def test_the_sweep_through_notify_sends_once_with_no_personal_data(
    world: Any, govuk: FakeNotify
) -> None:
    with_emails(world)
    build(world)
    assert isinstance(get_backend(), NotifyBackend)
    first = send_notifications()
    assert len(govuk.received) == len(first.sent) > 0
    assert OutboxMessage.objects.count() == 0  # Notify, not the outbox
    assert set(Notification.objects.values_list("backend", flat=True)) == {"govuk"}
    assert all(uuid.UUID(n.provider_id) for n in Notification.objects.all())
    send_notifications()
    assert len(govuk.received) == len(first.sent)
    sent_text = json.dumps(govuk.received)
    assert not any(name in sent_text for name in PERSON_NAMES)


@pytest.mark.django_db
def test_a_message_notify_refuses_is_tried_again_next_time(world: Any, govuk: FakeNotify) -> None:
    with_emails(world)
    build(world)
    govuk.refuse = True
    with pytest.raises(HTTPError):
        send_notifications()
    assert Notification.objects.count() == 0
    govuk.refuse = False
    result = send_notifications()
    assert len(govuk.received) == len(result.sent) == Notification.objects.count() > 0


def test_the_outbox_is_the_default(settings: Any) -> None:
    assert configuration_problems() == []
    assert isinstance(get_backend(), OutboxBackend)


def test_notify_without_a_key_or_templates_refuses_to_start(settings: Any) -> None:
    settings.NOTIFY_BACKEND = "govuk"
    settings.NOTIFY_API_KEY = ""
    problems = configuration_problems()
    assert "NOTIFY_BACKEND=govuk needs NOTIFY_API_KEY" in problems
    assert any("NOTIFY_TEMPLATE_DEFAULT" in p for p in problems)
    with pytest.raises(ImproperlyConfigured):
        get_backend()
    with pytest.raises(SystemCheckError, match=r"notifications\.E001"):
        call_command("check")


def test_an_unknown_backend_is_refused(settings: Any) -> None:
    settings.NOTIFY_BACKEND = "carrier-pigeon"
    assert configuration_problems() == [
        "NOTIFY_BACKEND must be 'outbox' or 'govuk', not 'carrier-pigeon'"
    ]
