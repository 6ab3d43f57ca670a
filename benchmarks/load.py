#!/usr/bin/env python
"""The load benchmark: Due Regard under gunicorn, many signed-in users at once.

    .venv/bin/python benchmarks/load.py [--users 50] [--seconds 60] [--workers 4]

`make load` runs it on SQLite (a fresh build/load.sqlite3) and `make load-pg` on a throwaway
PostgreSQL server (DATABASE_URL set). It builds the demo borough, adds one fictional user per
simulated person (a Prevent lead who is also the borough's auditor, with an authenticator),
starts gunicorn on 127.0.0.1 with DEBUG off (on PostgreSQL with DJANGO_ENV=production), signs
every user in through the real pages (password, then the current security code), then drives
a closed loop for `--seconds`: each user requests the next page of the mix as soon as the
last one answered, and saves the person or referral edit form (GET, then POST of every field
the form holds) once every 10 seconds. It stops everything it started.

The mix: the work queue, a person, a referral, person search, the referral statistics page,
the audit log, and the person and referral edit forms. Output, one JSON line per page and
one for the run:

    {"page": ..., "count": n, "errors": n, "p50_ms": ..., "p95_ms": ..., "p99_ms": ...}
    {"run": "load", "database": ..., "users": n, "seconds": s, "workers": w,
     "requests": n, "requests_per_s": ..., "cpu_s_per_request": ..., "errors": n,
     "server_errors": n, "database_locked": n, "saves": n, "saved": n, "stale": n,
     "refused": {"<status>: <reason>": n}, "load_average": [...]}

An error is a status of 500 or more, a refused connection or a time-out; "database_locked"
counts the server's "database is locked" failures in its log. "stale" counts saves refused
because another user saved the same record after this one opened the form (the lost-update
guard, ADR 0015: with 30 users on a small borough's few records this is expected), and
"refused" says why each save that was not accepted was refused. A user whose sign-in fails
is counted under the page "sign in"; the server's first traceback, if any, goes to stderr.
Loopback only; every request has a 30 s time-out.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-benchmark-only-" + "x" * 8
SAVE_EVERY_S = 10.0
# The edit-conflict page's heading (core/edit_conflict.html): a save refused as stale.
STALE_MARK = "while you were editing it"
TIMEOUT_S = 30
SIGN_IN_LIMIT_S = 300  # the timed run opens when everyone has signed in, or after this


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--keep-database", action="store_true", help="reuse a built database")
    return parser.parse_args(argv)


# --- the database, prepared in a child process with Django set up ---------------------------


def prepare(users: int) -> dict[str, Any]:
    """Users with authenticators, and the records the mix reads (in the demo borough)."""
    import django

    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dueregard.accounts.models import Membership, Role, User
    from dueregard.areas.models import Authority
    from dueregard.casework.models import Person, Referral

    authority = Authority.objects.get(ons_code="E09999901")  # Kingsmere, the demo borough
    accounts = []
    for n in range(users):
        user, _ = User.objects.get_or_create(
            username=f"load.user.{n}", defaults={"full_name": f"Load User {n} (fictional)"}
        )
        user.set_password(PASSWORD)
        user.save()
        for role in (Role.PREVENT_LEAD, Role.AUDITOR):
            Membership.objects.get_or_create(user=user, role=role, authority=authority)
        key = secrets.token_hex(20)
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="Load", key=key, confirmed=True)
        accounts.append({"username": user.username, "key": key})
    # Current work: referrals not yet closed and their people (closed ones may have been
    # cleared by the retention schedule, and their forms cannot be saved as they stand).
    current = Referral.objects.filter(authority=authority).exclude(stage="closed")
    referrals = list(current.order_by("pk").values_list("pk", flat=True))
    people = list(
        Person.objects.filter(referrals__in=current)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    names = list(
        Person.objects.filter(authority=authority)
        .exclude(family_name="")
        .values_list("family_name", flat=True)[:20]
    )
    return {"accounts": accounts, "referrals": referrals, "people": people, "names": names}


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def build(env: dict[str, str], users: int, fresh: bool) -> dict[str, Any]:
    if fresh and env["DATABASE_URL"].startswith("sqlite:///"):
        path = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    log("building the demo borough ...")
    # seed_demo refuses production settings; the data is built with the same database and
    # audit key but without DJANGO_ENV, and served with it.
    build_env = {k: v for k, v in env.items() if k != "DJANGO_ENV"}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v0")  # production serves the hashed manifest
    manage(build_env, "seed_demo")
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--prepare", str(users)],
        cwd=ROOT,
        env=build_env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    env: dict[str, str], port: int, workers: int, log_path: Path
) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "dueregard.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("ab"),  # gunicorn's and the workers' logs (Django's errors)
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped whole
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return server
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up; see {log_path}")
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not start within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(5)


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU of the server's process group (gunicorn and its workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == root_pid:  # process group id
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


# --- a browser-like client -------------------------------------------------------------------


class FormFields(html.parser.HTMLParser):
    """The fields of the page's main POST form, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.forms.append([])
        if not self._in_form or not self.forms:
            return
        fields = self.forms[-1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._selected, self._first_option = a.get("name"), None, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._selected = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.forms:
            return
        if tag == "select" and self._select:
            value = self._selected if self._selected is not None else self._first_option
            self.forms[-1].append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.forms[-1].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def main_form(page: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(page)
    forms = [f for f in parser.forms if len(f) > 1]  # not the one-field sign-out form
    return max(forms, key=len) if forms else []


class Browser:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        self.cookies: dict[str, str] = {}
        self.last_page = ""
        self.extra_headers: dict[str, str] = {}  # sent with every request
        self.last_headers: http.client.HTTPMessage = http.client.HTTPMessage()

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str]:
        headers = {"Host": "127.0.0.1", **self.extra_headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        self.last_headers = response.headers
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), content

    def post_form(self, path: str, changes: dict[str, str] | None = None) -> int:
        status, _, page = self.request("GET", path)
        if status != 200:
            return status
        fields = main_form(page)
        if changes:
            fields = [(k, changes.get(k, v)) for k, v in fields]
        status, _, self.last_page = self.request("POST", path, fields)
        return status


def current_code(key: str, offset: int = 0) -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key), t0=-30 * offset):06d}"


def sign_in(browser: Browser, account: dict[str, str]) -> None:
    browser.request("GET", "/sign-in/")
    status = browser.post_form("/sign-in/", {"username": account["username"], "password": PASSWORD})
    if status != 302:
        raise SystemExit(f"{account['username']}: the password step answered {status}")
    for offset in (0, 1):
        status = browser.post_form(
            "/sign-in/security-code/", {"code": current_code(account["key"], offset)}
        )
        if status == 302:
            return
    raise SystemExit(f"{account['username']}: the security code step answered {status}")


# --- the closed loop -------------------------------------------------------------------------


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    saves: int = 0
    saved: int = 0  # saves the form accepted (a redirect), not refused as invalid or stale
    stale: int = 0  # saves refused because another user saved the record after this one read it
    refused: dict[str, int] = field(default_factory=dict)  # why the other saves were not saved
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, failed: bool) -> None:
        with self.lock:
            self.times.setdefault(page, []).append(seconds)
            self.errors[page] = self.errors.get(page, 0) + int(failed)


def mix(data: dict[str, Any], rng: random.Random) -> list[tuple[str, str]]:
    person = rng.choice(data["people"])
    referral = rng.choice(data["referrals"])
    name = rng.choice(data["names"]) if data["names"] else "a"
    return [
        ("work queue", "/casework/"),
        ("person", f"/casework/people/{person}/"),
        ("referral", f"/casework/referrals/{referral}/"),
        ("person search", f"/casework/people/?q={urllib.parse.quote(name)}"),
        ("referral statistics", "/reports/referral-statistics/"),
        ("audit log", "/audit/"),
        ("person edit form", f"/casework/people/{person}/change/"),
        ("referral edit form", f"/casework/referrals/{referral}/change/"),
    ]


@dataclass
class Window:
    """The timed run: it opens when every user has signed in (or failed to), however long
    that takes on a busy machine, so no user's sign-in falls inside the timed seconds."""

    users: int
    seconds: float
    signed_in: int = 0
    start: float = 0.0
    end: float = 0.0
    opened: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ready(self) -> None:
        with self.lock:
            self.signed_in += 1

    def open(self) -> None:
        self.start = time.monotonic()
        self.end = self.start + self.seconds
        self.opened.set()


def user_loop(
    n: int,
    port: int,
    account: dict[str, str],
    data: dict[str, Any],
    window: Window,
    tally: Tally,
) -> None:
    rng = random.Random(n)
    browser = Browser(port)
    try:
        sign_in(browser, account)
    except (SystemExit, OSError, http.client.HTTPException) as failure:  # counted, not silent
        log(f"sign-in failed: {failure}")
        tally.add("sign in", 0.0, True)
        return
    finally:
        window.ready()
    window.opened.wait()
    start, end = window.start, window.end
    next_save = start + rng.uniform(0, SAVE_EVERY_S)
    while time.monotonic() < end:
        for page, path in mix(data, rng):
            if time.monotonic() >= end:
                return
            began = time.monotonic()
            try:
                status, _, _ = browser.request("GET", path)
                failed = status >= 500
            except (OSError, http.client.HTTPException):
                failed = True
            tally.add(page, time.monotonic() - began, failed)
            if time.monotonic() >= next_save:
                next_save = time.monotonic() + SAVE_EVERY_S
                which = rng.choice(["person", "referral"])
                edit = next(p for label, p in mix(data, rng) if label == f"{which} edit form")
                began = time.monotonic()
                status = 0
                try:
                    status = browser.post_form(edit)
                    failed = status >= 500
                except (OSError, http.client.HTTPException):
                    failed = True
                tally.add(f"save {which}", time.monotonic() - began, failed)
                with tally.lock:
                    tally.saves += 1
                    tally.saved += int(status == 302)
                    tally.stale += int(STALE_MARK in browser.last_page)
                    if status != 302:
                        reason = refusal(status, browser.last_page)
                        tally.refused[reason] = tally.refused.get(reason, 0) + 1


def refusal(status: int, page: str) -> str:
    """Why a save was not accepted: its status and the page's first error message."""
    if STALE_MARK in page:
        return f"{status}: stale"
    found = re.search(r'class="govuk-error-message"[^>]*>(.*?)</p>', page, re.DOTALL)
    message = re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""
    return f"{status}: {message[:80]}" if message else str(status)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--prepare"]:
        print(json.dumps(prepare(int(argv[1]))))
        return 0
    args = parse(argv)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dueregard.settings", "DEBUG": "false"}
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'build' / 'load.sqlite3'}")
    postgres = env["DATABASE_URL"].startswith("postgres")
    if postgres:  # production settings, as a council runs it (behind a proxy that does TLS)
        env.update(
            DJANGO_ENV="production",
            SECRET_KEY=secrets.token_urlsafe(40),
            AUDIT_CHAIN_KEY=f"load:{secrets.token_urlsafe(40)}",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
        )
    else:
        env.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    (ROOT / "build").mkdir(exist_ok=True)
    data = build(env, args.users, fresh=not args.keep_database)
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        log_path = Path(folder) / "gunicorn.log"
        server = start_server(env, port, args.workers, log_path)
        try:
            tally = Tally()
            log(f"signing in {args.users} users ...")
            window = Window(args.users, args.seconds)
            threads = [
                threading.Thread(
                    target=user_loop,
                    args=(n, port, account, data, window, tally),
                    daemon=True,
                )
                for n, account in enumerate(data["accounts"])
            ]
            for thread in threads:
                thread.start()
            signing_in_until = time.monotonic() + SIGN_IN_LIMIT_S
            while window.signed_in < args.users and time.monotonic() < signing_in_until:
                time.sleep(0.05)
            window.open()
            end = window.end
            cpu_before = cpu_seconds(server.pid)
            log(f"running for {args.seconds:.0f} s ...")
            for thread in threads:
                thread.join(max(0.0, end - time.monotonic()) + TIMEOUT_S)
            elapsed = time.monotonic() - window.start
            cpu = cpu_seconds(server.pid) - cpu_before
        finally:
            stop_server(server)
        server_log = log_path.read_text(errors="replace") if log_path.exists() else ""
    if "Traceback" in server_log:  # the first server error, so a failed run says why
        first = server_log[server_log.index("Traceback") :]
        log("the server's first error:\n" + "\n".join(first.splitlines()[:80]))
    requests = 0
    for page, times in tally.times.items():
        requests += len(times)
        print(
            json.dumps(
                {
                    "page": page,
                    "count": len(times),
                    "errors": tally.errors[page],
                    "p50_ms": round(statistics.median(times) * 1000, 1),
                    "p95_ms": round(percentile(times, 0.95) * 1000, 1),
                    "p99_ms": round(percentile(times, 0.99) * 1000, 1),
                }
            )
        )
    print(
        json.dumps(
            {
                "run": "load",
                "database": "postgresql" if postgres else "sqlite",
                "users": args.users,
                "seconds": round(elapsed, 1),
                "workers": args.workers,
                "cpus": os.cpu_count(),
                "requests": requests,
                "requests_per_s": round(requests / elapsed, 1),
                "cpu_s_per_request": round(cpu / requests, 4) if requests else None,
                "errors": sum(tally.errors.values()),
                "server_errors": server_log.count("Internal Server Error"),
                "database_locked": server_log.count("database is locked"),
                "saves": tally.saves,
                "saved": tally.saved,
                "stale": tally.stale,
                "refused": tally.refused,
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
