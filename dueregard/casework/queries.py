"""Who sees which casework records: scoped querysets built on accounts.permissions.

The rules (accounts/permissions.py decides the roles; this module applies them):

- People, referrals and their history (Kind.CASEWORK): the Prevent lead / coordinator
  and the Channel panel chair of the record's authority.
- What a panel shares about a case (Kind.PANEL_CASE): those users for every case of their
  authority; a **panel member** only for a case that is on an *open* agenda item of a
  meeting of a panel where they are an *active standing member* (PanelMember.user is
  them). When the item is closed (or the meeting completed, or they leave the panel),
  the case disappears for them. They see the panel's summary, its assessments, its
  decisions and actions, never the referral's police notes, health details or address.
- Panels and meetings (Kind.PANEL): lead and chair see every panel of their authority;
  a panel member sees the panels they are an active standing member of.
- Panel actions (Kind.PANEL_ACTION): lead and chair see and change every action of their
  authority; a panel member sees and updates the actions they own.

Outside these, a record does not exist for the user (404).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest

from dueregard.accounts.access import get_visible, scoped
from dueregard.accounts.permissions import Action, Kind, authorities_for
from dueregard.areas.models import Authority
from dueregard.core import periods

from .matching import dates_alike, name_key, names_alike, soundex, swapped_day_month
from .models import (
    DEFAULT_CONTACT_INTERVAL_DAYS,
    LAPSING_GRACE_DAYS,
    ActionStatus,
    AgendaItem,
    AgendaReason,
    ConcernCodeList,
    ConcernType,
    Consent,
    EventKind,
    MeetingStatus,
    OnwardReferral,
    Panel,
    PanelAction,
    PanelMeeting,
    PanelMember,
    Person,
    Referral,
    Review,
    SessionStatus,
    Stage,
    StageEvent,
    SupportPlan,
    SupportSession,
)

# --------------------------------------------------------------------------------------
# People and referrals (Kind.CASEWORK)


def people_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Person]:
    return scoped(Person, user, action, kind=Kind.CASEWORK)


def referrals_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Referral]:
    return scoped(Referral, user, action, kind=Kind.CASEWORK).select_related(
        "person", "sector", "concern"
    )


def get_person_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> Person:
    return get_visible(request, people_visible_to, pk, kind=Kind.CASEWORK, write=write)


def get_referral_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> Referral:
    return get_visible(request, referrals_visible_to, pk, kind=Kind.CASEWORK, write=write)


def search_people(user: Any, text: str) -> QuerySet[Person]:
    """People whose name (or other names) or a referral reference contains `text`."""
    people = people_visible_to(user, Action.LIST).filter(unidentified_historical=False)
    text = text.strip()
    if not text:
        return people.none()
    # A reference match is a subquery, not a join, so no DISTINCT is needed; it is kept
    # to the user's authorities, so the database reads one authority's referrals through
    # its index instead of every referral in the country (docs/benchmarks.md).
    by_reference = (
        referrals_visible_to(user, Action.LIST).filter(reference__iexact=text).values("person_id")
    )
    condition = Q(pk__in=by_reference)
    for word in text.split()[:4]:
        key = name_key(word)
        if key:
            condition |= Q(given_name_key__contains=key) | Q(family_name_key__contains=key)
            condition |= Q(other_names__icontains=word) | Q(family_name_sound=soundex(word))
    return (
        people.filter(condition)
        .select_related("ward")
        .order_by("family_name", "given_name", "pk")[:50]
    )


@dataclass(frozen=True)
class PossibleMatch:
    """A person who may be the one being referred, with the reasons (never a score)."""

    person: Person
    reasons: tuple[str, ...]
    strong: bool  # name and date of birth both agree
    open_referrals: int


def possible_matches(
    authority: Authority,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date | None,
    other_names: str = "",
) -> list[PossibleMatch]:
    """People already known in `authority` who may be the person being referred.

    Tolerant: names that sound alike or are spelt nearly the same, other names, a date
    of birth with day and month swapped or a year out. Unidentified historical people
    and archived records are never offered. The coordinator decides.
    """
    candidates = Q()
    sound = soundex(family_name)
    if sound:
        candidates |= Q(family_name_sound=sound)
    if name_key(family_name):
        candidates |= Q(family_name_key=name_key(family_name))
    if date_of_birth:
        dates = [date_of_birth]
        swapped = swapped_day_month(date_of_birth)
        if swapped:
            dates.append(swapped)
        candidates |= Q(date_of_birth__in=dates)
    for word in other_names.split()[:3]:
        if name_key(word):
            candidates |= Q(family_name_key=name_key(word))
    if not candidates:
        return []
    people = (
        Person.objects.filter(candidates, authority=authority)
        .filter(unidentified_historical=False, archived=False)
        .annotate(
            open_count=Count("referrals", filter=~Q(referrals__stage=Stage.CLOSED), distinct=True)
        )[:200]
    )
    matches = []
    for person in people:
        family = names_alike(family_name, person.family_name) or next(
            (
                "matches another name"
                for n in person.other_names.split()
                if names_alike(family_name, n)
            ),
            "",
        )
        given = names_alike(given_name, person.given_name)
        initials = name_key(given_name)[:1], name_key(person.given_name)[:1]
        if not given and initials[0] and initials[0] == initials[1]:
            given = "same initial"
        born = dates_alike(date_of_birth, person.date_of_birth)
        name_fits = bool(family and given)
        if not (
            (name_fits and (born or not date_of_birth or not person.date_of_birth))
            or (born == "same" and (family or given))
        ):
            continue
        reasons = []
        if family:
            reasons.append(f"Family name: {family}")
        if given:
            reasons.append(f"Given name: {given}")
        if born:
            reasons.append(f"Date of birth: {born}")
        elif not date_of_birth or not person.date_of_birth:
            reasons.append("Date of birth: not known on one record")
        strong = family == "same" and given == "same" and born == "same"
        matches.append(PossibleMatch(person, tuple(reasons), strong, person.open_count))
    matches.sort(key=lambda m: (not m.strong, m.person.family_name, m.person.given_name))
    return matches


# --------------------------------------------------------------------------------------
# Reference lists


def concern_types_on(day: datetime.date | None = None) -> QuerySet[ConcernType]:
    """The enabled entries of the code list in force on `day` (default: the newest)."""
    lists = ConcernCodeList.objects.all()
    code_list = None
    if day is not None:
        code_list = (
            lists.filter(valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )
    code_list = code_list or lists.order_by("-valid_from").first()
    return ConcernType.objects.filter(code_list=code_list, disabled_on__isnull=True)


def concern_by_label(label: str, day: datetime.date | None = None) -> ConcernType | None:
    """The concern type called `label` (any case) in the list in force on `day`, else in
    the newest list that has it."""
    wanted = label.strip().casefold()
    if not wanted:
        return None
    for concern in concern_types_on(day):
        if concern.label.casefold() == wanted:
            return concern
    for concern in ConcernType.objects.order_by("-code_list__valid_from", "order"):
        if concern.label.casefold() == wanted:
            return concern
    return None


# --------------------------------------------------------------------------------------
# Panels (Kind.PANEL, Kind.PANEL_CASE, Kind.PANEL_ACTION)


def _case_roles(user: Any, action: Action) -> QuerySet[Authority]:
    """Authorities where `user` holds a casework role (lead, chair): full panel access."""
    return authorities_for(user, Kind.CASEWORK, action)


def _member_of(user: Any) -> QuerySet[PanelMember]:
    if not getattr(user, "is_authenticated", False):
        return PanelMember.objects.none()
    return PanelMember.objects.filter(user=user, active=True)


def panels_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Panel]:
    full = _case_roles(user, Action.VIEW)
    member = _member_of(user).filter(panel=OuterRef("pk"))
    return scoped(Panel, user, action, kind=Kind.PANEL).filter(
        Q(authority__in=full) | Exists(member)
    )


def meetings_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[PanelMeeting]:
    return PanelMeeting.objects.filter(panel__in=panels_visible_to(user, action)).select_related(
        "panel"
    )


def get_panel_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> Panel:
    return get_visible(request, panels_visible_to, pk, kind=Kind.PANEL, write=write)


def get_meeting_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> PanelMeeting:
    return get_visible(request, meetings_visible_to, pk, kind=Kind.PANEL, write=write)


def open_agenda_items_for_member(user: Any) -> QuerySet[AgendaItem]:
    """Open agenda items of meetings of the panels `user` is an active standing member of."""
    return scoped(AgendaItem, user, Action.VIEW, kind=Kind.PANEL_CASE).filter(
        is_open=True, meeting__panel__in=_member_of(user).values("panel")
    )


def panel_cases_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Referral]:
    """Cases whose panel view `user` may see: every case of the authorities where they hold
    a casework role; otherwise only cases on an open agenda item of their panel."""
    on_agenda = open_agenda_items_for_member(user).filter(referral=OuterRef("pk"))
    return (
        scoped(Referral, user, action, kind=Kind.PANEL_CASE)
        .filter(Q(authority__in=_case_roles(user, Action.VIEW)) | Exists(on_agenda))
        .select_related("person", "concern", "gateway_concern", "panel_concern")
    )


def get_panel_case_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> Referral:
    return get_visible(request, panel_cases_visible_to, pk, kind=Kind.PANEL_CASE, write=write)


def agenda_items_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(
        referral__in=panel_cases_visible_to(user, action)
    ).select_related("referral__person", "meeting__panel")


def get_agenda_item_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> AgendaItem:
    return get_visible(request, agenda_items_visible_to, pk, kind=Kind.PANEL_CASE, write=write)


def actions_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[PanelAction]:
    return (
        scoped(PanelAction, user, action, kind=Kind.PANEL_ACTION)
        .filter(
            Q(authority__in=_case_roles(user, Action.VIEW))
            | Q(owner__in=_member_of(user).values("pk"))
        )
        .select_related("owner", "meeting__panel", "referral__person")
    )


def get_action_for_user(request: HttpRequest, pk: Any, *, write: bool = False) -> PanelAction:
    return get_visible(request, actions_visible_to, pk, kind=Kind.PANEL_ACTION, write=write)


def carried_actions(meeting: PanelMeeting) -> QuerySet[PanelAction]:
    """Open actions from the panel's earlier meetings, carried to this one."""
    return PanelAction.objects.filter(
        meeting__panel=meeting.panel,
        meeting__held_on__lt=meeting.held_on,
        status=ActionStatus.OPEN,
    ).select_related("owner", "meeting", "referral__person")


def cases_for_agenda(meeting: PanelMeeting) -> QuerySet[Referral]:
    """Cases that may be added: awaiting the panel (new) or in Channel support (review)."""
    return (
        Referral.objects.filter(
            authority_id=meeting.authority_id,
            stage__in=[Stage.FOR_PANEL, Stage.DISCUSSED, Stage.ADOPTED, Stage.IN_SUPPORT],
        )
        .exclude(agenda_items__meeting=meeting)
        .select_related("person")
        .order_by("gateway_outcome_on", "pk")
    )


def meetings_open_for_listing(referral: Referral) -> QuerySet[PanelMeeting]:
    """The planned meetings, from today on, of the referral's authority's panels (not
    archived), soonest first: where "Add to a panel agenda" may put it. The first is the
    one the page preselects."""
    return (
        PanelMeeting.objects.filter(
            authority_id=referral.authority_id,
            status=MeetingStatus.PLANNED,
            held_on__gte=periods.today(),
            panel__archived=False,
        )
        .exclude(items__referral=referral)
        .select_related("panel")
        .order_by("held_on", "panel__name", "pk")
    )


def is_on_open_agenda(referral: Referral) -> bool:
    return AgendaItem.objects.filter(referral=referral, is_open=True).exists()


@dataclass(frozen=True)
class ProposedCase:
    """A case in support the meeting page proposes for the agenda, and why."""

    referral: Referral
    reason: AgendaReason
    last_contact: datetime.date | None
    last_discussed: datetime.date | None


def proposed_for_agenda(meeting: PanelMeeting, day: datetime.date) -> list[ProposedCase]:
    """Cases in support a planned meeting should discuss, each with its reason:
    "Support lapsing" (no delivered contact within the plan's interval plus grace on
    `day`), else "Support review" (last discussed at a panel, or adopted, more than the
    panel's `support_review_months` before the meeting). Cases already on an open agenda
    item of any meeting are left out: they are coming to a panel. One query."""
    if meeting.status != MeetingStatus.PLANNED:
        return []
    months = meeting.panel.support_review_months
    cases = (
        Referral.objects.filter(authority_id=meeting.authority_id, stage=Stage.IN_SUPPORT)
        .exclude(Exists(AgendaItem.objects.filter(referral=OuterRef("pk"), is_open=True)))
        .exclude(agenda_items__meeting=meeting)
        .annotate(
            last_contact=Subquery(
                SupportSession.objects.filter(
                    plan__referral=OuterRef("pk"), status=SessionStatus.DELIVERED
                )
                .order_by("-occurred_on")
                .values("occurred_on")[:1]
            ),
            last_discussed=Subquery(
                StageEvent.objects.filter(referral=OuterRef("pk"), kind=EventKind.DISCUSSED)
                .order_by("-occurred_on", "-pk")
                .values("occurred_on")[:1]
            ),
            contact_interval=F("support_plan__contact_interval_days"),
        )
        .select_related("person")
        .order_by("support_started_on", "pk")
    )
    proposed = []
    for case in cases:
        last_contact = case.last_contact  # type: ignore[attr-defined]
        last_discussed = case.last_discussed or case.adopted_on  # type: ignore[attr-defined]
        if is_lapsing(last_contact, case.support_started_on, case.contact_interval, day):  # type: ignore[attr-defined]
            reason = AgendaReason.SUPPORT_LAPSING
        elif last_discussed is None or periods.add_months(last_discussed, months) <= (
            meeting.held_on
        ):
            reason = AgendaReason.SUPPORT_REVIEW
        else:
            continue
        proposed.append(ProposedCase(case, reason, last_contact, last_discussed))
    return proposed


# --------------------------------------------------------------------------------------
# Work queue


def expected_sessions(plan: SupportPlan, day: datetime.date) -> int:
    """Sessions a plan should have delivered by `day`, spread evenly from its planned
    start to its planned end (all of them by the end)."""
    if day < plan.planned_start_on:
        return 0
    span = (plan.planned_end_on - plan.planned_start_on).days
    if span <= 0 or day >= plan.planned_end_on:
        return plan.sessions_planned
    return plan.sessions_planned * (day - plan.planned_start_on).days // span


def earlier_referrals(referral: Referral) -> list[Referral]:
    """The person's other referrals received in the `REPEAT_REFERRAL_MONTHS` before this one
    (and not after it), newest first, whatever their outcomes: a person referred again and
    again must be seen as such (the Southport Prevent Learning Review)."""
    since = periods.add_months(referral.received_on, -settings.REPEAT_REFERRAL_MONTHS)
    return list(
        Referral.objects.filter(
            person_id=referral.person_id,
            received_on__gte=since,
            received_on__lte=referral.received_on,
        )
        .exclude(pk=referral.pk)
        .order_by("-received_on", "-pk")
    )


def repeat_counts(referrals: Sequence[Referral]) -> dict[int, int]:
    """For each referral, how many times its person was referred in the window ending on
    its date (itself included): one query for the whole list."""
    people = {r.person_id for r in referrals}
    history: dict[int, list[datetime.date]] = {}
    for person_id, received_on in Referral.objects.filter(person_id__in=people).values_list(
        "person_id", "received_on"
    ):
        history.setdefault(person_id, []).append(received_on)
    counts = {}
    for r in referrals:
        since = periods.add_months(r.received_on, -settings.REPEAT_REFERRAL_MONTHS)
        counts[r.pk] = sum(1 for day in history[r.person_id] if since <= day <= r.received_on)
    return counts


REVIEW_NOTICE_DAYS = 28
# Support with no delivered contact for its plan's contact interval (by default
# CONTACT_INTERVAL_DAYS) plus LAPSING_GRACE_DAYS is lapsing.
CONTACT_INTERVAL_DAYS = DEFAULT_CONTACT_INTERVAL_DAYS


def is_lapsing(
    last_contact: datetime.date | None,
    support_started_on: datetime.date | None,
    interval_days: int | None,
    day: datetime.date,
) -> bool:
    """Whether support is lapsing on `day`: no delivered contact (or start of support)
    within the plan's contact interval plus `LAPSING_GRACE_DAYS` before it."""
    last = last_contact or support_started_on
    allowed = (interval_days or CONTACT_INTERVAL_DAYS) + LAPSING_GRACE_DAYS
    return last is None or last + datetime.timedelta(days=allowed) < day


@dataclass(frozen=True)
class Section:
    """One part of the caseload: every open referral is in exactly one (see `caseload`)."""

    id: str
    title: str
    description: str


# In pathway order: the order of the page and of the home page's counts.
SECTIONS = [
    Section("triage", "Awaiting triage", "Received, not yet triaged."),
    Section("gateway", "With the police gateway", "Referred to the police, no outcome yet."),
    Section("ready", "Ready for a panel", "For the Channel panel, not yet on an agenda."),
    Section("agenda", "On a panel agenda", "On the agenda of a panel meeting."),
    Section("decision", "Discussed, decision pending", "Discussed at a panel, no decision yet."),
    Section("consent", "Adopted, awaiting consent", "Adopted; consent not yet given."),
    Section(
        "plan",
        "Awaiting a support plan",
        "Consent given; the support plan is not agreed or support has not started.",
    ),
    Section("support", "In support", "Receiving Channel support."),
    Section(
        "lapsing",
        "Support lapsing",
        "In support with no delivered contact within the plan's contact interval "
        f"(every {CONTACT_INTERVAL_DAYS} days unless the plan says otherwise) plus "
        f"{LAPSING_GRACE_DAYS} days' grace.",
    ),
    Section(
        "review_due",
        "Left Channel: review due",
        f"A post-exit review due within {REVIEW_NOTICE_DAYS} days, or overdue.",
    ),
    Section("review_later", "Left Channel: next review later", "The next review is not due yet."),
    Section("closure", "Reviews complete, awaiting closure", "Every post-exit review is recorded."),
    Section(
        "onward",
        "Onward referral awaiting confirmation",
        "Not for Channel, referred on for other vulnerabilities: the service has not yet "
        "accepted or declined it.",
    ),
]


@dataclass
class CaseRow:
    referral: Referral
    since: datetime.date | None  # when the referral entered its stage
    days_in_stage: int | None
    meeting: PanelMeeting | None = None  # the agenda it is on
    last_contact: datetime.date | None = None  # the last delivered support contact
    review: Review | None = None  # the next post-exit review
    times_referred: int = 1  # within REPEAT_REFERRAL_MONTHS, this one included
    onward_service: str = ""  # the service it was referred on to, awaiting its answer


@dataclass
class Caseload:
    """Every open referral a user may see, each in one section, oldest first in each."""

    rows: dict[str, list[CaseRow]]
    overdue_actions: list[PanelAction] = field(default_factory=list)

    def sections(self) -> list[tuple[Section, list[CaseRow]]]:
        return [(section, self.rows[section.id]) for section in SECTIONS]

    def counts(self) -> dict[str, int]:
        counts = {section.id: len(self.rows[section.id]) for section in SECTIONS}
        return counts | {"overdue_actions": len(self.overdue_actions)}

    @property
    def open_cases(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def person_ids(self) -> list[int]:
        ids = {row.referral.person_id for rows in self.rows.values() for row in rows}
        ids |= {a.referral.person_id for a in self.overdue_actions if a.referral is not None}
        return sorted(ids)


def _section_of(referral: Any, day: datetime.date) -> str:
    """The one section an open referral belongs to (from `caseload`'s annotations)."""
    stage = referral.stage
    if referral.open_meeting_id is not None:
        return "agenda"
    if stage == Stage.ONWARD:
        return "onward"
    if stage == Stage.RECEIVED:
        return "triage"
    if stage == Stage.WITH_GATEWAY:
        return "gateway"
    if stage == Stage.FOR_PANEL:
        return "ready"
    if stage == Stage.DISCUSSED:
        return "decision"
    if stage == Stage.ADOPTED:
        return "plan" if referral.consent_status == "given" else "consent"
    if stage == Stage.IN_SUPPORT:
        lapsing = is_lapsing(
            referral.last_contact, referral.support_started_on, referral.contact_interval, day
        )
        return "lapsing" if lapsing else "support"
    # Left Channel: by its next review.
    due = referral.next_review_due
    if due is None:
        return "closure"
    if due <= day + datetime.timedelta(days=REVIEW_NOTICE_DAYS):
        return "review_due"
    return "review_later"


def caseload(user: Any, day: datetime.date, *, mine: bool = False) -> Caseload:
    """Every open referral in the authorities where `user` holds a casework role, each
    in exactly one section of `SECTIONS`, oldest in its stage first; and the overdue
    panel actions. `mine` keeps the referrals whose case officer is `user`.

    One query reads the referrals with what places them (their open agenda item, latest
    consent, last delivered contact, next review and when they entered their stage), so
    the page's query count does not grow with the caseload.
    """
    referrals = referrals_visible_to(user, Action.LIST).exclude(stage=Stage.CLOSED)
    if mine:
        referrals = referrals.filter(coordinator=user)
    open_item = AgendaItem.objects.filter(referral=OuterRef("pk"), is_open=True).order_by(
        "meeting__held_on", "pk"
    )
    stage_changes = (
        StageEvent.objects.filter(referral=OuterRef("pk"))
        .exclude(from_stage="")
        .order_by("-occurred_on", "-pk")
    )
    rows = list(
        referrals.annotate(
            open_meeting_id=Subquery(open_item.values("meeting_id")[:1]),
            consent_status=Subquery(
                Consent.objects.filter(referral=OuterRef("pk"))
                .order_by("-occurred_on", "-pk")
                .values("status")[:1]
            ),
            last_contact=Subquery(
                SupportSession.objects.filter(
                    plan__referral=OuterRef("pk"), status=SessionStatus.DELIVERED
                )
                .order_by("-occurred_on")
                .values("occurred_on")[:1]
            ),
            next_review_id=Subquery(
                Review.objects.filter(referral=OuterRef("pk"), held_on__isnull=True)
                .order_by("due_on", "pk")
                .values("pk")[:1]
            ),
            next_review_due=Subquery(
                Review.objects.filter(referral=OuterRef("pk"), held_on__isnull=True)
                .order_by("due_on", "pk")
                .values("due_on")[:1]
            ),
            stage_since=Subquery(stage_changes.values("occurred_on")[:1]),
            contact_interval=F("support_plan__contact_interval_days"),
            onward_service=Subquery(
                OnwardReferral.objects.filter(referral=OuterRef("pk"), response__isnull=True)
                .order_by("-pk")
                .values("service")[:1]
            ),
        ).select_related("person", "coordinator")
    )
    meetings = PanelMeeting.objects.select_related("panel").in_bulk(
        {r.open_meeting_id for r in rows if r.open_meeting_id is not None}  # type: ignore[attr-defined]
    )
    reviews = Review.objects.in_bulk(
        {r.next_review_id for r in rows if r.next_review_id is not None}  # type: ignore[attr-defined]
    )
    times_referred = repeat_counts(rows)
    placed: dict[str, list[CaseRow]] = {section.id: [] for section in SECTIONS}
    for referral in rows:
        since = referral.stage_since or referral.received_on  # type: ignore[attr-defined]
        placed[_section_of(referral, day)].append(
            CaseRow(
                referral=referral,
                since=since,
                days_in_stage=(day - since).days if since else None,
                meeting=meetings.get(referral.open_meeting_id),  # type: ignore[attr-defined]
                last_contact=referral.last_contact,  # type: ignore[attr-defined]
                review=reviews.get(referral.next_review_id),  # type: ignore[attr-defined]
                times_referred=times_referred[referral.pk],
                onward_service=referral.onward_service or "",  # type: ignore[attr-defined]
            )
        )
    for section_rows in placed.values():
        section_rows.sort(key=lambda row: (row.since or day, row.referral.pk))
    return Caseload(
        rows=placed,
        overdue_actions=list(
            scoped(actions_visible_to(user), user, Action.LIST, kind=Kind.CASEWORK)
            .filter(status=ActionStatus.OPEN, due_on__lt=day)
            .filter(Q(referral__isnull=True) | Q(referral__in=referrals))
            .select_related("owner")
            .order_by("due_on")
        ),
    )


def member_queue(user: Any, day: datetime.date) -> dict[str, Any]:
    """A panel member's own work: their open actions and the cases on their agenda."""
    actions = actions_visible_to(user).filter(
        owner__in=_member_of(user).values("pk"), status=ActionStatus.OPEN
    )
    return {
        "actions": list(actions.order_by("due_on")),
        "overdue": actions.filter(due_on__lt=day).count(),
        "agenda_items": list(
            open_agenda_items_for_member(user)
            .select_related("referral__person", "meeting__panel")
            .order_by("meeting__held_on")
        ),
    }
