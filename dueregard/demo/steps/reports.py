"""Kingsmere's reporting: a committee report to the partnership board for the last complete
financial year with one generated version, last quarter's grant return signed off with its
budget lines, and this quarter's return in draft. Everything goes through
`reports.services` as the Prevent coordinator, so versions hold real DOCX, PDF and HTML.
All words and amounts are fictional. Idempotent: nothing is made twice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dueregard.accounts.models import User
from dueregard.core import periods
from dueregard.core.periods import financial_quarter_of, last_complete_financial_year
from dueregard.demo.context import DemoContext
from dueregard.governance.models import Board
from dueregard.reports import services
from dueregard.reports.models import CommitteeReport, GrantReturn, ReportTemplate

ORDER = 90
BOARD = "Kingsmere Safer Communities Partnership Board"

BUDGET = [  # heading, budget for the year, share of it spent per quarter
    ("Prevent Coordinator post", Decimal("52000.00"), Decimal("0.25")),
    ("Prevent Education Officer post", Decimal("41000.00"), Decimal("0.25")),
    ("Community projects (demo)", Decimal("18000.00"), Decimal("0.20")),
    ("Training materials and venues", Decimal("4500.00"), Decimal("0.15")),
]

WORDS = {
    "achievements": (
        "Delivered WRAP sessions to school designated safeguarding leads and to the housing "
        "provider's front-line staff (demo).\n"
        "The Channel panel met every month with full partner attendance."
    ),
    "issues": (
        "Attendance by the probation service at panel was lower than planned; the chair has "
        "written to the service (demo)."
    ),
    "outputs_narrative": (
        "Community engagement events with faith and voluntary groups, and two funded "
        "projects reporting their outputs on time (demo)."
    ),
}


def _committee_report(ctx: DemoContext, user: User, today: datetime.date) -> None:
    board = Board.objects.filter(authority=ctx.authority, name=BOARD).first()
    if board is None:
        return
    year = last_complete_financial_year(today)
    if CommitteeReport.objects.filter(
        authority=ctx.authority, board=board, period_start=year.start
    ).exists():
        return
    report = services.create_committee_report(
        ctx.authority, board=board, start=year.start, end=year.end, acting_user=user
    )
    services.update_committee_report(
        report,
        {"meeting_date": year.end + datetime.timedelta(days=70)},
        acting_user=user,
    )
    services.generate_committee_version(report, acting_user=user, via="demo")


# preset, the words of two narrative sections, the exempt appendix and its Schedule 12A paragraph
STYLES = [
    (
        "barnet",
        {
            "social_value": (
                "The funded projects are delivered by local voluntary groups, and the training "
                "is delivered by the council's own trained facilitators (demo)."
            ),
            "risk_management": (
                "The partnership's Prevent risk register is reviewed at each board meeting; "
                "the exempt appendix sets out the risks with their owners (demo)."
            ),
        },
        "appendix_risk_register",
        "7",
    ),
    (
        "barking-dagenham",
        {
            "staffing": "There are no staffing implications arising from this report (demo).",
            "safeguarding": (
                "Prevent is part of safeguarding: referrals about children are considered with "
                "the children's safeguarding partnership (demo)."
            ),
        },
        "appendix_action_plan",
        "3",
    ),
]


def _templated_reports(ctx: DemoContext, user: User, today: datetime.date) -> None:
    """One final report of each preset's style, with clearance complete and an exempt
    appendix."""
    board = Board.objects.filter(authority=ctx.authority, name=BOARD).first()
    if board is None:
        return
    year = last_complete_financial_year(today)
    for preset, words, exempt, paragraph in STYLES:
        if ReportTemplate.objects.filter(authority=ctx.authority, based_on=preset).exists():
            continue
        template = services.copy_template(ctx.authority, preset=preset, acting_user=user)
        report = services.create_committee_report(
            ctx.authority,
            board=board,
            start=year.start,
            end=year.end,
            acting_user=user,
            template=template,
        )
        cleared_on = year.end + datetime.timedelta(days=50)
        services.update_committee_report(
            report,
            {
                "title": f"Prevent duty annual report ({template.name})",
                "meeting_date": year.end + datetime.timedelta(days=70),
                "accountable_directors": "Director of Community Safety (demo)",
                "narrative": words,
                "exempt": {exempt: paragraph},
                "clearance": {
                    role: {"name": f"{role} (demo officer)", "date": cleared_on}
                    for role in template.clearance_roles
                },
            },
            acting_user=user,
        )
        version = services.generate_committee_version(report, acting_user=user, via="demo")
        services.mark_committee_final(version, acting_user=user)


def _grant_return(ctx: DemoContext, user: User, day: datetime.date, *, sign_off: bool) -> None:
    quarter = financial_quarter_of(day)
    if GrantReturn.objects.filter(authority=ctx.authority, quarter_start=quarter.start).exists():
        return
    grant_return = services.create_grant_return(ctx.authority, quarter=quarter, acting_user=user)
    services.update_grant_return(grant_return, WORDS, acting_user=user)
    quarters_in = (quarter.start.month - 4) % 12 // 3 + 1  # Q1 = April to June
    for heading, budget, share in BUDGET:
        spent = (budget * share).quantize(Decimal("0.01"))
        services.add_budget_line(
            grant_return,
            {
                "heading": heading,
                "budget": budget,
                "spent_in_quarter": spent,
                "spent_to_date": spent * quarters_in,
            },
            acting_user=user,
        )
    if sign_off:
        services.sign_off_grant_return(grant_return, acting_user=user)


def run(ctx: DemoContext) -> None:
    user = ctx.users["coordinator"]
    today = min(ctx.today, periods.today())
    _committee_report(ctx, user, today)
    _templated_reports(ctx, user, today)
    this_quarter = financial_quarter_of(today)
    _grant_return(ctx, user, this_quarter.start - datetime.timedelta(days=1), sign_off=True)
    _grant_return(ctx, user, today, sign_off=False)
    returns = GrantReturn.objects.filter(authority=ctx.authority, is_current=True)
    ctx.say(
        f"Reports: {CommitteeReport.objects.filter(authority=ctx.authority).count()} committee "
        f"report with its versions, {returns.count()} grant returns "
        f"({returns.filter(signed_off_at__isnull=False).count()} signed off)."
    )
