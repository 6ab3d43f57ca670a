"""Which reports, and which authorities' reports, a user may see or download.

Reports are aggregates: a user needs Kind.STATISTICS in an authority, and also the
report type's own kind (training figures need TRAINING, and so on), with the same
action: VIEW to build a report on a page, EXPORT to download it. Both come from
accounts.permissions; nothing here adds a rule of its own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from dueregard.accounts.access import deny
from dueregard.accounts.permissions import Action, Kind, authorities_for
from dueregard.areas.models import Authority

from . import registry
from .registry import ReportType


def authorities_for_report(
    user: Any, report_type: ReportType, action: Action = Action.VIEW
) -> QuerySet[Authority]:
    """The authorities whose `report_type` report `user` may build (VIEW) or download
    (EXPORT), by name."""
    allowed = authorities_for(user, Kind.STATISTICS, action)
    if report_type.kind != Kind.STATISTICS:
        allowed = allowed & authorities_for(user, report_type.kind, action)
    return allowed.order_by("name")


def report_types_visible_to(user: Any) -> list[ReportType]:
    """Registered reports that `user` may build for at least one authority, by title."""
    return [r for r in registry.all_reports() if authorities_for_report(user, r).exists()]


def get_report_type_for_user(
    request: HttpRequest, report_id: str, action: Action = Action.VIEW
) -> ReportType:
    """The report type, or 404 when it does not exist or the user may not see it at all;
    403 when they may see it but not do `action` (download)."""
    try:
        report_type = registry.get(report_id)
    except KeyError:
        deny(request, kind=Kind.STATISTICS, action=action, hidden=True, object_id=report_id[:64])
        raise AssertionError("unreachable") from None
    if not authorities_for_report(request.user, report_type).exists():
        deny(request, kind=report_type.kind, action=Action.VIEW, hidden=True, object_id=report_id)
    if (
        action != Action.VIEW
        and not authorities_for_report(request.user, report_type, action).exists()
    ):
        deny(request, kind=report_type.kind, action=action, hidden=False, object_id=report_id)
    return report_type
