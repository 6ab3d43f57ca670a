"""Build the fictional demo borough (Kingsmere) through the services the UI uses, or with
`--scale national` the synthetic England-and-Wales dataset (dueregard/demo/national.py).

    manage.py seed_demo [--reset]
    manage.py seed_demo --scale national [--years 10] [--factor N] [--reset]

`--factor` scales the national volumes (a decimal is fine: 0.01 for a quick check; 10
gives about 1,000,000 referrals over 10 years). The national dataset is built once:
the command refuses to build it again on the same database unless `--reset` empties it
first. Neither runs with DJANGO_ENV=production.
"""

from __future__ import annotations

import importlib
import pkgutil

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from dueregard.demo import national, steps
from dueregard.demo.context import DemoContext

# Data migrations that load the reference lists every install needs. `flush` empties their
# tables, so `--reset` loads them again (each is safe to re-run: entries match by code).
REFERENCE_DATA_MIGRATIONS = [
    ("casework", "0002_reference_lists"),
    ("assurance", "0002_toolkit_benchmarks"),
]


def demo_steps() -> list:
    """Every module in dueregard/demo/steps/, in the order of its ORDER constant."""
    modules = [
        importlib.import_module(f"{steps.__name__}.{info.name}")
        for info in pkgutil.iter_modules(steps.__path__)
    ]
    return sorted(modules, key=lambda m: m.ORDER)


def reset_database() -> None:
    """Empty every table, then load the reference lists again."""
    if connection.vendor == "postgresql":
        # Inside a transaction (a test), run the deferred foreign-key checks now:
        # PostgreSQL refuses to TRUNCATE a table with checks still pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    with transaction.atomic():
        for app_label, name in REFERENCE_DATA_MIGRATIONS:
            if app_label not in apps.app_configs:
                continue
            try:
                module = importlib.import_module(f"dueregard.{app_label}.migrations.{name}")
            except ModuleNotFoundError:
                continue
            module.load(apps, None)


def _factor(value: str) -> float:
    try:
        factor = float(value)
    except ValueError:
        raise CommandError(
            f"--factor must be a number such as 1, 10 or 0.5, not '{value}'"
        ) from None
    return factor


class Command(BaseCommand):
    help = (
        "Build the deterministic, fictional demo borough (idempotent), or with --scale "
        "national the synthetic England-and-Wales dataset. --reset starts again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Empty the database first.")
        parser.add_argument("--scale", choices=["borough", "national"], default="borough")
        parser.add_argument(
            "--years", type=int, default=10, help="National: financial years to cover (1-30)."
        )
        parser.add_argument(
            "--factor",
            type=str,
            default="1",
            help="National: volume multiplier (10,000 referrals a year at 1; decimals allowed).",
        )

    def handle(
        self,
        *args: object,
        reset: bool,
        scale: str,
        years: int,
        factor: str,
        **options: object,
    ) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        if scale == "national":
            self._national(reset=reset, years=years, factor=_factor(factor))
            return
        if reset:
            reset_database()
        ctx = DemoContext(out=self.stdout)
        with transaction.atomic():
            for step in demo_steps():
                step.run(ctx)
            call_command("send_notifications", "--outbox", verbosity=0)  # the demo's outbox
        self.stdout.write(self.style.SUCCESS("Demo borough ready."))

    def _national(self, *, reset: bool, years: int, factor: float) -> None:
        if not 1 <= years <= 30:
            raise CommandError("--years must be between 1 and 30")
        if not 0 < factor <= 100:
            raise CommandError("--factor must be more than 0 and at most 100")
        if national.has_national_data() and not reset:
            raise CommandError(
                "This database already holds the national dataset. Use --reset to empty the "
                "database and build it again."
            )
        if reset:
            reset_database()
        try:
            summary = national.build(years=years, factor=factor, out=self.stdout.write)
        except national.NationalDataExists as error:
            raise CommandError(str(error)) from None
        for line in national.summary_lines(summary):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("National dataset ready."))
