"""The referral pathway: its stages, the moves allowed between them, and what each event
writes. The only place a transition rule is written (ADR 0017).

Pure: no queries, no I/O, no clock. `apply(stage, event)` turns a referral's stage and
one business event into the history rows (`Row`, the columns of a `StageEvent`) and the
cached milestone values of `Referral` that the event produces, or raises the
`ValidationError` a person sees when the pathway does not allow it. Three writers apply it:

- `casework.services`, one case at a time through the ORM, with its audit event;
- `casework.imports`, a file of historical referrals in bulk through `core.bulk`;
- `demo.national`, the national-scale dataset in bulk through `core.bulk`.

So the three cannot disagree about where an event leaves a referral or what its history
says. What the services check besides (dates not in the future and in order, required
fields, who may act, the records an event needs such as a support plan or consent) stays
with them, because it needs the database or the clock.

The pathway (see docs/casework.md):

    received --triage: referred to police--> with_gateway --for Channel panel--> for_panel
    received --triage: advice / signposted / no further action--> closed
    with_gateway --no further action / signposted / police-led--> closed
    received/with_gateway --not for Channel: referred on for other vulnerabilities-->
        onward_referral --the service accepted or declined it--> closed
    for_panel --discussed--> discussed --adopted--> adopted --support started--> in_support
    for_panel/discussed --not adopted (alternative support)--> closed
    adopted/in_support --panel decision "Leave Channel"--> left_channel
    left_channel --6 and 12-month (and any extended) reviews--> closed
    left_channel --review finds renewed concerns--> closed, and a new linked referral
        at received (triage) or for_panel, as the reviewer chooses (ADR 0016)
    any open stage --closed with a reason--> closed
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError

from dueregard.core import periods

from .models import (
    OPEN_STAGES,
    REVIEW_LIMIT_MONTHS,
    AgendaReason,
    ConsentGivenBy,
    ConsentStatus,
    EventKind,
    GatewayOutcome,
    OnwardResponse,
    PanelDecision,
    ReviewKind,
    SessionStatus,
    Stage,
    TriageOutcome,
)

AWAITING_PANEL = frozenset({Stage.FOR_PANEL, Stage.DISCUSSED})
SUPPORT_STAGES = frozenset({Stage.ADOPTED, Stage.IN_SUPPORT})
# Where a panel decides, consent is recorded and a case may go on an agenda.
AT_PANEL = AWAITING_PANEL | SUPPORT_STAGES
PANEL_STAGES = AT_PANEL | {Stage.LEFT_CHANNEL}
# The post-exit reviews leaving Channel schedules, months after the person left.
REVIEW_MONTHS = {ReviewKind.SIX_MONTHS: 6, ReviewKind.TWELVE_MONTHS: 12}
# A review held more than this many days before it is due needs a confirmed reason.
EARLY_REVIEW_DAYS = 30

GENERIC = "This referral is {stage}: it cannot be {kind} now."


@dataclass(frozen=True)
class Rule:
    """The stages an event may happen at, and what a person is told when it may not
    (`{stage}` and `{kind}` are the current stage's and the event's labels)."""

    at: frozenset[Stage]
    refusal: str = GENERIC


TRANSITIONS: dict[EventKind, Rule] = {
    EventKind.TRIAGED: Rule(frozenset({Stage.RECEIVED})),
    EventKind.REFERRED_TO_POLICE: Rule(frozenset({Stage.RECEIVED})),
    EventKind.GATEWAY_OUTCOME: Rule(frozenset({Stage.WITH_GATEWAY})),
    EventKind.REFERRED_ON: Rule(frozenset({Stage.RECEIVED, Stage.WITH_GATEWAY})),
    EventKind.ONWARD_RESPONSE: Rule(
        frozenset({Stage.ONWARD}),
        "This referral is {stage}: it is not awaiting an answer from a service it was "
        "referred on to.",
    ),
    EventKind.DISCUSSED: Rule(AT_PANEL, "This referral is {stage}: the panel cannot decide on it."),
    EventKind.ADOPTED: Rule(AWAITING_PANEL),
    EventKind.NOT_ADOPTED: Rule(AWAITING_PANEL),
    EventKind.CONSENT: Rule(
        AT_PANEL, "Consent is recorded for cases at panel or in Channel support."
    ),
    EventKind.SUPPORT_PLAN: Rule(
        SUPPORT_STAGES, "A support plan is agreed for an adopted Channel case."
    ),
    EventKind.SUPPORT_STARTED: Rule(frozenset({Stage.ADOPTED})),
    EventKind.SESSION: Rule(
        frozenset({Stage.IN_SUPPORT}),
        "Sessions are recorded while the person is receiving support.",
    ),
    EventKind.LEFT_CHANNEL: Rule(SUPPORT_STAGES),
    EventKind.REVIEW: Rule(
        frozenset({Stage.LEFT_CHANNEL}), "Reviews are recorded after the person has left Channel."
    ),
    EventKind.REVIEW_EXTENDED: Rule(
        frozenset({Stage.LEFT_CHANNEL}), "Reviews are extended after the person has left Channel."
    ),
    # The new referral a review reopens; the reviewed one is closed (`ReopenedAs`).
    EventKind.REOPENED: Rule(frozenset({Stage.RECEIVED})),
    EventKind.VAF_RECORDED: Rule(PANEL_STAGES, "The panel assesses cases that have reached it."),
    EventKind.CASE_OFFICER: Rule(frozenset(OPEN_STAGES), "This referral is closed."),
    EventKind.CLOSED: Rule(frozenset(OPEN_STAGES), "This referral is already closed."),
}
# Receiving and agenda changes (see `agenda_reason`) happen at any stage.


def allows(stage: str, kind: EventKind) -> bool:
    """Whether an event of `kind` may happen at `stage` (for pages offering next steps)."""
    rule = TRANSITIONS.get(kind)
    return rule is None or stage in rule.at


def check(stage: str, kind: EventKind) -> None:
    """Raise the refusal a person sees if an event of `kind` may not happen at `stage`."""
    if not allows(stage, kind):
        rule = TRANSITIONS[kind]
        raise ValidationError(
            rule.refusal.format(
                stage=Stage(stage).label.lower(), kind=EventKind(kind).label.lower()
            )
        )


def check_decision(
    stage: str, decision: PanelDecision, *, exit_reason_given: bool, alternative_support: str
) -> None:
    """A panel's decision fits the case: adopting or not only a case awaiting a decision
    (not adopting names the alternative support), continuing support or leaving Channel
    only an adopted one (leaving names the exit reason). Refusals name the field."""
    check(stage, EventKind.DISCUSSED)
    awaiting = stage in AWAITING_PANEL
    if decision in (PanelDecision.ADOPT, PanelDecision.NOT_ADOPT) and not awaiting:
        raise ValidationError({"decision": "This case has already been adopted"})
    if decision == PanelDecision.CONTINUE and awaiting:
        raise ValidationError({"decision": "Only an adopted Channel case can continue support"})
    if decision == PanelDecision.LEAVE:
        if awaiting:
            raise ValidationError({"decision": "Only an adopted Channel case can leave Channel"})
        if not exit_reason_given:
            raise ValidationError({"exit_reason": "Choose why the person is leaving Channel"})
    if decision == PanelDecision.NOT_ADOPT and not alternative_support:
        raise ValidationError({"alternative_support": "Enter the alternative support offered"})


def agenda_reason(stage: str, proposed: AgendaReason | None) -> AgendaReason:
    """Why a case at `stage` goes on a panel's agenda: support lapsing or a support review
    (as proposed) only while in support; otherwise a new case while it awaits a decision
    and a review once adopted. Other stages cannot go on an agenda."""
    if proposed in (AgendaReason.SUPPORT_LAPSING, AgendaReason.SUPPORT_REVIEW):
        if stage != Stage.IN_SUPPORT:
            raise ValidationError(
                {"reason": f"{proposed.label} is a reason for a case receiving Channel support"}
            )
        return proposed
    if stage in AWAITING_PANEL:
        return AgendaReason.NEW
    if stage in SUPPORT_STAGES:
        return AgendaReason.REVIEW
    raise ValidationError(
        f"This referral is {Stage(stage).label.lower()}: it cannot go on the agenda."
    )


def check_support_start(*, has_plan: bool, consent: ConsentStatus | None) -> None:
    """Support starts only with a support plan and the latest consent given (`consent`,
    None when none is recorded)."""
    if not has_plan:
        raise ValidationError("Agree a support plan before support starts.")
    if consent != ConsentStatus.GIVEN:
        raise ValidationError(
            "Support cannot start until consent is recorded as given"
            + (f" (latest: {consent.label.lower()})." if consent else ".")
        )


def reviews_due(left_on: datetime.date) -> list[tuple[ReviewKind, datetime.date]]:
    """The post-exit reviews leaving Channel on `left_on` schedules, with their due dates."""
    return [(kind, periods.add_months(left_on, months)) for kind, months in REVIEW_MONTHS.items()]


def review_limit(left_on: datetime.date) -> datetime.date:
    """The latest day a post-exit review may be due: `REVIEW_LIMIT_MONTHS` after exit."""
    return periods.add_months(left_on, REVIEW_LIMIT_MONTHS)


def check_extension(left_on: datetime.date, due_on: datetime.date, *, already_due: bool) -> None:
    """A further post-exit review (the guidance allows review up to two years after exit)
    is due after the person left Channel, no later than `review_limit`, and not on a day a
    review of the referral is already due (`already_due`)."""
    limit = review_limit(left_on)
    if due_on <= left_on:
        raise ValidationError(
            {
                "due_on": f"The review must be due after the person left Channel ({left_on:%-d %B %Y})"
            }
        )
    if due_on > limit:
        raise ValidationError(
            {
                "due_on": f"The review must be due no later than {REVIEW_LIMIT_MONTHS} months "
                f"after the person left Channel ({limit:%-d %B %Y})"
            }
        )
    if already_due:
        raise ValidationError({"due_on": f"A review is already due on {due_on:%-d %B %Y}"})


def check_review(
    held_on: datetime.date,
    due_on: datetime.date,
    *,
    confirm_early: bool,
    early_reason: str,
    further_concerns: bool,
    reopen_to: str,
) -> bool:
    """A review held more than `EARLY_REVIEW_DAYS` before it is due is confirmed as early
    and says why; one that finds renewed concerns says where the reopened case goes
    (ADR 0016). Returns whether it is held early."""
    early = held_on < due_on - datetime.timedelta(days=EARLY_REVIEW_DAYS)
    if early:
        if not confirm_early:
            raise ValidationError(
                {
                    "confirm_early": f"The review is due on {due_on:%-d %B %Y}, more "
                    f"than {EARLY_REVIEW_DAYS} days after this date: confirm it is being "
                    "held early"
                }
            )
        if not early_reason:
            raise ValidationError({"early_reason": "Enter why the review is held early"})
    if further_concerns and reopen_to not in (ReopenTo.TRIAGE, ReopenTo.PANEL):
        raise ValidationError(
            {"reopen_to": "Choose where the reopened case goes: triage or a panel"}
        )
    return early


# --------------------------------------------------------------------------------------
# What an event writes


class Row(NamedTuple):
    """One history row: the `StageEvent` columns the pathway decides, in the order bulk
    writers name them. `from_stage` is "" unless the row changes the stage."""

    kind: str
    from_stage: str
    to_stage: str
    outcome: str
    outcome_label: str
    concern_id: int | None
    occurred_on: datetime.date
    reason: str


# The cached milestone columns of `Referral` (attribute names), as a referral starts.
MILESTONES: dict[str, Any] = {
    "stage": Stage.RECEIVED.value,
    "triaged_on": None,
    "triage_outcome": None,
    "referred_to_police_on": None,
    "gateway_outcome": None,
    "gateway_outcome_on": None,
    "gateway_concern_id": None,
    "discussed_at_panel_on": None,
    "panel_concern_id": None,
    "adopted_on": None,
    "not_adopted_on": None,
    "alternative_support": "",
    "support_started_on": None,
    "left_channel_on": None,
    "exit_reason_id": None,
    "closed_on": None,
    "closure_reason": "",
}


@dataclass(frozen=True)
class Step:
    """What one event produces: its history rows, in order, and the milestone values it
    sets (always `stage`)."""

    rows: tuple[Row, ...]
    milestones: dict[str, Any]

    @property
    def stage(self) -> str:
        return str(self.milestones["stage"])


@dataclass(frozen=True)
class Received:
    on: datetime.date
    concern_id: int | None = None
    sector_code: str = ""
    sector_label: str = ""


@dataclass(frozen=True)
class Onward:
    """The service a referral not for Channel is referred on to, and the day."""

    service: str
    on: datetime.date


@dataclass(frozen=True)
class Triaged:
    """Referred to police (on `police_on`, default the triage date) moves it to the
    gateway; referred on moves it to await the service (`onward` given); the other
    outcomes close it with the reason."""

    on: datetime.date
    outcome: TriageOutcome
    reason: str
    police_on: datetime.date | None = None
    onward: Onward | None = None


@dataclass(frozen=True)
class GatewayDecided:
    """For Channel panel makes the case await a panel; referred on awaits the service;
    the other outcomes close it."""

    on: datetime.date
    outcome: GatewayOutcome
    reason: str
    concern_id: int | None = None
    onward: Onward | None = None


@dataclass(frozen=True)
class OnwardAnswered:
    on: datetime.date
    response: OnwardResponse
    service: str
    note: str = ""


@dataclass(frozen=True)
class PanelDiscussed:
    """A panel's discussion and what it decided (`None`: a discussion whose decision the
    record does not give, as historical files have). The first discussion moves the case
    to discussed; adopting moves it to adopted; not adopting closes it. "Leave Channel" is
    followed by `LeftChannel`."""

    on: datetime.date
    decision: PanelDecision | None
    reason: str
    concern_id: int | None = None
    alternative_support: str = ""


@dataclass(frozen=True)
class SupportStarted:
    on: datetime.date


@dataclass(frozen=True)
class LeftChannel:
    on: datetime.date
    exit_code: str
    exit_label: str
    exit_reason_id: int | None
    reason: str


@dataclass(frozen=True)
class Closed:
    on: datetime.date
    reason: str


@dataclass(frozen=True)
class _Reopening:
    """A post-exit review (`review_label`) that found renewed concerns reopened the case,
    to triage or a panel (`to`, a `ReopenTo`); `reference` is the other referral's."""

    on: datetime.date
    reference: str
    review_label: str
    to: str
    reason: str


@dataclass(frozen=True)
class ReopenedAs(_Reopening):
    """The reviewed referral: noted as reopened as the new one, and closed."""


@dataclass(frozen=True)
class ReopenedFrom(_Reopening):
    """The new referral: straight to a panel, or waiting at triage."""


@dataclass(frozen=True)
class ConsentRecorded:
    on: datetime.date
    status: ConsentStatus
    given_by: ConsentGivenBy
    reason: str = ""


@dataclass(frozen=True)
class PlanAgreed:
    on: datetime.date
    revised: bool
    sessions_planned: int
    contact_interval_days: int


@dataclass(frozen=True)
class SessionRecorded:
    on: datetime.date
    status: SessionStatus


@dataclass(frozen=True)
class Reviewed:
    on: datetime.date
    kind: ReviewKind
    further_concerns: bool
    reason: str
    early: bool = False


@dataclass(frozen=True)
class ReviewExtended:
    """The panel decided on `on` that a further review is due on `due_on`."""

    on: datetime.date
    due_on: datetime.date
    reason: str


@dataclass(frozen=True)
class AddedToAgenda:
    on: datetime.date
    reason: AgendaReason
    meeting: str


@dataclass(frozen=True)
class Noted:
    """A history row that moves no stage (the kind's rule, if any, still applies)."""

    kind: EventKind
    on: datetime.date
    outcome: str = ""
    outcome_label: str = ""
    reason: str = ""


class ReopenTo:
    """Where a case reopened by a post-exit review goes: triage, or straight to a panel."""

    TRIAGE = "triage"
    PANEL = "panel"
    CHOICES = [
        (TRIAGE, "To triage, as a new referral"),
        (PANEL, "Straight to a Channel panel"),
    ]


Event = (
    Received
    | Triaged
    | GatewayDecided
    | OnwardAnswered
    | PanelDiscussed
    | SupportStarted
    | LeftChannel
    | Closed
    | ReopenedAs
    | ReopenedFrom
    | ConsentRecorded
    | PlanAgreed
    | SessionRecorded
    | Reviewed
    | ReviewExtended
    | AddedToAgenda
    | Noted
)


@dataclass
class _Writing:
    stage: str
    rows: list[Row] = field(default_factory=list)
    milestones: dict[str, Any] = field(default_factory=dict)

    def row(
        self,
        kind: EventKind,
        on: datetime.date,
        *,
        to: Stage | None = None,
        outcome: str = "",
        label: str = "",
        concern_id: int | None = None,
        reason: str = "",
    ) -> None:
        """Append a row; with `to`, move the case there (the kind's rule checked)."""
        before = self.stage
        if to is not None:
            check(before, kind)
            self.stage = self.milestones["stage"] = to.value
        self.rows.append(
            Row(
                kind.value,
                before if to is not None else "",
                self.stage,
                outcome,
                label,
                concern_id,
                on,
                reason,
            )
        )

    def close(self, on: datetime.date, reason: str) -> None:
        self.row(EventKind.CLOSED, on, to=Stage.CLOSED, reason=reason)
        self.milestones.update(closed_on=on, closure_reason=reason)

    def refer_on(self, onward: Onward | None, reason: str) -> None:
        if onward is None:
            raise ValidationError(
                {"onward_service": "Enter the service the person was referred on to"}
            )
        self.row(
            EventKind.REFERRED_ON,
            onward.on,
            to=Stage.ONWARD,
            label=f"Referred on to {onward.service}",
            reason=reason,
        )


def apply(stage: str, event: Event) -> Step:
    """The history rows and milestone values `event` produces for a referral at `stage`.

    Raises `ValidationError` with the message a person sees when the pathway does not
    allow the event at that stage.
    """
    w = _Writing(str(stage))
    w.milestones["stage"] = w.stage
    match event:
        case Received():
            w.row(
                EventKind.RECEIVED,
                event.on,
                outcome=event.sector_code,
                label=event.sector_label,
                concern_id=event.concern_id,
            )
        case Triaged():
            _triage(w, event)
        case GatewayDecided():
            _gateway(w, event)
        case OnwardAnswered():
            check(w.stage, EventKind.ONWARD_RESPONSE)
            w.row(
                EventKind.ONWARD_RESPONSE,
                event.on,
                outcome=event.response.value,
                label=f"{event.service}: {event.response.label.lower()}",
                reason=event.note,
            )
            verb = "accepted" if event.response == OnwardResponse.ACCEPTED else "declined"
            w.close(
                event.on,
                f"Referred on to {event.service}, which {verb} the referral."
                + (f" {event.note}" if event.note else ""),
            )
        case PanelDiscussed():
            _discuss(w, event)
        case SupportStarted():
            w.row(EventKind.SUPPORT_STARTED, event.on, to=Stage.IN_SUPPORT)
            w.milestones["support_started_on"] = event.on
        case LeftChannel():
            w.row(
                EventKind.LEFT_CHANNEL,
                event.on,
                to=Stage.LEFT_CHANNEL,
                outcome=event.exit_code,
                label=event.exit_label,
                reason=event.reason,
            )
            w.milestones.update(left_channel_on=event.on, exit_reason_id=event.exit_reason_id)
        case Closed():
            w.close(event.on, event.reason)
        case ReopenedAs():
            check(w.stage, EventKind.REVIEW)
            w.row(
                EventKind.REOPENED,
                event.on,
                outcome=event.to,
                label=f"Reopened as {event.reference}, {_where(event.to)}",
                reason=event.reason,
            )
            w.close(
                event.on,
                f"The {event.review_label} found renewed concerns: reopened as {event.reference}.",
            )
        case ReopenedFrom():
            check(w.stage, EventKind.REOPENED)
            w.row(
                EventKind.REOPENED,
                event.on,
                to=Stage.FOR_PANEL if event.to == ReopenTo.PANEL else None,
                outcome=event.to,
                label=f"Reopened from {event.reference} ({event.review_label}), {_where(event.to)}",
                reason=event.reason,
            )
        case ConsentRecorded():
            _noted(
                w,
                Noted(
                    EventKind.CONSENT,
                    event.on,
                    event.status.value,
                    f"{event.status.label} ({event.given_by.label.lower()})",
                    event.reason,
                ),
            )
        case PlanAgreed():
            verb = "Revised" if event.revised else "Agreed"
            _noted(
                w,
                Noted(
                    EventKind.SUPPORT_PLAN,
                    event.on,
                    verb.lower(),
                    f"{verb}: {event.sessions_planned} sessions planned, a contact every "
                    f"{event.contact_interval_days} days",
                ),
            )
        case SessionRecorded():
            _noted(w, Noted(EventKind.SESSION, event.on, event.status.value, event.status.label))
        case Reviewed():
            _noted(
                w,
                Noted(
                    EventKind.REVIEW,
                    event.on,
                    event.kind.value,
                    f"{event.kind.label}: "
                    + ("further concerns" if event.further_concerns else "no further concerns")
                    + (" (held early)" if event.early else ""),
                    event.reason,
                ),
            )
        case ReviewExtended():
            _noted(
                w,
                Noted(
                    EventKind.REVIEW_EXTENDED,
                    event.on,
                    ReviewKind.EXTENDED.value,
                    f"Further review due {event.due_on:%-d %B %Y}",
                    event.reason,
                ),
            )
        case AddedToAgenda():
            _noted(
                w,
                Noted(
                    EventKind.ADDED_TO_AGENDA,
                    event.on,
                    event.reason.value,
                    f"{event.reason.label}: {event.meeting}",
                ),
            )
        case Noted():
            _noted(w, event)
    return Step(tuple(w.rows), w.milestones)


def _where(to: str) -> str:
    return "straight to a Channel panel" if to == ReopenTo.PANEL else "to triage"


def _noted(w: _Writing, event: Noted) -> None:
    check(w.stage, event.kind)
    w.row(
        event.kind,
        event.on,
        outcome=event.outcome,
        label=event.outcome_label,
        reason=event.reason,
    )


def _triage(w: _Writing, event: Triaged) -> None:
    check(w.stage, EventKind.TRIAGED)
    outcome = event.outcome
    w.row(
        EventKind.TRIAGED,
        event.on,
        outcome=outcome.value,
        label=outcome.label,
        reason=event.reason,
    )
    w.milestones.update(triaged_on=event.on, triage_outcome=outcome.value)
    if outcome == TriageOutcome.POLICE:
        police_on = event.police_on or event.on
        w.row(EventKind.REFERRED_TO_POLICE, police_on, to=Stage.WITH_GATEWAY)
        w.milestones["referred_to_police_on"] = police_on
    elif outcome == TriageOutcome.REFERRED_ON:
        w.refer_on(event.onward, event.reason)
    else:
        w.close(event.on, f"Triaged: {outcome.label}. {event.reason}")


def _gateway(w: _Writing, event: GatewayDecided) -> None:
    outcome = event.outcome
    w.row(
        EventKind.GATEWAY_OUTCOME,
        event.on,
        to=Stage.FOR_PANEL if outcome == GatewayOutcome.PANEL else Stage.WITH_GATEWAY,
        outcome=outcome.value,
        label=outcome.label,
        concern_id=event.concern_id,
        reason=event.reason,
    )
    w.milestones.update(
        gateway_outcome=outcome.value,
        gateway_outcome_on=event.on,
        gateway_concern_id=event.concern_id,
    )
    if outcome == GatewayOutcome.REFERRED_ON:
        w.refer_on(event.onward, event.reason)
    elif outcome != GatewayOutcome.PANEL:
        w.close(event.on, f"Police gateway: {outcome.label}. {event.reason}")


def _discuss(w: _Writing, event: PanelDiscussed) -> None:
    check(w.stage, EventKind.DISCUSSED)
    decision = event.decision
    first = w.stage == Stage.FOR_PANEL
    w.row(
        EventKind.DISCUSSED,
        event.on,
        to=Stage.DISCUSSED if first else None,
        outcome=decision.value if decision is not None else "",
        label=decision.label if decision is not None else "",
        concern_id=event.concern_id,
        reason=event.reason,
    )
    if first:
        w.milestones["discussed_at_panel_on"] = event.on
    if event.concern_id is not None:
        w.milestones["panel_concern_id"] = event.concern_id
    if decision == PanelDecision.ADOPT:
        w.row(EventKind.ADOPTED, event.on, to=Stage.ADOPTED, reason=event.reason)
        w.milestones["adopted_on"] = event.on
    elif decision == PanelDecision.NOT_ADOPT:
        check(w.stage, EventKind.NOT_ADOPTED)
        alternative = event.alternative_support
        w.row(EventKind.NOT_ADOPTED, event.on, reason=alternative)
        w.milestones.update(not_adopted_on=event.on, alternative_support=alternative)
        w.close(event.on, f"Not adopted by the panel. Alternative support: {alternative}")


@dataclass
class Journey:
    """A referral's whole history built event by event, for the bulk writers: its rows
    and its milestone columns (every one of `MILESTONES`), as the services would leave
    them after the same events."""

    milestones: dict[str, Any] = field(default_factory=lambda: dict(MILESTONES))
    rows: list[Row] = field(default_factory=list)

    @property
    def stage(self) -> str:
        return str(self.milestones["stage"])

    def add(self, event: Event) -> Step:
        step = apply(self.stage, event)
        self.rows.extend(step.rows)
        self.milestones.update(step.milestones)
        return step
