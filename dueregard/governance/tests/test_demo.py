"""Kingsmere's governance in the demo borough: built through the services, like seed
002's board table, and safe to build twice."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dueregard.core.periods import last_complete_financial_year
from dueregard.demo.context import DemoContext
from dueregard.demo.steps import areas, governance, users
from dueregard.governance import metrics
from dueregard.governance.models import Board, Meeting, ReportingCommitment, ScheduledReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> DemoContext:
    ctx = DemoContext()
    areas.run(ctx)
    users.run(ctx)
    governance.run(ctx)
    return ctx


def test_the_demo_borough_has_boards_meetings_and_the_board_table_once(demo: DemoContext) -> None:
    boards = Board.objects.filter(authority=demo.authority)
    kinds = set(boards.values_list("kind", flat=True))
    assert {
        "partnership_board",
        "prevent_delivery_group",
        "channel_panel",
        "children_safeguarding",
        "adults_safeguarding",
        "health_wellbeing",
        "council_management",
    } <= kinds
    year = last_complete_financial_year(timezone.localdate())
    by_board = {r.board: r for r in metrics.meetings_by_board(demo.authority, year.start, year.end)}
    pdg = by_board["Kingsmere Prevent Delivery Group"]
    assert pdg.expected == 4 and 3 <= pdg.held <= 4  # "met 4 times in line with our ToR"
    held = Meeting.objects.filter(board__name="Kingsmere Prevent Delivery Group", status="held")
    assert held.first().attendance.exists()

    commitments = ReportingCommitment.objects.filter(authority=demo.authority)
    assert commitments.count() == len(governance.COMMITMENTS)
    status = metrics.reporting_status(demo.authority, timezone.localdate())
    assert status.count("Overdue") >= 1  # the adults board update is overdue
    assert status.not_known >= 1  # the health and wellbeing briefing is to be confirmed
    assert (
        ScheduledReport.objects.filter(
            commitment__title="Prevent duty assurance update", presented_on__isnull=False
        ).count()
        >= 12
    )  # quarterly, for three years and more

    # Building the demo again changes nothing.
    counts = (Board.objects.count(), Meeting.objects.count(), ScheduledReport.objects.count())
    governance.run(demo)
    assert (
        Board.objects.count(),
        Meeting.objects.count(),
        ScheduledReport.objects.count(),
    ) == counts
