"""Every change to engagement, project and council-resource records: one function per
business event, atomic, audited in the same transaction, with the acting user
keyword-only. Views, the demo and tests all come through here.

Rules are checked before anything is written and reported against the field they
concern, so a form can show them beside the answer that broke them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from dueregard.accounts.models import User
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import periods
from dueregard.core.periods import financial_quarter_of, financial_quarters
from dueregard.pages.kit import archive_record, create_record, update_record

from .models import (
    Bid,
    BidOutcome,
    Communication,
    CommunityGroup,
    Engagement,
    Event,
    FilterResult,
    ITCheck,
    Network,
    NetworkMeeting,
    NetworkMembership,
    OutOfSchoolSetting,
    OutputFigure,
    ProgressNote,
    Project,
    ProjectOutput,
    VenueCheck,
    VenueCheckKind,
    VenueDecision,
)


def _same_authority(authority_id: int, **related: Any) -> None:
    """Every related record chosen must belong to the same authority."""
    errors: dict[str, str] = {}
    for name, value in related.items():
        values = value if isinstance(value, (list, tuple, set, models.QuerySet)) else [value]
        if any(v is not None and v.authority_id != authority_id for v in values):
            errors[name] = "Choose only your own authority's records"
    if errors:
        raise ValidationError(errors)


def _unique_name(model: type[models.Model], authority_id: int, name: str, pk: Any = None) -> None:
    clash = model._default_manager.filter(authority_id=authority_id, name__iexact=name.strip())
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if name and clash.exists():
        raise ValidationError({"name": f"'{name.strip()}' is already recorded"})


def _not_archived(obj: Any, what: str) -> None:
    if getattr(obj, "archived", False):
        raise ValidationError(f"The {what} is archived.")


# -- community groups ---------------------------------------------------------------------


@transaction.atomic
def create_group(
    authority: Authority, data: dict[str, Any], *, acting_user: User
) -> CommunityGroup:
    _same_authority(authority.pk, ward=data.get("ward"))
    _unique_name(CommunityGroup, authority.pk, data.get("name", ""))
    group: CommunityGroup = create_record(
        CommunityGroup, data, acting_user=acting_user, authority=authority
    )
    return group


@transaction.atomic
def update_group(
    group: CommunityGroup, data: dict[str, Any], *, acting_user: User
) -> CommunityGroup:
    _same_authority(group.authority_id, ward=data.get("ward"))
    _unique_name(CommunityGroup, group.authority_id, data.get("name", group.name), group.pk)
    updated: CommunityGroup = update_record(group, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_group(group: CommunityGroup, reason: str, *, acting_user: User) -> CommunityGroup:
    archived: CommunityGroup = archive_record(group, reason, acting_user=acting_user)
    return archived


# -- engagements ----------------------------------------------------------------------------


def _check_engagement(authority_id: int, data: dict[str, Any]) -> None:
    groups = data.get("groups")
    if groups is not None and not list(groups):
        raise ValidationError({"groups": "Choose at least one group engaged"})
    _same_authority(authority_id, groups=list(groups or []))
    day = data.get("date")
    if day and day > periods.today():
        raise ValidationError({"date": "The date of an engagement must be today or earlier"})


@transaction.atomic
def record_engagement(
    authority: Authority, data: dict[str, Any], *, acting_user: User
) -> Engagement:
    """Record work with one or more community groups (at least one)."""
    _check_engagement(authority.pk, {"groups": [], **data})
    engagement: Engagement = create_record(
        Engagement, data, acting_user=acting_user, authority=authority
    )
    return engagement


@transaction.atomic
def update_engagement(
    engagement: Engagement, data: dict[str, Any], *, acting_user: User
) -> Engagement:
    _check_engagement(engagement.authority_id, data)
    updated: Engagement = update_record(engagement, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_engagement(engagement: Engagement, reason: str, *, acting_user: User) -> Engagement:
    archived: Engagement = archive_record(engagement, reason, acting_user=acting_user)
    return archived


# -- networks -----------------------------------------------------------------------------


@transaction.atomic
def create_network(authority: Authority, data: dict[str, Any], *, acting_user: User) -> Network:
    _unique_name(Network, authority.pk, data.get("name", ""))
    network: Network = create_record(Network, data, acting_user=acting_user, authority=authority)
    return network


@transaction.atomic
def update_network(network: Network, data: dict[str, Any], *, acting_user: User) -> Network:
    _unique_name(Network, network.authority_id, data.get("name", network.name), network.pk)
    updated: Network = update_record(network, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_network(network: Network, reason: str, *, acting_user: User) -> Network:
    archived: Network = archive_record(network, reason, acting_user=acting_user)
    return archived


def _check_membership(network: Network, data: dict[str, Any], pk: Any = None) -> None:
    group = data.get("group")
    _same_authority(network.authority_id, group=group)
    if group is not None and data.get("left_on") is None:
        current = NetworkMembership.objects.filter(
            network=network, group=group, left_on__isnull=True
        )
        if pk is not None:
            current = current.exclude(pk=pk)
        if current.exists():
            raise ValidationError({"group": f"{group} is already a member of {network}"})
    joined, left = data.get("joined_on"), data.get("left_on")
    if joined and left and left < joined:
        raise ValidationError({"left_on": "A group can only leave after it joined"})


@transaction.atomic
def add_network_member(
    network: Network, data: dict[str, Any], *, acting_user: User
) -> NetworkMembership:
    _not_archived(network, "network")
    _check_membership(network, data)
    membership: NetworkMembership = create_record(
        NetworkMembership,
        data,
        acting_user=acting_user,
        authority_id=network.authority_id,
        network=network,
    )
    return membership


@transaction.atomic
def update_network_membership(
    membership: NetworkMembership, data: dict[str, Any], *, acting_user: User
) -> NetworkMembership:
    merged = {
        "group": membership.group,
        "joined_on": membership.joined_on,
        "left_on": membership.left_on,
        **data,
    }
    _check_membership(membership.network, merged, membership.pk)
    updated: NetworkMembership = update_record(membership, data, acting_user=acting_user)
    return updated


def _check_network_meeting(network: Network, data: dict[str, Any], pk: Any = None) -> None:
    day = data.get("date")
    if day and day > periods.today():
        raise ValidationError({"date": "Record a network meeting once it has taken place"})
    if day:
        clash = NetworkMeeting.objects.filter(network=network, date=day)
        if pk is not None:
            clash = clash.exclude(pk=pk)
        if clash.exists():
            raise ValidationError({"date": f"A meeting of {network} on that date is recorded"})


@transaction.atomic
def record_network_meeting(
    network: Network, data: dict[str, Any], *, acting_user: User
) -> NetworkMeeting:
    _not_archived(network, "network")
    _check_network_meeting(network, data)
    meeting: NetworkMeeting = create_record(
        NetworkMeeting,
        data,
        acting_user=acting_user,
        authority_id=network.authority_id,
        network=network,
    )
    return meeting


@transaction.atomic
def update_network_meeting(
    meeting: NetworkMeeting, data: dict[str, Any], *, acting_user: User
) -> NetworkMeeting:
    _check_network_meeting(meeting.network, data, meeting.pk)
    updated: NetworkMeeting = update_record(meeting, data, acting_user=acting_user)
    return updated


# -- events and communications ------------------------------------------------------------


@transaction.atomic
def record_event(authority: Authority, data: dict[str, Any], *, acting_user: User) -> Event:
    _same_authority(authority.pk, ward=data.get("ward"), groups=list(data.get("groups") or []))
    event: Event = create_record(Event, data, acting_user=acting_user, authority=authority)
    return event


@transaction.atomic
def update_event(event: Event, data: dict[str, Any], *, acting_user: User) -> Event:
    _same_authority(
        event.authority_id, ward=data.get("ward"), groups=list(data.get("groups") or [])
    )
    updated: Event = update_record(event, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_event(event: Event, reason: str, *, acting_user: User) -> Event:
    archived: Event = archive_record(event, reason, acting_user=acting_user)
    return archived


@transaction.atomic
def log_communication(
    authority: Authority, data: dict[str, Any], *, acting_user: User
) -> Communication:
    communication: Communication = create_record(
        Communication, data, acting_user=acting_user, authority=authority
    )
    return communication


@transaction.atomic
def update_communication(
    communication: Communication, data: dict[str, Any], *, acting_user: User
) -> Communication:
    updated: Communication = update_record(communication, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_communication(
    communication: Communication, reason: str, *, acting_user: User
) -> Communication:
    archived: Communication = archive_record(communication, reason, acting_user=acting_user)
    return archived


# -- bids and projects --------------------------------------------------------------------


def _check_bid(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    outcome = data.get("outcome", BidOutcome.PENDING)
    if outcome == BidOutcome.PENDING:
        data["outcome_on"] = None
        data["amount_awarded"] = None
    else:
        if not data.get("outcome_on"):
            raise ValidationError({"outcome_on": "Enter the date the decision was received"})
        submitted = data.get("submitted_on")
        if submitted and data["outcome_on"] < submitted:
            raise ValidationError(
                {"outcome_on": "The decision must be on or after the date the bid was submitted"}
            )
    if outcome == BidOutcome.SUCCESSFUL:
        if data.get("amount_awarded") is None:
            raise ValidationError({"amount_awarded": "Enter the amount awarded"})
    elif outcome != BidOutcome.PENDING:
        data["amount_awarded"] = None
    for name in ("amount_requested", "amount_awarded"):
        value = data.get(name)
        if value is not None and value < 0:
            raise ValidationError({name: "Enter an amount of £0 or more"})
    return data


@transaction.atomic
def record_bid(authority: Authority, data: dict[str, Any], *, acting_user: User) -> Bid:
    """Record a funding bid. A decided bid needs its decision date; a successful one the
    amount awarded (kept blank for any other outcome)."""
    bid: Bid = create_record(Bid, _check_bid(data), acting_user=acting_user, authority=authority)
    return bid


@transaction.atomic
def update_bid(bid: Bid, data: dict[str, Any], *, acting_user: User) -> Bid:
    merged = {
        "outcome": bid.outcome,
        "outcome_on": bid.outcome_on,
        "amount_awarded": bid.amount_awarded,
        "submitted_on": bid.submitted_on,
        **data,
    }
    if merged["outcome"] != BidOutcome.SUCCESSFUL and hasattr(bid, "project"):
        raise ValidationError({"outcome": "A bid that funds a project must stay successful"})
    checked = _check_bid(merged)
    data = {
        **data,
        "outcome_on": checked["outcome_on"],
        "amount_awarded": checked["amount_awarded"],
    }
    updated: Bid = update_record(bid, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_bid(bid: Bid, reason: str, *, acting_user: User) -> Bid:
    archived: Bid = archive_record(bid, reason, acting_user=acting_user)
    return archived


def _check_project(authority_id: int, data: dict[str, Any], pk: Any = None) -> None:
    bid = data.get("bid")
    _same_authority(authority_id, bid=bid)
    if bid is not None:
        if bid.outcome != BidOutcome.SUCCESSFUL:
            raise ValidationError({"bid": "Only a successful bid can fund a project"})
        taken = Project.objects.filter(bid=bid)
        if pk is not None:
            taken = taken.exclude(pk=pk)
        if taken.exists():
            raise ValidationError({"bid": "That bid already funds another project"})
    start, end = data.get("starts_on"), data.get("ends_on")
    if start and end and end < start:
        raise ValidationError({"ends_on": "The project must end on or after its start"})
    budget = data.get("budget")
    if budget is not None and budget < 0:
        raise ValidationError({"budget": "Enter an amount of £0 or more"})


@transaction.atomic
def create_project(authority: Authority, data: dict[str, Any], *, acting_user: User) -> Project:
    _check_project(authority.pk, data)
    project: Project = create_record(Project, data, acting_user=acting_user, authority=authority)
    return project


@transaction.atomic
def update_project(project: Project, data: dict[str, Any], *, acting_user: User) -> Project:
    merged = {"starts_on": project.starts_on, "ends_on": project.ends_on, **data}
    _check_project(project.authority_id, merged, project.pk)
    start, end = merged["starts_on"], merged["ends_on"]
    outside = (
        OutputFigure.objects.filter(output__project=project)
        .exclude(quarter_start__range=(financial_quarter_of(start).start, end))
        .exists()
        or ProgressNote.objects.filter(project=project)
        .exclude(quarter_start__range=(financial_quarter_of(start).start, end))
        .exists()
    )
    if outside:
        raise ValidationError(
            {"ends_on": "Quarterly returns are recorded outside these dates; keep them inside"}
        )
    updated: Project = update_record(project, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_project(project: Project, reason: str, *, acting_user: User) -> Project:
    archived: Project = archive_record(project, reason, acting_user=acting_user)
    return archived


def _check_output(project: Project, data: dict[str, Any], pk: Any = None) -> None:
    name = (data.get("name") or "").strip()
    clash = ProjectOutput.objects.filter(project=project, name__iexact=name)
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if name and clash.exists():
        raise ValidationError({"name": f"'{name}' is already counted for this project"})


@transaction.atomic
def add_project_output(
    project: Project, data: dict[str, Any], *, acting_user: User
) -> ProjectOutput:
    _not_archived(project, "project")
    _check_output(project, data)
    if "order" not in data:
        data = {**data, "order": project.outputs.count() + 1}
    output: ProjectOutput = create_record(
        ProjectOutput,
        data,
        acting_user=acting_user,
        authority_id=project.authority_id,
        project=project,
    )
    return output


@transaction.atomic
def update_project_output(
    output: ProjectOutput, data: dict[str, Any], *, acting_user: User
) -> ProjectOutput:
    _check_output(output.project, data, output.pk)
    updated: ProjectOutput = update_record(output, data, acting_user=acting_user)
    return updated


def project_quarters(project: Project) -> list[Any]:
    """The financial quarters a project runs through, in order."""
    return financial_quarters(project.starts_on, project.ends_on)


@transaction.atomic
def record_quarterly_return(
    project: Project,
    *,
    quarter_start: datetime.date,
    figures: dict[int, tuple[int | None, int | None]],
    spend: Decimal,
    progress: str,
    issues: str,
    acting_user: User,
) -> ProgressNote:
    """Record (or correct) a project's return for one financial quarter: planned and
    delivered counts per output ({output id: (planned, delivered)}), spend in the
    quarter, progress and issues. Delivered figures for a quarter that has not started
    are refused; spend may not take the project over its funding."""
    _not_archived(project, "project")
    quarters = {q.start: q for q in project_quarters(project)}
    if quarter_start not in quarters:
        raise ValidationError({"quarter": "Choose one of the project's quarters"})
    quarter = quarters[quarter_start]
    outputs = {o.pk: o for o in project.outputs.all()}
    unknown = [pk for pk in figures if pk not in outputs]
    if unknown:
        raise ValidationError("Figures can only be recorded for the project's own outputs.")
    if quarter.start > periods.today() and any(d is not None for _, d in figures.values()):
        raise ValidationError(
            {"quarter": "Delivered figures can only be recorded once the quarter has started"}
        )
    for planned, delivered in figures.values():
        if (planned is not None and planned < 0) or (delivered is not None and delivered < 0):
            raise ValidationError("Figures must be 0 or more.")
    if spend < 0:
        raise ValidationError({"spend": "Enter an amount of £0 or more"})
    spent_elsewhere = ProgressNote.objects.filter(project=project).exclude(
        quarter_start=quarter_start
    ).aggregate(total=models.Sum("spend"))["total"] or Decimal(0)
    if spent_elsewhere + spend > project.budget:
        raise ValidationError(
            {
                "spend": f"Spend would total £{spent_elsewhere + spend:,.2f}, more than the "
                f"project's funding of £{project.budget:,.2f}"
            }
        )
    for output_id, (planned, delivered) in figures.items():
        existing = OutputFigure.objects.filter(
            output_id=output_id, quarter_start=quarter_start
        ).first()
        values = {"planned": planned, "delivered": delivered}
        if existing is None:
            if planned is None and delivered is None:
                continue
            create_record(
                OutputFigure,
                {"quarter_start": quarter_start, **values},
                acting_user=acting_user,
                authority_id=project.authority_id,
                output=outputs[output_id],
            )
        else:
            update_record(existing, values, acting_user=acting_user)
    note = ProgressNote.objects.filter(project=project, quarter_start=quarter_start).first()
    note_values = {"progress": progress, "issues": issues, "spend": spend}
    if note is None:
        note = create_record(
            ProgressNote,
            {"quarter_start": quarter_start, **note_values},
            acting_user=acting_user,
            authority_id=project.authority_id,
            project=project,
        )
    else:
        note = update_record(note, note_values, acting_user=acting_user)
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=project,
        detail={"fields": ["quarterly return"], "note": quarter.label},
    )
    return note


# -- council resources ----------------------------------------------------------------------


def _check_setting(authority_id: int, data: dict[str, Any]) -> None:
    _same_authority(authority_id, ward=data.get("ward"), identified_by=data.get("identified_by"))
    identified, contact = data.get("identified_on"), data.get("last_contact_on")
    if identified and identified > periods.today():
        raise ValidationError({"identified_on": "The date identified must be today or earlier"})
    if identified and contact and contact < identified:
        raise ValidationError(
            {"last_contact_on": "The last contact must be on or after the date identified"}
        )


@transaction.atomic
def register_setting(
    authority: Authority, data: dict[str, Any], *, acting_user: User
) -> OutOfSchoolSetting:
    _check_setting(authority.pk, data)
    setting: OutOfSchoolSetting = create_record(
        OutOfSchoolSetting, data, acting_user=acting_user, authority=authority
    )
    return setting


@transaction.atomic
def update_setting(
    setting: OutOfSchoolSetting, data: dict[str, Any], *, acting_user: User
) -> OutOfSchoolSetting:
    _check_setting(
        setting.authority_id,
        {
            "identified_on": setting.identified_on,
            "last_contact_on": setting.last_contact_on,
            **data,
        },
    )
    updated: OutOfSchoolSetting = update_record(setting, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_setting(
    setting: OutOfSchoolSetting, reason: str, *, acting_user: User
) -> OutOfSchoolSetting:
    archived: OutOfSchoolSetting = archive_record(setting, reason, acting_user=acting_user)
    return archived


def _check_venue(data: dict[str, Any], current: VenueCheck | None, acting_user: User) -> dict:
    """A decision other than 'not decided yet' needs its reason and date; the officer
    who records or changes the decision is recorded as the one who made it."""
    data = dict(data)
    unknown = [c for c in data.get("checks") or [] if c not in VenueCheckKind.values]
    if unknown:
        raise ValidationError({"checks": f"'{unknown[0]}' is not a kind of check"})
    decision = data.get("decision", current.decision if current else VenueDecision.PENDING)
    reason = (data.get("decision_reason", current.decision_reason if current else "") or "").strip()
    if decision == VenueDecision.PENDING:
        data["decided_on"] = None
        data["decided_by"] = None
        return data
    errors = {}
    if not reason:
        errors["decision_reason"] = "Enter the reason for the decision"
    decided_on = data.get("decided_on", current.decided_on if current else None)
    if not decided_on:
        errors["decided_on"] = "Enter the date the decision was made"
    elif decided_on > periods.today():
        errors["decided_on"] = "The date of the decision must be today or earlier"
    if (
        decision == VenueDecision.CONDITIONS
        and not (data.get("conditions", current.conditions if current else "") or "").strip()
    ):
        errors["conditions"] = "Enter the conditions of hire"
    if errors:
        raise ValidationError(errors)
    changed = current is None or current.decision != decision or current.decided_by_id is None
    if changed:
        data["decided_by"] = (
            acting_user if getattr(acting_user, "is_authenticated", False) else None
        )
    return data


@transaction.atomic
def record_venue_check(
    authority: Authority, data: dict[str, Any], *, acting_user: User
) -> VenueCheck:
    check: VenueCheck = create_record(
        VenueCheck,
        _check_venue(data, None, acting_user),
        acting_user=acting_user,
        authority=authority,
    )
    return check


@transaction.atomic
def update_venue_check(check: VenueCheck, data: dict[str, Any], *, acting_user: User) -> VenueCheck:
    updated: VenueCheck = update_record(
        check, _check_venue(data, check, acting_user), acting_user=acting_user
    )
    return updated


@transaction.atomic
def archive_venue_check(check: VenueCheck, reason: str, *, acting_user: User) -> VenueCheck:
    archived: VenueCheck = archive_record(check, reason, acting_user=acting_user)
    return archived


def _check_it(authority_id: int, data: dict[str, Any]) -> None:
    _same_authority(authority_id, ward=data.get("ward"))
    result = data.get("result")
    if result and result != FilterResult.PASS and not (data.get("issues") or "").strip():
        raise ValidationError({"issues": "Describe what got through the filter"})
    checked, resolved = data.get("checked_on"), data.get("resolved_on")
    if checked and checked > periods.today():
        raise ValidationError({"checked_on": "The date checked must be today or earlier"})
    if checked and resolved and resolved < checked:
        raise ValidationError({"resolved_on": "It can only be put right after the check"})


@transaction.atomic
def record_it_check(authority: Authority, data: dict[str, Any], *, acting_user: User) -> ITCheck:
    _check_it(authority.pk, data)
    check: ITCheck = create_record(ITCheck, data, acting_user=acting_user, authority=authority)
    return check


@transaction.atomic
def update_it_check(check: ITCheck, data: dict[str, Any], *, acting_user: User) -> ITCheck:
    merged = {
        "result": check.result,
        "issues": check.issues,
        "checked_on": check.checked_on,
        "resolved_on": check.resolved_on,
        **data,
    }
    _check_it(check.authority_id, merged)
    updated: ITCheck = update_record(check, data, acting_user=acting_user)
    return updated


@transaction.atomic
def archive_it_check(check: ITCheck, reason: str, *, acting_user: User) -> ITCheck:
    archived: ITCheck = archive_record(check, reason, acting_user=acting_user)
    return archived
