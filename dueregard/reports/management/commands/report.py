"""`manage.py report <report-id> --authority ONS_CODE --from YYYY-MM-DD --to YYYY-MM-DD
--format json|csv|xlsx|html|docx|pdf [--audience exact|board|partner|public] [-o FILE]`

Text formats (json, csv, html) go to standard output unless -o is given; binary formats
(xlsx, docx, pdf) need -o. The audience defaults to exact. Each run is recorded in the
audit log as an export.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dueregard.accounts.permissions import Audience
from dueregard.areas.models import Authority
from dueregard.reports import registry
from dueregard.reports.renderers import FORMATS
from dueregard.reports.services import export_report


def _date(option: str, value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not '{value}'") from None


class Command(BaseCommand):
    help = (
        "Produce a report for an authority and period in a format, for an audience "
        "(docs/reports.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report_id", metavar="report-id", help="e.g. population")
        parser.add_argument("--authority", required=True, metavar="ONS_CODE")
        parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--format", dest="format_id", required=True, choices=list(FORMATS))
        parser.add_argument(
            "--audience", default=Audience.EXACT.value, choices=[a.value for a in Audience]
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE")

    def handle(
        self,
        *args: Any,
        report_id: str,
        authority: str,
        start: str,
        end: str,
        format_id: str,
        audience: str,
        output: str | None,
        **options: Any,
    ) -> None:
        try:
            report_type = registry.get(report_id)
        except KeyError:
            known = ", ".join(r.id for r in registry.all_reports())
            raise CommandError(f"Unknown report '{report_id}'. Reports: {known}") from None
        found = Authority.objects.filter(ons_code=authority.strip().upper()).first()
        if found is None:
            raise CommandError(f"No authority with the ONS code '{authority}'")
        first, last = _date("--from", start), _date("--to", end)
        if last < first:
            raise CommandError(f"--from ({first}) is after --to ({last})")
        if format_id not in report_type.formats:
            raise CommandError(
                f"The {report_type.id} report is not offered as {format_id}; "
                f"formats: {', '.join(report_type.formats)}"
            )
        spec = FORMATS[format_id]
        if not spec.text and not output:
            raise CommandError(f"--format {format_id} writes a binary file: give -o FILE")
        try:
            produced = export_report(
                report_type,
                found,
                first,
                last,
                audience,
                format_id,
                acting_user=None,
                via="command",
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if output:
            Path(output).write_bytes(produced.content)
            self.stderr.write(
                f"{report_type.title} for {found.name}, {first} to {last}, "
                f"{audience} audience: written to {output}"
            )
        else:
            self.stdout.write(produced.content.decode("utf-8"), ending="")
