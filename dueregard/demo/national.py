"""A synthetic England-and-Wales dataset: `manage.py seed_demo --scale national`.

What it builds (docs/benchmarks.md has the figures at each factor)
-----------------------------------------------------------------
- **Areas.** Every authority of `areas/data/england_wales_authorities.csv` (331, ONS codes
  and regions), loaded with `areas.services.load_authorities`. Each gets 15 to 40
  synthetic wards ("Hartlepool Ward 7", codes E05/W05 followed by the authority's number
  and the ward's) and a **synthetic** resident population by age band, sex, ethnic group
  and religion (for equality monitoring). The populations are drawn, not census figures.
- **Casework.** `BASE_REFERRALS_PER_YEAR` (10,000) referrals a year nationally at factor
  1, shared between authorities by their synthetic population and shaped year by year
  like the published national series (`NATIONAL_REFERRALS`), so `--factor 10 --years 10`
  gives about 1,000,000 referrals: the issue's design scale (about 7,000 a year
  nationally today, with room to grow). The pathway follows national proportions: about
  three in four passed to the police gateway, a quarter of those to a Channel panel
  (about 17% of referrals discussed, as in 2024/25), a little over half of those adopted
  (about 9%). Each referral has its full `StageEvent` history and the cached milestone
  dates the services would write; panels meet on the second Wednesday of each month
  except August, with attendance, agenda items, decisions, Vulnerability Assessment
  Framework narratives (the panel's words, never a score), actions, consent, support
  plans, sessions, exits and the 6- and 12-month reviews. Work still in progress on the
  day the dataset is built is left open, so every coordinator has a work queue. People
  are fictional (names made from short lists of first names and made-up surnames);
  older referrals are partly unidentified, as legacy spreadsheets imported without names.
- **Training.** The standard levels, courses and feedback questions of
  `training.services`, six to eight partner organisations per authority with their
  requirements and quarterly headcount snapshots, trainers, sessions, and
  `BASE_ATTENDANCE_PER_YEAR` (20,000) named attendance records a year nationally at
  factor 1 (about 2,000,000 at factor 10 over ten years), with feedback forms from about
  one attendee in eight; pupils' and parents' sessions are counted, not named.
- **Engagement.** Community groups, engagements with them, and funded projects with
  their outputs, quarterly figures and progress notes.

Every figure is drawn from a `random.Random` seeded per authority, so the same options on
the same day give the same dataset.

How it writes, and the invariants it keeps
------------------------------------------
Replaying a million referrals through `casework.services` one business event at a time
would take days, and `bulk_create` measured 5,000 to 9,000 rows a second on these
machines (building a model instance and preparing every field of every row). So this
module writes each table in batches of 5,000 rows over the model's own columns with
`dueregard.core.bulk.RowWriter`, read from `Model._meta` when it runs (`executemany` on
SQLite; `COPY` on PostgreSQL, where client-side parameter binding held any INSERT to
about 6,000 rows a second): a column this module does not set takes the field's default
(or NULL, or the time of the run for `auto_now` fields), and a required column with
neither fails loudly. Ids are allocated here so history rows can point at their
referral; PostgreSQL sequences are reset after. Everything runs in one transaction: a
failure leaves nothing behind.

It writes the rows the services would write and keeps every rule they check:

- dates are never after yesterday and follow the pathway: received <= triaged = referred
  to police <= gateway outcome < panel discussion = adoption <= consent <= support plan
  < support started <= sessions <= leaving Channel <= 6-month review <= 12-month review
  <= closure; each referral's history rows and cached milestones are what
  `casework.pathway` gives for its events (the module the services apply, so the
  dataset cannot take a step the pathway refuses);
- a referral is discussed at a real meeting of its authority's panel held that day, with
  an agenda item carrying the decision (a deferred decision is taken at the next meeting,
  or left pending); not adopting records the alternative support and
  closes the referral; a child's consent comes from a named parent; support starts only
  after a support plan (with its contact interval) and consent given; a case in support
  whose person stops attending is support lapsing; leaving Channel schedules both
  reviews, and referrals are closed within four weeks of the 12-month review;
- every row carries its authority; wards, organisations, trainers and groups belong to
  the same authority; references are unique (R-YYYY-NNNN as `next_reference` makes them,
  sessions as `training.services._next_reference` does);
- closed referrals carry their closing reason; compliant staff never exceed eligible.

Audit: one `AuditEvent` (object type `demo.national`) records the build with its options
and counts, as an import records its batch. It is also how `seed_demo` knows the
database already holds the national dataset.
"""

from __future__ import annotations

import bisect
import datetime
import math
import random
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction

from dueregard.accounts.models import Membership, Role, User
from dueregard.areas.models import Authority, Characteristic, Population, Region, Ward
from dueregard.areas.services import load_authorities
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.audit.services import record
from dueregard.casework import models as cw
from dueregard.casework import pathway
from dueregard.casework.matching import age_on, name_key, soundex
from dueregard.core.bulk import RowWriter
from dueregard.core.periods import (
    financial_quarter_of,
    financial_year,
    financial_year_start,
)
from dueregard.core.periods import (
    today as local_today,
)
from dueregard.engagement import models as en
from dueregard.training import models as tr
from dueregard.training import services as training_services

AUTHORITIES_CSV = (
    Path(__file__).resolve().parent.parent / "areas" / "data" / "england_wales_authorities.csv"
)
MARKER = "demo.national"
USERNAME_PREFIX = "national-"

# Per year, nationally, at factor 1.
BASE_REFERRALS_PER_YEAR = 10_000
BASE_ATTENDANCE_PER_YEAR = 20_000
ENGAGEMENTS_PER_AUTHORITY_YEAR = 4.0
PROJECTS_PER_AUTHORITY_YEAR = 0.25

# Referrals published for England and Wales by financial year (Home Office, "Individuals
# referred to and supported through the Prevent Programme"; domain-reference.md §1.5).
# Used only for the shape of the series: each year's volume is the base times the
# year's figure over their mean. Years outside the series take the mean.
NATIONAL_REFERRALS = {
    2015: 7631,
    2016: 6093,
    2017: 7318,
    2018: 5737,
    2019: 6287,
    2020: 4915,
    2021: 6406,
    2022: 6817,
    2023: 6922,
    2024: 8778,
}
_SERIES_MEAN = sum(NATIONAL_REFERRALS.values()) / len(NATIONAL_REFERRALS)

DAY = datetime.timedelta(days=1)
SYNTHETIC = "(Synthetic national data.)"

# ---------------------------------------------------------------------------------------
# Proportions (weights, not probabilities, unless named *_SHARE)

SECTOR_WEIGHTS = {
    "education": 36,
    "police": 29,
    "local-authority": 10,
    "health": 9,
    "community": 4,
    "friends-and-family": 3,
    "prison": 2,
    "probation": 3,
    "other": 4,
}
CONCERN_WEIGHTS = {
    "ho-2015": {"islamist": 65, "extreme-right-wing": 15, "other": 20},
    "ho-2017": {"islamist": 25, "extreme-right-wing": 23, "muu": 45, "left-wing": 2, "other": 5},
    "ho-2021": {
        "islamist": 13,
        "extreme-right-wing": 19,
        "conflicted": 18,
        "vulnerability-no-ideology": 36,
        "incel": 3,
        "school-massacre": 4,
        "left-wing": 1,
        "high-ct-risk-no-ideology": 2,
        "other": 4,
    },
    "pcmt-2024": {
        "islamist": 10,
        "extreme-right-wing": 21,
        "no-ideology": 20,
        "no-ideology-susceptibility": 36,
        "violence-fascination": 5,
        "conflicted": 3,
        "incel": 2,
        "left-wing": 1,
        "other": 2,
    },
}
CONCERN_NOT_KNOWN_SHARE = 0.03
VULNERABILITY_SHARES = {
    "mental-health": 0.22,
    "autism": 0.14,
    "learning-difficulty": 0.06,
    "adhd": 0.07,
    "send": 0.08,
    "domestic-abuse": 0.05,
    "social-isolation": 0.12,
    "bullying": 0.05,
    "substance-misuse": 0.03,
    "looked-after": 0.03,
    "exploitation": 0.02,
    "housing": 0.02,
}
AGE_BANDS = [((6, 10), 4), ((11, 15), 36), ((16, 17), 13), ((18, 20), 10), ((21, 30), 14),
             ((31, 40), 10), ((41, 50), 7), ((51, 60), 4), ((61, 80), 2)]  # fmt: skip
GENDER_WEIGHTS = {cw.Gender.MALE.value: 880, cw.Gender.FEMALE.value: 103, None: 17}
ETHNIC_WEIGHTS = {
    cw.EthnicGroup.WHITE.value: 58,
    cw.EthnicGroup.ASIAN.value: 17,
    cw.EthnicGroup.BLACK.value: 7,
    cw.EthnicGroup.MIXED.value: 5,
    cw.EthnicGroup.OTHER.value: 3,
    "": 10,
}
RELIGION_WEIGHTS = {
    cw.Religion.NONE.value: 30,
    cw.Religion.CHRISTIAN.value: 18,
    cw.Religion.MUSLIM.value: 14,
    cw.Religion.NOT_ANSWERED.value: 8,
    cw.Religion.OTHER.value: 2,
    cw.Religion.SIKH.value: 1,
    cw.Religion.HINDU.value: 1,
    cw.Religion.JEWISH.value: 1,
    cw.Religion.BUDDHIST.value: 1,
    "": 24,
}
TRIAGE_WEIGHTS = {
    cw.TriageOutcome.POLICE: 75,
    cw.TriageOutcome.ADVICE: 12,
    cw.TriageOutcome.SIGNPOSTED: 9,
    cw.TriageOutcome.NFA: 4,
}
GATEWAY_WEIGHTS = {
    cw.GatewayOutcome.PANEL: 23,
    cw.GatewayOutcome.NFA: 30,
    cw.GatewayOutcome.SIGNPOSTED: 35,
    cw.GatewayOutcome.POLICE_LED: 12,
}
ADOPT_SHARE = 0.55
CONSENT_DECLINED_SHARE = 0.07
DEFER_SHARE = 0.15  # first discussions deferred for more information
# Days between planned support contacts (the support plan's contact interval).
CONTACT_INTERVAL_WEIGHTS = {14: 2, 21: 2, 28: 5, 42: 1}
LAPSE_SHARE = 0.15  # people in support who stop attending before the panel next reviews
DOB_KNOWN_SHARE = 0.93
REPEAT_SHARE = 0.06
LEGACY_YEARS = 5  # referrals older than this were partly imported without names
LEGACY_UNIDENTIFIED_SHARE = 0.4
EXIT_WEIGHTS = {"concerns-addressed": 80, "referred-on": 12, "consent-withdrawn": 8}
FEEDBACK_SHARE = 0.12

TRIAGE_REASONS = {
    cw.TriageOutcome.POLICE: "Concern meets the threshold for the police gateway.",
    cw.TriageOutcome.ADVICE: "Advice given to the referrer on supporting the person.",
    cw.TriageOutcome.SIGNPOSTED: "Signposted to early help.",
    cw.TriageOutcome.NFA: "No Prevent concern once the context was understood.",
}
GATEWAY_REASONS = {
    cw.GatewayOutcome.PANEL: "Susceptibility identified: suitable for Channel.",
    cw.GatewayOutcome.NFA: "No terrorism-related concern after checks.",
    cw.GatewayOutcome.SIGNPOSTED: "Safeguarding needs better met by other services.",
    cw.GatewayOutcome.POLICE_LED: "Managed by police.",
}
CONCERN_TEXTS = [
    "Shared extremist material in a group chat.",
    "Spending long hours on forums glorifying past attacks.",
    "Family worried about a change in views after contact with an online group.",
    "Expressed support for a proscribed organisation.",
    "Notes about weapons and attacks found.",
    "Posted hostile content about a faith community online.",
    "Fixated on grievance content and incel forums.",
]
GIVEN_NAMES = {
    cw.Gender.MALE.value: ["Aiden", "Bilal", "Callum", "Dominik", "Ellis", "Farhan", "Harvey",
                           "Idris", "Jayden", "Kieran", "Leon", "Mason", "Oskar", "Reuben",
                           "Samir", "Tyler", "Wiktor", "Zane", "Connor", "Rhys"],
    cw.Gender.FEMALE.value: ["Amira", "Bethany", "Chloe", "Demi", "Erin", "Fatima", "Holly",
                             "Imogen", "Jasmine", "Keira", "Lacey", "Maya", "Nadia", "Tegan"],
}  # fmt: skip
SURNAME_STARTS = [
    "Ash",
    "Brack",
    "Corr",
    "Dun",
    "Els",
    "Farr",
    "Gads",
    "Holl",
    "Ibb",
    "Jess",
    "Kett",
    "Low",
    "Mab",
    "Nutt",
    "Orm",
    "Peg",
    "Quen",
    "Rain",
    "Sand",
    "Thack",
]
SURNAME_ENDS = ["bury", "combe", "croft", "dale", "den", "field", "ford", "gate", "ham", "hurst",
                "ley", "low", "mere", "more", "ridge", "shaw", "stead", "ton", "wick", "worth"]  # fmt: skip
STAFF_GIVEN = ["Alex", "Bola", "Chris", "Dana", "Femi", "Gita", "Harry", "Imani", "Jon", "Kim"]
JOB_TITLES = [
    "Social worker",
    "Teacher",
    "Housing officer",
    "Nurse",
    "Team manager",
    "Youth worker",
]
PANEL_AGENCIES = [
    ("{a} Council", "Channel panel chair"),
    ("Counter Terrorism Policing", "Channel police practitioner"),
    ("{a} Children's Services", "Safeguarding lead"),
    ("{a} Adult Social Care", "Adult safeguarding lead"),
    ("{a} Mental Health Trust", "Safeguarding lead"),
    ("Probation Service", "Senior probation officer"),
    ("{a} Education Safeguarding", "Education safeguarding adviser"),
]
ORGANISATIONS = [  # (name, training sector, [(level code, workforce low, high)])
    ("{a} Council Children's Services", tr.Sector.COUNCIL, [("wrap", 150, 700)]),
    ("{a} Council Adults and Health", tr.Sector.COUNCIL, [("wrap", 100, 450)]),
    ("{a} Council Community Safety", tr.Sector.COUNCIL, [("wrap", 30, 120),
                                                         ("basic-awareness", 60, 200)]),
    ("{a} Community Health NHS Trust", tr.Sector.HEALTH, [("basic-awareness", 1500, 6000),
                                                          ("wrap", 300, 900)]),
    ("{a} Homes", tr.Sector.HOUSING, [("basic-awareness", 80, 300)]),
    ("{a} Schools Partnership", tr.Sector.SCHOOL, [("basic-awareness", 300, 1500)]),
    ("{a} Probation Delivery Unit", tr.Sector.PROBATION, [("wrap", 30, 120)]),
    ("{a} Voluntary Action", tr.Sector.VOLUNTARY, [("basic-awareness", 20, 80)]),
]  # fmt: skip
GROUPS = [  # (name, kind, faith)
    ("{a} Interfaith Forum", en.GroupKind.FAITH, "Multi-faith"),
    ("{w} Mosque Committee", en.GroupKind.FAITH, "Muslim"),
    ("{w} Parish Church", en.GroupKind.FAITH, "Christian"),
    ("{w} Gurdwara Committee", en.GroupKind.FAITH, "Sikh"),
    ("{w} Residents' Association", en.GroupKind.RESIDENTS, ""),
    ("{a} Youth Network", en.GroupKind.YOUTH, ""),
    ("{w} Women's Group", en.GroupKind.WOMEN, ""),
    ("{a} Community Voluntary Service", en.GroupKind.VOLUNTARY, ""),
    ("{w} Community Centre", en.GroupKind.COMMUNITY, ""),
    ("{w} Supplementary School", en.GroupKind.EDUCATION, ""),
]
ENGAGEMENT_TOPICS = [
    "Introduction to Prevent and how to raise a concern",
    "Online safety for young people",
    "Community tension monitoring",
    "Safeguarding in out-of-school settings",
    "Funding for a community project",
]
PROJECT_THEMES = ["Youth resilience", "Online safety", "Parent workshops", "Sports diversion"]

# Shares of residents for the synthetic population (roughly England and Wales).
POPULATION_SHARES: dict[str, dict[str, float]] = {
    Characteristic.AGE_BAND.value: {
        "10 or under": 0.12,
        "11-15": 0.06,
        "16-17": 0.024,
        "18-20": 0.036,
        "21-30": 0.13,
        "31-40": 0.135,
        "41-50": 0.125,
        "51-60": 0.135,
        "61 and over": 0.235,
    },
    Characteristic.SEX.value: {"Female": 0.51, "Male": 0.49},
    Characteristic.ETHNIC_GROUP.value: {
        cw.EthnicGroup.ASIAN.value: 0.093,
        cw.EthnicGroup.BLACK.value: 0.04,
        cw.EthnicGroup.MIXED.value: 0.03,
        cw.EthnicGroup.WHITE.value: 0.817,
        cw.EthnicGroup.OTHER.value: 0.02,
    },
    Characteristic.RELIGION.value: {
        cw.Religion.CHRISTIAN.value: 0.462,
        cw.Religion.MUSLIM.value: 0.065,
        cw.Religion.HINDU.value: 0.017,
        cw.Religion.SIKH.value: 0.009,
        cw.Religion.JEWISH.value: 0.005,
        cw.Religion.BUDDHIST.value: 0.005,
        cw.Religion.OTHER.value: 0.006,
        cw.Religion.NONE.value: 0.371,
        cw.Religion.NOT_ANSWERED.value: 0.06,
    },
}


class NationalDataExists(Exception):
    """The database already holds the national dataset (rebuild it with --reset)."""


@dataclass
class NationalSummary:
    years: int
    factor: float
    first_day: datetime.date
    last_day: datetime.date
    authorities: int
    rows: dict[str, int]
    seconds: float

    def count(self, model: type[models.Model]) -> int:
        return self.rows.get(model._meta.label, 0)


def has_national_data() -> bool:
    return AuditEvent.objects.filter(object_type=MARKER).exists()


# ---------------------------------------------------------------------------------------
# Helpers


_Choice = TypeVar("_Choice")


def _weighted(rng: random.Random, weights: Mapping[_Choice, float]) -> _Choice:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _rounded(rng: random.Random, expected: float) -> int:
    """`expected` rounded up or down at random, so small volumes stay in proportion."""
    whole = math.floor(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def _seed(*parts: object) -> int:
    return zlib.crc32(":".join(str(p) for p in parts).encode())


def meeting_dates(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Second Wednesday of each month, none in August: 11 panels a year."""
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


def _quarter_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    ends = []
    quarter = financial_quarter_of(first)
    while quarter.end <= last:
        ends.append(quarter.end)
        quarter = financial_quarter_of(quarter.end + DAY)
    return ends


@dataclass(frozen=True)
class _Span:
    """The financial years covered, and the last day records may carry (yesterday)."""

    first_day: datetime.date
    cutoff: datetime.date
    today: datetime.date
    years: list[tuple[int, datetime.date, datetime.date]]  # (start year, first, last day)


def _span(years: int, today: datetime.date) -> _Span:
    cutoff = today - DAY
    current = financial_year_start(cutoff)
    periods = []
    for start_year in range(current - years + 1, current + 1):
        fy = financial_year(start_year)
        periods.append((start_year, fy.start, min(fy.end, cutoff)))
    return _Span(periods[0][1], cutoff, today, periods)


# ---------------------------------------------------------------------------------------
# Reference data read once


@dataclass
class _Reference:
    sectors: dict[str, tuple[int, str]]
    vulnerabilities: dict[str, int]
    exit_reasons: dict[str, tuple[int, str]]
    interventions: list[int]
    intervention_provider: int | None
    # (valid from, valid to, {code: id}, weights)
    concern_lists: list[tuple[datetime.date, datetime.date | None, dict[str, int], dict[str, int]]]

    @classmethod
    def load(cls) -> _Reference:
        lists = []
        for code_list in cw.ConcernCodeList.objects.order_by("valid_from"):
            types = {
                t.code: t.pk
                for t in cw.ConcernType.objects.filter(
                    code_list=code_list, disabled_on__isnull=True
                )
            }
            weights = {
                c: w for c, w in CONCERN_WEIGHTS.get(code_list.code, {}).items() if c in types
            } or dict.fromkeys(types, 1)
            lists.append((code_list.valid_from, code_list.valid_to, types, weights))
        kinds = dict(cw.InterventionKind.objects.values_list("code", "pk"))
        return cls(
            sectors={s.code: (s.pk, s.label) for s in cw.Sector.objects.all()},
            vulnerabilities=dict(cw.Vulnerability.objects.values_list("code", "pk")),
            exit_reasons={e.code: (e.pk, e.label) for e in cw.ExitReason.objects.all()},
            interventions=[pk for code, pk in kinds.items() if code != "intervention-provider"],
            intervention_provider=kinds.get("intervention-provider"),
            concern_lists=lists,
        )

    def concern(self, rng: random.Random, day: datetime.date) -> int | None:
        if rng.random() < CONCERN_NOT_KNOWN_SHARE or not self.concern_lists:
            return None
        chosen = self.concern_lists[-1]
        for entry in self.concern_lists:
            if entry[0] <= day and (entry[1] is None or day <= entry[1]):
                chosen = entry
        types, weights = chosen[2], chosen[3]
        if not types:
            return None
        return types[_weighted(rng, weights)]


# ---------------------------------------------------------------------------------------
# The build


@dataclass
class _Place:
    authority: Authority
    number: int  # 1.. in ONS code order: makes ward codes unique
    population: int
    weight: float  # share of the national referrals (before normalising)
    wards: list[int] = field(default_factory=list)
    ward_names: list[str] = field(default_factory=list)
    lead_id: int = 0


def build(
    *,
    years: int = 10,
    factor: float = 1.0,
    today: datetime.date | None = None,
    seed: int = 2026,
    out: Callable[[str], None] | None = None,
) -> NationalSummary:
    """Build the national dataset in one transaction (see the module docstring).

    Raises `NationalDataExists` if the database already holds it, `ValueError` for
    options out of range.
    """
    if years < 1 or years > 30:
        raise ValueError("--years must be between 1 and 30")
    if not 0 < factor <= 100:
        raise ValueError("--factor must be more than 0 and at most 100")
    if has_national_data():
        raise NationalDataExists(
            "The database already holds the national dataset: use --reset to rebuild it."
        )
    say = out or (lambda message: None)
    started = time.monotonic()
    today = today or local_today()
    span = _span(years, today)
    with transaction.atomic():
        load_authorities(AUTHORITIES_CSV)
        codes = [
            row.split(",", 1)[0]
            for row in AUTHORITIES_CSV.read_text(encoding="utf-8").splitlines()[1:]
            if row.strip()
        ]
        authorities = list(Authority.objects.filter(ons_code__in=codes).order_by("ons_code"))
        writer = RowWriter(set_foreign_keys_aside=True)
        reference = _Reference.load()
        places = _areas(writer, authorities, seed)
        _users(writer, places)
        total_weight = sum(p.weight for p in places)
        total_population = sum(p.population for p in places)
        for n, place in enumerate(places, start=1):
            rng = random.Random(_seed(seed, place.authority.ons_code))
            share = place.weight / total_weight
            _Caseload(writer, place, reference, span, rng).run(factor * share)
            people_share = place.population / total_population
            _training(writer, place, span, rng, factor * people_share)
            _engagement(writer, place, span, rng, factor)
            if n % 50 == 0 or n == len(places):
                say(f"National: {n} of {len(places)} authorities written.")
        rows = writer.finish()
        record(
            AuditAction.CREATE,
            actor=None,
            object_type=MARKER,
            detail={
                "years": years,
                "factor": factor,
                "seed": seed,
                "first_day": span.first_day.isoformat(),
                "last_day": span.cutoff.isoformat(),
                "rows": rows,
            },
        )
    return NationalSummary(
        years=years,
        factor=factor,
        first_day=span.first_day,
        last_day=span.cutoff,
        authorities=len(places),
        rows=rows,
        seconds=time.monotonic() - started,
    )


# ---------------------------------------------------------------------------------------
# Areas and people who work there


def _spread(total: int, shares: dict[str, float]) -> dict[str, int]:
    counts = {group: int(total * share) for group, share in shares.items()}
    first = next(iter(counts))
    counts[first] += total - sum(counts.values())
    return counts


def _areas(writer: RowWriter, authorities: list[Authority], seed: int) -> list[_Place]:
    wards = writer.table(Ward, ["authority_id", "ons_code", "name"])
    population = writer.table(
        Population, ["authority_id", "ward_id", "characteristic", "group", "count"]
    )
    places = []
    for number, authority in enumerate(authorities, start=1):
        rng = random.Random(_seed(seed, "areas", authority.ons_code))
        london = authority.region == Region.LONDON
        size = rng.lognormvariate(math.log(260_000 if london else 150_000), 0.45)
        total = max(20_000, min(1_200_000, int(size)))
        place = _Place(authority, number, total, total * rng.uniform(0.6, 1.5))
        prefix = "W05" if authority.ons_code.startswith("W") else "E05"
        count = rng.randint(15, 40)
        weights = [rng.uniform(0.7, 1.3) for _ in range(count)]
        ward_totals = [int(total * w / sum(weights)) for w in weights]
        ward_totals[0] += total - sum(ward_totals)
        for n, ward_total in enumerate(ward_totals, start=1):
            name = f"{authority.name} Ward {n}"
            # E058/W058 + authority number + ward number: clear of real ward codes.
            ward_id = wards.add(authority.pk, f"{prefix}8{number:03d}{n:02d}", name)
            place.wards.append(ward_id)
            place.ward_names.append(name)
            population.add(
                authority.pk, ward_id, Characteristic.TOTAL.value, "All residents", ward_total
            )
        population.add(authority.pk, None, Characteristic.TOTAL.value, "All residents", total)
        for characteristic, shares in POPULATION_SHARES.items():
            for group, n in _spread(total, shares).items():
                population.add(authority.pk, None, characteristic, group, n)
        places.append(place)
    return places


def _users(writer: RowWriter, places: list[_Place]) -> None:
    """One Prevent lead per authority (no password: these accounts cannot sign in)."""
    users = writer.table(
        User,
        ["username", "password", "full_name", "job_title", "email", "is_active", "date_joined"],
    )
    memberships = writer.table(Membership, ["user_id", "role", "authority_id", "region"])
    for place in places:
        code = place.authority.ons_code.lower()
        place.lead_id = users.add(
            f"{USERNAME_PREFIX}{code}-lead",
            "!synthetic-national-user",  # an unusable password, as set_unusable_password makes
            f"Prevent lead, {place.authority.name} (synthetic)",
            "Prevent Coordinator",
            f"prevent.lead.{code}@example.invalid",
            True,
            writer.now,
        )
        memberships.add(place.lead_id, Role.PREVENT_LEAD.value, place.authority.pk, "")


# ---------------------------------------------------------------------------------------
# Casework


@dataclass
class _Known:
    """A person already referred in the authority (for repeat referrals)."""

    person_id: int
    date_of_birth: datetime.date | None
    gender: str | None
    ward_id: int | None
    first_referred: datetime.date


class _Caseload:
    """One authority's casework: its Channel panel and meetings, and its referrals, each
    with the history rows and milestones `casework.pathway` gives for its events."""

    def __init__(
        self,
        writer: RowWriter,
        place: _Place,
        reference: _Reference,
        span: _Span,
        rng: random.Random,
    ) -> None:
        self.w = writer
        self.place = place
        self.ref = reference
        self.span = span
        self.rng = rng
        self.authority_id = place.authority.pk
        self.lead = place.lead_id
        self.people: list[_Known] = []
        self.numbers: dict[int, int] = {}  # calendar year -> last reference number
        self.name_keys: dict[str, tuple[str, str]] = {}
        t = writer.table
        self.t_person = t(
            cw.Person,
            ["authority_id", "given_name", "family_name", "date_of_birth", "gender",
             "ethnic_group", "religion", "ward_id", "unidentified_historical", "given_name_key",
             "family_name_key", "family_name_sound", "created_by_id", "modified_by_id",
             "created_at", "modified_at"],
        )  # fmt: skip
        self.t_referral = t(
            cw.Referral,
            ["authority_id", "person_id", "reference", "source", "coordinator_id", "received_on",
             "referrer_name", "sector_id", "concern_description", "concern_id",
             "age_at_referral", "gender", "ward_id", "panel_summary", "stage", "triaged_on",
             "triage_outcome", "referred_to_police_on", "gateway_outcome", "gateway_outcome_on",
             "gateway_concern_id", "gateway_police_notes", "discussed_at_panel_on",
             "panel_concern_id", "adopted_on", "not_adopted_on", "alternative_support",
             "support_started_on", "left_channel_on", "exit_reason_id", "closed_on",
             "closure_reason", "created_by_id", "modified_by_id", "created_at", "modified_at"],
        )  # fmt: skip
        self.t_event = t(
            cw.StageEvent,
            ["authority_id", "referral_id", "person_id", "kind", "from_stage", "to_stage",
             "outcome", "outcome_label", "concern_id", "occurred_on", "reason", "recorded_at",
             "recorded_by_id"],
        )  # fmt: skip
        self.t_vulnerability = t(
            cw.Referral.vulnerabilities.through, ["referral_id", "vulnerability_id"]
        )
        self.t_panel = t(
            cw.Panel,
            ["authority_id", "name", "panel_type", "created_by_id", "modified_by_id"],
        )
        self.t_member = t(
            cw.PanelMember,
            ["panel_id", "user_id", "name", "agency", "role_title", "active", "joined_on"],
        )
        self.t_meeting = t(
            cw.PanelMeeting,
            ["authority_id", "panel_id", "held_on", "status", "created_by_id", "modified_by_id"],
        )
        self.t_attendance = t(
            cw.Attendance, ["meeting_id", "member_id", "name", "agency", "attended"]
        )
        self.t_item = t(
            cw.AgendaItem,
            ["authority_id", "meeting_id", "referral_id", "reason", "is_open", "discussion",
             "decision", "decision_reason", "decided_at", "decided_by_id"],
        )  # fmt: skip
        self.t_assessment = t(
            cw.VulnerabilityAssessment,
            ["authority_id", "referral_id", "agenda_item_id", "assessed_on", "engagement",
             "intent", "capability", "conclusion", "recorded_at", "recorded_by_id"],
        )  # fmt: skip
        self.t_action = t(
            cw.PanelAction,
            ["authority_id", "meeting_id", "description", "owner_id", "due_on", "status",
             "completed_on", "progress", "created_by_id", "modified_by_id"],
        )  # fmt: skip
        self.t_consent = t(
            cw.Consent,
            ["authority_id", "referral_id", "status", "given_by", "given_by_name",
             "capacity_considered", "occurred_on", "recorded_at", "recorded_by_id"],
        )  # fmt: skip
        self.t_plan = t(
            cw.SupportPlan,
            ["authority_id", "referral_id", "agreed_on", "intervention_provider",
             "sessions_planned", "planned_start_on", "planned_end_on", "contact_interval_days",
             "created_by_id",
             "modified_by_id", "created_at", "modified_at"],
        )  # fmt: skip
        self.t_plan_kind = t(
            cw.SupportPlan.interventions.through, ["supportplan_id", "interventionkind_id"]
        )
        self.t_session = t(
            cw.SupportSession,
            ["authority_id", "plan_id", "occurred_on", "status", "provider", "recorded_at",
             "recorded_by_id"],
        )  # fmt: skip
        self.t_review = t(
            cw.Review,
            ["authority_id", "referral_id", "kind", "due_on", "held_on", "further_concerns",
             "notes", "recorded_by_id"],
        )  # fmt: skip

    # --- panel and meetings -------------------------------------------------------------

    def _panel(self) -> None:
        name = f"{self.place.authority.name} Channel Panel"
        self.panel_name = name
        self.panel_id = self.t_panel.add(
            self.authority_id, name, cw.PanelType.CHANNEL.value, self.lead, self.lead
        )
        self.members: list[tuple[int, str, str]] = []
        joined = self.span.first_day - 90 * DAY
        lead_name = f"Prevent lead, {self.place.authority.name} (synthetic)"
        self.members.append(
            (
                self.t_member.add(
                    self.panel_id, self.lead, lead_name, f"{self.place.authority.name} Council",
                    "Prevent Coordinator", True, joined,
                ),
                lead_name,
                f"{self.place.authority.name} Council",
            )
        )  # fmt: skip
        for agency, role in PANEL_AGENCIES:
            agency = agency.format(a=self.place.authority.name)
            person = (
                f"{self.rng.choice(STAFF_GIVEN)} "
                f"{self.rng.choice(SURNAME_STARTS)}{self.rng.choice(SURNAME_ENDS)}"
            )
            member = self.t_member.add(self.panel_id, None, person, agency, role, True, joined)
            self.members.append((member, person, agency))
        dates = meeting_dates(self.span.first_day, self.span.today + 70 * DAY)
        self.meeting_days: list[datetime.date] = []
        self.meeting_ids: list[int] = []
        self.upcoming: tuple[int, datetime.date] | None = None
        for day in dates:
            held = day <= self.span.cutoff
            if not held and self.upcoming is not None:
                break
            meeting = self.t_meeting.add(
                self.authority_id,
                self.panel_id,
                day,
                cw.MeetingStatus.HELD.value if held else cw.MeetingStatus.PLANNED.value,
                self.lead,
                self.lead,
            )
            if not held:
                self.upcoming = (meeting, day)
                break
            self.meeting_days.append(day)
            self.meeting_ids.append(meeting)
            for member, person, agency in self.members:
                self.t_attendance.add(meeting, member, person, agency, self.rng.random() < 0.85)
            self._actions(meeting, day)

    def _actions(self, meeting: int, day: datetime.date) -> None:
        rng = self.rng
        for _ in range(rng.randint(0, 2)):
            owner = rng.choice(self.members)[0]
            due = day + rng.randint(10, 28) * DAY
            done = due - rng.randint(0, 7) * DAY
            finished = done <= self.span.cutoff and (
                due < self.span.cutoff - 90 * DAY or rng.random() < 0.7
            )
            self.t_action.add(
                self.authority_id,
                meeting,
                rng.choice(
                    [
                        "Share the school's attendance record with the panel.",
                        "Confirm the intervention provider's availability.",
                        "Arrange a home visit with the family.",
                        "Check the housing situation and report back.",
                    ]
                ),
                owner,
                due,
                cw.ActionStatus.DONE.value if finished else cw.ActionStatus.OPEN.value,
                done if finished else None,
                "Done and reported to the panel." if finished else "",
                self.lead,
                self.lead,
            )

    def _meeting_after(self, day: datetime.date) -> int | None:
        """Index of the first held meeting strictly after `day` (None: none yet)."""
        i = bisect.bisect_right(self.meeting_days, day)
        return i if i < len(self.meeting_days) else None

    def _meeting_label(self, day: datetime.date) -> str:
        return f"{self.panel_name}, {day:%-d %B %Y}"

    # --- people and references ----------------------------------------------------------

    def _keys(self, given: str, family: str) -> tuple[str, str, str]:
        if family not in self.name_keys:
            self.name_keys[family] = (name_key(family), soundex(family))
        family_key, sound = self.name_keys[family]
        return name_key(given), family_key, sound

    def _reference(self, received_on: datetime.date) -> str:
        n = self.numbers.get(received_on.year, 0) + 1
        self.numbers[received_on.year] = n
        return f"R-{received_on.year}-{n:04d}"

    def _person(self, received_on: datetime.date, legacy: bool) -> tuple[_Known, int | None]:
        """A new person (and the age at referral when no date of birth is known)."""
        rng = self.rng
        gender = _weighted(rng, GENDER_WEIGHTS)
        low, high = _weighted(rng, dict(AGE_BANDS))
        age = rng.randint(low, high)
        dob: datetime.date | None = received_on - datetime.timedelta(
            days=age * 365 + age // 4 + rng.randint(0, 360)
        )
        if rng.random() > DOB_KNOWN_SHARE:
            dob = None
        ward = rng.choice(self.place.wards) if rng.random() < 0.9 else None
        unidentified = legacy and rng.random() < LEGACY_UNIDENTIFIED_SHARE
        if unidentified:
            given = family = ""
            keys = ("", "", "")
        else:
            given = rng.choice(GIVEN_NAMES.get(gender or "", GIVEN_NAMES[cw.Gender.MALE.value]))
            family = rng.choice(SURNAME_STARTS) + rng.choice(SURNAME_ENDS)
            keys = self._keys(given, family)
        created = self.w.stamp(received_on, rng.randint(0, 480))
        person_id = self.t_person.add(
            self.authority_id, given, family, dob, gender, _weighted(rng, ETHNIC_WEIGHTS),
            _weighted(rng, RELIGION_WEIGHTS), ward, unidentified, *keys, self.lead, self.lead,
            created, created,
        )  # fmt: skip
        known = _Known(person_id, dob, gender, ward, received_on)
        self.people.append(known)
        return known, None if dob else age

    # --- one referral -------------------------------------------------------------------

    def run(self, share: float) -> None:
        self._panel()
        for start_year, first, last in self.span.years:
            if last < first:
                continue
            year_days = (financial_year(start_year).end - first).days + 1
            fraction = ((last - first).days + 1) / year_days
            volume = NATIONAL_REFERRALS.get(start_year, _SERIES_MEAN) / _SERIES_MEAN
            expected = BASE_REFERRALS_PER_YEAR * share * volume * fraction
            count = _rounded(self.rng, expected)
            days = sorted(
                first + self.rng.randrange((last - first).days + 1) * DAY for _ in range(count)
            )
            for day in days:
                self.referral(day)

    def referral(self, received_on: datetime.date) -> None:
        rng, w = self.rng, self.w
        legacy = received_on < self.span.today - datetime.timedelta(days=365 * LEGACY_YEARS)
        age: int | None = None
        earlier: list[_Known] = []
        if self.people and rng.random() < REPEAT_SHARE:  # someone referred before
            earlier = [p for p in self.people[-200:] if p.first_referred < received_on - 30 * DAY]
        if earlier:
            known = rng.choice(earlier)
        else:
            known, age = self._person(received_on, legacy)
        if known.date_of_birth is not None:
            age = age_on(known.date_of_birth, received_on)
        concern = self.ref.concern(rng, received_on)
        sector_code = _weighted(rng, SECTOR_WEIGHTS)
        sector, sector_label = self.ref.sectors.get(sector_code, (None, ""))
        journey = pathway.Journey()
        # The referral's columns the pathway does not decide.
        r: dict[str, Any] = {"gateway_police_notes": "", "panel_summary": ""}
        after: list[Callable[[int], object]] = []  # rows that need the referral's id
        journey.add(
            pathway.Received(
                received_on,
                concern_id=concern,
                sector_code=sector_code if sector else "",
                sector_label=sector_label,
            )
        )
        self._pathway(journey, r, after, received_on, concern, age, known)
        m = journey.milestones

        source = cw.ReferralSource.IMPORT if legacy else cw.ReferralSource.INTAKE
        created = w.stamp(received_on, rng.randint(0, 480))
        referral_id = self.t_referral.add(
            self.authority_id, known.person_id, self._reference(received_on), source.value,
            self.lead, received_on, "" if legacy else "Designated safeguarding lead (synthetic)",
            sector, rng.choice(CONCERN_TEXTS), concern, age, known.gender, known.ward_id,
            r["panel_summary"], m["stage"], m["triaged_on"], m["triage_outcome"],
            m["referred_to_police_on"], m["gateway_outcome"], m["gateway_outcome_on"],
            m["gateway_concern_id"], r["gateway_police_notes"], m["discussed_at_panel_on"],
            m["panel_concern_id"], m["adopted_on"], m["not_adopted_on"],
            m["alternative_support"], m["support_started_on"], m["left_channel_on"],
            m["exit_reason_id"], m["closed_on"], m["closure_reason"], self.lead, self.lead,
            created, w.stamp(journey.rows[-1].occurred_on, len(journey.rows)),
        )  # fmt: skip
        # Each history row is entered a minute after the one before, on its own day.
        for minute, row in enumerate(journey.rows, start=1):
            self.t_event.add(
                self.authority_id, referral_id, known.person_id, *row,
                w.stamp(row.occurred_on, minute), self.lead,
            )  # fmt: skip
        for code, share in VULNERABILITY_SHARES.items():
            if rng.random() < share and code in self.ref.vulnerabilities:
                self.t_vulnerability.add(referral_id, self.ref.vulnerabilities[code])
        for write in after:
            write(referral_id)

    def _pathway(
        self,
        journey: pathway.Journey,
        r: dict[str, Any],
        after: list[Callable[[int], object]],
        received_on: datetime.date,
        concern: int | None,
        age: int | None,
        known: _Known,
    ) -> None:
        """Play the referral's pathway up to yesterday (see the module docstring)."""
        rng, cutoff = self.rng, self.span.cutoff
        triaged_on = received_on + rng.randint(0, 6 if rng.random() < 0.7 else 14) * DAY
        if triaged_on > cutoff:
            return  # awaiting triage
        triage = _weighted(rng, TRIAGE_WEIGHTS)
        reason = TRIAGE_REASONS[triage]
        journey.add(pathway.Triaged(triaged_on, triage, reason))
        if triage != cw.TriageOutcome.POLICE:
            return
        gateway_on = triaged_on + rng.randint(3, 35) * DAY
        if gateway_on > cutoff:
            return  # with the police gateway
        gateway = _weighted(rng, GATEWAY_WEIGHTS)
        reason = GATEWAY_REASONS[gateway]
        journey.add(pathway.GatewayDecided(gateway_on, gateway, reason, concern_id=concern))
        r["gateway_police_notes"] = f"Police checks completed. {SYNTHETIC}"
        if gateway != cw.GatewayOutcome.PANEL:
            return
        r["panel_summary"] = f"Aged {age if age is not None else 'unknown'}. {SYNTHETIC}"
        # The panel's papers go out a week before it meets.
        index = self._meeting_after(gateway_on + 7 * DAY)
        if index is None:
            # About a third wait for the coordinator to add them to an agenda.
            if rng.random() < 0.7:
                self._on_upcoming_agenda(after, journey, gateway_on, cw.AgendaReason.NEW)
            return
        self._discuss(journey, after, index, concern, age, known, received_on)

    def _on_upcoming_agenda(
        self,
        after: list[Callable[[int], object]],
        journey: pathway.Journey,
        since: datetime.date,
        reason: cw.AgendaReason,
    ) -> None:
        """Cases waiting a week or more go on the next (planned) meeting's agenda; newer
        ones wait for the coordinator to add them."""
        if self.upcoming is None or since > self.span.cutoff - 7 * DAY:
            return
        meeting, day = self.upcoming
        journey.add(pathway.AddedToAgenda(self.span.cutoff, reason, self._meeting_label(day)))
        after.append(
            lambda rid: self.t_item.add(
                self.authority_id, meeting, rid, reason.value, True, "", None, "", None, None
            )
        )

    def _review_row(
        self,
        kind: cw.ReviewKind,
        due: datetime.date,
        held: datetime.date | None = None,
        further_concerns: bool | None = None,
        notes: str = "",
        recorded_by: int | None = None,
    ) -> Callable[[int], object]:
        """The follow-up review row for a referral whose id is known only once it is written:
        held with its outcome, or still due when `held` is None."""
        return lambda rid: self.t_review.add(
            self.authority_id, rid, kind.value, due, held, further_concerns, notes, recorded_by
        )

    def _item(
        self,
        after: list[Callable[[int], object]],
        journey: pathway.Journey,
        index: int,
        reason: cw.AgendaReason,
        decision: cw.PanelDecision,
        decision_reason: str,
        assessment: tuple[str, str, str, str] | None = None,
    ) -> None:
        """An agenda item of a held meeting, decided and closed, with its history row
        and, if given, the panel's assessment recorded at it."""
        meeting, day = self.meeting_ids[index], self.meeting_days[index]
        journey.add(pathway.AddedToAgenda(day, reason, self._meeting_label(day)))
        if assessment is not None:
            journey.add(pathway.Noted(cw.EventKind.VAF_RECORDED, day))
        decided = self.w.stamp(day, 300)

        def write(rid: int) -> None:
            item = self.t_item.add(
                self.authority_id, meeting, rid, reason.value, False,
                f"Partners shared what they know. {SYNTHETIC}", decision.value, decision_reason,
                decided, self.lead,
            )  # fmt: skip
            if assessment is not None:
                self.t_assessment.add(
                    self.authority_id, rid, item, day, *assessment, decided, self.lead
                )

        after.append(write)

    def _discuss(
        self,
        journey: pathway.Journey,
        after: list[Callable[[int], object]],
        index: int,
        concern: int | None,
        age: int | None,
        known: _Known,
        received_on: datetime.date,
    ) -> None:
        rng, cutoff = self.rng, self.span.cutoff
        day = self.meeting_days[index]
        if rng.random() < DEFER_SHARE:
            # Deferred for more information: decided at the next meeting, or pending (the
            # coordinator adds it to an agenda once the information is in).
            reason = "More information needed from the school and health before deciding."
            self._item(after, journey, index, cw.AgendaReason.NEW, cw.PanelDecision.DEFER, reason)
            journey.add(
                pathway.PanelDiscussed(day, cw.PanelDecision.DEFER, reason, concern_id=concern)
            )
            if index + 1 >= len(self.meeting_days):
                return  # decision pending
            index += 1
            day = self.meeting_days[index]
        adopt = rng.random() < ADOPT_SHARE
        decision = cw.PanelDecision.ADOPT if adopt else cw.PanelDecision.NOT_ADOPT
        reason = "Agreed by consensus."
        self._item(
            after, journey, index, cw.AgendaReason.NEW, decision, reason,
            (
                f"Some engagement with extremist material online. {SYNTHETIC}",
                "No stated intent to harm.",
                "No known access to weapons.",
                "The panel considers support proportionate to explore.",
            ),
        )  # fmt: skip
        alternative = "" if adopt else "Early help and mental health support arranged."
        journey.add(
            pathway.PanelDiscussed(
                day, decision, reason, concern_id=concern, alternative_support=alternative
            )
        )
        if not adopt:
            return
        consent_on = day + rng.randint(3, 28) * DAY
        if consent_on > cutoff:
            return  # adopted, consent not yet recorded
        # Age on the consent date, as services.age_at works it out.
        if known.date_of_birth is not None:
            age_then: int | None = age_on(known.date_of_birth, consent_on)
        else:
            age_then = None if age is None else age + (consent_on - received_on).days // 366
        child = age_then is None or age_then < 18
        declined = rng.random() < CONSENT_DECLINED_SHARE
        status = cw.ConsentStatus.DECLINED if declined else cw.ConsentStatus.GIVEN
        given_by = cw.ConsentGivenBy.PARENT if child else cw.ConsentGivenBy.PERSON
        journey.add(pathway.ConsentRecorded(consent_on, status, given_by))
        stamp = self.w.stamp(consent_on, 200)
        after.append(
            lambda rid: self.t_consent.add(
                self.authority_id, rid, status.value, given_by.value,
                "Parent (synthetic)" if child else "", not child, consent_on, stamp, self.lead,
            )
        )  # fmt: skip
        if declined:
            journey.add(
                pathway.Closed(
                    consent_on, "Consent declined. Alternative support offered through early help."
                )
            )
            return
        agreed_on = consent_on + rng.randint(7, 35) * DAY
        if agreed_on > cutoff:
            return  # consent given, the support plan not yet agreed
        support_days = rng.randint(120, 300)
        interval = _weighted(rng, CONTACT_INTERVAL_WEIGHTS)
        start = agreed_on + rng.randint(1, 14) * DAY
        end = start + support_days * DAY
        sessions_planned = max(4, support_days // interval)
        journey.add(pathway.PlanAgreed(agreed_on, False, sessions_planned, interval))
        plan_stamp = self.w.stamp(agreed_on, 220)
        plan: dict[str, int] = {}
        kinds = rng.sample(self.ref.interventions, min(2, len(self.ref.interventions)))
        if self.ref.intervention_provider is not None:
            kinds.insert(0, self.ref.intervention_provider)

        def write_plan(rid: int) -> None:
            plan["id"] = self.t_plan.add(
                self.authority_id, rid, agreed_on, "Synthetic Mentoring (fictional)",
                sessions_planned, start, end, interval, self.lead, self.lead, plan_stamp,
                plan_stamp,
            )  # fmt: skip
            for kind in kinds:
                self.t_plan_kind.add(plan["id"], kind)

        after.append(write_plan)
        if start > cutoff:
            return  # plan agreed, support starts tomorrow
        journey.add(pathway.SupportStarted(start))
        # Panel reviews every third meeting until support ends; sessions about every
        # contact interval until the panel agrees the person leaves. Some people still in
        # support stop attending: support lapsing.
        leave_index = bisect.bisect_left(self.meeting_days, end)
        review_from = bisect.bisect_right(self.meeting_days, start)
        in_support = leave_index >= len(self.meeting_days)
        last_session = cutoff if in_support else self.meeting_days[leave_index]
        stopped_after = datetime.date.max
        if in_support and rng.random() < LAPSE_SHARE:
            late = interval + cw.LAPSING_GRACE_DAYS + rng.randint(1, 28)
            stopped_after = cutoff - late * DAY
        sessions: list[tuple[datetime.date, str]] = []
        session_day = start + 7 * DAY
        while session_day <= last_session:
            ok = rng.random() < 0.88 and session_day <= stopped_after
            status_value = (
                cw.SessionStatus.DELIVERED if ok else cw.SessionStatus.NOT_ATTENDED
            ).value
            sessions.append((session_day, status_value))
            session_day += rng.randint(max(7, interval - 7), interval + 7) * DAY
        reviews = list(range(review_from + 2, min(leave_index, len(self.meeting_days)), 3))
        timeline: list[tuple[datetime.date, int, Any]] = [(d, 0, s) for d, s in sessions]
        timeline += [(self.meeting_days[i], 1, i) for i in reviews]
        timeline.sort(key=lambda x: (x[0], x[1]))
        for day_of, kind, value in timeline:
            if kind == 0:
                status_value = value
                journey.add(pathway.SessionRecorded(day_of, cw.SessionStatus(status_value)))
                session_stamp = self.w.stamp(day_of, 120)

                def add_session(
                    rid: int,
                    d: datetime.date = day_of,
                    s: str = status_value,
                    st: Any = session_stamp,
                ) -> object:
                    return self.t_session.add(
                        self.authority_id,
                        plan["id"],
                        d,
                        s,
                        "Synthetic Mentoring (fictional)",
                        st,
                        self.lead,
                    )

                after.append(add_session)  # fmt: skip
            else:
                self._item(
                    after, journey, value, cw.AgendaReason.REVIEW, cw.PanelDecision.CONTINUE,
                    "Continue the support plan.",
                )  # fmt: skip
                journey.add(
                    pathway.PanelDiscussed(
                        self.meeting_days[value],
                        cw.PanelDecision.CONTINUE,
                        "Continue the support plan.",
                    )
                )
        if in_support:
            upcoming = len(self.meeting_days)
            leaving_next = self.upcoming is not None and self.upcoming[1] >= end
            if leaving_next or (
                upcoming >= review_from + 2 and (upcoming - review_from - 2) % 3 == 0
            ):
                self._on_upcoming_agenda(after, journey, start, cw.AgendaReason.REVIEW)
            return
        left_on = self.meeting_days[leave_index]
        decision_reason = "Support plan completed: the panel agreed the person leaves Channel."
        self._item(
            after, journey, leave_index, cw.AgendaReason.REVIEW, cw.PanelDecision.NOTED,
            decision_reason,
            (
                f"Less time on extremist material; engaging with the mentor. {SYNTHETIC}",
                "No intent to harm expressed.",
                "No known access to weapons.",
                "Progress noted by the panel.",
            ),
        )  # fmt: skip
        journey.add(pathway.PanelDiscussed(left_on, cw.PanelDecision.NOTED, decision_reason))
        exit_code = _weighted(rng, EXIT_WEIGHTS)
        exit_id, exit_label = self.ref.exit_reasons[exit_code]
        journey.add(
            pathway.LeftChannel(left_on, exit_code, exit_label, exit_id, "Agreed at panel.")
        )
        held_before = left_on
        for review_kind, due in pathway.reviews_due(left_on):
            held = max(due, held_before) + rng.randint(0, 10) * DAY
            concerns = rng.random() < 0.06
            if held > cutoff:
                after.append(self._review_row(review_kind, due))
                continue
            notes = f"Checked with the school and family. {SYNTHETIC}"
            journey.add(pathway.Reviewed(held, review_kind, concerns, notes))
            after.append(self._review_row(review_kind, due, held, concerns, notes, self.lead))
            held_before = held
            # Closed within four weeks of the last review: a few await closure.
            closed_on = held + rng.randint(0, 28) * DAY
            if review_kind == cw.ReviewKind.TWELVE_MONTHS and closed_on <= cutoff:
                journey.add(pathway.Closed(closed_on, "Both post-exit reviews completed."))


# ---------------------------------------------------------------------------------------
# Training


def _training(
    writer: RowWriter, place: _Place, span: _Span, rng: random.Random, share: float
) -> None:
    authority_id = place.authority.pk
    name = place.authority.name
    lead = place.lead_id
    t = writer.table
    # The standard lists, as training.services.ensure_standard_lists makes them.
    levels: dict[str, int] = {}
    t_level = t(tr.TrainingLevel, ["authority_id", "code", "label", "order", "default_target",
                                   "description"])  # fmt: skip
    for order, (code, label, target, description) in enumerate(
        training_services.STANDARD_LEVELS, start=1
    ):
        levels[code] = t_level.add(authority_id, code, label, order * 10, target, description)
    courses: dict[str, int] = {}
    t_course = t(tr.Course, ["authority_id", "code", "label", "order", "level_id", "audience"])
    for order, (code, label, level_code, audience) in enumerate(
        training_services.STANDARD_COURSES, start=1
    ):
        courses[code] = t_course.add(
            authority_id, code, label, order * 10, levels.get(level_code or ""), audience
        )
    questions: list[tuple[int, str, bool]] = []
    t_question = t(
        tr.EvaluationQuestion, ["authority_id", "code", "label", "order", "kind", "asks_before"]
    )
    for order, (code, label, kind, before) in enumerate(
        training_services.STANDARD_QUESTIONS, start=1
    ):
        questions.append(
            (t_question.add(authority_id, code, label, order * 10, kind, before), kind, before)
        )

    t_org = t(tr.Organisation, ["authority_id", "name", "sector", "created_by_id",
                                "modified_by_id"])  # fmt: skip
    t_requirement = t(tr.Requirement, ["authority_id", "organisation_id", "level_id", "target",
                                       "created_by_id", "modified_by_id"])  # fmt: skip
    t_snapshot = t(tr.HeadcountSnapshot, ["authority_id", "organisation_id", "level_id", "as_of",
                                          "eligible", "compliant", "source", "created_by_id",
                                          "modified_by_id", "created_at", "modified_at"])  # fmt: skip
    quarter_ends = _quarter_ends(span.first_day, span.cutoff)
    organisations: list[tuple[int, str, list[str]]] = []
    chosen = ORGANISATIONS[:2] + rng.sample(ORGANISATIONS[2:], rng.randint(4, 6))
    for org_name, sector, workforce in chosen:
        org = t_org.add(authority_id, org_name.format(a=name), sector.value, lead, lead)
        organisations.append((org, sector.value, [code for code, _, _ in workforce]))
        for code, low, high in workforce:
            target = rng.choice([None, Decimal(85), Decimal(90), Decimal(95)])
            t_requirement.add(authority_id, org, levels[code], target, lead, lead)
            staff = rng.randint(low, high)
            start_share, end_share = rng.uniform(0.2, 0.7), rng.uniform(0.75, 0.99)
            for n, as_of in enumerate(quarter_ends):
                progress = n / max(1, len(quarter_ends) - 1)
                level_share = start_share + (end_share - start_share) * progress
                eligible = round(staff * rng.uniform(0.97, 1.03))
                compliant = min(eligible, round(eligible * level_share))
                stamp = writer.stamp(as_of + 5 * DAY if as_of + 5 * DAY <= span.cutoff else as_of)
                t_snapshot.add(
                    authority_id, org, levels[code], as_of, eligible, compliant,
                    tr.SnapshotSource.IMPORT.value, lead, lead, stamp, stamp,
                )  # fmt: skip

    t_trainer = t(tr.Trainer, ["authority_id", "name", "organisation_id", "accredited_level_id",
                               "accreditation", "accredited_on", "created_by_id",
                               "modified_by_id"])  # fmt: skip
    trainers = []
    council = organisations[0][0]
    for n in range(rng.randint(3, 5)):
        level = rng.choice(["wrap", "basic-awareness"])
        trainers.append(
            t_trainer.add(
                authority_id,
                f"{STAFF_GIVEN[n]} {rng.choice(SURNAME_STARTS)}{rng.choice(SURNAME_ENDS)}",
                council,
                levels[level],
                "Home Office accredited WRAP facilitator"
                if level == "wrap"
                else "Prevent awareness trainer (train the trainer)",
                span.first_day - (60 * (n + 1)) * DAY,
                lead,
                lead,
            )
        )

    t_session = t(tr.Session, ["authority_id", "reference", "held_on", "course_id", "audience",
                               "trainer_id", "venue", "online", "attendees", "created_by_id",
                               "modified_by_id", "created_at", "modified_at"])  # fmt: skip
    t_audience = t(tr.SessionAudience, ["session_id", "organisation_id", "attendees"])
    t_attendee = t(tr.Attendee, ["authority_id", "session_id", "name", "job_title",
                                 "organisation_id", "created_by_id", "modified_by_id",
                                 "created_at", "modified_at"])  # fmt: skip
    t_form = t(tr.EvaluationForm, ["authority_id", "session_id", "organisation_id",
                                   "completed_on", "needs", "created_by_id", "modified_by_id",
                                   "created_at", "modified_at"])  # fmt: skip
    t_answer = t(tr.EvaluationAnswer, ["form_id", "question_id", "before", "after", "yes"])
    per_day: dict[datetime.date, int] = {}
    schools = next((o for o, s, _ in organisations if s == tr.Sector.SCHOOL.value), council)
    professional = [(o, codes) for o, _, codes in organisations if codes]

    def reference(day: datetime.date) -> str:
        per_day[day] = per_day.get(day, 0) + 1
        return f"{day:%Y-%m-%d}-{per_day[day]}"

    for start_year, first, last in span.years:
        if last < first:
            continue
        year_days = (financial_year(start_year).end - first).days + 1
        fraction = ((last - first).days + 1) / year_days
        to_name = _rounded(rng, BASE_ATTENDANCE_PER_YEAR * share * fraction)
        days_in = (last - first).days + 1
        while to_name > 0:
            size = min(to_name, max(6, min(40, round(rng.gauss(24, 7)))))
            to_name -= size
            day = first + rng.randrange(days_in) * DAY
            org, codes = rng.choice(professional)
            course = courses["wrap-workshop" if codes[0] == "wrap" else "awareness-briefing"]
            online = rng.random() < 0.3
            stamp = writer.stamp(day, 480)
            session = t_session.add(
                authority_id, reference(day), day, course, tr.Audience.PROFESSIONALS.value,
                rng.choice(trainers), "" if online else f"{name} Civic Centre", online, size,
                lead, lead, stamp, stamp,
            )  # fmt: skip
            t_audience.add(session, org, size)
            for _ in range(size):
                t_attendee.add(
                    authority_id, session,
                    f"{rng.choice(STAFF_GIVEN)} {rng.choice(SURNAME_STARTS)}"
                    f"{rng.choice(SURNAME_ENDS)}",
                    rng.choice(JOB_TITLES), org, lead, lead, stamp, stamp,
                )  # fmt: skip
            for _ in range(_rounded(rng, size * FEEDBACK_SHARE)):
                form = t_form.add(authority_id, session, org, day, "", lead, lead, stamp, stamp)
                for question, kind, before in questions:
                    if kind == tr.QuestionKind.YES_NO:
                        t_answer.add(form, question, None, None, rng.random() < 0.17)
                        continue
                    after_rating = rng.choices([1, 2, 3, 4], weights=[1, 10, 50, 39])[0]
                    before_rating = rng.choices([1, 2, 3, 4], weights=[25, 45, 24, 6])[0]
                    t_answer.add(
                        form, question, before_rating if before else None, after_rating, None
                    )
        # Resilience sessions for pupils and parents are counted, not named.
        for audience, course_code, low, high in (
            (tr.Audience.PUPILS, "pupil-resilience", 60, 190),
            (tr.Audience.PARENTS, "parent-online-safety", 10, 36),
        ):
            for _ in range(_rounded(rng, 4 * fraction * min(5.0, 1 + share * 300))):
                day = first + rng.randrange(days_in) * DAY
                size = rng.randint(low, high)
                stamp = writer.stamp(day, 480)
                session = t_session.add(
                    authority_id, reference(day), day, courses[course_code], audience.value,
                    rng.choice(trainers), "School hall", False, size, lead, lead, stamp, stamp,
                )  # fmt: skip
                t_audience.add(session, schools, size)


# ---------------------------------------------------------------------------------------
# Engagement and projects


def _engagement(
    writer: RowWriter, place: _Place, span: _Span, rng: random.Random, factor: float
) -> None:
    authority_id = place.authority.pk
    name = place.authority.name
    lead = place.lead_id
    t = writer.table
    t_group = t(en.CommunityGroup, ["authority_id", "name", "kind", "faith", "ward_id",
                                    "created_by_id", "modified_by_id"])  # fmt: skip
    groups = []
    used: set[str] = set()
    for _ in range(rng.randint(8, 20)):
        pattern, kind, faith = rng.choice(GROUPS)
        i = rng.randrange(len(place.wards))
        group_name = pattern.format(a=name, w=place.ward_names[i])
        if group_name in used:
            continue
        used.add(group_name)
        ward = place.wards[i] if "{w}" in pattern else None
        groups.append(t_group.add(authority_id, group_name, kind.value, faith, ward, lead, lead))
    t_engagement = t(en.Engagement, ["authority_id", "date", "type", "topic", "staff",
                                     "people_reached", "outcome", "created_by_id",
                                     "modified_by_id", "created_at", "modified_at"])  # fmt: skip
    t_link = t(en.Engagement.groups.through, ["engagement_id", "communitygroup_id"])
    t_project = t(en.Project, ["authority_id", "title", "provider", "funder", "budget",
                               "starts_on", "ends_on", "status", "aims", "expected_outcomes",
                               "created_by_id", "modified_by_id"])  # fmt: skip
    t_output = t(en.ProjectOutput, ["authority_id", "project_id", "name", "order",
                                    "created_by_id", "modified_by_id"])  # fmt: skip
    t_figure = t(en.OutputFigure, ["authority_id", "output_id", "quarter_start", "planned",
                                   "delivered", "created_by_id", "modified_by_id"])  # fmt: skip
    t_note = t(en.ProgressNote, ["authority_id", "project_id", "quarter_start", "progress",
                                 "issues", "spend", "created_by_id", "modified_by_id"])  # fmt: skip
    for start_year, first, last in span.years:
        if last < first:
            continue
        days_in = (last - first).days + 1
        for _ in range(_rounded(rng, ENGAGEMENTS_PER_AUTHORITY_YEAR * factor * days_in / 365)):
            day = first + rng.randrange(days_in) * DAY
            stamp = writer.stamp(day, 600)
            engagement = t_engagement.add(
                authority_id, day, _weighted(rng, {e.value: 1 for e in en.EngagementType}),
                rng.choice(ENGAGEMENT_TOPICS), "Prevent coordinator",
                rng.choice([None, rng.randint(5, 120)]),
                f"Discussed and agreed next steps. {SYNTHETIC}", lead, lead, stamp, stamp,
            )  # fmt: skip
            for group in rng.sample(groups, min(len(groups), rng.randint(1, 3))):
                t_link.add(engagement, group)
        for _ in range(_rounded(rng, PROJECTS_PER_AUTHORITY_YEAR * factor * days_in / 365)):
            starts = first + rng.randrange(days_in) * DAY
            ends = starts + rng.randint(180, 540) * DAY
            if ends < span.cutoff:
                status = en.ProjectStatus.COMPLETE
            else:
                status = en.ProjectStatus.LIVE
            budget = Decimal(rng.randrange(5_000, 60_000, 500))
            project = t_project.add(
                authority_id, f"{rng.choice(PROJECT_THEMES)} project {start_year}",
                f"{name} Youth Service", "Home Office", budget, starts, ends, status.value,
                "Sessions for young people in the wards the CTLP names.",
                "Young people better able to recognise and resist extremist narratives.",
                lead, lead,
            )  # fmt: skip
            outputs = [
                t_output.add(authority_id, project, output_name, n, lead, lead)
                for n, output_name in enumerate(["Young people reached", "Sessions held"], 1)
            ]
            quarters = []
            quarter = financial_quarter_of(starts)
            while quarter.start <= min(ends, span.cutoff):
                quarters.append(quarter.start)
                quarter = financial_quarter_of(quarter.end + DAY)
            spend_each = (budget / max(1, len(quarters))).quantize(Decimal(1), ROUND_DOWN)
            for quarter_start in quarters:
                for output in outputs:
                    planned = rng.randint(10, 60)
                    t_figure.add(
                        authority_id, output, quarter_start, planned,
                        max(0, planned + rng.randint(-10, 8)), lead, lead,
                    )  # fmt: skip
                t_note.add(
                    authority_id, project, quarter_start, f"On track. {SYNTHETIC}", "",
                    min(spend_each, budget), lead, lead,
                )  # fmt: skip


def summary_lines(summary: NationalSummary) -> Iterable[str]:
    """What `seed_demo --scale national` prints."""
    yield (
        f"National dataset: {summary.authorities} authorities, "
        f"{summary.first_day:%-d %B %Y} to {summary.last_day:%-d %B %Y} "
        f"({summary.years} years, factor {summary.factor:g}), "
        f"built in {summary.seconds:.0f} s."
    )
    for label in (
        "casework.Referral",
        "casework.StageEvent",
        "casework.Person",
        "casework.AgendaItem",
        "training.Attendee",
        "training.HeadcountSnapshot",
        "engagement.Engagement",
        "engagement.Project",
    ):
        yield f"  {label}: {summary.rows.get(label, 0):,} rows"
