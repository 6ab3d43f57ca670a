"""Quarterly grant returns: figures for the quarter from the records while a draft, fixed at
sign-off; a signed-off return cannot be changed, only superseded by an amended return with
a reason; downloads as DOCX and XLSX; who may do what."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from conftest import sign_in
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.core.periods import financial_quarter_of
from dueregard.reports import services
from dueregard.reports.models import GrantReturn, GrantReturnStatus

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
Q2 = financial_quarter_of(D(2024, 7, 1))  # Q2 2024/25: July to September 2024


def received(report) -> int:
    return next(r for r in report.table("journey").rows if r["label"] == "Referrals received")[
        "count"
    ]


def test_a_draft_follows_the_records_and_sign_off_fixes_its_figures(as_user, world):
    lead = world["coordinator"]
    draft = f.grant_return(world)
    f.referral(world, received_on=D(2024, 7, 10), age=15, gender="male")
    assert received(services.grant_return_report(draft)) == 1
    f.referral(world, received_on=D(2024, 8, 10), age=15, gender="male")
    f.referral(world, received_on=D(2024, 10, 10), age=15, gender="male")  # the next quarter
    assert received(services.grant_return_report(draft)) == 2

    services.update_grant_return(
        draft, {"achievements": "Two new schools trained."}, acting_user=lead
    )
    f.budget_line(world, draft)
    signed = services.sign_off_grant_return(draft, acting_user=lead)
    assert signed.status == GrantReturnStatus.SIGNED_OFF
    assert (signed.signed_off_by, signed.frozen_figures is not None) == (lead, True)

    # More referrals dated in the quarter arrive later (a late import): the return does not move.
    f.referral(world, received_on=D(2024, 9, 1), age=15, gender="female")
    signed.refresh_from_db()
    assert received(services.grant_return_report(signed)) == 2
    page = as_user(lead).get(reverse("reports:grant_return", args=[signed.pk]))
    assert page.status_code == 200
    assert received(page.context["built"]) == 2
    assert "Signed off by" in page.content.decode()
    document = Document(
        io.BytesIO(
            as_user(lead)
            .get(
                reverse("reports:grant_return_download", args=[signed.pk]),
                {"format": "docx", "audience": "exact"},
            )
            .content
        )
    )
    journey = next(
        t for t in document.tables if t.rows[0].cells[0].text == "Stage"
    )  # the casework journey table
    assert journey.rows[1].cells[0].text == "Referrals received"
    assert journey.rows[1].cells[1].text == "2"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Two new schools trained." in text
    details = document.tables[0]
    assert "Signed off" in [row.cells[0].text for row in details.rows]


def test_a_signed_off_return_cannot_be_changed(as_user, world):
    signed = f.signed_off_return(world)
    line = signed.budget_lines.get()
    client = as_user(world["coordinator"])
    for url in (
        reverse("reports:grant_return_edit", args=[signed.pk]),
        reverse("reports:grant_return_line_add", args=[signed.pk]),
        reverse("reports:grant_return_line", args=[signed.pk, line.pk]),
        reverse("reports:grant_return_sign_off", args=[signed.pk]),
    ):
        refused = client.get(url)
        assert refused.status_code == 403, url
        assert "signed off on" in refused.content.decode()
        assert "Amend the return" in refused.content.decode()
    posted = client.post(
        reverse("reports:grant_return_edit", args=[signed.pk]),
        {"achievements": "Rewritten", "issues": "", "outputs_narrative": ""},
    )
    assert posted.status_code == 403
    removed = client.post(reverse("reports:grant_return_line_remove", args=[signed.pk, line.pk]))
    assert removed.status_code == 403
    signed.refresh_from_db()
    line.refresh_from_db()
    assert signed.achievements == "" and not line.archived
    for attempt in (
        lambda: services.update_grant_return(
            signed, {"issues": "x"}, acting_user=world["coordinator"]
        ),
        lambda: services.add_budget_line(
            signed,
            {"heading": "Late", "budget": 1, "spent_in_quarter": 0, "spent_to_date": 0},
            acting_user=world["coordinator"],
        ),
        lambda: services.sign_off_grant_return(signed, acting_user=world["coordinator"]),
        lambda: services.remove_budget_line(line, acting_user=world["coordinator"]),
    ):
        with pytest.raises(services.ReturnLocked):
            attempt()


def test_an_amended_return_supersedes_with_a_reason_and_the_original_is_kept(as_user, world):
    lead = world["coordinator"]
    signed = f.signed_off_return(world)
    frozen = signed.frozen_figures
    client = as_user(lead)
    url = reverse("reports:grant_return_amend", args=[signed.pk])

    without_reason = client.post(url, {"reason": " "})
    assert without_reason.status_code == 200
    assert "Enter why the return needs to be amended" in without_reason.content.decode()
    assert GrantReturn.objects.count() == 1

    response = client.post(url, {"reason": "Spend in the quarter was under-reported."})
    amended = GrantReturn.objects.get(supersedes=signed)
    assert response["Location"] == reverse("reports:grant_return", args=[amended.pk])
    assert amended.status == GrantReturnStatus.DRAFT and amended.is_current
    assert amended.amendment_reason == "Spend in the quarter was under-reported."
    assert [line.heading for line in amended.budget_lines.all()] == ["Prevent Coordinator post"]
    signed.refresh_from_db()
    assert (signed.is_current, signed.status, signed.frozen_figures) == (
        False,
        GrantReturnStatus.SIGNED_OFF,
        frozen,
    )
    # The superseded return can be neither changed nor amended again.
    assert client.get(reverse("reports:grant_return_edit", args=[signed.pk])).status_code == 403
    again = client.post(url, {"reason": "Again"})
    assert again.status_code == 400 and GrantReturn.objects.count() == 2
    page = client.get(reverse("reports:grant_return", args=[signed.pk])).content.decode()
    assert "This return was superseded" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(amended.pk), detail__supersedes=str(signed.pk)
    ).exists()
    # Correct the amended return and sign it off: a quarter has one current return.
    line = amended.budget_lines.get()
    services.update_budget_line(
        line,
        {
            "heading": line.heading,
            "budget": line.budget,
            "spent_in_quarter": Decimal("14000.00"),
            "spent_to_date": Decimal("27000.00"),
        },
        acting_user=lead,
    )
    services.sign_off_grant_return(amended, acting_user=lead)
    assert GrantReturn.objects.filter(quarter_start=Q2.start, is_current=True).get() == amended


def test_sign_off_needs_confirmation_and_is_audited(as_user, world):
    draft = f.grant_return(world)
    client = as_user(world["coordinator"])
    url = reverse("reports:grant_return_sign_off", args=[draft.pk])
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 200
    assert "Confirm the return is correct before you sign it off" in unconfirmed.content.decode()
    draft.refresh_from_db()
    assert draft.status == GrantReturnStatus.DRAFT
    assert client.post(url, {"confirm": "on"}).status_code == 302
    draft.refresh_from_db()
    assert draft.is_signed_off
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_id=str(draft.pk))
    assert event.detail["status"] == "signed_off"


def test_one_current_return_a_quarter(world):
    f.grant_return(world)
    with pytest.raises(ValidationError, match="already a return for Q2 2024/25"):
        f.grant_return(world)


def test_budget_lines_are_checked_field_by_field(as_user, world):
    draft = f.grant_return(world)
    client = as_user(world["coordinator"])
    response = client.post(
        reverse("reports:grant_return_line_add", args=[draft.pk]),
        {
            "heading": "Projects",
            "budget": "1000",
            "spent_in_quarter": "400",
            "spent_to_date": "300",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_spent_to_date"' in page
    assert "must include the spend in the quarter (£400.00 or more)" in page
    assert not draft.budget_lines.exists()
    ok = client.post(
        reverse("reports:grant_return_line_add", args=[draft.pk]),
        {
            "heading": "Projects",
            "budget": "1000",
            "spent_in_quarter": "300",
            "spent_to_date": "400",
        },
    )
    assert ok.status_code == 302
    line = draft.budget_lines.get()
    assert (
        client.post(
            reverse("reports:grant_return_line_remove", args=[draft.pk, line.pk])
        ).status_code
        == 302
    )
    line.refresh_from_db()
    assert line.archived and line.archived_reason == "Removed from the draft return"
    assert "Projects" not in [
        r["label"] for r in services.grant_return_report(draft).table("budget_lines").rows
    ]


def test_spend_against_budget_and_downloads_as_xlsx(as_user, world):
    draft = f.grant_return(world)
    f.budget_line(world, draft)
    f.budget_line(
        world,
        draft,
        heading="Community projects",
        budget=Decimal(20000),
        spent_in_quarter=Decimal(2500),
        spent_to_date=Decimal(5000),
    )
    budget = {r["label"]: r for r in services.grant_return_report(draft).table("budget_lines").rows}
    assert budget["Total"]["budget"] == 72000.0
    assert budget["Total"]["spent_to_date"] == 31000.0
    assert budget["Total"]["remaining"] == 41000.0
    assert budget["Total"]["percent_spent"] == 43.1
    assert budget["Community projects"]["percent_spent"] == 25.0
    response = as_user(world["analyst"]).get(
        reverse("reports:grant_return_download", args=[draft.pk]),
        {"format": "xlsx", "audience": "board"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-Q2-2024-25-draft-board.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Spend against budget"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Community projects" in values and 72000 in values
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="reports.grantreturn", detail__format="xlsx"
    ).exists()


def test_a_board_member_reads_returns_at_the_board_audience_and_cannot_change_them(client, world):
    draft = f.grant_return(world)
    member = sign_in(client, world["board_member"])
    page = member.get(reverse("reports:grant_return", args=[draft.pk]))
    assert page.status_code == 200 and page.context["built"].audience == "board"
    assert "Sign off the return" not in page.content.decode()
    exact = member.get(
        reverse("reports:grant_return_download", args=[draft.pk]),
        {"format": "docx", "audience": "exact"},
    )
    assert exact.status_code == 400
    assert member.get(reverse("reports:grant_return_edit", args=[draft.pk])).status_code == 403
    assert (
        member.post(
            reverse("reports:grant_return_sign_off", args=[draft.pk]), {"confirm": "on"}
        ).status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.status == GrantReturnStatus.DRAFT


def test_another_authority_cannot_see_a_return(client, world):
    draft = f.grant_return(world)
    other = sign_in(client, world["other_coordinator"])
    assert other.get(reverse("reports:grant_return", args=[draft.pk])).status_code == 404
    assert other.get(reverse("reports:grant_return_edit", args=[draft.pk])).status_code == 404
    assert "Testborough" not in other.get(reverse("reports:grant_return_list")).content.decode()


def test_the_create_page_offers_recent_quarters(as_user, world):
    client = as_user(world["coordinator"])
    page = client.get(reverse("reports:grant_return_create"))
    choices = page.context["form"].fields["quarter"].choices
    assert len(choices) == 8
    response = client.post(
        reverse("reports:grant_return_create"),
        {"authority": world.authority.pk, "quarter": choices[1][0]},
    )
    created = GrantReturn.objects.get()
    assert response["Location"] == reverse("reports:grant_return", args=[created.pk])
    assert created.quarter_start.isoformat() == choices[1][0]
    assert financial_quarter_of(created.quarter_start).end == created.quarter_end


def test_at_the_public_audience_no_small_count_appears_and_nothing_can_be_recovered(world):
    from .attacks import pin_by_bounds, recover_by_margins, solve_linear

    draft = f.grant_return(world)
    for n in range(7):
        f.referral(world, received_on=D(2024, 7, 2 + n), age=15, gender="male", name=f"P{n}")
    f.referral(world, received_on=D(2024, 7, 20), age=15, gender="male", adopted_on=D(2024, 8, 20))
    exact = services.grant_return_report(draft)
    assert exact.marking == "OFFICIAL-SENSITIVE"  # one Channel case: a small count
    public = services.view_grant_return(draft, "public", acting_user=world["coordinator"])
    assert public.marking == "OFFICIAL"
    for before in exact.all_tables():
        after = public.table(before.id)
        for row in after.rows:
            for column in after.count_columns():
                value = row.get(column)
                assert not (isinstance(value, int) and 0 < value < 5), (before.id, row)
        assert recover_by_margins(before, after) == {}, before.id
        assert pin_by_bounds(before, after) == {}, before.id
        assert solve_linear(before, after) == {}, before.id
    journey = {r["label"]: r for r in public.table("journey").rows}
    assert journey["Referrals received"]["count"] == 8
    assert str(journey["Adopted as a Channel case"]["count"]) == "<5"
