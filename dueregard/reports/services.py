"""Producing a report: build it, protect it for its audience, render it, audit it.

The report pages, their downloads and `manage.py report` all come here, so a report is
produced one way. Every page build writes a VIEW audit event and every download or
command export an EXPORT event (report id, format, audience, period), in the same
transaction as the work: if rendering fails, no export is recorded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dueregard.accounts.permissions import Action, Audience, audiences_for
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record

from . import disclosure, renderers
from .data import Report
from .queries import authorities_for_report
from .registry import ReportType


@dataclass(frozen=True)
class Produced:
    report: Report
    content: bytes = b""
    format_id: str = ""


def _check(
    report_type: ReportType,
    authority: Authority,
    start: datetime.date,
    end: datetime.date,
    audience: Audience,
    acting_user: Any,
    action: Action,
) -> None:
    if end < start:
        raise ValidationError(f"The period ends ({end}) before it starts ({start}).")
    if acting_user is None:  # the command line: whoever runs manage.py holds the server
        return
    if (
        not authorities_for_report(acting_user, report_type, action)
        .filter(pk=authority.pk)
        .exists()
    ):
        raise PermissionDenied(f"You cannot {action} the {report_type.title} of {authority}.")
    if audience not in audiences_for(acting_user, authority):
        raise PermissionDenied(f"You cannot produce reports for the {audience} audience.")


def _detail(
    report_type: ReportType,
    start: datetime.date,
    end: datetime.date,
    audience: Audience,
    format_id: str,
    via: str,
) -> dict[str, str]:
    detail = {
        "report": report_type.id,
        "audience": audience.value,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "via": via,
    }
    if format_id:
        detail["format"] = format_id
    return detail


@transaction.atomic
def view_report(
    report_type: ReportType,
    authority: Authority,
    start: datetime.date,
    end: datetime.date,
    audience: Audience | str,
    *,
    acting_user: Any,
) -> Report:
    """Build the report for a page, protected for `audience`; audited as a VIEW."""
    audience = Audience(audience)
    _check(report_type, authority, start, end, audience, acting_user, Action.VIEW)
    report = disclosure.apply(report_type.build(authority, start, end), audience)
    record(
        AuditAction.VIEW,
        actor=acting_user,
        object_type="reports.report",
        object_id=report_type.id,
        authority=authority,
        detail=_detail(report_type, start, end, audience, "", "page"),
    )
    return report


@transaction.atomic
def export_report(
    report_type: ReportType,
    authority: Authority,
    start: datetime.date,
    end: datetime.date,
    audience: Audience | str,
    format_id: str,
    *,
    acting_user: Any,
    via: str = "download",
) -> Produced:
    """Build, protect and render the report as `format_id`; audited as an EXPORT."""
    audience = Audience(audience)
    if format_id not in report_type.formats:
        raise ValidationError(
            f"The {report_type.title} report is not offered as {format_id}; "
            f"formats: {', '.join(report_type.formats)}."
        )
    _check(report_type, authority, start, end, audience, acting_user, Action.EXPORT)
    report = disclosure.apply(report_type.build(authority, start, end), audience)
    content = renderers.render(report, format_id)
    record(
        AuditAction.EXPORT,
        actor=acting_user,
        object_type="reports.report",
        object_id=report_type.id,
        authority=authority,
        detail=_detail(report_type, start, end, audience, format_id, via),
    )
    return Produced(report, content, format_id)
