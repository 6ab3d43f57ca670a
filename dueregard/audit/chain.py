"""The audit log's chain: every event sealed to the one before it ([ADR 0012]).

Each event takes the next place in one chain for the whole log (`seq` 1, 2, 3 …) and a seal,
`chain_hash` = HMAC-SHA256(key, previous event's seal + the event's canonical form). The
place and the seal are given in the transaction that writes the event, under a lock that
makes concurrent writers queue (PostgreSQL: a transaction-scoped advisory lock; SQLite:
the write lock every transaction takes when it begins, ADR 0010), so two writers never take
the same place. The key lives in the environment, not the database (`keys.py`): whoever can
write to the database but does not hold the key cannot seal a forged, changed or back-dated
event so that `verify()` accepts it, and cannot remove one without leaving a gap.

`verify()` walks the chain in order and returns the first break: an event changed after it
was written, events removed, or an event inserted out of order.

[ADR 0012]: ../../docs/adr/0012-tamper-evident-audit.md
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from .keys import parse_keys

if TYPE_CHECKING:
    from .models import AuditEvent

GENESIS = "0" * 64  # the "previous seal" of the first event
# pg_advisory_xact_lock's key for the chain ("DUAR" in ASCII): one lock for the whole log.
LOCK_KEY = 0x44554152
# The event's fields in the order they are sealed; `seq` first, so a seal belongs to a place.
SEALED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "authority_id",
    "request_id",
    "ip",
    "detail",
)


def keys() -> tuple[str, dict[str, bytes]]:
    """The id of the key that seals new events, and every key that may have sealed one."""
    return parse_keys(settings.AUDIT_CHAIN_KEY, settings.AUDIT_CHAIN_OLD_KEYS)


def normalised_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """`detail` as it reads back from the database (keys as strings, tuples as lists)."""
    return json.loads(json.dumps(detail or {}))


def canonical(values: Sequence[Any]) -> bytes:
    """The bytes an event is sealed over: its `SEALED_FIELDS` values as one JSON array, with
    the time in UTC to the microsecond, the address in its compressed form and the detail's
    keys sorted, so the same event gives the same bytes on SQLite and PostgreSQL."""
    seq, occurred_at, actor_id, username, action, object_type, object_id = values[:7]
    person_id, authority_id, request_id, ip, detail = values[7:]
    return json.dumps(
        [
            seq,
            occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            actor_id,
            username,
            action,
            object_type,
            object_id,
            person_id,
            authority_id,
            request_id,
            str(ipaddress.ip_address(ip)) if ip else None,
            detail,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def seal_of(key: bytes, previous: str, values: Sequence[Any]) -> str:
    return hmac.new(key, previous.encode("ascii") + canonical(values), hashlib.sha256).hexdigest()


def _lock(alias: str) -> None:
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("audit events are sealed inside a transaction (transaction.atomic)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    # SQLite: the transaction already holds the database's write lock (IMMEDIATE, ADR 0010).


def seal(events: Sequence[AuditEvent], alias: str) -> None:
    """Give new events their places, times and seals, in order: call inside the transaction
    that inserts them (the model's `save()` and the queryset's `bulk_create()` do)."""
    from .models import AuditEvent

    _lock(alias)
    last = AuditEvent.objects.using(alias).order_by("-seq").values_list("seq", "chain_hash").first()
    seq, previous = last or (0, GENESIS)
    key_id, all_keys = keys()
    key = all_keys[key_id]
    now = timezone.now()
    for event in events:
        seq += 1
        event.seq = seq
        event.occurred_at = now
        event.key_id = key_id
        event.detail = normalised_detail(event.detail)
        event.chain_hash = previous = seal_of(
            key, previous, [getattr(event, name) for name in SEALED_FIELDS]
        )


# --------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True)
class Break:
    """Where the chain is broken: `kind` is changed, removed, inserted or unknown_key."""

    kind: str
    seq: int
    event_id: int | None
    message: str


@dataclass(frozen=True)
class Verification:
    checked: int
    last_seq: int
    last_seal: str
    seconds: float
    broken: Break | None

    @property
    def per_second(self) -> float:
        return self.checked / self.seconds if self.seconds else float(self.checked)


_READ = ("id", *SEALED_FIELDS, "key_id", "chain_hash")


def _rows(alias: str, chunk: int) -> Iterator[tuple[Any, ...]]:
    from .models import AuditEvent

    return (
        AuditEvent.objects.using(alias)
        .order_by("seq")
        .values_list(*_READ)
        .iterator(chunk_size=chunk)
    )


def _describe(row: Sequence[Any]) -> str:
    event_id, seq, occurred_at, _actor, username, action, object_type, object_id = row[:8]
    what = f"{object_type} {object_id}".strip() or "no record"
    return (
        f"event #{seq} (id {event_id}, {occurred_at:%Y-%m-%d %H:%M:%S} UTC, "
        f"{username or 'no user'}, {action}, {what})"
    )


def verify(
    alias: str = "default",
    *,
    chunk: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> Verification:
    """Walk the whole chain in order and stop at the first break (see `Break`)."""
    _, all_keys = keys()
    started = time.perf_counter()
    previous_seal, previous_seq, previous_id = GENESIS, 0, 0
    checked = 0
    broken: Break | None = None
    rows = _rows(alias, chunk)
    pending: tuple[Any, ...] | None = None  # a row read ahead to tell a change from an insert
    while True:
        row = pending if pending is not None else next(rows, None)
        pending = None
        if row is None:
            break
        event_id, seq, key_id, stored = row[0], row[1], row[-2], row[-1]
        if seq != previous_seq + 1:
            broken = Break(
                "removed",
                previous_seq + 1,
                None,
                f"Events #{previous_seq + 1} to #{seq - 1} were removed: the log goes from "
                f"#{previous_seq} to {_describe(row)}.",
            )
            break
        if event_id <= previous_id:
            broken = Break(
                "inserted",
                seq,
                event_id,
                f"{_describe(row).capitalize()} was inserted out of order: its id is lower "
                f"than the id of the event before it ({previous_id}).",
            )
            break
        key = all_keys.get(key_id)
        if key is None:
            broken = Break(
                "unknown_key",
                seq,
                event_id,
                f"{_describe(row).capitalize()} is sealed with key {key_id!r}, which is in "
                "neither AUDIT_CHAIN_KEY nor AUDIT_CHAIN_OLD_KEYS.",
            )
            break
        if not hmac.compare_digest(seal_of(key, previous_seal, row[1:-2]), stored):
            # Changed in place, the events after it still follow its seal; an event put in
            # (or rewritten with a new seal) breaks the chain for the event after it too.
            pending = next(rows, None)
            follows = pending is None or hmac.compare_digest(
                seal_of(all_keys.get(pending[-2], b""), stored, pending[1:-2]), pending[-1]
            )
            if pending is None:
                broken = Break(
                    "changed",
                    seq,
                    event_id,
                    f"{_describe(row).capitalize()}, the last, does not match its seal: it "
                    "was changed after it was written, or forged and added at the end.",
                )
            elif follows:
                broken = Break(
                    "changed",
                    seq,
                    event_id,
                    f"{_describe(row).capitalize()} was changed after it was written: what it "
                    "holds no longer matches its seal.",
                )
            else:
                broken = Break(
                    "inserted",
                    seq,
                    event_id,
                    f"{_describe(row).capitalize()} was not sealed in its place: it was "
                    "inserted (or rewritten) out of order.",
                )
            break
        previous_seal, previous_seq, previous_id = stored, seq, event_id
        checked += 1
        if progress is not None and checked % 1_000_000 == 0:
            progress(checked)
    return Verification(checked, previous_seq, previous_seal, time.perf_counter() - started, broken)
