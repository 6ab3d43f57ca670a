"""Kingsmere's partnership governance: boards and groups with members, several years of
meetings with attendance, minutes and actions, and the reports owed to each board (the
shape of the board table in seed 002, with fictional boards, people and dates).

Everything goes through `governance.services` as the Prevent coordinator. Idempotent:
a board, its meetings and a commitment are only created when missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from dueregard.core import periods
from dueregard.core.periods import add_months, financial_year_start
from dueregard.demo.context import DemoContext
from dueregard.governance import services
from dueregard.governance.models import (
    FREQUENCY_MONTHS,
    ActionStatus,
    AttendanceStatus,
    Board,
    BoardKind,
    Frequency,
    Meeting,
    MeetingStatus,
    ReportingCommitment,
    ScheduledReport,
)

ORDER = 60
YEARS = 3  # full financial years of history before the current one

FIRST = [
    "Aisha",
    "Ben",
    "Carla",
    "Declan",
    "Esme",
    "Farid",
    "Gemma",
    "Hamza",
    "Imogen",
    "Jonah",
    "Kiran",
    "Leah",
    "Marcus",
    "Nadia",
    "Owen",
    "Parveen",
    "Quentin",
    "Rosa",
    "Sunil",
    "Tara",
    "Usman",
    "Vera",
    "Wes",
    "Yasmin",
    "Zoe",
    "Callum",
    "Delia",
    "Emeka",
    "Fiona",
    "Gareth",
]
LAST = [
    "Ashworth",
    "Baptiste",
    "Chowdhury",
    "Delaney",
    "Ekwueme",
    "Fairbairn",
    "Gallagher",
    "Hollis",
    "Iqbal",
    "Jardine",
    "Kowalski",
    "Lindqvist",
    "Mbeki",
    "Nowak",
    "Okonjo",
    "Pemberton",
    "Quinlan",
    "Rahman",
    "Sandhu",
    "Thornbury",
    "Underwood",
    "Varga",
    "Wetherall",
    "Yilmaz",
    "Zielinski",
]


@dataclass(frozen=True)
class BoardSpec:
    name: str
    kind: str
    frequency: str
    chair: str
    remit: str
    months: tuple[int, ...]  # months in which it meets
    seats: tuple[tuple[str, str], ...]  # (organisation, role)
    reports_to: str = ""
    actions: bool = False


COUNCIL = "Kingsmere Council"
BOARDS = [
    BoardSpec(
        "Kingsmere Safer Communities Partnership Board",
        BoardKind.PARTNERSHIP_BOARD,
        Frequency.QUARTERLY,
        "Chief Executive, Kingsmere Council",
        "The community safety partnership. Owns the Prevent strategy, agrees the local risk "
        "assessment against the Counter-Terrorism Local Profile and oversees the multi-agency "
        "action plan.",
        (6, 9, 12, 3),
        (
            (COUNCIL, "Chair"),
            ("Kingsmere Police (demo)", "Member"),
            ("Kingsmere Probation Delivery Unit (demo)", "Member"),
            ("Kingsmere Fire and Rescue (demo)", "Member"),
            ("Kingsmere Integrated Care Board (demo)", "Member"),
            (f"{COUNCIL}, Children's Services", "Member"),
            (f"{COUNCIL}, Adult Social Care", "Member"),
            ("Kingsmere Voluntary Action (demo)", "Member"),
        ),
        actions=True,
    ),
    BoardSpec(
        "Kingsmere Prevent Delivery Group",
        BoardKind.PREVENT_DELIVERY_GROUP,
        Frequency.QUARTERLY,
        "Head of Community Safety, Kingsmere Council",
        "Multi-agency group that scrutinises Prevent performance: action plan progress, "
        "project delivery, the CTLP and local risk, Channel performance and training.",
        (5, 8, 11, 2),
        (
            (f"{COUNCIL}, Community Safety", "Chair"),
            (f"{COUNCIL}, Prevent team", "Prevent Coordinator"),
            (f"{COUNCIL}, Prevent team", "Prevent Education Officer"),
            ("Kingsmere Police (demo), Counter Terrorism Policing", "Member"),
            ("Kingsmere Mental Health Trust (demo)", "Member"),
            (f"{COUNCIL}, Children's Services", "Member"),
            (f"{COUNCIL}, Adult Social Care", "Member"),
            (f"{COUNCIL}, Education", "Member"),
            ("Kingsmere College (demo)", "Member"),
            ("Kingsmere Probation Delivery Unit (demo)", "Member"),
            (f"{COUNCIL}, Housing", "Member"),
        ),
        reports_to="Kingsmere Safer Communities Partnership Board",
        actions=True,
    ),
    BoardSpec(
        "Kingsmere Channel Panel",
        BoardKind.CHANNEL_PANEL,
        Frequency.MONTHLY,
        "Community Safety Manager, Kingsmere Council",
        "The multi-agency Channel panel under s.36 of the Counter-Terrorism and Security Act "
        "2015. Case discussions are recorded in casework, never here.",
        (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
        (
            (f"{COUNCIL}, Community Safety", "Chair"),
            ("Kingsmere Police (demo), Counter Terrorism Policing", "Member"),
            (f"{COUNCIL}, Children's Services", "Member"),
            (f"{COUNCIL}, Adult Social Care", "Member"),
            ("Kingsmere Mental Health Trust (demo)", "Member"),
            ("Kingsmere Integrated Care Board (demo)", "Member"),
            ("Kingsmere Probation Delivery Unit (demo)", "Member"),
        ),
        reports_to="Kingsmere Safer Communities Partnership Board",
    ),
    BoardSpec(
        "Kingsmere Safeguarding Children Partnership (Executive)",
        BoardKind.CHILDREN_SAFEGUARDING,
        Frequency.QUARTERLY,
        "Independent scrutineer",
        "Safeguarding children and educational services; receives the annual Prevent update.",
        (7, 10, 1, 4),
        (
            ("Independent scrutineer", "Chair"),
            (f"{COUNCIL}, Children's Services", "Member"),
            ("Kingsmere Police (demo)", "Member"),
            ("Kingsmere Integrated Care Board (demo)", "Member"),
        ),
    ),
    BoardSpec(
        "Kingsmere Safeguarding Adults Board",
        BoardKind.ADULTS_SAFEGUARDING,
        Frequency.QUARTERLY,
        "Independent chair",
        "Safeguarding vulnerable adults; receives the annual Prevent update.",
        (7, 10, 1, 4),
        (
            ("Independent chair", "Chair"),
            (f"{COUNCIL}, Adult Social Care", "Member"),
            ("Kingsmere Police (demo)", "Member"),
            ("Kingsmere Mental Health Trust (demo)", "Member"),
        ),
    ),
    BoardSpec(
        "Kingsmere Health and Wellbeing Board",
        BoardKind.HEALTH_WELLBEING,
        Frequency.BIMONTHLY,
        "Cabinet Member for Health",
        "Health and wellbeing, including mental health; receives a yearly Prevent briefing.",
        (5, 7, 9, 11, 1, 3),
        (
            (f"{COUNCIL}, elected member", "Chair"),
            (f"{COUNCIL}, Public Health", "Member"),
            ("Kingsmere Integrated Care Board (demo)", "Member"),
            ("Kingsmere Mental Health Trust (demo)", "Member"),
        ),
    ),
    BoardSpec(
        "Council Management Team (Assurance)",
        BoardKind.COUNCIL_MANAGEMENT,
        Frequency.QUARTERLY,
        "Chief Executive, Kingsmere Council",
        "The council's senior officers; receive quarterly assurance on meeting the duty.",
        (7, 10, 1, 4),
        (
            (COUNCIL, "Chair"),
            (f"{COUNCIL}, Communities", "Member"),
            (f"{COUNCIL}, Children's Services", "Member"),
            (f"{COUNCIL}, Adult Social Care", "Member"),
            (f"{COUNCIL}, Legal and Governance", "Member"),
        ),
    ),
    BoardSpec(
        "Communities Committee",
        BoardKind.COMMITTEE,
        Frequency.AS_NEEDED,
        "Chair of the Communities Committee",
        "Elected members' committee; receives an annual public update on Prevent and "
        "community engagement.",
        (11,),
        (
            (f"{COUNCIL}, elected member", "Chair"),
            (f"{COUNCIL}, elected member", "Member"),
            (f"{COUNCIL}, elected member", "Member"),
        ),
    ),
    BoardSpec(
        "Chief Executive's briefing",
        BoardKind.OTHER,
        Frequency.AS_NEEDED,
        "Chief Executive, Kingsmere Council",
        "Twice-yearly written briefing to the Chief Executive on Prevent and community engagement.",
        (),
        ((COUNCIL, "Chief Executive"),),
    ),
    BoardSpec(
        "Home Office Homeland Security Group (grant monitoring)",
        BoardKind.OTHER,
        Frequency.AS_NEEDED,
        "",
        "Quarterly returns of outputs, achievements, issues and spend are a condition of the "
        "Prevent grant.",
        (),
        (),
    ),
]


@dataclass(frozen=True)
class CommitmentSpec:
    board: str
    title: str
    focus: str
    frequency: str
    due_month: int  # the month the first report in the history is due
    owner: str = "Prevent Coordinator"
    ends: str = "scheduled"  # "scheduled", "overdue" or "to_be_confirmed"
    notes: str = field(default="")


COMMITMENTS = [
    CommitmentSpec(
        "Council Management Team (Assurance)",
        "Prevent duty assurance update",
        "Council progress on meeting the duty",
        Frequency.QUARTERLY,
        7,
    ),
    CommitmentSpec(
        "Kingsmere Safer Communities Partnership Board",
        "Prevent annual report",
        "Partnership action and inter-agency working to respond to local risk",
        Frequency.ANNUALLY,
        7,
    ),
    CommitmentSpec(
        "Kingsmere Prevent Delivery Group",
        "Prevent performance report",
        "Action plan performance, project delivery, the CTLP, Channel performance and training",
        Frequency.QUARTERLY,
        5,
    ),
    CommitmentSpec(
        "Kingsmere Safeguarding Children Partnership (Executive)",
        "Prevent and education update",
        "Safeguarding children and educational services",
        Frequency.ANNUALLY,
        10,
        owner="Prevent Education Officer",
    ),
    CommitmentSpec(
        "Kingsmere Health and Wellbeing Board",
        "Prevent and mental health briefing",
        "Mental health",
        Frequency.ANNUALLY,
        1,
        ends="to_be_confirmed",
        notes="Next date to be agreed with the board's forward plan.",
    ),
    CommitmentSpec(
        "Kingsmere Safeguarding Adults Board",
        "Prevent and vulnerable adults update",
        "Vulnerable adults",
        Frequency.ANNUALLY,
        10,
        ends="overdue",
    ),
    CommitmentSpec(
        "Communities Committee",
        "Annual update on Prevent and community engagement",
        "Progress on the Prevent strategy and community engagement, for elected members",
        Frequency.ANNUALLY,
        11,
    ),
    CommitmentSpec(
        "Chief Executive's briefing",
        "Prevent and community engagement briefing",
        "Delivery of the Prevent action plan and community engagement",
        Frequency.SIX_MONTHLY,
        9,
    ),
    CommitmentSpec(
        "Home Office Homeland Security Group (grant monitoring)",
        "Quarterly grant return",
        "Outputs, achievements, issues and expenditure",
        Frequency.QUARTERLY,
        7,
    ),
]

ACTIONS = [
    "Circulate the refreshed CTLP summary to partners",
    "Update the action plan owners for the next quarter",
    "Share training figures by service with the group",
    "Bring the out-of-school settings mapping to the next meeting",
    "Agree a partnership response to recent extremist stickering",
    "Review the terms of reference and membership",
    "Confirm the date of the next Channel deep dive",
    "Report project outputs against the grant agreement",
    "Invite the college safeguarding lead to present at the next meeting",
    "Check the referral pathway is on every partner's intranet",
    "Provide a briefing on online radicalisation trends",
    "Follow up venue-hire policy changes with facilities management",
]
MINUTES = [
    "Action plan progress reviewed; two actions re-profiled to next quarter.",
    "CTLP recommendations discussed; partners confirmed leads for each recommendation.",
    "Project delivery update received; outputs broadly on profile.",
    "Training performance reviewed by service; gaps in new-starter training noted.",
    "Local risk picture reviewed, including recent community tension reports.",
    "Referral and Channel performance reviewed (figures only; no case details).",
]


def _person(ctx: DemoContext) -> str:
    return f"{ctx.rng.choice(FIRST)} {ctx.rng.choice(LAST)}"


def _meeting_days(spec: BoardSpec, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days = []
    year, month = start.year, start.month
    while datetime.date(year, month, 1) <= end:
        if month in spec.months:
            first = datetime.date(year, month, 1)
            # The second Wednesday of the month.
            day = first + datetime.timedelta(days=(2 - first.weekday()) % 7 + 7)
            if start <= day <= end:
                days.append(day)
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return days


def run(ctx: DemoContext) -> None:
    user = ctx.users["coordinator"]
    today = min(ctx.today, periods.today())
    start = datetime.date(financial_year_start(today) - YEARS, 4, 1)
    boards: dict[str, Board] = {}
    for spec in BOARDS:
        board = Board.objects.filter(authority=ctx.authority, name=spec.name).first()
        if board is None:
            board = services.create_board(
                ctx.authority,
                {
                    "name": spec.name,
                    "kind": spec.kind,
                    "remit": spec.remit,
                    "meeting_frequency": spec.frequency,
                    "chair": spec.chair,
                    "reports_to": boards.get(spec.reports_to),
                    "terms_of_reference_agreed_on": start + datetime.timedelta(days=45),
                },
                acting_user=user,
            )
            for organisation, role in spec.seats:
                services.add_board_member(
                    board,
                    {
                        "name": _person(ctx),
                        "organisation": organisation,
                        "role": role,
                        "joined_on": start - datetime.timedelta(days=ctx.rng.randint(30, 900)),
                    },
                    acting_user=user,
                )
        boards[spec.name] = board
        if not Meeting.objects.filter(board=board).exists():
            _meetings(ctx, spec, board, start, today)
    for commitment in COMMITMENTS:
        board = boards[commitment.board]
        if not ReportingCommitment.objects.filter(board=board, title=commitment.title).exists():
            _commitment(ctx, commitment, board, start, today)
    meetings = Meeting.objects.filter(authority=ctx.authority).count()
    ctx.say(
        f"Governance: {len(boards)} boards and groups, {meetings} meetings, "
        f"{len(COMMITMENTS)} reporting commitments."
    )


def _meetings(
    ctx: DemoContext, spec: BoardSpec, board: Board, start: datetime.date, today: datetime.date
) -> None:
    user = ctx.users["coordinator"]
    members = list(board.members.all())
    horizon = today + datetime.timedelta(days=120)
    for day in _meeting_days(spec, start, horizon):
        if day > today:
            status = MeetingStatus.PLANNED
        else:
            status = MeetingStatus.CANCELLED if ctx.rng.random() < 0.05 else MeetingStatus.HELD
        held = status == MeetingStatus.HELD
        meeting = services.record_meeting(
            board,
            {
                "date": day,
                "status": status,
                "location": "Kingsmere Civic Centre" if ctx.rng.random() < 0.6 else "Online",
                "agenda": "\n".join(ctx.rng.sample(MINUTES, 3)) if held else "",
                "minutes": " ".join(ctx.rng.sample(MINUTES, 2)) if held else "",
                "minutes_approved_on": (
                    add_months(day, 3) if held and add_months(day, 3) <= today else None
                ),
            },
            acting_user=user,
        )
        if not held:
            continue
        statuses: dict[int, str] = {}
        for member in members:
            roll = ctx.rng.random()
            statuses[member.pk] = (
                AttendanceStatus.PRESENT
                if roll < 0.75
                else AttendanceStatus.APOLOGIES
                if roll < 0.9
                else AttendanceStatus.DEPUTY
                if roll < 0.96
                else AttendanceStatus.ABSENT
            )
        if statuses:
            services.record_attendance(meeting, statuses, acting_user=user)
        if spec.actions:
            for text in ctx.rng.sample(ACTIONS, ctx.rng.randint(1, 3)):
                due = day + datetime.timedelta(days=ctx.rng.choice([42, 56, 70, 84]))
                action = services.add_meeting_action(
                    meeting,
                    {
                        "description": text,
                        "owner": f"{_person(ctx)}, {ctx.rng.choice(spec.seats)[0]}",
                        "due_on": due,
                    },
                    acting_user=user,
                )
                # Most actions due by now are done; a few run late or are still open.
                if due <= today and ctx.rng.random() < 0.88:
                    done = min(today, due + datetime.timedelta(days=ctx.rng.randint(-20, 25)))
                    services.update_meeting_action(
                        action,
                        {"status": ActionStatus.COMPLETE, "completed_on": done},
                        acting_user=user,
                    )


def _commitment(
    ctx: DemoContext,
    spec: CommitmentSpec,
    board: Board,
    start: datetime.date,
    today: datetime.date,
) -> None:
    user = ctx.users["coordinator"]
    first_due = datetime.date(
        start.year if spec.due_month >= 4 else start.year + 1, spec.due_month, 28
    )
    commitment = services.create_commitment(
        ctx.authority,
        {
            "board": board,
            "title": spec.title,
            "area_of_focus": spec.focus,
            "frequency": spec.frequency,
            "owner": spec.owner,
            "notes": spec.notes,
            "next_due_on": first_due,
        },
        acting_user=user,
    )
    months = FREQUENCY_MONTHS[spec.frequency] or 12
    while True:
        report = ScheduledReport.objects.get(commitment=commitment, presented_on__isnull=True)
        due = report.due_on
        if due is None or due > today:
            break
        if spec.ends == "overdue" and add_months(due, months) > today:
            break  # the latest one has not gone yet
        meeting = (
            Meeting.objects.filter(
                board=board,
                status=MeetingStatus.HELD,
                date__range=(due - datetime.timedelta(days=40), due + datetime.timedelta(days=20)),
            )
            .order_by("date")
            .first()
        )
        if meeting is not None:
            presented = meeting.date
        else:
            presented = due + datetime.timedelta(days=ctx.rng.choice([-10, -5, -2, 0, 3, 12]))
        presented = min(presented, today)
        following = add_months(due, months)
        services.record_report_presented(
            commitment,
            presented_on=presented,
            meeting=meeting,
            next_due_on=following if following > presented else None,
            acting_user=user,
        )
    if spec.ends == "to_be_confirmed":
        services.set_next_due_date(commitment, None, acting_user=user)
