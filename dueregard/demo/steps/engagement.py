"""Kingsmere's community engagement, funded projects and council resources.

About 32 community groups engaged a year (seed 000 §1.27) through meetings, visits,
workshops and events; three networks with members and meetings; a communications log;
four bids a year of which three fund projects, each with quarterly planned and delivered
outputs like seed 002 Tables 3-5, progress notes and spend; the out-of-school settings the
outreach project finds; venue-hire checks; and quarterly IT filtering checks at public
sites. Every group, provider, organiser, speaker and address is fictional.

Everything goes through `engagement.services` as the Prevent education officer.
Idempotent: each part is only built when the borough has none of it yet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dueregard.areas.models import Ward
from dueregard.core import periods
from dueregard.core.periods import financial_quarters, financial_year, financial_year_start
from dueregard.demo.context import DemoContext
from dueregard.engagement import services
from dueregard.engagement.models import (
    Bid,
    BidOutcome,
    Communication,
    CommunityGroup,
    Engagement,
    EngagementType,
    Event,
    FilterResult,
    ITCheck,
    Network,
    OutOfSchoolSetting,
    Project,
    ProjectStatus,
    SafeguardingStatus,
    SettingType,
    SiteType,
    VenueCheck,
    VenueCheckKind,
    VenueDecision,
)

ORDER = 70
YEARS = 3  # full financial years of history before the current one
GROUPS_A_YEAR = 32

# (name, kind, faith): every one fictional.
GROUPS = [
    ("Kingsmere Central Mosque", "faith", "Muslim"),
    ("Al-Noor Community Centre", "faith", "Muslim"),
    ("Highfield Islamic Education Centre", "faith", "Muslim"),
    ("Hartwell Shia Community Centre", "faith", "Muslim"),
    ("St Aidan's Parish Church", "faith", "Christian"),
    ("Castle Green Methodist Church", "faith", "Christian"),
    ("Riverside Pentecostal Fellowship", "faith", "Christian"),
    ("Eastgate Baptist Church", "faith", "Christian"),
    ("Our Lady of the Vale Catholic Church", "faith", "Christian"),
    ("Beacon Hill Synagogue", "faith", "Jewish"),
    ("Kingsmere Reform Jewish Community", "faith", "Jewish"),
    ("Kingsmere Gurdwara", "faith", "Sikh"),
    ("Shree Krishna Mandir Kingsmere", "faith", "Hindu"),
    ("Kingsmere Buddhist Meditation Centre", "faith", "Buddhist"),
    ("Orchard Park Quaker Meeting", "faith", "Christian"),
    ("Kingsmere Multi-Faith Forum", "community", ""),
    ("Kingsmere Somali Community Association", "community", ""),
    ("Kingsmere Polish Centre", "community", ""),
    ("Romanian Families Kingsmere", "community", ""),
    ("Kingsmere Afghan Welfare Association", "community", ""),
    ("Persian Advice Kingsmere", "community", ""),
    ("Kingsmere Tamil Welfare Society", "community", ""),
    ("Kingsmere Caribbean Elders", "community", ""),
    ("Millbrook Community Centre", "community", ""),
    ("Chantry Neighbourhood Forum", "community", ""),
    ("Kingsmere Disability Forum", "voluntary", ""),
    ("Kingsmere LGBT+ Network", "voluntary", ""),
    ("Kingsmere Refugee Welcome", "voluntary", ""),
    ("Kingsmere Food Bank", "voluntary", ""),
    ("Kingsmere Wellbeing Network", "voluntary", ""),
    ("Kingsmere Voluntary Action (demo)", "voluntary", ""),
    ("Kingsmere Youth Voice", "youth", ""),
    ("Coldharbour Boxing Club", "youth", ""),
    ("Northolt Vale Youth Hub", "youth", ""),
    ("Lark Rise Scout Group", "youth", ""),
    ("Queensway Young Leaders", "youth", ""),
    ("Kingsmere Women's Network", "women", ""),
    ("Sisters Together Kingsmere", "women", ""),
    ("Fairmead Estate Residents' Association", "residents", ""),
    ("Queensway Tenants' Association", "residents", ""),
    ("Ashdown Park Residents' Group", "residents", ""),
    ("Greenacre Saturday School", "education", ""),
    ("Kingsmere Tamil School", "education", ""),
    ("Kingsmere Parents' Forum", "education", ""),
    ("Brookside Allotment Society", "other", ""),
    ("Kingsmere Cricket and Community Club", "other", ""),
]
TOPICS = {
    EngagementType.MEETING: [
        "Introducing the Prevent team and how to raise a concern",
        "Community safety concerns after a national incident",
        "Planning a joint event for Hate Crime Awareness Week",
        "Safeguarding arrangements and the referral pathway",
    ],
    EngagementType.VISIT: [
        "Visit to offer reassurance after extremist stickers nearby",
        "Visit to discuss safeguarding policy for volunteers",
        "Welcome visit for a newly registered group",
    ],
    EngagementType.WORKSHOP: [
        "Online safety workshop for parents",
        "Prevent awareness session for volunteers",
        "Hate crime reporting workshop",
        "Critical thinking and misinformation session for young people",
    ],
    EngagementType.BRIEFING: [
        "Briefing on the local risk picture for community leaders",
        "Briefing on changes to Prevent duty guidance",
    ],
    EngagementType.EVENT: ["Joint community iftar", "Great Get Together picnic"],
    EngagementType.FUNDING: [
        "Support with a community cohesion funding application",
        "Help with a small grants bid for youth activities",
    ],
    EngagementType.TENSION: [
        "Reassurance after graffiti targeting a place of worship",
        "Response to online rumours about a local incident",
    ],
}
TYPE_WEIGHTS = {
    EngagementType.MEETING: 30,
    EngagementType.VISIT: 18,
    EngagementType.WORKSHOP: 18,
    EngagementType.BRIEFING: 10,
    EngagementType.EVENT: 8,
    EngagementType.FUNDING: 8,
    EngagementType.TENSION: 8,
}
OUTCOMES = [
    "The group asked for a follow-up session for its volunteers.",
    "Contacts exchanged; the group will share the referral pathway with members.",
    "Concerns noted and passed to the neighbourhood policing team.",
    "The group agreed to join the Communities Together Network.",
    "Attendees said they felt more confident about where to get advice.",
    "A joint event is planned for later in the year.",
]
STAFF = [
    "Tom Adebayo (Prevent Education Officer)",
    "Priya Lockwood (Prevent Coordinator)",
    "Tom Adebayo (Prevent Education Officer), Priya Lockwood (Prevent Coordinator)",
    "Community Engagement Officer",
]


@dataclass(frozen=True)
class ProjectSpec:
    title: str
    provider: str
    budget: int
    ctlp: str
    aims: str
    outcomes: str
    outputs: tuple[tuple[str, int], ...]  # (what is counted, planned in a full quarter)
    finds_settings: bool = False


PROJECTS = {
    "outreach": ProjectSpec(
        "Supplementary Schools Outreach",
        "Brightpath Community Education CIC",
        36_000,
        "Recommendation 2: local authorities to review how unregulated education spaces "
        "are managed.",
        "Identify out-of-school education settings, work with them and with schools that "
        "hire out rooms so children, staff and volunteers are safeguarded.",
        "Settings know their safeguarding duties and where to get advice.\n"
        "The council has a current register of out-of-school settings.",
        (
            ("Sites engaged", 70),
            ("Out-of-school settings identified", 25),
            ("Children identified in out-of-school settings", 900),
        ),
        finds_settings=True,
    ),
    "families": ProjectSpec(
        "Digital Resilience for Families",
        "SafeScreens Learning Ltd",
        28_500,
        "Recommendation 4: raise awareness of online radicalisation among parents and "
        "professionals.",
        "Digital resilience sessions for teaching staff, parents and pupils in 16 schools; a "
        "day for frontline professionals; a session for foster carers.",
        "Parents more confident to protect children from online radicalisation.\n"
        "Pupils better able to recognise and challenge harmful narratives online.",
        (
            ("Schools engaged", 4),
            ("Sessions delivered", 12),
            ("Parents reached", 60),
            ("Professionals trained", 20),
        ),
    ),
    "workshops": ProjectSpec(
        "Think Twice: equality and critical thinking in schools",
        "Common Ground Education Trust",
        31_000,
        "Recommendation 3: build resilience to extremist narratives among young people.",
        "Interactive workshops for Key Stages 2 to 4 on racism, prejudice and propaganda, and "
        "training for school staff and governors.",
        "Improved understanding of racism, inequality and extremism among pupils.\n"
        "Staff more confident to discuss controversial issues.",
        (
            ("Schools engaged", 5),
            ("Workshops delivered", 20),
            ("Pupils reached", 550),
            ("Staff trained", 40),
        ),
    ),
    "media": ProjectSpec(
        "Voices of Kingsmere youth media campaign",
        "Northlight Youth Media CIC",
        22_000,
        "Recommendation 5: communicate the purpose of Prevent positively to communities.",
        "Young people make a short film and social media content about Prevent as safeguarding.",
        "More young people and parents understand Prevent as safeguarding.",
        (("Young people taking part", 15), ("Films and posts published", 8)),
    ),
}
ROTATION = [
    ("outreach", "families", "workshops"),
    ("outreach", "workshops", "media"),
    ("outreach", "families", "media"),
    ("families", "workshops", "media"),
]
UNSUCCESSFUL = [
    "Mentoring for young people at risk of exclusion",
    "Faith leaders' online safety programme",
    "Community radio resilience project",
    "Parents' peer support network",
]
STREETS = [
    "Station Road",
    "Church Lane",
    "Mill Street",
    "Victoria Avenue",
    "Park Road",
    "High Street",
    "Orchard Way",
    "School Lane",
    "Kings Parade",
    "Meadow Close",
]
SETTING_WORDS = {
    SettingType.SUPPLEMENTARY: ["Saturday School", "Supplementary School", "Weekend School"],
    SettingType.RELIGIOUS: ["Quran Classes", "Sunday School", "Faith Study Circle"],
    SettingType.TUITION: ["Tuition Centre", "Maths and English Club", "Learning Hub"],
    SettingType.SPORT: ["Martial Arts Academy", "Football Academy", "Gymnastics Club"],
    SettingType.ARTS: ["Dance Academy", "Music School", "Drama Club"],
    SettingType.YOUTH: ["Youth Club"],
}
VENUES = [
    "Kingsmere Central Library, meeting room 1",
    "Kingsmere Civic Centre, committee room 3",
    "Castle Green Community Hall",
    "Riverside Library, events space",
    "Millbrook Community Centre, main hall",
]
EVENTS = [
    ("Hate Crime Awareness Week information stalls", "campaign", 10, 250),
    ("Interfaith iftar", "interfaith", 4, 120),
    ("Great Get Together picnic", "celebration", 6, 150),
    ("Online safety evening for parents", "workshop", 2, 45),
    ("Community cohesion conference", "conference", 11, 90),
    ("Holocaust Memorial Day commemoration", "interfaith", 1, 110),
]
COMMS = [
    ("newsletter", "communities", "proactive", "What Prevent is, and how to ask for advice"),
    ("bulletin", "professionals", "opportunity", "Prevent awareness sessions this term"),
    ("social", "communities", "proactive", "Prevent is safeguarding: short film"),
    ("briefing", "members", "proactive", "Members' briefing on the Prevent duty"),
    ("press", "communities", "response", "Statement after extremist stickers were removed"),
    ("social", "communities", "misinformation", "Myths and facts about Prevent referrals"),
    ("leaflet", "both", "proactive", "How to raise a concern: leaflet for libraries"),
    ("website", "both", "proactive", "Updated Prevent pages on the council website"),
    ("bulletin", "communities", "response", "Reassurance message to faith groups"),
    ("newsletter", "professionals", "proactive", "Referral figures and learning for partners"),
    ("social", "communities", "opportunity", "Community cohesion small grants open"),
    ("briefing", "professionals", "response", "Briefing for schools after hoax emails"),
]
IT_SITES = [
    ("Kingsmere Central Library", SiteType.LIBRARY),
    ("Riverside Library", SiteType.LIBRARY),
    ("Highfield Library", SiteType.LIBRARY),
    ("Eastgate Library", SiteType.LIBRARY),
    ("Lark Rise Library", SiteType.LIBRARY),
    ("Millbrook Community Centre", SiteType.COMMUNITY_CENTRE),
    ("Castle Green Community Hall", SiteType.COMMUNITY_CENTRE),
    ("Kingsmere Civic Centre customer centre", SiteType.CIVIC),
    ("Northolt Vale Youth Centre", SiteType.YOUTH),
]
FIRST = [
    "Amara",
    "Bilal",
    "Chloe",
    "Dev",
    "Elif",
    "Femi",
    "Grace",
    "Hassan",
    "Ines",
    "Jamal",
    "Kasia",
    "Luca",
    "Mina",
    "Nathan",
    "Omari",
    "Petra",
    "Rashid",
    "Sofia",
    "Tomasz",
    "Uma",
]
LAST = [
    "Abara",
    "Brennan",
    "Castellano",
    "Dimitrov",
    "Esposito",
    "Farouk",
    "Greaves",
    "Haddad",
    "Ibekwe",
    "Jovanovic",
    "Kaczmarek",
    "Lindgren",
    "Moreau",
    "Nyambura",
    "Osei",
    "Petrakis",
    "Rosales",
    "Szabo",
    "Tiwari",
    "Vance",
]


def _person(ctx: DemoContext) -> str:
    return f"{ctx.rng.choice(FIRST)} {ctx.rng.choice(LAST)}"


def _day_in(ctx: DemoContext, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=ctx.rng.randint(0, max((end - start).days, 0)))


def run(ctx: DemoContext) -> None:
    today = min(ctx.today, periods.today())
    first_year = financial_year_start(today) - YEARS
    years = [financial_year(y) for y in range(first_year, financial_year_start(today) + 1)]
    wards = list(Ward.objects.filter(authority=ctx.authority).order_by("ons_code"))
    groups = _groups(ctx, wards, years[0].start)
    if not Engagement.objects.filter(authority=ctx.authority).exists():
        _engagements(ctx, groups, years, today)
    if not Network.objects.filter(authority=ctx.authority).exists():
        _networks(ctx, groups, years[0].start, today)
    if not Event.objects.filter(authority=ctx.authority).exists():
        _events(ctx, groups, wards, years, today)
    if not Communication.objects.filter(authority=ctx.authority).exists():
        _communications(ctx, years, today)
    if not Bid.objects.filter(authority=ctx.authority).exists():
        _projects(ctx, years, today)
    if not OutOfSchoolSetting.objects.filter(authority=ctx.authority).exists():
        _settings(ctx, wards, today)
    if not VenueCheck.objects.filter(authority=ctx.authority).exists():
        _venue_checks(ctx, years, today)
    if not ITCheck.objects.filter(authority=ctx.authority).exists():
        _it_checks(ctx, wards, years[0].start, today)
    ctx.say(
        f"Engagement: {len(groups)} community groups, "
        f"{Engagement.objects.filter(authority=ctx.authority).count()} engagements, "
        f"{Project.objects.filter(authority=ctx.authority).count()} funded projects, "
        f"{OutOfSchoolSetting.objects.filter(authority=ctx.authority).count()} settings."
    )


def _groups(ctx: DemoContext, wards: list[Ward], since: datetime.date) -> list[CommunityGroup]:
    user = ctx.users["education"]
    groups = []
    for name, kind, faith in GROUPS:
        group = CommunityGroup.objects.filter(authority=ctx.authority, name=name).first()
        if group is None:
            group = services.create_group(
                ctx.authority,
                {
                    "name": name,
                    "kind": kind,
                    "faith": faith,
                    "ward": ctx.rng.choice(wards),
                    "description": f"A fictional {kind} group in the demo borough.",
                },
                acting_user=user,
            )
        groups.append(group)
    return groups


def _engagements(
    ctx: DemoContext, groups: list[CommunityGroup], years: list, today: datetime.date
) -> None:
    user = ctx.users["education"]
    types = list(TYPE_WEIGHTS)
    weights = list(TYPE_WEIGHTS.values())
    for year in years:
        end = min(year.end, today)
        share = ((end - year.start).days + 1) / 365
        engaged = ctx.rng.sample(groups, round((GROUPS_A_YEAR + ctx.rng.randint(-1, 1)) * share))
        for group in engaged:
            for _ in range(ctx.rng.choice([1, 1, 2, 2, 3])):
                kind = ctx.rng.choices(types, weights)[0]
                partners = [group]
                if (
                    kind in (EngagementType.EVENT, EngagementType.WORKSHOP)
                    and ctx.rng.random() < 0.3
                ):
                    partners.append(ctx.rng.choice(engaged))
                services.record_engagement(
                    ctx.authority,
                    {
                        "date": _day_in(ctx, year.start, end),
                        "groups": list(dict.fromkeys(partners)),
                        "type": kind,
                        "topic": ctx.rng.choice(TOPICS[kind]),
                        "staff": ctx.rng.choice(STAFF),
                        "people_reached": ctx.rng.choice([None, 8, 12, 20, 35, 60]),
                        "outcome": ctx.rng.choice(OUTCOMES),
                    },
                    acting_user=user,
                )


def _networks(
    ctx: DemoContext, groups: list[CommunityGroup], since: datetime.date, today: datetime.date
) -> None:
    user = ctx.users["education"]
    specs = [
        (
            "Kingsmere Communities Together Network",
            (
                "Brings voluntary, community and faith groups together to share news, funding "
                "opportunities and concerns, and to build cohesion."
            ),
            "three_times",
            (3, 7, 10),
            [g for g in groups if g.kind != "faith"][:22],
        ),
        (
            "Kingsmere Faith Leaders Forum",
            (
                "Faith leaders and the council and police meet to build relationships and respond "
                "together to events that may affect community relations."
            ),
            "quarterly",
            (4, 7, 10, 1),
            [g for g in groups if g.kind == "faith"][:12],
        ),
        (
            "Kingsmere Youth Practitioners' Forum",
            (
                "Youth workers and youth organisations share practice on safeguarding and online "
                "harms."
            ),
            "twice",
            (5, 11),
            [g for g in groups if g.kind in ("youth", "education")],
        ),
    ]
    for name, purpose, meets, months, members in specs:
        network = services.create_network(
            ctx.authority,
            {
                "name": name,
                "purpose": purpose,
                "convener": "Community Engagement Officer",
                "meets": meets,
            },
            acting_user=user,
        )
        for group in members:
            joined = since - datetime.timedelta(days=ctx.rng.randint(0, 700))
            services.add_network_member(
                network, {"group": group, "joined_on": joined}, acting_user=user
            )
        day = datetime.date(since.year, since.month, 1)
        while day <= today:
            if day.month in months:
                meeting_day = day + datetime.timedelta(days=ctx.rng.randint(8, 20))
                if meeting_day <= today:
                    services.record_network_meeting(
                        network,
                        {
                            "date": meeting_day,
                            "organisations_attending": max(
                                3, round(len(members) * ctx.rng.uniform(0.45, 0.85))
                            ),
                            "people_attending": ctx.rng.randint(12, 40),
                            "summary": ctx.rng.choice(
                                [
                                    "Funding opportunities and a presentation on new and emerging communities.",
                                    "Update on hate crime reporting and a discussion of recent community tensions.",
                                    "Members shared plans for Hate Crime Awareness Week.",
                                    "Presentation on online safety for parents; members asked for sessions.",
                                ]
                            ),
                        },
                        acting_user=user,
                    )
            day = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _events(
    ctx: DemoContext,
    groups: list[CommunityGroup],
    wards: list[Ward],
    years: list,
    today: datetime.date,
) -> None:
    user = ctx.users["education"]
    for year in years:
        for title, kind, month, attendees in EVENTS:
            calendar_year = year.start.year if month >= 4 else year.start.year + 1
            day = datetime.date(calendar_year, month, ctx.rng.randint(5, 25))
            if day > today:
                continue
            # Groups involved in events are ones the team engaged with that year.
            engaged = (
                list(
                    CommunityGroup.objects.filter(
                        engagements__date__range=(year.start, year.end)
                    ).distinct()
                )
                or groups
            )
            services.record_event(
                ctx.authority,
                {
                    "title": title,
                    "date": day,
                    "kind": kind,
                    "venue": ctx.rng.choice(VENUES).split(",")[0],
                    "ward": ctx.rng.choice(wards),
                    "groups": ctx.rng.sample(engaged, min(len(engaged), ctx.rng.randint(1, 4))),
                    "attendees": round(attendees * ctx.rng.uniform(0.7, 1.3)),
                    "description": "Organised with local groups; feedback was positive and "
                    "several groups asked for follow-up sessions.",
                },
                acting_user=user,
            )


def _communications(ctx: DemoContext, years: list, today: datetime.date) -> None:
    user = ctx.users["education"]
    for year in years:
        for channel, audience, purpose, title in COMMS:
            day = _day_in(ctx, year.start, year.end)
            if day > today:
                continue
            services.log_communication(
                ctx.authority,
                {
                    "date": day,
                    "title": title,
                    "channel": channel,
                    "audience": audience,
                    "purpose": purpose,
                    "summary": f"{title}. Shared through the council's {channel} channel.",
                    "reach": ctx.rng.choice([None, 350, 800, 1200, 2500, 4000]),
                },
                acting_user=user,
            )


def _projects(ctx: DemoContext, years: list, today: datetime.date) -> None:
    user = ctx.users["education"]
    for index, year in enumerate(years):
        submitted = year.start - datetime.timedelta(days=ctx.rng.randint(25, 40))
        decided = year.start + datetime.timedelta(days=ctx.rng.randint(10, 25))
        if submitted > today:
            continue
        funded = ROTATION[index % len(ROTATION)]
        for key in funded:
            spec = PROJECTS[key]
            awarded = decided <= today
            bid = services.record_bid(
                ctx.authority,
                {
                    "title": spec.title,
                    "funder": "Home Office (Homeland Security Group)",
                    "submitted_on": submitted,
                    "amount_requested": Decimal(spec.budget + ctx.rng.choice([0, 1500, 3000])),
                    "outcome": BidOutcome.SUCCESSFUL if awarded else BidOutcome.PENDING,
                    "outcome_on": decided if awarded else None,
                    "amount_awarded": Decimal(spec.budget) if awarded else None,
                    "ctlp_recommendation": spec.ctlp,
                },
                acting_user=user,
            )
            if awarded:
                _project(ctx, spec, bid, year, today)
        services.record_bid(
            ctx.authority,
            {
                "title": UNSUCCESSFUL[index % len(UNSUCCESSFUL)],
                "funder": "Home Office (Homeland Security Group)",
                "submitted_on": submitted,
                "amount_requested": Decimal(ctx.rng.choice([18_000, 24_000, 30_000])),
                "outcome": BidOutcome.UNSUCCESSFUL if decided <= today else BidOutcome.PENDING,
                "outcome_on": decided if decided <= today else None,
                "notes": "Not funded this round; feedback asked for clearer outcome measures.",
            },
            acting_user=user,
        )


def _project(ctx: DemoContext, spec: ProjectSpec, bid: Bid, year, today: datetime.date) -> None:
    user = ctx.users["education"]
    status = ProjectStatus.COMPLETE if year.end < today else ProjectStatus.LIVE
    project = services.create_project(
        ctx.authority,
        {
            "title": f"{spec.title} {year.label}",
            "bid": bid,
            "provider": spec.provider,
            "funder": "Home Office (Homeland Security Group)",
            "budget": Decimal(spec.budget),
            "starts_on": year.start,
            "ends_on": year.end,
            "status": status,
            "ctlp_recommendation": spec.ctlp,
            "aims": spec.aims,
            "expected_outcomes": spec.outcomes,
        },
        acting_user=user,
    )
    outputs = [
        services.add_project_output(project, {"name": name}, acting_user=user)
        for name, _ in spec.outputs
    ]
    shares = [Decimal("0.15"), Decimal("0.25"), Decimal("0.28"), Decimal("0.30")]
    for number, quarter in enumerate(financial_quarters(year.start, year.end)):
        if quarter.start > today:
            break
        finished = quarter.end < today
        ramp = (0.6, 1.0, 1.1, 1.2)[number]
        figures: dict[int, tuple[int | None, int | None]] = {}
        for output, (_, per_quarter) in zip(outputs, spec.outputs, strict=True):
            planned = max(1, round(per_quarter * ramp))
            delivered = round(planned * ctx.rng.uniform(0.7, 1.15)) if finished else None
            figures[output.pk] = (planned, delivered)
        spend = (
            Decimal(spec.budget)
            * shares[number]
            * Decimal(str(round(ctx.rng.uniform(0.9, 1.0), 2)))
        ).quantize(Decimal("0.01"))
        services.record_quarterly_return(
            project,
            quarter_start=quarter.start,
            figures=figures,
            spend=spend if finished else Decimal(0),
            progress=(
                "Delivery on profile; schools and settings responding well."
                if finished
                else "Quarter under way; sessions booked."
            ),
            issues=ctx.rng.choice(
                ["", "", "Two sessions moved to next quarter at schools' request."]
            ),
            acting_user=user,
        )


def _settings(ctx: DemoContext, wards: list[Ward], today: datetime.date) -> None:
    user = ctx.users["education"]
    outreach = list(
        Project.objects.filter(
            authority=ctx.authority, title__startswith="Supplementary Schools Outreach"
        ).order_by("starts_on")
    )
    statuses = [
        SafeguardingStatus.IN_PLACE,
        SafeguardingStatus.IN_PLACE,
        SafeguardingStatus.IN_PLACE,
        SafeguardingStatus.IMPROVING,
        SafeguardingStatus.IMPROVING,
        SafeguardingStatus.NOT_ASSESSED,
        SafeguardingStatus.DECLINED,
        SafeguardingStatus.REFERRED,
    ]
    used: set[str] = set()
    for _ in range(62):
        setting_type = ctx.rng.choice(list(SETTING_WORDS))
        ward = ctx.rng.choice(wards)
        name = f"{ward.name} {ctx.rng.choice(SETTING_WORDS[setting_type])}"
        if name in used:
            continue
        used.add(name)
        project = ctx.rng.choice(outreach) if outreach and ctx.rng.random() < 0.8 else None
        if project is not None:
            identified = _day_in(ctx, project.starts_on, min(project.ends_on, today))
        else:
            identified = today - datetime.timedelta(days=ctx.rng.randint(30, 1200))
        status = ctx.rng.choice(statuses)
        services.register_setting(
            ctx.authority,
            {
                "name": name,
                "setting_type": setting_type,
                "provider": f"{ward.name} Education Trust"
                if ctx.rng.random() < 0.6
                else _person(ctx),
                "address": f"{ctx.rng.randint(2, 180)} {ctx.rng.choice(STREETS)}, Kingsmere KM{ctx.rng.randint(1, 9)} {ctx.rng.randint(1, 9)}XY",
                "ward": ward,
                "pupils": ctx.rng.choice([None, 15, 25, 40, 60, 85, 120, 150]),
                "safeguarding_status": status,
                "support_offered": (
                    "Safeguarding policy template, DSL training place and a visit."
                    if status != SafeguardingStatus.NOT_ASSESSED
                    else ""
                ),
                "identified_on": identified,
                "last_contact_on": min(
                    today, identified + datetime.timedelta(days=ctx.rng.randint(10, 200))
                ),
                "identified_by": project,
            },
            acting_user=user,
        )


def _venue_checks(ctx: DemoContext, years: list, today: datetime.date) -> None:
    user = ctx.users["education"]
    kinds = list(VenueCheckKind.values)
    for year in years:
        for number in range(14):
            event_day = _day_in(ctx, year.start, year.end)
            if event_day > today + datetime.timedelta(days=60):
                continue
            decided = event_day - datetime.timedelta(days=ctx.rng.randint(7, 30))
            roll = ctx.rng.random()
            if decided > today:
                decision = VenueDecision.PENDING
            elif roll < 0.72:
                decision = VenueDecision.APPROVED
            elif roll < 0.88:
                decision = VenueDecision.CONDITIONS
            elif roll < 0.95:
                decision = VenueDecision.WITHDRAWN
            else:
                decision = VenueDecision.REFUSED
            reasons = {
                VenueDecision.APPROVED: "Checks found nothing of concern; standard conditions of hire apply.",
                VenueDecision.CONDITIONS: "A speaker has spoken at events with divisive content; approved "
                "on condition the council's equality statement is read and staff attend.",
                VenueDecision.WITHDRAWN: "The organiser withdrew the booking after being asked for "
                "speaker details.",
                VenueDecision.REFUSED: "Open-source research and police advice showed a speaker has "
                "promoted hatred against a protected group; the booking conflicts with the "
                "council's venue-hire policy.",
            }
            services.record_venue_check(
                ctx.authority,
                {
                    "venue": ctx.rng.choice(VENUES),
                    "booking_reference": f"VH-{year.start.year}-{number + 1:03d}",
                    "event_date": event_day,
                    "event_description": ctx.rng.choice(
                        [
                            "Public talk and discussion",
                            "Community fundraising dinner",
                            "Book launch",
                            "Campaign meeting",
                            "Cultural evening",
                        ]
                    ),
                    "organiser": f"{_person(ctx)}, {ctx.rng.choice(GROUPS)[0]}",
                    "speakers": "\n".join(_person(ctx) for _ in range(ctx.rng.randint(1, 3))),
                    "checks": sorted(ctx.rng.sample(kinds, ctx.rng.randint(2, 5))),
                    "checks_notes": "Nothing of concern found."
                    if decision in (VenueDecision.APPROVED, VenueDecision.PENDING)
                    else "See the reason for the decision.",
                    "decision": decision,
                    "decision_reason": reasons.get(decision, ""),
                    "conditions": "Council staff present; equality statement read at the start."
                    if decision == VenueDecision.CONDITIONS
                    else "",
                    "decided_on": decided if decision != VenueDecision.PENDING else None,
                },
                acting_user=user,
            )


def _it_checks(
    ctx: DemoContext, wards: list[Ward], since: datetime.date, today: datetime.date
) -> None:
    user = ctx.users["education"]
    site_wards = {site: ctx.rng.choice(wards) for site, _ in IT_SITES}
    for quarter in financial_quarters(since, today):
        for site, site_type in IT_SITES:
            day = quarter.start + datetime.timedelta(days=ctx.rng.randint(10, 60))
            if day > today:
                continue
            roll = ctx.rng.random()
            result = (
                FilterResult.PASS
                if roll < 0.9
                else FilterResult.PARTIAL
                if roll < 0.97
                else FilterResult.FAIL
            )
            failed = result != FilterResult.PASS
            services.record_it_check(
                ctx.authority,
                {
                    "site": site,
                    "site_type": site_type,
                    "ward": site_wards[site],
                    "checked_on": day,
                    "checked_by": "ICT security officer",
                    "method": "Supplier's test list of blocked terrorist and extremist content categories",
                    "result": result,
                    "issues": "Two test pages in a blocked category loaded on one public PC."
                    if failed
                    else "",
                    "action_taken": "Filtering profile reapplied by the supplier."
                    if failed
                    else "",
                    "resolved_on": min(today, day + datetime.timedelta(days=ctx.rng.randint(1, 10)))
                    if failed
                    else None,
                },
                acting_user=user,
            )
