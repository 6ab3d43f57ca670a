"""Kingsmere's Prevent training: three years of fictional records for fourteen organisations.

Council directorates, two NHS trusts, a housing provider, three schools, probation and two
voluntary groups, each with the levels that apply and a target; quarterly headcounts;
trainers with their train-the-trainer accreditation; about 47 professional workshops a
year reaching about 1,260 professionals, and resilience sessions for about 3,300 pupils
and 220 parents a year (the volumes of seed 000 §1.22 and §1.28); and attendees' feedback
forms. Two organisations are left behind their target and one has an out-of-date
headcount, so the Prevent lead's reminders have something to show.

Every organisation, trainer and attendee is fictional. Records go through the training
services as the education officer. The step is idempotent: once Kingsmere has its demo
sessions it does nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dueregard.accounts.models import User
from dueregard.core.periods import financial_quarter_of
from dueregard.demo.context import DemoContext
from dueregard.training import services
from dueregard.training.models import (
    Course,
    EvaluationQuestion,
    Organisation,
    QuestionKind,
    Sector,
    Session,
    Trainer,
    TrainingLevel,
)

ORDER = 40
YEARS = 3
PREFIX = "KM-"


@dataclass(frozen=True)
class Workforce:
    level: str  # level code
    eligible: int
    start: float  # share compliant three years ago
    end: float  # share compliant now
    target: Decimal | None = None  # None: the level's default (85%)


@dataclass(frozen=True)
class Org:
    name: str
    sector: str
    workforce: tuple[Workforce, ...]
    sessions_a_year: int = 0  # professional sessions
    stale: bool = False  # stopped sending headcounts two quarters ago


TEAM = "Kingsmere Council Prevent team"
ORGS = [
    Org(TEAM, Sector.COUNCIL, ()),
    Org(
        "Kingsmere Council Children's Services",
        Sector.COUNCIL,
        (Workforce("wrap", 462, 0.42, 0.91, Decimal(90)),),
        9,
    ),
    Org(
        "Kingsmere Council Adults and Health",
        Sector.COUNCIL,
        (Workforce("wrap", 290, 0.61, 0.93, Decimal(90)),),
        6,
    ),
    Org(
        "Kingsmere Council Community Safety and Enforcement",
        Sector.COUNCIL,
        (
            Workforce("wrap", 84, 0.70, 0.95, Decimal(90)),
            Workforce("basic-awareness", 140, 0.8, 0.97),
        ),
        2,
    ),
    Org(
        "Kingsmere Council Customer Services and Libraries",
        Sector.COUNCIL,
        (Workforce("basic-awareness", 215, 0.35, 0.82, Decimal(90)),),
        3,
    ),
    Org(
        "Kingsmere Community Health NHS Trust",
        Sector.HEALTH,
        (Workforce("basic-awareness", 5200, 0.80, 0.89), Workforce("wrap", 640, 0.74, 0.88)),
        4,
    ),
    Org(
        "Kingsmere and Ashbury Mental Health NHS Trust",
        Sector.HEALTH,
        (Workforce("basic-awareness", 2100, 0.78, 0.86), Workforce("wrap", 480, 0.70, 0.81)),
        4,
    ),
    Org(
        "Kingsmere Homes",
        Sector.HOUSING,
        (Workforce("basic-awareness", 195, 0.10, 0.87),),
        6,
    ),
    Org(
        "Larkfield Primary School",
        Sector.SCHOOL,
        (Workforce("basic-awareness", 58, 0.60, 0.99, Decimal(95)),),
        2,
    ),
    Org(
        "Brookside Primary School",
        Sector.SCHOOL,
        (Workforce("basic-awareness", 44, 0.55, 0.99, Decimal(95)),),
        1,
    ),
    Org(
        "Kingsmere Academy",
        Sector.SCHOOL,
        (Workforce("basic-awareness", 131, 0.50, 0.98, Decimal(95)),),
        2,
    ),
    Org(
        "Kingsmere Probation Delivery Unit",
        Sector.PROBATION,
        (Workforce("wrap", 66, 0.45, 0.88),),
        3,
    ),
    Org(
        "Kingsmere Voluntary Action",
        Sector.VOLUNTARY,
        (Workforce("basic-awareness", 38, 0.20, 0.70, Decimal(75)),),
        3,
        stale=True,
    ),
    Org(
        "Harbour Lane Youth Project",
        Sector.VOLUNTARY,
        (Workforce("wrap", 17, 0.30, 0.82, Decimal(80)),),
        2,
    ),
]

# (name, organisation, accredited level, sessions a year they deliver to their own)
TRAINERS = [
    ("Tom Adebayo", TEAM, "wrap"),  # the demo education officer
    ("Priya Lockwood", TEAM, "wrap"),  # the demo Prevent coordinator
    ("Nadia Fenwick", "Kingsmere Council Children's Services", "wrap"),
    ("Owen Stroud", "Kingsmere Council Children's Services", "wrap"),
    ("Leah Marlowe", "Kingsmere Council Children's Services", "wrap"),
    ("Isaac Brennan", "Kingsmere Council Adults and Health", "wrap"),
    ("Maya Cole", "Kingsmere Homes", "basic-awareness"),
    ("Daniel Hartley", "Kingsmere Homes", "basic-awareness"),
    ("Ruth Okonedo", "Kingsmere Community Health NHS Trust", "wrap"),
]
GIVEN = ["Alex", "Bola", "Chris", "Dana", "Erin", "Femi", "Gita", "Harry", "Imani", "Jon"]
FAMILY = ["Ashdown", "Baxter", "Carrow", "Delaney", "Everett", "Fairlie", "Gould", "Hollis"]
JOBS = ["Social worker", "Family support worker", "Team manager", "Housing officer", "Nurse"]
NEEDS = [
    "More on online radicalisation and gaming platforms",
    "How to talk to families about extremist content",
    "A refresher on making a referral",
    "Examples of cases that went to Channel",
    "Support for managers when staff raise a concern",
]
VENUES = ["Kingsmere Civic Centre, Room 2", "Kingsmere Central Library", "Online"]


def _quarter_ends(today: datetime.date) -> list[datetime.date]:
    """The last day of each financial quarter over the past three years, ended before today."""
    ends: list[datetime.date] = []
    day = today
    while len(ends) < 4 * YEARS:
        quarter = financial_quarter_of(day)
        if quarter.end < today:
            ends.append(quarter.end)
        day = quarter.start - datetime.timedelta(days=1)
    return sorted(ends)


def _snapshots(ctx: DemoContext, organisations: dict[str, Organisation], user: User) -> int:
    levels = {lv.code: lv for lv in TrainingLevel.objects.filter(authority=ctx.authority)}
    ends = _quarter_ends(ctx.today)
    made = 0
    for spec in ORGS:
        organisation = organisations[spec.name]
        for w in spec.workforce:
            level = levels[w.level]
            services.set_requirement(organisation, level, target=w.target, acting_user=user)
            dates = ends[:-2] if spec.stale else ends
            for n, as_of in enumerate(dates):
                share = w.start + (w.end - w.start) * n / (len(ends) - 1)
                share = min(1.0, max(0.0, share + ctx.rng.uniform(-0.02, 0.02)))
                eligible = round(w.eligible * ctx.rng.uniform(0.97, 1.03))
                services.record_snapshot(
                    organisation,
                    level,
                    as_of=as_of,
                    eligible=eligible,
                    compliant=round(eligible * share),
                    acting_user=user,
                )
                made += 1
    return made


def _feedback(ctx: DemoContext, session: Session, questions: list[EvaluationQuestion]) -> list:
    forms = []
    returned = round(session.attendees * ctx.rng.uniform(0.6, 0.95))
    for _ in range(returned):
        answers = {}
        for q in questions:
            if q.kind == QuestionKind.YES_NO:
                answers[q.pk] = services.Answer(yes=ctx.rng.random() < 0.17)
                continue
            after = ctx.rng.choices([1, 2, 3, 4], weights=[1, 10, 50, 39])[0]
            before = ctx.rng.choices([1, 2, 3, 4], weights=[25, 45, 24, 6])[0]
            answers[q.pk] = services.Answer(before=before if q.asks_before else None, after=after)
        needs = ctx.rng.choice(NEEDS) if ctx.rng.random() < 0.12 else ""
        forms.append(services.Feedback(answers=answers, needs=needs))
    return forms


def run(ctx: DemoContext) -> None:
    authority = ctx.authority
    if Session.objects.filter(authority=authority, reference__startswith=PREFIX).exists():
        ctx.say("Training: already there.")
        return
    user = ctx.users["education"]
    services.ensure_standard_lists(authority, acting_user=user)
    organisations: dict[str, Organisation] = {}
    for spec in ORGS:
        organisations[spec.name] = Organisation.objects.filter(
            authority=authority, name=spec.name
        ).first() or services.create_organisation(
            authority, name=spec.name, sector=spec.sector, acting_user=user
        )
    snapshots = _snapshots(ctx, organisations, user)

    levels = {lv.code: lv for lv in TrainingLevel.objects.filter(authority=authority)}
    start = ctx.today - datetime.timedelta(days=365 * YEARS)
    trainers: dict[str, list[Trainer]] = {}
    for n, (name, org_name, level_code) in enumerate(TRAINERS):
        trainer = Trainer.objects.filter(authority=authority, name=name).first()
        if trainer is None:
            trainer = services.create_trainer(
                authority,
                name=name,
                organisation=organisations[org_name],
                accredited_level=levels[level_code],
                accreditation="Home Office accredited WRAP facilitator"
                if level_code == "wrap"
                else "Prevent awareness trainer (train the trainer)",
                accredited_on=start - datetime.timedelta(days=60 * (n + 1)),
                acting_user=user,
            )
        trainers.setdefault(org_name, []).append(trainer)

    courses = {c.code: c for c in Course.objects.filter(authority=authority)}
    questions = list(
        EvaluationQuestion.objects.filter(authority=authority, disabled_on__isnull=True)
    )
    planned: list[tuple[datetime.date, Org | None, str]] = []
    days = (ctx.today - start).days - 1
    for spec in ORGS:
        for _ in range(spec.sessions_a_year * YEARS):
            planned.append((start + datetime.timedelta(days=ctx.rng.randrange(days)), spec, ""))
    for _ in range(22 * YEARS):
        planned.append((start + datetime.timedelta(days=ctx.rng.randrange(days)), None, "pupils"))
    for _ in range(9 * YEARS):
        planned.append((start + datetime.timedelta(days=ctx.rng.randrange(days)), None, "parents"))
    planned.sort(key=lambda p: (p[0], p[2]))

    schools = [organisations[s.name] for s in ORGS if s.sector == Sector.SCHOOL]
    team = trainers[TEAM]
    sessions = forms = 0
    recent_named = 0
    for number, (day, planned_for, audience) in enumerate(planned, start=1):
        venue = ctx.rng.choice(VENUES)
        if planned_for is None:
            course = courses["pupil-resilience" if audience == "pupils" else "parent-online-safety"]
            count = ctx.rng.randint(110, 190) if audience == "pupils" else ctx.rng.randint(14, 36)
            session = services.record_session(
                authority,
                held_on=day,
                course=course,
                audiences=[(ctx.rng.choice(schools), count)],
                trainer=ctx.rng.choice(team),
                venue="School hall" if audience == "pupils" else "School library",
                online=audience == "parents" and venue == "Online",
                reference=f"{PREFIX}{number:04d}",
                acting_user=user,
            )
            sessions += 1
            continue
        spec = planned_for
        level_code = spec.workforce[0].level if spec.workforce else "wrap"
        course = courses["wrap-workshop" if level_code == "wrap" else "awareness-briefing"]
        own = [
            t for t in trainers.get(spec.name, []) if t.accredited_level_id == levels[level_code].pk
        ]
        trainer = ctx.rng.choice(own) if own and ctx.rng.random() < 0.7 else ctx.rng.choice(team)
        size = max(6, min(45, round(ctx.rng.gauss(27, 7))))
        if spec.workforce and spec.workforce[0].eligible < 70:
            size = max(5, min(size, spec.workforce[0].eligible // 3))
        session = services.record_session(
            authority,
            held_on=day,
            course=course,
            audiences=[(organisations[spec.name], size)],
            trainer=trainer,
            venue="" if venue == "Online" else venue,
            online=venue == "Online",
            reference=f"{PREFIX}{number:04d}",
            acting_user=user,
        )
        sessions += 1
        feedback = _feedback(ctx, session, questions)
        if feedback:
            forms += len(services.record_evaluations(session, feedback, acting_user=user))
        if day > ctx.today - datetime.timedelta(days=60) and recent_named < 3:
            recent_named += 1
            for _ in range(min(5, session.attendees)):
                services.add_attendee(
                    session,
                    name=f"{ctx.rng.choice(GIVEN)} {ctx.rng.choice(FAMILY)}",
                    job_title=ctx.rng.choice(JOBS),
                    organisation=organisations[spec.name],
                    acting_user=user,
                )
    ctx.say(
        f"Training: {len(ORGS)} organisations, {snapshots} headcounts, "
        f"{sum(len(t) for t in trainers.values())} trainers, {sessions} sessions, "
        f"{forms} feedback forms."
    )
