"""Build the fictional demo borough (Kingsmere) through the services the UI uses."""

from __future__ import annotations

import importlib
import pkgutil

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dueregard.demo import steps
from dueregard.demo.context import DemoContext


def demo_steps() -> list:
    """Every module in dueregard/demo/steps/, in the order of its ORDER constant."""
    modules = [
        importlib.import_module(f"{steps.__name__}.{info.name}")
        for info in pkgutil.iter_modules(steps.__path__)
    ]
    return sorted(modules, key=lambda m: m.ORDER)


class Command(BaseCommand):
    help = "Build the deterministic, fictional demo borough. Idempotent; --reset starts again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Empty the database first.")
        parser.add_argument("--scale", choices=["borough", "national"], default="borough")
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--factor", type=int, default=1)

    def handle(self, *args: object, reset: bool, scale: str, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        if scale == "national":
            raise CommandError("--scale national is not built yet (see the national-scale issue).")
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        ctx = DemoContext(out=self.stdout)
        with transaction.atomic():
            for step in demo_steps():
                step.run(ctx)
        self.stdout.write(self.style.SUCCESS("Demo borough ready."))
