"""`manage.py report <report-id> --authority ONS_CODE --from YYYY-MM-DD --to YYYY-MM-DD
--format json|csv|xlsx|html|docx|pdf [--audience exact|board|partner|public] [-o FILE]`

and the committee report:

`manage.py report committee --authority ONS_CODE --board BOARD --from YYYY-MM-DD
--to YYYY-MM-DD --format docx|pdf|html [--audience ...] -o FILE`

Text formats (json, csv, html) go to standard output unless -o is given; binary formats
(xlsx, docx, pdf) need -o. The audience defaults to exact (for `committee`, to board).
Each run is recorded in the audit log as an export.

`committee` needs `--board`: a board of the authority, by name (any case) or id. It uses
the saved narrative of the latest committee report for that board and period, or a
first draft if there is none yet, and keeps what it produces as a new dated version
(docs/committee-report.md), exactly as generating it on the report's page does.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dueregard.accounts.permissions import Audience
from dueregard.areas.models import Authority
from dueregard.governance.models import Board
from dueregard.reports import registry, services
from dueregard.reports.committee import REPORT_ID as COMMITTEE
from dueregard.reports.models import CommitteeReport
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
            "--audience",
            choices=[a.value for a in Audience],
            help="exact by default; board for the committee report",
        )
        parser.add_argument(
            "--board",
            metavar="BOARD",
            help="committee report only: the board, by name or id, in the authority",
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
        audience: str | None,
        board: str | None,
        output: str | None,
        **options: Any,
    ) -> None:
        if report_id != COMMITTEE:
            try:
                report_type = registry.get(report_id)
            except KeyError:
                known = ", ".join([COMMITTEE, *(r.id for r in registry.all_reports())])
                raise CommandError(f"Unknown report '{report_id}'. Reports: {known}") from None
            if board:
                raise CommandError("--board is only for the committee report")
        found = Authority.objects.filter(ons_code=authority.strip().upper()).first()
        if found is None:
            raise CommandError(f"No authority with the ONS code '{authority}'")
        first, last = _date("--from", start), _date("--to", end)
        if last < first:
            raise CommandError(f"--from ({first}) is after --to ({last})")
        if report_id == COMMITTEE:
            self._committee(
                found, board, first, last, format_id, audience or Audience.BOARD.value, output
            )
            return
        audience = audience or Audience.EXACT.value
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

    def _committee(
        self,
        authority: Authority,
        board_name: str | None,
        first: datetime.date,
        last: datetime.date,
        format_id: str,
        audience: str,
        output: str | None,
    ) -> None:
        if not board_name:
            raise CommandError("The committee report needs --board (the board's name or id)")
        board = find_board(authority, board_name)
        if format_id not in services.COMMITTEE_FORMATS:
            raise CommandError(
                f"The committee report is produced as {', '.join(services.COMMITTEE_FORMATS)}, "
                f"not {format_id}"
            )
        if not output and not FORMATS[format_id].text:
            raise CommandError(f"--format {format_id} writes a binary file: give -o FILE")
        try:
            report = (
                CommitteeReport.objects.filter(
                    authority=authority,
                    board=board,
                    period_start=first,
                    period_end=last,
                    archived=False,
                )
                .order_by("-modified_at", "-pk")
                .first()
            )
            if report is None:
                report = services.create_committee_report(
                    authority,
                    board=board,
                    start=first,
                    end=last,
                    audience=audience,
                    acting_user=None,
                )
            elif report.audience != audience:
                services.update_committee_report(report, {"audience": audience}, acting_user=None)
            version = services.generate_committee_version(report, acting_user=None, via="command")
            content = services.download_committee_version(
                version, format_id, acting_user=None, via="command"
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        summary = (
            f"Committee report for {board.name}, {authority.name}, {first} to {last}, "
            f"{audience} audience: version {version.number} ({version.marking})"
        )
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"{summary} written to {output}")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
            self.stderr.write(summary)


def find_board(authority: Authority, name_or_id: str) -> Board:
    """A board of `authority` by id or by name (any case); archived boards too."""
    boards = Board.objects.filter(authority=authority)
    wanted = name_or_id.strip()
    found = boards.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    found = found or boards.filter(name__iexact=wanted).first()
    if found is None:
        names = ", ".join(f"'{b.name}' ({b.pk})" for b in boards.order_by("name")) or "none"
        raise CommandError(f"No board '{wanted}' in {authority.name}. Its boards: {names}")
    return found
