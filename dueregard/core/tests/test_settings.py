"""Settings come from the environment and fail closed in production."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7$Kq!2vR9#mW4@pL8^nZ1&bT6*yH3(cF5)jD0_sG-eA+uQ=iO[o]P{a}S|d;f:g",
    "ALLOWED_HOSTS": "dueregard.example.gov.uk",
    "DATABASE_URL": "postgres://dueregard@127.0.0.1:5432/dueregard",
    "DEBUG": "false",
    "AUDIT_CHAIN_KEY": "k2026:Wq3v9LmT2xR7bN4cY8pZ1sK6dF0hJ5gA",
}


def run_django(env_changes: Mapping[str, str | None], *args: str) -> subprocess.CompletedProcess:
    skip = {*GOOD, "AUDIT_CHAIN_OLD_KEYS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env["DJANGO_SETTINGS_MODULE"] = "dueregard.settings"
    for key, value in env_changes.items():
        if value is not None:
            env[key] = value
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
        ({"DATABASE_URL": None}, "DATABASE_URL is not a PostgreSQL URL"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "DATABASE_URL is not a PostgreSQL URL"),
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"AUDIT_CHAIN_KEY": None}, "AUDIT_CHAIN_KEY is not set"),
    ],
)
def test_production_refuses_to_start_when_misconfigured(change, message) -> None:
    result = run_django({**GOOD, **change}, "check")
    assert result.returncode != 0
    assert "Refusing to start with DJANGO_ENV=production" in result.stderr
    assert message in result.stderr


def test_production_passes_the_deployment_checklist_without_warnings() -> None:
    result = run_django(GOOD, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "change, message",
    [
        ({"AUDIT_CHAIN_KEY": "no-colon-here-at-all-but-long-enough-1234"}, "write each key as"),
        ({"AUDIT_CHAIN_KEY": "k1:short"}, "needs at least 32"),
        ({"AUDIT_CHAIN_OLD_KEYS": "bad id!:" + "s" * 40}, "AUDIT_CHAIN_OLD_KEYS: write each"),
    ],
)
def test_a_malformed_audit_chain_key_stops_the_service(change, message) -> None:
    result = run_django({**GOOD, **change}, "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_an_unknown_environment_name_is_refused() -> None:
    result = run_django({"DJANGO_ENV": "prod"}, "check")
    assert result.returncode != 0 and "DJANGO_ENV must be" in result.stderr


def test_demo_seeding_refuses_to_run_in_production() -> None:
    result = run_django(GOOD, "seed_demo")
    assert result.returncode != 0
    assert "refuses to run with DJANGO_ENV=production" in result.stderr


def test_database_url_selects_the_database(settings) -> None:
    from django.db import connection

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected


def test_a_trusted_proxy_that_is_not_an_address_stops_the_service() -> None:
    result = run_django({"TRUSTED_PROXIES": "10.0.0.5,10.0.0.0/33"}, "check")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: '10.0.0.0/33' is not an IP address or network" in result.stderr


def test_production_counts_rate_limits_in_the_shared_database_cache() -> None:
    show = "from django.conf import settings; print(settings.CACHES['default'])"
    result = run_django(GOOD, "shell", "-c", show)
    assert result.returncode == 0, result.stderr
    assert "django.core.cache.backends.db.DatabaseCache" in result.stdout
    assert "dueregard_cache" in result.stdout


@pytest.mark.parametrize("rate", ["sixty/minute", "60/fortnight", "60"])
def test_a_malformed_api_rate_stops_the_service(rate) -> None:
    result = run_django({"API_TOKEN_RATE": rate}, "check")
    assert result.returncode != 0
    assert (
        f"API_TOKEN_RATE must be a number of requests per second, minute, hour or day, such as 60/minute, not {rate!r}"
        in result.stderr
    )
