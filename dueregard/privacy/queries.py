"""Who sees which privacy records, and the access review's reports.

- Sharing log and agreements (Kind.SHARING): lead and chair (change), auditor (read).
- Retention schedule, legal holds, destruction records (Kind.RETENTION): lead (change),
  auditor (read).
- Access review (Kind.ACCESS_REVIEW): the auditor, who plays the data protection officer.
- Subject access requests are part of a person's casework record (Kind.CASEWORK).
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from dueregard.accounts.access import get_for_user, get_scoped, scoped
from dueregard.accounts.models import Membership, Role
from dueregard.accounts.permissions import (
    AGENDA_ROLES,
    CASE_ROLES,
    Action,
    Kind,
    authorities_for,  # noqa: F401  (re-exported for agencies_without_agreement's callers)
)
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework.models import AgendaItem, PanelMember, Person, Referral

from .models import DataSharingAgreement, DestructionRecord, SharingRecord, SubjectAccessRequest

# --------------------------------------------------------------------------------------
# Sharing


def sharing_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[SharingRecord]:
    return scoped(SharingRecord, user, action, kind=Kind.SHARING).select_related(
        "referral", "shared_by"
    )


def get_sharing_for_user(request: HttpRequest, pk: Any) -> SharingRecord:
    return get_for_user(request, sharing_visible_to(request.user), pk, kind=Kind.SHARING)


def agreements_visible_to(
    user: Any, action: Action = Action.VIEW
) -> QuerySet[DataSharingAgreement]:
    return scoped(DataSharingAgreement, user, action, kind=Kind.SHARING)


def referrals_for_sharing(user: Any) -> QuerySet[Referral]:
    """Referrals a sharing record may be linked to: those of the user's authorities."""
    return scoped(Referral, user, Action.CHANGE, kind=Kind.SHARING).select_related("person")


@dataclass(frozen=True)
class MissingAgreement:
    panel: str
    agency: str
    members: int


def agencies_without_agreement(
    authorities: QuerySet[Authority], on: datetime.date
) -> list[MissingAgreement]:
    """Agencies of active standing panel members with no data-sharing agreement current on
    `on` (agency names compared ignoring case). The authority's own council is not a
    partner: members whose agency has no agreement but whose panel's authority name
    appears in the agency name are left out."""
    current = {
        (a, p.casefold())
        for a, p in DataSharingAgreement.objects.filter(
            authority__in=authorities, starts_on__lte=on
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values_list("authority_id", "partner")
    }
    rows = (
        PanelMember.objects.filter(
            panel__authority__in=authorities, active=True, panel__archived=False
        )
        .values("panel__name", "panel__authority_id", "panel__authority__name", "agency")
        .annotate(n=Count("pk"))
        .order_by("panel__name", "agency")
    )
    missing = []
    for row in rows:
        agency = row["agency"]
        council = row["panel__authority__name"].split(" (")[0].casefold()
        if f"{council} council" in agency.casefold():
            continue
        if (row["panel__authority_id"], agency.casefold()) not in current:
            missing.append(MissingAgreement(row["panel__name"], agency, row["n"]))
    return missing


# --------------------------------------------------------------------------------------
# Retention


def destruction_records_visible_to(user: Any) -> QuerySet[DestructionRecord]:
    return scoped(DestructionRecord, user, Action.VIEW, kind=Kind.RETENTION).select_related(
        "destroyed_by"
    )


def people_for_retention(user: Any, action: Action = Action.VIEW) -> QuerySet[Person]:
    """People whose legal hold the retention role may see or change."""
    return scoped(Person, user, action, kind=Kind.RETENTION)


def get_person_for_retention(request: HttpRequest, pk: Any, *, write: bool = False) -> Person:
    return get_scoped(request, Person, pk, kind=Kind.RETENTION, write=write)


# --------------------------------------------------------------------------------------
# Subject access


def sars_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[SubjectAccessRequest]:
    return scoped(SubjectAccessRequest, user, action, kind=Kind.CASEWORK).select_related("person")


def get_sar_for_user(
    request: HttpRequest, pk: Any, *, action: Action = Action.VIEW
) -> SubjectAccessRequest:
    return get_for_user(
        request,
        sars_visible_to(request.user),
        pk,
        kind=Kind.CASEWORK,
        writable=sars_visible_to(request.user, action) if action != Action.VIEW else None,
    )


# --------------------------------------------------------------------------------------
# Access review

UNUSUAL_FACTOR = 3
UNUSUAL_MINIMUM = 10  # a handful of views is never "unusual", whatever the median


def _period(start: datetime.date, end: datetime.date) -> Q:
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    finish = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return Q(occurred_at__gte=begin, occurred_at__lt=finish)


def person_views(
    authority: Authority, start: datetime.date, end: datetime.date
) -> QuerySet[AuditEvent]:
    """VIEW and REVEAL events naming a person of `authority` in the period, newest first."""
    return AuditEvent.objects.filter(
        _period(start, end),
        authority=authority,
        action__in=[AuditAction.VIEW, AuditAction.REVEAL],
        person_id__isnull=False,
    ).select_related("actor")


def reveals(authority: Authority, start: datetime.date, end: datetime.date) -> QuerySet[AuditEvent]:
    """Step-up reveals of police information and health details in the period, with the
    reason given, and the attempts the security code refused; newest first."""
    return (
        AuditEvent.objects.filter(_period(start, end), authority=authority)
        .filter(
            Q(action=AuditAction.REVEAL)
            | Q(action=AuditAction.PERMISSION_DENIED, detail__has_key="reveal")
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


@dataclass(frozen=True)
class OutOfRoleView:
    event: AuditEvent
    why: str


def out_of_role_views(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[OutOfRoleView]:
    """Views of a person's record by a user with no current role on the case.

    A user has a *current role on the case* when, at the time of the review, they hold
    an active membership that was created before the view and is either
    - Prevent lead / coordinator or Channel panel chair of the person's authority, or
    - Channel panel member of that authority, and they are an active standing member
      of a panel that has (or had) one of the person's referrals on a meeting's agenda.
    Every other view is listed: a user whose role has ended or was never one of these
    (including a user of another authority), or a panel member who is not on a panel
    that discussed the person. Views without a signed-in user are listed too.
    """
    events = list(person_views(authority, start, end).order_by("occurred_at", "id"))
    actor_ids = {e.actor_id for e in events if e.actor_id}
    memberships: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(
        user_id__in=actor_ids, active=True, authority=authority
    ).order_by("pk"):
        memberships.setdefault(m.user_id, []).append(m)
    # (panel member user id, person id) pairs for people on their panels' agendas.
    on_agenda = set(
        AgendaItem.objects.filter(
            authority=authority,
            meeting__panel__members__user_id__in=actor_ids,
            meeting__panel__members__active=True,
        ).values_list("meeting__panel__members__user_id", "referral__person_id")
    )
    flagged = []
    for event in events:
        if event.actor_id is None:
            flagged.append(OutOfRoleView(event, "No signed-in user"))
            continue
        held = [m for m in memberships.get(event.actor_id, []) if m.created_at <= event.occurred_at]
        roles = {m.role for m in held}
        if roles & CASE_ROLES:
            continue
        if roles & AGENDA_ROLES and (event.actor_id, event.person_id) in on_agenda:
            continue
        if roles & AGENDA_ROLES:
            why = "Panel member: the person was never on their panel's agenda"
        elif held:
            why = (
                "No casework role in this authority (holds: "
                + ", ".join(sorted(Role(r).label for r in roles))
                + ")"
            )
        else:
            why = "No current role in this authority"
        flagged.append(OutOfRoleView(event, why))
    return flagged


@dataclass(frozen=True)
class UserVolume:
    """One user's views and exports of personal records in the period, beside the median
    of users holding the same role. A figure to look at, never a score of the person."""

    username: str
    role: str
    views: int
    exports: int
    role_median_views: float
    unusual: bool


def view_volumes(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[UserVolume]:
    """Views and exports per user in the period. `unusual`: views above UNUSUAL_FACTOR x
    the median of users with the same role in this authority (who viewed at all), and at
    least UNUSUAL_MINIMUM; a user with several roles is compared under their first."""
    counts = (
        AuditEvent.objects.filter(_period(start, end), authority=authority, person_id__isnull=False)
        .exclude(actor__isnull=True)
        .values("actor_id", "actor_username")
        .annotate(
            views=Count("pk", filter=Q(action=AuditAction.VIEW)),
            exports=Count("pk", filter=Q(action=AuditAction.EXPORT)),
        )
        .order_by("actor_username")
    )
    rows = list(counts)
    role_of: dict[int, str] = {}
    for m in Membership.objects.filter(
        user_id__in=[r["actor_id"] for r in rows], authority=authority, active=True
    ).order_by("pk"):
        role_of.setdefault(m.user_id, m.role)
    by_role: dict[str, list[int]] = {}
    for r in rows:
        by_role.setdefault(role_of.get(r["actor_id"], ""), []).append(r["views"])
    out = []
    for r in rows:
        role = role_of.get(r["actor_id"], "")
        median = float(statistics.median(by_role[role]))
        unusual = r["views"] >= UNUSUAL_MINIMUM and r["views"] > UNUSUAL_FACTOR * median
        out.append(
            UserVolume(
                username=r["actor_username"],
                role=Role(role).label if role else "No current role",
                views=r["views"],
                exports=r["exports"],
                role_median_views=median,
                unusual=unusual,
            )
        )
    return out


def personal_data_exports(
    authority: Authority, start: datetime.date, end: datetime.date
) -> QuerySet[AuditEvent]:
    """Exports in the period that concern a person, or casework, or subject access."""
    return (
        AuditEvent.objects.filter(
            _period(start, end), authority=authority, action=AuditAction.EXPORT
        )
        .filter(
            Q(person_id__isnull=False)
            | Q(object_type__startswith="casework")
            | Q(object_type__startswith="privacy")
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
