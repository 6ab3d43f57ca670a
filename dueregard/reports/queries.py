"""Which reports, and which authorities' reports, a user may see or download.

Reports are aggregates: a user needs Kind.STATISTICS in an authority, and also the
report type's own kind (training figures need TRAINING, and so on), with the same
action: VIEW to build a report on a page, EXPORT to download it. Both come from
accounts.permissions; nothing here adds a rule of its own.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from dueregard.accounts.access import deny, get_visible, scoped
from dueregard.accounts.permissions import Action, Audience, Kind, audiences_for, authorities_for
from dueregard.areas.models import Authority
from dueregard.governance.models import Board

from . import registry
from .models import (
    CommitteeReport,
    CommitteeReportVersion,
    GrantBudgetLine,
    GrantReturn,
    ReportTemplate,
)
from .registry import ReportType
from .scope import Scope

M = TypeVar("M", bound=Model)


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


# --- committee reports and grant returns ---------------------------------------------------
#
# Reading them (the list, a report's page, its versions and their files) needs
# Kind.STATISTICS in the authority: VIEW to see, EXPORT to download. Writing them (the
# narrative, generating a version, a grant return's text, budget lines, sign-off and
# amendment) is the Prevent lead's work: Kind.GOVERNANCE CHANGE, which only the lead has,
# in an authority where they may also VIEW Kind.STATISTICS. Boards and their papers are
# governance records, and a grant return is the council's account to its funder.


def committee_authorities(user: Any, action: Action = Action.VIEW) -> QuerySet[Authority]:
    """Authorities whose committee reports and grant returns `user` may read (VIEW) or
    download (EXPORT), or write (CHANGE)."""
    if action == Action.CHANGE:
        return authorities_for(user, Kind.GOVERNANCE, Action.CHANGE) & authorities_for(
            user, Kind.STATISTICS, Action.VIEW
        )
    return authorities_for(user, Kind.STATISTICS, action)


def _committee_scoped(model: type[M] | QuerySet[M], user: Any, action: Action) -> QuerySet[M]:
    """`model`'s records in the authorities of `committee_authorities(user, action)`."""
    if action == Action.CHANGE:
        readable = scoped(model, user, Action.VIEW, kind=Kind.STATISTICS)
        return scoped(readable, user, Action.CHANGE, kind=Kind.GOVERNANCE)
    return scoped(model, user, action, kind=Kind.STATISTICS)


def committee_reports_visible_to(
    user: Any, action: Action = Action.VIEW
) -> QuerySet[CommitteeReport]:
    return (
        _committee_scoped(CommitteeReport, user, action)
        .filter(archived=False)
        .select_related("board", "authority")
    )


def get_committee_report_for_user(
    request: HttpRequest, pk: Any, *, write: bool = False
) -> CommitteeReport:
    """404 outside the user's authorities; 403 when they may read but not write it."""
    return get_visible(request, committee_reports_visible_to, pk, kind=Kind.STATISTICS, write=write)


def templates_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[ReportTemplate]:
    """Committee report templates of the authorities whose reports `user` may write (a
    template is the Prevent lead's: reading and changing it both need CHANGE)."""
    return _committee_scoped(ReportTemplate, user, Action.CHANGE).filter(archived=False)


def get_template_for_user(request: HttpRequest, pk: Any) -> ReportTemplate:
    """404 outside the authorities whose reports the user may write."""
    return get_visible(request, templates_visible_to, pk, kind=Kind.GOVERNANCE, write=True)


def get_version_for_user(
    request: HttpRequest, report: CommitteeReport, number: Any, action: Action = Action.VIEW
) -> CommitteeReportVersion:
    """A version of a report the user may read: 404 if there is no such version; 403 to
    download when they may not export, or when it was produced for a more exact audience
    than their role allows (a board member cannot have the exact figures)."""
    try:
        version = report.versions.get(number=number)
    except (CommitteeReportVersion.DoesNotExist, ValueError, TypeError):
        deny(request, kind=Kind.STATISTICS, action=action, hidden=True, object_id=number)
        raise AssertionError("unreachable") from None
    if (
        action == Action.EXPORT
        and not committee_authorities(request.user, Action.EXPORT)
        .filter(pk=report.authority_id)
        .exists()
    ):
        deny(request, kind=Kind.STATISTICS, action=action, hidden=False, object_id=version.pk)
    if Audience(version.audience) not in audiences_for(request.user, report.authority):
        deny(request, kind=Kind.STATISTICS, action=action, hidden=False, object_id=version.pk)
    return version


def boards_for_committee_reports(user: Any) -> QuerySet[Board]:
    """Boards a user may write a committee report for: not archived, in an authority
    where they may write committee reports."""
    return (
        _committee_scoped(Board, user, Action.CHANGE)
        .filter(archived=False)
        .select_related("authority")
        .order_by("authority__name", "name")
    )


def grant_returns_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[GrantReturn]:
    return _committee_scoped(GrantReturn, user, action).select_related("authority", "signed_off_by")


def get_grant_return_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> GrantReturn:
    return get_visible(request, grant_returns_visible_to, pk, kind=Kind.STATISTICS, write=write)


def get_budget_line_for_user(
    request: HttpRequest, grant_return: GrantReturn, pk: Any
) -> GrantBudgetLine:
    try:
        return grant_return.budget_lines.get(pk=pk, archived=False)
    except (GrantBudgetLine.DoesNotExist, ValueError, TypeError):
        deny(request, kind=Kind.STATISTICS, action=Action.CHANGE, hidden=True, object_id=pk)
        raise AssertionError("unreachable") from None


# --- statistics scopes ---------------------------------------------------------------------


def statistics_scopes(user: Any, action: Action = Action.VIEW) -> list[Scope]:
    """The scopes `user` may see Home Office-style statistics for: each authority they
    may see, each region whose every authority they may see, and England and Wales when
    they may see every authority."""
    visible = list(authorities_for(user, Kind.STATISTICS, action).order_by("name"))
    scopes = [Scope.for_authority(a) for a in visible]
    if len(visible) <= 1:
        return scopes
    seen = {a.pk for a in visible}
    everyone = list(Authority.objects.order_by("name"))
    by_region: dict[str, list[Authority]] = {}
    for authority in everyone:
        by_region.setdefault(authority.region, []).append(authority)
    regions = [
        Scope.for_region(region, members)
        for region, members in sorted(by_region.items())
        if all(a.pk in seen for a in members)
    ]
    national = [Scope.national(everyone)] if len(seen) == len(everyone) else []
    return national + regions + scopes
