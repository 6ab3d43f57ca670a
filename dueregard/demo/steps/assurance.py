"""Kingsmere's assurance records: two strategies with dated progress, the national threat
level, a CTLP, the risk register, incidents by ward, two years of benchmark
self-assessment and an evidence library.

The plans carry the substance of two published council strategies: the overriding
objective and Actions 1 to 6 of a 2017 Prevent forward strategy (seed 001) and the four
priorities of a 2017 Prevent strategy and delivery plan (seed 003). Everything else is
fictional: owners, agencies, dates, progress notes, the CTLP, risks and incidents. No real
officer, council, address or case appears. The national threat level history is public
fact, with sources.

Dates are set relative to the day the demo is built, so the plan always looks current.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from dueregard.areas.models import Ward
from dueregard.assurance import services
from dueregard.assurance.models import (
    CTLP,
    Benchmark,
    Evidence,
    Incident,
    Risk,
    SelfAssessment,
    Strategy,
    ThreatLevel,
)
from dueregard.core.periods import financial_quarters, financial_year, financial_year_start
from dueregard.demo.context import DemoContext

ORDER = 50

# UK national threat level changes since November 2019 (public facts). The Security
# Service lists every change at https://www.mi5.gov.uk/threat-levels
THREAT_LEVELS = [
    (
        datetime.date(2019, 11, 4),
        "substantial",
        (
            "Lowered from SEVERE, where it had been since 29 August 2014 (with two short "
            "periods at CRITICAL in 2017)."
        ),
        "https://www.theguardian.com/uk-news/2019/nov/04/uk-terror-threat-level-downgraded-from-substantial-to-severe",
    ),
    (
        datetime.date(2020, 11, 3),
        "severe",
        "Raised after attacks in France and Austria.",
        "https://www.firstpost.com/world/uk-raises-threat-level-to-severe-following-austria-france-attacks-precautionary-measure-says-priti-patel-8980031.html",
    ),
    (
        datetime.date(2021, 2, 8),
        "substantial",
        "Lowered; announced to Parliament on 8 February 2021.",
        "https://wtop.com/europe/2021/02/uks-official-terror-threat-level-lowered-to-substantial/",
    ),
    (
        datetime.date(2021, 11, 15),
        "severe",
        "Raised after two terrorist incidents in a month.",
        "https://www.deeside.com/uk-terrorism-threat-level-raised-to-severe/",
    ),
    (
        datetime.date(2022, 2, 9),
        "substantial",
        "Lowered; an attack is likely.",
        "https://itv.com/news/2022-02-09/uk-terror-threat-level-reduced-from-severe-to-substantial-priti-patel-says",
    ),
]

# Fictional owners: (person, agency).
LEAD = ("Dana Whitlock, Head of Community Safety", "Kingsmere Council (demo)")
COORDINATOR = ("Priya Lockwood, Prevent Coordinator", "Kingsmere Council (demo)")
EDUCATION = ("Tom Adebayo, Prevent Education Officer", "Kingsmere Council (demo)")
POLICE = ("DS Mark Ellery, Prevent Engagement Officer", "Counter Terrorism Policing (demo)")
HEALTH = (
    "Dr Ruth Okonjo, Designated Nurse for Safeguarding",
    "Kingsmere Integrated Care Board (demo)",
)
VCS = ("Sam Harrow, Voluntary Sector Liaison Officer", "Kingsmere Council (demo)")
LIBRARIES = ("Lena Cho, Head of Libraries and Venues", "Kingsmere Council (demo)")
SAFEGUARDING = ("Joel Brand, Safeguarding Partnership Manager", "Kingsmere Council (demo)")
CHANNEL = ("Martin Okafor, Channel Panel Chair", "Kingsmere Council (demo)")


@dataclass
class Step:
    """A progress update `quarter` quarters into the plan (0 is its first quarter)."""

    quarter: int
    status: str
    note: str
    target: int | None = None  # a new target: the end of that quarter
    owner: tuple[str, str] | None = None


@dataclass
class PlanAction:
    reference: str
    title: str
    description: str
    success_measure: str
    owner: tuple[str, str]
    target: int  # the end of that quarter
    steps: list[Step] = field(default_factory=list)
    priority: int | None = None
    risks: tuple[str, ...] = ()
    recommendations: tuple[int, ...] = ()


FORWARD_OBJECTIVE = (
    "To keep the people of Kingsmere safe by accurately identifying people vulnerable to "
    "being drawn into terrorism and/or violent extremism, and to safeguard children and "
    "adults by providing early intervention to protect and divert people away from being "
    "drawn into terrorist activity."
)

# Seed 001's Actions 1 to 6, as Kingsmere's earlier strategy.
FORWARD_ACTIONS = [
    PlanAction(
        "1",
        "Partnerships",
        "Ensure a multi-agency response to Prevent is in place, supported by an evidence "
        "base and co-ordinated through the Safer Kingsmere Partnership Board, where "
        "partners fully own and fulfil their role in delivering Prevent locally.",
        "Every statutory partner attends the Prevent Delivery Group; the partnership board "
        "receives a Prevent update at each quarterly meeting.",
        LEAD,
        target=4,
        steps=[
            Step(
                0, "on_track", "Prevent Delivery Group terms of reference redrafted with partners."
            ),
            Step(1, "on_track", "Probation and the ICB named representatives for the group."),
            Step(2, "at_risk", "Two meetings without health representation; raised with the ICB."),
            Step(3, "on_track", "Health attendance restored; standing Prevent item agreed."),
            Step(4, "complete", "Partnership board received its fourth quarterly update."),
        ],
    ),
    PlanAction(
        "2",
        "Risk assessment",
        "Communicate the Counter-Terrorism Local Profile to the stakeholders who need it "
        "and use it to inform the local risk assessment and action plan.",
        "CTLP briefing to the Prevent Delivery Group within two months of its release; "
        "local risk assessment refreshed every year.",
        COORDINATOR,
        target=3,
        steps=[
            Step(0, "on_track", "CTLP received; briefing booked with the police Prevent team."),
            Step(1, "on_track", "Briefing delivered to the Prevent Delivery Group."),
            Step(3, "complete", "Local risk assessment agreed by the partnership board."),
        ],
    ),
    PlanAction(
        "3",
        "Prevent action plan",
        "Own and deliver the action plan through the partnership, and keep records that "
        "show the council's compliance with the Prevent duty: the strategy, action plans, "
        "minutes of Channel panel and Prevent Delivery Group meetings, Prevent briefings, "
        "WRAP training records and Prevent performance reports.",
        "Evidence held for every toolkit benchmark at each year end; action plan reviewed "
        "every quarter.",
        COORDINATOR,
        target=11,
        steps=[
            Step(0, "on_track", "Action plan adopted; quarterly review cycle set."),
            Step(4, "on_track", "Evidence library set up against the toolkit benchmarks."),
            Step(8, "on_track", "Year-end assurance pack produced for the partnership board."),
            Step(11, "complete", "Final review of the strategy completed."),
        ],
    ),
    PlanAction(
        "4",
        "Staff training",
        "A fully trained workforce, including staff of contracted services, who can "
        "recognise Prevent concerns, work together well, identify early signs of "
        "radicalisation and act to manage those who may be at risk.",
        "85% of frontline council staff have completed Prevent awareness training; every "
        "commissioned service confirms its staff are trained.",
        EDUCATION,
        target=5,
        steps=[
            Step(0, "not_started", "Training needs analysis started with workforce development."),
            Step(1, "on_track", "Monthly WRAP sessions running; e-learning added to induction."),
            Step(3, "at_risk", "Staff turnover in children's services has lowered completion."),
            Step(5, "off_track", "Completion at 71%; target date moved.", target=9),
            Step(7, "on_track", "Managers trained to deliver sessions in their own teams."),
            Step(9, "complete", "Completion reached 86% of frontline staff."),
        ],
    ),
    PlanAction(
        "5",
        "Use of local authority resources",
        "Ensure venues owned by the council do not provide a platform for extremist views, "
        "and that IT available to the public uses filtering that limits access to "
        "terrorist or extremist material.",
        "Due diligence on every venue booking that raises concern; filtering checked at "
        "every library each quarter.",
        LIBRARIES,
        target=3,
        steps=[
            Step(0, "on_track", "Venue-hire conditions now refer to the Prevent duty."),
            Step(2, "on_track", "Quarterly filtering checks started at all libraries."),
            Step(3, "complete", "Booking staff briefed on the due-diligence checklist."),
        ],
    ),
    PlanAction(
        "6",
        "Safeguarding children and adults from radicalisation",
        "Integrate the Prevent duty into existing safeguarding strategies, policies and "
        "procedures so that children and adults are protected from radicalisation and "
        "from being drawn into violent extremism.",
        "Radicalisation covered in the children's and adults' safeguarding procedures and "
        "in multi-agency safeguarding training.",
        SAFEGUARDING,
        target=6,
        steps=[
            Step(1, "on_track", "Radicalisation section drafted for the safeguarding procedures."),
            Step(4, "on_track", "Procedures agreed by both safeguarding boards."),
            Step(6, "complete", "Multi-agency safeguarding training now includes Prevent."),
        ],
    ),
]

DELIVERY_OBJECTIVE = (
    "To stop people in Kingsmere being drawn into terrorism by working in partnership to "
    "understand the risk of radicalisation, identifying and addressing vulnerabilities "
    "early, making sure people at risk get appropriate advice and support, and limiting "
    "and disrupting those who seek to spread or incite violence for a political, "
    "ideological, racial or religious cause."
)

# Seed 003's Priorities 1 to 4 and their areas of focus, as Kingsmere's current plan.
PRIORITIES = [
    (
        1,
        "To work in partnership to understand the risk of radicalisation in Kingsmere",
        (
            "Increase partners' understanding of the local threats and vulnerabilities\n"
            "Make sure the Prevent strategy is understood across the specified authorities\n"
            "Increase the representation of faith and community groups at the Prevent "
            "Delivery Group"
        ),
    ),
    (
        2,
        (
            "To work with partners and residents to identify and address potential "
            "vulnerabilities related to extremism or radicalisation"
        ),
        (
            "Develop links with the voluntary and community sector to support the local "
            "Prevent programme\n"
            "Develop early identification and intervention where concerns of extremism or "
            "radicalisation arise\n"
            "Support partners to embed the Prevent duty across all relevant organisations"
        ),
    ),
    (
        3,
        (
            "To put in place mechanisms that prevent individuals from being drawn into "
            "terrorism and ensure that they are given appropriate advice and support"
        ),
        (
            "Make sure the support partners offer is right for each individual\n"
            "Share information between partners to address concerns\n"
            "Identify third-sector capacity to widen the support available"
        ),
    ),
    (
        4,
        (
            "To deliver a programme to limit and disrupt the activities of extremist "
            "individuals who seek to spread or incite violence for a political, ideological, "
            "racial or religious cause"
        ),
        (
            "Respond to the actions of those promoting violent extremism wherever it presents\n"
            "Develop positive relationships with communities through Prevent projects\n"
            "Make sure staff recognise the actions of potential extremists and know how to "
            "respond"
        ),
    ),
]

DELIVERY_ACTIONS = [
    PlanAction(
        "1.1",
        "Brief partners on the local threat picture from the CTLP",
        "Summarise the CTLP for partners at the right level of sensitivity and brief the "
        "Prevent Delivery Group and the safeguarding boards.",
        "Briefings delivered within two months of each CTLP; partners report better "
        "understanding in the annual survey.",
        COORDINATOR,
        target=2,
        priority=1,
        risks=("R1", "R2"),
        recommendations=(1,),
        steps=[
            Step(0, "on_track", "Briefing note drafted with the police Prevent team."),
            Step(1, "complete", "Briefings delivered to both safeguarding boards."),
        ],
    ),
    PlanAction(
        "1.2",
        "Make sure every specified authority understands the Prevent duty",
        "Offer each specified authority a Prevent lead briefing and a named contact.",
        "Every specified authority has a named Prevent contact who attended a briefing.",
        COORDINATOR,
        target=7,
        priority=1,
        steps=[
            Step(0, "not_started", "List of specified authorities and contacts compiled."),
            Step(2, "on_track", "Schools, colleges and health providers briefed."),
            Step(5, "on_track", "Probation and housing providers briefed; two remain."),
        ],
    ),
    PlanAction(
        "1.3",
        "Bring faith and community groups into the Prevent Delivery Group",
        "Invite community and faith representatives to join the group as members.",
        "At least three community or faith members attend the group regularly.",
        VCS,
        target=5,
        priority=1,
        recommendations=(4,),
        steps=[
            Step(0, "on_track", "Invitations sent through the faith forum."),
            Step(3, "at_risk", "One member recruited; others wary of Prevent's reputation."),
            Step(5, "at_risk", "Listening events planned to build trust.", target=8),
        ],
    ),
    PlanAction(
        "2.1",
        "Build links with the voluntary and community sector",
        "Create a voluntary sector Prevent network with training and a route for concerns.",
        "Network of 20 organisations, each offered Prevent awareness training.",
        VCS,
        target=8,
        priority=2,
        steps=[
            Step(0, "on_track", "Network launched with eight organisations."),
            Step(4, "on_track", "Network now has fifteen organisations."),
        ],
    ),
    PlanAction(
        "2.2",
        "Publish a clear referral pathway",
        "Agree a single route for raising Prevent concerns, consistent with the national "
        "referral process, and publish it for staff and the public.",
        "Pathway published on the council website and in every partner's safeguarding procedures.",
        SAFEGUARDING,
        target=2,
        priority=2,
        recommendations=(2,),
        steps=[
            Step(0, "on_track", "Draft pathway agreed with the police Prevent team."),
            Step(2, "complete", "Pathway published and added to partner procedures."),
        ],
    ),
    PlanAction(
        "2.3",
        "Embed the Prevent duty in commissioned services",
        "Add Prevent clauses and training requirements to contracts for services to "
        "children and vulnerable adults.",
        "All new and renewed contracts carry Prevent clauses.",
        LEAD,
        target=4,
        priority=2,
        risks=("R4",),
        steps=[
            Step(0, "on_track", "Model contract clause drafted with procurement."),
            Step(3, "off_track", "Procurement review delayed the clause; target missed."),
            Step(5, "off_track", "Clause awaiting legal sign-off."),
        ],
    ),
    PlanAction(
        "3.1",
        "Make sure Channel support is right for each person",
        "Review support plans at every panel and record why each intervention was chosen.",
        "Every Channel support plan reviewed at least every three months.",
        CHANNEL,
        target=11,
        priority=3,
        risks=("R4",),
        steps=[
            Step(0, "on_track", "Support plan review added to the panel's standing agenda."),
            Step(4, "on_track", "Panel reviewed all open support plans this quarter."),
        ],
    ),
    PlanAction(
        "3.2",
        "Refresh the information-sharing agreement",
        "Renew the partners' agreement for sharing information about Prevent concerns.",
        "Agreement signed by every panel partner.",
        COORDINATOR,
        target=3,
        priority=3,
        steps=[
            Step(0, "on_track", "Data protection officers reviewing the draft."),
            Step(2, "complete", "Agreement signed by all partners."),
        ],
    ),
    PlanAction(
        "3.3",
        "Map third-sector support capacity",
        "Identify voluntary organisations that can widen the support offered alongside "
        "Channel, such as mentoring and mental health support.",
        "A directory of support options agreed by the Channel panel.",
        HEALTH,
        target=9,
        priority=3,
        risks=("R4",),
        recommendations=(3,),
        steps=[Step(2, "not_started", "Waiting for the voluntary sector network to mature.")],
    ),
    PlanAction(
        "4.1",
        "Respond quickly to extremist stickering and graffiti",
        "Agree a protocol with street services and the police to report, record and "
        "remove extremist stickers and graffiti within 24 hours.",
        "Every report logged and removed within 24 hours.",
        POLICE,
        target=6,
        priority=4,
        risks=("R2",),
        recommendations=(5,),
        steps=[
            Step(0, "on_track", "Protocol agreed with street services."),
            Step(3, "on_track", "Removal times now reported to the Delivery Group."),
        ],
    ),
    PlanAction(
        "4.2",
        "Run community projects that build trust in Prevent",
        "Fund and support projects with young people and families that build resilience "
        "and show Prevent as safeguarding.",
        "Two projects a year with evaluation reports.",
        VCS,
        target=4,
        priority=4,
        risks=("R3",),
        steps=[
            Step(0, "on_track", "Bid for project funding submitted."),
            Step(3, "at_risk", "Only one project funded this year; second bid pending."),
        ],
    ),
    PlanAction(
        "4.3",
        "Help staff recognise and respond to extremist activity",
        "Brief frontline and enforcement staff on signs of extremist activity and how to "
        "report them.",
        "Briefings for street services, libraries and housing officers each year.",
        EDUCATION,
        target=10,
        priority=4,
        risks=("R1", "R2"),
        steps=[
            Step(1, "on_track", "Briefings delivered to street services."),
            Step(4, "on_track", "Libraries and housing officers briefed."),
        ],
    ),
    PlanAction(
        "4.4",
        "Stop council venues and public IT giving extremists a platform",
        "Apply the venue-hire due-diligence checklist and check public-access internet "
        "filtering at every library.",
        "All flagged bookings checked; filtering passes at every library each quarter.",
        LIBRARIES,
        target=3,
        priority=4,
        risks=("R5",),
        steps=[
            Step(0, "on_track", "Checklist refreshed."),
            Step(3, "complete", "Filtering checks passed at all nine libraries."),
        ],
    ),
]

CTLP_KEY_POINTS = """\
Self-initiated attackers acting without direction from a wider network remain the most likely source of an attack in the cluster, and are hard to detect.
Young people engaging with extreme right-wing material in online spaces are the largest growing concern; several referrals were of under-18s.
Extreme right-wing activity in the cluster is mostly stickering and graffiti near transport hubs and schools.
Many people referred have mental health needs or are neurodivergent, which makes risk harder to assess and support harder to engage.
National and international events continue to raise community tensions locally, with spikes in hate incidents after major events.
People released from custody after terrorism offences need careful multi-agency management."""

CTLP_RECOMMENDATIONS = [
    (
        (
            "Share a summary of the CTLP with safeguarding partners and schools at an "
            "appropriate level of sensitivity."
        ),
        "Summary shared with both safeguarding boards and designated safeguarding leads.",
        "complete",
        COORDINATOR[0],
    ),
    (
        "Make sure the referral pathway is clear and well known across all partners.",
        "Pathway republished and added to partner procedures.",
        "complete",
        SAFEGUARDING[0],
    ),
    (
        "Widen the range of support for people with complex needs referred to Prevent.",
        "Mapping of voluntary sector support under way with the ICB.",
        "in_progress",
        HEALTH[0],
    ),
    (
        "Strengthen engagement with communities affected by extremist activity.",
        "Listening events with faith groups planned.",
        "in_progress",
        VCS[0],
    ),
    (
        "Agree a rapid response to extremist stickering and graffiti.",
        "Removal protocol agreed with street services and the police.",
        "complete",
        POLICE[0],
    ),
]

RISKS = [
    # reference, theme, description, owner, (likelihood, impact, trend, rating) by review
    (
        "R1",
        "Self-initiated terrorism inspired by Islamist ideology",
        "Individuals inspired online, acting alone, plan or carry out a low-complexity attack.",
        POLICE,
        [(3, 5, "stable", "high"), (3, 5, "stable", "high")],
    ),
    (
        "R2",
        "Extreme right-wing activity",
        (
            "Extreme right-wing groups spread material by stickering and online, raising "
            "community tension and drawing in young people."
        ),
        COORDINATOR,
        [(3, 3, "increasing", "medium"), (4, 3, "increasing", "high")],
    ),
    (
        "R3",
        "Online radicalisation of young people",
        (
            "Young people reach extremist and violent material online, often without a "
            "coherent ideology."
        ),
        EDUCATION,
        [(4, 4, "increasing", "high"), (4, 4, "increasing", "very_high")],
    ),
    (
        "R4",
        "Complex needs of people referred",
        (
            "Mental health needs and neurodivergence among people referred make risk hard to "
            "assess and support hard to engage."
        ),
        HEALTH,
        [(4, 3, "stable", "high")],
    ),
    (
        "R5",
        "Council resources used by extremists",
        "Council venues or public-access IT are used to promote extremist views.",
        LIBRARIES,
        [(2, 3, "stable", "medium"), (2, 3, "decreasing", "low")],
    ),
    (
        "R6",
        "Community tension after national or international events",
        "Events elsewhere lead to tension, protest or hate incidents in Kingsmere.",
        LEAD,
        [(3, 3, "new", "")],
    ),
]

INCIDENT_SUMMARIES = {
    "stickering_graffiti": [
        "Extreme right-wing stickers found on lamp posts near the station; removed the same day.",
        "Graffiti with an extremist symbol on a bus shelter; reported by a resident.",
        "Stickers promoting an extremist group found outside a secondary school.",
        "Extremist leaflets left in a park; collected by street services.",
    ],
    "community_tension": [
        "Protest following an international event; passed peacefully with a police presence.",
        "Rise in reported hate incidents after a national news story; faith leaders briefed.",
        "Online rumours about a planned gathering; community reassurance messages issued.",
    ],
    "school_hoax": [
        "Hoax email threatening a secondary school; police confirmed no credible threat.",
        "Hoax call to a primary school; school followed its lockdown procedure.",
    ],
    "terrorism_arrest": [
        "Arrest under the Terrorism Act of a resident; the police investigation continues.",
    ],
    "terrorism_conviction": [
        "A person connected to the area was convicted of a terrorism offence.",
    ],
}
INCIDENT_WEIGHTS = [
    ("stickering_graffiti", 12),
    ("community_tension", 6),
    ("school_hoax", 3),
    ("terrorism_arrest", 1),
    ("terrorism_conviction", 1),
]

ASSESSMENTS = {
    # benchmark number: (rating two years ago, rating last year, commentary)
    1: (
        "green",
        "green",
        (
            "The Safer Kingsmere Partnership Board owns Prevent; the Prevent "
            "Delivery Group meets quarterly with every statutory partner."
        ),
    ),
    2: (
        "amber",
        "green",
        (
            "The local risk assessment is refreshed from each CTLP and agreed "
            "by the partnership board."
        ),
    ),
    3: (
        "green",
        "green",
        (
            "The delivery plan answers the risk assessment; actions have owners "
            "and are reviewed every quarter."
        ),
    ),
    4: (
        "green",
        "green",
        "The referral pathway is published and in every partner's safeguarding procedures.",
    ),
    5: (
        "green",
        "green",
        (
            "The Channel panel meets monthly with consistent partner attendance; "
            "assured separately through the Channel annual assurance statement."
        ),
    ),
    6: (
        "amber",
        "amber",
        (
            "Training is needs-based, but completion in children's services "
            "dipped with staff turnover."
        ),
    ),
    7: (
        "amber",
        "green",
        "Venue-hire due diligence and quarterly filtering checks are in place at every library.",
    ),
    8: (
        "red",
        "amber",
        (
            "A communications plan is in place; community engagement is growing "
            "but faith groups are not yet represented on the Delivery Group."
        ),
    ),
}

EVIDENCE = [
    # title, category, months after the year start, benchmarks, kind
    ("Prevent Delivery Group terms of reference", "terms_of_reference", 1, [1], "file"),
    ("Partnership board minutes: Prevent update", "meeting_minutes", 3, [1, 3], "file"),
    ("CTLP briefing note for partners", "risk_assessment", 4, [2], "file"),
    ("Local Prevent risk register", "risk_assessment", 5, [2], "register"),
    ("Delivery plan quarterly review", "strategy", 6, [3], "file"),
    ("Referral pathway", "policy", 2, [4], "file"),
    ("Channel panel minutes (summary of attendance)", "panel_minutes", 7, [5], "file"),
    ("Prevent training records summary", "training_records", 9, [6], "file"),
    ("Venue-hire due-diligence checklist", "policy", 8, [7], "file"),
    ("Prevent duty toolkit for local authorities", "report", 0, [1, 2, 3, 4, 5, 6, 7, 8], "web"),
    ("Prevent communications plan", "communications", 10, [8], "file"),
]
TOOLKIT_URL = (
    "https://www.gov.uk/government/publications/prevent-duty-toolkit-for-local-authorities"
)


def _quarter_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [q.end for q in financial_quarters(start, end)]


def _demo_document(title: str, authority: str) -> bytes:
    """A small Word document standing in for a real one (fictional content)."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(
        f"{authority}. Fictional demonstration document created by the Due Regard demo."
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _threat_levels(ctx: DemoContext, user: Any) -> None:
    for starts_on, level, note, source in THREAT_LEVELS:
        if not ThreatLevel.objects.filter(starts_on=starts_on).exists():
            services.record_threat_level(
                level=level, starts_on=starts_on, note=note, source_url=source, acting_user=user
            )


def _ctlp(ctx: DemoContext, user: Any, issued: datetime.date) -> CTLP:
    existing = CTLP.objects.filter(authority=ctx.authority).first()
    if existing:
        return existing
    ctlp = services.create_ctlp(
        authority=ctx.authority,
        title=f"Kingsmere and Eastbrook Cluster CTLP {issued.year}",
        issued_on=issued,
        area="Kingsmere and Eastbrook policing cluster (fictional)",
        produced_by="Counter Terrorism Policing (demo)",
        key_points=CTLP_KEY_POINTS,
        acting_user=user,
    )
    for text, response, status, owner in CTLP_RECOMMENDATIONS:
        services.add_recommendation(
            ctlp,
            text=text,
            response=response,
            response_status=status,
            response_owner=owner,
            acting_user=user,
        )
    return ctlp


def _risks(ctx: DemoContext, user: Any, ctlp: CTLP, first: datetime.date) -> None:
    if Risk.objects.filter(authority=ctx.authority).exists():
        return
    for reference, theme, description, owner, reviews in RISKS:
        likelihood, impact, trend, rating = reviews[0]
        identified = first + datetime.timedelta(days=ctx.rng.randint(0, 20))
        risk = services.add_risk(
            authority=ctx.authority,
            reference=reference,
            theme=theme,
            description=description,
            owner=owner[0],
            agency=owner[1],
            ctlp=ctlp,
            likelihood=likelihood,
            impact=impact,
            trend=trend,
            rating=rating,
            identified_on=identified,
            review_date=identified + datetime.timedelta(days=91),
            acting_user=user,
        )
        # Reviewed every quarter at the Prevent Delivery Group: the scripted changes first,
        # then the risk stands. R6 has not had its first review yet, so it shows as due.
        previous = reviews[0]
        for number, values in enumerate(reviews[1:] + [reviews[-1]] * 12, start=1):
            reviewed = identified + datetime.timedelta(days=91 * number)
            if reviewed > ctx.today or reference == "R6":
                break
            likelihood, impact, trend, rating = values
            services.review_risk(
                risk,
                reviewed_on=reviewed,
                likelihood=likelihood,
                impact=impact,
                trend=trend,
                rating=rating,
                review_date=reviewed + datetime.timedelta(days=91),
                note="Reviewed at the Prevent Delivery Group."
                + (" No change." if values == previous else ""),
                acting_user=user,
            )
            previous = values


def _plan(
    ctx: DemoContext,
    user: Any,
    strategy: Strategy,
    actions: list[PlanAction],
    priorities: dict[int, Any],
) -> None:
    ends = _quarter_ends(strategy.period_start, strategy.period_end)
    risks = {r.reference: r for r in Risk.objects.filter(authority=ctx.authority)}
    ctlp = CTLP.objects.filter(authority=ctx.authority).first()
    recs = {r.number: r for r in ctlp.recommendations.all()} if ctlp else {}  # type: ignore[attr-defined]

    def on(quarter: int) -> datetime.date:
        # Updates are recorded in the last fortnight of the quarter.
        return ends[quarter] - datetime.timedelta(days=ctx.rng.randint(1, 14))

    for spec in actions:
        added = strategy.period_start + datetime.timedelta(days=ctx.rng.randint(3, 25))
        action = services.add_action(
            strategy,
            priority=priorities.get(spec.priority) if spec.priority else None,
            reference=spec.reference,
            title=spec.title,
            description=spec.description,
            success_measure=spec.success_measure,
            owner=spec.owner[0],
            agency=spec.owner[1],
            target_date=ends[spec.target],
            status="not_started",
            added_on=added,
            risks=[risks[r] for r in spec.risks if r in risks],
            recommendations=[recs[n] for n in spec.recommendations if n in recs],
            acting_user=user,
        )
        target = ends[spec.target]
        for step in spec.steps:
            day = max(on(step.quarter), added)
            if day > ctx.today:
                break
            if step.target is not None:
                target = ends[step.target]
            owner = step.owner or (action.owner, action.agency)
            services.record_action_update(
                action,
                recorded_on=day,
                status=step.status,
                target_date=target,
                owner=owner[0],
                agency=owner[1],
                note=step.note,
                acting_user=user,
            )


def _strategies(ctx: DemoContext, user: Any) -> None:
    year = financial_year_start(ctx.today)
    if Strategy.objects.filter(authority=ctx.authority).exists():
        return
    earlier = financial_year(year - 4)
    forward = services.create_strategy(
        authority=ctx.authority,
        title=f"Kingsmere Prevent Forward Strategy {year - 4} to {year - 1}",
        period_start=earlier.start,
        period_end=financial_year(year - 2).end,
        objective=FORWARD_OBJECTIVE,
        approved_by="Community Leadership Committee",
        approved_on=earlier.start - datetime.timedelta(days=40),
        acting_user=user,
    )
    _plan(ctx, user, forward, FORWARD_ACTIONS, {})
    start = financial_year(year - 1).start
    delivery = services.create_strategy(
        authority=ctx.authority,
        title=f"Kingsmere Prevent Strategy and Delivery Plan {year - 1} to {year + 2}",
        period_start=start,
        period_end=financial_year(year + 1).end,
        objective=DELIVERY_OBJECTIVE,
        approved_by="Cabinet",
        approved_on=start - datetime.timedelta(days=25),
        acting_user=user,
    )
    priorities = {
        number: services.add_priority(
            delivery, number=number, title=title, description=focus, acting_user=user
        )
        for number, title, focus in PRIORITIES
    }
    _plan(ctx, user, delivery, DELIVERY_ACTIONS, priorities)


def _incidents(ctx: DemoContext, user: Any) -> None:
    if Incident.objects.filter(authority=ctx.authority).exists():
        return
    wards = list(Ward.objects.filter(authority=ctx.authority).order_by("ons_code"))
    # Some wards see more activity than others (fictional).
    weights = [ctx.rng.choice([1, 1, 1, 2, 3, 5]) for _ in wards]
    start = financial_year(financial_year_start(ctx.today) - 2).start
    days = (ctx.today - start).days
    kinds = [k for k, w in INCIDENT_WEIGHTS for _ in range(w)]
    for _ in range(34):
        kind = ctx.rng.choice(kinds)
        occurred = start + datetime.timedelta(days=ctx.rng.randint(0, days))
        ward = ctx.rng.choices(wards, weights=weights)[0] if ctx.rng.random() > 0.08 else None
        services.record_incident(
            authority=ctx.authority,
            occurred_on=occurred,
            kind=kind,
            ward=ward,
            summary=ctx.rng.choice(INCIDENT_SUMMARIES[kind]),
            source=ctx.rng.choice(["Police", "Street services", "School", "Resident", "Council"]),
            acting_user=user,
        )


def _assessments(ctx: DemoContext, user: Any) -> None:
    services.load_toolkit_benchmarks()
    year = financial_year_start(ctx.today)
    for offset, index in ((2, 0), (1, 1)):
        assessed = financial_year(year - offset).end - datetime.timedelta(days=10)
        for benchmark in Benchmark.objects.filter(disabled_on__isnull=True):
            if SelfAssessment.objects.filter(
                authority=ctx.authority, benchmark=benchmark, year=year - offset
            ).exists():
                continue
            ratings = ASSESSMENTS[benchmark.number]
            services.record_self_assessment(
                authority=ctx.authority,
                benchmark=benchmark,
                year=year - offset,
                rating=ratings[index],
                commentary=ratings[2],
                next_steps="" if ratings[index] == "green" else "Actions in the delivery plan.",
                assessed_on=assessed,
                acting_user=user,
            )


def _evidence(ctx: DemoContext, user: Any) -> None:
    if Evidence.objects.filter(authority=ctx.authority).exists():
        return
    benchmarks = {b.number: b for b in Benchmark.objects.all()}
    year = financial_year_start(ctx.today)
    for offset in (2, 1):
        start = financial_year(year - offset).start
        label = financial_year(year - offset).label
        for title, category, months, numbers, kind in EVIDENCE:
            dated = start + datetime.timedelta(days=30 * months + ctx.rng.randint(0, 20))
            extra: dict[str, Any] = {}
            if kind == "file":
                name = (
                    f"{title.lower().replace(' ', '-').replace(':', '')[:50]}-{year - offset}.docx"
                )
                extra["file"] = SimpleUploadedFile(
                    name, _demo_document(f"{title} {label}", ctx.authority.name)
                )
            elif kind == "register":
                extra["link"] = "/assurance/risks/"
            else:
                extra["link"] = TOOLKIT_URL
            services.add_evidence(
                authority=ctx.authority,
                title=f"{title} {label}",
                category=category,
                dated=dated,
                benchmarks=[benchmarks[n] for n in numbers],
                marking="OFFICIAL-SENSITIVE"
                if category in ("panel_minutes", "risk_assessment")
                else "OFFICIAL",
                acting_user=user,
                **extra,
            )


def run(ctx: DemoContext) -> None:
    user = ctx.users["coordinator"]
    _threat_levels(ctx, user)
    year = financial_year_start(ctx.today)
    ctlp = _ctlp(ctx, user, financial_year(year - 1).start + datetime.timedelta(days=45))
    _risks(ctx, user, ctlp, financial_year(year - 1).start + datetime.timedelta(days=60))
    _strategies(ctx, user)
    _incidents(ctx, user)
    _assessments(ctx, user)
    _evidence(ctx, user)
    ctx.say(
        f"Assurance: {Strategy.objects.filter(authority=ctx.authority).count()} strategies, "
        f"{Risk.objects.filter(authority=ctx.authority).count()} risks, "
        f"{Incident.objects.filter(authority=ctx.authority).count()} incidents, "
        f"{Evidence.objects.filter(authority=ctx.authority).count()} evidence items."
    )
