"""Privacy pages: access review, step-up reveal, sharing log, agreements, retention pages."""

from __future__ import annotations

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from conftest import sign_in
from dueregard.accounts.models import Membership, Role
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.audit.services import record
from dueregard.casework.models import Panel
from dueregard.casework.tests.factories import days_ago
from dueregard.casework.tests.url_samples import scenario as casework_scenario
from dueregard.privacy import queries, services
from dueregard.privacy.models import AccessReview, SharingRecord
from dueregard.privacy.tests.url_samples import scenario

pytestmark = pytest.mark.django_db


def _today_params() -> dict[str, str]:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=7)
    return {
        "start_day": str(start.day),
        "start_month": str(start.month),
        "start_year": str(start.year),
        "end_day": str(today.day),
        "end_month": str(today.month),
        "end_year": str(today.year),
    }


# --------------------------------------------------------------------------------------
# Access review


def test_access_review_lists_a_deliberately_out_of_role_view(world, client) -> None:
    person = casework_scenario(world)["person"]
    # In role: the coordinator views the person.
    assert (
        sign_in(client, world["coordinator"]).get(f"/casework/people/{person.pk}/").status_code
        == 200
    )
    # Out of role: the education officer is given the lead role by mistake, looks at the
    # person, and the mistaken role is then taken away.
    mistaken = Membership.objects.create(
        user=world["education_officer"], role=Role.PREVENT_LEAD, authority=world.authority
    )
    other = sign_in(client.__class__(), world["education_officer"])
    assert other.get(f"/casework/people/{person.pk}/").status_code == 200
    mistaken.active = False
    mistaken.save()

    flagged = queries.out_of_role_views(world.authority, days_ago(7), days_ago(0))
    assert [(v.event.actor_username, v.event.person_id) for v in flagged] == [
        ("education_officer", person.pk)
    ]
    assert "No casework role" in flagged[0].why

    auditor = sign_in(client.__class__(), world["auditor"])
    page = auditor.get("/privacy/access-review/", _today_params())
    assert page.status_code == 200
    html = page.content.decode()
    section = html.split('data-testid="out-of-role"')[1].split("</table>")[0]
    assert "education_officer" in section and "coordinator" not in section

    today = timezone.localdate()
    response = auditor.post(
        "/privacy/access-review/",
        {
            "period_start": (today - datetime.timedelta(days=7)).isoformat(),
            "period_end": today.isoformat(),
            "notes": "Raised the mistaken grant with the service desk (test).",
        },
    )
    assert response.status_code == 302
    review = AccessReview.objects.get()
    assert review.reviewed_by == world["auditor"] and review.period_end == today


def test_panel_member_view_outside_their_agenda_is_out_of_role(world) -> None:
    sample = casework_scenario(world)
    # On their panel's agenda: in role.
    record(AuditAction.VIEW, actor=world["panel_member"], obj=sample["referral"])
    # A person never on their panel's agenda (e.g. through a partner system): out of role.
    from dueregard.casework.tests.factories import make_person

    stranger = make_person(world.authority, world["coordinator"], given_name="Alex")
    record(AuditAction.VIEW, actor=world["panel_member"], obj=stranger)
    flagged = queries.out_of_role_views(world.authority, days_ago(1), days_ago(0))
    assert [v.event.person_id for v in flagged] == [stranger.pk]
    assert flagged[0].why.startswith("Panel member")


def test_unusual_volume_compares_with_the_role_median(world) -> None:
    sample = casework_scenario(world)
    second_lead = Membership.objects.create(
        user=world["chair"], role=Role.PREVENT_LEAD, authority=world.authority
    )
    assert second_lead.pk
    for _ in range(2):
        record(AuditAction.VIEW, actor=world["coordinator"], obj=sample["person"])
    for _ in range(30):
        record(AuditAction.VIEW, actor=world["other_coordinator"], obj=sample["person"])
    record(AuditAction.EXPORT, actor=world["coordinator"], obj=sample["person"])
    rows = {r.username: r for r in queries.view_volumes(world.authority, days_ago(0), days_ago(0))}
    assert rows["coordinator"].views >= 2 and rows["coordinator"].exports == 1
    assert not rows["coordinator"].unusual
    assert (
        rows["other_coordinator"].views == 30
        and rows["other_coordinator"].role == "No current role"
    )
    exports = queries.personal_data_exports(world.authority, days_ago(0), days_ago(0))
    assert [e.actor_username for e in exports] == ["coordinator"]


def test_access_review_is_only_for_the_auditor(world, as_user) -> None:
    for persona in ("coordinator", "chair", "panel_member", "analyst"):
        assert as_user(world[persona]).get("/privacy/access-review/").status_code == 403


# --------------------------------------------------------------------------------------
# Step-up


def _backup_code(user, code: str = "12345678") -> str:
    device = StaticDevice.objects.create(user=user, name="Backup codes")
    StaticToken.objects.create(device=device, token=code)
    return code


WHY = "Preparing the panel paper (test)."


def test_police_information_needs_the_second_factor_again(world, as_user) -> None:
    referral = casework_scenario(world)["referral"]
    web = as_user(world["coordinator"])
    url = f"/casework/referrals/{referral.pk}/"
    page = web.get(url).content.decode()
    assert "Police information (test)." not in page
    assert f"/privacy/reveal/referral/{referral.pk}/" in page

    wrong = web.post(
        f"/privacy/reveal/referral/{referral.pk}/", {"code": "00000000", "reason": WHY}
    )
    assert wrong.status_code == 400 and "not correct" in wrong.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()

    code = _backup_code(world["coordinator"])
    response = web.post(f"/privacy/reveal/referral/{referral.pk}/", {"code": code, "reason": WHY})
    assert response.status_code == 302 and response["Location"].startswith(url)
    assert "Police information (test)." in web.get(url).content.decode()
    reveal = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert (
        reveal.person_id == referral.person_id and reveal.detail["revealed"] == "police information"
    )

    # The grant lasts ten minutes.
    session = web.session
    session["privacy_reveals"] = {f"referral:{referral.pk}": time.time() - 1}
    session.save()
    assert "Police information (test)." not in web.get(url).content.decode()


def test_health_details_need_the_second_factor_again(world, as_user) -> None:
    from dueregard.casework.tests.factories import make_person

    person = make_person(world.authority, world["coordinator"], health_details="Asthma (test).")
    web = as_user(world["coordinator"])
    assert "Asthma (test)." not in web.get(f"/casework/people/{person.pk}/").content.decode()
    code = _backup_code(world["coordinator"])
    reveal = web.post(f"/privacy/reveal/person/{person.pk}/", {"code": code, "reason": WHY})
    assert reveal.status_code == 302
    assert "Asthma (test)." in web.get(f"/casework/people/{person.pk}/").content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.REVEAL, person_id=person.pk).exists()


def test_reveal_of_another_authority_case_is_not_found(world, as_user) -> None:
    referral = casework_scenario(world)["referral"]
    web = as_user(world["other_coordinator"])
    assert web.get(f"/privacy/reveal/referral/{referral.pk}/").status_code == 404
    own = as_user(world["coordinator"])
    assert own.get(f"/privacy/reveal/nothing/{referral.pk}/").status_code == 404
    assert own.get(f"/privacy/reveal/referral/{referral.pk}/").status_code == 200


# --------------------------------------------------------------------------------------
# Sharing


def test_sharing_is_recorded_listed_and_exported(world, as_user) -> None:
    referral = casework_scenario(world)["referral"]
    web = as_user(world["coordinator"])
    day = referral.received_on
    bad = web.post("/privacy/sharing/new/", {"referral": referral.pk, "direction": "to"})
    assert bad.status_code == 400 and "Enter" in bad.content.decode()
    assert not SharingRecord.objects.exists()
    response = web.post(
        "/privacy/sharing/new/",
        {
            "referral": referral.pk,
            "direction": "from",
            "partner": "Testborough Children's Services",
            "purpose": "=Safeguarding check (test).",
            "lawful_basis": "safeguarding",
            "what_was_shared": "Known to early help (test).",
            "shared_on_day": str(day.day),
            "shared_on_month": str(day.month),
            "shared_on_year": str(day.year),
        },
    )
    assert response.status_code == 302
    item = SharingRecord.objects.get()
    assert item.shared_by == world["coordinator"] and item.referral == referral
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="privacy.sharingrecord"
    ).exists()

    detail = web.get(f"/privacy/sharing/{item.pk}/")
    assert "Known to early help (test)." in detail.content.decode()
    csv_text = web.get("/privacy/sharing/export.csv").content.decode()
    assert "'=Safeguarding check (test)." in csv_text  # formula injection escaped
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="privacy.sharingrecord"
    ).exists()

    # The auditor reads; the panel member and the other authority do not see it.
    assert as_user(world["auditor"]).get(f"/privacy/sharing/{item.pk}/").status_code == 200
    assert as_user(world["auditor"]).get("/privacy/sharing/new/").status_code == 403
    assert (
        as_user(world["other_coordinator"]).get(f"/privacy/sharing/{item.pk}/").status_code == 404
    )
    assert as_user(world["panel_member"]).get(f"/privacy/sharing/{item.pk}/").status_code == 404


def test_panel_agency_without_a_current_agreement_is_warned(world, as_user) -> None:
    casework_scenario(world)  # a panel with the mental health trust and Probation
    lead = world["coordinator"]
    services.record_agreement(
        world.authority,
        partner="Testborough Mental Health Trust",
        starts_on=days_ago(300),
        ends_on=None,
        acting_user=lead,
    )
    services.record_agreement(
        world.authority,
        partner="Probation",
        starts_on=days_ago(900),
        ends_on=days_ago(10),
        acting_user=lead,
    )
    missing = queries.agencies_without_agreement(
        queries.authorities_for(lead, queries.Kind.SHARING, queries.Action.LIST), days_ago(0)
    )
    assert [m.agency for m in missing] == ["Probation"]
    page = as_user(lead).get("/privacy/agreements/").content.decode()
    assert "No current data-sharing agreement with: Probation" in page
    home = as_user(lead).get("/").content.decode()
    assert "without a current data-sharing agreement</a>: <strong>1</strong>" in home
    # The panel's own page warns whoever may see the agreements, naming the agency.
    panel = Panel.objects.get(members__agency="Probation", authority=world.authority)
    url = reverse("casework:panel", args=[panel.pk])
    notice = "Probation has no current data-sharing agreement (1 standing member)."
    panel_page = as_user(lead).get(url).content.decode()
    assert notice in panel_page
    assert "Testborough Mental Health Trust has no current" not in panel_page
    assert notice in as_user(world["chair"]).get(url).content.decode()
    # A panel member reads the panel's page but not the agreements, so is not told.
    member_page = as_user(world["panel_member"]).get(url)
    assert member_page.status_code == 200
    assert "data-sharing agreement" not in member_page.content.decode()


# --------------------------------------------------------------------------------------
# Retention pages


def test_legal_hold_is_placed_and_lifted_with_a_reason(world, as_user) -> None:
    person = scenario(world)["person"]
    web = as_user(world["coordinator"])
    assert (
        web.post(f"/privacy/retention/people/{person.pk}/legal-hold/", {"reason": ""}).status_code
        == 400
    )
    assert (
        web.post(
            f"/privacy/retention/people/{person.pk}/legal-hold/",
            {"change": "place", "reason": "Complaint (test)"},
        ).status_code
        == 302
    )
    person.refresh_from_db()
    assert person.legal_hold and person.legal_hold_reason == "Complaint (test)"
    web.post(
        f"/privacy/retention/people/{person.pk}/legal-hold/",
        {"change": "lift", "reason": "Closed (test)"},
    )
    person.refresh_from_db()
    assert not person.legal_hold
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CHANGE, person_id=person.pk, detail__fields="legal_hold"
        ).count()
        == 2
    )
    assert (
        as_user(world["auditor"])
        .post(
            f"/privacy/retention/people/{person.pk}/legal-hold/", {"change": "place", "reason": "x"}
        )
        .status_code
        == 403
    )


def test_retention_rule_is_changed_by_the_lead(world, as_user) -> None:
    web = as_user(world["coordinator"])
    bad = web.post(
        "/privacy/retention/rules/", {"record_class": "channel", "review_after_years": "0"}
    )
    assert bad.status_code == 400 and "from 1 to 100" in bad.content.decode()
    ok = web.post(
        "/privacy/retention/rules/", {"record_class": "channel", "review_after_years": "7"}
    )
    assert ok.status_code == 302
    page = web.get("/privacy/retention/").content.decode()
    assert "Channel case: 7 years from the last post-exit review" in page
    assert as_user(world["auditor"]).get("/privacy/retention/").status_code == 200
    assert as_user(world["auditor"]).get("/privacy/retention/rules/").status_code == 403
