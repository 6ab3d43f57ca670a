"""Several financial years of fictional Channel casework in Kingsmere, through the services.

Volumes follow the seed committee reports (about 80 enquiries a year, about half passed
to the police gateway, about 7 discussed at panel, 11 panel meetings a year: seed 000
§1.17-1.18). Everything happens in date order up to yesterday, so the coordinator's work
queue shows what is still in progress, and the next panel meeting has an agenda that the
demo panel member (`panel.member`) can see. Every name is invented.
"""

from __future__ import annotations

import datetime
import functools
import heapq
import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from dueregard.casework import services
from dueregard.casework.models import (
    ConcernType,
    ConsentGivenBy,
    ConsentStatus,
    ExitReason,
    GatewayOutcome,
    Gender,
    InterventionKind,
    Panel,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Person,
    Referral,
    Sector,
    SessionStatus,
    Stage,
    TriageOutcome,
    Vulnerability,
)
from dueregard.casework.queries import concern_types_on
from dueregard.core.periods import financial_year, financial_year_start
from dueregard.demo.context import DemoContext
from dueregard.demo.steps.areas import ETHNIC_GROUP, RELIGION

ORDER = 30
YEARS = 5
PANEL_NAME = "Kingsmere Channel Panel"
DAY = datetime.timedelta(days=1)

# Keyed by gender; a person whose gender is not known (None) gets a name from the male list.
GIVEN: dict[str | None, list[str]] = {
    Gender.MALE: [
        "Aiden",
        "Bilal",
        "Callum",
        "Dominik",
        "Ellis",
        "Farhan",
        "Gareth",
        "Harvey",
        "Idris",
        "Jayden",
        "Kieran",
        "Leon",
        "Mason",
        "Nathan",
        "Oskar",
        "Patrick",
        "Reuben",
        "Samir",
        "Tyler",
        "Vinnie",
        "Wiktor",
        "Zane",
        "Connor",
        "Rhys",
    ],
    Gender.FEMALE: [
        "Amira",
        "Bethany",
        "Chloe",
        "Demi",
        "Erin",
        "Fatima",
        "Grace",
        "Holly",
        "Imogen",
        "Jasmine",
        "Keira",
        "Lacey",
        "Maya",
        "Nadia",
    ],
}
FAMILY = [
    "Ashcombe",
    "Blakemore",
    "Corran",
    "Dunmore",
    "Elsworth",
    "Farrowby",
    "Gadsden",
    "Hollins",
    "Ibbotson",
    "Jessop",
    "Kettering",
    "Lowther",
    "Mabry",
    "Nuttall",
    "Ormerod",
    "Pegram",
    "Quennell",
    "Rainford",
    "Sandbach",
    "Thackray",
    "Upcott",
    "Varley",
    "Wragg",
    "Yarwood",
    "Akhtar-Lane",
    "Boateng-Hale",
    "Chaudry-Webb",
    "Demir",
    "Kowalczyk-Dean",
    "Mensah-Ford",
    "Okonjo",
    "Patel-Reeve",
    "Rahimi",
    "Szabo",
    "Tran-Morley",
    "Uddin",
]
SECTORS = {
    "education": 36,
    "police": 28,
    "local-authority": 10,
    "health": 8,
    "community": 5,
    "friends-and-family": 4,
    "prison": 2,
    "probation": 3,
    "other": 4,
}
CONCERN_WEIGHTS = {
    "ho-2015": {"islamist": 60, "extreme-right-wing": 25, "other": 15},
    "ho-2017": {
        "islamist": 25,
        "extreme-right-wing": 25,
        "muu": 40,
        "left-wing": 3,
        "other": 7,
    },
    "ho-2021": {
        "islamist": 13,
        "extreme-right-wing": 20,
        "conflicted": 15,
        "vulnerability-no-ideology": 30,
        "incel": 4,
        "school-massacre": 5,
        "left-wing": 3,
        "high-ct-risk-no-ideology": 2,
        "other": 8,
    },
    "pcmt-2024": {
        "islamist": 10,
        "extreme-right-wing": 21,
        "no-ideology": 20,
        "no-ideology-susceptibility": 30,
        "violence-fascination": 6,
        "conflicted": 5,
        "incel": 3,
        "left-wing": 2,
        "other": 3,
    },
}
VULNERABILITIES = {
    "mental-health": 0.3,
    "autism": 0.16,
    "learning-difficulty": 0.1,
    "adhd": 0.1,
    "send": 0.12,
    "domestic-abuse": 0.08,
    "social-isolation": 0.2,
    "bullying": 0.08,
    "substance-misuse": 0.05,
    "looked-after": 0.04,
    "exploitation": 0.03,
    "housing": 0.03,
}
AGE_BANDS = [((8, 10), 4), ((11, 15), 36), ((16, 17), 13), ((18, 20), 10), ((21, 30), 15),
             ((31, 40), 10), ((41, 50), 7), ((51, 70), 5)]  # fmt: skip
CONCERNS_TEXT = [
    "Shared extremist memes in a class group chat and made remarks about a minority group.",
    "Spending long hours on forums glorifying past mass-casualty attacks.",
    "Family worried about a change in views after contact with an online group.",
    "Expressed support for a proscribed organisation during a lesson.",
    "Drawings and notes about weapons and attacks found at school.",
    "Posted hostile content about a faith community on social media.",
    "Repeated comments about a 'coming race war' to staff at the youth centre.",
    "Searching for bomb-making material on a library computer.",
    "Isolated, fixated on grievance content and incel forums.",
    "Attending meetings of a group that circulates conspiracy material.",
]
MEMBERS = [  # (agency, role, name, demo username or "")
    ("Kingsmere Council (demo)", "Prevent Coordinator", "Priya Lockwood", "coordinator"),
    ("Kingsmere Council (demo)", "Panel chair", "Martin Okafor", "chair"),
    ("Kingsmere Mental Health Trust (demo)", "Safeguarding Lead", "Elena Marsh", "panel.member"),
    ("Counter Terrorism Policing (demo)", "Channel police practitioner", "DS Owen Hartley", ""),
    ("Kingsmere Children's Services (demo)", "MASH Prevent lead", "Leah Ransome", ""),
    ("Kingsmere Adult Social Care (demo)", "Adult safeguarding lead", "Vikram Sethi", ""),
    ("Probation Service (demo)", "Senior probation officer", "Joanne Pike", ""),
]


_Choice = TypeVar("_Choice")


def _weighted(rng: Any, weights: Mapping[_Choice, float]) -> _Choice:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# Equality monitoring details, recorded for most people (a referrer often does not know
# them). Drawn from the borough's population shares by a generator of their own, so the
# rest of the demo casework is the same with or without them.
ETHNIC_GROUP_RECORDED = 0.8
RELIGION_RECORDED = 0.7


def _equality_details(n: int) -> tuple[str, str]:
    rng = random.Random(f"kingsmere-equality-{n}")
    ethnic_group = _weighted(rng, ETHNIC_GROUP) if rng.random() < ETHNIC_GROUP_RECORDED else ""
    religion = _weighted(rng, RELIGION) if rng.random() < RELIGION_RECORDED else ""
    return ethnic_group, religion


def _panel(ctx: DemoContext, lead: Any) -> Panel:
    panel = Panel.objects.filter(authority=ctx.authority, name=PANEL_NAME).first()
    if panel is None:
        panel = services.create_panel(
            authority=ctx.authority, name=PANEL_NAME, panel_type="channel", acting_user=lead
        )
    for agency, role, name, username in MEMBERS:
        user = ctx.users.get(username) if username else None
        exists = PanelMember.objects.filter(panel=panel, name=name, active=True).exists()
        if not exists:
            services.add_panel_member(
                panel,
                name=name,
                agency=agency,
                role_title=role,
                user=user,
                joined_on=financial_year(financial_year_start(ctx.today) - YEARS).start,
                acting_user=lead,
            )
    return panel


def _meeting_dates(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Second Wednesday of each month, no meeting in August: 11 a year."""
    dates = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if month != 8:
            first = datetime.date(year, month, 1)
            wednesday = first + datetime.timedelta(days=(2 - first.weekday()) % 7 + 7)
            if start <= wednesday <= end:
                dates.append(wednesday)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


@dataclass
class Case:
    referral: Referral
    support_days: int = 0
    exit_due: datetime.date | None = None
    reviews_at_panel: int = 0
    script: str = ""  # a scripted case of the current caseload (SCRIPTS), else ""


# Scripted cases, so the work queue shows every part of a month's real work whatever the
# random draws: each is received `days` before the cutoff, goes to the police gateway and
# a panel without chance, and is held at the point the script names (see the methods that
# read `Case.script`). Fictional, like every demo case.
SCRIPTS: dict[str, int] = {
    "triage": 3,  # received, not yet triaged
    "gateway": 12,  # with the police gateway
    "ready": 30,  # for a panel, not yet on an agenda; referred before (EARLIER_DAYS): a repeat
    "decision": 0,  # discussed at the last meeting, decision deferred (received 20 days before it)
    "consent": 0,  # adopted at the last meeting, awaiting consent
    "plan": 0,  # adopted at the last meeting, consent given, no plan yet
    "support": 150,  # in support, contacts on time
    "lapsing": 170,  # in support, contacts stopped two months ago
    "review_due": 460,  # left Channel, the 6-month review overdue
    "reopen": 480,  # the 6-month review found renewed concerns: reopened to a panel
    "extended": 700,  # both reviews done, the panel extended review to 18 months
    "closure": 900,  # both reviews done, awaiting closure
}
SCRIPT_SUPPORT_DAYS = {"support": 400, "lapsing": 400}
EARLIER_DAYS = 250  # the "ready" case's person was referred this long before, and closed


@dataclass
class Simulation:
    ctx: DemoContext
    panel: Panel
    lead: Any
    cutoff: datetime.date
    queue: list[Any] = field(default_factory=list)
    counter: Any = field(default_factory=itertools.count)
    awaiting_panel: list[Case] = field(default_factory=list)
    in_channel: list[Case] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    sectors: dict[str, Sector] = field(default_factory=dict)
    exit_reasons: dict[str, ExitReason] = field(default_factory=dict)
    scripts: dict[int, str] = field(default_factory=dict)  # referral id -> SCRIPTS key
    day: datetime.date = datetime.date.min  # the date of the event being played

    def at(self, day: datetime.date, priority: int, action: Callable[[], object]) -> None:
        heapq.heappush(self.queue, (day, priority, next(self.counter), action))

    def run(self) -> None:
        """Play every event in date order; later ones are left for the work queue."""
        while self.queue:
            day, _, _, action = heapq.heappop(self.queue)
            if day > self.cutoff:
                continue
            self.day = day
            action()

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    # --- intake -----------------------------------------------------------------------

    def new_referral(
        self, received_on: datetime.date, script: str = "", person: Person | None = None
    ) -> Referral:
        rng = self.ctx.rng
        wards = list(self.ctx.authority.wards.all())
        if person is None and not script and self.people and rng.random() < 0.08:
            person = rng.choice(self.people)  # a repeat referral of someone known
        if person is None:
            gender = _weighted(rng, {Gender.MALE: 88, Gender.FEMALE: 10, None: 2})
            (low, high) = _weighted(rng, dict(AGE_BANDS))
            age = rng.randint(low, high)
            dob = received_on - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
            known_dob = rng.random() < 0.93
            ethnic_group, religion = _equality_details(len(self.people))
            person = services.create_person(
                authority=self.ctx.authority,
                details=services.PersonDetails(
                    given_name=rng.choice(GIVEN.get(gender) or GIVEN[Gender.MALE]),
                    family_name=rng.choice(FAMILY),
                    date_of_birth=dob if known_dob else None,
                    gender=gender,
                    ethnic_group=ethnic_group,
                    religion=religion,
                    address=f"{rng.randint(1, 180)} Example Road, Kingsmere (fictional)",
                    ward=rng.choice(wards) if wards else None,
                ),
                acting_user=self.lead,
            )
            self.people.append(person)
            age_at_referral = None if known_dob else age
        else:
            age_at_referral = None
        concern = self.concern(received_on)
        vulnerabilities = [
            v for v in Vulnerability.objects.all() if rng.random() < VULNERABILITIES.get(v.code, 0)
        ]
        referral = services.receive_referral(
            person=person,
            details=services.ReferralDetails(
                received_on=received_on,
                referrer_name="Designated safeguarding lead (fictional)",
                referrer_organisation="",
                sector=self.sectors[_weighted(rng, SECTORS)],
                concern_description=rng.choice(CONCERNS_TEXT),
                concern=concern,
                age_at_referral=age_at_referral,
                vulnerabilities=vulnerabilities,
            ),
            acting_user=self.lead,
        )
        self.count("referrals")
        if script:
            self.scripts[referral.pk] = script
            if script != "triage":
                self.at(received_on + DAY, 0, lambda: self.triage(referral))
            return referral
        self.at(received_on + rng.randint(0, 6) * DAY, 0, lambda: self.triage(referral))
        return referral

    def concern(self, day: datetime.date) -> ConcernType | None:
        rng = self.ctx.rng
        if rng.random() < 0.05:
            return None
        types = {c.code: c for c in concern_types_on(day)}
        weights = CONCERN_WEIGHTS.get(next(iter(types.values())).code_list.code, {})
        weights = {code: w for code, w in weights.items() if code in types} or dict.fromkeys(
            types, 1
        )
        return types[_weighted(rng, weights)]

    def triage(self, referral: Referral) -> None:
        rng = self.ctx.rng
        day = self.day
        script = self.scripts.get(referral.pk, "")
        outcome = _weighted(
            rng,
            {
                TriageOutcome.POLICE: 50,
                TriageOutcome.ADVICE: 32,
                TriageOutcome.SIGNPOSTED: 13,
                TriageOutcome.NFA: 5,
            },
        )
        if script:
            outcome = TriageOutcome.NFA if script == "earlier" else TriageOutcome.POLICE
        reason = {
            TriageOutcome.POLICE: "Concern meets the threshold for the police gateway.",
            TriageOutcome.ADVICE: "Advice given to the referrer on supporting the person.",
            TriageOutcome.SIGNPOSTED: "Signposted to early help and the school counsellor.",
            TriageOutcome.NFA: "No Prevent concern once the context was understood.",
        }[outcome]
        services.triage_referral(
            referral, outcome=outcome, occurred_on=day, reason=reason, acting_user=self.lead
        )
        if outcome == TriageOutcome.POLICE:
            self.count("police")
            if script == "gateway":
                return  # still with the police gateway
            wait = 7 if script else rng.randint(7, 35)
            self.at(day + wait * DAY, 0, lambda: self.gateway(referral))

    def gateway(self, referral: Referral) -> None:
        rng = self.ctx.rng
        day = self.day
        outcome = _weighted(
            rng,
            {
                GatewayOutcome.PANEL: 19,
                GatewayOutcome.NFA: 33,
                GatewayOutcome.SIGNPOSTED: 36,
                GatewayOutcome.POLICE_LED: 12,
            },
        )
        script = self.scripts.get(referral.pk, "")
        if script:
            outcome = GatewayOutcome.PANEL
        services.record_gateway_outcome(
            referral,
            outcome=outcome,
            occurred_on=day,
            concern=referral.concern,
            reason={
                GatewayOutcome.PANEL: "Susceptibility identified: suitable for Channel.",
                GatewayOutcome.NFA: "No terrorism-related concern after checks.",
                GatewayOutcome.SIGNPOSTED: "Safeguarding needs better met by other services.",
                GatewayOutcome.POLICE_LED: "Managed by police under PCM.",
            }[outcome],
            police_notes="Police checks completed (fictional demo note).",
            acting_user=self.lead,
        )
        if outcome == GatewayOutcome.PANEL:
            referral.panel_summary = (
                f"{referral.get_gender_display() or 'Person'}, aged "
                f"{referral.age_at_referral if referral.age_at_referral is not None else 'unknown'}"
                f". {referral.concern_description} (Fictional demo summary.)"
            )
            services.update_referral_details(
                referral,
                concern_description=referral.concern_description,
                concern=referral.concern,
                sector=referral.sector,
                vulnerabilities=list(referral.vulnerabilities.all()),
                panel_summary=referral.panel_summary,
                acting_user=self.lead,
            )
            self.awaiting_panel.append(Case(referral, script=script))

    # --- the panel ----------------------------------------------------------------------

    def meeting(self, day: datetime.date) -> None:
        rng = self.ctx.rng
        meeting = services.schedule_meeting(self.panel, held_on=day, acting_user=self.lead)
        members = list(self.panel.members.filter(active=True))
        services.record_attendance(
            meeting,
            attendees=[
                services.Attendee(m.name, m.agency, attended=rng.random() < 0.85, member=m)
                for m in members
            ],
            acting_user=self.lead,
        )
        for case in list(self.in_channel):  # cases in Channel are reviewed every meeting
            if case.referral.stage in (Stage.ADOPTED, Stage.IN_SUPPORT):
                self.review_at_panel(meeting, case)
        ready = [
            c
            for c in self.awaiting_panel
            if c.referral.gateway_outcome_on is not None  # set for every case awaiting panel
            and c.referral.gateway_outcome_on < day - DAY
            and c.script != "ready"  # waits for the next meeting's agenda
        ]
        for case in ready:
            self.awaiting_panel.remove(case)
            self.discuss_new(meeting, case)
        for _ in range(rng.randint(0, 2)):
            self.action(meeting, members)
        services.complete_meeting(meeting, acting_user=self.lead)
        chair = self.ctx.users.get("chair")
        if chair is not None:  # the chair approves the minutes of every meeting held
            services.approve_minutes(meeting, acting_user=chair)
        self.count("meetings")

    def discuss_new(self, meeting: PanelMeeting, case: Case) -> None:
        rng = self.ctx.rng
        referral = case.referral
        item = services.add_to_agenda(meeting, referral, acting_user=self.lead)
        services.record_assessment(
            referral,
            assessed_on=meeting.held_on,
            engagement="Some engagement with extremist material online; no group membership "
            "known. (Fictional demo narrative.)",
            intent="No stated intent to harm; expressed grievance and anger.",
            capability="No known access to weapons; limited capability.",
            conclusion="The panel considers support proportionate to explore.",
            agenda_item=item,
            acting_user=self.lead,
        )
        adopt = rng.random() < 0.62 or bool(case.script)
        defer = case.script == "decision"
        decision = PanelDecision.ADOPT if adopt else PanelDecision.NOT_ADOPT
        services.record_discussion(
            item,
            discussion="Partners shared what they know; school attendance and family "
            "context discussed. (Fictional demo minutes.)",
            decision=PanelDecision.DEFER if defer else decision,
            decision_reason="More information needed from the school and the family's GP."
            if defer
            else "Agreed by consensus.",
            concern=referral.concern,
            alternative_support="" if adopt else "Early help and CAMHS support arranged.",
            acting_user=self.lead,
        )
        self.count("discussed")
        if defer:
            return  # decision pending: back to a later meeting
        if adopt:
            self.count("adopted")
            case.support_days = rng.randint(120, 300)
            if case.script:
                case.support_days = SCRIPT_SUPPORT_DAYS.get(case.script, 150)
            self.in_channel.append(case)
            if case.script == "consent":
                return  # adopted, awaiting consent
            self.at(meeting.held_on + rng.randint(3, 12) * DAY, 2, lambda: self.consent(case))

    def review_at_panel(self, meeting: PanelMeeting, case: Case) -> None:
        rng = self.ctx.rng
        referral = case.referral
        item = services.add_to_agenda(meeting, referral, acting_user=self.lead)
        case.reviews_at_panel += 1
        leaving = case.exit_due is not None and case.exit_due <= meeting.held_on
        if case.reviews_at_panel % 3 == 0 or leaving:
            services.record_assessment(
                referral,
                assessed_on=meeting.held_on,
                engagement="Less time on extremist material; engaging with the mentor. "
                "(Fictional demo narrative.)",
                intent="No intent to harm expressed.",
                capability="No known access to weapons; limited capability.",
                conclusion="Progress noted by the panel.",
                agenda_item=item,
                acting_user=self.lead,
            )
        exit_reason = None
        if leaving:
            reason = _weighted(
                rng, {"concerns-addressed": 80, "referred-on": 12, "consent-withdrawn": 8}
            )
            exit_reason = self.exit_reasons[reason]
        # Leaving Channel is the panel's decision, recorded with the exit reason.
        services.record_discussion(
            item,
            discussion="Progress update from the intervention provider and school. "
            "(Fictional demo minutes.)",
            decision=PanelDecision.LEAVE if leaving else PanelDecision.CONTINUE,
            decision_reason=(
                "Support plan completed: the panel agreed the person leaves Channel."
                if leaving
                else "Continue the support plan."
            ),
            exit_reason=exit_reason,
            acting_user=self.lead,
        )
        if leaving:
            self.in_channel.remove(case)
            referral.refresh_from_db()
            for review in referral.reviews.order_by("due_on"):
                self.at(review.due_on + rng.randint(0, 10) * DAY, 3, self.reviewer(review))

    def action(self, meeting: PanelMeeting, members: list[PanelMember]) -> None:
        rng = self.ctx.rng
        owner = rng.choice(members)
        due = meeting.held_on + rng.randint(10, 28) * DAY
        action = services.add_panel_action(
            meeting,
            description=rng.choice(
                [
                    "Share the school's attendance record with the panel.",
                    "Ask the GP practice about the referral to mental health services.",
                    "Confirm the intervention provider's availability.",
                    "Arrange a home visit with the family.",
                    "Check housing situation and report back.",
                ]
            ),
            owner=owner,
            due_on=due,
            acting_user=self.lead,
        )
        done = due - rng.randint(0, 7) * DAY
        # Most actions are done on time; a few recent ones slip and show as overdue.
        if due < self.cutoff - 90 * DAY or rng.random() < 0.7:
            self.at(
                done,
                2,
                lambda: services.update_panel_action(
                    action,
                    status="done",
                    progress="Done and reported to the panel.",
                    completed_on=done,
                    acting_user=self.lead,
                ),
            )

    # --- support --------------------------------------------------------------------------

    def consent(self, case: Case) -> None:
        rng = self.ctx.rng
        referral = case.referral
        day = self.day
        if referral.stage != Stage.ADOPTED:
            return
        age = services.age_at(referral, day)
        child = age is None or age < services.ADULT_AGE
        declined = rng.random() < 0.07 and not case.script
        services.record_consent(
            referral,
            status=ConsentStatus.DECLINED if declined else ConsentStatus.GIVEN,
            given_by=ConsentGivenBy.PARENT if child else ConsentGivenBy.PERSON,
            given_by_name="Parent (fictional)" if child else "",
            capacity_considered=not child,
            occurred_on=day,
            acting_user=self.lead,
        )
        if declined:
            self.in_channel.remove(case)
            services.close_referral(
                referral,
                closed_on=day,
                reason="Consent declined. Alternative support offered through early help.",
                acting_user=self.lead,
            )
            return
        if case.script == "plan":
            return  # consent given, the support plan not yet agreed
        sessions = max(4, case.support_days // 14)
        services.agree_support_plan(
            referral,
            agreed_on=day,
            planned_start_on=day + DAY,
            planned_end_on=day + case.support_days * DAY,
            sessions_planned=sessions,
            contact_interval_days=14,  # the mentor meets them about fortnightly
            intervention_provider="Northgate Mentoring (fictional)",
            interventions=self.interventions(),
            other_support="Youth club place and school pastoral support.",
            acting_user=self.lead,
        )
        start = day + DAY
        case.exit_due = start + case.support_days * DAY
        self.at(start, 2, lambda: self.start(case))

    def interventions(self) -> list[InterventionKind]:
        rng = self.ctx.rng
        kinds = list(InterventionKind.objects.filter(disabled_on__isnull=True))
        chosen = [k for k in kinds if k.code == "intervention-provider"]
        chosen += rng.sample([k for k in kinds if k.code != "intervention-provider"], 2)
        return chosen

    def start(self, case: Case) -> None:
        referral = case.referral
        start = referral.support_plan.planned_start_on
        services.start_support(referral, started_on=start, acting_user=self.lead)
        self.at(start + 7 * DAY, 3, lambda: self.session(case))

    def session(self, case: Case) -> None:
        rng = self.ctx.rng
        referral = case.referral
        if referral.stage != Stage.IN_SUPPORT:
            return
        day = self.day
        if case.script == "lapsing" and day > self.cutoff - 60 * DAY:
            return  # the mentoring petered out: no contact since
        delivered = rng.random() < 0.88 or case.script == "support"
        services.record_session(
            referral.support_plan,
            occurred_on=day,
            status=SessionStatus.DELIVERED if delivered else SessionStatus.NOT_ATTENDED,
            acting_user=self.lead,
        )
        self.at(day + rng.randint(12, 17) * DAY, 3, lambda: self.session(case))

    def reviewer(self, review: Any) -> Callable[[], object]:
        def record() -> None:
            referral = review.referral
            referral.refresh_from_db()
            if referral.stage != Stage.LEFT_CHANNEL:
                return
            script = self.scripts.get(referral.pk, "")
            if script == "review_due":
                return  # the 6-month review is overdue: the queue raises it
            held_on = max(review.due_on, self.day)
            concerns = self.ctx.rng.random() < 0.06 and not script
            concerns = concerns or (script == "reopen" and review.kind == "6")
            services.record_review(
                review,
                held_on=held_on,
                further_concerns=concerns,
                notes="Checked with the school and family. (Fictional demo note.)"
                if not concerns
                else "The school reports renewed contact with the same online group; the "
                "family asked for help. (Fictional demo note.)",
                # Renewed concerns reopen the case as a new referral: to triage, or (the
                # scripted case) straight to a panel.
                reopen_to=(services.ReopenTo.PANEL if script else services.ReopenTo.TRIAGE)
                if concerns
                else "",
                acting_user=self.lead,
            )
            if concerns and not script:  # the reopened referral is triaged like any other
                new = Referral.objects.get(reopened_from=referral)
                self.at(held_on + self.ctx.rng.randint(1, 6) * DAY, 0, lambda: self.triage(new))
                return
            if script == "extended" and review.kind == "12":
                referral.refresh_from_db()
                assert referral.left_channel_on is not None
                services.extend_review(
                    referral,
                    due_on=referral.left_channel_on + 548 * DAY,  # 18 months after exit
                    decided_on=held_on,
                    reason="The panel asked for a further review after the school year, "
                    "given the family's move. (Fictional demo note.)",
                    acting_user=self.lead,
                )
                return
            if script == "closure":
                return  # both reviews done: awaiting the coordinator's closure
            if review.kind == "12" and not concerns:
                services.close_referral(
                    referral,
                    closed_on=held_on,
                    reason="Both post-exit reviews completed.",
                    acting_user=self.lead,
                )

        return record


def _script_current_work(sim: Simulation, *, last_meeting: datetime.date) -> None:
    """Queue the scripted cases (SCRIPTS) among the simulation's events."""
    earlier: dict[str, Referral] = {}
    first_on = sim.cutoff - EARLIER_DAYS * DAY
    sim.at(first_on, 0, lambda: earlier.setdefault("ready", sim.new_referral(first_on, "earlier")))
    for script, days in SCRIPTS.items():
        # Discussed at the last meeting: received three weeks before it.
        on_last = script in ("decision", "consent", "plan")
        day = last_meeting - 20 * DAY if on_last else sim.cutoff - days * DAY
        if script == "ready":  # the person referred before, closed at triage

            def again(day: datetime.date = day) -> None:
                sim.new_referral(day, "ready", person=earlier["ready"].person)

            sim.at(day, 0, again)
        else:
            sim.at(day, 0, functools.partial(sim.new_referral, day, script))


def run(ctx: DemoContext) -> None:
    lead = ctx.users["coordinator"]
    panel = _panel(ctx, lead)
    if Referral.objects.filter(authority=ctx.authority).exists():
        ctx.say("Casework: already there.")
        return
    cutoff = ctx.today - DAY
    first_year = financial_year(financial_year_start(ctx.today) - YEARS)
    sim = Simulation(ctx, panel, lead, cutoff)
    sim.sectors = {s.code: s for s in Sector.objects.all()}
    sim.exit_reasons = {e.code: e for e in ExitReason.objects.all()}
    year = first_year
    while year.start <= cutoff:
        per_year = ctx.rng.randint(74, 86)
        days = (year.end - year.start).days + 1
        for _ in range(per_year):
            day = year.start + ctx.rng.randrange(days) * DAY
            if day <= cutoff:
                sim.at(day, 0, functools.partial(sim.new_referral, day))
        year = financial_year(year.start.year + 1)
    meetings = _meeting_dates(first_year.start, cutoff)
    for day in meetings:
        sim.at(day, 1, functools.partial(sim.meeting, day))
    _script_current_work(sim, last_meeting=meetings[-1])
    sim.run()
    # The next meeting, with its agenda built: the panel member can see these cases now.
    # Cases in support are not listed: the meeting page proposes the lapsing ones and
    # those due a support review.
    upcoming = [d for d in _meeting_dates(ctx.today, ctx.today + 70 * DAY) if d >= ctx.today]
    meeting = services.schedule_meeting(panel, held_on=upcoming[0], acting_user=lead)
    for case in sim.awaiting_panel:
        if case.referral.stage == Stage.FOR_PANEL and case.script != "ready":
            services.add_to_agenda(meeting, case.referral, acting_user=lead)
    reopened = Referral.objects.filter(
        authority=ctx.authority, stage=Stage.FOR_PANEL, reopened_from__isnull=False
    )
    for referral in reopened.order_by("pk"):
        services.add_to_agenda(meeting, referral, acting_user=lead)
    _onward_referrals(ctx, lead, cutoff)
    counts = sim.counts
    ctx.say(
        f"Casework: {counts.get('referrals', 0)} referrals over {YEARS}+ years, "
        f"{counts.get('police', 0)} to the police gateway, {counts.get('discussed', 0)} "
        f"discussed at {counts.get('meetings', 0)} panels, {counts.get('adopted', 0)} adopted."
    )


# Below the threshold but with other vulnerabilities: referred on to another service, then
# answered or still awaiting the answer (the queue's last section). Fixed, not drawn from
# the random stream, so the rest of the demo is the same with or without them.
ONWARD = (
    # (given, family, days before the cutoff received, service, answer or None, gate)
    ("Ellis", "Marrowby", 60, "Kingsmere Early Help (fictional)", "accepted", "triage"),
    ("Noor", "Castleford", 45, "Kingsmere CAMHS (fictional)", "declined", "gateway"),
    ("Alex", "Penhallow", 12, "Kingsmere Youth Service (fictional)", None, "triage"),
)


def _onward_referrals(ctx: DemoContext, lead: Any, cutoff: datetime.date) -> None:
    for given, family, ago, service, answer, gate in ONWARD:
        received = cutoff - ago * DAY
        person = services.create_person(
            authority=ctx.authority,
            details=services.PersonDetails(
                given_name=given,
                family_name=family,
                address="7 Example Road, Kingsmere (fictional)",
            ),
            acting_user=lead,
        )
        referral = services.receive_referral(
            person=person,
            details=services.ReferralDetails(
                received_on=received,
                referrer_name="Designated safeguarding lead (fictional)",
                concern_description="Worrying remarks online; isolated and anxious at school.",
            ),
            acting_user=lead,
        )
        decided = received + 2 * DAY
        reason = "No Prevent concern, but other vulnerabilities need support (fictional)."
        if gate == "gateway":
            services.triage_referral(
                referral,
                outcome=TriageOutcome.POLICE,
                occurred_on=received + DAY,
                reason="Meets the threshold for the police gateway (fictional).",
                acting_user=lead,
            )
            decided = received + 8 * DAY
            services.record_gateway_outcome(
                referral,
                outcome=GatewayOutcome.REFERRED_ON,
                occurred_on=decided,
                reason=reason,
                onward_service=service,
                onward_referred_on=decided,
                acting_user=lead,
            )
        else:
            services.triage_referral(
                referral,
                outcome=TriageOutcome.REFERRED_ON,
                occurred_on=decided,
                reason=reason,
                onward_service=service,
                onward_referred_on=decided,
                acting_user=lead,
            )
        if answer is not None:
            services.record_onward_response(
                referral,
                response=answer,
                responded_on=decided + 10 * DAY,
                note="Confirmed by the service's duty manager (fictional).",
                acting_user=lead,
            )
