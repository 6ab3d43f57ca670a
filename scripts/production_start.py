#!/usr/bin/env python
"""Start Due Regard as a council would run it in production, use it, and stop it.

    DATABASE_URL=postgres://... .venv/bin/python scripts/production_start.py

`make production-start` runs it against a throwaway PostgreSQL server, and `.ci/run` runs
that. It follows docs/deployment.md step by step on an empty database, with
DJANGO_ENV=production and nothing from the development settings:

1. as the role that owns the tables: `migrate`, `createcachetable`, `collectstatic` (the
   hashed manifest production serves), `grant_runtime_role` for a separate runtime role,
   `load_areas authorities` from the published list, the first administrator
   (`create_administrator --noinput`) and their enrolment link (`enrolment_link`);
2. serves under gunicorn as the runtime role, behind what a TLS-terminating proxy sends
   (`X-Forwarded-Proto: https`), with `DEBUG` off;
3. as the administrator: opens the enrolment link, signs in with the password, sets up the
   authenticator from the key the page shows and enters its code; opens the home page, the
   stylesheet it links and the admin; checks the security headers and that plain HTTP is
   redirected to HTTPS;
4. stops the server and runs `verify_audit`, which finds the sign-in sealed in the chain.

It prints one JSON line of what it saw and exits 0, or names the step that failed (with the
server's first traceback) and exits 1. Loopback only.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import Browser, free_port, start_server, stop_server

RUNTIME_ROLE = "dueregard_smoke_app"
ADMIN = "first.administrator"
AUTHORITIES = ROOT / "dueregard" / "areas" / "data" / "england_wales_authorities.csv"
COUNCIL = "E09000001"  # any council in the published list: the City of London
# Headers a Due Regard page must carry in production (docs/deployment.md).
REQUIRED_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
)


class Failed(Exception):
    """A step did not do what docs/deployment.md says it does."""


def check(condition: bool, step: str) -> None:
    if not condition:
        raise Failed(step)


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=False,  # a failure is reported with its output
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise Failed(f"manage.py {' '.join(args)}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def runtime_role_url(owner_url: str, password: str) -> str:
    """Create the runtime role (as the owner, who may here create roles) and return the
    service's DATABASE_URL, which connects as it."""
    import psycopg

    with psycopg.connect(owner_url, autocommit=True) as connection:
        connection.execute(f"DROP ROLE IF EXISTS {RUNTIME_ROLE}")
        connection.execute(
            f"CREATE ROLE {RUNTIME_ROLE} LOGIN PASSWORD %s".replace("%s", _literal(password))
        )
    parts = urllib.parse.urlsplit(owner_url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{RUNTIME_ROLE}:{password}@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _literal(text: str) -> str:
    """A SQL string literal of a generated password (token_urlsafe: letters, digits, - and _)."""
    check(re.fullmatch(r"[A-Za-z0-9_-]+", text) is not None, "a generated password")
    return f"'{text}'"


class ProxiedBrowser(Browser):
    """A browser behind the council's reverse proxy: every request arrives as HTTPS."""

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str]:
        self.extra_headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1{path}",
        }
        return super().request(method, path, form)


def current_code(secret: str) -> str:
    """The authenticator's code now, from the grouped base32 key the set-up page shows."""
    from django_otp.oath import totp

    key = secret.replace(" ", "")
    return f"{totp(base64.b32decode(key + '=' * (-len(key) % 8))):06d}"


def use_the_service(port: int, link: str, password: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    plain = Browser(port)
    status, location, _ = plain.request("GET", "/")
    check(status == 301 and location.startswith("https://"), "plain HTTP redirects to HTTPS")
    seen["http_redirect"] = status

    browser = ProxiedBrowser(port)
    status, location, _ = browser.request("GET", urllib.parse.urlsplit(link).path)
    check(status == 302, f"the enrolment link opens (answered {status})")
    browser.request("GET", "/sign-in/")
    status = browser.post_form("/sign-in/", {"username": ADMIN, "password": password})
    check(status == 302, f"the password is accepted (answered {status})")
    status, _, page = browser.request("GET", "/sign-in/set-up/")
    found = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page)
    check(status == 200 and found is not None, "the set-up page shows the authenticator key")
    assert found is not None
    status = browser.post_form("/sign-in/set-up/", {"code": current_code(found.group(1))})
    check(status == 200 and "backup code" in browser.last_page.lower(), "the code sets up")

    status, _, home = browser.request("GET", "/")
    check(status == 200 and "Sign out" in home, f"the home page, signed in (answered {status})")
    headers = browser.last_headers
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    check(not missing, f"the home page's security headers (missing {missing})")
    stylesheet = re.search(r'<link[^>]+href="(/assets/[^"]+\.css)"', home)
    check(stylesheet is not None, "the home page links its stylesheet")
    assert stylesheet is not None
    css = stylesheet.group(1)
    check(re.search(r"\.[0-9a-f]{12}\.css$", css) is not None, f"the stylesheet is hashed ({css})")
    status, _, body = browser.request("GET", css)
    check(status == 200 and ".govuk-" in body, f"the stylesheet is served (answered {status})")
    check(
        "immutable" in browser.last_headers.get("Cache-Control", ""),
        "the hashed stylesheet is cached for good",
    )
    status, _, _ = browser.request("GET", "/admin/")
    check(status == 200, f"the administrator opens the admin (answered {status})")
    seen.update(home=200, stylesheet=css, admin=status, headers=list(REQUIRED_HEADERS))
    return seen


def main() -> int:
    owner_url = os.environ.get("DATABASE_URL", "")
    if not owner_url.startswith("postgres"):
        print("DATABASE_URL must name an empty PostgreSQL database", file=sys.stderr)
        return 2
    password = secrets.token_urlsafe(24)
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dueregard.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_CHAIN_KEY": f"smoke:{secrets.token_urlsafe(40)}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    base.pop("DEBUG", None)
    port = free_port()
    step = "starting"
    with tempfile.TemporaryDirectory() as folder:
        log_path = Path(folder) / "gunicorn.log"
        owner = {**base, "DATABASE_URL": owner_url}
        service = {**base, "DATABASE_URL": runtime_role_url(owner_url, password)}
        server = None
        try:
            step = "installing as the owner"
            manage(owner, "migrate", "--noinput", "-v0")
            manage(owner, "createcachetable")
            manage(owner, "collectstatic", "--noinput", "-v0")
            manage(owner, "grant_runtime_role", RUNTIME_ROLE)
            manage(owner, "load_areas", "authorities", str(AUTHORITIES))
            manage(
                {**owner, "DJANGO_SUPERUSER_PASSWORD": password},
                "create_administrator",
                ADMIN,
                "--authority",
                COUNCIL,
                "--full-name",
                "First Administrator (fictional)",
                "--noinput",
            )
            out = manage(owner, "enrolment_link", ADMIN, "--address", f"https://127.0.0.1:{port}")
            link = out.strip().splitlines()[-1]
            step = "serving as the runtime role"
            server = start_server(service, port, 2, log_path)
            seen = use_the_service(port, link, password)
            stop_server(server)
            server = None
            step = "verifying the audit chain"
            verified = manage(service, "verify_audit").strip().splitlines()[-1]
        except Failed as failure:
            print(f"production start failed while {step}: {failure}", file=sys.stderr)
            server_log = log_path.read_text(errors="replace") if log_path.exists() else ""
            if "Traceback" in server_log:
                first = server_log[server_log.index("Traceback") :]
                print("\n".join(first.splitlines()[:60]), file=sys.stderr)
            return 1
        finally:
            if server is not None:
                stop_server(server)
    print(json.dumps({"run": "production-start", "port": port, **seen, "verify_audit": verified}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
