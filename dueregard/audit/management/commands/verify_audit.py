"""Check the audit log's chain: `manage.py verify_audit [--checkpoint FILE]` (ADR 0012).

Exits 0 when every event is in its place with its seal and the database's triggers are in
place; otherwise exits 1 naming the first event that was changed, removed or inserted out
of order (docs/operations.md says what to do next). It only reads, so it can run against a
replica or a restored backup.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from dueregard.audit import chain, triggers
from dueregard.audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Walk the audit log's chain and exit non-zero naming the first event that was "
        "changed, removed or inserted out of order; report how fast it checked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            type=Path,
            help=(
                "a file keeping the last event this command found intact: the next run also "
                "checks that event is still there with the same seal (so events removed from "
                "the end of the log are found too), then moves the checkpoint on"
            ),
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: object, checkpoint: Path | None, database: str, **options: Any) -> None:
        earlier = _read_checkpoint(checkpoint) if checkpoint else None
        result = chain.verify(
            database,
            progress=lambda n: self.stderr.write(f"  {n:,} events checked"),
        )
        self.stdout.write(
            f"Checked {result.checked:,} events in {result.seconds:.1f} s "
            f"({result.per_second:,.0f} a second)."
        )
        problems = []
        if result.broken is not None:
            problems.append(result.broken.message)
        elif earlier is not None:
            problems.extend(_against_checkpoint(database, result, earlier))
        missing = triggers.missing(connections[database])
        if missing:
            problems.append(
                "The database is missing (or has disabled) the trigger"
                + ("s " if len(missing) > 1 else " ")
                + ", ".join(missing)
                + " that keep the audit log append-only."
            )
        if problems:
            raise CommandError("The audit log is NOT intact. " + " ".join(problems))
        if result.checked:
            self.stdout.write(
                f"The chain is intact: events #1 to #{result.last_seq:,}, the last sealed "
                f"{result.last_seal}."
            )
        else:
            self.stdout.write("The audit log is empty.")
        if checkpoint:
            _write_checkpoint(checkpoint, result)
            self.stdout.write(f"Checkpoint moved to event #{result.last_seq:,} in {checkpoint}.")


def _read_checkpoint(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        return {"seq": int(data["seq"]), "seal": str(data["seal"]), "at": str(data["at"])}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CommandError(f"{path}: not a checkpoint this command wrote ({error})") from None


def _against_checkpoint(
    database: str, result: chain.Verification, earlier: dict[str, Any]
) -> list[str]:
    seq, seal, at = earlier["seq"], earlier["seal"], earlier["at"]
    if result.last_seq < seq:
        return [
            (
                f"The log ends at event #{result.last_seq:,}, but on {at} it reached "
                f"#{seq:,}: events #{result.last_seq + 1:,} to #{seq:,} were removed."
            )
        ]
    now = (
        AuditEvent.objects.using(database).filter(seq=seq).values_list("chain_hash", flat=True)
    ).first()
    if seq and now != seal:
        return [
            (
                f"Event #{seq:,} no longer carries the seal it had on {at}: the log up to "
                "it was rewritten."
            )
        ]
    return []


def _write_checkpoint(path: Path, result: chain.Verification) -> None:
    data = {
        "seq": result.last_seq,
        "seal": result.last_seal,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data) + "\n")
    os.replace(partial, path)
