"""Producing a report: build it, protect it for its audience, render it, audit it.

The report pages, their downloads and `manage.py report` all come here, so a report is
produced one way. Every page build writes a VIEW audit event and every download or
command export an EXPORT event (report id, format, audience, period), in the same
transaction as the work: if rendering fails, no export is recorded.

Committee reports and grant returns are written here too: one function per business
event (create, save the narrative, generate a version, download it; create a return,
save its text and budget lines, sign it off, amend it), each checking the rule, writing,
and recording its audit event in the same transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dueregard.accounts.models import User
from dueregard.accounts.permissions import (
    Action,
    Audience,
    Kind,
    audiences_for,
    can,
)
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core.periods import Period, financial_quarter_of
from dueregard.governance.models import Board

from . import codec, committee, disclosure, grant_returns, renderers
from .data import Report
from .models import (
    CommitteeReport,
    CommitteeReportVersion,
    GrantBudgetLine,
    GrantReturn,
    GrantReturnStatus,
)
from .queries import authorities_for_report
from .registry import ReportType
from .scope import AUTHORITY, Scope


@dataclass(frozen=True)
class Produced:
    report: Report
    content: bytes = b""
    format_id: str = ""


def scope_audiences(user: Any, scope: Scope) -> list[Audience]:
    """The audiences `user` may have for every authority of `scope`, most exact first."""
    allowed = list(Audience)
    for authority in scope.authorities:
        own = audiences_for(user, authority)
        allowed = [a for a in allowed if a in own]
    return allowed


def _check(
    report_type: ReportType,
    scope: Scope,
    start: datetime.date,
    end: datetime.date,
    audience: Audience,
    acting_user: User | None,
    action: Action,
) -> None:
    if end < start:
        raise ValidationError(f"The period ends ({end}) before it starts ({start}).")
    if acting_user is None:  # the command line: whoever runs manage.py holds the server
        return
    allowed = authorities_for_report(acting_user, report_type, action)
    if allowed.filter(pk__in=[a.pk for a in scope.authorities]).count() != len(scope.authorities):
        raise PermissionDenied(f"You cannot {action} the {report_type.title} of {scope.name}.")
    if audience not in scope_audiences(acting_user, scope):
        raise PermissionDenied(f"You cannot produce reports for the {audience} audience.")


def _record(
    action: AuditAction,
    report_type: ReportType,
    where: Authority | Scope,
    start: datetime.date,
    end: datetime.date,
    audience: Audience,
    *,
    acting_user: User | None,
    format_id: str = "",
    via: str,
) -> None:
    """The VIEW or EXPORT event of a report, against the authority of a one-authority
    scope. A caller that chose a scope (the statistics page) has it named in the detail."""
    scope = Scope.of(where)
    detail = {"report": report_type.id}
    if isinstance(where, Scope):
        detail["scope"] = scope.value
    detail.update({"audience": audience.value, "from": start.isoformat(), "to": end.isoformat()})
    detail["via"] = via
    if format_id:
        detail["format"] = format_id
    record(
        action,
        actor=acting_user,
        object_type="reports.report",
        object_id=report_type.id,
        authority=scope.authorities[0] if scope.kind == AUTHORITY else None,
        detail=detail,
    )


@transaction.atomic
def view_report(
    report_type: ReportType,
    where: Authority | Scope,
    start: datetime.date,
    end: datetime.date,
    audience: Audience | str,
    *,
    acting_user: User | None,
) -> Report:
    """Build the report for a page, for an authority or a wider scope, protected for
    `audience`; audited as a VIEW."""
    audience = Audience(audience)
    scope = Scope.of(where)
    _check(report_type, scope, start, end, audience, acting_user, Action.VIEW)
    report = report_type.produce(scope, start, end, audience)
    _record(
        AuditAction.VIEW,
        report_type,
        where,
        start,
        end,
        audience,
        acting_user=acting_user,
        via="page",
    )
    return report


@transaction.atomic
def export_report(
    report_type: ReportType,
    where: Authority | Scope,
    start: datetime.date,
    end: datetime.date,
    audience: Audience | str,
    format_id: str,
    *,
    acting_user: User | None,
    via: str = "download",
) -> Produced:
    """Build, protect and render the report as `format_id`; audited as an EXPORT."""
    audience = Audience(audience)
    if format_id not in report_type.formats:
        raise ValidationError(
            f"The {report_type.title} report is not offered as {format_id}; "
            f"formats: {', '.join(report_type.formats)}."
        )
    scope = Scope.of(where)
    _check(report_type, scope, start, end, audience, acting_user, Action.EXPORT)
    report = report_type.produce(scope, start, end, audience)
    content = renderers.render(report, format_id)
    _record(
        AuditAction.EXPORT,
        report_type,
        where,
        start,
        end,
        audience,
        acting_user=acting_user,
        format_id=format_id,
        via=via,
    )
    return Produced(report, content, format_id)


# --- committee reports ----------------------------------------------------------------------

NARRATIVE_FIELDS = [
    "title",
    "meeting_date",
    "report_of",
    "wards",
    "status",
    "urgent",
    "key_decision",
    "enclosures",
    "officer_contact",
    "summary",
    "recommendations",
    "context",
    "reasons",
    "alternatives",
    "implementation",
    "implications",
    "equalities",
    "background_papers",
]
COMMITTEE_FORMATS = ("docx", "pdf", "html")


def _may_write(acting_user: User | None, authority: Authority) -> None:
    if acting_user is None:  # the command line: whoever runs manage.py holds the server
        return
    if not can(acting_user, Kind.GOVERNANCE, Action.CHANGE, authority) or not can(
        acting_user, Kind.STATISTICS, Action.VIEW, authority
    ):
        raise PermissionDenied(f"You cannot write reports for {authority}.")


def _user(acting_user: User | None) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def default_narrative(
    authority: Authority, board: Board, start: datetime.date, end: datetime.date, officer: str
) -> dict[str, Any]:
    """A first draft the Prevent lead edits: the seeds' headings with neutral wording."""
    period = f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
    return {
        "title": "Prevent duty performance report",
        "report_of": f"Chair of the {board.name}",
        "officer_contact": officer,
        "summary": (
            f"An update on how {authority.name} and its partners delivered the Prevent duty "
            f"from {period}: referrals and Channel casework, training, community engagement, "
            "funded projects, risk and the threat level, and governance, highlighting "
            "challenges, successes and any areas of concern."
        ),
        "recommendations": (
            f"That the {board.name} notes the delivery of the Prevent duty set out in this "
            "report.\n"
            f"That the {board.name} continues to oversee and scrutinise Prevent delivery "
            "through its regular updates."
        ),
        "context": (
            "The Prevent duty in section 26 of the Counter-Terrorism and Security Act 2015 "
            "requires specified authorities to have due regard to the need to prevent people "
            "from being drawn into terrorism; section 36 requires the council to have a Channel "
            "panel. Effective multi-agency partnership and transparent governance are how the "
            "council shows it meets the duty."
        ),
        "reasons": (
            "It is essential that there is strategic oversight of Prevent performance and that "
            "the duty is championed with partners and communities as a safeguarding process."
        ),
        "alternatives": "None: oversight by the board is part of the council's governance of the duty.",
        "implementation": (
            "The Prevent lead will take forward any actions the board agrees and report on them "
            "at the board's next scheduled update."
        ),
        "implications": (
            "The Prevent duty is a statutory duty. There are no financial implications arising "
            "from the recommendations of this report."
        ),
        "equalities": (
            "The Prevent duty applies equally to everyone regardless of age, disability, gender "
            "reassignment, marriage or civil partnership, pregnancy and maternity, race, "
            "religion or belief, sex or sexual orientation."
        ),
        "background_papers": (
            "Counter-Terrorism and Security Act 2015, sections 26 and 36.\n"
            "Prevent duty guidance for England and Wales (2023).\n"
            "Channel duty guidance: protecting people susceptible to radicalisation (2023).\n"
            "Prevent duty toolkit for local authorities and partner agencies."
        ),
    }


@transaction.atomic
def create_committee_report(
    authority: Authority,
    *,
    board: Board,
    start: datetime.date,
    end: datetime.date,
    audience: Audience | str = Audience.BOARD,
    acting_user: User | None,
) -> CommitteeReport:
    """A new committee report for `board` and the period, with a first draft to edit."""
    audience = Audience(audience)
    _may_write(acting_user, authority)
    if board.authority_id != authority.pk or board.archived:
        raise ValidationError({"board": "Choose one of the authority's current boards"})
    if end < start:
        raise ValidationError({"date_to": "The to date must be the same as or after the from date"})
    if acting_user is not None and audience not in audiences_for(acting_user, authority):
        raise PermissionDenied(f"You cannot produce reports for the {audience} audience.")
    user = _user(acting_user)
    officer = f"{user.full_name}, Prevent lead" if user and getattr(user, "full_name", "") else ""
    report = CommitteeReport.objects.create(
        authority=authority,
        board=board,
        period_start=start,
        period_end=end,
        audience=audience.value,
        created_by=user,
        modified_by=user,
        **default_narrative(authority, board, start, end, officer),
    )
    record(AuditAction.CREATE, actor=acting_user, obj=report, detail={"board": str(board.pk)})
    return report


@transaction.atomic
def update_committee_report(
    report: CommitteeReport, data: dict[str, Any], *, acting_user: User | None
) -> CommitteeReport:
    """Save the cover details, narrative and audience. Versions already generated keep
    what they were generated with."""
    _may_write(acting_user, report.authority)
    if "audience" in data:
        audience = Audience(data["audience"])
        if acting_user is not None and audience not in audiences_for(acting_user, report.authority):
            raise PermissionDenied(f"You cannot produce reports for the {audience} audience.")
        data = {**data, "audience": audience.value}
    if not str(data.get("title", report.title)).strip():
        raise ValidationError({"title": "Enter the report's title"})
    changed = []
    for name, value in data.items():
        if name not in [*NARRATIVE_FIELDS, "audience"]:
            raise ValueError(f"{name} is not a committee report field")
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed.append(name)
    if changed:
        report.modified_by = _user(acting_user)
        report.save()
        record(AuditAction.CHANGE, actor=acting_user, obj=report, detail={"fields": changed})
    return report


def _committee_report(report: CommitteeReport, audience: Audience) -> Report:
    return committee.produce(
        report.authority,
        report.period_start,
        report.period_end,
        committee.Narrative.of(report),
        audience.value,
    )


def _check_audience(acting_user: User | None, authority: Authority, audience: Audience) -> None:
    if acting_user is not None and audience not in audiences_for(acting_user, authority):
        raise PermissionDenied(f"You cannot produce reports for the {audience} audience.")


@transaction.atomic
def preview_committee_report(
    report: CommitteeReport, audience: Audience | str, *, acting_user: User | None
) -> Report:
    """The report as it would be generated now, for a page; audited as a VIEW."""
    audience = Audience(audience)
    _check_audience(acting_user, report.authority, audience)
    built = _committee_report(report, audience)
    record(
        AuditAction.VIEW,
        actor=acting_user,
        obj=report,
        detail={"audience": audience.value, "via": "preview"},
    )
    return built


@transaction.atomic
def generate_committee_version(
    report: CommitteeReport, *, acting_user: User | None, via: str = "page"
) -> CommitteeReportVersion:
    """Build the report for its audience now and keep it, with its DOCX, PDF and HTML
    files, as the next numbered version. Earlier versions are never changed."""
    _may_write(acting_user, report.authority)
    audience = Audience(report.audience)
    _check_audience(acting_user, report.authority, audience)
    built = _committee_report(report, audience)
    files = {format_id: renderers.render(built, format_id) for format_id in COMMITTEE_FORMATS}
    locked = CommitteeReport.objects.select_for_update().get(pk=report.pk)
    number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = CommitteeReportVersion.objects.create(
        authority=report.authority,
        report=report,
        number=number,
        generated_by=_user(acting_user),
        audience=audience.value,
        marking=built.marking,
        content=codec.to_data(built),
        sha256={f: hashlib.sha256(content).hexdigest() for f, content in files.items()},
        **files,
    )
    record(
        AuditAction.CREATE,
        actor=acting_user,
        obj=version,
        detail={
            "report": str(report.pk),
            "number": str(number),
            "audience": audience.value,
            "marking": built.marking,
            "via": via,
        },
    )
    return version


def version_report(version: CommitteeReportVersion) -> Report:
    """The report structure exactly as the version was generated."""
    return codec.from_data(version.content)


@transaction.atomic
def view_committee_version(version: CommitteeReportVersion, *, acting_user: User | None) -> Report:
    """A generated version for a page; audited as a VIEW."""
    _check_audience(acting_user, version.authority, Audience(version.audience))
    record(
        AuditAction.VIEW,
        actor=acting_user,
        obj=version,
        detail={"report": str(version.report_id), "number": str(version.number)},
    )
    return version_report(version)


@transaction.atomic
def download_committee_version(
    version: CommitteeReportVersion,
    format_id: str,
    *,
    acting_user: User | None,
    via: str = "download",
) -> bytes:
    """The file as it was generated; audited as an EXPORT."""
    if format_id not in COMMITTEE_FORMATS:
        raise ValidationError(
            f"Committee reports are kept as {', '.join(COMMITTEE_FORMATS)}, not {format_id}."
        )
    if acting_user is not None:
        if not can(acting_user, Kind.STATISTICS, Action.EXPORT, version.authority):
            raise PermissionDenied("You cannot download reports of this authority.")
        _check_audience(acting_user, version.authority, Audience(version.audience))
    record(
        AuditAction.EXPORT,
        actor=acting_user,
        obj=version,
        detail={
            "report": str(version.report_id),
            "number": str(version.number),
            "format": format_id,
            "audience": version.audience,
            "via": via,
        },
    )
    return version.file(format_id)


# --- quarterly grant returns ----------------------------------------------------------------


class ReturnLocked(PermissionDenied):
    """A signed-off grant return cannot be changed; amend it instead."""


def check_draft(grant_return: GrantReturn) -> None:
    """Raise ReturnLocked unless `grant_return` is the current draft for its quarter."""
    if grant_return.is_signed_off:
        raise ReturnLocked(
            f"This return was signed off on {grant_return.signed_off_at:%-d %B %Y} and "
            "cannot be changed. To correct it, make an amended return with the reason."
        )
    if not grant_return.is_current:
        raise ReturnLocked("This return has been superseded by an amended return.")


@transaction.atomic
def create_grant_return(
    authority: Authority, *, quarter: Period, acting_user: User | None
) -> GrantReturn:
    _may_write(acting_user, authority)
    if financial_quarter_of(quarter.start) != quarter:
        raise ValidationError({"quarter": "Choose a financial quarter"})
    if GrantReturn.objects.filter(
        authority=authority, quarter_start=quarter.start, is_current=True
    ).exists():
        raise ValidationError(
            {"quarter": f"There is already a return for {quarter.label}: open it from the list"}
        )
    user = _user(acting_user)
    grant_return = GrantReturn.objects.create(
        authority=authority,
        quarter_start=quarter.start,
        quarter_end=quarter.end,
        created_by=user,
        modified_by=user,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=grant_return)
    return grant_return


GRANT_TEXT_FIELDS = ["achievements", "issues", "outputs_narrative"]


@transaction.atomic
def update_grant_return(
    grant_return: GrantReturn, data: dict[str, Any], *, acting_user: User | None
) -> GrantReturn:
    """Save the return's own words (achievements, issues, outputs). Drafts only."""
    _may_write(acting_user, grant_return.authority)
    grant_return = GrantReturn.objects.select_for_update().get(pk=grant_return.pk)
    check_draft(grant_return)
    changed = []
    for name, value in data.items():
        if name not in GRANT_TEXT_FIELDS:
            raise ValueError(f"{name} is not a grant return text field")
        if getattr(grant_return, name) != value:
            setattr(grant_return, name, value)
            changed.append(name)
    if changed:
        grant_return.modified_by = _user(acting_user)
        grant_return.save()
        record(AuditAction.CHANGE, actor=acting_user, obj=grant_return, detail={"fields": changed})
    return grant_return


def _check_line(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(data.get("heading", "")).strip():
        errors["heading"] = "Enter the budget heading"
    for name in ("budget", "spent_in_quarter", "spent_to_date"):
        value = data.get(name)
        if value is None:
            errors[name] = "Enter an amount in pounds"
        elif value < 0:
            errors[name] = "Enter an amount of £0 or more"
    spent, to_date = data.get("spent_in_quarter"), data.get("spent_to_date")
    if (
        spent is not None
        and to_date is not None
        and to_date < spent
        and "spent_to_date" not in errors
    ):
        errors["spent_to_date"] = (
            "Spend in the year to date must include the spend in the quarter "
            f"(£{spent:,.2f} or more)"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_budget_line(
    grant_return: GrantReturn, data: dict[str, Any], *, acting_user: User | None
) -> GrantBudgetLine:
    _may_write(acting_user, grant_return.authority)
    check_draft(GrantReturn.objects.select_for_update().get(pk=grant_return.pk))
    _check_line(data)
    line = GrantBudgetLine.objects.create(
        authority=grant_return.authority,
        grant_return=grant_return,
        heading=str(data["heading"]).strip(),
        budget=data["budget"],
        spent_in_quarter=data["spent_in_quarter"],
        spent_to_date=data["spent_to_date"],
        note=str(data.get("note", "")).strip(),
    )
    record(AuditAction.CREATE, actor=acting_user, obj=line, detail={"return": str(grant_return.pk)})
    return line


@transaction.atomic
def update_budget_line(
    line: GrantBudgetLine, data: dict[str, Any], *, acting_user: User | None
) -> GrantBudgetLine:
    _may_write(acting_user, line.authority)
    check_draft(GrantReturn.objects.select_for_update().get(pk=line.grant_return_id))
    _check_line(data)
    changed = []
    for name in ("heading", "budget", "spent_in_quarter", "spent_to_date", "note"):
        value = data.get(name, getattr(line, name))
        if isinstance(value, str):
            value = value.strip()
        if getattr(line, name) != value:
            setattr(line, name, value)
            changed.append(name)
    if changed:
        line.save()
        record(AuditAction.CHANGE, actor=acting_user, obj=line, detail={"fields": changed})
    return line


@transaction.atomic
def remove_budget_line(line: GrantBudgetLine, *, acting_user: User | None) -> GrantBudgetLine:
    """Take a line out of a draft return (archived with a reason, not deleted)."""
    _may_write(acting_user, line.authority)
    check_draft(GrantReturn.objects.select_for_update().get(pk=line.grant_return_id))
    line.archived = True
    line.archived_on = timezone.now()
    line.archived_by = _user(acting_user)
    line.archived_reason = "Removed from the draft return"
    line.save()
    record(AuditAction.CHANGE, actor=acting_user, obj=line, detail={"fields": ["archived"]})
    return line


def grant_return_report(grant_return: GrantReturn) -> Report:
    """The return with exact figures: frozen at sign-off, computed from the records
    while it is a draft."""
    if grant_return.frozen_figures is not None:
        return codec.from_data(grant_return.frozen_figures)
    return grant_returns.build(grant_return)


@transaction.atomic
def sign_off_grant_return(grant_return: GrantReturn, *, acting_user: User | None) -> GrantReturn:
    """Freeze the figures and the text as they stand and lock the return."""
    _may_write(acting_user, grant_return.authority)
    grant_return = GrantReturn.objects.select_for_update().get(pk=grant_return.pk)
    check_draft(grant_return)
    user = _user(acting_user)
    grant_return.signed_off_at = timezone.now()
    grant_return.signed_off_by = user
    grant_return.status = GrantReturnStatus.SIGNED_OFF
    grant_return.frozen_figures = codec.to_data(grant_returns.build(grant_return))
    grant_return.modified_by = user
    grant_return.save()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=grant_return,
        detail={"fields": ["status"], "status": GrantReturnStatus.SIGNED_OFF.value},
    )
    return grant_return


@transaction.atomic
def amend_grant_return(
    grant_return: GrantReturn, *, reason: str, acting_user: User | None
) -> GrantReturn:
    """A new draft return for the same quarter that supersedes a signed-off one, starting
    from its words and budget lines. The signed-off return is kept as it was."""
    _may_write(acting_user, grant_return.authority)
    grant_return = GrantReturn.objects.select_for_update().get(pk=grant_return.pk)
    if not grant_return.is_signed_off or not grant_return.is_current:
        raise ValidationError("Only the current, signed-off return for a quarter can be amended.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the return needs to be amended"})
    # Only the flag that says which return is current changes on the signed-off one.
    GrantReturn.objects.filter(pk=grant_return.pk).update(is_current=False)
    user = _user(acting_user)
    amended = GrantReturn.objects.create(
        authority=grant_return.authority,
        quarter_start=grant_return.quarter_start,
        quarter_end=grant_return.quarter_end,
        achievements=grant_return.achievements,
        issues=grant_return.issues,
        outputs_narrative=grant_return.outputs_narrative,
        supersedes=grant_return,
        amendment_reason=reason.strip(),
        created_by=user,
        modified_by=user,
    )
    GrantBudgetLine.objects.bulk_create(
        GrantBudgetLine(
            authority=line.authority,
            grant_return=amended,
            heading=line.heading,
            budget=line.budget,
            spent_in_quarter=line.spent_in_quarter,
            spent_to_date=line.spent_to_date,
            note=line.note,
        )
        for line in grant_return.budget_lines.filter(archived=False)
    )
    record(
        AuditAction.CREATE,
        actor=acting_user,
        obj=amended,
        detail={"supersedes": str(grant_return.pk)},
    )
    return amended


@transaction.atomic
def view_grant_return(
    grant_return: GrantReturn, audience: Audience | str, *, acting_user: User | None
) -> Report:
    audience = Audience(audience)
    _check_audience(acting_user, grant_return.authority, audience)
    report = disclosure.apply(grant_return_report(grant_return), audience)
    record(
        AuditAction.VIEW, actor=acting_user, obj=grant_return, detail={"audience": audience.value}
    )
    return report


@transaction.atomic
def export_grant_return(
    grant_return: GrantReturn, audience: Audience | str, format_id: str, *, acting_user: User | None
) -> Produced:
    audience = Audience(audience)
    if format_id not in grant_returns.FORMATS:
        raise ValidationError(
            f"Grant returns are downloaded as {', '.join(grant_returns.FORMATS)}, not {format_id}."
        )
    if acting_user is not None and not can(
        acting_user, Kind.STATISTICS, Action.EXPORT, grant_return.authority
    ):
        raise PermissionDenied("You cannot download returns of this authority.")
    _check_audience(acting_user, grant_return.authority, audience)
    report = disclosure.apply(grant_return_report(grant_return), audience)
    content = renderers.render(report, format_id)
    record(
        AuditAction.EXPORT,
        actor=acting_user,
        obj=grant_return,
        detail={"format": format_id, "audience": audience.value},
    )
    return Produced(report, content, format_id)
