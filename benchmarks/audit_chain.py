#!/usr/bin/env python
"""How fast `manage.py verify_audit` checks the audit log's chain (issue 13: 10 million
events in minutes, not hours).

    .venv/bin/python benchmarks/audit_chain.py [--events 1000000]

`make bench-audit` runs it on a fresh SQLite file (build/audit-chain.sqlite3, unless
DATABASE_URL is set; `make bench-audit-pg` on a throwaway PostgreSQL server). It migrates
the audit app only, tops the log up to `--events` sealed events, runs `verify_audit` in a
new process as an operator would and prints one JSON line:

    {"name": "verify_audit", "database": ..., "events": ..., "seconds": ...,
     "events_per_second": ..., "projected_10m_minutes": ..., "load_average": ...}

Progress goes to standard error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueregard.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'build' / 'audit-chain.sqlite3'}")
os.environ.setdefault("DEBUG", "false")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    (ROOT / "build").mkdir(exist_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "audit", "-v0"], check=True)  # noqa: S603

    import django

    django.setup()
    from django.db import connection

    from benchmarks.setup_data import insert_sealed_events, log
    from dueregard.audit.models import AuditEvent

    have = AuditEvent.objects.count()
    if have < args.events:
        log(f"Inserting {args.events - have:,} sealed audit events ({have:,} there)...")
        started = time.monotonic()
        insert_sealed_events(args.events - have, [(None, "bench-operator", None)])
        log(f"  in {time.monotonic() - started:.0f} s")
    events = AuditEvent.objects.count()
    connection.close()
    log("Running manage.py verify_audit...")
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603
        [*manage, "verify_audit"], capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    reported = re.search(r"Checked ([\d,]+) events in ([\d.]+) s", result.stdout)
    assert reported, result.stdout
    walk = float(reported.group(2))
    print(
        json.dumps(
            {
                "name": "verify_audit",
                "database": connection.vendor,
                "events": events,
                "seconds": round(seconds, 1),
                "walk_seconds": walk,
                "events_per_second": round(events / seconds),
                "projected_10m_minutes": round(10_000_000 / (events / seconds) / 60, 1),
                "load_average": round(os.getloadavg()[0], 2),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
