"""The pathway on its own (`casework.pathway`): which event may happen at which stage, what
a person is told when it may not, and the history rows and milestones each event writes.

Pure: no database. The stages each event is allowed at are written out here a second
time, from docs/casework.md, so a change to the rules shows up as a failing test.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from dueregard.casework import pathway
from dueregard.casework.models import (
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
from dueregard.casework.pathway import Row

D = datetime.date
S = Stage
OPEN = set(Stage) - {S.CLOSED}
AT_PANEL = {S.FOR_PANEL, S.DISCUSSED, S.ADOPTED, S.IN_SUPPORT}

ALLOWED = {
    EventKind.TRIAGED: {S.RECEIVED},
    EventKind.REFERRED_TO_POLICE: {S.RECEIVED},
    EventKind.GATEWAY_OUTCOME: {S.WITH_GATEWAY},
    EventKind.REFERRED_ON: {S.RECEIVED, S.WITH_GATEWAY},
    EventKind.ONWARD_RESPONSE: {S.ONWARD},
    EventKind.DISCUSSED: AT_PANEL,
    EventKind.ADOPTED: {S.FOR_PANEL, S.DISCUSSED},
    EventKind.NOT_ADOPTED: {S.FOR_PANEL, S.DISCUSSED},
    EventKind.VAF_RECORDED: AT_PANEL | {S.LEFT_CHANNEL},
    EventKind.CONSENT: AT_PANEL,
    EventKind.SUPPORT_PLAN: {S.ADOPTED, S.IN_SUPPORT},
    EventKind.SUPPORT_STARTED: {S.ADOPTED},
    EventKind.SESSION: {S.IN_SUPPORT},
    EventKind.LEFT_CHANNEL: {S.ADOPTED, S.IN_SUPPORT},
    EventKind.REVIEW: {S.LEFT_CHANNEL},
    EventKind.REVIEW_EXTENDED: {S.LEFT_CHANNEL},
    EventKind.REOPENED: {S.RECEIVED},
    EventKind.CASE_OFFICER: OPEN,
    EventKind.CLOSED: OPEN,
    # At any stage: receiving, and changes to an agenda (whose rule is `agenda_reason`).
    EventKind.RECEIVED: set(Stage),
    EventKind.ADDED_TO_AGENDA: set(Stage),
    EventKind.REMOVED_FROM_AGENDA: set(Stage),
}
REFUSALS = {
    EventKind.ONWARD_RESPONSE: "This referral is {stage}: it is not awaiting an answer from a "
    "service it was referred on to.",
    EventKind.DISCUSSED: "This referral is {stage}: the panel cannot decide on it.",
    EventKind.VAF_RECORDED: "The panel assesses cases that have reached it.",
    EventKind.CONSENT: "Consent is recorded for cases at panel or in Channel support.",
    EventKind.SUPPORT_PLAN: "A support plan is agreed for an adopted Channel case.",
    EventKind.SESSION: "Sessions are recorded while the person is receiving support.",
    EventKind.REVIEW: "Reviews are recorded after the person has left Channel.",
    EventKind.REVIEW_EXTENDED: "Reviews are extended after the person has left Channel.",
    EventKind.CASE_OFFICER: "This referral is closed.",
    EventKind.CLOSED: "This referral is already closed.",
}


def test_every_kind_of_event_has_its_stages_written_down() -> None:
    assert set(ALLOWED) == set(EventKind)


@pytest.mark.parametrize("kind", list(EventKind))
@pytest.mark.parametrize("stage", list(Stage))
def test_each_event_is_allowed_only_at_its_stages(kind: EventKind, stage: Stage) -> None:
    assert pathway.allows(stage, kind) == (stage in ALLOWED[kind])
    if stage in ALLOWED[kind]:
        pathway.check(stage, kind)
        return
    with pytest.raises(ValidationError) as refused:
        pathway.check(stage, kind)
    words = REFUSALS.get(kind, "This referral is {stage}: it cannot be {kind} now.")
    assert refused.value.messages == [
        words.format(stage=stage.label.lower(), kind=kind.label.lower())
    ]


def test_the_refusals_read_as_a_person_sees_them() -> None:
    cases = [
        (S.CLOSED, EventKind.TRIAGED, "This referral is closed: it cannot be triaged now."),
        (
            S.FOR_PANEL,
            EventKind.GATEWAY_OUTCOME,
            "This referral is for channel panel: it cannot be police gateway outcome now.",
        ),
        (
            S.RECEIVED,
            EventKind.ONWARD_RESPONSE,
            (
                "This referral is received, awaiting triage: it is not awaiting an answer "
                "from a service it was referred on to."
            ),
        ),
        (
            S.LEFT_CHANNEL,
            EventKind.DISCUSSED,
            "This referral is left channel, reviews due: the panel cannot decide on it.",
        ),
        (
            S.FOR_PANEL,
            EventKind.SUPPORT_STARTED,
            "This referral is for channel panel: it cannot be support started now.",
        ),
    ]
    for stage, kind, message in cases:
        with pytest.raises(ValidationError) as refused:
            pathway.check(stage, kind)
        assert refused.value.messages == [message]


# --------------------------------------------------------------------------------------
# The panel's decisions and the agenda


@pytest.mark.parametrize(
    "stage, decision, exit_given, alternative, field, message",
    [
        (
            S.ADOPTED,
            PanelDecision.ADOPT,
            False,
            "",
            "decision",
            "This case has already been adopted",
        ),
        (
            S.IN_SUPPORT,
            PanelDecision.NOT_ADOPT,
            False,
            "x",
            "decision",
            "This case has already been adopted",
        ),
        (
            S.FOR_PANEL,
            PanelDecision.CONTINUE,
            False,
            "",
            "decision",
            "Only an adopted Channel case can continue support",
        ),
        (
            S.DISCUSSED,
            PanelDecision.LEAVE,
            True,
            "",
            "decision",
            "Only an adopted Channel case can leave Channel",
        ),
        (
            S.IN_SUPPORT,
            PanelDecision.LEAVE,
            False,
            "",
            "exit_reason",
            "Choose why the person is leaving Channel",
        ),
        (
            S.FOR_PANEL,
            PanelDecision.NOT_ADOPT,
            False,
            "",
            "alternative_support",
            "Enter the alternative support offered",
        ),
    ],
)
def test_a_decision_that_does_not_fit_the_case_is_refused_against_its_field(
    stage, decision, exit_given, alternative, field, message
) -> None:
    with pytest.raises(ValidationError) as refused:
        pathway.check_decision(
            stage, decision, exit_reason_given=exit_given, alternative_support=alternative
        )
    assert refused.value.message_dict == {field: [message]}


@pytest.mark.parametrize(
    "stage, decision",
    [
        (S.FOR_PANEL, PanelDecision.ADOPT),
        (S.DISCUSSED, PanelDecision.DEFER),
        (S.ADOPTED, PanelDecision.CONTINUE),
        (S.IN_SUPPORT, PanelDecision.LEAVE),
        (S.IN_SUPPORT, PanelDecision.NOTED),
    ],
)
def test_a_decision_that_fits_is_allowed(stage: Stage, decision: PanelDecision) -> None:
    pathway.check_decision(stage, decision, exit_reason_given=True, alternative_support="x")


def test_the_panel_cannot_decide_on_a_case_that_has_not_reached_it_or_has_left() -> None:
    for stage in (S.RECEIVED, S.LEFT_CHANNEL, S.CLOSED):
        with pytest.raises(ValidationError) as refused:
            pathway.check_decision(
                stage, PanelDecision.DEFER, exit_reason_given=False, alternative_support=""
            )
        assert refused.value.messages == [
            f"This referral is {stage.label.lower()}: the panel cannot decide on it."
        ]


def test_the_agenda_reason_follows_the_stage() -> None:
    assert pathway.agenda_reason(S.FOR_PANEL, None) == AgendaReason.NEW
    assert pathway.agenda_reason(S.DISCUSSED, AgendaReason.REVIEW) == AgendaReason.NEW
    assert pathway.agenda_reason(S.ADOPTED, None) == AgendaReason.REVIEW
    lapsing = AgendaReason.SUPPORT_LAPSING
    assert pathway.agenda_reason(S.IN_SUPPORT, lapsing) == lapsing
    with pytest.raises(ValidationError) as refused:
        pathway.agenda_reason(S.ADOPTED, AgendaReason.SUPPORT_REVIEW)
    assert refused.value.message_dict == {
        "reason": ["Support review is a reason for a case receiving Channel support"]
    }
    for stage in (S.RECEIVED, S.WITH_GATEWAY, S.ONWARD, S.LEFT_CHANNEL, S.CLOSED):
        with pytest.raises(ValidationError) as refused:
            pathway.agenda_reason(stage, None)
        assert refused.value.messages == [
            f"This referral is {stage.label.lower()}: it cannot go on the agenda."
        ]


def test_support_starts_with_a_plan_and_consent_given() -> None:
    pathway.check_support_start(has_plan=True, consent=ConsentStatus.GIVEN)
    refusals = [
        (False, ConsentStatus.GIVEN, "Agree a support plan before support starts."),
        (True, None, "Support cannot start until consent is recorded as given."),
        (
            True,
            ConsentStatus.WITHDRAWN,
            (
                "Support cannot start until consent is recorded as given (latest: consent "
                "withdrawn)."
            ),
        ),
    ]
    for has_plan, consent, message in refusals:
        with pytest.raises(ValidationError) as refused:
            pathway.check_support_start(has_plan=has_plan, consent=consent)
        assert refused.value.messages == [message]


def test_leaving_channel_schedules_the_six_and_twelve_month_reviews() -> None:
    assert pathway.reviews_due(D(2024, 8, 31)) == [
        (ReviewKind.SIX_MONTHS, D(2025, 2, 28)),
        (ReviewKind.TWELVE_MONTHS, D(2025, 8, 31)),
    ]


# --------------------------------------------------------------------------------------
# What each event writes


def rows(stage: Stage, event: pathway.Event) -> list[tuple[str, ...]]:
    """The rows' kind, from and to stages, outcome, label and reason."""
    step = pathway.apply(stage, event)
    return [
        (r.kind, r.from_stage, r.to_stage, r.outcome, r.outcome_label, r.reason) for r in step.rows
    ]


def test_receiving_writes_one_row_with_the_sector_and_concern() -> None:
    step = pathway.apply(S.RECEIVED, pathway.Received(D(2024, 1, 2), 7, "education", "Education"))
    assert step.rows == (
        Row("received", "", "received", "education", "Education", 7, D(2024, 1, 2), ""),
    )
    assert step.milestones == {"stage": "received"}


def test_triage_to_the_police_moves_the_referral_to_the_gateway() -> None:
    event = pathway.Triaged(D(2024, 1, 3), TriageOutcome.POLICE, "Threshold met", D(2024, 1, 4))
    step = pathway.apply(S.RECEIVED, event)
    assert rows(S.RECEIVED, event) == [
        ("triaged", "", "received", "police", "Referred to police", "Threshold met"),
        ("referred_to_police", "received", "with_gateway", "", "", ""),
    ]
    assert step.rows[1].occurred_on == D(2024, 1, 4)
    assert step.milestones == {
        "stage": "with_gateway",
        "triaged_on": D(2024, 1, 3),
        "triage_outcome": "police",
        "referred_to_police_on": D(2024, 1, 4),
    }


def test_triage_to_the_police_is_dated_the_triage_unless_told_otherwise() -> None:
    step = pathway.apply(S.RECEIVED, pathway.Triaged(D(2024, 1, 3), TriageOutcome.POLICE, "r"))
    assert step.milestones["referred_to_police_on"] == D(2024, 1, 3)


@pytest.mark.parametrize(
    "outcome", [TriageOutcome.ADVICE, TriageOutcome.SIGNPOSTED, TriageOutcome.NFA]
)
def test_other_triage_outcomes_close_the_referral_with_the_reason(outcome) -> None:
    step = pathway.apply(S.RECEIVED, pathway.Triaged(D(2024, 1, 3), outcome, "No concern"))
    closing = f"Triaged: {outcome.label}. No concern"
    assert rows(S.RECEIVED, pathway.Triaged(D(2024, 1, 3), outcome, "No concern")) == [
        ("triaged", "", "received", outcome.value, outcome.label, "No concern"),
        ("closed", "received", "closed", "", "", closing),
    ]
    assert step.milestones["closed_on"] == D(2024, 1, 3)
    assert step.milestones["closure_reason"] == closing
    assert step.stage == "closed"


def test_referring_on_moves_the_referral_to_await_the_service() -> None:
    onward = pathway.Onward("Early help", D(2024, 1, 5))
    event = pathway.Triaged(D(2024, 1, 3), TriageOutcome.REFERRED_ON, "Other needs", onward=onward)
    assert rows(S.RECEIVED, event)[1] == (
        "referred_on",
        "received",
        "onward_referral",
        "",
        "Referred on to Early help",
        "Other needs",
    )
    assert pathway.apply(S.RECEIVED, event).rows[1].occurred_on == D(2024, 1, 5)
    with pytest.raises(ValidationError) as refused:
        pathway.apply(S.RECEIVED, pathway.Triaged(D(2024, 1, 3), TriageOutcome.REFERRED_ON, "x"))
    assert refused.value.message_dict == {
        "onward_service": ["Enter the service the person was referred on to"]
    }


def test_the_gateway_sends_a_case_to_a_panel_or_closes_it() -> None:
    to_panel = pathway.GatewayDecided(D(2024, 2, 1), GatewayOutcome.PANEL, "Suitable", 9)
    step = pathway.apply(S.WITH_GATEWAY, to_panel)
    assert rows(S.WITH_GATEWAY, to_panel) == [
        ("gateway_outcome", "with_gateway", "for_panel", "panel", "For Channel panel", "Suitable")
    ]
    assert step.rows[0].concern_id == 9
    assert step.milestones == {
        "stage": "for_panel",
        "gateway_outcome": "panel",
        "gateway_outcome_on": D(2024, 2, 1),
        "gateway_concern_id": 9,
    }
    led = pathway.GatewayDecided(D(2024, 2, 1), GatewayOutcome.POLICE_LED, "Police lead")
    assert rows(S.WITH_GATEWAY, led) == [
        (
            "gateway_outcome",
            "with_gateway",
            "with_gateway",
            "police_led",
            "Police-led",
            "Police lead",
        ),
        ("closed", "with_gateway", "closed", "", "", "Police gateway: Police-led. Police lead"),
    ]


def test_the_answer_to_an_onward_referral_closes_it() -> None:
    event = pathway.OnwardAnswered(D(2024, 3, 1), OnwardResponse.DECLINED, "CAMHS", "Full")
    assert rows(S.ONWARD, event) == [
        ("onward_response", "", "onward_referral", "declined", "CAMHS: the service declined the referral", "Full"),
        ("closed", "onward_referral", "closed", "", "", "Referred on to CAMHS, which declined the referral. Full"),
    ]  # fmt: skip
    accepted = pathway.OnwardAnswered(D(2024, 3, 1), OnwardResponse.ACCEPTED, "CAMHS")
    assert pathway.apply(S.ONWARD, accepted).milestones["closure_reason"] == (
        "Referred on to CAMHS, which accepted the referral."
    )


def test_the_first_discussion_moves_the_case_and_later_ones_do_not() -> None:
    defer = pathway.PanelDiscussed(D(2024, 3, 13), PanelDecision.DEFER, "More information", 4)
    first = pathway.apply(S.FOR_PANEL, defer)
    assert rows(S.FOR_PANEL, defer) == [
        ("discussed", "for_panel", "discussed", "defer", PanelDecision.DEFER.label, "More information")
    ]  # fmt: skip
    assert first.milestones == {
        "stage": "discussed",
        "discussed_at_panel_on": D(2024, 3, 13),
        "panel_concern_id": 4,
    }
    adopt = pathway.PanelDiscussed(D(2024, 4, 10), PanelDecision.ADOPT, "Agreed")
    later = pathway.apply(S.DISCUSSED, adopt)
    assert rows(S.DISCUSSED, adopt) == [
        ("discussed", "", "discussed", "adopt", PanelDecision.ADOPT.label, "Agreed"),
        ("adopted", "discussed", "adopted", "", "", "Agreed"),
    ]
    assert later.milestones == {"stage": "adopted", "adopted_on": D(2024, 4, 10)}


def test_a_discussion_whose_decision_is_not_recorded_writes_no_outcome() -> None:
    assert rows(S.FOR_PANEL, pathway.PanelDiscussed(D(2024, 3, 13), None, "Imported")) == [
        ("discussed", "for_panel", "discussed", "", "", "Imported")
    ]


def test_not_adopting_records_the_alternative_support_and_closes() -> None:
    event = pathway.PanelDiscussed(
        D(2024, 3, 13), PanelDecision.NOT_ADOPT, "Not Channel", alternative_support="Early help"
    )
    step = pathway.apply(S.FOR_PANEL, event)
    assert rows(S.FOR_PANEL, event)[1:] == [
        ("not_adopted", "", "discussed", "", "", "Early help"),
        ("closed", "discussed", "closed", "", "", "Not adopted by the panel. Alternative support: Early help"),
    ]  # fmt: skip
    assert step.milestones["not_adopted_on"] == D(2024, 3, 13)
    assert step.milestones["alternative_support"] == "Early help"


def test_continuing_support_and_noting_change_no_stage() -> None:
    for decision in (PanelDecision.CONTINUE, PanelDecision.NOTED, PanelDecision.LEAVE):
        event = pathway.PanelDiscussed(D(2024, 5, 8), decision, "Reviewed")
        assert rows(S.IN_SUPPORT, event) == [
            ("discussed", "", "in_support", decision.value, decision.label, "Reviewed")
        ]


def test_support_starts_from_adopted_and_the_person_leaves_from_support() -> None:
    started = pathway.apply(S.ADOPTED, pathway.SupportStarted(D(2024, 5, 1)))
    assert started.milestones == {"stage": "in_support", "support_started_on": D(2024, 5, 1)}
    leave = pathway.LeftChannel(D(2024, 9, 1), "concerns-addressed", "Addressed", 3, "Agreed")
    left = pathway.apply(S.IN_SUPPORT, leave)
    assert rows(S.IN_SUPPORT, leave) == [
        ("left_channel", "in_support", "left_channel", "concerns-addressed", "Addressed", "Agreed")
    ]
    assert left.milestones == {
        "stage": "left_channel",
        "left_channel_on": D(2024, 9, 1),
        "exit_reason_id": 3,
    }
    with pytest.raises(ValidationError):
        pathway.apply(S.DISCUSSED, leave)


def test_events_that_move_no_stage_write_their_words() -> None:
    day = D(2024, 6, 1)
    cases: list[tuple[Stage, pathway.Event, tuple[str, ...]]] = [
        (
            S.ADOPTED,
            pathway.ConsentRecorded(day, ConsentStatus.GIVEN, ConsentGivenBy.PARENT, "Signed"),
            ("consent", "", "adopted", "given", "Consent given (a parent)", "Signed"),
        ),
        (
            S.ADOPTED,
            pathway.PlanAgreed(day, False, 12, 14),
            ("support_plan", "", "adopted", "agreed", "Agreed: 12 sessions planned, a contact every 14 days", ""),
        ),
        (
            S.IN_SUPPORT,
            pathway.PlanAgreed(day, True, 6, 28),
            ("support_plan", "", "in_support", "revised", "Revised: 6 sessions planned, a contact every 28 days", ""),
        ),
        (
            S.IN_SUPPORT,
            pathway.SessionRecorded(day, SessionStatus.NOT_ATTENDED),
            ("session", "", "in_support", "not_attended", "Did not attend", ""),
        ),
        (
            S.LEFT_CHANNEL,
            pathway.Reviewed(day, ReviewKind.SIX_MONTHS, False, "Settled"),
            ("review", "", "left_channel", "6", "6-month review: no further concerns", "Settled"),
        ),
        (
            S.LEFT_CHANNEL,
            pathway.Reviewed(day, ReviewKind.TWELVE_MONTHS, True, "Worry", early=True),
            ("review", "", "left_channel", "12", "12-month review: further concerns (held early)", "Worry"),
        ),
        (
            S.FOR_PANEL,
            pathway.AddedToAgenda(day, AgendaReason.NEW, "Panel, 1 June 2024"),
            ("added_to_agenda", "", "for_panel", "new", "New case for discussion: Panel, 1 June 2024", ""),
        ),
        (
            S.WITH_GATEWAY,
            pathway.Noted(EventKind.CASE_OFFICER, day, outcome_label="Case officer: A"),
            ("case_officer", "", "with_gateway", "", "Case officer: A", ""),
        ),
    ]  # fmt: skip
    for stage, event, row in cases:
        step = pathway.apply(stage, event)
        assert rows(stage, event) == [row]
        assert step.milestones == {"stage": stage.value}


def test_a_review_that_reopens_closes_the_reviewed_referral_and_opens_the_new_one() -> None:
    day = D(2025, 3, 1)
    earlier = pathway.ReopenedAs(day, "R-2025-0042", "6-month review", "panel", "Worry")
    step = pathway.apply(S.LEFT_CHANNEL, earlier)
    assert rows(S.LEFT_CHANNEL, earlier) == [
        ("reopened", "", "left_channel", "panel", "Reopened as R-2025-0042, straight to a Channel panel", "Worry"),
        ("closed", "left_channel", "closed", "", "", "The 6-month review found renewed concerns: reopened as R-2025-0042."),
    ]  # fmt: skip
    assert step.milestones["closed_on"] == day
    to_panel = pathway.ReopenedFrom(day, "R-2024-0017", "6-month review", "panel", "Worry")
    assert rows(S.RECEIVED, to_panel) == [
        ("reopened", "received", "for_panel", "panel", "Reopened from R-2024-0017 (6-month review), straight to a Channel panel", "Worry"),
    ]  # fmt: skip
    to_triage = pathway.ReopenedFrom(day, "R-2024-0017", "6-month review", "triage", "Worry")
    assert rows(S.RECEIVED, to_triage) == [
        ("reopened", "", "received", "triage", "Reopened from R-2024-0017 (6-month review), to triage", "Worry"),
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        pathway.apply(S.IN_SUPPORT, earlier)


def test_a_journey_keeps_every_milestone_and_refuses_a_step_out_of_order() -> None:
    journey = pathway.Journey()
    journey.add(pathway.Received(D(2024, 1, 2)))
    journey.add(pathway.Triaged(D(2024, 1, 3), TriageOutcome.POLICE, "r"))
    journey.add(pathway.GatewayDecided(D(2024, 1, 9), GatewayOutcome.PANEL, "r"))
    assert journey.stage == "for_panel"
    assert set(journey.milestones) == set(pathway.MILESTONES)
    assert [r.kind for r in journey.rows] == [
        "received",
        "triaged",
        "referred_to_police",
        "gateway_outcome",
    ]
    with pytest.raises(ValidationError) as refused:
        journey.add(pathway.SupportStarted(D(2024, 2, 1)))
    assert refused.value.messages == [
        "This referral is for channel panel: it cannot be support started now."
    ]
    assert journey.stage == "for_panel" and len(journey.rows) == 4
    journey.add(pathway.Closed(D(2024, 2, 2), "Moved away"))
    with pytest.raises(ValidationError) as refused:
        journey.add(pathway.Closed(D(2024, 2, 3), "Again"))
    assert refused.value.messages == ["This referral is already closed."]


# --------------------------------------------------------------------------------------
# Post-exit reviews


def test_a_further_review_is_due_after_leaving_and_within_two_years() -> None:
    left = D(2024, 3, 31)
    pathway.check_extension(left, D(2024, 4, 1), already_due=False)
    pathway.check_extension(left, D(2026, 3, 31), already_due=False)
    refusals = [
        (left, False, "The review must be due after the person left Channel (31 March 2024)"),
        (
            D(2026, 4, 1),
            False,
            (
                "The review must be due no later than 24 months after the person left Channel "
                "(31 March 2026)"
            ),
        ),
        (D(2025, 1, 6), True, "A review is already due on 6 January 2025"),
    ]
    for due_on, already_due, message in refusals:
        with pytest.raises(ValidationError) as refused:
            pathway.check_extension(left, due_on, already_due=already_due)
        assert refused.value.message_dict == {"due_on": [message]}


def test_extending_the_reviews_writes_the_new_due_date() -> None:
    event = pathway.ReviewExtended(D(2025, 1, 6), D(2025, 9, 1), "Panel wants another look")
    assert rows(S.LEFT_CHANNEL, event) == [
        ("review_extended", "", "left_channel", "extended", "Further review due 1 September 2025", "Panel wants another look")
    ]  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        pathway.apply(S.CLOSED, event)
    assert refused.value.messages == ["Reviews are extended after the person has left Channel."]


def review(
    held_on: datetime.date,
    *,
    confirm_early: bool = False,
    early_reason: str = "",
    further_concerns: bool = False,
    reopen_to: str = "",
) -> bool:
    """`pathway.check_review` of a review due on 30 June 2025."""
    return pathway.check_review(
        held_on,
        D(2025, 6, 30),
        confirm_early=confirm_early,
        early_reason=early_reason,
        further_concerns=further_concerns,
        reopen_to=reopen_to,
    )


def test_a_review_held_early_is_confirmed_with_a_reason() -> None:
    assert review(D(2025, 5, 31)) is False  # 30 days before: not early
    with pytest.raises(ValidationError) as refused:
        review(D(2025, 5, 30))
    assert refused.value.message_dict == {
        "confirm_early": [
            (
                "The review is due on 30 June 2025, more than 30 days after this date: confirm "
                "it is being held early"
            )
        ]
    }
    with pytest.raises(ValidationError) as refused:
        review(D(2025, 5, 30), confirm_early=True)
    assert refused.value.message_dict == {"early_reason": ["Enter why the review is held early"]}
    assert review(D(2025, 5, 30), confirm_early=True, early_reason="Moving away") is True


def test_a_review_with_renewed_concerns_says_where_the_case_goes() -> None:
    with pytest.raises(ValidationError) as refused:
        review(D(2025, 6, 30), further_concerns=True)
    assert refused.value.message_dict == {
        "reopen_to": ["Choose where the reopened case goes: triage or a panel"]
    }
    for to in (pathway.ReopenTo.TRIAGE, pathway.ReopenTo.PANEL):
        assert review(D(2025, 6, 30), further_concerns=True, reopen_to=to) is False
