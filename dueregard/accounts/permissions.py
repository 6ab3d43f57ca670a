"""Who may list, view, change and export each kind of record: the one place it is decided.

A user's access comes from their active memberships (role x authority, or role x region
for regional and national viewers). Every view, export, API endpoint and report asks this
module, through the `..._visible_to(user)` and `get_..._for_user()` functions of each
domain's `queries.py` and the decorators in `accounts.access`.

Finer need-to-know rules (a panel member sees a case only while it is on their panel's
agenda) are applied on top of these by the owning domain's queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet

from dueregard.areas.models import Authority

from .models import Membership, Role, User


class Action(StrEnum):
    LIST = "list"
    VIEW = "view"
    CHANGE = "change"
    EXPORT = "export"


class Kind(StrEnum):
    """Kinds of record (and of aggregate output) that access rules are written for."""

    CASEWORK = "casework"  # people, referrals, their history, Channel cases, support
    PANEL_CASE = "panel_case"  # what a panel shares about a case on its agenda
    PANEL = "panel"  # panels, meetings, agendas, attendance
    PANEL_ACTION = "panel_action"  # actions from panel meetings
    TRAINING = "training"
    ASSURANCE = "assurance"  # strategy, action plan, benchmarks, risk, CTLP, incidents
    ENGAGEMENT = "engagement"  # community engagement, projects, settings, venues, IT checks
    GOVERNANCE = "governance"  # boards, meetings, reporting commitments
    STATISTICS = "statistics"  # aggregate figures and reports
    AUDIT_LOG = "audit_log"
    SHARING = "sharing"  # information-sharing log and data-sharing agreements
    RETENTION = "retention"  # retention schedule, legal holds, destruction records
    ACCESS_REVIEW = "access_review"  # the data protection officer's access reviews
    USERS = "users"  # users, memberships, reference lists, settings
    AREAS = "areas"


class Audience(StrEnum):
    """Who a report is produced for; all but EXACT get disclosure control."""

    EXACT = "exact"
    BOARD = "board"
    PARTNER = "partner"
    PUBLIC = "public"


L, C, M = Role.PREVENT_LEAD, Role.PANEL_CHAIR, Role.PANEL_MEMBER
E, AN, B = Role.EDUCATION_OFFICER, Role.ANALYST, Role.BOARD_MEMBER
AU, R, AD = Role.AUDITOR, Role.REGIONAL_VIEWER, Role.ADMINISTRATOR
EVERYONE = frozenset(Role)


def _rule(
    list_: Iterable[Role] = (),
    view: Iterable[Role] = (),
    change: Iterable[Role] = (),
    export: Iterable[Role] = (),
) -> dict[Action, frozenset[Role]]:
    return {
        Action.LIST: frozenset(list_),
        Action.VIEW: frozenset(view),
        Action.CHANGE: frozenset(change),
        Action.EXPORT: frozenset(export),
    }


RULES: dict[Kind, dict[Action, frozenset[Role]]] = {
    Kind.CASEWORK: _rule(list_=[L, C], view=[L, C], change=[L, C], export=[L, C]),
    Kind.PANEL_CASE: _rule(list_=[L, C, M], view=[L, C, M], change=[L, C], export=[L, C]),
    Kind.PANEL: _rule(list_=[L, C, M], view=[L, C, M], change=[L, C], export=[L, C]),
    Kind.PANEL_ACTION: _rule(list_=[L, C, M], view=[L, C, M], change=[L, C, M], export=[L, C]),
    Kind.TRAINING: _rule(list_=[L, E, AN], view=[L, E, AN], change=[L, E], export=[L, E, AN]),
    Kind.ASSURANCE: _rule(list_=[L, AN], view=[L, AN], change=[L], export=[L, AN]),
    Kind.ENGAGEMENT: _rule(list_=[L, E, AN], view=[L, E, AN], change=[L, E], export=[L, E, AN]),
    Kind.GOVERNANCE: _rule(list_=[L, AN, B], view=[L, AN, B], change=[L], export=[L, AN]),
    Kind.STATISTICS: _rule(list_=[L, C, AN, B, R], view=[L, C, AN, B, R], export=[L, C, AN, B, R]),
    Kind.AUDIT_LOG: _rule(list_=[AU], view=[AU], export=[AU]),
    Kind.SHARING: _rule(list_=[L, C, AU], view=[L, C, AU], change=[L, C], export=[L, C, AU]),
    Kind.RETENTION: _rule(list_=[L, AU], view=[L, AU], change=[L], export=[L, AU]),
    Kind.ACCESS_REVIEW: _rule(list_=[AU], view=[AU], change=[AU], export=[AU]),
    Kind.USERS: _rule(list_=[AD], view=[AD], change=[AD], export=[AD]),
    Kind.AREAS: _rule(list_=EVERYONE, view=EVERYONE, change=[AD]),
}

# The most exact audience each role may ask for; every less exact one is allowed too.
AUDIENCE_BY_ROLE: dict[Role, Audience] = {
    L: Audience.EXACT,
    C: Audience.EXACT,
    AN: Audience.EXACT,
    B: Audience.BOARD,
    M: Audience.PARTNER,
    R: Audience.BOARD,
    E: Audience.PUBLIC,
    AU: Audience.PUBLIC,
    AD: Audience.PUBLIC,
}
_AUDIENCE_ORDER = [Audience.EXACT, Audience.BOARD, Audience.PARTNER, Audience.PUBLIC]

# Roles that can see personal records, and so must sign in with a second factor.
PERSONAL_DATA_ROLES = RULES[Kind.CASEWORK][Action.VIEW] | RULES[Kind.PANEL_CASE][Action.VIEW]

# Roles with a role on every case of their authority (lead, chair), and those who see a
# case only while it is on the agenda of a panel they sit on (panel member): the access
# review's test of whether a view of a person's record was in role.
CASE_ROLES = RULES[Kind.CASEWORK][Action.VIEW]
AGENDA_ROLES = RULES[Kind.PANEL_CASE][Action.VIEW] - CASE_ROLES

# Who is offered the API documentation: administrators issue partner tokens, and leads
# agree what partners may do.
API_DOCUMENTATION_ROLES = frozenset({AD, L})


def roles_allowed(kind: Kind, action: Action) -> frozenset[Role]:
    return RULES[kind][action]


def active_memberships(user: Any) -> list[Membership]:
    """The user's active memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_dr_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, active=True).select_related("authority"))
        user._dr_memberships = cached
    return cached


def _covers(membership: Membership, authority_id: int, region: str | None) -> bool:
    if membership.authority_id is not None:
        return membership.authority_id == authority_id
    # A regional viewer covers its region; with no region, all of England and Wales.
    return not membership.region or membership.region == region


def roles_in(user: Any, authority: Authority) -> set[Role]:
    return {
        Role(m.role) for m in active_memberships(user) if _covers(m, authority.pk, authority.region)
    }


def can(user: Any, kind: Kind, action: Action, authority: Authority) -> bool:
    """May `user` do `action` on a record of `kind` that belongs to `authority`?"""
    return bool(roles_in(user, authority) & RULES[kind][action])


def can_anywhere(user: Any, kind: Kind, action: Action) -> bool:
    allowed = RULES[kind][action]
    return any(m.role in allowed for m in active_memberships(user))


def has_role(user: Any, *roles: Role) -> bool:
    return any(m.role in roles for m in active_memberships(user))


def authorities_for(user: Any, kind: Kind, action: Action) -> QuerySet[Authority]:
    """The authorities in which `user` may do `action` on records of `kind`."""
    allowed = RULES[kind][action]
    condition = Q(pk__in=[])
    for m in active_memberships(user):
        if m.role not in allowed:
            continue
        if m.authority_id is not None:
            condition |= Q(pk=m.authority_id)
        elif m.region:
            condition |= Q(region=m.region)
        else:
            condition = Q()
            break
    return Authority.objects.filter(condition)


def users_who_can(kind: Kind, action: Action, authority: Authority) -> QuerySet[User]:
    """The active users who may do `action` on records of `kind` in `authority` through a
    membership of that authority (e.g. who may be a referral's case officer)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__active=True,
            memberships__authority=authority,
            memberships__role__in=RULES[kind][action],
        )
        .distinct()
        .order_by("full_name", "username")
    )


def audiences_for(user: Any, authority: Authority) -> list[Audience]:
    """The audiences `user` may produce reports for in `authority`, most exact first."""
    best = len(_AUDIENCE_ORDER) - 1
    for role in roles_in(user, authority):
        best = min(best, _AUDIENCE_ORDER.index(AUDIENCE_BY_ROLE[role]))
    if not roles_in(user, authority):
        return []
    return _AUDIENCE_ORDER[best:]


def is_administrator(user: Any) -> bool:
    return has_role(user, AD)
