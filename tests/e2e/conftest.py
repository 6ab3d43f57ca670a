"""Browser tests: Debian's chromium driven by Playwright, with axe-core scans."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from conftest import TEST_PASSWORD, TEST_TOTP_KEY, World, build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1100, "height": 900}}


# Data migrations that load reference lists. Transactional tests empty every table when they
# finish, so each browser test loads the lists again (the loaders are idempotent).
REFERENCE_DATA_MIGRATIONS = [
    "dueregard.casework.migrations.0002_reference_lists",
    "dueregard.assurance.migrations.0002_toolkit_benchmarks",
]


def load_reference_data() -> None:
    import importlib

    from django.apps import apps

    for module in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(module).load(apps, None)


@pytest.fixture
def live_world(transactional_db: Any) -> World:
    load_reference_data()
    return build_world()


def current_code(step_offset: int = 0) -> str:
    return f"{totp(bytes.fromhex(TEST_TOTP_KEY), t0=-30 * step_offset):06d}"


def sign_in(page: Page, base_url: str, username: str, *, code: str | None = None) -> None:
    """Sign in through the real pages: password, then the authenticator code."""
    page.goto(base_url + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    page.get_by_label("Security code").fill(code or current_code())
    page.get_by_role("button", name="Sign in").click()
    if code is None and page.get_by_text("The security code is not correct").count():
        # The current code was used in this 30-second window already: use the next one.
        time.sleep(0.1)
        page.get_by_label("Security code").fill(current_code(1))
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Accessibility statement")).to_be_visible()


_axe = Axe.from_file(AXE_JS) if AXE_JS.exists() else Axe()


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it stands; any violation fails with axe's report."""
    page.wait_for_load_state("load")
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()
