#!/usr/bin/env python
"""Benchmarks for every report and the busiest pages, against the national dataset.

    .venv/bin/python benchmarks/run.py [--factor 1] [--years 10] [--runs 7]
                                       [--audit-events 1000000] [--case NAME ...]
                                       [--explain FILE]

`make bench` runs it on SQLite (build/bench.sqlite3, unless DATABASE_URL is set) and
`make bench-pg` on a throwaway PostgreSQL server. If the database holds no national
dataset it builds one first (`--factor`, `--years`; the build is kept for the next run).

Each case prints one JSON line on standard output:

    {"name": ..., "database": "sqlite"|"postgresql", "rows": <rows in the case's main
     table>, "rows_table": ..., "runs": 7, "median_ms": ..., "p95_ms": ...,
     "floor_ms": ..., "ratio": <median / floor>, "queries": <queries in one run>,
     "target": ..., "met": true|false, "load_average": ..., ...details}

or `{"name": ..., "skipped": "<why>"}` when the code it measures is not there. The floor
is the best single hand-written SQL statement computing the same figures on the same
database (benchmarks/floors.py). Progress goes to standard error. `--explain FILE` writes
the query plans (PostgreSQL: EXPLAIN ANALYZE) of each case's slowest queries to FILE.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueregard.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'build' / 'bench.sqlite3'}")
os.environ.setdefault("DEBUG", "false")  # no query log in memory, as in production
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, default=1.0, help="national dataset factor")
    parser.add_argument("--years", type=int, default=10, help="financial years of data")
    parser.add_argument("--runs", type=int, default=7, help="timed runs after a warm-up")
    parser.add_argument(
        "--audit-events",
        type=int,
        default=1_000_000,
        help="audit events to have in the log for its case (inserted if fewer)",
    )
    parser.add_argument("--case", action="append", default=[], help="run only these cases")
    parser.add_argument("--explain", metavar="FILE", help="write query plans to FILE")
    return parser.parse_args(argv)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def timed(work: Callable[[], Any], runs: int) -> list[float]:
    work()  # warm-up: caches, prepared plans, page cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


class Captured:
    """A database execute wrapper that keeps every statement, its parameters and time
    (the test client's request signals empty Django's own query log mid-request)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, Any, float]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not many:
                self.queries.append((sql, params, time.perf_counter() - started))


def explain(case_name: str, captured: list[tuple[str, Any, float]], out: Any) -> None:
    from django.db import connection

    slowest = sorted(captured, key=lambda q: q[2], reverse=True)[:3]
    for sql, params, seconds in slowest:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        prefix = (
            "EXPLAIN (ANALYZE, BUFFERS) "
            if connection.vendor == "postgresql"
            else "EXPLAIN QUERY PLAN "
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql, params)
                plan = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
        except Exception as error:  # noqa: BLE001 - a plan we cannot get is reported, not fatal
            plan = f"(no plan: {error})"
        out.write(f"## {case_name}: {seconds * 1000:.1f} ms\n{sql}\n{params!r}\n\n{plan}\n\n")


def main(argv: list[str]) -> int:
    args = parse(argv)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import cases, setup_data

    call_command("migrate", verbosity=0, interactive=False)
    built = setup_data.ensure_dataset(factor=args.factor, years=args.years)
    scene = setup_data.scene()
    events = None
    wanted = set(args.case) or set(cases.BUILDERS)
    if "audit_log_page_by_user" in wanted:
        events = setup_data.ensure_audit_events(args.audit_events)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    explain_out = open(args.explain, "w", encoding="utf-8") if args.explain else None  # noqa: SIM115
    for name, builder in cases.BUILDERS.items():
        if name not in wanted:
            continue
        setup_data.log(f"{name}...")
        try:
            case = builder(scene, events) if name == "audit_log_page_by_user" else builder(scene)
        except cases.Skipped as why:
            print(json.dumps({"name": name, "database": connection.vendor, "skipped": str(why)}))
            continue
        load = os.getloadavg()[0]
        captured = Captured()
        with connection.execute_wrapper(captured):
            case.run()
        if explain_out is not None:
            explain(name, captured.queries, explain_out)
        times = timed(case.run, args.runs)
        floor_times = timed(case.floor, args.runs)
        median, floor = statistics.median(times), statistics.median(floor_times)
        result = {
            "name": name,
            "database": connection.vendor,
            "rows": case.rows_model._default_manager.count(),
            "rows_table": case.rows_model._meta.db_table,
            "runs": args.runs,
            "median_ms": round(median * 1000, 1),
            "p95_ms": round(percentile(times, 0.95) * 1000, 1),
            "floor_ms": round(floor * 1000, 1),
            "ratio": round(median / floor, 2) if floor else None,
            "queries": len(captured.queries),
            "target": case.target,
            "met": case.met(median, floor),
            "load_average": round(load, 2),
            "dataset_factor": built["factor"],
            "dataset_years": built["years"],
        }
        for part, work in case.parts.items():
            result[part] = round(statistics.median(timed(work, args.runs)) * 1000, 1)
        if name == "import_10000_referral_rows":
            result["rows_per_second"] = round(cases.IMPORT_ROWS / median)
        result |= {k: _plain(v) for k, v in case.detail.items()}
        print(json.dumps(result), flush=True)
    if explain_out is not None:
        explain_out.close()
    return 0


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
