from django.core.management.base import BaseCommand, CommandError, CommandParser

from dueregard.areas.services import LOADERS
from dueregard.core.importing import ImportRejected


class Command(BaseCommand):
    help = (
        "Load authorities, wards or population counts from a CSV file (idempotent). "
        "Formats: docs/data-formats.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(LOADERS))
        parser.add_argument("file")

    def handle(self, *args: object, kind: str, file: str, **options: object) -> None:
        try:
            result = LOADERS[kind](file)
        except ImportRejected as rejected:
            raise CommandError(str(rejected)) from None
        self.stdout.write(f"{kind}: {result.created} created, {result.updated} updated")
