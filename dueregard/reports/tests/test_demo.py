"""Kingsmere's reporting in the demo: a committee report with a generated version and the
grant returns, made through the services; fictional and idempotent."""

from __future__ import annotations

import pytest

from dueregard.audit.models import AuditEvent
from dueregard.demo.context import DemoContext
from dueregard.demo.steps import areas, governance, reports, users
from dueregard.reports.models import CommitteeReport, GrantReturn, GrantReturnStatus

pytestmark = pytest.mark.django_db


def test_demo_reporting_is_made_through_the_services_once() -> None:
    ctx = DemoContext()
    for step in (areas, users, governance, reports):
        step.run(ctx)

    report = CommitteeReport.objects.get(authority=ctx.authority, template__isnull=True)
    assert report.board.name == reports.BOARD
    version = report.versions.get()
    assert version.number == 1
    assert version.file("docx")[:2] == b"PK"  # a real Word document
    assert version.file("pdf")[:5] == b"%PDF-"

    # One final report of each preset's style, clearance complete, with an exempt appendix.
    styled = CommitteeReport.objects.filter(authority=ctx.authority, template__isnull=False)
    assert sorted(r.template.based_on for r in styled) == ["barking-dagenham", "barnet"]
    for templated in styled:
        final = templated.versions.get().final
        assert set(final.clearance) == set(templated.template.clearance_roles)
        assert all(e["name"] and e["date"] for e in final.clearance.values())
        assert templated.exempt and final.version.has_exempt
        assert final.version.exempt_pdf[:5] == b"%PDF-"

    returns = GrantReturn.objects.filter(authority=ctx.authority).order_by("quarter_start")
    signed, draft = returns
    assert signed.status == GrantReturnStatus.SIGNED_OFF and signed.frozen_figures
    assert draft.status == GrantReturnStatus.DRAFT and draft.frozen_figures is None
    assert signed.quarter_end < draft.quarter_start
    assert signed.budget_lines.count() == len(reports.BUDGET)
    for line in signed.budget_lines.all():
        assert line.spent_to_date >= line.spent_in_quarter
    # Every record was made as the coordinator, so it is in the audit log.
    assert AuditEvent.objects.filter(object_type="reports.grantreturn").count() >= 2

    events = AuditEvent.objects.count()
    reports.run(ctx)
    assert CommitteeReport.objects.count() == 3 and GrantReturn.objects.count() == 2
    assert AuditEvent.objects.count() == events
