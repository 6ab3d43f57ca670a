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
    CommitteeReportFinal,
    CommitteeReportVersion,
    GrantBudgetLine,
    GrantReturn,
    GrantReturnStatus,
    ReportTemplate,
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
    "accountable_directors",
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
    template: ReportTemplate | None = None,
) -> CommitteeReport:
    """A new committee report for `board` and the period, with a first draft to edit;
    built on `template` if one is given (its sections, narrative and clearance)."""
    audience = Audience(audience)
    _may_write(acting_user, authority)
    if template is not None and (template.authority_id != authority.pk or template.archived):
        raise ValidationError({"template": "Choose one of the authority's current templates"})
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
        template=template,
        **default_narrative(authority, board, start, end, officer),
    )
    if template is not None:
        report.narrative = templated_narrative(report)
        report.save(update_fields=["narrative"])
    detail = {"board": str(board.pk)}
    if template is not None:
        detail["template"] = str(template.pk)
    record(AuditAction.CREATE, actor=acting_user, obj=report, detail=detail)
    return report


# The first draft's words for a templated report's narrative sections, by section key.
DRAFT_KEYS = {
    "summary": "summary",
    "recommendations": "recommendations",
    "why": "context",
    "introduction": "context",
    "reasons": "reasons",
    "alternatives": "alternatives",
    "implementation": "implementation",
    "background": "background_papers",
}


def templated_narrative(report: CommitteeReport) -> dict[str, str]:
    """A first draft for each narrative section: the default words where the seeds' headings
    match, else the section's standard text, else empty (the page lists empty sections)."""
    assert report.template is not None
    texts = {}
    for spec in report.template.sections:
        if spec["kind"] != "narrative":
            continue
        field = DRAFT_KEYS.get(spec["key"])
        texts[spec["key"]] = getattr(report, field) if field else spec.get("text", "")
    return texts


@transaction.atomic
def update_committee_report(
    report: CommitteeReport, data: dict[str, Any], *, acting_user: User | None
) -> CommitteeReport:
    """Save the cover details, narrative and audience. Versions already generated keep
    what they were generated with."""
    _may_write(acting_user, report.authority)
    check_not_final(report)
    data = dict(data)
    if "narrative" in data:
        data["narrative"] = _narrative(report, data["narrative"])
    if "clearance" in data:
        data["clearance"] = _clearance(report, data["clearance"])
    if "exempt" in data:
        data["exempt"] = _exempt(report, data["exempt"])
    if "audience" in data:
        audience = Audience(data["audience"])
        if acting_user is not None and audience not in audiences_for(acting_user, report.authority):
            raise PermissionDenied(f"You cannot produce reports for the {audience} audience.")
        data = {**data, "audience": audience.value}
    if not str(data.get("title", report.title)).strip():
        raise ValidationError({"title": "Enter the report's title"})
    changed = []
    for name, value in data.items():
        if name not in [*NARRATIVE_FIELDS, *TEMPLATED_FIELDS, "audience"]:
            raise ValueError(f"{name} is not a committee report field")
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed.append(name)
    if changed:
        report.modified_by = _user(acting_user)
        report.save()
        record(AuditAction.CHANGE, actor=acting_user, obj=report, detail={"fields": changed})
    return report


TEMPLATED_FIELDS = ["narrative", "clearance", "exempt"]


class ReportFinal(PermissionDenied):
    """A committee report with a final version is frozen."""


def check_not_final(report: CommitteeReport) -> None:
    if CommitteeReportFinal.objects.filter(version__report=report).exists():
        raise ReportFinal("This report has a final version: it cannot be changed.")


def _template_sections(report: CommitteeReport, kind: str) -> dict[str, dict[str, Any]]:
    if report.template is None:
        return {}
    return {s["key"]: s for s in report.template.sections if s["kind"] == kind}


def _narrative(report: CommitteeReport, texts: dict[str, Any]) -> dict[str, str]:
    known = _template_sections(report, "narrative")
    unknown = [k for k in texts if k not in known]
    if unknown:
        raise ValidationError(
            {"narrative": f"The template has no narrative section {', '.join(unknown)}"}
        )
    return {**report.narrative, **{k: str(v or "") for k, v in texts.items()}}


def _clearance(report: CommitteeReport, entries: dict[str, Any]) -> dict[str, dict[str, str]]:
    roles = report.template.clearance_roles if report.template else []
    cleaned: dict[str, dict[str, str]] = {}
    errors = []
    for role, entry in entries.items():
        if role not in roles:
            errors.append(f"{role} is not a clearance role of the template")
            continue
        name = str(entry.get("name") or "").strip()
        day = entry.get("date") or ""
        if isinstance(day, datetime.date):
            day = day.isoformat()
        if day:
            try:
                datetime.date.fromisoformat(str(day))
            except ValueError:
                errors.append(f"{role}: enter the date as a real date")
                continue
        cleaned[role] = {"name": name, "date": str(day)}
    if errors:
        raise ValidationError({"clearance": errors})
    return {**report.clearance, **cleaned}


def _exempt(report: CommitteeReport, exempt: dict[str, Any]) -> dict[str, str]:
    appendices = _template_sections(report, "records")
    errors = []
    cleaned = {}
    for key, paragraph in exempt.items():
        paragraph = str(paragraph or "").strip()
        if not paragraph:
            continue
        if key not in appendices:
            errors.append(f"{key} is not an appendix of the template")
        elif paragraph not in committee.SCHEDULE_12A:
            errors.append(
                f"{appendices[key]['title']}: choose a paragraph of Schedule 12A from 1 to 7"
            )
        else:
            cleaned[key] = paragraph
    if errors:
        raise ValidationError({"exempt": errors})
    return cleaned


def empty_narrative_sections(report: CommitteeReport) -> list[dict[str, str]]:
    """The template's narrative sections with no words yet, in the template's order."""
    return [
        {"key": key, "title": spec["title"]}
        for key, spec in _template_sections(report, "narrative").items()
        if not str(report.narrative.get(key, "")).strip()
    ]


def clearance_missing(report: CommitteeReport) -> list[str]:
    """The template's clearance roles still without a name and a date."""
    roles = report.template.clearance_roles if report.template else []
    return [
        role
        for role in roles
        if not (
            report.clearance.get(role, {}).get("name")
            and report.clearance.get(role, {}).get("date")
        )
    ]


def _committee_reports(report: CommitteeReport, audience: Audience) -> tuple[Report, Report | None]:
    """The public report and, if any appendix is exempt, the exempt appendices."""
    if report.template is None:
        return _committee_report(report, audience), None
    return committee.produce_templated(
        report.authority,
        report.period_start,
        report.period_end,
        committee.Narrative.of(report),
        report.template.sections,
        report.narrative,
        report.exempt,
        audience.value,
    )


def _committee_report(report: CommitteeReport, audience: Audience) -> Report:
    if report.template is not None:
        return _committee_reports(report, audience)[0]
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
    check_not_final(report)
    audience = Audience(report.audience)
    _check_audience(acting_user, report.authority, audience)
    built, withheld = _committee_reports(report, audience)
    files = {format_id: renderers.render(built, format_id) for format_id in COMMITTEE_FORMATS}
    exempt_files: dict[str, Any] = {}
    if withheld is not None:
        exempt_files = {
            f"exempt_{format_id}": renderers.render(withheld, format_id)
            for format_id in COMMITTEE_FORMATS
        }
        exempt_files["exempt_content"] = codec.to_data(withheld)
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
        sha256={
            f: hashlib.sha256(content).hexdigest()
            for f, content in [*files.items(), *exempt_files.items()]
            if isinstance(content, bytes)
        },
        **files,
        **exempt_files,
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
    part: str = "public",
) -> bytes:
    """The file as it was generated; audited as an EXPORT. `part` "exempt" is the file of
    exempt appendices, kept apart from the public one."""
    if part not in ("public", "exempt") or (part == "exempt" and not version.has_exempt):
        raise ValidationError("This version has no exempt appendices.")
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
            "part": part,
        },
    )
    return version.file(format_id, part)


@transaction.atomic
def mark_committee_final(
    version: CommitteeReportVersion, *, acting_user: User | None
) -> CommitteeReportFinal:
    """Mark the latest version final: every clearance role of the template has a name and
    a date. The clearance record is kept with the version; the report is frozen."""
    report = CommitteeReport.objects.select_for_update().get(pk=version.report_id)
    _may_write(acting_user, report.authority)
    check_not_final(report)
    latest = report.versions.aggregate(n=Max("number"))["n"]
    if version.number != latest:
        raise ValidationError(
            f"Only the latest version (version {latest}) can be marked final: it has the "
            "report as it stands."
        )
    if report.template is None:
        raise ValidationError("Only a report built on a template has a clearance checklist.")
    missing = clearance_missing(report)
    if missing:
        raise ValidationError(
            {"clearance": [f"{role}: enter the name and the date of clearance" for role in missing]}
        )
    final = CommitteeReportFinal.objects.create(
        authority=report.authority,
        version=version,
        clearance={role: report.clearance[role] for role in report.template.clearance_roles},
        marked_by=_user(acting_user),
    )
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=version,
        detail={"report": str(report.pk), "number": str(version.number), "final": "yes"},
    )
    return final


# --- committee report templates ---------------------------------------------------------


def parse_sections(text: str) -> list[dict[str, str]]:
    """Sections from the edit page's text: one a line, "kind | source | title". A bad line
    is named with its number; nothing is saved unless every line is good."""
    from . import appendices
    from .templates_presets import KINDS

    figures = {f[0] for f in committee.FIGURES} | {"equalities"}
    sections: list[dict[str, str]] = []
    errors = []
    seen: set[str] = set()
    for number, line in enumerate(text.replace("\r\n", "\n").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            errors.append(f"Line {number}: write kind | source | title")
            continue
        kind, source, title = parts
        if kind not in KINDS:
            errors.append(f"Line {number}: the kind must be one of {', '.join(KINDS)}")
            continue
        if not title:
            errors.append(f"Line {number}: enter the section's title")
            continue
        if kind == "figures" and source not in figures:
            errors.append(f"Line {number}: figures must name one of {', '.join(sorted(figures))}")
            continue
        if kind == "records" and source not in appendices.APPENDICES:
            errors.append(
                f"Line {number}: an appendix must name one of {', '.join(appendices.APPENDICES)}"
            )
            continue
        if kind == "records":
            key = f"appendix_{source}"
        elif kind == "figures":
            key = source
        else:
            key = _slug(source or title)
        if key in seen:
            errors.append(f"Line {number}: {source or title} is already in the template")
            continue
        seen.add(key)
        sections.append(
            {
                "key": key,
                "kind": kind,
                "title": title,
                "source": source if kind != "narrative" else "",
                "text": "",
            }
        )
    if errors:
        raise ValidationError({"sections": errors})
    if not sections:
        raise ValidationError({"sections": "A template needs at least one section"})
    return sections


def _slug(title: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", title.casefold()).strip("_")[:60] or "section"


@transaction.atomic
def copy_template(
    authority: Authority,
    *,
    preset: str | None = None,
    template: ReportTemplate | None = None,
    name: str = "",
    acting_user: User | None,
) -> ReportTemplate:
    """The authority's own copy of a preset (or of one of its templates), to edit."""
    from . import templates_presets

    _may_write(acting_user, authority)
    if template is not None:
        if template.authority_id != authority.pk:
            raise PermissionDenied("You cannot copy another authority's template.")
        source: dict[str, Any] = {
            "name": template.name,
            "sections": [dict(s) for s in template.sections],
            "clearance_roles": list(template.clearance_roles),
        }
        based_on = template.based_on
    elif preset in templates_presets.PRESETS:
        source = templates_presets.preset(preset)
        based_on = preset
    else:
        raise ValidationError({"preset": "Choose one of the presets"})
    user = _user(acting_user)
    copied = ReportTemplate.objects.create(
        authority=authority,
        name=name.strip() or str(source["name"]),
        based_on=based_on,
        sections=source["sections"],
        clearance_roles=source["clearance_roles"],
        created_by=user,
        modified_by=user,
    )
    record(AuditAction.CREATE, actor=acting_user, obj=copied, detail={"based_on": based_on or ""})
    return copied


@transaction.atomic
def update_template(
    template: ReportTemplate,
    *,
    name: str,
    sections: list[dict[str, str]],
    clearance_roles: list[str],
    acting_user: User | None,
) -> ReportTemplate:
    """Rename, add, remove and reorder sections and set the clearance roles. Standard text
    kept for a section that stays; reports already generated keep their versions."""
    _may_write(acting_user, template.authority)
    if not name.strip():
        raise ValidationError({"name": "Enter the template's name"})
    roles = [r.strip() for r in clearance_roles if r.strip()]
    if len(set(roles)) != len(roles):
        raise ValidationError({"clearance_roles": "Each clearance role once"})
    old = {s["key"]: s for s in template.sections}
    merged = [
        {**s, "text": s.get("text") or old.get(s["key"], {}).get("text", "")} for s in sections
    ]
    template.name = name.strip()
    template.sections = merged
    template.clearance_roles = roles
    template.modified_by = _user(acting_user)
    template.save()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=template,
        detail={"sections": str(len(merged)), "roles": str(len(roles))},
    )
    return template


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
