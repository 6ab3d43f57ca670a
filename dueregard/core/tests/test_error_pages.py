"""With DEBUG off, as the demo and production serve, every error is the service's own GOV.UK
page: never Django's technical pages (which list every URL, or show code and settings); and
the demo, started as `make demo` starts it, still serves its styles."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

DEBUG_PAGE_WORDS = ("URLconf", "Traceback", "Request Method", "DEBUG = True")


def assert_service_page(response, status: int, heading: str) -> None:
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page
    for words in DEBUG_PAGE_WORDS:
        assert words not in page


@override_settings(DEBUG=False)
def test_an_unknown_address_gets_the_services_page_not_found(client: Client) -> None:
    assert_service_page(client.get("/no-such-page/"), 404, "Page not found")


@override_settings(DEBUG=False)
def test_a_forbidden_page_gets_the_services_page(world, as_user) -> None:
    response = as_user(world["analyst"]).get("/casework/")
    assert_service_page(response, 403, "You do not have access")


@override_settings(DEBUG=False, ROOT_URLCONF="dueregard.core.tests.urls_with_a_fault")
def test_a_fault_gets_the_services_problem_page() -> None:
    response = Client(raise_request_exception=False).get("/fault-for-the-test/")
    assert_service_page(response, 500, "Sorry, there is a problem with the service")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_the_demo_server_runs_without_debug_and_serves_its_styles(tmp_path: Path) -> None:
    port = _free_port()
    environment = {
        **os.environ,
        "DEBUG": "0",  # as `make demo` runs it
        "DJANGO_SETTINGS_MODULE": "dueregard.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=Path(__file__).resolve().parents[3],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _type, page = _get(base + "/no-such-page/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert time.monotonic() < deadline, "the demo server did not start"
                time.sleep(0.3)
        assert status == 404 and "Page not found" in page
        assert not any(words in page for words in DEBUG_PAGE_WORDS)
        status, content_type, css = _get(base + "/assets/dueregard/dueregard.css")
        assert status == 200 and content_type.startswith("text/css") and "govuk" in css
    finally:
        server.terminate()
        server.wait(10)
