# ruff: noqa: S608
# The audit-event SQL uses the table and column names from the model; every value is a parameter.
"""What the benchmarks need in the database: the national dataset, signed-in users for the
pages, staff users who act in the audit log, and (when asked) millions of audit events.

Nothing here runs in the test suite; `benchmarks/run.py` calls it.
"""

from __future__ import annotations

import datetime
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueregard.accounts import services as accounts
from dueregard.accounts.models import Membership, Role, User
from dueregard.areas.models import Authority
from dueregard.audit import chain
from dueregard.audit.models import AuditEvent
from dueregard.casework.models import Referral
from dueregard.core.periods import financial_year, financial_year_start
from dueregard.demo import national

STAFF_ROLES = [Role.PANEL_CHAIR, Role.ANALYST, Role.EDUCATION_OFFICER, Role.AUDITOR]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_dataset(*, factor: float, years: int) -> dict[str, Any]:
    """Build the national dataset if the database has none; return how it was built."""
    marker = AuditEvent.objects.filter(object_type=national.MARKER).first()
    if marker is None:
        log(f"Building the national dataset (factor {factor:g}, {years} years)...")
        summary = national.build(years=years, factor=factor, out=log)
        log(f"Built in {summary.seconds:.0f} s.")
        marker = AuditEvent.objects.get(object_type=national.MARKER)
    return {"factor": marker.detail["factor"], "years": marker.detail["years"]}


@dataclass(frozen=True)
class Scene:
    """The authority and periods measured, and the users who view the pages."""

    authority: Authority
    year: tuple[datetime.date, datetime.date]  # the last complete financial year
    five_years: tuple[datetime.date, datetime.date]
    today: datetime.date
    coordinator: User
    auditor: User
    audited_username: str  # a member of staff of the authority, for the audit log filter


def busiest_authority(start: datetime.date, end: datetime.date) -> Authority:
    """The authority with the most referrals in the year: the heaviest authority-year."""
    top = (
        Referral.objects.filter(received_on__range=(start, end))
        .values("authority")
        .annotate(n=Count("pk"))
        .order_by("-n", "authority")
        .first()
    )
    if top is None:
        raise SystemExit("The database has no referrals in the last complete financial year.")
    return Authority.objects.get(pk=top["authority"])


def _user(username: str, role: Role, authority: Authority) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.create_user(
            username=username,
            full_name=f"Benchmark {role.label.lower()}",
            acting_user=None,
        )
    if not Membership.objects.filter(user=user, role=role, authority=authority).exists():
        accounts.grant_membership(user, role, authority=authority, acting_user=None)
    TOTPDevice.objects.get_or_create(
        user=user, name="Benchmark", defaults={"key": "31" * 20, "confirmed": True}
    )
    return user


def scene() -> Scene:
    today = timezone.localdate()
    fy = financial_year_start(today) - 1
    year = financial_year(fy)
    authority = busiest_authority(year.start, year.end)
    with transaction.atomic():
        coordinator = _user("bench-coordinator", Role.PREVENT_LEAD, authority)
        auditor = _user("bench-auditor", Role.AUDITOR, authority)
        ensure_staff()
    code = authority.ons_code.lower()
    return Scene(
        authority=authority,
        year=(year.start, year.end),
        five_years=(financial_year(fy - 4).start, year.end),
        today=today,
        coordinator=coordinator,
        auditor=auditor,
        audited_username=f"{national.USERNAME_PREFIX}{code}-staff2",
    )


def ensure_staff() -> None:
    """Four more staff per authority beside the Prevent lead: the people audit events are
    spread over (usernames national-<code>-staff1..4, without passwords)."""
    if User.objects.filter(username__endswith="-staff1").exists():
        return
    writer = national.RowWriter()
    users = writer.table(User, ["username", "password", "full_name", "is_active", "date_joined"])
    memberships = writer.table(Membership, ["user_id", "role", "authority_id", "region"])
    leads = Membership.objects.filter(
        role=Role.PREVENT_LEAD, user__username__startswith=national.USERNAME_PREFIX
    ).select_related("authority")
    for lead in leads:
        code = lead.authority.ons_code.lower()
        for n, role in enumerate(STAFF_ROLES, start=1):
            user = users.add(
                f"{national.USERNAME_PREFIX}{code}-staff{n}",
                "!synthetic-national-user",
                f"{role.label} (synthetic)",
                True,
                writer.now,
            )
            memberships.add(user, role.value, lead.authority_id, "")
    writer.finish()


def signed_in(user: User) -> Client:
    """A test client signed in as `user` through both factors (as conftest.sign_in)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.filter(user=user).first().persistent_id
    session.save()
    return client


def ensure_audit_events(wanted: int) -> int:
    """Insert synthetic audit events until the log holds `wanted`, spread over two years and
    over every authority's staff (one in fifty a sign-in with no authority), each sealed
    into the chain as the service seals it (audit.chain), so `verify_audit` checks a log of
    that size. They carry back-dated times, which only a writer holding the key can seal:
    the service itself always seals the time it writes. Returns how many events the log
    holds."""
    have = AuditEvent.objects.count()
    if have >= wanted:
        return have
    actors = list(
        User.objects.filter(username__startswith=national.USERNAME_PREFIX)
        .filter(memberships__authority__isnull=False)
        .values_list("pk", "username", "memberships__authority_id")
        .order_by("pk")
    )
    if not actors:
        raise SystemExit("No national staff users: build the national dataset first.")
    missing = wanted - have
    log(f"Inserting {missing:,} audit events ({have:,} there)...")
    started = time.monotonic()
    insert_sealed_events(missing, actors)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    log(f"Audit events inserted in {time.monotonic() - started:.0f} s.")
    return AuditEvent.objects.count()


def insert_sealed_events(count: int, actors: list[tuple[Any, str, Any]]) -> None:
    """Append `count` synthetic events spread over the two years to now, acted by `actors`
    (user id, username, authority id) in turn, one in fifty a sign-in with no authority,
    each sealed into the chain (audit.chain). Back-dated times can be sealed only by a
    writer that holds the key; the service always seals the time it writes."""
    span = 2 * 365 * 24 * 3600
    step = span / max(count, 1)
    first = timezone.now() - datetime.timedelta(seconds=span)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    names = [*chain.SEALED_FIELDS, "key_id", "chain_hash"]
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
    key_id, keys = chain.keys()
    key = keys[key_id]
    with transaction.atomic(), connection.cursor() as cursor:
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "chain_hash").first()
        seq, previous = last or (0, chain.GENESIS)
        batch: list[list[Any]] = []
        for g in range(1, count + 1):
            user_id, username, authority_id = actors[g % len(actors)]
            sign_in = g % 50 == 0
            seq += 1
            occurred_at = first + datetime.timedelta(seconds=g * step)
            values: list[Any] = [
                seq,
                occurred_at,
                user_id,
                username,
                "sign_in" if sign_in else "view",
                "" if sign_in else "casework.referral",
                "" if sign_in else str(g),
                None,
                None if sign_in else authority_id,
                "",
                None,
                {},
            ]
            previous = chain.seal_of(key, previous, values)
            values[1] = connection.ops.adapt_datetimefield_value(occurred_at)
            values[-1] = "{}"
            batch.append([*values, key_id, previous])
            if len(batch) == 20_000 or g == count:
                cursor.executemany(sql, batch)
                batch = []
            if g % 1_000_000 == 0:
                log(f"  {g:,} of {count:,}")
